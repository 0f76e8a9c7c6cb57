"""Platform-neutral models: what the engine stores and what every adapter renders."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

EntityType = Literal["person", "organization", "place", "misc"]
FactKind = Literal["person", "organization", "place", "date", "figure"]


class Model(BaseModel):
    """Base of all models: forbid unknown fields so typos fail loudly."""

    model_config = ConfigDict(extra="forbid")


class Entity(Model):
    """A named entity found in a text, with character offsets into that text."""

    text: str
    type: EntityType
    start: int
    end: int


class Fact(Model):
    """One line of the key-fact card, traceable to the sentence it came from.

    ``text`` is the fact itself ("Shigeru Ishiba", "July 20", "3.5% of GDP");
    ``detail`` is what it is ("Prime Minister of Japan", "upper house elections",
    "the U.S. defence spending request to Japan, up from 3%"); ``value`` is a
    normalised form where one exists (an ISO date for dates).
    """

    kind: FactKind
    text: str
    detail: str | None = None
    value: str | None = None
    sentence: str
    article_id: int | None = None
    start: int | None = None  # character offsets of the mention in its article, where known (dates)
    end: int | None = None


FACT_KINDS = ("people", "organizations", "places", "dates", "figures")  # the card's lists of facts


class KeyFacts(Model):
    """The key-fact card: who, what, when, where and the figures."""

    what: str | None = None
    people: list[Fact] = Field(default_factory=list)
    organizations: list[Fact] = Field(default_factory=list)
    places: list[Fact] = Field(default_factory=list)
    dates: list[Fact] = Field(default_factory=list)
    figures: list[Fact] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    # Every date mention of one article, with offsets (``dates`` holds the card's distinct dates).
    date_mentions: list[Fact] = Field(default_factory=list)

    def traced_to(self, article_id: int) -> KeyFacts:
        """Return the card with every fact traced to ``article_id``."""
        traced = {kind: [f.model_copy(update={"article_id": article_id}) for f in getattr(self, kind)]
                  for kind in (*FACT_KINDS, "date_mentions")}
        return self.model_copy(update=traced)

    def is_empty(self) -> bool:
        """Tell whether the card has no fact at all."""
        return not (self.people or self.organizations or self.places or self.dates or self.figures)


class ArticleInput(Model):
    """An article as it arrives, before it is stored."""

    title: str | None = None
    text: str
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    backfill: bool = False  # from a feed's first poll: briefed, but not news for digests


class Article(Model):
    """A stored article."""

    id: int
    story_id: int
    title: str
    text: str
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    added_at: datetime


class Source(Model):
    """One source of a story, as shown under its brief."""

    article_id: int
    title: str
    outlet: str | None = None
    url: str | None = None
    published: datetime | None = None
    duplicate_of: int | None = None  # the article this one republishes (another outlet's copy of the same text)


class StoryRef(Model):
    """A story's identity."""

    slug: str
    title: str


class Brief(Model):
    """A story's brief: computed when its articles change, stored, and rendered by adapters."""

    story: StoryRef
    headline: str
    tldr: str
    summary: list[str]
    facts: KeyFacts
    sources: list[Source]
    aliases: list[str] = Field(default_factory=list)
    updated_at: datetime
    article_count: int
    version: int = 1  # how many times the brief has been built (1: as first added)
    tldr_from: int | None = None  # the article the TL;DR comes from (None in briefs stored before this was kept)
    summary_from: list[int | None] = Field(default_factory=list)  # the article of each summary sentence, in order


class StorySummary(Model):
    """A line in a list of stories."""

    slug: str
    title: str
    tldr: str = ""
    aliases: list[str] = Field(default_factory=list)
    article_count: int
    created_at: datetime
    updated_at: datetime


class SearchHit(Model):
    """A story found by a full-text search, best first."""

    slug: str
    title: str
    snippet: str
    score: float
    updated_at: datetime


class Actor(Model):
    """Who asks: a platform user (or the console), and whether the adapter found them an admin."""

    platform: Literal["console", "slack", "discord", "cron", "feed"]
    user_id: str
    name: str | None = None
    is_admin: bool = False

    def label(self) -> str:
        """Return a short human label such as ``slack:U123 (ana)``."""
        who = f"{self.platform}:{self.user_id}"
        return f"{who} ({self.name})" if self.name else who


class AddResult(Model):
    """What adding an article did."""

    story: StoryRef
    article_id: int
    created_story: bool
    duplicate: bool = False
    title: str


class RemoveResult(Model):
    """What a removal did: a whole story, or one article (which may have emptied its story)."""

    kind: Literal["story", "article"]
    story: StoryRef
    article_id: int | None = None
    articles_removed: int
    story_removed: bool


class MergeResult(Model):
    """What merging one story into another did."""

    story: StoryRef  # the story that remains
    merged: StoryRef  # the story that went (its slug now opens ``story``)
    articles_moved: int


class MoveResult(Model):
    """What moving an article to another (or a new) story did."""

    article_id: int
    source: StoryRef
    target: StoryRef
    created_story: bool
    source_removed: bool  # the article was the source story's last one


class AdminAction(Model):
    """An entry of the admin log."""

    id: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: str = ""


def as_date(value: datetime | date | None) -> date | None:
    """Return the calendar date of ``value`` (or None)."""
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value


class DigestSubscription(Model):
    """A channel's daily digest: when (local time in an IANA zone), what (topics), and its state."""

    id: int
    platform: Literal["slack", "discord"]
    channel_id: str
    at: str  # "HH:MM", local time in ``tz``
    tz: str
    weekdays_only: bool = False
    topics: list[str] = Field(default_factory=list)
    post_when_empty: bool = False
    enabled: bool = True
    disabled_reason: str | None = None
    created_by: str
    created_at: datetime


class DigestItem(Model):
    """One story in a digest, with what is new since the channel's previous digest."""

    slug: str
    title: str
    tldr: str
    is_new_story: bool
    new_sources: list[Source]
    article_count: int
    updated_at: datetime


class Digest(Model):
    """A composed digest, ready for an adapter to render (and split) natively."""

    subscription_id: int
    local_date: date
    zone: str
    heading: str
    items: list[DigestItem]
    more: int = 0  # stories left out beyond the first ten
    since: datetime
    composed_at: datetime


class DigestStatus(Model):
    """A subscription with its schedule and delivery history, for `digest status` and `digest list`."""

    subscription: DigestSubscription
    next_run_local: datetime | None
    next_run_utc: datetime | None
    last_delivery_at: datetime | None = None
    last_delivery_slot: str | None = None
    last_failure: str | None = None
    last_failure_at: datetime | None = None
    skipped: list[str] = Field(default_factory=list)  # slots missed beyond the grace window
