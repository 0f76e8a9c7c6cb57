"""What each story of a digest gained in the digest's window: its brief then and now, compared."""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from datetime import datetime

from briefings.changes import WhatsNew, whats_new
from briefings.digests import with_whats_new
from briefings.models import Digest
from briefings.store import Store

log = logging.getLogger(__name__)

NewsCache = MutableMapping[tuple[str, datetime, datetime], WhatsNew | None]


async def story_news(store: Store, slug: str, since: datetime, now: datetime) -> WhatsNew | None:
    """Return what a story's brief gained between its version at ``since`` and its version at ``now``."""
    before, after = await store.briefs_between(slug, since, now)
    if before is None or after is None or before.version >= after.version:
        return None  # new in the window (its brief says it all), or not rebuilt since
    news = whats_new(before, after)
    return None if news.is_empty() else news


async def add_whats_new(
    store: Store, digest: Digest, *, since: datetime, now: datetime, cache: NewsCache | None = None
) -> Digest:
    """Return the digest with each updated story carrying what its brief gained in (since, now]."""
    cache = {} if cache is None else cache
    news: dict[str, WhatsNew] = {}
    for item in digest.items:
        if item.is_new_story:
            continue
        key = (item.slug, since, now)
        if key not in cache:
            cache[key] = await story_news(store, item.slug, since, now)
        found = cache[key]
        if found is not None:
            news[item.slug] = found
    log.debug("digest %s: what's new in %d of %d stories", digest.subscription_id, len(news), len(digest.items))
    return with_whats_new(digest, news) if news else digest
