"""`run_slack`: start-up errors name what is missing; HTTP mode serves /healthz; Socket Mode connects."""

from __future__ import annotations

import asyncio
import re
import socket
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from adapters.slack.app import COMMAND, SHORTCUT_ID
from adapters.testing.slack_api import FakeSlackAPI
from bot.run_slack import run_slack
from bot.settings import Settings
from briefings.errors import InvalidInput
from briefings.service import BriefingService

ENV = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL",
       "BRIEFBOT_ADMINS")


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Return a factory of Settings that ignores the real environment and .env."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)

    def make(**values: Any) -> Settings:
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return make


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(("values", "named"), [
    ({}, ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]),
    ({"slack_signing_secret": "s"}, ["SLACK_BOT_TOKEN"]),
    ({"slack_bot_token": "xoxb-1"}, ["SLACK_SIGNING_SECRET"]),
    ({"slack_app_token": "xapp-1"}, ["SLACK_BOT_TOKEN"]),
])
async def test_missing_tokens_are_named(settings: Any, service: BriefingService,
                                        values: dict[str, str], named: list[str]) -> None:
    with pytest.raises(InvalidInput) as err:
        await run_slack(settings(**values), service, port=_free_port())
    for name in named:
        assert name in err.value.message
    for name in {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"} - set(named):
        assert f"{name} is" not in err.value.message


async def test_http_mode_serves_events_and_healthz(
    settings: Any, service: BriefingService, fake_api: FakeSlackAPI
) -> None:
    port = _free_port()
    config = settings(slack_bot_token="xoxb-1", slack_signing_secret="s",
                      slack_api_url=fake_api.base_url)
    task = asyncio.create_task(run_slack(config, service, port=port))
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(200):  # wait for the listener without sleeping on the clock
                try:
                    async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
                        assert resp.status == 200
                        break
                except aiohttp.ClientConnectorError:
                    await asyncio.sleep(0)
            else:
                pytest.fail("HTTP mode never listened")
            async with session.post(f"http://127.0.0.1:{port}/slack/events", data="x=1") as resp:
                assert resp.status == 401  # unsigned
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_socket_mode_when_app_token_set(
    settings: Any, service: BriefingService, fake_api: FakeSlackAPI
) -> None:
    config = settings(slack_bot_token="xoxb-1", slack_app_token="xapp-1",
                      slack_api_url=fake_api.base_url)
    task = asyncio.create_task(run_slack(config, service, port=_free_port()))
    try:
        await fake_api.wait_socket()
        assert fake_api.calls_to("apps.connections.open")[0].token == "xapp-1"
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


def test_manifest_matches_the_app() -> None:
    text = (Path(__file__).resolve().parents[3] / "manifest.yml").read_text(encoding="utf-8")
    assert re.search(rf"command: {COMMAND}\b", text)
    assert f"callback_id: {SHORTCUT_ID}" in text
    assert "socket_mode_enabled: true" in text and "is_enabled: true" in text
    for scope in ("commands", "chat:write", "users:read"):
        assert f"- {scope} " in text or f"- {scope}\n" in text
