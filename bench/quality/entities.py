"""Entity-tagging benchmark on the CoNLL-2003 validation set (PER/ORG/LOC, MISC ignored).

Run as ``python -m bench.quality.entities [--data DIR] [--in-process]``.

Each validation document is rebuilt as text (tokens joined by single spaces, sentences by
newlines) and sent through ``briefbot facts --jsonl`` (or, with ``--in-process``, straight
through :func:`briefings.nlp.tag_entities`). Returned character spans are mapped back to
token indices and scored by exact match: precision, recall and F1 per type and micro-averaged
over person/organization/place; a predicted ``misc`` entity is neither right nor wrong, and
gold MISC entities are not counted. Speed is documents per second, start-up excluded.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "eval"
DATASET = Path("conll2003") / "valid.txt"
TYPES = {"PER": "person", "ORG": "organization", "LOC": "place"}
SCORED = tuple(TYPES.values())
WARMUP_TEXT = "Warm-up text from Tokyo ."


class Doc:
    """A validation document: its text, token offsets and gold entity token spans."""

    def __init__(self, sentences: list[tuple[list[str], list[str]]]) -> None:
        self.starts: dict[int, int] = {}  # char offset -> token index
        self.ends: dict[int, int] = {}  # char end offset -> token index + 1
        self.gold: set[tuple[int, int, str]] = set()
        lines: list[str] = []
        pos = 0
        index = 0
        for words, tags in sentences:
            parts: list[str] = []
            for k, w in enumerate(words):
                if k:
                    pos += 1
                self.starts[pos] = index + k
                pos += len(w)
                self.ends[pos] = index + k + 1
                parts.append(w)
            for a, b, typ in _spans(tags):
                if typ in TYPES:
                    self.gold.add((index + a, index + b, TYPES[typ]))
            index += len(words)
            pos += 1  # the newline
            lines.append(" ".join(parts))
        self.text = "\n".join(lines)


def _spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Return ``(start, end, type)`` token spans of a BIO tag sequence."""
    spans: list[tuple[int, int, str]] = []
    start, typ = -1, ""
    for i, t in enumerate([*tags, "O"]):
        if t == "O" or t.startswith("B-") or t[2:] != typ:
            if start >= 0:
                spans.append((start, i, typ))
                start = -1
            if t != "O":
                start, typ = i, t[2:]
    return spans


def load_docs(data_dir: Path) -> list[Doc] | None:
    """Read the CoNLL-2003 validation documents, or None when the file is absent."""
    path = Path(data_dir) / DATASET
    if not path.is_file():
        return None
    docs: list[Doc] = []
    doc: list[tuple[list[str], list[str]]] = []
    words: list[str] = []
    tags: list[str] = []
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        parts = line.split()
        if not parts or parts[0] == "-DOCSTART-":
            if words:
                doc.append((words, tags))
                words, tags = [], []
            if parts and doc:
                docs.append(Doc(doc))
                doc = []
            continue
        words.append(parts[0])
        tags.append(parts[-1])
    if doc:
        docs.append(Doc(doc))
    return docs


def _predicted(doc: Doc, entities: Sequence[dict[str, Any]]) -> set[tuple[int, int, str]]:
    """Map predicted character spans to token spans (unaligned spans can never match)."""
    out: set[tuple[int, int, str]] = set()
    for e in entities:
        typ = e["type"]
        if typ not in SCORED:
            continue
        a = doc.starts.get(e["start"])
        b = doc.ends.get(e["end"])
        if a is None or b is None:
            out.add((-1 - e["start"], -1 - e["end"], typ))  # counts as a false positive
        else:
            out.add((a, b, typ))
    return out


def _in_process(docs: Sequence[Doc]) -> tuple[list[list[dict[str, Any]]], float, float]:
    """Tag every document with :func:`tag_entities`; return entities, wall and CPU seconds."""
    from briefings.nlp import tag_entities

    tag_entities(WARMUP_TEXT)  # loads the model: start-up is not measured
    start = time.perf_counter()
    cpu = time.process_time()
    results = [[e.model_dump() for e in tag_entities(d.text)] for d in docs]
    return results, time.perf_counter() - start, time.process_time() - cpu


def _cli_command() -> list[str] | None:
    """Return the command line that runs ``briefbot``, or None when it is not there."""
    exe = Path(sys.executable).with_name("briefbot")
    if exe.is_file():
        return [str(exe)]
    found = shutil.which("briefbot")
    if found:
        return [found]
    if (REPO_ROOT / "bot" / "cli.py").is_file():
        return [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())"]
    return None


