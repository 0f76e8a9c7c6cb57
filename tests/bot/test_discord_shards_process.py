"""Two `briefbot serve` replicas on one PostgreSQL schema against the fake Discord: one gateway session per shard.

DISCORD_SHARD_COUNT=2: across both processes each shard has exactly one live session, and the replica holding
none is still ready. SIGKILL the holder of shard 0: the other replica identifies for shard 0 within its retry
time (DISCORD_SHARD_RETRY), answers its commands, and no shard ever has two live sessions at once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from pathlib import Path

import aiohttp

from adapters.testing.discord_gateway import FakeDiscord
from tests.bot.test_serve_process import WITHIN, Lines, message_has

ROOT = Path(__file__).resolve().parents[2]
RETRY_S = 1.0  # DISCORD_SHARD_RETRY of the replicas


def one_each(live: Counter[int]) -> bool:
    return live[0] == 1 and live[1] == 1 and sum(live.values()) == 2


def holds(lines: Lines, shard: int) -> bool:
    return any(message_has(f"holding discord shard {shard}/2")(r) for r in lines.records)


async def start_replica(discord: FakeDiscord, db: str, cwd: Path) -> tuple[asyncio.subprocess.Process, Lines]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFBOT_", "SLACK_", "DISCORD_", "PORT"))}
    env.update(
        BRIEFBOT_DB=db,
        BRIEFBOT_LOG_FORMAT="json",
        DISCORD_TOKEN=discord.token,
        DISCORD_API_URL=discord.api_base,
        DISCORD_GATEWAY_URL=discord.gateway_url,
        DISCORD_SHARD_COUNT="2",
        DISCORD_SHARD_RETRY=str(RETRY_S),
        PYTHONPATH=str(ROOT),
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "serve", "--port", "0", "--host", "127.0.0.1",
        cwd=cwd, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stderr is not None
    return proc, Lines(proc.stderr)


async def readyz(session: aiohttp.ClientSession, lines: Lines) -> int:
    ready = await lines.wait_for(message_has("briefbot serve ready on port"))
    port = int(ready["message"].split("ready on port ")[1].split(":")[0])
    async with session.get(f"http://127.0.0.1:{port}/readyz") as resp:
        return resp.status


async def test_two_replicas_hold_each_shard_once_and_the_survivor_takes_over_a_killed_holder(
    postgres_url: str, tmp_path: Path
) -> None:
    async with FakeDiscord() as discord:
        a, a_lines = await start_replica(discord, postgres_url, tmp_path)
        b, b_lines = await start_replica(discord, postgres_url, tmp_path)
        replicas = {a: a_lines, b: b_lines}
        try:
            async with aiohttp.ClientSession() as session:
                for lines in replicas.values():  # ready, whether holding shards or standing by
                    assert await readyz(session, lines) == 200
                await discord.wait_sessions(one_each, within=WITHIN)
                for shard in (0, 1):  # each shard held by exactly one replica, the other standing by for it
                    assert sorted(holds(lines, shard) for lines in replicas.values()) == [False, True]
                holder, survivor = (a, b) if holds(a_lines, 0) else (b, a)
                identified = len(discord.identifies)

                holder.kill()  # SIGKILL: no goodbye, its database session and websocket die with it
                killed_at = time.monotonic()
                await holder.wait()
                await replicas[survivor].wait_for(message_has("holding discord shard 0/2"))
                await discord.wait_sessions(one_each, within=WITHIN)
                took = time.monotonic() - killed_at
                print(f"shard 0 taken over {took:.2f}s after SIGKILL (DISCORD_SHARD_RETRY={RETRY_S:g}s)")
                assert [tuple(i["shard"]) for i in discord.identifies[identified:]].count((0, 2)) == 1
                assert holds(replicas[survivor], 1)  # it held shard 1 already, or took it over too
                # the survivor answers shard 0's events (DMs), and is ready
                answer = await discord.interact(discord.slash("brief", "list", dm=True), within=WITHIN)
                assert answer.status == 200
                for shard in (0, 1):  # ready again once the shards it took are connected
                    await replicas[survivor].wait_for(message_has(f"discord shard {shard}/2 connected"))
                assert await readyz(session, replicas[survivor]) == 200

                survivor.send_signal(signal.SIGTERM)
                assert await asyncio.wait_for(survivor.wait(), WITHIN) == 0
        finally:
            for proc in replicas:
                if proc.returncode is None:
                    proc.kill()
                    await proc.wait()
    assert discord.peak_sessions == Counter({0: 1, 1: 1})  # never two live sessions for one shard
    assert discord.live_sessions() == Counter()
