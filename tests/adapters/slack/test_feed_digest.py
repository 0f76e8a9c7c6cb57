"""A feed added in Slack feeds the channel's next digest: its backlog is not news, an item published after it is,
with the feed named as the outlet. Commands through the real bolt app, the digest through the real slack_sdk."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.slack.digest import make_digest_sender
from briefings.clock import ManualClock
from briefings.feeds.poll import FeedPoller
from briefings.feeds.testing import FeedServer
from briefings.scheduler import DigestScheduler
from briefings.service import BriefingService
from tests.adapters.slack.conftest import ADMIN, BOT_TOKEN, SlackHarness
from tests.briefings.test_feed_poll import rss


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    """A feed server with one RSS feed of two items."""
    with FeedServer() as server:
        server.add("/feed.xml", rss(["bridge", "vote"]), content_type="application/rss+xml", etag='"v1"')
        yield server


@pytest.fixture
async def slack(make_slack: Callable[..., Any], service: BriefingService) -> AsyncIterator[SlackHarness]:
    """The Briefbot Slack app over an empty store."""
    async with make_slack(service) as harness:
        yield harness


async def test_a_feed_added_in_slack_shows_in_the_next_digest(
    slack: SlackHarness, feeds: FeedServer, clock: ManualClock
) -> None:
    added = (await slack.command(f"feed add {feeds.url('/feed.xml')} --every 15m", user=ADMIN)).json()
    assert "Looking for a feed" in json.dumps(added)
    await slack.responses(1)
    (feed,) = await slack.service.list_feeds()
    on = (await slack.command("digest on 09:30 UTC", user=ADMIN)).json()
    assert "09:30" in json.dumps(on)

    poller = FeedPoller(slack.service)
    backlog = await poller.poll()  # 09:00: the feed's current items are stored as backlog
    assert len(backlog.results[0].added) == 2

    feeds.add("/feed.xml", rss(["match", "bridge", "vote"]), content_type="application/rss+xml", etag='"v2"')
    clock.advance(timedelta(minutes=16))
    fresh = await poller.poll()  # 09:16: one new item, news
    assert len(fresh.results[0].added) == 1 and fresh.results[0].skipped == 2

    sender = make_digest_sender(BOT_TOKEN, slack.api.base_url)
    scheduler = DigestScheduler(slack.service.store, {"slack": sender}, clock=clock, owner="a", rng=random.Random(7))
    due = datetime(2025, 6, 20, 9, 31, tzinfo=UTC)
    clock.set(due)
    report = await scheduler.tick(due)
    assert len(report.sent) == 1
    [post] = slack.api.ok_calls_to("chat.postMessage")
    text = json.dumps(post.params.get("blocks", []), ensure_ascii=False) + (post.params.get("text") or "")
    assert "Rovers" in text and feed.label() in text  # the new story, and the feed named as its outlet
    assert "Harbour Bridge" not in text and "water" not in text.lower()  # the backlog is not news
