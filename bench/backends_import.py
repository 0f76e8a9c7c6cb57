"""Import throughput on PostgreSQL vs SQLite, the same texts, in the same run.

    python -m bench.backends_import [--rows 390] [--repeats 2] [--stored 0] [--data ../shared/eval]

Each run imports the same JSON lines (CNN/DM dev texts from ``--data``/cnndm-dev.jsonl, or the bundled sample
article, numbered, when that file is absent) into an empty database through ``briefings.imports.import_lines``,
as `briefbot import` does: SQLite in a temporary file, PostgreSQL in a fresh schema of the server
(``BRIEFBOT_BENCH_POSTGRES_URL``, default the test server), dropped afterwards. After a warm-up import, runs
alternate (SQLite, PostgreSQL, PostgreSQL, SQLite, ...) so drift on the shared machine hits both alike.
``--stored N`` first stores N archive stories straight through the store (``bench.ingest``'s pre-fill) so
that clustering has candidates to look through. The table gives articles per wall-clock second (the
PostgreSQL server's own work happens in other processes, so CPU time of this process alone would flatter it),
this process's CPU seconds, and the stories each backend ended with (the same texts should cluster the same
on both).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.backends_pg import SERVER_URL, NoServer, fresh_schema, load
from bench.ingest import _prefill, _texts
from briefings.clock import ManualClock
from briefings.imports import import_lines
from briefings.service import open_service
from briefings.testing import ADMIN

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
START = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass
class Run:
    """One import into an empty database: the time it took and what it left."""

    wall: float
    cpu: float
    failed: int
    stories: int


@dataclass
class Backend:
    """Every run on one backend."""

    name: str
    runs: list[Run] = field(default_factory=list)


def _lines(rows: list[dict], n: int, at: datetime) -> Iterator[str]:
    """The JSON lines to import: ``n`` rows of the texts in file order (numbered when reused)."""
    for i in range(n):
        row = rows[i % len(rows)]
        text = row["text"] if i < len(rows) else f"{row['text']}\n\nCopy {i}."
        yield json.dumps({"id": i, "text": text, "published": at.isoformat()})


async def _one_run(target: str | Path, rows: list[dict], n: int, stored: int) -> Run:
    """Import ``n`` rows into the empty database at ``target`` (after ``stored`` archive stories); time it."""
    clock = ManualClock(START + timedelta(days=30))
    async with open_service(target, clock=clock) as service:
        if stored:
            await _prefill(service, rows, stored)
        failed = 0
        cpu, wall = time.process_time(), time.perf_counter()
        async for result in import_lines(service, _lines(rows, n, clock.now()), ADMIN):
            failed += "error" in result
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        return Run(wall, cpu, failed, await service.story_count())


async def bench(args: argparse.Namespace) -> list[Backend]:
    """Alternate imports into fresh SQLite and PostgreSQL databases; return the runs per backend."""
    rows = _texts(args.data)
    source = "cnndm-dev.jsonl" if len(rows) > 1 else "the bundled sample article (no dev data found)"
    print(f"importing {args.rows} rows of {source}, {args.repeats} runs per backend, {args.stored:,} stored first")
    with tempfile.TemporaryDirectory(prefix="briefbot-import-") as tmp:  # warm up: models load on first use
        await _one_run(Path(tmp) / "warm.db", rows, min(5, args.rows), 0)
    sqlite, postgres = Backend("SQLite"), Backend("PostgreSQL")
    for r in range(args.repeats):
        for backend in (sqlite, postgres) if r % 2 == 0 else (postgres, sqlite):
            if backend is sqlite:
                with tempfile.TemporaryDirectory(prefix="briefbot-import-") as tmp:
                    run = await _one_run(Path(tmp) / "bench.db", rows, args.rows, args.stored)
            else:
                async with fresh_schema(args.server) as url:
                    run = await _one_run(url, rows, args.rows, args.stored)
            backend.runs.append(run)
            print(f"  run {r + 1} {backend.name:<10} {args.rows / run.wall:7.1f} articles/s, {run.stories} stories")
    return [sqlite, postgres]


def print_table(backends: list[Backend], args: argparse.Namespace, loads: tuple[str, str]) -> None:
    """Print one row per backend (medians over the runs) and the PostgreSQL/SQLite ratio."""
    print(
        f"\nImport throughput: {args.rows} articles into an empty database ({args.stored:,} stored first), "
        f"median of {args.repeats} alternating runs, same run"
    )
    head = f"{'backend':<12} {'articles/s':>11} {'wall s':>8} {'CPU s (this process)':>21} {'failed':>7} {'stories':>8}"
    print(head)
    print("-" * len(head))
    rates = {}
    for b in backends:
        wall = statistics.median(r.wall for r in b.runs)
        cpu = statistics.median(r.cpu for r in b.runs)
        rates[b.name] = args.rows / wall
        stories = "/".join(sorted({str(r.stories) for r in b.runs}))
        print(
            f"{b.name:<12} {rates[b.name]:>11.1f} {wall:>8.1f} {cpu:>21.1f} "
            f"{max(r.failed for r in b.runs):>7} {stories:>8}"
        )
    print(f"{'PostgreSQL / SQLite throughput':<32} {rates['PostgreSQL'] / rates['SQLite']:>6.2f}x")
    print(f"machine: {loads[0]} before, {loads[1]} after")


def main(argv: list[str] | None = None) -> int:
    """Run ``python -m bench.backends_import``."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.backends_import",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--rows", type=int, default=390, help="articles per import (390: every dev text once)")
    parser.add_argument("--repeats", type=int, default=2, help="runs per backend (alternating order)")
    parser.add_argument("--stored", type=int, default=0, help="archive stories stored before each import")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "eval")
    parser.add_argument("--server", default=SERVER_URL, help="PostgreSQL server URL (a schema is made and dropped)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    before = load()
    try:
        backends = asyncio.run(bench(args))
    except NoServer as exc:
        print(f"bench.backends_import skipped: {exc}", file=sys.stderr)
        return 0
    print_table(backends, args, (before, load()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
