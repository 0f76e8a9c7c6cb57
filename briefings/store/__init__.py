"""The store: the only code with SQL (SQLite through aiosqlite, or PostgreSQL through asyncpg)."""

from __future__ import annotations

from briefings.store.api import Store
from briefings.store.base import display_target, is_postgres_url
from briefings.store.connect import APPLICATION_ID, load_migrations
from briefings.store.rows import StoredArticle, StoryRow, fts_query
from briefings.store.stories import ClusterMember, NearCandidate

__all__ = [
    "APPLICATION_ID",
    "ClusterMember",
    "NearCandidate",
    "Store",
    "StoredArticle",
    "StoryRow",
    "display_target",
    "fts_query",
    "is_postgres_url",
    "load_migrations",
]
