"""Admin edits of stories: remove, rename, alias, merge and move."""

from __future__ import annotations

import logging

from briefings.clustering import StoryProfile
from briefings.clustering import merge as merge_profiles
from briefings.errors import Conflict, InvalidInput, NotFound
from briefings.models import Actor, Brief, MergeResult, MoveResult, RemoveResult, StoryRef
from briefings.service_base import ServiceBase, _norm_ref, _require_admin, signature_of
from briefings.slugs import slugify, validate_slug
from briefings.store import StoryRow

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
                profile = (await self._profiles([row.id]))[row.id].remove(signature_of(stored))
                await self.store.delete_article(stored.article.id)
                await self._save_profile(row.id, profile)
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

    async def merge(self, source: str, into: str, *, actor: Actor) -> MergeResult:
        """Merge story ``source`` into ``into``: its articles join, its slug and aliases open ``into`` from now on."""
        _require_admin(actor, "merge stories")
        gone = await self._story_or_raise(source)
        kept = await self._story_or_raise(into)
        if gone.id == kept.id:
            raise InvalidInput(f"'{source.strip()}' and '{into.strip()}' are the same story; nothing to merge.")
        now = self.clock.now()
        async with self.store.transaction():
            profiles = await self._profiles([gone.id, kept.id])
            joined = merge_profiles(profiles[kept.id], profiles[gone.id])
            await self._save_profile(kept.id, joined)
            moved = await self.store.move_articles(gone.id, kept.id)
            await self.store.delete_story(gone.id)
            await self.store.add_alias(kept.id, gone.slug, Brief.model_validate_json(kept.brief_json))
            await self._rebuild(kept, now)
            await self.store.log_action(
                now, actor.label(), "merge", kept.slug, f"{gone.slug} ({moved} {_articles(moved)})"
            )
        log.info("merged story %s into %s (%d articles)", gone.slug, kept.slug, moved)
        return MergeResult(
            story=StoryRef(slug=kept.slug, title=kept.title),
            merged=StoryRef(slug=gone.slug, title=gone.title),
            articles_moved=moved,
        )

    async def move(self, article_id: int, to: str | None, *, actor: Actor, new_story: str | None = None) -> MoveResult:
        """Move an article to story ``to``, or (``to`` None) to a new story, slug ``new_story`` or from its title.

        The article is marked as placed by hand, so automatic matching never moves it again; a story left with
        no article goes away (logged).
        """
        _require_admin(actor, "move articles")
        stored = await self.store.article(article_id)
        if stored is None:
            raise NotFound(f"There is no article with id {article_id}.")
        if to is not None and new_story is not None:
            raise InvalidInput("Move to an existing story or to a new one, not both.")
        source = await self.store.story_by_id(stored.article.story_id)
        assert source is not None
        target = await self._story_or_raise(to) if to is not None else None
        if target is not None and target.id == source.id:
            raise InvalidInput(f"Article {article_id} is already in story '{source.slug}'; nothing was moved.")
        wanted = validate_slug(_norm_ref(new_story), "new story name") if new_story is not None else None
        now = self.clock.now()
        async with self.store.transaction():
            created = target is None
            if target is None:
                if wanted is not None and await self.store.name_taken(wanted):
                    raise Conflict(f"'{wanted}' is already taken by a story or an alias.")
                slug = wanted or await self._free_slug(slugify(stored.article.title))
                story_id = await self.store.insert_story(slug, stored.article.title, now)
                target = StoryRow(story_id, slug, stored.article.title, now, now, "{}")
            profiles = await self._profiles([source.id] + ([] if created else [target.id]))
            sig = signature_of(stored)
            await self._save_profile(source.id, profiles[source.id].remove(sig))
            joined = (StoryProfile() if created else profiles[target.id]).add(sig)
            await self._save_profile(target.id, joined)
            await self.store.move_article(article_id, target.id)
            await self._rebuild(target, now)
            emptied = not await self.store.article_ids(source.id)
            if emptied:
                await self.store.delete_story(source.id)
                await self.store.log_action(now, actor.label(), "remove-story", source.slug, "emptied by a move")
            else:
                await self._rebuild(source, now)
            await self.store.log_action(
                now, actor.label(), "move", target.slug, f"article {article_id} from {source.slug}"
            )
        return MoveResult(
            article_id=article_id,
            source=StoryRef(slug=source.slug, title=source.title),
            target=StoryRef(slug=target.slug, title=target.title),
            created_story=created,
            source_removed=emptied,
        )


def _articles(n: int) -> str:
    return "article" if n == 1 else "articles"
