"""Figures in a text (percentages, money, counts) with what each one measures."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .doc import Doc, Sent
from .figure_counts import count_label, count_spans
from .figure_labels import clean_label
from .figure_lexicon import CASUALTY_WORDS, FIGURE_CUES, MEASURE_UNITS, MONEY_VERB_NOUNS, PEOPLE_UNITS, QUANTITY_NOUNS
from .lexicon import DETERMINERS, words
from .phrases import (
    NOUN_TAGS,
    np_start,
    skip_aux_back,
    span_text,
    strip_determiner,
)

_SCALE = r"(?:\s?(?:million|billion|trillion|bn|mn|tn|m|k)\b)?"
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
FIGURE_RE = re.compile(
    rf"(?P<money>(?:US|A|C|NZ|HK|S|R)?[$€£¥₹]\s?(?:{_NUM}){_SCALE}"
    rf"|\b(?:{_NUM})(?:\s(?:million|billion|trillion))?\s(?:dollars|euros|yen|yuan|"
    rf"rupees|francs|pesos|rubles|roubles)\b"
    rf"|\b(?:USD|EUR|GBP|JPY|CNY)\s?(?:{_NUM}){_SCALE})"
    rf"|(?P<pct>\b(?:{_NUM})\s?(?:%|percent\b|per cent\b|percentage points?\b|pc\b))"
)
_DIGIT = re.compile(r"\d")
_CURRENCY: Mapping[str, str] = MappingProxyType(
    {
        "$": "USD",
        "US$": "USD",
        "€": "EUR",
        "£": "GBP",
        "¥": "JPY",
        "₹": "INR",
        "A$": "AUD",
        "C$": "CAD",
        "NZ$": "NZD",
        "HK$": "HKD",
        "S$": "SGD",
        "R$": "BRL",
        "dollars": "USD",
        "euros": "EUR",
        "pounds": "GBP",
        "yen": "JPY",
        "yuan": "CNY",
        "rupees": "INR",
        "francs": "CHF",
        "pesos": "MXN",
        "rubles": "RUB",
        "roubles": "RUB",
        "USD": "USD",
        "EUR": "EUR",
        "GBP": "GBP",
        "JPY": "JPY",
        "CNY": "CNY",
    }
)
_MULT: Mapping[str, float] = MappingProxyType(
    {
        "million": 1e6,
        "m": 1e6,
        "mn": 1e6,
        "billion": 1e9,
        "bn": 1e9,
        "trillion": 1e12,
        "tn": 1e12,
        "k": 1e3,
        "thousand": 1e3,
    }
)
_HEDGES = words(
    "as much as about around nearly almost some roughly approximately over under more less "
    "than up to just only an estimated least at a total of by from to some"
)
CHANGE_VERBS = words(
    """
    rose rise rises rising fell fall falls falling increased increase increases increasing
    decreased decrease decreases grew grow grows jumped jump jumps dropped drop drops
    climbed climb climbs declined decline declines surged surge soared soar slumped slump
    plunged plunge upped up ups raised raise raises cut cuts boosted boost boosts lifted
    lift lowered lower hiked hike doubled tripled reached reach reaches hit hits totaled
    totalled total totals stood stands stand was were is are be been cost costs worth
    valued raised paid pay pays spent spend spends lost lose loses earned earn earns
    invested invest invests allocate allocated allocates sold sell sells bought buy buys
    fined fine charged charge owes owed seeks sought demanded demand asked ask requested
    request pledged pledge promised promise offered offer received receive gained gain
    shed sheds added add adds slashed slash trimmed trim expanded expand reduced reduce
    set sets fixed capped cap topped top exceeded exceed surpassed surpass
    """
)
_COMPARE = re.compile(
    r"\b(?:(?P<up>up)\s+from|(?P<down>down)\s+from|compared\s+(?:with|to)|surpass\w*|"
    r"exceed\w*|previous(?:ly)?|than|versus|vs\.?|from)\b",
    re.IGNORECASE,
)
_PURPOSE_PREPS = words("on for to towards toward into")


@dataclass(slots=True)
class FoundFigure:
    """A figure found in the text."""

    text: str
    start: int
    end: int
    kind: str  # "money", "pct" or "count"
    value: str | None
    number: float
    detail: str | None
    sentence: str
    sent_index: int
    has_complement: bool


def _number(text: str) -> float:
    """Return the numeric value of a figure's text ("$1.2 billion" -> 1.2e9)."""
    m = re.search(_NUM, text)
    if not m:
        return 0.0
    n = float(m.group().replace(",", ""))
    tail = text[m.end() :].strip().lower().split()
    if tail and tail[0] in _MULT:
        n *= _MULT[tail[0]]
    return n


