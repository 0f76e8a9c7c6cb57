"""Dates in a text, resolved to ISO values, with the event each one belongs to."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime

from briefings.models import Fact, KeyFacts

from .doc import Doc, Sent
from .lexicon import PREPOSITIONS, SCHEDULE_WORDS, STATUS_VERBS, words
from .phrases import (
    NOUN_TAGS,
    clause_bounds,
    np_start,
    skip_aux_back,
    span_text,
    strip_determiner,
    trim_words,
)
from .timex_lexicon import MONTH_RE, WEEKDAY_RE
from .timex_patterns import RawTimex, find_timexes
from .timex_resolve import Context, resolve, tense_at

log = logging.getLogger(__name__)

_NAMED_DAY_BEFORE = re.compile(r"(?:Black|Good|Super|Cyber|Ash|Holy|Easter|Palm|Blue)\s+$")
_MAY_BEFORE = words("in since by until till through from during early late mid of last next this before after to")
_YEAR_KEEP_BEFORE = words(
    "a an the its their his her our my your 's ’s in since by until till during from to after before through"
)
_SET_BEFORE = words("each every")
_SEASON_PREPS = words("in over during by until till since through into for")
_NOUN_BEFORE = words("the a an annual")
_CLAUSE_BREAK = words(", ; : — – -- ( )")
_WEEKDAY_PREFIX = re.compile(r"^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+(?=\w)")
_COPYRIGHT_BEFORE = re.compile(r"(?:©|\([cC]\)|[Cc]opyright)\s*$")
_DATELINE = re.compile(r"^\s*[A-Z][A-Z .'’-]{2,40},\s")
_NAMED_DATE = re.compile(rf"(?:{WEEKDAY_RE}|{MONTH_RE})\b")
_REF_VALUES = ("PAST_REF", "PRESENT_REF", "FUTURE_REF")
EVENT_NOUNS = words("""
    meeting meetings talks talk summit election elections vote votes referendum poll polls
    deadline hearing hearings trial trials ceremony visit visits match game games final
    finals launch conference session sessions debate debates inauguration wedding funeral
    sentencing verdict ruling deal agreement treaty ceasefire truce strike strikes protest
    protests rally rallies march concert festival tournament race event events opening
    release premiere meeting auction exam exams primary primaries caucus caucuses
    parade celebration memorial service negotiations consultations audit review
    announcement decision speech address interview report results earnings
    """)
_EVENT_SUFFIXES = ("tion", "sion", "ment", "ings", "ence", "ance", " summit")


@dataclass(slots=True)
class FoundDate:
    """A date found in the text."""

    text: str
    start: int
    end: int
    value: str | None
    precision: int  # 0 day, 1 month/week/quarter, 2 year, 3 weekday without publication date, 4 vague (*_REF)
    detail: str | None
    sentence: str


def _is_status(word: str) -> str | None:
    """Return the status a verb gives an event ("canceled"), if any."""
    return STATUS_VERBS.get(word.lower())


def _event_np(doc: Doc, sent: Sent, k: int) -> str | None:
    """Return the (trimmed) noun-phrase chain ending at token ``k``, with its status verb."""
    np_first = np_start(doc, sent, k + 1)
    if np_first is None:
        return None
    start = strip_determiner(doc, np_first, k + 1)
    phrase = span_text(doc, start, k + 1)
    if len(phrase.split()) > 10:
        return None
    v = skip_aux_back(doc, sent, np_first - 1)
    if v >= sent.first:
        status = _is_status(doc.tokens[v].text)
        if status == "called off" and doc.tokens[v + 1].text.lower() != "off":
            status = None
        if status is None and doc.tokens[v].text.lower() == "off" and v > sent.first:
            status = "called off" if doc.tokens[v - 1].text.lower() == "called" else None
        if status:
            phrase = f"{phrase} ({status})"
    return phrase


def _is_event_noun(word: str) -> bool:
    """Tell whether a noun names an event (meeting, elections, summit)."""
    w = word.lower()
    return w in EVENT_NOUNS or (len(w) > 6 and w.endswith(_EVENT_SUFFIXES))


_DROP_BEFORE = words("on for by until till since from in before after of through at between")
_DROP_AROUND = words("last next this early late and to")
_DROP_LINKERS = _DROP_AROUND | _DROP_BEFORE


def _dropped(doc: Doc, sent: Sent, spans: list[tuple[int, int]]) -> set[int]:
    """Return the tokens to leave out of a clause summary: the dates and their linkers."""
    toks = doc.tokens
    out: set[int] = set()
    for a, b in spans:
        out.update(range(a, b))
        k = a - 1
        while k >= sent.first and toks[k].text.lower() in _DROP_LINKERS:
            out.add(k)
            if toks[k].text.lower() in _DROP_BEFORE:
                break
            k -= 1
    return out


def event_detail(
    doc: Doc, sent: Sent, first: int, last: int, others: list[tuple[int, int]] | None = None
) -> str | None:
    """Describe the event a date (tokens ``[first, last)``) belongs to, in ≤ 10 words."""
    toks = doc.tokens
    k = first - 1
    prep = None
    if k >= sent.first and toks[k].text.lower() in (
        "on",
        "for",
        "by",
        "until",
        "till",
        "since",
        "from",
        "in",
        "before",
        "after",
        "of",
        "through",
        "at",
    ):
        prep = toks[k].text.lower()
        k -= 1
    # "scheduled for July 1", "set to take place on July 1", "due on", "held on".
    j = k
    if j >= sent.first + 1 and toks[j].pos.startswith("VB") and toks[j - 1].text.lower() == "to":
        j -= 2  # "set to begin on"
    if j >= sent.first and toks[j].text.lower() in SCHEDULE_WORDS:
        j = skip_aux_back(doc, sent, j - 1)
        if j >= sent.first and toks[j].pos in NOUN_TAGS:
            found = _event_np(doc, sent, j)
            if found:
                return found
    if prep and k >= sent.first and toks[k].pos in NOUN_TAGS and _is_event_noun(toks[k].text):
        found = _event_np(doc, sent, k)
        if found:
            return found
    # "..., when X did Y": the when-clause tells the event.
    if last < sent.last and toks[last].text.lower() == "when":
        a, b = _clause(doc, sent, last + 1, last + 1)
        text = _label(doc, list(range(last + 1, b)))
        if text:
            return text
    a, b = _clause(doc, sent, first, last)
    drop = _dropped(doc, sent, [(first, last), *(others or [])])
    idx = [i for i in range(a, b) if i not in drop]
    n_words = sum(1 for i in idx if toks[i].text[:1].isalnum())
    has_verb = any(toks[i].pos.startswith(("VB", "MD")) for i in idx)
    if (n_words < 3 or not has_verb) and b < sent.last and a == sent.first:
        # "On Tuesday, Apple said ...", "In a statement Tuesday, ...": a leading date tells the next clause.
        a2, b2 = _clause(doc, sent, b + 1, b + 1)
        nxt = [i for i in range(b + 1, b2) if i not in drop]
        if sum(1 for i in nxt if toks[i].text[:1].isalnum()) >= 3:
            idx = nxt
    text = _label(doc, idx)
    if len(text.split()) < 3:
        text = _label(doc, [i for i in range(sent.first, sent.last) if i not in drop]) or text
    return text or None


def _clause(doc: Doc, sent: Sent, first: int, last: int) -> tuple[int, int]:
    """Return the token range of the comma-delimited clause holding ``[first, last)`` (quotes do not split)."""
    return clause_bounds(doc, sent, first, last, _CLAUSE_BREAK)


_LABEL_CUTS = PREPOSITIONS | words("and or but to when while as")


def _label(doc: Doc, idx: list[int], limit: int = 10) -> str:
    """Join tokens into an event label of at most ``limit`` words, cut only where a phrase begins."""
    toks = doc.tokens
    n = 0
    for pos, i in enumerate(idx):
        n += toks[i].text[:1].isalnum()
        if n > limit:
            # Too long: end before the last preposition, conjunction or "to" inside the limit.
            cut = next(
                (p for p in range(pos - 1, 0, -1) if toks[idx[p]].text.lower() in _LABEL_CUTS and p > 2),
                pos,
            )
            idx = idx[:cut]
            break
    text = trim_words(doc, idx, limit)
    if (text.count('"') + text.count("“") + text.count("”")) % 2:
        text = " ".join(text.replace('"', "").replace("“", "").replace("”", "").split())  # a quote cut in two
    return text


def _precision(value: str | None, kind: str) -> int:
    """Return how specific a value is: 0 day, 1 month/week/quarter, 2 year or decade, 3 unknown, 4 vague."""
    if value is None:
        return 3 if kind == "weekday" else 2
    if value in _REF_VALUES:
        return 4
    if len(value) >= 10:
        return 0
    return 1 if len(value) > 4 else 2


def _keep(doc: Doc, t: RawTimex) -> bool:
    """Tell whether a matched expression is a date here (not "Black Friday", "May" the verb, "2000 people")."""
    text = doc.text
    if t.kind == "weekday" and _NAMED_DAY_BEFORE.search(text, max(0, t.start - 8), t.start):
        return False
    before = text[max(0, t.start - 12) : t.start].split()
    prev = before[-1].lower() if before else ""
    if prev in _SET_BEFORE and t.kind in ("weekday", "month"):
        return False  # "each Thursday", "every July": a set of days, not a date
    if t.kind == "the_season" and prev not in _SEASON_PREPS:
        return False  # "the fall in prices", but "over the summer"
    if t.kind == "month" and not t.groups["shift"] and prev in _NOUN_BEFORE:
        return False  # "the annual March for Life"
    if t.kind == "unit" and (t.groups["unit"] or "")[:1].isupper():
        sent = doc.sentence_of(t.start)
        if sent is not None and sent.start != t.start:
            return False  # "ABC's This Week": a title
    if t.kind == "month" and (t.groups["mon"] or "") == "May" and not t.groups["shift"]:
        before = text[max(0, t.start - 12) : t.start].split()
        if not before or before[-1].lower() not in _MAY_BEFORE:
            return False
    if t.kind in ("year", "year_range") and _COPYRIGHT_BEFORE.search(text, max(0, t.start - 12), t.start):
        return False  # "© 2025 Example News"
    if t.kind == "year":
        k = doc.token_at(t.end)
        first = doc.token_at(t.start)
        if k < len(doc.tokens) and doc.tokens[k].start >= t.end and doc.tokens[k].pos in ("NNS", "NNPS"):
            prev = doc.tokens[first - 1].text.lower() if first > 0 else ""
            if prev not in _YEAR_KEEP_BEFORE:
                return False  # "2000 people", but "a 2009 analysis", "in 1999 researchers"
    return True


def _spans(t: RawTimex) -> list[tuple[int, int, str | None]]:
    """Return the mention spans of a match: a year range ("1957-58") gives both its years."""
    if t.kind != "year_range":
        return [(t.start, t.end, None)]
    y, y2 = t.groups["y"] or "", t.groups["y2"] or ""
    second = y2 if len(y2) == 4 else str(int(y[:2]) * 100 + int(y2) + (100 if int(y2) < int(y[2:]) else 0))
    if int(second) <= int(y) or int(second) - int(y) > 50:
        return []  # "1980-40" is no range of years
    return [(t.start, t.start + 4, y), (t.end - len(y2), t.end, second)]


def find_dates(doc: Doc, published: datetime | date | None) -> list[FoundDate]:
    """Find the date mentions of ``doc`` (datelines too), with TimeML values resolved against ``published``."""
    ref = published.date() if isinstance(published, datetime) else published
    ctx = Context(ref)
    out: list[FoundDate] = []
    timexes = find_timexes(doc.text, 0, len(doc.text))  # one pass of each rule over the text
    k = 0
    for sent in doc.sents:
        found: list[tuple[int, int, str | None, int, int, int]] = []  # span, value, precision, tokens
        while k < len(timexes) and timexes[k].start < sent.start:
            k += 1
        in_sent: list[RawTimex] = []
        while k < len(timexes) and timexes[k].start < sent.end:
            if timexes[k].end <= sent.end:
                in_sent.append(timexes[k])
            k += 1
        if sent.is_heading and not _DATELINE.match(sent.text):
            continue  # titles, bylines, "© 2025 Example News"; a dateline ("NICOSIA, August 8 (Xinhua) --") counts
        for t in in_sent:
            if not _keep(doc, t):
                continue
            first, last = doc.token_at(t.start), max(doc.token_at(t.end), doc.token_at(t.start) + 1)
            tense = tense_at(doc, sent, first, last)
            value = resolve(t, ref, tense, ctx)
            for start, end, fixed in _spans(t):
                found.append((start, end, fixed or value, _precision(fixed or value, t.kind), first, last))
        spans = [(a, b) for *_, a, b in found]
        for start, end, value, precision, first, last in found:
            others = [s for s in spans if s != (first, last)]
            detail = event_detail(doc, sent, first, last, others) if last > first and not sent.is_heading else None
            out.append(FoundDate(doc.text[start:end], start, end, value, precision, detail, sent.text))
    return out


def date_mentions(found: list[FoundDate], article_id: int | None = None) -> list[Fact]:
    """Return every date mention as a fact with its offsets, in text order."""
    return [
        Fact(
            kind="date",
            text=d.text,
            detail=d.detail,
            value=d.value,
            sentence=d.sentence,
            article_id=article_id,
            start=d.start,
            end=d.end,
        )
        for d in found
    ]


def date_key(f: Fact) -> str:
    """Return what makes two date facts the same date: the value, else the text ("Friday, April 19" ~ "April 19")."""
    return f.value or _WEEKDAY_PREFIX.sub("", f.text.lower())


def card_dates(mentions: list[Fact]) -> list[Fact]:
    """Return the card's dates: one per distinct date (its best event), specific ones first; vague ones left out."""
    best: dict[str, Fact] = {}
    order: list[str] = []
    for f in mentions:
        if f.value in _REF_VALUES:
            continue  # "now", "recently", "the future": true, but no key fact
        if f.value is None and not _NAMED_DATE.match(f.text):
            continue  # "last month" with no publication date to count from: no date to show
        key = date_key(f)
        if key not in best:
            best[key] = f
            order.append(key)
        elif not best[key].detail and f.detail:
            best[key] = f

    def rank(k: str) -> tuple[int, int]:
        f = best[k]
        p = _precision(f.value, "weekday" if f.value is None else "")
        return (0 if p == 3 else min(p, 2), f.start or 0)

    return [best[k] for k in sorted(order, key=rank)]


def mentions_json(facts: KeyFacts) -> list[dict[str, object]]:
    """Return the date mentions as ``facts --jsonl`` writes them: text, start, end, value, event."""
    return [
        {"text": f.text, "start": f.start, "end": f.end, "value": f.value, "event": f.detail}
        for f in facts.date_mentions
    ]
