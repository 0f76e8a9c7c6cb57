"""CLI subcommands for daily digests: `briefbot digest list|set|off|preview|run-due`."""

from __future__ import annotations

import argparse
import logging
import sys
import textwrap
from datetime import UTC, datetime
from typing import Any

from adapters.console.render import render_digest_on, render_digest_status, render_digest_text
from bot.cli import console_actor, exit_codes_help, open_for
from bot.runtime import build_senders, close_senders
from bot.settings import load_settings
from briefings.clock import ManualClock, SystemClock
from briefings.digest_text import title
from briefings.errors import InvalidInput
from briefings.scheduler import DigestScheduler
from briefings.service import open_service

log = logging.getLogger(__name__)

TOKENS = {"slack": "SLACK_BOT_TOKEN", "discord": "DISCORD_TOKEN"}
RUN_DUE = (
    "Delivers every digest due now (one scheduler tick), for cron. Exit 1 when a due digest could not be "
    "delivered: its platform's token is not set, a post failed (it is retried on a later run), or the digest "
    "was stopped after repeated failures; each is named on stderr."
)


def _action(actions: Any, common: argparse.ArgumentParser, name: str, help_: str, exits: tuple[int, ...],
            more: str = "") -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = actions.add_parser(
        name,
        parents=[common],
        help=help_,
        description=help_ + (f"\n\n{textwrap.fill(more, 100)}" if more else ""),
        epilog=exit_codes_help(*exits),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `briefbot digest ...` to the CLI."""
    p = sub.add_parser(
        "digest",
        parents=[common],
        help="daily channel digests: list, set, off, preview, run-due",
        description="Daily channel digests: list, set, off, preview, run-due (see each one's --help).",
        epilog=exit_codes_help(0, 1, 2, 3, 7, 8),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    a = _action(actions, common, "list", "each digest: channel, next run, last delivery, failures", (0, 7))
    a.set_defaults(func=cmd_list)

    a = _action(actions, common, "set", "subscribe a channel to a daily digest", (0, 2, 7, 8))
    a.add_argument("--platform", choices=["slack", "discord"], required=True)
    a.add_argument("--channel", required=True, metavar="ID")
    a.add_argument("--at", required=True, metavar="HH:MM", help="local time in --tz")
    a.add_argument("--tz", required=True, metavar="ZONE", help="IANA time zone, e.g. Asia/Tokyo")
    a.add_argument("--topics", nargs="*", default=[], help="only stories matching any of these (slugs or words)")
    a.add_argument("--weekdays", action="store_true", help="Monday to Friday only")
    a.add_argument("--always", action="store_true", help="post a short line even when nothing changed")
    a.set_defaults(func=cmd_set)

    a = _action(actions, common, "off", "stop a digest by id", (0, 2, 3, 7, 8))
    a.add_argument("id", type=int)
    a.set_defaults(func=cmd_off)

    a = _action(actions, common, "preview", "show what a digest would post now (posts nothing)", (0, 2, 3, 7))
    a.add_argument("id", type=int)
    a.set_defaults(func=cmd_preview)

    a = _action(actions, common, "run-due", "deliver every digest due now (one scheduler tick)", (0, 1, 2, 7, 8),
                RUN_DUE)
    a.add_argument("--now", metavar="ISO-8601", help="pretend it is this instant (e.g. 2025-06-21T00:00:00Z)")
    a.set_defaults(func=cmd_run_due)


async def cmd_list(args: argparse.Namespace) -> int:
    """List every digest."""
    async with open_for(args) as service:
        statuses = await service.digests.status()
    none = "No digests. Add one with 'briefbot digest set'."
    print("\n".join(render_digest_status(s) for s in statuses) if statuses else none)
    return 0


async def cmd_set(args: argparse.Namespace) -> int:
    """Subscribe a channel to a digest."""
    async with open_for(args) as service:
        status = await service.digests.on(
            platform=args.platform,
            channel_id=args.channel,
            at=args.at,
            tz=args.tz,
            actor=console_actor(),
            topics=args.topics,
            weekdays_only=args.weekdays,
            post_when_empty=args.always,
        )
    print(render_digest_on(status))
    return 0


async def cmd_off(args: argparse.Namespace) -> int:
    """Stop a digest."""
    async with open_for(args) as service:
        sub = await service.digests.by_id(args.id)
        await service.digests.off(
            platform=sub.platform, channel_id=sub.channel_id, actor=console_actor(), digest_id=sub.id
        )
    print(f"Stopped digest {title(sub)} ({sub.platform}:{sub.channel_id}).")
    return 0


async def cmd_preview(args: argparse.Namespace) -> int:
    """Print what a digest would post now."""
    async with open_for(args) as service:
        digest = await service.digests.preview_subscription(await service.digests.by_id(args.id))
    print(render_digest_text(digest))
    return 0


def _now(text: str | None) -> ManualClock | SystemClock:
    if not text:
        return SystemClock()
    try:
        now = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"'{text}' is not an ISO 8601 instant, e.g. 2025-06-21T00:00:00Z.") from None
    return ManualClock(now if now.tzinfo else now.replace(tzinfo=UTC))


async def cmd_run_due(args: argparse.Namespace) -> int:
    """Deliver every digest due at one instant, then exit (for cron): 1 when a due digest was not delivered."""
    settings = load_settings(db=getattr(args, "db", None))
    clock = _now(args.now)
    senders = await build_senders(settings)
    try:
        async with open_service(settings.db, clock=clock) as service:
            scheduler = DigestScheduler(
                service.store, senders, clock=clock, grace=settings.digest_grace, lease=settings.digest_lease
            )
            stranded = await scheduler.due_without_sender()
            idle = sorted({s.subscription.platform for s in await service.digests.status()} - set(senders))
            report = await scheduler.tick()
    finally:
        await close_senders(senders)
    problems = [
        f"digest {sub.id}@{key} ({sub.platform}:{sub.channel_id}) not delivered: {TOKENS[sub.platform]} is not set"
        for sub, key in stranded
    ]
    problems += [f"digest {label} not delivered, will retry: {report.errors.get(label, '')}".rstrip(": ")
                 for label in report.retrying]
    problems += [f"digest {label} stopped: {report.errors.get(label, '')}".rstrip(": ") for label in report.failed]
    for name in ("sent", "empty", "skipped"):
        for label in getattr(report, name):
            print(f"{name}: digest {label}")
    for platform in idle:
        if not any(sub.platform == platform for sub, _ in stranded):
            print(f"note: {platform} digests cannot be delivered from here: {TOKENS[platform]} is not set.")
    for problem in problems:
        print(f"briefbot: {problem}", file=sys.stderr)
    if not report.total() and not problems:
        print("Nothing due.")
    return 1 if problems else 0
