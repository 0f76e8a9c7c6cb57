"""Packed perceptron weights and the greedy POS/chunk tagger, with bounded per-word caches.

The taggers spend their time summing feature weights. Features that depend on one word
only (or on a word and the previous tag) are summed once per word and kept in bounded
caches shared across documents; a cache changes nothing in the results, only the time.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from typing import Any

from briefings.nlp import features as F
from briefings.nlp.perceptron import Scorer

CACHE_LIMIT = 200_000
SENTENCE_CACHE = 2_000
# Score vectors are packed into one Python int, FIELD bits per class, so that summing the
# weights of a token's features is a plain integer sum. Weights are kept to 0.01.
FIELD = 32
_HALF = 1 << (FIELD - 1)
MASK = (1 << FIELD) - 1
SCALE = 100


class Packed:
    """Perceptron weights packed as one integer per feature, with packed-score helpers."""

    def __init__(self, classes: Sequence[str], weights: dict[str, int]) -> None:
        self.classes = list(classes)
        n = len(self.classes)
        self.shifts = tuple(FIELD * c for c in range(n))
        self.nbytes = n * FIELD // 8
        # Every field carries the same bias, so fields never borrow from each other and
        # comparing biased fields compares the scores.
        self.bias = sum(_HALF << s for s in self.shifts)
        self.weights = weights  # feature -> sum of (weight x SCALE) << shifts[class]
        # allowed[prev] -> class indices that may follow class ``prev`` (last row: start)
        self.allowed = tuple(
            tuple(k for k, t in enumerate(self.classes) if F.allowed(p, t)) for p in [*self.classes, "O"]
        )
        self.everything = tuple(range(n))

    @classmethod
    def from_scorer(cls, scorer: Scorer) -> Packed:
        """Pack the weights of a (dense) scorer."""
        shifts = [FIELD * c for c in range(len(scorer.classes))]
        return cls(
            scorer.classes,
            {f: sum(round(w * SCALE) << s for s, w in zip(shifts, v, strict=True)) for f, v in scorer.weights.items()},
        )

    def total(self, feats: list[str]) -> int:
        """Return the packed summed score of ``feats``."""
        return sum(map(self.weights.get, feats, repeat(0)))

    def best(self, packed: int, candidates: tuple[int, ...]) -> int:
        """Return the index of the best-scoring class among ``candidates`` (first on ties)."""
        t = packed + self.bias
        shifts = self.shifts
        return max(candidates, key=lambda k: (t >> shifts[k]) & MASK)

    def unpack(self, packed: int) -> list[float]:
        """Return the per-class scores of a packed score."""
        t = packed + self.bias
        return [(((t >> s) & MASK) - _HALF) / SCALE for s in self.shifts]

    def transitions(self) -> list[list[int]]:
        """Return the packed "t-1=" plus "t-2=" weights by ``[prev2][prev]`` (last: "<s>")."""
        labels = [*self.classes, "<s>"]
        get = self.weights.get
        out: list[list[int]] = []
        for p2 in labels:
            out.append([get("t-1=" + p1, 0) + get("t-2=" + p2 + "|" + p1, 0) for p1 in labels])
        return out


def bigram_index(weights: dict[str, int]) -> dict[tuple[str, str], tuple[int, int]]:
    """Index the "b+=A|B" and "b-=A|B" weights by ``(A, B)``: (b+ weight, b- weight)."""
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for key, vec in weights.items():
        side = key[:3]
        if side not in ("b+=", "b-="):
            continue
        rest = key[3:]
        # a norm may hold "|" itself: every split names the same feature
        for p in (k for k, c in enumerate(rest) if c == "|"):
            pair = (rest[:p], rest[p + 1 :])
            plus, minus = out.get(pair, (0, 0))
            out[pair] = (vec, minus) if side == "b+=" else (plus, vec)
    return out


def window_index(weights: dict[str, int], prefix: str) -> dict[tuple[str, str, str], int]:
    """Index the "PREFIX=A|B|C" weights (F.shape_window) by ``(A, B, C)``."""
    out: dict[tuple[str, str, str], int] = {}
    for key, vec in weights.items():
        if not key.startswith(prefix):
            continue
        rest = key[len(prefix) :]
        cuts = [k for k, c in enumerate(rest) if c == "|"]
        # a shape may hold "|" itself: every split names the same feature
        for x, p in enumerate(cuts):
            for q in cuts[x + 1 :]:
                out[(rest[:p], rest[p + 1 : q], rest[q + 1 :])] = vec
    return out


_OFFSETS = ("-2", "-1", "1", "2")


def context_index(weights: dict[str, int]) -> dict[str, tuple[int, int, int, int]]:
    """Index the "OFFSET" + feature weights (neighbour features) by feature: at -2, -1, +1, +2."""
    out: dict[str, list[int]] = {}
    for key, vec in weights.items():
        if not key or key[0] not in "-12":
            continue
        size = 2 if key[0] == "-" else 1
        offset = key[:size]
        if offset in _OFFSETS:
            out.setdefault(key[size:], [0, 0, 0, 0])[_OFFSETS.index(offset)] = vec
    return {f: (v[0], v[1], v[2], v[3]) for f, v in out.items()}


def prev_tag_index(weights: dict[str, int], prefix: str, labels: Sequence[str]) -> dict[str, list[int]]:
    """Index "PREFIX=TAG|VALUE" weights by VALUE: one weight per previous tag, in ``labels`` order."""
    at = {label: k for k, label in enumerate(labels)}
    out: dict[str, list[int]] = {}
    for key, vec in weights.items():
        if not key.startswith(prefix):
            continue
        tag, _, value = key[len(prefix) :].partition("|")
        k = at.get(tag)
        if k is not None:
            out.setdefault(value, [0] * len(labels))[k] = vec
    return out


def bounded_put(cache: dict[Any, Any], key: Any, value: Any, limit: int = CACHE_LIMIT) -> None:
    """Store ``value`` in ``cache``, emptying it first when it is full."""
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value


# own weights, at -2, -1, +1, +2, norm, "t-1|n=" weights by previous tag
_PosWord = tuple[int, int, int, int, int, str, Sequence[int]]


class SequenceTagger:
    """Greedy left-to-right tagger for POS tags (kind "pos") or chunk tags (kind "chunk")."""

    def __init__(self, weights: Packed, kind: str) -> None:
        self.packed = weights
        self.kind = kind
        self.classes = weights.classes
        self._labels = [*self.classes, "<s>"]
        # word -> own POS weights, its weights as the word at -2, -1, +1, +2, its norm and
        # its "t-1|n=" weights by previous tag
        self._words: dict[str, _PosWord] = {}
        self._bigrams = bigram_index(weights.weights)  # (norm, next norm) -> "b+=", "b-="
        self._no_row = [0] * len(self._labels)
        # "t-1|n=" weights by norm and "t-1|p=" weights by POS tag, per previous tag
        self._after_norm = prev_tag_index(weights.weights, "t-1|n=", self._labels)
        self._after_pos = prev_tag_index(weights.weights, "t-1|p=", self._labels)
        # "t-1=" + "t-2=" weights by [prev2][prev], with the bias that keeps every field
        # positive (and, for POS tags, the "t-1|p=" weights of the empty tag)
        no_pos = self._after_pos.get("", self._no_row) if kind != "chunk" else self._no_row
        self._trans = [[weights.bias + v + no_pos[p] for p, v in enumerate(row)] for row in weights.transitions()]
        # per previous tag: the candidate tags and a reader of their packed fields
        # (little-endian bytes of the score), skipping the others
        n = len(self.classes)
        self._candidates = weights.allowed if kind == "chunk" else (weights.everything,) * (n + 1)
        self._fields: list[Callable[[bytes], tuple[int, ...]]] = [
            struct.Struct("<" + "".join("I" if k in row else "4x" for k in range(n))).unpack for row in self._candidates
        ]
        get = weights.weights.get
        self._notfirst = get("bias", 0) + get("notfirst", 0)
        self._first = get("first", 0) - get("notfirst", 0)
        self._pads = [(0, *self._context_vecs(w)) for w in (*F.PAD_LEFT, *F.PAD_RIGHT)]
        self._sentences: dict[tuple[tuple[str, ...], tuple[str, ...] | None], list[str]] = {}

    def _fill(self, word: str) -> _PosWord:
        """Sum the per-word POS weights of ``word`` and cache them."""
        n = F.norm(word)
        entry = (
            self.packed.total(F.pos_word_features(word)),
            *self._context_vecs(n),
            n,
            self._after_norm.get(n, self._no_row),
        )
        bounded_put(self._words, word, entry)
        return entry

    def _context_vecs(self, n: str) -> tuple[int, int, int, int]:
        """Return the packed weights of norm ``n`` as the word at -2, -1, +1 and +2."""
        total = self.packed.total
        return (
            total(F.pos_context_features(n, -2)),
            total(F.pos_context_features(n, -1)),
            total(F.pos_context_features(n, 1)),
            total(F.pos_context_features(n, 2)),
        )

    def _pos_static(self, words: Sequence[str]) -> tuple[list[int], list[Sequence[int]]]:
        """Return the packed tag-independent POS score of every token, and its "t-1|n=" weights.

        The sum is that of :func:`F.pos_static_features`, from cached per-word parts.
        """
        known, fill = self._words.get, self._fill
        entries = [known(w) or fill(w) for w in words]
        norms = [e[5] for e in entries]
        s2, s1, e1, e2 = self._pads
        padded = [s2, s1, *entries, e1, e2]
        chain = ["<s1>", *norms, "</s1>"]
        bigram = self._bigrams.get
        none = (0, 0)
        pairs = [bigram(pair, none) for pair in zip(chain, chain[1:], strict=False)]
        base = self._notfirst
        # own + at -2 + at -1 + at +1 + at +2 + "b-=" + "b+="
        out = [
            e[0] + m2[1] + m1[2] + p1[3] + p2[4] + left[1] + right[0] + base
            for e, m2, m1, p1, p2, left, right in zip(
                entries, padded, padded[1:], padded[3:], padded[4:], pairs, pairs[1:], strict=False
            )
        ]
        out[0] += self._first
        return out, [e[6] for e in entries]

    def tag(self, words: Sequence[str], pos: Sequence[str] | None = None) -> list[str]:
        """Tag one sentence's words (chunking needs their POS tags)."""
        if not words:
            return []
        key = (tuple(words), tuple(pos) if pos is not None else None)
        known = self._sentences.get(key)
        if known is not None:
            return list(known)
        tags = self._tag(words, pos)
        bounded_put(self._sentences, key, tags, SENTENCE_CACHE)
        return list(tags)

    def _tag(self, words: Sequence[str], pos: Sequence[str] | None) -> list[str]:
        """Tag one sentence (uncached)."""
        packed = self.packed
        if self.kind != "chunk":
            static, after = self._pos_static(words)
            extra: Iterable[Sequence[int]] = [self._no_row] * len(words)
        elif pos is None:
            raise ValueError("the chunker needs POS tags")
        else:
            static = [packed.total(f) for f in F.chunk_static_features(words, pos)]
            by_norm, no_row = self._after_norm.get, self._no_row
            after = [by_norm(F.norm(w), no_row) for w in words]
            extra = [self._after_pos.get(p, no_row) for p in pos]
        classes = self.classes
        trans = self._trans
        candidates = self._candidates
        fields = self._fields
        nbytes = packed.nbytes
        tags: list[str] = []
        prev_i = prev2_i = len(classes)
        for s, a, x in zip(static, after, extra, strict=True):
            t = s + trans[prev2_i][prev_i] + a[prev_i] + x[prev_i]
            f = fields[prev_i](t.to_bytes(nbytes, "little"))
            best = candidates[prev_i][f.index(max(f))]  # the first best on ties
            tags.append(classes[best])
            prev2_i, prev_i = prev_i, best
        return tags
