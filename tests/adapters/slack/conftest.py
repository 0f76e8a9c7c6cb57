"""Fixtures for the Slack adapter tests: the fake Web API and a Briefbot bolt app served on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from slack_sdk.http_retry import async_handler, builtin_async_handlers

from adapters.slack.app import build_app
from adapters.slack.runner import build_web_app
from adapters.testing.slack_api import RESPONSE_URL, Call, FakeSlackAPI
from adapters.testing.slack_requests import (
    CHANNEL_ID,
    Reply,
    SlackSender,
    block_action_payload,
    message_shortcut_payload,
    view_submission_payload,
)
from briefings.clock import ManualClock
from briefings.service import BriefingService

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"
ADMIN = "U0ADMIN"  # workspace admin per users.info
OWNER = "U0OWNER"  # workspace owner per users.info
LISTED = "U0LISTED"  # plain member, but listed in BRIEFBOT_ADMINS
MEMBER = "U0MEMBER"  # plain member
NAMES = {ADMIN: "ana", OWNER: "olu", LISTED: "lee", MEMBER: "mo"}


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeSlackAPI]:
    """Serve the fake Slack Web API on 127.0.0.1, with an admin, an owner and two members."""
    async with FakeSlackAPI() as api:
        api.add_user(ADMIN, NAMES[ADMIN], is_admin=True)
        api.add_user(OWNER, NAMES[OWNER], is_owner=True)
        api.add_user(LISTED, NAMES[LISTED])
        api.add_user(MEMBER, NAMES[MEMBER])
        yield api


@pytest.fixture
def retry_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Make slack_sdk's retry back-off instant; return the sleeps it asked for."""
    asked: list[float] = []
    real_sleep = asyncio.sleep

    async def fake_sleep(delay: float, *args: Any) -> None:
        asked.append(delay)
        await real_sleep(0)

    fake_asyncio = SimpleNamespace(sleep=fake_sleep)
    monkeypatch.setattr(builtin_async_handlers, "asyncio", fake_asyncio)
    monkeypatch.setattr(async_handler, "asyncio", fake_asyncio)
    return asked


@dataclass
class SlackHarness:
    """A served Briefbot Slack app plus everything a test needs to talk to it."""

    api: FakeSlackAPI
    sender: SlackSender
    service: BriefingService
    clock: ManualClock
    base_url: str
    session: aiohttp.ClientSession

    async def command(self, text: str, *, user: str = MEMBER, url: str = "r1",
                      **kwargs: Any) -> Reply:
        """Send a signed `/brief text` from ``user``."""
        return await self.sender.command(text, response_url=self.api.response_url(url),
                                         user_id=user, user_name=NAMES.get(user, "x"), **kwargs)

    async def click(self, action_id: str, value: str, *, user: str = MEMBER, url: str = "b1",
                    channel: str = CHANNEL_ID) -> Reply:
        """Send a signed button click."""
        payload = block_action_payload(action_id, value, response_url=self.api.response_url(url),
                                       user_id=user, user_name=NAMES.get(user, "x"),
                                       channel_id=channel)
        return await self.sender.interact(payload)

    async def shortcut(self, text: str, *, user: str = MEMBER, url: str = "s1") -> Reply:
        """Use the "Add to briefings" message shortcut on a message with ``text``."""
        payload = message_shortcut_payload(text, response_url=self.api.response_url(url),
                                           user_id=user, user_name=NAMES.get(user, "x"))
        return await self.sender.interact(payload)

    async def submit(self, values: dict[str, Any], *, user: str = ADMIN) -> Reply:
        """Submit the add modal with ``values`` (``{block_id: value}``, see :func:`modal_values`)."""
        payload = view_submission_payload("brief_add_modal", modal_values(**values), user_id=user,
                                          user_name=NAMES.get(user, "x"))
        return await self.sender.interact(payload)

    async def responses(self, count: int = 1) -> list[Call]:
        """Wait for ``count`` successful response_url POSTs and return them."""
        return await self.api.wait_for(RESPONSE_URL, count)


def modal_values(**fields: str | None) -> dict[str, dict[str, dict[str, Any]]]:
    """Build ``view.state.values`` for the add modal from simple field values."""
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for block, value in fields.items():
        if block == "published":
            element = {"type": "datepicker", "selected_date": value}
        elif block == "existing":
            element = {"type": "static_select",
                       "selected_option": {"value": value} if value else None}
        else:
            element = {"type": "plain_text_input", "value": value}
        values[block] = {"value": element}
    return values


@asynccontextmanager
async def serve(app_web: web.Application) -> AsyncIterator[str]:
    """Serve an aiohttp application on 127.0.0.1; yield its base URL."""
    runner = web.AppRunner(app_web, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@pytest.fixture
def make_slack(
    fake_api: FakeSlackAPI, clock: ManualClock, retry_sleeps: list[float]
) -> Callable[..., Any]:
    """Return ``async with make_slack(service) as harness`` serving the real app over HTTP."""

    @asynccontextmanager
    async def factory(service: BriefingService, **kwargs: Any) -> AsyncIterator[SlackHarness]:
        app = build_app(service, bot_token=BOT_TOKEN, signing_secret=SECRET, admins={LISTED},
                        api_url=fake_api.base_url, clock=clock,
                        admin_ttl=kwargs.pop("admin_ttl", timedelta(minutes=2)), **kwargs)
        async with serve(build_web_app(app)) as base, aiohttp.ClientSession() as session:
            sender = SlackSender(session, f"{base}/slack/events", SECRET)
            yield SlackHarness(fake_api, sender, service, clock, base, session)

    return factory


@pytest.fixture
async def slack(make_slack: Callable[..., Any],
                seeded_service: BriefingService) -> AsyncIterator[SlackHarness]:
    """The Briefbot Slack app over the seeded store (story ``japan-us-talks``)."""
    async with make_slack(seeded_service) as harness:
        yield harness
