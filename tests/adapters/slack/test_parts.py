"""The smaller parts on their own: link extraction, the admin cache, the modal view, post_blocks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from slack_sdk.errors import SlackApiError

from adapters.slack.admin import AdminPolicy
from adapters.slack.app import links_in
from adapters.slack.modal import build_add_modal, parse_submission
from adapters.slack.render import render_notice
from adapters.slack.send import make_client, post_blocks, post_message
from adapters.testing.slack_api import FakeSlackAPI
from briefings.clock import ManualClock
from briefings.models import StorySummary
from tests.adapters.slack.conftest import ADMIN, LISTED, MEMBER, OWNER, modal_values

WHEN = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)


def test_links_in_message_text_and_blocks() -> None:
    message = {
        "text": "see <https://a.example/x?a=1&amp;b=2|this> and https://b.example/y. "
                "and <mailto:x@y.z|mail> <@U123>",
        "blocks": [{"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [
            {"type": "link", "url": "https://c.example/z"},
            {"type": "link", "url": "https://a.example/x?a=1&b=2"}]}]}],
    }
    assert links_in(message) == ["https://a.example/x?a=1&b=2", "https://b.example/y",
                                 "https://c.example/z"]
    assert links_in({"text": "nothing <@U1> <!here>"}) == []


async def test_admin_policy_cache_and_sources(fake_api: FakeSlackAPI,
                                              retry_sleeps: list[float]) -> None:
    clock = ManualClock(WHEN)
    policy = AdminPolicy(make_client("xoxb-1", fake_api.base_url), {LISTED}, clock=clock,
                         ttl=timedelta(seconds=60))
    assert await policy.is_admin(ADMIN) and await policy.is_admin(OWNER)
    assert await policy.is_admin(LISTED)
    assert not await policy.is_admin(MEMBER) and not await policy.is_admin("U0NOBODY")
    assert len(fake_api.calls_to("users.info")) == 4
    assert await policy.is_admin(ADMIN) and not await policy.is_admin(MEMBER)
    assert len(fake_api.calls_to("users.info")) == 4  # cached
    clock.advance(timedelta(seconds=61))
    fake_api.users[ADMIN].is_admin = False  # demoted: noticed once the cache expires
    assert not await policy.is_admin(ADMIN)
    fake_api.fail_next("users.info", status=429, retry_after=1)
    actor = await policy.actor(OWNER, "olu")
    assert actor.is_admin and actor.platform == "slack" and actor.label() == "slack:U0OWNER (olu)"
    assert retry_sleeps and 1 <= retry_sleeps[0] < 2


def test_modal_view_within_limits() -> None:
    stories = [StorySummary(slug=f"s-{i}", title="<!here> " + "t" * 200, article_count=1,
                            created_at=WHEN, updated_at=WHEN) for i in range(150)]
    view = build_add_modal(stories, private_metadata='{"channel": "C1"}').to_dict()
    assert view["callback_id"] == "brief_add_modal" and len(view["title"]["text"]) <= 24
    select = next(b for b in view["blocks"] if b["block_id"] == "existing")["element"]
    assert len(select["options"]) == 100
    assert all(len(o["text"]["text"]) <= 75 and "<!here>" not in o["text"]["text"]
               for o in select["options"])
    empty = build_add_modal([]).to_dict()
    assert "existing" not in {b["block_id"] for b in empty["blocks"]}


def test_parse_submission_good() -> None:
    form = parse_submission(modal_values(title=" T ", url="https://x.example/a",
                                         published="2025-06-19", new_slug="My-Story",
                                         text="one two three four five six seven eight"),
                            today=date(2025, 6, 20))
    assert not isinstance(form, dict)
    assert form.title == "T" and form.story == "my-story"
    assert form.published == datetime(2025, 6, 19, tzinfo=UTC)


async def test_post_blocks_retries_500_then_raises(fake_api: FakeSlackAPI,
                                                  retry_sleeps: list[float]) -> None:
    client = make_client("xoxb-1", fake_api.base_url.rstrip("/"))
    fake_api.fail_next("chat.postMessage", 1, status=500)
    ts = await post_message(client, "C1", render_notice("hello <!channel>"))
    assert ts and [c.status for c in fake_api.calls_to("chat.postMessage")] == [500, 200]
    sent = fake_api.calls_to("chat.postMessage")[-1].params
    assert sent["text"] == "hello &lt;!channel&gt;" and sent["unfurl_links"] is False
    fake_api.fail_next("chat.postMessage", 5, status=503)
    with pytest.raises(SlackApiError):
        await post_blocks(client, "C1", [], "x")
    assert [c.status for c in fake_api.calls_to("chat.postMessage")][2:] == [503, 503, 503]
