"""Dates in a text, resolved to ISO values, with the event each one belongs to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .doc import Doc, Sent
from .lexicon import SCHEDULE_WORDS, STATUS_VERBS, words, words_list
from .phrases import (
    NOUN_TAGS,
    clause_bounds,
    np_start,
    skip_aux_back,
    span_text,
    strip_determiner,
    trim_words,
)

_MONTH_NAMES = words_list("january february march april may june july august september october november december")
_MONTH_RE = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.|"
    r"Jan|Feb|Aug|Sept|Oct|Nov|Dec)"
)
_WEEKDAYS = tuple(words_list("monday tuesday wednesday thursday friday saturday sunday"))
_WEEKDAY_RE = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_NOT_NUM_AFTER = r"(?![\d%]|\.\d|,\d)"

DATE_RE = re.compile(
    rf"\b(?P<iso>(?P<iy>(?:19|20)\d\d)-(?P<im>[01]\d)-(?P<id>[0-3]\d))\b"
    rf"|\b(?:(?P<wd1>{_WEEKDAY_RE}),?\s+)?(?P<m1>{_MONTH_RE})\s+{_DAY}\b{_NOT_NUM_AFTER}"
    rf"(?:,?\s+{_YEAR}\b{_NOT_NUM_AFTER})?"
    rf"|\b(?:(?P<wd2>{_WEEKDAY_RE}),?\s+)?(?:the\s+)?(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?"
    rf"\s+(?:of\s+)?(?P<m2>{_MONTH_RE})\b(?:,?\s+(?P<year2>(?:1[89]|20)\d\d)\b{_NOT_NUM_AFTER})?"
    rf"|\b(?P<m3>{_MONTH_RE})\s+(?:of\s+)?(?P<year3>(?:1[89]|20)\d\d)\b{_NOT_NUM_AFTER}"
    rf"|\b(?:(?P<rel>[Ll]ast|[Nn]ext|[Tt]his)\s+)?(?P<wd>{_WEEKDAY_RE})\b"
    rf"(?:\s+(?P<part>morning|afternoon|evening|night))?"
    rf"|\b(?:in|In|since|Since|by|By|until|from|during|early|late|mid|of)\s+"
    rf"(?P<m4>(?:(?:early|late|mid)-?\s?)?(?:January|February|March|April|June|July|August|"
    rf"September|October|November|December))\b(?!\s+\d)"
    rf"|(?<![$€£¥#\d.,\-/+])\b(?P<year4>(?:1[89]|20)\d\d)\b(?![\d%/+]|\.\d|,\d|-\d|\s?(?:bn|m)\b)"
)
_NAMED_DAY_BEFORE = re.compile(r"(?:Black|Good|Super|Cyber|Ash|Holy|Easter|Palm|Blue)\s+$")
_COUNT_AFTER = re.compile(r"\s+(?!and|to|or|as|when|after|before|in|on|at|for|the|with)[a-z]+s\b")
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
    precision: int  # 0 day, 1 month, 2 year, 3 weekday without publication date
    detail: str | None
    sentence: str


def _month(name: str) -> int:
    """Return the month number (1-12) of a month name or abbreviation."""
    key = name.lower().rstrip(".")[:3]
    return [m[:3] for m in _MONTH_NAMES].index(key) + 1


def _nearest_year(month: int, day: int, ref: date) -> date | None:
    """Return the month-day date closest to ``ref`` (previous, same or next year)."""
    best: date | None = None
    for y in (ref.year - 1, ref.year, ref.year + 1):
        try:
            d = date(y, month, day)
        except ValueError:
            continue
        if best is None or abs((d - ref).days) < abs((best - ref).days):
            best = d
    return best


def _resolve(m: re.Match[str], ref: date | None) -> tuple[str | None, int]:
    """Return the ISO value (or None) and precision of a date match."""
    g = m.groupdict()
    if g["iso"]:
        try:
            return date(int(g["iy"]), int(g["im"]), int(g["id"])).isoformat(), 0
        except ValueError:
            return None, 0
    month_name = g["m1"] or g["m2"]
    if month_name:
        month = _month(month_name)
        day = int(g["day"] or g["day2"])
        year = g["year"] or g["year2"]
        if not 1 <= day <= 31:
            return None, 0
        if year:
            try:
                return date(int(year), month, day).isoformat(), 0
            except ValueError:
                return None, 0
        if ref is None:
            return None, 0
        d = _nearest_year(month, day, ref)
        return (d.isoformat() if d else None), 0
    if g["m3"]:
        return f"{int(g['year3']):04d}-{_month(g['m3']):02d}", 1
    if g["wd"]:
        if ref is None:
            return None, 3
        wd = _WEEKDAYS.index(g["wd"].lower())
        rel = (g["rel"] or "").lower()
        if rel == "last":
            delta = (ref.weekday() - wd) % 7 or 7
            return (ref - timedelta(days=delta)).isoformat(), 0
        if rel == "next":
            delta = (wd - ref.weekday()) % 7 or 7
            return (ref + timedelta(days=delta)).isoformat(), 0
        monday = ref - timedelta(days=ref.weekday())
        return (monday + timedelta(days=wd)).isoformat(), 0
    if g["m4"]:
        if ref is None:
            return None, 1
        month = _month(g["m4"].split()[-1].split("-")[-1])
        d = _nearest_year(month, 15, ref)
        return (f"{d.year:04d}-{month:02d}" if d else None), 1
    return g["year4"], 2


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


def _dropped(doc: Doc, sent: Sent, spans: list[tuple[int, int]]) -> set[int]:
    """Return the tokens to leave out of a clause summary: the dates and their linkers."""
    toks = doc.tokens
    out: set[int] = set()
    for a, b in spans:
        out.update(range(a, b))
        k = a - 1
        while k >= sent.first and toks[k].text.lower() in _DROP_AROUND | _DROP_BEFORE:
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
        a, b = clause_bounds(doc, sent, last + 1, last + 1)
        text = trim_words(doc, list(range(last + 1, b)))
        if text:
            return text
    a, b = clause_bounds(doc, sent, first, last)
    drop = _dropped(doc, sent, [(first, last), *(others or [])])
    idx = [i for i in range(a, b) if i not in drop]
    n_words = sum(1 for i in idx if toks[i].text[:1].isalnum())
    has_verb = any(toks[i].pos.startswith(("VB", "MD")) for i in idx)
    if (n_words < 3 or not has_verb) and b < sent.last:
        # "On Tuesday, Apple said ...", "In a statement Tuesday, ...": the next clause.
        a2, b2 = clause_bounds(doc, sent, b + 1, b + 1)
        nxt = [i for i in range(b + 1, b2) if i not in drop]
        if sum(1 for i in nxt if toks[i].text[:1].isalnum()) >= 3:
            idx = nxt
    text = trim_words(doc, idx)
    if len(text.split()) < 3:
        text = trim_words(doc, [i for i in range(sent.first, sent.last) if i not in drop]) or text
    return text or None


def find_dates(doc: Doc, published: datetime | date | None) -> list[FoundDate]:
    """Find the dates of ``doc`` (outside headings), resolved against ``published``."""
    ref = published.date() if isinstance(published, datetime) else published
    out: list[FoundDate] = []
    for sent in doc.sents:
        if sent.is_heading:
            continue
        found: list[tuple[re.Match[str], str | None, int, int, int, int, int]] = []
        for m in DATE_RE.finditer(doc.text, sent.start, sent.end):
            if m.group("wd") and _NAMED_DAY_BEFORE.search(doc.text, max(0, m.start() - 8), m.start()):
                continue
            if m.group("year4"):
                after = doc.text[m.end() : m.end() + 20]
                if _COUNT_AFTER.match(after):
                    continue  # "2000 people"
            value, precision = _resolve(m, ref)
            span = "m4" if m.group("m4") else 0
            start, end = m.start(span), m.end(span)
            found.append((m, value, precision, start, end, doc.token_at(start), doc.token_at(end)))
        spans = [(f[5], f[6]) for f in found]
        for m, value, precision, start, end, first, last in found:
            span = "m4" if m.group("m4") else 0
            others = [s for s in spans if s != (first, last)]
            detail = event_detail(doc, sent, first, last, others) if last > first else None
            out.append(FoundDate(m.group(span), start, end, value, precision, detail, sent.text))
    return out
