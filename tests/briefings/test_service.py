"""BriefingService: ingest, story matching, dedupe, briefs, search, admin actions and bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest

from briefings.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from briefings.models import Actor, ArticleInput
from briefings.service import BriefingService
from briefings.testing import ADMIN, SEED_SLUG, seed_text

USER = Actor(platform="slack", user_id="U1", is_admin=False)

FOLLOW_UP = """Japan postpones 2+2 security talks with U.S. over defence spending demands
Japan has postponed the annual 2+2 security talks with the United States that were planned for July 1,
officials said, after Washington pressed Tokyo to raise defense spending to 3.5% of GDP.
Foreign Minister Takeshi Iwaya and Defense Minister Gen Nakatani had been due to meet Secretary of State
Marco Rubio and Defense Secretary Pete Hegseth. The Japanese government faces upper house elections on July 20.
"""

OTHER = """Heatwave grips southern Europe as wildfires spread in Greece
Firefighters battled wildfires near Athens on Tuesday as temperatures climbed above 40C across southern Europe.
Authorities evacuated several villages and closed the Acropolis to tourists during the hottest hours of the day.
Meteorologists warned the heat would last until the weekend in Italy, Spain and Greece.
"""


async def test_seed_brief_is_stored_and_complete(seeded_service: BriefingService) -> None:
    brief = await seeded_service.brief(SEED_SLUG)
    assert brief.story.slug == SEED_SLUG
    assert brief.headline.startswith("Japan Cancels Key Security Talks")
    assert brief.tldr and 3 <= len(brief.summary) <= 5
    assert brief.tldr not in brief.summary
    assert len(brief.sources) == 1 and brief.article_count == 1
    people = {f.text for f in brief.facts.people}
    assert {"Shigeru Ishiba", "Marco Rubio", "Pete Hegseth"} <= people
    article_id = brief.sources[0].article_id
    assert all(f.article_id == article_id and f.sentence for f in brief.facts.people + brief.facts.figures)


async def test_reading_a_brief_does_not_recompute_it(seeded_service: BriefingService, monkeypatch) -> None:
    import briefings.service_base as service_module

    def boom(*args, **kwargs):
        raise AssertionError("brief recomputed on read")

    monkeypatch.setattr(service_module, "build_brief", boom)
    assert (await seeded_service.brief(SEED_SLUG)).story.slug == SEED_SLUG


async def test_related_article_joins_the_story_and_rebuilds_it(seeded_service: BriefingService) -> None:
    result = await seeded_service.add_text(FOLLOW_UP, actor=ADMIN, url="https://news.example/japan-2plus2")
    assert not result.created_story and result.story.slug == SEED_SLUG
    brief = await seeded_service.brief(SEED_SLUG)
    assert brief.article_count == 2 and len(brief.sources) == 2
    other = await seeded_service.add_text(OTHER, actor=ADMIN)
    assert other.created_story and other.story.slug == "heatwave-grips-southern-europe-wildfires"


async def test_old_stories_are_not_joined(seeded_service: BriefingService) -> None:
    seeded_service.clock.advance(timedelta(days=30))  # type: ignore[attr-defined]
    result = await seeded_service.add_text(FOLLOW_UP, actor=ADMIN)
    assert result.created_story


async def test_duplicates_by_text_and_by_url(seeded_service: BriefingService) -> None:
    again = await seeded_service.add_text("  " + seed_text().upper() + "\n", actor=ADMIN)
    assert again.duplicate and again.story.slug == SEED_SLUG
    first = await seeded_service.add_text(OTHER, actor=ADMIN, url="https://Example.com/heat?utm_source=x#top")
    same_url = await seeded_service.add_text(
        OTHER.replace("Tuesday", "Wednesday"), actor=ADMIN, url="https://example.com/heat"
    )
    assert same_url.duplicate and same_url.article_id == first.article_id
    assert (await seeded_service.brief(first.story.slug)).article_count == 1


async def test_story_slug_given_wins_and_creates(service: BriefingService) -> None:
    result = await service.add_text(OTHER, actor=ADMIN, story="europe-heat")
    assert result.created_story and result.story.slug == "europe-heat"
    joined = await service.add_text(FOLLOW_UP, actor=ADMIN, story="europe-heat")
    assert not joined.created_story and joined.story.slug == "europe-heat"


@pytest.mark.parametrize("text", ["", "   \n\t ", "too short"])
async def test_empty_or_tiny_text_is_refused(service: BriefingService, text: str) -> None:
    with pytest.raises(InvalidInput):
        await service.add_text(text, actor=ADMIN)
    assert await service.list_stories() == []


async def test_oversized_text_is_refused(service: BriefingService) -> None:
    with pytest.raises(InvalidInput, match="200,000"):
        await service.add_text("word " * 50_000, actor=ADMIN)
    assert await service.list_stories() == []


@pytest.mark.parametrize("slug", ["bad/slug", "--", "a" * 65, "123", "list", "ünïcode", ""])
async def test_invalid_story_slugs_are_refused(service: BriefingService, slug: str) -> None:
    with pytest.raises(InvalidInput):
        await service.add_text(OTHER, actor=ADMIN, story=slug or " ")
    assert await service.list_stories() == []


async def test_non_admins_change_nothing(seeded_service: BriefingService) -> None:
    for call in (
        seeded_service.add_text(OTHER, actor=USER),
        seeded_service.remove(SEED_SLUG, actor=USER),
        seeded_service.rename(SEED_SLUG, "new-name", actor=USER),
        seeded_service.alias(SEED_SLUG, "other", actor=USER),
        seeded_service.add_url("https://example.com/x", actor=USER),
    ):
        with pytest.raises(PermissionDenied, match="only Briefbot admins"):
            await call
    stories = await seeded_service.list_stories()
    assert [s.slug for s in stories] == [SEED_SLUG] and stories[0].aliases == []


async def test_unknown_story_suggests_close_matches(seeded_service: BriefingService) -> None:
    with pytest.raises(NotFound) as err:
        await seeded_service.brief("japan-us-talk")
    assert err.value.suggestions[0] == SEED_SLUG
    assert err.value.message == "No story matches 'japan-us-talk'." and err.value.hints == ()
    with pytest.raises(NotFound):
        await seeded_service.remove("9999", actor=ADMIN)


async def test_find_by_words_and_search_ranking(seeded_service: BriefingService) -> None:
    await seeded_service.add_text(OTHER, actor=ADMIN)
    assert (await seeded_service.find("Hegseth defense")).story.slug == SEED_SLUG
    hits = await seeded_service.search("wildfires Greece")
    assert hits[0].slug.startswith("heatwave")
    assert (await seeded_service.search("GDP"))[0].slug == SEED_SLUG
    assert await seeded_service.search("zzzqqq") == []


async def test_rename_keeps_old_slug_as_alias_and_refuses_taken(seeded_service: BriefingService) -> None:
    other = await seeded_service.add_text(OTHER, actor=ADMIN)
    with pytest.raises(Conflict):
        await seeded_service.rename(SEED_SLUG, other.story.slug, actor=ADMIN)
    ref = await seeded_service.rename(SEED_SLUG, "japan-2plus2", actor=ADMIN)
    assert ref.slug == "japan-2plus2"
    assert (await seeded_service.brief(SEED_SLUG)).story.slug == "japan-2plus2"
    assert (await seeded_service.search("japan 2plus2"))[0].slug == "japan-2plus2"


async def test_alias_resolves_and_conflicts(seeded_service: BriefingService) -> None:
    await seeded_service.alias(SEED_SLUG, "2plus2", actor=ADMIN)
    assert (await seeded_service.brief("2PLUS2")).story.slug == SEED_SLUG
    with pytest.raises(Conflict):
        await seeded_service.alias(SEED_SLUG, "2plus2", actor=ADMIN)
    with pytest.raises(Conflict):
        await seeded_service.alias(SEED_SLUG, SEED_SLUG, actor=ADMIN)
    assert [s.slug for s in await seeded_service.complete("2pl")] == [SEED_SLUG]


async def test_remove_article_rebuilds_and_last_article_removes_story(seeded_service: BriefingService) -> None:
    joined = await seeded_service.add_text(FOLLOW_UP, actor=ADMIN)
    result = await seeded_service.remove(str(joined.article_id), actor=ADMIN)
    assert result.kind == "article" and not result.story_removed
    brief = await seeded_service.brief(SEED_SLUG)
    assert brief.article_count == 1
    only = brief.sources[0].article_id
    result = await seeded_service.remove(str(only), actor=ADMIN)
    assert result.story_removed
    assert await seeded_service.list_stories() == []


async def test_admin_actions_are_logged_with_who(seeded_service: BriefingService) -> None:
    await seeded_service.alias(SEED_SLUG, "talks", actor=ADMIN)
    log = await seeded_service.admin_log()
    assert [e.action for e in log] == ["alias", "add"]
    assert log[0].actor == "console:tester"


async def test_list_is_most_recent_first(seeded_service: BriefingService) -> None:
    seeded_service.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    other = await seeded_service.add_text(OTHER, actor=ADMIN)
    assert [s.slug for s in await seeded_service.list_stories()] == [other.story.slug, SEED_SLUG]


async def test_crash_during_add_leaves_nothing_half_written(service: BriefingService, monkeypatch) -> None:
    async def crash(*args, **kwargs):
        raise RuntimeError("killed mid-write")

    monkeypatch.setattr(service.store, "log_action", crash)
    with pytest.raises(RuntimeError):
        await service.add_text(OTHER, actor=ADMIN, story="heat")
    assert await service.list_stories() == []
    assert await service.search("wildfires") == []


async def test_brief_built_before_the_lock_equals_a_full_rebuild(seeded_service: BriefingService) -> None:
    svc = seeded_service
    svc.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    added = await svc.add_text(FOLLOW_UP, actor=ADMIN, story=SEED_SLUG)
    stored = await svc.brief(SEED_SLUG)
    row = await svc.store.story_by_ref(SEED_SLUG)
    assert row is not None
    async with svc.store.transaction():
        rebuilt = await svc._rebuild(row, stored.updated_at)
    assert rebuilt.version == stored.version + 1 == 3
    assert stored == rebuilt.model_copy(update={"version": stored.version})
    assert added.article_id in {s.article_id for s in stored.sources}
    assert all(f.article_id is not None and f.article_id < 2**62 for f in stored.facts.people + stored.facts.figures)


async def test_story_changed_between_read_and_lock_is_rebuilt_under_the_lock(
    seeded_service: BriefingService, monkeypatch: pytest.MonkeyPatch
) -> None:
    svc = seeded_service
    real_compose = svc._compose

    async def compose_then_other_writer(*args, **kwargs):  # another writer adds to the story meanwhile
        brief = await real_compose(*args, **kwargs)
        monkeypatch.setattr(svc, "_compose", real_compose)
        await svc.add_text(OTHER, actor=ADMIN, story=SEED_SLUG)
        return brief

    monkeypatch.setattr(svc, "_compose", compose_then_other_writer)
    await svc.add_text(FOLLOW_UP, actor=ADMIN, story=SEED_SLUG)
    brief = await svc.brief(SEED_SLUG)
    assert brief.article_count == 3 and len(brief.sources) == 3


TULSA = [
    "Tulsa city council approves new budget\nThe Tulsa city council approved a new budget on Monday after a long "
    "debate about road repairs, parks and the police department. Council members said the vote was close.",
    "Storm knocks out power across Tulsa suburbs\nA line of storms knocked out power to thousands of homes in the "
    "suburbs overnight, utility officials said. Crews worked through the morning to restore service in Tulsa.",
    "Tulsa museum opens exhibit on Route 66 history\nA museum opened an exhibit on the history of Route 66 on "
    "Saturday, with old signs, cars and photographs. Curators said visitors came from across Oklahoma to Tulsa.",
]

DURST = (
    "Robert Durst arrested in New Orleans on murder warrant\nReal estate heir Robert Durst was arrested in New "
    "Orleans on a murder warrant from Los Angeles, officials said, on the eve of the final episode of a documentary "
    "series about his life. Durst has long been suspected in the disappearance of his first wife."
)


async def test_unrelated_words_match_nothing(seeded_service: BriefingService) -> None:
    for words in ("the weather in paris", "no-such-story-zzz", "the of and"):
        with pytest.raises(NotFound) as err:
            await seeded_service.find(words)
        assert err.value.message.startswith("No story matches")
        assert err.value.suggestions == [] and err.value.hints == ("list", "search")


async def test_typos_are_resolved_and_said(seeded_service: BriefingService) -> None:
    await seeded_service.add_text(DURST, actor=ADMIN)
    for typo in ("japan-us-talkz", "japn", "JAPN talks"):
        found = await seeded_service.lookup(typo)
        assert found.brief.story.slug == SEED_SLUG and not found.exact, typo
    found = await seeded_service.lookup("dursst")
    assert "durst" in found.brief.story.slug and not found.exact
    assert (await seeded_service.lookup(SEED_SLUG)).exact


async def test_an_ambiguous_word_lists_the_stories_it_matches(seeded_service: BriefingService) -> None:
    added = [await seeded_service.add_text(t, actor=ADMIN, story=f"tulsa-{i}") for i, t in enumerate(TULSA)]
    slugs = [a.story.slug for a in added]
    assert len(set(slugs)) == 3
    with pytest.raises(NotFound) as err:
        await seeded_service.find("tulsa")
    assert err.value.message == "'tulsa' matches 3 stories."
    assert sorted(err.value.suggestions) == sorted(slugs)


async def test_story_names_are_normalised_the_same_way_everywhere(service: BriefingService) -> None:
    result = await service.add_text(OTHER, actor=ADMIN, story="Heat_Wave--Europe-")
    assert result.story.slug == "heat-wave-europe"
    assert (await service.lookup("HEAT wave europe")).exact
    await service.alias("heat-wave-europe", " Euro  Heat ", actor=ADMIN)
    assert (await service.brief("euro-heat")).story.slug == "heat-wave-europe"
    ref = await service.rename("heat-wave-europe", "-Europe-Heatwave-", actor=ADMIN)
    assert ref.slug == "europe-heatwave"


async def test_a_big_story_briefs_its_newest_window_and_lists_every_source(service: BriefingService) -> None:
    from briefings.service_base import BRIEF_WINDOW

    slug = "long-running"
    texts = [
        f"Day {i} of the dock strike\nDock workers in the port city stayed off the job for day {i} of the strike, "
        f"union leader number {i} told reporters, as ships waited offshore and talks with employers resumed."
        for i in range(BRIEF_WINDOW + 3)
    ]
    ids = []
    for text in texts:
        service.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
        ids.append((await service.add_text(text, actor=ADMIN, story=slug)).article_id)
    brief = await service.brief(slug)
    assert brief.article_count == len(texts) and [s.article_id for s in brief.sources] == ids[::-1]
    assert brief.headline == "Day 0 of the dock strike"  # the story's first article names it
    assert all(f.article_id in ids[-BRIEF_WINDOW:] for f in brief.facts.people + brief.facts.figures)
    row = await service.store.story_by_ref(slug)
    assert row is not None
    async with service.store.transaction():
        rebuilt = await service._rebuild(row, brief.updated_at)
    assert rebuilt.model_copy(update={"version": brief.version}) == brief  # built before the lock == rebuilt


async def test_a_wire_story_from_another_outlet_joins_as_a_source_once(service: BriefingService) -> None:
    from tests.briefings.test_neardup import OTHER_REPORT, OUTLET_COPY, WIRE

    first = await service.add_text(WIRE, actor=ADMIN, url="https://wire.example/a")
    stored = await service.store.article(first.article_id)
    assert stored is not None
    copy = await service.add_article(
        ArticleInput(text=OUTLET_COPY, outlet="Daily Example", url="https://daily.example/b"), actor=ADMIN
    )
    assert not copy.duplicate and not copy.created_story and copy.story == first.story
    assert await service.store.republished_in((await service.store.story_by_ref(first.story.slug)).id) == {
        copy.article_id: first.article_id
    }
    again = await service.add_article(ArticleInput(text=OUTLET_COPY + "\nUpdated at 10:42.", outlet="daily example"),
                                      actor=ADMIN)
    assert again.duplicate and again.article_id == copy.article_id  # the same outlet, lightly edited
    other = await service.add_text(OTHER_REPORT, actor=ADMIN)
    assert other.article_id not in (first.article_id, copy.article_id) and not other.duplicate
