"""How Slack spells the core's actions and hints: `/brief …` text commands, as mrkdwn code.

The core names what helps (a :data:`~briefings.errors.Hint`, a help action) and never a command; this
table is the one place where Slack's syntax is written down.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from adapters.phrasing import try_sentence
from briefings.commands import HelpAction, HelpEntry
from briefings.errors import Hint

log = logging.getLogger(__name__)

COMMAND = "/brief"

# Each hint as the Slack command that does it.
HINTS: dict[Hint, str] = {
    "list": "/brief list",
    "search": "/brief search WORDS",
    "digest_status": "/brief digest status",
    "digest_on": "/brief digest on 08:30 Europe/London",
    "digest_list": "/brief digest status",
    "add": "/brief add URL",
    "paste_text": "/brief add",
}

# What a hint's command does, when the command alone does not say it.
NOTES: dict[Hint, str] = {
    "paste_text": "(a form to paste the article's text)",
}

# Each help action as its Slack usage line (the words after /brief, then the arguments).
USAGE: dict[HelpAction, str] = {
    "show": "/brief STORY",
    "list": "/brief list",
    "search": "/brief search WORDS",
    "sources": "/brief sources STORY",
    "facts": "/brief facts STORY",
    "changes": "/brief changes STORY",
    "help": "/brief help",
    "add_url": "/brief add URL [STORY]",
    "add_form": "/brief add",
    "remove": "/brief remove STORY|ARTICLE_ID",
    "rename": "/brief rename OLD NEW",
    "alias": "/brief alias STORY ALIAS",
    "merge": "/brief merge STORY INTO",
    "move": "/brief move ARTICLE_ID STORY",
    "move_new": "/brief move ARTICLE_ID new [NEW-SLUG]",
    "digest_on": "/brief digest on HH:MM ZONE [weekdays] [always] [TOPICS…]",
    "digest_off": "/brief digest off [ID]",
    "digest_status": "/brief digest status",
    "digest_preview": "/brief digest preview [ID]",
    "feed_add": "/brief feed add URL [--story SLUG] [--every 15m] [--name NAME]",
    "feed_list": "/brief feed list",
    "feed_remove": "/brief feed remove ID",
    "feed_pause": "/brief feed pause ID",
    "feed_resume": "/brief feed resume ID",
}

# Where an action's words do not simply precede its arguments: its example as a template of the arguments.
_EXAMPLE_FORMS: dict[HelpAction, str] = {
    "move_new": "/brief move {article} new {new_story}",
    "feed_add": "/brief feed add {url} --every {every}",
}

# The words between /brief and the arguments, for examples.
_WORDS: dict[HelpAction, str] = {
    "show": "",
    "list": "list",
    "search": "search",
    "sources": "sources",
    "facts": "facts",
    "changes": "changes",
    "help": "help",
    "add_url": "add",
    "add_form": "add",
    "remove": "remove",
    "rename": "rename",
    "alias": "alias",
    "merge": "merge",
    "move": "move",
    "move_new": "move",
    "digest_on": "digest on",
    "digest_off": "digest off",
    "digest_status": "digest status",
    "digest_preview": "digest preview",
    "feed_add": "feed add",
    "feed_list": "feed list",
    "feed_remove": "feed remove",
    "feed_pause": "feed pause",
    "feed_resume": "feed resume",
}


def command(hint: Hint) -> str:
    """Return the Slack command of one hint, e.g. '/brief list'."""
    return HINTS[hint]


def try_line(hints: Iterable[Hint]) -> str:
    """Return the hints as one mrkdwn sentence: 'Try `/brief list` or `/brief search WORDS`.' ('' if none)."""
    return try_sentence(hints, HINTS, NOTES, quote="`")


def show(slug: str) -> str:
    """Return the command that opens a story's brief."""
    return f"{COMMAND} {slug}"


def feed_command(action: str, feed_id: int) -> str:
    """Return the command that removes, pauses or resumes one feed, e.g. '/brief feed resume 3'."""
    return f"{COMMAND} feed {action} {feed_id}"


def usage(action: HelpAction) -> str:
    """Return the usage line of an action, e.g. '/brief rename OLD NEW'."""
    return USAGE[action]


def example(entry: HelpEntry) -> str:
    """Return an example of an action with the core's example values, e.g. '/brief rename a b'."""
    if entry.action in _EXAMPLE_FORMS:
        return _EXAMPLE_FORMS[entry.action].format(**{a.name: a.example or "" for a in entry.args}).strip()
    values = [a.example for a in entry.args if a.example]
    return " ".join(p for p in (COMMAND, _WORDS[entry.action], *values) if p)
