"""`briefbot serve` as a real process against the loopback fakes: SIGTERM drains an in-flight digest and exits 0.

The digest is due a minute ago when the process starts; the fake Slack API holds its chat.postMessage open, so
SIGTERM lands mid-delivery. /readyz must turn 503 at once, the process must wait for the post, record it as
sent, and exit 0. Its stderr (BRIEFBOT_LOG_FORMAT=json) must be JSON lines without any secret.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from adapters.testing.discord_gateway import FakeDiscord
from adapters.testing.slack_api import FakeSlackAPI
from briefings.clock import ManualClock
from briefings.service import open_service
from briefings.testing import ADMIN

ROOT = Path(__file__).resolve().parents[2]
BOT_TOKEN = "xoxb-process-test-0000-SECRETVALUE"
SIGNING = "process-test-signing-secret-value"
CHANNEL = "C0DIGEST"
WITHIN = 30.0  # generous: a loaded CI machine starts Python, discord.py and bolt slowly


class HoldingSlack(FakeSlackAPI):
    """The fake Slack Web API, holding every chat.postMessage until ``release`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.post_arrived = asyncio.Event()
        self.release = asyncio.Event()

    async def _on_api(self, request: web.Request) -> web.Response:
        if request.match_info["method"] == "chat.postMessage":
            self.post_arrived.set()
            await self.release.wait()
        return await super()._on_api(request)


class Lines:
    """The JSON log lines of a process's stderr, read as they come."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self.records: list[dict[str, Any]] = []
        self.raw: list[str] = []
        self._changed = asyncio.Condition()
        self.task = asyncio.create_task(self._read(stream))

    async def _read(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            text = line.decode("utf-8", "replace").rstrip("\n")
            self.raw.append(text)
            with contextlib.suppress(json.JSONDecodeError):
                self.records.append(json.loads(text))
            async with self._changed:
                self._changed.notify_all()

    async def wait_for(self, found: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """Wait until a record satisfying ``found`` was logged; return it."""

        def first() -> dict[str, Any] | None:
            return next((r for r in self.records if found(r)), None)

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: first() is not None or self.task.done()), WITHIN)
        record = first()
        assert record is not None, "\n".join(self.raw[-30:])
        return record


def message_has(words: str) -> Callable[[dict[str, Any]], bool]:
    return lambda record: words in str(record.get("message"))


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
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFBOT_", "SLACK_", "DISCORD_", "PORT"))}
        env.update(
            BRIEFBOT_DB=str(db),
            BRIEFBOT_LOG_FORMAT="json",
            BRIEFBOT_DRAIN_TIMEOUT="20",
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING,
            SLACK_API_URL=slack.base_url,
            DISCORD_TOKEN=discord.token,
            DISCORD_API_URL=discord.api_base,
            DISCORD_GATEWAY_URL=discord.gateway_url,
            PYTHONPATH=str(ROOT),
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "serve", "--port", "0", "--host", "127.0.0.1",
            cwd=tmp_path, env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert proc.stderr is not None
        lines = Lines(proc.stderr)
        try:
            ready = await lines.wait_for(message_has("briefbot serve ready on port"))
            port = int(ready["message"].split("ready on port ")[1].split(":")[0])
            await asyncio.wait_for(slack.post_arrived.wait(), WITHIN)  # the digest is being posted now
            base = f"http://127.0.0.1:{port}"
            async with aiohttp.ClientSession() as session:
                async with session.get(f"{base}/readyz") as resp:
                    assert resp.status == 200, await resp.text()
                proc.send_signal(signal.SIGTERM)
                await lines.wait_for(message_has("/readyz now answers 503"))
                async with session.get(f"{base}/readyz") as resp:
                    body = await resp.json()
                    assert resp.status == 503 and body["reasons"][0].startswith("shutting down")
                async with session.get(f"{base}/healthz") as resp:
                    assert resp.status == 200 and (await resp.json())["draining"] is True
            assert proc.returncode is None  # still finishing the delivery it holds
            slack.release.set()
            code = await asyncio.wait_for(proc.wait(), WITHIN)
            await lines.task
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    assert code == 0, "\n".join(lines.raw[-30:])
    assert len(slack.ok_calls_to("chat.postMessage")) == 1
    (delivered,) = [r for r in lines.records if message_has("delivered in 1 message")(r)]
    assert delivered["platform"] == "slack" and delivered["channel"] == CHANNEL and delivered["digest_id"] >= 1
    assert lines.records[-1]["message"] == "briefbot serve stopped cleanly"
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
