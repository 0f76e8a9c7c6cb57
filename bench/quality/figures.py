"""Figure benchmark on annotated CNN/DM development articles: precision, recall, label shape.

Run as ``python -m bench.quality.figures [--data DIR] [--gold FILE] [--in-process]``.

``bench/data/figures-dev.jsonl`` holds, for each annotated article id, the figures a careful
reader would put on a key-fact card: the number as written, the noun phrase it measures, and
``heads``, the words any of which a label must hold to name the same thing. The articles are
read from ``../shared/eval/cnndm-dev.jsonl`` and sent through ``briefbot facts --jsonl`` (or,
with ``--in-process``, straight through :func:`briefings.facts.extract_facts`).

Matching rule: a predicted figure is correct when (1) its number has the same kind (percent,
money or count) and the same value as an annotated figure of that article (scale words and
number words read: "$2 million" = 2,000,000, "Nine" = 9, "hundreds of thousands" = 200,000),
and (2) its description — the words of the figure after the number ("DNA samples") plus its
label — holds one of that figure's head words (case-insensitive, a final "s" ignored).
Precision = correct predicted / predicted; recall = annotated figures matched by some
predicted figure / annotated. A label is a clause fragment by
:func:`briefings.facts.figure_labels.is_clause_fragment` (the POS tagger's check: it starts
with a verb, conjunction, preposition, adverb, pronoun or wh-word, or holds a finite verb),
and trivial by :func:`~briefings.facts.figure_labels.is_trivial` (no noun but quantity words).
The fragment share is printed on the annotated articles and on every dev article.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "eval"
DEFAULT_GOLD = REPO_ROOT / "bench" / "data" / "figures-dev.jsonl"
DATASET = "cnndm-dev.jsonl"

_NUM_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12, "dozens": 24,
    "hundreds": 200, "thousands": 2000, "millions": 2000000,
}  # fmt: skip
_SCALES = {"thousand": 1e3, "thousands": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9,
           "trillion": 1e12, "hundred": 100.0}  # fmt: skip
_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?|[A-Za-z]+|[$€£¥%]")
_CURRENCY_WORDS = frozenset(("dollars", "euros", "pounds", "yen", "yuan", "rupees", "usd", "eur", "gbp"))


def parse_number(text: str) -> tuple[str, float, int] | None:
    """Return (kind, value, index of the token after the number) of a figure's text, or None."""
    toks = _TOKEN.findall(text)
    kind = "count"
    i = 0
    while i < len(toks) and not (toks[i][0].isdigit() or toks[i].lower() in _NUM_WORDS):
        if toks[i] in "$€£¥":
            kind = "money"
        i += 1
    if i == len(toks):
        return None
    w = toks[i].lower()
    value = float(w.replace(",", "")) if w[0].isdigit() else float(_NUM_WORDS[w])
    j = i + 1
    while j < len(toks):
        nxt = toks[j].lower()
        if nxt == "of" and j + 1 < len(toks) and toks[j + 1].lower() in ("thousands", "millions"):
            value *= 1e3 if toks[j + 1].lower() == "thousands" else 1e6
            j += 2
        elif nxt in _SCALES:
            value *= _SCALES[nxt]
            j += 1
        else:
            break
    if j < len(toks) and toks[j].lower() in ("%", "percent", "per"):
        kind = "pct"
        j += 2 if toks[j].lower() == "per" else 1
    elif j < len(toks) and toks[j].lower() in _CURRENCY_WORDS:
        kind = "money"
    return kind, round(value, 6), j


def _stem(word: str) -> str:
    """Return a word lower-cased without a final "s"."""
    w = word.lower().strip(".,;:'’\"")
    return w[:-1] if len(w) > 3 and w.endswith("s") else w


def description(fact: dict[str, Any]) -> set[str]:
    """Return the stemmed words naming what a predicted figure measures (unit words and label)."""
    parsed = parse_number(fact["text"])
    unit = _TOKEN.findall(fact["text"])[parsed[2] :] if parsed else []
    words = [*unit, *re.findall(r"[\w’'-]+", fact.get("detail") or "")]
    return {_stem(w) for w in words}


def matches(fact: dict[str, Any], gold: dict[str, Any]) -> bool:
    """Tell whether a predicted figure is the annotated figure ``gold`` (same number, a head word)."""
    p, g = parse_number(fact["text"]), parse_number(gold["number"])
    if p is None or g is None or p[:2] != g[:2]:
        return False
    return bool(description(fact) & {_stem(h) for h in gold["heads"]})


def load(data_dir: Path, gold_path: Path) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]] | None:
    """Return the annotations and the dev articles by id, or None when either file is absent."""
    path = Path(data_dir) / DATASET
    if not path.is_file() or not gold_path.is_file():
        return None
    gold = [json.loads(line) for line in gold_path.read_text("utf-8").splitlines() if line.strip()]
    articles = {}
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            articles[row["id"]] = row
    return gold, articles


