"""The `briefbot` command line: the console face of the engine, plus the platform runners."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import sys
import tempfile
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from adapters.console.render import render_error
from briefings.errors import BriefingError, InvalidInput
from briefings.models import Actor
from briefings.store import is_postgres_url

if TYPE_CHECKING:
    from briefings.service import BriefingService

log = logging.getLogger(__name__)

DEMO_SLUG = "japan-us-talks"
LONG_RUNNING = frozenset({"slack", "discord", "serve"})


def _console():
    from rich.console import Console

    return Console(soft_wrap=False, highlight=False)


def _err(message: str) -> None:
    print(f"briefbot: {message}", file=sys.stderr)


def console_actor() -> Actor:
    """Return the operator at the console, who is always an admin."""
    try:
        user = getpass.getuser()
    except Exception:  # no login name (containers): still an operator at the console
        user = "console"
    return Actor(platform="console", user_id=user, is_admin=True)


def _settings(args: argparse.Namespace):
    from bot.settings import load_settings

    return load_settings(db=getattr(args, "db", None))


@asynccontextmanager
async def open_for(
    args: argparse.Namespace, db: str | None = None, *, create: bool = True
) -> AsyncIterator[BriefingService]:
    """Open the service on the database the arguments and settings name (read commands pass ``create=False``).

    A database this command created is removed again if the command fails before storing anything: a failed first
    command leaves nothing behind, and a failed import keeps the rows it stored.
    """
    from briefings.service import open_service

    settings = _settings(args)
    path = db or settings.db
    # a server database is never ours to remove; a new file is removed again if the command fails
    existed = path == ":memory:" or is_postgres_url(path) or Path(path).exists()  # noqa: ASYNC240
    empty = False
    try:
        async with open_service(path, fetch_allow_hosts=settings.fetch_allow_hosts, create=create) as service:
            try:
                yield service
            except BaseException:
                empty = not existed and await _holds_nothing(service)
                raise
    except BaseException:
        empty = empty or not existed and not Path(path).exists()  # noqa: ASYNC240
        raise
    finally:
        if empty:
            for leftover in (path, f"{path}-wal", f"{path}-shm"):
                Path(leftover).unlink(missing_ok=True)  # noqa: ASYNC240


async def _holds_nothing(service: BriefingService) -> bool:
    """Tell whether a database this command created is still empty (so removing it loses nothing)."""
    try:
        return await service.story_count() == 0 and not await service.digests.status()
    except Exception:  # the database itself failed: keep it for inspection
        return False


# ----- commands -------------------------------------------------------------------------------------


async def cmd_demo(args: argparse.Namespace) -> int:
    """Load the bundled sample story into a throwaway database and show its brief."""
    from adapters.console.render import render_brief

    sample = resources.files("briefings.data").joinpath("japan-us-talks.txt").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="briefbot-demo-") as tmp:
        db = getattr(args, "db", None) or str(Path(tmp) / "demo.db")
        async with open_for(args, db=db) as service:
            if await service.store.story_by_ref(DEMO_SLUG) is None:
                await service.add_text(sample, actor=console_actor(), story=DEMO_SLUG)
            brief = await service.brief(DEMO_SLUG)
    console = _console()
    console.print(render_brief(brief))
    console.print(
        "Next: `briefbot add FILE|URL` to add articles to ./briefbot.db, `briefbot stories`, "
        "`briefbot brief SLUG`, `briefbot --help`."
    )
    return 0


async def cmd_add(args: argparse.Namespace) -> int:
    """Add an article from a file, stdin or a URL."""
    from adapters.console.render import render_add_result
    from briefings.ingest import article_from_bytes, parse_published, read_file
    from briefings.slugs import normalize_name, validate_slug

    if args.story is not None:
        validate_slug(normalize_name(args.story), "story name")
    published = parse_published(args.published) if args.published else None
    meta = {"title": args.title, "url": args.url, "published": published}
    source: str = args.source
    article = None
    if source.startswith(("http://", "https://")) or "://" in source:
        if args.title or args.published:
            _err("--title and --published are taken from the page when adding a URL; ignoring them.")
    elif source == "-":
        article = article_from_bytes(sys.stdin.buffer.read(), "stdin", kind=args.kind or "txt", **meta)
    else:
        article = read_file(source, kind=args.kind, **meta)
    async with open_for(args) as service:  # opened (or created) only once the input is known to be good
        if article is None:
            result = await service.add_url(source, actor=console_actor(), story=args.story)
        else:
            result = await service.add_article(article, actor=console_actor(), story=args.story)
    print(render_add_result(result))
    print(f"story: {result.story.slug}\narticle: {result.article_id}")
    return 0


async def cmd_brief(args: argparse.Namespace) -> int:
    """Print a story's brief."""
    from adapters.console.render import render_brief

    query = " ".join(args.story)
    if args.changes or args.since:
        return await _print_changes(args, query)
    async with open_for(args, create=False) as service:
        found = await service.lookup(query)
    brief = found.brief
    if not found.exact:  # said on its own line; on stderr when stdout is JSON
        note = f"Showing `{brief.story.slug}` for '{query}'."
        print(note, file=sys.stderr if args.format == "json" else sys.stdout)
    if args.format == "json":
        print(brief.model_dump_json(indent=2))
    else:
        _console().print(render_brief(brief))
    return 0


