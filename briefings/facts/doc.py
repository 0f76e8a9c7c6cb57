"""The analysed text the fact extractors work on: sentences, tagged tokens and entities.

For speed, the statistical POS tagger runs only on sentences that hold a date or a
figure candidate (where phrase boundaries matter); other sentences get tags guessed
from closed-class word lists and suffixes, which is all the people rules need.
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

from briefings.models import Entity, EntityType
from briefings.sentences import split_sentences

from .lexicon import AUXILIARIES, CONJUNCTIONS, DETERMINERS, PREPOSITIONS, words

log = logging.getLogger(__name__)

_WORD = re.compile(r"(?:[A-Za-z]\.){2,}|\d[\d,.]*\d|\d|[\w’'-]+|[^\w\s]")
_POSSESSIVE_PRON = words("its their his her our my your whose")
_PERSONAL_PRON = words("he she it they we i you him them us me")
_COMMON_VERBS = words(
    """
    said says say told tells tell added asked called made make makes took take takes went
    go goes came come comes gave give gives got get gets found find finds thought think
    thinks knew know knows became become becomes left leave leaves began begin begins kept
    keep keeps held hold holds brought bring brings wrote write writes stood stand stands
    heard hear hears met meet meets ran run runs paid pay pays sent send sends built build
    fell fall falls lost lose loses won win wins spent spend grew grow grows led lead leads
    saw see sees shot shoot killed kill kills died die dies wants want needs need believe
    believes according seems seemed appears appeared remains remained
    """
)
_IRREGULAR_PLURALS = words("people men women children police personnel staff cattle feet teeth mice geese")
_ENTITY_TYPES: Mapping[str, EntityType] = MappingProxyType(
    {
        "PER": "person",
        "PERSON": "person",
        "person": "person",
        "ORG": "organization",
        "organization": "organization",
        "LOC": "place",
        "GPE": "place",
        "place": "place",
        "MISC": "misc",
        "misc": "misc",
    }
)
_CLOSED_TAGS = frozenset(("DT", "PDT", "IN", "TO", "CC", "PRP", "PRP$", "WDT", "WP", "MD", "POS"))
# Sentences worth the statistical POS tagger: a money or percent sign, a number before a
# word, a month and day, a weekday, "dozens of".
NEEDS_POS = re.compile(
    r"[$€£¥%]|\d(?:[\d,.]*\d)?\s+(?:[a-z]|percent|per cent|million|billion)"
    r"|\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?\s+\d"
    r"|\d\s+(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December)"
    r"|\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    r"|\b(?:dozens|hundreds|thousands|millions)\s+of\b"
)

# Strings one of which every match of NEEDS_POS holds (with a digit, the rest): a cheap test first.
_NEEDS_POS_CUES = ("$", "€", "£", "¥", "%", "day", "dozens", "hundreds", "thousands", "millions")
_DIGIT = re.compile(r"\d")

PosTagger = Callable[[Sequence[str]], list[str]]


def _may_need_pos(text: str) -> bool:
    """Tell whether ``text`` may match NEEDS_POS (False only where it cannot)."""
    return _DIGIT.search(text) is not None or any(c in text for c in _NEEDS_POS_CUES)


class Tok(NamedTuple):
    """A token with its Penn part-of-speech tag and character span (a tuple: cheap to make)."""

    text: str
    start: int
    end: int
    pos: str


@dataclass(slots=True)
class Sent:
    """A sentence: its text and span, whether it is a heading, and its token range."""

    text: str
    start: int
    end: int
    index: int
    is_heading: bool
    first: int  # index of its first token in Doc.tokens
    last: int  # one past its last token
    tagged: bool = False  # POS tags from the statistical tagger


@dataclass(slots=True)
class Doc:
    """A text with its sentences, tagged tokens and named entities."""

    text: str
    sents: list[Sent]
    tokens: list[Tok]
    entities: list[Entity]
    _starts: list[int] = field(default_factory=list)
    _sent_starts: list[int] = field(default_factory=list)

    def token_at(self, char: int) -> int:
        """Return the index of the first token starting at or after ``char``."""
        return bisect.bisect_left(self._starts, char)

    def sentence_of(self, char: int) -> Sent | None:
        """Return the sentence containing character offset ``char`` (or None)."""
        i = bisect.bisect_right(self._sent_starts, char) - 1
        if i < 0:
            return None
        s = self.sents[i]
        return s if char < s.end else None

    def sent_tokens(self, sent: Sent) -> list[Tok]:
        """Return the tokens of ``sent``."""
        return self.tokens[sent.first : sent.last]


def guess_pos(word: str, first: bool, prev: str = "") -> str:
    """Guess a Penn tag for ``word`` from closed-class lists, suffixes and the previous tag."""
    return _guess_pos(word, first, prev in _MODIFIER_TAGS)


_MODIFIER_TAGS = frozenset(("DT", "PRP$", "POS", "JJ"))


@functools.lru_cache(maxsize=65536)
def _guess_pos(word: str, first: bool, after_det: bool) -> str:
    """Guess a Penn tag for ``word`` (cached: the same word is guessed again and again)."""
    low = word.lower()
    if word[0].isdigit():
        return "CD"
    if low in ("'s", "’s"):
        return "POS"
    if not word[0].isalnum():
        return word if word in ",.:;$%" else "SYM"
    if low in _POSSESSIVE_PRON:
        return "PRP$"
    if low in DETERMINERS:
        return "DT"
    if low == "to":
        return "TO"
    if low in PREPOSITIONS:
        return "IN"
    if low in CONJUNCTIONS:
        return "CC"
    if low in AUXILIARIES:
        return "VBZ"
    if low in _PERSONAL_PRON:
        return "PRP"
    if word[0].isupper() and not first:
        return "NNPS" if word.endswith("s") and len(word) > 3 else "NNP"
    if low in _COMMON_VERBS:
        return "VBD"
    if low in _IRREGULAR_PLURALS:
        return "NNS"
    if "-" in low and low[0].isalpha() and not low.endswith(("ing", "ed")):
        return "JJ"  # "high-level", "well-known"
    if low.endswith("ed"):
        return "JJ" if after_det else "VBN"
    if low.endswith("ing"):
        return "NN" if after_det else "VBG"
    if low.endswith("ly"):
        return "RB"
    if low.endswith("s") and not low.endswith("ss"):
        return "NNS"
    return "NNP" if word[0].isupper() else "NN"


def _guess_tags(ws: list[str]) -> list[str]:
    """Return the guessed tags of a sentence's words (what ``guess_pos`` gives word by word)."""
    out: list[str] = []
    prev = ""
    first = True
    for w in ws:
        prev = _guess_pos(w, first, prev in _MODIFIER_TAGS)
        out.append(prev)
        first = False
    return out


