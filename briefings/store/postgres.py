"""The PostgreSQL backend: a connection pool, writes serialised by an advisory lock, tsvector search."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import asyncpg

from briefings.models import SearchHit
from briefings.store.api import Store
from briefings.store.base import Params, display_target
from briefings.store.connect import APPLICATION_ID, READERS
from briefings.store.locks import Hold, hold_postgres
from briefings.store.pg_connect import DB_ERRORS, bind, db_error, migrate, rowcount
from briefings.store.rows import _FTS_WORD, _at

log = logging.getLogger(__name__)
CONNECT_TIMEOUT_S = 10  # an unreachable server fails the start in seconds, not asyncpg's default minute

# ts_headline options: plain text (no markers), one fragment of about FTS5's 16 words
_HEADLINE = 'StartSel="",StopSel="",MaxWords=16,MinWords=6,MaxFragments=1,FragmentDelimiter=" … "'
_SEARCH = f"""
WITH q AS (SELECT websearch_to_tsquery('briefbot', $1) AS q),
terms AS (SELECT DISTINCT plainto_tsquery('briefbot', w) AS tq FROM unnest($3::text[]) AS w),
sizes AS (SELECT (SELECT count(*) FROM story_fts) AS stories, (SELECT count(*) FROM article_fts) AS articles),
idf AS (  -- BM25's inverse document frequency per word and table, floored as FTS5 floors it
    SELECT t.tq,
           greatest(1e-6, ln((z.stories - ds.n + 0.5) / (ds.n + 0.5))) AS story_idf,
           greatest(1e-6, ln((z.articles - da.n + 0.5) / (da.n + 0.5))) AS article_idf
    FROM terms t, sizes z,
         LATERAL (SELECT count(*) AS n FROM story_fts f WHERE f.doc @@ t.tq) ds,
         LATERAL (SELECT count(*) AS n FROM article_fts f WHERE f.doc @@ t.tq) da
),
hits AS (
    SELECT f.rowid AS story_id, (SELECT sum(i.story_idf * ts_rank(f.doc, i.tq)) FROM idf i) AS score,
           0 AS kind, f.rowid AS ref
    FROM story_fts f, q WHERE f.doc @@ q.q
    UNION ALL
    SELECT a.story_id, (SELECT sum(i.article_idf * ts_rank(f.doc, i.tq)) FROM idf i), 1, f.rowid
    FROM article_fts f JOIN articles a ON a.id = f.rowid, q WHERE f.doc @@ q.q
),
top AS (
    SELECT h.story_id, sum(h.score) AS total, max(s.updated_at) AS updated
    FROM hits h JOIN stories s ON s.id = h.story_id
    GROUP BY h.story_id ORDER BY total DESC, updated DESC LIMIT $2
),
pick AS (
    SELECT DISTINCT ON (h.story_id) h.story_id, h.kind, h.ref FROM hits h JOIN top t ON t.story_id = h.story_id
    ORDER BY h.story_id, (h.kind = 1) DESC, h.score DESC
)
SELECT s.slug, s.title,
       ts_headline('briefbot', coalesce(CASE WHEN p.kind = 0 THEN sf.summary ELSE af.text END, ''), q.q,
                   '{_HEADLINE}'),
       t.total, s.updated_at
FROM top t JOIN stories s ON s.id = t.story_id JOIN pick p ON p.story_id = t.story_id
     LEFT JOIN story_fts sf ON p.kind = 0 AND sf.rowid = p.ref
     LEFT JOIN article_fts af ON p.kind = 1 AND af.rowid = p.ref, q
ORDER BY t.total DESC, s.updated_at DESC
"""


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Return a connection to the pool as it is: the store sets no session state (no SET, LISTEN or session
    locks; its advisory locks end with their transaction), so asyncpg's reset query would be a wasted round trip."""