def _cards(texts: Sequence[str], in_process: bool) -> list[dict[str, Any]]:
    """Return the key-fact cards of ``texts`` as JSON dicts (through the CLI unless in-process)."""
    if in_process:
        from briefings.facts import extract_facts

        return [extract_facts(t).model_dump(mode="json") for t in texts]
    from bench.quality.entities import _cli_command, _run_cli

    cmd = _cli_command()
    if cmd is None:
        raise RuntimeError("the briefbot CLI is not installed")
    rows, _ = _run_cli(cmd, texts)
    by_id = {r.get("id"): r for r in rows}
    return [dict(by_id.get(i, {}).get("facts") or {}) for i in range(len(texts))]


def _label_shares(cards: Sequence[dict[str, Any]]) -> tuple[int, int, int, list[str]]:
    """Return (labels, fragments, trivial, examples of fragments) over the figures of ``cards``."""
    from briefings.facts.figure_labels import is_clause_fragment, is_trivial

    labels = frags = trivial = 0
    examples: list[str] = []
    for card in cards:
        for f in card.get("figures", []):
            d = f.get("detail")
            if not d:
                continue
            labels += 1
            if is_clause_fragment(d):
                frags += 1
                if len(examples) < 5:
                    examples.append(f"{f['text']} — {d}")
            elif is_trivial(d):
                trivial += 1
    return labels, frags, trivial, examples


def run(
    data_dir: Path | str = DEFAULT_DATA, gold_path: Path | str = DEFAULT_GOLD, in_process: bool = False
) -> dict[str, Any]:
    """Run the benchmark; return the scores (``{"skipped": reason}`` when the data is absent)."""
    loaded = load(Path(data_dir), Path(gold_path))
    if loaded is None:
        return {"skipped": f"no {DATASET} under {data_dir} or no {gold_path}"}
    gold, articles = loaded
    gold = [g for g in gold if g["id"] in articles]
    all_ids = list(articles)
    cards = _cards([articles[i]["text"] for i in all_ids], in_process)
    card_of = dict(zip(all_ids, cards, strict=True))
    tp = predicted = matched = annotated = 0
    wrong: list[str] = []
    missed: list[str] = []
    for g in gold:
        figs = card_of[g["id"]].get("figures", [])
        predicted += len(figs)
        annotated += len(g["figures"])
        for f in figs:
            if any(matches(f, a) for a in g["figures"]):
                tp += 1
            elif len(wrong) < 8:
                wrong.append(f"{f['text']} — {f.get('detail')}")
        for a in g["figures"]:
            if any(matches(f, a) for f in figs):
                matched += 1
            elif len(missed) < 25:
                missed.append(f"{a['number']} — {a['label']}")
    ann = _label_shares([card_of[g["id"]] for g in gold])
    dev = _label_shares(cards)
    p = tp / predicted if predicted else 0.0
    r = matched / annotated if annotated else 0.0
    return {
        "articles": len(gold),
        "predicted": predicted,
        "correct": tp,
        "annotated": annotated,
        "matched": matched,
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "annotated_labels": ann[:3],
        "dev_labels": dev[:3],
        "dev_articles": len(all_ids),
        "fragment_examples": dev[3],
        "wrong_examples": wrong,
        "missed_examples": missed,
    }


def format_table(result: dict[str, Any]) -> str:
    """Format the result as a plain-text table."""
    if "skipped" in result:
        return f"figures: skipped ({result['skipped']})"

    def share(t: tuple[int, int, int], k: int) -> str:
        return f"{t[k] / t[0]:.3f} ({t[k]}/{t[0]})" if t[0] else "0.000 (0/0)"

    lines = [
        f"Figures on {result['articles']} annotated CNN/DM dev articles (bench/data/figures-dev.jsonl)",
        "match: same kind and value as an annotated number, and a head word of it in the figure's unit or label",
        f"{'precision':<36}{result['precision']:.3f} ({result['correct']}/{result['predicted']})",
        f"{'recall':<36}{result['recall']:.3f} ({result['matched']}/{result['annotated']})",
        f"{'F1':<36}{result['f1']:.3f}",
        f"{'clause-fragment labels (annotated)':<36}{share(result['annotated_labels'], 1)}",
        f"{'trivial labels (annotated)':<36}{share(result['annotated_labels'], 2)}",
        f"{'clause-fragment labels (all dev)':<36}{share(result['dev_labels'], 1)}"
        f"  on {result['dev_articles']} articles",
        f"{'trivial labels (all dev)':<36}{share(result['dev_labels'], 2)}",
    ]
    lines += [f"  fragment: {e}" for e in result["fragment_examples"]]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the figure benchmark and print its table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding cnndm-dev.jsonl")
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="figure annotations (JSON Lines)")
    ap.add_argument("--in-process", action="store_true", help="call extract_facts directly, not the CLI")
    ap.add_argument("-v", "--verbose", action="store_true", help="also list wrong predicted figures")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    result = run(args.data, args.gold, args.in_process)
    print(format_table(result))
    if args.verbose and "wrong_examples" in result:
        for w in result["wrong_examples"]:
            print(f"  wrong: {w}")
        for m in result["missed_examples"]:
            print(f"  missed: {m}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