async def _print_changes(args: argparse.Namespace, query: str) -> int:
    """Print what each version of a story's brief added (``--changes [--since]``)."""
    from briefings.digests import parse_age

    since = datetime.now(UTC) - parse_age(args.since) if args.since else None
    async with open_for(args, create=False) as service:
        slug = (await service.lookup(query)).brief.story.slug
        changes = await service.changes(slug, since)
    if args.format == "json":
        print(json.dumps([c.model_dump(mode="json") for c in changes], indent=2, ensure_ascii=False))
        return 0
    if not changes:
        print(f"No changes to {slug}" + (f" in the last {args.since}." if args.since else "."))
        return 0
    for change in changes:
        when = change.until.strftime("%Y-%m-%d %H:%M UTC")
        n = change.new_articles
        print(f"{when}  " + ("new story" if change.since is None else f"{n} new article{'' if n == 1 else 's'}"))
        for line in change.lines() or ["(no new facts)"]:
            print(f"  {line}")
    return 0


async def cmd_stories(args: argparse.Namespace) -> int:
    """List stories, most recently updated first."""
    from adapters.console.listing import render_story_page

    if args.limit < 1:
        raise InvalidInput("--limit must be at least 1.")
    if args.page is not None and args.page < 1:
        raise InvalidInput("--page starts at 1.")
    offset = (args.page - 1) * args.limit if args.page is not None else args.offset
    async with open_for(args, create=False) as service:
        stories = await service.list_stories(limit=args.limit, offset=offset)
        total = await service.story_count()
    if args.format == "json":
        print(json.dumps([s.model_dump(mode="json") for s in stories], indent=2))
    else:
        print(render_story_page(stories, offset=offset, total=total, page_size=args.limit))
    return 0


async def cmd_search(args: argparse.Namespace) -> int:
    """Full-text search over stories and articles."""
    from adapters.console.listing import render_hits

    words = " ".join(args.words)
    async with open_for(args, create=False) as service:
        hits = await service.search(words, limit=args.limit)
    if args.format == "json":
        print(json.dumps([h.model_dump(mode="json") for h in hits], indent=2))
    else:
        print(render_hits(hits, words))
    return 0 if hits else 1


async def cmd_remove(args: argparse.Namespace) -> int:
    """Remove a story or one article."""
    from adapters.console.render import render_remove_result

    async with open_for(args, create=False) as service:
        result = await service.remove(args.target, actor=console_actor())
    print(render_remove_result(result))
    return 0


async def cmd_rename(args: argparse.Namespace) -> int:
    """Rename a story's slug."""
    async with open_for(args, create=False) as service:
        ref = await service.rename(args.old, args.new, actor=console_actor())
    print(f"Renamed {args.old} to {ref.slug}; '{args.old}' still works as an alias.")
    return 0


