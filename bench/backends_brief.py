"""`/brief SLUG` latency with 100,000 stories on PostgreSQL vs SQLite, in the same run.

    python -m bench.backends_brief [--stories 100000] [--requests 2000] [--no-bolt]

Both databases get the same stories, filled side by side straight through the store (one real brief computed,
then stored under each new slug with ``Store.insert_story``; ``--articles`` adds each story's article too, as
``bulk_stories`` does, but `/brief SLUG` reads no article). PostgreSQL works in a fresh schema and its planner
statistics are refreshed after the load, as autovacuum would. Measured, interleaved in rounds so
that drift on the shared machine hits both alike:

* the service call `/brief SLUG` makes (``BriefingService.lookup``), one at a time and 8 at once;
* with ``--bolt`` (default), signed `/brief SLUG` requests through the real bolt app on loopback, as
  ``bench.slack`` sends them.

The PostgreSQL server is ``BRIEFBOT_BENCH_POSTGRES_URL`` (default the test server); the schema is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.backends_pg import SERVER_URL, NoServer, analyze, fresh_schema, load
from bench.latency import Latencies
from briefings.clock import ManualClock
from briefings.errors import NotFound
from briefings.models import Article, StoryRef
from briefings.service import BriefingService, open_service
from briefings.testing import ADMIN, seed_text
from briefings.textutil import content_hash

log = logging.getLogger(__name__)

NOW = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)
SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"


@dataclass
class Series(Latencies):
    """Latencies of one (path, backend)."""

    path: str
    backend: str


async def _measure(
    call: Callable[[str], Awaitable[bool]],
    slugs: list[str],
    n: int,
    concurrency: int,
    series: Series,
    rng: random.Random,
) -> None:
    """Run ``n`` calls on random slugs, ``concurrency`` at a time, adding their latencies to ``series``."""
    left = [rng.choice(slugs) for _ in range(n)]

    async def worker() -> None:
        while left:
            slug = left.pop()
            start = time.perf_counter()
            ok = await call(slug)
            series.latencies.append(time.perf_counter() - start)
            series.errors += not ok

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    series.wall += time.perf_counter() - began


def _typo_call(service: BriefingService) -> Callable[[str], Awaitable[bool]]:
    """`/brief` of the slug with two letters swapped: found by its spelling, or refused with suggestions."""

    async def call(slug: str) -> bool:
        typo = slug[:1] + slug[2] + slug[1] + slug[3:]
        try:
            found = await service.lookup(typo)
        except NotFound as exc:
            return bool(exc.suggestions)
        return found.brief.story.slug == slug

    return call


def _service_call(service: BriefingService) -> Callable[[str], Awaitable[bool]]:
    async def call(slug: str) -> bool:
        found = await service.lookup(slug)
        return found.exact and found.brief.story.slug == slug

    return call


async def _bolt_calls(
    stack: AsyncExitStack, services: dict[str, BriefingService], clock: ManualClock, concurrency: int
) -> dict[str, Callable[[str], Awaitable[bool]]]:
    """A signed-request sender per backend, each to its own real bolt app on loopback."""
    import aiohttp

    from adapters.slack.app import build_app
    from adapters.slack.runner import build_web_app
    from adapters.testing.slack_api import FakeSlackAPI
    from adapters.testing.slack_requests import SlackSender
    from bench.slack import _serve

    api = await stack.enter_async_context(FakeSlackAPI())
    session = await stack.enter_async_context(aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)))
    calls: dict[str, Callable[[str], Awaitable[bool]]] = {}
    for backend, service in services.items():
        app = build_app(
            service,
            bot_token=TOKEN,
            signing_secret=SECRET,
            admins=(),
            api_url=api.base_url,
            clock=clock,
            process_before_response=False,
        )
        url = await stack.enter_async_context(_serve(build_web_app(app)))
        sender = SlackSender(session, url, SECRET)

        async def call(slug: str, sender: SlackSender = sender) -> bool:
            reply = await sender.command(slug, response_url=api.response_url(), user_id="U0BENCH")
            return reply.status == 200 and '"header"' in reply.text and slug in reply.text

        calls[backend] = call
    return calls


async def _fill_one(service: BriefingService, n: int, articles: bool) -> tuple[list[str], float]:
    """Store ``n`` stories straight through the store, 1,000 per transaction; return their slugs and the seconds.

    One real brief is computed (the bundled sample), then stored under each new slug with ``insert_story``;
    with ``articles`` each story also gets its article (text, facts, search row), as ``bulk_stories`` does.
    """
    result = await service.add_text(seed_text(), actor=ADMIN, story="template")
    template = await service.brief(result.story.slug)
    stored = await service.store.article(result.article_id)
    assert stored is not None
    store, now = service.store, service.clock.now()
    slugs = [f"story-{i:06d}" for i in range(n)]
    started = time.perf_counter()
    for first in range(0, n, 1000):
        async with store.transaction():
            for i in range(first, min(n, first + 1000)):
                slug, title = slugs[i], f"{template.story.title} (part {i})"
                brief = template.model_copy(update={"story": StoryRef(slug=slug, title=title), "headline": title})
                story_id = await store.insert_story(slug, title, now, brief.model_dump_json())
                if articles:
                    text = f"{stored.article.text}\n\nUpdate number {i}."
                    article = Article(id=0, story_id=story_id, title=title, text=text, added_at=now)
                    await store.insert_article(story_id, article, None, content_hash(text), stored.facts)
    return slugs, time.perf_counter() - started


async def _fill(services: dict[str, BriefingService], args: argparse.Namespace) -> list[str]:
    """Fill every backend with the same ``args.stories`` stories, all at once; print how long each took."""
    done = await asyncio.gather(*(_fill_one(s, args.stories, args.articles) for s in services.values()))
    for backend, (slugs, took) in zip(services, done, strict=True):
        print(f"{backend}: {len(slugs):,} stories stored in {took:.1f} s (filled side by side)")
    return done[0][0]


async def bench(args: argparse.Namespace) -> list[list[Series]]:
    """Fill both backends, measure every path on both in interleaved rounds; return the series per path."""
    rng = random.Random(args.seed)
    clock = ManualClock(NOW)
    groups: list[list[Series]] = []
    with tempfile.TemporaryDirectory(prefix="briefbot-backends-") as tmp:
        sqlite_path = Path(tmp) / "bench.db"
        async with fresh_schema(args.server) as pg_url, AsyncExitStack() as stack:
            services = {
                "SQLite": await stack.enter_async_context(open_service(sqlite_path, clock=clock)),
                "PostgreSQL": await stack.enter_async_context(open_service(pg_url, clock=clock)),
            }
            slugs = await _fill(services, args)
            await analyze(pg_url)
            paths: list[tuple[str, dict[str, Callable[[str], Awaitable[bool]]], int, int]] = [
                ("service.lookup, 1 at a time", {b: _service_call(s) for b, s in services.items()}, 1, args.requests),
                ("service.lookup, 8 at once", {b: _service_call(s) for b, s in services.items()}, 8, args.requests),
            ]
            typos = max(20, args.requests // 20)  # a mistyped name is rare, and on SQLite it reads every name
            paths.append(("service.lookup, mistyped slug", {b: _typo_call(s) for b, s in services.items()}, 1, typos))
            if args.bolt:
                bolt = await _bolt_calls(stack, services, clock, 8)
                paths.append(("bolt /brief SLUG, 8 at once", bolt, 8, args.requests // 2))
            for name, calls, concurrency, n in paths:
                group = [Series(name, backend) for backend in calls]
                for series in group:  # warm up: caches, prepared statements, the pool, code paths
                    await _measure(calls[series.backend], slugs, args.warmup, concurrency, Series("", ""), rng)
                per_round = max(1, n // args.rounds)
                for r in range(args.rounds):
                    order = group if r % 2 == 0 else group[::-1]  # alternate who goes first
                    for series in order:
                        await _measure(calls[series.backend], slugs, per_round, concurrency, series, rng)
                groups.append(group)
    return groups


def print_table(groups: list[list[Series]], args: argparse.Namespace, loads: tuple[str, str]) -> None:
    """Print one row per (path, backend) and the PostgreSQL/SQLite p99 ratio of each path."""
    print(
        f"\n/brief SLUG with {args.stories:,} stories: PostgreSQL vs SQLite, same run, "
        f"{args.rounds} interleaved rounds per path"
    )
    head = (
        f"{'path':<30} {'backend':<11} {'calls':>6} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8} "
        f"{'calls/s':>8} {'err':>4}"
    )
    print(head)
    print("-" * len(head))
    for group in groups:
        for s in group:
            mean = 1000 * sum(s.latencies) / len(s.latencies)
            print(
                f"{s.path:<30} {s.backend:<11} {len(s.latencies):>6} {s.pct(0.5):>8.2f} {s.pct(0.99):>8.2f} "
                f"{mean:>8.2f} {s.rate():>8.0f} {s.errors:>4}"
            )
        by = {s.backend: s for s in group}
        ratio = by["PostgreSQL"].pct(0.99) / by["SQLite"].pct(0.99)
        p50 = by["PostgreSQL"].pct(0.5) / by["SQLite"].pct(0.5)
        verdict = "ok" if ratio <= 2 else "OVER TARGET"
        target = "" if "mistyped" in group[0].path else f"  (p99 target <= 2x: {verdict})"  # the target is /brief's
        print(f"{'  PostgreSQL / SQLite':<42} {'':>6} {p50:>7.2f}x {ratio:>7.2f}x{target}")
    print(f"machine: {loads[0]} before, {loads[1]} after")


def main(argv: list[str] | None = None) -> int:
    """Run ``python -m bench.backends_brief``."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.backends_brief", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000, help="measured calls per backend and path")
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--articles",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="store each story's article too (about 3x longer to fill; /brief SLUG reads none)",
    )
    parser.add_argument(
        "--bolt",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure through the real bolt app on loopback",
    )
    parser.add_argument("--server", default=SERVER_URL, help="PostgreSQL server URL (a schema is made and dropped)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    before = load()
    try:
        groups = asyncio.run(bench(args))
    except NoServer as exc:
        print(f"bench.backends_brief skipped: {exc}", file=sys.stderr)
        return 0
    print_table(groups, args, (before, load()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
