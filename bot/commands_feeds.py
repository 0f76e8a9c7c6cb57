"""CLI subcommands for feeds: `briefbot feed add|list|remove|pause|resume|poll|import|export`."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.cli import console_actor, open_for
from bot.commands_digest import _action
from briefings.errors import InvalidInput

ADD_HELP = (
    "URL may be a feed (RSS, Atom or JSON Feed) or a web page that links to one; when the page links to several, "
    "they are listed and you add the one you want. Items go to --story, or each to the story of its event. The "
    "first poll stores the feed's current items as backlog: briefed, but not news for digests."
)
POLL_HELP = (
    "One pass over the feeds due now (or FEED_ID, due or not), for cron; `briefbot slack` and `briefbot discord` "
    "poll by themselves. Processes sharing the database poll each feed once. Exit 1 when a feed failed."
)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `briefbot feed ...` to the CLI."""
    p = sub.add_parser(
        "feed",
        parents=[common],
        help="news feeds: add, list, remove, pause, resume, poll, import, export",
        description="News feeds (RSS, Atom, JSON Feed) that bring articles in by themselves (see each --help).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    a = _action(
        actions, common, "add", "subscribe to a feed, or to the feed a page links to", (0, 2, 3, 4, 6, 7, 8), ADD_HELP
    )
    a.add_argument("url", metavar="URL")
    a.add_argument("--story", metavar="SLUG", help="send every item to this story")
    a.add_argument("--every", metavar="AGE", help="poll interval, 5m to 7d (default 15m)")
    a.add_argument("--name", help="a short name for lists and digests (default: the feed's title)")
    a.set_defaults(func=cmd_add)
    a = _action(
        actions, common, "list", "each feed: name, URL, interval, last success, items, errors, next poll", (0, 7)
    )
    a.add_argument("--format", choices=["text", "json"], default="text")
    a.set_defaults(func=cmd_list)
    for name, func, text in (
        ("remove", cmd_remove, "unsubscribe from a feed (its articles stay)"),
        ("pause", cmd_pause, "stop polling a feed for now"),
        ("resume", cmd_resume, "poll a paused feed again (its errors are cleared)"),
    ):
        a = _action(actions, common, name, text, (0, 2, 3, 7, 8))
        a.add_argument("id", metavar="FEED_ID")
        a.set_defaults(func=func)
    a = _action(actions, common, "poll", "poll the due feeds once (or one feed now)", (0, 1, 2, 3, 7, 8), POLL_HELP)
    a.add_argument("id", nargs="?", metavar="FEED_ID")
    a.add_argument("--now", action="store_true", help="poll every feed now, due or not (FEED_ID always is)")
    a.set_defaults(func=cmd_poll)
    a = _action(actions, common, "import", "subscribe to every feed of an OPML file", (0, 2, 6, 7, 8))
    a.add_argument("source", metavar="FILE.opml|-")
    a.add_argument("--every", metavar="AGE", help="poll interval for the new feeds (default 15m)")
    a.set_defaults(func=cmd_import)
    a = _action(actions, common, "export", "print every feed as OPML 2.0", (0, 7))
    a.set_defaults(func=cmd_export)


async def cmd_add(args: argparse.Namespace) -> int:
    """Subscribe to a feed."""
    async with open_for(args) as service:
        feed = await service.add_feed(
            args.url, actor=console_actor(), story=args.story, every=args.every, name=args.name
        )
    print(f"Following feed {feed.id}: {feed.label()} ({feed.url}), every {_age(feed.every)}.")
    return 0


async def cmd_list(args: argparse.Namespace) -> int:
    """List the feeds."""
    async with open_for(args, create=False) as service:
        feeds = await service.list_feeds()
    if args.format == "json":
        print("[" + ",".join(f.model_dump_json() for f in feeds) + "]")
        return 0
    if not feeds:
        print("No feeds yet. Add one with: briefbot feed add URL")
        return 0
    for f in feeds:
        state = f"paused: {f.pause_reason}" if f.paused else f"next poll {_when(f.next_poll)}"
        print(f"#{f.id}  {f.label()}  every {_age(f.every)}  {f.items} items  {state}")
        print(f"     {f.url}")
        ok = _when(f.last_success) if f.last_success else "never"
        line = f"     last success {ok}"
        if f.last_error:
            line += f"; {f.failures} failure{'' if f.failures == 1 else 's'} in a row, last: {f.last_error}"
        print(line + (f"; items go to {f.story}" if f.story else ""))
    return 0


async def cmd_remove(args: argparse.Namespace) -> int:
    """Unsubscribe."""
    async with open_for(args, create=False) as service:
        feed = await service.remove_feed(_feed_id(args.id), actor=console_actor())
    print(f"Stopped following feed {feed.id} ({feed.label()}); its articles stay.")
    return 0


async def cmd_pause(args: argparse.Namespace) -> int:
    """Pause a feed."""
    async with open_for(args, create=False) as service:
        feed = await service.pause_feed(_feed_id(args.id), actor=console_actor())
    print(f"Paused feed {feed.id} ({feed.label()}).")
    return 0


async def cmd_resume(args: argparse.Namespace) -> int:
    """Resume a feed."""
    async with open_for(args, create=False) as service:
        feed = await service.pause_feed(_feed_id(args.id), actor=console_actor(), paused=False)
    print(f"Resumed feed {feed.id} ({feed.label()}); it is polled at the next pass.")
    return 0


async def cmd_poll(args: argparse.Namespace) -> int:
    """Poll the due feeds once."""
    from briefings.feeds.poll import FeedPoller

    async with open_for(args, create=False) as service:
        ids: tuple[int, ...] = ()
        if args.id is not None:
            ids = ((await service.feed(_feed_id(args.id))).id,)
        elif args.now:
            ids = tuple(f.id for f in await service.list_feeds() if not f.paused)
        report = await FeedPoller(service).poll(ids)
    if not report.results:
        print("No feed is due.")
    for r in report.results:
        if r.error:
            print(f"#{r.feed_id} {r.label}: {r.status}: {r.error}", file=sys.stderr)
            continue
        extra = f", {r.updated} updated" if r.updated else ""
        print(f"#{r.feed_id} {r.label}: {len(r.added)} new{extra}, {r.skipped} already stored")
        for problem in r.errors:
            print(f"   skipped an item: {problem}", file=sys.stderr)
    return 1 if report.failed() else 0


async def cmd_import(args: argparse.Namespace) -> int:
    """Subscribe to the feeds of an OPML file."""
    text = sys.stdin.buffer.read() if args.source == "-" else _read(args.source)
    async with open_for(args) as service:
        added = await service.import_opml(text, actor=console_actor(), every=args.every)
    for item, feed in added:
        print(f"#{feed.id} {feed.label()}" if feed else f"already followed: {item.url}")
    print(f"{sum(1 for _, f in added if f)} feeds added, {sum(1 for _, f in added if not f)} already followed.")
    return 0


async def cmd_export(args: argparse.Namespace) -> int:
    """Print the feeds as OPML."""
    async with open_for(args, create=False) as service:
        sys.stdout.write(await service.export_opml())
    return 0


def _read(source: str) -> bytes:
    path = Path(source)
    if not path.is_file():
        raise InvalidInput(f"There is no file named {source}.")
    return path.read_bytes()


def _feed_id(text: str) -> int:
    cleaned = text.strip().lstrip("#")
    if not cleaned.isdigit():
        raise InvalidInput(f"'{text}' is not a feed id (a number, as `briefbot feed list` shows).")
    return int(cleaned)


def _age(every: Any) -> str:
    seconds = int(every.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC") if at else "-"
