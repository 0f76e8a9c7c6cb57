"""Summary-quality benchmark: Briefbot vs Lead-3 (and LexRank, TextRank) on CNN/DM highlights.

Run as ``python -m bench.quality.summaries [--data DIR] [--limit N] [--in-process] [--folds K]
[--repeats R] [--json]``. One run prints:

1. **Dev table**: Google's ``rouge_score`` (stemming on) ROUGE-1, ROUGE-2 and summary-level
   ROUGE-Lsum F1 with 95% bootstrap intervals, words per summary and articles per CPU-second,
   for Briefbot, Lead-3, Briefbot with its previous settings (fitted to these 390 articles), LexRank
   and TextRank.
2. **Paired against Lead-3**: mean per-article differences with 95% paired-bootstrap intervals
   and wins/ties/losses.
3. **Cross-validated**: K-fold x R; inside each fold the single-article settings are re-tuned on the
   training folds only (a grid of centrality, length, style and MMR weights; the rule picks the
   setting whose *worst* lower bound of the R2 gain, over the training folds and the cross-outlet
   check, is highest), and the out-of-fold gain over Lead-3 is reported with its paired interval.
4. **Cross-outlet check** (``clustering/ecbplus-dev.jsonl``, when present): 772 news articles from
   many outlets with no written summaries; each article's reference is the first two sentences of
   every *other* outlet's article on the same event (near-copies left out), scored as mean ROUGE F1.
5. **Speed**: Briefbot through ``briefbot summarize --jsonl`` (start-up excluded; unless
   ``--in-process`` or the CLI is missing) and in-process, beside Lead-3 in-process.

Parts 2-4 compute ROUGE-1/2 with ``rouge_score``'s own tokenizer and F-measure on cached tokens
(checked against ``rouge_score`` on the dev table's summaries in the same run).
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import itertools
import json
import logging
import math
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from briefings.sentences import split_sentences
from briefings.summarize import (
    SINGLE_ARTICLE_PARAMS,
    STORY_PARAMS,
    Document,
    SummaryParams,
    is_junk,
    summarize,
    summarize_text,
    summarize_variants,
)
from briefings.textstats import content_terms

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "eval"
DATASET = "cnndm-dev.jsonl"
CROSS_OUTLET = Path("clustering") / "ecbplus-dev.jsonl"
N_SENTENCES = 3
BOOTSTRAP_SAMPLES = 1000
BOOTSTRAP_SEED = 20240601
CLI_MIN_ARTICLES = 2000  # the CLI throughput run repeats the data up to at least this many
METRICS = ("rouge1", "rouge2", "rougeLsum")
FOLDS = 5
REPEATS = 10
CV_SEED = 7
Z95 = 1.959964
# The settings re-tuned inside each fold (the position prior stays at n, the lead-n region).
GRID: dict[str, tuple[float, ...]] = {
    "centrality": (0.5, 1.0, 2.0),
    "length_penalty": (0.0, 0.15, 0.3),
    "style": (0.0, 0.15, 0.3),
    "redundancy": (0.0, 1.0),
}
REFERENCE_SENTENCES = 2  # cross-outlet check: sentences taken from each other outlet's article
NEAR_COPY = 0.6  # cross-outlet check: content-word Jaccard at which another article is a copy

Summarizer = Callable[[str, str | None], list[str]]


def load_articles(data_dir: Path, limit: int | None = None) -> list[dict[str, Any]] | None:
    """Load the CNN/DM dev articles, or None when the data is absent."""
    return _load_jsonl(Path(data_dir) / DATASET, limit)


def _load_jsonl(path: Path, limit: int | None = None) -> list[dict[str, Any]] | None:
    """Read JSON Lines rows, or None when the file is absent."""
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


def briefbot_previous(text: str, title: str | None = None) -> list[str]:
    """Briefbot with its previous single-article settings (now the multi-article ones)."""
    return [p.text for p in summarize([Document(text=text, title=title)], N_SENTENCES, STORY_PARAMS)]


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


# ----- statistics -----------------------------------------------------------------------------------------------


def _resamples(n: int, seed: int = BOOTSTRAP_SEED) -> list[list[int]]:
    """Bootstrap resamples of ``range(n)`` (the same ones for every statistic of the same rows: paired)."""
    rng = random.Random(seed)
    return [rng.choices(range(n), k=n) for _ in range(BOOTSTRAP_SAMPLES)]


_RESAMPLES: dict[int, list[list[int]]] = {}


def _bootstrap(values: Sequence[float]) -> tuple[float, float]:
    """95% percentile bootstrap interval of the mean (fixed seed; paired when values are differences)."""
    n = len(values)
    if n == 0:
        return (0.0, 0.0)
    samples = _RESAMPLES.setdefault(n, _resamples(n))
    means = sorted(sum([values[i] for i in idx]) / n for idx in samples)
    return (means[int(0.025 * BOOTSTRAP_SAMPLES)], means[int(0.975 * BOOTSTRAP_SAMPLES) - 1])


def _lower_bound(values: Sequence[float]) -> float:
    """Normal-approximation lower 95% bound of the mean (the tuning rule's yardstick)."""
    n = len(values)
    if n < 2:
        return -math.inf
    mean = sum(values) / n
    var = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean - Z95 * math.sqrt(var / n)


def _paired(diffs: Sequence[float]) -> dict[str, Any]:
    """Mean difference, its paired-bootstrap interval and wins/ties/losses of per-article differences."""
    return {
        "mean": sum(diffs) / len(diffs) if diffs else 0.0,
        "ci": _bootstrap(diffs),
        "wins": sum(1 for d in diffs if d > 1e-9),
        "ties": sum(1 for d in diffs if abs(d) <= 1e-9),
        "losses": sum(1 for d in diffs if d < -1e-9),
    }


# ----- ROUGE ----------------------------------------------------------------------------------------------------


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


Grams = tuple[Counter[tuple[str, ...]], Counter[tuple[str, ...]]]


class NgramRouge:
    """ROUGE-1/2 F1 (x100) exactly as ``rouge_score`` computes them, with each sentence tokenized once."""

    def __init__(self) -> None:
        from rouge_score import tokenizers

        self._tokenizer = tokenizers.DefaultTokenizer(use_stemmer=True)
        self._tokens: dict[str, list[str]] = {}

    def grams(self, sentences: Sequence[str]) -> Grams:
        """Unigram and bigram counts of sentences read as one text (as ``"\\n".join`` is scored)."""
        toks: list[str] = []
        for s in sentences:
            got = self._tokens.get(s)
            if got is None:
                got = self._tokens[s] = self._tokenizer.tokenize(s)
            toks.extend(got)
        return Counter((t,) for t in toks), Counter(zip(toks, toks[1:], strict=False))

    @staticmethod
    def f1(pred: Grams, ref: Grams) -> tuple[float, float]:
        """ROUGE-1 and ROUGE-2 F-measures of ``pred`` against ``ref``."""
        out = []
        for p, r in zip(pred, ref, strict=True):
            overlap = sum((p & r).values())
            precision = overlap / max(sum(p.values()), 1)
            recall = overlap / max(sum(r.values()), 1)
            out.append(100.0 * 2 * precision * recall / (precision + recall) if precision + recall else 0.0)
        return out[0], out[1]

    def against(self, summary: Sequence[str], refs: Sequence[Grams]) -> tuple[float, float]:
        """Mean ROUGE-1/2 F1 of a summary over several references."""
        pred = self.grams(summary)
        got = [self.f1(pred, ref) for ref in refs]
        return sum(g[0] for g in got) / len(got), sum(g[1] for g in got) / len(got)


# ----- cross-outlet references ----------------------------------------------------------------------------------


def _prose(text: str, k: int) -> list[str]:
    """The first ``k`` prose sentences of a text (no headings, captions, credits or fragments)."""
    out = []
    for s in split_sentences(text):
        if not s.is_heading and len(s.text.split()) >= 5 and not is_junk(s.text):
            out.append(s.text)
            if len(out) == k:
                break
    return out


def cross_outlet_references(rows: Sequence[dict[str, Any]], rouge: NgramRouge) -> list[list[Grams]]:
    """For each article, the leads of the other articles on its event (near-copies left out)."""
    by_event: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        by_event[row["story"]].append(i)
    terms = [set(content_terms(row["text"])) for row in rows]
    leads = [rouge.grams(_prose(row["text"], REFERENCE_SENTENCES)) for row in rows]
    refs: list[list[Grams]] = []
    for i, row in enumerate(rows):
        mine = terms[i]
        others = []
        for j in by_event[row["story"]]:
            if j == i or not terms[j]:
                continue
            jaccard = len(mine & terms[j]) / max(1, len(mine | terms[j]))
            if jaccard < NEAR_COPY:
                others.append(leads[j])
        refs.append(others)
    return refs


# ----- cross-validation -----------------------------------------------------------------------------------------


def grid() -> list[SummaryParams]:
    """The single-article settings the cross-validation chooses from (the shipped one among them)."""
    keys = list(GRID)
    settings: list[dict[str, Any]] = [
        dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(GRID[k] for k in keys))
    ]
    return [dataclasses.replace(SINGLE_ARTICLE_PARAMS, **s) for s in settings]


