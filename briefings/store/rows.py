"""Typed rows and column helpers shared by the store's modules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from briefings.models import Article, KeyFacts

_FTS_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class StoryRow:
    """A story as stored, without its articles."""

    id: int
    slug: str
    title: str
    created_at: datetime
    updated_at: datetime
    brief_json: str


@dataclass(frozen=True)
class StoredArticle:
    """An article with the key facts computed for it at ingest."""

    article: Article
    facts: KeyFacts


@dataclass(frozen=True)
class DeliveryRow:
    """One digest slot's delivery as stored: its claim, progress and outcome (times parsed)."""

    id: int
    digest_id: int
    slot: str
    due_at: datetime
    status: str
    owner: str | None
    lease_until: datetime | None
    next_attempt: datetime | None
    attempts: int
    since: datetime | None
    composed_at: datetime | None
    parts_sent: int
    message_ids: tuple[str, ...]
    error: str | None
    updated_at: datetime


def _ts(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _utc(value: datetime) -> str:
    """A time as sortable UTC ISO 8601 text (naive times are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _at(value: str) -> datetime:
    """A timestamp column that is never NULL."""
    return datetime.fromisoformat(value)


def fts_query(words: str, any_word: bool = False) -> str | None:
    """Turn user words into a safe FTS5 query (every word quoted; AND by default, OR if asked)."""
    tokens = [t for t in _FTS_WORD.findall(words.lower()) if t]
    if not tokens:
        return None
    quoted = [f'"{t}"' for t in tokens[:32]]
    return (" OR " if any_word else " ").join(quoted)
