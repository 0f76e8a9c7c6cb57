"""CLI subcommands that start the chat platforms: `briefbot slack`, `briefbot discord`."""

from __future__ import annotations

import argparse
import os
import textwrap
from typing import Any

from bot.cli import exit_codes_help
from bot.runtime import running_feed_poller, running_scheduler
from bot.settings import load_settings
from briefings.service import open_service

SLACK = (
    "Runs until interrupted, with the digest scheduler. Needs SLACK_BOT_TOKEN, and SLACK_SIGNING_SECRET unless "
    "SLACK_APP_TOKEN is set."
)
DISCORD = (
    "run: the bot until interrupted, with the digest scheduler; sync: upload the slash commands (after an "
    "upgrade, so Discord stops showing old ones); invite: print the invite URL. Needs DISCORD_TOKEN "
    "(invite: DISCORD_APPLICATION_ID or DISCORD_TOKEN)."
)


def _parser(sub: Any, common: argparse.ArgumentParser, name: str, help_: str, more: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        parents=[common],
        help=help_,
        description=f"{help_}\n\n{textwrap.fill(more, 100)}",
        epilog=exit_codes_help(0, 2, 7),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the platform subcommands to the CLI."""
    p = _parser(sub, common, "slack", "run the Slack app (Socket Mode if SLACK_APP_TOKEN is set, else HTTP)", SLACK)
    p.add_argument("--port", type=int, default=None, help="HTTP port (default $PORT or 3000)")
    p.set_defaults(func=cmd_slack)

    p = _parser(sub, common, "discord", "run the Discord bot, sync its commands or print its invite URL", DISCORD)
    p.add_argument("action", nargs="?", choices=["run", "sync", "invite"], default="run")
    p.add_argument("--guild", type=int, default=None, help="with sync: sync to this guild only (fast, for testing)")
    p.set_defaults(func=cmd_discord)


async def cmd_slack(args: argparse.Namespace) -> int:
    """Run the Slack app until interrupted."""
    from bot.run_slack import run_slack

    settings = load_settings(db=getattr(args, "db", None))
    port = args.port or int(os.environ.get("PORT", "3000"))
    async with (
        open_service(settings.db, fetch_allow_hosts=settings.fetch_allow_hosts) as service,
        running_scheduler(settings, service) as scheduler,
        running_feed_poller(service, senders=scheduler.senders if scheduler else None),
    ):
        await run_slack(settings, service, port=port)
    return 0


async def cmd_discord(args: argparse.Namespace) -> int:
    """Run the Discord bot, sync its commands, or print its invite URL."""
    from bot import run_discord

    settings = load_settings(db=getattr(args, "db", None))
    if args.action == "invite":
        print(run_discord.discord_invite(settings))
        return 0
    async with open_service(settings.db, fetch_allow_hosts=settings.fetch_allow_hosts) as service:
        if args.action == "sync":
            synced = await run_discord.sync_discord(settings, service, args.guild)
            where = f"guild {args.guild}" if args.guild else "all guilds (global; may take up to an hour to appear)"
            print(f"Synced {len(synced or [])} command(s) to {where}: {', '.join(map(str, synced or []))}")
        else:
            async with (
                running_scheduler(settings, service) as scheduler,
                running_feed_poller(service, senders=scheduler.senders if scheduler else None),
            ):
                await run_discord.run_discord(settings, service)
    return 0
