"""Store locks (``Store.hold``): one holder among all processes on a database, given up when the holder dies."""

from __future__ import annotations

import asyncio
import sys
import uuid
from pathlib import Path

import pytest

from briefings.store import Store
from tests.conftest import POSTGRES_URL, postgres_schema

ROOT = Path(__file__).resolve().parents[2]


def unique_name() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


async def test_a_second_holder_gets_none_until_the_first_lets_go(store_target: str) -> None:
    name = unique_name()
    first, second = await Store.open(store_target), await Store.open(store_target)
    try:
        async with first.hold(name) as held:
            assert held is not None and held.name == name and not held.lost.is_set()
            async with second.hold(name) as refused:
                assert refused is None
            async with first.hold(name) as again:  # not re-entrant: a second hold in one process is refused too
                assert again is None
            async with second.hold(unique_name()) as other:  # another name is another lock
                assert other is not None
        async with second.hold(name) as taken:
            assert taken is not None
            async with first.hold(name) as refused:
                assert refused is None
    finally:
        await first.close()
        await second.close()


async def test_a_lock_name_must_be_plain(store_target: str) -> None:
    store = await Store.open(store_target)
    try:
        with pytest.raises(ValueError, match="lock name"):
            async with store.hold("../etc/passwd"):
                pass
    finally:
        await store.close()


async def test_an_in_memory_database_always_grants() -> None:
    store = await Store.open(":memory:")
    try:
        async with store.hold("discord-shard-0") as one, store.hold("discord-shard-0") as two:
            assert one is not None and two is not None
    finally:
        await store.close()


async def test_the_sqlite_lock_is_a_file_beside_the_database_freed_when_its_process_is_killed(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    await (await Store.open(db)).close()
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c",
        "import asyncio, sys\n"
        "from briefings.store.locks import hold_file\n"
        "async def main():\n"
        f"    async with hold_file({str(db)!r}, 'discord-shard-0') as held:\n"
        "        print('held' if held else 'refused', flush=True)\n"
        "        sys.stdin.readline()\n"
        "asyncio.run(main())\n",
        cwd=ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert holder.stdout is not None
    store = await Store.open(db)
    try:
        assert await asyncio.wait_for(holder.stdout.readline(), 30) == b"held\n"
        assert (tmp_path / "bot.db.discord-shard-0.lock").is_file()
        async with store.hold("discord-shard-0") as refused:
            assert refused is None
        holder.kill()
        await holder.wait()
        async with store.hold("discord-shard-0") as taken:
            assert taken is not None
    finally:
        if holder.returncode is None:
            holder.kill()
            await holder.wait()
        await store.close()


async def test_postgres_locks_are_per_schema() -> None:
    name = unique_name()
    async with postgres_schema() as url_a, postgres_schema() as url_b:
        a, b = await Store.open(url_a), await Store.open(url_b)
        try:
            async with a.hold(name) as in_a, b.hold(name) as in_b:
                assert in_a is not None and in_b is not None
        finally:
            await a.close()
            await b.close()


async def test_a_postgres_holder_whose_session_is_killed_loses_the_lock_and_another_takes_it(
    postgres_url: str,
) -> None:
    import asyncpg

    name = unique_name()
    first, second = await Store.open(postgres_url), await Store.open(postgres_url)
    admin = await asyncpg.connect(POSTGRES_URL)
    try:
        async with first.hold(name) as held:
            assert held is not None
            async with second.hold(name) as refused:
                assert refused is None
            # the holder's session is on a connection of its own, named for operators
            killed = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1",
                f"briefbot {name}",
            )
            assert killed == 1
            await asyncio.wait_for(held.lost.wait(), 10)
            async with second.hold(name) as taken:  # before the first block even ends
                assert taken is not None
    finally:
        await admin.close()
        await first.close()
        await second.close()
