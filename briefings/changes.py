"""What's new in a story: what its newest articles added between two versions of its brief.

:func:`whats_new` compares the brief a story had (``before``, or None for a new story) with the brief it
has now (``after``): the new latest development (TL;DR), the new summary sentences, the people (with their
roles), organisations, places and dates (with their events) that the new articles brought, the figures
that are new or changed (a figure measuring the same thing as an old one with another value: "3.5% of GDP,
up from 3%"), and the new sources. A fact counts as new only when the old brief had no such fact and it was
not taken from an article the old brief already had, so facts that merely climb into the card are not news.
Pure and deterministic: the words of :meth:`WhatsNew.lines` are neutral, every face adds its own markup.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from pydantic import Field

from briefings.briefs import repeats
from briefings.facts.card import entity_key
from briefings.facts.merge import same_person
from briefings.models import Brief, Fact, Model, Source, StoryRef
from briefings.textstats import content_terms

__all__ = [
    "NOT_UPDATED",
    "FigureChange",
    "WhatsNew",
    "newest_updates",
    "times_updated",
    "update_label",
    "updated_times",
    "whats_new",
]

logger = logging.getLogger(__name__)

SAME_MEASURE = 0.6  # share of the shorter description's content words two figures share when they measure one thing

# the trend a description may already carry: ", up from 3%", "compared with 1.8% a year earlier"
_TREND_TAIL = re.compile(
    r",?\s*(?:(?:up|down|rising|falling|climbing|dropping|increasing|decreasing)\s+from|compared\s+(?:with|to))\s+.*$",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
# words after a number that belong to it ("$5 billion"), never to what it measures
_SCALE_WORDS = frozenset(
    {"thousand", "million", "billion", "trillion", "bn", "mn", "tn", "m", "k", "percent", "per", "cent", "pc", "point"}
)
_SPACES = re.compile(r"\s+")
# a figure's number with its currency, scale and percent sign: what "up from ..." repeats of the old figure
_FIGURE_HEAD = re.compile(
    r"^\D*?\d[\d,.]*(?:\s?(?:%|(?:thousand|million|billion|trillion|bn|mn|tn|percent|per cent|pc)\b))*",
    re.IGNORECASE,
)
_GDP = re.compile(r"\bgross domestic product\b", re.IGNORECASE)


class FigureChange(Model):
    """A figure the new articles brought: new, or a new value of something an old figure measured."""

    figure: Fact
    previous: Fact | None = None  # the old figure with the same measure and another value

    def text(self) -> str:
        """Return the figure in words: '3.5% of GDP, up from 3% — the defense spending request'."""
        measure = _measure_text(self.figure.detail)
        if self.previous is None:
            return f"{self.figure.text} — {measure}" if measure else self.figure.text
        new, old = _number(self.figure), _number(self.previous)
        trend = "was" if new is None or old is None or new == old else ("up from" if new > old else "down from")
        said = f"{self.figure.text}, {trend} {_short_previous(self.previous.text)}"
        return f"{said} — {measure}" if measure else said


class WhatsNew(Model):
    """What a story's newest articles added since a previous version of its brief."""

    story: StoryRef
    since: datetime | None = None  # when the previous version was made (None: the story is new)
    until: datetime
    new_articles: int = 0
    latest: str | None = None  # the new TL;DR, when it tells something new
    summary: list[str] = Field(default_factory=list)  # summary sentences that are new
    people: list[Fact] = Field(default_factory=list)
    organizations: list[Fact] = Field(default_factory=list)
    places: list[Fact] = Field(default_factory=list)
    dates: list[Fact] = Field(default_factory=list)
    figures: list[FigureChange] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)

    def is_empty(self) -> bool:
        """Tell whether nothing at all is new."""
        return not (
            self.latest
            or self.summary
            or self.people
            or self.organizations
            or self.places
            or self.dates
            or self.figures
            or self.sources
        )

    def lines(self) -> list[str]:
        """Return what is new as short plain-text lines (no markup, no command syntax)."""
        out: list[str] = []
        if self.latest:
            out.append(f"Latest: {self.latest}")
        out.extend(f"New: {sentence}" for sentence in self.summary)
        _add(out, "New people", [_with_detail(f, "({})") for f in self.people])
        _add(out, "New organisations", [f.text for f in self.organizations])
        _add(out, "New places", [f.text for f in self.places])
        _add(out, "New dates", [_with_detail(f, "— {}") for f in self.dates])
        _add(out, "Figures", [c.text() for c in self.figures])
        _add(out, "New sources", _unique(s.outlet or s.title for s in self.sources))
        return out


