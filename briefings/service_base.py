"""What every part of the service shares: the store, the clock, finding stories and rebuilding briefs."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime

from briefings.briefs import build_brief
from briefings.clock import Clock, SystemClock
from briefings.errors import NotFound, PermissionDenied
from briefings.fetch import Fetcher
from briefings.models import Actor, Brief
from briefings.slugs import close_matches, normalize_name
from briefings.store import Store, StoryRow
from briefings.textutil import STOPWORDS, shorten


class ServiceBase:
    """The store, the clock and the fetcher, with the helpers every group of service methods uses."""

    def __init__(self, store: Store, *, clock: Clock | None = None, fetcher: Fetcher | None = None) -> None:
        self.store = store
        self.clock: Clock = clock or SystemClock()
        self.fetcher = fetcher or Fetcher()

    async def suggest(self, text: str, limit: int = 5) -> list[str]:
        """Return the slugs or aliases closest to ``text``."""
        close = await self._close_names(text, limit)
        words = _content_words(text)
        if len(close) < limit and words:
            hits = await self.store.search(" ".join(words), limit, fallback=False)
            close += [h.slug for h in hits if h.slug not in close]
        return close[:limit]

    async def _close_names(self, text: str, limit: int) -> list[str]:
        """Return the slugs or aliases spelled most like ``text``."""
        return close_matches(_norm_ref(text), await self.store.all_names(), limit)

    async def _free_slug(self, base: str) -> str:
        """Return ``base`` or ``base-2``, ``base-3``... whichever is not taken."""
        candidate, n = base, 2
        while await self.store.name_taken(candidate):
            suffix = f"-{n}"
            candidate = base[: 64 - len(suffix)] + suffix
            n += 1
        return candidate

    async def _rebuild(self, row: StoryRow, now: datetime, slug: str | None = None) -> Brief:
        """Recompute and store a story's brief (inside the caller's transaction)."""
        stored = await self.store.articles_of(row.id)
        aliases = await self.store.aliases_of(row.id)
        title = stored[0].article.title if stored else row.title
        brief = await asyncio.to_thread(
            build_brief, slug or row.slug, title, [(s.article, s.facts) for s in stored], aliases, now
        )
        await self.store.save_brief(row.id, brief, now)
        return brief

    async def _story_or_raise(self, ref: str) -> StoryRow:
        row = await self.store.story_by_ref(_norm_ref(ref))
        if row is None:
            suggestions = await self.suggest(ref)
            raise _no_story(ref, suggestions)
        return row


def _content_words(text: str) -> list[str]:
    """The words of a query worth searching for: no stop words, no one-letter words."""
    words = [w for w in re.findall(r"\w+", text.lower()) if len(w) > 1 and w not in STOPWORDS]
    return list(dict.fromkeys(words))


def _norm_ref(ref: str | None) -> str:
    return normalize_name(ref)


def _require_admin(actor: Actor, what: str) -> None:
    if not actor.is_admin:
        raise PermissionDenied(f"Sorry, only Briefbot admins can {what}. Nothing was changed.")


def _no_story(text: str, suggestions: list[str]) -> NotFound:
    """The 'no such story' error: close matches when there are some, else a hint to list or search."""
    shown = shorten(text.strip(), 80)
    return NotFound(f"No story matches '{shown}'.", suggestions, hints=() if suggestions else ("list", "search"))
