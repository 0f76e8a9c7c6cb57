"""Summary-quality benchmark: Briefbot vs Lead-3, LexRank and TextRank on CNN/DM highlights.

Run as ``python -m bench.quality.summaries [--data DIR] [--limit N] [--in-process]``.
Scores are Google's ``rouge_score`` (stemming on) ROUGE-1, ROUGE-2 and summary-level
ROUGE-Lsum F1 (one sentence per line), with 95% bootstrap intervals (fixed seed), the
mean words per summary and articles per CPU-second. Briefbot's speed is measured through
``briefbot summarize --jsonl`` unless ``--in-process`` is given (or the CLI is missing).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from briefings.sentences import split_sentences
from briefings.summarize import summarize_text

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "eval"
DATASET = "cnndm-dev.jsonl"
N_SENTENCES = 3
BOOTSTRAP_SAMPLES = 1000
BOOTSTRAP_SEED = 20240601
CLI_MIN_ARTICLES = 2000  # the CLI throughput run repeats the data up to at least this many
METRICS = ("rouge1", "rouge2", "rougeLsum")

Summarizer = Callable[[str, str | None], list[str]]


def load_articles(data_dir: Path, limit: int | None = None) -> list[dict[str, Any]] | None:
    """Load the CNN/DM dev articles, or None when the data is absent."""
    path = Path(data_dir) / DATASET
    if not path.is_file():
        return None
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rows.append(json.loads(line))
            if limit is not None and len(rows) >= limit:
                break
    return rows


def lead(text: str, title: str | None = None, n: int = N_SENTENCES) -> list[str]:
    """Lead-n baseline: the first ``n`` non-heading sentences by Briefbot's splitter."""
    return [s.text for s in split_sentences(text) if not s.is_heading][:n]


def briefbot(text: str, title: str | None = None) -> list[str]:
    """Briefbot's extractive summary at three sentences."""
    return summarize_text(text, n=N_SENTENCES, title=title)


