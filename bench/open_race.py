"""Stress: N `briefbot add` processes started together on a new database file, over many trials.

    python -m bench.open_race [--processes 8] [--trials 20] [--root PATH]

Every process must succeed (exit 0, or a duplicate notice): a first open from several processes at once
must never fail. ``--root`` runs another checkout's code (e.g. an older commit in a git worktree) the same way,
for a before/after table in one run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

TEXT = (
    "Storm {n} cuts power to coastal towns\n"
    "A storm cut power to thousands of homes in coastal towns overnight, utility officials said on Monday. "
    "Crews worked through the morning to restore service, and schools in the area stayed closed. "
    "Forecasters said more rain was expected later in the week. Process {n} wrote this article."
)


def trial(root: Path, processes: int, folder: Path, number: int) -> Counter[str]:
    """Start ``processes`` adds on one new file at once; count outcomes by their first error line."""
    db = folder / f"race-{number}.db"
    env = {**os.environ, "BRIEFBOT_DB": str(db), "PYTHONPATH": str(root)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "add", "-", "--story", f"storm-{i}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=root,
        )
        for i in range(processes)
    ]
    outcomes: Counter[str] = Counter()
    for i, proc in enumerate(procs):
        _, err = proc.communicate(TEXT.format(n=i), timeout=120)
        outcomes["ok" if proc.returncode == 0 else (err.strip().splitlines() or ["?"])[-1][:100]] += 1
    return outcomes


def main(argv: list[str] | None = None) -> int:
    """Run the trials and print a table of outcomes."""
    parser = argparse.ArgumentParser(prog="python -m bench.open_race", description=__doc__)
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--root", type=Path, action="append", help="checkout(s) to run (default: this one)")
    args = parser.parse_args(argv)
    roots = args.root or [REPO]
    print(f"{'code':<40} {'runs':>6} {'failed':>7} {'rate':>7} {'seconds':>8}")
    for root in roots:
        total: Counter[str] = Counter()
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="briefbot-race-") as tmp:
            for number in range(args.trials):
                total += trial(root.resolve(), args.processes, Path(tmp), number)
        runs = sum(total.values())
        failed = runs - total["ok"]
        label = str(root) if root != REPO else "this checkout"
        print(f"{label[-40:]:<40} {runs:>6} {failed:>7} {failed / runs:>7.1%} {time.perf_counter() - started:>8.1f}")
        for message, count in total.most_common():
            if message != "ok":
                print(f"    {count} x {message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
