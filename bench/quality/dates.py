"""Date benchmark: TimeML DATE expressions of TempEval-3 (TBAQ-cleaned) found and normalised.

Run as ``python -m bench.quality.dates [--data DIR] [--errors N] [--json]``.

Each document of ``tempeval3/train.jsonl`` goes through :func:`briefings.facts.extract_facts` with its
title and publication date, and its date mentions are read exactly as ``briefbot facts --jsonl`` writes them
(:func:`briefings.facts.dates.mentions_json`: ``text``, ``start``, ``end``, ``value``, ``event``). Gold DATE
timexes are scored per mention, TempEval-3 style: *strict* (same span) and *relaxed* (overlapping span,
one-to-one) precision, recall and F1, and *value F1*, the TempEval-3 attribute F1: value precision = relaxed
matches with the right value / system mentions, value recall = the same / gold mentions (so value F1 =
relaxed F1 × value accuracy). A system mention that overlaps a gold TIME (a date with a time of day) is
left out of the scoring; one that overlaps a DURATION or SET counts as a false positive. A 30-line regex
baseline (:func:`baseline`) is scored in the same run.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "eval"
GOLD = Path("tempeval3") / "train.jsonl"

Mention = dict[str, Any]  # {"start", "end", "value", "text"}


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Return the rows of a JSON Lines file."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def briefbot(row: dict[str, Any]) -> list[Mention]:
    """Return Briefbot's date mentions of one document, as ``facts --jsonl`` reports them."""
    from briefings.facts import extract_facts
    from briefings.facts.dates import mentions_json
    from briefings.ingest import parse_published

    facts = extract_facts(row["text"], title=row.get("title"), published=parse_published(row.get("published")))
    return mentions_json(facts)


# ----- the regex baseline (30 lines) --------------------------------------------------------------------
_B_RE = re.compile(
    r"\b(?:(?P<m>January|February|March|April|May|June|July|August|September|October|November|December)"
    r"(?:\s+(?P<d>\d{1,2}))?(?:,?\s+(?P<y>(?:19|20)\d\d))?|(?P<yy>(?:19|20)\d\d)|(?P<w>Monday|Tuesday|Wednesday"
    r"|Thursday|Friday|Saturday|Sunday)|(?P<t>yesterday|today|tomorrow|now)|(?P<r>last|this|next)\s+"
    r"(?P<u>week|month|year))\b"
)


def baseline(row: dict[str, Any]) -> list[Mention]:
    """Return the date mentions a plain regex finds, resolved naively against the publication date."""
    ref, out = date.fromisoformat(row["published"]), []
    for m in _B_RE.finditer(row["text"]):
        g, v = m.groupdict(), None
        if g["m"]:
            if m.group(0) == "May":
                continue
            mo = "janfebmaraprmayjunjulaugsepoctnovdec".index(g["m"][:3].lower()) // 3 + 1
            v = f"{g['y'] or ref.year}-{mo:02d}" + (f"-{int(g['d']):02d}" if g["d"] else "")
        elif g["yy"]:
            v = g["yy"]
        elif g["w"]:
            wd = "montuewedthufrisatsun".index(g["w"][:3].lower()) // 3
            v = (ref + timedelta(days=wd - ref.weekday())).isoformat()
        elif g["t"] == "now":
            v = "PRESENT_REF"
        elif g["t"]:
            v = (ref + timedelta(days=("yesterday", "today", "tomorrow").index(g["t"]) - 1)).isoformat()
        else:
            k = ("last", "this", "next").index(g["r"]) - 1
            y, mo = divmod(ref.year * 12 + ref.month - 1 + k, 12)
            v = {
                "year": str(ref.year + k),
                "month": f"{y}-{mo + 1:02d}",
                "week": (ref + timedelta(weeks=k)).strftime("%G-W%V"),
            }[g["u"]]
        out.append({"start": m.start(), "end": m.end(), "value": v, "text": m.group(0)})
    return out


