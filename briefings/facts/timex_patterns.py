"""The surface patterns of date expressions (HeidelTime-style rules), one regex per kind.

Each rule names a kind that :mod:`briefings.facts.timex_resolve` turns into a TimeML value. Overlapping
matches are settled by :func:`find_timexes`: the longest wins, then the earlier rule.
"""

from __future__ import annotations

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


@dataclass(slots=True)
class RawTimex:
    """A date expression matched in the text, before its value is worked out."""

    kind: str
    start: int
    end: int
    groups: dict[str, str | None]
    priority: int


def find_timexes(text: str, start: int, end: int) -> list[RawTimex]:
    """Return the non-overlapping date expressions of ``text[start:end]``, in text order."""
    found: list[RawTimex] = []
    for priority, (kind, rx) in enumerate(_COMPILED):
        for m in rx.finditer(text, start, end):
            if m.end() > m.start():
                found.append(RawTimex(kind, m.start(), m.end(), {**m.groupdict(), "_text": m.group(0)}, priority))
    found.sort(key=lambda t: (-(t.end - t.start), t.priority, t.start))
    chosen: list[RawTimex] = []
    for t in found:
        if all(t.end <= c.start or c.end <= t.start for c in chosen):
            chosen.append(t)
    chosen.sort(key=lambda t: t.start)
    return chosen
