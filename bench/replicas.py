"""1,000 digests due at once, delivered by 1, 2 and 4 replica processes sharing one PostgreSQL database.

    python -m bench.replicas [--digests 1000] [--stories 200] [--replicas 1 2 4] [--latency MS]
        [--model runner|run-due|both]

For each replica count: a fresh PostgreSQL schema (``BRIEFBOT_BENCH_POSTGRES_URL``, default the test server)
gets ``--digests`` Slack digests due at the same minute and ``--stories`` changed stories (as ``bench.digests``
sets them up), and a fresh fake Slack Web API (``adapters.testing.slack_api``) listens on 127.0.0.1 in this
process. Then N real OS processes deliver them:

* ``runner`` (default): N ``bench.replicas_worker`` processes, each running the digest scheduler through
  ``bot.runtime.running_scheduler`` as `briefbot serve` does; all open the database first, then start together
  (the clock starts at "go", so process start-up is not counted); the time is "go" to the last digest posted.
* ``run-due``: N concurrent `briefbot digest run-due --db URL --now ...` processes (cron's model: one tick
  each); the time is spawn to the last process exiting, start-up included.

Every post at the fake is counted per digest (its metadata carries the delivery key and part): the table says
whether each digest was delivered exactly once (no duplicate part, none missing), the wall time, and its ratio
to 1 replica in the same run, the replicas' CPU seconds together (runner: from "go"), and (runner) how many
of their database connections were, on average, waiting on an advisory lock (``pg_stat_activity`` sampled
every 20 ms; every PostgreSQL write transaction takes one advisory lock per schema) or running a statement. The
machine's load is printed alongside (its 2 cores are shared).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from aiohttp import web

from adapters.testing.slack_api import FakeSlackAPI
from bench.backends_pg import SERVER_URL, NoServer, fresh_schema, load
from briefings.clock import ManualClock
from briefings.service import open_service
from briefings.testing import ADMIN, bulk_stories

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
SET_UP = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)
CHANGED = datetime(2025, 6, 21, 7, 0, tzinfo=UTC)
DUE = datetime(2025, 6, 21, 8, 30, tzinfo=UTC)
TOKEN = "xoxb-bench"
WAIT_S = 600.0  # give up on a replica count after this long


class SlowSlack(FakeSlackAPI):
    """The fake Slack Web API answering each chat.postMessage after ``latency`` seconds, as a real API over a
    network does (Slack's own answers take on the order of 100 ms): delivery is then bound by waiting, not CPU."""

    def __init__(self, latency: float) -> None:
        super().__init__()
        self.latency = latency

    async def _on_api(self, request: web.Request) -> web.Response:
        if self.latency and request.match_info["method"] == "chat.postMessage":
            await asyncio.sleep(self.latency)
        return await super()._on_api(request)


@dataclass
class Result:
    """One replica count of one model: time, posts counted at the fake, what the replicas said."""

    model: str
    replicas: int
    wall: float = 0.0
    digests_posted: int = 0
    duplicates: int = 0
    missing: int = 0
    per_replica: list[int] = field(default_factory=list)  # digests each replica delivered (its own count)
    cpu: float = 0.0  # CPU seconds of every replica process together
    waiting: float = 0.0  # replica connections waiting on an advisory lock, on average (pg_stat_activity)
    active: float = 0.0  # replica connections running a statement, on average
    exit_codes: list[int] = field(default_factory=list)
    load: str = ""


async def _set_up(url: str, digests: int, stories: int) -> None:
    """Subscribe ``digests`` Slack channels to a digest at 08:30 UTC and change ``stories`` stories before it."""
    clock = ManualClock(SET_UP)
    async with open_service(url, clock=clock) as service:
        for i in range(digests):
            await service.digests.on(platform="slack", channel_id=f"C{i:05d}", at="08:30", tz="UTC", actor=ADMIN)
        clock.set(CHANGED)
        await bulk_stories(service, stories)


def _env(api: FakeSlackAPI) -> dict[str, str]:
    """The replicas' environment: this one without platform tokens, plus the bench token and the fake's URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "BRIEFBOT_"))}
    env.update(SLACK_BOT_TOKEN=TOKEN, SLACK_API_URL=api.base_url, PYTHONPATH=str(REPO))
    return env


def _posts(api: FakeSlackAPI) -> Counter[tuple[str, str, int]]:
    """Count the digest parts posted at the fake: (channel, delivery key, part) -> times posted."""
    out: Counter[tuple[str, str, int]] = Counter()
    for call in api.calls:
        if call.method != "chat.postMessage" or not call.ok:
            continue
        meta = call.params.get("metadata") or {}
        if isinstance(meta, str):
            meta = json.loads(meta)
        payload = meta.get("event_payload") or {}
        out[(call.params.get("channel", ""), str(payload.get("key")), int(payload.get("part", -1)))] += 1
    return out


def _tally(result: Result, api: FakeSlackAPI, digests: int) -> None:
    posts = _posts(api)
    channels = {channel for channel, _, _ in posts}
    result.digests_posted = len(channels)
    result.duplicates = sum(n - 1 for n in posts.values() if n > 1)
    result.missing = digests - len(channels & {f"C{i:05d}" for i in range(digests)})


async def _all_posted(api: FakeSlackAPI, digests: int) -> float:
    """Wait until every digest channel has a post; return the instant (perf_counter) it happened."""
    wanted = {f"C{i:05d}" for i in range(digests)}
    seen: set[str] = set()
    checked = 0
    deadline = time.perf_counter() + WAIT_S
    while time.perf_counter() < deadline:
        calls = api.calls
        for call in calls[checked:]:
            if call.method == "chat.postMessage" and call.ok:
                seen.add(call.params.get("channel", ""))
        checked = len(calls)
        if wanted <= seen:
            return time.perf_counter()
        await asyncio.sleep(0.01)
    raise TimeoutError(f"only {len(wanted & seen)} of {digests} digests posted within {WAIT_S:.0f} s")


APP_NAME = "briefbot_bench_replica"
_SAMPLE = (
    "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'),"
    " count(*) FILTER (WHERE state = 'active')"
    " FROM pg_stat_activity WHERE application_name = $1"
)


async def _sample_locks(server: str, stop: asyncio.Event) -> tuple[float, float]:
    """Sample the replicas' connections every 20 ms until ``stop``: mean (waiting on an advisory lock, running)."""
    conn = await asyncpg.connect(server)
    samples: list[tuple[int, int]] = []
    try:
        while not stop.is_set():
            row = await conn.fetchrow(_SAMPLE, APP_NAME)
            assert row is not None
            samples.append((int(row[0]), int(row[1])))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.02)
    finally:
        await conn.close()
    n = len(samples) or 1
    return sum(w for w, _ in samples) / n, sum(a for _, a in samples) / n


