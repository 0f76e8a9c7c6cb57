"""The SQLite store (aiosqlite): the only module with SQL. WAL, foreign keys, numbered migrations."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

import aiosqlite

from briefings.errors import ReadOnlyStore, StoreError
from briefings.models import (
    AdminAction,
    Article,
    Brief,
    DigestSubscription,
    KeyFacts,
    SearchHit,
    Source,
    StorySummary,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

APPLICATION_ID = 0x42524246  # "BRBF": marks a database file as Briefbot's
READERS = 2  # read-only connections per store: reads never wait behind a write, nor see one half-done
BUSY_TIMEOUT_MS = 10_000
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


def load_migrations() -> list[tuple[int, str]]:
    """Return the numbered migrations shipped in ``briefings/migrations``, in order."""
    found: list[tuple[int, str]] = []
    for entry in resources.files("briefings.migrations").iterdir():
        match = re.match(r"^(\d{4})_.*\.sql$", entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migrations are not numbered 1..N: {numbers}")
    return found


def _ts(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


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


class Store:
    """Async access to one Briefbot database.

    One writer connection takes every write, one transaction at a time (``transaction()``); reads outside a
    transaction go to read-only connections of their own, so no reader ever sees another coroutine's
    uncommitted (and maybe rolled back) write. Reads inside a transaction use the writer and see its writes.
    """

    def __init__(
        self, conn: aiosqlite.Connection | None, readers: list[aiosqlite.Connection], path: str
    ) -> None:
        self._writer = conn
        self._readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        for reader in readers:
            self._readers.put_nowait(reader)
        self._all_readers = list(readers)
        self.path = path
        self.read_only = conn is None
        self._write_lock = asyncio.Lock()
        self._tx_task: asyncio.Task | None = None  # the task inside transaction(), which reads on the writer

    @classmethod
    async def open(cls, path: str | Path, *, create: bool = True, readers: int = READERS) -> Store:
        """Open and migrate the database at ``path`` (creating it only if ``create``); raise StoreError if unusable.

        A file Briefbot may not write (a read-only file or mount) opens read-only: reads work and every write
        raises ReadOnlyStore.
        """
        path = str(path)
        if path == ":memory:":
            conn = await _connect(path)
            store = cls(conn, [], path)
            await store._guarded(store._migrate(conn))
            return store
        file = Path(path)
        if file.is_dir():  # noqa: ASYNC240 - a few stats at start-up
            raise StoreError(f"{path} is a folder, not a database file.")
        if not file.exists():  # noqa: ASYNC240
            if not create:
                raise StoreError(f"There is no Briefbot database at {path} yet.", hints=("add",))
            if not file.parent.is_dir():  # noqa: ASYNC240
                raise StoreError(f"The folder for the database {path} does not exist.")
        writable = _may_write(file)
        writer: aiosqlite.Connection | None = None
        opened: list[aiosqlite.Connection] = []
        try:
            if writable:
                writer = await _connect(path)
                opened.append(writer)
                await _guard(path, _prepare_writer(writer, path))
            for _ in range(max(1, readers)):
                reader = await _connect(_read_only_uri(file), uri=True)
                opened.append(reader)
                await _guard(path, reader.execute("PRAGMA query_only = 1"))
            store = cls(writer, opened[1:] if writable else opened, path)
            if not writable:
                await _guard(path, _check_ours(opened[0], path, read_only=True))
        except BaseException:
            for conn in opened:
                await conn.close()
            raise
        return store

    async def _guarded(self, work: Awaitable[T]) -> T:
        return await _guard(self.path, work)

    async def _migrate(self, conn: aiosqlite.Connection) -> None:
        await _prepare_writer(conn, self.path)

    async def close(self) -> None:
        """Close every connection."""
        if self._writer is not None:
            await self._writer.close()
        for reader in self._all_readers:
            await reader.close()

    async def schema_version(self) -> int:
        """Return the schema version (the number of migrations applied)."""
        row = await self._one("PRAGMA user_version")
        assert row is not None
        return int(row[0])

    def _writable(self) -> aiosqlite.Connection:
        if self._writer is None:
            raise ReadOnlyStore(f"{self.path} is read-only; Briefbot can read it but not change it.")
        return self._writer

    @property
    def _conn(self) -> aiosqlite.Connection:
        """The writer, for statements inside ``transaction()`` (writes anywhere else are a bug)."""
        conn = self._writable()
        if not self._in_transaction() and self.path != ":memory:":
            raise RuntimeError("store writes must run inside Store.transaction()")
        return conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run a block as one write transaction (BEGIN IMMEDIATE ... COMMIT, ROLLBACK on any error)."""
        conn = self._writable()
        async with self._write_lock:
            try:
                await conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise _store_error(self.path, exc) from exc
            self._tx_task = asyncio.current_task()
            try:
                yield conn
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            else:
                try:
                    await conn.execute("COMMIT")
                except sqlite3.OperationalError as exc:
                    await conn.execute("ROLLBACK")
                    raise _store_error(self.path, exc) from exc
            finally:
                self._tx_task = None

    def _in_transaction(self) -> bool:
        return self._tx_task is not None and self._tx_task is asyncio.current_task()

    @asynccontextmanager
    async def _reading(self) -> AsyncIterator[aiosqlite.Connection]:
        """A connection to read with: the writer inside this task's transaction, else a read-only one."""
        if self._in_transaction() or (self._writer is not None and not self._all_readers):
            yield self._writable()
            return
        reader = await self._readers.get()
        try:
            yield reader
        finally:
            self._readers.put_nowait(reader)

    async def _one(self, sql: str, params: Iterable | dict = ()) -> tuple | None:
        async with self._reading() as conn:
            cur = await conn.execute(sql, params if isinstance(params, dict) else tuple(params))
            row = await cur.fetchone()
            return tuple(row) if row is not None else None

    async def _all(self, sql: str, params: Iterable | dict = ()) -> list:
        async with self._reading() as conn:
            cur = await conn.execute(sql, params if isinstance(params, dict) else tuple(params))
            return list(await cur.fetchall())

    # ----- stories: reads -------------------------------------------------------------------

    _STORY_COLS = "s.id, s.slug, s.title, s.created_at, s.updated_at, s.brief"

    @staticmethod
    def _story(row: tuple) -> StoryRow:
        return StoryRow(row[0], row[1], row[2], _at(row[3]), _at(row[4]), row[5])

    async def story_by_ref(self, ref: str) -> StoryRow | None:
        """Find a story by slug or alias."""
        row = await self._one(
            f"SELECT {self._STORY_COLS} FROM stories s WHERE s.slug = ? "
            f"UNION ALL SELECT {self._STORY_COLS} FROM aliases a JOIN stories s ON s.id = a.story_id "
            "WHERE a.alias = ? LIMIT 1",
            (ref, ref),
        )
        return self._story(row) if row else None

    async def story_by_id(self, story_id: int) -> StoryRow | None:
        """Find a story by its id."""
        row = await self._one(f"SELECT {self._STORY_COLS} FROM stories s WHERE s.id = ?", (story_id,))
        return self._story(row) if row else None

    async def story_count(self) -> int:
        """Count the stories."""
        return (await self._one("SELECT count(*) FROM stories"))[0]  # type: ignore[index]

    async def all_names(self) -> list[str]:
        """Return every slug and alias (for close-match suggestions)."""
        rows = await self._all("SELECT slug FROM stories UNION ALL SELECT alias FROM aliases")
        return [r[0] for r in rows]

    async def name_words(self) -> set[str]:
        """Return every word of the stories' slugs, aliases and titles (lowercase), for spelling suggestions."""
        rows = await self._all("SELECT slug || ' ' || title FROM stories UNION ALL SELECT alias FROM aliases")
        return {w for (text,) in rows for w in _FTS_WORD.findall(text.lower().replace("-", " ")) if len(w) > 1}

    async def aliases_of(self, story_id: int) -> list[str]:
        """Return a story's aliases, sorted."""
        rows = await self._all("SELECT alias FROM aliases WHERE story_id = ? ORDER BY alias", (story_id,))
        return [r[0] for r in rows]

    async def list_stories(self, limit: int, offset: int = 0) -> list[StorySummary]:
        """Return stories, most recently updated first."""
        rows = await self._all(
            "SELECT s.slug, s.title, json_extract(s.brief, '$.tldr'), "
            "(SELECT group_concat(alias, ' ') FROM aliases a WHERE a.story_id = s.id), "
            "(SELECT count(*) FROM articles x WHERE x.story_id = s.id), s.created_at, s.updated_at "
            "FROM stories s ORDER BY s.updated_at DESC, s.id DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [self._summary(r) for r in rows]

    @staticmethod
    def _summary(r: tuple) -> StorySummary:
        return StorySummary(
            slug=r[0],
            title=r[1],
            tldr=r[2] or "",
            aliases=sorted((r[3] or "").split()),
            article_count=r[4],
            created_at=_at(r[5]),
            updated_at=_at(r[6]),
        )

    async def complete(self, prefix: str, limit: int) -> list[StorySummary]:
        """Return stories whose slug, alias or title starts with (or contains) ``prefix``, best first."""
        prefix = prefix.strip().lower()
        like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = await self._all(
            "SELECT s.slug, s.title, json_extract(s.brief, '$.tldr'), "
            "(SELECT group_concat(alias, ' ') FROM aliases a WHERE a.story_id = s.id), "
            "(SELECT count(*) FROM articles x WHERE x.story_id = s.id), s.created_at, s.updated_at, "
            "min(CASE WHEN s.slug LIKE :p || '%' ESCAPE '\\' THEN 0 "
            "         WHEN a2.alias LIKE :p || '%' ESCAPE '\\' THEN 1 "
            "         WHEN lower(s.title) LIKE :p || '%' ESCAPE '\\' THEN 2 "
            "         WHEN s.slug LIKE '%' || :p || '%' ESCAPE '\\' THEN 3 "
            "         WHEN a2.alias LIKE '%' || :p || '%' ESCAPE '\\' THEN 3 ELSE 4 END) AS rank "
            "FROM stories s LEFT JOIN aliases a2 ON a2.story_id = s.id "
            "WHERE :p = '' OR s.slug LIKE '%' || :p || '%' ESCAPE '\\' "
            "   OR a2.alias LIKE '%' || :p || '%' ESCAPE '\\' "
            "   OR lower(s.title) LIKE '%' || :p || '%' ESCAPE '\\' "
            "GROUP BY s.id ORDER BY rank, s.updated_at DESC LIMIT :n",
            {"p": like, "n": limit},
        )
        return [self._summary(r) for r in rows]

    async def search(self, words: str, limit: int, fallback: bool = True) -> list[SearchHit]:
        """Full-text search over stories and articles, ranked by BM25 (all words first, then any)."""
        for any_word in (False, True) if fallback else (False,):
            query = fts_query(words, any_word=any_word)
            if query is None:
                return []
            rows = await self._all(
                "WITH hits AS ("
                "  SELECT rowid AS story_id, bm25(story_fts, 2.0, 10.0, 4.0, 2.0) AS score,"
                "         snippet(story_fts, 3, '', '', '…', 16) AS snip"
                "  FROM story_fts WHERE story_fts MATCH :q"
                "  UNION ALL"
                "  SELECT a.story_id, bm25(article_fts, 4.0, 1.0),"
                "         snippet(article_fts, 1, '', '', '…', 16)"
                "  FROM article_fts JOIN articles a ON a.id = article_fts.rowid"
                "  WHERE article_fts MATCH :q"
                ") SELECT s.slug, s.title, h.snip, sum(h.score) AS total, s.updated_at"
                "  FROM hits h JOIN stories s ON s.id = h.story_id"
                "  GROUP BY s.id ORDER BY total, s.updated_at DESC LIMIT :n",
                {"q": query, "n": limit},
            )
            if rows:
                return [
                    SearchHit(slug=r[0], title=r[1], snippet=r[2] or "", score=round(-r[3], 4), updated_at=_at(r[4]))
                    for r in rows
                ]
        return []

    async def similar_candidates(self, words: str, since: datetime, limit: int) -> list[StoryRow]:
        """Return recently updated stories sharing words with ``words`` (OR query), best BM25 first."""
        query = fts_query(words, any_word=True)
        if query is None:
            return []
        rows = await self._all(
            "WITH hits AS ("
            "  SELECT rowid AS story_id, bm25(story_fts) AS score FROM story_fts WHERE story_fts MATCH :q"
            "  UNION ALL"
            "  SELECT a.story_id, bm25(article_fts) FROM article_fts"
            "  JOIN articles a ON a.id = article_fts.rowid WHERE article_fts MATCH :q"
            f") SELECT {self._STORY_COLS} FROM hits h JOIN stories s ON s.id = h.story_id"
            "  WHERE s.updated_at >= :since GROUP BY s.id ORDER BY sum(h.score) LIMIT :n",
            {"q": query, "since": since.isoformat(), "n": limit},
        )
        return [self._story(r) for r in rows]

    # ----- articles: reads ------------------------------------------------------------------

    _ARTICLE_COLS = "id, story_id, title, text, url, outlet, published, added_at, facts"

    @staticmethod
    def _article(row: tuple) -> StoredArticle:
        article = Article(
            id=row[0],
            story_id=row[1],
            title=row[2],
            text=row[3],
            url=row[4],
            outlet=row[5],
            published=_dt(row[6]),
            added_at=_at(row[7]),
        )
        return StoredArticle(article, KeyFacts.model_validate_json(row[8]))

    async def articles_of(self, story_id: int) -> list[StoredArticle]:
        """Return a story's articles, oldest first."""
        rows = await self._all(
            f"SELECT {self._ARTICLE_COLS} FROM articles WHERE story_id = ? ORDER BY coalesce(published, added_at), id",
            (story_id,),
        )
        return [self._article(r) for r in rows]

    async def article_ids(self, story_id: int) -> list[int]:
        """Return the ids of a story's articles, in reading order (as ``articles_of``)."""
        rows = await self._all(
            "SELECT id FROM articles WHERE story_id = ? ORDER BY coalesce(published, added_at), id", (story_id,)
        )
        return [r[0] for r in rows]

    async def article(self, article_id: int) -> StoredArticle | None:
        """Return one article by id."""
        row = await self._one(f"SELECT {self._ARTICLE_COLS} FROM articles WHERE id = ?", (article_id,))
        return self._article(row) if row else None

    async def find_duplicate(self, canonical: str | None, text_hash: str) -> tuple[int, int] | None:
        """Return (article id, story id) of an article with the same canonical URL or text, if any."""
        row = await self._one(
            "SELECT id, story_id FROM articles WHERE content_hash = ? OR (? IS NOT NULL AND canonical_url = ?) LIMIT 1",
            (text_hash, canonical, canonical),
        )
        return (row[0], row[1]) if row else None

    # ----- writes (call inside ``transaction()``) ------------------------------------------------

    async def insert_story(self, slug: str, title: str, at: datetime, brief_json: str = "{}") -> int:
        """Insert a story and its search row; return its id."""
        cur = await self._conn.execute(
            "INSERT INTO stories (slug, title, created_at, updated_at, brief) VALUES (?, ?, ?, ?, ?)",
            (slug, title, at.isoformat(), at.isoformat(), brief_json),
        )
        story_id = cur.lastrowid
        await self._conn.execute(
            "INSERT INTO story_fts (rowid, slug, title, aliases, summary) VALUES (?, ?, ?, '', '')",
            (story_id, slug.replace("-", " "), title),
        )
        return story_id  # type: ignore[return-value]

    async def insert_article(
        self, story_id: int, article: Article, canonical: str | None, text_hash: str, facts: KeyFacts
    ) -> int:
        """Insert an article and its search row; return its id."""
        cur = await self._conn.execute(
            "INSERT INTO articles (story_id, title, text, url, canonical_url, outlet, published,"
            " added_at, content_hash, facts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                story_id,
                article.title,
                article.text,
                article.url,
                canonical,
                article.outlet,
                _ts(article.published),
                article.added_at.isoformat(),
                text_hash,
                facts.model_dump_json(),
            ),
        )
        article_id = cur.lastrowid
        # facts are computed before the id exists: stamp it now so each fact traces back to its article
        stamped = facts.model_copy(
            update={
                kind: [f.model_copy(update={"article_id": article_id}) for f in getattr(facts, kind)]
                for kind in ("people", "organizations", "places", "dates", "figures")
            }
        )
        await self._conn.execute("UPDATE articles SET facts = ? WHERE id = ?", (stamped.model_dump_json(), article_id))
        await self._conn.execute(
            "INSERT INTO article_fts (rowid, title, text) VALUES (?, ?, ?)",
            (article_id, article.title, article.text),
        )
        return article_id  # type: ignore[return-value]

    async def save_brief(self, story_id: int, brief: Brief, at: datetime) -> None:
        """Store a story's rebuilt brief and refresh its search row."""
        await self._conn.execute(
            "UPDATE stories SET brief = ?, updated_at = ?, title = ? WHERE id = ?",
            (brief.model_dump_json(), at.isoformat(), brief.story.title, story_id),
        )
        await self._refresh_story_fts(story_id, summary=" ".join([brief.tldr, *brief.summary]))

    async def _refresh_story_fts(self, story_id: int, summary: str | None = None) -> None:
        row = await self._one("SELECT slug, title FROM stories WHERE id = ?", (story_id,))
        if row is None:
            return
        aliases = " ".join(a.replace("-", " ") for a in await self.aliases_of(story_id))
        if summary is None:
            old = await self._one("SELECT summary FROM story_fts WHERE rowid = ?", (story_id,))
            summary = old[0] if old else ""
        await self._conn.execute("DELETE FROM story_fts WHERE rowid = ?", (story_id,))
        await self._conn.execute(
            "INSERT INTO story_fts (rowid, slug, title, aliases, summary) VALUES (?, ?, ?, ?, ?)",
            (story_id, row[0].replace("-", " "), row[1], aliases, summary),
        )

    async def delete_article(self, article_id: int) -> None:
        """Delete one article and its search row."""
        await self._conn.execute("DELETE FROM article_fts WHERE rowid = ?", (article_id,))
        await self._conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))

    async def delete_story(self, story_id: int) -> int:
        """Delete a story with its aliases, articles and search rows; return how many articles went."""
        ids = [r[0] for r in await self._all("SELECT id FROM articles WHERE story_id = ?", (story_id,))]
        for article_id in ids:
            await self._conn.execute("DELETE FROM article_fts WHERE rowid = ?", (article_id,))
        await self._conn.execute("DELETE FROM story_fts WHERE rowid = ?", (story_id,))
        await self._conn.execute("DELETE FROM stories WHERE id = ?", (story_id,))
        return len(ids)

    async def rename_story(self, story_id: int, new_slug: str, brief: Brief) -> None:
        """Change a story's slug (and the slug inside its stored brief)."""
        await self._conn.execute(
            "UPDATE stories SET slug = ?, brief = ? WHERE id = ?",
            (new_slug, brief.model_dump_json(), story_id),
        )
        await self._refresh_story_fts(story_id)

    async def add_alias(self, story_id: int, alias: str, brief: Brief) -> None:
        """Give a story another name."""
        await self._conn.execute("INSERT INTO aliases (alias, story_id) VALUES (?, ?)", (alias, story_id))
        await self._conn.execute("UPDATE stories SET brief = ? WHERE id = ?", (brief.model_dump_json(), story_id))
        await self._refresh_story_fts(story_id)

    async def name_taken(self, name: str) -> bool:
        """Tell whether ``name`` is already a slug or an alias."""
        row = await self._one(
            "SELECT 1 FROM stories WHERE slug = ? UNION ALL SELECT 1 FROM aliases WHERE alias = ?",
            (name, name),
        )
        return row is not None

    async def log_action(self, at: datetime, actor: str, action: str, target: str, detail: str = "") -> None:
        """Append an entry to the admin log."""
        await self._conn.execute(
            "INSERT INTO admin_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
            (at.isoformat(), actor, action, target, detail),
        )

    async def admin_log(self, limit: int) -> list[AdminAction]:
        """Return the latest admin actions, newest first."""
        rows = await self._all(
            "SELECT id, at, actor, action, target, detail FROM admin_log ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [AdminAction(id=r[0], at=_at(r[1]), actor=r[2], action=r[3], target=r[4], detail=r[5]) for r in rows]

    # ----- digests ----------------------------------------------------------------------------------

    _DIGEST_COLS = (
        "id, platform, channel_id, at, tz, weekdays_only, topics, post_when_empty, enabled,"
        " disabled_reason, created_by, created_at"
    )

    @staticmethod
    def _digest(r: tuple) -> DigestSubscription:
        return DigestSubscription(
            id=r[0],
            platform=r[1],
            channel_id=r[2],
            at=r[3],
            tz=r[4],
            weekdays_only=bool(r[5]),
            topics=json.loads(r[6]),
            post_when_empty=bool(r[7]),
            enabled=bool(r[8]),
            disabled_reason=r[9],
            created_by=r[10],
            created_at=_at(r[11]),
        )

    async def insert_digest(self, sub: DigestSubscription) -> int | None:
        """Insert a digest subscription; return its id, or None if the same one exists."""
        cur = await self._conn.execute(
            "INSERT INTO digests (platform, channel_id, at, tz, weekdays_only, topics, post_when_empty,"
            " enabled, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"
            " ON CONFLICT (platform, channel_id, at, tz) DO NOTHING",
            (
                sub.platform,
                sub.channel_id,
                sub.at,
                sub.tz,
                int(sub.weekdays_only),
                json.dumps(sub.topics),
                int(sub.post_when_empty),
                sub.created_by,
                sub.created_at.isoformat(),
            ),
        )
        return cur.lastrowid if cur.rowcount else None

    async def update_digest(self, sub: DigestSubscription) -> None:
        """Overwrite a digest's options and re-enable it."""
        await self._conn.execute(
            "UPDATE digests SET weekdays_only = ?, topics = ?, post_when_empty = ?, enabled = 1,"
            " disabled_reason = NULL, created_by = ? WHERE id = ?",
            (int(sub.weekdays_only), json.dumps(sub.topics), int(sub.post_when_empty), sub.created_by, sub.id),
        )

    async def find_digest(self, platform: str, channel_id: str, at: str, tz: str) -> DigestSubscription | None:
        """Find a channel's digest by its time and zone."""
        row = await self._one(
            f"SELECT {self._DIGEST_COLS} FROM digests WHERE platform = ? AND channel_id = ? AND at = ? AND tz = ?",
            (platform, channel_id, at, tz),
        )
        return self._digest(row) if row else None

    async def digest(self, digest_id: int) -> DigestSubscription | None:
        """Return one digest subscription."""
        row = await self._one(f"SELECT {self._DIGEST_COLS} FROM digests WHERE id = ?", (digest_id,))
        return self._digest(row) if row else None

    async def digests(
        self, platform: str | None = None, channel_id: str | None = None, enabled_only: bool = False
    ) -> list[DigestSubscription]:
        """Return digest subscriptions, optionally of one platform or channel."""
        rows = await self._all(
            f"SELECT {self._DIGEST_COLS} FROM digests WHERE (:p IS NULL OR platform = :p)"
            " AND (:c IS NULL OR channel_id = :c) AND (:e = 0 OR enabled = 1) ORDER BY id",
            {"p": platform, "c": channel_id, "e": int(enabled_only)},
        )
        return [self._digest(r) for r in rows]

    async def delete_digest(self, digest_id: int) -> None:
        """Delete a digest and its delivery history."""
        await self._conn.execute("DELETE FROM digests WHERE id = ?", (digest_id,))

    async def disable_digest(self, digest_id: int, reason: str) -> None:
        """Stop a digest, keeping the reason for `status`."""
        await self._conn.execute(
            "UPDATE digests SET enabled = 0, disabled_reason = ? WHERE id = ?", (reason, digest_id)
        )

    async def claim_delivery(
        self, digest_id: int, slot: str, due_at: datetime, owner: str, now: datetime, lease_until: datetime
    ) -> dict | None:
        """Claim a digest slot for ``owner`` (new, lease expired, or retry due); return the delivery or None."""
        async with self.transaction():
            cur = await self._conn.execute(
                "INSERT INTO digest_deliveries (digest_id, slot, due_at, status, owner, lease_until, attempts,"
                " updated_at) VALUES (:d, :s, :due, 'claimed', :o, :lease, 1, :now)"
                " ON CONFLICT (digest_id, slot) DO UPDATE SET status = 'claimed', owner = :o,"
                " lease_until = :lease, attempts = attempts + 1, updated_at = :now"
                " WHERE (status = 'claimed' AND lease_until < :now) OR (status = 'retry' AND next_attempt <= :now)",
                {
                    "d": digest_id,
                    "s": slot,
                    "due": due_at.isoformat(),
                    "o": owner,
                    "lease": lease_until.isoformat(),
                    "now": now.isoformat(),
                },
            )
            if not cur.rowcount:
                return None
            return await self.delivery(digest_id, slot)

    _DELIVERY_KEYS = (
        "id", "digest_id", "slot", "due_at", "status", "owner", "lease_until", "next_attempt", "attempts",
        "since", "composed_at", "parts_sent", "message_ids", "error", "updated_at",
    )  # fmt: skip

    async def _deliveries(self, where: str, params: tuple, limit: int) -> list[dict]:
        rows = await self._all(
            f"SELECT {', '.join(self._DELIVERY_KEYS)} FROM digest_deliveries WHERE {where}"
            " ORDER BY due_at DESC LIMIT ?",
            (*params, limit),
        )
        out = [dict(zip(self._DELIVERY_KEYS, row, strict=True)) for row in rows]
        for d in out:
            d["message_ids"] = json.loads(d["message_ids"])
        return out

    async def delivery(self, digest_id: int, slot: str) -> dict | None:
        """Return one delivery row as a dict."""
        found = await self._deliveries("digest_id = ? AND slot = ?", (digest_id, slot), 1)
        return found[0] if found else None

    async def deliveries(self, digest_id: int, limit: int = 20) -> list[dict]:
        """Return a digest's latest deliveries, newest slot first (one query)."""
        return await self._deliveries("digest_id = ?", (digest_id,), limit)

    async def update_delivery(self, delivery_id: int, owner: str, now: datetime, **fields: object) -> bool:
        """Update a delivery this owner still holds; return False if another process took it over."""
        allowed = {
            "status",
            "lease_until",
            "next_attempt",
            "since",
            "composed_at",
            "parts_sent",
            "message_ids",
            "error",
        }
        assert set(fields) <= allowed, set(fields) - allowed
        values = {
            k: (json.dumps(v) if k == "message_ids" else _ts(v) if isinstance(v, datetime) else v)
            for k, v in fields.items()
        }
        sets = ", ".join(f"{k} = :{k}" for k in values)
        async with self.transaction():
            cur = await self._conn.execute(
                f"UPDATE digest_deliveries SET {sets}, updated_at = :now WHERE id = :id AND owner = :owner",
                {**values, "now": now.isoformat(), "id": delivery_id, "owner": owner},
            )
            return bool(cur.rowcount)

    async def record_skipped(self, digest_id: int, slot: str, due_at: datetime, now: datetime, reason: str) -> None:
        """Record a slot that will not be delivered (missed beyond the grace window, or superseded)."""
        async with self.transaction():
            await self._conn.execute(
                "INSERT INTO digest_deliveries (digest_id, slot, due_at, status, error, updated_at)"
                " VALUES (?, ?, ?, 'skipped', ?, ?) ON CONFLICT (digest_id, slot) DO UPDATE"
                " SET status = 'skipped', error = excluded.error, updated_at = excluded.updated_at"
                " WHERE status IN ('retry')",
                (digest_id, slot, due_at.isoformat(), reason, now.isoformat()),
            )

    async def last_cutoff(self, digest_id: int) -> datetime | None:
        """Return when the channel's previous digest was composed (what it covered up to)."""
        row = await self._one(
            "SELECT max(composed_at) FROM digest_deliveries WHERE digest_id = ? AND status IN ('sent', 'empty')",
            (digest_id,),
        )
        return _dt(row[0]) if row else None

    async def changed_stories(self, since: datetime, until: datetime) -> list[tuple[StorySummary, list[Source]]]:
        """Return stories with articles added in (since, until], each with those new articles as sources."""
        rows = await self._all(
            "SELECT s.slug, s.title, json_extract(s.brief, '$.tldr'), '',"
            " (SELECT count(*) FROM articles x WHERE x.story_id = s.id), s.created_at, s.updated_at,"
            " a.id, a.title, a.outlet, a.url, a.published"
            " FROM articles a JOIN stories s ON s.id = a.story_id"
            " WHERE a.added_at > ? AND a.added_at <= ? ORDER BY s.id, a.id",
            (since.isoformat(), until.isoformat()),
        )
        grouped: dict[str, tuple[StorySummary, list[Source]]] = {}
        for r in rows:
            if r[0] not in grouped:
                grouped[r[0]] = (self._summary(r[:7]), [])
            grouped[r[0]][1].append(Source(article_id=r[7], title=r[8], outlet=r[9], url=r[10], published=_dt(r[11])))
        return list(grouped.values())

    async def story_ids_matching(self, words: str) -> set[str]:
        """Return the slugs of stories that match ``words`` (slug, alias, or all words in FTS)."""
        ref = await self.story_by_ref(words.strip().lower())
        found = {ref.slug} if ref else set()
        found.update(h.slug for h in await self.search(words, 500, fallback=False))
        return found





async def _connect(database: str, *, uri: bool = False) -> aiosqlite.Connection:
    """Connect in autocommit mode with the busy timeout set before anything else is read."""
    conn = await aiosqlite.connect(database, isolation_level=None, uri=uri)
    await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def _may_write(file: Path) -> bool:
    """Tell whether this process may change the database (the file, or a new one, and its folder)."""
    folder = file.parent if str(file.parent) else Path(".")
    if file.exists() and not os.access(file, os.W_OK):
        return False
    return os.access(folder, os.W_OK)


def _read_only_uri(file: Path) -> str:
    """A read-only SQLite URI; ``immutable`` where no -wal/-shm can be made (a read-only folder)."""
    folder = file.parent if str(file.parent) else Path(".")
    immutable = not os.access(folder, os.W_OK) and not Path(f"{file}-wal").exists()
    query = "mode=ro" + ("&immutable=1" if immutable else "")
    return f"file:{quote(str(file.resolve()))}?{query}"


async def _state(conn: aiosqlite.Connection) -> tuple[int, int, int]:
    """Read (application id, schema version, object count) in one statement, so from one snapshot."""
    cur = await conn.execute(
        "SELECT (SELECT application_id FROM pragma_application_id()),"
        " (SELECT user_version FROM pragma_user_version()), (SELECT count(*) FROM sqlite_master)"
    )
    row = await cur.fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])