def _label(p: SummaryParams) -> str:
    """Short name of a setting: its grid values."""
    return "/".join(f"{k[:3]}={getattr(p, k):g}" for k in GRID)


def _variant_gains(
    docs: Sequence[Document],
    refs: Sequence[Sequence[Grams]],
    base: Sequence[Sequence[str]],
    variants: Sequence[SummaryParams],
    rouge: NgramRouge,
) -> list[list[tuple[float, float]]]:
    """Per variant, per article: (R1, R2) of the variant's summary minus Lead-3's."""
    gains: list[list[tuple[float, float]]] = [[] for _ in variants]
    for doc, ref, lead3 in zip(docs, refs, base, strict=True):
        if not ref:
            for g in gains:
                g.append((0.0, 0.0))
            continue
        b1, b2 = rouge.against(lead3, ref)
        seen: dict[tuple[str, ...], tuple[float, float]] = {}
        for g, picked in zip(gains, summarize_variants([doc], N_SENTENCES, variants), strict=True):
            key = tuple(p.text for p in picked)
            if key not in seen:
                r1, r2 = rouge.against(key, ref)
                seen[key] = (r1 - b1, r2 - b2)
            g.append(seen[key])
    return gains


def choose(
    variants: Sequence[SummaryParams],
    dev_gains: Sequence[Sequence[tuple[float, float]]],
    train: Sequence[int],
    outlet_gains: Sequence[Sequence[tuple[float, float]]] | None,
) -> int:
    """The tuning rule: highest worst-case lower bound of the R2 gain (dev training folds, cross-outlet)."""

    def key(v: int) -> tuple[float, float]:
        d2 = [dev_gains[v][i][1] for i in train]
        bound = _lower_bound(d2)
        if outlet_gains is not None:
            bound = min(bound, _lower_bound([g[1] for g in outlet_gains[v]]))
        mean = sum(dev_gains[v][i][0] + dev_gains[v][i][1] for i in train) / len(train)
        return (round(bound, 9), mean)

    return max(range(len(variants)), key=key)


