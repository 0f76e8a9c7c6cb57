"""A young story that automatic matching let two events into splits in two; admins' placements stay."""

from __future__ import annotations

import pytest

from briefings import clustering
from briefings.service import BriefingService
from briefings.testing import ADMIN
from tests.briefings.test_clustering import NEWS

PAPUA_TOLL = (
    "Papua quake toll rises to six\n"
    "The death toll from Saturday's magnitude 7.0 earthquake in Indonesia's West Papua rose to six, the disaster "
    "agency said on Sunday.\nSpokesman Sutopo Purwo Nugroho said rescuers pulled two bodies from a collapsed hotel "
    "in Manokwari.\nThe U.S. Geological Survey said the quake was 10 km deep, and residents of the coastal town "
    "spent a second night outside."
)


def text(name: str) -> str:
    title, body = NEWS[name]
    return f"{title}\n{body}"


@pytest.fixture
def lax_matching(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let every article join the best story, as a weak first decision would: the split must fix it."""
    monkeypatch.setattr(clustering, "JOIN_THRESHOLD", 0.01)


async def test_two_earthquakes_in_one_story_split_and_the_first_keeps_it(
    service: BriefingService, lax_matching: None
) -> None:
    first = await service.add_text(text("qeshm"), actor=ADMIN)
    joined = [await service.add_text(t, actor=ADMIN) for t in (text("papua"), text("qeshm-relief"))]
    assert {r.story.slug for r in joined} == {first.story.slug}  # all in one story so far
    last = await service.add_text(PAPUA_TOLL, actor=ADMIN)

    assert last.created_story and last.story.slug != first.story.slug
    qeshm, papua = await service.brief(first.story.slug), await service.brief(last.story.slug)
    assert {s.article_id for s in qeshm.sources} == {first.article_id, joined[1].article_id}
    assert {s.article_id for s in papua.sources} == {joined[0].article_id, last.article_id}
    assert "Papua" in papua.story.title and "Papua" not in qeshm.tldr
    entry = (await service.admin_log(1))[0]
    assert entry.action == "split" and entry.actor == "briefbot" and entry.target == papua.story.slug
    assert first.story.slug in entry.detail
    # the moved articles were placed automatically: still free to be regrouped later
    assert not await service.store.is_manual(joined[0].article_id)


async def test_a_story_an_admin_placed_articles_in_is_never_split(
    service: BriefingService, lax_matching: None
) -> None:
    first = await service.add_text(text("qeshm"), actor=ADMIN, story="qeshm-quake")
    for t in (text("papua"), text("qeshm-relief"), PAPUA_TOLL):
        result = await service.add_text(t, actor=ADMIN)
        assert result.story.slug == first.story.slug
    assert (await service.brief("qeshm-quake")).article_count == 4
    assert all(e.action != "split" for e in await service.admin_log(10))
