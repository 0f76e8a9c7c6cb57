"""`briefbot serve` in this process: /healthz, /readyz and /metrics over HTTP on 127.0.0.1, with Slack and Discord."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from adapters.slack.runner import EVENTS_PATH
from adapters.testing.discord_gateway import FakeDiscord
from adapters.testing.slack_api import FakeSlackAPI
from adapters.testing.slack_requests import SlackSender
from bot.health import Health
from bot.serve import serve
from bot.settings import Settings
from briefings.clock import ManualClock
from briefings.metrics import Metrics
from briefings.service import BriefingService, open_service
from briefings.testing import ADMIN, SEED_SLUG, seed_text

SECRET = "serve-test-signing-secret"


def counter(text: str, name: str, **labels: str) -> float:
    """Return one sample of Prometheus text (0 when absent)."""
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return float(s.value)
    return 0.0


@contextlib.asynccontextmanager
async def http(app: web.Application) -> AsyncIterator[str]:
    """Serve ``app`` on a free port of 127.0.0.1; yield its base URL."""
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    finally:
        await runner.cleanup()


async def get(session: aiohttp.ClientSession, url: str) -> tuple[int, Any]:
    async with session.get(url) as resp:
        body = await resp.json() if resp.content_type == "application/json" else await resp.text()
        return resp.status, body


async def test_readyz_is_503_with_the_reason_when_the_database_does_not_answer(
    tmp_path: Path, clock: ManualClock
) -> None:
    metrics = Metrics()
    async with open_service(tmp_path / "gone.db", clock=clock) as service:
        health = Health(metrics, db_check=service.store.schema_version)
        app = web.Application()
        health.add_routes(app)
        async with http(app) as base, aiohttp.ClientSession() as session:
            assert await get(session, f"{base}/readyz") == (200, {"ready": True, "database": "ok", "platforms": {}})
            await service.store.close()  # the database stops answering
            status, body = await get(session, f"{base}/readyz")
            assert status == 503 and body["ready"] is False
            assert body["database"] != "ok" and body["reasons"][0].startswith("database: ")
            assert (await get(session, f"{base}/healthz"))[0] == 200  # alive all the same
            _, text = await get(session, f"{base}/metrics")
            assert counter(text, "briefbot_ready") == 0


async def test_readyz_is_503_while_a_platform_is_down_or_the_process_drains(service: BriefingService) -> None:
    metrics = Metrics()
    health = Health(metrics, db_check=service.store.schema_version)
    up = {"discord": False}
    health.watch("discord", lambda: up["discord"])
    app = web.Application()
    health.add_routes(app)
    async with http(app) as base, aiohttp.ClientSession() as session:
        status, body = await get(session, f"{base}/readyz")
        assert status == 503 and body["platforms"] == {"discord": "not connected"}
        assert body["reasons"] == ["discord: not connected"]
        up["discord"] = True
        assert (await get(session, f"{base}/readyz"))[0] == 200
        _, text = await get(session, f"{base}/metrics")
        assert counter(text, "briefbot_platform_connected", platform="discord") == 1
        health.drain()
        status, body = await get(session, f"{base}/readyz")
        assert status == 503 and body["reasons"][0].startswith("shutting down")


async def test_a_database_that_hangs_is_not_ready(service: BriefingService) -> None:
    never = asyncio.Event()

    async def hangs() -> None:
        await never.wait()

    health = Health(Metrics(), db_check=hangs, db_timeout=0.01)
    ready, body = await health.readiness()
    assert not ready and body["database"].startswith("no answer within")


async def test_database_errors_in_readyz_never_show_a_password(service: BriefingService) -> None:
    async def refuses() -> None:
        raise OSError("could not connect to postgresql://bot:s3cret-pass@db:5432/briefbot")

    _, body = await Health(Metrics(), db_check=refuses).readiness()
    assert "s3cret-pass" not in str(body) and "postgresql://bot:***@db" in body["database"]


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeSlackAPI, FakeDiscord]]:
    async with FakeSlackAPI() as slack, FakeDiscord() as discord:
        yield slack, discord


async def test_serve_runs_slack_and_discord_with_health_and_metrics(
    tmp_path: Path, clock: ManualClock, fakes: tuple[FakeSlackAPI, FakeDiscord]
) -> None:
    slack, discord = fakes
    db = tmp_path / "serve.db"
    async with open_service(db, clock=clock) as seeding:
        await seeding.add_text(seed_text(), actor=ADMIN, story=SEED_SLUG)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        db=str(db),
        slack_bot_token=SecretStr("xoxb-serve-test"),
        slack_signing_secret=SecretStr(SECRET),
        slack_api_url=slack.base_url,
        discord_token=SecretStr(discord.token),
        discord_api_url=discord.api_base,
        discord_gateway_url=discord.gateway_url,
    )
    stop = asyncio.Event()
    ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(serve(settings, port=0, host="127.0.0.1", stop=stop, on_ready=ready.set_result))
    try:
        async with asyncio.timeout(15):
            port = await asyncio.shield(ready)
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as session:
            assert (await get(session, f"{base}/healthz"))[0] == 200
            assert await get(session, f"{base}/readyz") == (
                200,
                {"ready": True, "database": "ok", "platforms": {"slack": "connected", "discord": "connected"}},
            )
            await discord.interact(discord.slash("brief", "show", {"story": "no-such-story-here"}))
            await discord.interact(discord.slash("brief", "show", {"story": SEED_SLUG}))
            sender = SlackSender(session, f"{base}{EVENTS_PATH}", SECRET)
            reply = await sender.command(SEED_SLUG, response_url=slack.response_url())
            assert reply.status == 200 and reply.json()["blocks"]
            for _ in range(50):  # the completion event follows the callback by a few loop turns: scrape again
                _, text = await get(session, f"{base}/metrics")
                if counter(text, "briefbot_commands_total", platform="discord", outcome="ok"):
                    break
        assert counter(text, "briefbot_commands_total", platform="slack", command="show", outcome="ok") == 1
        assert counter(text, "briefbot_commands_total", platform="discord", command="brief show", outcome="ok") == 1
        assert counter(text, "briefbot_commands_total", platform="discord", outcome="refused") == 1
        assert counter(text, "briefbot_brief_seconds_count", platform="slack") == 1
        assert counter(text, "briefbot_brief_seconds_count", platform="discord") == 2
        assert counter(text, "briefbot_platform_connected", platform="discord") == 1
        assert counter(text, "briefbot_ready") == 1
        assert counter(text, "briefbot_db_connections_open") >= 1  # the store's pool, read at scrape time
    finally:
        stop.set()
        async with asyncio.timeout(15):
            code = await task
    assert code == 0
    assert discord.identifies  # one gateway session was opened, and closed on the way out


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


async def test_a_delivery_that_outlasts_the_drain_limit_is_cancelled_and_serve_still_exits_0(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    now = datetime.now(UTC)  # the scheduler in serve() reads the system clock
    db = tmp_path / "drain.db"
    async with open_service(db, clock=ManualClock(now - timedelta(hours=2))) as service:
        due = (now - timedelta(minutes=1)).strftime("%H:%M")
        status = await service.digests.on(
            platform="slack", channel_id="C1", at=due, tz="UTC", actor=ADMIN, post_when_empty=True
        )
    async with HoldingSlack() as slack:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            db=str(db),
            drain_timeout=0.05,
            slack_bot_token=SecretStr("xoxb-drain-test"),
            slack_signing_secret=SecretStr(SECRET),
            slack_api_url=slack.base_url,
        )
        stop = asyncio.Event()
        task = asyncio.create_task(serve(settings, port=0, host="127.0.0.1", stop=stop))
        try:
            await asyncio.wait_for(slack.post_arrived.wait(), 15)
            stop.set()  # what SIGTERM does; the post is never answered
            assert await asyncio.wait_for(asyncio.shield(task), 15) == 0
        finally:
            slack.release.set()
            stop.set()
            await task
    assert "digest-scheduler did not finish within 0.05s: cancelling it" in caplog.text
    async with open_service(db) as service:  # the claim was released: another replica may take the slot at once
        (row,) = await service.store.deliveries(status.subscription.id)
    assert row.status == "claimed" and row.lease_until is not None and row.lease_until <= datetime.now(UTC)


async def test_serve_in_socket_mode_is_ready_once_connected_and_counts_commands(tmp_path: Path) -> None:
    from adapters.testing.slack_requests import slash_command_fields

    async with FakeSlackAPI() as slack:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            db=str(tmp_path / "socket.db"),
            slack_bot_token=SecretStr("xoxb-socket-test"),
            slack_app_token=SecretStr("xapp-1-socket-test"),
            slack_api_url=slack.base_url,
        )
        stop = asyncio.Event()
        ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(serve(settings, port=0, host="127.0.0.1", stop=stop, on_ready=ready.set_result))
        try:
            port = await asyncio.wait_for(asyncio.shield(ready), 15)
            ack = await slack.send_envelope("slash_commands", slash_command_fields("help", response_url="x"))
            assert ack["payload"]["blocks"]
            async with aiohttp.ClientSession() as session:
                status, body = await get(session, f"http://127.0.0.1:{port}/readyz")
                assert status == 200 and body["platforms"] == {"slack": "connected"}
                _, text = await get(session, f"http://127.0.0.1:{port}/metrics")
                # no Slack events route in Socket Mode: the port carries the operator's endpoints only
                async with session.post(f"http://127.0.0.1:{port}{EVENTS_PATH}", data="x") as resp:
                    assert resp.status in (404, 405)
                # Slack drops the socket and cannot hand out a new one yet: not ready while disconnected
                slack.fail_next("apps.connections.open", times=1000, status=500)
                await slack.drop_sockets()
                status, body = await get(session, f"http://127.0.0.1:{port}/readyz")
                assert status == 503 and body["platforms"]["slack"] != "connected"
        finally:
            stop.set()
            code = await asyncio.wait_for(task, 15)
    assert code == 0
    assert counter(text, "briefbot_commands_total", platform="slack", command="help", outcome="ok") == 1


async def test_a_stop_during_start_up_starts_nothing_and_exits_0(tmp_path: Path) -> None:
    async with FakeDiscord() as discord:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            db=str(tmp_path / "early.db"),
            discord_token=SecretStr(discord.token),
            discord_api_url=discord.api_base,
            discord_gateway_url=discord.gateway_url,
        )
        stop = asyncio.Event()
        stop.set()  # SIGTERM while the database was being opened (migrations)
        assert await serve(settings, port=0, host="127.0.0.1", stop=stop) == 0
    assert not discord.identifies and not discord.requests
