"""The Slack listeners: `/brief` and its subcommands, the card buttons, the message shortcut and the add modal.

Each listener parses, calls the service, renders and replies. All of them go through one error edge
(:meth:`BriefHandlers._edge`): a ``BriefingError`` becomes a polite reply (its hints worded as Slack
commands), anything else is logged with ``log.exception`` and answered with a generic apology. The
subcommands are an explicit table, :attr:`BriefHandlers.commands`.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import modal
from adapters.slack.admin import AdminPolicy
from adapters.slack.digest import (
    render_digest_off,
    render_digest_on,
    render_digest_preview,
    render_digest_status,
)
from adapters.slack.feed_commands import FeedCommands
from adapters.slack.render import (
    CHANGES,
    FACTS,
    SHARE,
    SHOW,
    SOURCES,
    UNDO,
    Message,
    render_added,
    render_aliased,
    render_brief,
    render_changes,
    render_facts,
    render_failure,
    render_fetching,
    render_help,
    render_merged,
    render_moved,
    render_notice,
    render_removed,
    render_renamed,
    render_search,
    render_slack_trouble,
    render_sources,
    render_story_list,
)
from adapters.slack.replies import InteractionReply, Reply, ViewReply
from adapters.slack.send import Responder, post_message
from adapters.slack.words import COMMAND
from briefings.clock import Clock
from briefings.commands import (
    DIGEST_ACTIONS,
    Command,
    CommandName,
    help_entries,
    parse_command,
    parse_digest,
    parse_move,
)
from briefings.errors import BriefingError, InvalidInput, PermissionDenied
from briefings.models import Actor, Brief
from briefings.service import BriefingService

log = logging.getLogger(__name__)

SHORTCUT_ID = "add_to_briefings"
LIST_LIMIT = 10
MODAL_STORIES = 100

_LINK_RE = re.compile(r"<(https?://[^|>\s]+)(?:\|[^>]*)?>|(?<![<|])\b(https?://[^\s<>|]+)")
_NOT_IN_CHANNEL = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action"}


# ----- helpers ---------------------------------------------------------------------------------


def links_in(message: dict[str, Any]) -> list[str]:
    """Return the http(s) links of a Slack message (its text and rich-text blocks), in order."""
    found: list[str] = []
    for a, b in _LINK_RE.findall(message.get("text") or ""):
        found.append(a or b)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "link" and isinstance(node.get("url"), str):
                found.append(node["url"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.get("blocks") or [])
    clean = [u.replace("&amp;", "&").rstrip(".,;:!?)") for u in found]
    return list(dict.fromkeys(u for u in clean if u.startswith(("http://", "https://"))))


def _command_name(text: str) -> str:
    """The `/brief` subcommand ``text`` asks for ("invalid" when it does not parse)."""
    try:
        return parse_command(text).name
    except BriefingError:
        return "invalid"


def _refuse(what: str) -> PermissionDenied:
    return PermissionDenied(f"Sorry, only Briefbot admins can {what}. Nothing was changed.")


@dataclass
class Ctx:
    """Who asked, where, and how to answer."""

    reply: InteractionReply
    user_id: str
    user_name: str | None
    channel_id: str | None
    trigger_id: str | None


Subcommand = Callable[[Ctx, Command], Awaitable[None]]
# told of every request a listener answered: its name (a `/brief` subcommand, "invalid", "button", "shortcut",
# "modal"), how it ended ("ok", "refused": a polite domain refusal, "error") and the seconds it took
OnOutcome = Callable[[str, str, float], None]


# ----- listeners -------------------------------------------------------------------------------


class BriefHandlers:
    """The `/brief` command, the card buttons, the message shortcut and the add modal."""

    def __init__(self, service: BriefingService, client: AsyncWebClient, admin: AdminPolicy,
                 clock: Clock, on_outcome: OnOutcome | None = None) -> None:
        self.on_outcome = on_outcome
        self.service = service
        self.client = client
        self.admin = admin
        self.clock = clock
        self.feeds = FeedCommands(service, self._admin)
        # Every `/brief` subcommand, by the name parse_command gives it.
        self.commands: Mapping[CommandName, Subcommand] = {
            "show": self.cmd_show,
            "list": self.cmd_list,
            "search": self.cmd_search,
            "help": self.cmd_help,
            "sources": self.cmd_sources,
            "facts": self.cmd_facts,
            "changes": self.cmd_changes,
            "add": self.cmd_add,
            "remove": self.cmd_remove,
            "rename": self.cmd_rename,
            "alias": self.cmd_alias,
            "merge": self.cmd_merge,
            "move": self.cmd_move,
            "digest": self.cmd_digest,
            "feed": self.cmd_feed,
        }

    def register(self, app: AsyncApp) -> None:
        """Attach every listener to ``app``."""
        app.command(COMMAND)(self.on_command)
        app.action(SHARE)(self.on_share)
        app.action(SOURCES)(self.on_sources)
        app.action(FACTS)(self.on_facts)
        app.action(CHANGES)(self.on_changes)
        app.action(re.compile(rf"^{SHOW}(:\d+)?$"))(self.on_show)
        app.action(UNDO)(self.on_undo)
        app.message_shortcut(SHORTCUT_ID)(self.on_message_shortcut)
        app.view(modal.CALLBACK_ID)(self.on_add_submission)

    async def _edge(self, reply: Reply, work: Awaitable[None], name: str = "button") -> None:
        """Run ``work``; turn domain errors into polite replies and log everything else; report the outcome."""
        start, outcome = time.perf_counter(), "error"
        try:
            await work
            outcome = "ok"
        except BriefingError as exc:
            log.info("refused: %s", exc.message, extra={"command": name})
            outcome = "refused"
            await reply.fail(exc)
        except SlackApiError as exc:  # retries are spent (429/5xx) or Slack said no
            log.warning("Slack API error: %s", exc.response.get("error"))
            await reply.send(render_slack_trouble(), replace_original=False)
        except Exception:
            log.exception("Slack listener failed")
            await reply.send(render_failure(), replace_original=False)
        finally:
            await reply.finish()
            if self.on_outcome is not None:
                self.on_outcome(name, outcome, time.perf_counter() - start)

    def _responder(self, body: dict[str, Any], user_id: str) -> Responder:
        channel = (body.get("channel") or {}).get("id") or body.get("channel_id")
        return Responder(self.client, response_url=body.get("response_url"), channel=channel,
                         user=user_id)

    def _interaction(self, ack: AsyncAck, body: dict[str, Any]) -> Ctx:
        user = body.get("user") or {}
        user_id = user.get("id") or body.get("user_id") or ""
        reply = InteractionReply(ack, self._responder(body, user_id))
        return Ctx(reply, user_id=user_id,
                   user_name=user.get("username") or user.get("name") or body.get("user_name"),
                   channel_id=(body.get("channel") or {}).get("id") or body.get("channel_id"),
                   trigger_id=body.get("trigger_id"))

    async def _admin(self, ctx: Ctx, what: str) -> Actor:
        actor = await self.admin.actor(ctx.user_id, ctx.user_name)
        if not actor.is_admin:
            raise _refuse(what)
        return actor

    # ----- /brief ------------------------------------------------------------------------------

    async def on_command(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """Handle `/brief …`: parse the text and run the subcommand."""
        ctx = self._interaction(ack, body)
        text = body.get("text") or ""
        await self._edge(ctx.reply, self._run(ctx, text), _command_name(text))

    async def _run(self, ctx: Ctx, text: str) -> None:
        cmd = parse_command(text)
        await self.commands[cmd.name](ctx, cmd)

    async def cmd_show(self, ctx: Ctx, cmd: Command) -> None:
        """`/brief STORY-or-words`: the brief card, privately, with a Share button (and what it was found for)."""
        found = await self.service.lookup(cmd.rest)
        await ctx.reply.send(render_brief(found.brief, asked=None if found.exact else found.query))

    async def cmd_list(self, ctx: Ctx, cmd: Command) -> None:
        """`/brief` or `/brief list`: the latest stories."""
        await ctx.reply.send(render_story_list(await self.service.list_stories(LIST_LIMIT)))

    async def cmd_search(self, ctx: Ctx, cmd: Command) -> None:
        """`/brief search WORDS`."""
        await ctx.reply.send(render_search(cmd.rest, await self.service.search(cmd.rest)))

    async def cmd_help(self, ctx: Ctx, cmd: Command) -> None:
        """`/brief help`: every subcommand with an example."""
        await ctx.reply.send(render_help(help_entries()))

    async def cmd_sources(self, ctx: Ctx, cmd: Command) -> None:
        """`/brief sources STORY`."""
        await ctx.reply.send(render_sources(await self.service.find(cmd.args[0])))

    async def cmd_facts(self, ctx: Ctx, cmd: Command) -> None:
        """`/brief facts STORY`: the key-fact card only."""
        await ctx.reply.send(render_facts(await self.service.find(cmd.args[0])))

    async def cmd_changes(self, ctx: Ctx, cmd: Command) -> None:
        """`/brief changes STORY`: what the latest updates of its brief added, newest first."""
        await self._changes(ctx, (await self.service.find(cmd.args[0])).story.slug)

    async def _changes(self, ctx: Ctx, slug: str) -> None:
        brief = await self.service.brief(slug)
        changes = await self.service.changes(slug)
        await ctx.reply.send(render_changes(brief, changes), replace_original=False)

    async def cmd_add(self, ctx: Ctx, cmd: Command) -> None:
        """`/brief add URL [STORY]` (ack now, result via response_url) or `/brief add` (modal)."""
        actor = await self._admin(ctx, "add articles")
        if not cmd.args:
            await self._open_add_modal(ctx)
            return
        url, story = cmd.args[0], (cmd.args[1] if len(cmd.args) > 1 else None)
        await ctx.reply.ack(render_fetching(url))
        result = await self.service.add_url(url, actor=actor, story=story)
        await ctx.reply.send(render_added(result), replace_original=False)

    async def _open_add_modal(self, ctx: Ctx) -> None:
        stories = await self.service.list_stories(MODAL_STORIES)
        meta = json.dumps({"channel": ctx.channel_id})
        view = modal.build_add_modal(stories, private_metadata=meta)
        await self.client.views_open(trigger_id=ctx.trigger_id, view=view)

    async def cmd_remove(self, ctx: Ctx, cmd: Command) -> None:
        """`/brief remove STORY|ARTICLE_ID`."""
        actor = await self._admin(ctx, "remove stories")
        await ctx.reply.send(render_removed(await self.service.remove(cmd.args[0], actor=actor)))

    async def cmd_rename(self, ctx: Ctx, cmd: Command) -> None:
        """`/brief rename OLD NEW`."""
        actor = await self._admin(ctx, "rename stories")
        ref = await self.service.rename(cmd.args[0], cmd.args[1], actor=actor)
        await ctx.reply.send(render_renamed(cmd.args[0], ref))

    async def cmd_alias(self, ctx: Ctx, cmd: Command) -> None:
        """`/brief alias STORY ALIAS`."""
        actor = await self._admin(ctx, "add aliases")
        ref = await self.service.alias(cmd.args[0], cmd.args[1], actor=actor)
        await ctx.reply.send(render_aliased(cmd.args[1], ref))

    async def cmd_merge(self, ctx: Ctx, cmd: Command) -> None:
        """`/brief merge STORY INTO`: STORY's articles join INTO; its name opens INTO from now on."""
        actor = await self._admin(ctx, "merge stories")
        result = await self.service.merge(cmd.args[0], cmd.args[1], actor=actor)
        await ctx.reply.send(render_merged(result))

    async def cmd_move(self, ctx: Ctx, cmd: Command) -> None:
        """`/brief move ARTICLE_ID STORY` or `/brief move ARTICLE_ID new [NEW-SLUG]`."""
        actor = await self._admin(ctx, "move articles")
        req = parse_move(cmd.args)
        result = await self.service.move(req.article_id, req.to, actor=actor, new_story=req.new_story)
        await ctx.reply.send(render_moved(result))

    async def cmd_digest(self, ctx: Ctx, cmd: Command) -> None:
        """Answer `/brief digest on|off|status|preview|help` privately, in this channel."""
        req = parse_digest(cmd.args)
        if req.action == "help":
            await ctx.reply.send(render_help([e for e in help_entries() if e.action in DIGEST_ACTIONS]))
            return
        if not ctx.channel_id:
            raise InvalidInput(f"Digests belong to a channel: use `{COMMAND} digest` in the channel itself.")
        channel = ctx.channel_id
        if req.action == "on":
            actor = await self._admin(ctx, "set up digests")
            status = await self.service.digests.on(
                platform="slack", channel_id=channel, at=req.at or "", tz=req.tz or "", actor=actor,
                topics=req.topics, weekdays_only=req.weekdays_only, post_when_empty=req.post_when_empty,
            )
            await ctx.reply.send(render_digest_on(status))
        elif req.action == "off":
            actor = await self._admin(ctx, "stop digests")
            stopped = await self.service.digests.off(platform="slack", channel_id=channel, actor=actor,
                                                    digest_id=req.digest_id)
            await ctx.reply.send(render_digest_off(stopped))
        elif req.action == "status":
            statuses = await self.service.digests.status(platform="slack", channel_id=channel)
            await ctx.reply.send(render_digest_status(statuses))
        else:  # preview: to the caller only
            digest = await self.service.digests.preview(platform="slack", channel_id=channel,
                                                       digest_id=req.digest_id)
            for message in render_digest_preview(digest):
                await ctx.reply.send(message, replace_original=False)

    async def cmd_feed(self, ctx: Ctx, cmd: Command) -> None:
        """`/brief feed add URL [--story SLUG] [--every 15m] [--name NAME]`, `list`, `remove|pause|resume ID`."""
        await self.feeds.run(ctx, cmd)

    # ----- buttons -----------------------------------------------------------------------------

    async def on_share(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """Share: post the card to the channel as the bot, attributed to the user who shared it."""
        ctx = self._interaction(ack, body)
        await ctx.reply.ack()
        await self._edge(ctx.reply, self._share(ctx, _action_value(body)))

    async def _share(self, ctx: Ctx, slug: str) -> None:
        message = render_brief(await self.service.brief(slug), shared_by=ctx.user_id)
        if ctx.channel_id:
            try:
                await post_message(self.client, ctx.channel_id, message)
                return
            except SlackApiError as exc:
                if exc.response.get("error") not in _NOT_IN_CHANNEL:
                    raise
                log.info("share: not in %s (%s)", ctx.channel_id, exc.response.get("error"))
        # The bot is not a member here (or it is a DM): the response_url can still post.
        if not await ctx.reply.responder.send(message, in_channel=True, replace_original=False):
            await ctx.reply.send(render_notice(
                "I could not post in this channel. Invite me with /invite @Briefbot and try again."
            ), replace_original=False)

    async def on_sources(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """Sources button: the story's sources, privately."""
        ctx = self._interaction(ack, body)
        await ctx.reply.ack()
        await self._edge(ctx.reply, self._answer(ctx, _action_value(body), render_sources))

    async def on_facts(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """Key-facts button: the key-fact card, privately."""
        ctx = self._interaction(ack, body)
        await ctx.reply.ack()
        await self._edge(ctx.reply, self._answer(ctx, _action_value(body), render_facts))

    async def on_changes(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """What's new button: the latest updates of the story's brief, privately."""
        ctx = self._interaction(ack, body)
        await ctx.reply.ack()
        await self._edge(ctx.reply, self._changes(ctx, _action_value(body)))

    async def on_show(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """A story button (lists, search results, "did you mean"): the brief card, privately."""
        ctx = self._interaction(ack, body)
        await ctx.reply.ack()
        await self._edge(ctx.reply, self._answer(ctx, _action_value(body), render_brief))

    async def _answer(self, ctx: Ctx, slug: str, render: Callable[[Brief], Message]) -> None:
        await ctx.reply.send(render(await self.service.brief(slug)), replace_original=False)

    async def on_undo(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """Undo button under an added article: remove it again (admins only)."""
        ctx = self._interaction(ack, body)
        await ctx.reply.ack()
        await self._edge(ctx.reply, self._undo(ctx, _action_value(body)))

    async def _undo(self, ctx: Ctx, article_id: str) -> None:
        actor = await self._admin(ctx, "remove articles")
        result = await self.service.remove(article_id, actor=actor)
        await ctx.reply.send(render_removed(result), replace_original=False)

    # ----- message shortcut ------------------------------------------------------------------

    async def on_message_shortcut(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """"Add to briefings" on a message: fetch and add its (first) link."""
        ctx = self._interaction(ack, body)
        await ctx.reply.ack()
        await self._edge(ctx.reply, self._add_link(ctx, body.get("message") or {}), "shortcut")

    async def _add_link(self, ctx: Ctx, message: dict[str, Any]) -> None:
        actor = await self._admin(ctx, "add articles")
        links = links_in(message)
        if not links:
            raise InvalidInput("That message has no link to add.")
        await ctx.reply.send(render_fetching(links[0]), replace_original=False)
        result = await self.service.add_url(links[0], actor=actor)
        await ctx.reply.send(render_added(result), replace_original=False)

    # ----- the add modal ---------------------------------------------------------------------

    async def on_add_submission(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """The add modal was submitted: validate each field, check the admin, then add."""
        view = body.get("view") or {}
        reply = ViewReply(ack, self.client, view.get("id", ""))
        await self._edge(reply, self._submit(reply, body, view), "modal")

    async def _submit(self, reply: ViewReply, body: dict[str, Any], view: dict[str, Any]) -> None:
        values = (view.get("state") or {}).get("values") or {}
        form = modal.parse_submission(values, today=self.clock.now().date())
        if isinstance(form, dict):
            await reply.errors(form)
            return
        user = body.get("user") or {}
        actor = await self.admin.actor(user.get("id", ""), user.get("username"))
        if not actor.is_admin:
            raise _refuse("add articles")
        await reply.send(render_notice("Adding the article…"))
        result = await self.service.add_text(form.text, actor=actor, title=form.title,
                                             url=form.url, published=form.published,
                                             story=form.story)
        await reply.send(render_added(result))


def _action_value(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")
