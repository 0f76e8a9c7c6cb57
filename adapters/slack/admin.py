"""Who is a Briefbot admin on Slack: workspace admins and owners (users.info), or listed ids."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from briefings.clock import Clock, SystemClock
from briefings.models import Actor

log = logging.getLogger(__name__)

DEFAULT_TTL = timedelta(minutes=2)


class AdminPolicy:
    """Decides ``Actor.is_admin`` for Slack users; one per app, holding a short per-user cache."""

    def __init__(
        self,
        client: AsyncWebClient,
        admins: Iterable[str] = (),
        *,
        clock: Clock | None = None,
        ttl: timedelta = DEFAULT_TTL,
    ) -> None:
        self.client = client
        self.admins = frozenset(a.strip() for a in admins if a and a.strip())
        self.clock: Clock = clock or SystemClock()
        self.ttl = ttl
        self._cache: dict[str, tuple[datetime, bool]] = {}

    async def is_admin(self, user_id: str) -> bool:
        """Tell whether ``user_id`` may run admin actions (a failed lookup means no)."""
        if user_id in self.admins:
            return True
        now = self.clock.now()
        cached = self._cache.get(user_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            answer = await self.client.users_info(user=user_id)
        except SlackApiError as exc:
            log.warning("users.info failed for %s: %s", user_id, exc.response.get("error"))
            return False  # not cached: the next try asks again
        user = answer.get("user") or {}
        allowed = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
        self._cache[user_id] = (now + self.ttl, allowed)
        return allowed

    async def actor(self, user_id: str, name: str | None = None, *, check: bool = True) -> Actor:
        """Return the Actor for a Slack user; ``check=False`` skips the admin lookup."""
        is_admin = await self.is_admin(user_id) if check else False
        return Actor(platform="slack", user_id=user_id, name=name or None, is_admin=is_admin)
