"""Distributional word clusters learnt from unlabelled text (used when training the entity tagger).

Each word seen often enough is described by the words just before and after it (positive
pointwise mutual information with the most frequent words, L2-normalised), and the words
are split top-down by spherical k-means into ``BRANCH`` groups, ``DEPTH`` times. A word's
cluster path is the string of its group digits ("3102"): words sharing a prefix occur in
similar contexts, and prefixes of several lengths give coarse and fine features. Pure
Python and deterministic (seeded k-means++ start).
"""

from __future__ import annotations

import logging
import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence

from briefings.nlp.features import norm

log = logging.getLogger(__name__)

BRANCH = 4
DEPTH = 5
MIN_COUNT = 3
CONTEXT_WORDS = 1500
MIN_SPLIT = 12

Vector = dict[str, float]


def context_vectors(sentences: Iterable[Sequence[str]], min_count: int = MIN_COUNT) -> dict[str, Vector]:
    """Return an L2-normalised PPMI vector of left and right neighbours for each frequent norm."""
    counts: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for words in sentences:
        norms = ["<s>", *(norm(w) for w in words), "</s>"]
        counts.update(norms[1:-1])
        for k in range(1, len(norms) - 1):
            pairs[(norms[k], "L" + norms[k - 1])] += 1
            pairs[(norms[k], "R" + norms[k + 1])] += 1
    top = {n for n, _ in counts.most_common(CONTEXT_WORDS)} | {"<s>", "</s>"}
    ctx_counts: Counter[str] = Counter()
    kept: Counter[tuple[str, str]] = Counter()
    for (n, c), k in pairs.items():
        if counts[n] < min_count:
            continue
        c = c if c[1:] in top else c[0] + "<rare>"
        kept[(n, c)] += k
        ctx_counts[c] += k
    total = sum(ctx_counts.values())
    vectors: dict[str, Vector] = {}
    for (n, c), k in kept.items():
        pmi = math.log(k * total / ((2 * counts[n]) * ctx_counts[c]))
        if pmi > 0:
            vectors.setdefault(n, {})[c] = pmi
    for vec in vectors.values():
        size = math.sqrt(sum(v * v for v in vec.values()))
        for c in vec:
            vec[c] /= size
    return vectors


def _dot(vec: Vector, centre: Vector) -> float:
    """Return the dot product of a sparse vector with a centre."""
    get = centre.get
    return sum(v * get(c, 0.0) for c, v in vec.items())


def _centre(members: Sequence[Vector]) -> Vector:
    """Return the L2-normalised mean direction of ``members``."""
    out: Vector = {}
    for vec in members:
        for c, v in vec.items():
            out[c] = out.get(c, 0.0) + v
    size = math.sqrt(sum(v * v for v in out.values())) or 1.0
    return {c: v / size for c, v in out.items()}


def kmeans(vectors: Sequence[Vector], k: int, rng: random.Random, iterations: int = 8) -> list[int]:
    """Split unit vectors into ``k`` groups by spherical k-means; return each one's group."""
    if len(vectors) <= k:
        return list(range(len(vectors)))
    centres = [vectors[rng.randrange(len(vectors))]]
    while len(centres) < k:  # k-means++: far from the chosen centres is more likely
        gaps = [1.0 - max(_dot(v, c) for c in centres) for v in vectors]
        total = sum(gaps)
        pick = rng.random() * total if total > 0 else 0.0
        i = 0
        while i < len(gaps) - 1 and pick > gaps[i]:
            pick -= gaps[i]
            i += 1
        centres.append(vectors[i])
    assign = [0] * len(vectors)
    for _ in range(iterations):
        new = [max(range(k), key=lambda j: _dot(v, centres[j])) for v in vectors]  # noqa: B023
        if new == assign and _ > 0:
            break
        assign = new
        centres = [_centre([v for v, a in zip(vectors, assign, strict=True) if a == j]) for j in range(k)]
    return assign


def cluster_paths(
    vectors: dict[str, Vector],
    seed: int = 1,
    branch: int = BRANCH,
    depth: int = DEPTH,
    min_split: int = MIN_SPLIT,
) -> dict[str, str]:
    """Return each word's cluster path, splitting the words top-down ``depth`` times.

    A group of fewer than ``min_split`` words is not split again (its words get "0").
    """
    rng = random.Random(seed)
    paths = dict.fromkeys(vectors, "")
    groups: list[list[str]] = [sorted(vectors)]
    for level in range(depth):
        next_groups: list[list[str]] = []
        for words in groups:
            if len(words) < min_split:
                for w in words:
                    paths[w] += "0"
                next_groups.append(words)
                continue
            assign = kmeans([vectors[w] for w in words], branch, rng)
            parts: list[list[str]] = [[] for _ in range(branch)]
            for w, a in zip(words, assign, strict=True):
                paths[w] += str(a)
                parts[a].append(w)
            next_groups.extend(p for p in parts if p)
        groups = next_groups
        log.info("clusters: level %d, %d groups", level + 1, len(groups))
    return paths