# ----- scoring --------------------------------------------------------------------------------------------
def score(rows: list[dict[str, Any]], predict: Callable[[dict[str, Any]], list[Mention]]) -> dict[str, Any]:
    """Score ``predict`` on the DATE gold of ``rows``: strict, relaxed and value P/R/F1, and the errors."""
    n_gold = n_sys = strict = relaxed = value_ok = ignored = 0
    errors: list[str] = []
    start = time.perf_counter()
    for row in rows:
        gold = [t for t in row["timexes"] if t["type"] == "DATE"]
        times = [t for t in row["timexes"] if t["type"] == "TIME"]
        preds = predict(row)
        kept = []
        for p in preds:
            over_date = any(p["start"] < g["end"] and g["start"] < p["end"] for g in gold)
            if not over_date and any(p["start"] < t["end"] and t["start"] < p["end"] for t in times):
                ignored += 1
                continue
            kept.append(p)
        n_gold += len(gold)
        n_sys += len(kept)
        used: set[int] = set()
        for g in gold:
            match = next(
                (i for i, p in enumerate(kept) if i not in used and p["start"] < g["end"] and g["start"] < p["end"]),
                None,
            )
            if match is None:
                errors.append(f"{row['id']} MISS {g['text']!r} {g['value']} | {_context(row, g)}")
                continue
            used.add(match)
            p = kept[match]
            relaxed += 1
            strict += p["start"] == g["start"] and p["end"] == g["end"]
            if p["value"] == g["value"]:
                value_ok += 1
            else:
                errors.append(
                    f"{row['id']} VALUE {p['text']!r} {p['value']} != {g['value']} (pub {row['published']})"
                    f" | {_context(row, g)}"
                )
        for i, p in enumerate(kept):
            if i not in used:
                errors.append(f"{row['id']} EXTRA {p['text']!r} {p['value']} | {_context(row, p)}")
    seconds = time.perf_counter() - start

    def prf(tp: int) -> tuple[float, float, float]:
        p = tp / n_sys if n_sys else 0.0
        r = tp / n_gold if n_gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    return {
        "gold": n_gold,
        "system": n_sys,
        "ignored_time_overlaps": ignored,
        "strict": prf(strict),
        "relaxed": prf(relaxed),
        "value": prf(value_ok),
        "value_accuracy": value_ok / relaxed if relaxed else 0.0,
        "seconds": seconds,
        "errors": errors,
    }


def _context(row: dict[str, Any], span: dict[str, Any]) -> str:
    """Return the text around a span, on one line."""
    text = row["text"]
    a, b = span["start"], span["end"]
    return " ".join((text[max(0, a - 60) : a] + "[" + text[a:b] + "]" + text[b : b + 40]).split())


def run(data: Path) -> dict[str, Any]:
    """Score Briefbot and the baseline; return both, or ``{"skipped": why}``."""
    if not (data / GOLD).is_file():
        return {"skipped": f"no TempEval-3 data under {data}"}
    rows = _read_jsonl(data / GOLD)
    return {"documents": len(rows), "briefbot": score(rows, briefbot), "baseline": score(rows, baseline)}


def format_table(r: dict[str, Any]) -> str:
    """Return the figures as a small table."""
    b = r["briefbot"]
    lines = [
        f"Dates on TempEval-3 TBAQ-cleaned ({r['documents']} docs, {b['gold']} DATE timexes;"
        " value F1 = TempEval-3 attribute F1)",
        f"{'system':<10}{'strict P':>9}{'R':>7}{'F1':>7}{'relax P':>9}{'R':>7}{'F1':>7}{'value P':>9}{'R':>7}{'F1':>7}"
        f"{'val acc':>9}",
    ]
    for name in ("briefbot", "baseline"):
        s = r[name]
        cells = "".join(
            f"{x:>{w}.3f}"
            for trio in (s["strict"], s["relaxed"], s["value"])
            for x, w in zip(trio, (9, 7, 7), strict=True)
        )
        lines.append(f"{name:<10}{cells}{s['value_accuracy']:>9.3f}")
    lines.append(
        f"briefbot: {b['system']} mentions scored, {b['ignored_time_overlaps']} on gold TIMEs left out; "
        f"{r['documents'] / max(b['seconds'], 1e-9):.1f} docs/s"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="evaluation data directory")
    ap.add_argument("--errors", type=int, default=0, metavar="N", help="print Briefbot's first N errors")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    result = run(args.data)
    if "skipped" in result:
        print(f"skipped: {result['skipped']}")
        return 0
    errors = result["briefbot"]["errors"]
    if args.errors:
        print("\n".join(errors[: args.errors]))
    for name in ("briefbot", "baseline"):
        result[name].pop("errors")
    print(json.dumps(result, indent=2) if args.json else format_table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
