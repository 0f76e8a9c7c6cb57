"""Two `briefbot serve` replicas (real OS processes) on one PostgreSQL schema, against the fake Slack Web API.

* Every due digest is posted once: 30 digests due a minute ago, both replicas deliver some, none twice.
* A replica SIGKILLed mid-delivery: the other takes the slot over once the claim's lease (BRIEFBOT_DIGEST_LEASE)
  ends, and posts it exactly once whether or not the killed replica's post reached Slack (the scheduler looks
  in the channel's history for its own earlier post before posting again).
* Slack requests round-robined over both: a modal opened on one replica is submitted on the other, and what
  one replica added the other shows, lists and finds.

The processes use the real clock, so digests are scheduled at the minute just past; nothing sleeps, the tests wait
on the fake's calls and the processes' JSON log lines. Skipped, saying why, when no PostgreSQL server answers.
"""

from __future__ import annotations

import inspect
import json
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from adapters.testing.slack_api import FakeSlackAPI
from adapters.testing.slack_requests import SlackSender, view_submission_payload
from briefings.clock import ManualClock
from briefings.scheduler import DigestScheduler
from briefings.service import open_service
from briefings.store.rows import DeliveryRow
from briefings.testing import ADMIN, SEED_SLUG, seed_text
from tests.adapters.slack.conftest import modal_values
from tests.bot.processes import (
    BOT_TOKEN,
    SIGNING,
    STOPPED,
    WITHIN,
    HoldingSlack,
    Served,
    message_has,
    serve_env,
    serving,
)

DELIVERED = message_has("delivered in 1 message")
# one replica has at most this many posts in flight, so one more arriving at once means both are delivering
IN_FLIGHT = inspect.signature(DigestScheduler).parameters["concurrency"].default
SLACK_ADMIN, SLACK_MEMBER = "U0ADMIN", "U0MEMBER"


async def set_up_digests(url: str, channels: list[str]) -> dict[str, int]:
    """Add the sample story, then a Slack digest per channel due a minute ago (today); return their ids."""
    now = datetime.now(UTC)
    due = now - timedelta(minutes=1)
    ids: dict[str, int] = {}
    async with open_service(url, clock=ManualClock(now - timedelta(hours=2))) as service:
        await service.add_text(seed_text(), actor=ADMIN, story=SEED_SLUG)
        for channel in channels:
            status = await service.digests.on(
                platform="slack", channel_id=channel, at=due.strftime("%H:%M"), tz="UTC", actor=ADMIN
            )
            ids[channel] = status.subscription.id
    return ids


async def deliveries(url: str, digest_id: int) -> list[DeliveryRow]:
    """Read a digest's delivery rows from the shared database."""
    async with open_service(url, create=False) as service:
        return await service.store.deliveries(digest_id)


def posts(slack: FakeSlackAPI) -> Counter[str]:
    """Count the messages the fake stored per channel."""
    return Counter({channel: len(messages) for channel, messages in slack.messages.items()})


def owned_by(row: DeliveryRow, served: Served) -> bool:
    """Tell whether a delivery's owner is that process (the scheduler's owner is host:pid:random)."""
    return (row.owner or "").split(":")[-2:-1] == [str(served.pid)]


async def stop_cleanly(*replicas: Served) -> None:
    """SIGTERM each replica: it must exit 0 with "stopped cleanly" last, its log JSON and free of secrets."""
    for served in replicas:
        assert await served.terminate() == 0, served.lines.tail()
        lines = served.lines
        assert lines.records[-1]["message"] == STOPPED
        assert len(lines.records) == len(lines.raw), lines.tail()
        assert not any(BOT_TOKEN in line or SIGNING in line for line in lines.raw)


async def assert_ready(session: aiohttp.ClientSession, *replicas: Served) -> None:
    """Both replicas answer /readyz with 200 (database reachable, Slack connected)."""
    for served in replicas:
        status, body = await served.get(session, "/readyz")
        assert status == 200, body


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """An HTTP client session for talking to the replicas."""
    async with aiohttp.ClientSession() as client:
        yield client


async def test_every_due_digest_is_posted_once_by_two_replicas(
    postgres_url: str, tmp_path: Path, session: aiohttp.ClientSession
) -> None:
    channels = [f"C0ONCE{i:02d}" for i in range(30)]
    ids = await set_up_digests(postgres_url, channels)
    async with HoldingSlack() as slack, AsyncExitStack() as stack:
        env = serve_env(postgres_url, slack)
        a = await stack.enter_async_context(serving(env, tmp_path))
        b = await stack.enter_async_context(serving(env, tmp_path))
        await a.ready()
        await b.ready()
        # posts are held until more are in flight than one replica may hold: both have claimed digests
        await slack.wait_arrived(IN_FLIGHT + 1)
        slack.release.set()
        await slack.wait_for("chat.postMessage", len(channels), within=WITHIN)
        for served in (a, b):  # each replica's first tick went over all 30 digests: sent or held elsewhere
            await served.lines.wait_for(message_has("digest tick:"))
        await assert_ready(session, a, b)
        await stop_cleanly(a, b)
    assert posts(slack) == Counter({channel: 1 for channel in channels})
    keys = [call.params["metadata"]["event_payload"]["key"] for call in slack.ok_calls_to("chat.postMessage")]
    assert len(set(keys)) == len(channels)
    by_a = {r["digest_id"] for r in a.lines.matching(DELIVERED)}
    by_b = {r["digest_id"] for r in b.lines.matching(DELIVERED)}
    assert by_a and by_b and not by_a & by_b and by_a | by_b == set(ids.values())
    ts = {channel: messages[0]["ts"] for channel, messages in slack.messages.items()}
    for channel, digest_id in ids.items():
        (row,) = await deliveries(postgres_url, digest_id)
        assert (row.status, row.attempts, row.parts_sent, row.message_ids) == ("sent", 1, 1, (ts[channel],))
        assert owned_by(row, a if digest_id in by_a else b)