async def cmd_alias(args: argparse.Namespace) -> int:
    """Add an alias to a story."""
    async with open_for(args, create=False) as service:
        ref = await service.alias(args.story, args.alias, actor=console_actor())
    print(f"'{args.alias}' now opens story {ref.slug}.")
    return 0


async def cmd_log(args: argparse.Namespace) -> int:
    """Show the admin log."""
    async with open_for(args, create=False) as service:
        entries = await service.admin_log(limit=args.limit)
    for e in entries:
        print(f"{e.at.isoformat()}  {e.actor}  {e.action}  {e.target}  {e.detail}")
    return 0


def _read_input(source: str | None) -> str:
    from briefings.ingest import decode_bytes

    if source in (None, "-"):
        return decode_bytes(sys.stdin.buffer.read(), "stdin")
    path = Path(source)
    if not path.is_file():
        raise InvalidInput(f"There is no file named {source}.")
    return decode_bytes(path.read_bytes(), path.name)


def _jsonl(source: str | None, handle: Callable[[dict], dict]) -> int:
    """Run ``handle`` over each JSON line of ``source``; a bad line gets an error line, not a crash."""
    stream = sys.stdin if source in (None, "-") else open(source, encoding="utf-8")  # noqa: SIM115
    out = sys.stdout
    failures = 0
    try:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            item_id: Any = None
            try:
                item = json.loads(line)
                if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                    raise InvalidInput('each line must be an object with a "text" string')
                item_id = item.get("id", number)
                result = handle(item)
                out.write(json.dumps({"id": item_id, **result}, ensure_ascii=False) + "\n")
            except (json.JSONDecodeError, BriefingError) as exc:
                failures += 1
                message = exc.message if isinstance(exc, BriefingError) else f"not JSON: {exc.msg}"
                out.write(json.dumps({"id": item_id if item_id is not None else number, "error": message}) + "\n")
    finally:
        if stream is not sys.stdin:
            stream.close()
    out.flush()
    return 1 if failures else 0


async def cmd_summarize(args: argparse.Namespace) -> int:
    """Summarise one text, or each line of a JSON Lines file."""
    from briefings.ingest import check_text
    from briefings.summarize import summarize_text

    n = args.sentences
    if n < 1 or n > 20:
        raise InvalidInput("--sentences must be between 1 and 20.")
    if args.jsonl:
        return _jsonl(
            args.source,
            lambda item: {
                "summary": summarize_text(item["text"], n=n, title=item.get("title")),
            },
        )
    text = check_text(_read_input(args.source))
    for sentence in summarize_text(text, n=n):
        print(sentence)
    return 0


async def cmd_facts(args: argparse.Namespace) -> int:
    """Extract the key-fact card of one text, or of each line of a JSON Lines file."""
    from briefings.facts import extract_facts
    from briefings.facts.dates import mentions_json
    from briefings.ingest import check_text, parse_published

    if args.jsonl:

        def handle(item: dict[str, Any]) -> dict[str, Any]:
            """Return one line's card; its ``dates`` are every date mention, with offsets into ``text``."""
            published = parse_published(item.get("published"))
            facts = extract_facts(item["text"], title=item.get("title"), published=published)
            out = facts.model_dump(mode="json", exclude={"date_mentions"})
            out["dates"] = mentions_json(facts)
            return {"facts": out}

        return _jsonl(args.source, handle)
    text = check_text(_read_input(args.source))
    facts = extract_facts(text, published=parse_published(args.published) if args.published else None)
    if args.format == "json":
        print(facts.model_dump_json(indent=2))
    else:
        from adapters.console.render import render_facts

        _console().print(render_facts(facts))
    return 0


# ----- parser ---------------------------------------------------------------------------------------

