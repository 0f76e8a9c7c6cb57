"""Store: migrations, foreign keys, transactions, FTS search, foreign and newer databases (some on both backends)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefings.errors import StoreError
from briefings.models import Article, KeyFacts
from briefings.store import APPLICATION_ID, Store, fts_query, load_migrations

NOW = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)


async def test_migrations_apply_and_mark_the_file(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "a.db")
    assert await store.schema_version() == len(load_migrations())
    await store.close()
    conn = sqlite3.connect(tmp_path / "a.db")
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    again = await Store.open(tmp_path / "a.db")  # reopening applies nothing twice
    assert await again.schema_version() == len(load_migrations())
    await again.close()


async def test_foreign_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a Briefbot database"):
        await Store.open(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("customers",)]
    conn.close()


async def test_garbage_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError):
        await Store.open(path)
    assert path.read_bytes().startswith(b"this is not sqlite")


async def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    store = await Store.open(path)
    await store.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer Briefbot"):
        await Store.open(path)


async def test_transaction_rolls_back_everything(store_target: str) -> None:
    store = await Store.open(store_target)
    with pytest.raises(RuntimeError):
        async with store.transaction():
            story_id = await store.insert_story("half-written", "Half", NOW)
            article = Article(id=0, story_id=story_id, title="t", text="x " * 20, added_at=NOW)
            await store.insert_article(story_id, article, None, "hash", KeyFacts())
            raise RuntimeError("crash in the middle")
    assert await store.story_by_ref("half-written") is None
    assert await store.search("Half", 5) == []
    assert await store.find_duplicate(None, "hash") is None
    await store.close()


async def test_foreign_keys_cascade(store_target: str) -> None:
    store = await Store.open(store_target)
    async with store.transaction():
        sid = await store.insert_story("s", "S", NOW)
        aid = await store.insert_article(
            sid, Article(id=0, story_id=sid, title="t", text="x", added_at=NOW), None, "h", KeyFacts()
        )
    async with store.transaction():
        await store.delete_story(sid)
    assert await store.article(aid) is None
    await store.close()


def test_fts_query_quotes_every_word() -> None:
    assert fts_query('defence "OR" NEAR( spending*') == '"defence" "or" "near" "spending"'
    assert fts_query("a b", any_word=True) == '"a" OR "b"'
    assert fts_query("  ---  ") is None
