"""Digest subscriptions and their deliveries (claims, leases, retries)."""

from __future__ import annotations

import json
from datetime import datetime

from briefings.models import DigestSubscription, Source, StorySummary
from briefings.store.rows import DeliveryRow, _at, _dt, _ts
from briefings.store.stories import StoryStore


class DigestStore(StoryStore):
    """Digests and deliveries on top of the stories."""

    # ----- digests ----------------------------------------------------------------------------------

    _DIGEST_COLS = (
        "id, platform, channel_id, at, tz, weekdays_only, topics, post_when_empty, enabled,"
        " disabled_reason, created_by, created_at"
    )

    @staticmethod
    def _digest(r: tuple) -> DigestSubscription:
        return DigestSubscription(
            id=r[0],
            platform=r[1],
            channel_id=r[2],
            at=r[3],
            tz=r[4],
            weekdays_only=bool(r[5]),
            topics=json.loads(r[6]),
            post_when_empty=bool(r[7]),
            enabled=bool(r[8]),
            disabled_reason=r[9],
            created_by=r[10],
            created_at=_at(r[11]),
        )

    async def insert_digest(self, sub: DigestSubscription) -> int | None:
        """Insert a digest subscription; return its id, or None if the same one exists."""
        rows = await self._write_rows(
            "INSERT INTO digests (platform, channel_id, at, tz, weekdays_only, topics, post_when_empty,"
            " enabled, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"
            " ON CONFLICT (platform, channel_id, at, tz) DO NOTHING RETURNING id",
            (
                sub.platform,
                sub.channel_id,
                sub.at,
                sub.tz,
                int(sub.weekdays_only),
                json.dumps(sub.topics),
                int(sub.post_when_empty),
                sub.created_by,
                sub.created_at.isoformat(),
            ),
        )
        return int(rows[0][0]) if rows else None

    async def update_digest(self, sub: DigestSubscription) -> None:
        """Overwrite a digest's options and re-enable it."""
        await self._exec(
            "UPDATE digests SET weekdays_only = ?, topics = ?, post_when_empty = ?, enabled = 1,"
            " disabled_reason = NULL, created_by = ? WHERE id = ?",
            (int(sub.weekdays_only), json.dumps(sub.topics), int(sub.post_when_empty), sub.created_by, sub.id),
        )

    async def find_digest(self, platform: str, channel_id: str, at: str, tz: str) -> DigestSubscription | None:
        """Find a channel's digest by its time and zone."""
        row = await self._one(
            f"SELECT {self._DIGEST_COLS} FROM digests WHERE platform = ? AND channel_id = ? AND at = ? AND tz = ?",
            (platform, channel_id, at, tz),
        )
        return self._digest(row) if row else None

    async def digest(self, digest_id: int) -> DigestSubscription | None:
        """Return one digest subscription."""
        row = await self._one(f"SELECT {self._DIGEST_COLS} FROM digests WHERE id = ?", (digest_id,))
        return self._digest(row) if row else None

    async def digests(
        self, platform: str | None = None, channel_id: str | None = None, enabled_only: bool = False
    ) -> list[DigestSubscription]:
        """Return digest subscriptions, optionally of one platform or channel."""
        rows = await self._all(
            f"SELECT {self._DIGEST_COLS} FROM digests WHERE (CAST(:p AS TEXT) IS NULL OR platform = :p)"
            " AND (CAST(:c AS TEXT) IS NULL OR channel_id = :c) AND (:e = 0 OR enabled = 1) ORDER BY id",
            {"p": platform, "c": channel_id, "e": int(enabled_only)},
        )
        return [self._digest(r) for r in rows]

    async def delete_digest(self, digest_id: int) -> None:
        """Delete a digest and its delivery history."""
        await self._exec("DELETE FROM digests WHERE id = ?", (digest_id,))

    async def disable_digest(self, digest_id: int, reason: str) -> None:
        """Stop a digest, keeping the reason for `status`."""
        await self._exec("UPDATE digests SET enabled = 0, disabled_reason = ? WHERE id = ?", (reason, digest_id))

    async def claim_delivery(
        self, digest_id: int, slot: str, due_at: datetime, owner: str, now: datetime, lease_until: datetime
    ) -> DeliveryRow | None:
        """Claim a digest slot for ``owner`` (new, lease expired, or retry due); return the delivery or None."""
        rows = await self._write_alone(
            "INSERT INTO digest_deliveries AS d (digest_id, slot, due_at, status, owner, lease_until, attempts,"
            " updated_at) VALUES (:d, :s, :due, 'claimed', :o, :lease, 1, :now)"
            " ON CONFLICT (digest_id, slot) DO UPDATE SET status = 'claimed', owner = :o,"
            " lease_until = :lease, attempts = d.attempts + 1, updated_at = :now"
            " WHERE (d.status = 'claimed' AND d.lease_until < :now)"
            " OR (d.status = 'retry' AND d.next_attempt <= :now)"
            f" RETURNING {', '.join(self._DELIVERY_KEYS)}",
            {
                "d": digest_id,
                "s": slot,
                "due": due_at.isoformat(),
                "o": owner,
                "lease": lease_until.isoformat(),
                "now": now.isoformat(),
            },
        )
        return self._delivery(rows[0]) if rows else None

    _DELIVERY_KEYS = (
        "id", "digest_id", "slot", "due_at", "status", "owner", "lease_until", "next_attempt", "attempts",
        "since", "composed_at", "parts_sent", "message_ids", "error", "updated_at",
    )  # fmt: skip

    async def _deliveries(self, where: str, params: tuple, limit: int) -> list[DeliveryRow]:
        rows = await self._all(
            f"SELECT {', '.join(self._DELIVERY_KEYS)} FROM digest_deliveries WHERE {where}"
            " ORDER BY due_at DESC LIMIT ?",
            (*params, limit),
        )
        return [self._delivery(r) for r in rows]

    @staticmethod
    def _delivery(r: tuple) -> DeliveryRow:
        return DeliveryRow(
            id=int(r[0]),
            digest_id=int(r[1]),
            slot=r[2],
            due_at=_at(r[3]),
            status=r[4],
            owner=r[5],
            lease_until=_dt(r[6]),
            next_attempt=_dt(r[7]),
            attempts=int(r[8]),
            since=_dt(r[9]),
            composed_at=_dt(r[10]),
            parts_sent=int(r[11]),
            message_ids=tuple(json.loads(r[12])),
            error=r[13],
            updated_at=_at(r[14]),
        )

    async def delivery(self, digest_id: int, slot: str) -> DeliveryRow | None:
        """Return one delivery row."""
        found = await self._deliveries("digest_id = ? AND slot = ?", (digest_id, slot), 1)
        return found[0] if found else None

    async def deliveries(self, digest_id: int, limit: int = 20) -> list[DeliveryRow]:
        """Return a digest's latest deliveries, newest slot first (one query)."""
        return await self._deliveries("digest_id = ?", (digest_id,), limit)

    async def update_delivery(self, delivery_id: int, owner: str, now: datetime, **fields: object) -> bool:
        """Update a delivery this owner still holds; return False if another process took it over."""
        allowed = {
            "status",
            "lease_until",
            "next_attempt",
            "since",
            "composed_at",
            "parts_sent",
            "message_ids",
            "error",
        }
        assert set(fields) <= allowed, set(fields) - allowed
        values = {
            k: (json.dumps(v) if k == "message_ids" else _ts(v) if isinstance(v, datetime) else v)
            for k, v in fields.items()
        }
        sets = ", ".join(f"{k} = :{k}" for k in values)
        changed = await self._write_alone(
            f"UPDATE digest_deliveries SET {sets}, updated_at = :now WHERE id = :id AND owner = :owner RETURNING id",
            {**values, "now": now.isoformat(), "id": delivery_id, "owner": owner},
        )
        return bool(changed)

    async def release_delivery(self, delivery_id: int, owner: str, now: datetime) -> bool:
        """End ``owner``'s claim on a delivery at ``now`` (its lease expires), so any process may take it over."""
        changed = await self._write_alone(
            "UPDATE digest_deliveries SET lease_until = ?, updated_at = ?"
            " WHERE id = ? AND owner = ? AND status = 'claimed' RETURNING id",
            (now.isoformat(), now.isoformat(), delivery_id, owner),
        )
        return bool(changed)

    async def record_skipped(self, digest_id: int, slot: str, due_at: datetime, now: datetime, reason: str) -> None:
        """Record a slot that will not be delivered (missed beyond the grace window, or superseded)."""
        await self._write_alone(
            "INSERT INTO digest_deliveries (digest_id, slot, due_at, status, error, updated_at)"
            " VALUES (?, ?, ?, 'skipped', ?, ?) ON CONFLICT (digest_id, slot) DO UPDATE"
            " SET status = 'skipped', error = excluded.error, updated_at = excluded.updated_at"
            " WHERE digest_deliveries.status IN ('retry') RETURNING id",
            (digest_id, slot, due_at.isoformat(), reason, now.isoformat()),
        )

    async def last_cutoff(self, digest_id: int) -> datetime | None:
        """Return when the channel's previous digest was composed (what it covered up to)."""
        row = await self._one(
            "SELECT max(composed_at) FROM digest_deliveries WHERE digest_id = ? AND status IN ('sent', 'empty')",
            (digest_id,),
        )
        return _dt(row[0]) if row else None

    async def changed_stories(self, since: datetime, until: datetime) -> list[tuple[StorySummary, list[Source]]]:
        """Return stories with articles added in (since, until], each with those new articles as sources.

        Articles a feed's first poll stored (its backlog) are not news: they never make a story changed."""
        rows = await self._all(
            f"SELECT s.slug, s.title, {self._json_text('s.brief', 'tldr')}, '',"
            " (SELECT count(*) FROM articles x WHERE x.story_id = s.id), s.created_at, s.updated_at,"
            " a.id, a.title, a.outlet, a.url, a.published"
            " FROM articles a JOIN stories s ON s.id = a.story_id"
            " WHERE a.added_at > ? AND a.added_at <= ? AND a.backfill = 0 ORDER BY s.id, a.id",
            (since.isoformat(), until.isoformat()),
        )
        grouped: dict[str, tuple[StorySummary, list[Source]]] = {}
        for r in rows:
            if r[0] not in grouped:
                grouped[r[0]] = (self._summary(r[:7]), [])
            grouped[r[0]][1].append(Source(article_id=r[7], title=r[8], outlet=r[9], url=r[10], published=_dt(r[11])))
        return list(grouped.values())

    async def story_ids_matching(self, words: str) -> set[str]:
        """Return the slugs of stories that match ``words`` (slug, alias, or all words in FTS)."""
        ref = await self.story_by_ref(words.strip().lower())
        found = {ref.slug} if ref else set()
        found.update(h.slug for h in await self.search(words, 500, fallback=False))
        return found
