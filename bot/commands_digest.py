"""CLI subcommands for daily digests: `briefbot digest list|set|off|preview|run-due`."""

from __future__ import annotations

import argparse
import getpass
from datetime import UTC, datetime
from typing import Any

from bot.runtime import build_senders, close_senders
from bot.settings import load_settings
from briefings.clock import ManualClock, SystemClock
from briefings.errors import InvalidInput
from briefings.models import Actor, Digest, DigestStatus
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


def _actor() -> Actor:
    try:
        user = getpass.getuser()
    except Exception:  # no login name in some containers
        user = "console"
    return Actor(platform="console", user_id=user, is_admin=True)


def render_status(status: DigestStatus) -> str:
    """Describe one digest in a few lines."""
    sub = status.subscription
    head = f"#{sub.id} {sub.platform}:{sub.channel_id} daily at {sub.at} {sub.tz}"
    head += " (weekdays)" if sub.weekdays_only else ""
    head += f" topics: {', '.join(sub.topics)}" if sub.topics else ""
    lines = [head]
    if not sub.enabled:
        lines.append(f"  STOPPED: {sub.disabled_reason}")
    elif status.next_run_local and status.next_run_utc:
        lines.append(
            f"  next run: {status.next_run_local:%Y-%m-%d %H:%M %Z} ({status.next_run_utc:%Y-%m-%d %H:%M} UTC)"
        )
    last = (
        f"{status.last_delivery_slot} at {status.last_delivery_at:%Y-%m-%d %H:%M} UTC"
        if status.last_delivery_at
        else "never"
    )
    lines.append(f"  last delivery: {last}")
    if status.last_failure:
        when = f" ({status.last_failure_at:%Y-%m-%d %H:%M} UTC)" if status.last_failure_at else ""
        lines.append(f"  last failure{when}: {status.last_failure}")
    lines += [f"  skipped {s}" for s in status.skipped]
    return "\n".join(lines)


def render_digest_text(digest: Digest) -> str:
    """Render a digest as plain text."""
    lines = [digest.heading, ""]
    if not digest.items:
        lines.append("Nothing new since the last digest.")
    for item in digest.items:
        new = "New story" if item.is_new_story else f"+{len(item.new_sources)} source(s)"
        lines.append(f"• {item.title} [{new}]")
        if item.tldr:
            lines.append(f"  {item.tldr}")
        for src in item.new_sources[:3]:
            lines.append(f"  - {src.title}" + (f" ({src.outlet})" if src.outlet else ""))
        lines.append(f"  /brief {item.slug}")
    if digest.more:
        lines.append(f"…and {digest.more} more stories changed: /brief list")
    return "\n".join(lines)


async def cmd_list(args: argparse.Namespace) -> int:
    """List every digest."""
    settings = load_settings(db=getattr(args, "db", None))
    async with open_service(settings.db) as service:
        statuses = await service.digest_status()
    print(
        "\n".join(render_status(s) for s in statuses) if statuses else "No digests. Add one with `briefbot digest set`."
    )
    return 0


async def cmd_set(args: argparse.Namespace) -> int:
    """Subscribe a channel to a digest."""
    settings = load_settings(db=getattr(args, "db", None))
    async with open_service(settings.db) as service:
        sub = await service.digest_on(
            platform=args.platform,
            channel_id=args.channel,
            at=args.at,
            tz=args.tz,
            actor=_actor(),
            topics=args.topics,
            weekdays_only=args.weekdays,
            post_when_empty=args.always,
        )
        status = [s for s in await service.digest_status() if s.subscription.id == sub.id]
    print(render_status(status[0]))
    return 0


async def cmd_off(args: argparse.Namespace) -> int:
    """Stop a digest."""
    settings = load_settings(db=getattr(args, "db", None))
    async with open_service(settings.db) as service:
        sub = await service.digest_by_id(args.id)
        await service.digest_off(platform=sub.platform, channel_id=sub.channel_id, actor=_actor(), digest_id=sub.id)
    print(f"Stopped digest #{sub.id} ({sub.platform}:{sub.channel_id} at {sub.at} {sub.tz}).")
    return 0


async def cmd_preview(args: argparse.Namespace) -> int:
    """Print what a digest would post now."""
    settings = load_settings(db=getattr(args, "db", None))
    async with open_service(settings.db) as service:
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
