"""Named locks held by one process among all those on a database, released when the process dies.

PostgreSQL: a session-level advisory lock on a connection of its own (not the pool's), keyed by the current
schema and the name, with TCP keepalives so the server drops a dead holder's session (and its lock), and a
liveness query every few seconds so a holder that can no longer reach the server learns it may have lost the
lock. SQLite: an OS file lock (``flock``) on a file beside the database; the kernel releases it when the
process dies. On Windows, and for an in-memory database, every hold is granted (one process is assumed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefings.errors import StoreError

if TYPE_CHECKING:
    import asyncpg

try:
    import fcntl
except ImportError:  # Windows: no flock; holds are always granted
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

CHECK_EVERY_S = 5.0  # a PostgreSQL holder asks the server every this many seconds whether its session lives
CONNECT_TIMEOUT_S = 10.0
# The server probes an idle holder's socket after 10 s, every 5 s, 3 times: a dead holder's session (and its
# lock) is dropped within about 25 s; unacknowledged data gives up after 20 s. A holder whose check fails gives
# the lock up within 2 * CHECK_EVERY_S = 10 s, before the server can hand it to anyone else.
KEEPALIVES = {
    "tcp_keepalives_idle": "10",
    "tcp_keepalives_interval": "5",
    "tcp_keepalives_count": "3",
    "tcp_user_timeout": "20000",
}
# a 64-bit key from the schema and the name: other schemas (and databases: advisory locks are per database)
# never collide, and the one-bigint key space is apart from the store's two-integer write locks
_KEY = "hashtextextended(current_schema() || '/' || $1, 0)"
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,48}$")


@dataclass
class Hold:
    """A lock this process holds; ``lost`` is set once it may no longer hold it (stop the guarded work then)."""

    name: str
    lost: asyncio.Event = field(default_factory=asyncio.Event)


def _check_name(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"a lock name is 1 to 48 letters, digits, '.', '_' or '-', not {name!r}")
    return name


@contextlib.asynccontextmanager
async def hold_postgres(
    url: str, name: str, *, target: str, check_every: float = CHECK_EVERY_S
) -> AsyncIterator[Hold | None]:
    """Hold the advisory lock ``name`` of the current schema for the block (None: another session holds it).

    ``url`` is the store's URL (its search_path picks the schema); ``target`` names it in errors (no password).
    """
    import asyncpg  # here: a SQLite-only process never loads the PostgreSQL driver

    from briefings.store.pg_connect import DB_ERRORS, db_error

    _check_name(name)
    settings = {**KEEPALIVES, "application_name": f"briefbot {name}"}
    try:
        conn = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT_S, server_settings=settings)
    except DB_ERRORS as exc:
        raise db_error(target, exc) from exc
    try:
        got = await conn.fetchval(f"SELECT pg_try_advisory_lock({_KEY})", name, timeout=CONNECT_TIMEOUT_S)
    except DB_ERRORS as exc:
        conn.terminate()
        raise db_error(target, exc) from exc
    if not got:
        await _close(conn)
        yield None
        return
    hold = Hold(name)

    def on_closed(_: object) -> None:
        if not hold.lost.is_set():
            log.warning("lost the lock %s: its database connection closed", name)
            hold.lost.set()

    conn.add_termination_listener(on_closed)
    watch = asyncio.create_task(_watch(conn, hold, check_every), name=f"lock-{name}")
    try:
        yield hold
    finally:
        watch.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watch
        conn.remove_termination_listener(on_closed)
        if not conn.is_closed():
            with contextlib.suppress(*DB_ERRORS):
                await conn.execute(f"SELECT pg_advisory_unlock({_KEY})", name, timeout=check_every)
            await _close(conn)


async def _watch(conn: asyncpg.Connection, hold: Hold, every: float) -> None:
    """Ask the server every ``every`` seconds; set ``lost`` (and drop the session) when it does not answer."""
    from briefings.store.pg_connect import DB_ERRORS  # OSError among them: TimeoutError too

    while not hold.lost.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(hold.lost.wait(), every)
            return
        try:
            await conn.fetchval("SELECT 1", timeout=every)
        except DB_ERRORS as exc:
            log.warning("lost the lock %s: the database did not answer (%s)", hold.name, type(exc).__name__)
            hold.lost.set()
            conn.terminate()


async def _close(conn: asyncpg.Connection) -> None:
    from briefings.store.pg_connect import DB_ERRORS

    try:
        await conn.close(timeout=CONNECT_TIMEOUT_S)
    except DB_ERRORS:
        conn.terminate()


@contextlib.asynccontextmanager
async def hold_file(db_path: str, name: str) -> AsyncIterator[Hold | None]:
    """Hold the lock ``name`` of the SQLite database at ``db_path`` for the block (None: another process has it).

    The lock is an ``flock`` on ``<db_path>.<name>.lock``, which stays on disk (removing it would race).
    """
    _check_name(name)
    if db_path in ("", ":memory:") or fcntl is None:
        yield Hold(name)
        return
    lock_path = f"{db_path}.{name}.lock"
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"Cannot open the lock file {lock_path}: {exc.strerror or exc}.") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield None
            return
        try:
            yield Hold(name)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
