"""TimeML values of date expressions, resolved against the publication date and the sentence's tense.

HeidelTime's news strategy: explicit dates keep their value; relative ones ("last year", "two weeks
ago", "yesterday") count from the publication date; underspecified ones (a bare weekday, a month, a
day and month) take the publication date's nearest such date on the side the tense points to: a past-tense
sentence means the last one on or before it, a future one (``will``, ``to`` + verb, "scheduled") the next,
unless that side's date is over half a year away and the other's within a quarter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .doc import Doc, Sent
from .lexicon import DETERMINERS
from .timex_lexicon import (
    DEADLINE_PREPS,
    FIXED_HOLIDAYS,
    FUTURE_AUX,
    FUTURE_WORDS,
    MONTH_NAMES,
    NUMBER_WORDS,
    ORDINALS,
    PAST_AUX,
    PAST_MODALS,
    PERFECT_AUX,
    PLAN_BEFORE_TO,
    PLAN_VERBS,
    SEASONS,
    SHIFT_WORDS,
    VAGUE_COUNTS,
    WEEKDAYS,
)
from .timex_patterns import RawTimex

Tense = str | None  # "past", "future" or None (present or unknown)


@dataclass(slots=True)
class Context:
    """What a value depends on besides the expression: the publication date and what came before."""

    ref: date | None
    last_quarter: tuple[int, int] | None = None  # the latest quarter the text mentioned


def month_number(name: str) -> int:
    """Return the month number (1-12) of a month name or abbreviation."""
    key = name.lower().rstrip(".")[:3]
    return [m[:3] for m in MONTH_NAMES].index(key) + 1


def tense_at(doc: Doc, sent: Sent, first: int, last: int) -> Tense:
    """Tell the tense the date of tokens ``[first, last)`` is seen in: its nearest verb's, left first, then right.

    A deadline ("by", "until", "as soon as"), "will" or a plan ("scheduled", "is to", "expected to") make it
    future; a past verb past; a present verb nothing.
    """
    toks = doc.tokens
    if first > sent.first + 1:  # not "Until Thursday, they had not called him" (a state that lasted)
        before = " ".join(t.text.lower() for t in toks[max(sent.first, first - 3) : first])
        if toks[first - 1].text.lower() in DEADLINE_PREPS or before in ("as soon as", "as early as", "as late as"):
            return "future"
    return _verb_tense(doc, sent, first, last)


def _verb_tense(doc: Doc, sent: Sent, first: int, last: int) -> Tense:
    """Return the tense of the verb nearest to tokens ``[first, last)`` (None: present or none)."""
    toks = doc.tokens
    for i in [*range(first - 1, sent.first - 1, -1), *range(last, sent.last)]:
        t = toks[i]
        low = t.text.lower()
        prev = toks[i - 1].text.lower() if i > sent.first else ""
        prev2 = toks[i - 2].text.lower() if i > sent.first + 1 else ""
        if prev2 in ("not", "n't", "never") and i > sent.first + 2:
            prev2 = toks[i - 3].text.lower()  # "could not be reached": the modal's
        if low in FUTURE_AUX and (low != "going" or (i + 1 < sent.last and toks[i + 1].text.lower() == "to")):
            return "future"
        if low in FUTURE_WORDS or low in PLAN_VERBS:
            return "future"  # "payable Dec. 7", "was planned for early March", "is scheduled to close Monday"
        if t.pos == "MD":
            if low in PAST_MODALS:
                continue  # "could be located Wednesday", "would be traveling Thursday": the next verb tells
            return "future"
        if t.pos == "VBD" or low in PAST_AUX:
            return "past"
        if t.pos == "VBN":
            return "future" if prev == "be" and (prev2 == "would" or prev2 not in PAST_MODALS) else "past"
        if not sent.tagged and len(low) > 4 and low.endswith("ed") and prev not in DETERMINERS:
            return "past"  # an untagged sentence: "shootings that injured doctors in November"
        if prev == "to" and prev2 in PLAN_BEFORE_TO and t.pos in ("VB", "VBP", "NN") and low.isalpha():
            return "future"  # "planned to admit them in early March"
        if t.pos == "VB":
            if prev == "to" and i > sent.first + 1 and (prev2 in PLAN_BEFORE_TO or toks[i - 2].pos in ("VBZ", "VBP")):
                return "future"  # "is to resume trading Tuesday", "expects to release"
            if prev in PERFECT_AUX or prev == "did":
                return "past"
            if prev in PAST_MODALS:
                return "future" if prev == "would" else "past"
        if t.pos == "VBG":
            if prev in ("is", "are", "am", "'s", "'re"):
                return None
            if prev in ("was", "were"):
                return "past"
            if prev == "be" and prev2 in PAST_MODALS:
                return "future" if prev2 == "would" else "past"
        if t.pos in ("VBZ", "VBP") and low not in ("'s",):
            return None
    return None


def _shift_month(year: int, month: int, k: int) -> tuple[int, int]:
    """Return the (year, month) ``k`` months from ``year-month``."""
    n = year * 12 + month - 1 + k
    return n // 12, n % 12 + 1


def _week(d: date) -> str:
    """Return the ISO week of ``d`` in TimeML form ("1989-W44")."""
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _quarter(d: date) -> int:
    return (d.month - 1) // 3 + 1


def _count(word: str) -> int | None:
    """Return the number a count word or numeral stands for (None for vague ones: "several")."""
    word = " ".join(word.lower().split())
    if word.isdigit():
        return int(word)
    if word.split()[-1] in VAGUE_COUNTS or word.startswith("a few") or word.startswith("a couple"):
        return None
    return NUMBER_WORDS.get(word)


# A date written without its year is near the publication date: the tense picks the side unless its
# date is over half a year away while the other side's is within a quarter ("gave no reason for the
# Jan. 14 deadline" on 5 January is the coming 14 January, not last year's).
_FAR_DAYS, _NEAR_DAYS = 183, 92
_FAR_MONTHS, _NEAR_MONTHS = 6, 3


def _month_day(month: int, day: int, ref: date, tense: Tense) -> date | None:
    """Return the month-day date the tense points to: on or before ``ref`` (past), after (future), else nearest."""
    options: list[date] = []
    for y in (ref.year - 1, ref.year, ref.year + 1):
        try:
            options.append(date(y, month, day))
        except ValueError:
            continue
    if not options:
        return None
    nearest = min(options, key=lambda d: abs((d - ref).days))
    if tense == "past":
        before = [d for d in options if d <= ref]
        side = max(before) if before else None
    elif tense == "future":
        after = [d for d in options if d >= ref]
        side = min(after) if after else None
    else:
        return nearest
    if side is not None and abs((side - ref).days) > _FAR_DAYS and abs((nearest - ref).days) <= _NEAR_DAYS:
        return nearest
    return side


def _month_year(month: int, ref: date, tense: Tense, shift: int | None) -> int:
    """Return the year of a bare month: by its shift word ("last June"), else by the tense."""
    if shift == -1:
        # "last June" in October: this year's; "last February" in March: a year ago (else "last month").
        return ref.year if month < ref.month - 1 else ref.year - 1
    if shift == 1:
        return ref.year if month > ref.month else ref.year + 1
    if shift == 0 or tense is None:
        return ref.year
    if tense == "future":
        year = ref.year if month >= ref.month else ref.year + 1
    else:
        year = ref.year if month <= ref.month else ref.year - 1
    away = abs((year - ref.year) * 12 + month - ref.month)
    if away > _FAR_MONTHS and 12 - away <= _NEAR_MONTHS:
        year += 1 if (year, month) < (ref.year, ref.month) else -1
    return year


def _weekday(name: str, ref: date, tense: Tense, rel: str) -> str:
    """Return the date of a weekday: "last"/"next"/"this" say where, else the tense (past by default)."""
    wd = WEEKDAYS.index(name.lower())
    if rel in ("last", "this past"):
        return (ref - timedelta(days=(ref.weekday() - wd) % 7 or 7)).isoformat()
    if rel == "next":
        return (ref + timedelta(days=(wd - ref.weekday()) % 7 or 7)).isoformat()
    if rel == "this":
        return (ref + timedelta(days=wd - ref.weekday())).isoformat()
    if tense == "future":
        return (ref + timedelta(days=(wd - ref.weekday()) % 7)).isoformat()
    return (ref - timedelta(days=(ref.weekday() - wd) % 7)).isoformat()


def _unit(unit: str, shift: int, ref: date) -> str | None:
    """Return the value of "this/last/next UNIT" counted from ``ref``."""
    if unit == "year":
        return str(ref.year + shift)
    if unit == "month":
        y, m = _shift_month(ref.year, ref.month, shift)
        return f"{y:04d}-{m:02d}"
    if unit == "week":
        return _week(ref + timedelta(weeks=shift))
    if unit == "weekend":
        return _week(ref + timedelta(weeks=shift)) + "-WE"
    if unit == "quarter":
        y, m = _shift_month(ref.year, ref.month, 3 * shift)
        return f"{y}-Q{(m - 1) // 3 + 1}"
    if unit == "decade":
        # "the past decade": the ten years up to now, named by their middle year's decade
        return str(ref.year - 5 if shift == -1 else ref.year + 10 * shift)[:3]
    if unit == "century":
        return f"{(ref.year + 100 * shift) // 100:02d}"
    if unit in SEASONS:
        code, start = SEASONS[unit]
        year = ref.year
        if shift == -1:
            year = ref.year - 1  # "last spring": the previous year's (this year's is "this spring")
        elif shift == 1:
            year = ref.year if ref.month < start else ref.year + 1
        return f"{year}-{code}"
    return None


def resolve(t: RawTimex, ref: date | None, tense: Tense, ctx: Context) -> str | None:
    """Return the TimeML value of a matched date expression, or None when it cannot be told."""
    g = t.groups
    k = t.kind
    if k == "iso":
        return _valid(int(g["y"] or 0), int(g["mo"] or 0), int(g["d"] or 0))
    if k in ("mdy", "dmy"):
        month, day = month_number(g["mon"] or ""), int("".join(c for c in g["d"] or "" if c.isdigit()))
        if g["y"]:
            return _valid(int(g["y"]), month, day)
        if ref is None:
            return None
        if g["wd"]:  # "Monday, Oct. 26": the year in which that day is a Monday
            wd = WEEKDAYS.index(g["wd"].lower())
            for year in (ref.year, ref.year + 1, ref.year - 1):
                value = _valid(year, month, day)
                if value and date.fromisoformat(value).weekday() == wd:
                    return value
        found = _month_day(month, day, ref, tense)
        return found.isoformat() if found else None
    if k == "month_year":
        return f"{int(g['y'] or 0):04d}-{month_number(g['mon'] or ''):02d}"
    if k == "month":
        if ref is None:
            return None
        month = month_number(g["mon"] or "")
        yshift = g.get("yshift")
        if yshift:
            return f"{ref.year + SHIFT_WORDS[yshift.lower()]:04d}-{month:02d}"
        shift = SHIFT_WORDS.get(" ".join((g["shift"] or "").lower().split()))
        return f"{_month_year(month, ref, tense, shift):04d}-{month:02d}"
    if k == "weekday":
        if ref is None:
            return None
        rel = " ".join((g["rel"] or "").lower().split())
        return _weekday(g["wd"] or "", ref, tense, rel)
    if k == "relday":
        if ref is None:
            return None
        rd = (g["rd"] or "").lower()
        delta = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[rd]
        return (ref + timedelta(days=delta)).isoformat()
    if k == "unit":
        if ref is None:
            return None
        shift = SHIFT_WORDS[" ".join((g["shift"] or "").lower().split())]
        return _unit((g["unit"] or "").lower(), shift, ref)
    if k == "year_end":
        return str(ref.year) if ref else None
    if k == "the_season":
        code, _ = SEASONS[(g["season"] or "").lower()]
        return f"{ref.year}-{code}" if ref else None
    if k == "the_year":
        return g["y"] or (str(ref.year) if ref else None)
    if k == "weekend":
        return _weekend((g["_text"] or "").split()[0].lower(), ref, tense) if ref else None
    if k == "phase_year":
        return _unit((g["unit"] or "").lower(), 0, ref) if ref else None
    if k == "ago":
        return _ago(g["n"] or "", (g["unit"] or "").lower().rstrip("s"), ref, ctx)
    if k == "year_ago":
        return _ago("a", "year", ref, ctx)
    if k == "quarter":
        q = ORDINALS[(g["q"] or "").lower()]
        text = (g.get("y1") or g.get("y2")) or None
        if text:
            year = int(text)
        elif ref is None:
            return None
        else:
            low = t.groups.get("_text") or ""
            year = ref.year + (-1 if "last year" in low else 1 if "next year" in low else 0)
            if "year" not in low and q > _quarter(ref) + 1:
                year -= 1  # "the fourth quarter" in a February article: last year's
        ctx.last_quarter = (year, q)
        return f"{year}-Q{q}"
    if k == "the_quarter":
        if ctx.last_quarter and not g["latest"]:
            return f"{ctx.last_quarter[0]}-Q{ctx.last_quarter[1]}"
        return _unit("quarter", -1, ref) if ref else None  # the latest quarter reported: the one before
    if k == "half":
        h = 1 if (g["h"] or "").lower() == "first" else 2
        half_year = int(g["y"]) if g["y"] else ref.year if ref else None
        return f"{half_year}-H{h}" if half_year else None
    if k in ("fiscal", "year"):
        return g["y"]
    if k == "year_range":
        return g["y"]
    if k == "decade":
        return f"{g['c']}{g['d']}"
    if k == "decade2":
        return f"19{g['d']}"
    if k == "century":
        return f"{int(g['n'] or 1) - 1:02d}"
    if k == "season":
        code, _ = SEASONS[(g["season"] or "").lower()]
        return f"{g['y']}-{code}"
    if k == "holiday":
        return _holiday(g["hol"] or "", ref, tense)
    return {"present_ref": "PRESENT_REF", "past_ref": "PAST_REF", "future_ref": "FUTURE_REF"}.get(k)


def _weekend(word: str, ref: date, tense: Tense) -> str:
    """Return the week of the weekend meant: "last"/"over the weekend" (past) the latest, else the next."""
    if word == "last" or (word == "the" and tense != "future"):
        saturday = ref - timedelta(days=(ref.weekday() - 5) % 7)
    else:
        saturday = ref + timedelta(days=(5 - ref.weekday()) % 7)
    if word == "next":
        saturday += timedelta(weeks=1)
    return _week(saturday) + "-WE"


def _valid(y: int, m: int, d: int) -> str | None:
    """Return ``YYYY-MM-DD`` if it is a real date."""
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _ago(n_text: str, unit: str, ref: date | None, ctx: Context) -> str | None:
    """Return the value of "N units ago": a point counted back from the publication date."""
    n = _count(n_text)
    if n is None:
        return "PAST_REF"
    if ref is None:
        return None
    if unit == "year":
        if n == 1 and ctx.last_quarter:
            y, q = ctx.last_quarter
            return f"{y - 1}-Q{q}"  # "a year earlier" after a quarter's results: the same quarter
        return str(ref.year - n)
    if unit == "decade":
        return str(ref.year - 10 * n)[:3]
    if unit == "month":
        y, m = _shift_month(ref.year, ref.month, -n)
        return f"{y:04d}-{m:02d}"
    if unit == "week":
        return _week(ref - timedelta(weeks=n))
    if unit == "day":
        return (ref - timedelta(days=n)).isoformat()
    return None


def _holiday(name: str, ref: date | None, tense: Tense) -> str | None:
    """Return the date of a holiday in the year the tense points to."""
    if ref is None:
        return None
    low = " ".join(name.lower().replace("’", "'").split())
    if low.startswith("thanksgiving"):
        days = []
        for year in (ref.year - 1, ref.year, ref.year + 1):
            first = date(year, 11, 1)
            days.append(first + timedelta(days=(3 - first.weekday()) % 7 + 21))  # the fourth Thursday
        if tense == "past":
            return max(d for d in days if d <= ref).isoformat()
        if tense == "future":
            return min(d for d in days if d >= ref).isoformat()
        return min(days, key=lambda d: abs((d - ref).days)).isoformat()
    if low in FIXED_HOLIDAYS:
        month, day = FIXED_HOLIDAYS[low]
        found = _month_day(month, day, ref, tense)
        return found.isoformat() if found else None
    return None
