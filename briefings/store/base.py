"""The store's interface to its database: reads, writes inside ``transaction()``, and the few dialect differences.

The query modules (stories, digests, feeds) hold ONE copy of their SQL, written with ``?`` or ``:name``
placeholders in the SQL both SQLite and PostgreSQL understand; each backend (``sqlite.py``, ``postgres.py``)
runs it on its own connections and supplies the pieces that differ (JSON fields, string aggregation, the
larger of two values, row locks for claims, case-insensitive LIKE, full-text search).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from briefings.store.locks import Hold

Params = Sequence[Any] | dict[str, Any]


class StoreBase(ABC):
    """What every backend provides: reads anywhere, writes only inside ``transaction()``."""

    path: str
    read_only: bool = False
    dialect: str = ""

    # ----- dialect pieces (SQL fragments) ---------------------------------------------------------

    @staticmethod
    @abstractmethod
    def _json_text(column: str, key: str) -> str:
        """SQL for the text of the top-level ``key`` of a JSON ``column``."""

    @staticmethod
    @abstractmethod
    def _joined(column: str) -> str:
        """SQL aggregate joining a text ``column`` with spaces."""

    @staticmethod
    @abstractmethod
    def _greater(a: str, b: str) -> str:
        """SQL for the larger of two values."""

    _SKIP_LOCKED = ""  # appended to a claim's SELECT: lock the rows picked, skip the ones others hold

    # ----- running SQL ----------------------------------------------------------------------------

    @abstractmethod
    async def close(self) -> None:
        """Close every connection."""

    @abstractmethod
    async def schema_version(self) -> int:
        """Return the schema version (the number of migrations applied)."""

    @abstractmethod
    def pool_in_use(self) -> tuple[int, int]:
        """Return (connections in use, connections open), for metrics."""

    @abstractmethod
    def hold(self, name: str) -> AbstractAsyncContextManager[Hold | None]:
        """Hold the lock ``name`` among every process on this database for the block (None: another holds it)."""

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Any]:
        """Run a block as one write transaction (committed at its end, rolled back on any error)."""

    @abstractmethod
    async def _one(self, sql: str, params: Params = ()) -> tuple | None:
        """Read one row (inside this task's transaction: on its connection)."""

    @abstractmethod
    async def _all(self, sql: str, params: Params = ()) -> list[tuple]:
        """Read every row."""

    @abstractmethod
    async def _exec(self, sql: str, params: Params = ()) -> int:
        """Run one write inside ``transaction()``; return how many rows it changed."""

    @abstractmethod
    async def _exec_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one write once per row of parameters, inside ``transaction()``."""

    @abstractmethod
    async def _write_rows(self, sql: str, params: Params = ()) -> list[tuple]:
        """Run one write with ``RETURNING`` inside ``transaction()``; return the rows it returned."""

    async def _after_copy(self, tables: Sequence[str]) -> None:
        """Bring id generators past the ids a copy wrote into ``tables`` (nothing to do on SQLite)."""
        return None

    async def _write_alone(self, sql: str, params: Params = ()) -> list[tuple]:
        """Run one self-contained write (``RETURNING`` rows) as its own transaction; return the rows it returned.

        For statements that are correct on their own under concurrency (a conditional upsert, an update guarded
        by its owner): a backend may run them without serialising them behind other writers."""
        async with self.transaction():
            return await self._write_rows(sql, params)

    async def _insert(self, sql: str, params: Params = ()) -> int:
        """Run an ``INSERT ... RETURNING id``; return the new row's id."""
        rows = await self._write_rows(sql, params)
        return int(rows[0][0])


def display_target(target: str | Path) -> str:
    """A database path or URL as it may be shown (a URL's password hidden)."""
    text = str(target)
    if "://" in text and "@" in text:
        scheme, rest = text.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}{':***' if ':' in creds else ''}@{host}"
    return text


def is_postgres_url(target: str | Path) -> bool:
    """Tell whether ``target`` names a PostgreSQL database (``postgresql://`` or ``postgres://``)."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))