def _judge(path: str, app_id: int, version: int, objects: int, known: int) -> None:
    """Refuse a database that is not Briefbot's or is newer than this Briefbot."""
    if app_id != APPLICATION_ID and (app_id != 0 or objects):
        raise StoreError(
            f"{path} is not a Briefbot database (it holds other data); choose another file.",
        )
    if version > known:
        raise StoreError(
            f"{path} was written by a newer Briefbot (schema {version}, this one knows {known}); "
            "upgrade Briefbot to use it."
        )


async def _check_ours(conn: aiosqlite.Connection, path: str, *, read_only: bool) -> None:
    """On a database we cannot write: refuse what is not ours, or not migrated to this version."""
    app_id, version, objects = await _state(conn)
    known = len(load_migrations())
    _judge(path, app_id, version, objects, known)
    if app_id == 0 and not objects:
        raise StoreError(f"{path} is read-only and holds no Briefbot data yet.")
    if read_only and version < known:
        raise ReadOnlyStore(
            f"{path} is read-only and from an older Briefbot (schema {version}); "
            "open it once where it can be written to upgrade it."
        )


async def _prepare_writer(conn: aiosqlite.Connection, path: str) -> None:
    """Check the database is ours and migrate it, deciding under the same write lock the migration takes."""
    migrations = load_migrations()
    app_id, version, objects = await _state(conn)
    _judge(path, app_id, version, objects, len(migrations))
    if app_id != APPLICATION_ID or version < len(migrations):
        await conn.execute("BEGIN IMMEDIATE")
        try:
            # re-read inside the lock: another process may have created or migrated it meanwhile
            app_id, version, objects = await _state(conn)
            _judge(path, app_id, version, objects, len(migrations))
            for number, sql in migrations:
                if number <= version:
                    continue
                log.info("applying migration %04d to %s", number, path)
                for statement in _statements(sql):
                    await conn.execute(statement)
                await conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                await conn.execute(f"PRAGMA user_version = {number}")
            await conn.execute("COMMIT")
        except BaseException:
            await conn.execute("ROLLBACK")
            raise
    if path != ":memory:":
        await _use_wal(conn)
    await conn.execute("PRAGMA synchronous = NORMAL")
    await conn.execute("PRAGMA foreign_keys = ON")


