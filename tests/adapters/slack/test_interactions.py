"""Buttons, the message shortcut, `/brief add URL` and the add modal, over signed HTTP."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from adapters.testing.slack_api import RESPONSE_URL
from adapters.testing.slack_requests import CHANNEL_ID
from briefings.testing import SEED_SLUG
from tests.adapters.slack.conftest import ADMIN, LISTED, MEMBER, SlackHarness, serve

ARTICLE = """Harbour Bridge Reopens After Two Years of Repairs

The Harbour Bridge in Port Elsa reopened to traffic on Monday after two years of repairs,
city officials said. Mayor Ines Alvarez cut the ribbon at a ceremony attended by about
2,000 residents. The repairs cost 140 million euros, according to the regional transport
agency, which said the bridge will carry 60,000 vehicles a day. Engineers replaced the
deck and strengthened the piers after inspectors found corrosion in 2023. Local businesses
welcomed the reopening, saying the closure had cut their sales by a third. The agency
said a new bus lane will open on the bridge in September.
"""


def _html(text: str) -> str:
    title, _, body = text.partition("\n")
    paras = "".join(f"<p>{p.strip()}</p>" for p in body.split("\n\n") if p.strip())
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"{paras}</article></body></html>")


@pytest.fixture
async def news() -> AsyncIterator[str]:
    """Serve one article page on 127.0.0.1; yield its URL."""
    app = web.Application()

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=_html(ARTICLE), content_type="text/html")

    app.router.add_get("/news/bridge", page)
    async with serve(app) as base:
        yield f"{base}/news/bridge"


def _dump(params: dict[str, Any]) -> str:
    return json.dumps(params.get("blocks", []), ensure_ascii=False) + str(params.get("text", ""))


# ----- card buttons --------------------------------------------------------------------------


async def test_share_posts_to_channel_as_bot_attributed(slack: SlackHarness) -> None:
    reply = await slack.click("brief_share", SEED_SLUG, user=MEMBER)
    assert reply.status == 200
    (post,) = await slack.api.wait_for("chat.postMessage")
    assert post.params["channel"] == CHANNEL_ID
    assert post.token == "xoxb-test-token"
    text = _dump(post.params)
    assert f"shared by <@{MEMBER}>" in text
    assert "brief_share" not in text and "brief_sources" in text
    assert post.params["text"]


async def test_share_where_bot_is_not_a_member_uses_response_url(slack: SlackHarness) -> None:
    slack.api.not_in_channels.add("C0PRIVATE")
    await slack.click("brief_share", SEED_SLUG, channel="C0PRIVATE")
    (call,) = await slack.responses()
    assert call.params["response_type"] == "in_channel"
    assert f"shared by <@{MEMBER}>" in _dump(call.params)


async def test_share_is_retried_after_429(slack: SlackHarness, retry_sleeps: list[float]) -> None:
    slack.api.fail_next("chat.postMessage", status=429, retry_after=3)
    await slack.click("brief_share", SEED_SLUG)
    await slack.api.wait_for("chat.postMessage")
    assert len(slack.api.calls_to("chat.postMessage")) == 2
    assert 3 <= retry_sleeps[0] < 4


async def test_share_reports_politely_when_slack_keeps_refusing(
    slack: SlackHarness, retry_sleeps: list[float]
) -> None:
    slack.api.fail_next("chat.postMessage", 5, status=429, retry_after=1)
    await slack.click("brief_share", SEED_SLUG)
    (call,) = await slack.responses()
    assert "try again in a minute" in _dump(call.params)
    assert len(slack.api.calls_to("chat.postMessage")) == 3  # first try + 2 retries


@pytest.mark.parametrize(("action", "header"), [
    ("brief_sources", "Sources:"), ("brief_facts", "Key facts:"), ("brief_show:1", "Japan"),
])
async def test_buttons_answer_privately(slack: SlackHarness, action: str, header: str) -> None:
    await slack.click(action, SEED_SLUG)
    (call,) = await slack.responses()
    assert call.params["response_type"] == "ephemeral"
    assert call.params["replace_original"] is False
    assert call.params["blocks"][0]["text"]["text"].startswith(header)
    assert slack.api.calls_to("chat.postMessage") == []


async def test_button_for_a_vanished_story_is_polite(slack: SlackHarness) -> None:
    await slack.click("brief_sources", "gone-story")
    (call,) = await slack.responses()
    assert "No story matches" in _dump(call.params)


# ----- /brief add URL --------------------------------------------------------------------------


async def test_add_url_acks_then_answers_via_response_url(slack: SlackHarness, news: str) -> None:
    reply = await slack.command(f"add {news} harbour-bridge", user=ADMIN)
    assert reply.status == 200
    assert "Fetching" in _dump(reply.json())
    (call,) = await slack.responses()
    assert "Added" in _dump(call.params) and "harbour-bridge" in _dump(call.params)
    brief = await slack.service.brief("harbour-bridge")
    assert "Bridge" in brief.story.title
    (entry, *_) = await slack.service.admin_log()
    assert entry.action == "add" and f"slack:{ADMIN}" in entry.actor
    undo = [b for b in call.params["blocks"] if b["type"] == "actions"][0]["elements"][1]
    assert undo["action_id"] == "brief_undo"


async def test_add_url_fetch_error_is_polite(slack: SlackHarness, news: str) -> None:
    await slack.command(f"add {news}-missing", user=LISTED)
    (call,) = await slack.responses()
    assert call.params["response_type"] == "ephemeral"
    assert ":warning:" in _dump(call.params)


async def test_add_url_respond_survives_429_and_500(
    slack: SlackHarness, news: str, retry_sleeps: list[float]
) -> None:
    slack.api.fail_next(RESPONSE_URL, 1, status=429, retry_after=2)
    await slack.command(f"add {news}", user=ADMIN)
    (call,) = await slack.responses()
    assert "Added" in _dump(call.params)
    assert [c.status for c in slack.api.calls_to(RESPONSE_URL)] == [429, 200]
    assert 2 <= retry_sleeps[0] < 3

    slack.api.fail_next(RESPONSE_URL, 1, status=500)
    await slack.click("brief_facts", SEED_SLUG)
    await slack.responses(2)
    assert [c.status for c in slack.api.calls_to(RESPONSE_URL)][-2:] == [500, 200]


async def test_respond_that_keeps_failing_falls_back_to_ephemeral_post(
    slack: SlackHarness, retry_sleeps: list[float]
) -> None:
    slack.api.fail_next(RESPONSE_URL, 10, status=503)
    await slack.click("brief_sources", SEED_SLUG, user=MEMBER)
    (post,) = await slack.api.wait_for("chat.postEphemeral")
    assert post.params["user"] == MEMBER and post.params["channel"] == CHANNEL_ID
    assert len(slack.api.calls_to(RESPONSE_URL)) == 3  # first try + 2 retries


# ----- undo button -------------------------------------------------------------------------------


async def test_undo_button_admin_only(slack: SlackHarness, news: str) -> None:
    await slack.command(f"add {news} harbour-bridge", user=ADMIN)
    (call,) = await slack.responses()
    article_id = [b for b in call.params["blocks"] if b["type"] == "actions"][0]["elements"][1]
    before = await slack.service.admin_log()

    await slack.click("brief_undo", article_id["value"], user=MEMBER)
    (refusal,) = (await slack.responses(2))[1:]
    assert "only Briefbot admins" in _dump(refusal.params)
    assert await slack.service.admin_log() == before
    assert (await slack.service.brief("harbour-bridge")).article_count == 1

    await slack.click("brief_undo", article_id["value"], user=ADMIN)
    done = (await slack.responses(3))[2]
    assert "Removed article" in _dump(done.params)
    assert [s.slug for s in await slack.service.list_stories()] == [SEED_SLUG]


# ----- message shortcut ----------------------------------------------------------------------


async def test_shortcut_adds_the_link(slack: SlackHarness, news: str) -> None:
    reply = await slack.shortcut(f"worth a read <{news}|Harbour bridge> :eyes:", user=ADMIN)
    assert reply.status == 200
    fetching, added = await slack.responses(2)
    assert "Fetching" in _dump(fetching.params)
    assert "Added" in _dump(added.params)
    assert len(await slack.service.list_stories()) == 2


async def test_shortcut_refuses_members(slack: SlackHarness, news: str) -> None:
    await slack.shortcut(f"<{news}>", user=MEMBER)
    (call,) = await slack.responses()
    assert "only Briefbot admins" in _dump(call.params)
    assert len(await slack.service.list_stories()) == 1


async def test_shortcut_without_link(slack: SlackHarness) -> None:
    await slack.shortcut("no links here <@U0ADMIN>", user=ADMIN)
    (call,) = await slack.responses()
    assert "no link" in _dump(call.params)


# ----- the add modal ---------------------------------------------------------------------------

GOOD = {"title": "Harbour Bridge Reopens", "url": "https://news.example/bridge",
        "published": "2025-06-19", "existing": None, "new_slug": "harbour-bridge",
        "text": ARTICLE.partition("\n")[2]}


async def test_modal_valid_submission_adds(slack: SlackHarness) -> None:
    reply = await slack.submit(GOOD, user=ADMIN)
    assert reply.status == 200
    assert reply.json()["response_action"] == "update"
    (update,) = await slack.api.wait_for("views.update")
    assert update.params["view_id"] == "VFAKE"
    assert "Added" in json.dumps(update.params["view"])
    brief = await slack.service.brief("harbour-bridge")
    assert brief.story.title == "Harbour Bridge Reopens"
    assert brief.sources[0].url == "https://news.example/bridge"


async def test_modal_existing_story(slack: SlackHarness) -> None:
    values = {**GOOD, "new_slug": None, "existing": SEED_SLUG}
    await slack.submit(values, user=LISTED)
    await slack.api.wait_for("views.update")
    assert (await slack.service.brief(SEED_SLUG)).article_count == 2


@pytest.mark.parametrize(("field", "value", "error"), [
    ("text", "", "Paste the article"),
    ("text", "too short", "too short"),
    ("url", "ftp://x", "http(s)"),
    ("url", "not a url", "http(s)"),
    ("published", "2031-01-01", "future"),
    ("published", "yesterday", "calendar"),
    ("new_slug", "Bad Slug!", "lowercase"),
    ("new_slug", "list", "command word"),
    ("existing", SEED_SLUG, "not both"),
])
async def test_modal_invalid_fields(slack: SlackHarness, field: str, value: str,
                                   error: str) -> None:
    target = "new_slug" if field == "existing" else field
    reply = await slack.submit({**GOOD, field: value}, user=ADMIN)
    body = reply.json()
    assert body["response_action"] == "errors"
    assert error in body["errors"][target]
    assert [s.slug for s in await slack.service.list_stories()] == [SEED_SLUG]


async def test_modal_all_errors_at_once(slack: SlackHarness) -> None:
    values = {"title": "x" * 400, "url": "nope", "published": "2099-01-01",
              "new_slug": "-- --", "text": ""}
    body = (await slack.submit(values, user=ADMIN)).json()
    assert set(body["errors"]) == {"title", "url", "published", "new_slug", "text"}


async def test_modal_refuses_members(slack: SlackHarness) -> None:
    body = (await slack.submit(GOOD, user=MEMBER)).json()
    assert body["response_action"] == "update"
    assert "only Briefbot admins" in json.dumps(body["view"])
    assert [s.slug for s in await slack.service.list_stories()] == [SEED_SLUG]
    assert slack.api.calls_to("views.update") == []
