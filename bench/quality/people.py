"""People-and-roles benchmark: the card's people on 30 hand-labelled CNN/DM dev articles.

Run as ``python -m bench.quality.people [--data DIR] [--out FILE] [--verbose] [--json]``.

The articles are those of ``people/dev.jsonl``; their texts come from ``cnndm-dev.jsonl`` (same
``id``; see ``people/README.md``). Each text goes through :func:`briefings.facts.extract_facts` exactly
as ``briefbot facts --jsonl`` sends a ``{"id", "text"}`` line (no title, no date), and the card's people
become predictions ``{"id", "people": [{"name": text, "role": detail}]}``. They are scored by the shared
scorer ``people/score.py`` (loaded from the data directory, not copied): person precision, recall and
F1, salient recall and role accuracy. ``--verbose`` prints the scorer's per-article errors.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "eval"
GOLD = Path("people") / "dev.jsonl"
SCORER = Path("people") / "score.py"
TEXTS = Path("cnndm-dev.jsonl")
MIN_CHARS, MAX_CHARS = 1500, 6000  # how people/README.md chose the articles


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Return the rows of a JSON Lines file."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _load_scorer(path: Path) -> ModuleType:
    """Import the shared scorer from its file."""
    spec = importlib.util.spec_from_file_location("people_score", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def articles(data: Path, gold: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the gold articles' ``{"id", "text"}`` rows, in gold order."""
    rows = _read_jsonl(data / TEXTS)
    by_id = {r["id"]: r for r in rows}
    chosen = [r for r in rows if MIN_CHARS <= len(r["text"]) <= MAX_CHARS]
    out: list[dict[str, Any]] = []
    for k, g in enumerate(gold):
        row = by_id.get(g["id"]) or (chosen[k] if k < len(chosen) else None)
        if row is None:
            raise RuntimeError(f"no text for gold article {g['id']}")
        out.append({"id": g["id"], "text": row["text"]})
    return out


def predict(items: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], float]:
    """Return the card's people of each article as predictions, and the seconds taken."""
    from briefings.facts import extract_facts

    start = time.perf_counter()
    preds = []
    for item in items:
        card = extract_facts(item["text"])
        people = [{"name": f.text, "role": f.detail} for f in card.people]
        preds.append({"id": item["id"], "people": people})
    return preds, time.perf_counter() - start


def run(data: Path, verbose: bool = False, out: Path | None = None) -> dict[str, Any]:
    """Predict and score; return the scorer's figures, or ``{"skipped": why}``."""
    if not (data / GOLD).is_file() or not (data / SCORER).is_file() or not (data / TEXTS).is_file():
        return {"skipped": f"no people evaluation data under {data}"}
    gold = _read_jsonl(data / GOLD)
    scorer = _load_scorer(data / SCORER)
    preds, seconds = predict(articles(data, gold))
    if out is not None:
        out.write_text("".join(json.dumps(p) + "\n" for p in preds), encoding="utf-8")
    report = io.StringIO()
    with contextlib.redirect_stdout(report):
        result = dict(scorer.score(gold, preds, verbose=verbose, out=report))
    result["report"] = report.getvalue()
    result["articles"] = len(gold)
    result["seconds"] = seconds
    return result


def format_table(r: dict[str, Any]) -> str:
    """Return the figures as a small table."""
    lines = [
        f"People and roles on {r['articles']} dev articles (people/dev.jsonl, shared scorer)",
        f"{'metric':<18}{'value':>8}",
        f"{'person precision':<18}{r['precision']:>8.3f}",
        f"{'person recall':<18}{r['recall']:>8.3f}",
        f"{'person F1':<18}{r['f1']:>8.3f}",
        f"{'salient recall':<18}{r['salient_recall']:>8.3f}",
        f"{'role accuracy':<18}{r['role_acc']:>8.3f}",
        f"TP {r['tp']} FP {r['fp']} FN {r['fn']}; {r['roles_matched']} gold roles matched; "
        f"{r['articles'] / max(r['seconds'], 1e-9):.1f} articles/s",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="evaluation data directory")
    ap.add_argument("--out", type=Path, help="also write the predictions (JSON Lines) here")
    ap.add_argument("--verbose", "-v", action="store_true", help="print the scorer's per-article errors")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    result = run(args.data, args.verbose, args.out)
    if "skipped" in result:
        print(f"skipped: {result['skipped']}")
        return 0
    report = result.pop("report")
    if args.verbose:
        print(report)
    print(json.dumps(result, indent=2) if args.json else format_table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
