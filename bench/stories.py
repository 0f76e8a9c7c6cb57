"""Story clustering benchmark: `python -m bench.stories` prints one table.

Streams ``../shared/eval/clustering/ecbplus-dev.jsonl`` in file order (gold ``story`` stripped) and
scores the story each article lands in with B-cubed precision / recall / F1 and the story count:

* Briefbot through the real CLI, ``briefbot import`` on a fresh temporary database (slugs resolved
  through aliases at the end, so stories merged meanwhile count as one), with its articles/s;
* ``briefings.clustering`` run in-process over the same rows (the same single-pass decisions,
  every story a candidate, then with a simulated full-text prefilter), with later merges;
* every article its own story;
* TF-IDF single-pass centroid clustering, its cosine threshold (and tf form) tuned on these rows;

then how F1 moves with the two constants, and the cost of one ``add`` + ``score`` on a story of
5 articles against one of 500. Skips with a message when the evaluation data is absent.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from briefings import clustering
from briefings.clustering import ArticleSignature, StoryProfile
from briefings.facts import extract_facts
from briefings.textstats import STOPWORDS
from briefings.titles import derive_title

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "eval" / "clustering" / "ecbplus-dev.jsonl"
Row = dict[str, Any]
Score = tuple[float, float, float, int]  # precision, recall, F1, predicted stories


def bcubed(pred: Sequence[object], gold: Sequence[object]) -> Score:
    """B-cubed precision, recall and F1 of a clustering against the gold one, and its cluster count."""
    pairs = Counter(zip(pred, gold, strict=True))
    in_pred, in_gold = Counter(pred), Counter(gold)
    n = len(pred) or 1
    p = sum(c * c / in_pred[a] for (a, _), c in pairs.items()) / n
    r = sum(c * c / in_gold[b] for (_, b), c in pairs.items()) / n
    return p, r, (2 * p * r / (p + r) if p + r else 0.0), len(in_pred)


# ----- (d) the TF-IDF single-pass baseline ------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")


def tfidf_vectors(rows: Sequence[Row], sublinear: bool) -> list[dict[str, float]]:
    """Unit TF-IDF vectors of title + text, idf fitted on these rows (the baseline's advantage)."""
    texts = [f"{r.get('title') or ''}\n{r['text']}".lower() for r in rows]
    docs = [Counter(w for w in _WORD.findall(t) if w not in STOPWORDS and len(w) > 1) for t in texts]
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(doc.keys())
    n = len(docs)
    idf = {w: math.log((1 + n) / (1 + k)) + 1 for w, k in df.items()}
    out = []
    for doc in docs:
        vec = {w: ((1 + math.log(c)) if sublinear else c) * idf[w] for w, c in doc.items()}
        norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
        out.append({w: x / norm for w, x in vec.items()})
    return out


def single_pass(vectors: Sequence[dict[str, float]], threshold: float) -> list[int]:
    """Join the most similar centroid (cosine) when at least ``threshold``, else start a cluster."""
    sums: list[dict[str, float]] = []
    norms2: list[float] = []
    postings: dict[str, list[int]] = {}
    pred: list[int] = []
    for vec in vectors:
        dots: dict[int, float] = {}
        for w, x in vec.items():
            for c in postings.get(w, ()):
                dots[c] = dots.get(c, 0.0) + x * sums[c][w]
        best, best_c = -1.0, -1
        for c, d in dots.items():
            cos = d / math.sqrt(norms2[c])
            if cos > best:
                best, best_c = cos, c
        if best >= threshold:
            norms2[best_c] += 2 * dots[best_c] + 1.0
            target = sums[best_c]
        else:
            best_c = len(sums)
            sums.append({})
            norms2.append(1.0)
            target = sums[best_c]
        for w, x in vec.items():
            if w not in target:
                postings.setdefault(w, []).append(best_c)
            target[w] = target.get(w, 0.0) + x
        pred.append(best_c)
    return pred


def tuned_baseline(rows: Sequence[Row], gold: Sequence[str]) -> tuple[Score, str]:
    """The best TF-IDF single pass over a grid of thresholds and both tf forms."""
    best: tuple[Score, str] = ((0.0, 0.0, 0.0, 0), "")
    for sublinear in (False, True):
        vectors = tfidf_vectors(rows, sublinear)
        for step in range(5, 61):
            th = step / 100
            s = bcubed(single_pass(vectors, th), gold)
            if s[2] > best[0][2]:
                best = (s, f"cosine >= {th:.2f}, {'1+log tf' if sublinear else 'raw tf'}")
    return best


# ----- (b) briefings.clustering in-process --------------------------------------------------------


def signatures(rows: Sequence[Row]) -> tuple[list[ArticleSignature], float]:
    """Every row's signature as the service builds it (derived title, key facts), and ms/article."""
    out = []
    spent = 0.0
    for row in rows:
        title = row.get("title") or derive_title(row["text"])
        published = _when(row.get("published"))
        facts = extract_facts(row["text"], title=title, published=published)
        t0 = time.perf_counter()
        out.append(clustering.signature(title, row["text"], facts, published))
        spent += time.perf_counter() - t0
    return out, 1000 * spent / max(1, len(rows))


def simulate(sigs: Sequence[ArticleSignature], *, prefilter: int | None = None, splits: bool = True) -> list[int]:
    """Single-pass decisions as the service makes them: join the best story or start one, then split a young
    story the article joined when it holds two events (the half with the oldest article keeps the story)."""
    profiles: dict[int, StoryProfile] = {}
    members: dict[int, list[int]] = {}
    where: list[int] = []
    for i, sig in enumerate(sigs):
        now = sig.published
        candidates = list(profiles.items())
        if prefilter is not None:
            candidates = _prefilter(sig, candidates, prefilter)
        key = clustering.choose(sig, candidates, now)
        if key is None:
            key = i
            profiles[key], members[key] = StoryProfile(), []
        profiles[key] = profiles[key].add(sig)
        members[key].append(i)
        where.append(key)
        young = now is None or profiles[key].first is None or now - profiles[key].first <= clustering.YOUNG
        moved = clustering.split([sigs[j].terms for j in members[key]]) if splits and young and key != i else None
        if moved:
            gone = {members[key][p] for p in moved}
            members[key] = [j for j in members[key] if j not in gone]
            new = len(sigs) + i
            members[new] = sorted(gone)
            profiles[key] = StoryProfile.of([sigs[j] for j in members[key]])
            profiles[new] = StoryProfile.of([sigs[j] for j in members[new]])
            for j in gone:
                where[j] = new
    return where


def _prefilter(
    sig: ArticleSignature, candidates: list[tuple[int, StoryProfile]], limit: int
) -> list[tuple[int, StoryProfile]]:
    """Mimic the store's candidate look-up: stories whose indexed terms share the most of the article's weight."""
    query = clustering.query_terms(sig)
    hits = []
    for key, profile in candidates:
        indexed = set(clustering.index_terms(profile))
        shared = sum(w for t, w in query if t in indexed)
        if shared > 0:
            hits.append((-shared, -(profile.last.timestamp() if profile.last else 0.0), key, profile))
    hits.sort(key=lambda h: h[:3])
    return [(k, p) for _, _, k, p in hits[:limit]]


# ----- (a) Briefbot through `briefbot import` --------------------------------------------------


def cli_import(rows: Sequence[Row]) -> tuple[list[str], float, int] | str:
    """Import the rows (no gold) into a fresh database; final story per row, seconds, error count."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "rows.jsonl"
        with src.open("w", encoding="utf-8") as f:
            for i, r in enumerate(rows):
                row = {k: r[k] for k in ("id", "title", "text", "url", "published", "outlet") if r.get(k)}
                row.setdefault("id", str(i))
                f.write(json.dumps(row) + "\n")
        db = Path(tmp) / "bench.db"
        cmd = [sys.executable, "-m", "bot.cli", "--db", str(db), "import", str(src)]
        env = {**os.environ, "BRIEFBOT_LOG_LEVEL": "WARNING"}
        t0 = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, check=False)
        seconds = time.perf_counter() - t0
        lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
        if len(lines) != len(rows):
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            return f"briefbot import gave {len(lines)} lines for {len(rows)} rows (exit {done.returncode}): {tail[0]}"
        final = _final_stories(db)
        errors = sum(1 for line in lines if "error" in line)
        stories = []
        for i, line in enumerate(lines):
            if "error" in line:
                stories.append(f"error-{i}")
            else:
                stories.append(final.get(int(line["article_id"]), line["story"]))
        return stories, seconds, errors


def _final_stories(db: Path) -> dict[int, str]:
    """Each article's story at the end of the import (after any merge), read from the database."""
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            rows = con.execute("SELECT a.id, s.slug FROM articles a JOIN stories s ON s.id = a.story_id").fetchall()
        finally:
            con.close()
    except sqlite3.Error:
        return {}
    return {int(a): str(s) for a, s in rows}


# ----- cost ------------------------------------------------------------------------------------


def add_cost(sigs: Sequence[ArticleSignature], size: int, repeat: int = 300) -> float:
    """Mean microseconds of ``score`` + ``add`` of the next ``repeat`` articles on a story of ``size`` articles.

    Amortised: the story's centroid is pruned back to ``STORY_TERMS`` entries once it holds twice as many.
    """
    profile = StoryProfile()
    for i in range(size):
        profile = profile.add(sigs[i % len(sigs)])
    t0 = time.perf_counter()
    for i in range(repeat):
        probe = sigs[(size + i) % len(sigs)]
        clustering.score(probe, profile)
        profile = profile.add(probe)
    return 1e6 * (time.perf_counter() - t0) / repeat


def choose_cost(sigs: Sequence[ArticleSignature], repeat: int = 200) -> float:
    """Median milliseconds of ``choose`` over 10 candidate stories of 1-50 articles."""
    cands = [(k, StoryProfile.of(sigs[k * 50 : k * 50 + 1 + k * 5])) for k in range(10)]
    times = []
    for i in range(repeat):
        t0 = time.perf_counter()
        clustering.choose(sigs[i % len(sigs)], cands)
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


# ----- the table -------------------------------------------------------------------------------


def _when(value: object) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _line(name: str, s: Score, gold_n: int, note: str = "") -> str:
    off = (s[3] - gold_n) / gold_n
    return f"{name:<44} {s[0]:6.3f} {s[1]:6.3f} {s[2]:6.3f} {s[3]:6d} {gold_n:5d} {off:+6.0%}  {note}"


def _with(name: str, value: float, run: Callable[[], list[int]]) -> list[int]:
    old = getattr(clustering, name)
    setattr(clustering, name, value)
    try:
        return run()
    finally:
        setattr(clustering, name, old)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the story clustering table (and the cost figures)."""
    ap = argparse.ArgumentParser(prog="python -m bench.stories", description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA, help="labelled JSON Lines stream (default: the ECB+ dev)")
    ap.add_argument("--no-cli", action="store_true", help="skip the `briefbot import` row")
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"skipped: {args.data} is absent (the evaluation data lives in ../shared/eval)")
        return 0
    rows = [json.loads(line) for line in args.data.read_text("utf-8").splitlines() if line.strip()]
    gold = [str(r["story"]) for r in rows]
    gold_n = len(set(gold))
    print(f"{args.data.name}: {len(rows)} articles, {gold_n} stories, streamed in file order\n")
    print(f"{'':<44} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6} {'pred':>6} {'gold':>5} {'count':>6}")
    if args.no_cli:
        print(f"{'(a) Briefbot: briefbot import':<44} skipped (--no-cli)")
    else:
        got = cli_import(rows)
        if isinstance(got, str):
            print(f"{'(a) Briefbot: briefbot import':<44} skipped: {got}")
        else:
            stories, seconds, errors = got
            note = f"{len(rows) / seconds:.1f} articles/s, {errors} errors"
            print(_line("(a) Briefbot: briefbot import", bcubed(stories, gold), gold_n, note), flush=True)
    sigs, sig_ms = signatures(rows)
    print(_line("(b) clustering in-process, all candidates", bcubed(simulate(sigs), gold), gold_n), flush=True)
    print(_line("    ... store-like look-up, 10 candidates", bcubed(simulate(sigs, prefilter=10), gold), gold_n))
    print(_line("    ... without splits", bcubed(simulate(sigs, splits=False), gold), gold_n))
    print(_line("(c) every article its own story", bcubed(list(range(len(rows))), gold), gold_n))
    base, how = tuned_baseline(rows, gold)
    print(_line("(d) TF-IDF single pass, tuned", base, gold_n, how), flush=True)

    shipped = f"JOIN_THRESHOLD = {clustering.JOIN_THRESHOLD}, SPLIT_RATIO = {clustering.SPLIT_RATIO}"
    print(f"\nSensitivity of (b) ({shipped}):")
    cells = []
    for th in (0.14, 0.18, 0.22, 0.26, 0.30, 0.34):
        s = bcubed(_with("JOIN_THRESHOLD", th, lambda: simulate(sigs)), gold)
        cells.append(f"{th:.2f}: {s[2]:.3f}/{s[3]}")
    print("  JOIN_THRESHOLD -> F1/stories  " + "  ".join(cells))
    cells = []
    for ratio in (0.5, 0.55, 0.6, 0.65, 0.7):
        s = bcubed(_with("SPLIT_RATIO", ratio, lambda: simulate(sigs)), gold)
        cells.append(f"{ratio:.2f}: {s[2]:.3f}/{s[3]}")
    print("  SPLIT_RATIO    -> F1/stories  " + "  ".join(cells))

    small, large = add_cost(sigs, 5), add_cost(sigs, 500)
    print(
        f"\nCost: signature {sig_ms:.2f} ms/article (after the key facts); choose over 10 candidates "
        f"{choose_cost(sigs):.3f} ms;\n      add+score on a story of 5: {small:.1f} us, of 500: {large:.1f} us "
        f"(ratio {large / small:.2f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
