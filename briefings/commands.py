"""The `/brief` text grammar, shared by every platform so a command means the same everywhere."""

from __future__ import annotations

import shlex
from typing import Literal

from pydantic import BaseModel

from briefings.errors import InvalidInput

CommandName = Literal[
    "show", "list", "search", "help", "add", "remove", "rename", "alias", "digest", "sources", "facts"
]


class Command(BaseModel):
    """A parsed `/brief` command: its name, its positional words and the raw rest of the text."""

    name: CommandName
    args: list[str] = []
    rest: str = ""


class HelpEntry(BaseModel):
    """One line of `/brief help`."""

    usage: str
    example: str
    description: str
    admin: bool = False


_HELP: tuple[HelpEntry, ...] = (
    HelpEntry(
        usage="/brief STORY",
        example="/brief japan-us-talks",
        description="Show a story's brief (a slug, an alias or words to search).",
    ),
    HelpEntry(usage="/brief list", example="/brief list", description="List the latest stories."),
    HelpEntry(
        usage="/brief search WORDS",
        example="/brief search defence spending",
        description="Search every story and article.",
    ),
    HelpEntry(
        usage="/brief sources STORY", example="/brief sources japan-us-talks", description="List a story's sources."
    ),
    HelpEntry(
        usage="/brief facts STORY",
        example="/brief facts japan-us-talks",
        description="Show only a story's key-fact card.",
    ),
    HelpEntry(usage="/brief help", example="/brief help", description="Show this help."),
    HelpEntry(
        usage="/brief add URL [STORY]",
        example="/brief add https://example.com/news/1 japan-us-talks",
        description="Fetch an article and add it (to STORY, or to the best match).",
        admin=True,
    ),
    HelpEntry(
        usage="/brief add", example="/brief add", description="Open a form to paste an article's text.", admin=True
    ),
    HelpEntry(
        usage="/brief remove STORY|ARTICLE_ID",
        example="/brief remove japan-us-talks",
        description="Remove a story, or one article by its id.",
        admin=True,
    ),
    HelpEntry(
        usage="/brief rename OLD NEW",
        example="/brief rename japan-us-talks japan-us-2plus2",
        description="Give a story a new slug.",
        admin=True,
    ),
    HelpEntry(
        usage="/brief alias STORY ALIAS",
        example="/brief alias japan-us-talks 2plus2",
        description="Add another name that opens the story.",
        admin=True,
    ),
    HelpEntry(
        usage="/brief digest on HH:MM ZONE [TOPICS]",
        example="/brief digest on 08:30 Asia/Tokyo",
        description="Post a daily digest in this channel.",
        admin=True,
    ),
    HelpEntry(
        usage="/brief digest off [ID]",
        example="/brief digest off",
        description="Stop this channel's digests.",
        admin=True,
    ),
    HelpEntry(
        usage="/brief digest status",
        example="/brief digest status",
        description="Show this channel's digests: next run, last delivery.",
    ),
    HelpEntry(
        usage="/brief digest preview",
        example="/brief digest preview",
        description="Show what the digest would post now, to you only.",
    ),
)

# name -> (min positional args, max positional args, usage)
_ARITY: dict[str, tuple[int, int, str]] = {
    "list": (0, 0, "/brief list"),
    "help": (0, 1, "/brief help"),
    "add": (0, 2, "/brief add [URL] [STORY]"),
    "remove": (1, 1, "/brief remove STORY|ARTICLE_ID"),
    "rename": (2, 2, "/brief rename OLD NEW"),
    "alias": (2, 2, "/brief alias STORY ALIAS"),
    "sources": (1, 1, "/brief sources STORY"),
    "facts": (1, 1, "/brief facts STORY"),
}


def help_entries() -> list[HelpEntry]:
    """Return every `/brief` subcommand with an example."""
    return list(_HELP)


def parse_command(text: str) -> Command:
    """Parse the text after `/brief` into a Command; raise InvalidInput on a wrong number of words."""
    text = (text or "").strip()
    if not text:
        return Command(name="list")
    head, _, rest = text.partition(" ")
    name = head.lower()
    rest = rest.strip()
    if name == "search":
        if not rest:
            raise InvalidInput("Tell me what to search for, e.g. `/brief search defence spending`.")
        return Command(name="search", args=rest.split(), rest=rest)
    if name == "digest":
        return Command(name="digest", args=_split(rest), rest=rest)
    if name in _ARITY:
        low, high, usage = _ARITY[name]
        args = _split(rest)
        if not low <= len(args) <= high:
            raise InvalidInput(f"Usage: {usage}")
        return Command(name=name, args=args, rest=rest)  # type: ignore[arg-type]
    return Command(name="show", args=text.split(), rest=text)


def _split(rest: str) -> list[str]:
    """Split words, honouring quotes where they balance."""
    try:
        return shlex.split(rest)
    except ValueError:
        return rest.split()


class DigestRequest(BaseModel):
    """A parsed `/brief digest ...` command."""

    action: Literal["on", "off", "status", "preview", "help"]
    at: str | None = None
    tz: str | None = None
    topics: list[str] = []
    weekdays_only: bool = False
    post_when_empty: bool = False
    digest_id: int | None = None


DIGEST_USAGE = (
    "Usage: /brief digest on HH:MM ZONE [weekdays] [always] [TOPICS…] · /brief digest off [ID] · "
    "/brief digest status · /brief digest preview [ID]"
)


def parse_digest(args: list[str]) -> DigestRequest:
    """Parse the words after `/brief digest`; times and zones are checked later by the service."""
    if not args:
        return DigestRequest(action="status")
    action, rest = args[0].lower(), args[1:]
    if action in ("on", "set", "add"):
        if len(rest) < 2:
            raise InvalidInput(DIGEST_USAGE)
        at, tz, extra = rest[0], rest[1], list(rest[2:])
        flags: set[str] = set()
        while extra and extra[0].lower() in ("weekdays", "always"):
            flags.add(extra.pop(0).lower())
        joined = " ".join(extra)
        # "japan, defence spending" is two topics; without commas every word is a topic of its own
        parts = joined.split(",") if "," in joined else extra
        topics = [t.strip() for t in parts if t.strip()]
        return DigestRequest(
            action="on",
            at=at,
            tz=tz,
            topics=topics,
            weekdays_only="weekdays" in flags,
            post_when_empty="always" in flags,
        )
    if action in ("off", "stop", "preview"):
        if len(rest) > 1 or (rest and not rest[0].lstrip("#").isdigit()):
            raise InvalidInput(DIGEST_USAGE)
        return DigestRequest(
            action="off" if action != "preview" else "preview", digest_id=int(rest[0].lstrip("#")) if rest else None
        )
    if action in ("status", "help") and not rest:
        return DigestRequest(action=action)  # type: ignore[arg-type]
    raise InvalidInput(DIGEST_USAGE)
