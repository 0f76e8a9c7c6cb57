"""The greedy averaged-perceptron entity tagger (BIO tags), with per-word score caching."""

from __future__ import annotations

import logging
import struct
from collections.abc import Callable, Sequence
from itertools import repeat
from typing import NamedTuple

from briefings.nlp import features as F
from briefings.nlp.ner_rules import drop_heading_guesses, retype_known_phrases, split_titles, truecase_heading
from briefings.nlp.scoring import Packed, bigram_index, bounded_put, context_index, prev_tag_index, window_index

log = logging.getLogger(__name__)

_SCASES = ("U", "T", "n")  # F.sentence_case values
_DCASES = ("-", "C", "L", "M")  # F.document_casing values ("-": not seen)
_DCASE_INDEX = {d: k for k, d in enumerate(_DCASES)}
_HISTORY = ("-", "O", *F.ENTITY_TYPES)  # F.update_history values
_NO_MARK = "-"
_NO_BIGRAMS: dict[str, tuple[int, int]] = {}
# phrases starting with a word: lengths (longest first) by the second word, and whether it is one
_Starts = tuple[dict[str, tuple[int, ...]], bool]


class _Word(NamedTuple):
    """Cached tag-independent NER weights and forms of one word.

    The hot loops read the first fields by position (``e[1]`` is ``e.at_m2``).
    """

    # own features plus the sentence-level ones for every (sentence case, document
    # casing) pair, index 4 * _SCASES index + _DCASES index, no phrase marks, not first,
    # plus the "hist=-" weight (a word not in the history)
    base: tuple[int, ...]
    at_m2: int  # its features as the word two before (F.ner_context_features at -2)
    at_m1: int
    at_p1: int
    at_p2: int
    norm: str
    shape: str
    after: Sequence[int]  # "t-1|n=" plus "t-1|s=" weights, by previous tag
    bigrams: dict[str, tuple[int, int]]  # next norm -> ("b+=", "b-=") weights of the pair it starts
    phrases: _Starts | None  # the training phrases ("pg=") it starts
    wiki: _Starts | None  # the gazetteer phrases ("wg=") it starts
    remembered: bool  # kept in the document history (F.update_history)
    casing: int  # what it tells F.document_casing: _DCASES index ("C" or "L"), 0 if no letter first
    opening: bool  # the word after it tells F.document_casing nothing
    no_doc: int  # its second-pass weights (F.doc_token_features) when the document summary lacks its norm


# norms, tag-independent scores, previous-tag weights and the remembered tokens of a sentence
_Prepared = tuple[list[str], list[int], list[Sequence[int]], list[int]]