def cross_validate(
    variants: Sequence[SummaryParams],
    dev_gains: Sequence[Sequence[tuple[float, float]]],
    outlet_gains: Sequence[Sequence[tuple[float, float]]] | None,
    folds: int = FOLDS,
    repeats: int = REPEATS,
) -> dict[str, Any]:
    """K-fold x R cross-validation of the tuning rule: out-of-fold gains over Lead-3."""
    n = len(dev_gains[0])
    sums = [[0.0, 0.0] for _ in range(n)]
    chosen: Counter[int] = Counter()
    for rep in range(repeats):
        order = list(range(n))
        random.Random(CV_SEED + rep).shuffle(order)
        for f in range(folds):
            test = set(order[f::folds])
            train = [i for i in range(n) if i not in test]
            v = choose(variants, dev_gains, train, outlet_gains)
            chosen[v] += 1
            for i in test:
                sums[i][0] += dev_gains[v][i][0] / repeats
                sums[i][1] += dev_gains[v][i][1] / repeats
    full = choose(variants, dev_gains, list(range(n)), outlet_gains)
    return {
        "folds": folds,
        "repeats": repeats,
        "rouge1": _paired([s[0] for s in sums]),
        "rouge2": _paired([s[1] for s in sums]),
        "chosen": [(_label(variants[v]), k) for v, k in chosen.most_common(3)],
        "rule_on_all": _label(variants[full]),
        "rule_on_all_is_shipped": variants[full] == SINGLE_ARTICLE_PARAMS,
        "with_cross_outlet": outlet_gains is not None,
    }


