"""BriefingService: the one object every face of Briefbot (CLI, Slack, Discord, digests) calls."""

from __future__ import annotations

import asyncio
import difflib
import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from briefings.changes import WhatsNew, whats_new
from briefings.clock import Clock
from briefings.clustering import CANDIDATE_WINDOW, ArticleSignature, StoryProfile, choose, query_terms, signature
from briefings.digest_actions import DigestService
from briefings.edits import StoryEdits
from briefings.errors import Conflict, InvalidInput, NotFound
from briefings.facts import extract_facts
from briefings.feed_actions import FeedActions
from briefings.fetch import Fetcher
from briefings.ingest import article_from_page, article_from_text, check_text
from briefings.metrics import Metrics
from briefings.models import (
    FACT_KINDS,
    Actor,
    AddResult,
    AdminAction,
    Article,
    ArticleInput,
    Brief,
    KeyFacts,
    SearchHit,
    StoryRef,
    StorySummary,
)
from briefings.neardup import Fingerprint, fingerprint, is_near_duplicate
from briefings.regroup import StoryRegrouping
from briefings.service_base import NAME_CANDIDATES, _content_words, _no_story, _norm_ref, _require_admin
from briefings.slugs import close_matches, slugify, validate_slug
from briefings.store import NearCandidate, Store, StoryRow
from briefings.textutil import canonical_url, content_hash, shorten
from briefings.titles import derive_title

log = logging.getLogger(__name__)

CANDIDATES = 10  # recent stories sharing the most of its heaviest terms that an article is compared with
MAX_PAGE = 1000  # stories in one list_stories call
PENDING_ID = 2**62  # stands for a new article's id in a brief built before the article is stored


@dataclass(frozen=True)
class Lookup:
    """The story a user's words were taken to mean; ``exact`` is False when it was found by spelling or search."""

    brief: Brief
    query: str
    exact: bool


