"""The one store class the service, the scheduler and the feeds use; ``Store.open`` picks the backend."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from briefings.store.base import is_postgres_url
from briefings.store.connect import READERS
from briefings.store.feeds import FeedStore


class Store(FeedStore):
    """Async access to one Briefbot database: SQLite (a file path) or PostgreSQL (a ``postgresql://`` URL).

    Reads outside a transaction never see another coroutine's uncommitted (and maybe rolled back) write;
    reads inside ``transaction()`` see its writes. Every write runs inside ``transaction()``.
    """

    @classmethod
    async def open(cls, path: str | Path, *, create: bool = True, readers: int = READERS) -> Self:
        """Open and migrate the database at ``path`` (a file, or a PostgreSQL URL); raise StoreError if unusable."""
        store: Store
        if is_postgres_url(path):
            from briefings.store.postgres import PostgresStore

            store = await PostgresStore.connect(str(path), create=create, readers=readers)
        else:
            from briefings.store.sqlite import SQLiteStore

            store = await SQLiteStore.connect(path, create=create, readers=readers)
        if not isinstance(store, cls):
            await store.close()
            raise TypeError(f"{cls.__name__}.open cannot open {store.dialect} databases")
        return store
