"""Discord benchmark: `/brief show` against 10,000 stories next to a command that only says "ok".

Run ``python -m bench.discord`` (``--help`` for the knobs). The real discord.py client and
CommandTree run in this process against the fake gateway and REST API on 127.0.0.1. Latency is
measured from sending the ``INTERACTION_CREATE`` frame to the fake receiving the callback POST;
both commands get the same kind of payload, interleaved in rounds so drift hits both alike.
The fake shares the event loop, so its own work (zlib framing, JSON, HTTP) is in every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import random
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import discord
from discord import app_commands

from adapters.discord.client import BriefbotClient, build_client
from adapters.testing.discord_gateway import FakeDiscord
from bench.latency import Latencies
from briefings.clock import ManualClock
from briefings.service import open_service
from briefings.testing import bulk_stories

log = logging.getLogger(__name__)


@dataclass
class Series(Latencies):
    """Latencies of one command at one concurrency."""

    name: str
    concurrency: int


def add_ok_command(client: BriefbotClient) -> None:
    """Add the baseline command: it only replies "ok" (bench only, never synced)."""

    @app_commands.command(name="ok", description="Reply ok")
    async def ok(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok", ephemeral=True, allowed_mentions=discord.AllowedMentions.none())

    client.tree.add_command(ok)


async def run_batch(fake: FakeDiscord, series: Series, make: list[dict[str, object]], concurrency: int) -> None:
    """Send the payloads with ``concurrency`` in flight; record each one's latency."""
    queue = list(reversed(make))

    async def worker() -> None:
        while queue:
            payload = queue.pop()
            started = time.perf_counter()
            try:
                callback = await fake.interact(payload, within=30)
            except TimeoutError:
                series.errors += 1
                continue
            series.latencies.append(callback.at - started)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    series.wall += time.perf_counter() - began
    # The fake records every request; drop them so the harness's heap does not grow GC pauses.
    fake.requests.clear()


async def bench(args: argparse.Namespace) -> list[tuple[Series, Series]]:
    """Seed the stories, start the client on the fake, and measure both commands."""
    clock = ManualClock(datetime(2025, 6, 20, 9, 0, tzinfo=UTC))
    rng = random.Random(args.seed)
    results: list[tuple[Series, Series]] = []
    with tempfile.TemporaryDirectory(prefix="briefbot-bench-") as tmp:
        async with open_service(Path(tmp) / "bench.db", clock=clock) as service:
            started = time.perf_counter()
            slugs = await bulk_stories(service, args.stories, prefix="bench")
            print(f"seeded {len(slugs):,} stories in {time.perf_counter() - started:.1f} s")
            async with FakeDiscord() as fake:
                with fake.endpoints():
                    client = build_client(service, clock=clock, guild_ready_timeout=0.05)
                    add_ok_command(client)
                    await client.login(fake.token)
                    task = asyncio.create_task(client.connect(reconnect=False))
                    try:
                        async with asyncio.timeout(10):
                            await client.wait_until_ready()

                        def show() -> dict[str, object]:
                            return fake.slash("brief", "show", {"story": rng.choice(slugs)})

                        def ok() -> dict[str, object]:
                            return fake.slash("ok")

                        gc.collect()
                        gc.freeze()  # the 10,000 seeded stories' leftovers are not the bot's garbage
                        warm = Series("warm-up", 1)
                        await run_batch(fake, warm, [show() for _ in range(args.warmup)], 1)
                        await run_batch(fake, warm, [ok() for _ in range(args.warmup)], 1)
                        for concurrency in args.concurrency:
                            s_show = Series(f"/brief show ({args.stories:,} stories)", concurrency)
                            s_ok = Series('/ok (replies "ok")', concurrency)
                            per_round = max(concurrency, args.requests // args.rounds)
                            for _ in range(args.rounds):
                                await run_batch(fake, s_show, [show() for _ in range(per_round)], concurrency)
                                await run_batch(fake, s_ok, [ok() for _ in range(per_round)], concurrency)
                            results.append((s_show, s_ok))
                    finally:
                        await client.close()
                        await task
    return results


def print_table(results: list[tuple[Series, Series]], args: argparse.Namespace) -> None:
    """Print interactions/s and p50/p99 for each command and concurrency."""
    print(
        f"\nDiscord benchmark: {args.stories:,} stories, INTERACTION_CREATE → callback POST, "
        f"{args.requests} interactions per command and concurrency, {args.rounds} rounds"
    )
    head = f"{'command':<30} {'in flight':>9} {'n':>6} {'inter./s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}"
    print(head)
    print("-" * len(head))
    for pair in results:
        for s in pair:
            print(
                f"{s.name:<28} {s.concurrency:>9} {len(s.latencies):>6} {s.rate():>9.0f} "
                f"{s.pct(0.50):>8.2f} {s.pct(0.99):>8.2f} {s.errors:>6}"
            )
        show, ok = pair
        if ok.pct(0.99):
            print(f"{'  p99 show / p99 ok':<30} {'':>9} {'':>6} {'':>9} {'':>8} {show.pct(0.99) / ok.pct(0.99):>7.2f}x")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.discord", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stories", type=int, default=10_000, help="stories to seed (default 10000)")
    parser.add_argument(
        "--requests", type=int, default=1000, help="interactions per command and concurrency level (default 1000)"
    )
    parser.add_argument(
        "--concurrency", type=int, nargs="+", default=[1, 10], help="interactions in flight (default: 1 10)"
    )
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--warmup", type=int, default=50, help="warm-up interactions per command")
    parser.add_argument("--seed", type=int, default=4, help="random seed for the story picks")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("discord.client").setLevel(logging.ERROR)  # "voice will NOT be supported"
    results = asyncio.run(bench(args))
    print_table(results, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
