"""Admin corrections: merge and move, with their logs, aliases, rebuilt briefs and bad input."""

from __future__ import annotations

import pytest

from briefings.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from briefings.models import Actor
from briefings.service import BriefingService
from briefings.testing import ADMIN, SEED_SLUG, seed_text

USER = Actor(platform="slack", user_id="U1", is_admin=False)

FOLLOW_UP = """Japan postpones 2+2 security talks with U.S. over defence spending demands
Japan has postponed the annual 2+2 security talks with the United States that were planned for July 1,
officials said, after Washington pressed Tokyo to raise defense spending to 3.5% of GDP.
Foreign Minister Takeshi Iwaya and Defense Minister Gen Nakatani had been due to meet Secretary of State
Marco Rubio and Defense Secretary Pete Hegseth.
"""

OTHER = """Heatwave grips southern Europe as wildfires spread in Greece
Firefighters battled wildfires near Athens on Tuesday as temperatures climbed above 40C across southern Europe.
Authorities evacuated several villages and closed the Acropolis to tourists during the hottest hours of the day.
Meteorologists warned the heat would last until the weekend in Italy, Spain and Greece.
"""


async def test_merge_moves_articles_keeps_the_old_slug_and_logs(service: BriefingService) -> None:
    await service.add_text(seed_text(), actor=ADMIN, story=SEED_SLUG)
    await service.add_text(FOLLOW_UP, actor=ADMIN, story="japan-postpones")
    await service.alias("japan-postpones", "two-plus-two", actor=ADMIN)
    result = await service.merge("japan-postpones", SEED_SLUG, actor=ADMIN)
    assert result.articles_moved == 1 and result.story.slug == SEED_SLUG
    brief = await service.brief("japan-postpones")
    assert brief.story.slug == SEED_SLUG and brief.article_count == 2 and len(brief.sources) == 2
    assert {"japan-postpones", "two-plus-two"} <= set(brief.aliases)
    assert (await service.brief("two-plus-two")).story.slug == SEED_SLUG
    assert [s.slug for s in await service.list_stories()] == [SEED_SLUG]
    entry = (await service.admin_log(1))[0]
    assert entry.action == "merge" and entry.target == SEED_SLUG and "japan-postpones (1 article)" in entry.detail


async def test_merge_refuses_itself_unknown_stories_and_non_admins(seeded_service: BriefingService) -> None:
    svc = seeded_service
    await svc.alias(SEED_SLUG, "talks", actor=ADMIN)
    with pytest.raises(InvalidInput, match="same story"):
        await svc.merge("talks", SEED_SLUG, actor=ADMIN)
    with pytest.raises(NotFound):
        await svc.merge("nope-story", SEED_SLUG, actor=ADMIN)
    with pytest.raises(PermissionDenied):
        await svc.merge(SEED_SLUG, "talks", actor=USER)
    assert (await svc.brief(SEED_SLUG)).article_count == 1


async def test_move_to_another_story_and_to_a_new_one(service: BriefingService) -> None:
    seed = await service.add_text(seed_text(), actor=ADMIN, story=SEED_SLUG)
    wrong = await service.add_text(OTHER, actor=ADMIN, story=SEED_SLUG)  # put in the wrong story by mistake
    assert (await service.brief(SEED_SLUG)).article_count == 2
    moved = await service.move(wrong.article_id, None, actor=ADMIN, new_story="europe-heatwave")
    assert moved.created_story and moved.target.slug == "europe-heatwave" and not moved.source_removed
    assert (await service.brief(SEED_SLUG)).article_count == 1
    assert (await service.brief("europe-heatwave")).sources[0].article_id == wrong.article_id
    assert await service.store.is_manual(wrong.article_id)
    back = await service.move(seed.article_id, "europe-heatwave", actor=ADMIN)
    assert back.source_removed and back.target.slug == "europe-heatwave"
    with pytest.raises(NotFound):
        await service.brief(SEED_SLUG)  # the emptied story went away, with a log entry
    actions = [(e.action, e.target) for e in await service.admin_log(3)]
    assert actions[:2] == [("move", "europe-heatwave"), ("remove-story", SEED_SLUG)]


async def test_move_bad_input_changes_nothing(seeded_service: BriefingService) -> None:
    svc = seeded_service
    article_id = (await svc.brief(SEED_SLUG)).sources[0].article_id
    other = await svc.add_text(OTHER, actor=ADMIN, story="heat")
    with pytest.raises(NotFound, match="no article with id 999"):
        await svc.move(999, SEED_SLUG, actor=ADMIN)
    with pytest.raises(NotFound):
        await svc.move(article_id, "no-such-story", actor=ADMIN)
    with pytest.raises(InvalidInput, match="already in story"):
        await svc.move(article_id, SEED_SLUG, actor=ADMIN)
    with pytest.raises(Conflict):
        await svc.move(article_id, None, actor=ADMIN, new_story="heat")
    with pytest.raises(PermissionDenied):
        await svc.move(other.article_id, SEED_SLUG, actor=USER)
    assert (await svc.brief(SEED_SLUG)).article_count == 1 and (await svc.brief("heat")).article_count == 1