def whats_new(before: Brief | None, after: Brief) -> WhatsNew:
    """List what the newest articles of a story added between the brief ``before`` and the brief ``after``."""
    old_ids = {s.article_id for s in before.sources} if before else set()
    said = [before.tldr, *before.summary] if before else []

    def fresh(sentence: str) -> bool:
        """Tell whether the old brief did not say this sentence (or the same thing)."""
        key = _fold(sentence)
        return not any(key == _fold(s) or repeats(sentence, s) for s in said)

    def brought(facts: list[Fact], old: list[Fact], same: Callable[[Fact, Fact], bool]) -> list[Fact]:
        """Facts no old fact matches that do not come from an article the old brief already had."""
        return [f for f in facts if f.article_id not in old_ids and not any(same(f, o) for o in old)]

    def brought_by_new(index: int | None) -> bool:
        """Tell whether a sentence of ``after`` comes from an article the old brief did not have (or may)."""
        source = after.tldr_from if index is None else (after.summary_from + [None] * len(after.summary))[index]
        return source is None or source not in old_ids

    old_facts = before.facts if before else None
    latest = after.tldr if after.tldr and fresh(after.tldr) and brought_by_new(None) else None
    new = WhatsNew(
        story=after.story,
        since=before.updated_at if before else None,
        until=after.updated_at,
        new_articles=max(0, after.article_count - (before.article_count if before else 0)),
        latest=latest,
        summary=[s for i, s in enumerate(after.summary) if s != latest and fresh(s) and brought_by_new(i)],
        people=brought(after.facts.people, old_facts.people if old_facts else [], _same_person),
        organizations=brought(after.facts.organizations, old_facts.organizations if old_facts else [], _same_entity),
        places=brought(after.facts.places, old_facts.places if old_facts else [], _same_entity),
        dates=brought(after.facts.dates, old_facts.dates if old_facts else [], _same_date),
        figures=_figures(after.facts.figures, old_facts.figures if old_facts else [], old_ids),
        sources=[s for s in after.sources if s.article_id not in old_ids],
    )
    logger.debug("what's new in %s: %d lines", after.story.slug, len(new.lines()))
    return new


# ----- matching facts -------------------------------------------------------------------------------------------


def _same_person(a: Fact, b: Fact) -> bool:
    """Tell whether two person facts name the same person."""
    return same_person(a.text, b.text)


def _same_entity(a: Fact, b: Fact) -> bool:
    """Tell whether two organisation or place facts name the same thing."""
    return entity_key(a.text) == entity_key(b.text)


def _same_date(a: Fact, b: Fact) -> bool:
    """Tell whether two date facts are the same date."""
    return (a.value or _fold(a.text)) == (b.value or _fold(b.text))


def _figures(figures: list[Fact], old: list[Fact], old_ids: set[int]) -> list[FigureChange]:
    """The figures that are new, or new values of what an old figure measured."""
    out: list[FigureChange] = []
    for f in figures:
        if any(_same_figure(f, o) for o in old):
            continue
        measures = [(score, o) for o in old if (score := _same_measure(f, o)) >= SAME_MEASURE]
        if measures:
            out.append(FigureChange(figure=f, previous=max(measures, key=lambda m: m[0])[1]))
        elif f.article_id not in old_ids:
            out.append(FigureChange(figure=f))
    return out