def _run_cli(cmd: list[str], texts: Sequence[str]) -> tuple[list[dict[str, Any]], float]:
    """Send texts through ``briefbot facts --jsonl``; return output rows and elapsed seconds."""
    env = dict(os.environ)
    env.setdefault("PYTHONPATH", str(REPO_ROOT))
    payload = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts))
    with tempfile.TemporaryFile("w+", encoding="utf-8") as fh:
        fh.write(payload)
        fh.seek(0)
        start = time.perf_counter()
        proc = subprocess.run(
            [*cmd, "facts", "--jsonl"],
            stdin=fh,
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            env=env,
            check=False,
        )
        elapsed = time.perf_counter() - start
    if proc.returncode != 0 and not proc.stdout.strip():
        raise RuntimeError(f"briefbot facts failed: {proc.stderr.strip()[-500:]}")
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return rows, elapsed


def _through_cli(docs: Sequence[Doc]) -> tuple[list[list[dict[str, Any]]], float]:
    """Tag every document through the CLI; start-up (a one-line run) is subtracted."""
    cmd = _cli_command()
    if cmd is None:
        raise RuntimeError("the briefbot CLI is not installed")
    _, startup = _run_cli(cmd, [WARMUP_TEXT])
    rows, elapsed = _run_cli(cmd, [d.text for d in docs])
    by_id = {r.get("id"): r for r in rows}
    results: list[list[dict[str, Any]]] = []
    for i in range(len(docs)):
        row = by_id.get(i)
        if row is None or "facts" not in row:
            raise RuntimeError(f"briefbot facts gave no facts for document {i}: {row}")
        results.append(list(row["facts"].get("entities", [])))
    return results, max(elapsed - startup, 1e-9)


def score(docs: Sequence[Doc], predictions: Sequence[Sequence[dict[str, Any]]]) -> dict[str, Any]:
    """Return exact-match precision/recall/F1 per type and micro-averaged."""
    counts = {t: [0, 0, 0] for t in SCORED}
    for doc, ents in zip(docs, predictions, strict=True):
        pred = _predicted(doc, ents)
        for s in pred & doc.gold:
            counts[s[2]][0] += 1
        for s in pred - doc.gold:
            counts[s[2]][1] += 1
        for s in doc.gold - pred:
            counts[s[2]][2] += 1
    out: dict[str, Any] = {t: _prf(*c) for t, c in counts.items()}
    out["micro"] = _prf(*(sum(c[k] for c in counts.values()) for k in range(3)))
    return out


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Return precision, recall, F1 and the counts."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}


def run(data_dir: Path | str = DEFAULT_DATA, in_process: bool = False) -> dict[str, Any]:
    """Run the benchmark; return scores, speed and mode (``{"skipped": reason}`` if no data)."""
    docs = load_docs(Path(data_dir))
    if docs is None:
        return {"skipped": f"no {DATASET} under {data_dir}"}
    mode = "in-process" if in_process else "cli"
    cpu: float | None = None
    if in_process:
        preds, elapsed, cpu = _in_process(docs)
    else:
        preds, elapsed = _through_cli(docs)
    result = score(docs, preds)
    result["docs"] = len(docs)
    result["docs_per_second"] = len(docs) / elapsed
    result["docs_per_cpu_second"] = len(docs) / cpu if cpu else None
    result["mode"] = mode
    return result


def format_table(result: dict[str, Any]) -> str:
    """Format the result as a plain-text table."""
    lines = [
        f"CoNLL-2003 valid, {result['docs']} documents ({result['mode']})",
        f"{'type':<14}{'P':>8}{'R':>8}{'F1':>8}{'TP':>7}{'FP':>7}{'FN':>7}",
    ]
    for t in (*SCORED, "micro"):
        r = result[t]
        lines.append(
            f"{t:<14}{r['precision']:>8.4f}{r['recall']:>8.4f}{r['f1']:>8.4f}"
            f"{r['tp']:>7}{r['fp']:>7}{r['fn']:>7}"
        )
    speed = f"documents/second: {result['docs_per_second']:.1f} (start-up excluded)"
    if result.get("docs_per_cpu_second"):
        speed += f"; per CPU second: {result['docs_per_cpu_second']:.1f}"
    lines.append(speed)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="evaluation data directory")
    ap.add_argument(
        "--in-process", action="store_true", help="call tag_entities directly, not the CLI"
    )
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    try:
        result = run(args.data, args.in_process)
    except RuntimeError as exc:
        print(f"error: {exc} (try --in-process)", file=sys.stderr)
        return 1
    if "skipped" in result:
        print(f"skipped: {result['skipped']}")
        return 0
    print(json.dumps(result, indent=2) if args.json else format_table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
