"""Store access: concurrent first opens, readers that never see uncommitted writes, read-only and missing files."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefings.errors import ReadOnlyStore, StoreError
from briefings.store import Store, load_migrations
from briefings.store import connect as store_module

NOW = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)
PROCESSES = 8
TRIALS = 20


def _open_in_child(path: str, start: multiprocessing.synchronize.Barrier, errors: multiprocessing.Queue) -> None:
    """Open (and so create and migrate) the store the moment every sibling is ready; report any error."""

    async def run() -> None:
        store = await Store.open(path)
        try:
            assert await store.schema_version() == len(load_migrations())
        finally:
            await store.close()

    start.wait()
    try:
        asyncio.run(run())
    except BaseException as exc:  # reported to the parent, which fails the test
        errors.put(f"{type(exc).__name__}: {exc}")


@pytest.mark.skipif(sys.platform != "linux", reason="uses fork to start the processes together")
def test_eight_processes_opening_a_new_file_never_fail(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    failures: list[str] = []
    for trial in range(TRIALS):
        path = str(tmp_path / f"race-{trial}.db")
        start = ctx.Barrier(PROCESSES)
        errors: multiprocessing.Queue = ctx.Queue()
        children = [ctx.Process(target=_open_in_child, args=(path, start, errors)) for _ in range(PROCESSES)]
        for child in children:
            child.start()
        for child in children:
            child.join(60)
            assert child.exitcode == 0
        while not errors.empty():
            failures.append(errors.get())
    assert failures == []


async def test_readers_never_see_a_write_that_is_rolled_back(store_target: str) -> None:
    store = await Store.open(store_target)
    inside = asyncio.Event()
    release = asyncio.Event()
    seen: list[object] = []

    async def writer() -> None:
        with pytest.raises(RuntimeError):
            async with store.transaction():
                await store.insert_story("uncommitted", "Never committed", NOW)
                assert await store.story_by_ref("uncommitted") is not None  # the writer sees its own write
                inside.set()
                await release.wait()
                raise RuntimeError("crash before commit")

    async def reader() -> None:
        await inside.wait()
        seen.append(await store.story_by_ref("uncommitted"))
        seen.append(await store.story_count())
        seen.append([s.slug for s in await store.list_stories(10)])
        seen.append(await store.search("committed", 5))
        release.set()

    await asyncio.gather(writer(), reader())
    assert seen == [None, 0, [], []]
    assert await store.story_by_ref("uncommitted") is None
    await store.close()


async def test_reads_continue_while_a_write_holds_the_lock(store_target: str) -> None:
    store = await Store.open(store_target)
    async with store.transaction():
        await store.insert_story("first", "First", NOW)
    async with store.transaction():
        await store.insert_story("second", "Second", NOW)
        # another coroutine reads the committed state while this transaction is open
        other = await asyncio.create_task(_slugs(store))
    assert other == ["first"]
    assert sorted(await _slugs(store)) == ["first", "second"]
    await store.close()


async def _slugs(store: Store) -> list[str]:
    return [s.slug for s in await store.list_stories(10)]


async def test_writes_outside_a_transaction_are_refused(store_target: str) -> None:
    store = await Store.open(store_target)
    with pytest.raises(RuntimeError, match="inside Store.transaction"):
        await store.insert_story("loose", "Loose", NOW)
    await store.close()


async def test_missing_file_is_not_created_when_asked_not_to(tmp_path: Path) -> None:
    path = tmp_path / "typo.db"
    with pytest.raises(StoreError, match="There is no Briefbot database") as err:
        await Store.open(path, create=False)
    assert err.value.hints == ("add",)
    assert not path.exists()


async def test_folder_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        await Store.open(tmp_path)


async def _make_db(path: Path) -> None:
    store = await Store.open(path)
    async with store.transaction():
        await store.insert_story("kept", "Kept story", NOW)
    await store.close()


async def test_unwritable_file_opens_read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ro.db"
    await _make_db(path)
    before = path.read_bytes()
    real_access = os.access
    monkeypatch.setattr(store_module.os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    store = await Store.open(path)
    assert store.read_only
    assert (await store.story_by_ref("kept")) is not None
    with pytest.raises(ReadOnlyStore, match="is read-only; Briefbot can read it but not change it"):
        async with store.transaction():
            pass
    await store.close()
    assert path.read_bytes() == before


async def test_read_only_folder_without_wal_files_opens_immutable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mount" / "ro.db"
    path.parent.mkdir()
    await _make_db(path)
    assert not Path(f"{path}-wal").exists()  # noqa: ASYNC240 - closed cleanly: as it would sit on a read-only mount
    real_access = os.access
    monkeypatch.setattr(store_module.os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    assert "immutable=1" in store_module._read_only_uri(path)
    store = await Store.open(path)
    assert [s.slug for s in await store.list_stories(5)] == ["kept"]
    await store.close()
    assert sorted(p.name for p in path.parent.iterdir()) == ["ro.db"]


async def test_read_only_foreign_file_is_still_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.commit()
    conn.close()
    real_access = os.access
    monkeypatch.setattr(store_module.os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    with pytest.raises(StoreError, match="not a Briefbot database"):
        await Store.open(path)


def _can_switch_user() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.mark.skipif(not _can_switch_user(), reason="needs root to run a child as an unprivileged user")
def test_a_user_without_write_permission_gets_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    asyncio.run(_make_db(path))
    os.chmod(tmp_path, 0o755)
    os.chmod(path, 0o644)
    code = (
        "import asyncio, sys\n"
        "from briefings.store import Store\n"
        "from briefings.errors import ReadOnlyStore\n"
        "async def main():\n"
        f"    s = await Store.open({str(path)!r})\n"
        "    print((await s.story_by_ref('kept')).slug)\n"
        "    try:\n"
        "        async with s.transaction():\n"
        "            pass\n"
        "    except ReadOnlyStore as e:\n"
        "        print(e.message)\n"
        "    await s.close()\n"
        "asyncio.run(main())\n"
    )
    root = Path(__file__).resolve().parents[2]
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            user=65534,
            group=65534,
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(root)},
            timeout=60,
            check=False,
        )
    except PermissionError:
        pytest.skip("cannot switch to an unprivileged user here")
    if "Permission denied" in done.stderr and "python" in done.stderr.lower():
        pytest.skip("the interpreter is not readable by an unprivileged user here")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["kept", f"{path} is read-only; Briefbot can read it but not change it."]
