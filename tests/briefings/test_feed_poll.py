"""Feeds end to end on loopback: subscribe, poll politely (304, Retry-After, backoff, pause), dedupe, edits,
backfill, two pollers racing on one database."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from briefings.clock import ManualClock
from briefings.errors import FeedError, PermissionDenied
from briefings.feeds.models import Feed
from briefings.feeds.poll import LEASE, FeedPoller
from briefings.feeds.testing import FeedServer, Response
from briefings.feeds.text import paused_notice
from briefings.metrics import Metrics
from briefings.models import Actor
from briefings.service import BriefingService, open_service
from briefings.testing import ADMIN

USER = Actor(platform="slack", user_id="U1", is_admin=False)

ITEMS = {
    "bridge": (
        "Storm closes coastal bridge",
        "A winter storm closed the Harbour Bridge in Port Elmo on Monday after gusts reached 110 km/h, the city "
        "council said. Police diverted traffic through the tunnel and warned drivers to expect long delays. The "
        "council said engineers would inspect the bridge cables once the wind dropped below 60 km/h, probably on "
        "Tuesday morning. Ferry services between the two harbours were also suspended until further notice.",
    ),
    "vote": (
        "Lakeland parliament passes water bill",
        "Lakeland's parliament on Monday passed a bill that caps the price of household water at 2 crowns per "
        "cubic metre, after a debate that lasted two days. Water minister Hana Vik said the cap would save a "
        "family of four about 300 crowns a year. The opposition Farmers' Party voted against, saying the cap "
        "would starve the utilities of money for new pipes. The law takes effect on 1 March.",
    ),
    "match": (
        "Rovers reach cup final after penalties",
        "Eastfield Rovers reached the national cup final on Sunday, beating Northport 5-4 on penalties after a "
        "1-1 draw at the Riverside stadium. Goalkeeper Tom Brack saved two spot kicks. Rovers will meet the "
        "holders, Westbury City, in the final on 20 May. It is the club's first final since 1998, and more than "
        "9,000 fans travelled to the match.",
    ),
}


def rss(keys: list[str], *, guid_prefix: str = "", texts: dict[str, str] | None = None) -> str:
    """An RSS 2.0 feed with full text (content:encoded) for the named items."""
    items = []
    for i, key in enumerate(keys):
        title, text = ITEMS[key]
        body = (texts or {}).get(key, text)
        items.append(
            f"<item><title>{title}</title><link>http://news.test/{key}</link>"
            f"<guid isPermaLink='false'>{guid_prefix}{key}</guid>"
            f"<pubDate>Fri, 20 Jun 2025 0{i}:00:00 GMT</pubDate><description>{title}</description>"
            f"<content:encoded><![CDATA[<p>{body}</p>]]></content:encoded></item>"
        )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0' "
        "xmlns:content='http://purl.org/rss/1.0/modules/content/'><channel><title>Coast Gazette</title>"
        f"<link>http://news.test/</link><description>News</description>{''.join(items)}</channel></rss>"
    )


@pytest.fixture
def server() -> FeedServer:
    with FeedServer() as running:
        yield running


async def articles(service: BriefingService) -> int:
    return sum(s.article_count for s in await service.list_stories(100))


async def test_first_poll_is_backlog_then_304_costs_nothing_then_new_items_are_news(
    service: BriefingService, server: FeedServer, clock: ManualClock
) -> None:
    server.add("/feed.xml", rss(["bridge", "vote"]), content_type="application/rss+xml", etag='"v1"')
    feed = await service.add_feed(server.url("/feed.xml"), actor=ADMIN, every="15m")
    assert feed.name == "Coast Gazette" and feed.every == timedelta(minutes=15)
    start = clock.now()
    poller = FeedPoller(service)

    first = await poller.poll()
    assert [r.status for r in first.results] == ["new"] and len(first.results[0].added) == 2
    assert await articles(service) == 2
    assert await service.store.changed_stories(start - timedelta(hours=1), clock.now()) == []  # backlog: no news

    assert (await poller.poll()).results == []  # not due yet
    clock.advance(timedelta(minutes=16))
    second = await poller.poll()
    assert [r.status for r in second.results] == ["unchanged"] and await articles(service) == 2
    assert server.requests[-1][2].get("If-None-Match") == '"v1"'

    server.add("/feed.xml", rss(["match", "bridge", "vote"]), content_type="application/rss+xml", etag='"v2"')
    clock.advance(timedelta(minutes=16))
    third = await poller.poll()
    assert len(third.results[0].added) == 1 and third.results[0].skipped == 2
    changed = await service.store.changed_stories(start, clock.now())
    assert len(changed) == 1 and changed[0][1][0].outlet == "Coast Gazette"  # news, with its outlet named
    listed = (await service.list_feeds())[0]
    assert listed.items == 3 and listed.polls == 3 and listed.last_error is None


async def test_a_poller_with_metrics_counts_each_pass(
    service: BriefingService, server: FeedServer, clock: ManualClock
) -> None:
    server.add("/feed.xml", rss(["bridge", "vote"]), content_type="application/rss+xml", etag='"v1"')
    await service.add_feed(server.url("/feed.xml"), actor=ADMIN)
    metrics = Metrics()
    poller = FeedPoller(service, metrics=metrics)
    await poller.poll()
    clock.advance(timedelta(hours=1))
    await poller.poll()
    polls = metrics.registry.get_sample_value
    assert polls("briefbot_feed_polls_total", {"status": "new"}) == 1
    assert polls("briefbot_feed_polls_total", {"status": "unchanged"}) == 1
    assert polls("briefbot_feed_items_total", {"result": "added"}) == 2


async def test_guid_churn_is_the_same_item_and_an_edit_updates_its_article(
    service: BriefingService, server: FeedServer, clock: ManualClock
) -> None:
    server.add("/feed.xml", rss(["vote"]), content_type="application/rss+xml")
    await service.add_feed(server.url("/feed.xml"), actor=ADMIN)
    poller = FeedPoller(service)
    await poller.poll()
    (story,) = await service.list_stories()

    server.add("/feed.xml", rss(["vote"], guid_prefix="new-"), content_type="application/rss+xml")  # new GUIDs
    clock.advance(timedelta(hours=1))
    churn = await poller.poll()
    assert churn.results[0].added == [] and churn.results[0].skipped == 1 and await articles(service) == 1

    edited = ITEMS["vote"][1].replace("about 300 crowns", "about 450 crowns")
    server.add("/feed.xml", rss(["vote"], guid_prefix="new-", texts={"vote": edited}), content_type="text/xml")
    clock.advance(timedelta(hours=1))
    edit = await poller.poll()
    assert edit.results[0].updated == 1 and await articles(service) == 1
    brief = await service.brief(story.slug)
    assert brief.version > 1 and "450 crowns" in " ".join(
        [brief.tldr, *brief.summary, *[f.text for f in brief.facts.figures]]
    )


async def test_429_is_honoured_and_failures_back_off_then_pause_the_feed(
    service: BriefingService, server: FeedServer, clock: ManualClock
) -> None:
    server.add("/feed.xml", rss(["bridge"]), content_type="application/rss+xml")
    feed = await service.add_feed(server.url("/feed.xml"), actor=ADMIN, every="15m")
    server.script("/feed.xml", [Response(status=429, headers={"Retry-After": "3600"})])
    poller = FeedPoller(service)
    throttled = (await poller.poll()).results[0]
    assert throttled.status == "failed" and throttled.next_poll is not None
    assert throttled.next_poll - clock.now() >= timedelta(hours=1)

    server.add("/feed.xml", "<html><body>gone</body></html>", content_type="text/html", status=500)
    waits = []
    for _ in range(30):
        now = (await service.feed(feed.id)).next_poll
        clock.set(max(now, clock.now()))
        result = (await poller.poll()).results[0]
        if result.status == "paused":
            break
        assert result.next_poll is not None
        waits.append(result.next_poll - clock.now())
    assert result.status == "paused"
    assert waits == sorted(waits) and waits[-1] <= timedelta(hours=6)  # exponential, capped
    paused = await service.feed(feed.id)
    assert paused.paused and "500" in (paused.pause_reason or "")
    assert (await service.admin_log(1))[0].action == "feed-paused"

    server.add("/feed.xml", rss(["bridge"]), content_type="application/rss+xml")
    resumed = await service.pause_feed(feed.id, actor=ADMIN, paused=False)
    assert not resumed.paused and resumed.failures == 0
    assert (await poller.poll()).results[0].status == "new"  # a feed that recovers clears its errors
    assert (await service.feed(feed.id)).last_error is None


async def test_two_pollers_on_one_database_store_each_item_once(
    tmp_path: Path, server: FeedServer, clock: ManualClock
) -> None:
    for i in range(6):
        server.add(f"/f{i}.xml", rss([list(ITEMS)[i % 3]], guid_prefix=f"f{i}-"), content_type="application/rss+xml")
    path = tmp_path / "shared.db"
    async with (
        open_service(path, clock=clock, fetch_allow_hosts=["127.0.0.1"]) as one,
        open_service(path, clock=clock, fetch_allow_hosts=["127.0.0.1"]) as two,
    ):
        for i in range(6):
            await one.add_feed(server.url(f"/f{i}.xml"), actor=ADMIN)
        reports = await asyncio.gather(FeedPoller(one, batch=2).poll(), FeedPoller(two, batch=2).poll())
        polled = [r.feed_id for rep in reports for r in rep.results]
        assert sorted(polled) == sorted({f.id for f in await one.list_feeds()})  # each feed polled once
        assert sum(s.article_count for s in await one.list_stories(100)) == 3  # the same text is stored once
    assert all(server.hits(f"/f{i}.xml") == 2 for i in range(6))  # add (check) + one poll


async def test_subscribing_finds_a_pages_feed_and_refuses_what_is_not_one(
    service: BriefingService, server: FeedServer
) -> None:
    server.add("/feed.xml", rss(["bridge"]), content_type="application/rss+xml")
    server.add(
        "/index.html",
        "<html><head><link rel='alternate' type='application/rss+xml' href='/feed.xml'></head><body>Hi</body></html>",
        content_type="text/html",
    )
    server.add(
        "/plain.html", "<html><head><title>x</title></head><body>No feed here</body></html>", content_type="text/html"
    )
    feed = await service.add_feed(server.url("/index.html"), actor=ADMIN, story=None)
    assert feed.url == server.url("/feed.xml")
    with pytest.raises(FeedError, match="neither a feed nor a page"):
        await service.add_feed(server.url("/plain.html"), actor=ADMIN)
    with pytest.raises(PermissionDenied):
        await service.add_feed(server.url("/feed.xml"), actor=USER)
    assert len(await service.list_feeds()) == 1


async def test_a_feed_added_for_a_story_sends_every_item_there(
    seeded_service: BriefingService, server: FeedServer
) -> None:
    server.add("/feed.xml", rss(["bridge", "match"]), content_type="application/rss+xml")
    await seeded_service.add_feed(server.url("/feed.xml"), actor=ADMIN, story="japan-us-talks")
    await FeedPoller(seeded_service).poll()
    assert (await seeded_service.brief("japan-us-talks")).article_count == 3


async def test_the_pause_hook_runs_once_with_the_paused_feed_and_its_failure_stops_nothing(
    service: BriefingService, server: FeedServer, clock: ManualClock
) -> None:
    server.add("/a.xml", rss(["bridge"]), content_type="application/rss+xml")
    server.add("/b.xml", rss(["vote"]), content_type="application/rss+xml")
    slack = Actor(platform="slack", user_id="U1", name="ana", is_admin=True)
    first = await service.add_feed(server.url("/a.xml"), actor=slack, channel_id="C1")
    second = await service.add_feed(server.url("/b.xml"), actor=ADMIN)
    assert (first.platform, first.channel_id) == ("slack", "C1")
    assert (second.platform, second.channel_id) == (None, None)  # added from the console
    for path in ("/a.xml", "/b.xml"):
        server.add(path, "<html>down</html>", content_type="text/html", status=503)
    told: list[tuple[int, bool, str | None]] = []

    async def on_paused(feed: Feed) -> None:
        told.append((feed.id, feed.paused, feed.pause_reason))
        raise RuntimeError("the chat platform is down")  # logged; polling goes on

    poller = FeedPoller(service, on_paused=on_paused)
    for _ in range(40):
        due = min(f.next_poll for f in await service.list_feeds() if not f.paused)
        clock.set(max(clock.now(), due))
        await poller.poll()
        if all(f.paused for f in await service.list_feeds()):
            break
    assert sorted(t[0] for t in told) == [first.id, second.id]  # once each; routing by platform is the runtime's
    assert all(paused and "failing for 24 hours" in (reason or "") for _, paused, reason in told)
    clock.advance(timedelta(days=2))
    assert (await poller.poll()).results == [] and len(told) == 2
    assert paused_notice(await service.feed(first.id)).startswith("Briefbot paused the feed Coast Gazette (http://")


class StuckFetcher:
    """Stands for a feed server that never answers: the poll hangs until it is cancelled."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()

    async def get(self, url: str, **kw: object) -> object:
        self.entered.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def test_a_poll_cancelled_by_the_drain_gives_its_lease_back(
    store_target: str, server: FeedServer, clock: ManualClock
) -> None:
    server.add("/a.xml", rss(["bridge"]), content_type="application/rss+xml")
    async with open_service(store_target, clock=clock, fetch_allow_hosts=["127.0.0.1"]) as service:
        await service.add_feed(server.url("/a.xml"), actor=ADMIN)
        stuck = StuckFetcher()
        service.fetcher = stuck  # type: ignore[assignment]
        store = service.store
        task = asyncio.create_task(FeedPoller(service, owner="p1").poll())
        await stuck.entered.wait()
        now = clock.now()
        async with store.transaction():
            assert await store.claim_feeds("p2", now, now + LEASE, 10) == []  # p1 holds it
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        async with store.transaction():
            (feed,) = await store.claim_feeds("p2", now, now + LEASE, 10)  # at once, not after the lease
        assert feed.polls == 0  # released, not recorded as a poll
        async with store.transaction():
            assert not await store.release_feed(feed.id, "p1")  # p2 holds it now: p1 cannot release it
            assert await store.release_feed(feed.id, "p2")


async def test_a_stopped_poller_claims_no_new_batch(tmp_path: Path, server: FeedServer, clock: ManualClock) -> None:
    for i in range(3):
        server.add(f"/f{i}.xml", rss([list(ITEMS)[i]], guid_prefix=f"f{i}-"), content_type="application/rss+xml")
    async with open_service(tmp_path / "d.db", clock=clock, fetch_allow_hosts=["127.0.0.1"]) as service:
        for i in range(3):
            await service.add_feed(server.url(f"/f{i}.xml"), actor=ADMIN)
        stop = asyncio.Event()
        real = service.fetcher

        class Stopping:
            async def get(self, url: str, **kw: object) -> object:
                stop.set()  # SIGTERM arrives while the first batch is being fetched
                return await real.get(url, **kw)  # type: ignore[arg-type]

        service.fetcher = Stopping()  # type: ignore[assignment]
        report = await FeedPoller(service, batch=1, stop=stop).poll()
        assert len(report.results) == 1 and report.results[0].status == "new"  # the batch in hand finishes
        hits = [server.hits(f"/f{i}.xml") for i in range(3)]
        assert sorted(hits) == [1, 1, 2]  # add (check) for each, one poll
        assert (await FeedPoller(service, stop=stop).poll()).results == []
