"""Run both quality benchmarks in one command: `python -m bench.quality` (summaries, then entities)."""

from __future__ import annotations

import sys

from bench.quality import entities, summaries


def main() -> int:
    """Print the summary table, then the entity table; skip cleanly when ../shared/eval is absent."""
    code = summaries.main([])
    print()
    return code or entities.main([])


if __name__ == "__main__":
    sys.exit(main())
