"""Feed polling at scale: N feeds x M items of real news on local servers, one cold and one warm poll cycle.

    python -m bench.feeds [--feeds 1000] [--items 20] [--hosts 50] [--unique] [--data ../shared/eval]

A child process serves the feeds (RSS 2.0 with the full text in ``content:encoded``, an ETag and a
Last-Modified each) from ``--hosts`` FeedServers on 127.0.0.1, 127.0.0.2, ... so per-host politeness is
exercised as it would be on the web. The items are CNN/DM dev articles: by default each feed carries 20 of
them drawn from the whole set, so the same article reaches many feeds (as wire copy does) and most items are
recognised as already stored; ``--unique`` gives every item its own text (a line naming it is appended), so
every item is ingested. The feeds are subscribed through ``BriefingService.add_feed`` and polled by
:class:`briefings.feeds.poll.FeedPoller` on a fresh SQLite database:

- cold cycle: every feed's first poll (all items parsed, deduplicated and stored as backfill);
- warm cycle: the clock moved past the interval, every feed polled again and answered 304.

Baselines in the same run: the same distinct texts through ``briefbot import`` (``import_lines``) on a fresh
database, which is the ingestion cost the cold cycle cannot go below, and one plain conditional GET per feed
with httpx (the cost of a 304 without Briefbot). Peak RSS is this process's (the server runs in the child).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from multiprocessing.connection import Connection
from pathlib import Path
from xml.sax.saxutils import escape

import httpx

from briefings.clock import ManualClock
from briefings.feeds.poll import FeedPoller
from briefings.feeds.testing import FeedServer
from briefings.imports import import_lines
from briefings.service import open_service
from briefings.testing import ADMIN, seed_text

REPO = Path(__file__).resolve().parents[1]
START = datetime(2025, 3, 2, 8, 0, tzinfo=UTC)
EVERY = timedelta(minutes=15)


@dataclass(frozen=True)
class Plan:
    """What to serve: feed count, items per feed, host count, unique texts or shared wire copy."""

    feeds: int
    items: int
    hosts: int
    unique: bool

    def item_index(self, feed: int, item: int, pool: int) -> int:
        """Return which dev article item ``item`` of feed ``feed`` carries."""
        return (feed * 7 + item * 131) % pool

    def host(self, feed: int) -> str:
        """Return the loopback address serving feed ``feed``."""
        return f"127.0.0.{feed % self.hosts + 1}"


def _texts(data: Path) -> list[str]:
    path = data / "cnndm-dev.jsonl"
    if not path.is_file():
        return [seed_text()]
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


def _item_text(plan: Plan, texts: list[str], feed: int, item: int) -> str:
    text = texts[plan.item_index(feed, item, len(texts))]
    return f"{text}\n\nFiled for feed {feed}, item {item}." if plan.unique else text


def _rss(plan: Plan, texts: list[str], feed: int) -> str:
    items = []
    for i in range(plan.items):
        text = _item_text(plan, texts, feed, i)
        title = escape(text.split("\n", 1)[0][:90])
        when = format_datetime(START - timedelta(minutes=feed + i * 3), usegmt=True)
        body = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n") if p.strip())
        items.append(
            f"<item><title>{title}</title><link>http://outlet{feed % plan.hosts}.test/{feed}/{i}</link>"
            f"<guid isPermaLink='false'>f{feed}-i{i}</guid><pubDate>{when}</pubDate>"
            f"<description>{title}</description><content:encoded><![CDATA[{body}]]></content:encoded></item>"
        )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0' "
        "xmlns:content='http://purl.org/rss/1.0/modules/content/'><channel>"
        f"<title>Outlet {feed}</title><link>http://outlet{feed}.test/</link><description>News</description>"
        f"{''.join(items)}</channel></rss>"
    )


def _serve(plan: Plan, data: Path, pipe: Connection) -> None:
    """Child process: serve every feed, send back their URLs, serve until told to stop."""
    texts = _texts(data)
    servers = [FeedServer(plan.host(h)).start() for h in range(min(plan.hosts, plan.feeds))]
    urls = []
    modified = format_datetime(START - timedelta(hours=1), usegmt=True)
    for feed in range(plan.feeds):
        server = servers[feed % plan.hosts]
        path = f"/feeds/{feed}.xml"
        server.add(path, _rss(plan, texts, feed), etag=f'"f{feed}-v1"', last_modified=modified)
        urls.append(server.url(path))
    pipe.send(urls)
    pipe.recv()  # stop
    pipe.send(sum(len(s.requests) for s in servers))
    for server in servers:
        server.stop()


async def _plain_conditional_gets(urls: list[str], concurrency: int) -> float:
    """Seconds for one conditional GET per feed with httpx, ``concurrency`` at once (the 304 floor)."""
    slots = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=10) as client:

        async def one(i: int, url: str) -> None:
            async with slots:
                response = await client.get(url, headers={"If-None-Match": f'"f{i}-v1"'})
                if response.status_code != 304:
                    raise RuntimeError(f"{url} answered {response.status_code}, not 304")

        started = time.perf_counter()
        await asyncio.gather(*(one(i, u) for i, u in enumerate(urls)))
        return time.perf_counter() - started


async def _import_baseline(plan: Plan, texts: list[str]) -> tuple[float, int]:
    """The cold cycle's distinct texts through ``briefbot import`` on a fresh database: (seconds, articles).

    With ``--unique`` the rows are the feed items as the poller stores them (feed by feed, each feed's oldest item
    first), with the item's link, publication time and outlet, so the two differ only by the polling."""
    lines = []
    if plan.unique:
        for f in range(plan.feeds):
            for i in reversed(range(plan.items)):
                when = START - timedelta(minutes=f + i * 3)
                url = f"http://outlet{f % plan.hosts}.test/{f}/{i}"
                row = {"text": _item_text(plan, texts, f, i), "url": url, "published": when.isoformat()}
                lines.append(json.dumps({**row, "outlet": f"Outlet {f}"}))
    else:
        used = sorted({plan.item_index(f, i, len(texts)) for f in range(plan.feeds) for i in range(plan.items)})
        lines = [json.dumps({"text": texts[k], "published": START.isoformat()}) for k in used]
    rows = lines
    with tempfile.TemporaryDirectory(prefix="briefbot-feeds-import-") as tmp:
        async with open_service(Path(tmp) / "b.db", clock=ManualClock(START)) as service:
            started = time.perf_counter()
            async for _ in import_lines(service, lines, ADMIN):
                pass
            return time.perf_counter() - started, len(rows)


