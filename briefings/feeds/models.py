"""Feed subscriptions and what a poll did: plain data the store, the poller, the service and faces share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from briefings.models import Model


class Feed(Model):
    """A subscription: where to poll, how often, where its items go, and how polling went."""

    id: int
    url: str
    name: str | None = None
    story: str | None = None  # the story every item goes to (its slug), else matched automatically
    every: timedelta
    paused: bool = False
    pause_reason: str | None = None
    added_by: str
    added_at: datetime
    platform: str | None = None  # where it was added from chat, for notices
    channel_id: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    next_poll: datetime
    polls: int = 0
    items: int = 0
    last_success: datetime | None = None
    last_error: str | None = None
    failing_since: datetime | None = None
    failures: int = 0

    def label(self) -> str:
        """Return the feed's name, else its URL."""
        return self.name or self.url


@dataclass
class FeedPollResult:
    """What polling one feed did."""

    feed_id: int
    label: str
    status: str  # "new" | "unchanged" | "failed" | "paused"
    added: list[str] = field(default_factory=list)  # story slugs that got an article
    updated: int = 0  # articles updated because their item was edited
    skipped: int = 0  # items already stored (same GUID, link or text)
    errors: list[str] = field(default_factory=list)  # per-item problems (the feed itself was fine)
    error: str | None = None  # why the feed could not be polled
    next_poll: datetime | None = None


@dataclass
class PollReport:
    """What one pass over the due feeds did."""

    results: list[FeedPollResult] = field(default_factory=list)

    def failed(self) -> list[FeedPollResult]:
        """Return the feeds that could not be polled."""
        return [r for r in self.results if r.status in ("failed", "paused")]

    def new_items(self) -> int:
        """Count the articles added."""
        return sum(len(r.added) for r in self.results)