# ----- speed ----------------------------------------------------------------------------------------------------


def _timed(system: Summarizer, rows: Sequence[dict[str, Any]]) -> tuple[list[list[str]], float]:
    """Run a summarizer over the rows; return the summaries and articles per CPU-second."""
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


# ----- the run --------------------------------------------------------------------------------------------------


def run(
    data_dir: str | Path | None = None,
    limit: int | None = None,
    in_process: bool = False,
    folds: int = FOLDS,
    repeats: int = REPEATS,
) -> dict[str, Any]:
    """Run the benchmark; return {"skipped": reason} or every figure of the tables."""
    data = Path(data_dir) if data_dir else DEFAULT_DATA
    rows = load_articles(data, limit)
    if rows is None:
        return {"skipped": f"no {DATASET} in {data}"}
    missing = [m for m in ("rouge_score", "sumy", "nltk") if importlib.util.find_spec(m) is None]
    if missing:
        return {"skipped": f"{', '.join(missing)} not installed: pip install -e '.[bench]'"}
    refs = [r["reference"] for r in rows]
    systems: dict[str, Summarizer] = {
        "Briefbot": briefbot,
        "Lead-3": lead,
        "Briefbot, previous": briefbot_previous,
        "LexRank (sumy)": sumy_system("lexrank"),
        "TextRank (sumy)": sumy_system("textrank"),
    }
    results: dict[str, Any] = {"articles": len(rows), "data": str(data), "systems": {}}
    summaries: dict[str, list[list[str]]] = {}
    for name, system in systems.items():
        out, speed = _timed(system, rows)
        summaries[name] = out
        res = score(out, refs)
        res["articles_per_s"] = speed
        results["systems"][name] = res
    bb = results["systems"]["Briefbot"]
    bb["in_process_per_s"] = bb["articles_per_s"]
    bb["speed_via"] = "in-process"
    if not in_process:
        cli = cli_throughput(rows, summaries["Briefbot"])
        if cli is not None:
            bb["articles_per_s"] = cli
            bb["speed_via"] = "cli"

    base = results["systems"]["Lead-3"]
    results["paired"] = {
        name: {
            m: _paired([a - b for a, b in zip(res[m + "_per_article"], base[m + "_per_article"], strict=True)])
            for m in METRICS
        }
        for name, res in results["systems"].items()
        if name in ("Briefbot", "Briefbot, previous")
    }

    rouge = NgramRouge()
    dev_refs = [[rouge.grams(ref.split("\n"))] for ref in refs]
    for name in ("Briefbot", "Lead-3"):  # the fast scorer must agree with rouge_score
        fast = [rouge.against(s, r)[1] for s, r in zip(summaries[name], dev_refs, strict=True)]
        slow = results["systems"][name]["rouge2_per_article"]
        if max((abs(a - b) for a, b in zip(fast, slow, strict=True)), default=0.0) > 1e-6:
            logger.warning("the n-gram scorer disagrees with rouge_score on %s", name)

    variants = grid()
    docs = [Document(text=r["text"], title=r.get("title")) for r in rows]
    dev_gains = _variant_gains(docs, dev_refs, summaries["Lead-3"], variants, rouge)

    outlet_gains = None
    outlet_rows = _load_jsonl(data / CROSS_OUTLET)
    if outlet_rows:
        outlet_refs = cross_outlet_references(outlet_rows, rouge)
        outlet_docs = [Document(text=r["text"], title=r.get("title") or None) for r in outlet_rows]
        outlet_lead = [lead(r["text"]) for r in outlet_rows]
        outlet_gains = _variant_gains(outlet_docs, outlet_refs, outlet_lead, variants, rouge)
        previous = _variant_gains(outlet_docs, outlet_refs, outlet_lead, [STORY_PARAMS], rouge)[0]
        shipped = outlet_gains[variants.index(SINGLE_ARTICLE_PARAMS)]
        results["cross_outlet"] = {
            "articles": sum(1 for r in outlet_refs if r),
            "references": sum(len(r) for r in outlet_refs) / max(1, sum(1 for r in outlet_refs if r)),
            "lead3": [
                sum(rouge.against(s, r)[k] for s, r in zip(outlet_lead, outlet_refs, strict=True) if r)
                / max(1, sum(1 for r in outlet_refs if r))
                for k in (0, 1)
            ],
            "systems": {
                name: {"rouge1": _paired([g[0] for g in gains]), "rouge2": _paired([g[1] for g in gains])}
                for name, gains in (("Briefbot", shipped), ("Briefbot, previous", previous))
            },
        }
    results["cv"] = cross_validate(variants, dev_gains, outlet_gains, folds, repeats)
    results["cv"]["lead3"] = [base["rouge1"], base["rouge2"]]
    return results


