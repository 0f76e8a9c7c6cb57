"""`/brief merge` and `/brief move`, sent signed over HTTP to the real bolt app: admins fix the stories."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.testing.slack_api import RESPONSE_URL
from briefings.errors import NotFound
from briefings.testing import SEED_SLUG
from tests.adapters.corrections import HEAT, POSTPONED, Stories, add_correction_stories
from tests.adapters.slack.conftest import ADMIN, LISTED, MEMBER, SlackHarness


def _texts(body: dict[str, Any]) -> str:
    return json.dumps(body.get("blocks", []), ensure_ascii=False) + body.get("text", "")


def _buttons(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Return (label, action_id, value) of every button in the message."""
    return [(el["text"]["text"], el["action_id"], el["value"])
            for block in body.get("blocks", []) if block["type"] == "actions" for el in block["elements"]]


@pytest.fixture
async def stories(slack: SlackHarness) -> Stories:
    """The seed story plus POSTPONED, a heatwave article misplaced in the seed story, and HEAT."""
    return await add_correction_stories(slack.service)


async def _snapshot(slack: SlackHarness) -> tuple[Any, ...]:
    """Everything a correction could change: the stories with their counts and aliases, and the admin log."""
    listed = await slack.service.list_stories()
    return tuple((s.slug, s.article_count, tuple(s.aliases)) for s in listed), tuple(await slack.service.admin_log())


# ----- merge -----------------------------------------------------------------------------------


@pytest.mark.parametrize("user", [ADMIN, LISTED])
async def test_admin_merges_a_story_into_another(slack: SlackHarness, stories: Stories, user: str) -> None:
    body = (await slack.command(f"merge {POSTPONED} {SEED_SLUG}", user=user)).json()
    assert body["response_type"] == "ephemeral"
    text = _texts(body)
    assert f"`{POSTPONED}` now opens `{SEED_SLUG}`" in text and "(1 article moved)" in text
    assert body["blocks"][0]["text"]["text"].startswith(":twisted_rightwards_arrows: Merged *")
    assert _buttons(body) == [("Open brief", "brief_show:0", SEED_SLUG)]
    assert "`" not in body["text"] and "Merged Tokyo puts off" in body["text"]

    brief = await slack.service.brief(POSTPONED)  # the old name opens the merged story
    assert brief.story.slug == SEED_SLUG and brief.article_count == 3 and POSTPONED in brief.aliases
    assert POSTPONED not in [s.slug for s in await slack.service.list_stories()]
    entry = (await slack.service.admin_log(1))[0]
    assert entry.action == "merge" and entry.actor.startswith(f"slack:{user}")


async def test_member_cannot_merge_and_nothing_changes(slack: SlackHarness, stories: Stories) -> None:
    before = await _snapshot(slack)
    body = (await slack.command(f"merge {POSTPONED} {SEED_SLUG}", user=MEMBER)).json()
    assert body["response_type"] == "ephemeral"
    assert "Sorry, only Briefbot admins can merge stories. Nothing was changed." in _texts(body)
    assert await _snapshot(slack) == before


async def test_merge_of_an_unknown_story_suggests_with_buttons(slack: SlackHarness, stories: Stories) -> None:
    before = await _snapshot(slack)
    body = (await slack.command(f"merge japan-postpone {SEED_SLUG}", user=ADMIN)).json()
    text = _texts(body)
    assert "No story matches 'japan-postpone'" in text and f"Did you mean: `{POSTPONED}`" in text
    assert ("japan-postpones", "brief_show:0", POSTPONED) in _buttons(body)
    body = (await slack.command(f"merge {POSTPONED} jpan-us-talkz", user=ADMIN)).json()
    assert f"Did you mean: `{SEED_SLUG}`" in _texts(body)
    assert await _snapshot(slack) == before


async def test_merge_bad_input_is_polite(slack: SlackHarness, stories: Stories) -> None:
    before = await _snapshot(slack)
    same = _texts((await slack.command(f"merge {SEED_SLUG} {SEED_SLUG}", user=ADMIN)).json())
    assert "the same story; nothing to merge" in same
    short = _texts((await slack.command(f"merge {SEED_SLUG}", user=ADMIN)).json())
    assert "Usage: `/brief merge STORY INTO`" in short
    assert await _snapshot(slack) == before


# ----- move ------------------------------------------------------------------------------------


async def test_admin_moves_an_article_to_another_story(slack: SlackHarness, stories: Stories) -> None:
    body = (await slack.command(f"move {stories.misplaced} {HEAT}", user=ADMIN)).json()
    assert body["response_type"] == "ephemeral"
    text = _texts(body)
    assert f"Moved article {stories.misplaced} from *" in text and f"`{SEED_SLUG}`" in text
    assert f"to story *Spain and Italy issue red alerts as temperatures pass 44C* `{HEAT}`." in text
    assert _buttons(body) == [("Open brief", "brief_show:0", HEAT),
                              ("Open the old story", "brief_show:1", SEED_SLUG)]
    assert (await slack.service.brief(SEED_SLUG)).article_count == 1
    heat = await slack.service.brief(HEAT)
    assert stories.misplaced in [s.article_id for s in heat.sources]
    assert await slack.service.store.is_manual(stories.misplaced)  # never re-clustered automatically
    entry = (await slack.service.admin_log(1))[0]
    assert entry.action == "move" and entry.actor.startswith(f"slack:{ADMIN}")