@pytest.mark.parametrize("landed", [True, False], ids=["post-reached-slack", "post-lost"])
async def test_a_replica_killed_mid_delivery_is_taken_over_after_the_lease(
    postgres_url: str, tmp_path: Path, landed: bool
) -> None:
    channel = "C0KILLED"
    (digest_id,) = (await set_up_digests(postgres_url, [channel])).values()
    async with HoldingSlack(hold=1) as slack:
        env = serve_env(postgres_url, slack, BRIEFBOT_DIGEST_LEASE="1s")
        async with serving(env, tmp_path) as a:
            await a.ready()
            await slack.wait_arrived()  # A is posting the digest, held at the fake
            (row,) = await deliveries(postgres_url, digest_id)
            assert row.status == "claimed" and owned_by(row, a)
            await a.kill()
        assert not a.lines.matching(DELIVERED)
        # the held post now either reaches Slack (A died before recording it) or is lost with A
        slack.drop_held = not landed
        slack.release.set()
        if landed:
            await slack.wait_for("chat.postMessage")
        async with serving(env, tmp_path) as b:
            # B's first tick comes after its start-up, past A's 1 s lease; a later tick (20 s) would do too
            record = await b.lines.wait_for(DELIVERED, within=2 * WITHIN)
            await stop_cleanly(b)
    assert record["digest_id"] == digest_id
    assert posts(slack) == Counter({channel: 1})  # exactly once in the channel, never twice
    (message,) = slack.history(channel)
    (row,) = await deliveries(postgres_url, digest_id)
    assert (row.status, row.attempts, row.message_ids) == ("sent", 2, (message["ts"],))
    assert owned_by(row, b)
    assert slack.calls_to("conversations.history")  # B looked for A's post before posting
    assert len(slack.ok_calls_to("chat.postMessage")) == 1 and slack.arrived == (1 if landed else 2)


def _texts(body: dict[str, Any]) -> str:
    return json.dumps(body.get("blocks", []), ensure_ascii=False) + body.get("text", "")


ARTICLE = """The Harbour Bridge in Port Elsa reopened to traffic on Monday after two years of repairs,
city officials said. Mayor Ines Alvarez cut the ribbon at a ceremony attended by about
2,000 residents. The repairs cost 140 million euros, according to the regional transport
agency, which said the bridge will carry 60,000 vehicles a day. Engineers replaced the
deck and strengthened the piers after inspectors found corrosion in 2023.
"""


async def test_slack_requests_round_robined_over_two_replicas(
    postgres_url: str, tmp_path: Path, session: aiohttp.ClientSession
) -> None:
    async with open_service(postgres_url) as service:
        await service.add_text(seed_text(), actor=ADMIN, story=SEED_SLUG)
    async with FakeSlackAPI() as slack, AsyncExitStack() as stack:
        slack.add_user(SLACK_ADMIN, "ana", is_admin=True)
        slack.add_user(SLACK_MEMBER, "mo")
        env = serve_env(postgres_url, slack)
        a = await stack.enter_async_context(serving(env, tmp_path))
        b = await stack.enter_async_context(serving(env, tmp_path))
        await a.ready()
        await b.ready()
        await assert_ready(session, a, b)
        to_a, to_b = (SlackSender(session, f"{r.base}/slack/events", SIGNING) for r in (a, b))

        async def brief(sender: SlackSender, text: str, user: str = SLACK_MEMBER) -> dict[str, Any]:
            reply = await sender.command(text, response_url=slack.response_url(), user_id=user, user_name=user)
            assert reply.status == 200, reply.text
            body: dict[str, Any] = reply.json()
            return body

        # an admin's `/brief add` on A opens the paste-an-article modal; the submission lands on B
        await brief(to_a, "add", SLACK_ADMIN)
        (opened,) = await slack.wait_for("views.open", within=WITHIN)
        view = opened.params["view"]
        assert view["callback_id"] == "brief_add_modal"
        values = modal_values(title="Harbour Bridge Reopens", new_slug="harbour-bridge", text=ARTICLE)
        payload = view_submission_payload(
            view["callback_id"], values, user_id=SLACK_ADMIN, user_name="ana",
            private_metadata=view.get("private_metadata", ""),
        )  # fmt: skip
        reply = await to_b.interact(payload)
        assert reply.status == 200 and reply.json()["response_action"] == "update", reply.text
        (updated,) = await slack.wait_for("views.update", within=WITHIN)
        assert "Added" in json.dumps(updated.params["view"])
        # what B added, A shows; B lists both stories; both find it
        shown = await brief(to_a, "harbour-bridge")
        assert shown["blocks"][0]["type"] == "header" and "Harbour Bridge" in shown["blocks"][0]["text"]["text"]
        listed = _texts(await brief(to_b, "list"))
        assert "harbour-bridge" in listed and SEED_SLUG in listed
        for sender in (to_a, to_b):
            found = _texts(await brief(sender, "search harbour bridge repairs"))
            assert "Search: harbour bridge repairs" in found and "harbour-bridge" in found
        seed = await brief(to_b, SEED_SLUG)
        assert "Japan" in seed["blocks"][0]["text"]["text"]
        await assert_ready(session, a, b)
        await stop_cleanly(a, b)
