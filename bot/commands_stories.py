"""CLI subcommands that change stories in bulk: `briefbot import`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.cli import console_actor, exit_codes_help, open_for
from briefings.errors import InvalidInput

IMPORT_HELP = (
    'Reads JSON Lines {"id"?, "title"?, "text", "url"?, "published"?, "outlet"?, "story"?} and prints one JSON '
    'line per row, in order: {"id", "story", "article_id", "created_story", "duplicate"} or {"id", "error"}. '
    "Each row is stored whole or not at all; a bad row never stops the rest. A row with \"story\" joins that "
    "(existing) story; the others are matched to the story of the same event as of their own \"published\" "
    "time, so an archive clusters as live ingestion would have. Exit 1 if any row failed."
)


async def cmd_import(args: argparse.Namespace) -> int:
    """Import articles from JSON Lines; one result line per row."""
    from briefings.imports import import_lines

    stream = _open_source(args.source)
    failed = 0
    try:
        async with open_for(args) as service:
            async for result in import_lines(service, stream, console_actor()):
                failed += "error" in result
                sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
                sys.stdout.flush()
    finally:
        if stream is not sys.stdin:
            stream.close()
    return 1 if failed else 0


def _open_source(source: str):
    """Open the rows: a file, or standard input for '-'; a folder or a missing file is bad input."""
    if source == "-":
        return sys.stdin
    path = Path(source)
    if path.is_dir():
        raise InvalidInput(f"{source} is a folder; give a .jsonl file or - for standard input.")
    if not path.is_file():
        raise InvalidInput(f"There is no file named {source}.")
    return open(path, encoding="utf-8", errors="replace")  # noqa: SIM115 - closed by the caller


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `briefbot import` to the CLI."""
    p = sub.add_parser(
        "import",
        parents=[common],
        help="add many articles from JSON Lines (a file or - for stdin), one result line per row",
        description=IMPORT_HELP,
        epilog=exit_codes_help(0, 1, 2, 7, 8),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("source", metavar="FILE.jsonl|-")
    p.set_defaults(func=cmd_import)
