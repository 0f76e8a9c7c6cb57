"""Shared fixtures: a manual clock, a service on a temporary database, the seed story, bulk stories.

Databases: ``store_target`` runs a test on SQLite and on PostgreSQL (the server at BRIEFBOT_TEST_POSTGRES_URL,
default postgresql://postgres@127.0.0.1:5432/test; each test in a fresh schema, dropped at its end; skipped,
saying why, when no server answers). BRIEFBOT_TEST_BACKEND=postgres puts the ``service`` fixture on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest

from briefings.clock import ManualClock
from briefings.service import BriefingService, open_service
from briefings.testing import ADMIN, SEED_SLUG, bulk_stories, seed_text

SHARED_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
POSTGRES_URL = os.environ.get("BRIEFBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgres")


@cache
def postgres_status() -> tuple[str | None, str]:
    """Return (the schema holding pg_trgm, "") when the test server answers, else (None, why not)."""
    try:
        import asyncpg
    except ImportError:
        return None, "asyncpg is not installed"

    from bench.backends_pg import trigram_schema

    async def probe() -> str:
        conn = await asyncpg.connect(POSTGRES_URL, timeout=3)
        try:
            return await trigram_schema(conn)
        finally:
            await conn.close()

    try:  # in a thread of its own: the first caller may be inside a running event loop
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, probe()).result(), ""
    except Exception as exc:  # any failure means: no usable server here
        return None, f"no PostgreSQL answers at {POSTGRES_URL} ({type(exc).__name__}: {exc})"


def pytest_report_header(config: pytest.Config) -> str:
    """Say up front whether the PostgreSQL half of the store tests runs."""
    ext_schema, why = postgres_status()
    if ext_schema is None:
        return f"PostgreSQL store tests: SKIPPED: {why}"
    backend = os.environ.get("BRIEFBOT_TEST_BACKEND", "sqlite")
    return f"PostgreSQL store tests: run against {POSTGRES_URL}; default test store: {backend}"


@asynccontextmanager
async def postgres_schema() -> AsyncIterator[str]:
    """A fresh schema on the test server; yield a store URL whose search_path is it; drop it afterwards."""
    ext_schema, why = postgres_status()
    if ext_schema is None:
        pytest.skip(f"PostgreSQL half skipped: {why}")
    from bench.backends_pg import fresh_schema

    async with fresh_schema(POSTGRES_URL, prefix="t") as url:
        yield url


@pytest.fixture(params=BACKENDS)
async def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Where to open a store: a new SQLite file, then a fresh PostgreSQL schema (each test runs on both)."""
    if request.param == "sqlite":
        yield str(tmp_path / "store.db")
        return
    async with postgres_schema() as url:
        yield url


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A store URL on a fresh PostgreSQL schema (the test is skipped, saying why, without a server)."""
    async with postgres_schema() as url:
        yield url


async def _default_target(tmp_path: Path) -> AsyncIterator[str]:
    if os.environ.get("BRIEFBOT_TEST_BACKEND", "sqlite") == "postgres":
        async with postgres_schema() as url:
            yield url
    else:
        yield str(tmp_path / "test.db")


@pytest.fixture
def clock() -> ManualClock:
    """A clock that only moves when a test moves it."""
    return ManualClock(datetime(2025, 6, 20, 9, 0, tzinfo=UTC))


@pytest.fixture
async def service(tmp_path: Path, clock: ManualClock) -> AsyncIterator[BriefingService]:
    """An open service on an empty temporary database (PostgreSQL with BRIEFBOT_TEST_BACKEND=postgres)."""
    async for target in _default_target(tmp_path):
        async with open_service(target, clock=clock, fetch_allow_hosts=["127.0.0.1"]) as svc:
            yield svc


@pytest.fixture
async def seeded_service(service: BriefingService) -> BriefingService:
    """The service with the bundled sample story added as ``japan-us-talks``."""
    await service.add_text(seed_text(), actor=ADMIN, story=SEED_SLUG)
    return service


@pytest.fixture(name="make_stories")
def make_stories_fixture():
    """The ``bulk_stories(service, n)`` helper, as a fixture."""
    return bulk_stories


@pytest.fixture
def shared_eval() -> Path:
    """The shared evaluation data folder, or skip when it is absent."""
    if not SHARED_EVAL.is_dir():
        pytest.skip("../shared/eval is not present")
    return SHARED_EVAL
