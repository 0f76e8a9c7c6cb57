"""`/brief-admin merge` and `/brief-admin move` through the real discord.py client and the fake gateway."""

from __future__ import annotations

from typing import Any

import pytest

from briefings.errors import NotFound
from briefings.service import BriefingService
from briefings.testing import SEED_SLUG
from tests.adapters.corrections import HEAT, POSTPONED, Stories, add_correction_stories
from tests.adapters.discord.conftest import LISTED_ADMIN, Bot
from tests.adapters.discord.test_client import ADMIN, EPHEMERAL, NO_MENTIONS, assert_quiet, body

REFUSED = "only Briefbot admins"


@pytest.fixture
async def stories(bot: Bot, seeded_service: BriefingService) -> Stories:
    """The seed story plus POSTPONED, a heatwave article misplaced in the seed story, and HEAT."""
    return await add_correction_stories(seeded_service)


async def _snapshot(service: BriefingService) -> tuple[Any, ...]:
    """Everything a correction could change: the stories with their counts and aliases, and the admin log."""
    listed = await service.list_stories()
    return tuple((s.slug, s.article_count, tuple(s.aliases)) for s in listed), tuple(await service.admin_log())


async def _answer(bot: Bot, payload: dict[str, Any]) -> dict[str, Any]:
    cb = await bot.fake.interact(payload)
    assert cb.json["type"] == 4, cb.json
    data = body(cb)
    assert data["flags"] == EPHEMERAL and data["allowed_mentions"] == NO_MENTIONS
    return data


# ----- merge -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", [ADMIN, {"user_id": LISTED_ADMIN}])
async def test_admin_merges_a_story_into_another(
    bot: Bot, seeded_service: BriefingService, stories: Stories, who: dict[str, Any]
) -> None:
    fake = bot.fake
    data = await _answer(bot, fake.slash("brief-admin", "merge", {"story": POSTPONED, "into": SEED_SLUG}, **who))
    assert data["content"].startswith("Merged **Tokyo puts off 2+2 meeting")
    assert f"(`{POSTPONED}`) into **" in data["content"] and "(1 article moved)" in data["content"]
    assert f"`{POSTPONED}` now opens `{SEED_SLUG}`. Show it with `/brief show story:{SEED_SLUG}`." in data["content"]
    brief = await seeded_service.brief(POSTPONED)
    assert brief.story.slug == SEED_SLUG and brief.article_count == 3 and POSTPONED in brief.aliases
    entry = (await seeded_service.admin_log(1))[0]
    assert entry.action == "merge" and entry.actor.startswith(f"discord:{who['user_id']}")
    assert_quiet(fake)


async def test_member_cannot_merge_and_nothing_changes(
    bot: Bot, seeded_service: BriefingService, stories: Stories
) -> None:
    before = await _snapshot(seeded_service)
    data = await _answer(bot, bot.fake.slash("brief-admin", "merge", {"story": POSTPONED, "into": SEED_SLUG}))
    assert REFUSED in data["content"] and "Nothing was changed." in data["content"]
    dm = await _answer(
        bot, bot.fake.slash("brief-admin", "merge", {"story": POSTPONED, "into": SEED_SLUG}, dm=True,
                            user_id=LISTED_ADMIN)
    )
    assert "server" in dm["content"]
    assert await _snapshot(seeded_service) == before


async def test_merge_of_an_unknown_story_gives_closest_matches(
    bot: Bot, seeded_service: BriefingService, stories: Stories
) -> None:
    before = await _snapshot(seeded_service)
    payload = bot.fake.slash("brief-admin", "merge", {"story": "japan-postpone", "into": SEED_SLUG}, **ADMIN)
    data = await _answer(bot, payload)
    assert data["content"].startswith("No story matches 'japan-postpone'. Closest matches: `japan-postpones`")
    same = await _answer(bot, bot.fake.slash("brief-admin", "merge", {"story": SEED_SLUG, "into": SEED_SLUG}, **ADMIN))
    assert "the same story; nothing to merge" in same["content"]
    assert await _snapshot(seeded_service) == before


async def test_merge_and_move_offer_stories_as_you_type(bot: Bot, stories: Stories) -> None:
    fake = bot.fake
    for payload in (
        fake.slash("brief-admin", "merge", {"story": "japan-post"}, focused="story", **ADMIN),
        fake.slash("brief-admin", "merge", {"story": SEED_SLUG, "into": "japan-post"}, focused="into", **ADMIN),
        fake.slash("brief-admin", "move", {"article": 3, "story": "japan-post"}, focused="story", **ADMIN),
    ):
        cb = await fake.interact(payload)
        assert cb.json["type"] == 8
        assert body(cb)["choices"][0]["value"] == POSTPONED


# ----- move ------------------------------------------------------------------------------------


async def test_admin_moves_an_article_to_another_story(
    bot: Bot, seeded_service: BriefingService, stories: Stories
) -> None:
    fake = bot.fake
    data = await _answer(bot, fake.slash("brief-admin", "move", {"article": stories.misplaced, "story": HEAT}, **ADMIN))
    content = data["content"]
    assert content.startswith(f"Moved article {stories.misplaced} from **")
    heat = "**Spain and Italy issue red alerts as temperatures pass 44C**"
    assert f"(`{SEED_SLUG}`) to story {heat} (`{HEAT}`)." in content
    assert content.endswith(f"Show it with `/brief show story:{HEAT}`.")
    assert (await seeded_service.brief(SEED_SLUG)).article_count == 1
    assert stories.misplaced in [s.article_id for s in (await seeded_service.brief(HEAT)).sources]
    assert await seeded_service.store.is_manual(stories.misplaced)
    entry = (await seeded_service.admin_log(1))[0]
    assert entry.action == "move" and entry.actor.startswith(f"discord:{ADMIN['user_id']}")
    assert_quiet(fake)


