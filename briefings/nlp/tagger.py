"""Greedy averaged-perceptron taggers (NER, POS, chunks) and the public analysis API."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from briefings.models import Entity, EntityType
from briefings.nlp import features as F
from briefings.nlp.perceptron import Scorer, load_model
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
_CACHE_LIMIT = 200_000
# Score vectors are packed into one Python int, FIELD bits per class, so that summing the
# weights of a token's features is a plain integer sum. Weights are kept to 0.01.
_FIELD = 32
_HALF = 1 << (_FIELD - 1)
_MASK = (1 << _FIELD) - 1
_SCALE = 100


class Packed:
    """Perceptron weights packed as one integer per feature, with packed-score helpers."""

    def __init__(
        self, classes: Sequence[str], rows: Iterable[tuple[str, Iterable[tuple[int, float]]]]
    ) -> None:
        self.classes = list(classes)
        n = len(self.classes)
        self.shifts = tuple(_FIELD * c for c in range(n))
        # Every field carries the same bias, so fields never borrow from each other and
        # comparing biased fields compares the scores.
        self.bias = sum(_HALF << s for s in self.shifts)
        shifts = self.shifts
        self.weights: dict[str, int] = {
            feat: sum(round(w * _SCALE) << shifts[c] for c, w in row) for feat, row in rows
        }
        # allowed[prev] -> class indices that may follow class ``prev`` (last row: start)
        self.allowed = tuple(
            tuple(k for k, t in enumerate(self.classes) if F.allowed(p, t))
            for p in [*self.classes, "O"]
        )
        self.everything = tuple(range(n))

    @classmethod
    def from_scorer(cls, scorer: Scorer) -> Packed:
        """Pack the weights of a (dense) scorer."""
        return cls(scorer.classes, ((f, enumerate(v)) for f, v in scorer.weights.items()))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Packed:
        """Pack the sparse weights of a saved model."""
        rows = data["weights"].items()
        return cls(data["classes"], ((f, ((int(c), w) for c, w in r.items())) for f, r in rows))

    def total(self, feats: list[str]) -> int:
        """Return the packed summed score of ``feats``."""
        get = self.weights.get
        return sum([get(f, 0) for f in feats])

    def best(self, packed: int, candidates: tuple[int, ...]) -> int:
        """Return the index of the best-scoring class among ``candidates``."""
        t = packed + self.bias
        shifts = self.shifts
        return max(candidates, key=lambda k: (t >> shifts[k]) & _MASK)

    def unpack(self, packed: int) -> list[float]:
        """Return the per-class scores of a packed score."""
        t = packed + self.bias
        return [(((t >> s) & _MASK) - _HALF) / _SCALE for s in self.shifts]


class NerTagger:
    """Greedy left-to-right BIO entity tagger with per-word score caching."""

    def __init__(self, weights: Packed, lexicon: F.Lexicon, two_pass: bool = False) -> None:
        self.packed = weights
        self.lex = lexicon
        self.two_pass = two_pass
        self.classes = weights.classes
        self._cache: dict[tuple[str, int], int] = {}

    def _word_vec(self, word: str, offset: int) -> int:
        """Return the packed weights of a word's own features at ``offset`` (cached)."""
        key = (word, offset)
        vec = self._cache.get(key)
        if vec is None:
            if offset == 0:
                feats = F.ner_word_features(word, self.lex)
            else:
                feats = [f"{offset}{f}" for f in F.ner_context_features(word, self.lex)]
            vec = self.packed.total(feats)
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = vec
        return vec

    def tag_document(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """Tag the sentences of one document (two passes when the model has doc features)."""
        original = sentences
        sentences = [truecase_heading(words, self.lex) for words in sentences]
        casing = F.document_casing(sentences)
        prepared = [self._prepare(words, casing) for words in sentences]
        tags = self._decode_all(sentences, prepared, None)
        if self.two_pass:
            doc = F.document_features(sentences, tags)
            tags = self._decode_all(sentences, prepared, doc)
        lex = self.lex
        return [
            retype_known_phrases(w, drop_heading_guesses(w, split_titles(w, t, lex), lex), lex)
            for w, t in zip(original, tags, strict=True)
        ]

    def _prepare(
        self, words: Sequence[str], casing: dict[str, str]
    ) -> tuple[list[str], list[int]]:
        """Return the norms of a sentence and the packed tag-independent score of each token."""
        if not words:
            return [], []
        get = self.packed.weights.get
        norms = [F.norm(w) for w in words]
        sent = F.ner_sentence_features(words, self.lex, casing, norms)
        padded = [*F.PAD_LEFT, *words, *F.PAD_RIGHT]
        word_vec = self._word_vec
        static: list[int] = []
        for i, w in enumerate(words):
            j = i + 2
            static.append(
                word_vec(w, 0)
                + word_vec(padded[j - 2], -2)
                + word_vec(padded[j - 1], -1)
                + word_vec(padded[j + 1], 1)
                + word_vec(padded[j + 2], 2)
                + sum([get(f, 0) for f in sent[i]])
            )
        return norms, static

    def _decode_all(
        self,
        sentences: Sequence[Sequence[str]],
        prepared: list[tuple[list[str], list[int]]],
        doc: dict[str, list[str]] | None,
    ) -> list[list[str]]:
        """Decode every sentence of a document, left to right."""
        history: dict[str, str] = {}
        out = []
        for words, (norms, static) in zip(sentences, prepared, strict=True):
            tags = self._decode(words, norms, static, history, doc)
            F.update_history(history, words, tags)
            out.append(tags)
        return out

    def _decode(
        self,
        words: Sequence[str],
        norms: list[str],
        static: list[int],
        history: dict[str, str],
        doc: dict[str, list[str]] | None,
    ) -> list[str]:
        """Greedily tag one sentence from its precomputed static scores."""
        packed = self.packed
        get = packed.weights.get
        best_of = packed.best
        allowed = packed.allowed
        classes = self.classes
        tags: list[str] = []
        prev, prev2 = "<s>", "<s>"
        prev_i = len(classes)  # the "start" row of the transition constraints
        for i, w in enumerate(words):
            feats = F.ner_dynamic_features(w, prev, prev2, history, norms[i])
            if doc is not None:
                feats.extend(F.doc_token_features(w, norms[i], doc))
            total = static[i] + sum([get(f, 0) for f in feats])
            best = best_of(total, allowed[prev_i])
            tag = classes[best]
            tags.append(tag)
            prev2, prev, prev_i = prev, tag, best
        return tags


class SequenceTagger:
    """Greedy left-to-right tagger for POS tags (kind "pos") or chunk tags (kind "chunk")."""

    def __init__(self, weights: Packed, kind: str) -> None:
        self.packed = weights
        self.kind = kind
        self.classes = weights.classes
        self._cache: dict[tuple[str, int], int] = {}

    def _word_vec(self, word: str, offset: int) -> int:
        """Return the packed POS weights of a word's own features at ``offset`` (cached)."""
        key = (word, offset)
        vec = self._cache.get(key)
        if vec is None:
            if offset == 0:
                vec = self.packed.total(F.pos_word_features(word))
            else:
                vec = self.packed.total(F.pos_context_features(word, offset))
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = vec
        return vec

    def _pos_static(self, words: Sequence[str]) -> list[int]:
        """Return the packed tag-independent POS score of every token."""
        norms = [F.norm(w) for w in words]
        padded = [*F.PAD_LEFT, *norms, *F.PAD_RIGHT]
        sent = F.pos_sentence_features(norms)
        word_vec = self._word_vec
        total = self.packed.total
        out: list[int] = []
        for i, w in enumerate(words):
            j = i + 2
            out.append(
                word_vec(w, 0)
                + word_vec(padded[j - 2], -2)
                + word_vec(padded[j - 1], -1)
                + word_vec(padded[j + 1], 1)
                + word_vec(padded[j + 2], 2)
                + total(sent[i])
            )
        return out

    def tag(self, words: Sequence[str], pos: Sequence[str] | None = None) -> list[str]:
        """Tag one sentence's words (chunking needs their POS tags)."""
        if not words:
            return []
        packed = self.packed
        chunking = self.kind == "chunk"
        if not chunking:
            static = self._pos_static(words)
        elif pos is None:
            raise ValueError("the chunker needs POS tags")
        else:
            static = [packed.total(f) for f in F.chunk_static_features(words, pos)]
        classes = self.classes
        get = packed.weights.get
        tags: list[str] = []
        prev, prev2 = "<s>", "<s>"
        prev_i = len(classes)
        for i, w in enumerate(words):
            feats = F.seq_dynamic_features(w, prev, prev2, pos[i] if chunking and pos else "")
            total = static[i] + sum([get(f, 0) for f in feats])
            candidates = packed.allowed[prev_i] if chunking else packed.everything
            best = packed.best(total, candidates)
            tag = classes[best]
            tags.append(tag)
            prev2, prev, prev_i = prev, tag, best
        return tags


# Titles that precede a name and are not part of it ("Defense Secretary Pete Hegseth").
# "Gen" without a period is left out: it is also a given name (Gen Nakatani).
TITLES = frozenset(
    (
        "president", "vice-president", "minister", "secretary", "chancellor", "premier",
        "senator", "sen.", "rep.", "congressman", "congresswoman", "governor", "gov.", "mayor",
        "ambassador", "envoy", "general", "gen.", "admiral", "adm.", "colonel", "col.",
        "lieutenant", "lt.", "captain", "capt.", "sergeant", "sgt.", "commander", "chief",
        "chairman", "chairwoman", "ceo", "director", "spokesman", "spokeswoman", "judge",
        "justice", "prince", "princess", "king", "queen", "pope", "cardinal", "bishop",
        "archbishop", "rabbi", "imam", "sheikh", "dr.", "dr", "mr.", "mr", "mrs.", "mrs", "ms.",
        "ms", "prof.", "professor", "commissioner", "prosecutor", "attorney", "coach", "leader",
        "speaker", "secretary-general",
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
                and not any(
                    lex.labels.get(F.norm(w), "-")[:3] in ("ORG", "LOC", "MIS") for w in rest
                )
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
        "a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "vs",
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


def tag_entities(text: str) -> list[Entity]:
    """Find the named entities (person, organization, place, misc) in ``text``."""
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
