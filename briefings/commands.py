"""The `/brief` text grammar and the face-neutral help: what each action does, never how a face spells it.

Help entries name an action, its arguments (with example values) and a description; each face (Slack,
Discord, the console) builds its own usage lines from them. Parse errors are :class:`UsageError`, which
name the actions whose usage would help, so each face can show its own syntax.
"""

from __future__ import annotations

import shlex
from typing import Literal, get_args

from pydantic import BaseModel

from briefings.errors import InvalidInput

CommandName = Literal[
    "show", "list", "search", "help", "add", "remove", "rename", "alias", "merge", "move", "digest", "sources",
    "facts", "changes", "feed",
]

# Every action a user can take, named without any face's syntax.
HelpAction = Literal[
    "show",
    "list",
    "search",
    "sources",
    "facts",
    "changes",
    "help",
    "add_url",
    "add_form",
    "remove",
    "rename",
    "alias",
    "merge",
    "move",
    "move_new",
    "digest_on",
    "digest_off",
    "digest_status",
    "digest_preview",
    "feed_add",
    "feed_list",
    "feed_remove",
    "feed_pause",
    "feed_resume",
]
HELP_ACTIONS: tuple[HelpAction, ...] = get_args(HelpAction)
DIGEST_ACTIONS: tuple[HelpAction, ...] = ("digest_on", "digest_off", "digest_status", "digest_preview")
FEED_ACTIONS: tuple[HelpAction, ...] = ("feed_add", "feed_list", "feed_remove", "feed_pause", "feed_resume")


class Command(BaseModel):
    """A parsed `/brief` command: its name, its positional words and the raw rest of the text."""

    name: CommandName
    args: list[str] = []
    rest: str = ""


class HelpArg(BaseModel):
    """One argument of an action: its name, whether it is required, and an example value."""

    name: str
    required: bool = True
    example: str | None = None


class HelpEntry(BaseModel):
    """One action of the help, face-neutral: each face builds the usage line in its own syntax."""

    action: HelpAction
    description: str
    args: list[HelpArg] = []
    admin: bool = False


class UsageError(InvalidInput):
    """A command was given the wrong words; ``actions`` name the usages to show (each face words them)."""

    def __init__(self, message: str, actions: tuple[HelpAction, ...]) -> None:
        super().__init__(message)
        self.actions: tuple[HelpAction, ...] = tuple(actions)


_STORY = HelpArg(name="story", example="japan-us-talks")
_ARTICLE = HelpArg(name="article", example="12")
_FEED = HelpArg(name="id", example="3")
_HELP: tuple[HelpEntry, ...] = (
    HelpEntry(action="show", args=[_STORY], description="Show a story's brief (a slug, an alias or words to search)."),
    HelpEntry(action="list", description="List the latest stories."),
    HelpEntry(
        action="search",
        args=[HelpArg(name="words", example="defence spending")],
        description="Search every story and article.",
    ),
    HelpEntry(action="sources", args=[_STORY], description="List a story's sources."),
    HelpEntry(action="facts", args=[_STORY], description="Show only a story's key-fact card."),
    HelpEntry(action="changes", args=[_STORY], description="Show what the latest updates of a story's brief added."),
    HelpEntry(action="help", description="Show this help."),
    HelpEntry(
        action="add_url",
        args=[
            HelpArg(name="url", example="https://example.com/news/1"),
            HelpArg(name="story", required=False, example="japan-us-talks"),
        ],
        description="Fetch an article and add it (to the story, or to the best match).",
        admin=True,
    ),
    HelpEntry(action="add_form", description="Open a form to paste an article's text.", admin=True),
    HelpEntry(
        action="remove",
        args=[HelpArg(name="target", example="japan-us-talks")],
        description="Remove a story, or one article by its id.",
        admin=True,
    ),
    HelpEntry(
        action="rename",
        args=[HelpArg(name="story", example="japan-us-talks"), HelpArg(name="new", example="japan-us-2plus2")],
        description="Give a story a new slug.",
        admin=True,
    ),
    HelpEntry(
        action="alias",
        args=[HelpArg(name="story", example="japan-us-talks"), HelpArg(name="alias", example="2plus2")],
        description="Add another name that opens the story.",
        admin=True,
    ),
    HelpEntry(
        action="merge",
        args=[HelpArg(name="story", example="japan-postpones"), HelpArg(name="into", example="japan-us-talks")],
        description="Merge a story into another: its articles join it, and its name keeps working.",
        admin=True,
    ),
    HelpEntry(
        action="move",
        args=[_ARTICLE, HelpArg(name="story", example="japan-us-talks")],
        description="Move an article (its id is listed with its story's sources) to another story.",
        admin=True,
    ),
    HelpEntry(
        action="move_new",
        args=[_ARTICLE, HelpArg(name="new_story", required=False, example="europe-heatwave")],
        description="Move an article to a new story (with this slug, or named after its title).",
        admin=True,
    ),
    HelpEntry(
        action="digest_on",
        args=[
            HelpArg(name="time", example="08:30"),
            HelpArg(name="zone", example="Asia/Tokyo"),
            HelpArg(name="weekdays", required=False),
            HelpArg(name="always", required=False),
            HelpArg(name="topics", required=False),
        ],
        description="Post a daily digest in this channel.",
        admin=True,
    ),
    HelpEntry(
        action="digest_off",
        args=[HelpArg(name="id", required=False)],
        description="Stop this channel's digests (all, or one by id).",
        admin=True,
    ),
    HelpEntry(action="digest_status", description="Show this channel's digests: next run, last delivery."),
    HelpEntry(
        action="digest_preview",
        args=[HelpArg(name="id", required=False)],
        description="Show what the digest would post now, to you only.",
    ),
    HelpEntry(
        action="feed_add",
        args=[
            HelpArg(name="url", example="https://example.com/news/feed.xml"),
            HelpArg(name="story", required=False),
            HelpArg(name="every", required=False, example="30m"),
            HelpArg(name="name", required=False),
        ],
        description="Follow a news feed (RSS, Atom, JSON Feed), or the feed a web page links to.",
        admin=True,
    ),
    HelpEntry(
        action="feed_list",
        description="List the feeds: interval, last success, items, errors, next poll.",
        admin=True,
    ),
    HelpEntry(
        action="feed_remove",
        args=[_FEED],
        description="Stop following a feed (its articles stay).",
        admin=True,
    ),
    HelpEntry(action="feed_pause", args=[_FEED], description="Stop polling a feed for now.", admin=True),
    HelpEntry(
        action="feed_resume",
        args=[_FEED],
        description="Poll a paused feed again (its errors are cleared).",
        admin=True,
    ),
)

