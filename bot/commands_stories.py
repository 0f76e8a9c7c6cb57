"""CLI subcommands that change what belongs to which story: `briefbot import`, `merge`, `move`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.cli import add_command, console_actor, open_for
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


async def cmd_merge(args: argparse.Namespace) -> int:
    """Merge one story into another."""
    async with open_for(args, create=False) as service:
        result = await service.merge(args.story, args.into, actor=console_actor())
    moved = result.articles_moved
    print(
        f"Merged {result.merged.slug} into {result.story.slug} ({moved} article{'' if moved == 1 else 's'} moved); "
        f"'{result.merged.slug}' now opens {result.story.slug}."
    )
    return 0


async def cmd_move(args: argparse.Namespace) -> int:
    """Move one article to another story, or to a new one."""
    if args.to is None and not args.new:
        raise InvalidInput("Say where to: a story's slug, or --new.")
    if args.to is not None and args.new:
        raise InvalidInput("Give a story or --new, not both.")
    async with open_for(args, create=False) as service:
        result = await service.move(
            _article_id(args.article), args.to, actor=console_actor(), new_story=args.story if args.new else None
        )
    where = f"new story {result.target.slug}" if result.created_story else f"story {result.target.slug}"
    print(f"Moved article {result.article_id} from {result.source.slug} to {where}.")
    if result.source_removed:
        print(f"Story {result.source.slug} had no other article and was removed.")
    return 0


def _article_id(text: str) -> int:
    cleaned = text.strip().lstrip("#")
    if not cleaned.isdigit():
        raise InvalidInput(f"'{text}' is not an article id (a number, as `briefbot brief` lists under Sources).")
    return int(cleaned)


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
    """Add `briefbot import`, `merge` and `move` to the CLI."""
    p = add_command(
        sub,
        common,
        "import",
        cmd_import,
        "add many articles from JSON Lines (a file or - for stdin), one result line per row",
        (0, 1, 2, 7, 8),
        IMPORT_HELP,
    )
    p.add_argument("source", metavar="FILE.jsonl|-")

    p = add_command(
        sub,
        common,
        "merge",
        cmd_merge,
        "merge a story into another (its articles join; its slug keeps working as an alias)",
        (0, 2, 3, 7, 8),
        "SLUG's articles join INTO, INTO's brief is rebuilt, and SLUG and its aliases open INTO from now on. "
        "Logged in the admin log.",
    )
    p.add_argument("story", metavar="SLUG")
    p.add_argument("into", metavar="INTO")

    p = add_command(
        sub,
        common,
        "move",
        cmd_move,
        "move an article to another story, or to a new one (--new [--story NEW-SLUG])",
        (0, 2, 3, 4, 7, 8),
        "With --new the new story is named --story, or after the article's title. A moved article is never "
        "re-clustered automatically; a story left with no article is removed. Both briefs are rebuilt; logged in "
        "the admin log.",
    )
    p.add_argument("article", metavar="ARTICLE_ID")
    p.add_argument("to", nargs="?", metavar="SLUG")
    p.add_argument("--new", action="store_true", help="move it to a new story")
    p.add_argument("--story", metavar="NEW-SLUG", help="with --new: the new story's slug")
