"""Key-fact card speed on CNN/DM dev: articles per CPU second through the ``facts --jsonl`` path.

Run as ``python -m bench.facts_speed [--data DIR] [--limit N] [--profile]``.

Each article goes through what ``briefbot facts --jsonl`` does per line:
:func:`briefings.facts.extract_facts` then ``model_dump(mode="json")``. Model loading is
excluded (one warm-up call first); the per-word caches start cold. For a baseline in the
same run, the tokenizer alone and the NER tagger alone (``tag_entities``, warm caches) are
timed over the same articles (``card / tag_entities`` is the load-independent figure), and the
date rules both as the card runs them (``find_timexes``) and plainly, every rule over every text
(matches only). ``--profile`` prints the top of a cProfile of the card path.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import logging
import pstats
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "eval"
DATASET = "cnndm-dev.jsonl"
WARMUP_TEXT = "Warm-up text from Tokyo. It said $5 million on Friday, March 3, 2015."


def load_articles(data_dir: Path, limit: int | None = None) -> list[dict[str, Any]] | None:
    """Read the dev articles, or None when the file is absent."""
    path = Path(data_dir) / DATASET
    if not path.is_file():
        return None
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows[:limit] if limit else rows


def _card(item: dict[str, Any]) -> dict[str, Any]:
    """Build one card exactly as ``facts --jsonl`` does."""
    from briefings.facts import extract_facts  # noqa: PLC0415 - start-up is not measured

    return extract_facts(item["text"], title=item.get("title")).model_dump(mode="json")


def _time(fn: Callable[[Any], Any], items: Sequence[Any]) -> float:
    """Return the CPU seconds ``fn`` takes over ``items``."""
    start = time.process_time()
    for it in items:
        fn(it)
    return max(time.process_time() - start, 1e-9)


def run(data_dir: Path | str = DEFAULT_DATA, limit: int | None = None) -> dict[str, Any]:
    """Run the benchmark; return articles per CPU second per stage (``{"skipped": ...}`` if no data)."""
    articles = load_articles(Path(data_dir), limit)
    if articles is None:
        return {"skipped": f"no {DATASET} under {data_dir}"}
    from briefings.nlp import tag_entities, tokenize  # noqa: PLC0415

    _card({"text": WARMUP_TEXT})
    chars = sum(len(a["text"]) for a in articles)
    texts = [a["text"] for a in articles]
    n = len(articles)
    result: dict[str, Any] = {"articles": n, "mean_chars": chars / max(n, 1)}
    # The card first, on cold caches, as a fresh ``facts --jsonl`` process sees them.
    result["card"] = n / _time(_card, articles)
    result["tokenize"] = n / _time(tokenize, texts)
    result["tag_entities"] = n / _time(tag_entities, texts)
    result["timexes_plain"] = n / _time(_plain_timexes, texts)
    result["timexes"] = n / _time(_timexes, texts)
    return result


def _timexes(text: str) -> Any:
    """Find the date expressions of a text as the card does."""
    from briefings.facts.timex_patterns import find_timexes  # noqa: PLC0415

    return find_timexes(text, 0, len(text))


def _plain_timexes(text: str) -> list[tuple[int, int]]:
    """Run every date rule over the whole text (the way before cues; a same-run baseline)."""
    from briefings.facts.timex_patterns import RULES  # noqa: PLC0415

    return [m.span() for _, rx in RULES for m in re.finditer(rx, text)]


def profile(data_dir: Path | str = DEFAULT_DATA, limit: int = 150, top: int = 30) -> str:
    """Return a cProfile report of building cards for ``limit`` articles."""
    articles = load_articles(Path(data_dir), limit)
    if articles is None:
        return f"skipped: no {DATASET} under {data_dir}"
    _card({"text": WARMUP_TEXT})
    prof = cProfile.Profile()
    prof.enable()
    for a in articles:
        _card(a)
    prof.disable()
    import io  # noqa: PLC0415

    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def format_table(result: dict[str, Any]) -> str:
    """Format the result as a plain-text table."""
    lines = [
        f"Key-fact card speed, CNN/DM dev, {result['articles']} articles "
        f"(mean {result['mean_chars']:.0f} characters), articles per CPU second",
        f"{'stage':<28}{'articles/s':>12}",
        f"{'tokenize (baseline)':<28}{result['tokenize']:>12.1f}",
        f"{'tag_entities (baseline)':<28}{result['tag_entities']:>12.1f}",
        f"{'facts card (facts --jsonl)':<28}{result['card']:>12.1f}",
        f"{'card / tag_entities':<28}{result['card'] / result['tag_entities']:>12.3f}",
        f"{'date rules, plain (baseline)':<28}{result['timexes_plain']:>12.1f}",
        f"{'date rules, find_timexes':<28}{result['timexes']:>12.1f}",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="evaluation data directory")
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles")
    ap.add_argument("--profile", action="store_true", help="print a cProfile report instead")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.profile:
        print(profile(args.data, args.limit or 150))
        return 0
    result = run(args.data, args.limit)
    if "skipped" in result:
        print(f"skipped: {result['skipped']}")
        return 0
    print(json.dumps(result, indent=2) if args.json else format_table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