# name -> (min positional args, max positional args, the usages to show when the count is wrong)
_ARITY: dict[str, tuple[int, int, tuple[HelpAction, ...]]] = {
    "list": (0, 0, ("list",)),
    "help": (0, 1, ("help",)),
    "add": (0, 2, ("add_url", "add_form")),
    "remove": (1, 1, ("remove",)),
    "rename": (2, 2, ("rename",)),
    "alias": (2, 2, ("alias",)),
    "merge": (2, 2, ("merge",)),
    "move": (2, 3, ("move", "move_new")),
    "sources": (1, 1, ("sources",)),
    "facts": (1, 1, ("facts",)),
    "changes": (1, 1, ("changes",)),
}


def help_entries() -> list[HelpEntry]:
    """Return every action with its arguments and description, in help order."""
    return list(_HELP)


def help_entry(action: HelpAction) -> HelpEntry:
    """Return the help entry of one action."""
    return next(e for e in _HELP if e.action == action)


def parse_command(text: str) -> Command:
    """Parse the text after `/brief` into a Command; raise UsageError on a wrong number of words."""
    text = (text or "").strip()
    if not text:
        return Command(name="list")
    head, _, rest = text.partition(" ")
    name = head.lower()
    rest = rest.strip()
    if name == "search":
        if not rest:
            raise UsageError("Tell me what to search for.", ("search",))
        return Command(name="search", args=rest.split(), rest=rest)
    if name in ("digest", "feed"):
        return Command(name=name, args=_split(rest), rest=rest)  # type: ignore[arg-type]
    if name in _ARITY:
        low, high, usages = _ARITY[name]
        args = _split(rest)
        if not low <= len(args) <= high:
            raise UsageError(f"Wrong number of words for '{name}'.", usages)
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


def _digest_usage() -> UsageError:
    return UsageError("That is not a digest command.", DIGEST_ACTIONS)


def parse_digest(args: list[str]) -> DigestRequest:
    """Parse the words after `digest`; times and zones are checked later by the service."""
    if not args:
        return DigestRequest(action="status")
    action, rest = args[0].lower(), args[1:]
    if action in ("on", "set", "add"):
        if len(rest) < 2:
            raise _digest_usage()
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
            raise _digest_usage()
        return DigestRequest(
            action="off" if action != "preview" else "preview", digest_id=int(rest[0].lstrip("#")) if rest else None
        )
    if action in ("status", "help") and not rest:
        return DigestRequest(action=action)  # type: ignore[arg-type]
    raise _digest_usage()


