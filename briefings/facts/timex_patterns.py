"""The surface patterns of date expressions (HeidelTime-style rules), one regex per kind.

Each rule names a kind that :mod:`briefings.facts.timex_resolve` turns into a TimeML value. Overlapping
matches are settled by :func:`find_timexes`: the longest wins, then the earlier rule.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .timex_lexicon import (
    DAY_PARTS,
    FULL_MONTH_RE,
    FUTURE_REF_RE,
    HOLIDAY_RE,
    MONTH_RE,
    NUMBER_RE,
    ORDINAL_RE,
    PAST_REF_RE,
    PHASE_RE,
    PRESENT_REF_RE,
    SEASON_RE,
    SHIFT_RE,
    UNIT_RE,
    WEEKDAY_RE,
)

_YEAR = r"(?:1[6-9]|20)\d\d"
_DAY = r"[0-3]?\d(?:st|nd|rd|th)?"
_NOT_NUM_AFTER = r"(?![\d%]|\.\d|,\d)"
_I = "(?i:"  # a case-insensitive group: month and weekday names stay capitalised, the rest may not

RULES: tuple[tuple[str, str], ...] = (
    ("iso", rf"\b(?P<y>{_YEAR})-(?P<mo>[01]\d)-(?P<d>[0-3]\d)\b"),
    (
        "mdy",
        rf"\b(?:(?P<wd>{WEEKDAY_RE}),?\s+)?(?P<mon>{MONTH_RE})\s+(?P<d>{_DAY})\b{_NOT_NUM_AFTER}"
        rf"(?:,?\s+(?P<y>{_YEAR})\b{_NOT_NUM_AFTER})?",
    ),
    (
        "dmy",
        rf"\b(?:(?P<wd>{WEEKDAY_RE}),?\s+)?(?:the\s+)?(?P<d>{_DAY})\s+(?:of\s+)?(?P<mon>{MONTH_RE})\b"
        rf"(?:,?\s+(?P<y>{_YEAR})\b{_NOT_NUM_AFTER})?",
    ),
    (
        "month_year",
        rf"\b(?:{_I}(?:early|late|mid)[- ]?\s*))?(?P<mon>{MONTH_RE})\s+(?:{_I}of)\s+)?(?P<y>{_YEAR})\b{_NOT_NUM_AFTER}",
    ),
    (
        "month",
        rf"\b(?:{_I}(?P<shift>{SHIFT_RE}))\s+)?(?:{_I}(?:early|late|mid)[- ]?\s*))?(?P<mon>{FULL_MONTH_RE})\b"
        rf"(?!\s+\d|\s+[A-Z]|-)(?:\s+(?P<yshift>{_I}this|last|next))\s+{_I}year)\b)?",
    ),
    (
        "weekday",
        rf"\b(?:(?P<rel>{_I}last|next|this\s+past|this|early|late|earlier|later))\s+)?(?P<wd>{WEEKDAY_RE})\b"
        rf"(?!\s*,?\s*{MONTH_RE}\s+\d)",
    ),
    ("relday", rf"\b{_I}(?:(?:early|late|earlier|later)\s+)?(?P<rd>today|yesterday|tomorrow|tonight))\b"),
    (
        "unit",
        rf"\b{_I}(?P<phase>{PHASE_RE})?(?P<shift>{SHIFT_RE})\s+(?:fiscal\s+)?"
        rf"(?P<unit>year|month|week(?:end)?|quarter|decade|century|{SEASON_RE}))\b(?!-)",
    ),
    (
        "the_year",
        rf"\b{_I}the\s+(?:full\s+|whole\s+|calendar\s+|(?:current\s+)?fiscal\s+)?year)\b(?:\s+(?P<y>{_YEAR})\b)?"
        rf"(?!\s+(?:before|after|earlier|later|ago|of|in|when|that)\b|-)",
    ),
    ("weekend", rf"\b{_I}(?:the|this|last|next)\s+weekend)\b"),
    ("phase_year", rf"\b{_I}(?P<phase>early|earlier|late|later)\s+in\s+the\s+(?P<unit>year|month|week))\b"),
    (
        "ago",
        rf"\b{_I}(?:(?:nearly|almost|about|some|roughly|more\s+than|over|just|only|barely)\s+)?"
        rf"(?P<n>{NUMBER_RE})\s+(?P<unit>{UNIT_RE})\s+(?P<dir>ago|earlier))\b",
    ),
    (
        "year_ago",
        rf"\b{_I}(?:the\s+)?(?:comparable\s+|same\s+)?year[- ](?:earlier|ago)"
        rf"(?:\s+(?:(?:{ORDINAL_RE})\s+)?(?:fiscal\s+)?(?:quarter|period))?)\b",
    ),
    (
        "quarter",
        rf"\b{_I}(?:(?:the|its|this\s+year['’]s|last\s+year['’]s|next\s+year['’]s|a|an)\s+)?"
        rf"(?:(?P<y1>{_YEAR})\s+)?(?:fiscal[- ])?(?P<q>{ORDINAL_RE})[- ](?:fiscal[- ])?quarter"
        rf"(?:\s+of\s+(?:fiscal\s+)?(?P<y2>{_YEAR}))?)\b",
    ),
    (
        "the_quarter",
        rf"\b{_I}the\s+(?:(?P<latest>latest|most\s+recent|recent)\s+(?:quarter|period)|quarter))\b(?!-)",
    ),
    ("year_end", rf"\b{_I}(?:(?:the|around|by)\s+)?year(?:['’]s\s+|[- ])end)\b"),
    ("the_season", rf"\b{_I}the\s+(?:(?:early|late)\s+)?(?P<season>{SEASON_RE}))\b(?!\s+of\b)"),
    (
        "half",
        rf"\b{_I}(?:the\s+)?(?P<h>first|second|last)\s+half(?:\s+of\s+(?:fiscal\s+)?(?P<y>{_YEAR})|(?=\s+(?:results|profits?|sales|earnings))))\b",
    ),
    ("fiscal", rf"\b{_I}fiscal(?:\s+year)?\s+(?P<y>{_YEAR})(?:[-/](?P<y2>\d\d(?:\d\d)?))?)\b"),
    ("decade", rf"\b{_I}(?:the\s+)?(?:(?:early|late|mid)[- ]?)?(?P<c>1[6-9]|20)(?P<d>\d)0['’]?s)\b"),
    ("decade2", rf"(?<!\w){_I}(?:the\s+)?(?:(?:early|late|mid)[- ]?)?['’](?P<d>\d)0s)\b"),
    ("century", rf"\b{_I}(?:the\s+)?(?P<n>1\d|2[01])(?:st|nd|rd|th)[- ]century)\b"),
    ("year_range", rf"(?<![$€£¥#\d.,/+-])\b(?P<y>{_YEAR})\s?[-–]\s?(?P<y2>\d\d(?:\d\d)?)\b(?![\d%/]|\.\d|,\d)"),
    (
        "year",
        rf"(?:(?<![$€£¥#\d.,/+-])|(?<=(?i:mid|pre)-)|(?<=(?i:post)-))\b(?P<y>{_YEAR})\b"
        rf"(?![\d%/+]|\.\d|,\d|-\d|\s?(?:bn|m)\b)",
    ),
    ("season", rf"\b{_I}(?:the\s+)?(?:(?:early|late)\s+)?(?P<season>{SEASON_RE}))\s+(?:{_I}of)\s+)?(?P<y>{_YEAR})\b"),
    ("holiday", rf"\b(?P<hol>{HOLIDAY_RE})\b"),
    ("present_ref", rf"\b{_I}{PRESENT_REF_RE})\b"),
    ("past_ref", rf"\b{_I}{PAST_REF_RE})\b"),
    ("future_ref", rf"\b{_I}{FUTURE_REF_RE})\b"),
)
_COMPILED = tuple((kind, re.compile(rx)) for kind, rx in RULES)
DAY_PART_AFTER = re.compile(rf"\s+{DAY_PARTS}\b")

# Where each rule may match. A match holds only word characters, spaces and , . ' ’ - – / (and
# lookaheads after it test % and +), and its only full stop before a space ends a month ("Jan. 5"),
# so it never crosses any other character nor a sentence's full stop: the text splits into stretches
# at those, and each rule runs only on the stretches holding its cues.
_STRETCH = re.compile(r"[\w\s,.'’\-–/%+]+")
_FULL_STOP = re.compile(r"\.(?=\s)(?<!Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sep\.|Oct\.|Nov\.|Dec\.)(?<!Sept\.)")
# Cues: literal pieces every match of a rule holds. Each rule lists groups; a match holds a string
# of every group. Lower-case groups are looked up in the lower-cased text (the rule's words are
# case-insensitive there), the others in the text as written.
_MONTH_CUES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAY_CUES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SEASON_CUES = ("spring", "summer", "fall", "autumn", "winter")
_YEAR_CUES = ("16", "17", "18", "19", "20")
_SHIFT_CUES = ("this", "current", "present", "last", "past", "previous", "prior", "next", "coming", "following")
_HOLIDAY_CUES = (
    "Christmas", "New", "Independence", "Fourth", "Valentine", "Halloween", "Veterans", "Boxing", "Thanksgiving",
)  # fmt: skip
_CASED, _LOWER = False, True
CueGroup = tuple[bool, tuple[str, ...]]
CUES: dict[str, tuple[CueGroup, ...]] = {
    "iso": ((_CASED, ("-0", "-1")),),
    "mdy": ((_CASED, _MONTH_CUES),),
    "dmy": ((_CASED, _MONTH_CUES),),
    "month_year": ((_CASED, _MONTH_CUES), (_CASED, _YEAR_CUES)),
    "month": ((_CASED, _MONTH_CUES),),
    "weekday": ((_CASED, _WEEKDAY_CUES),),
    "relday": ((_LOWER, ("today", "yesterday", "tomorrow", "tonight")),),
    "unit": (
        (_LOWER, ("year", "month", "week", "quarter", "decade", "century", *_SEASON_CUES)),
        (_LOWER, _SHIFT_CUES),
    ),
    "the_year": ((_LOWER, ("year",)),),
    "weekend": ((_LOWER, ("weekend",)),),
    "phase_year": ((_LOWER, ("earl", "late")), (_LOWER, ("year", "month", "week"))),
    "ago": ((_LOWER, ("ago", "earlier")),),
    "year_ago": ((_LOWER, ("ago", "earlier")), (_LOWER, ("year",))),
    "quarter": ((_LOWER, ("quarter",)),),
    "the_quarter": ((_LOWER, ("quarter", "period")),),
    "year_end": ((_LOWER, ("end",)), (_LOWER, ("year",))),
    "the_season": ((_LOWER, _SEASON_CUES),),
    "half": ((_LOWER, ("half",)),),
    "fiscal": ((_LOWER, ("fiscal",)),),
    "decade": ((_LOWER, ("0s", "0'", "0’")),),
    "decade2": ((_LOWER, ("0s",)),),
    "century": ((_LOWER, ("century",)),),
    "year_range": ((_CASED, ("-", "–")), (_CASED, _YEAR_CUES)),
    "year": ((_CASED, _YEAR_CUES),),
    "season": ((_LOWER, _SEASON_CUES), (_CASED, _YEAR_CUES)),
    "holiday": ((_CASED, _HOLIDAY_CUES),),
    "present_ref": ((_LOWER, ("now", "current", "present", "these", "moment")),),
    "past_ref": ((_LOWER, ("recent", "past", "ago")),),
    "future_ref": ((_LOWER, ("future", "coming", "term", "date")),),
}
# Characters a case-insensitive regex takes for an ASCII letter that ``str.lower`` does not turn
# into one (dotted and dotless i, long s): texts holding them are searched whole by every rule.
_FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f")


@dataclass(slots=True)
class RawTimex:
    """A date expression matched in the text, before its value is worked out."""

    kind: str
    start: int
    end: int
    groups: dict[str, str | None]
    priority: int


def _search_ranges(text: str, start: int, end: int) -> list[list[tuple[int, int]]]:
    """Return, for each rule, the character ranges of ``text[start:end]`` that may hold its matches."""
    cased = text[start:end]
    if any(c in cased for c in _FOLDS_TO_ASCII):
        return [[(start, end)] for _ in _COMPILED]
    lower = cased.lower()
    bounds = [m.span() for m in _STRETCH.finditer(_FULL_STOP.sub("\0", cased))]  # NUL: no stretch
    starts = [a for a, _ in bounds]
    seen: dict[tuple[bool, str], frozenset[int]] = {}

    def holding(case: bool, cue: str) -> frozenset[int]:
        """Return the indices of the stretches holding ``cue`` (one look-up per cue and text)."""
        key = (case, cue)
        got = seen.get(key)
        if got is None:
            hay = lower if case else cased
            hit: set[int] = set()
            i = hay.find(cue)
            while i >= 0:
                k = bisect.bisect_right(starts, i) - 1
                hit.add(k)
                i = hay.find(cue, bounds[k][1])  # one hit per stretch is enough
            got = seen[key] = frozenset(hit)
        return got

    out: list[list[tuple[int, int]]] = []
    for kind, _rx in _COMPILED:
        groups = CUES.get(kind)
        if not groups:
            out.append([(start, end)])
            continue
        found: set[int] | None = None
        for case, cues in groups:
            in_group = set().union(*(holding(case, c) for c in cues))
            found = in_group if found is None else found & in_group
            if not found:
                break
        out.append([(bounds[k][0] + start, bounds[k][1] + start) for k in sorted(found or ())])
    return out


def find_timexes(text: str, start: int, end: int) -> list[RawTimex]:
    """Return the non-overlapping date expressions of ``text[start:end]``, in text order."""
    found: list[RawTimex] = []
    ranges = _search_ranges(text, start, end)
    for priority, (kind, rx) in enumerate(_COMPILED):
        for a, b in ranges[priority]:
            for m in rx.finditer(text, a, b):
                if m.end() > m.start():
                    found.append(RawTimex(kind, m.start(), m.end(), {**m.groupdict(), "_text": m.group(0)}, priority))
    found.sort(key=lambda t: (-(t.end - t.start), t.priority, t.start))
    chosen: list[RawTimex] = []
    for t in found:
        if all(t.end <= c.start or c.end <= t.start for c in chosen):
            chosen.append(t)
    chosen.sort(key=lambda t: t.start)
    return chosen