async def _cycles(plan: Plan, urls: list[str]) -> dict[str, float]:
    hosts = sorted({httpx.URL(u).host for u in urls})
    clock = ManualClock(START)
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="briefbot-feeds-") as tmp:
        async with open_service(Path(tmp) / "b.db", clock=clock, fetch_allow_hosts=hosts) as service:
            started = time.perf_counter()
            for url in urls:
                await service.add_feed(url, actor=ADMIN, every=EVERY)
            out["subscribe"] = time.perf_counter() - started
            poller = FeedPoller(service, owner="bench")
            started = time.perf_counter()
            cold = await poller.poll()
            out["cold"] = time.perf_counter() - started
            out["cold_polled"] = len(cold.results)
            out["cold_failed"] = len(cold.failed())
            out["stories"] = await service.story_count()
            out["articles"] = 0
            for offset in range(0, int(out["stories"]), 1000):
                out["articles"] += sum(s.article_count for s in await service.list_stories(1000, offset))
            clock.advance(EVERY + timedelta(seconds=1))
            started = time.perf_counter()
            warm = await poller.poll()
            out["warm"] = time.perf_counter() - started
            out["warm_polled"] = len(warm.results)
            out["warm_unchanged"] = sum(r.status == "unchanged" for r in warm.results)
            out["warm_new"] = warm.new_items()
    return out


def main(argv: list[str] | None = None) -> int:
    """Serve the feeds, run the baselines and both cycles, print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.feeds", description=__doc__)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--hosts", type=int, default=50, help="loopback addresses the feeds are spread over")
    parser.add_argument("--unique", action="store_true", help="every item its own text (all are ingested)")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "eval")
    args = parser.parse_args(argv)
    plan = Plan(args.feeds, args.items, max(1, min(args.hosts, 254)), args.unique)
    texts = _texts(args.data)
    parent, child = mp.Pipe()
    server = mp.get_context("fork").Process(target=_serve, args=(plan, args.data, child), daemon=True)
    server.start()
    urls: list[str] = parent.recv()
    try:
        floor = asyncio.run(_plain_conditional_gets(urls, concurrency=4))
        import_s, import_n = asyncio.run(_import_baseline(plan, texts))
        r = asyncio.run(_cycles(plan, urls))
    finally:
        parent.send("stop")
        requests = parent.recv()
        server.join(timeout=10)
    items = plan.feeds * plan.items
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    mode = "unique texts" if plan.unique else f"{len(texts)} dev texts shared across feeds"
    print(f"{plan.feeds:,} feeds x {plan.items} items on {min(plan.hosts, plan.feeds)} hosts ({mode})")
    rows = [
        ("subscribe (add_feed, one GET each)", f"{r['subscribe']:.1f} s"),
        ("cold cycle: wall time", f"{r['cold']:.1f} s"),
        ("  items per second", f"{items / r['cold']:.0f}"),
        ("  feeds polled / failed", f"{r['cold_polled']:.0f} / {r['cold_failed']:.0f}"),
        ("  articles stored / stories", f"{r['articles']:.0f} / {r['stories']:.0f}"),
        ("  baseline: same texts through import", f"{import_s:.1f} s for {import_n:,} ({import_n / import_s:.1f}/s)"),
        ("  cold / import baseline", f"{r['cold'] / import_s:.2f}x"),
        ("  polling cost per item beyond import", f"{(r['cold'] - import_s) / items * 1000:.2f} ms"),
        ("warm cycle (all 304): wall time", f"{r['warm']:.2f} s"),
        ("  per feed", f"{r['warm'] / max(r['warm_polled'], 1) * 1000:.2f} ms"),
        ("  feeds unchanged / new items", f"{r['warm_unchanged']:.0f} / {r['warm_new']:.0f}"),
        ("  baseline: plain conditional GETs (httpx)", f"{floor:.2f} s"),
        ("  warm / plain GETs", f"{r['warm'] / floor:.1f}x"),
        ("requests served in all", f"{requests:,}"),
        ("peak RSS (this process)", f"{peak_mb:.0f} MB"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value:>28}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
