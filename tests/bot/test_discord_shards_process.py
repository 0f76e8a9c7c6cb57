"""Two `briefbot serve` replicas on one PostgreSQL schema against the fake Discord: one gateway session per shard.

DISCORD_SHARD_COUNT=2: across both processes each shard has exactly one live session, and the replica holding
none is still ready. SIGKILL the holder of shard 0: the other replica identifies for shard 0 within its retry
time (DISCORD_SHARD_RETRY), answers its commands, and no shard ever has two live sessions at once.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import aiohttp

from adapters.testing.discord_gateway import FakeDiscord
from tests.bot.processes import WITHIN, Lines, message_has, serve_env, serving

RETRY_S = 1.0  # DISCORD_SHARD_RETRY of the replicas


def one_each(live: Counter[int]) -> bool:
    return live[0] == 1 and live[1] == 1 and sum(live.values()) == 2


def holds(lines: Lines, shard: int) -> bool:
    return bool(lines.matching(message_has(f"holding discord shard {shard}/2")))


async def test_two_replicas_hold_each_shard_once_and_the_survivor_takes_over_a_killed_holder(
    postgres_url: str, tmp_path: Path
) -> None:
    async with FakeDiscord() as discord:
        env = serve_env(
            postgres_url,
            DISCORD_TOKEN=discord.token,
            DISCORD_API_URL=discord.api_base,
            DISCORD_GATEWAY_URL=discord.gateway_url,
            DISCORD_SHARD_COUNT="2",
            DISCORD_SHARD_RETRY=str(RETRY_S),
        )
        async with (
            serving(env, tmp_path) as a,
            serving(env, tmp_path) as b,
            aiohttp.ClientSession() as session,
        ):
            for replica in (a, b):  # ready, whether holding shards or standing by
                await replica.ready()
                assert (await replica.get(session, "/readyz"))[0] == 200
            await discord.wait_sessions(one_each, within=WITHIN)
            for shard in (0, 1):  # each shard held by exactly one replica, the other standing by for it
                assert sorted(holds(r.lines, shard) for r in (a, b)) == [False, True]
            holder, survivor = (a, b) if holds(a.lines, 0) else (b, a)
            identified = len(discord.identifies)

            killed_at = time.monotonic()
            await holder.kill()  # SIGKILL: its database session and its websocket die with it
            await survivor.lines.wait_for(message_has("holding discord shard 0/2"))
            await discord.wait_sessions(one_each, within=WITHIN)
            print(f"shard 0 taken over {time.monotonic() - killed_at:.2f}s after SIGKILL (retry {RETRY_S:g}s)")
            assert [tuple(i["shard"]) for i in discord.identifies[identified:]].count((0, 2)) == 1
            assert holds(survivor.lines, 1)  # it held shard 1 already, or took it over too
            # the survivor answers shard 0's events (DMs), and is ready once the shards it took are connected
            answer = await discord.interact(discord.slash("brief", "list", dm=True), within=WITHIN)
            assert answer.status == 200
            for shard in (0, 1):
                await survivor.lines.wait_for(message_has(f"discord shard {shard}/2 connected"))
            assert (await survivor.get(session, "/readyz"))[0] == 200
            assert await survivor.terminate() == 0, survivor.lines.tail()
    assert discord.peak_sessions == Counter({0: 1, 1: 1})  # never two live sessions for one shard
    assert discord.live_sessions() == Counter()
