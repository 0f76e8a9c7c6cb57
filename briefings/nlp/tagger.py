"""Greedy averaged-perceptron taggers (NER, POS, chunks) and the public analysis API."""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from briefings.models import Entity, EntityType
from briefings.nlp import features as F
from briefings.nlp.perceptron import load_model
from briefings.nlp.scoring import MASK as _MASK
from briefings.nlp.scoring import (
    Packed,
    SequenceTagger,
    bigram_index,
    bounded_put,
    context_index,
    prev_tag_index,
    window_index,
)
from briefings.nlp.tokenize import Token, sentence_spans, tokenize

log = logging.getLogger(__name__)

NER_MODEL = "tagger-ner.json.gz"
POS_MODEL = "tagger-pos.json.gz"
CHUNK_MODEL = "tagger-chunk.json.gz"
ENTITY_TYPE: dict[str, EntityType] = {
    "PER": "person",
    "ORG": "organization",
    "LOC": "place",
    "MISC": "misc",
}
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


# Titles that precede a name and are not part of it ("Defense Secretary Pete Hegseth").
# "Gen" without a period is left out: it is also a given name (Gen Nakatani).
TITLES = frozenset(
    (
        "president",
        "vice-president",
        "minister",
        "secretary",
        "chancellor",
        "premier",
        "senator",
        "sen.",
        "rep.",
        "congressman",
        "congresswoman",
        "governor",
        "gov.",
        "mayor",
        "ambassador",
        "envoy",
        "general",
        "gen.",
        "admiral",
        "adm.",
        "colonel",
        "col.",
        "lieutenant",
        "lt.",
        "captain",
        "capt.",
        "sergeant",
        "sgt.",
        "commander",
        "chief",
        "chairman",
        "chairwoman",
        "ceo",
        "director",
        "spokesman",
        "spokeswoman",
        "judge",
        "justice",
        "prince",
        "princess",
        "king",
        "queen",
        "pope",
        "cardinal",
        "bishop",
        "archbishop",
        "rabbi",
        "imam",
        "sheikh",
        "dr.",
        "dr",
        "mr.",
        "mr",
        "mrs.",
        "mrs",
        "ms.",
        "ms",
        "prof.",
        "professor",
        "commissioner",
        "prosecutor",
        "attorney",
        "coach",
        "leader",
        "speaker",
        "secretary-general",
    )
)


def split_titles(words: Sequence[str], tags: list[str], lex: F.Lexicon) -> list[str]:
    """Separate titles from names: "[Defense Secretary] [Pete Hegseth]" keeps only the name.

    When an entity contains a title word followed by one to three capitalised words not
    known as parts of other entity types, the words after the title become a person and
    the title (and what precedes it) is dropped.
    A one-word entity that is an ordinary word ("Defense") right before a title and a
    person is dropped too.
    """
    for a, b, typ in F.spans_from_bio(tags):
        for k in range(b - 2, a - 1, -1):
            if words[k].lower() not in TITLES:
                continue
            rest = words[k + 1 : b]
            if (
                (k > a or typ == "PER")  # not "General Motors", "Prince Edward Island"
                and 1 <= len(rest) <= 3
                and all(w[:1].isupper() and w[1:].islower() for w in rest)
                and not any(lex.labels.get(F.norm(w), "-")[:3] in ("ORG", "LOC", "MIS") for w in rest)
            ):
                tags[a : k + 1] = ["O"] * (k + 1 - a)
                tags[k + 1 : b] = ["B-PER"] + ["I-PER"] * (b - k - 2)
            break
        if (
            b - a == 1
            and b + 1 < len(words)
            and words[b][:1].isupper()
            and words[b].lower() in TITLES
            and tags[b + 1] == "B-PER"
            and lex.lowercase.get(F.norm(words[a]), "")[:2] in ("lo", "mi")
        ):
            tags[a] = "O"
    return tags


