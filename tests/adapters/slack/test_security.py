"""Signatures and untrusted text: forged or stale requests change nothing; article text pings no one."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from adapters.testing.slack_api import RESPONSE_URL
from adapters.testing.slack_requests import block_action_payload, slash_command_fields
from briefings.models import Actor
from briefings.testing import SEED_SLUG, seed_text
from tests.adapters.slack.conftest import ADMIN, SlackHarness

BAD_SIGNING = [
    pytest.param({"secret": "not-the-secret"}, id="wrong-secret"),
    pytest.param({"tamper": True}, id="tampered-body"),
    pytest.param({"timestamp": -301}, id="stale-timestamp"),  # seconds from now, taken when the test runs
    pytest.param({"timestamp": 600}, id="future-timestamp"),
]


@pytest.mark.parametrize("signing", BAD_SIGNING)
async def test_bad_signature_is_401_and_changes_nothing(
    slack: SlackHarness, signing: dict[str, Any]
) -> None:
    if "timestamp" in signing:  # bolt compares with its own clock: the offset from now, not from collection time
        signing = {"timestamp": int(time.time()) + signing["timestamp"]}
    before = await slack.service.admin_log()
    reply = await slack.command(f"remove {SEED_SLUG}", user=ADMIN, **signing)
    assert reply.status == 401
    payload = block_action_payload("brief_share", SEED_SLUG,
                                   response_url=slack.api.response_url())
    assert (await slack.sender.interact(payload, **signing)).status == 401
    assert (await slack.service.brief(SEED_SLUG)).story.slug == SEED_SLUG
    assert await slack.service.admin_log() == before
    touched = [c.method for c in slack.api.calls if c.method != "auth.test"]
    assert touched == []


async def test_missing_signature_headers_is_401(slack: SlackHarness) -> None:
    fields = slash_command_fields(f"remove {SEED_SLUG}", response_url=slack.api.response_url(),
                                  user_id=ADMIN)
    async with slack.session.post(slack.sender.url, data=fields) as resp:
        assert resp.status == 401
    assert (await slack.service.brief(SEED_SLUG)).story.slug == SEED_SLUG


async def test_healthz(slack: SlackHarness) -> None:
    async with slack.session.get(f"{slack.base_url}/healthz") as resp:
        assert resp.status == 200
        assert await resp.json() == {"ok": True}


INJECTION = "Breaking <!channel> <!here> <!everyone> <@U123> <#C999> &lt;script&gt; <https://x.example|y>"


async def test_mention_injection_is_inert(slack: SlackHarness) -> None:
    admin = Actor(platform="console", user_id="t", is_admin=True)
    text = f"{INJECTION}\n\n{seed_text().replace('Japan', 'Japan ' + INJECTION, 3)}"
    result = await slack.service.add_text(text, actor=admin, title=INJECTION, story="evil-story")
    body = (await slack.command(result.story.slug)).json()
    await slack.click("brief_share", result.story.slug)
    (post,) = await slack.api.wait_for("chat.postMessage")
    await slack.click("brief_sources", result.story.slug)
    await slack.click("brief_facts", result.story.slug)
    answers = await slack.api.wait_for(RESPONSE_URL, 2)
    listing = (await slack.command("list")).json()
    missing = (await slack.command(f"nothing {INJECTION}")).json()
    for message in (body, post.params, *(a.params for a in answers), listing, missing):
        dumped = json.dumps(message.get("blocks"), ensure_ascii=False) + message["text"]
        for raw in ("<!channel>", "<!here>", "<!everyone>", "<@U123>", "<#C999>",
                    "<https://x.example|y>", "&lt;script"):
            assert raw not in dumped, (raw, dumped[:500])
    card = json.dumps(body["blocks"], ensure_ascii=False)
    assert "&lt;!channel&gt;" in card
    assert "&amp;lt;script&amp;gt;" in card
