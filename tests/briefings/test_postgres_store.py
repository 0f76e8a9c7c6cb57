"""The PostgreSQL store: its migrations and refusals, claims across processes, search and close names.

Tests that take ``postgres_url`` run on a fresh schema of the test server and are skipped without one;
tests that take ``store_target`` run on both backends.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import asyncpg
import pytest

from briefings.errors import StoreError
from briefings.models import Article, KeyFacts
from briefings.store import APPLICATION_ID, Store, display_target, load_migrations
from briefings.store.pg_connect import to_postgres
from briefings.store.rows import DeliveryRow

NOW = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)
PROCESSES = 6
BACKENDS = ("sqlite", "postgres")
forking = pytest.mark.skipif(sys.platform != "linux", reason="uses fork to start the processes together")


async def _sql(url: str, *statements: str) -> list:
    """Run statements on the test schema directly (not through the store); return the last one's rows."""
    conn = await asyncpg.connect(url)
    try:
        rows: list = []
        for statement in statements:
            rows = await conn.fetch(statement)
        return rows
    finally:
        await conn.close()


def test_placeholders_become_numbered_and_leave_literals_and_casts_alone() -> None:
    assert to_postgres("SELECT ? , '?', x::jsonb ->> 'a:b' FROM t WHERE y = ?") == (
        "SELECT $1 , '?', x::jsonb ->> 'a:b' FROM t WHERE y = $2",
        (),
    )
    assert to_postgres("UPDATE t SET a = :a, b = :b WHERE a = :a AND c = 'it''s :x'") == (
        "UPDATE t SET a = $1, b = $2 WHERE a = $1 AND c = 'it''s :x'",
        ("a", "b"),
    )


def test_both_dialects_ship_the_same_numbered_migrations() -> None:
    folder = resources.files("briefings.migrations")
    names = {d: sorted(e.name for e in folder.joinpath(d).iterdir() if e.name.endswith(".sql")) for d in BACKENDS}
    assert names["sqlite"] == names["postgres"] and len(names["sqlite"]) == len(load_migrations())


def test_a_url_is_shown_without_its_password() -> None:
    assert display_target("postgresql://bot:s3cret@db.example:5432/news") == "postgresql://bot:***@db.example:5432/news"
    assert display_target("postgresql://bot@db/news") == "postgresql://bot@db/news"
    assert display_target("/data/briefbot.db") == "/data/briefbot.db"


async def test_an_unreachable_server_is_one_clear_line_without_the_password() -> None:
    with pytest.raises(StoreError, match="Cannot reach the PostgreSQL database") as err:
        await Store.open("postgresql://bot:s3cret@127.0.0.1:1/news")
    assert "s3cret" not in err.value.message


async def test_migrations_apply_once_and_mark_the_schema(postgres_url: str) -> None:
    store = await Store.open(postgres_url)
    assert store.dialect == "postgres"
    assert await store.schema_version() == len(load_migrations("postgres")) == len(load_migrations("sqlite"))
    await store.close()
    assert [tuple(r) for r in await _sql(postgres_url, "SELECT * FROM briefbot_schema")] == [
        (APPLICATION_ID, len(load_migrations("postgres")))
    ]
    again = await Store.open(postgres_url)  # reopening applies nothing twice
    assert await again.schema_version() == len(load_migrations("postgres"))
    await again.close()


