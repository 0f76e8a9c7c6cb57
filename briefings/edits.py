"""Admin edits of stories: remove, rename, alias, merge and move."""

from __future__ import annotations

import logging

from briefings.errors import Conflict, NotFound
from briefings.models import Actor, Brief, RemoveResult, StoryRef
from briefings.service_base import ServiceBase, _norm_ref, _require_admin
from briefings.slugs import validate_slug

log = logging.getLogger(__name__)


class StoryEdits(ServiceBase):
    """Changing stories by hand (admins only; every change logged, briefs rebuilt)."""

    async def remove(self, target: str, *, actor: Actor) -> RemoveResult:
        """Remove a whole story (by slug or alias) or one article (by id)."""
        _require_admin(actor, "remove stories")
        target = target.strip().lstrip("#")
        now = self.clock.now()
        if target.isdigit():
            stored = await self.store.article(int(target))
            if stored is None:
                raise NotFound(f"There is no article with id {target}.")
            async with self.store.transaction():
                row = await self.store.story_by_id(stored.article.story_id)
                assert row is not None
                await self.store.delete_article(stored.article.id)
                remaining = await self.store.articles_of(row.id)
                if remaining:
                    await self._rebuild(row, now)
                else:
                    await self.store.delete_story(row.id)
                await self.store.log_action(now, actor.label(), "remove-article", row.slug, f"article {target}")
            return RemoveResult(
                kind="article",
                story=StoryRef(slug=row.slug, title=row.title),
                article_id=stored.article.id,
                articles_removed=1,
                story_removed=not remaining,
            )
        row = await self._story_or_raise(target)
        async with self.store.transaction():
            count = await self.store.delete_story(row.id)
            await self.store.log_action(now, actor.label(), "remove-story", row.slug, f"{count} articles")
        return RemoveResult(
            kind="story", story=StoryRef(slug=row.slug, title=row.title), articles_removed=count, story_removed=True
        )

    async def rename(self, old: str, new: str, *, actor: Actor) -> StoryRef:
        """Give a story a new slug; the old slug keeps working as an alias."""
        _require_admin(actor, "rename stories")
        new = validate_slug(_norm_ref(new), "new story name")
        row = await self._story_or_raise(old)
        if new == row.slug:
            return StoryRef(slug=row.slug, title=row.title)
        now = self.clock.now()
        async with self.store.transaction():
            if await self.store.name_taken(new):
                raise Conflict(f"'{new}' is already taken by a story or an alias.")
            brief = Brief.model_validate_json(row.brief_json)
            brief.story = StoryRef(slug=new, title=row.title)
            brief.aliases = sorted({*brief.aliases, row.slug})
            await self.store.rename_story(row.id, new, brief)
            await self.store.add_alias(row.id, row.slug, brief)
            await self.store.log_action(now, actor.label(), "rename", row.slug, f"to {new}")
        return StoryRef(slug=new, title=row.title)

    async def alias(self, slug: str, alias: str, *, actor: Actor) -> StoryRef:
        """Add another name that opens the story."""
        _require_admin(actor, "add aliases")
        alias = validate_slug(_norm_ref(alias), "alias")
        row = await self._story_or_raise(slug)
        now = self.clock.now()
        async with self.store.transaction():
            if await self.store.name_taken(alias):
                raise Conflict(f"'{alias}' is already taken by a story or an alias.")
            brief = Brief.model_validate_json(row.brief_json)
            brief.aliases = sorted({*brief.aliases, alias})
            await self.store.add_alias(row.id, alias, brief)
            await self.store.log_action(now, actor.label(), "alias", row.slug, alias)
        return StoryRef(slug=row.slug, title=row.title)
