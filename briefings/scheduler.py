"""The digest scheduler: claims each due slot once in the store, composes, posts, retries, catches up."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from briefings.clock import Clock
from briefings.digest_changes import NewsCache, add_whats_new
from briefings.digest_text import Notice, disabled_notice
from briefings.digests import compose_digest, due_slots, slot_key
from briefings.errors import DeliveryError
from briefings.metrics import Metrics
from briefings.models import Digest, DigestSubscription, Source, StorySummary
from briefings.store import Store
from briefings.store.rows import DeliveryRow

log = logging.getLogger(__name__)

DEFAULT_GRACE = timedelta(hours=6)
LEASE = timedelta(minutes=5)
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(minutes=15)
PERMANENT_ATTEMPTS = 3  # permanent errors this many times in a row disable the digest
FINAL = ("sent", "empty", "skipped", "failed")


class DigestSender(Protocol):
    """A platform's way to render and post digests (implemented by each adapter)."""

    def render(self, digest: Digest) -> list[Any]:
        """Return the digest as messages in order, each within the platform's limits."""
        ...

    async def post(self, channel_id: str, message: Any, *, key: str, part: int) -> str:
        """Post one message and return its id; raise DeliveryError on failure."""
        ...

    async def find_posted(self, channel_id: str, key: str) -> dict[int, str]:
        """Return the parts of delivery ``key`` already in the channel (after a crash), by part number."""
        ...

    async def notify(self, channel_id: str, notice: Notice) -> None:
        """Post a short plain notice, best effort (e.g. that the digest was stopped), wording its hints."""
        ...


@dataclass
class TickReport:
    """What one tick did, for logs, the CLI and tests."""

    sent: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # label -> why it was not delivered (retrying, failed)

    def total(self) -> int:
        """Count the slots this tick settled or deferred."""
        return sum(len(x) for x in (self.sent, self.empty, self.skipped, self.retrying, self.failed))