SLUG_RULES = (
    "Story names are normalised: lowercase, spaces and underscores become hyphens, repeated hyphens become one "
    "and end hyphens are dropped; then 1 to 64 letters a-z, digits and hyphens, with at least one letter, and not "
    "a command word such as 'list' (anything else is refused)."
)
EXIT_CODES = {
    0: "done",
    1: "nothing found (search), or some JSON lines failed (--jsonl), or a digest could not be delivered",
    2: "bad input or usage (text, file, slug, time, zone, option)",
    3: "no such story, article or digest",
    4: "the name is taken",
    5: "not allowed (admins only)",
    6: "the URL could not be fetched or was refused",
    7: "the database cannot be used (missing, not Briefbot's, newer, unreachable or busy)",
    8: "the database is read-only",
    130: "interrupted",
}


def add_command(
    sub: Any, common: argparse.ArgumentParser, name: str, func: Any, help_: str, exits: tuple[int, ...], more: str = ""
) -> argparse.ArgumentParser:
    """Add one subcommand: its one-line help, ``more`` below it in --help, its exit codes, and what runs it."""
    p: argparse.ArgumentParser = sub.add_parser(
        name,
        parents=[common],
        help=help_,
        description=help_ + (f"\n\n{more}" if more else ""),
        epilog=exit_codes_help(*exits),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.set_defaults(func=func)
    return p


def exit_codes_help(*codes: int) -> str:
    """Return the 'exit codes' paragraph of a command's --help."""
    shown = sorted({*codes, 130})
    return "exit codes:\n" + "\n".join(f"  {c:>3}  {EXIT_CODES[c]}" for c in shown)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("briefbot")
    except PackageNotFoundError:
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser for every subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        metavar="PATH|URL",
        help="database file or postgresql:// URL (default ./briefbot.db, or $BRIEFBOT_DB)",
    )
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log more")

    parser = argparse.ArgumentParser(
        prog="briefbot",
        parents=[common],
        description="News briefings: stories, summaries and key-fact cards, in the terminal, Slack and Discord.",
        epilog=exit_codes_help(0, 2, 3, 7, 8),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func, help_: str, exits: tuple[int, ...], more: str = "") -> argparse.ArgumentParser:
        return add_command(sub, common, name, func, help_, exits, more)

    add("demo", cmd_demo, "show the bundled sample story's brief (no set-up, throwaway database)", (0, 7))

    p = add(
        "add",
        cmd_add,
        "add an article from a file (.txt .md .html .json), - for stdin, or a URL",
        (0, 2, 3, 5, 6, 7, 8),
        "Without --story it joins the clearly most similar recent story, or starts a new one. " + SLUG_RULES,
    )
    p.add_argument("source", metavar="SOURCE")
    p.add_argument("--story", metavar="SLUG", help="join (or create) this story instead of matching one")
    p.add_argument("--title", help="the article's title (default: its first line if it reads as a headline)")
    p.add_argument("--url", help="the article's original link (http or https)")
    p.add_argument("--published", metavar="DATE", help="publication date, YYYY-MM-DD or ISO 8601 (not in the future)")
    p.add_argument("--kind", choices=["txt", "md", "html", "json"], help="treat the input as this kind")

    p = add(
        "brief",
        cmd_brief,
        "print a story's brief",
        (0, 2, 3, 7),
        "SLUG is a slug, an alias, or words only one story has; a misspelling that clearly means one story opens "
        "it, with a line saying so.",
    )
    p.add_argument("story", nargs="+", metavar="SLUG")
    p.add_argument("--format", choices=["text", "json"], default="text", help="json: the whole brief as JSON")
    p.add_argument("--changes", action="store_true", help="what each update of the brief added, oldest first")
    p.add_argument("--since", metavar="AGE", help="with --changes: only updates in the last AGE (24h, 90m, 7d)")

    p = add(
        "stories",
        cmd_stories,
        "list stories, most recently updated first, a page at a time",
        (0, 2, 7),
        "Slugs are printed in full whatever the terminal width. --format json prints the page as a JSON array of "
        '{"slug","title","tldr","aliases","article_count","created_at","updated_at"}.',
    )
    p.add_argument("--limit", type=int, default=20, help="stories per page (default 20, at most 1000)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--page", type=int, help="page number, from 1")
    where.add_argument("--offset", type=int, default=0, help="skip this many stories first")
    p.add_argument("--format", choices=["text", "json"], default="text")

    p = add(
        "search",
        cmd_search,
        "search stories and articles",
        (0, 1, 2, 7),
        '--format json prints a JSON array of {"slug","title","snippet","score","updated_at"}. Exit 1: nothing '
        "matched.",
    )
    p.add_argument("words", nargs="+")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--format", choices=["text", "json"], default="text")

    p = add("remove", cmd_remove, "remove a story (by slug or alias) or one article (by id)", (0, 3, 7, 8))
    p.add_argument("target", metavar="SLUG|ARTICLE_ID")

    p = add(
        "rename", cmd_rename, "give a story a new slug (the old one stays as an alias)", (0, 2, 3, 4, 7, 8), SLUG_RULES
    )
    p.add_argument("old")
    p.add_argument("new")

    p = add("alias", cmd_alias, "add another name that opens a story", (0, 2, 3, 4, 7, 8), SLUG_RULES)
    p.add_argument("story", metavar="SLUG")
    p.add_argument("alias", metavar="ALIAS")

    p = add("log", cmd_log, "show the admin log (who added, removed, renamed what)", (0, 7))
    p.add_argument("--limit", type=int, default=50)

    p = add("summarize", cmd_summarize, "summarise a text (or JSON Lines with --jsonl)", (0, 1, 2))
    p.add_argument("source", nargs="?", metavar="FILE|-")
    p.add_argument("--sentences", "-n", type=int, default=3)
    p.add_argument("--jsonl", action="store_true", help='input lines {"id","text","title"?}; output {"id","summary"}')

    p = add("facts", cmd_facts, "extract the key-fact card of a text (or JSON Lines with --jsonl)", (0, 1, 2))
    p.add_argument("source", nargs="?", metavar="FILE|-")
    p.add_argument("--jsonl", action="store_true", help='input lines {"id","text",...}; output {"id","facts"}')
    p.add_argument("--published", metavar="DATE", help="publication date, to resolve dates against")
    p.add_argument("--format", choices=["text", "json"], default="text")

    for extend in _extensions():
        extend(sub, common)
    return parser


