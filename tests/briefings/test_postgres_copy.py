"""`db copy`: a whole database moves between SQLite and PostgreSQL, verified, and may be copied again."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefings.clock import ManualClock
from briefings.errors import StoreError
from briefings.service import open_service
from briefings.store.copy import copy_database
from briefings.testing import ADMIN, SEED_SLUG, bulk_stories, seed_text


async def _fill(target: str, clock: ManualClock) -> str:
    """Store the seed story (with an alias), a few bulk stories and a digest; return the seed's brief as JSON."""
    async with open_service(target, clock=clock) as service:
        await service.add_text(seed_text(), actor=ADMIN, story=SEED_SLUG)
        await service.alias(SEED_SLUG, "talks", actor=ADMIN)
        await bulk_stories(service, 3)
        await service.digests.on(platform="slack", channel_id="C1", at="08:30", tz="UTC", actor=ADMIN)
        return (await service.brief(SEED_SLUG)).model_dump_json()


async def _seen_in(target: str, clock: ManualClock) -> tuple[str, list[str], int]:
    async with open_service(target, clock=clock, create=False) as service:
        brief = (await service.brief("talks")).model_dump_json()
        hits = [h.slug for h in await service.store.search("japan", 10)]
        return brief, sorted(hits), len(await service.store.digests())


async def test_a_copy_between_two_sqlite_files_is_verified_and_may_be_rerun(tmp_path: Path, clock: ManualClock) -> None:
    src, dst = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    brief = await _fill(src, clock)
    report = await copy_database(src, dst)
    assert report.counts["stories"] == 4 and report.briefs == 4 and report.counts["digests"] == 1
    again = await copy_database(src, dst)  # re-running changes nothing and verifies again
    assert again.counts == report.counts
    assert await _seen_in(dst, clock) == await _seen_in(src, clock)
    assert (await _seen_in(dst, clock))[0] == brief


async def test_sqlite_to_postgres_and_back(tmp_path: Path, clock: ManualClock, postgres_url: str) -> None:
    src, back = str(tmp_path / "a.db"), str(tmp_path / "back.db")
    await _fill(src, clock)
    report = await copy_database(src, postgres_url)
    assert report.briefs == 4
    assert (await copy_database(src, postgres_url)).counts == report.counts  # safe to re-run
    assert await _seen_in(postgres_url, clock) == await _seen_in(src, clock)
    async with open_service(postgres_url, clock=clock) as service:  # ids continue after the copied ones
        added = await service.add_text(seed_text() + "\n\nA later paragraph.", actor=ADMIN, story="later")
        assert added.article_id > report.counts["articles"]
    back_report = await copy_database(postgres_url, back)
    assert back_report.counts["stories"] == 5
    assert (await _seen_in(back, clock))[0] == (await _seen_in(src, clock))[0]


async def test_a_target_holding_other_stories_is_refused(tmp_path: Path, clock: ManualClock) -> None:
    src, other = str(tmp_path / "a.db"), str(tmp_path / "other.db")
    await _fill(src, clock)
    async with open_service(other, clock=clock) as service:
        await bulk_stories(service, 1, prefix="mine")
    with pytest.raises(StoreError, match="already holds other stories"):
        await copy_database(src, other)
    with pytest.raises(StoreError, match="same database"):
        await copy_database(src, src)