def _same_figure(a: Fact, b: Fact) -> bool:
    """Tell whether two figure facts state the same figure (its words, or its value for the same measure)."""
    if _fold(a.text) == _fold(b.text):
        return True
    return a.value is not None and a.value == b.value and _unit(a) == _unit(b) and _same_measure(a, b) > 0


def _same_measure(a: Fact, b: Fact) -> float:
    """How much two figures of one unit measure the same thing (0 when their units differ)."""
    if _unit(a) != _unit(b):
        return 0.0
    x, y = _measure_terms(a), _measure_terms(b)
    if not x or not y:
        return 0.0
    return len(x & y) / min(len(x), len(y))


def _unit(f: Fact) -> str:
    """What a figure counts in: '%', a currency code, or the noun after a count."""
    value = f.value or ""
    if value.endswith("%"):
        return "%"
    if " " in value:
        return value.split()[0]
    words = f.text.lower().split()
    return words[-1].rstrip("s") if len(words) > 1 else ""


def _measure_text(detail: str | None) -> str:
    """What a figure measures, without a trend tail ('…, up from 3%')."""
    return _TREND_TAIL.sub("", detail or "").strip(" ,;")


def _measure_terms(f: Fact) -> set[str]:
    """The content words of what a figure measures, with the words after the number ('of GDP')."""
    tail = _NUMBER.split(f.text, maxsplit=1)[-1]
    words = _GDP.sub("gdp", f"{_measure_text(f.detail)} {tail}")
    return set(content_terms(words)) - _SCALE_WORDS


def _number(f: Fact) -> float | None:
    """The number a figure states (its normalised value first), for up/down."""
    m = _NUMBER.search(f.value or "") or _NUMBER.search(f.text)
    return float(m.group().replace(",", "")) if m else None


def _short_previous(old: str) -> str:
    """The old figure as its number only when words follow it ('3% of GDP' -> '3%', '$4 billion' stays)."""
    head = _FIGURE_HEAD.match(old)
    return head.group().strip() if head and old[head.end() :].strip() else old


# ----- words ----------------------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Fold a text for comparison: spacing and case."""
    return _SPACES.sub(" ", text).strip().lower()


def _with_detail(f: Fact, pattern: str) -> str:
    """A fact's text followed by its detail in ``pattern`` (when it has one)."""
    return f"{f.text} {pattern.format(f.detail)}" if f.detail else f.text


def _unique(items: Iterable[str]) -> list[str]:
    """The items without repeats, in order."""
    return list(dict.fromkeys(i for i in items if i))


def _add(out: list[str], label: str, items: list[str]) -> None:
    """Append one labelled line listing ``items`` (nothing when there are none)."""
    if items:
        out.append(f"{label}: {'; '.join(items)}")


# ----- what the chat faces show: the latest updates of one brief ------------------------------------------------

RECENT_UPDATES = 5  # updates a face lists at most, newest first
NOT_UPDATED = "This brief has not been updated since its story began: nothing is new yet."


def times_updated(brief: Brief) -> int:
    """Return how many times a story's brief was rebuilt after it was first made (0: never)."""
    return max(0, brief.version - 1)


def updated_times(brief: Brief) -> str | None:
    """Return 'Updated 2 times' for a brief that was updated, None for one never updated (faces add when)."""
    count = times_updated(brief)
    if not count:
        return None
    return f"Updated {count} time{'' if count == 1 else 's'}"


def newest_updates(changes: Sequence[WhatsNew], limit: int = RECENT_UPDATES) -> list[WhatsNew]:
    """Return the updates (not the story's start) that tell something, newest first, at most ``limit``."""
    return [c for c in reversed(changes) if c.since is not None and not c.is_empty()][:limit]


def update_label(change: WhatsNew) -> str:
    """Return what one update was, in words: '1 new article', '2 new articles' or 'Brief rebuilt'."""
    count = change.new_articles
    if not count:
        return "Brief rebuilt"
    return f"{count} new article{'' if count == 1 else 's'}"
