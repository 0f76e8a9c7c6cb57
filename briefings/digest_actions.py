"""The digest service: subscriptions on, off, status and preview (the scheduler delivers them)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from briefings.clock import Clock
from briefings.digests import next_run, parse_local_time, parse_zone
from briefings.errors import Conflict, NotFound
from briefings.models import Actor, Digest, DigestStatus, DigestSubscription
from briefings.scheduler import compose_from_store
from briefings.service_base import _require_admin
from briefings.store import Store
from briefings.textutil import shorten

log = logging.getLogger(__name__)

MAX_DIGESTS_PER_CHANNEL = 6


class DigestService:
    """Subscribing channels to daily digests and reporting on them, over the store and the clock."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def on(
        self,
        *,
        platform: Literal["slack", "discord"],
        channel_id: str,
        at: str,
        tz: str,
        actor: Actor,
        topics: list[str] | None = None,
        weekdays_only: bool = False,
        post_when_empty: bool = False,
    ) -> DigestStatus:
        """Subscribe a channel to a daily digest at a local time (or update the one at that time), with its status."""
        _require_admin(actor, "set up digests")
        local = parse_local_time(at)
        zone = parse_zone(tz)
        clean_topics = [shorten(t, 100) for t in (topics or []) if t.strip()][:10]
        now = self.clock.now()
        sub = DigestSubscription(
            id=0,
            platform=platform,
            channel_id=channel_id,
            at=local,
            tz=zone,
            weekdays_only=weekdays_only,
            topics=clean_topics,
            post_when_empty=post_when_empty,
            created_by=actor.label(),
            created_at=now,
        )
        async with self.store.transaction():
            existing = await self.store.find_digest(platform, channel_id, local, zone)
            if existing is None:
                if len(await self.store.digests(platform, channel_id)) >= MAX_DIGESTS_PER_CHANNEL:
                    raise Conflict(f"This channel already has {MAX_DIGESTS_PER_CHANNEL} digests; stop one first.")
                digest_id = await self.store.insert_digest(sub)
                assert digest_id is not None
            else:
                digest_id = existing.id
                await self.store.update_digest(sub.model_copy(update={"id": digest_id}))
            await self.store.log_action(
                now,
                actor.label(),
                "digest-on",
                f"{platform}:{channel_id}",
                f"#{digest_id} {local} {zone}" + (f" topics: {', '.join(clean_topics)}" if clean_topics else ""),
            )
        statuses = await self.status(platform=platform, channel_id=channel_id)
        return next(s for s in statuses if s.subscription.id == digest_id)

    async def off(
        self, *, platform: str, channel_id: str, actor: Actor, digest_id: int | None = None
    ) -> list[DigestSubscription]:
        """Stop one of a channel's digests (by id) or all of them; return what was stopped."""
        _require_admin(actor, "stop digests")
        subs = await self.store.digests(platform, channel_id)
        if digest_id is not None:
            subs = [s for s in subs if s.id == digest_id]
        if not subs:
            what = f"digest #{digest_id}" if digest_id is not None else "digest"
            raise NotFound(f"This channel has no {what}.", hints=("digest_status",))
        now = self.clock.now()
        async with self.store.transaction():
            for sub in subs:
                await self.store.delete_digest(sub.id)
                await self.store.log_action(now, actor.label(), "digest-off", f"{platform}:{channel_id}", f"#{sub.id}")
        return subs

    async def status(self, *, platform: str | None = None, channel_id: str | None = None) -> list[DigestStatus]:
        """Return each digest with its next run, last delivery, last failure and skipped slots."""
        now = self.clock.now()
        out: list[DigestStatus] = []
        for sub in await self.store.digests(platform, channel_id):
            history = await self.store.deliveries(sub.id, limit=30)
            delivered = next((d for d in history if d.status in ("sent", "empty")), None)
            failure = next((d for d in history if d.error and d.status in ("retry", "failed")), None)
            upcoming = next_run(sub, now) if sub.enabled else None
            out.append(
                DigestStatus(
                    subscription=sub,
                    next_run_utc=upcoming,
                    next_run_local=upcoming.astimezone(ZoneInfo(sub.tz)) if upcoming else None,
                    last_delivery_at=delivered.updated_at if delivered else None,
                    last_delivery_slot=delivered.slot if delivered else None,
                    last_failure=(failure.error if failure else None) or sub.disabled_reason,
                    last_failure_at=failure.updated_at if failure else None,
                    skipped=[f"{d.slot}: {d.error}" for d in history if d.status == "skipped"][:5],
                )
            )
        return out

    async def preview(self, *, platform: str, channel_id: str, digest_id: int | None = None) -> Digest:
        """Compose what a channel's digest would post now, without posting or recording anything."""
        subs = await self.store.digests(platform, channel_id)
        if digest_id is not None:
            subs = [s for s in subs if s.id == digest_id]
        if not subs:
            raise NotFound("This channel has no digest yet; an admin can add one.", hints=("digest_on",))
        return await self.preview_subscription(subs[0])

    async def preview_subscription(self, sub: DigestSubscription) -> Digest:
        """Compose a subscription's digest as it would be posted now."""
        now = self.clock.now()
        since = await self.store.last_cutoff(sub.id) or now - timedelta(days=1)
        local_day = now.astimezone(ZoneInfo(sub.tz)).date()
        return await compose_from_store(self.store, sub, since=since, now=now, local_day=local_day)

    async def by_id(self, digest_id: int) -> DigestSubscription:
        """Return one digest subscription or raise NotFound."""
        sub = await self.store.digest(digest_id)
        if sub is None:
            raise NotFound(f"There is no digest #{digest_id}.", hints=("digest_list",))
        return sub