async def _use_wal(conn: aiosqlite.Connection) -> None:
    """Switch to WAL. SQLite does not wait on its busy handler for this, so retry while others hold the file."""
    delay = 0.005
    for _ in range(200):
        try:
            cur = await conn.execute("PRAGMA journal_mode")
            row = await cur.fetchone()
            if row is not None and str(row[0]).lower() == "wal":
                return
            await conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
        await asyncio.sleep(delay)  # bounded: at most about 10 s in all
        delay = min(delay * 2, 0.05)
    raise StoreError("The database is busy (another process holds it); try again.")


def _store_error(path: str, exc: sqlite3.Error) -> StoreError:
    """Word an SQLite failure as one clear line."""
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return ReadOnlyStore(f"{path} is read-only; Briefbot can read it but not change it.")
    if "unable to open" in text:
        return StoreError(f"Cannot open the database {path}: the file or its folder cannot be reached.")
    if "locked" in text or "busy" in text:
        return StoreError(f"The database {path} is busy (another process holds it); try again.")
    if "not a database" in text or "malformed" in text:
        return StoreError(f"{path} is not a Briefbot database ({text}); choose another file.")
    return StoreError(f"The database {path} cannot be used: {text}.")


async def _guard(path: str, work: Awaitable[T]) -> T:
    """Await ``work``, turning SQLite errors into StoreError."""
    try:
        return await work
    except sqlite3.Error as exc:
        raise _store_error(path, exc) from exc

def _statements(sql: str) -> list[str]:
    """Split a migration into statements (our migrations put no ';' or '--' inside literals)."""
    body = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return [s.strip() for s in body.split(";") if s.strip()]
