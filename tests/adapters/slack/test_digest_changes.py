"""A posted Slack digest lists what an updated story's brief gained, escaped and within Block Kit limits."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

from adapters.slack.digest import make_digest_sender
from adapters.testing.slack_api import FakeSlackAPI
from adapters.testing.slack_requests import CHANNEL_ID
from briefings.clock import ManualClock
from briefings.scheduler import DigestScheduler
from briefings.service import BriefingService
from briefings.testing import ADMIN, SEED_SLUG
from tests.adapters.slack.conftest import BOT_TOKEN
from tests.briefings.test_briefs import SECOND

DUE = datetime(2025, 6, 20, 9, 30, tzinfo=UTC)
HOSTILE = "The <!channel> & <@U0ADMIN> ministry said on Saturday it would offer new dates for the talks."


async def test_digest_after_a_story_gained_an_article_lists_whats_new(
    seeded_service: BriefingService, fake_api: FakeSlackAPI, clock: ManualClock, retry_sleeps: list[float]
) -> None:
    await seeded_service.digests.on(platform="slack", channel_id=CHANNEL_ID, at="09:30", tz="UTC", actor=ADMIN)
    sender = make_digest_sender(BOT_TOKEN, fake_api.base_url)
    scheduler = DigestScheduler(seeded_service.store, {"slack": sender}, clock=clock, owner="a", rng=random.Random(7))
    clock.set(DUE + timedelta(minutes=1))
    await scheduler.tick()
    clock.set(DUE + timedelta(hours=5))
    text = f"{SECOND}\n{HOSTILE}\nOfficials in Tokyo said both sides still wanted to meet before the end of summer."
    await seeded_service.add_text(text, actor=ADMIN, story=SEED_SLUG, title="Japan calls off the talks")
    clock.set(DUE + timedelta(days=1, minutes=1))
    assert (await scheduler.tick()).sent
    first, second = fake_api.ok_calls_to("chat.postMessage")
    assert "New story" in json.dumps(first.params["blocks"]) and "• New:" not in json.dumps(first.params["blocks"])
    (section,) = [b for b in second.params["blocks"] if b["type"] == "section"]
    body = section["text"]["text"]
    assert "+1 source" in body and "• New: TOKYO (Reuters) - Japan has called off" in body
    assert body.rstrip().endswith(f"`/brief {SEED_SLUG}`") and len(body) <= 3000
    assert "<!channel>" not in json.dumps(second.params) and "<@U0ADMIN>" not in json.dumps(second.params)
