"""The SQLite backend: one writer for transactions, read-only readers for everything else, FTS5 search."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from briefings.errors import ReadOnlyStore, StoreError
from briefings.models import SearchHit
from briefings.slugs import close_matches
from briefings.store.api import Store
from briefings.store.base import Params
from briefings.store.connect import (
    READERS,
    T,
    _check_ours,
    _connect,
    _guard,
    _may_write,
    _prepare_writer,
    _read_only_uri,
    _store_error,
)
from briefings.store.locks import Hold, hold_file
from briefings.store.rows import _FTS_WORD, _at, fts_query

SCAN_NAMES = 5000  # up to this many slugs and aliases, a mistyped name is compared with every one


class SQLiteStore(Store):
    """Async access to one Briefbot SQLite database.

    One writer connection takes every write, one transaction at a time (``transaction()``); reads outside a
    transaction go to read-only connections of their own, so no reader ever sees another coroutine's
    uncommitted (and maybe rolled back) write. Reads inside a transaction use the writer and see its writes.
    """

    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection | None, readers: list[aiosqlite.Connection], path: str) -> None:
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
    async def connect(cls, path: str | Path, *, create: bool = True, readers: int = READERS) -> SQLiteStore:
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

    # ----- dialect pieces ------------------------------------------------------------------------

    @staticmethod
    def _json_text(column: str, key: str) -> str:
        return f"json_extract({column}, '$.{key}')"

    @staticmethod
    def _joined(column: str) -> str:
        return f"group_concat({column}, ' ')"

    @staticmethod
    def _greater(a: str, b: str) -> str:
        return f"max({a}, {b})"

    # ----- connections ---------------------------------------------------------------------------

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

    def hold(self, name: str) -> AbstractAsyncContextManager[Hold | None]:
        """Hold the lock ``name`` for the block: an OS file lock beside the database (None: another holds it)."""
        return hold_file(self.path, name)

    async def schema_version(self) -> int:
        """Return the schema version (the number of migrations applied)."""
        row = await self._one("PRAGMA user_version")
        assert row is not None
        return int(row[0])

    def pool_in_use(self) -> tuple[int, int]:
        """Return (connections in use, connections open): the writer while a transaction runs, busy readers."""
        total = len(self._all_readers) + (self._writer is not None)
        return int(self._write_lock.locked()) + len(self._all_readers) - self._readers.qsize(), total

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

    @staticmethod
    def _args(params: Params) -> Any:
        return params if isinstance(params, dict) else tuple(params)

    async def _one(self, sql: str, params: Params = ()) -> tuple | None:
        async with self._reading() as conn:
            cur = await conn.execute(sql, self._args(params))
            row = await cur.fetchone()
            return tuple(row) if row is not None else None

    async def _all(self, sql: str, params: Params = ()) -> list[tuple]:
        async with self._reading() as conn:
            cur = await conn.execute(sql, self._args(params))
            return [tuple(r) for r in await cur.fetchall()]

    async def _exec(self, sql: str, params: Params = ()) -> int:
        cur = await self._conn.execute(sql, self._args(params))
        return cur.rowcount

    async def _exec_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._conn.executemany(sql, [tuple(r) for r in rows])

    async def _write_rows(self, sql: str, params: Params = ()) -> list[tuple]:
        cur = await self._conn.execute(sql, self._args(params))
        return [tuple(r) for r in await cur.fetchall()]

    # ----- full-text search (FTS5) -------------------------------------------------------------------

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

    async def close_names(self, ref: str, limit: int = 5) -> list[str]:
        """Return the slugs and aliases closest to ``ref`` (typos, prefixes, shared parts), closest first.

        Up to ``SCAN_NAMES`` names are all compared; beyond, only the names of stories that share a word of
        their slug or aliases with ``ref`` (FTS5, best 200) or start with its first three letters, so a typo
        costs the same with a hundred thousand stories (a typo in every word of a name then finds nothing)."""
        row = await self._one("SELECT (SELECT count(*) FROM stories) + (SELECT count(*) FROM aliases)")
        if row is None or row[0] <= SCAN_NAMES:
            return close_matches(ref, await self.all_names(), limit)
        words = [w for w in _FTS_WORD.findall(ref.lower().replace("-", " ")) if len(w) > 1][:16]
        names: list[str] = []
        if words:
            match = "{slug aliases} : (" + " OR ".join(f'"{w}"' for w in words) + ")"
            rows = await self._all(
                "SELECT s.slug, (SELECT group_concat(alias, ' ') FROM aliases a WHERE a.story_id = s.id)"
                " FROM (SELECT rowid AS id FROM story_fts WHERE story_fts MATCH ? ORDER BY rank LIMIT 200) AS f"
                " JOIN stories s ON s.id = f.id",
                (match,),
            )
            names = [n for slug, aliases in rows for n in (slug, *(aliases or "").split())]
        head = ref[:3]
        if len(head) == 3:
            rows = await self._all(
                "SELECT * FROM (SELECT slug FROM stories WHERE slug >= ? AND slug < ? ORDER BY slug LIMIT 200)"
                " UNION ALL SELECT * FROM (SELECT alias FROM aliases WHERE alias >= ? AND alias < ? LIMIT 200)",
                (head, head + "\uffff", head, head + "\uffff"),
            )
            names += [r[0] for r in rows]
        return close_matches(ref, list(dict.fromkeys(names)), limit)
