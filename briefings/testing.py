"""Helpers for tests and benchmarks: the bundled sample article, a console admin, many stories fast."""

from __future__ import annotations

from importlib import resources

from briefings.models import Actor, Article, Brief, StoryRef
from briefings.service import BriefingService
from briefings.textutil import content_hash

SEED_SLUG = "japan-us-talks"
ADMIN = Actor(platform="console", user_id="tester", is_admin=True)


def seed_text() -> str:
    """Return the bundled sample article."""
    return resources.files("briefings.data").joinpath("japan-us-talks.txt").read_text(encoding="utf-8")


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
