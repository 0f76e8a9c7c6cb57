"""The SQLite store: the one class the service and the scheduler use."""

from __future__ import annotations

from briefings.store.feeds import FeedStore


class Store(FeedStore):
    """Async access to one Briefbot SQLite database.

    One writer connection takes every write, one transaction at a time (``transaction()``); reads outside a
    transaction go to read-only connections of their own, so no reader ever sees another coroutine's
    uncommitted (and maybe rolled back) write. Reads inside a transaction use the writer and see its writes.
    """
