"""Shared fixtures: a manual clock, a service on a temporary database, the seed story, bulk stories."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefings.clock import ManualClock
from briefings.service import BriefingService, open_service
from briefings.testing import ADMIN, SEED_SLUG, bulk_stories, seed_text

SHARED_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


@pytest.fixture
def clock() -> ManualClock:
    """A clock that only moves when a test moves it."""
    return ManualClock(datetime(2025, 6, 20, 9, 0, tzinfo=UTC))


@pytest.fixture
async def service(tmp_path: Path, clock: ManualClock) -> AsyncIterator[BriefingService]:
    """An open service on an empty temporary database."""
    async with open_service(tmp_path / "test.db", clock=clock, fetch_allow_hosts=["127.0.0.1"]) as svc:
        yield svc


@pytest.fixture
async def seeded_service(service: BriefingService) -> BriefingService:
    """The service with the bundled sample story added as ``japan-us-talks``."""
    await service.add_text(seed_text(), actor=ADMIN, story=SEED_SLUG)
    return service


@pytest.fixture(name="make_stories")
def make_stories_fixture():
    """The ``bulk_stories(service, n)`` helper, as a fixture."""
    return bulk_stories


@pytest.fixture
def shared_eval() -> Path:
    """The shared evaluation data folder, or skip when it is absent."""
    if not SHARED_EVAL.is_dir():
        pytest.skip("../shared/eval is not present")
    return SHARED_EVAL