def fix_pos(word: str, tag: str, first: bool) -> str:
    """Correct a statistical tag with closed-class knowledge (slips like "Tokyo/TO")."""
    low = word.lower()
    if word[0].isdigit():
        return "CD"
    if word == "%":
        return "NN"
    if (
        low in _POSSESSIVE_PRON
        or low in DETERMINERS
        or low in PREPOSITIONS
        or low in CONJUNCTIONS
        or low in ("'s", "’s")
    ):
        return guess_pos(word, first)
    if tag in _CLOSED_TAGS:
        return guess_pos(word, first)
    if word[0].isupper() and not first and tag.startswith("VB"):
        return "NNP"
    return tag


def _to_entity(e: Any) -> Entity:
    """Convert an entity from the tagger to the model's Entity."""
    if isinstance(e, Entity):
        return e
    label = str(getattr(e, "type", None) or getattr(e, "label", None) or "misc")
    return Entity(text=str(e.text), type=_ENTITY_TYPES.get(label, "misc"), start=e.start, end=e.end)


def _nlp_parts() -> tuple[Callable[[str], list[Any]] | None, Callable[..., list[Any]] | None, PosTagger | None]:
    """Return the NLP functions available: tokenizer, entity tagger and POS tagger."""
    try:
        from briefings import nlp  # noqa: PLC0415 - optional: the facts work without it
    except ImportError:  # pragma: no cover - only without the tagger package
        return None, None, None
    tokenize = getattr(nlp, "tokenize", None)
    tag_entities = getattr(nlp, "tag_entities", None)
    pos: PosTagger | None = None
    try:
        from briefings.nlp.tagger import pos_tagger  # noqa: PLC0415 - loaded lazily

        pos = pos_tagger().tag  # tags a sentence's words: list[str] -> list[str]
    except (ImportError, AttributeError, OSError) as exc:
        log.warning("POS tagger unavailable (%s); using guessed tags", exc)
    return tokenize, tag_entities, pos


def build_doc(text: str, needs_pos: re.Pattern[str] = NEEDS_POS) -> Doc:
    """Split, tokenize, tag and find the entities of ``text``."""
    tokenize, tag_entities, pos_tag = _nlp_parts()
    toks: list[Any] | None = None
    if tokenize is not None:
        toks = tokenize(text)
        raw = toks  # (text, start, end) tuples
    else:
        raw = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
    entities: list[Entity] = []
    if tag_entities is not None:
        try:
            found = tag_entities(text, toks) if toks is not None else tag_entities(text)
            entities = [_to_entity(e) for e in found]
        except OSError as exc:
            log.warning("entity tagger unavailable (%s)", exc)
    starts = [t[1] for t in raw]
    sents: list[Sent] = []
    for s in split_sentences(text):
        first = bisect.bisect_left(starts, s.start)
        last = bisect.bisect_left(starts, s.end)
        sents.append(Sent(s.text, s.start, s.end, s.index, s.is_heading, first, last))
    texts = [t[0] for t in raw]
    tags = [""] * len(raw)
    for sent in sents:
        ws = texts[sent.first : sent.last]
        stat: list[str] | None = None
        if (
            pos_tag is not None
            and not sent.is_heading
            and ws
            and (needs_pos is not NEEDS_POS or _may_need_pos(sent.text))
            and needs_pos.search(sent.text)
        ):
            try:
                stat = pos_tag(ws)
            except (TypeError, ValueError, KeyError, IndexError) as exc:  # an incompatible tagger
                log.warning("POS tagger failed (%s); using guessed tags", exc)
                pos_tag = None
            if stat is not None and len(stat) != len(ws):
                stat = None
            sent.tagged = stat is not None
        if stat:
            tags[sent.first : sent.last] = [
                fix_pos(w, t, k == 0) for k, (w, t) in enumerate(zip(ws, stat, strict=True))
            ]
        else:
            tags[sent.first : sent.last] = _guess_tags(ws)
    for i, t in enumerate(tags):
        if not t:  # tokens outside every sentence (should not happen)
            tags[i] = guess_pos(raw[i][0], False)
    new_tok = tuple.__new__  # Tok(...) without its Python-level __new__: one C call per token
    tokens = [new_tok(Tok, (w, a, b, p)) for (w, a, b), p in zip(raw, tags, strict=True)]
    doc = Doc(text, sents, tokens, entities)
    doc._starts = starts
    doc._sent_starts = [s.start for s in sents]
    return doc
