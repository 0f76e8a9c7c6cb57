"""`/brief feed ...` through the real bolt app (signed requests), feeds served on loopback; and the pause notice
posted through the real slack_sdk client, wired as `briefbot slack` wires it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest

from adapters.slack.feed_commands import unwrap_url
from adapters.slack.feeds import SlackFeedNotices, render_feed_list
from adapters.slack.send import make_client
from adapters.testing.slack_api import RESPONSE_URL
from adapters.testing.slack_requests import CHANNEL_ID
from bot.runtime import build_senders, close_senders, feed_notices
from bot.settings import Settings
from briefings.clock import ManualClock
from briefings.feeds.models import Feed
from briefings.feeds.poll import FeedPoller
from briefings.feeds.testing import FeedServer
from briefings.service import BriefingService
from tests.adapters.slack.conftest import ADMIN, BOT_TOKEN, LISTED, MEMBER, SlackHarness
from tests.adapters.slack.test_render import assert_within_limits
from tests.briefings.test_feed_poll import rss

PAGE = (
    "<html><head><title>Coast Gazette</title>"
    "<link rel='alternate' type='application/rss+xml' title='News' href='/feed.xml'></head><body>Hi</body></html>"
)


def dump(body: dict[str, Any]) -> str:
    """All the text of a message: its blocks as JSON and its fallback."""
    return json.dumps(body.get("blocks", []), ensure_ascii=False) + body.get("text", "")


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    """A feed server with a page that links to one feed, a page that links to two, and a page with none."""
    with FeedServer() as server:
        server.add("/feed.xml", rss(["bridge", "vote"]), content_type="application/rss+xml")
        server.add("/atom.xml", rss(["match"]), content_type="application/rss+xml")
        server.add("/index.html", PAGE, content_type="text/html")
        two = PAGE.replace("</head>", "<link rel='alternate' type='application/atom+xml' href='/atom.xml'></head>")
        server.add("/two.html", two, content_type="text/html")
        server.add("/plain.html", "<html><body>No feed here</body></html>", content_type="text/html")
        yield server


@pytest.fixture
async def slack(make_slack: Callable[..., Any], service: BriefingService) -> AsyncIterator[SlackHarness]:
    """The Briefbot Slack app over an empty store."""
    async with make_slack(service) as harness:
        yield harness


async def add(slack: SlackHarness, text: str, user: str = ADMIN) -> tuple[dict[str, Any], dict[str, Any]]:
    """Send `/brief feed add ...`; return the immediate answer and the one that follows via response_url."""
    before = len(slack.api.ok_calls_to(RESPONSE_URL))
    first = (await slack.command(f"feed add {text}", user=user)).json()
    then = (await slack.responses(before + 1))[before]
    return first, then.params


async def test_admin_adds_a_page_and_its_one_feed_is_followed(slack: SlackHarness, feeds: FeedServer) -> None:
    # Slack sends links wrapped and '&', '<', '>' escaped in the command text
    first, then = await add(slack, f"<{feeds.url('/index.html')}> --every 30m —name \"Coast &lt;b&gt;&amp;\"")
    assert "Looking for a feed" in dump(first) and first["response_type"] == "ephemeral"
    assert then["response_type"] == "ephemeral" and ":white_check_mark: Following" in dump(then)
    assert "Coast &lt;b&gt;&amp;" in dump(then) and "<b>" not in dump(then)  # the name is escaped
    assert "`/brief feed remove 1`" in dump(then)
    (feed,) = await slack.service.list_feeds()
    assert feed.url == feeds.url("/feed.xml") and feed.every == timedelta(minutes=30) and feed.name == "Coast <b>&"
    assert (feed.platform, feed.channel_id) == ("slack", CHANNEL_ID)  # where it was added from, for notices
    (entry, *_) = await slack.service.admin_log()
    assert entry.action == "feed-add" and entry.actor == f"slack:{ADMIN} (ana)"


async def test_a_member_is_refused_and_nothing_changes(slack: SlackHarness, feeds: FeedServer) -> None:
    for text in (f"feed add {feeds.url('/feed.xml')}", "feed list", "feed remove 1", "feed pause 1"):
        body = (await slack.command(text, user=MEMBER)).json()
        assert "only Briefbot admins" in dump(body) and "Nothing was changed" in dump(body), text
    assert await slack.service.list_feeds() == [] and feeds.requests == []  # nothing was even fetched
    assert await slack.service.admin_log() == []


async def test_list_then_pause_resume_and_remove(slack: SlackHarness, feeds: FeedServer) -> None:
    await add(slack, feeds.url("/feed.xml"), user=LISTED)  # listed in BRIEFBOT_ADMINS
    listed = (await slack.command("feed list", user=ADMIN)).json()
    assert listed["blocks"][0]["text"]["text"] == "Feeds (1)"
    assert "Coast Gazette" in dump(listed) and feeds.url("/feed.xml") in dump(listed)
    assert "every 15m" in dump(listed) and "Last success: never" in dump(listed)
    paused = (await slack.command("feed pause #1", user=ADMIN)).json()
    assert "Paused *Coast Gazette*" in dump(paused) and "`/brief feed resume 1`" in dump(paused)
    assert "Paused: paused by slack:U0ADMIN (ana)" in dump((await slack.command("feed list", user=ADMIN)).json())
    resumed = (await slack.command("feed resume 1", user=ADMIN)).json()
    assert "Resumed" in dump(resumed) and not (await slack.service.feed(1)).paused
    removed = (await slack.command("feed remove 1", user=ADMIN)).json()
    assert "Stopped following *Coast Gazette* (feed 1)" in dump(removed)
    assert await slack.service.list_feeds() == []
    empty = (await slack.command("feed", user=ADMIN)).json()
    assert "No feeds yet" in dump(empty) and "/brief feed add URL" in dump(empty)
    actions = [e.action for e in await slack.service.admin_log()]
    assert actions[:4] == ["feed-remove", "feed-resume", "feed-pause", "feed-add"]


async def test_bad_urls_and_bad_words_get_clear_errors(slack: SlackHarness, feeds: FeedServer) -> None:
    _, two = await add(slack, feeds.url("/two.html"))
    assert "links to 2 feeds" in dump(two) and feeds.url("/feed.xml") in dump(two) and feeds.url("/atom.xml") in dump(
        two
    )
    _, plain = await add(slack, feeds.url("/plain.html"))
    assert "neither a feed nor a page that links to one" in dump(plain)
    _, private = await add(slack, "http://10.0.0.1/feed.xml")
    assert ":warning:" in dump(private)
    _, often = await add(slack, f"{feeds.url('/feed.xml')} --every 1m")
    assert "every 5 minutes at the most often" in dump(often)
    for text, usage in (
        ("feed add", "/brief feed add URL"),
        ("feed add x --colour red", "/brief feed add URL"),
        ("feed remove one", "/brief feed remove ID"),
        ("feed zap", "/brief feed list"),
    ):
        body = (await slack.command(text, user=ADMIN)).json()
        assert usage in dump(body), text
    assert (await slack.command("feed remove 9", user=ADMIN)).json()["text"].startswith("There is no feed with id 9")
    assert await slack.service.list_feeds() == []


async def test_help_lists_the_feed_commands(slack: SlackHarness) -> None:
    text = dump((await slack.command("help")).json())
    assert "`/brief feed add URL [--story SLUG] [--every 15m] [--name NAME]`" in text
    assert "`/brief feed add https://example.com/news/feed.xml --every 30m`" in text
    for usage in ("/brief feed list", "/brief feed remove ID", "/brief feed pause ID", "/brief feed resume ID"):
        assert usage in text
    only = dump((await slack.command("feed help")).json())
    assert "/brief feed list" in only and "/brief rename" not in only


def test_a_long_list_stays_within_block_kit_limits(clock: ManualClock) -> None:
    now = clock.now()
    many = [
        Feed(id=i, url=f"https://example.com/{'x' * 1500}/{i}.xml", name="<!channel> & " + "n" * 300,
             every=timedelta(minutes=15), added_by="console", added_at=now, next_poll=now,
             last_error="e" * 1000, failures=3)
        for i in range(1, 80)
    ]
    message = render_feed_list(many)
    assert_within_limits(message)
    assert "<!channel>" not in dump(message.to_dict()) and "more feeds" in dump(message.to_dict())


async def test_the_pause_notice_reaches_the_channel_once(
    slack: SlackHarness, feeds: FeedServer, clock: ManualClock
) -> None:
    await add(slack, feeds.url("/index.html"))
    feeds.add("/feed.xml", "<html>gone</html>", content_type="text/html", status=500)
    settings = Settings(_env_file=None, slack_bot_token=BOT_TOKEN, slack_api_url=slack.api.base_url)  # type: ignore[call-arg]
    senders = await build_senders(settings)
    try:
        on_paused = feed_notices(senders)
        assert on_paused is not None
        poller = FeedPoller(slack.service, on_paused=on_paused)
        for _ in range(30):
            clock.set(max(clock.now(), (await slack.service.feed(1)).next_poll))
            if (await poller.poll()).results[0].status == "paused":
                break
        assert (await poller.poll((1,))).results == []  # a paused feed is not polled again
    finally:
        await close_senders(senders)
    (notice,) = slack.api.history(CHANNEL_ID)  # once
    text = dump(notice)
    assert "Briefbot paused the feed Coast Gazette" in text and "failing for 24 hours" in text and "500" in text
    assert "`/brief feed resume 1`" in text
    (post,) = slack.api.ok_calls_to("chat.postMessage")
    assert post.token == BOT_TOKEN and post.params["unfurl_links"] is False


async def test_a_notice_the_channel_refuses_is_logged_not_raised(
    slack: SlackHarness, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    now = clock.now()
    gone = Feed(id=7, url="https://example.com/feed.xml", every=timedelta(minutes=15), added_by="slack:U1",
                added_at=now, next_poll=now, paused=True, pause_reason="failing for 24 hours: HTTP 500",
                platform="slack", channel_id="C0GONE")
    slack.api.missing_channels.add("C0GONE")
    await SlackFeedNotices(make_client(BOT_TOKEN, slack.api.base_url)).feed_paused(gone)
    assert "channel_not_found" in caplog.text and slack.api.history("C0GONE") == []
    await SlackFeedNotices(make_client(BOT_TOKEN, slack.api.base_url)).feed_paused(
        gone.model_copy(update={"platform": "discord"})
    )
    assert len(slack.api.calls_to("chat.postMessage")) == 1  # another platform's feed is not Slack's to tell


@pytest.mark.parametrize(
    "sent,url",
    [
        ("<https://x.test/a?b=1&amp;c=2|x.test/a>", "https://x.test/a?b=1&c=2"),
        ("<https://x.test/feed>", "https://x.test/feed"),
        ("https://x.test/?a=1&amp;b=2", "https://x.test/?a=1&b=2"),
    ],
)
def test_slack_links_are_unwrapped(sent: str, url: str) -> None:
    assert unwrap_url(sent) == url
