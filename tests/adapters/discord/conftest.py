"""Fixtures for the Discord adapter: the fake Discord, a running Briefbot client, no real sleeps."""

from __future__ import annotations

import asyncio
import types
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import discord.http
import discord.webhook.async_
import pytest

from adapters.discord.client import BriefbotClient, build_client
from adapters.testing.discord_gateway import FakeDiscord
from briefings.clock import ManualClock
from briefings.service import BriefingService

LISTED_ADMIN = 1600000000000000009


@dataclass
class Bot:
    """A running Briefbot client connected to a FakeDiscord."""

    fake: FakeDiscord
    client: BriefbotClient


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A fake Discord on 127.0.0.1, with discord.py pointed at it (restored afterwards)."""
    async with FakeDiscord() as server:
        with server.endpoints():
            yield server


async def start_bot(fake: FakeDiscord, service: BriefingService, clock: ManualClock) -> BriefbotClient:
    """Log a Briefbot client in to ``fake`` and wait until it is ready."""
    client = build_client(service, admins={str(LISTED_ADMIN)}, clock=clock, guild_ready_timeout=0.05)
    await client.login(fake.token)
    client._briefbot_task = asyncio.create_task(client.connect(reconnect=False))  # type: ignore[attr-defined]
    async with asyncio.timeout(5):
        await client.wait_until_ready()
    return client


async def stop_bot(client: BriefbotClient) -> None:
    """Close the client and wait for its connection task."""
    await client.close()
    task = getattr(client, "_briefbot_task", None)
    if task is not None:
        await asyncio.wait_for(task, 5)


@pytest.fixture
async def bot(fake: FakeDiscord, seeded_service: BriefingService, clock: ManualClock) -> AsyncIterator[Bot]:
    """Briefbot on the fake Discord, over the seeded service (story ``japan-us-talks``)."""
    client = await start_bot(fake, seeded_service, clock)
    try:
        yield Bot(fake, client)
    finally:
        await stop_bot(client)


class SleepRecorder:
    """Stands in for ``asyncio`` inside discord.py's HTTP modules: records sleeps, never waits."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def namespace(self) -> types.SimpleNamespace:
        """Return an ``asyncio`` look-alike whose ``sleep`` returns at once."""
        real_sleep = asyncio.sleep

        async def sleep(delay: float, result: Any = None) -> Any:
            self.delays.append(delay)
            return await real_sleep(0, result)

        ns = types.SimpleNamespace(**{k: getattr(asyncio, k) for k in dir(asyncio) if not k.startswith("__")})
        ns.sleep = sleep
        return ns


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> Iterator[SleepRecorder]:
    """Make discord.py's rate-limit and retry sleeps instant (and recorded)."""
    recorder = SleepRecorder()
    ns = recorder.namespace()
    monkeypatch.setattr(discord.http, "asyncio", ns)
    monkeypatch.setattr(discord.webhook.async_, "asyncio", ns)
    yield recorder