# The word that stands for "a new story" where a move names its target.
NEW_STORY_WORD = "new"


class MoveRequest(BaseModel):
    """A parsed `/brief move ...` command: the article, and an existing story or a new one."""

    article_id: int
    to: str | None = None  # None: a new story
    new_story: str | None = None  # the new story's slug (None: from the article's title)


def parse_article_id(text: str) -> int:
    """Return the article id in ``text`` ('12' or '#12'); raise UsageError when it is not one."""
    cleaned = text.strip().lstrip("#")
    if not cleaned.isdigit() or int(cleaned) < 1:
        shown = text.strip()[:40]
        raise UsageError(
            f"'{shown}' is not an article id (a number, listed with its story's sources).", ("move", "move_new")
        )
    return int(cleaned)


def parse_move(args: list[str]) -> MoveRequest:
    """Parse the words after `move`: ARTICLE STORY, or ARTICLE new [NEW-SLUG]."""
    if not 2 <= len(args) <= 3:
        raise UsageError("Wrong number of words for 'move'.", ("move", "move_new"))
    article_id = parse_article_id(args[0])
    if args[1].lower() == NEW_STORY_WORD:
        return MoveRequest(article_id=article_id, new_story=args[2] if len(args) == 3 else None)
    if len(args) == 3:
        raise UsageError("Move to one story: an existing one, or a new one.", ("move", "move_new"))
    return MoveRequest(article_id=article_id, to=args[1])


# ----- `/brief feed ...` ------------------------------------------------------------------------

_FEED_OPTIONS = ("story", "every", "name")
_DASHES = ("--", "\u2014", "\u2013")  # Slack and phones turn "--" into an em or en dash


class FeedRequest(BaseModel):
    """A parsed `/brief feed ...` command."""

    action: Literal["add", "list", "remove", "pause", "resume", "help"]
    url: str | None = None
    story: str | None = None
    every: str | None = None
    name: str | None = None
    feed_id: int | None = None


def parse_feed_id(text: str) -> int:
    """Return the feed id in ``text`` ('3' or '#3'); raise UsageError when it is not one."""
    cleaned = text.strip().lstrip("#")
    if not cleaned.isdigit() or int(cleaned) < 1:
        raise UsageError(
            f"'{text.strip()[:40]}' is not a feed id (a number, as the feed list shows).",
            ("feed_remove", "feed_pause", "feed_resume"),
        )
    return int(cleaned)


def _option(word: str) -> str | None:
    """The option a word names ('--story', '—every=30m' -> 'story', 'every'), or None for a plain word."""
    for dash in _DASHES:
        if word.startswith(dash) and len(word) > len(dash):
            return word[len(dash) :].split("=", 1)[0].lower()
    return None


def parse_feed(args: list[str]) -> FeedRequest:
    """Parse the words after `feed`: add URL [--story S] [--every 15m] [--name N], list, remove|pause|resume ID."""
    if not args:
        return FeedRequest(action="list")
    action, rest = args[0].lower(), list(args[1:])
    if action in ("list", "help") and not rest:
        return FeedRequest(action=action)  # type: ignore[arg-type]
    if action in ("remove", "pause", "resume"):
        if len(rest) != 1:
            raise UsageError(f"Wrong number of words for 'feed {action}'.", (f"feed_{action}",))  # type: ignore[arg-type]
        return FeedRequest(action=action, feed_id=parse_feed_id(rest[0]))  # type: ignore[arg-type]
    if action != "add":
        raise UsageError("That is not a feed command.", FEED_ACTIONS)
    url: str | None = None
    options: dict[str, str] = {}
    while rest:
        word = rest.pop(0)
        option = _option(word)
        if option is None:
            if url is not None:
                raise UsageError("Add one feed at a time: the URL, then options such as --every 30m.", ("feed_add",))
            url = word
            continue
        if option not in _FEED_OPTIONS:
            raise UsageError(f"'{word[:40]}' is not an option of 'feed add'.", ("feed_add",))
        value = word.split("=", 1)[1] if "=" in word else (rest.pop(0) if rest else "")
        if not value.strip() or _option(value) is not None:
            raise UsageError(f"Give a value after '{word[:40]}'.", ("feed_add",))
        options[option] = value.strip()
    if not url:
        raise UsageError("Give the feed's URL (or a web page that links to its feed).", ("feed_add",))
    return FeedRequest(action="add", url=url, story=options.get("story"), every=options.get("every"),
                       name=options.get("name"))