def _named(url: str) -> str:
    """The store URL with an application_name, so the sampler finds the replicas' connections."""
    return f"{url}{'&' if '?' in url else '?'}application_name={APP_NAME}"


async def _runner(url: str, api: FakeSlackAPI, n: int, digests: int, server: str) -> Result:
    """N scheduler processes: open, then start together on "go"; time until every digest is posted."""
    result = Result("runner", n)
    url = _named(url)
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.replicas_worker",
            "--db",
            url,
            "--now",
            DUE.isoformat(),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=_env(api),
            cwd=REPO,
        )
        for _ in range(n)
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None
            line = (await asyncio.wait_for(proc.stdout.readline(), WAIT_S)).decode().strip()
            if line != "ready":
                raise RuntimeError(f"a replica did not start (said {line!r}); see its stderr above")
        sampled = asyncio.Event()
        sampler = asyncio.create_task(_sample_locks(server, sampled))
        began = time.perf_counter()
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(b"go\n")
            await proc.stdin.drain()
        result.wall = await _all_posted(api, digests) - began
        sampled.set()
        result.waiting, result.active = await sampler
        result.load = load()
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(b"stop\n")
            await proc.stdin.drain()
        for proc in procs:
            assert proc.stdout is not None
            said = (await asyncio.wait_for(proc.stdout.readline(), WAIT_S)).decode().strip()
            report = json.loads(said) if said.startswith("{") else {}
            result.per_replica.append(int(report.get("delivered", -1)))
            result.cpu += float(report.get("cpu_s", 0.0))
            result.exit_codes.append(await proc.wait())
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    return result


