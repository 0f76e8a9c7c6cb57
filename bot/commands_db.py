"""CLI subcommands for the database itself: `briefbot db copy SRC DST`."""

from __future__ import annotations

import argparse
from typing import Any

from bot.commands_digest import _action

COPY_HELP = (
    "SRC and DST are each a database file or a postgresql://user:pass@host:5432/db URL, so a whole database moves "
    "from SQLite to PostgreSQL or back. DST is created and migrated if need be; it must be empty or an earlier copy "
    "of SRC (running the copy again brings it up to date). Every table's row count and a checksum of every brief "
    "are compared afterwards. Stop the bot writing to SRC while it copies."
)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `briefbot db ...` to the CLI."""
    p = sub.add_parser(
        "db",
        parents=[common],
        help="the database: copy it between SQLite and PostgreSQL",
        description="The database itself (see each --help).",
    )
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    a = _action(
        actions, common, "copy", "copy a whole database to another (SQLite or PostgreSQL), verified", (0, 7), COPY_HELP
    )
    a.add_argument("source", metavar="SRC")
    a.add_argument("target", metavar="DST")
    a.set_defaults(func=cmd_copy)


async def cmd_copy(args: argparse.Namespace) -> int:
    """Copy a database and say what was verified."""
    from briefings.store.copy import copy_database

    report = await copy_database(args.source, args.target)
    width = max(len(name) for name in report.counts)
    for name, count in report.counts.items():
        print(f"{name:<{width}}  {count:>9}")
    print(
        f"Copied and verified: every table's row count matches, and the checksums of {report.briefs} briefs "
        f"and {report.versions} brief versions."
    )
    return 0