class BriefingService(StoryEdits, StoryRegrouping, FeedActions):
    """Stories, briefs, search, adding, admin edits and feeds over one store: what every face calls.

    Digests are their own service on the same store and clock, ``service.digests``; the ``digest_*`` methods
    below delegate to it for callers not yet moved (bench, tests).
    """

    def __init__(
        self,
        store: Store,
        *,
        clock: Clock | None = None,
        fetcher: Fetcher | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        super().__init__(store, clock=clock, fetcher=fetcher, metrics=metrics)
        self.digests = DigestService(self.store, self.clock)

    # ----- reading ------------------------------------------------------------------------------

    async def brief(self, ref: str) -> Brief:
        """Return the stored brief of the story with this slug or alias."""
        row = await self.store.story_by_ref(_norm_ref(ref))
        if row is None:
            suggestions = await self.suggest(ref)
            raise _no_story(ref, suggestions)
        return Brief.model_validate_json(row.brief_json)

    async def find(self, text: str) -> Brief:
        """Return the brief for a slug, an alias, or words that clearly point at one story."""
        return (await self.lookup(text)).brief

    async def lookup(self, text: str) -> Lookup:
        """Find the one story ``text`` means: its slug or alias, a close misspelling of one, or words only it has.

        Raises NotFound with close matches when several stories fit or none does; stop words alone match nothing.
        """
        text = text.strip()
        if not text:
            raise InvalidInput("Name a story (its slug or an alias), or some words to search for.", hints=("list",))
        ref = _norm_ref(text)
        row = await self.store.story_by_ref(ref)
        if row is not None:
            return Lookup(brief=Brief.model_validate_json(row.brief_json), query=text, exact=True)
        names = await self.store.close_names(ref, NAME_CANDIDATES)
        typo = _one_close(ref, names)
        if typo is not None:
            return Lookup(brief=await self.brief(typo), query=text, exact=False)
        words = _content_words(text)
        if words:
            hits = await self.store.search(" ".join(words), limit=25, fallback=False)
            if _clear_winner(hits):
                return Lookup(brief=await self.brief(hits[0].slug), query=text, exact=False)
            if len(hits) > 1:
                shown = shorten(text, 80)
                raise NotFound(f"'{shown}' matches {len(hits)} stories.", [h.slug for h in hits[:5]])
            fixed = _respell(words, await self.store.name_words())
            if fixed != words:
                hits = await self.store.search(" ".join(fixed), limit=25, fallback=False)
                if _clear_winner(hits):
                    return Lookup(brief=await self.brief(hits[0].slug), query=text, exact=False)
                if hits:
                    raise _no_story(text, [h.slug for h in hits[:5]])
        raise _no_story(text, close_matches(ref, names, 5))

    async def changes(self, ref: str, since: datetime | None = None) -> list[WhatsNew]:
        """Return what each version of a story's brief added, oldest first (from ``since``, if given)."""
        row = await self._story_or_raise(ref)
        versions = await self.store.brief_versions(row.id, since)
        if since is not None and versions and versions[0][1] < since:
            pairs = list(zip(versions, versions[1:], strict=False))
            return [whats_new(before[2], after[2]) for before, after in pairs]
        out: list[WhatsNew] = []
        previous: Brief | None = None
        for _, _, brief in versions:
            out.append(whats_new(previous, brief))
            previous = brief
        return out

    async def list_stories(self, limit: int = 10, offset: int = 0) -> list[StorySummary]:
        """Return the most recently updated stories first (a page of at most MAX_PAGE)."""
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"Ask for 1 to {MAX_PAGE} stories at a time.")
        if offset < 0:
            raise InvalidInput("The offset cannot be negative.")
        return await self.store.list_stories(limit, offset)

    async def story_count(self) -> int:
        """Count the stories."""
        return await self.store.story_count()

    async def search(self, words: str, limit: int = 10) -> list[SearchHit]:
        """Search stories and articles (FTS5), best match first."""
        if not words.strip():
            raise InvalidInput("Tell me what to search for.")
        return await self.store.search(words, max(1, min(limit, 50)))

    async def complete(self, prefix: str, limit: int = 25) -> list[StorySummary]:
        """Autocomplete story names: slugs, aliases and titles, best first."""
        return await self.store.complete(prefix[:100], max(1, min(limit, 25)))

    async def admin_log(self, limit: int = 50) -> list[AdminAction]:
        """Return the latest admin actions, newest first."""
        return await self.store.admin_log(limit)

    # ----- adding -----------------------------------------------------------------------------------

    async def add_text(
        self,
        text: str,
        *,
        actor: Actor,
        title: str | None = None,
        url: str | None = None,
        published: datetime | None = None,
        story: str | None = None,
    ) -> AddResult:
        """Add pasted text as an article (to ``story``, or to the best-matching or a new story)."""
        _require_admin(actor, "add articles")
        article = await asyncio.to_thread(
            article_from_text, text, title=title, url=url, published=published, now=self.clock.now()
        )
        return await self.add_article(article, actor=actor, story=story)

    async def add_url(self, url: str, *, actor: Actor, story: str | None = None) -> AddResult:
        """Fetch a web page, extract its article and add it."""
        _require_admin(actor, "add articles")
        if story is not None:
            validate_slug(_norm_ref(story), "story name")
        page = await self.fetcher.fetch(url.strip())
        article = await asyncio.to_thread(article_from_page, page, now=self.clock.now())
        return await self.add_article(article, actor=actor, story=story)

    async def add_article(self, article: ArticleInput, *, actor: Actor, story: str | None = None) -> AddResult:
        """Store an article and its story's new brief in one short transaction.

        The facts and the brief are computed before the write lock is taken; inside it the story is checked
        to be as it was read (else the brief is rebuilt there), so the lock is held for milliseconds.
        """
        _require_admin(actor, "add articles")
        text = check_text(article.text)
        slug = validate_slug(_norm_ref(story), "story name") if story else None
        canonical = canonical_url(article.url)
        text_hash = content_hash(text)
        duplicate = await self._duplicate(canonical, text_hash)
        if duplicate is not None:
            return duplicate
        print_ = await asyncio.to_thread(fingerprint, text)
        near = await self._near_duplicate(print_, article.outlet)
        if near is not None and slug is None and _same_outlet(near.outlet, article.outlet):
            # the same outlet's copy, lightly edited (an admin naming a story is taken at their word)
            return await self._already(near.article_id, near.story_id)
        now = self.clock.now()
        title = article.title if article.title else await asyncio.to_thread(derive_title, text)
        facts = await asyncio.to_thread(extract_facts, text, title=title, published=article.published)
        facts = facts.traced_to(PENDING_ID)
        # an article is matched as of its own time: importing an archive clusters as live ingestion would have
        seen = min(article.published, now) if article.published else now
        sig = await asyncio.to_thread(signature, title, text, facts, seen)
        if slug:
            target = await self.store.story_by_ref(slug)
        elif near is not None:  # another outlet's copy of a stored article: a source of the same story
            target = await self.store.story_by_id(near.story_id)
        else:
            target = await self._match_story(sig, seen)
        pending = Article(
            id=PENDING_ID,
            story_id=target.id if target else 0,
            title=title,
            text=text,
            url=article.url,
            outlet=article.outlet,
            published=article.published,
            added_at=now,
        )
        before = await self.store.article_ids(target.id) if target else []
        aliases = await self.store.aliases_of(target.id) if target else []
        new_slug = None if target else (slug or await self._free_slug(slugify(title)))
        same_story = near is not None and target is not None and near.story_id == target.id
        republishes = near.original_id if same_story and near is not None else None
        brief = await self._compose(
            target.id if target else 0,
            target.slug if target else str(new_slug),
            title,
            (pending, facts),
            now,
            pending_republishes=republishes,
        )
        async with self.store.transaction():
            duplicate = await self._duplicate(canonical, text_hash)
            if duplicate is not None:
                return duplicate
            created = target is None
            if target is None:
                assert new_slug is not None
                if await self.store.name_taken(new_slug):  # taken since it was chosen: take the next free one
                    new_slug = slug or await self._free_slug(slugify(title))
                    brief = brief.model_copy(update={"story": StoryRef(slug=new_slug, title=brief.story.title)})
                story_id = await self.store.insert_story(new_slug, title, now)
                target = StoryRow(story_id, new_slug, title, now, now, "{}")
                changed = False
            else:
                current = await self.store.story_by_id(target.id)
                changed = (
                    current is None
                    or current.slug != target.slug
                    or await self.store.article_ids(target.id) != before
                    or await self.store.aliases_of(target.id) != aliases
                )
                if current is None:
                    raise Conflict(f"The story '{target.slug}' was removed meanwhile; nothing was added.")
            profile = StoryProfile() if created else (await self._profiles([target.id]))[target.id]
            joined = profile.add(sig)
            await self._save_profile(target.id, joined)
            stored = pending.model_copy(update={"id": 0, "story_id": target.id})
            article_id = await self.store.insert_article(
                target.id,
                stored,
                canonical,
                text_hash,
                facts,
                manual=slug is not None,
                fingerprint=print_.to_json() if print_ else None,
                bands=print_.bands() if print_ else (),
                duplicate_of=republishes,
                signature=sig.model_dump_json(),
                backfill=article.backfill,
            )
            if changed:  # another writer changed the story since it was read: rebuild under the lock
                brief = await self._rebuild(target, now)
            else:
                brief = await self.store.save_brief(target.id, _stamp_brief(brief, article_id), now)
            await self.store.log_action(
                now, actor.label(), "add", target.slug, f"article {article_id}: {shorten(title, 200)}"
            )
        log.info("added article %s to story %s (%s)", article_id, target.slug, "new" if created else "existing")
        if self.metrics:
            self.metrics.article_added(actor.platform)
        story_ref = brief.story
        if not created and slug is None and near is None:  # matched automatically: two events in one story?
            split_off = await self._split_if_two_events(target, joined, seen)
            if split_off is not None and await self._story_of(article_id) == split_off.slug:
                story_ref, created = split_off, True
        return AddResult(story=story_ref, article_id=article_id, created_story=created, duplicate=False, title=title)

    async def _story_of(self, article_id: int) -> str | None:
        """The slug of the story an article is in now."""
        stored = await self.store.article(article_id)
        row = await self.store.story_by_id(stored.article.story_id) if stored else None
        return row.slug if row else None

    async def _duplicate(self, canonical: str | None, text_hash: str) -> AddResult | None:
        found = await self.store.find_duplicate(canonical, text_hash)
        if found is None:
            return None
        return await self._already(*found)

    async def _already(self, article_id: int, story_id: int) -> AddResult:
        """The result of adding what is already stored as ``article_id``."""
        row = await self.store.story_by_id(story_id)
        stored = await self.store.article(article_id)
        assert row is not None and stored is not None
        return AddResult(
            story=StoryRef(slug=row.slug, title=row.title),
            article_id=article_id,
            created_story=False,
            duplicate=True,
            title=stored.article.title,
        )

    async def _near_duplicate(self, print_: Fingerprint | None, outlet: str | None) -> NearCandidate | None:
        """The stored article this text republishes (the same wire story, small edits, other wrapping), if any;
        the same outlet's copy first."""
        if print_ is None:
            return None
        found = [
            c
            for c in await self.store.near_duplicate_candidates(print_.bands())
            if is_near_duplicate(print_, Fingerprint.from_json(c.fingerprint))
        ]
        return next((c for c in found if _same_outlet(c.outlet, outlet)), found[0] if found else None)

    async def _match_story(self, sig: ArticleSignature, now: datetime) -> StoryRow | None:
        """Find the story about the same event as this article (as of ``now``), if any."""
        rows = await self.store.candidates(query_terms(sig), now - CANDIDATE_WINDOW, limit=CANDIDATES)
        if not rows:
            return None
        profiles = await self._profiles([r.id for r in rows])
        chosen = choose(sig, [(r.id, profiles[r.id]) for r in rows], now)
        return next((r for r in rows if r.id == chosen), None)


