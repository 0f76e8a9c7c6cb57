"""Discord: "Updated N times" on the brief embed, the What's new button and `/brief changes story:`."""

from __future__ import annotations

import json
from datetime import timedelta

from adapters.discord import limits
from briefings.clock import ManualClock
from briefings.service import BriefingService
from briefings.testing import ADMIN, SEED_SLUG
from tests.adapters.discord.conftest import Bot
from tests.adapters.discord.test_client import EPHEMERAL, NO_MENTIONS, _shown, assert_quiet, body, custom_ids
from tests.briefings.test_briefs import SECOND

HOSTILE_TITLE = "Talks off @everyone <@123> **bold**"


async def update_story(service: BriefingService, clock: ManualClock) -> None:
    """Add a second article to the seeded story three hours later (its brief becomes version 2)."""
    clock.advance(timedelta(hours=3))
    await service.add_text(SECOND, actor=ADMIN, story=SEED_SLUG, title=HOSTILE_TITLE)


async def test_a_brief_never_updated_has_no_update_count_and_no_whats_new(bot: Bot) -> None:
    data = body(await bot.fake.interact(bot.fake.slash("brief", "show", {"story": SEED_SLUG})))
    footer = data["embeds"][0]["footer"]["text"]
    assert footer.startswith("Updated 2025-06-20 09:00 UTC") and "time" not in footer
    assert f"brief:changes:{SEED_SLUG}" not in custom_ids(data)


async def test_an_updated_brief_says_how_often_and_offers_whats_new(
    bot: Bot, seeded_service: BriefingService, clock: ManualClock
) -> None:
    await update_story(seeded_service, clock)
    data = body(await bot.fake.interact(bot.fake.slash("brief", "show", {"story": SEED_SLUG})))
    assert data["embeds"][0]["footer"]["text"].startswith("Updated 1 time, last: 2025-06-20 12:00 UTC")
    assert custom_ids(data)[-1] == f"brief:changes:{SEED_SLUG}"


async def test_whats_new_button_answers_privately_without_mentions(
    bot: Bot, seeded_service: BriefingService, clock: ManualClock
) -> None:
    await update_story(seeded_service, clock)
    fake = bot.fake
    message = await _shown(fake)
    cb = await fake.interact(fake.component(f"brief:changes:{SEED_SLUG}", message))
    data = body(cb)
    assert data["flags"] == EPHEMERAL and data["allowed_mentions"] == NO_MENTIONS
    (embed,) = data["embeds"]
    assert embed["title"].startswith("What's new:") and limits.violations(embed) == []
    (field,) = embed["fields"]
    assert field["name"] == "1 new article · 2025-06-20 12:00 UTC"
    assert field["value"].startswith(f"<t:{int(clock.now().timestamp())}:R>")
    assert "Latest: Japan cancels security talks" in field["value"]
    assert "@everyone" not in json.dumps(embed) and "<@123>" not in json.dumps(embed)
    assert "@\u200beveryone" in field["value"] and "\\*\\*bold\\*\\*" in field["value"]
    assert_quiet(fake)


async def test_brief_changes_command(bot: Bot, seeded_service: BriefingService, clock: ManualClock) -> None:
    fake = bot.fake
    never = body(await fake.interact(fake.slash("brief", "changes", {"story": SEED_SLUG})))
    assert "has not been updated" in never["embeds"][0]["description"]
    await update_story(seeded_service, clock)
    data = body(await fake.interact(fake.slash("brief", "changes", {"story": "japan us talks"})))
    assert data["flags"] == EPHEMERAL
    assert data["embeds"][0]["fields"][0]["name"].startswith("1 new article")
    missing = body(await fake.interact(fake.slash("brief", "changes", {"story": "zzqx"})))
    assert "No story matches" in missing["content"]
    helped = json.dumps(body(await fake.interact(fake.slash("brief", "help"))))
    assert "/brief changes story:" in helped
    assert_quiet(fake)
