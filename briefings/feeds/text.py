"""What a feed's messages say, as plain text every face escapes and marks up its own way (as digest_text does)."""

from __future__ import annotations

from briefings.digest_text import plural
from briefings.feed_actions import interval_label
from briefings.feeds.models import Feed
from briefings.textutil import shorten

BACKLOG_SENTENCE = "Its current items are stored as backlog: briefed, but not news for digests."


def target_text(feed: Feed) -> str:
    """Return where the feed's items go: its story, or the story of each item's event."""
    return f"items go to `{feed.story}`" if feed.story else "each item joins the story of its event"


def schedule_text(feed: Feed) -> str:
    """Return 'every 15m · 3 items · each item joins the story of its event' for a feed list."""
    return f"every {interval_label(feed.every)} · {plural(feed.items, 'item')} · {target_text(feed)}"


def failing_text(feed: Feed) -> str:
    """Return '3 failures in a row, last:' (faces append the last error, clipped and escaped)."""
    return f"{plural(feed.failures, 'failure')} in a row, last:"


def paused_notice(feed: Feed) -> str:
    """Return the sentence that tells a channel its feed was paused (faces add how to resume it)."""
    label = feed.name or feed.url
    where = f" ({feed.url})" if feed.name else ""
    reason = feed.pause_reason or "it kept failing"
    return f"Briefbot paused the feed {shorten(label, 120)}{where}: {reason.rstrip('.')}."
