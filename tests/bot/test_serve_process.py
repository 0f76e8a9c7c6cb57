"""`briefbot serve` as a real process against the loopback fakes: SIGTERM drains an in-flight digest and exits 0.

The digest is due a minute ago when the process starts; the fake Slack API holds its chat.postMessage open, so
SIGTERM lands mid-delivery. /readyz must turn 503 at once, the process must wait for the post, record it as
sent, and exit 0. Its stderr (BRIEFBOT_LOG_FORMAT=json) must be JSON lines without any secret.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from adapters.testing.discord_gateway import FakeDiscord
from briefings.clock import ManualClock
from briefings.service import open_service
from briefings.testing import ADMIN
from tests.bot.processes import BOT_TOKEN, SIGNING, STOPPED, WITHIN, HoldingSlack, message_has, serve_env, serving

CHANNEL = "C0DIGEST"


@contextlib.asynccontextmanager
async def fakes() -> AsyncIterator[tuple[HoldingSlack, FakeDiscord]]:
    async with HoldingSlack() as slack, FakeDiscord() as discord:
        try:
            yield slack, discord
        finally:
            slack.release.set()


async def test_sigterm_drains_the_delivery_in_flight_and_exits_0(tmp_path: Path) -> None:
    db = tmp_path / "serve.db"
    now = datetime.now(UTC)
    due = now - timedelta(minutes=1)
    async with open_service(db, clock=ManualClock(now - timedelta(hours=2))) as service:
        await service.digests.on(
            platform="slack", channel_id=CHANNEL, at=due.strftime("%H:%M"), tz="UTC", actor=ADMIN, post_when_empty=True
        )
    async with fakes() as (slack, discord):
        env = serve_env(
            db,
            slack,
            BRIEFBOT_DRAIN_TIMEOUT="20",
            DISCORD_TOKEN=discord.token,
            DISCORD_API_URL=discord.api_base,
            DISCORD_GATEWAY_URL=discord.gateway_url,
        )
        async with serving(env, tmp_path) as served, aiohttp.ClientSession() as session:
            await served.ready()
            await slack.wait_arrived()  # the digest is being posted now
            http, _ = await served.get(session, "/readyz")
            assert http == 200
            served.proc.send_signal(signal.SIGTERM)
            await served.lines.wait_for(message_has("/readyz now answers 503"))
            http, body = await served.get(session, "/readyz")
            assert http == 503 and body["reasons"][0].startswith("shutting down")
            http, body = await served.get(session, "/healthz")
            assert http == 200 and body["draining"] is True
            assert served.proc.returncode is None  # still finishing the delivery it holds
            slack.release.set()
            code = await asyncio.wait_for(served.proc.wait(), WITHIN)
            await served.lines.task
    lines = served.lines
    assert code == 0, lines.tail()
    assert len(slack.ok_calls_to("chat.postMessage")) == 1
    (delivered,) = [r for r in lines.records if message_has("delivered in 1 message")(r)]
    assert delivered["platform"] == "slack" and delivered["channel"] == CHANNEL and delivered["digest_id"] >= 1
    assert lines.records[-1]["message"] == STOPPED
    async with open_service(db, create=False) as service:
        (status,) = await service.digests.status(platform="slack", channel_id=CHANNEL)
    assert status.last_delivery_slot is not None and status.last_failure is None
    # every line is one JSON object, and no secret reached the log
    assert len(lines.records) == len(lines.raw)
    for secret in (BOT_TOKEN, SIGNING, discord.token):
        assert not any(secret in line for line in lines.raw)


@pytest.mark.parametrize("value", ["70000", "-1"])
def test_a_port_out_of_range_is_refused(run: Any, value: str) -> None:
    ran = run("serve", "--port", value)
    assert ran.returncode == 2 and "--port must be between 0 and 65535" in ran.stderr
