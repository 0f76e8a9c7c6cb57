"""Slack: "Updated N times" on the brief, the What's new button and `/brief changes STORY`."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from briefings.service import BriefingService
from briefings.testing import ADMIN, SEED_SLUG
from tests.adapters.slack.conftest import SlackHarness
from tests.briefings.test_briefs import SECOND

HOSTILE_TITLE = "Talks off & <!channel> <@U999>"


async def update_story(service: BriefingService, slack: SlackHarness) -> None:
    """Add a second article to the seeded story three hours later (its brief becomes version 2)."""
    slack.clock.advance(timedelta(hours=3))
    await service.add_text(SECOND, actor=ADMIN, story=SEED_SLUG, title=HOSTILE_TITLE)


def _texts(body: dict[str, Any]) -> str:
    return json.dumps(body.get("blocks", []), ensure_ascii=False)


def _action_ids(body: dict[str, Any]) -> list[str]:
    return [e["action_id"] for b in body["blocks"] if b["type"] == "actions" for e in b["elements"]]


async def test_a_brief_never_updated_says_no_update_count_and_has_no_whats_new(slack: SlackHarness) -> None:
    body = (await slack.command(SEED_SLUG)).json()
    text = _texts(body)
    assert "times, last:" not in text and "1 time" not in text
    assert "brief_changes" not in _action_ids(body)


async def test_an_updated_brief_says_how_often_and_when(slack: SlackHarness, seeded_service: BriefingService) -> None:
    await update_story(seeded_service, slack)
    body = (await slack.command(SEED_SLUG)).json()
    context = [b for b in body["blocks"] if b["type"] == "context"][-1]
    assert "Updated 1 time, last: 20 Jun 2025 12:00 UTC" in json.dumps(context)
    assert _action_ids(body) == ["brief_share", "brief_sources", "brief_facts", "brief_changes"]


async def test_whats_new_button_answers_privately_with_escaped_change_lines(
    slack: SlackHarness, seeded_service: BriefingService
) -> None:
    await update_story(seeded_service, slack)
    await slack.click("brief_changes", SEED_SLUG)
    (call,) = await slack.responses()
    assert call.params["response_type"] == "ephemeral" and call.params["replace_original"] is False
    blocks = call.params["blocks"]
    assert blocks[0]["type"] == "header" and blocks[0]["text"]["text"].startswith("What's new:")
    text = _texts(call.params)
    assert "20 Jun 2025 12:00 UTC" in text and "1 new article" in text
    assert "Latest: Japan cancels security talks" in text
    assert "New sources: Talks off &amp; &lt;!channel&gt; &lt;@U999&gt;" in text
    assert "<!channel>" not in text and "<@U999>" not in text
    assert len(blocks) <= 50 and all(len(b.get("text", {}).get("text", "")) <= 3000 for b in blocks)
    assert slack.api.calls_to("chat.postMessage") == []


async def test_brief_changes_command_lists_the_newest_update_first(
    slack: SlackHarness, seeded_service: BriefingService
) -> None:
    await update_story(seeded_service, slack)
    slack.clock.advance(timedelta(hours=1))
    await seeded_service.add_text(
        "Japan's foreign ministry said on Saturday it would propose new dates for the talks in August. "
        "Officials in Tokyo said both sides still wanted to meet before the end of the summer. "
        "The ministry did not say which dates it would offer to Washington.",
        actor=ADMIN,
        story=SEED_SLUG,
        title="Japan to propose August dates",
    )
    body = (await slack.command(f"changes {SEED_SLUG}")).json()
    assert body["response_type"] == "ephemeral"
    sections = [b["text"]["text"] for b in body["blocks"] if b["type"] == "section"]
    assert sections[0].startswith("*20 Jun 2025 13:00 UTC*") and sections[1].startswith("*20 Jun 2025 12:00 UTC*")
    assert "Updated 2 times, last: 20 Jun 2025 13:00 UTC" in _texts(body)


async def test_brief_changes_of_a_story_never_updated_and_of_no_story(slack: SlackHarness) -> None:
    body = (await slack.command(f"changes {SEED_SLUG}")).json()
    assert "has not been updated" in _texts(body)
    missing = (await slack.command("changes zzqx")).json()
    assert "No story matches" in _texts(missing)
    usage = (await slack.command("changes")).json()
    assert "/brief changes STORY" in _texts(usage)


async def test_help_lists_brief_changes(slack: SlackHarness) -> None:
    assert "/brief changes STORY" in _texts((await slack.command("help")).json())