def retype_known_phrases(words: Sequence[str], tags: list[str], lex: F.Lexicon) -> list[str]:
    """Give a MISC span the type the gazetteer knows for exactly that multi-word name."""
    for a, b, typ in F.spans_from_bio(tags):
        if typ != "MISC" or b - a < 2:
            continue
        key = tuple(F.norm(w) for w in words[a:b])
        known = lex.wiki.get(key)
        if known and known != "MISC" and key not in lex.phrases:
            tags[a:b] = ["B-" + known] + ["I-" + known] * (b - a - 1)
    return tags


def drop_heading_guesses(words: Sequence[str], tags: list[str], lex: F.Lexicon) -> list[str]:
    """In a title-case heading line ("Key Takeaways"), drop one-word entities never seen as such.

    Every word of a heading is capitalised, so capitals say nothing there; a single word
    the training data never saw in an entity is most likely an ordinary word.
    """
    if not _is_heading(words, lex):
        return tags
    for a, b, _typ in F.spans_from_bio(tags):
        if b - a != 1:
            continue
        n = F.norm(words[a])
        label = lex.labels.get(n, "")
        if (not label or label.startswith("O")) and (n,) not in lex.wiki:
            tags[a] = "O"
    return tags


_FUNCTION_WORDS = frozenset(
    (
        "a",
        "an",
        "and",
        "at",
        "by",
        "for",
        "from",
        "in",
        "of",
        "on",
        "or",
        "the",
        "to",
        "vs",
        "with",
    )
)


def _is_heading(words: Sequence[str], lex: F.Lexicon) -> bool:
    """Tell whether a sentence looks like a title-case heading ("Overview of the Situation")."""
    if len(words) > 10:
        return False
    ordinary = False
    for w in words:
        if not w.isalpha():
            if any(c.isdigit() for c in w) or w in (".", "?", "!", ",", ":"):
                return False
            continue
        if w[0].islower():
            if w not in _FUNCTION_WORDS:
                return False
        elif w.isupper() and len(w) > 1:
            return False  # all-caps headlines are left to the model
        elif lex.lowercase.get(F.norm(w), "")[:2] in ("lo", "mi"):
            ordinary = True
    return ordinary


_NOT_IN_HEADLINES = frozenset([":", "(", ")", "[", "]", ";"])


def truecase_heading(words: Sequence[str], lex: F.Lexicon) -> Sequence[str]:
    """Lower-case the ordinary words of a title-case headline, as the tagger expects.

    "Trump Says Japan Must Pay More for Defense" is tagged as "Trump says Japan must pay
    more for defense": a capitalised word after the first is lower-cased when the training
    data often writes it in lower case. Only lines with no lower-case content word, no
    number, colon or bracket, and a word almost always written in lower case (two if the
    line has a comma: it may be a list of names) are touched; others are returned as is.
    """
    common: list[int] = []
    mixed: list[int] = []
    first = True
    for i, w in enumerate(words):
        if not w.isalpha():
            if any(c.isdigit() for c in w) or w in _NOT_IN_HEADLINES:
                return words
            continue
        if w[0].islower():
            if w not in _FUNCTION_WORDS:
                return words
        elif not first and w[1:].islower():
            use = lex.lowercase.get(F.norm(w), "")[:2]
            if use == "lo":
                common.append(i)
            elif use == "mi":
                mixed.append(i)
        first = False
    if not common or (len(common) < 2 and "," in words):
        return words
    out = list(words)
    for i in common + mixed:
        out[i] = out[i].lower()
    return out


def _data_path(name: str) -> Path:
    """Return the path of a shipped data file."""
    return Path(str(resources.files("briefings") / "data" / name))


@functools.lru_cache(maxsize=1)
def ner_tagger() -> NerTagger:
    """Load the shipped entity tagger (once)."""
    data = load_model(_data_path(NER_MODEL))
    log.debug("loaded %s (%d features)", NER_MODEL, len(data["weights"]))
    return NerTagger(
        Packed.from_json(data),
        F.Lexicon.from_json(data["lexicon"]),
        two_pass=bool(data.get("two_pass")),
    )