async def test_a_schema_holding_other_data_is_refused_and_untouched(postgres_url: str) -> None:
    await _sql(postgres_url, "CREATE TABLE customers (id INTEGER)")
    with pytest.raises(StoreError, match="not a Briefbot database"):
        await Store.open(postgres_url)
    rows = await _sql(postgres_url, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    assert [r[0] for r in rows] == ["customers"]


async def test_a_newer_schema_is_refused(postgres_url: str) -> None:
    store = await Store.open(postgres_url)
    await store.close()
    await _sql(postgres_url, "UPDATE briefbot_schema SET version = 999")
    with pytest.raises(StoreError, match="newer Briefbot"):
        await Store.open(postgres_url)


async def test_an_empty_schema_is_not_created_when_asked_not_to(postgres_url: str) -> None:
    with pytest.raises(StoreError, match="There is no Briefbot database") as err:
        await Store.open(postgres_url, create=False)
    assert err.value.hints == ("add",)
    assert await _sql(postgres_url, "SELECT 1 FROM pg_tables WHERE schemaname = current_schema()") == []


def _in_child(url: str, work: str, start, results) -> None:  # type: ignore[no-untyped-def]
    """Open the store in a fresh process once every sibling is ready, do ``work``, report the outcome."""

    async def run() -> object:
        store = await Store.open(url)
        try:
            if work == "open":
                return await store.schema_version()
            if work == "claim-digest":
                got = await store.claim_delivery(
                    1, "2025-06-20T08:30", NOW, f"p{os.getpid()}", NOW, NOW + timedelta(minutes=5)
                )
                return got is not None
            if work == "claim-feeds":
                async with store.transaction():
                    feeds = await store.claim_feeds(f"p{os.getpid()}", NOW, NOW + timedelta(minutes=5), limit=4)
                return sorted(f.id for f in feeds)
            raise ValueError(work)
        finally:
            await store.close()

    start.wait()
    try:
        results.put(asyncio.run(run()))
    except BaseException as exc:  # reported to the parent, which fails the test
        results.put(f"{type(exc).__name__}: {exc}")


def _race(url: str, work: str) -> list:
    ctx = multiprocessing.get_context("fork")
    start = ctx.Barrier(PROCESSES)
    results: multiprocessing.Queue = ctx.Queue()
    children = [ctx.Process(target=_in_child, args=(url, work, start, results)) for _ in range(PROCESSES)]
    for child in children:
        child.start()
    out = [results.get(timeout=60) for _ in children]
    for child in children:
        child.join(60)
        assert child.exitcode == 0
    return out


@forking
def test_processes_opening_a_new_schema_together_migrate_it_once(postgres_url: str) -> None:
    assert _race(postgres_url, "open") == [len(load_migrations("postgres"))] * PROCESSES


async def _digest_and_feeds(url: str, feeds: int) -> None:
    from briefings.models import DigestSubscription

    store = await Store.open(url)
    try:
        async with store.transaction():
            sub = DigestSubscription(
                id=0, platform="slack", channel_id="C1", at="08:30", tz="UTC", created_by="U1", created_at=NOW
            )
            assert await store.insert_digest(sub) == 1
            for n in range(feeds):
                await store.insert_feed(
                    f"http://127.0.0.1/{n}.xml", name=None, story_id=None, every=timedelta(hours=1), added_by="U1",
                    at=NOW - timedelta(minutes=1),
                )  # fmt: skip
    finally:
        await store.close()


@forking
def test_a_digest_slot_is_claimed_by_one_process_only(postgres_url: str) -> None:
    asyncio.run(_digest_and_feeds(postgres_url, 0))
    assert sorted(_race(postgres_url, "claim-digest")) == [False] * (PROCESSES - 1) + [True]


@forking
def test_each_due_feed_is_leased_to_one_process_only(postgres_url: str) -> None:
    asyncio.run(_digest_and_feeds(postgres_url, 10))
    got = _race(postgres_url, "claim-feeds")
    assert all(isinstance(ids, list) for ids in got), got
    claimed = [i for ids in got for i in ids]
    assert sorted(claimed) == list(range(1, 11))  # every feed once, none twice


def _claim_then_die(url: str) -> None:
    async def run() -> None:
        store = await Store.open(url)
        assert await store.claim_delivery(1, "2025-06-20T08:30", NOW, "doomed", NOW, NOW + timedelta(minutes=5))
        os.kill(os.getpid(), signal.SIGKILL)  # no release, no close: as a replica killed mid-delivery

    asyncio.run(run())


async def _claim_after(url: str, now: datetime) -> DeliveryRow | None:
    store = await Store.open(url)
    try:
        return await store.claim_delivery(1, "2025-06-20T08:30", NOW, "heir", now, now + timedelta(minutes=5))
    finally:
        await store.close()


@forking
def test_a_lease_outlives_a_killed_process_and_expires(postgres_url: str) -> None:
    asyncio.run(_digest_and_feeds(postgres_url, 0))
    child = multiprocessing.get_context("fork").Process(target=_claim_then_die, args=(postgres_url,))
    child.start()
    child.join(60)
    assert child.exitcode == -signal.SIGKILL
    assert asyncio.run(_claim_after(postgres_url, NOW + timedelta(minutes=1))) is None  # the dead owner's lease holds
    taken = asyncio.run(_claim_after(postgres_url, NOW + timedelta(minutes=5, seconds=1)))
    assert taken is not None and taken.owner == "heir" and taken.attempts == 2


async def test_search_and_close_names_have_the_same_shape_on_both(store_target: str) -> None:
    store = await Store.open(store_target)
    try:
        async with store.transaction():
            sid = await store.insert_story("japan-trade-talks", "Japan trade talks", NOW)
            text = "Negotiators from Japan and the United States discussed tariffs on cars and rice. " * 3
            article = Article(id=0, story_id=sid, title="Tariff talks resume", text=text, added_at=NOW)
            await store.insert_article(sid, article, None, "h1", KeyFacts())
            other = await store.insert_story("papua-quake", "Papua earthquake", NOW)
            quake = Article(
                id=0, story_id=other, title="Quake", text="A strong earthquake shook Papua. " * 3, added_at=NOW
            )
            await store.insert_article(other, quake, None, "h2", KeyFacts())
        hits = await store.search("tariffs cars", 5)
        assert [h.slug for h in hits] == ["japan-trade-talks"]
        assert hits[0].title == "Japan trade talks" and hits[0].score >= 0 and "tariffs" in hits[0].snippet
        assert hits[0].updated_at == NOW
        either = await store.search("tariffs earthquake", 5)  # no story has both words: any word, each once
        assert sorted(h.slug for h in either) == ["japan-trade-talks", "papua-quake"]
        assert await store.search("tariffs earthquake", 5, fallback=False) == []
        # every word counts, stop words too, and words match by their stems (negotiator: Negotiators)
        both = await store.search("the united states negotiator", 5, fallback=False)
        assert [h.slug for h in both] == ["japan-trade-talks"]
        assert await store.search("the united states or", 5, fallback=False) == []  # "or" is a word here
        assert await store.search("  ---  ", 5) == []
        assert (await store.close_names("japan-trade-talk"))[0] == "japan-trade-talks"
        assert [s.slug for s in await store.complete("quak", 5)] == ["papua-quake"]
    finally:
        await store.close()


async def test_connections_in_use_are_counted_on_both(store_target: str) -> None:
    store = await Store.open(store_target)
    try:
        in_use, total = store.pool_in_use()
        assert in_use == 0 and total >= 1
        async with store.transaction():
            assert store.pool_in_use()[0] == 1
        assert store.pool_in_use()[0] == 0
    finally:
        await store.close()


@pytest.mark.parametrize("scan", [5000, 0], ids=["every-name", "indexed-candidates"])
async def test_close_names_finds_a_typo_by_scan_or_by_index_on_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scan: int
) -> None:
    monkeypatch.setattr("briefings.store.sqlite.SCAN_NAMES", scan)  # 0: as with more names than a scan takes
    store = await Store.open(str(tmp_path / "names.db"))
    try:
        async with store.transaction():
            for slug in ("japan-trade-talks", "japan-us-security-talks", "papua-quake", "harbour-bridge"):
                sid = await store.insert_story(slug, slug.replace("-", " ").title(), NOW)
            await store._exec("INSERT INTO aliases (alias, story_id) VALUES (?, ?)", ("2-plus-2-talks", sid))
            await store._refresh_story_fts(sid)
        assert (await store.close_names("jpan-trade-talks"))[0] == "japan-trade-talks"  # a word in common
        assert (await store.close_names("harbuor-brdge"))[0] == "harbour-bridge"  # the first letters in common
        assert "2-plus-2-talks" in await store.close_names("2-plus-2-tlks")  # aliases too
        assert await store.close_names("zzz") == []
    finally:
        await store.close()
