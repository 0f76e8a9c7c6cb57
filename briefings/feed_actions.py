"""The feed half of the service: subscribe (finding a page's feed), list, pause, resume, remove, OPML in and out,
and updating an article whose feed item was edited."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from briefings.clustering import signature
from briefings.digests import parse_age
from briefings.errors import Conflict, FeedError, InvalidInput, NotFound
from briefings.facts import extract_facts
from briefings.feeds.discover import feed_links
from briefings.feeds.models import Feed
from briefings.feeds.opml import OpmlFeed, parse_opml, write_opml
from briefings.feeds.parse import looks_like_feed, parse_feed
from briefings.fetch import Response
from briefings.models import Actor, Article, ArticleInput
from briefings.neardup import fingerprint
from briefings.service_base import ServiceBase, _require_admin, signature_of
from briefings.textutil import content_hash, shorten

log = logging.getLogger(__name__)

DEFAULT_EVERY = timedelta(minutes=15)
MIN_EVERY = timedelta(minutes=5)
MAX_EVERY = timedelta(days=7)
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9,"
    " application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.5, */*;q=0.1"
)


class FeedActions(ServiceBase):
    """Feed subscriptions, managed by admins; the poller (``briefings.feeds.poll``) brings their items in."""

    async def add_feed(
        self,
        url: str,
        *,
        actor: Actor,
        story: str | None = None,
        every: str | timedelta | None = None,
        name: str | None = None,
        channel_id: str | None = None,
    ) -> Feed:
        """Subscribe to a feed, or to the one feed a web page links to (several: the user picks one)."""
        _require_admin(actor, "add feeds")
        interval = _interval(every)
        story_id = (await self._story_or_raise(story)).id if story else None
        feed_url, title = await self._find_feed(url.strip())
        if await self.store.feed_by_url(feed_url) is not None:
            raise Conflict(f"Briefbot already follows the feed {feed_url}.")
        now = self.clock.now()
        label = shorten(name.strip(), 80) if name and name.strip() else title
        platform = actor.platform if actor.platform in ("slack", "discord") else None
        async with self.store.transaction():
            feed_id = await self.store.insert_feed(
                feed_url,
                name=label,
                story_id=story_id,
                every=interval,
                added_by=actor.label(),
                at=now,
                platform=platform,
                channel_id=channel_id if platform else None,
            )
            await self.store.log_action(now, actor.label(), "feed-add", feed_url, f"feed {feed_id}: {label or ''}")
        feed = await self.store.feed(feed_id)
        assert feed is not None
        log.info("subscribed to feed %s (%s)", feed_id, feed_url)
        return feed

    async def _find_feed(self, url: str) -> tuple[str, str | None]:
        """The feed at ``url`` (checked to parse), or the one feed the page there links to; and its title."""
        response = await self.fetcher.get(url, accept=FEED_ACCEPT)
        if looks_like_feed(response.body, response.headers.get("content-type")):
            return await self._checked(response)
        html = response.body.decode("utf-8", "replace")
        links = feed_links(html, response.final_url)
        if not links:
            raise FeedError(f"{shorten(url, 200)} is neither a feed nor a page that links to one.")
        if len(links) > 1:
            shown = [f"• {link.url}" + (f" ({shorten(link.title, 80)})" if link.title else "") for link in links[:10]]
            more = [f"… and {len(links) - 10} more"] if len(links) > 10 else []
            raise FeedError(
                f"{shorten(url, 200)} links to {len(links)} feeds; add the one you want by its URL:\n"
                + "\n".join(shown + more)
            )
        return await self._checked(await self.fetcher.get(links[0].url, accept=FEED_ACCEPT))

    async def _checked(self, response: Response) -> tuple[str, str | None]:
        """The feed's final URL and title, once its body parses as a feed (FeedError otherwise)."""
        parsed = await asyncio.to_thread(
            parse_feed,
            response.body,
            url=response.final_url,
            content_type=response.headers.get("content-type"),
            now=self.clock.now(),
        )
        return response.final_url, parsed.title

    async def list_feeds(self) -> list[Feed]:
        """Return every feed subscription."""
        return await self.store.feeds()

    async def feed(self, feed_id: int) -> Feed:
        """Return one feed, or raise NotFound."""
        found = await self.store.feed(feed_id)
        if found is None:
            raise NotFound(f"There is no feed with id {feed_id}.")
        return found

    async def remove_feed(self, feed_id: int, *, actor: Actor) -> Feed:
        """Unsubscribe from a feed (the articles it brought stay)."""
        _require_admin(actor, "remove feeds")
        feed = await self.feed(feed_id)
        now = self.clock.now()
        async with self.store.transaction():
            await self.store.delete_feed(feed_id)
            await self.store.log_action(now, actor.label(), "feed-remove", feed.url, f"feed {feed_id}")
        return feed

    async def pause_feed(self, feed_id: int, *, actor: Actor, paused: bool = True) -> Feed:
        """Pause a feed, or resume it (which clears its errors and polls it soon)."""
        _require_admin(actor, "pause or resume feeds")
        feed = await self.feed(feed_id)
        now = self.clock.now()
        async with self.store.transaction():
            reason = f"paused by {actor.label()}" if paused else None
            await self.store.set_feed_paused(feed_id, paused, reason, now)
            await self.store.log_action(
                now, actor.label(), "feed-pause" if paused else "feed-resume", feed.url, f"feed {feed_id}"
            )
        return await self.feed(feed_id)

    async def export_opml(self) -> str:
        """Every feed as an OPML 2.0 document."""
        feeds = [OpmlFeed(url=f.url, title=f.name) for f in await self.store.feeds()]
        return write_opml(feeds, title="Briefbot feeds", now=self.clock.now())

    async def import_opml(
        self, text: str | bytes, *, actor: Actor, every: str | timedelta | None = None
    ) -> list[tuple[OpmlFeed, Feed | None]]:
        """Subscribe to every feed of an OPML document (those already followed are kept as they are).

        Feeds are not fetched here: the first poll checks them, and `feed list` shows the ones that fail.
        """
        _require_admin(actor, "import feeds")
        interval = _interval(every)
        wanted = parse_opml(text)
        now = self.clock.now()
        out: list[tuple[OpmlFeed, Feed | None]] = []
        async with self.store.transaction():
            for item in wanted:
                if await self.store.feed_by_url(item.url) is not None:
                    out.append((item, None))
                    continue
                await self.fetcher.check_url(item.url)
                feed_id = await self.store.insert_feed(
                    item.url, name=item.title, story_id=None, every=interval, added_by=actor.label(), at=now
                )
                out.append((item, await self.store.feed(feed_id)))
            added = sum(1 for _, f in out if f is not None)
            await self.store.log_action(now, actor.label(), "feed-import", "opml", f"{added} of {len(out)} feeds")
        return out

    async def update_article(self, article_id: int, article: ArticleInput, *, actor: Actor) -> bool:
        """Replace a stored article by its edited version (its story's profile and brief follow); False if gone."""
        _require_admin(actor, "update articles")
        stored = await self.store.article(article_id)
        if stored is None:
            return False
        now = self.clock.now()
        title = article.title or stored.article.title
        facts = await asyncio.to_thread(extract_facts, article.text, title=title, published=article.published)
        seen = stored.article.published or stored.article.added_at
        new_sig = await asyncio.to_thread(signature, title, article.text, facts, article.published or seen)
        old_sig = await asyncio.to_thread(signature_of, stored)
        print_ = await asyncio.to_thread(fingerprint, article.text)
        edited = Article(
            id=article_id,
            story_id=stored.article.story_id,
            title=title,
            text=article.text,
            url=stored.article.url,
            outlet=stored.article.outlet,
            published=article.published,
            added_at=stored.article.added_at,
        )
        async with self.store.transaction():
            row = await self.store.story_by_id(stored.article.story_id)
            if row is None or await self.store.article(article_id) is None:
                return False
            if await self.store.find_duplicate(None, content_hash(article.text)) is not None:
                return False  # the edited text is stored already (here or as another article)
            await self.store.replace_article_text(
                article_id,
                edited,
                content_hash(article.text),
                facts,
                fingerprint=print_.to_json() if print_ else None,
                bands=print_.bands() if print_ else (),
                signature=new_sig.model_dump_json(),
            )
            profile = (await self._profiles([row.id]))[row.id]
            await self._save_profile(row.id, profile.remove(old_sig).add(new_sig))
            await self._rebuild(row, now)
            await self.store.log_action(now, actor.label(), "update", row.slug, f"article {article_id}: edited")
        return True


def interval_label(every: timedelta) -> str:
    """Return a polling interval the way users type it: '15m', '2h', '1d' (seconds when nothing else fits)."""
    seconds = int(every.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _interval(every: str | timedelta | None) -> timedelta:
    """A polling interval from '15m', '1h'... (default 15 minutes), between 5 minutes and 7 days."""
    if every is None or every == "":
        return DEFAULT_EVERY
    interval = every if isinstance(every, timedelta) else parse_age(every)
    if not MIN_EVERY <= interval <= MAX_EVERY:
        raise InvalidInput("A feed is polled every 5 minutes at the most often and every 7 days at the least.")
    return interval
