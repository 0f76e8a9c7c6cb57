"""Domain errors of the briefing engine; each carries a message fit to show a user."""

from __future__ import annotations


class BriefingError(Exception):
    """Base of every error the engine raises on purpose; ``message`` is safe to show users."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(BriefingError):
    """The user gave text, a file, a slug, a time or a zone that cannot be used."""

    exit_code = 2


class NotFound(BriefingError):
    """A story, alias, article or digest does not exist; ``suggestions`` holds close matches."""

    exit_code = 3

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
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


class StoreError(BriefingError):
    """The database cannot be used (not Briefbot's, or written by a newer version)."""

    exit_code = 7


class DeliveryError(BriefingError):
    """Posting a digest failed; ``transient`` errors are retried, permanent ones disable the digest."""

    def __init__(self, message: str, *, transient: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after
