"""What a figure label must be: a noun phrase naming what is measured, checked with the POS tagger.

A label is a *clause fragment* when, once a trend tail (", up from 3%") is set aside, it
starts with a verb, modal, conjunction, preposition, ``to``, adverb, pronoun or wh-word, or
holds a finite verb: a present-tense verb (VBZ/VBP), a modal (MD), a finite auxiliary
("was", "has"), or a past-tense verb (VBD) that does not read as a participle after its
noun (it follows no noun or adjective, or it takes a direct object: "Sefolosha suffered a
fracture"). "personal effects found at the site" is a noun phrase; "is opening around the
globe this weekend and earned" is a fragment. A label is *trivial* when it names no noun
besides quantity words ("all", "a maximum").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence

from .doc import guess_pos
from .figure_lexicon import FINITE_AUXILIARIES, QUANTITY_NOUNS, TIME_NOUNS

log = logging.getLogger(__name__)

_TREND_TAIL = re.compile(r"(?:^|,\s*)(?:up|down)\s+from\s+.*$", re.IGNORECASE)
_WORD = re.compile(r"(?:[A-Za-z]\.){2,}|\d[\d,.]*\d|\d|[\w’'-]+|[^\w\s]")
_BAD_START = frozenset(
    ("VB", "VBD", "VBZ", "VBP", "VBN", "VBG", "MD", "CC", "TO", "IN", "RB", "RBR", "RBS")
    + ("PRP", "WDT", "WP", "WRB", "EX")
)
_MODIFIER_TAGS = frozenset(("NN", "NNS", "NNP", "NNPS", "JJ", "JJR", "JJS", "CD"))
_OBJECT_TAGS = frozenset(("DT", "PRP", "PRP$", "CD", "NN", "NNS", "NNP", "NNPS", "PDT"))
_NOUN_TAGS = frozenset(("NN", "NNS", "NNP", "NNPS"))
_NP_INSIDE = frozenset(("DT", "PRP$", "POS", "JJ", "JJR", "JJS"))

Tagger = Callable[[Sequence[str]], list[str]]


def _default_tagger() -> Tagger:
    """Return the shipped POS tagger, or a guesser from word lists when it is missing."""
    try:
        from briefings.nlp.tagger import pos_tagger  # noqa: PLC0415 - optional, loaded lazily

        return pos_tagger().tag
    except (ImportError, AttributeError, OSError) as exc:  # pragma: no cover - without the model
        log.warning("POS tagger unavailable (%s); guessing tags", exc)

        def guess(ws: Sequence[str]) -> list[str]:
            out: list[str] = []
            for i, w in enumerate(ws):
                out.append(guess_pos(w, i == 0, out[-1] if out else ""))
            return out

        return guess


_TAGGER: list[Tagger] = []


def _words(text: str) -> list[str]:
    """Split a label into words as the article's tokenizer does ("Washington's" -> "Washington", "'s")."""
    try:
        from briefings.nlp import tokenize  # noqa: PLC0415 - optional, as in doc.py
    except ImportError:  # pragma: no cover - only without the NLP package
        return _WORD.findall(text)
    return [t.text for t in tokenize(text)]


def tag_label(label: str, tagger: Tagger | None = None) -> list[tuple[str, str]]:
    """Return the label's words with their POS tags (the trend tail removed)."""
    text = _TREND_TAIL.sub("", label).strip(" ,;:")
    ws = _words(text)
    if not ws:
        return []
    if tagger is None:
        if not _TAGGER:
            _TAGGER.append(_default_tagger())
        tagger = _TAGGER[0]
    return list(zip(ws, tagger(ws), strict=True))


def measure_of(label: str) -> str:
    """Return the label without its trend tail ("X, up from 3%" -> "X")."""
    return _TREND_TAIL.sub("", label).strip(" ,;:")


def is_clause_fragment(label: str | None, tagger: Tagger | None = None) -> bool:
    """Tell whether a figure label is a clause fragment rather than a noun phrase."""
    if not label:
        return False
    tagged = [(w, t) for w, t in tag_label(label, tagger) if w[:1].isalnum() or t == "POS"]
    if not tagged:
        return False
    if tagged[0][1] in _BAD_START:
        return True
    for i, (w, t) in enumerate(tagged):
        if i and tagged[i - 1][1] in _NP_INSIDE and w.lower() not in FINITE_AUXILIARIES:
            continue  # no verb right after a determiner, possessive or adjective: "Japan's defence spending"
        if t == "VBZ" and _plural_after_possessive(tagged, i):
            continue  # "Japan's defence outlays": the possessive opens a noun phrase it ends
        if t in ("VBZ", "VBP", "MD"):
            return True
        if t.startswith("VB") and w.lower() in FINITE_AUXILIARIES:
            return True
        if t == "VBD":
            prev = tagged[i - 1][1] if i else ""
            nxt = tagged[i + 1][1] if i + 1 < len(tagged) else ""
            after = tagged[i + 2][0].lower() if i + 2 < len(tagged) else ""
            if nxt == "DT" and after in TIME_NOUNS:
                nxt = ""  # "people executed this year": a time adjunct, not an object
            if prev not in _MODIFIER_TAGS or nxt in _OBJECT_TAGS:
                return True
    return False


def _plural_after_possessive(tagged: Sequence[tuple[str, str]], i: int) -> bool:
    """Tell whether word ``i`` ends the label after a possessive and nouns (a plural noun, not a verb)."""
    if i != len(tagged) - 1 or not tagged[i][0].endswith("s"):
        return False
    j = i - 1
    while j >= 0 and tagged[j][1] in _MODIFIER_TAGS:
        j -= 1
    return j < i - 1 and j >= 0 and tagged[j][1] in ("POS", "PRP$")


def is_trivial(label: str | None, tagger: Tagger | None = None) -> bool:
    """Tell whether a label names nothing: no noun besides quantity words ("all", "a maximum")."""
    if not label or not measure_of(label):
        return False
    return not any(
        t in _NOUN_TAGS and w.lower() not in QUANTITY_NOUNS and w[:1].isalnum() for w, t in tag_label(label, tagger)
    )


def clean_label(label: str | None, tagger: Tagger | None = None) -> str | None:
    """Return the label when it is a noun phrase (its trend tail kept), else the tail alone or None."""
    if not label:
        return None
    measure = measure_of(label)
    tail = label[len(measure) :].strip(" ,;:") if label.startswith(measure) else ""
    if measure and (is_clause_fragment(measure, tagger) or is_trivial(measure, tagger)):
        return tail or None
    return label