@asynccontextmanager
async def open_service(
    db_path: str | Path,
    *,
    clock: Clock | None = None,
    fetch_allow_hosts: Iterable[str] = (),
    fetcher: Fetcher | None = None,
    create: bool = True,
    metrics: Metrics | None = None,
) -> AsyncIterator[BriefingService]:
    """Open the store at ``db_path`` (creating it only if ``create``) and yield a service; close it afterwards."""
    store = await Store.open(db_path, create=create)
    try:
        yield BriefingService(store, clock=clock, fetcher=fetcher or Fetcher(fetch_allow_hosts), metrics=metrics)
    finally:
        await store.close()


def _clear_winner(hits: list[SearchHit]) -> bool:
    """One hit, or a top hit that scores well above the next."""
    return len(hits) == 1 or (len(hits) > 1 and hits[0].score >= 1.5 * hits[1].score > 0)


def _one_close(ref: str, names: list[str]) -> str | None:
    """The one slug or alias ``ref`` is a misspelling of (very close, and clearly closer than any other)."""
    if len(ref) < 4:
        return None
    scored = sorted(((difflib.SequenceMatcher(None, ref, n).ratio(), n) for n in names), reverse=True)
    if scored and scored[0][0] >= 0.88 and (len(scored) == 1 or scored[1][0] < scored[0][0] - 0.05):
        return scored[0][1]
    return None