def _value(kind: str, text: str) -> tuple[str | None, float]:
    """Return a normalised value ("3.5%", "USD 1200000000", "300") and the number."""
    n = _number(text)
    if kind == "pct":
        num = re.search(_NUM, text)
        return (f"{num.group().replace(',', '')}%" if num else None), n
    if kind == "money":
        cur = None
        m = re.match(r"(?:US|A|C|NZ|HK|S|R)?[$€£¥₹]|USD|EUR|GBP|JPY|CNY", text)
        if m:
            cur = _CURRENCY.get(m.group())
        else:
            last = text.split()[-1].lower()
            cur = _CURRENCY.get(last)
        return f"{cur or '?'} {_plain(n)}", n
    return _plain(n), n


def _plain(n: float) -> str:
    """Write a number without exponent or float noise ("94900000000", "3.88")."""
    if n == int(n):
        return str(int(n))
    return f"{n:.6f}".rstrip("0").rstrip(".")


def _complement(doc: Doc, sent: Sent, k: int) -> tuple[int, int, str] | None:
    """Return the "of X" complement starting at token ``k`` as (first, last, text)."""
    toks = doc.tokens
    if k >= sent.last or toks[k].text.lower() != "of":
        return None
    i = k + 1
    # Skip possessives: "of their GDP", "of Japan's GDP".
    if i < sent.last and toks[i].pos == "PRP$":
        i += 1
    elif i + 1 < sent.last and toks[i + 1].pos == "POS" and toks[i].pos in NOUN_TAGS:
        i += 2
    j = i
    while j < sent.last and j - i < 4 and toks[j].pos in NOUN_TAGS | {"JJ", "DT"}:
        j += 1
    if j == i or toks[j - 1].pos not in NOUN_TAGS:
        return None
    return k, j, span_text(doc, i, j)


def _is_noun(doc: Doc, sent: Sent, k: int) -> bool:
    """Tell whether token ``k`` is a noun, or a plural noun mistagged as a verb after a verb's object.

    "lift defence outlays to 2%": a verb, a noun, then a present-tense verb cannot be a clause
    (the object has no break before a new verb), so "outlays" is the object's plural head.
    """
    toks = doc.tokens
    t = toks[k]
    if t.pos in NOUN_TAGS:
        return True
    return (
        t.pos == "VBZ"
        and t.text.islower()
        and k - 2 >= sent.first
        and toks[k - 1].pos in NOUN_TAGS | {"JJ"}
        and toks[k - 2].pos.startswith("VB")
    )


def _resolve_possessive(doc: Doc, sent: Sent, first: int, last: int, verb: int) -> str:
    """Return an NP's text with a leading "its/their" (or no determiner) tied to a named clause subject.

    "the U.S. upped its request" -> "the U.S.' request"; "Japan plans to lift defence outlays"
    -> "Japan's defence outlays": a bare object belongs to a named subject.
    """
    toks = doc.tokens
    text = span_text(doc, first, last)
    low = toks[first].text.lower()
    bare = toks[first].pos not in ("DT", "PRP$", "PDT", "CD", "NNP", "NNPS") and low not in DETERMINERS
    if low not in ("its", "their") and not bare:
        return text
    k = skip_aux_back(doc, sent, verb - 1)
    if k >= sent.first and toks[k].text.lower() == "to":
        k = skip_aux_back(doc, sent, k - 1)
    if k >= sent.first and toks[k].pos.startswith("VB") and k + 1 < verb and toks[k + 1].text.lower() == "to":
        k = skip_aux_back(doc, sent, k - 1)  # "Japan plans to lift ...": the subject of the control verb
    if k < sent.first or toks[k].pos not in NOUN_TAGS or (bare and toks[k].pos not in ("NNP", "NNPS")):
        return text
    s = np_start(doc, sent, k + 1, attach=0)
    if s is None:
        return text
    subj = span_text(doc, s, k + 1)
    rest = span_text(doc, first, last) if bare else span_text(doc, first + 1, last)
    if subj.endswith("."):
        return f"{subj} {rest}"
    return f"{subj}' {rest}" if subj.endswith("s") else f"{subj}'s {rest}"


