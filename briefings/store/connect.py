"""Opening an SQLite database (ours or not, migrations under one lock, WAL, read-only files) and loading migrations."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sqlite3
from collections.abc import Awaitable
from importlib import resources
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

import aiosqlite

from briefings.errors import ReadOnlyStore, StoreError

log = logging.getLogger(__name__)
T = TypeVar("T")

APPLICATION_ID = 0x42524246  # "BRBF": marks a database file as Briefbot's
READERS = 2  # read-only connections per store: reads never wait behind a write, nor see one half-done
BUSY_TIMEOUT_MS = 10_000


def load_migrations(dialect: str = "sqlite") -> list[tuple[int, str]]:
    """Return the numbered migrations shipped in ``briefings/migrations/<dialect>``, in order."""
    found: list[tuple[int, str]] = []
    for entry in resources.files("briefings.migrations").joinpath(dialect).iterdir():
        match = re.match(r"^(\d{4})_.*\.sql$", entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migrations are not numbered 1..N: {numbers}")
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
