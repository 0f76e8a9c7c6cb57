"""Benchmark helpers for the PostgreSQL half: the server to use, a fresh schema per run, the machine's load.

The server is ``BRIEFBOT_BENCH_POSTGRES_URL`` (default: the test server, ``postgresql://postgres@127.0.0.1:5432/test``).
Each run works in a schema of its own (``bench_<random>``), named through the store URL's ``search_path`` as the
tests do, and drops it at the end, so runs never see each other's rows nor the tests'.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit, urlunsplit

import asyncpg

SERVER_URL = os.environ.get(
    "BRIEFBOT_BENCH_POSTGRES_URL",
    os.environ.get("BRIEFBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"),
)


class NoServer(RuntimeError):
    """No PostgreSQL server answers (the benchmark says so and stops)."""


async def _connect(url: str) -> asyncpg.Connection:
    try:
        return await asyncpg.connect(url, timeout=5)
    except Exception as exc:  # any failure means: no usable server here
        raise NoServer(f"no PostgreSQL answers at {url} ({type(exc).__name__}: {exc})") from exc


async def trigram_schema(conn: asyncpg.Connection) -> str:
    """Return the schema holding pg_trgm (close names), creating it in public if the database lacks it.

    The extension lives once per database and every throwaway schema reaches it through its search_path."""
    found = await conn.fetchval(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
    )
    if found is None:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
        found = "public"
    return str(found)


@asynccontextmanager
async def fresh_schema(server: str = SERVER_URL, prefix: str = "bench") -> AsyncIterator[str]:
    """Create an empty schema on ``server``; yield a store URL whose search_path is it; drop it afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    conn = await _connect(server)
    try:
        ext = await trigram_schema(conn)
        await conn.execute(f"CREATE SCHEMA {schema}")
    finally:
        await conn.close()
    parts = urlsplit(server)
    query = "&".join(q for q in (parts.query, f"search_path={schema},{ext}") if q)
    try:
        yield urlunsplit(parts._replace(query=query))
    finally:
        conn = await _connect(server)
        try:
            await conn.execute(f"DROP SCHEMA {schema} CASCADE")
        finally:
            await conn.close()


async def analyze(url: str) -> None:
    """Refresh the planner's statistics of the schema in ``url`` (as autovacuum would after a bulk load)."""
    conn = await _connect(url)
    try:
        tables = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        for row in tables:
            await conn.execute(f'ANALYZE "{row[0]}"')
    finally:
        await conn.close()


def load() -> str:
    """The machine's load averages (1, 5, 15 min) and core count, for the table's footer."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"