async def test_admin_moves_an_article_to_a_new_story(
    bot: Bot, seeded_service: BriefingService, stories: Stories
) -> None:
    fake = bot.fake
    named = {"article": stories.misplaced, "new_story": "Greek Fires"}  # normalised to greek-fires
    data = await _answer(bot, fake.slash("brief-admin", "move", named, **ADMIN))
    assert "to the new story **" in data["content"] and "(`greek-fires`)" in data["content"]
    assert (await seeded_service.brief("greek-fires")).sources[0].article_id == stories.misplaced

    # no story and no name: a new story named after the article's title; the emptied story goes away
    data = await _answer(bot, fake.slash("brief-admin", "move", {"article": stories.heat}, **ADMIN))
    assert "to the new story **Spain and Italy issue red alerts" in data["content"]
    assert f"`{HEAT}` had no other article, so that story is gone." in data["content"]
    with pytest.raises(NotFound):
        await seeded_service.brief(HEAT)
    assert_quiet(fake)


async def test_member_cannot_move_and_nothing_changes(
    bot: Bot, seeded_service: BriefingService, stories: Stories
) -> None:
    before = await _snapshot(seeded_service)
    for options in ({"article": stories.misplaced, "story": HEAT}, {"article": stories.misplaced}):
        data = await _answer(bot, bot.fake.slash("brief-admin", "move", options))
        assert REFUSED in data["content"]
    assert await _snapshot(seeded_service) == before


async def test_move_to_an_unknown_story_gives_closest_matches(
    bot: Bot, seeded_service: BriefingService, stories: Stories
) -> None:
    before = await _snapshot(seeded_service)
    payload = bot.fake.slash("brief-admin", "move", {"article": stories.misplaced, "story": "europe-heatwav"}, **ADMIN)
    data = await _answer(bot, payload)
    assert data["content"].startswith("No story matches 'europe-heatwav'. Closest matches: `europe-heatwave`")
    assert await _snapshot(seeded_service) == before


@pytest.mark.parametrize(
    "options,expected",
    [
        ({"article": 999}, "There is no article with id 999."),
        ({"article": 3, "story": SEED_SLUG}, "already in story 'japan-us-talks'"),
        ({"article": 3, "new_story": SEED_SLUG}, "'japan-us-talks' is already taken"),
        ({"article": 3, "story": HEAT, "new_story": "other"}, "not both"),
        ({"article": 3, "new_story": "not@a*slug"}, "is not a valid new story name"),
    ],
)
async def test_move_bad_input_is_polite_and_changes_nothing(
    bot: Bot, seeded_service: BriefingService, stories: Stories, options: dict[str, Any], expected: str
) -> None:
    assert stories.misplaced == 3
    before = await _snapshot(seeded_service)
    data = await _answer(bot, bot.fake.slash("brief-admin", "move", options, **ADMIN))
    assert expected in data["content"] and "went wrong" not in data["content"]
    assert await _snapshot(seeded_service) == before


async def test_moved_titles_cannot_ping_anyone(bot: Bot, seeded_service: BriefingService) -> None:
    stories = await add_correction_stories(seeded_service, misplaced_title="Heat @everyone <@123> **alert**")
    data = await _answer(bot, bot.fake.slash("brief-admin", "move", {"article": stories.misplaced}, **ADMIN))
    assert "@everyone" not in data["content"] and "<@123>" not in data["content"]
    assert "@\u200beveryone" in data["content"] and "\\*\\*alert\\*\\*" in data["content"]
    assert_quiet(bot.fake)


async def test_sources_list_the_article_ids_a_move_needs(bot: Bot, stories: Stories) -> None:
    data = await _answer(bot, bot.fake.slash("brief", "sources", {"story": SEED_SLUG}))
    description = data["embeds"][0]["description"]
    assert f"· article {stories.misplaced}" in description and "· article 1" in description


async def test_help_has_merge_and_move(bot: Bot) -> None:
    data = await _answer(bot, bot.fake.slash("brief", "help"))
    text = str(data["embeds"][0]["fields"])
    assert "`/brief-admin merge story: into:` — Merge a story into another" in text
    assert "`/brief-admin move article: story:` — Move an article" in text
    assert "`/brief-admin move article: [new_story:]` — Move an article to a new story" in text
    usages = bot.client.command_usages()
    assert usages["brief-admin merge"] == "/brief-admin merge story: into:"
    assert usages["brief-admin move"] == "/brief-admin move article: [story:] [new_story:]"


async def test_stale_brief_merge_points_to_brief_admin(bot: Bot, seeded_service: BriefingService) -> None:
    before = await _snapshot(seeded_service)
    data = await _answer(bot, bot.fake.slash("brief", "merge", {"story": SEED_SLUG, "into": "x"}, **ADMIN))
    assert data["content"].startswith("That command has moved: use `/brief-admin merge story: into:` now.")
    data = await _answer(bot, bot.fake.slash("brief", "move", {"article": 1}, **ADMIN))
    assert data["content"].startswith("That command has moved: use `/brief-admin move article: [story:] [new_story:]`")
    assert await _snapshot(seeded_service) == before