@functools.lru_cache(maxsize=1)
def pos_tagger() -> SequenceTagger:
    """Load the shipped part-of-speech tagger (once)."""
    return SequenceTagger(Packed.from_json(load_model(_data_path(POS_MODEL))), "pos")


@functools.lru_cache(maxsize=1)
def chunk_tagger() -> SequenceTagger:
    """Load the shipped chunker (once)."""
    return SequenceTagger(Packed.from_json(load_model(_data_path(CHUNK_MODEL))), "chunk")


def _sentences(text: str, tokens: list[Token]) -> list[tuple[int, int]]:
    """Return sentence token ranges, never longer than 200 tokens."""
    out: list[tuple[int, int]] = []
    for a, b in sentence_spans(text, tokens):
        while b - a > 200:
            out.append((a, a + 200))
            a += 200
        out.append((a, b))
    return out


def _ner_tags(text: str, tokens: list[Token]) -> list[str]:
    """Return one BIO entity tag per token."""
    sentences = [[t.text for t in tokens[a:b]] for a, b in _sentences(text, tokens)]
    return [tag for tags in ner_tagger().tag_document(sentences) for tag in tags]


def _entities(text: str, tokens: list[Token], tags: Sequence[str]) -> list[Entity]:
    """Turn BIO tags into entities with character offsets."""
    out: list[Entity] = []
    for a, b, typ in F.spans_from_bio(tags):
        start, end = tokens[a].start, tokens[b - 1].end
        out.append(Entity(text=text[start:end], type=ENTITY_TYPE[typ], start=start, end=end))
    return out


def tag_entities(text: str, tokens: list[Token] | None = None) -> list[Entity]:
    """Find the named entities (person, organization, place, misc) in ``text``.

    ``tokens`` may give ``tokenize(text)``, already done by the caller.
    """
    if tokens is None:
        tokens = tokenize(text)
    return _entities(text, tokens, _ner_tags(text, tokens))


@dataclass
class Analysis:
    """Tokens of a text with their POS tags, chunk tags and entity BIO tags.

    ``pos`` holds Penn Treebank tags, ``chunks`` CoNLL-2000 style chunk tags (B-NP, I-VP,
    O...), ``ner`` BIO entity tags (B-PER, I-ORG, B-LOC, B-MISC...), one per token;
    ``sentences`` are ``[i, j)`` token-index ranges.
    """

    text: str
    tokens: list[Token]
    pos: list[str]
    chunks: list[str]
    ner: list[str]
    sentences: list[tuple[int, int]] = field(default_factory=list)

    @property
    def entities(self) -> list[Entity]:
        """Return the named entities."""
        return _entities(self.text, self.tokens, self.ner)

    @property
    def noun_phrases(self) -> list[tuple[int, int]]:
        """Return the character spans of the noun-phrase chunks."""
        out: list[tuple[int, int]] = []
        for a, b, typ in F.spans_from_bio(self.chunks):
            if typ == "NP":
                out.append((self.tokens[a].start, self.tokens[b - 1].end))
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able form (handy for debugging)."""
        return {
            "tokens": [t.text for t in self.tokens],
            "pos": self.pos,
            "chunks": self.chunks,
            "ner": self.ner,
        }


def analyze(text: str) -> Analysis:
    """Tokenize ``text`` and tag it with POS tags, chunk tags and entity tags in one pass."""
    tokens = tokenize(text)
    sentences = _sentences(text, tokens)
    pos: list[str] = []
    chunks: list[str] = []
    pos_t, chunk_t = pos_tagger(), chunk_tagger()
    words_of = [[t.text for t in tokens[a:b]] for a, b in sentences]
    for words in words_of:
        p = pos_t.tag(words)
        pos.extend(p)
        chunks.extend(chunk_t.tag(words, p))
    ner = [tag for tags in ner_tagger().tag_document(words_of) for tag in tags]
    return Analysis(text, tokens, pos, chunks, ner, sentences)
