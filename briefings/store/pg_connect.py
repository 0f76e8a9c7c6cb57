"""Opening a PostgreSQL database: placeholders translated, ours or not, migrations under an advisory lock."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

import asyncpg

from briefings.errors import StoreError
from briefings.store.base import Params
from briefings.store.connect import APPLICATION_ID, _judge, _statements, load_migrations

log = logging.getLogger(__name__)

META = "briefbot_schema"  # one row: (application_id, version), as SQLite's application_id and user_version
# a string literal, a '::' cast, a positional '?' or a ':name' placeholder
_TOKEN = re.compile(r"'(?:[^']|'')*'|::|\?|:([A-Za-z_]\w*)")
DB_ERRORS: tuple[type[BaseException], ...] = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError)


@lru_cache(maxsize=1024)
def to_postgres(sql: str) -> tuple[str, tuple[str, ...]]:
    """Turn the store's ``?`` and ``:name`` placeholders into ``$n``; return the SQL and the names in order."""
    names: list[str] = []
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        token = match.group(0)
        if token.startswith("'") or token == "::":
            return token
        if token == "?":
            count += 1
            return f"${count}"
        name = match.group(1)
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    out = _TOKEN.sub(replace, sql)
    if count and names:
        raise ValueError("a statement uses both ? and :name placeholders")
    return out, tuple(names)


def bind(sql: str, params: Params) -> tuple[str, list[Any]]:
    """The PostgreSQL statement and its argument list for the store's SQL and parameters."""
    text, names = to_postgres(sql)
    if isinstance(params, dict):
        return text, [params[n] for n in names]
    return text, list(params)


def rowcount(status: str) -> int:
    """The number of rows a command changed, from its status (``UPDATE 3``, ``INSERT 0 1``)."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def db_error(target: str, exc: BaseException) -> StoreError:
    """Word a PostgreSQL failure as one clear line (the URL shown without its password)."""
    if isinstance(exc, OSError):
        return StoreError(f"Cannot reach the PostgreSQL database {target}: {exc.strerror or exc}.")
    if isinstance(exc, asyncpg.InvalidCatalogNameError):
        return StoreError(f"The PostgreSQL database {target} does not exist; create it first.")
    if isinstance(exc, asyncpg.InvalidAuthorizationSpecificationError | asyncpg.InvalidPasswordError):
        return StoreError(f"PostgreSQL refused the login for {target}: check the user and password.")
    if isinstance(exc, asyncpg.InsufficientPrivilegeError):
        return StoreError(f"The PostgreSQL user may not do this on {target}: {exc}.")
    return StoreError(f"The PostgreSQL database {target} cannot be used: {exc}.")


async def state(conn: asyncpg.Connection, target: str) -> tuple[int, int, int]:
    """Read (application id, schema version, table count) of the current schema."""
    row = await conn.fetchrow(
        "SELECT current_schema(), (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        "  WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')),"
        " to_regclass(quote_ident(current_schema()) || '." + META + "') IS NOT NULL"
    )
    assert row is not None
    if row[0] is None:
        raise StoreError(f"{target} has no schema to create tables in; check the search_path.")
    if not row[2]:
        return 0, 0, int(row[1])
    meta = await conn.fetchrow(f"SELECT application_id, version FROM {META}")
    if meta is None:
        return 0, 0, int(row[1])
    return int(meta[0]), int(meta[1]), int(row[1])


async def migrate(conn: asyncpg.Connection, target: str, *, create: bool) -> None:
    """Check the schema is ours and bring it up to date, under an advisory lock so N processes migrate once."""
    migrations = load_migrations("postgres")
    app_id, version, objects = await state(conn, target)
    _judge(target, app_id, version, objects, len(migrations))
    if app_id == APPLICATION_ID and version == len(migrations):
        return
    if app_id == 0 and not create:
        raise StoreError(f"There is no Briefbot database at {target} yet.", hints=("add",))
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))", APPLICATION_ID)
        # re-read under the lock: another process may have created or migrated it meanwhile
        app_id, version, objects = await state(conn, target)
        _judge(target, app_id, version, objects, len(migrations))
        if app_id == 0:
            await conn.execute(f"CREATE TABLE {META} (application_id INTEGER NOT NULL, version INTEGER NOT NULL)")
            await conn.execute(f"INSERT INTO {META} VALUES ($1, 0)", APPLICATION_ID)
        for number, sql in migrations:
            if number <= version:
                continue
            log.info("applying migration %04d to %s", number, target)
            for statement in _statements(sql):
                await conn.execute(statement)
            await conn.execute(f"UPDATE {META} SET version = $1", number)
