"""Shared fixtures: a manual clock, a service on a temporary database, the seed story, bulk stories."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest

from briefings.clock import ManualClock
from briefings.models import Actor, Article, Brief, StoryRef
from briefings.service import BriefingService, open_service
from briefings.textutil import content_hash

SEED_SLUG = "japan-us-talks"
ADMIN = Actor(platform="console", user_id="tester", is_admin=True)
SHARED_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


def seed_text() -> str:
    """Return the bundled sample article."""
    return resources.files("briefings.data").joinpath("japan-us-talks.txt").read_text(encoding="utf-8")


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


async def bulk_stories(service: BriefingService, n: int, *, prefix: str = "story") -> list[str]:
    """Add ``n`` stories fast (one real brief computed, then copied under new slugs); return their slugs."""
    template_slug = f"{prefix}-template"
    result = await service.add_text(seed_text(), actor=ADMIN, story=template_slug)
    template = await service.brief(result.story.slug)
    stored = await service.store.article(result.article_id)
    assert stored is not None
    store, now = service.store, service.clock.now()
    slugs: list[str] = []
    async with store.transaction():
        for i in range(n):
            slug = f"{prefix}-{i:05d}"
            title = f"{template.story.title} (part {i})"
            story_id = await store.insert_story(slug, title, now)
            text = f"{stored.article.text}\n\nUpdate number {i}."
            article = Article(id=0, story_id=story_id, title=title, text=text, added_at=now)
            article_id = await store.insert_article(story_id, article, None, content_hash(text), stored.facts)
            brief = template.model_copy(deep=True)
            brief.story = StoryRef(slug=slug, title=title)
            brief.headline = title
            brief.sources = [s.model_copy(update={"article_id": article_id, "title": title}) for s in brief.sources]
            await store.save_brief(story_id, Brief.model_validate(brief.model_dump()), now)
            slugs.append(slug)
    return slugs


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