class DigestScheduler:
    """Delivers due digests exactly once across restarts and processes sharing the database."""

    def __init__(
        self,
        store: Store,
        senders: Mapping[str, DigestSender],
        *,
        clock: Clock,
        grace: timedelta = DEFAULT_GRACE,
        lease: timedelta = LEASE,
        owner: str | None = None,
        rng: random.Random | None = None,
        concurrency: int = 8,
        metrics: Metrics | None = None,
        stop: asyncio.Event | None = None,
    ) -> None:
        self.metrics = metrics
        self.stop = stop  # once set, no new slot is claimed (a draining process finishes what it holds)
        self.store = store
        self.senders = dict(senders)
        self.clock = clock
        self.grace = grace
        self.lease = lease  # how long a claim holds a slot before another process may take it over
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._rng = rng or random.Random()
        self._limit = asyncio.Semaphore(concurrency)
        self._changes: dict[tuple[datetime, datetime], asyncio.Future[list[tuple[StorySummary, list[Source]]]]] = {}
        self._news: NewsCache = {}

    async def tick(self, now: datetime | None = None) -> TickReport:
        """Deliver every digest slot due at ``now`` (default: the clock's now) and return what happened."""
        now = now or self.clock.now()
        report = TickReport()
        self._changes = {}  # digests due together share their window: read the changes once per tick
        self._news = {}
        subs = [s for s in await self.store.digests(enabled_only=True) if s.platform in self.senders]
        # each process walks the due digests in its own order, so replicas ticking together mostly claim
        # different slots instead of racing for the same ones in id order
        self._rng.shuffle(subs)
        await asyncio.gather(*(self._tick_one(sub, now, report) for sub in subs))
        return report

    async def _tick_one(self, sub: DigestSubscription, now: datetime, report: TickReport) -> None:
        slots = due_slots(sub, now, self.grace + timedelta(days=1))
        pending: list[tuple[str, datetime]] = []
        held: set[str] = set()  # slots another live process is delivering: a claim would only fail (and write)
        for day, due in slots:
            key = slot_key(day, sub.at)
            existing = await self.store.delivery(sub.id, key)
            if existing and existing.status == "claimed" and existing.owner != self.owner and _live(existing, now):
                held.add(key)
            if existing and existing.status in FINAL:
                continue
            if now - due > self.grace:
                if existing is None or existing.status == "retry":
                    late = _hours(now - due)
                    reason = f"missed: due {late} ago, beyond the {_hours(self.grace)} catch-up window" + (
                        f" (last error: {existing.error})" if existing and existing.error else ""
                    )
                    await self.store.record_skipped(sub.id, key, due, now, reason)
                    report.skipped.append(f"{sub.id}@{key}")
                    if self.metrics:
                        self.metrics.digest(sub.platform, "missed")
                continue
            pending.append((key, due))
        for key, due in pending[:-1]:  # only the newest due slot is posted; older ones are superseded
            await self.store.record_skipped(sub.id, key, due, now, "superseded by a later digest")
            report.skipped.append(f"{sub.id}@{key}")
            if self.metrics:
                self.metrics.digest(sub.platform, "superseded")
        if pending and pending[-1][0] not in held:
            key, due = pending[-1]
            async with self._limit:
                await self._deliver(sub, key, due, now, report)

    def stopping(self) -> bool:
        """True once the stop event is set: no new claims from then on."""
        return self.stop is not None and self.stop.is_set()

    async def _deliver(
        self, sub: DigestSubscription, key: str, due: datetime, now: datetime, report: TickReport
    ) -> None:
        if self.stopping():
            return  # draining: the slot stays free for another process (or this one's next start)
        claimed = await self.store.claim_delivery(sub.id, key, due, self.owner, now, now + self.lease)
        if claimed is None:
            return  # another process holds it, or it is waiting for its retry time
        try:
            await self._deliver_claimed(sub, claimed, key, due, now, report)
        except asyncio.CancelledError:
            # cancelled by the drain limit: end the claim now so another process takes the slot at once
            await asyncio.shield(self._release(sub, claimed))
            raise

    async def _release(self, sub: DigestSubscription, claimed: DeliveryRow) -> None:
        try:
            if await self.store.release_delivery(claimed.id, self.owner, self.clock.now()):
                log.info("digest %s@%s released unfinished", sub.id, claimed.slot, extra=_ctx(sub))
        except Exception:  # the lease still expires on its own
            log.exception("digest %s@%s: could not release the claim", sub.id, claimed.slot, extra=_ctx(sub))

    async def _deliver_claimed(
        self, sub: DigestSubscription, claimed: DeliveryRow, key: str, due: datetime, now: datetime, report: TickReport
    ) -> None:
        label = f"{sub.id}@{key}"
        delivery_id = claimed.id
        since = claimed.since or await self.store.last_cutoff(sub.id) or (due - timedelta(days=1))
        composed_at = claimed.composed_at or now
        digest = await self.compose(sub, since=since, now=composed_at, local_day=_local_day(key))
        update = self._updater(delivery_id)
        await update(since=since, composed_at=composed_at)
        if not digest.items and not sub.post_when_empty:
            await update(status="empty", error=None)
            report.empty.append(label)
            if self.metrics:
                self.metrics.digest(sub.platform, "empty")
            return
        sender = self.senders[sub.platform]
        messages = sender.render(digest)
        post_key = f"{sub.id}/{key}"  # unique per digest: a channel may have two digests at one local time
        ids: list[str] = list(claimed.message_ids)
        start = claimed.parts_sent
        if claimed.attempts > 1:
            # A previous owner may have posted and died before recording it: never post twice.
            try:
                posted = await sender.find_posted(sub.channel_id, post_key)
            except DeliveryError as exc:
                log.warning("could not check digest %s for earlier posts: %s", label, exc.message, extra=_ctx(sub))
                posted = {}
            while start in posted:
                ids.append(posted[start])
                start += 1
            if start != claimed.parts_sent:
                await update(parts_sent=start, message_ids=ids)
        for part in range(start, len(messages)):
            try:
                message_id = await sender.post(sub.channel_id, messages[part], key=post_key, part=part)
            except DeliveryError as exc:
                await self._failed(sub, delivery_id, claimed.attempts, exc, report, label, now)
                return
            ids.append(message_id)
            lease_until = max(now, self.clock.now()) + self.lease
            if not await update(parts_sent=part + 1, message_ids=ids, lease_until=lease_until):
                log.warning("digest %s was taken over by another process; stopping", label, extra=_ctx(sub))
                return
        await update(status="sent", error=None)
        report.sent.append(label)
        if self.metrics:
            self.metrics.digest(sub.platform, "delivered")
        log.info("digest %s delivered in %d message(s)", label, len(messages), extra=_ctx(sub))

    async def _failed(
        self,
        sub: DigestSubscription,
        delivery_id: int,
        attempts: int,
        exc: DeliveryError,
        report: TickReport,
        label: str,
        now: datetime,
    ) -> None:
        now = max(now, self.clock.now())
        update = self._updater(delivery_id)
        if not exc.transient and attempts >= PERMANENT_ATTEMPTS:
            reason = f"stopped after {attempts} failed attempts: {exc.message}"
            await update(status="failed", error=exc.message)
            async with self.store.transaction():
                await self.store.disable_digest(sub.id, reason)
            report.failed.append(label)
            report.errors[label] = reason
            if self.metrics:
                self.metrics.digest(sub.platform, "disabled")
            log.warning("digest %s disabled: %s", label, exc.message, extra=_ctx(sub))
            with contextlib.suppress(DeliveryError):  # the channel may be gone: status shows the reason
                await self.senders[sub.platform].notify(sub.channel_id, disabled_notice(exc.message))
            return
        delay = self.backoff(attempts, exc.retry_after)
        await update(status="retry", next_attempt=now + delay, error=exc.message)
        report.retrying.append(label)
        report.errors[label] = exc.message
        if self.metrics:
            self.metrics.digest(sub.platform, "failed")
        log.info(
            "digest %s failed (%s); retrying in %ss", label, exc.message, int(delay.total_seconds()), extra=_ctx(sub)
        )

    async def due_without_sender(self, now: datetime | None = None) -> list[tuple[DigestSubscription, str]]:
        """Return the (digest, slot) pairs due now that no sender here can deliver (their platform is missing)."""
        now = now or self.clock.now()
        out: list[tuple[DigestSubscription, str]] = []
        for sub in await self.store.digests(enabled_only=True):
            if sub.platform in self.senders:
                continue
            for day, _due in reversed(due_slots(sub, now, self.grace)):  # the newest slot is the one to post
                key = slot_key(day, sub.at)
                existing = await self.store.delivery(sub.id, key)
                if existing is None or existing.status not in FINAL:
                    out.append((sub, key))
                break
        return out

    def backoff(self, attempts: int, retry_after: float | None = None) -> timedelta:
        """Return the wait before retry ``attempts``: Retry-After if given, else capped exponential with jitter."""
        if retry_after is not None:
            return timedelta(seconds=max(0.0, retry_after) + self._rng.uniform(0, 1))
        base = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** max(0, attempts - 1)))
        return base * self._rng.uniform(0.5, 1.0)

    def _updater(self, delivery_id: int) -> Callable[..., Awaitable[bool]]:
        async def update(**fields: object) -> bool:
            return await self.store.update_delivery(delivery_id, self.owner, self.clock.now(), **fields)

        return update

    async def compose(self, sub: DigestSubscription, *, since: datetime, now: datetime, local_day: date) -> Digest:
        """Compose the digest of a subscription for the window (since, now]."""
        key = (since, now)
        if key not in self._changes:
            self._changes[key] = asyncio.ensure_future(self.store.changed_stories(since, now))
        changes = await asyncio.shield(self._changes[key])
        return await compose_from_store(
            self.store, sub, since=since, now=now, local_day=local_day, changes=changes, news=self._news
        )

    async def run(
        self, stop: asyncio.Event, *, interval: float = 20.0, sleep: Callable[[float], Awaitable[Any]] | None = None
    ) -> None:
        """Tick every ``interval`` seconds until ``stop`` is set; errors are logged, never fatal.

        ``stop`` also stops new claims within a tick (unless the scheduler was made with its own)."""
        if self.stop is None:
            self.stop = stop
        while not stop.is_set():
            try:
                report = await self.tick()
                if report.total():
                    log.info("digest tick: %s", report)
            except Exception:
                log.exception("digest tick failed")
            if sleep is not None:
                await sleep(interval)
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=interval)