class PostgresStore(Store):
    """Async access to one Briefbot PostgreSQL database (the current schema of its search_path).

    Reads take a pooled connection of their own, so they never see another coroutine's uncommitted write.
    Writes run in ``transaction()`` on one connection, which first takes a transaction-level advisory lock:
    write transactions are serialised across every process on the database, as SQLite's BEGIN IMMEDIATE
    serialises them on one file, so the service's read-then-write steps behave the same on both.
    """

    dialect = "postgres"
    _SKIP_LOCKED = " FOR UPDATE SKIP LOCKED"

    def __init__(self, pool: asyncpg.Pool, path: str, url: str | None = None) -> None:
        self._pool = pool
        self.path = path
        self._url = url or path  # with its password, for the connections of hold()
        self.read_only = False
        self._write_lock = asyncio.Lock()
        self._tx: tuple[asyncio.Task | None, asyncpg.Connection] | None = None

    @classmethod
    async def connect(cls, url: str, *, create: bool = True, readers: int = READERS) -> PostgresStore:
        """Open a pool on ``url`` and migrate its schema; raise StoreError if unusable.

        Query parameters of the URL that asyncpg does not know are server settings (``?search_path=...``).
        """
        target = display_target(url)
        try:
            pool = await asyncpg.create_pool(
                url, min_size=1, max_size=max(1, readers) + 1, timeout=CONNECT_TIMEOUT_S, reset=_keep_session
            )
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, ValueError) as exc:  # ValueError: a bad URL
            raise db_error(target, exc) from exc
        try:
            async with pool.acquire() as conn:
                await migrate(conn, target, create=create)
        except DB_ERRORS as exc:
            await pool.close()
            raise db_error(target, exc) from exc
        except BaseException:
            await pool.close()
            raise
        return cls(pool, target, url)

    # ----- dialect pieces ------------------------------------------------------------------------

    @staticmethod
    def _json_text(column: str, key: str) -> str:
        return f"({column}::jsonb ->> '{key}')"

    @staticmethod
    def _joined(column: str) -> str:
        return f"string_agg({column}, ' ')"

    @staticmethod
    def _greater(a: str, b: str) -> str:
        return f"greatest({a}, {b})"

    # ----- connections ---------------------------------------------------------------------------

    async def close(self) -> None:
        """Close the pool."""
        await self._pool.close()

    def hold(self, name: str) -> AbstractAsyncContextManager[Hold | None]:
        """Hold the lock ``name`` for the block: an advisory lock on a connection of its own (None: taken)."""
        return hold_postgres(self._url, name, target=self.path)

    async def schema_version(self) -> int:
        """Return the schema version (the number of migrations applied)."""
        row = await self._one("SELECT version FROM briefbot_schema")
        assert row is not None
        return int(row[0])

    def pool_in_use(self) -> tuple[int, int]:
        """Return (connections in use, connections open), for metrics."""
        size = self._pool.get_size()
        return size - self._pool.get_idle_size(), size

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[asyncpg.Connection]:
        """Run a block as one write transaction (COMMIT at its end, ROLLBACK on any error)."""
        async with self._write_lock, self._pool.acquire() as conn:
            tx = conn.transaction()
            try:
                await tx.start()
                await conn.execute("SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))", APPLICATION_ID)
            except DB_ERRORS as exc:
                if not conn.is_closed() and conn.is_in_transaction():
                    await tx.rollback()
                raise db_error(self.path, exc) from exc
            self._tx = (asyncio.current_task(), conn)
            try:
                yield conn
            except BaseException:
                await tx.rollback()
                raise
            else:
                try:
                    await tx.commit()
                except DB_ERRORS as exc:
                    raise db_error(self.path, exc) from exc
            finally:
                self._tx = None

    def _tx_conn(self) -> asyncpg.Connection | None:
        if self._tx is not None and self._tx[0] is asyncio.current_task():
            return self._tx[1]
        return None

    def _writer(self) -> asyncpg.Connection:
        conn = self._tx_conn()
        if conn is None:
            raise RuntimeError("store writes must run inside Store.transaction()")
        return conn

    @asynccontextmanager
    async def _reading(self) -> AsyncIterator[asyncpg.Connection]:
        conn = self._tx_conn()
        if conn is not None:
            yield conn
            return
        async with self._pool.acquire() as pooled:
            yield pooled

    async def _one(self, sql: str, params: Params = ()) -> tuple | None:
        text, args = bind(sql, params)
        async with self._reading() as conn:
            row = await conn.fetchrow(text, *args)
        return tuple(row) if row is not None else None

    async def _all(self, sql: str, params: Params = ()) -> list[tuple]:
        text, args = bind(sql, params)
        async with self._reading() as conn:
            rows = await conn.fetch(text, *args)
        return [tuple(r) for r in rows]

    async def _exec(self, sql: str, params: Params = ()) -> int:
        text, args = bind(sql, params)
        return rowcount(await self._writer().execute(text, *args))

    async def _exec_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        batch = [tuple(r) for r in rows]
        conn = self._writer()
        if batch:
            text, _ = bind(sql, batch[0])
            await conn.executemany(text, batch)

    async def _write_rows(self, sql: str, params: Params = ()) -> list[tuple]:
        text, args = bind(sql, params)
        return [tuple(r) for r in await self._writer().fetch(text, *args)]

    async def _write_alone(self, sql: str, params: Params = ()) -> list[tuple]:
        """Run one self-contained write on a pooled connection in autocommit, without the writers' advisory lock.

        PostgreSQL's row locks make such a statement safe beside any other writer, so replicas claiming and
        recording digest deliveries do not queue behind each other's story writes."""
        if self._tx_conn() is not None:
            return await self._write_rows(sql, params)
        text, args = bind(sql, params)
        try:
            async with self._pool.acquire() as conn:
                return [tuple(r) for r in await conn.fetch(text, *args)]
        except DB_ERRORS as exc:
            raise db_error(self.path, exc) from exc

    async def _after_copy(self, tables: Sequence[str]) -> None:
        """Move each table's identity sequence past the largest id a copy wrote."""
        async with self.transaction():
            for table in tables:
                await self._one(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false)"
                    f" FROM {table}"
                )

    # ----- full-text search (tsvector) and close names (pg_trgm) -----------------------------------------

    async def search(self, words: str, limit: int, fallback: bool = True) -> list[SearchHit]:
        """Full-text search over stories and articles, ranked by ts_rank weighted by each word's IDF (as BM25 does).

        All words first, then any; a word found in nearly every story or article weighs (almost) nothing."""
        words_ = _FTS_WORD.findall(words.lower())[:32]
        tokens = [f'"{t}"' for t in words_]  # quoted: "or" is a word, not OR
        if not tokens:
            return []
        for joiner in (" ", " or ") if fallback else (" ",):
            rows = await self._all(_SEARCH, (joiner.join(tokens), limit, words_))
            if rows:
                return [
                    SearchHit(slug=r[0], title=r[1], snippet=r[2] or "", score=round(r[3], 4), updated_at=_at(r[4]))
                    for r in rows
                ]
        return []

    async def close_names(self, ref: str, limit: int = 5) -> list[str]:
        """Return the slugs and aliases closest to ``ref`` by trigram similarity (of the whole name, or of ``ref``
        to its closest part, so prefixes count), closest first; the trigram indexes find them."""
        rows = await self._all(
            "SELECT name FROM (SELECT slug AS name FROM stories WHERE slug % :r OR :r <% slug"
            " UNION SELECT alias FROM aliases WHERE alias % :r OR :r <% alias) AS n"
            " ORDER BY greatest(similarity(name, :r), word_similarity(:r, name)) DESC, name LIMIT :n",
            {"r": ref, "n": limit},
        )
        return [r[0] for r in rows]
