"""Candidate stories for an incoming article: looked up by shared heavy terms, recent stories only."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from briefings.store import APPLICATION_ID, Store, load_migrations

NOW = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)


async def _story(store: Store, slug: str, terms: list[str], seen: datetime) -> int:
    async with store.transaction():
        story_id = await store.insert_story(slug, slug, seen)
        await store.save_profile(story_id, "{}", terms, seen)
        await store._exec("UPDATE stories SET last_seen = ? WHERE id = ?", (seen.isoformat(), story_id))
    return story_id


async def test_candidates_share_the_most_weight_and_are_recent(store_target: str) -> None:
    store = await Store.open(store_target)
    try:
        quake = await _story(store, "qeshm-quake", ["qeshm", "quake", "l:tonban", "n:6.1"], NOW)
        other = await _story(store, "papua-quake", ["papua", "quake", "n:7.0"], NOW)
        await _story(store, "old-qeshm", ["qeshm", "quake", "l:tonban"], NOW - timedelta(days=40))
        await _story(store, "phones", ["iphone", "usb"], NOW)
        query = [("qeshm", 0.3), ("l:tonban", 0.2), ("quake", 0.1), ("relief", 0.1)]
        found = await store.candidates(query, NOW - timedelta(days=14), limit=10)
        assert [r.id for r in found] == [quake, other]  # by shared weight; the old story and the phones are out
        assert [r.id for r in await store.candidates(query, NOW - timedelta(days=14), limit=1)] == [quake]
        assert await store.candidates([], NOW, limit=10) == []
        async with store.transaction():  # a story's terms are replaced, not added to
            await store.save_profile(quake, "{}", ["iphone"], NOW)
        assert [r.id for r in await store.candidates(query, NOW - timedelta(days=14), limit=10)] == [other]
    finally:
        await store.close()


async def test_stories_stored_before_the_index_are_found_by_their_profiles(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for number, sql in load_migrations()[:3]:  # a database as the previous version left it
        conn.executescript(sql)
        conn.execute(f"PRAGMA user_version = {number}")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    profile = {"count": 2, "centroid": {f"t{i}": 1.0 / (i + 1) for i in range(50)}}
    conn.execute(
        "INSERT INTO stories (slug, title, brief, created_at, updated_at, last_seen, profile)"
        " VALUES ('old', 'Old', '{}', ?, ?, ?, ?)",
        (NOW.isoformat(), NOW.isoformat(), NOW.isoformat(), json.dumps(profile)),
    )
    conn.commit()
    conn.close()
    store = await Store.open(path)
    try:
        found = await store.candidates([("t0", 1.0)], NOW - timedelta(days=1), limit=10)
        assert [r.slug for r in found] == ["old"]
        assert await store.candidates([("t40", 1.0)], NOW - timedelta(days=1), limit=10) == []  # top 32 only
    finally:
        await store.close()