async def compose_from_store(
    store: Store,
    sub: DigestSubscription,
    *,
    since: datetime,
    now: datetime,
    local_day: date,
    changes: list[tuple[StorySummary, list[Source]]] | None = None,
    news: NewsCache | None = None,
) -> Digest:
    """Compose a subscription's digest from the stories changed in (since, now], filtered by its topics.

    Each story that was updated (not new) carries what its brief gained in the window; ``news`` caches
    that per (story, window) for digests composed together.
    """
    if changes is None:
        changes = await store.changed_stories(since, now)
    allowed: set[str] | None = None
    if sub.topics:
        allowed = set()
        for topic in sub.topics:
            allowed |= await store.story_ids_matching(topic)
    digest = compose_digest(sub, changes, since=since, now=now, local_day=local_day, allowed=allowed)
    return await add_whats_new(store, digest, since=since, now=now, cache=news)


def _live(row: DeliveryRow, now: datetime) -> bool:
    """Tell whether a claim's lease still runs at ``now``."""
    return row.lease_until is not None and row.lease_until > now


def _ctx(sub: DigestSubscription) -> dict[str, object]:
    """The context a digest's log lines carry (JSON logs show it as fields)."""
    return {"digest_id": sub.id, "platform": sub.platform, "channel": sub.channel_id}


def _local_day(key: str) -> date:
    return date.fromisoformat(key.split("T", 1)[0])


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f}h" if hours < 48 else f"{hours / 24:.1f} days"
