"""Run every quality benchmark in one command: ``python -m bench.quality``.

Summaries, entities, dates, people and figures, one table each."""

from __future__ import annotations

import sys

from bench.quality import dates, entities, figures, people, summaries

BENCHES = (summaries, entities, dates, people, figures)


def main() -> int:
    """Print each benchmark's table in turn; each skips cleanly when ../shared/eval is absent."""
    code = 0
    for i, bench in enumerate(BENCHES):
        if i:
            print()
        code = bench.main([]) or code
    return code


if __name__ == "__main__":
    sys.exit(main())
