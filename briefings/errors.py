"""Domain errors of the briefing engine; each carries a message fit to show a user."""

from __future__ import annotations

from typing import Literal, get_args

# What a user can do next, named without any face's syntax: each face (CLI, Slack, Discord) words these
# as its own command ("briefbot stories", "/brief list", "/brief-admin digest on ...").
Hint = Literal[
    "list",  # list the stories
    "search",  # search stories by words
    "digest_status",  # see this channel's digests
    "digest_on",  # subscribe a channel to a digest (admins)
    "digest_list",  # list every digest (console)
    "add",  # add an article (admins)
    "paste_text",  # add the article by pasting its text instead of a URL
]
HINTS: tuple[Hint, ...] = get_args(Hint)


class BriefingError(Exception):
    """Base of every error the engine raises on purpose; ``message`` is safe to show users.

    ``message`` never names a command of one face; ``hints`` say which commands help, and each face words them.
    """

    exit_code = 1

    def __init__(self, message: str, *, hints: tuple[Hint, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.hints: tuple[Hint, ...] = tuple(hints)


class InvalidInput(BriefingError):
    """The user gave text, a file, a slug, a time or a zone that cannot be used."""

    exit_code = 2


class NotFound(BriefingError):
    """A story, alias, article or digest does not exist; ``suggestions`` holds close matches."""

    exit_code = 3

    def __init__(
        self, message: str, suggestions: list[str] | None = None, *, hints: tuple[Hint, ...] = ()
    ) -> None:
        super().__init__(message, hints=hints)
        self.suggestions = list(suggestions or [])


class Conflict(BriefingError):
    """The change would clash with what is stored (a taken slug or alias)."""

    exit_code = 4


class PermissionDenied(BriefingError):
    """The actor may not do this (admin commands by non-admins)."""

    exit_code = 5


class FetchError(BriefingError):
    """A URL could not be fetched or was refused (scheme, private address, size, timeout)."""

    exit_code = 6


class FeedError(InvalidInput):
    """A feed could not be used: not a feed, nothing parses, an OPML file that is not one."""


class StoreError(BriefingError):
    """The database cannot be used (not Briefbot's, written by a newer version, missing, or unreachable)."""

    exit_code = 7


class ReadOnlyStore(StoreError):
    """The database can be read but not changed (a read-only file or mount)."""

    exit_code = 8


class DeliveryError(BriefingError):
    """Posting a digest failed; ``transient`` errors are retried, permanent ones disable the digest."""

    def __init__(self, message: str, *, transient: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after


class ModelFileError(BriefingError):
    """A shipped tagger file is not in the packed format or is cut short: the install is damaged."""
