"""Slack digests: the `/brief digest` commands, and the scheduler posting through the real client to the fake API."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.slack.digest import (
    EMPTY_TEXT,
    EVENT_TYPE,
    SlackDigestSender,
    make_digest_sender,
    render_digest,
    render_digest_status,
)
from adapters.slack.render import Message
from adapters.testing.slack_api import RESPONSE_URL, FakeSlackAPI
from adapters.testing.slack_requests import CHANNEL_ID
from briefings.clock import ManualClock
from briefings.digest_text import Notice
from briefings.errors import DeliveryError
from briefings.models import Digest, DigestItem, DigestSubscription, Source
from briefings.scheduler import DigestScheduler, TickReport
from briefings.service import BriefingService
from briefings.testing import ADMIN as ENGINE_ADMIN
from briefings.testing import SEED_SLUG, seed_text
from tests.adapters.slack.conftest import ADMIN, BOT_TOKEN, LISTED, MEMBER, SlackHarness

POST = "chat.postMessage"
KEY = "2025-06-20T09:30"
DUE = datetime(2025, 6, 20, 9, 30, tzinfo=UTC)
EVIL = "<!channel> <!here> <@U0ADMIN> & <https://evil.example|click> *bold*"


def _texts(body: dict[str, Any]) -> str:
    return json.dumps(body.get("blocks", []), ensure_ascii=False) + (body.get("text") or "")


def _slugs(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["accessory"]["value"] for b in blocks if b.get("accessory")]


async def _digest(service: BriefingService, *, at: str = "09:30", tz: str = "UTC", **kw: Any) -> DigestSubscription:
    status = await service.digests.on(platform="slack", channel_id=CHANNEL_ID, at=at, tz=tz, actor=ENGINE_ADMIN, **kw)
    return status.subscription


@pytest.fixture
def sender(fake_api: FakeSlackAPI, retry_sleeps: list[float]) -> SlackDigestSender:
    """The production sender (real AsyncWebClient) pointed at the fake Web API."""
    return make_digest_sender(BOT_TOKEN, fake_api.base_url)


def _scheduler(service: BriefingService, sender: Any, clock: ManualClock, owner: str = "a") -> DigestScheduler:
    return DigestScheduler(service.store, {"slack": sender}, clock=clock, owner=owner, rng=random.Random(7))


async def _tick(scheduler: DigestScheduler, clock: ManualClock, when: datetime) -> TickReport:
    clock.set(when)
    return await scheduler.tick(when)


# ----- the scheduler through the real client ----------------------------------------------------


async def test_one_post_with_metadata(
    seeded_service: BriefingService, sender: SlackDigestSender, fake_api: FakeSlackAPI, clock: ManualClock
) -> None:
    sub = await _digest(seeded_service)
    scheduler = _scheduler(seeded_service, sender, clock)
    report = await _tick(scheduler, clock, DUE + timedelta(minutes=1))
    assert report.sent == [f"{sub.id}@{KEY}"]
    [call] = fake_api.ok_calls_to(POST)
    params = call.params
    assert params["channel"] == CHANNEL_ID
    assert params["metadata"] == {"event_type": EVENT_TYPE, "event_payload": {"key": f"{sub.id}/{KEY}", "part": 0}}
    assert params["blocks"][0]["type"] == "header"
    assert params["blocks"][0]["text"]["text"] == "Daily brief · Friday 20 June 2025"
    text = _texts(params)
    assert f"/brief {SEED_SLUG}" in text and "New story" in text
    assert _slugs(params["blocks"]) == [SEED_SLUG]
    assert params["text"].startswith("Daily brief")
    # a later tick the same day posts nothing more
    assert (await _tick(scheduler, clock, DUE + timedelta(hours=2))).total() == 0
    assert len(fake_api.ok_calls_to(POST)) == 1
    [status] = await seeded_service.digests.status(platform="slack", channel_id=CHANNEL_ID)
    assert status.last_delivery_slot == KEY


async def test_429_then_success_on_a_later_tick(
    seeded_service: BriefingService, sender: SlackDigestSender, fake_api: FakeSlackAPI, clock: ManualClock
) -> None:
    sub = await _digest(seeded_service)
    scheduler = _scheduler(seeded_service, sender, clock)
    fake_api.fail_next(POST, 1, status=429, retry_after=120)
    first = DUE + timedelta(minutes=1)
    report = await _tick(scheduler, clock, first)
    assert report.retrying == [f"{sub.id}@{KEY}"]
    row = await seeded_service.store.delivery(sub.id, KEY)
    assert row is not None and row.status == "retry" and "429" in (row.error or "")
    assert row.next_attempt is not None
    wait = row.next_attempt - first
    assert timedelta(seconds=120) <= wait <= timedelta(seconds=121)  # Retry-After honoured
    # before Retry-After: no attempt at all
    assert (await _tick(scheduler, clock, first + timedelta(seconds=60))).total() == 0
    assert len(fake_api.calls_to(POST)) == 1
    report = await _tick(scheduler, clock, first + timedelta(seconds=125))
    assert report.sent == [f"{sub.id}@{KEY}"]
    assert len(fake_api.ok_calls_to(POST)) == 1


async def test_server_errors_the_client_gives_up_on_are_transient(
    seeded_service: BriefingService,
    sender: SlackDigestSender,
    fake_api: FakeSlackAPI,
    clock: ManualClock,
    retry_sleeps: list[float],
) -> None:
    sub = await _digest(seeded_service)
    fake_api.fail_next(POST, 5, status=503)
    report = await _tick(_scheduler(seeded_service, sender, clock), clock, DUE + timedelta(minutes=1))
    assert report.retrying == [f"{sub.id}@{KEY}"]
    assert retry_sleeps  # the client retried (instantly) before giving up
    assert (await seeded_service.digests.by_id(sub.id)).enabled


async def test_permanent_error_three_ticks_disables_with_reason(
    seeded_service: BriefingService, sender: SlackDigestSender, fake_api: FakeSlackAPI, clock: ManualClock
) -> None:
    sub = await _digest(seeded_service)
    scheduler = _scheduler(seeded_service, sender, clock)
    fake_api.fail_next(POST, 3, status=200, error="channel_not_found")
    reports = [await _tick(scheduler, clock, DUE + timedelta(minutes=m)) for m in (1, 3, 6)]
    assert [bool(r.retrying) for r in reports] == [True, True, False]
    assert reports[2].failed == [f"{sub.id}@{KEY}"]
    [status] = await seeded_service.digests.status(platform="slack", channel_id=CHANNEL_ID)
    assert not status.subscription.enabled
    assert "channel_not_found" in (status.last_failure or "")
    assert "channel_not_found" in (status.subscription.disabled_reason or "")
    shown = _texts(render_digest_status([status]).to_dict())
    assert "Stopped" in shown and "channel_not_found" in shown
    # the channel answers again: the one short notice got through, and no digest is posted any more
    notices = fake_api.ok_calls_to(POST)
    assert len(notices) == 1 and "stopped" in notices[0].params["text"] and "blocks" not in notices[0].params
    # the core's hint, worded as Slack's own command
    assert "`/brief digest on 08:30 Europe/London`" in notices[0].params["text"]
    assert (await _tick(scheduler, clock, DUE + timedelta(days=1, minutes=1))).total() == 0


async def test_missing_channel_is_permanent_and_notice_is_best_effort(
    seeded_service: BriefingService, sender: SlackDigestSender, fake_api: FakeSlackAPI, clock: ManualClock
) -> None:
    sub = await _digest(seeded_service)
    fake_api.missing_channels.add(CHANNEL_ID)
    scheduler = _scheduler(seeded_service, sender, clock)
    reports = [await _tick(scheduler, clock, DUE + timedelta(minutes=m)) for m in (1, 3, 6)]
    assert reports[2].failed == [f"{sub.id}@{KEY}"]
    assert await sender.find_posted(CHANNEL_ID, KEY) == {}  # cannot tell: {}
    assert fake_api.ok_calls_to(POST) == []


class DiesAfterPosting(SlackDigestSender):
    """The process dies after Slack accepted the message, before the store recorded it."""

    async def post(self, channel_id: str, message: Message, *, key: str, part: int) -> str:
        """Post, then die."""
        await super().post(channel_id, message, key=key, part=part)
        raise RuntimeError("killed right after the post")


async def test_restart_right_after_the_post_does_not_post_again(
    seeded_service: BriefingService, sender: SlackDigestSender, fake_api: FakeSlackAPI, clock: ManualClock
) -> None:
    sub = await _digest(seeded_service)
    dying = _scheduler(seeded_service, DiesAfterPosting(sender.client), clock, owner="first")
    with pytest.raises(RuntimeError):
        await _tick(dying, clock, DUE + timedelta(minutes=1))
    [posted] = fake_api.ok_calls_to(POST)
    ts = fake_api.history(CHANNEL_ID)[0]["ts"]
    # a new process on the same database, after the lease ran out
    restarted = _scheduler(seeded_service, sender, clock, owner="second")
    assert (await _tick(restarted, clock, DUE + timedelta(minutes=2))).total() == 0  # lease still held
    report = await _tick(restarted, clock, DUE + timedelta(minutes=7))
    assert report.sent == [f"{sub.id}@{KEY}"]
    assert len(fake_api.ok_calls_to(POST)) == 1  # found in the history, not posted twice
    assert fake_api.calls_to("conversations.history")
    row = await seeded_service.store.delivery(sub.id, KEY)
    assert row is not None and row.message_ids == (ts,) and row.status == "sent"


async def test_find_posted_matches_key_and_part_only(sender: SlackDigestSender, fake_api: FakeSlackAPI) -> None:
    message = Message(text="x", blocks=[])
    await fake_api_post(sender, message, KEY, 0)
    await sender.client.chat_postMessage(channel=CHANNEL_ID, text="someone else")
    await fake_api_post(sender, message, "2025-06-19T09:30", 0)
    await fake_api_post(sender, message, KEY, 1)
    found = await sender.find_posted(CHANNEL_ID, KEY)
    history = fake_api.history(CHANNEL_ID)
    assert found == {0: history[0]["ts"], 1: history[3]["ts"]}
    assert await sender.find_posted("C0OTHER", KEY) == {}


async def fake_api_post(sender: SlackDigestSender, message: Message, key: str, part: int) -> str:
    """Post a message part through the sender."""
    return await sender.post(CHANNEL_ID, message, key=key, part=part)


async def test_digest_too_long_is_split_in_order(
    seeded_service: BriefingService,
    fake_api: FakeSlackAPI,
    clock: ManualClock,
    make_stories: Any,
    retry_sleeps: list[float],
) -> None:
    await make_stories(seeded_service, 6)
    sub = await _digest(seeded_service)
    small = SlackDigestSender(make_digest_sender(BOT_TOKEN, fake_api.base_url).client, max_chars=900)
    clock.set(DUE + timedelta(minutes=1))
    expected = [i.slug for i in (await seeded_service.digests.preview(platform="slack", channel_id=CHANNEL_ID)).items]
    assert len(expected) >= 6
    report = await _scheduler(seeded_service, small, clock).tick(DUE + timedelta(minutes=1))
    assert report.sent == [f"{sub.id}@{KEY}"]
    calls = fake_api.ok_calls_to(POST)
    assert len(calls) > 1
    assert [c.params["metadata"]["event_payload"]["part"] for c in calls] == list(range(len(calls)))
    assert [s for c in calls for s in _slugs(c.params["blocks"])] == expected
    heads = [c.params["blocks"][0]["text"]["text"] for c in calls]
    assert heads[0].endswith(f"(1/{len(calls)})") and heads[-1].endswith(f"({len(calls)}/{len(calls)})")
    row = await seeded_service.store.delivery(sub.id, KEY)
    assert row is not None and row.parts_sent == len(calls) and len(row.message_ids) == len(calls)


async def test_split_resumes_after_a_429_in_the_middle(
    seeded_service: BriefingService,
    fake_api: FakeSlackAPI,
    clock: ManualClock,
    make_stories: Any,
    retry_sleeps: list[float],
) -> None:
    await make_stories(seeded_service, 6)
    sub = await _digest(seeded_service)
    small = SlackDigestSender(make_digest_sender(BOT_TOKEN, fake_api.base_url).client, max_chars=900)
    scheduler = _scheduler(seeded_service, small, clock)
    parts = len(small.render(await seeded_service.digests.preview_subscription(sub)))
    # let the first part through, then rate-limit the second
    original = small.post
    calls = 0

    async def post_then_limit(channel_id: str, message: Message, *, key: str, part: int) -> str:
        nonlocal calls
        calls += 1
        if calls == 2:
            fake_api.fail_next(POST, 1, status=429, retry_after=5)
        return await original(channel_id, message, key=key, part=part)

    small.post = post_then_limit  # type: ignore[method-assign]
    assert (await _tick(scheduler, clock, DUE + timedelta(minutes=1))).retrying
    assert (await _tick(scheduler, clock, DUE + timedelta(minutes=2))).sent == [f"{sub.id}@{KEY}"]
    ok = fake_api.ok_calls_to(POST)
    assert [c.params["metadata"]["event_payload"]["part"] for c in ok] == list(range(parts))


async def test_mention_injection_is_inert(
    seeded_service: BriefingService, sender: SlackDigestSender, fake_api: FakeSlackAPI, clock: ManualClock
) -> None:
    await seeded_service.add_text(seed_text() + "\n\nA different angle.", actor=ENGINE_ADMIN, title=EVIL, story="evil")
    await _digest(seeded_service)
    await _tick(_scheduler(seeded_service, sender, clock), clock, DUE + timedelta(minutes=1))
    [call] = fake_api.ok_calls_to(POST)
    text = _texts(call.params)
    for ping in ("<!channel>", "<!here>", "<@U0ADMIN>", "<https://evil"):
        assert ping not in text
    assert "&lt;!channel&gt;" in text and "&amp;" in text


def _item(i: int, *, title: str = "Story", tldr: str = "", sources: int = 0, new: bool = False) -> DigestItem:
    now = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)
    srcs = [
        Source(
            article_id=k,
            title=f"{EVIL} source {k}",
            outlet=f"<@U{k:04d}X> outlet",
            url=f"https://example.com/{k}?a=1&b=<2>",
        )
        for k in range(sources)
    ]
    return DigestItem(
        slug=f"story-{i:03d}",
        title=f"{title} {i}",
        tldr=tldr,
        is_new_story=new,
        new_sources=srcs,
        article_count=sources + 1,
        updated_at=now,
    )


def _digest_of(items: list[DigestItem], more: int = 0) -> Digest:
    now = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)
    return Digest(
        subscription_id=1,
        local_date=now.date(),
        zone="UTC",
        heading="Daily brief · Friday 20 June 2025",
        items=items,
        more=more,
        since=now - timedelta(days=1),
        composed_at=now,
    )


def test_render_stays_within_block_kit_limits_and_keeps_order() -> None:
    items = [_item(i, title=EVIL * 40, tldr=EVIL * 100, sources=300) for i in range(120)]
    messages = render_digest(_digest_of(items, more=5))
    assert len(messages) > 2
    slugs: list[str] = []
    for message in messages:
        blocks = message.block_dicts()  # slack_sdk validates each block's own limits here
        assert len(blocks) <= 50
        assert blocks[0]["type"] == "header" and len(blocks[0]["text"]["text"]) <= 150
        for block in blocks:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= 3000
        assert message.text and len(message.text) <= 3000
        slugs += _slugs(blocks)
        text = _texts(message.to_dict())
        assert "<!channel>" not in text and "<@U0001X>" not in text and "<@U0ADMIN>" not in text
    assert slugs == [i.slug for i in items]
    assert "…and 5 more stories changed. Try `/brief list`." in _texts(messages[-1].to_dict())


def test_render_what_is_new_per_item() -> None:
    [message] = render_digest(_digest_of([_item(1, new=True, tldr="One line."), _item(2, sources=2)]))
    text = _texts(message.to_dict())
    assert "New story" in text and "+2 sources: " in text and "One line." in text
    assert "`/brief story-001`" in text and "`/brief story-002`" in text
    assert "(&lt;@U0000X&gt; outlet)" in text
    assert "<https://example.com/0?a=1&amp;b=&lt;2&gt;|" in text


def test_empty_digest_is_one_short_line() -> None:
    [message] = render_digest(_digest_of([]))
    assert message.text == EMPTY_TEXT
    assert [b["text"]["text"] for b in message.block_dicts()] == [EMPTY_TEXT]


async def test_empty_digest_posted_only_when_chosen(
    seeded_service: BriefingService, sender: SlackDigestSender, fake_api: FakeSlackAPI, clock: ManualClock
) -> None:
    await _digest(seeded_service, at="09:30")
    await _digest(seeded_service, at="09:45", post_when_empty=True)
    scheduler = _scheduler(seeded_service, sender, clock)
    await _tick(scheduler, clock, DUE + timedelta(minutes=20))
    assert len(fake_api.ok_calls_to(POST)) == 2  # both carry the new story
    report = await _tick(scheduler, clock, DUE + timedelta(days=1, minutes=20))
    assert len(report.empty) == 1 and len(report.sent) == 1
    last = fake_api.ok_calls_to(POST)[-1].params
    assert last["text"] == EMPTY_TEXT and len(last["blocks"]) == 1


# ----- /brief digest commands ------------------------------------------------------------------


async def test_digest_on_by_admin_shows_next_run_local_and_utc(slack: SlackHarness) -> None:
    body = (await slack.command("digest on 08:30 Asia/Tokyo", user=ADMIN)).json()
    assert body["response_type"] == "ephemeral"
    text = _texts(body)
    assert "08:30 Asia/Tokyo" in text
    assert "Sat 21 Jun 2025 08:30 JST" in text and "23:30 UTC" in text
    [status] = await slack.service.digests.status(platform="slack", channel_id=CHANNEL_ID)
    assert status.subscription.at == "08:30" and status.subscription.tz == "Asia/Tokyo"
    assert status.subscription.created_by.startswith(f"slack:{ADMIN}")
    assert slack.api.ok_calls_to(POST) == []


async def test_digest_on_with_options_by_listed_admin(slack: SlackHarness) -> None:
    body = (await slack.command("digest on 18:00 europe/london weekdays always japan, defence", user=LISTED)).json()
    assert "weekdays only" in _texts(body)
    [status] = await slack.service.digests.status(platform="slack", channel_id=CHANNEL_ID)
    sub = status.subscription
    assert (sub.tz, sub.weekdays_only, sub.post_when_empty, sub.topics) == (
        "Europe/London",
        True,
        True,
        ["japan", "defence"],
    )


async def test_digest_on_and_off_refused_to_members(slack: SlackHarness) -> None:
    body = (await slack.command("digest on 08:30 Asia/Tokyo", user=MEMBER)).json()
    assert "only Briefbot admins" in _texts(body)
    assert await slack.service.digests.status(platform="slack", channel_id=CHANNEL_ID) == []
    await slack.command("digest on 08:30 Asia/Tokyo", user=ADMIN)
    body = (await slack.command("digest off", user=MEMBER)).json()
    assert "only Briefbot admins" in _texts(body)
    assert len(await slack.service.digests.status(platform="slack", channel_id=CHANNEL_ID)) == 1


async def test_digest_off_by_admin(slack: SlackHarness) -> None:
    await slack.command("digest on 08:00 UTC", user=ADMIN)
    await slack.command("digest on 18:00 UTC", user=ADMIN)
    statuses = await slack.service.digests.status(platform="slack", channel_id=CHANNEL_ID)
    first = statuses[0].subscription.id
    body = (await slack.command(f"digest off {first}", user=ADMIN)).json()
    assert f"#{first}" in _texts(body) and "Stopped" in _texts(body)
    assert len(await slack.service.digests.status(platform="slack", channel_id=CHANNEL_ID)) == 1
    await slack.command("digest off", user=ADMIN)
    assert await slack.service.digests.status(platform="slack", channel_id=CHANNEL_ID) == []
    body = (await slack.command("digest off", user=ADMIN)).json()
    assert "no digest" in _texts(body)


async def test_digest_bad_time(slack: SlackHarness) -> None:
    body = (await slack.command("digest on 25:99 Asia/Tokyo", user=ADMIN)).json()
    assert "is not a time" in _texts(body)
    assert await slack.service.digests.status(platform="slack", channel_id=CHANNEL_ID) == []


async def test_digest_bad_zone_suggests(slack: SlackHarness) -> None:
    body = (await slack.command("digest on 08:30 Asia/Tokio", user=ADMIN)).json()
    text = _texts(body)
    assert "is not a time zone" in text and "Asia/Tokyo" in text
    assert await slack.service.digests.status(platform="slack", channel_id=CHANNEL_ID) == []


async def test_digest_usage_and_help(slack: SlackHarness) -> None:
    assert "Usage: /brief digest" in _texts((await slack.command("digest sometimes", user=MEMBER)).json())
    assert "/brief digest on" in _texts((await slack.command("digest help")).json())


async def test_digest_status_open_to_all(slack: SlackHarness) -> None:
    body = (await slack.command("digest status", user=MEMBER)).json()
    assert "no digest" in _texts(body)
    await slack.command("digest on 08:30 Asia/Tokyo", user=ADMIN)
    body = (await slack.command("digest", user=MEMBER)).json()
    text = _texts(body)
    assert body["response_type"] == "ephemeral"
    assert "Next run: Sat 21 Jun 2025 08:30 JST" in text and "23:30 UTC" in text
    assert "Last delivery: never" in text


async def test_digest_preview_is_private(slack: SlackHarness) -> None:
    body = (await slack.command("digest preview", user=MEMBER)).json()
    assert "no digest yet" in _texts(body)
    await slack.command("digest on 08:30 Asia/Tokyo", user=ADMIN)
    body = (await slack.command("digest preview", user=MEMBER)).json()
    assert body["response_type"] == "ephemeral"
    text = _texts(body)
    assert "Preview" in text and f"/brief {SEED_SLUG}" in text
    assert any(b["type"] == "header" for b in body["blocks"])
    assert slack.api.ok_calls_to(POST) == [] and slack.api.calls_to(RESPONSE_URL) == []


async def test_unreachable_slack_is_transient(retry_sleeps: list[float]) -> None:
    sender = make_digest_sender(BOT_TOKEN, "http://127.0.0.1:9/api/")
    with pytest.raises(DeliveryError) as caught:
        await sender.post(CHANNEL_ID, Message(text="x", blocks=[]), key=KEY, part=0)
    assert caught.value.transient and caught.value.retry_after is None
    assert await sender.find_posted(CHANNEL_ID, KEY) == {}
    await sender.notify(CHANNEL_ID, Notice("best effort"))  # never raises
