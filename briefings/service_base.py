"""What every part of the service shares: the store, the clock, finding stories and rebuilding briefs."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime

from briefings.briefs import build_brief
from briefings.clock import Clock, SystemClock
from briefings.clustering import ArticleSignature, StoryProfile, index_terms, signature
from briefings.errors import NotFound, PermissionDenied
from briefings.fetch import Fetcher
from briefings.metrics import Metrics
from briefings.models import Actor, Article, Brief, KeyFacts, Source
from briefings.slugs import close_matches, normalize_name
from briefings.store import Store, StoredArticle, StoryRow
from briefings.textutil import STOPWORDS, shorten

NAME_CANDIDATES = 50  # names the store offers as close to a mistyped one; ranked here by close_matches
BRIEF_WINDOW = 8  # newest articles a brief's summary and card are built from (bounded cost per add)


class ServiceBase:
    """The store, the clock and the fetcher, with the helpers every group of service methods uses."""

    def __init__(
        self,
        store: Store,
        *,
        clock: Clock | None = None,
        fetcher: Fetcher | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.metrics = metrics
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
        ref = _norm_ref(text)
        return close_matches(ref, await self.store.close_names(ref, max(limit, NAME_CANDIDATES)), limit)

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
        brief = await self._compose(row.id, slug or row.slug, row.title, None, now)
        return await self.store.save_brief(row.id, brief, now)

    async def _compose(
        self,
        story_id: int,
        slug: str,
        title: str,
        pending: tuple[Article, KeyFacts] | None,
        now: datetime,
        *,
        pending_republishes: int | None = None,
    ) -> Brief:
        """Build a story's brief from its newest BRIEF_WINDOW articles (plus ``pending``, not yet stored).

        The summary and the card read a bounded window of the newest articles, so adding the 500th article costs
        about what adding the 5th does; sources and the article count cover every article.
        """
        recent = await self.store.recent_articles(story_id, BRIEF_WINDOW) if story_id else []
        sources = await self.store.sources_of(story_id) if story_id else []
        aliases = await self.store.aliases_of(story_id) if story_id else []
        copies = await self.store.republished_in(story_id) if story_id else {}
        if pending is not None and pending_republishes is not None:
            copies[pending[0].id] = pending_republishes
        return await asyncio.to_thread(
            assemble_brief, slug, title, [(s.article, s.facts) for s in recent], sources, pending, aliases, now, copies
        )

    async def _profiles(self, story_ids: list[int]) -> dict[int, StoryProfile]:
        """The clustering profiles of these stories (built from their articles where none is stored yet)."""
        stored = await self.store.profiles(story_ids)
        out: dict[int, StoryProfile] = {}
        for story_id in story_ids:
            profile = StoryProfile.model_validate_json(stored.get(story_id) or "{}")
            if not profile.current():  # a story from before profiles (or these vectors) were kept
                articles = await self.store.articles_of(story_id)
                sigs = await asyncio.to_thread(_signatures, articles)
                profile = StoryProfile.of(sigs)
            out[story_id] = profile
        return out

    async def _save_profile(self, story_id: int, profile: StoryProfile) -> None:
        """Store a story's clustering profile with the terms it is found by (inside the caller's transaction)."""
        seen = profile.last or self.clock.now()
        await self.store.save_profile(story_id, profile.model_dump_json(), index_terms(profile), seen)

    async def _story_or_raise(self, ref: str) -> StoryRow:
        row = await self.store.story_by_ref(_norm_ref(ref))
        if row is None:
            suggestions = await self.suggest(ref)
            raise _no_story(ref, suggestions)
        return row


def signature_of(stored: StoredArticle) -> ArticleSignature:
    """The clustering signature of a stored article."""
    a = stored.article
    return signature(a.title, a.text, stored.facts, a.published or a.added_at)


def _signatures(articles: list[StoredArticle]) -> list[ArticleSignature]:
    return [signature_of(s) for s in articles]


def _key(article: Article) -> str:
    return (article.published or article.added_at).isoformat()


def assemble_brief(
    slug: str,
    title: str,
    recent: list[tuple[Article, KeyFacts]],
    sources: list[tuple[str, Source]],
    pending: tuple[Article, KeyFacts] | None,
    aliases: list[str],
    now: datetime,
    copies: dict[int, int] | None = None,
) -> Brief:
    """The brief of the newest window of articles, with every source listed (newest first) and counted.

    ``copies`` maps articles that republish another (another outlet's copy) to the original's id.
    """
    pairs = [*recent, *([pending] if pending else [])]
    pairs.sort(key=lambda af: (_key(af[0]), af[0].id))
    pairs = pairs[-BRIEF_WINDOW:]
    every = list(sources)
    if pending is not None:
        a = pending[0]
        source = Source(article_id=a.id, title=a.title, outlet=a.outlet, url=a.url, published=a.published)
        every.append((_key(a), source))
    every.sort(key=lambda ks: (ks[0], ks[1].article_id))
    first_title = every[0][1].title if every else title
    copies = copies or {}
    brief = build_brief(slug, first_title, pairs, aliases, now, near_duplicates=copies)
    listed = [s.model_copy(update={"duplicate_of": copies.get(s.article_id)}) for _, s in reversed(every)]
    return brief.model_copy(update={"sources": listed, "article_count": len(every)})


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
