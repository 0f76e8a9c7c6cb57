"""Copying a whole database between stores (SQLite and PostgreSQL, either way), verified, safe to re-run."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from briefings.errors import StoreError
from briefings.store.api import Store
from briefings.store.base import display_target

log = logging.getLogger(__name__)

BATCH = 500


@dataclass(frozen=True)
class Table:
    """A table to copy: its key columns and every column, in the order rows are read and written."""

    name: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    search: bool = False  # a search index (FTS5 on SQLite): replaced row by row, never upserted


def _table(name: str, key: str, columns: str, *, search: bool = False) -> Table:
    return Table(name, tuple(key.split()), tuple(columns.split()), search)


# parents before children, so every foreign key finds its row
TABLES = (
    _table("stories", "id", "id slug title created_at updated_at brief last_seen profile"),
    _table("aliases", "alias", "alias story_id"),
    _table(
        "articles",
        "id",
        "id story_id title text url canonical_url outlet published added_at content_hash facts manual fingerprint"
        " duplicate_of signature backfill",
    ),
    _table("admin_log", "id", "id at actor action target detail"),
    _table("story_fts", "rowid", "rowid slug title aliases summary", search=True),
    _table("article_fts", "rowid", "rowid title text", search=True),
    _table(
        "digests",
        "id",
        "id platform channel_id at tz weekdays_only topics post_when_empty enabled disabled_reason created_by"
        " created_at",
    ),
    _table(
        "digest_deliveries",
        "id",
        "id digest_id slot due_at status owner lease_until next_attempt attempts since composed_at parts_sent"
        " message_ids error updated_at",
    ),
    _table("article_bands", "band article_id", "band article_id"),
    _table("brief_versions", "story_id version", "story_id version at brief"),
    _table("story_terms", "term story_id", "term story_id seen"),
    _table(
        "feeds",
        "id",
        "id url name story_id every_seconds paused pause_reason added_by added_at platform channel_id etag"
        " last_modified next_poll lease_owner lease_until polls items last_success last_error failing_since failures",
    ),
    _table("feed_items", "feed_id guid", "feed_id guid link text_hash article_id seen_at"),
)


@dataclass
class CopyReport:
    """What a copy did: rows per table (as in both databases after it) and the briefs whose checksums match."""

    counts: dict[str, int] = field(default_factory=dict)
    briefs: int = 0
    versions: int = 0


async def copy_database(source: str | Path, target: str | Path) -> CopyReport:
    """Copy every row of ``source`` into ``target`` (created if need be), then verify; raise StoreError on a problem.

    Re-running copies again over the rows already there (each row upserted by its key). A target that holds
    stories the source does not (another database) is refused before anything is written.
    """
    if display_target(source) == display_target(target):
        raise StoreError("The source and the target are the same database.")
    src = await Store.open(source, create=False)
    try:
        dst = await Store.open(target)
        try:
            await _refuse_foreign(src, dst)
            for table in TABLES:
                await _copy_table(src, dst, table)
            await dst._after_copy([t.name for t in TABLES if t.key == ("id",)])
            return await verify(src, dst)
        finally:
            await dst.close()
    finally:
        await src.close()


async def _refuse_foreign(src: Store, dst: Store) -> None:
    """Refuse a target holding stories under ids or slugs the source does not give them."""
    theirs = {tuple(r) for r in await dst._all("SELECT id, slug FROM stories")}
    if not theirs:
        return
    ours = {tuple(r) for r in await src._all("SELECT id, slug FROM stories")}
    if theirs - ours:
        raise StoreError(
            f"{dst.path} already holds other stories ({len(theirs - ours)} not in {src.path}); "
            "copy into an empty database."
        )


async def _copy_table(src: Store, dst: Store, table: Table) -> None:
    cols = ", ".join(table.columns)
    order = ", ".join(table.key)
    marks = ", ".join("?" for _ in table.columns)
    if table.search:
        write = [f"DELETE FROM {table.name} WHERE rowid = ?", f"INSERT INTO {table.name} ({cols}) VALUES ({marks})"]
    else:
        rest = [c for c in table.columns if c not in table.key]
        update = f"DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in rest)}" if rest else "DO NOTHING"
        write = [f"INSERT INTO {table.name} ({cols}) VALUES ({marks}) ON CONFLICT ({order}) {update}"]
    offset = 0
    while True:
        rows = await src._all(f"SELECT {cols} FROM {table.name} ORDER BY {order} LIMIT ? OFFSET ?", (BATCH, offset))
        if not rows:
            break
        async with dst.transaction():
            if table.search:
                await dst._exec_many(write[0], [(r[0],) for r in rows])
                await dst._exec_many(write[1], rows)
            else:
                await dst._exec_many(write[0], rows)
        offset += len(rows)
    log.info("copied %d rows of %s", offset, table.name)


async def _digests(store: Store, sql: str) -> dict[tuple, str]:
    """Checksum each row of ``sql`` (key columns first, the brief JSON last) by its key."""
    return {
        tuple(r[:-1]): hashlib.sha256("\x1f".join(str(v) for v in r).encode()).hexdigest()
        for r in await store._all(sql)
    }


async def verify(src: Store, dst: Store) -> CopyReport:
    """Compare row counts of every table and a checksum of every brief (and brief version); raise on a difference."""
    report = CopyReport()
    for table in TABLES:
        mine = (await src._one(f"SELECT count(*) FROM {table.name}") or (0,))[0]
        theirs = (await dst._one(f"SELECT count(*) FROM {table.name}") or (0,))[0]
        if mine != theirs:
            raise StoreError(f"{table.name}: {mine} rows in {src.path} but {theirs} in {dst.path} after copying.")
        report.counts[table.name] = int(mine)
    for sql, attr in (
        ("SELECT id, slug, brief FROM stories", "briefs"),
        ("SELECT story_id, version, brief FROM brief_versions", "versions"),
    ):
        mine_sums, their_sums = await _digests(src, sql), await _digests(dst, sql)
        differ = sorted(k for k in mine_sums if their_sums.get(k) != mine_sums[k])
        if differ:
            raise StoreError(f"{len(differ)} briefs differ after copying (first: {differ[0]}).")
        setattr(report, attr, len(mine_sums))
    return report