async def test_admin_moves_an_article_to_a_new_story(slack: SlackHarness, stories: Stories) -> None:
    body = (await slack.command(f"move #{stories.misplaced} new greek-fires", user=ADMIN)).json()
    text = _texts(body)
    assert "to a new story *" in text and "`greek-fires`" in text
    assert (await slack.service.brief("greek-fires")).sources[0].article_id == stories.misplaced

    # `new` without a slug: the story is named after the article's title
    body = (await slack.command(f"move {stories.heat} NEW", user=ADMIN)).json()
    text = _texts(body)
    assert "to a new story *Spain and Italy issue red alerts" in text
    assert f"`{HEAT}` had no other article, so that story is gone." in text
    assert _buttons(body) == [("Open brief", "brief_show:0", "spain-italy-issue-red-alerts")]
    with pytest.raises(NotFound):
        await slack.service.brief(HEAT)


async def test_member_cannot_move_and_nothing_changes(slack: SlackHarness, stories: Stories) -> None:
    before = await _snapshot(slack)
    for text in (f"move {stories.misplaced} {HEAT}", f"move {stories.misplaced} new", "move x1 new"):
        body = (await slack.command(text, user=MEMBER)).json()
        assert body["response_type"] == "ephemeral"
        assert "Sorry, only Briefbot admins can move articles. Nothing was changed." in _texts(body)
    assert await _snapshot(slack) == before
    assert stories.misplaced in [s.article_id for s in (await slack.service.brief(SEED_SLUG)).sources]


async def test_move_to_an_unknown_story_suggests_with_buttons(slack: SlackHarness, stories: Stories) -> None:
    before = await _snapshot(slack)
    body = (await slack.command(f"move {stories.misplaced} europe-heatwav", user=ADMIN)).json()
    text = _texts(body)
    assert "No story matches 'europe-heatwav'" in text and f"Did you mean: `{HEAT}`" in text
    assert (HEAT, "brief_show:0", HEAT) in _buttons(body)
    assert await _snapshot(slack) == before


@pytest.mark.parametrize("text,expected", [
    ("move 2", "Usage: `/brief move ARTICLE_ID STORY` · `/brief move ARTICLE_ID new [NEW-SLUG]`"),
    ("move x1 new", "'x1' is not an article id"),
    ("move 3 europe-heatwave extra", "Usage: `/brief move ARTICLE_ID STORY`"),
    ("move 999 new", "There is no article with id 999."),
    ("move 3 new japan-us-talks", "'japan-us-talks' is already taken"),
    ("move 3 japan-us-talks", "already in story 'japan-us-talks'"),
    ("move 3 new Not_A&Slug!", "is not a valid new story name"),
])
async def test_move_bad_input_is_polite_and_changes_nothing(
    slack: SlackHarness, stories: Stories, text: str, expected: str
) -> None:
    assert stories.misplaced == 3
    before = await _snapshot(slack)
    body = (await slack.command(text, user=ADMIN)).json()
    assert body["response_type"] == "ephemeral"
    assert expected in _texts(body)
    assert "something went wrong" not in _texts(body)
    assert await _snapshot(slack) == before


async def test_moved_titles_cannot_ping_anyone(make_slack: Any, seeded_service: Any) -> None:
    stories = await add_correction_stories(seeded_service, misplaced_title="Heat <!channel> & <@U0ADMIN> alert")
    async with make_slack(seeded_service) as slack:
        body = (await slack.command(f"move {stories.misplaced} new", user=ADMIN)).json()
        merged = (await slack.command(f"merge heat-channel-u0admin-alert {HEAT}", user=ADMIN)).json()
    for shown in (body, merged):
        dumped = _texts(shown)
        assert "<!channel>" not in dumped and "<@U0ADMIN>" not in dumped
        assert "&lt;!channel&gt; &amp; &lt;@U0ADMIN&gt;" in dumped, dumped
    assert "Merged *Heat &lt;!channel&gt;" in _texts(merged)


async def test_sources_list_the_article_ids_a_move_needs(slack: SlackHarness, stories: Stories) -> None:
    body = (await slack.command(f"sources {SEED_SLUG}", user=MEMBER)).json()
    assert f"· article {stories.misplaced}" in _texts(body) and "· article 1" in _texts(body)


async def test_help_has_merge_and_move(slack: SlackHarness) -> None:
    text = _texts((await slack.command("help")).json())
    assert "`/brief merge STORY INTO`" in text and "_e.g._ `/brief merge japan-postpones japan-us-talks`" in text
    assert "`/brief move ARTICLE_ID STORY`" in text and "_e.g._ `/brief move 12 japan-us-talks`" in text
    assert "`/brief move ARTICLE_ID new [NEW-SLUG]`" in text and "_e.g._ `/brief move 12 new europe-heatwave`" in text
    assert slack.api.calls_to(RESPONSE_URL) == []