def _extensions() -> list[Callable[[Any, argparse.ArgumentParser], None]]:
    """Return the functions that add the platform and digest subcommands."""
    from bot import commands_db, commands_digest, commands_feeds, commands_platforms, commands_stories, serve

    return [
        commands_stories.register,
        commands_platforms.register,
        commands_digest.register,
        commands_feeds.register,
        serve.register,
        commands_db.register,
    ]


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        level = _log_level(args)
        settings = _settings(args)
    except ValidationError as exc:
        _err(f"a setting is not valid: {_first_problem(exc)}")
        return 2
    from bot.logs import configure_logging, settings_secrets

    configure_logging(level, fmt=settings.log_format, secrets=settings_secrets(settings))
    func: Callable[[argparse.Namespace], Coroutine[Any, Any, int]] = args.func
    try:
        return asyncio.run(func(args))
    except BriefingError as exc:
        _err(render_error(exc))
        return exc.exit_code
    except ValidationError as exc:
        _err(f"a setting is not valid: {_first_problem(exc)}")
        return 2
    except KeyboardInterrupt:
        _err("interrupted.")
        return 130
    except BrokenPipeError:
        return 0


def _log_level(args: argparse.Namespace) -> int:
    """-v wins; then BRIEFBOT_LOG_LEVEL; else INFO for the platform processes and WARNING for one-shot commands."""
    if getattr(args, "verbose", False):
        return logging.DEBUG
    configured = _settings(args).log_level
    if configured:
        return logging.getLevelNamesMapping()[configured]
    return logging.INFO if args.command in LONG_RUNNING else logging.WARNING


def _first_problem(exc: ValidationError) -> str:
    """The first problem pydantic found in the settings, in one line."""
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error.get("loc", ())) or "settings"
    return f"{where}: {error.get('msg', 'invalid')}"


if __name__ == "__main__":
    sys.exit(main())
