"""`/brief-admin feed ...` through the real discord.py client and the fake gateway, feeds served on loopback; and
the pause notice posted through discord.py's REST client, wired as `briefbot discord` wires it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import pytest

from adapters.discord import limits
from adapters.discord.feeds import render_feed_list
from adapters.testing.discord_gateway import FakeDiscord
from bot.runtime import build_senders, close_senders, feed_notices
from bot.settings import Settings
from briefings.clock import ManualClock
from briefings.feeds.models import Feed
from briefings.feeds.poll import FeedPoller
from briefings.feeds.testing import FeedServer
from briefings.service import BriefingService
from tests.adapters.discord.conftest import Bot, start_bot, stop_bot
from tests.adapters.discord.test_client import ADMIN, EPHEMERAL, NO_MENTIONS, assert_quiet, body
from tests.adapters.discord.test_digest import ROUTE, group_slash
from tests.adapters.slack.test_feeds import PAGE
from tests.briefings.test_feed_poll import rss


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    """A feed server with a page that links to one feed and a page that links to none."""
    with FeedServer() as server:
        server.add("/feed.xml", rss(["bridge", "vote"]), content_type="application/rss+xml")
        server.add("/index.html", PAGE, content_type="text/html")
        server.add("/plain.html", "<html><body>No feed here</body></html>", content_type="text/html")
        two = PAGE.replace("</head>", "<link rel='alternate' type='application/atom+xml' href='/atom_1.xml'></head>")
        server.add("/two.html", two, content_type="text/html")
        yield server


@pytest.fixture
async def bot(fake: FakeDiscord, service: BriefingService, clock: ManualClock) -> AsyncIterator[Bot]:
    """Briefbot on the fake Discord, over an empty store."""
    client = await start_bot(fake, service, clock)
    try:
        yield Bot(fake, client)
    finally:
        await stop_bot(client)


def feed_cmd(fake: FakeDiscord, sub: str, options: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
    """Build `/brief-admin feed SUB ...`."""
    return group_slash(fake, "brief-admin", "feed", sub, options, **kwargs)


async def deferred(fake: FakeDiscord, payload: dict[str, Any]) -> dict[str, Any]:
    """Send a command that defers; return the edit of its original answer."""
    start = len(fake.requests)
    callback = await fake.interact(payload)
    assert callback.json["type"] == 5 and body(callback)["flags"] == EPHEMERAL
    return (await fake.followup(payload, start=start)).json


async def test_admin_adds_a_page_and_its_one_feed_is_followed(
    bot: Bot, feeds: FeedServer, service: BriefingService
) -> None:
    fake = bot.fake
    options = {"url": feeds.url("/index.html"), "every": "1h", "name": "Coast *Gazette* @everyone"}
    edit = await deferred(fake, feed_cmd(fake, "add", options, **ADMIN))
    (embed,) = edit["embeds"]
    assert embed["title"] == "Following: Coast \\*Gazette\\* @\u200beveryone"  # escaped, defused
    assert feeds.url("/feed.xml") in embed["description"] and "every 1h" in embed["description"]
    assert embed["footer"]["text"] == "Feed 1 · remove it with /brief-admin feed remove id:1"
    assert edit["allowed_mentions"] == NO_MENTIONS
    (feed,) = await service.list_feeds()
    assert feed.url == feeds.url("/feed.xml") and feed.every == timedelta(hours=1)
    assert (feed.platform, feed.channel_id) == ("discord", str(fake.channel_id))
    (entry, *_) = await service.admin_log()
    assert entry.action == "feed-add" and entry.actor == f"discord:{ADMIN['user_id']} (editor)"
    assert_quiet(fake)


async def test_a_member_is_refused_and_nothing_changes(bot: Bot, feeds: FeedServer, service: BriefingService) -> None:
    fake = bot.fake
    for payload in (
        feed_cmd(fake, "add", {"url": feeds.url("/feed.xml")}),
        feed_cmd(fake, "list"),
        feed_cmd(fake, "remove", {"id": 1}),
        feed_cmd(fake, "resume", {"id": 1}),
        feed_cmd(fake, "list", dm=True, user_id=ADMIN["user_id"]),
    ):
        answer = body(await fake.interact(payload))
        assert answer["flags"] == EPHEMERAL and ("only Briefbot admins" in answer["content"]
                                                 or "server channel" in answer["content"])
    assert await service.list_feeds() == [] and feeds.requests == [] and await service.admin_log() == []


async def test_list_pause_resume_remove(bot: Bot, feeds: FeedServer, service: BriefingService) -> None:
    fake = bot.fake
    await deferred(fake, feed_cmd(fake, "add", {"url": feeds.url("/feed.xml")}, **ADMIN))
    listed = body(await fake.interact(feed_cmd(fake, "list", **ADMIN)))
    (embed,) = listed["embeds"]
    assert embed["title"] == "Feeds (1)" and embed["fields"][0]["name"] == "1 · Coast Gazette"
    value = embed["fields"][0]["value"]
    assert feeds.url("/feed.xml") in value and "every 15m · 0 items" in value and "next poll: <t:" in value
    paused = body(await fake.interact(feed_cmd(fake, "pause", {"id": 1}, **ADMIN)))
    assert paused["content"] == "Paused **Coast Gazette** (feed 1). Resume it with `/brief-admin feed resume id:1`."
    resumed = body(await fake.interact(feed_cmd(fake, "resume", {"id": 1}, **ADMIN)))
    assert resumed["content"].startswith("Resumed **Coast Gazette**")
    removed = body(await fake.interact(feed_cmd(fake, "remove", {"id": 1}, **ADMIN)))
    assert removed["content"] == "Stopped following **Coast Gazette** (feed 1); its articles stay."
    again = body(await fake.interact(feed_cmd(fake, "remove", {"id": 1}, **ADMIN)))
    assert again["content"].startswith("There is no feed with id 1")
    empty = body(await fake.interact(feed_cmd(fake, "list", **ADMIN)))
    assert "No feeds yet" in empty["embeds"][0]["description"]
    assert [e.action for e in await service.admin_log()][:4] == ["feed-remove", "feed-resume", "feed-pause", "feed-add"]
    assert_quiet(fake)


async def test_not_a_feed_and_bad_intervals_are_clear_errors(
    bot: Bot, feeds: FeedServer, service: BriefingService
) -> None:
    fake = bot.fake
    plain = await deferred(fake, feed_cmd(fake, "add", {"url": feeds.url("/plain.html")}, **ADMIN))
    assert "neither a feed nor a page that links to one" in plain["content"]
    often = await deferred(fake, feed_cmd(fake, "add", {"url": feeds.url("/feed.xml"), "every": "1m"}, **ADMIN))
    assert "every 5 minutes at the most often" in often["content"]
    two = await deferred(fake, feed_cmd(fake, "add", {"url": feeds.url("/two.html")}, **ADMIN))
    assert "links to 2 feeds; add the one you want by its URL:" in two["content"]
    assert f"• {feeds.url('/feed.xml')} (News)" in two["content"] and feeds.url("/atom_1.xml") in two["content"]
    story = await deferred(fake, feed_cmd(fake, "add", {"url": feeds.url("/feed.xml"), "story": "zzqx"}, **ADMIN))
    assert "zzqx" in story["content"] and "/brief list" in story["content"]
    assert await service.list_feeds() == []


async def test_help_lists_the_feed_commands(bot: Bot) -> None:
    fake = bot.fake
    text = json.dumps(body(await fake.interact(fake.slash("brief", "help"))))
    assert "/brief-admin feed add url: [story:] [every:] [name:]" in text
    for usage in ("/brief-admin feed list", "/brief-admin feed remove id:", "/brief-admin feed resume id:"):
        assert usage in text


def test_a_long_list_stays_within_embed_limits(clock: ManualClock) -> None:
    now = clock.now()
    many = [
        Feed(id=i, url=f"https://example.com/{'x' * 1500}/{i}.xml", name="@everyone " + "n" * 300,
             every=timedelta(minutes=15), added_by="console", added_at=now, next_poll=now,
             last_error="e" * 1000, failures=3)
        for i in range(1, 80)
    ]
    embed = render_feed_list(many).to_dict()
    assert limits.violations(embed) == [] and "@everyone" not in json.dumps(embed)


async def test_the_pause_notice_reaches_the_channel_once(
    bot: Bot, feeds: FeedServer, service: BriefingService, clock: ManualClock
) -> None:
    fake = bot.fake
    await deferred(fake, feed_cmd(fake, "add", {"url": feeds.url("/feed.xml"), "name": "Gazette @here"}, **ADMIN))
    feeds.add("/feed.xml", "<html>gone</html>", content_type="text/html", status=500)
    settings = Settings(_env_file=None, discord_token=fake.token, discord_api_url=fake.api_base)  # type: ignore[call-arg]
    senders = await build_senders(settings)
    try:
        on_paused = feed_notices(senders)
        assert on_paused is not None
        poller = FeedPoller(service, on_paused=on_paused)
        for _ in range(30):
            clock.set(max(clock.now(), (await service.feed(1)).next_poll))
            if (await poller.poll()).results[0].status == "paused":
                break
        assert (await service.feed(1)).paused
    finally:
        await close_senders(senders)
    posts = [r for r in fake.find("POST", ROUTE) if r.status == 200]
    (notice,) = posts  # once, in the channel the feed was added from
    assert notice.path == f"/channels/{fake.channel_id}/messages"
    content = notice.json["content"]
    assert content.startswith("⏸ Briefbot paused the feed Gazette @\u200bhere")
    assert "failing for 24 hours" in content and "500" in content
    assert content.endswith("An admin can resume it with `/brief-admin feed resume id:1`.")
    assert notice.json["allowed_mentions"] == NO_MENTIONS
