"""The Discord client: `/brief` (read) and `/brief-admin` (admin) command groups, wired to handlers.

Discord accepts ``default_member_permissions`` only on top-level commands, so the admin
subcommands live in their own group, ``/brief-admin``, hidden by default from members without
Manage Server (and checked again on our side, see ``Handlers.admin``). The message context
menu "Add to briefings" is admin-only the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from adapters.discord import words
from adapters.discord.buttons import BriefButton
from adapters.discord.feeds import FeedHandlers
from adapters.discord.handlers import Handlers
from adapters.discord.words import HelpLine
from briefings.clock import Clock

if TYPE_CHECKING:
    from briefings.service import BriefingService

log = logging.getLogger(__name__)

# Guilds (for the guild list and permissions) needs no privileged intent; no message content.
INTENTS = discord.Intents(guilds=True)

_READ_CONTEXTS = app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=False)
_GUILD_CONTEXT = app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False)
_INSTALLS = app_commands.AppInstallationType(guild=True, user=False)


class BriefGroup(app_commands.Group):
    """`/brief`: read commands, for everyone, in servers and DMs."""

    def __init__(self, handlers: Handlers) -> None:
        super().__init__(
            name="brief",
            description="News briefings: stories, summaries and key facts",
            allowed_contexts=_READ_CONTEXTS,
            allowed_installs=_INSTALLS,
        )
        self.handlers = handlers

    @app_commands.command(name="show", description="Show a story's brief")
    @app_commands.describe(story="A story's name (slug), alias, or words from its title")
    async def show(self, interaction: discord.Interaction, story: str) -> None:
        """Show a story's brief."""
        await self.handlers.on_show(interaction, story)

    @app_commands.command(name="list", description="List the latest stories")
    async def list_(self, interaction: discord.Interaction) -> None:
        """List the latest stories."""
        await self.handlers.on_list(interaction)

    @app_commands.command(name="search", description="Search every story and article")
    @app_commands.describe(words="Words to look for")
    async def search(self, interaction: discord.Interaction, words: str) -> None:
        """Search the stories."""
        await self.handlers.on_search(interaction, words)

    @app_commands.command(name="sources", description="List a story's sources")
    @app_commands.describe(story="A story's name (slug) or alias")
    async def sources(self, interaction: discord.Interaction, story: str) -> None:
        """List a story's sources."""
        await self.handlers.on_sources(interaction, story)

    @app_commands.command(name="facts", description="Show only a story's key facts")
    @app_commands.describe(story="A story's name (slug) or alias")
    async def facts(self, interaction: discord.Interaction, story: str) -> None:
        """Show a story's key facts."""
        await self.handlers.on_facts(interaction, story)

    @app_commands.command(name="changes", description="Show what the latest updates of a story's brief added")
    @app_commands.describe(story="A story's name (slug), alias, or words from its title")
    async def changes(self, interaction: discord.Interaction, story: str) -> None:
        """Show what's new in a story."""
        await self.handlers.on_changes(interaction, story)

    @app_commands.command(name="help", description="Show what Briefbot can do")
    async def help_(self, interaction: discord.Interaction) -> None:
        """Show the commands."""
        await self.handlers.on_help(interaction)

    digest = app_commands.Group(name="digest", description="This channel's daily digests")

    @digest.command(name="status", description="This channel's digests: next run, last delivery, failures")
    async def digest_status(self, interaction: discord.Interaction) -> None:
        """Show this channel's digests."""
        await self.handlers.on_digest_status(interaction)

    @digest.command(name="preview", description="See what this channel's digest would post now (only you)")
    @app_commands.describe(id="Which digest (see status; default: the first)")
    async def digest_preview(self, interaction: discord.Interaction, id: int | None = None) -> None:  # noqa: A002
        """Preview a digest privately."""
        await self.handlers.on_digest_preview(interaction, id)

    @show.autocomplete("story")
    @sources.autocomplete("story")
    @facts.autocomplete("story")
    @changes.autocomplete("story")
    async def _story(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self.handlers.complete_story(current)


class BriefAdminGroup(app_commands.Group):
    """`/brief-admin`: add, remove, rename, alias, merge, move, digests and feeds (Manage Server by default)."""

    def __init__(self, handlers: Handlers) -> None:
        super().__init__(
            name="brief-admin",
            description="Add and manage Briefbot stories",
            default_permissions=discord.Permissions(manage_guild=True),
            allowed_contexts=_GUILD_CONTEXT,
            allowed_installs=_INSTALLS,
        )
        self.handlers = handlers
        self.feeds = FeedHandlers(handlers)

    @app_commands.command(name="add", description="Add an article by URL, or open a form to paste one")
    @app_commands.describe(
        url="The article's web address (leave empty to paste text)",
        story="Add it to this story (default: best match or a new story)",
    )
    async def add(self, interaction: discord.Interaction, url: str | None = None, story: str | None = None) -> None:
        """Add an article."""
        if url:
            await self.handlers.on_add_url(interaction, url, story)
        else:
            await self.handlers.on_add_form(interaction)

    @app_commands.command(name="remove", description="Remove a story, or one article by its id")
    @app_commands.describe(target="A story's name (slug), alias, or an article id")
    async def remove(self, interaction: discord.Interaction, target: str) -> None:
        """Remove a story or an article."""
        await self.handlers.on_remove(interaction, target)

    @app_commands.command(name="rename", description="Give a story a new name (slug)")
    @app_commands.describe(story="The story to rename", new="Its new slug")
    async def rename(self, interaction: discord.Interaction, story: str, new: str) -> None:
        """Rename a story."""
        await self.handlers.on_rename(interaction, story, new)

    @app_commands.command(name="alias", description="Add another name that opens a story")
    @app_commands.describe(story="The story", alias="The other name")
    async def alias(self, interaction: discord.Interaction, story: str, alias: str) -> None:
        """Add an alias."""
        await self.handlers.on_alias(interaction, story, alias)

    @app_commands.command(name="merge", description="Merge a story into another (its name keeps working)")
    @app_commands.describe(story="The story to merge (it goes away)", into="The story that takes its articles")
    async def merge(self, interaction: discord.Interaction, story: str, into: str) -> None:
        """Merge one story into another."""
        await self.handlers.on_merge(interaction, story, into)

    @app_commands.command(name="move", description="Move an article to another story, or to a new one")
    @app_commands.describe(
        article="The article's id (listed with the story's sources)",
        story="Move it to this story (leave empty for a new story)",
        new_story="The new story's slug (default: from the article's title)",
    )
    async def move(
        self,
        interaction: discord.Interaction,
        article: app_commands.Range[int, 1],
        story: str | None = None,
        new_story: app_commands.Range[str, 1, 64] | None = None,
    ) -> None:
        """Move an article."""
        await self.handlers.on_move(interaction, article, story, new_story)

    # Setting and stopping digests changes what the channel receives: an admin action, so it lives
    # here under Manage Server (Discord allows default permissions only on top-level commands).
    digest = app_commands.Group(name="digest", description="Set or stop this channel's daily digests")

    @digest.command(name="on", description="Post a daily digest in this channel")
    @app_commands.describe(
        time="Local time, HH:MM (24-hour), e.g. 08:30",
        zone="IANA time zone, e.g. Asia/Tokyo",
        topics="Only stories about these (comma-separated, or words)",
        weekdays="Monday to Friday only",
        always="Post a short line even when nothing changed",
    )
    async def digest_on(
        self,
        interaction: discord.Interaction,
        time: app_commands.Range[str, 1, 10],
        zone: app_commands.Range[str, 1, 64],
        topics: app_commands.Range[str, 1, 300] | None = None,
        weekdays: bool = False,
        always: bool = False,
    ) -> None:
        """Set a digest."""
        await self.handlers.on_digest_on(
            interaction, time=time, zone=zone, topics=topics, weekdays=weekdays, always=always
        )

    @digest.command(name="off", description="Stop this channel's digests (all, or one by id)")
    @app_commands.describe(id="Which digest (see /brief digest status; default: all)")
    async def digest_off(self, interaction: discord.Interaction, id: int | None = None) -> None:  # noqa: A002
        """Stop digests."""
        await self.handlers.on_digest_off(interaction, id)

    # News feeds that bring articles in by themselves; notices about a feed go to the channel it was added in.
    feed = app_commands.Group(name="feed", description="Follow news feeds (RSS, Atom, JSON Feed)")

    @feed.command(name="add", description="Follow a news feed, or the feed a web page links to")
    @app_commands.describe(
        url="The feed's address, or a web page that links to its feed",
        story="Send every item to this story (default: each joins the story of its event)",
        every="How often to poll, e.g. 15m, 1h (5m to 7d; default 15m)",
        name="A short name for lists and digests (default: the feed's title)",
    )
    async def feed_add(
        self,
        interaction: discord.Interaction,
        url: app_commands.Range[str, 1, 2000],
        story: app_commands.Range[str, 1, 64] | None = None,
        every: app_commands.Range[str, 1, 10] | None = None,
        name: app_commands.Range[str, 1, 80] | None = None,
    ) -> None:
        """Follow a feed."""
        await self.feeds.on_add(interaction, url, story=story, every=every, name=name)

    @feed.command(name="list", description="The feeds: interval, last success, items, errors, next poll")
    async def feed_list(self, interaction: discord.Interaction) -> None:
        """List the feeds."""
        await self.feeds.on_list(interaction)

    @feed.command(name="remove", description="Stop following a feed (its articles stay)")
    @app_commands.describe(id="The feed's id (see /brief-admin feed list)")
    async def feed_remove(self, interaction: discord.Interaction, id: app_commands.Range[int, 1]) -> None:  # noqa: A002
        """Stop following a feed."""
        await self.feeds.on_remove(interaction, id)

    @feed.command(name="pause", description="Stop polling a feed for now")
    @app_commands.describe(id="The feed's id (see /brief-admin feed list)")
    async def feed_pause(self, interaction: discord.Interaction, id: app_commands.Range[int, 1]) -> None:  # noqa: A002
        """Pause a feed."""
        await self.feeds.on_pause(interaction, id, paused=True)

    @feed.command(name="resume", description="Poll a paused feed again (its errors are cleared)")
    @app_commands.describe(id="The feed's id (see /brief-admin feed list)")
    async def feed_resume(self, interaction: discord.Interaction, id: app_commands.Range[int, 1]) -> None:  # noqa: A002
        """Resume a feed."""
        await self.feeds.on_pause(interaction, id, paused=False)

    @digest_on.autocomplete("zone")
    async def _zone(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self.handlers.complete_zone(current)

    @add.autocomplete("story")
    @remove.autocomplete("target")
    @rename.autocomplete("story")
    @alias.autocomplete("story")
    @merge.autocomplete("story")
    @merge.autocomplete("into")
    @move.autocomplete("story")
    @feed_add.autocomplete("story")
    async def _story(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self.handlers.complete_story(current)


class BriefbotClient(discord.Client):
    """A discord.Client with Briefbot's command tree and persistent brief buttons."""

    def __init__(self, handlers: Handlers, **options: Any) -> None:
        options.setdefault("intents", INTENTS)
        options.setdefault("allowed_mentions", discord.AllowedMentions.none())
        super().__init__(**options)
        self.handlers = handlers
        self.tree: app_commands.CommandTree[BriefbotClient] = app_commands.CommandTree(self)
        self.tree.on_error = handlers.on_error  # type: ignore[method-assign]
        self.tree.add_command(BriefGroup(handlers))
        self.tree.add_command(BriefAdminGroup(handlers))
        menu = app_commands.ContextMenu(
            name="Add to briefings",
            callback=self._add_to_briefings,
            allowed_contexts=_GUILD_CONTEXT,
            allowed_installs=_INSTALLS,
        )
        menu.default_permissions = discord.Permissions(manage_guild=True)
        self.tree.add_command(menu)
        handlers.help_lines = self.help_lines
        handlers.command_usages = self.command_usages

    async def _add_to_briefings(self, interaction: discord.Interaction, message: discord.Message) -> None:
        await self.handlers.on_add_message(interaction, message)

    async def setup_hook(self) -> None:
        """Listen to brief buttons on any message, including those sent before a restart."""
        self.add_dynamic_items(BriefButton)

    def command_usages(self) -> dict[str, str]:
        """Return every slash command of the tree by qualified name, with its usage ('/brief show story:')."""
        usages: dict[str, str] = {}
        for command in self.tree.get_commands(type=discord.AppCommandType.chat_input):
            subs = command.walk_commands() if isinstance(command, app_commands.Group) else [command]
            for sub in subs:
                if isinstance(sub, app_commands.Command):
                    params = [f"{p.display_name}:" if p.required else f"[{p.display_name}:]" for p in sub.parameters]
                    usages[sub.qualified_name] = " ".join([f"/{sub.qualified_name}", *params])
        return usages

    def help_lines(self) -> list[HelpLine]:
        """Return the core's help in Discord's command forms, only for commands the tree defines."""
        return words.help_lines(defined=self.command_usages())


def build_client(
    service: BriefingService,
    *,
    admins: Iterable[str | int] = (),
    clock: Clock | None = None,
    **options: Any,
) -> BriefbotClient:
    """Build the Briefbot Discord client over ``service`` (options go to ``discord.Client``)."""
    handlers = Handlers(service, admins=admins, clock=clock)
    return BriefbotClient(handlers, **options)
