"""Counts in a text ("300 troops", "470 personal effects") and the noun phrase each one counts."""

from __future__ import annotations

import re
from operator import itemgetter

from .doc import Doc, Sent
from .figure_lexicon import ADVERBS, CASUALTY_WORDS, MEASURE_UNITS, PEOPLE_UNITS, QUANTIFIERS, STATIVE_VERBS
from .lexicon import AUXILIARIES, COUNT_STOP, DEMONYMS, NUMBER_WORDS, words
from .phrases import NOUN_TAGS, span_text

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUMBER_TOKEN = re.compile(rf"^(?:{_NUM})$")
# A sentence holds a count only if one of its tokens is a number: a digit or a number word.
_DIGIT = re.compile(r"\d")
_NUMBER_WORD = re.compile("|".join(sorted(NUMBER_WORDS, key=len, reverse=True)))
_TEXT = itemgetter(0)  # a token's text
_SCALE_WORDS = words("million billion thousand hundred")
DURATION_UNITS = words("years months weeks days hours")
_PRISON = re.compile(r"^\s+(?:in\s+(?:prison|jail)|behind\s+bars)\b")
_NOT_UNITS = words("year-old years-old point points goal goals minute-mark mph a.m. p.m. am pm o'clock st nd rd th")
_IRREGULAR_PLURALS = words("people personnel police staff cattle children men women")
_PARTICIPLE_TAGS = words("VBN VBD")
_OBJECT_TAGS = words("DT PRP PRP$ CD NN NNS NNP NNPS PDT")
_COMPLEMENT_TAGS = words("IN TO DT PRP$ JJ JJR JJS NN NNS NNP NNPS CD HYPH POS VBG")
_CLAUSE_STOPS = words("and or but , ; : — – -- ( ) who which that when while as because")
_HEDGE_BEFORE = words(
    "all some nearly almost about around roughly approximately over more than least at an estimated up to just only"
)
_LABEL_WORDS = 10


def _is_plural_head(doc: Doc, k: int) -> bool:
    """Tell whether token ``k`` can head a counted noun phrase (a lower-case plural noun, or "Iraqis")."""
    t = doc.tokens[k]
    low = t.text.lower()
    if t.text[:1].isupper() and low.endswith("s") and (low in DEMONYMS or low[:-1] in DEMONYMS):
        return True  # "25,000 Iraqis", "hundreds of Britons"
    return t.text.islower() and (t.pos == "NNS" or t.text in _IRREGULAR_PLURALS) and t.pos in NOUN_TAGS | {"JJ"}


def _is_casualty_word(doc: Doc, k: int) -> bool:
    """Tell whether token ``k`` right after a number is a casualty word standing for people ("648 killed")."""
    t = doc.tokens[k]
    return t.text.islower() and t.text in CASUALTY_WORDS


