"""Thin handlers for Discord interactions: parse, call the service, render, reply.

The one error edge is ``on_error``: a ``BriefingError`` becomes a polite ephemeral reply (its hints
worded as Discord commands), a stale command (one Discord still shows from an older registration)
is answered with the command to use and how to re-sync, anything else is logged with
``log.exception`` and answered with a short apology.
"""

from __future__ import annotations

import functools
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from adapters.discord import digest, limits, render, words
from adapters.discord.buttons import Action
from briefings.clock import Clock, SystemClock
from briefings.digests import all_zones
from briefings.errors import BriefingError, InvalidInput, PermissionDenied
from briefings.models import Actor

if TYPE_CHECKING:
    from briefings.service import BriefingService

log = logging.getLogger(__name__)

NONE = discord.AllowedMentions.none()
_URL = re.compile(r"https?://[^\s<>\"'`|]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}>\u201d\u2019"


def first_url(text: str | None) -> str | None:
    """Return the first http(s) link in ``text`` (without trailing punctuation), or None."""
    match = _URL.search(text or "")
    return match.group(0).rstrip(_TRAILING) if match else None


def _detached(view: discord.ui.View | None) -> discord.ui.View | None:
    # Stop the view before sending so discord.py does not keep it per message: the buttons are
    # dispatched by BriefButton's custom_id template, registered once with add_dynamic_items.
    # (An ephemeral view that times out would otherwise unregister that template for everyone.)
    if view is not None:
        view.stop()
    return view


async def reply(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    ephemeral: bool = True,
) -> None:
    """Answer an interaction once, whatever state it is in, with mentions disabled."""
    text = limits.clip_content(content) if content else None
    kwargs: dict[str, Any] = {"allowed_mentions": NONE}
    if embed is not None:
        kwargs["embed"] = embed
    if view is not None:
        kwargs["view"] = _detached(view)
    if not interaction.response.is_done():
        await interaction.response.send_message(text, ephemeral=ephemeral, **kwargs)
    elif interaction.response.type in (
        discord.InteractionResponseType.deferred_channel_message,
        discord.InteractionResponseType.deferred_message_update,
    ):
        await interaction.edit_original_response(content=text, **kwargs)
    else:
        await interaction.followup.send(text or discord.utils.MISSING, ephemeral=ephemeral, **kwargs)


@functools.cache
def _zones() -> tuple[str, ...]:
    return tuple(all_zones())


class Handlers:
    """Every `/brief` action on Discord, over one BriefingService."""

    def __init__(
        self,
        service: BriefingService,
        *,
        admins: Iterable[str | int] = (),
        clock: Clock | None = None,
        help_lines: Callable[[], Sequence[words.HelpLine]] = words.help_lines,
        command_usages: Callable[[], Mapping[str, str]] = dict,
    ) -> None:
        self.service = service
        # told of every button click answered: ("button", "ok" | "refused" | "error", seconds), e.g. for metrics
        self.on_outcome: Callable[[str, str, float], None] | None = None
        self.admins = frozenset(str(a).strip() for a in admins if str(a).strip())
        self.clock: Clock = clock or SystemClock()
        self.help_lines = help_lines
        # The slash commands this bot defines now, by qualified name, with their usage (set by the client).
        self.command_usages = command_usages

    # -- who asks ------------------------------------------------------------------------------

    def actor(self, interaction: discord.Interaction) -> Actor:
        """Return the Actor for the user behind ``interaction``; admin = Manage Server or listed."""
        user = interaction.user
        in_guild = interaction.guild_id is not None
        perms = interaction.permissions
        is_admin = in_guild and (str(user.id) in self.admins or perms.manage_guild or perms.administrator)
        return Actor(platform="discord", user_id=str(user.id), name=user.name, is_admin=bool(is_admin))

    def admin(self, interaction: discord.Interaction, action: str) -> Actor:
        """Return the admin Actor, or raise PermissionDenied (enforced here, not only by Discord)."""
        if interaction.guild_id is None:
            raise PermissionDenied("Admin commands work only in a server channel, not in direct messages.")
        actor = self.actor(interaction)
        if not actor.is_admin:
            log.warning(
                "refused discord admin action %s for %s in guild %s", action, actor.label(), interaction.guild_id
            )
            raise PermissionDenied(
                "Sorry, only Briefbot admins (Manage Server permission, or listed in BRIEFBOT_ADMINS) "
                "can do that. Nothing was changed."
            )
        log.info(
            "discord admin action %s by %s in guild %s channel %s at %s",
            action,
            actor.label(),
            interaction.guild_id,
            interaction.channel_id,
            self.clock.now().isoformat(),
        )
        return actor

    # -- read commands -------------------------------------------------------------------------

    async def on_show(self, interaction: discord.Interaction, story: str) -> None:
        """Show a story's brief, privately, with its buttons (saying which story, when found by spelling or words)."""
        found = await self.service.lookup(story)
        brief = found.brief
        note = None if found.exact else render.render_showing(brief.story.slug, found.query)
        view = render.render_brief_view(
            brief.story.slug, postable=interaction.guild_id is not None, changes=brief.version > 1
        )
        await reply(interaction, note, embed=render.render_brief(brief), view=view)

    async def on_changes(self, interaction: discord.Interaction, story: str) -> None:
        """Show what the latest updates of a story's brief added, newest first, privately."""
        brief = await self.service.find(story)
        changes = await self.service.changes(brief.story.slug)
        await reply(interaction, embed=render.render_changes(brief, changes))

    async def on_sources(self, interaction: discord.Interaction, story: str) -> None:
        """Show a story's sources."""
        brief = await self.service.find(story)
        await reply(interaction, embed=render.render_sources(brief))

    async def on_facts(self, interaction: discord.Interaction, story: str) -> None:
        """Show a story's key-fact card."""
        brief = await self.service.find(story)
        await reply(interaction, embed=render.render_facts(brief))

    async def on_list(self, interaction: discord.Interaction) -> None:
        """List the latest stories."""
        stories = await self.service.list_stories(10)
        await reply(interaction, embed=render.render_list(stories))

    async def on_search(self, interaction: discord.Interaction, words: str) -> None:
        """Search the stories."""
        hits = await self.service.search(words, 10)
        await reply(interaction, embed=render.render_search(words, hits))

    async def on_help(self, interaction: discord.Interaction) -> None:
        """Show the commands."""
        await reply(interaction, embed=render.render_help(self.help_lines()))

    # -- digests (status and preview for everyone; on and off are admin, in /brief-admin) ----------

    def _digest_channel(self, interaction: discord.Interaction) -> str:
        if interaction.guild_id is None or interaction.channel_id is None:
            raise InvalidInput("Digests are posted in server channels, not in direct messages.")
        return str(interaction.channel_id)

    async def on_digest_status(self, interaction: discord.Interaction) -> None:
        """Show this channel's digests: next run (local and UTC), last delivery, last failure."""
        channel = self._digest_channel(interaction)
        statuses = await self.service.digests.status(platform="discord", channel_id=channel)
        await reply(interaction, embed=digest.render_digest_status(statuses))

    async def on_digest_preview(self, interaction: discord.Interaction, digest_id: int | None = None) -> None:
        """Show what this channel's digest would post now, to the caller only."""
        channel = self._digest_channel(interaction)
        composed = await self.service.digests.preview(platform="discord", channel_id=channel, digest_id=digest_id)
        messages = digest.render_digest_preview(composed)
        first, rest = messages[0], messages[1:]
        await interaction.response.send_message(
            first.content, embeds=first.embeds, ephemeral=True, allowed_mentions=NONE
        )
        for message in rest:
            await interaction.followup.send(
                message.content or discord.utils.MISSING, embeds=message.embeds, ephemeral=True, allowed_mentions=NONE
            )

    async def on_digest_on(
        self,
        interaction: discord.Interaction,
        *,
        time: str,
        zone: str,
        topics: str | None = None,
        weekdays: bool = False,
        always: bool = False,
    ) -> None:
        """Subscribe this channel to a daily digest (admin)."""
        actor = self.admin(interaction, "digest-on")
        channel = self._digest_channel(interaction)
        text = (topics or "").strip()
        # "japan, defence spending" is two topics; without commas every word is one (as on Slack).
        parts = text.split(",") if "," in text else text.split()
        status = await self.service.digests.on(
            platform="discord",
            channel_id=channel,
            at=time,
            tz=zone,
            actor=actor,
            topics=[w.strip() for w in parts if w.strip()],
            weekdays_only=weekdays,
            post_when_empty=always,
        )
        await reply(interaction, digest.render_digest_set(status))

    async def on_digest_off(self, interaction: discord.Interaction, digest_id: int | None = None) -> None:
        """Stop one of this channel's digests, or all of them (admin)."""
        actor = self.admin(interaction, "digest-off")
        channel = self._digest_channel(interaction)
        stopped = await self.service.digests.off(
            platform="discord", channel_id=channel, actor=actor, digest_id=digest_id
        )
        await reply(interaction, digest.render_digest_stopped(stopped))

    async def complete_zone(self, current: str) -> list[app_commands.Choice[str]]:
        """Return at most 25 IANA zones matching what the user typed (prefix, then city, then contains)."""
        return [app_commands.Choice(name=z, value=z) for z in digest.zone_choices(_zones(), current)]

    async def complete_story(self, current: str) -> list[app_commands.Choice[str]]:
        """Return at most 25 stories matching what the user typed, best first."""
        try:
            stories = await self.service.complete(current, limits.CHOICES)
        except Exception:  # noqa: BLE001 - autocomplete has no error reply: log, offer nothing
            log.exception("discord autocomplete failed for %r", current[:100])
            return []
        return [
            app_commands.Choice(name=render.render_choice_name(s), value=s.slug[: limits.CHOICE_VALUE])
            for s in stories[: limits.CHOICES]
        ]

    # -- buttons -------------------------------------------------------------------------------

    async def on_button(self, interaction: discord.Interaction, action: Action, slug: str) -> None:
        """Answer Post to channel, Sources, Key facts only or What's new."""
        start, outcome = time.perf_counter(), "ok"
        try:
            await self._button(interaction, action, slug)
        except Exception as exc:  # noqa: BLE001 - the one error edge decides
            outcome = "refused" if isinstance(exc, BriefingError) else "error"
            await self.on_error(interaction, exc)
        finally:
            if self.on_outcome is not None:
                self.on_outcome("button", outcome, time.perf_counter() - start)

    async def _button(self, interaction: discord.Interaction, action: Action, slug: str) -> None:
        """Do what the button says (errors go to the caller's edge)."""
        brief = await self.service.brief(slug)
        if action == "sources":
            await reply(interaction, embed=render.render_sources(brief))
        elif action == "facts":
            await reply(interaction, embed=render.render_facts(brief))
        elif action == "changes":
            changes = await self.service.changes(slug)
            await reply(interaction, embed=render.render_changes(brief, changes))
        else:
            if interaction.guild_id is None:
                raise InvalidInput("There is no channel to post to in a direct message.")
            perms = interaction.permissions
            in_thread = isinstance(interaction.channel, discord.Thread)
            if not (perms.send_messages_in_threads if in_thread else perms.send_messages):
                raise PermissionDenied("You cannot send messages in this channel, so I won't post there.")
            view = render.render_brief_view(slug, postable=False, changes=brief.version > 1)
            log.info(
                "discord brief %s posted to channel %s by %s",
                slug,
                interaction.channel_id,
                self.actor(interaction).label(),
            )
            await reply(interaction, embed=render.render_brief(brief), view=view, ephemeral=False)

    # -- admin commands ------------------------------------------------------------------------

    async def on_add_url(self, interaction: discord.Interaction, url: str, story: str | None) -> None:
        """Fetch and add an article: defer first (fetching takes seconds), then edit the answer."""
        actor = self.admin(interaction, "add")
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.service.add_url(url.strip(), actor=actor, story=story or None)
        await reply(interaction, render.render_added(result))

    async def on_add_form(self, interaction: discord.Interaction) -> None:
        """Open the add-an-article form."""
        self.admin(interaction, "add-form")
        await interaction.response.send_modal(AddArticleModal(self, interaction.id))

    async def on_add_submit(
        self, interaction: discord.Interaction, *, title: str, url: str, story: str, text: str
    ) -> None:
        """Add the article from the submitted form (pasted text, or else the URL)."""
        actor = self.admin(interaction, "add")
        if not text.strip() and not url.strip():
            raise InvalidInput("Paste the article's text, or give its URL.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        if text.strip():
            result = await self.service.add_text(
                text,
                actor=actor,
                title=title.strip() or None,
                url=url.strip() or None,
                story=story.strip() or None,
            )
        else:
            result = await self.service.add_url(url.strip(), actor=actor, story=story.strip() or None)
        await reply(interaction, render.render_added(result))

    async def on_add_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Add the article linked in a message (the "Add to briefings" context menu)."""
        actor = self.admin(interaction, "add-from-message")
        url = first_url(message.content) or next((e.url for e in message.embeds if e.url and first_url(e.url)), None)
        if url is None:
            raise InvalidInput("That message has no link to add.", hints=("paste_text",))
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.service.add_url(url, actor=actor)
        await reply(interaction, render.render_added(result))

    async def on_remove(self, interaction: discord.Interaction, target: str) -> None:
        """Remove a story or one article."""
        actor = self.admin(interaction, "remove")
        result = await self.service.remove(target, actor=actor)
        await reply(interaction, render.render_removed(result))

    async def on_rename(self, interaction: discord.Interaction, old: str, new: str) -> None:
        """Rename a story."""
        actor = self.admin(interaction, "rename")
        ref = await self.service.rename(old, new, actor=actor)
        await reply(interaction, render.render_renamed(old, ref))

    async def on_alias(self, interaction: discord.Interaction, story: str, alias: str) -> None:
        """Add an alias to a story."""
        actor = self.admin(interaction, "alias")
        ref = await self.service.alias(story, alias, actor=actor)
        await reply(interaction, render.render_aliased(alias.strip().lower(), ref))

    async def on_merge(self, interaction: discord.Interaction, story: str, into: str) -> None:
        """Merge one story into another (its articles join; its name opens the other from now on)."""
        actor = self.admin(interaction, "merge")
        result = await self.service.merge(story, into, actor=actor)
        await reply(interaction, render.render_merged(result))

    async def on_move(
        self, interaction: discord.Interaction, article: int, story: str | None, new_story: str | None
    ) -> None:
        """Move an article to ``story``, or (no story) to a new one, named ``new_story`` or after its title."""
        actor = self.admin(interaction, "move")
        target = (story or "").strip() or None
        named = (new_story or "").strip() or None
        result = await self.service.move(article, target, actor=actor, new_story=named)
        await reply(interaction, render.render_moved(result))

    # -- the error edge ------------------------------------------------------------------------

    def stale_command(self, error: app_commands.CommandNotFound | app_commands.CommandSignatureMismatch) -> str:
        """Answer a command Discord still shows from an older registration: what to use now, how to re-sync."""
        usages = self.command_usages()
        if isinstance(error, app_commands.CommandSignatureMismatch):
            return limits.clip_content(words.changed(usages.get(error.command.qualified_name)))
        if error.type is not discord.AppCommandType.chat_input:
            return limits.clip_content(words.gone_menu())
        # The same subcommand under another top-level command: `/brief add` became `/brief-admin add`.
        tail = [*error.parents, error.name][1:]
        moved = [name for name in usages if tail and name.split()[1:] == tail]
        if moved:
            return limits.clip_content(words.moved(usages[moved[0]]))
        return limits.clip_content(words.gone())

    async def on_error(self, interaction: discord.Interaction, error: BaseException) -> None:
        """Turn an error into a polite private reply; log what is not a BriefingError."""
        if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
            error = error.__cause__ or error
        if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
            log.warning("discord interaction %s used a stale command: %s", interaction.id, error)
            if interaction.type is discord.InteractionType.autocomplete:
                if not interaction.response.is_done():  # an autocomplete cannot show a message: offer nothing
                    await interaction.response.autocomplete([])
                return
            text = self.stale_command(error)
        elif isinstance(error, BriefingError):
            text = render.render_error(error)
        elif isinstance(error, app_commands.NoPrivateMessage):
            text = "This command works only in a server channel."
        elif isinstance(error, app_commands.CheckFailure):
            text = "You cannot use this command here."
        else:
            log.exception("discord interaction %s failed", interaction.id, exc_info=error)
            text = "Sorry, something went wrong on my side. It has been logged."
        try:
            await reply(interaction, text)
        except discord.HTTPException:
            log.exception("could not send the error reply for interaction %s", interaction.id)


class AddArticleModal(discord.ui.Modal):
    """The add-an-article form: title, URL, story and pasted text."""

    def __init__(self, handlers: Handlers, interaction_id: int) -> None:
        super().__init__(title="Add an article", custom_id=f"brief:add:{interaction_id}", timeout=1800)
        self.handlers = handlers
        self.article_title: discord.ui.TextInput[AddArticleModal] = discord.ui.TextInput(
            label="Title",
            custom_id="title",
            required=False,
            max_length=256,
        )
        self.url: discord.ui.TextInput[AddArticleModal] = discord.ui.TextInput(
            label="URL",
            custom_id="url",
            required=False,
            max_length=2000,
            placeholder="https://… (fetched when no text is pasted)",
        )
        self.story: discord.ui.TextInput[AddArticleModal] = discord.ui.TextInput(
            label="Story (slug, optional)",
            custom_id="story",
            required=False,
            max_length=64,
            placeholder="leave empty to match or start a story",
        )
        self.text: discord.ui.TextInput[AddArticleModal] = discord.ui.TextInput(
            label="Article text",
            custom_id="text",
            required=False,
            style=discord.TextStyle.paragraph,
            max_length=limits.INPUT_VALUE,
        )
        for item in (self.article_title, self.url, self.story, self.text):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Hand the form to the handlers."""
        await self.handlers.on_add_submit(
            interaction,
            title=self.article_title.value or "",
            url=self.url.value or "",
            story=self.story.value or "",
            text=self.text.value or "",
        )

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:  # type: ignore[override]
        """Send failures to the one error edge."""
        await self.handlers.on_error(interaction, error)