class _SumyTokenizer:
    """Tokenizer for sumy that needs no NLTK data: our splitter, NLTK's word tokenizer."""

    _WORD = re.compile(r"^[^\W\d_](?:[^\W\d_]|['-])*$")

    def __init__(self) -> None:
        from nltk.tokenize import NLTKWordTokenizer

        self._words = NLTKWordTokenizer()
        self.language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        """Split a paragraph into sentence strings with Briefbot's splitter."""
        return tuple(s.text for s in split_sentences(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        """Tokenise a sentence into word tokens (as sumy does: letters only)."""
        return tuple(w for w in self._words.tokenize(sentence) if self._WORD.match(w))


def sumy_system(kind: str) -> Summarizer:
    """Build a sumy LexRank or TextRank summarizer at three sentences."""
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    tokenizer = _SumyTokenizer()
    stemmer = Stemmer("english")
    cls = {"lexrank": LexRankSummarizer, "textrank": TextRankSummarizer}[kind]
    summarizer = cls(stemmer)
    summarizer.stop_words = get_stop_words("english")

    def run(text: str, title: str | None = None) -> list[str]:
        parser = PlaintextParser.from_string(text, tokenizer)
        return [str(s) for s in summarizer(parser.document, N_SENTENCES)]

    return run


def _bootstrap(values: Sequence[float], seed: int = BOOTSTRAP_SEED) -> tuple[float, float]:
    """95% percentile bootstrap interval of the mean."""
    rng = random.Random(seed)
    n = len(values)
    if n == 0:
        return (0.0, 0.0)
    means = []
    for _ in range(BOOTSTRAP_SAMPLES):
        total = 0.0
        for _ in range(n):
            total += values[rng.randrange(n)]
        means.append(total / n)
    means.sort()
    return (means[int(0.025 * BOOTSTRAP_SAMPLES)], means[int(0.975 * BOOTSTRAP_SAMPLES) - 1])


def score(summaries: Sequence[Sequence[str]], references: Sequence[str]) -> dict[str, Any]:
    """ROUGE F1 (x100) per metric with bootstrap intervals, plus words per summary."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    per: dict[str, list[float]] = {m: [] for m in METRICS}
    words = []
    for summary, ref in zip(summaries, references, strict=True):
        pred = "\n".join(summary)
        result = scorer.score(ref, pred)
        for m in METRICS:
            per[m].append(100.0 * result[m].fmeasure)
        words.append(sum(len(s.split()) for s in summary))
    out: dict[str, Any] = {}
    for m in METRICS:
        vals = per[m]
        out[m] = sum(vals) / len(vals) if vals else 0.0
        out[m + "_ci"] = _bootstrap(vals)
        out[m + "_per_article"] = vals
    out["words"] = sum(words) / len(words) if words else 0.0
    return out


def _timed(system: Summarizer, rows: Sequence[dict[str, Any]]) -> tuple[list[list[str]], float]:
    """Run a summarizer over the rows; return the summaries and articles per second."""
    start = time.process_time()
    out = [system(r["text"], r.get("title")) for r in rows]
    elapsed = time.process_time() - start
    return out, (len(rows) / elapsed if elapsed > 0 else float("inf"))


def _cli_command() -> list[str] | None:
    """The command line that runs ``briefbot``, or None when the CLI is not there."""
    exe = Path(sys.executable).with_name("briefbot")
    if exe.is_file():
        return [str(exe)]
    if (REPO_ROOT / "bot" / "cli.py").is_file():
        # this checkout's CLI under this interpreter, as the entry point would run it
        return [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())"]
    found = shutil.which("briefbot")
    return [found] if found else None


def cli_throughput(
    rows: Sequence[dict[str, Any]], expected: Sequence[Sequence[str]] | None = None
) -> float | None:
    """Articles per CPU-second of ``briefbot summarize --jsonl``, start-up excluded.

    Returns None when the CLI is absent or fails. When ``expected`` (the in-process
    summaries of ``rows``) is given, a CLI output that differs is logged as a warning.
    """
    cmd = _cli_command()
    if cmd is None or not rows:
        return None
    repeat = max(1, -(-CLI_MIN_ARTICLES // len(rows)))
    lines = [
        json.dumps({"id": f"{r.get('id', i)}-{k}", "text": r["text"]})
        for k in range(repeat)
        for i, r in enumerate(rows)
    ]
    env = dict(os.environ)
    env.setdefault("PYTHONPATH", str(REPO_ROOT))

    def run(payload: str) -> tuple[float, list[str]]:
        """Run the CLI on ``payload``; return its CPU seconds and output lines."""
        with tempfile.TemporaryFile("w+", encoding="utf-8") as fh:
            fh.write(payload)
            fh.seek(0)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            proc = subprocess.run(
                [*cmd, "summarize", "--jsonl"],
                stdin=fh,
                capture_output=True,
                text=True,
                cwd=REPO_ROOT,
                env=env,
                check=False,
            )
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
        elapsed = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if proc.returncode != 0:
            raise RuntimeError(f"briefbot summarize failed: {proc.stderr.strip()[-500:]}")
        return elapsed, [line for line in proc.stdout.splitlines() if line.strip()]

    try:
        empty, _ = run("")
        full, produced = run("\n".join(lines) + "\n")
    except (OSError, RuntimeError) as exc:
        logger.warning("CLI throughput not measured: %s", exc)
        return None
    if len(produced) != len(lines):
        logger.warning("CLI produced %d lines for %d articles", len(produced), len(lines))
        return None
    if expected is not None:
        got = [json.loads(line).get("summary") for line in produced[: len(expected)]]
        differ = sum(1 for a, b in zip(got, expected, strict=True) if a != list(b))
        if differ:
            logger.warning("CLI summaries differ from in-process ones for %d articles", differ)
    work = max(full - empty, 1e-9)
    return len(lines) / work


def run(
    data_dir: str | Path | None = None, limit: int | None = None, in_process: bool = False
) -> dict[str, Any]:
    """Run the benchmark; return {"skipped": reason} or per-system scores and speeds."""
    data = Path(data_dir) if data_dir else DEFAULT_DATA
    rows = load_articles(data, limit)
    if rows is None:
        return {"skipped": f"no {DATASET} in {data}"}
    refs = [r["reference"] for r in rows]
    systems: dict[str, Summarizer] = {
        "Briefbot": briefbot,
        "Lead-3": lead,
        "LexRank (sumy)": sumy_system("lexrank"),
        "TextRank (sumy)": sumy_system("textrank"),
    }
    results: dict[str, Any] = {"articles": len(rows), "data": str(data), "systems": {}}
    briefbot_summaries: list[list[str]] = []
    for name, system in systems.items():
        summaries, speed = _timed(system, rows)
        if name == "Briefbot":
            briefbot_summaries = summaries
        res = score(summaries, refs)
        res["articles_per_s"] = speed
        res["speed_via"] = "in-process"
        results["systems"][name] = res
    if not in_process:
        cli = cli_throughput(rows, briefbot_summaries)
        if cli is not None:
            results["systems"]["Briefbot"]["articles_per_s"] = cli
            results["systems"]["Briefbot"]["speed_via"] = "cli"
    return results


def format_table(results: dict[str, Any]) -> str:
    """Render the results as a plain-text table."""
    if "skipped" in results:
        return f"skipped: {results['skipped']}"
    head = f"{'system':<16} {'ROUGE-1':>20} {'ROUGE-2':>20} {'ROUGE-Lsum':>20} {'words':>6} {'art/s':>8}"
    lines = [
        f"{results['articles']} articles from {results['data']}, {N_SENTENCES} sentences, "
        f"F1 x100 [95% bootstrap CI]",
        head,
        "-" * len(head),
    ]
    for name, res in results["systems"].items():
        cells = []
        for m in METRICS:
            lo, hi = res[m + "_ci"]
            cells.append(f"{res[m]:6.2f} [{lo:5.2f},{hi:5.2f}]")
        speed = f"{res['articles_per_s']:8.0f}" + ("*" if res["speed_via"] == "cli" else "")
        lines.append(f"{name:<16} {cells[0]:>20} {cells[1]:>20} {cells[2]:>20} "
                     f"{res['words']:6.1f} {speed}")
    if any(r["speed_via"] == "cli" for r in results["systems"].values()):
        lines.append("* measured through `briefbot summarize --jsonl`, start-up excluded")
    lines.append("art/s: articles per CPU-second on one core (process CPU time, not wall time)")
    return "\n".join(lines)


def conll_documents(path: Path) -> list[str]:
    """Read CoNLL-2003 documents (token per line, ``-DOCSTART-`` between) as plain strings."""
    docs: list[str] = []
    tokens: list[str] = []
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("-DOCSTART-"):
                if tokens:
                    docs.append(" ".join(tokens))
                tokens = []
                continue
            parts = line.split()
            if parts:
                tokens.append(parts[0])
    if tokens:
        docs.append(" ".join(tokens))
    return docs


def build_idf_table(conll_train: Path, out: Path, min_df: int = 2) -> int:
    """Write the summarizer's document-frequency table from CoNLL-2003 train; return its size.

    Only statistics are kept: stemmed content terms with their document frequency,
    terms seen in fewer than ``min_df`` documents and terms with digits left out.
    """
    from collections import Counter

    from briefings.textstats import content_terms

    docs = conll_documents(conll_train)
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(set(content_terms(doc)))
    rows = sorted(
        (t, k) for t, k in df.items() if k >= min_df and not any(ch.isdigit() for ch in t)
    )
    with Path(out).open("w", encoding="utf-8") as fh:
        fh.write(f"# documents\t{len(docs)}\n")
        fh.write("# document frequencies of stemmed content terms, CoNLL-2003 English train "
                 f"(Reuters), min_df={min_df}, no numbers; built by bench.quality.summaries\n")
        for t, k in rows:
            fh.write(f"{t}\t{k}\n")
    return len(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None, help=f"directory holding {DATASET}")
    ap.add_argument("--limit", type=int, default=None, help="use only the first N articles")
    ap.add_argument("--in-process", action="store_true", help="time Briefbot in-process")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument(
        "--build-idf",
        metavar="OUT",
        help="instead of benchmarking, build the summarizer's idf table from CoNLL-2003 train",
    )
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.build_idf:
        data = Path(args.data) if args.data else DEFAULT_DATA
        size = build_idf_table(data / "conll2003" / "train.txt", Path(args.build_idf))
        print(f"wrote {size} terms to {args.build_idf}")
        return 0
    results = run(args.data, args.limit, args.in_process)
    if args.json:
        slim = {
            k: v for k, v in results.items() if k != "systems"
        }
        slim["systems"] = {
            name: {k: v for k, v in res.items() if not k.endswith("_per_article")}
            for name, res in results.get("systems", {}).items()
        }
        print(json.dumps(slim, indent=2))
    else:
        print(format_table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
