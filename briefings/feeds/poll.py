"""Polling feeds politely: leases, conditional GET, Cache-Control / ttl / Retry-After, backoff, pausing.

Each pass claims the due feeds in the store with a lease (several processes sharing the database poll each
feed once per interval), fetches them with ``If-None-Match`` / ``If-Modified-Since`` (a 304 costs no parsing
and no write beyond the poll record), at most one request per host at a time and a few at once overall, and
brings new items in through the service's ``add_article`` (story matching, near-duplicates, briefs), as
`briefbot import` does. An item is the same item by GUID within its feed or by canonical link (GUID churn);
an item whose text changed updates its article. A feed's first poll stores its items as backfill: briefed,
never news for digests. Failures back off exponentially; after ``FAILURE_BUDGET`` of consecutive failures the
feed is paused with its reason, logged for admins.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import logging
import os
import re
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from briefings.clock import Clock
from briefings.errors import BriefingError, FetchError
from briefings.feed_actions import FEED_ACCEPT
from briefings.feeds.models import Feed, FeedPollResult, PollReport
from briefings.feeds.parse import FeedItem, ParsedFeed, parse_feed
from briefings.ingest import article_from_page, article_from_text
from briefings.metrics import Metrics
from briefings.models import Actor, ArticleInput
from briefings.service import BriefingService
from briefings.textutil import canonical_url, content_hash, shorten

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
BACKOFF_CAP = timedelta(hours=6)
FAILURE_BUDGET = timedelta(hours=24)  # consecutive failures for this long pause the feed
MAX_WAIT = timedelta(days=1)  # the longest a server may ask us to wait (max-age, ttl, Retry-After)
TICK = timedelta(seconds=30)
_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*(\d+)", re.IGNORECASE)

# Called once when the failure budget pauses a feed (with the feed as stored then: paused, with its reason);
# `briefbot slack|discord` posts a notice in the channel the feed was added from. Failures are logged only.
PausedHook = Callable[[Feed], Awaitable[None]]


class FeedPoller:
    """Polls due feeds into stories; ``poll`` is one pass (cron, tests), ``run`` loops until stopped."""

    def __init__(
        self,
        service: BriefingService,
        *,
        clock: Clock | None = None,
        owner: str | None = None,
        concurrency: int = 4,
        batch: int = 200,
        on_paused: PausedHook | None = None,
        stop: asyncio.Event | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.service = service
        self.metrics = metrics  # counts each pass: feeds polled by outcome, items added, updated, skipped
        self.stop = stop  # once set, no new batch is claimed (a draining process finishes what it holds)
        self.on_paused = on_paused
        self.clock = clock or service.clock
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.batch = batch
        self._slots = asyncio.Semaphore(concurrency)
        self._hosts: dict[str, asyncio.Lock] = {}
        # Feeds are fetched a few at a time but their items are stored one feed at a time: interleaving several
        # feeds' ingestion cost 40% more CPU for the same articles (bench.feeds --unique; see its docstring).
        self._ingest = asyncio.Lock()

    async def poll(self, feed_ids: tuple[int, ...] = ()) -> PollReport:
        """Poll every due feed (or the given ones, due or not) once; return what happened to each."""
        report = PollReport()
        while not self.stopping():
            now = self.clock.now()
            async with self.service.store.transaction():
                feeds = await self.service.store.claim_feeds(self.owner, now, now + LEASE, self.batch, feed_ids)
            if not feeds:
                break
            results = await asyncio.gather(*(self._poll_politely(f) for f in feeds))
            report.results.extend(results)
            if feed_ids:
                break
        if self.metrics is not None:
            self.metrics.feeds_polled(report.results)
        return report

    def stopping(self) -> bool:
        """True once the stop event is set: no new batch is claimed from then on."""
        return self.stop is not None and self.stop.is_set()

    async def run(self, stop: asyncio.Event, tick: timedelta = TICK) -> None:
        """Poll due feeds every ``tick`` until ``stop`` is set (errors are logged, never fatal).

        ``stop`` also stops claiming further batches within a pass (unless the poller was made with its own)."""
        if self.stop is None:
            self.stop = stop
        while not stop.is_set():
            try:
                report = await self.poll()
                if report.results:
                    log.info("polled %d feeds: %d new items", len(report.results), report.new_items())
            except Exception:  # a bad pass must not stop the poller
                log.exception("feed poll pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), tick.total_seconds())

    async def _poll_politely(self, feed: Feed) -> FeedPollResult:
        host = (urlsplit(feed.url).hostname or "").lower()
        lock = self._hosts.setdefault(host, asyncio.Lock())
        try:
            async with lock, self._slots:  # one request per host at a time, a few at once overall
                return await self._poll_one(feed)
        except asyncio.CancelledError:
            # cancelled by the drain limit: give the lease back so another process polls the feed at once
            await asyncio.shield(self._release(feed))
            raise

    async def _release(self, feed: Feed) -> None:
        store = self.service.store
        try:
            async with store.transaction():
                released = await store.release_feed(feed.id, self.owner)
            if released:
                log.info("feed %s (%s) released unfinished", feed.id, feed.url)
        except Exception:  # the lease still expires on its own
            log.exception("feed %s: could not release the lease", feed.id)

    async def _poll_one(self, feed: Feed) -> FeedPollResult:
        result = FeedPollResult(feed_id=feed.id, label=feed.label(), status="unchanged")
        headers = {}
        if feed.etag:
            headers["If-None-Match"] = feed.etag
        if feed.last_modified:
            headers["If-Modified-Since"] = feed.last_modified
        try:
            response = await self.service.fetcher.get(
                feed.url, accept=FEED_ACCEPT, headers=headers, pass_status=(304, 429, 503)
            )
            if response.status in (429, 503):
                wait = _retry_after(response.headers.get("retry-after"), self.clock.now())
                raise _Throttled(f"the server asked to wait (HTTP {response.status})", wait)
            if response.status == 304:
                return await self._done(feed, result, response.headers, None)
            parsed = await asyncio.to_thread(
                parse_feed,
                response.body,
                url=response.final_url,
                content_type=response.headers.get("content-type"),
                now=self.clock.now(),
            )
        except _Throttled as exc:
            return await self._failed(feed, result, exc.message, exc.wait)
        except BriefingError as exc:
            return await self._failed(feed, result, exc.message, None)
        async with self._ingest:
            await self._bring_in(feed, parsed, result)
        return await self._done(feed, result, response.headers, parsed)

    async def _bring_in(self, feed: Feed, parsed: ParsedFeed, result: FeedPollResult) -> None:
        """Store the feed's new items (oldest first, so stories grow in order) and update edited ones."""
        store = self.service.store
        actor = Actor(platform="feed", user_id=str(feed.id), name=shorten(feed.label(), 60), is_admin=True)
        backfill = feed.polls == 0
        result.status = "new"
        for item in reversed(parsed.items):
            link = canonical_url(item.link) if item.link else None
            digest = content_hash(f"{item.title or ''}\n{item.text}")
            seen = await store.seen_item(feed.id, item.guid, link)
            try:
                if seen is not None:
                    if seen.text_hash != digest and seen.article_id is not None and not item.teaser:
                        article = await self._article(feed, parsed, item, fetch=False)
                        if await self.service.update_article(seen.article_id, article, actor=actor):
                            result.updated += 1
                    else:
                        result.skipped += 1
                    await self._remember(feed, item.guid, link, digest, seen.article_id)
                    continue
                article = await self._article(feed, parsed, item, fetch=item.teaser and bool(item.link))
                article = article.model_copy(update={"backfill": backfill})
                added = await self.service.add_article(article, actor=actor, story=feed.story)
                if added.duplicate:
                    result.skipped += 1
                else:
                    result.added.append(added.story.slug)
                await self._remember(feed, item.guid, link, digest, added.article_id)
            except BriefingError as exc:
                result.errors.append(f"{shorten(item.title or item.guid, 80)}: {exc.message}")

    async def _remember(self, feed: Feed, guid: str, link: str | None, digest: str, article_id: int | None) -> None:
        async with self.service.store.transaction():
            await self.service.store.record_item(feed.id, guid, link, digest, article_id, self.clock.now())

    async def _article(self, feed: Feed, parsed: ParsedFeed, item: FeedItem, *, fetch: bool) -> ArticleInput:
        """The item as an article: its linked page's article when the feed gave only a teaser, else its text."""
        outlet = feed.name or parsed.title or urlsplit(feed.url).hostname
        meta = {"title": item.title, "url": item.link, "published": item.published or item.updated, "outlet": outlet}
        now = self.clock.now()
        if fetch and item.link:
            try:
                page = await self.service.fetcher.fetch(item.link)
                return await asyncio.to_thread(article_from_page, page, now=now, **meta)  # type: ignore[arg-type]
            except BriefingError as exc:
                log.info("feed %s: using the feed's text for %s (%s)", feed.id, item.link, exc.message)
        text = item.text if not item.title or item.text.startswith(item.title) else f"{item.title}\n\n{item.text}"
        return await asyncio.to_thread(article_from_text, text, now=now, **meta)  # type: ignore[arg-type]

    async def _done(
        self, feed: Feed, result: FeedPollResult, headers: dict[str, str], parsed: ParsedFeed | None
    ) -> FeedPollResult:
        now = self.clock.now()
        wait = max(feed.every, min(MAX_WAIT, _max_age(headers.get("cache-control")) or timedelta(0)))
        if parsed is not None and parsed.ttl is not None:
            wait = max(wait, min(MAX_WAIT, parsed.ttl))
        result.next_poll = now + wait
        state: dict[str, object] = {
            "next_poll": result.next_poll,
            "polls": feed.polls + 1,
            "items": feed.items + len(result.added),
            "last_success": now,
            "last_error": None,
            "failing_since": None,
            "failures": 0,
        }
        if parsed is not None or "etag" in headers or "last-modified" in headers:
            state["etag"] = headers.get("etag", feed.etag if parsed is None else None)
            state["last_modified"] = headers.get("last-modified", feed.last_modified if parsed is None else None)
        async with self.service.store.transaction():
            await self.service.store.finish_poll(feed.id, self.owner, **state)
        return result

    async def _failed(self, feed: Feed, result: FeedPollResult, message: str, wait: timedelta | None) -> FeedPollResult:
        now = self.clock.now()
        failures = feed.failures + 1
        since = feed.failing_since or now
        backoff = min(BACKOFF_CAP, feed.every * (2 ** min(failures - 1, 16)))
        result.status, result.error = "failed", message
        result.next_poll = now + max(backoff, min(MAX_WAIT, wait or timedelta(0)))
        state: dict[str, object] = {
            "next_poll": result.next_poll,
            "polls": feed.polls + 1,
            "last_error": shorten(message, 300),
            "failing_since": since,
            "failures": failures,
        }
        pause = now - since >= FAILURE_BUDGET
        if pause:
            hours = int(FAILURE_BUDGET.total_seconds() // 3600)
            state["paused"] = 1
            state["pause_reason"] = shorten(f"failing for {hours} hours: {message}", 300)
            result.status = "paused"
        async with self.service.store.transaction():
            await self.service.store.finish_poll(feed.id, self.owner, **state)
            if pause:
                await self.service.store.log_action(
                    now, "briefbot", "feed-paused", feed.url, f"feed {feed.id}: {state['pause_reason']}"
                )
        log.warning("feed %s (%s) failed: %s%s", feed.id, feed.url, message, " (paused)" if pause else "")
        if pause:
            await self._tell_paused(feed.id)
        return result

    async def _tell_paused(self, feed_id: int) -> None:
        """Run the ``on_paused`` hook once for a feed this poller just paused (its failures are only logged)."""
        if self.on_paused is None:
            return
        try:
            paused = await self.service.store.feed(feed_id)
            if paused is not None:
                await self.on_paused(paused)
        except Exception:  # a notice that cannot be posted must not stop polling
            log.exception("feed %s: the pause notice failed", feed_id)


class _Throttled(FetchError):
    """The server answered 429 or 503: wait at least ``wait`` before asking again."""

    def __init__(self, message: str, wait: timedelta | None) -> None:
        super().__init__(message)
        self.wait = wait


def _retry_after(value: str | None, now: datetime) -> timedelta | None:
    """A Retry-After header (seconds, or an HTTP date) as a wait."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    with contextlib.suppress(TypeError, ValueError):
        when = email.utils.parsedate_to_datetime(value)
        return max(timedelta(0), when - now)
    return None


def _max_age(value: str | None) -> timedelta | None:
    """Cache-Control's max-age as a wait (None without one)."""
    match = _MAX_AGE.search(value or "")
    return timedelta(seconds=int(match.group(1))) if match else None
