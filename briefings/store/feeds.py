"""Feed subscriptions, their leases and polling state, and the items each feed has brought."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from briefings.feeds.models import Feed
from briefings.store.digests import DigestStore
from briefings.store.rows import _dt, _utc

_COLS = (
    "f.id, f.url, f.name, s.slug, f.every_seconds, f.paused, f.pause_reason, f.added_by, f.added_at, f.platform,"
    " f.channel_id, f.etag, f.last_modified, f.next_poll, f.polls, f.items, f.last_success, f.last_error,"
    " f.failing_since, f.failures"
)
_FROM = "feeds f LEFT JOIN stories s ON s.id = f.story_id"
_STATE = frozenset(
    {
        "etag",
        "last_modified",
        "next_poll",
        "polls",
        "items",
        "last_success",
        "last_error",
        "failing_since",
        "failures",
        "paused",
        "pause_reason",
    }
)


@dataclass(frozen=True)
class SeenItem:
    """An item a feed brought before: its GUID, canonical link, text hash and article (if still stored)."""

    guid: str
    link: str | None
    text_hash: str
    article_id: int | None


class FeedStore(DigestStore):
    """Feeds: subscriptions, claims with leases (one poller per feed at a time), and seen items."""

    @staticmethod
    def _feed(r: tuple) -> Feed:
        return Feed(
            id=r[0],
            url=r[1],
            name=r[2],
            story=r[3],
            every=timedelta(seconds=r[4]),
            paused=bool(r[5]),
            pause_reason=r[6],
            added_by=r[7],
            added_at=datetime.fromisoformat(r[8]),
            platform=r[9],
            channel_id=r[10],
            etag=r[11],
            last_modified=r[12],
            next_poll=datetime.fromisoformat(r[13]),
            polls=r[14],
            items=r[15],
            last_success=_dt(r[16]),
            last_error=r[17],
            failing_since=_dt(r[18]),
            failures=r[19],
        )

    async def insert_feed(
        self,
        url: str,
        *,
        name: str | None,
        story_id: int | None,
        every: timedelta,
        added_by: str,
        at: datetime,
        platform: str | None = None,
        channel_id: str | None = None,
    ) -> int:
        """Subscribe to ``url`` (due at once); return the feed's id."""
        return await self._insert(
            "INSERT INTO feeds (url, name, story_id, every_seconds, added_by, added_at, platform, channel_id,"
            " next_poll) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (url, name, story_id, int(every.total_seconds()), added_by, _utc(at), platform, channel_id, _utc(at)),
        )

    async def feed(self, feed_id: int) -> Feed | None:
        """Return one feed."""
        row = await self._one(f"SELECT {_COLS} FROM {_FROM} WHERE f.id = ?", (feed_id,))
        return self._feed(row) if row else None

    async def feed_by_url(self, url: str) -> Feed | None:
        """Return the feed subscribed at ``url``, if any."""
        row = await self._one(f"SELECT {_COLS} FROM {_FROM} WHERE f.url = ?", (url,))
        return self._feed(row) if row else None

    async def feeds(self) -> list[Feed]:
        """Return every feed, oldest subscription first."""
        return [self._feed(r) for r in await self._all(f"SELECT {_COLS} FROM {_FROM} ORDER BY f.id")]

    async def delete_feed(self, feed_id: int) -> None:
        """Unsubscribe (the articles it brought stay)."""
        await self._exec("DELETE FROM feeds WHERE id = ?", (feed_id,))

    async def claim_feeds(
        self, owner: str, now: datetime, lease_until: datetime, limit: int, feed_ids: Sequence[int] = ()
    ) -> list[Feed]:
        """Lease up to ``limit`` feeds to ``owner``: the due ones (or ``feed_ids``, due or not), unpaused and not
        leased by another live poller. Several processes may call this at once: each feed goes to one."""
        now_s = _utc(now)
        if feed_ids:
            marks = ", ".join("?" for _ in feed_ids)
            pick = f"SELECT id FROM feeds WHERE id IN ({marks})"
            params: list[object] = list(feed_ids)
        else:
            pick = "SELECT id FROM feeds WHERE next_poll <= ?"
            params = [now_s]
        free = "(lease_until IS NULL OR lease_until < ?)"
        pick += f" AND paused = 0 AND {free} ORDER BY next_poll, id LIMIT ?{self._SKIP_LOCKED}"
        # the lease is checked again on the row being updated: a claim that raced this one and won is seen
        picked = await self._write_rows(
            f"UPDATE feeds SET lease_owner = ?, lease_until = ? WHERE id IN ({pick}) AND {free} RETURNING id",
            (owner, _utc(lease_until), *params, now_s, limit, now_s),
        )
        ids = [r[0] for r in picked]
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        rows = await self._all(f"SELECT {_COLS} FROM {_FROM} WHERE f.id IN ({marks}) ORDER BY f.next_poll", ids)
        return [self._feed(r) for r in rows]

    async def finish_poll(self, feed_id: int, owner: str, **state: object) -> bool:
        """Record a poll's outcome and release the lease; False when ``owner`` no longer held it."""
        unknown = set(state) - _STATE
        if unknown:
            raise ValueError(f"unknown feed fields: {sorted(unknown)}")
        values = {k: (_utc(v) if isinstance(v, datetime) else v) for k, v in state.items()}
        sets = ", ".join(f"{k} = :{k}" for k in values)
        changed = await self._exec(
            f"UPDATE feeds SET {sets}{', ' if sets else ''}lease_owner = NULL, lease_until = NULL"
            " WHERE id = :feed AND lease_owner = :owner",
            {**values, "feed": feed_id, "owner": owner},
        )
        return changed == 1

    async def release_feed(self, feed_id: int, owner: str) -> bool:
        """Give up ``owner``'s lease on a feed without recording a poll (it stays due); False if not held."""
        changed = await self._exec(
            "UPDATE feeds SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?",
            (feed_id, owner),
        )
        return changed == 1

    async def set_feed_paused(self, feed_id: int, paused: bool, reason: str | None, now: datetime) -> None:
        """Pause or resume a feed; resuming clears its errors and makes it due at once."""
        if paused:
            await self._exec("UPDATE feeds SET paused = 1, pause_reason = ? WHERE id = ?", (reason, feed_id))
        else:
            await self._exec(
                "UPDATE feeds SET paused = 0, pause_reason = NULL, failures = 0, failing_since = NULL,"
                " last_error = NULL, next_poll = ? WHERE id = ?",
                (_utc(now), feed_id),
            )

    async def seen_item(self, feed_id: int, guid: str, link: str | None) -> SeenItem | None:
        """Return the item this feed brought before with this GUID, else with this canonical link."""
        row = await self._one(
            "SELECT guid, link, text_hash, article_id FROM feed_items WHERE feed_id = ? AND guid = ?",
            (feed_id, guid),
        )
        if row is None and link:
            row = await self._one(
                "SELECT guid, link, text_hash, article_id FROM feed_items WHERE feed_id = ? AND link = ?"
                " ORDER BY seen_at DESC LIMIT 1",
                (feed_id, link),
            )
        return SeenItem(*row) if row else None

    async def record_item(
        self, feed_id: int, guid: str, link: str | None, text_hash: str, article_id: int | None, at: datetime
    ) -> None:
        """Remember an item of a feed (insert, or update the one with this GUID)."""
        await self._exec(
            "INSERT INTO feed_items (feed_id, guid, link, text_hash, article_id, seen_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (feed_id, guid) DO UPDATE SET link = excluded.link, text_hash = excluded.text_hash,"
            " article_id = coalesce(excluded.article_id, feed_items.article_id)",
            (feed_id, guid, link, text_hash, article_id, _utc(at)),
        )
