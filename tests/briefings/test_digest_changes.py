"""Digests say what an updated story's brief gained since the channel's previous digest."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from briefings.clock import ManualClock
from briefings.digest_changes import story_news
from briefings.digest_text import CHANGE_CHARS, CHANGE_LINES, Notice, digest_text
from briefings.digests import ChangedItem
from briefings.models import Digest
from briefings.scheduler import DigestScheduler
from briefings.service import BriefingService
from briefings.testing import ADMIN, SEED_SLUG, seed_text
from tests.briefings.test_briefs import SECOND

DUE = datetime(2025, 6, 20, 9, 30, tzinfo=UTC)


class RecordingSender:
    """A channel that keeps every digest it is given, whole."""

    def __init__(self) -> None:
        self.digests: list[Digest] = []

    def render(self, digest: Digest) -> list[Digest]:
        return [digest]

    async def post(self, channel_id: str, message: Any, *, key: str, part: int) -> str:
        self.digests.append(message)
        return f"m{len(self.digests)}"

    async def find_posted(self, channel_id: str, key: str) -> dict[int, str]:
        return {}

    async def notify(self, channel_id: str, notice: Notice) -> None:
        return None


async def _scheduled(service: BriefingService, clock: ManualClock) -> tuple[DigestScheduler, RecordingSender]:
    """The seed story at 09:00, a daily 09:30 UTC digest, and the first digest delivered."""
    await service.add_text(seed_text(), actor=ADMIN, story=SEED_SLUG)
    await service.digests.on(platform="slack", channel_id="C1", at="09:30", tz="UTC", actor=ADMIN)
    sender = RecordingSender()
    scheduler = DigestScheduler(service.store, {"slack": sender}, clock=clock, owner="t", rng=random.Random(1))
    clock.set(DUE + timedelta(minutes=1))
    await scheduler.tick()
    return scheduler, sender


async def test_a_new_story_lists_no_changes(service: BriefingService, clock: ManualClock) -> None:
    _, sender = await _scheduled(service, clock)
    (first,) = sender.digests
    (item,) = first.items
    assert item.is_new_story and not isinstance(item, ChangedItem)
    assert digest_text(first).items[0].changes == ()


async def test_a_story_that_gained_an_article_lists_what_is_new(service: BriefingService, clock: ManualClock) -> None:
    scheduler, sender = await _scheduled(service, clock)
    clock.set(DUE + timedelta(hours=6))
    await service.add_text(SECOND, actor=ADMIN, story=SEED_SLUG, title="Japan calls off the talks")
    clock.set(DUE + timedelta(days=1, minutes=1))
    await scheduler.tick()
    second = sender.digests[-1]
    (item,) = second.items
    assert isinstance(item, ChangedItem) and not item.is_new_story
    assert item.whats_new.since == datetime(2025, 6, 20, 9, 0, tzinfo=UTC)  # the version the channel last saw
    text = digest_text(second).items[0]
    assert text.label == "+1 source"
    assert text.changes[0].startswith("New: TOKYO (Reuters) - Japan has called off its annual 2+2 security talks")
    # the TL;DR and the sources are shown apart: not repeated among the changes
    assert not any(line.startswith(("Latest:", "New sources:")) for line in text.changes)
    assert len(text.changes) <= CHANGE_LINES + 1 and all(len(line) <= CHANGE_CHARS for line in text.changes)
    # the day after, nothing changed: nothing is listed
    clock.set(DUE + timedelta(days=2, minutes=1))
    await scheduler.tick()
    assert len(sender.digests) == 2


async def test_the_preview_lists_what_is_new_too(service: BriefingService, clock: ManualClock) -> None:
    await _scheduled(service, clock)
    clock.set(DUE + timedelta(hours=6))
    await service.add_text(SECOND, actor=ADMIN, story=SEED_SLUG, title="Japan calls off the talks")
    preview = await service.digests.preview(platform="slack", channel_id="C1")
    assert isinstance(preview.items[0], ChangedItem)
    assert digest_text(preview).items[0].changes


async def test_story_news_compares_the_versions_at_both_ends(service: BriefingService, clock: ManualClock) -> None:
    t0 = clock.now()
    await service.add_text(seed_text(), actor=ADMIN, story=SEED_SLUG)
    assert await story_news(service.store, SEED_SLUG, t0 - timedelta(hours=1), t0) is None  # new in the window
    clock.advance(timedelta(hours=2))
    await service.add_text(SECOND, actor=ADMIN, story=SEED_SLUG)
    assert await story_news(service.store, SEED_SLUG, t0, t0 + timedelta(hours=1)) is None  # not rebuilt yet
    news = await story_news(service.store, SEED_SLUG, t0, clock.now())
    assert news is not None and news.new_articles == 1 and news.until == clock.now()
    assert await story_news(service.store, "no-such-story", t0, clock.now()) is None