def _phrase_starts(phrases: dict[tuple[str, ...], str], shortest: int) -> dict[str, _Starts]:
    """Index phrases of at least ``shortest`` words by their first word (see :data:`_Starts`)."""
    nexts: dict[str, dict[str, set[int]]] = {}
    ones: set[str] = set()
    for key in phrases:
        if len(key) >= 2 and len(key) >= shortest:
            nexts.setdefault(key[0], {}).setdefault(key[1], set()).add(len(key))
        elif len(key) == 1 and shortest <= 1:
            ones.add(key[0])
    return {
        w: ({b: tuple(sorted(ks, reverse=True)) for b, ks in nexts.get(w, {}).items()}, w in ones)
        for w in nexts.keys() | ones
    }


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
        # "t-1=" + "t-2=" weights by [prev2][prev], with the bias that keeps every field positive
        self._trans = [[weights.bias + v for v in row] for row in weights.transitions()]
        # per previous tag: reads the packed fields of the tags allowed next (little-endian
        # bytes of the score), skipping the others
        self._fields: list[Callable[[bytes], tuple[int, ...]]] = [
            struct.Struct("<" + "".join("I" if k in row else "4x" for k in range(len(self.classes)))).unpack
            for row in weights.allowed
        ]
        self._words: dict[str, _Word] = {}
        self._context = context_index(weights.weights)
        self._bigrams: dict[str, dict[str, tuple[int, int]]] = {}
        for (a, b), pair in bigram_index(weights.weights).items():
            self._bigrams.setdefault(a, {})[b] = pair
        self._windows = window_index(weights.weights, "sw=")
        self._after_norm = prev_tag_index(weights.weights, "t-1|n=", labels)
        self._after_shape = prev_tag_index(weights.weights, "t-1|s=", labels)
        self._no_row = (0,) * len(labels)
        hist = {h: get("hist=" + h, 0) for h in _HISTORY}
        # per class: the change of "hist=" weight once a word was tagged so
        self._remember = [hist[c[2:] if c != "O" else "O"] - hist["-"] for c in self.classes]
        marks = [_NO_MARK, *(p + t for t in F.ENTITY_TYPES for p in "BI")]
        self._pg = {m: get("pg=" + m, 0) - get("pg=" + _NO_MARK, 0) for m in marks}
        self._wg = {m: get("wg=" + m, 0) - get("wg=" + _NO_MARK, 0) for m in marks}
        self._own_extra = get("pg=" + _NO_MARK, 0) + get("wg=" + _NO_MARK, 0) + hist["-"]
        # phrase marks as F.phrase_marks finds them: training phrases of two words or more,
        # gazetteer phrases of any length (without a gazetteer, "wg=" marks the training phrases)
        self._phrase_starts = _phrase_starts(lexicon.phrases, 2)
        self._wiki = lexicon.wiki or lexicon.phrases
        self._wiki_starts = _phrase_starts(lexicon.wiki, 1) if lexicon.wiki else self._phrase_starts
        # [sentence case][first word?][document casing] -> "bias" + "sc=" + "dc|sc=" weights
        self._sent = [
            [
                [get("bias", 0) + get("sc=" + sc, 0) + get("dc|sc=" + dc + sc + first, 0) for dc in _DCASES]
                for first in ("1", "0")
            ]
            for sc in _SCASES
        ]
        self._by_form: dict[tuple[str, str], tuple[int, ...]] = {}  # (shape, case class) -> base - own
        # the padding words, under their own names in the bigrams ("<s1>", not its norm "<s0>")
        self._pads = tuple(
            self._fill(w)._replace(norm=w, bigrams=self._bigrams.get(w, _NO_BIGRAMS))
            for w in (*F.PAD_LEFT, *F.PAD_RIGHT)
        )

    def _fill(self, word: str) -> _Word:
        """Sum the per-word weights of ``word`` and cache them."""
        lex = self.lex
        zero = (0, 0, 0, 0)
        at_m2, at_m1, at_p1, at_p2 = map(
            sum, zip(zero, *map(self._context.get, F.ner_context_features(word, lex), repeat(zero)), strict=True)
        )
        n = F.norm(word)
        sh = F.shape(word)
        total = self.packed.total
        own = total(F.ner_word_features(word, lex)) + self._own_extra
        cc = F.case_class(word)
        form = self._by_form.get((sh, cc)) or self._form(sh, cc)
        after_n, after_s = self._after_norm.get(n), self._after_shape.get(sh)
        if after_n is None and after_s is None:
            after: Sequence[int] = self._no_row
        else:
            after = [a + b for a, b in zip(after_n or self._no_row, after_s or self._no_row, strict=True)]
        entry = _Word(
            tuple([own + v for v in form]),
            at_m2,
            at_m1,
            at_p1,
            at_p2,
            n,
            sh,
            after,
            self._bigrams.get(n, _NO_BIGRAMS),
            self._phrase_starts.get(n),
            self._wiki_starts.get(n),
            word[:1].isupper() and len(word) > 1,
            (1 if word[0].isupper() else 2) if word[:1].isalpha() else 0,
            word in F._OPENING,
            total(F.doc_token_features(word, n, {})) if self.two_pass else 0,
        )
        bounded_put(self._words, word, entry)
        return entry

    def _form(self, sh: str, cc: str) -> tuple[int, ...]:
        """Return the "sc|s=" + "dc=" + sentence weights of a shape and case class (cached)."""
        get = self.packed.weights.get
        form = tuple(
            get("sc|s=" + sc + sh, 0) + get("dc=" + dc + cc, 0) + self._sent[k][0][d]
            for k, sc in enumerate(_SCASES)
            for d, dc in enumerate(_DCASES)
        )
        bounded_put(self._by_form, (sh, cc), form)
        return form

    def tag_document(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """Tag the sentences of one document (two passes when the model has doc features)."""
        original = sentences
        lex = self.lex
        sentences = [truecase_heading(words, lex) for words in sentences]
        known, fill = self._words.get, self._fill
        entries = [[known(w) or fill(w) for w in words] for words in sentences]
        cases = [F.sentence_case(words) for words in sentences]
        casing = _document_casing(entries, cases)
        prepared = [self._prepare(e, c, casing) for e, c in zip(entries, cases, strict=True)]
        tags = self._decode_all(prepared)
        if self.two_pass:
            doc = F.document_features(sentences, tags)
            tags = self._decode_all(self._with_doc(sentences, entries, prepared, doc))
        return [
            t  # no entity: the rules change nothing
            if t.count("O") == len(t)
            else retype_known_phrases(w, drop_heading_guesses(w, split_titles(w, t, lex), lex), lex)
            for w, t in zip(original, tags, strict=True)
        ]

    def _prepare(self, entries: list[_Word], scase: str, casing: dict[str, int]) -> _Prepared:
        """Return the norms, the packed tag-independent score of each token, its
        previous-tag weights ("t-1|n=" plus "t-1|s=", by previous tag) and the indices of
        the tokens the document history remembers.

        The score is that of :func:`F.ner_static_features` (the shape window "sw=" is
        :func:`F.shape_window`) with the document casing
        (``casing`` maps a norm to its index in ``_DCASES``), plus the "hist=-" weight.
        """
        if not entries:
            return [], [], [], []
        norms = [e[5] for e in entries]
        s2, s1, e1, e2 = self._pads
        padded = [s2, s1, *entries, e1, e2]
        chain = padded[1:-1]
        none = (0, 0)
        # (b+ weight, b- weight) of each pair of neighbours, "<s1>" and "</s1>" included
        pairs = [a[8].get(b[5], none) for a, b in zip(chain, padded[2:-1], strict=False)]
        sci = _SCASES.index(scase)
        row = 4 * sci
        casing_get = casing.get
        # own + at -2 + at -1 + at +1 + at +2 + "b-=" + "b+="
        static = [
            e[0][row + casing_get(n, 0)] + m2[1] + m1[2] + p1[3] + p2[4] + left[1] + right[0]
            for e, n, m2, m1, p1, p2, left, right in zip(
                entries, norms, padded, chain, padded[3:], padded[4:], pairs, pairs[1:], strict=False
            )
        ]
        if self._windows:
            window = self._windows.get
            shapes = [e.shape for e in padded]
            for i, e in enumerate(entries):
                static[i] += window((shapes[i + 1], e.shape, shapes[i + 3]), 0)
        _add_marks(static, norms, [e[9] for e in entries], self.lex.phrases, self._pg)
        _add_marks(static, norms, [e[10] for e in entries], self._wiki, self._wg)
        first = entries[0]
        dci = casing_get(first.norm, 0)
        rows = self._sent[sci]
        static[0] += (
            rows[1][dci] - rows[0][dci] + self.packed.total(["first|s=" + first.shape, "first|n=" + first.norm])
        )
        remembered = [i for i, e in enumerate(entries) if e[11]]
        return norms, static, [e[7] for e in entries], remembered

    def _decode_all(self, prepared: list[_Prepared]) -> list[list[str]]:
        """Decode every sentence of a document, left to right."""
        history: dict[str, int] = {}
        classes = self.classes
        remember = self._remember
        out = []
        for norms, static, after, remembered in prepared:
            tags = self._decode(norms, static, after, history)
            for i in remembered:
                history[norms[i]] = remember[tags[i]]
            out.append([classes[t] for t in tags])
        return out

    def _with_doc(
        self,
        sentences: Sequence[Sequence[str]],
        entries: list[list[_Word]],
        prepared: list[_Prepared],
        doc: dict[str, list[str]],
    ) -> list[_Prepared]:
        """Add the second-pass document features (:func:`F.doc_token_features`) to the scores.

        A word whose norm the summary ``doc`` lacks has its cached weights; the others are
        summed once per word and document.
        """
        total = self.packed.total
        summed: dict[str, int] = {}
        out: list[_Prepared] = []
        for words, es, (norms, static, after, remembered) in zip(sentences, entries, prepared, strict=True):
            static = [s + e[14] for s, e in zip(static, es, strict=True)]
            for i in [i for i, n in enumerate(norms) if n in doc]:
                w = words[i]
                v = summed.get(w)
                if v is None:
                    v = summed[w] = total(F.doc_token_features(w, norms[i], doc)) - es[i][14]
                static[i] += v
            out.append((norms, static, after, remembered))
        return out

    def _decode(
        self, norms: list[str], static: list[int], after: list[Sequence[int]], history: dict[str, int]
    ) -> list[int]:
        """Greedily tag one sentence from its precomputed scores; return class indices.

        The sum adds that of :func:`F.ner_dynamic_features` ("hist=" as its change from
        "hist=-", by norm in ``history``).
        """
        allowed = self.packed.allowed
        nbytes = self.packed.nbytes
        fields = self._fields
        trans = self._trans
        history_get = history.get
        tags: list[int] = []
        prev_i = prev2_i = len(self.classes)  # the "start" row of the transition constraints
        for s, a, n in zip(static, after, norms, strict=True):
            t = s + trans[prev2_i][prev_i] + a[prev_i] + history_get(n, 0)
            f = fields[prev_i](t.to_bytes(nbytes, "little"))
            best = allowed[prev_i][f.index(max(f))]  # the first best on ties
            tags.append(best)
            prev2_i, prev_i = prev_i, best
        return tags


def _document_casing(entries: list[list[_Word]], cases: list[str]) -> dict[str, int]:
    """Return :func:`F.document_casing` of a document's words, as _DCASES indices by norm."""
    seen: dict[str, int] = {}
    get = seen.get
    for words, case in zip(entries, cases, strict=True):
        if case == "U":
            continue
        for before, e in zip(words, words[1:], strict=False):
            c = e[12]
            if c and not before[13]:
                n = e[5]
                old = get(n)
                seen[n] = c if old is None or old == c else 3  # "M"
    return seen


def _add_marks(
    static: list[int],
    norms: list[str],
    starts: list[_Starts | None],
    phrases: dict[tuple[str, ...], str],
    weights: dict[str, int],
) -> None:
    """Add the weights of the phrase marks (:func:`F.phrase_marks`, longest first) to ``static``.

    ``starts`` gives the phrases that may start at each token.
    """
    n = len(norms)
    done = 0  # tokens before it are marked or passed
    for i, (nexts, one) in [(i, s) for i, s in enumerate(starts) if s is not None]:
        if i < done:
            continue
        typ = None
        k = 1
        if i + 1 < n:
            for k in nexts.get(norms[i + 1], ()):
                if k <= n - i:
                    typ = phrases.get(tuple(norms[i : i + k]))
                    if typ is not None:
                        break
        if typ is None and one:
            k = 1
            typ = phrases[(norms[i],)]
        if typ is not None:
            static[i] += weights["B" + typ]
            inside = weights["I" + typ]
            for j in range(i + 1, i + k):
                static[j] += inside
            done = i + k
