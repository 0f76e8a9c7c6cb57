"""CLI subcommands for daily digests: `briefbot digest list|set|off|preview|run-due`."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from adapters.console.render import render_digest_status, render_digest_text
from bot.cli import console_actor, open_for
from bot.runtime import build_senders, close_senders
from bot.settings import load_settings
from briefings.clock import ManualClock, SystemClock
from briefings.errors import InvalidInput
from briefings.scheduler import DigestScheduler
from briefings.service import open_service


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `briefbot digest ...` to the CLI."""
    p = sub.add_parser("digest", parents=[common], help="daily channel digests: list, set, off, preview, run-due")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    a = actions.add_parser("list", parents=[common], help="each digest: channel, next run, last delivery, failures")
    a.set_defaults(func=cmd_list)

    a = actions.add_parser("set", parents=[common], help="subscribe a channel to a daily digest")
    a.add_argument("--platform", choices=["slack", "discord"], required=True)
    a.add_argument("--channel", required=True, metavar="ID")
    a.add_argument("--at", required=True, metavar="HH:MM", help="local time in --tz")
    a.add_argument("--tz", required=True, metavar="ZONE", help="IANA time zone, e.g. Asia/Tokyo")
    a.add_argument("--topics", nargs="*", default=[], help="only stories matching any of these (slugs or words)")
    a.add_argument("--weekdays", action="store_true", help="Monday to Friday only")
    a.add_argument("--always", action="store_true", help="post a short line even when nothing changed")
    a.set_defaults(func=cmd_set)

    a = actions.add_parser("off", parents=[common], help="stop a digest by id")
    a.add_argument("id", type=int)
    a.set_defaults(func=cmd_off)

    a = actions.add_parser("preview", parents=[common], help="show what a digest would post now (posts nothing)")
    a.add_argument("id", type=int)
    a.set_defaults(func=cmd_preview)

    a = actions.add_parser("run-due", parents=[common], help="deliver every digest due now (one scheduler tick)")
    a.add_argument("--now", metavar="ISO-8601", help="pretend it is this instant (e.g. 2025-06-21T00:00:00Z)")
    a.set_defaults(func=cmd_run_due)


async def cmd_list(args: argparse.Namespace) -> int:
    """List every digest."""
    async with open_for(args) as service:
        statuses = await service.digest_status()
    none = "No digests. Add one with `briefbot digest set`."
    print("\n".join(render_digest_status(s) for s in statuses) if statuses else none)
    return 0


async def cmd_set(args: argparse.Namespace) -> int:
    """Subscribe a channel to a digest."""
    async with open_for(args) as service:
        sub = await service.digest_on(
            platform=args.platform,
            channel_id=args.channel,
            at=args.at,
            tz=args.tz,
            actor=console_actor(),
            topics=args.topics,
            weekdays_only=args.weekdays,
            post_when_empty=args.always,
        )
        status = [s for s in await service.digest_status() if s.subscription.id == sub.id]
    print(render_digest_status(status[0]))
    return 0


async def cmd_off(args: argparse.Namespace) -> int:
    """Stop a digest."""
    async with open_for(args) as service:
        sub = await service.digest_by_id(args.id)
        await service.digest_off(
            platform=sub.platform, channel_id=sub.channel_id, actor=console_actor(), digest_id=sub.id
        )
    print(f"Stopped digest #{sub.id} ({sub.platform}:{sub.channel_id} at {sub.at} {sub.tz}).")
    return 0


async def cmd_preview(args: argparse.Namespace) -> int:
    """Print what a digest would post now."""
    async with open_for(args) as service:
        digest = await service.preview_subscription(await service.digest_by_id(args.id))
    print(render_digest_text(digest))
    return 0


async def cmd_run_due(args: argparse.Namespace) -> int:
    """Deliver every digest due at one instant, then exit (for cron)."""
    settings = load_settings(db=getattr(args, "db", None))
    clock = SystemClock()
    if args.now:
        try:
            now = datetime.fromisoformat(args.now.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput(f"'{args.now}' is not an ISO 8601 instant, e.g. 2025-06-21T00:00:00Z.") from None
        clock = ManualClock(now if now.tzinfo else now.replace(tzinfo=UTC))
    senders = await build_senders(settings)
    try:
        async with open_service(settings.db, clock=clock) as service:
            missing = sorted({s.subscription.platform for s in await service.digest_status()} - set(senders))
            for platform in missing:
                token = "SLACK_BOT_TOKEN" if platform == "slack" else "DISCORD_TOKEN"
                print(f"{platform} digests not delivered: {token} is not set.")
            scheduler = DigestScheduler(service.store, senders, clock=clock, grace=settings.digest_grace)
            report = await scheduler.tick()
    finally:
        await close_senders(senders)
    for name in ("sent", "empty", "retrying", "skipped", "failed"):
        for label in getattr(report, name):
            print(f"{name}: digest {label}")
    if not report.total():
        print("Nothing due.")
    return 1 if report.failed else 0