def count_spans(doc: Doc, sent: Sent, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Find counts with units ("300 troops", "dozens of people", "40 cell phones") as token ranges."""
    toks = doc.tokens
    out: list[tuple[int, int]] = []
    words_ = " ".join(map(_TEXT, toks[sent.first : sent.last]))
    if not _DIGIT.search(words_) and not _NUMBER_WORD.search(words_.lower()):
        return out  # no digit and no number word: most sentences
    i = sent.first
    while i < sent.last:
        t = toks[i]
        low = t.text.lower()
        is_digit = bool(_NUMBER_TOKEN.match(t.text))
        if not (is_digit or low in NUMBER_WORDS) or any(a <= t.start < b for a, b in taken):
            i += 1
            continue
        prev = toks[i - 1] if i > sent.first else None
        if prev is not None and prev.text in ("No.", "no.", "#", "No", "Number"):
            i += 1
            continue
        if is_digit and prev is not None and i - 1 > sent.first and prev.text[:1].isupper() and prev.pos != "POS":
            i += 1  # a model or a name: "Boeing 737 jets", "Flight 9525"
            continue
        if is_digit and i + 1 < sent.last and toks[i + 1].text in ("-", "+", "/", ":"):
            i += 1
            continue
        j = i + 1
        while j < sent.last and toks[j].text.lower() in _SCALE_WORDS:
            j += 1
        if low in NUMBER_WORDS and j + 1 < sent.last and toks[j].text.lower() == "of":
            j += 1  # "dozens of people", "hundreds of thousands"
            if toks[j].text.lower() in NUMBER_WORDS and toks[j].text.lower().endswith("s"):
                j += 1
                if j + 1 < sent.last and toks[j].text.lower() == "of":
                    j += 1
        # The noun phrase counted: up to three modifiers, then a plural head, then nouns of a compound.
        if j < sent.last and j == i + 1 and is_digit and _is_casualty_word(doc, j):
            out.append((i, j + 1))  # "648 killed and 2,191 wounded"
            i = j + 1
            continue
        u = j
        while (
            u < sent.last
            and u - j < 3
            and (toks[u].pos in ("JJ", "NN", "NNP", "NNPS", "HYPH", "VBN") or toks[u].text.endswith("ed"))
            and not _is_plural_head(doc, u)
            and u + 1 < sent.last
            and toks[u + 1].pos in ("NNS", "NN", "JJ", "NNP", "NNPS", "HYPH")
        ):
            u += 1
        if u >= sent.last or not _is_plural_head(doc, u):
            if j > i + 1 and toks[j - 1].text.lower() in NUMBER_WORDS:
                out.append((i, j))  # "hundreds of thousands"
                i = j
                continue
            i += 1
            continue
        while (
            u + 1 < sent.last
            and _is_plural_head(doc, u + 1)
            and toks[u].text.lower() not in MEASURE_UNITS | COUNT_STOP
            and toks[u + 1].text.lower() not in MEASURE_UNITS | COUNT_STOP
        ):
            u += 1  # a compound: "personnel effects"
        unit = toks[u].text.lower()
        if unit in _NOT_UNITS or (unit in COUNT_STOP and unit not in DURATION_UNITS):
            i += 1
            continue
        end = u + 1
        if unit in DURATION_UNITS:
            m = _PRISON.match(doc.text[toks[u].end :])
            if m:
                end = doc.token_at(toks[u].end + m.end())  # "10 years in prison"
            elif u + 2 < sent.last and toks[u + 1].text.lower() == "of" and toks[u + 2].pos in NOUN_TAGS | {"JJ"}:
                end = u + 2  # "300 hours of training", "1,100 hours of community policing experience"
                while end < sent.last and end - u < 6 and toks[end].pos in NOUN_TAGS | {"JJ", "VBG"}:
                    end += 1
                while end > u + 2 and toks[end - 1].pos not in NOUN_TAGS:
                    end -= 1
            else:
                i += 1
                continue
        value = float(t.text.replace(",", "")) if is_digit else float(NUMBER_WORDS[low])
        year_like = is_digit and "," not in t.text and "." not in t.text and 1800 <= value <= 2099
        if year_like and (u != j or unit not in PEOPLE_UNITS):
            i += 1
            continue
        if value < 2 or (not is_digit and value < 10 and unit not in PEOPLE_UNITS):
            i += 1  # "two heart attacks": a small count in words matters when it counts people
            continue
        if unit in MEASURE_UNITS and sent.index > 0:
            i += 1  # a distance or size away from the lead tells where, not what happened
            continue
        out.append((i, end))
        i = end
    return out


def _unit_text(doc: Doc, first: int, last: int) -> str:
    """Return the counted noun phrase of a count ("DNA samples" of "2,000 DNA samples")."""
    toks = doc.tokens
    k = first + 1
    while k < last and (toks[k].text.lower() in _SCALE_WORDS | NUMBER_WORDS.keys() or toks[k].text.lower() == "of"):
        k += 1
    return span_text(doc, k, last)


def _complement(doc: Doc, sent: Sent, k: int) -> int:
    """Return the end of the short complement starting at token ``k`` ("to Poland", "on board")."""
    toks = doc.tokens
    j = k
    while (
        j < sent.last
        and j - k < _LABEL_WORDS - 2
        and toks[j].pos in _COMPLEMENT_TAGS
        and toks[j].text.lower() not in _CLAUSE_STOPS
        and not (toks[j].pos == "CD" and toks[j - 1].text.lower() not in ("in", "since", "of", "by"))
    ):
        j += 1
    while j > k and (toks[j - 1].pos not in NOUN_TAGS | {"CD", "RB"}):
        j -= 1  # end on a noun: "killed since the start of Saudi-led" -> "... the start"
    return j


def count_label(doc: Doc, sent: Sent, first: int, last: int) -> str | None:
    """Return the noun phrase a count counts, with its participle ("personal effects found at the site").

    The count's own noun names what is counted; a label is made only from a passive or
    intransitive verb after it ("300 troops would be deployed to Poland" -> "troops deployed
    to Poland") or a verb it is the object of ("killed all 150 people on board" -> "people
    killed on board"), never from a clause around it.
    """
    toks = doc.tokens
    unit = _unit_text(doc, first, last)
    if not unit:
        return None
    # After the count: auxiliaries and adverbs, then a participle.
    k = last
    aux = 0
    while k < sent.last and (toks[k].text.lower() in AUXILIARIES | ADVERBS | {"being", "not"} or toks[k].pos == "RB"):
        aux += toks[k].text.lower() in AUXILIARIES | {"being"}
        k += 1
    if k < sent.last and toks[k].pos in _PARTICIPLE_TAGS and toks[k].text.islower():
        verb = toks[k]
        nxt = toks[k + 1] if k + 1 < sent.last else None
        takes_object = nxt is not None and nxt.pos in _OBJECT_TAGS
        if verb.text.lower() not in STATIVE_VERBS and (aux or not takes_object):
            if aux and verb.pos == "VBD" and not verb.text.endswith("ed"):
                return None  # "were" + an irregular past form: not a participle we can trust
            end = _complement(doc, sent, k + 1)
            return f"{unit} {span_text(doc, k, end)}".strip()
        return None
    # Before the count: a verb it is the object of.
    v = first - 1
    while v >= sent.first and toks[v].text.lower() in _HEDGE_BEFORE | QUANTIFIERS:
        v -= 1
    if v >= sent.first and toks[v].pos in _PARTICIPLE_TAGS and toks[v].text.islower():
        word = toks[v].text.lower()
        participle = toks[v].pos == "VBN" or word.endswith("ed")
        if participle and word not in STATIVE_VERBS:
            end = _complement(doc, sent, last)
            tail = span_text(doc, last, end) if end > last and toks[last].pos in ("IN", "TO") else ""
            return " ".join(p for p in (unit, toks[v].text, tail) if p)
    return None
