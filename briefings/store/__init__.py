"""The store: the only code with SQL (aiosqlite; WAL, foreign keys, numbered migrations)."""

from __future__ import annotations

from briefings.store.connect import APPLICATION_ID, load_migrations
from briefings.store.rows import StoredArticle, StoryRow, fts_query
from briefings.store.sqlite import Store
from briefings.store.stories import ClusterMember, NearCandidate

__all__ = [
    "APPLICATION_ID",
    "ClusterMember",
    "NearCandidate",
    "Store",
    "StoredArticle",
    "StoryRow",
    "fts_query",
    "load_migrations",
]
