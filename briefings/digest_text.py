"""What a digest says, decided once for every face: neutral text parts that Slack, Discord and the console mark up.

The words (headline, the empty-digest sentence, what is new in each story, the status lines, the notices)
and the decisions (which sources to list, how many skipped slots to show, when a failure line repeats the
stop reason) live here; faces only add markup and fit their platform's limits. Parts carry untrusted text
(titles, outlets, topics, errors) as plain strings, which each face escapes. Where a part points at a
command it carries a :data:`~briefings.errors.Hint`, never a face's syntax.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from briefings.changes import WhatsNew
from briefings.digests import ChangedItem
from briefings.errors import Hint
from briefings.models import Digest, DigestItem, DigestStatus, DigestSubscription
from briefings.textutil import shorten

log = logging.getLogger(__name__)

EMPTY_SENTENCE = "Nothing new since the last digest."
SKIPPED_SHOWN = 3  # skipped slots listed in a status; the rest are counted
SKIPPED_CHARS = 200
FAILURE_CHARS = 600
CHANGE_LINES = 4  # lines of what an updated story's brief gained, per digest story; the rest are counted
CHANGE_CHARS = 300
NEW_STORY_OUTLETS = 3  # outlets named on a new story in a digest ("from A, B, C and 2 others")


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """Return the count with its noun in the right number: '1 article', '2 articles', '3 stories'."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


AND_MORE = "…and {n} more"  # the tail of a cut list, for faces that cut lists to their limits


def and_more(count: int) -> str:
    """Return the tail of a cut list: '…and 3 more'."""
    return AND_MORE.format(n=count)


@dataclass(frozen=True)
class Notice:
    """A short sentence for a channel or a user, with the commands that help (each face words them)."""

    text: str
    hints: tuple[Hint, ...] = ()


@dataclass(frozen=True)
class SourceText:
    """One new source of a story: its title, outlet and link (faces check the link is safe)."""

    title: str
    outlet: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class ItemText:
    """One story of a digest: title, one-line TL;DR, what is new, and the slug that opens it."""

    slug: str
    title: str
    tldr: str
    new_story: bool
    label: str  # "New story · 3 articles", "+2 sources", "Updated"
    sources: tuple[SourceText, ...]  # listed after the label; empty for a new story (its brief lists them)
    url: str | None  # the first new source's link, for faces that link the title
    changes: tuple[str, ...] = ()  # what the brief gained since the previous digest (plain lines), or nothing


@dataclass(frozen=True)
class DigestText:
    """A digest in words: the headline, the stories (or the empty sentence), and what was left out."""

    subscription_id: int
    headline: str
    items: tuple[ItemText, ...]
    empty: str | None  # the one sentence of a digest with nothing new
    more: Notice | None  # "…and 3 more stories changed." with the hint to list them


def change_lines(news: WhatsNew) -> tuple[str, ...]:
    """Return what an updated story's brief gained as a few plain lines (its TL;DR and sources are shown apart)."""
    lines = news.model_copy(update={"latest": None, "sources": []}).lines()
    shown = [shorten(line, CHANGE_CHARS) for line in lines[:CHANGE_LINES]]
    if len(lines) > CHANGE_LINES:
        shown.append(and_more(len(lines) - CHANGE_LINES))
    return tuple(shown)


def item_text(item: DigestItem) -> ItemText:
    """Return what one digest story says."""
    sources = tuple(
        SourceText(title=s.title or s.url or f"article {s.article_id}", outlet=s.outlet or None, url=s.url)
        for s in item.new_sources
    )
    if item.is_new_story:
        outlets = list(dict.fromkeys(s.outlet for s in sources if s.outlet))  # who reported it (feeds: their names)
        shown = ", ".join(shorten(o, 60) for o in outlets[:NEW_STORY_OUTLETS])
        more = len(outlets) - NEW_STORY_OUTLETS
        via = f" from {shown}" + (f" and {plural(more, 'other')}" if more > 0 else "") if outlets else ""
        label = f"New story · {plural(item.article_count, 'article')}{via}"
        listed: tuple[SourceText, ...] = ()
    elif sources:
        label = "+" + plural(len(sources), "source")
        listed = sources
    else:
        label = "Updated"
        listed = ()
    return ItemText(
        slug=item.slug,
        title=item.title,
        tldr=" ".join((item.tldr or "").split()),
        new_story=item.is_new_story,
        label=label,
        sources=listed,
        url=next((s.url for s in sources if s.url), None),
        changes=change_lines(item.whats_new) if isinstance(item, ChangedItem) and not item.is_new_story else (),
    )


def digest_text(digest: Digest) -> DigestText:
    """Return what a composed digest says, in order."""
    more = None
    if digest.more > 0:
        more = Notice(f"…and {plural(digest.more, 'more story', 'more stories')} changed.", ("list",))
    return DigestText(
        subscription_id=digest.subscription_id,
        headline=digest.heading,
        items=tuple(item_text(i) for i in digest.items),
        empty=EMPTY_SENTENCE if not digest.items else None,
        more=more,
    )


# ----- status ---------------------------------------------------------------------------------------

StatusKind = Literal["topics", "next_run", "stopped", "last_delivery", "last_failure", "skipped", "when_empty"]


