"""How Discord spells the core's actions and hints: `/brief …` for everyone, `/brief-admin …` for admins.

The core names what helps (a :data:`~briefings.errors.Hint`, a help action) and never a command; this
table is the one place where Discord's syntax is written down. Option names are the core's argument
names, which are also the slash commands' parameter names (a test keeps the two in step).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from adapters.phrasing import try_sentence
from briefings.commands import HelpAction, HelpEntry, help_entries
from briefings.errors import Hint

log = logging.getLogger(__name__)

SYNC = "briefbot discord sync"  # the operator's command that uploads the current slash commands

# Each hint as the Discord command that does it.
HINTS: dict[Hint, str] = {
    "list": "/brief list",
    "search": "/brief search words:…",
    "digest_status": "/brief digest status",
    "digest_on": "/brief-admin digest on time:08:30 zone:Europe/London",
    "digest_list": "/brief digest status",
    "add": "/brief-admin add url:…",
    "paste_text": "/brief-admin add",
}

# What a hint's command does, when the command alone does not say it.
NOTES: dict[Hint, str] = {
    "paste_text": "(leave url empty: a form opens to paste the article's text)",
}

# Each help action as the slash command that does it (qualified name, without the slash).
COMMANDS: dict[HelpAction, str] = {
    "show": "brief show",
    "list": "brief list",
    "search": "brief search",
    "sources": "brief sources",
    "facts": "brief facts",
    "changes": "brief changes",
    "help": "brief help",
    "add_url": "brief-admin add",
    "add_form": "brief-admin add",
    "remove": "brief-admin remove",
    "rename": "brief-admin rename",
    "alias": "brief-admin alias",
    "merge": "brief-admin merge",
    "move": "brief-admin move",
    "move_new": "brief-admin move",
    "digest_on": "brief-admin digest on",
    "digest_off": "brief-admin digest off",
    "digest_status": "brief digest status",
    "digest_preview": "brief digest preview",
    "feed_add": "brief-admin feed add",
    "feed_list": "brief-admin feed list",
    "feed_remove": "brief-admin feed remove",
    "feed_pause": "brief-admin feed pause",
    "feed_resume": "brief-admin feed resume",
}


@dataclass(frozen=True)
class HelpLine:
    """One command in `/brief help`: its Discord usage, what it does, and whether it is for admins."""

    usage: str
    description: str
    admin: bool = False
    example: str = ""


def command(hint: Hint) -> str:
    """Return the Discord command of one hint, e.g. '/brief list'."""
    return HINTS[hint]


def try_line(hints: Iterable[Hint]) -> str:
    """Return the hints as one sentence: 'Try `/brief list` or `/brief search words:…`.' ('' if none)."""
    return try_sentence(hints, HINTS, NOTES, quote="`")


def show(slug: str) -> str:
    """Return the command that opens a story's brief."""
    return f"/brief show story:{slug}"


def feed_command(action: str, feed_id: int) -> str:
    """Return the command that removes, pauses or resumes one feed, e.g. '/brief-admin feed resume id:3'."""
    return f"/brief-admin feed {action} id:{feed_id}"


def usage_of(entry: HelpEntry) -> str:
    """Return an action's usage with Discord options, e.g. '/brief-admin rename story: new:'."""
    options = [f"{a.name}:" if a.required else f"[{a.name}:]" for a in entry.args]
    return " ".join([f"/{COMMANDS[entry.action]}", *options])


def usage(action: HelpAction) -> str:
    """Return the usage of one action."""
    return usage_of(next(e for e in help_entries() if e.action == action))


def example(entry: HelpEntry) -> str:
    """Return an example with the core's example values, e.g. '/brief show story:japan-us-talks'."""
    values = [f"{a.name}:{a.example}" for a in entry.args if a.example]
    return " ".join([f"/{COMMANDS[entry.action]}", *values])


def help_lines(entries: Iterable[HelpEntry] | None = None, *, defined: Collection[str] | None = None) -> list[HelpLine]:
    """Return the help in Discord's forms, plus the message menu.

    With ``defined`` (the qualified names of the slash commands the bot has), actions whose command is
    missing are left out and logged, so help never shows a command that does not exist.
    """
    lines: list[HelpLine] = []
    for e in help_entries() if entries is None else entries:
        if defined is not None and COMMANDS[e.action] not in defined:
            log.warning("help: no slash command /%s for action %s", COMMANDS[e.action], e.action)
            continue
        lines.append(HelpLine(usage=usage_of(e), description=e.description, admin=e.admin, example=example(e)))
    lines.append(HelpLine("Add to briefings (message menu)", "Add the article linked in a message.", admin=True))
    return lines


_RESYNC = (
    "Discord still shows the old command because the bot's commands were not synced after an update: "
    f"the bot's operator can run `{SYNC}` to refresh them."
)


def moved(usage_line: str) -> str:
    """Return the answer to a stale registration of a command that now lives elsewhere."""
    return f"That command has moved: use `{usage_line}` now. {_RESYNC}"


def gone() -> str:
    """Return the answer to a stale registration of a command the bot no longer has."""
    return f"That command is not Briefbot's any more: see `/brief help`. {_RESYNC}"


def gone_menu() -> str:
    """Return the answer to a stale registration of a message menu command."""
    return f"That menu command is not Briefbot's any more: use 'Add to briefings'. {_RESYNC}"


def changed(usage_line: str | None) -> str:
    """Return the answer to a command whose options changed since Discord registered it."""
    now = f"use `{usage_line}` now" if usage_line else "see `/brief help`"
    return f"That command changed since Discord registered it: {now}. {_RESYNC}"
