"""`/brief feed add|list|remove|pause|resume` on Slack: admins only, answered privately in the channel.

A feed added here remembers the channel, so a notice can reach it if the feed is later paused.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from adapters.slack.escape import clip
from adapters.slack.feeds import render_feed_added, render_feed_list, render_feed_paused, render_feed_removed
from adapters.slack.render import render_help, render_notice_safe
from briefings.commands import FEED_ACTIONS, Command, help_entries, parse_feed
from briefings.models import Actor
from briefings.service import BriefingService

if TYPE_CHECKING:
    from adapters.slack.handlers import Ctx

log = logging.getLogger(__name__)

AdminCheck = Callable[["Ctx", str], Awaitable[Actor]]


def unwrap_url(text: str) -> str:
    """Return the URL Slack sent: '<https://x|label>' or '<https://x>' unwrapped, '&amp;' back to '&'."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].split("|", 1)[0]
    return html.unescape(text)


def _plain(text: str | None) -> str | None:
    """Undo Slack's escaping of '&', '<' and '>' in slash command text."""
    return html.unescape(text) if text is not None else None


class FeedCommands:
    """The `/brief feed ...` subcommands; ``admin`` is the app's admin check (it raises for non-admins)."""

    def __init__(self, service: BriefingService, admin: AdminCheck) -> None:
        self.service = service
        self.admin = admin

    async def run(self, ctx: Ctx, cmd: Command) -> None:
        """Parse the words after `feed` and run the action (every one is for admins)."""
        req = parse_feed(cmd.args)
        if req.action == "help":
            await ctx.reply.send(render_help([e for e in help_entries() if e.action in FEED_ACTIONS]))
            return
        if req.action == "list":
            await self.admin(ctx, "list feeds")
            await ctx.reply.send(render_feed_list(await self.service.list_feeds()))
            return
        if req.action == "add":
            actor = await self.admin(ctx, "add feeds")
            url = unwrap_url(req.url or "")
            looking = f":hourglass_flowing_sand: Looking for a feed at {clip(url, 500)} …"
            await ctx.reply.ack(render_notice_safe(looking))
            feed = await self.service.add_feed(
                url, actor=actor, story=_plain(req.story), every=_plain(req.every), name=_plain(req.name),
                channel_id=ctx.channel_id,
            )
            await ctx.reply.send(render_feed_added(feed), replace_original=False)
            return
        assert req.feed_id is not None
        if req.action == "remove":
            actor = await self.admin(ctx, "remove feeds")
            await ctx.reply.send(render_feed_removed(await self.service.remove_feed(req.feed_id, actor=actor)))
            return
        actor = await self.admin(ctx, "pause or resume feeds")
        feed = await self.service.pause_feed(req.feed_id, actor=actor, paused=req.action == "pause")
        await ctx.reply.send(render_feed_paused(feed))