@dataclass(frozen=True)
class StatusLine:
    """One line of a digest's status: a label and its text; ``at`` is the instant it is about (UTC)."""

    kind: StatusKind
    label: str
    text: str
    at: datetime | None = None
    problem: bool = False  # a failure or a stop, worth a warning mark

    def plain(self) -> str:
        """Return the line as plain text: 'Label: text' (or the text alone)."""
        return f"{self.label}: {self.text}" if self.label else self.text


@dataclass(frozen=True)
class StatusText:
    """A digest's status in words: its schedule, then its lines in order."""

    id: int
    platform: str
    channel_id: str
    schedule: str  # "08:30 Asia/Tokyo, weekdays only"
    title: str  # "#3 · 08:30 Asia/Tokyo, weekdays only"
    enabled: bool
    lines: tuple[StatusLine, ...]

    def line(self, kind: StatusKind) -> StatusLine | None:
        """Return the line of one kind, if the status has it."""
        return next((x for x in self.lines if x.kind == kind), None)


def schedule(sub: DigestSubscription) -> str:
    """Return when a digest runs: '08:30 Asia/Tokyo' or '08:30 Asia/Tokyo, weekdays only'."""
    return f"{sub.at} {sub.tz}" + (", weekdays only" if sub.weekdays_only else "")


def title(sub: DigestSubscription) -> str:
    """Return a digest's name in lists: '#3 · 08:30 Asia/Tokyo'."""
    return f"#{sub.id} · {schedule(sub)}"


def _utc(moment: datetime) -> str:
    return f"{moment:%d %b %Y %H:%M} UTC"


def next_run_text(local: datetime, utc: datetime) -> str:
    """Return a next run in the digest's zone and in UTC: 'Sat 21 Jun 2025 08:30 JST (Fri 20 Jun 23:30 UTC)'."""
    return f"{local:%a %d %b %Y %H:%M %Z} ({utc:%a %d %b %H:%M} UTC)"


def status_text(status: DigestStatus) -> StatusText:
    """Return a digest's status lines: topics, next run or stop, last delivery, last failure, skipped slots."""
    sub = status.subscription
    lines: list[StatusLine] = []
    if sub.topics:
        lines.append(StatusLine("topics", "Topics", ", ".join(sub.topics)))
    stopped = sub.disabled_reason or "stopped"
    if not sub.enabled:
        lines.append(StatusLine("stopped", "Stopped", shorten(stopped, FAILURE_CHARS), problem=True))
    elif status.next_run_local is not None and status.next_run_utc is not None:
        lines.append(
            StatusLine(
                "next_run",
                "Next run",
                next_run_text(status.next_run_local, status.next_run_utc),
                at=status.next_run_utc,
            )
        )
    if status.last_delivery_at is not None:
        slot = f" (slot {status.last_delivery_slot})" if status.last_delivery_slot else ""
        lines.append(
            StatusLine(
                "last_delivery", "Last delivery", _utc(status.last_delivery_at) + slot, at=status.last_delivery_at
            )
        )
    else:
        lines.append(StatusLine("last_delivery", "Last delivery", "never"))
    # The stop reason already says why; a failure line only when it tells more.
    if status.last_failure and (sub.enabled or status.last_failure not in stopped):
        when = f" ({_utc(status.last_failure_at)})" if status.last_failure_at else ""
        lines.append(
            StatusLine(
                "last_failure",
                "Last failure",
                shorten(status.last_failure, FAILURE_CHARS) + when,
                at=status.last_failure_at,
                problem=True,
            )
        )
    if status.skipped:
        shown = [shorten(s, SKIPPED_CHARS) for s in status.skipped[:SKIPPED_SHOWN]]
        left = len(status.skipped) - len(shown)
        lines.append(StatusLine("skipped", "Skipped", "; ".join(shown) + (f" {and_more(left)}" if left else "")))
    if sub.post_when_empty:
        lines.append(StatusLine("when_empty", "", "Posts a short line even when nothing changed."))
    return StatusText(
        id=sub.id,
        platform=sub.platform,
        channel_id=sub.channel_id,
        schedule=schedule(sub),
        title=title(sub),
        enabled=sub.enabled,
        lines=tuple(lines),
    )


# ----- notices --------------------------------------------------------------------------------------

NO_DIGEST = Notice("This channel has no digest yet; an admin can add one.", ("digest_on",))


def turned_on(status: DigestStatus) -> Notice:
    """Return the confirmation of a new (or changed) digest, with its next run."""
    sub = status.subscription
    text = f"Daily digest {title(sub)} is on for this channel."
    if sub.topics:
        text += f" Topics: {', '.join(sub.topics)}."
    if sub.post_when_empty:
        text += " It posts a short line even when nothing changed."
    if status.next_run_local is not None and status.next_run_utc is not None:
        text += f" Next run: {next_run_text(status.next_run_local, status.next_run_utc)}."
    return Notice(text, ("digest_status",))


def turned_off(subs: Sequence[DigestSubscription]) -> Notice:
    """Return what stopping digests did: 'Stopped 2 digests in this channel: #1 · 08:30 UTC; #2 · …'."""
    names = "; ".join(title(s) for s in subs)
    return Notice(f"Stopped {plural(len(subs), 'digest')} in this channel: {names}.")


def disabled_notice(reason: str) -> Notice:
    """Return the notice a channel gets when its digest was stopped after repeated failures."""
    return Notice(
        f"Briefbot stopped this channel's daily digest ({shorten(reason, 200)}). An admin can turn it on again.",
        ("digest_on",),
    )