def _detail(doc: Doc, sent: Sent, first: int, last: int, kind: str) -> str | None:
    """Name what the money or percentage at tokens ``[first, last)`` measures, as a noun phrase."""
    toks = doc.tokens
    # "a previous request of 3%", "bail of $25,000" (not "a maximum of", "a total of")
    k = first - 1
    while k >= sent.first and toks[k].text.lower() in _HEDGES - {"of", "by", "to", "from"}:
        k -= 1
    if (
        k >= sent.first + 1
        and toks[k].text.lower() == "of"
        and toks[k - 1].pos in NOUN_TAGS
        and toks[k - 1].text.lower() not in QUANTITY_NOUNS
    ):
        s = np_start(doc, sent, k, attach=0)
        if s is not None:
            return span_text(doc, strip_determiner(doc, s, k), k)
    # "a 5% stake in Twitter", "a $44 billion deal", "a 70% mark-up yards away"
    if last < sent.last and toks[last].pos in NOUN_TAGS | {"JJ"}:
        j = last
        while j < sent.last and toks[j].pos in NOUN_TAGS | {"JJ", "HYPH"} and j - last < 3:
            if j > last and toks[j].text.lower() in MEASURE_UNITS:
                break  # "yards away" measures where, not what
            j += 1
        if toks[j - 1].pos in NOUN_TAGS:
            end = j
            if j + 1 < sent.last and toks[j].text.lower() in ("in", "of", "for", "on"):
                end2 = j + 1
                if end2 < sent.last and toks[end2].pos in ("DT", "PRP$"):
                    end2 += 1
                while end2 < sent.last and toks[end2].pos in NOUN_TAGS and end2 - j < 4:
                    end2 += 1
                if toks[end2 - 1].pos in NOUN_TAGS:
                    end = end2
            return span_text(doc, last, end)
    # "$5 billion in aid", "$2,500 to the re-election of the sheriff", "$10 billion on data centers"
    if kind == "money":
        moved = _transaction(doc, sent, first, last)
        if moved:
            return moved
        purpose = _purpose(doc, sent, last)
        if purpose:
            return purpose
    # "upped its request to 3.5%", "Sales rose 5%", "boost their budgets to 5%"
    k = first - 1
    while k >= sent.first and toks[k].text.lower() in _HEDGES:
        k -= 1
    # "revenue rose 5% to $94.9 billion": look past an earlier figure.
    if k >= sent.first and toks[k].text in ("%", "percent") | _MULT.keys() | {"cent"}:
        j = k
        while j >= sent.first and (
            toks[j].pos == "CD"
            or toks[j].text.lower() in ("%", "percent", "per", "cent")
            or toks[j].text.lower() in _MULT
            or toks[j].text in _CURRENCY
        ):
            j -= 1
        if j < k:
            k = j
            while k >= sent.first and toks[k].text.lower() in _HEDGES:
                k -= 1
    # A noun right before the figure after a verb is its indirect object ("pay the family
    # $2 million"), not what it measures; "to"/"at"/"by" between them make it the measure.
    if k >= sent.first and _is_noun(doc, sent, k) and k + 1 < first:
        s = np_start(doc, sent, k + 1, attach=1) if toks[k].pos in NOUN_TAGS else np_start(doc, sent, k, attach=1)
        if s is not None:
            v = skip_aux_back(doc, sent, s - 1)
            if v >= sent.first and toks[v].pos.startswith("VB"):
                return _resolve_possessive(doc, sent, s, k + 1, v)
    if k >= sent.first and toks[k].text.lower() in CHANGE_VERBS:
        v = k
        s_end = v - 1
        while s_end >= sent.first and toks[s_end].pos == "RB":
            s_end -= 1
        if s_end >= sent.first and toks[s_end].text.lower() == "to":
            # "allies to allocate 5% of GDP towards defense"
            s_end = skip_aux_back(doc, sent, s_end - 1)
            s = np_start(doc, sent, s_end + 1, attach=0) if s_end >= sent.first else None
            if s is not None:
                tail = _tail_pp(doc, sent, last)
                base = f"{span_text(doc, s, s_end + 1)} to {toks[v].text}"
                return f"{base} {tail}" if tail else base
        elif (s_end := skip_aux_back(doc, sent, v - 1)) >= sent.first and toks[s_end].pos in NOUN_TAGS:
            s = np_start(doc, sent, s_end + 1, attach=1)
            if s is not None:
                return f"{span_text(doc, strip_determiner(doc, s, s_end + 1), s_end + 1)}"
    return None


