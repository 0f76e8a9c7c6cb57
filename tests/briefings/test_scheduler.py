"""The digest scheduler: exactly once across processes and crashes, catch-up, retries, failures, splitting."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from briefings.clock import ManualClock
from briefings.digest_actions import DigestService
from briefings.digest_text import Notice
from briefings.errors import DeliveryError
from briefings.models import Actor, Digest
from briefings.scheduler import LEASE, DigestScheduler
from briefings.service import BriefingService, open_service
from briefings.store import Store
from briefings.store.rows import DeliveryRow
from briefings.testing import ADMIN, seed_text

OTHER = """Heatwave grips southern Europe as wildfires spread in Greece
Firefighters battled wildfires near Athens on Tuesday as temperatures climbed above 40C across southern Europe.
Authorities evacuated several villages and closed the Acropolis to tourists during the hottest hours of the day.
"""
# 08:30 in Tokyo is 23:30 UTC the day before
DUE = datetime(2025, 6, 20, 23, 30, tzinfo=UTC)


class Killed(BaseException):
    """Stands for the process being killed at a chosen point."""


class FakeSender:
    """An in-memory channel: records posts, can fail or die on demand, splits digests into N-item parts."""

    def __init__(self, per_message: int = 10) -> None:
        self.posts: list[tuple[str, str, int, list[str]]] = []  # channel, key, part, slugs
        self.failures: list[DeliveryError] = []
        self.die_before_post = False
        self.die_after_post = False
        self.per_message = per_message
        self.notices: list[Notice] = []

    def render(self, digest: Digest) -> list[list[str]]:
        slugs = [i.slug for i in digest.items] or ["(nothing new)"]
        return [slugs[i : i + self.per_message] for i in range(0, len(slugs), self.per_message)]

    async def post(self, channel_id: str, message: list[str], *, key: str, part: int) -> str:
        if self.die_before_post:
            raise Killed
        if self.failures:
            raise self.failures.pop(0)
        self.posts.append((channel_id, key, part, message))
        if self.die_after_post:
            raise Killed
        return f"m{len(self.posts)}"

    async def find_posted(self, channel_id: str, key: str) -> dict[int, str]:
        return {part: f"m{i + 1}" for i, (c, k, part, _) in enumerate(self.posts) if (c, k) == (channel_id, key)}

    async def notify(self, channel_id: str, notice: Notice) -> None:
        self.notices.append(notice)


async def _subscribe(service: BriefingService, **kw) -> int:
    status = await service.digests.on(
        platform="slack", channel_id="C1", at="08:30", tz="Asia/Tokyo", actor=ADMIN, **kw
    )
    return status.subscription.id


@pytest.fixture
async def setup(tmp_path: Path, clock: ManualClock):
    """A service with a subscription made before the news, and a scheduler on the same store."""
    clock.set(datetime(2025, 6, 20, 1, 0, tzinfo=UTC))
    async with open_service(tmp_path / "d.db", clock=clock) as service:
        await _subscribe(service)
        clock.set(datetime(2025, 6, 20, 12, 0, tzinfo=UTC))
        await service.add_text(seed_text(), actor=ADMIN, story="japan-us-talks")
        sender = FakeSender()
        scheduler = DigestScheduler(service.store, {"slack": sender}, clock=clock, rng=random.Random(1), owner="p1")
        yield service, scheduler, sender, clock


async def test_due_digest_is_posted_once_and_not_again(setup) -> None:
    service, scheduler, sender, clock = setup
    assert (await scheduler.tick(DUE - timedelta(minutes=1))).total() == 0
    report = await scheduler.tick(DUE)
    assert report.sent == ["1@2025-06-21T08:30"]
    assert [p[3] for p in sender.posts] == [["japan-us-talks"]]
    clock.set(DUE + timedelta(minutes=5))
    await scheduler.tick()
    assert len(sender.posts) == 1
    status = (await service.digests.status(platform="slack", channel_id="C1"))[0]
    assert status.last_delivery_slot == "2025-06-21T08:30"
    assert status.next_run_utc == DUE + timedelta(days=1)


async def test_two_processes_racing_post_once(setup, tmp_path: Path) -> None:
    service, scheduler, sender, clock = setup
    other_store = await Store.open(tmp_path / "d.db")
    try:
        other = DigestScheduler(other_store, {"slack": sender}, clock=clock, owner="p2")
        reports = await asyncio.gather(scheduler.tick(DUE), other.tick(DUE), scheduler.tick(DUE), other.tick(DUE))
    finally:
        await other_store.close()
    assert len(sender.posts) == 1
    assert sum(len(r.sent) for r in reports) == 1


async def test_kill_between_claim_and_send_then_restart(setup) -> None:
    service, scheduler, sender, clock = setup
    sender.die_before_post = True
    with pytest.raises(Killed):
        await scheduler.tick(DUE)
    sender.die_before_post = False
    restarted = DigestScheduler(service.store, {"slack": sender}, clock=clock, owner="p1-restarted")
    assert (await restarted.tick(DUE + timedelta(minutes=1))).total() == 0  # lease still held
    report = await restarted.tick(DUE + LEASE + timedelta(seconds=1))
    assert report.sent and len(sender.posts) == 1


async def test_a_slot_another_live_process_holds_is_not_claimed_again(setup, monkeypatch) -> None:
    service, scheduler, sender, clock = setup
    sender.die_before_post = True
    with pytest.raises(Killed):
        await scheduler.tick(DUE)  # p1 holds the slot's lease
    sender.die_before_post = False
    claims = []
    real_claim = service.store.claim_delivery

    async def counting_claim(*args, **kwargs):
        claims.append(args)
        return await real_claim(*args, **kwargs)

    monkeypatch.setattr(service.store, "claim_delivery", counting_claim)
    other = DigestScheduler(service.store, {"slack": sender}, clock=clock, owner="p2")
    assert (await other.tick(DUE + timedelta(minutes=1))).total() == 0
    assert claims == []  # no write is spent on a claim that cannot win
    assert (await other.tick(DUE + LEASE + timedelta(seconds=1))).sent and len(claims) == 1  # lease over: taken


async def test_restart_right_after_the_post_does_not_post_again(setup) -> None:
    service, scheduler, sender, clock = setup
    sender.die_after_post = True
    with pytest.raises(Killed):
        await scheduler.tick(DUE)
    sender.die_after_post = False
    restarted = DigestScheduler(service.store, {"slack": sender}, clock=clock, owner="p1-restarted")
    report = await restarted.tick(DUE + LEASE + timedelta(seconds=1))
    assert report.sent and len(sender.posts) == 1


@pytest.mark.parametrize("down,posted", [(timedelta(hours=5), True), (timedelta(hours=7), False)])
async def test_downtime_within_and_beyond_grace(setup, down: timedelta, posted: bool) -> None:
    service, scheduler, sender, clock = setup
    report = await scheduler.tick(DUE + down)
    assert bool(sender.posts) is posted
    if not posted:
        assert report.skipped
        status = (await service.digests.status(platform="slack", channel_id="C1"))[0]
        assert "beyond the 6.0h catch-up window" in status.skipped[0]


async def test_rate_limited_then_success_honours_retry_after(setup) -> None:
    service, scheduler, sender, clock = setup
    sender.failures = [DeliveryError("rate limited", transient=True, retry_after=30)]
    assert (await scheduler.tick(DUE)).retrying
    assert (await scheduler.tick(DUE + timedelta(seconds=20))).total() == 0  # Retry-After not over yet
    assert (await scheduler.tick(DUE + timedelta(seconds=32))).sent
    assert len(sender.posts) == 1


async def test_permanent_error_disables_after_three_attempts(setup) -> None:
    service, scheduler, sender, clock = setup
    sender.failures = [DeliveryError("channel_not_found", transient=False) for _ in range(3)]
    now = DUE
    for _ in range(3):
        await scheduler.tick(now)
        now += timedelta(minutes=20)
    status = (await service.digests.status(platform="slack", channel_id="C1"))[0]
    assert not status.subscription.enabled and "channel_not_found" in (status.last_failure or "")
    assert sender.posts == []
    # The channel is told in neutral words, with a hint (each sender words it in its platform's syntax).
    [notice] = sender.notices
    assert "stopped this channel's daily digest (channel_not_found)" in notice.text
    assert notice.hints == ("digest_on",) and "/brief" not in notice.text
    assert (await scheduler.tick(DUE + timedelta(days=1))).total() == 0


async def test_report_names_why_a_delivery_failed(setup) -> None:
    service, scheduler, sender, clock = setup
    sender.failures = [DeliveryError("Slack error 503 (no detail)", transient=True)]
    report = await scheduler.tick(DUE)
    assert report.retrying == ["1@2025-06-21T08:30"]
    assert report.errors == {"1@2025-06-21T08:30": "Slack error 503 (no detail)"}


async def test_due_digests_without_a_sender_are_reported(setup) -> None:
    service, scheduler, sender, clock = setup
    await service.digests.on(platform="discord", channel_id="42", at="08:30", tz="Asia/Tokyo", actor=ADMIN)
    await service.digests.on(platform="discord", channel_id="43", at="10:00", tz="Asia/Tokyo", actor=ADMIN)
    assert await scheduler.due_without_sender(DUE - timedelta(minutes=1)) == []
    stranded = await scheduler.due_without_sender(DUE)
    assert [(s.platform, s.channel_id, key) for s, key in stranded] == [("discord", "42", "2025-06-21T08:30")]
    # beyond the grace window the 08:30 slot is no longer due (the scheduler would skip it); 10:00 is
    later = await scheduler.due_without_sender(DUE + timedelta(hours=7))
    assert [(s.channel_id, key) for s, key in later] == [("43", "2025-06-21T10:00")]


async def test_empty_digest_posts_nothing_unless_asked(tmp_path: Path, clock: ManualClock) -> None:
    clock.set(datetime(2025, 6, 20, 1, 0, tzinfo=UTC))
    async with open_service(tmp_path / "e.db", clock=clock) as service:
        await _subscribe(service)
        await service.digests.on(platform="slack", channel_id="C2", at="08:30", tz="Asia/Tokyo", actor=ADMIN,
                                post_when_empty=True)
        sender = FakeSender()
        report = await DigestScheduler(service.store, {"slack": sender}, clock=clock).tick(DUE)
    assert len(report.empty) == 1 and [p[0] for p in sender.posts] == ["C2"]


async def test_topics_filter_and_since_last_digest(setup) -> None:
    service, scheduler, sender, clock = setup
    await service.digests.on(platform="slack", channel_id="C9", at="08:30", tz="Asia/Tokyo", actor=ADMIN,
                            topics=["wildfires"])
    clock.set(DUE - timedelta(hours=1))
    await service.add_text(OTHER, actor=ADMIN)
    await scheduler.tick(DUE)
    by_channel = {p[0]: p[3] for p in sender.posts}
    assert by_channel["C1"] == ["heatwave-grips-southern-europe-wildfires", "japan-us-talks"]
    assert by_channel["C9"] == ["heatwave-grips-southern-europe-wildfires"]
    sender.posts.clear()
    await scheduler.tick(DUE + timedelta(days=1))  # nothing changed since: nothing posted
    assert sender.posts == []


async def test_long_digest_is_split_in_order(setup) -> None:
    service, scheduler, sender, clock = setup
    sender.per_message = 1
    clock.set(DUE - timedelta(hours=1))
    await service.add_text(OTHER, actor=ADMIN)
    await scheduler.tick(DUE)
    assert [p[2] for p in sender.posts] == [0, 1]


async def test_digest_commands_validate_and_need_admin(service: BriefingService) -> None:
    from briefings.errors import InvalidInput, NotFound, PermissionDenied

    user = Actor(platform="slack", user_id="U2")
    with pytest.raises(PermissionDenied):
        await service.digests.on(platform="slack", channel_id="C1", at="08:30", tz="UTC", actor=user)
    with pytest.raises(InvalidInput, match="not a time zone"):
        await service.digests.on(platform="slack", channel_id="C1", at="08:30", tz="Mars/Base", actor=ADMIN)
    with pytest.raises(InvalidInput, match="not a time"):
        await service.digests.on(platform="slack", channel_id="C1", at="25:00", tz="UTC", actor=ADMIN)
    assert await service.digests.status(platform="slack", channel_id="C1") == []
    first = await service.digests.on(platform="slack", channel_id="C1", at="8:00", tz="utc", actor=ADMIN)
    again = await service.digests.on(platform="slack", channel_id="C1", at="08:00", tz="UTC", actor=ADMIN,
                                    weekdays_only=True)
    assert first.subscription.id == again.subscription.id and again.subscription.weekdays_only
    assert again.next_run_utc is not None  # digest_on returns the status, next run included
    await service.digests.on(platform="slack", channel_id="C1", at="18:00", tz="UTC", actor=ADMIN)
    assert len(await service.digests.status(platform="slack", channel_id="C1")) == 2
    preview = await service.digests.preview(platform="slack", channel_id="C1")
    assert preview.items == []
    stopped = await service.digests.off(platform="slack", channel_id="C1", actor=ADMIN)
    assert len(stopped) == 2
    with pytest.raises(NotFound):
        await service.digests.off(platform="slack", channel_id="C1", actor=ADMIN)


async def test_deliveries_are_typed_rows_on_both_backends(store_target: str, clock: ManualClock) -> None:
    clock.set(datetime(2025, 6, 20, 1, 0, tzinfo=UTC))
    async with open_service(store_target, clock=clock) as service:
        digest_id = await _subscribe(service)
        store = service.store
        claimed = await store.claim_delivery(digest_id, "2025-06-21T08:30", DUE, "p1", DUE, DUE + LEASE)
        assert isinstance(claimed, DeliveryRow)
        assert (claimed.status, claimed.owner, claimed.attempts, claimed.parts_sent) == ("claimed", "p1", 1, 0)
        assert claimed.due_at == DUE and claimed.lease_until == DUE + LEASE and claimed.message_ids == ()
        assert claimed.since is None and claimed.composed_at is None and claimed.next_attempt is None
        assert await store.update_delivery(claimed.id, "p1", DUE, since=DUE - timedelta(days=1), message_ids=["m1"])
        (row,) = await store.deliveries(digest_id)
        assert row.since == DUE - timedelta(days=1) and row.message_ids == ("m1",) and row.updated_at == DUE
        assert await store.claim_delivery(digest_id, "2025-06-21T08:30", DUE, "p2", DUE, DUE + LEASE) is None


async def test_digest_service_stands_alone_and_old_names_delegate(service: BriefingService) -> None:
    digests = DigestService(service.store, service.clock)
    status = await digests.on(platform="slack", channel_id="C5", at="07:00", tz="UTC", actor=ADMIN)
    assert service.digests.store is service.store and service.digests.clock is service.clock
    listed = await service.digests.status(platform="slack", channel_id="C5")  # the compatibility delegation
    assert [s.subscription for s in listed] == [status.subscription]
    assert await service.digests.by_id(status.subscription.id) == status.subscription
    stopped = await digests.off(platform="slack", channel_id="C5", actor=ADMIN)
    assert [s.id for s in stopped] == [status.subscription.id] and not await service.digests.status()


class StuckSender(FakeSender):
    """Posts parts up to ``stuck_at``, then hangs (a slow platform) until the drain limit cancels it."""

    def __init__(self, stuck_at: int) -> None:
        super().__init__(per_message=1)
        self.stuck_at = stuck_at
        self.entered = asyncio.Event()

    async def post(self, channel_id: str, message: list[str], *, key: str, part: int) -> str:
        if part == self.stuck_at:
            self.entered.set()
            await asyncio.Event().wait()
        return await super().post(channel_id, message, key=key, part=part)


async def test_a_delivery_cancelled_by_the_drain_releases_its_claim(setup) -> None:
    service, _, _, clock = setup
    clock.set(DUE - timedelta(hours=1))
    await service.add_text(OTHER, actor=ADMIN)  # two stories: two parts, one per message
    clock.set(DUE)
    sender = StuckSender(stuck_at=1)
    draining = DigestScheduler(service.store, {"slack": sender}, clock=clock, owner="p1")
    task = asyncio.create_task(draining.tick(DUE))
    await sender.entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    row = await service.store.delivery(1, "2025-06-21T08:30")
    assert row is not None and (row.status, row.owner, row.parts_sent, row.lease_until) == ("claimed", "p1", 1, DUE)
    sender.stuck_at = -1
    clock.set(DUE + timedelta(seconds=1))  # well within the 5-minute lease: the slot is free at once
    other = DigestScheduler(service.store, {"slack": sender}, clock=clock, owner="p2")
    report = await other.tick()
    assert report.sent == ["1@2025-06-21T08:30"]
    assert [p[2] for p in sender.posts] == [0, 1]  # the part posted before the drain is not posted again


async def test_a_stopped_scheduler_claims_nothing(setup) -> None:
    service, _, sender, clock = setup
    stop = asyncio.Event()
    stop.set()
    stopped = DigestScheduler(service.store, {"slack": sender}, clock=clock, owner="p1", stop=stop)
    assert (await stopped.tick(DUE)).total() == 0
    assert not sender.posts and await service.store.delivery(1, "2025-06-21T08:30") is None
    await stopped.run(stop)  # returns at once
    running = DigestScheduler(service.store, {"slack": sender}, clock=clock, owner="p2")
    await running.run(stop)  # the event run() is given also stops claims within a tick
    assert running.stop is stop and not sender.posts
