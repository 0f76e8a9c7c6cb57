"""Discord and console digests list what an updated story's brief gained, escaped and within limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.console.render import render_digest_text
from adapters.discord import limits
from adapters.discord.digest import render_digest
from briefings.clock import ManualClock
from briefings.scheduler import compose_from_store
from briefings.service import BriefingService
from briefings.testing import ADMIN, SEED_SLUG
from tests.briefings.test_briefs import SECOND

HOSTILE = "The @everyone <@123> ministry said on Saturday it would offer **new dates** for the talks."


async def test_digest_lists_whats_new_in_an_updated_story(seeded_service: BriefingService, clock: ManualClock) -> None:
    service = seeded_service
    await service.digests.on(platform="discord", channel_id="55", at="09:30", tz="UTC", actor=ADMIN)
    clock.set(datetime(2025, 6, 20, 12, 0, tzinfo=UTC))
    digest = await service.digests.preview(platform="discord", channel_id="55")  # window: since a day ago
    assert "New:" not in (render_digest(digest)[0].embeds[0].description or "")  # a new story: its brief says it
    # the channel saw the story before this window: the second article's news is listed
    clock.advance(timedelta(hours=1))
    text = f"{SECOND}\n{HOSTILE}\nOfficials in Tokyo said both sides still wanted to meet before the end of summer."
    await service.add_text(text, actor=ADMIN, story=SEED_SLUG, title="Japan calls off the talks")
    (sub,) = await service.store.digests("discord", "55")
    updated = await compose_from_store(
        service.store, sub, since=clock.now() - timedelta(minutes=30), now=clock.now(), local_day=clock.now().date()
    )
    (message,) = render_digest(updated)
    (embed,) = message.embeds
    description = embed.description or ""
    assert "• New: TOKYO (Reuters) - Japan has called off" in description
    assert "@everyone" not in description and "<@123>" not in description
    assert limits.violations(embed.to_dict()) == []
    assert description.endswith(f"`/brief show story:{SEED_SLUG}`")
    console = render_digest_text(updated)
    assert "  * New: TOKYO (Reuters) - Japan has called off" in console
