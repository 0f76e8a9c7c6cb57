"""Automatic regrouping: a young story found to hold two events splits in two (see ``clustering.split``)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from briefings.clustering import SPLIT_SIZES, YOUNG, ArticleSignature, StoryProfile, split
from briefings.models import StoryRef
from briefings.service_base import ServiceBase, signature_of
from briefings.slugs import slugify
from briefings.store import ClusterMember, StoryRow

log = logging.getLogger(__name__)

ACTOR = "briefbot"  # who the admin log names for automatic changes


class StoryRegrouping(ServiceBase):
    """Splitting young stories that automatic matching let two events into."""

    async def _split_if_two_events(self, story: StoryRow, profile: StoryProfile, now: datetime) -> StoryRef | None:
        """Split off the articles of a second event into a new story (logged); return that story, if any.

        Only young stories whose articles were all placed automatically are checked: an admin's placement is
        never undone, and an old story's readers are not surprised. Runs in its own transaction.
        """
        if profile.first is not None and now - profile.first > YOUNG:
            return None
        members = await self.store.cluster_members(story.id, SPLIT_SIZES[1] + 1)
        if not SPLIT_SIZES[0] <= len(members) <= SPLIT_SIZES[1] or any(m.manual for m in members):
            return None
        sigs = await self._member_signatures(members)
        moved = await asyncio.to_thread(split, [s.terms for s in sigs])
        if not moved:
            return None
        moved_ids = [members[i].article_id for i in moved]
        async with self.store.transaction():
            if await self.store.article_ids(story.id) != sorted(m.article_id for m in members):
                return None  # another writer changed the story meanwhile: the next article checks again
            first = await self.store.article(moved_ids[0])
            assert first is not None
            title = first.article.title
            slug = await self._free_slug(slugify(title))
            new_id = await self.store.insert_story(slug, title, now)
            for article_id in moved_ids:
                await self.store.move_article(article_id, new_id, manual=False)
            kept = [s for i, s in enumerate(sigs) if i not in set(moved)]
            await self._save_profile(story.id, StoryProfile.of(kept))
            await self._save_profile(new_id, StoryProfile.of([sigs[i] for i in moved]))
            new_row = StoryRow(new_id, slug, title, now, now, "{}")
            await self._rebuild(new_row, now)
            await self._rebuild(story, now)
            detail = f"{len(moved_ids)} articles about another event, from {story.slug}"
            await self.store.log_action(now, ACTOR, "split", slug, detail)
        log.info("split %d articles of story %s into %s", len(moved_ids), story.slug, slug)
        return StoryRef(slug=slug, title=title)

    async def _member_signatures(self, members: list[ClusterMember]) -> list[ArticleSignature]:
        """The members' clustering vectors (computed for articles stored before vectors were kept)."""
        out = []
        for member in members:
            if member.signature:
                out.append(ArticleSignature.model_validate_json(member.signature))
                continue
            stored = await self.store.article(member.article_id)
            assert stored is not None
            sig = await asyncio.to_thread(signature_of, stored)
            out.append(sig)
        return out