def _transaction(doc: Doc, sent: Sent, first: int, last: int) -> str | None:
    """Name a sum by the transaction verb before it: "Furious 7 earned $60 million" -> "Furious 7's earnings"."""
    toks = doc.tokens
    v = first - 1
    while v >= sent.first and (
        toks[v].text.lower() in _HEDGES or toks[v].pos in ("DT", "JJ", "HYPH", "VBG") or toks[v].text == "-"
    ):
        v -= 1
    if v < sent.first or toks[v].text.lower() not in MONEY_VERB_NOUNS:
        return None
    noun = MONEY_VERB_NOUNS[toks[v].text.lower()]
    k = skip_aux_back(doc, sent, v - 1)
    owner = ""
    if k >= sent.first and toks[k].pos in NOUN_TAGS | {"CD"}:
        s = np_start(doc, sent, k + 1, attach=0)
        if s is not None and k + 1 - s <= 5:
            subj = span_text(doc, s, k + 1)
            owner = f"{subj}' " if subj.endswith("s") and not subj.endswith("'s") else f"{subj}'s "
    tail = _tail_pp(doc, sent, last)
    return f"{owner}{noun} {tail}".strip()


def _purpose(doc: Doc, sent: Sent, k: int) -> str | None:
    """Return the noun phrase of a purpose after a sum ("in aid", "on new data centers"), or None."""
    toks = doc.tokens
    if k + 1 >= sent.last or toks[k].text.lower() not in _PURPOSE_PREPS | {"in"}:
        return None
    j = k + 1
    while j < sent.last and toks[j].pos in NOUN_TAGS | {"JJ", "DT", "PRP$", "HYPH", "POS"} and j - k < 5:
        j += 1
    # "the re-election of Sheriff Stanley Glanz": one "of" link.
    if j + 1 < sent.last and toks[j].text.lower() == "of" and toks[j - 1].pos in NOUN_TAGS:
        j2 = j + 1
        while j2 < sent.last and toks[j2].pos in NOUN_TAGS | {"JJ", "DT", "PRP$"} and j2 - j < 5:
            j2 += 1
        if toks[j2 - 1].pos in NOUN_TAGS:
            j = j2
    if j == k + 1 or toks[j - 1].pos not in NOUN_TAGS:
        return None
    first = k + 1
    if toks[first].pos == "DT" and toks[first].text.lower() in ("a", "an"):
        first += 1
    return span_text(doc, first, j)


def _tail_pp(doc: Doc, sent: Sent, k: int) -> str:
    """Return a short prepositional phrase at token ``k`` ("towards defense"), or ""."""
    toks = doc.tokens
    if k < sent.last and toks[k].text.lower() == "of":
        c = _complement(doc, sent, k)
        if c:
            k = c[1]
    if k >= sent.last or toks[k].pos != "IN" or toks[k].text.lower() == "of":
        return ""
    j = k + 1
    while j < sent.last and toks[j].pos in NOUN_TAGS | {"JJ", "DT", "PRP$"} and j - k < 5:
        j += 1
    if j == k + 1 or toks[j - 1].pos not in NOUN_TAGS:
        return ""
    return span_text(doc, k, j)