# ----- output ---------------------------------------------------------------------------------------------------


def _ci(stat: dict[str, Any]) -> str:
    """'+0.47 [+0.11,+0.83]' for a paired statistic."""
    lo, hi = stat["ci"]
    return f"{stat['mean']:+.2f} [{lo:+.2f},{hi:+.2f}]"


def _wtl(stat: dict[str, Any]) -> str:
    """'51/305/34' wins/ties/losses."""
    return f"{stat['wins']}/{stat['ties']}/{stat['losses']}"


def format_table(results: dict[str, Any]) -> str:
    """Render the results as plain-text tables."""
    if "skipped" in results:
        return f"skipped: {results['skipped']}"
    head = f"{'system':<19} {'ROUGE-1':>20} {'ROUGE-2':>20} {'ROUGE-Lsum':>20} {'words':>6} {'art/s':>8}"
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
        speed = f"{res['articles_per_s']:8.0f}" + ("*" if res.get("speed_via") == "cli" else "")
        lines.append(f"{name:<19} {cells[0]:>20} {cells[1]:>20} {cells[2]:>20} {res['words']:6.1f} {speed}")
    lines.append("Briefbot, previous: the settings fitted to these articles before (now the multi-article ones)")

    lines += ["", "Paired against Lead-3, same articles: mean difference [95% paired bootstrap CI], wins/ties/losses"]
    head = f"{'system':<19} {'dROUGE-1':>20} {'dROUGE-2':>20} {'dROUGE-Lsum':>20}   {'R1 W/T/L':>11} {'R2 W/T/L':>11}"
    lines += [head, "-" * len(head)]
    for name, pair in results["paired"].items():
        lines.append(
            f"{name:<19} {_ci(pair['rouge1']):>20} {_ci(pair['rouge2']):>20} {_ci(pair['rougeLsum']):>20}   "
            f"{_wtl(pair['rouge1']):>11} {_wtl(pair['rouge2']):>11}"
        )

    cv = results["cv"]
    r1, r2 = cv["lead3"]
    lines += [
        "",
        f"Cross-validated ({cv['folds']}-fold x {cv['repeats']}): settings re-tuned inside each fold on its training "
        "folds" + (" and the cross-outlet check" if cv["with_cross_outlet"] else "") + ",",
        "  rule: highest worst-case lower 95% bound of the R2 gain over Lead-3; figures are out-of-fold",
        f"  Briefbot - Lead-3: dR1 {_ci(cv['rouge1'])}  dR2 {_ci(cv['rouge2'])}  "
        f"R1 W/T/L {_wtl(cv['rouge1'])}  R2 W/T/L {_wtl(cv['rouge2'])}",
        f"  i.e. R1 {r1 + cv['rouge1']['mean']:.2f} / R2 {r2 + cv['rouge2']['mean']:.2f} vs Lead-3 {r1:.2f} / {r2:.2f}",
        "  chosen in folds: " + ", ".join(f"{name} x{k}" for name, k in cv["chosen"]),
        f"  rule on all articles: {cv['rule_on_all']}"
        + (" (the shipped setting)" if cv["rule_on_all_is_shipped"] else " (NOT the shipped setting)"),
    ]

    outlet = results.get("cross_outlet")
    if outlet:
        lines += [
            "",
            f"Cross-outlet check: {outlet['articles']} ECB+ articles; reference = first {REFERENCE_SENTENCES} "
            f"sentences of each other outlet's article on the event ({outlet['references']:.1f} per article), "
            "mean F1",
            f"  Lead-3: R1 {outlet['lead3'][0]:.2f} / R2 {outlet['lead3'][1]:.2f}",
        ]
        for name, pair in outlet["systems"].items():
            lines.append(
                f"  {name} - Lead-3: dR1 {_ci(pair['rouge1'])}  dR2 {_ci(pair['rouge2'])}  "
                f"R1 W/T/L {_wtl(pair['rouge1'])}"
            )

    bb, l3 = results["systems"]["Briefbot"], results["systems"]["Lead-3"]
    lines += ["", "Speed, articles per CPU-second (process CPU time, one core, same run):"]
    lead3 = f"Lead-3 {l3['articles_per_s']:,.0f} in-process"
    inside = f"{bb['in_process_per_s']:,.0f} in-process"
    if bb.get("speed_via") == "cli":
        cli = f"{bb['articles_per_s']:,.0f} through `briefbot summarize --jsonl` (start-up excluded)"
        lines += [f"  Briefbot {cli}, {inside}; {lead3}", "* art/s of Briefbot measured through the CLI"]
    else:
        lines.append(f"  Briefbot {inside}; {lead3}")
    return "\n".join(lines)


def _slim(results: dict[str, Any]) -> dict[str, Any]:
    """The results without per-article lists, for JSON output."""
    slim = {k: v for k, v in results.items() if k != "systems"}
    slim["systems"] = {
        name: {k: v for k, v in res.items() if not k.endswith("_per_article")}
        for name, res in results.get("systems", {}).items()
    }
    return slim


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None, help=f"directory holding {DATASET}")
    ap.add_argument("--limit", type=int, default=None, help="use only the first N articles")
    ap.add_argument("--in-process", action="store_true", help="time Briefbot in-process only")
    ap.add_argument("--folds", type=int, default=FOLDS, help="cross-validation folds")
    ap.add_argument("--repeats", type=int, default=REPEATS, help="cross-validation repetitions")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    results = run(args.data, args.limit, args.in_process, args.folds, args.repeats)
    print(json.dumps(_slim(results), indent=2) if args.json else format_table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
