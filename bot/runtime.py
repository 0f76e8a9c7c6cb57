"""Process wiring shared by the runners: digest senders for configured platforms, the scheduler and the feed
poller tasks."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from bot.settings import Settings
from briefings.scheduler import DigestScheduler, DigestSender
from briefings.service import BriefingService

if TYPE_CHECKING:
    from briefings.feeds.models import Feed
    from briefings.feeds.poll import PausedHook
    from briefings.metrics import Metrics

log = logging.getLogger(__name__)


def _secret(value: Any) -> str:
    return (value.get_secret_value() if value is not None else "").strip()


async def build_senders(settings: Settings) -> dict[str, DigestSender]:
    """Make a digest sender for every platform whose token is configured."""
    senders: dict[str, DigestSender] = {}
    if _secret(settings.slack_bot_token):
        from adapters.slack.digest import make_digest_sender as make_slack

        senders["slack"] = make_slack(_secret(settings.slack_bot_token), settings.slack_api_url)
    if _secret(settings.discord_token):
        from adapters.discord.digest import make_digest_sender as make_discord

        senders["discord"] = await make_discord(_secret(settings.discord_token), settings.discord_api_url)
    return senders


async def close_senders(senders: dict[str, DigestSender]) -> None:
    """Close whatever sessions the senders hold."""
    for sender in senders.values():
        close = getattr(sender, "aclose", None) or getattr(sender, "close", None)
        if close is not None:
            with contextlib.suppress(Exception):
                await close()


async def finish(task: asyncio.Task[Any], within: float | None = None) -> None:
    """Wait for a background task to end: at most ``within`` seconds (None: no limit), then cancel it."""
    done, _ = await asyncio.wait({task}, timeout=within)
    if not done:
        log.warning("%s did not finish within %ss: cancelling it", task.get_name(), within)
        task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


@contextlib.asynccontextmanager
async def running_scheduler(
    settings: Settings,
    service: BriefingService,
    *,
    metrics: Metrics | None = None,
    stop: asyncio.Event | None = None,
    drain: float | None = None,
) -> AsyncIterator[DigestScheduler | None]:
    """Run the digest scheduler in the background for as long as the block runs (or until ``stop`` is set).

    On the way out its in-flight deliveries finish, for at most ``drain`` seconds if given.
    """
    senders = await build_senders(settings)
    if not senders:
        log.info("no platform token configured: digest scheduler not started")
        yield None
        return
    stop = stop or asyncio.Event()
    scheduler = DigestScheduler(
        service.store,
        senders,
        clock=service.clock,
        grace=settings.digest_grace,
        lease=settings.digest_lease,
        metrics=metrics,
        stop=stop,
    )
    task = asyncio.create_task(scheduler.run(stop), name="digest-scheduler")
    log.info("digest scheduler started for %s", ", ".join(sorted(senders)))
    try:
        yield scheduler
    finally:
        stop.set()
        await finish(task, drain)
        await close_senders(senders)


class FeedNotices(Protocol):
    """A platform's way to tell a channel about its feed (``adapters.slack.feeds``, ``adapters.discord.feeds``)."""

    async def feed_paused(self, feed: Feed) -> None:
        """Tell the channel the feed was added from that the failure budget paused it."""
        ...


def feed_paused_hook(notices: Mapping[str, FeedNotices]) -> PausedHook:
    """Route a paused feed's notice to the platform it was added from (feeds added elsewhere get none)."""

    async def on_paused(feed: Feed) -> None:
        target = notices.get(feed.platform or "")
        if target is None or not feed.channel_id:
            return
        await target.feed_paused(feed)

    return on_paused


def feed_notices(senders: Mapping[str, object] | None) -> PausedHook | None:
    """Return the poller's ``on_paused`` hook, posting with the digest senders' clients (None: no notices).

    The scheduler's senders are reused, so a process logs in to each platform once."""
    from adapters.discord.digest import DiscordDigestSender
    from adapters.discord.feeds import DiscordFeedNotices
    from adapters.slack.digest import SlackDigestSender
    from adapters.slack.feeds import SlackFeedNotices

    notices: dict[str, FeedNotices] = {}
    for platform, sender in (senders or {}).items():
        if isinstance(sender, SlackDigestSender):
            notices[platform] = SlackFeedNotices(sender.client)
        elif isinstance(sender, DiscordDigestSender):
            notices[platform] = DiscordFeedNotices(sender.http)
    return feed_paused_hook(notices) if notices else None


@contextlib.asynccontextmanager
async def running_feed_poller(
    service: BriefingService,
    *,
    metrics: Metrics | None = None,
    stop: asyncio.Event | None = None,
    drain: float | None = None,
    senders: Mapping[str, object] | None = None,
) -> AsyncIterator[None]:
    """Poll the feeds in the background for as long as the block runs (processes sharing a database share it).

    On the way out the pass in flight finishes, for at most ``drain`` seconds if given. With ``senders`` (the digest
    scheduler's), a feed added from Slack or Discord that the failure budget pauses gets a notice in its channel.
    """
    from briefings.feeds.poll import FeedPoller

    stop = stop or asyncio.Event()
    poller = FeedPoller(service, on_paused=feed_notices(senders), stop=stop, metrics=metrics)
    task = asyncio.create_task(poller.run(stop), name="feed-poller")
    try:
        yield
    finally:
        stop.set()
        await finish(task, drain)