def _respell(words: list[str], vocabulary: set[str]) -> list[str]:
    """Replace each word the stories never use by the closest word they do use (typos such as 'japn')."""
    known = sorted(vocabulary)
    fixed: list[str] = []
    for word in words:
        if word in vocabulary or len(word) < 4:
            fixed.append(word)
            continue
        close = difflib.get_close_matches(word, known, n=1, cutoff=0.8)
        fixed.append(close[0] if close else word)
    return fixed


def _same_outlet(a: str | None, b: str | None) -> bool:
    """Two copies come from one outlet when both name the same one, or neither names any."""
    return (a or "").strip().lower() == (b or "").strip().lower()


def _stamp_brief(brief: Brief, article_id: int) -> Brief:
    """Replace the pending article's stand-in id with its real id in a brief's facts, sentences and sources."""

    def fix(fact_id: int | None) -> int | None:
        return article_id if fact_id == PENDING_ID else fact_id

    facts = brief.facts.model_copy(
        update={
            kind: [f.model_copy(update={"article_id": fix(f.article_id)}) for f in getattr(brief.facts, kind)]
            for kind in FACT_KINDS
        }
    )
    sources = [
        s.model_copy(update={"article_id": fix(s.article_id), "duplicate_of": fix(s.duplicate_of)})
        for s in brief.sources
    ]
    return brief.model_copy(
        update={
            "facts": facts,
            "sources": sources,
            "tldr_from": fix(brief.tldr_from),
            "summary_from": [fix(i) for i in brief.summary_from],
        }
    )


__all__ = ["BriefingService", "KeyFacts", "open_service"]
