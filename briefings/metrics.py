"""Process metrics in Prometheus form: one ``Metrics`` object per process, with a registry of its own.

The process that serves (``briefbot serve``) makes one and passes it to what it instruments; code given
``metrics=None`` counts nothing. Nothing here is module-level state, so two ``Metrics`` (two tests, two
replicas in one test process) never share a counter.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

log = logging.getLogger(__name__)

CONTENT_TYPE = CONTENT_TYPE_LATEST
# Seconds: a brief read from the store is a few ms; one rebuilt on a cold cache or a slow database takes longer.
BRIEF_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
DIGEST_OUTCOMES = ("delivered", "empty", "failed", "disabled", "superseded", "missed")


class PolledFeed(Protocol):
    """What the metrics read of one feed poll (``briefings.feeds.models.FeedPollResult``)."""

    status: str
    added: list[str]
    updated: int
    skipped: int


class Metrics:
    """The counters, histograms and gauges of one process, in their own ``CollectorRegistry``."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry(auto_describe=True)
        r = self.registry
        self.commands = Counter(
            "briefbot_commands",
            "Commands served, by platform, command and outcome (ok, refused, error).",
            ["platform", "command", "outcome"],
            registry=r,
        )
        self.brief_seconds = Histogram(
            "briefbot_brief_seconds",
            "Time to answer a request for a brief, by platform.",
            ["platform"],
            buckets=BRIEF_BUCKETS,
            registry=r,
        )
        self.digests = Counter(
            "briefbot_digests",
            f"Digest slots settled, by platform and outcome ({', '.join(DIGEST_OUTCOMES)}).",
            ["platform", "outcome"],
            registry=r,
        )
        self.feed_polls = Counter(
            "briefbot_feed_polls", "Feed polls, by outcome (new, unchanged, failed, paused).", ["status"], registry=r
        )
        self.feed_items = Counter(
            "briefbot_feed_items",
            "Feed items seen, by what became of them (added, updated, skipped).",
            ["result"],
            registry=r,
        )
        self.articles_added = Counter(
            "briefbot_articles_added",
            "Articles stored (duplicates not counted), by where they came from.",
            ["source"],
            registry=r,
        )
        self.db_connections = Gauge(
            "briefbot_db_connections_in_use", "Database connections in use, read at scrape time.", registry=r
        )
        self.db_connections_open = Gauge(
            "briefbot_db_connections_open",
            "Database connections open (the pool's size), read at scrape time.",
            registry=r,
        )
        self.ready = Gauge("briefbot_ready", "1 while the process is ready for work, else 0.", registry=r)
        self.platform_connected = Gauge(
            "briefbot_platform_connected",
            "1 while a configured platform is connected, else 0.",
            ["platform"],
            registry=r,
        )

    # ----- what instrumented code calls ------------------------------------------------------------

    def command(self, platform: str, command: str, outcome: str) -> None:
        """Count one command served on ``platform`` with its outcome."""
        self.commands.labels(platform=platform, command=command, outcome=outcome).inc()

    def brief_latency(self, platform: str, seconds: float) -> None:
        """Record how long answering one brief took."""
        self.brief_seconds.labels(platform=platform).observe(max(0.0, seconds))

    def digest(self, platform: str, outcome: str) -> None:
        """Count one digest slot settled with ``outcome`` (one of ``DIGEST_OUTCOMES``)."""
        self.digests.labels(platform=platform, outcome=outcome).inc()

    def feeds_polled(self, results: Iterable[PolledFeed]) -> None:
        """Count one pass of feed polls and what became of their items."""
        for result in results:
            self.feed_polls.labels(status=result.status).inc()
            self.feed_items.labels(result="added").inc(len(result.added))
            self.feed_items.labels(result="updated").inc(result.updated)
            self.feed_items.labels(result="skipped").inc(result.skipped)

    def article_added(self, source: str) -> None:
        """Count one article stored (``source``: the actor's platform, e.g. feed, slack, console)."""
        self.articles_added.labels(source=source).inc()

    def watch_connections(self, read: Callable[[], tuple[int, int]]) -> None:
        """Read the database connections (in use, open) from ``read`` (``Store.pool_in_use``) at every scrape."""

        def part(index: int) -> Callable[[], float]:
            def safe() -> float:
                try:
                    return float(read()[index])
                except Exception:  # a scrape must never fail on a closing store
                    log.debug("could not read the database connections", exc_info=True)
                    return 0.0

            return safe

        self.db_connections.set_function(part(0))
        self.db_connections_open.set_function(part(1))

    # ----- exposition ------------------------------------------------------------------------------

    def render(self) -> bytes:
        """Return every metric in the Prometheus text format."""
        return generate_latest(self.registry)