async def _run_due(url: str, api: FakeSlackAPI, n: int, digests: int, server: str) -> Result:
    """N concurrent `briefbot digest run-due` processes; time from spawn to the last one's exit."""
    result = Result("run-due", n)
    briefbot = str(Path(sys.executable).with_name("briefbot"))
    began = time.perf_counter()
    procs = [
        await asyncio.create_subprocess_exec(
            briefbot,
            "digest",
            "run-due",
            "--db",
            url,
            "--now",
            DUE.isoformat(),
            stdout=asyncio.subprocess.PIPE,
            env=_env(api),
            cwd=REPO,
        )
        for _ in range(n)
    ]
    outs = await asyncio.gather(*(p.communicate() for p in procs))
    result.wall = time.perf_counter() - began
    result.load = load()
    result.exit_codes = [p.returncode if p.returncode is not None else -1 for p in procs]
    result.per_replica = [out.decode().count("sent: digest") for out, _ in outs]
    return result


async def bench(args: argparse.Namespace) -> list[Result]:
    """Run every (model, replica count) on its own fresh schema and fake; return the results."""
    results: list[Result] = []
    models = ["runner", "run-due"] if args.model == "both" else [args.model]
    for model in models:
        for n in args.replicas:
            async with fresh_schema(args.server) as url, SlowSlack(args.latency / 1000) as api:
                started = time.perf_counter()
                await _set_up(url, args.digests, args.stories)
                print(
                    f"{model}, {n} replica(s): {args.digests:,} digests set up in "
                    f"{time.perf_counter() - started:.1f} s",
                    flush=True,
                )
                run = _runner if model == "runner" else _run_due
                result = await run(url, api, n, args.digests, args.server)
                _tally(result, api, args.digests)
                results.append(result)
                print(
                    f"  {result.wall:.2f} s, {result.digests_posted} digests posted, "
                    f"{result.duplicates} duplicates, per replica {result.per_replica}",
                    flush=True,
                )
    return results


def print_table(results: list[Result], args: argparse.Namespace, before: str) -> None:
    """Print one row per (model, replica count), with the ratio to 1 replica of the same model."""
    print(
        f"\n{args.digests:,} digests due at once on one PostgreSQL database, fake Slack API on 127.0.0.1"
        f" answering each post in {args.latency:g} ms, same run"
    )
    head = (
        f"{'model':<8} {'replicas':>8} {'wall s':>8} {'vs 1':>6} {'digests/s':>10} {'posted':>7} "
        f"{'dup':>4} {'missing':>8} {'once':>5} {'CPU s':>6} {'adv-wait':>9} {'active':>6}  "
        f"{'delivered per replica':<24} {'exit'}"
    )
    print(head)
    print("-" * len(head))
    base: dict[str, float] = {}
    for r in results:
        base.setdefault(r.model, r.wall if r.replicas == 1 else 0.0)
        ratio = f"{r.wall / base[r.model]:.2f}x" if base[r.model] else "-"
        once = "yes" if not r.duplicates and not r.missing else "NO"
        print(
            f"{r.model:<8} {r.replicas:>8} {r.wall:>8.2f} {ratio:>6} {args.digests / r.wall:>10.0f} "
            f"{r.digests_posted:>7} {r.duplicates:>4} {r.missing:>8} {once:>5} {r.cpu:>6.1f} {r.waiting:>9.2f} "
            f"{r.active:>6.2f}  "
            f"{' + '.join(map(str, r.per_replica)):<24} {','.join(map(str, r.exit_codes))}"
        )
    print(
        f"machine: {before} before; load at the end of each row: "
        + "; ".join(f"{r.model}x{r.replicas}: {r.load.split(' on ')[0].removeprefix('load average ')}" for r in results)
    )


def main(argv: list[str] | None = None) -> int:
    """Run ``python -m bench.replicas``."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.replicas", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--digests", type=int, default=1000)
    parser.add_argument("--stories", type=int, default=200, help="stories changed before the digests are due")
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument(
        "--latency", type=float, default=0.0, help="milliseconds the fake Slack API takes per post (default 0)"
    )
    parser.add_argument("--model", choices=["runner", "run-due", "both"], default="runner")
    parser.add_argument("--server", default=SERVER_URL, help="PostgreSQL server URL (a schema is made and dropped)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    before = load()
    try:
        results = asyncio.run(bench(args))
    except NoServer as exc:
        print(f"bench.replicas skipped: {exc}", file=sys.stderr)
        return 0
    print_table(results, args, before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
