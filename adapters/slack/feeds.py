"""Feeds on Slack: Block Kit for `/brief feed add|list|remove|pause|resume`, and the notice a channel gets when
a feed it added was paused.

Feed names, URLs, errors and pause reasons come from the feeds themselves (untrusted): every one is escaped
through :mod:`adapters.slack.escape`, and every message stays within Block Kit's limits.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import words
from adapters.slack.escape import clip, clip_plain, escape, link
from adapters.slack.render import (
    FALLBACK_TEXT,
    MAX_BLOCKS,
    Message,
    _cap_blocks,
    _context,
    _header,
    _section,
)
from briefings.feed_actions import interval_label
from briefings.feeds.models import Feed
from briefings.feeds.text import BACKLOG_SENTENCE, failing_text, paused_notice, schedule_text, target_text

log = logging.getLogger(__name__)

NAME_CHARS = 150
URL_CHARS = 500
ERROR_CHARS = 300


def _when(moment: datetime | None, fallback: str = "never") -> str:
    """A time Slack shows in the reader's own zone (with a UTC fallback for old clients)."""
    if moment is None:
        return fallback
    plain = moment.strftime("%d %b %Y %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{plain}>"


def _name(feed: Feed) -> str:
    return f"*{clip(feed.label(), NAME_CHARS)}*"


def _url(feed: Feed) -> str:
    return link(feed.url, feed.url, URL_CHARS)


def _feed_block_text(feed: Feed) -> str:
    """One feed of the list: name and id, URL, interval and items, how polling goes."""
    lines = [
        f"{_name(feed)} · feed {feed.id}",
        _url(feed),
        escape(schedule_text(feed)),
    ]
    if feed.paused:
        lines.append(f":double_vertical_bar: Paused: {clip(feed.pause_reason or 'by an admin', ERROR_CHARS)}")
    else:
        lines.append(f"Last success: {_when(feed.last_success)} · next poll: {_when(feed.next_poll)}")
    if feed.last_error:
        lines.append(f":warning: {failing_text(feed)} {clip(feed.last_error, ERROR_CHARS)}")
    return "\n".join(lines)


def render_feed_list(feeds: Sequence[Feed]) -> Message:
    """Render every feed: name, URL, interval, items, last success, next poll, errors or why it is paused."""
    if not feeds:
        text = f"No feeds yet. Follow one with `{escape(words.usage('feed_add'))}`."
        return Message(text=clip_plain(text.replace("`", ""), FALLBACK_TEXT), blocks=[_section(text)])
    body: list[Block] = [_section(_feed_block_text(f), block_id=f"feed_{f.id}") for f in feeds]
    tail: list[Block] = [_context([f"Remove one with `{escape(words.usage('feed_remove'))}`."])]
    shown = MAX_BLOCKS - len(tail) - 2  # the header and the "more" pointer take a block each
    more = f"…and {len(feeds) - shown} more feeds, not shown here."
    blocks = _cap_blocks([_header(f"Feeds ({len(feeds)})"), *body], tail, more)
    fallback = "Feeds: " + "; ".join(f"{f.id} {f.label()}" for f in feeds)
    return Message(text=clip(fallback, FALLBACK_TEXT), blocks=blocks)


def render_feed_added(feed: Feed) -> Message:
    """Render a new subscription: what it follows, how often, where items go, and how to undo it."""
    text = (
        f":white_check_mark: Following {_name(feed)} (feed {feed.id}): {_url(feed)}, polled every "
        f"{interval_label(feed.every)}; {escape(target_text(feed))}. {BACKLOG_SENTENCE}"
    )
    undo = f"Remove it with `{escape(words.feed_command('remove', feed.id))}`."
    return Message(
        text=clip(f"Following {feed.label()} (feed {feed.id}): {feed.url}", FALLBACK_TEXT),
        blocks=[_section(text), _context([undo])],
    )


def render_feed_removed(feed: Feed) -> Message:
    """Render an unsubscription (the articles it brought stay)."""
    text = f":wastebasket: Stopped following {_name(feed)} (feed {feed.id}); its articles stay."
    return Message(
        text=clip(f"Stopped following {feed.label()} (feed {feed.id}).", FALLBACK_TEXT), blocks=[_section(text)]
    )


def render_feed_paused(feed: Feed) -> Message:
    """Render a feed paused or resumed by an admin."""
    if feed.paused:
        text = (
            f":double_vertical_bar: Paused {_name(feed)} (feed {feed.id}). Resume it with "
            f"`{escape(words.feed_command('resume', feed.id))}`."
        )
        plain = f"Paused {feed.label()} (feed {feed.id})."
    else:
        text = f":arrow_forward: Resumed {_name(feed)} (feed {feed.id}); it is polled at the next pass."
        plain = f"Resumed {feed.label()} (feed {feed.id})."
    return Message(text=clip(plain, FALLBACK_TEXT), blocks=[_section(text)])


def render_feed_pause_notice(feed: Feed) -> Message:
    """Render the channel notice for a feed the failure budget paused: which feed, why, how to resume it."""
    sentence = paused_notice(feed)
    resume = f"An admin can resume it with `{escape(words.feed_command('resume', feed.id))}`."
    return Message(
        text=clip(sentence, FALLBACK_TEXT),
        blocks=[_section(f":double_vertical_bar: {escape(sentence)}"), _context([resume])],
    )


class SlackFeedNotices:
    """Posts feed notices in the Slack channel a feed was added from (``briefings.feeds.poll.PausedHook``)."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def feed_paused(self, feed: Feed) -> None:
        """Tell the feed's channel that it was paused (once, by the poller that paused it)."""
        if feed.platform != "slack" or not feed.channel_id:
            return
        message = render_feed_pause_notice(feed)
        try:
            await self.client.chat_postMessage(
                channel=feed.channel_id,
                text=message.text,
                blocks=message.block_dicts(),
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:  # not in the channel any more, archived...: the admin log still has it
            log.warning(
                "could not tell slack channel %s that feed %s was paused: %s",
                feed.channel_id,
                feed.id,
                exc.response.get("error"),
            )
            return
        log.info("told slack channel %s that feed %s was paused", feed.channel_id, feed.id)
