"""Shards: one gateway session per shard across processes sharing a database, taken over when a holder stops."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest

from adapters.discord.client import build_client
from adapters.discord.runner import Shards
from adapters.testing.discord_gateway import FakeDiscord
from briefings.service import BriefingService, open_service
from briefings.store.locks import Hold

RETRY = 0.05  # seconds between a standing-by replica's tries (DISCORD_SHARD_RETRY)


def shards_for(fake: FakeDiscord, service: BriefingService, **options: object) -> Shards:
    def make_client(shard_id: int, shard_count: int) -> discord.Client:
        return build_client(service, shard_id=shard_id, shard_count=shard_count, guild_ready_timeout=0.05)

    return Shards(make_client, fake.token, **options)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def running(shards: Shards) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(shards.run())
    try:
        yield task
    finally:
        await shards.close()
        await asyncio.wait_for(task, 10)


def one_each(count: int):
    return lambda live: all(live[i] == 1 for i in range(count)) and sum(live.values()) == count


async def test_two_replicas_run_each_shard_once_and_one_takes_over_when_the_other_stops(
    fake: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="adapters.discord.runner")
    db = tmp_path / "replicas.db"
    async with open_service(db) as first_service, open_service(db) as second_service:
        first = shards_for(fake, first_service, count=2, hold=first_service.store.hold, retry=RETRY)
        second = shards_for(fake, second_service, count=2, hold=second_service.store.hold, retry=RETRY)
        async with running(first):
            await asyncio.wait_for(first.ready.wait(), 10)
            assert sorted(first.clients) == [0, 1] and first.connected()
            async with running(second):
                await asyncio.wait_for(second.ready.wait(), 10)
                assert second.clients == {} and second.connected()  # standing by: still ready
                assert fake.live_sessions() == Counter({0: 1, 1: 1})
                assert "discord shard 1/2 is held by another process; standing by" in caplog.text
                await first.close()  # the first replica stops: the second takes both shards
                await fake.wait_sessions(lambda live: sorted(second.clients) == [0, 1] and one_each(2)(live))
                for client in list(second.clients.values()):
                    await asyncio.wait_for(client.wait_until_ready(), 10)
                assert second.connected()
    shards = [tuple(identify["shard"]) for identify in fake.identifies]
    assert sorted(shards) == [(0, 2), (0, 2), (1, 2), (1, 2)]
    assert fake.peak_sessions == Counter({0: 1, 1: 1})  # never two sessions for one shard


async def test_a_lost_lock_closes_its_session_at_once(fake: FakeDiscord, service: BriefingService) -> None:
    holds: list[Hold] = []
    released = asyncio.Event()
    live_at_release: list[int] = []

    @contextlib.asynccontextmanager
    async def hold(name: str) -> AsyncIterator[Hold | None]:
        holds.append(Hold(name))
        try:
            yield holds[-1]
        finally:
            live_at_release.append(len(shards.clients))
            released.set()

    shards = shards_for(fake, service, count=1, hold=hold, retry=60)
    async with running(shards):
        await asyncio.wait_for(shards.ready.wait(), 10)
        assert fake.live_sessions() == Counter({0: 1})
        holds[0].lost.set()  # e.g. the database connection holding the lock was dropped
        await fake.wait_sessions(lambda live: live[0] == 0)
        await asyncio.wait_for(released.wait(), 10)
        assert live_at_release == [0]  # the client was closed (and dropped) before the lock was let go
        assert shards.clients == {} and len(holds) == 1  # not taken again before DISCORD_SHARD_RETRY


async def test_explicit_shard_ids_run_those_shards_with_no_lock(fake: FakeDiscord, service: BriefingService) -> None:
    def no_lock(name: str) -> contextlib.AbstractAsyncContextManager[Hold | None]:
        raise AssertionError("DISCORD_SHARD_IDS takes no lock")

    shards = shards_for(fake, service, count=3, ids=[2], hold=no_lock)
    async with running(shards):
        await asyncio.wait_for(shards.ready.wait(), 10)
        assert sorted(shards.clients) == [2]
        assert [identify["shard"] for identify in fake.identifies] == [[2, 3]]
        # the guild belongs to shard 1 of 3, so its commands go to another process; DMs go to shard 0
        assert not shards.clients[2].guilds


async def test_a_rejected_token_stops_every_shard(fake: FakeDiscord, service: BriefingService) -> None:
    def make_client(shard_id: int, shard_count: int) -> discord.Client:
        return build_client(service, shard_id=shard_id, shard_count=shard_count)

    shards = Shards(make_client, "wrong-token", count=2, ids=[0, 1])
    with pytest.raises(discord.LoginFailure):
        await asyncio.wait_for(shards.run(), 10)
    assert not fake.identifies and shards.clients == {}
