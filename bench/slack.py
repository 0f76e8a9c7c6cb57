"""Slack benchmark: signed `/brief SLUG` over loopback HTTP against 10,000 stories vs an ack-only app.

Run ``python -m bench.slack`` (``--help`` for the knobs). Both bolt apps run in this process on
127.0.0.1 behind aiohttp, talk to the fake Slack Web API (only ``auth.test`` is called), and get
the same signed requests, interleaved in rounds so that drift hits both alike.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import build_app
from adapters.slack.runner import build_web_app
from adapters.testing.slack_api import FakeSlackAPI
from adapters.testing.slack_requests import SlackSender
from bench.latency import Latencies
from briefings.clock import ManualClock
from briefings.service import open_service
from briefings.testing import bulk_stories

log = logging.getLogger(__name__)

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"


@dataclass
class Series(Latencies):
    """Latencies of one app."""

    name: str


@asynccontextmanager
async def _serve(app: web.Application) -> AsyncIterator[str]:
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}/slack/events"
    finally:
        await runner.cleanup()


def _ack_only_app(api_url: str, process_before_response: bool) -> AsyncApp:
    """Return the floor: a bolt app whose `/brief` handler only acks."""
    app = AsyncApp(client=AsyncWebClient(token=TOKEN, base_url=api_url), signing_secret=SECRET,
                   process_before_response=process_before_response)

    @app.command("/brief")
    async def ack_only(ack: AsyncAck) -> None:
        await ack()

    return app


async def _run(sender: SlackSender, slugs: list[str], n: int, concurrency: int,
               series: Series, response_url: str, check: Callable[[str], bool]) -> None:
    queue = list(range(n))

    async def worker() -> None:
        while queue:
            queue.pop()
            slug = random.choice(slugs)
            start = time.perf_counter()
            reply = await sender.command(slug, response_url=response_url, user_id="U0BENCH")
            series.latencies.append(time.perf_counter() - start)
            if reply.status != 200 or not check(reply.text):
                series.errors += 1

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    series.wall += time.perf_counter() - began


async def bench(args: argparse.Namespace) -> list[tuple[Series, Series]]:
    """Run the benchmark and return (ack-only, brief) series for each bolt mode measured."""
    random.seed(args.seed)
    results: list[tuple[Series, Series]] = []
    with tempfile.TemporaryDirectory() as tmp:
        clock = ManualClock(datetime(2025, 6, 20, 9, 0, tzinfo=UTC))
        async with AsyncExitStack() as stack:
            service = await stack.enter_async_context(open_service(Path(tmp) / "bench.db",
                                                                   clock=clock))
            started = time.perf_counter()
            slugs = await bulk_stories(service, args.stories)
            print(f"seeded {len(slugs):,} stories in {time.perf_counter() - started:.1f} s")
            api = await stack.enter_async_context(FakeSlackAPI())
            session = await stack.enter_async_context(
                aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=args.concurrency)))
            for pbr in args.modes:
                floor_app = _ack_only_app(api.base_url, pbr)
                brief_app = build_app(service, bot_token=TOKEN, signing_secret=SECRET,
                                      admins=(), api_url=api.base_url, clock=clock,
                                      process_before_response=pbr)
                floor_url = await stack.enter_async_context(_serve(floor_app.web_app()))
                brief_url = await stack.enter_async_context(_serve(build_web_app(brief_app)))
                floor = Series(f"ack-only bolt app{' (pbr)' if pbr else ''}")
                brief = Series(f"Briefbot /brief SLUG{' (pbr)' if pbr else ''}")
                senders = [(SlackSender(session, floor_url, SECRET), floor, lambda t: True),
                           (SlackSender(session, brief_url, SECRET), brief,
                            lambda t: '"type": "header"' in t or '"header"' in t)]
                for sender, _, _ in senders:  # warm up (auth.test, caches, code paths)
                    await _run(sender, slugs, args.warmup, args.concurrency,
                               Series("warmup"), api.response_url(), lambda t: True)
                per_round = max(1, args.requests // args.rounds)
                for _ in range(args.rounds):
                    for sender, series, check in senders:
                        await _run(sender, slugs, per_round, args.concurrency, series,
                                   api.response_url(), check)
                results.append((floor, brief))
    return results


def print_table(results: list[tuple[Series, Series]], args: argparse.Namespace) -> None:
    """Print the side-by-side table."""
    print(f"\nSlack /brief benchmark: {args.stories:,} stories, "
          f"{args.requests:,} signed requests per app in {args.rounds} interleaved rounds, "
          f"concurrency {args.concurrency}, loopback HTTP")
    head = f"{'app':<32} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8} {'req/s':>8} {'errors':>7}"
    print(head)
    print("-" * len(head))
    for floor, brief in results:
        for s in (floor, brief):
            print(f"{s.name:<32} {s.pct(0.50):>8.2f} {s.pct(0.99):>8.2f} "
                  f"{1000 * statistics.fmean(s.latencies):>8.2f} {s.rate():>8.0f} {s.errors:>7}")
        ratio = brief.pct(0.99) / floor.pct(0.99)
        verdict = "ok" if ratio < 2 else "OVER TARGET"
        print(f"{'  p99 brief / p99 ack-only':<32} {ratio:>8.2f}x  (target < 2x: {verdict})")


def main(argv: list[str] | None = None) -> int:
    """Run ``python -m bench.slack``."""
    parser = argparse.ArgumentParser(prog="python -m bench.slack", description=__doc__)
    parser.add_argument("--requests", type=int, default=2000, help="measured requests per app")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--mode", choices=["default", "pbr", "both"], default="both",
                        help="bolt's process_before_response: default (False), pbr (True), both")
    args = parser.parse_args(argv)
    args.modes = {"default": [False], "pbr": [True], "both": [False, True]}[args.mode]
    logging.basicConfig(level=logging.WARNING)
    results = asyncio.run(bench(args))
    print_table(results, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