def _compare(doc: Doc, figs: list[FoundFigure]) -> None:
    """Link figures of one sentence compared with each other ("up from 3%")."""
    for a in figs:
        for b in figs:
            if b is a or b.kind != a.kind or b.start < a.end:
                continue
            if a.kind == "count" and a.text.split()[-1].lower() != b.text.split()[-1].lower():
                continue
            between = doc.text[a.end : b.start]
            m = _COMPARE.search(between)
            if not m or len(between) > 80:
                continue
            word = "up" if b.number < a.number else "down"
            if m.group("down"):
                word = "down"
            shown = b.text
            if a.detail and f"from {shown}" not in a.detail:
                a.detail = f"{a.detail}, {word} from {shown}"
            elif not a.detail:
                a.detail = f"{word} from {shown}"
            if a.has_complement and not b.has_complement:
                comp = a.text[len(a.text.split(" of ", 1)[0]) :]
                b.text = f"{b.text}{comp}"
                b.has_complement = True


def _figure_matches(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """Return the matches of ``FIGURE_RE`` in ``text[start:end]``, skipping stretches that cannot hold one."""
    if not _DIGIT.search(text, start, end):
        return iter(())
    part = text[start:end]
    if not any(c in part for c in FIGURE_CUES):
        return iter(())
    return FIGURE_RE.finditer(text, start, end)


def find_figures(doc: Doc, date_spans: list[tuple[int, int]]) -> list[FoundFigure]:
    """Find the figures of ``doc`` (outside headings), skipping dates and names."""
    out: list[FoundFigure] = []
    for sent in doc.sents:
        if sent.is_heading:
            continue
        found: list[FoundFigure] = []
        taken = list(date_spans)
        for m in _figure_matches(doc.text, sent.start, sent.end):
            kind = "money" if m.group("money") else "pct"
            first, last = doc.token_at(m.start()), doc.token_at(m.end())
            text = m.group(0)
            comp = _complement(doc, sent, last)
            end_char = m.end()
            if comp:
                text = f"{text} of {comp[2]}"
            value, number = _value(kind, m.group(0))
            detail = clean_label(_detail(doc, sent, first, last, kind))
            taken.append((m.start(), end_char))
            found.append(
                FoundFigure(
                    text,
                    m.start(),
                    end_char,
                    kind,
                    value,
                    number,
                    detail,
                    sent.text,
                    sent.index,
                    comp is not None,
                )
            )
        for i, j in count_spans(doc, sent, taken):
            text = span_text(doc, i, j)
            value, number = _value("count", span_text(doc, i, min(j, i + 2)))
            if not doc.tokens[i].text[0].isdigit():
                value = None
            detail = clean_label(count_label(doc, sent, i, j))
            found.append(
                FoundFigure(
                    text,
                    doc.tokens[i].start,
                    doc.tokens[j - 1].end,
                    "count",
                    value,
                    number,
                    detail,
                    sent.text,
                    sent.index,
                    False,
                )
            )
        found.sort(key=lambda f: f.start)
        _compare(doc, found)
        out.extend(found)
    return out


def _counts_people(f: FoundFigure) -> bool:
    """Tell whether a count counts people ("150 people", "648 killed", "three Saudi soldiers")."""
    words_ = f.text.lower().split()
    return any(w in PEOPLE_UNITS or w in CASUALTY_WORDS for w in words_[1:]) or (
        len(words_) > 1 and words_[-1] in PEOPLE_UNITS
    )


def figure_rank(f: FoundFigure) -> tuple[int, int, int]:
    """Sort key putting key numbers first: sums, shares and counts of people, in the lead or named.

    Tier 0: money, percentages and counts of people that are in the lead (first two
    sentences) or have a label; tier 1: the other key kinds and labelled counts; tier 2:
    the rest. Within a tier, text order.
    """
    key_kind = f.kind != "count" or _counts_people(f)
    lead = f.sent_index <= 1
    if key_kind and (lead or f.detail):
        tier = 0
    elif key_kind or f.detail:
        tier = 1
    else:
        tier = 2
    return tier, f.sent_index, f.start


def rank_figures(found: list[FoundFigure]) -> list[FoundFigure]:
    """Return the figures with the key numbers first (see :func:`figure_rank`)."""
    return sorted(found, key=figure_rank)
