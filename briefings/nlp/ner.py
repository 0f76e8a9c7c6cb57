"""The greedy averaged-perceptron entity tagger (BIO tags), with per-word score caching."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import NamedTuple

from briefings.nlp import features as F
from briefings.nlp.ner_rules import drop_heading_guesses, retype_known_phrases, split_titles, truecase_heading
from briefings.nlp.scoring import MASK as _MASK
from briefings.nlp.scoring import (
    Packed,
    bigram_index,
    bounded_put,
    context_index,
    prev_tag_index,
    window_index,
)

log = logging.getLogger(__name__)

# norms, tag-independent scores, previous-tag weights per token
_Prepared = tuple[list[str], list[int], list[tuple[list[int], list[int]]]]


_SCASES = ("U", "T", "n")  # F.sentence_case values
_DCASES = ("-", "C", "L", "M")  # F.document_casing values ("-": not seen)
_HISTORY = ("-", "O", *F.ENTITY_TYPES)  # F.update_history values
_NO_MARK = "-"


class _Word(NamedTuple):
    """Cached tag-independent NER weights and forms of one word."""

    # own features plus the sentence-level ones for every (sentence case, document
    # casing) pair, index 4 * _SCASES index + _DCASES index, no phrase marks, not first
    base: tuple[int, ...]
    at_m2: int  # its features as the word two before (F.ner_context_features at -2)
    at_m1: int
    at_p1: int
    at_p2: int
    norm: str
    shape: str


class NerTagger:
    """Greedy left-to-right BIO entity tagger with per-word score caching.

    The scores are those of the features in briefings/nlp/features.py, summed from a
    bounded cache of per-word parts and from weights indexed by bigram and by word.
    """

    def __init__(self, weights: Packed, lexicon: F.Lexicon, two_pass: bool = False) -> None:
        self.packed = weights
        self.lex = lexicon
        self.two_pass = two_pass
        self.classes = weights.classes
        get = weights.weights.get
        labels = [*self.classes, "<s>"]
        self._trans = weights.transitions()
        # per previous tag: the bit shifts of the packed fields of the tags allowed next
        self._allowed_shifts = tuple(tuple(weights.shifts[k] for k in row) for row in weights.allowed)
        self._words: dict[str, _Word] = {}
        self._context = context_index(weights.weights)
        self._bigrams = bigram_index(weights.weights)
        self._windows = window_index(weights.weights, "sw=")
        self._after_norm = prev_tag_index(weights.weights, "t-1|n=", labels)
        self._after_shape = prev_tag_index(weights.weights, "t-1|s=", labels)
        self._no_row = [0] * len(labels)
        self._hist = {h: get("hist=" + h, 0) for h in _HISTORY}
        marks = [_NO_MARK, *(p + t for t in F.ENTITY_TYPES for p in "BI")]
        self._pg = {m: get("pg=" + m, 0) - get("pg=" + _NO_MARK, 0) for m in marks}
        self._wg = {m: get("wg=" + m, 0) - get("wg=" + _NO_MARK, 0) for m in marks}
        self._no_marks = get("pg=" + _NO_MARK, 0) + get("wg=" + _NO_MARK, 0)
        # [sentence case][first word?][document casing] -> "bias" + "sc=" + "dc|sc=" weights
        self._sent = [
            [
                [get("bias", 0) + get("sc=" + sc, 0) + get("dc|sc=" + dc + sc + first, 0) for dc in _DCASES]
                for first in ("1", "0")
            ]
            for sc in _SCASES
        ]

    def _word(self, word: str) -> _Word:
        """Return the cached per-word weights and forms of ``word``."""
        entry = self._words.get(word)
        if entry is None:
            total = self.packed.total
            get = self.packed.weights.get
            zero = (0, 0, 0, 0)
            at = [self._context.get(f, zero) for f in F.ner_context_features(word, self.lex)]
            sh = F.shape(word)
            cc = F.case_class(word)
            own = total(F.ner_word_features(word, self.lex)) + self._no_marks
            entry = _Word(
                tuple(
                    own + get("sc|s=" + sc + sh, 0) + get("dc=" + dc + cc, 0) + self._sent[k][0][d]
                    for k, sc in enumerate(_SCASES)
                    for d, dc in enumerate(_DCASES)
                ),
                sum([v[0] for v in at]),
                sum([v[1] for v in at]),
                sum([v[2] for v in at]),
                sum([v[3] for v in at]),
                F.norm(word),
                sh,
            )
            bounded_put(self._words, word, entry)
        return entry

    def tag_document(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """Tag the sentences of one document (two passes when the model has doc features)."""
        original = sentences
        sentences = [truecase_heading(words, self.lex) for words in sentences]
        cases = [F.sentence_case(words) for words in sentences]
        index = {d: k for k, d in enumerate(_DCASES)}
        casing = {n: index[c] for n, c in F.document_casing(sentences, cases).items()}
        prepared = [self._prepare(w, c, casing) for w, c in zip(sentences, cases, strict=True)]
        tags = self._decode_all(sentences, prepared, None)
        if self.two_pass:
            doc = F.document_features(sentences, tags)
            tags = self._decode_all(sentences, prepared, doc)
        lex = self.lex
        return [
            retype_known_phrases(w, drop_heading_guesses(w, split_titles(w, t, lex), lex), lex)
            for w, t in zip(original, tags, strict=True)
        ]

    def _prepare(self, words: Sequence[str], scase: str, casing: dict[str, int]) -> _Prepared:
        """Return the norms, the packed tag-independent score of each token and its
        previous-tag weights ("t-1|n=" plus "t-1|s=", by previous tag).

        The score is that of :func:`F.ner_static_features` (the shape window "sw=" is
        :func:`F.shape_window`) with the document casing
        (``casing`` maps a norm to its index in ``_DCASES``).
        """
        if not words:
            return [], [], []
        lex = self.lex
        word = self._word
        entries = [word(w) for w in words]
        norms = [e.norm for e in entries]
        padded = [word("<s2>"), word("<s1>"), *entries, word("</s1>"), word("</s2>")]
        chain = ["<s1>", *norms, "</s1>"]
        bigram = self._bigrams.get
        none = (0, 0)
        pairs = [bigram((chain[k], chain[k + 1]), none) for k in range(len(chain) - 1)]
        sci = _SCASES.index(scase)
        row = 4 * sci
        casing_get = casing.get
        window = self._windows.get
        shapes = [e.shape for e in padded]
        static = [
            e.base[row + casing_get(e.norm, 0)]
            + padded[i].at_m2
            + padded[i + 1].at_m1
            + padded[i + 3].at_p1
            + padded[i + 4].at_p2
            + pairs[i][1]
            + pairs[i + 1][0]
            + window((shapes[i + 1], e.shape, shapes[i + 3]), 0)
            for i, e in enumerate(entries)
        ]
        marks = F.phrase_marks(norms, lex.phrases, lex.phrase_starts, 2, lex.phrase_lengths)
        wiki = F.phrase_marks(norms, lex.wiki, lex.wiki_starts, 1, lex.wiki_lengths) if lex.wiki else marks
        for found, table in ((marks, self._pg), (wiki, self._wg)):
            for i, m in enumerate(found):
                if m != _NO_MARK:
                    static[i] += table[m]
        first = entries[0]
        dci = casing_get(first.norm, 0)
        rows = self._sent[sci]
        static[0] += (
            rows[1][dci] - rows[0][dci] + self.packed.total(["first|s=" + first.shape, "first|n=" + first.norm])
        )
        by_norm, by_shape, no_row = self._after_norm.get, self._after_shape.get, self._no_row
        after = [(by_norm(e.norm, no_row), by_shape(e.shape, no_row)) for e in entries]
        return norms, static, after

    def _decode_all(
        self,
        sentences: Sequence[Sequence[str]],
        prepared: list[_Prepared],
        doc: dict[str, list[str]] | None,
    ) -> list[list[str]]:
        """Decode every sentence of a document, left to right."""
        history: dict[str, str] = {}
        doc_vecs: dict[str, int] = {}
        out = []
        for words, (norms, static, after) in zip(sentences, prepared, strict=True):
            if doc is not None:
                static = self._with_doc(words, norms, static, doc, doc_vecs)
            tags = self._decode(norms, static, after, history)
            F.update_history(history, words, tags)
            out.append(tags)
        return out

    def _with_doc(
        self,
        words: Sequence[str],
        norms: list[str],
        static: list[int],
        doc: dict[str, list[str]],
        cache: dict[str, int],
    ) -> list[int]:
        """Add the second-pass document features (:func:`F.doc_token_features`) to ``static``."""
        out: list[int] = []
        total = self.packed.total
        for w, n, s in zip(words, norms, static, strict=True):
            v = cache.get(w)
            if v is None:
                v = cache[w] = total(F.doc_token_features(w, n, doc))
            out.append(s + v)
        return out

    def _decode(
        self, norms: list[str], static: list[int], after: list[tuple[list[int], list[int]]], history: dict[str, str]
    ) -> list[str]:
        """Greedily tag one sentence from its precomputed scores.

        The sum adds that of :func:`F.ner_dynamic_features`.
        """
        packed = self.packed
        allowed = packed.allowed
        allowed_shifts = self._allowed_shifts
        bias = packed.bias
        classes = self.classes
        trans = self._trans
        hist = self._hist
        history_get = history.get
        tags: list[str] = []
        start = len(classes)
        prev_i, prev2_i = start, start  # the "start" row of the transition constraints
        for i, n in enumerate(norms):
            a, b = after[i]
            t = bias + static[i] + trans[prev2_i][prev_i] + a[prev_i] + b[prev_i] + hist[history_get(n, "-")]
            fields = [(t >> shift) & _MASK for shift in allowed_shifts[prev_i]]
            best = allowed[prev_i][fields.index(max(fields))]  # the first best on ties
            tags.append(classes[best])
            prev2_i, prev_i = prev_i, best
        return tags
