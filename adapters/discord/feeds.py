"""Feeds on Discord: `/brief-admin feed add|list|remove|pause|resume` (embeds, no mentions) and the notice a
channel gets when a feed it added was paused.

Feed names, URLs, errors and pause reasons come from the feeds themselves (untrusted): every one is escaped,
and every embed goes through ``limits.fit_embed``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

import discord
from discord.http import HTTPClient, handle_message_parameters

from adapters.discord import limits, words
from adapters.discord.handlers import Handlers, reply
from adapters.discord.render import COLOR, escape
from briefings.feed_actions import interval_label
from briefings.feeds.models import Feed
from briefings.feeds.text import BACKLOG_SENTENCE, failing_text, paused_notice, schedule_text, target_text

log = logging.getLogger(__name__)

NONE = discord.AllowedMentions.none()
NAME_CHARS = 150
ERROR_CHARS = 300
LIST_FIELDS = limits.FIELDS - 1  # room for a "more" field


def _when(moment: datetime | None, fallback: str = "never") -> str:
    """A time Discord shows in the reader's zone, relative ('in 10 minutes')."""
    return f"<t:{int(moment.timestamp())}:R>" if moment else fallback


def _name(feed: Feed) -> str:
    return escape(limits.clip(feed.label(), NAME_CHARS))


def _url(feed: Feed) -> str:
    return limits.safe_url(feed.url) or escape(feed.url)


def _feed_value(feed: Feed) -> str:
    lines = [
        _url(feed),
        schedule_text(feed),
    ]
    if feed.paused:
        lines.append(f"⏸ Paused: {escape(limits.clip(feed.pause_reason or 'by an admin', ERROR_CHARS))}")
    else:
        lines.append(f"Last success: {_when(feed.last_success)} · next poll: {_when(feed.next_poll)}")
    if feed.last_error:
        lines.append(f"⚠ {failing_text(feed)} {escape(limits.clip(feed.last_error, ERROR_CHARS))}")
    return "\n".join(lines)


def render_feed_list(feeds: Sequence[Feed]) -> discord.Embed:
    """Render every feed: name, URL, interval, items, last success, next poll, errors or why it is paused."""
    embed = discord.Embed(title=f"Feeds ({len(feeds)})", colour=COLOR)
    if not feeds:
        embed.description = f"No feeds yet. Follow one with `{words.usage('feed_add')}`."
        return limits.fit_embed(embed)
    for feed in feeds[:LIST_FIELDS]:
        embed.add_field(name=f"{feed.id} · {_name(feed)}", value=_feed_value(feed), inline=False)
    if len(feeds) > LIST_FIELDS:
        embed.add_field(name="More", value=f"…and {len(feeds) - LIST_FIELDS} more feeds.", inline=False)
    embed.set_footer(text=f"Remove one with {words.usage('feed_remove')}")
    return limits.fit_embed(embed, more="Some feeds were left out to fit Discord.")


def render_feed_added(feed: Feed) -> discord.Embed:
    """Render a new subscription: what it follows, how often, where items go, and how to undo it."""
    embed = discord.Embed(title=limits.clip(f"Following: {_name(feed)}", limits.TITLE), colour=COLOR)
    embed.description = (
        f"{_url(feed)}\nPolled every {interval_label(feed.every)}; {target_text(feed)}. {BACKLOG_SENTENCE}"
    )
    embed.set_footer(text=f"Feed {feed.id} · remove it with {words.feed_command('remove', feed.id)}")
    return limits.fit_embed(embed)


def render_feed_removed(feed: Feed) -> str:
    """Render an unsubscription (the articles it brought stay)."""
    return limits.clip_content(f"Stopped following **{_name(feed)}** (feed {feed.id}); its articles stay.")


def render_feed_paused(feed: Feed) -> str:
    """Render a feed paused or resumed by an admin."""
    if feed.paused:
        resume = words.feed_command("resume", feed.id)
        return limits.clip_content(f"Paused **{_name(feed)}** (feed {feed.id}). Resume it with `{resume}`.")
    return limits.clip_content(f"Resumed **{_name(feed)}** (feed {feed.id}); it is polled at the next pass.")


def render_feed_pause_notice(feed: Feed) -> str:
    """Render the channel notice for a feed the failure budget paused: which feed, why, how to resume it."""
    resume = words.feed_command("resume", feed.id)
    return limits.clip_content(f"⏸ {escape(paused_notice(feed))} An admin can resume it with `{resume}`.")


class DiscordFeedNotices:
    """Posts feed notices in the Discord channel a feed was added from (``briefings.feeds.poll.PausedHook``)."""

    def __init__(self, http: HTTPClient) -> None:
        self.http = http

    async def feed_paused(self, feed: Feed) -> None:
        """Tell the feed's channel that it was paused (once, by the poller that paused it), with no mentions."""
        if feed.platform != "discord" or not feed.channel_id or not feed.channel_id.isdigit():
            return
        params = handle_message_parameters(content=render_feed_pause_notice(feed), allowed_mentions=NONE)
        try:
            await self.http.send_message(int(feed.channel_id), params=params)
        except discord.HTTPException as exc:  # no access to the channel any more: the admin log still has it
            log.warning("could not tell discord channel %s that feed %s was paused: %s", feed.channel_id, feed.id, exc)
            return
        log.info("told discord channel %s that feed %s was paused", feed.channel_id, feed.id)


class FeedHandlers:
    """`/brief-admin feed ...`: thin handlers over the service, with the admin check of :class:`Handlers`."""

    def __init__(self, handlers: Handlers) -> None:
        self.handlers = handlers

    async def on_add(
        self,
        interaction: discord.Interaction,
        url: str,
        *,
        story: str | None = None,
        every: str | None = None,
        name: str | None = None,
    ) -> None:
        """Follow a feed (or the one a page links to): defer first, since fetching takes seconds."""
        actor = self.handlers.admin(interaction, "feed-add")
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = str(interaction.channel_id) if interaction.guild_id and interaction.channel_id else None
        feed = await self.handlers.service.add_feed(
            url.strip(), actor=actor, story=story or None, every=every or None, name=name or None, channel_id=channel
        )
        await reply(interaction, embed=render_feed_added(feed))

    async def on_list(self, interaction: discord.Interaction) -> None:
        """List the feeds."""
        self.handlers.admin(interaction, "feed-list")
        await reply(interaction, embed=render_feed_list(await self.handlers.service.list_feeds()))

    async def on_remove(self, interaction: discord.Interaction, feed_id: int) -> None:
        """Stop following a feed."""
        actor = self.handlers.admin(interaction, "feed-remove")
        await reply(interaction, render_feed_removed(await self.handlers.service.remove_feed(feed_id, actor=actor)))

    async def on_pause(self, interaction: discord.Interaction, feed_id: int, *, paused: bool) -> None:
        """Pause or resume a feed."""
        actor = self.handlers.admin(interaction, "feed-pause" if paused else "feed-resume")
        feed = await self.handlers.service.pause_feed(feed_id, actor=actor, paused=paused)
        await reply(interaction, render_feed_paused(feed))
