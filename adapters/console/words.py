"""How the console spells the core's actions and hints: `briefbot …` commands.

The core names what helps (a :data:`~briefings.errors.Hint`, a help action) and never a command; this
table is the one place where the CLI's syntax is written down for messages.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from adapters.phrasing import try_sentence
from briefings.commands import HelpAction
from briefings.errors import Hint

log = logging.getLogger(__name__)

# Each hint as the CLI command that does it.
HINTS: dict[Hint, str] = {
    "list": "briefbot stories",
    "search": "briefbot search WORDS",
    "digest_status": "briefbot digest list",
    "digest_on": "briefbot digest set --platform slack|discord --channel ID --at 08:30 --tz Europe/London",
    "digest_list": "briefbot digest list",
    "add": "briefbot add FILE|URL",
    "paste_text": "briefbot add FILE",
}

# What a hint's command does, when the command alone does not say it.
NOTES: dict[Hint, str] = {
    "paste_text": "(save the article's text to a file, or pipe it in with 'briefbot add -')",
}

# Each help action as its CLI usage (the nearest command where the console has no exact twin).
USAGE: dict[HelpAction, str] = {
    "show": "briefbot brief SLUG",
    "list": "briefbot stories",
    "search": "briefbot search WORDS",
    "sources": "briefbot brief SLUG",
    "facts": "briefbot brief SLUG",
    "changes": "briefbot brief SLUG --changes",
    "help": "briefbot --help",
    "add_url": "briefbot add URL [--story SLUG]",
    "add_form": "briefbot add FILE|-",
    "remove": "briefbot remove SLUG|ARTICLE_ID",
    "rename": "briefbot rename OLD NEW",
    "alias": "briefbot alias SLUG ALIAS",
    "merge": "briefbot merge SLUG INTO",
    "move": "briefbot move ARTICLE_ID SLUG",
    "move_new": "briefbot move ARTICLE_ID --new [--story NEW-SLUG]",
    "digest_on": "briefbot digest set --platform P --channel ID --at HH:MM --tz ZONE",
    "digest_off": "briefbot digest off ID",
    "digest_status": "briefbot digest list",
    "digest_preview": "briefbot digest preview ID",
    "feed_add": "briefbot feed add URL [--story SLUG] [--every 15m] [--name NAME]",
    "feed_list": "briefbot feed list",
    "feed_remove": "briefbot feed remove FEED_ID",
    "feed_pause": "briefbot feed pause FEED_ID",
    "feed_resume": "briefbot feed resume FEED_ID",
}


def command(hint: Hint) -> str:
    """Return the CLI command of one hint, e.g. 'briefbot stories'."""
    return HINTS[hint]


def try_line(hints: Iterable[Hint]) -> str:
    """Return the hints as one plain sentence: "Try 'briefbot stories' or 'briefbot search WORDS'." ('' if none)."""
    return try_sentence(hints, HINTS, NOTES, quote="'")


def show(slug: str) -> str:
    """Return the command that prints a story's brief."""
    return f"briefbot brief {slug}"


def usage(action: HelpAction) -> str:
    """Return the CLI usage of one action."""
    return USAGE[action]
