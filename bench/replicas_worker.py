"""One replica for ``bench.replicas``: the digest scheduler of `briefbot serve`, in a process of its own.

    python -m bench.replicas_worker --db postgresql://... --now 2025-06-21T08:30:00+00:00

Settings come from the environment as for `briefbot serve` (``SLACK_BOT_TOKEN``, ``SLACK_API_URL``). The
scheduler runs through ``bot.runtime.running_scheduler``, as `briefbot serve` runs it, on a clock stopped at
``--now``. The parent drives it over stdin/stdout, one line each way: the worker prints ``ready`` once the
database is open, starts the scheduler on ``go``, and on ``stop`` (or end of input) drains it as SIGTERM would
and prints one JSON line: how many slots it settled, by outcome, and its CPU seconds since ``go``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import resource
import sys
from datetime import datetime

from prometheus_client import CollectorRegistry

from bot.runtime import running_scheduler
from bot.settings import load_settings
from briefings.clock import ManualClock
from briefings.metrics import DIGEST_OUTCOMES, Metrics
from briefings.service import open_service

log = logging.getLogger(__name__)


async def _line() -> str:
    """Read one line of stdin without blocking the loop ("" at end of input)."""
    return (await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)).strip()


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _say(text: str) -> None:
    print(text, flush=True)


async def run(db: str, now: datetime) -> int:
    """Open the database, wait for ``go``, run the scheduler until ``stop``; report what it delivered."""
    settings = load_settings(db=db)
    registry = CollectorRegistry()
    metrics = Metrics(registry)
    async with open_service(settings.db, clock=ManualClock(now), metrics=metrics) as service:
        _say("ready")
        if await _line() != "go":
            return 1
        stop = asyncio.Event()
        cpu = _cpu()
        async with running_scheduler(settings, service, metrics=metrics, stop=stop, drain=settings.drain_timeout):
            await _line()  # "stop", or the parent went away
            stop.set()
    counts = {
        outcome: int(
            registry.get_sample_value("briefbot_digests_total", {"platform": "slack", "outcome": outcome}) or 0
        )
        for outcome in DIGEST_OUTCOMES
    }
    _say(json.dumps({**counts, "cpu_s": round(_cpu() - cpu, 2)}))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one replica (see the module docstring)."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.replicas_worker",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--db", required=True)
    parser.add_argument("--now", required=True, type=datetime.fromisoformat, help="the scheduler's (stopped) clock")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    return asyncio.run(run(args.db, args.now))


if __name__ == "__main__":
    sys.exit(main())
