"""Logging set-up: plain text or one JSON object per line, and a filter that keeps secrets out of both."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

from pydantic import SecretStr

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "***"
# Fields a log call may carry with ``extra=`` that the JSON lines keep (e.g. extra={"story": slug}).
CONTEXT_FIELDS = ("platform", "story", "digest_id", "delivery_id", "feed_id", "channel", "command")
_MIN_SECRET = 6  # shorter configured values are too likely to occur in ordinary words to be masked by value

# Token shapes redacted even when they are not configured here (a token pasted into a message, say).
_PATTERNS = (
    re.compile(r"\bx(?:ox[abposre]|app)-[A-Za-z0-9-]{6,}"),  # Slack bot/user/app/config tokens
    re.compile(r"\b[MNO][A-Za-z0-9_-]{22,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,}"),  # Discord bot tokens
    re.compile(r"(?i)(\bBot\s+)[A-Za-z0-9_.-]{30,}"),  # an Authorization: Bot header
    re.compile(r"(?i)(\bBearer\s+)[A-Za-z0-9_.~+/=-]{8,}"),  # an Authorization: Bearer header
)
# scheme://user:password@host: the password goes, the rest stays (it tells which database).
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/?#@\s]*:)(?P<password>[^@/?#\s]+)(?=@)")
_QUERY_PASSWORD = re.compile(r"(?i)(?P<head>[?&](?:password|passwd|pwd|token|secret)=)(?P<value>[^&#\s]+)")


class Redactor:
    """Masks configured secret values, token shapes and passwords in URLs."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        values = {s.strip() for s in secrets if s and len(s.strip()) >= _MIN_SECRET}
        values |= {v.removeprefix("Bot ").strip() for v in values if v.startswith("Bot ")}
        # Longest first, so a secret containing another is masked whole.
        self._values = sorted(values, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        """Return ``text`` with every secret masked."""
        for value in self._values:
            if value in text:
                text = text.replace(value, MASK)
        text = _URL_PASSWORD.sub(lambda m: m["head"] + MASK, text)
        text = _QUERY_PASSWORD.sub(lambda m: m["head"] + MASK, text)
        for pattern in _PATTERNS:
            text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + MASK, text)
        return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's message and traceback with its secrets masked (attach it to handlers)."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redact = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the secrets of ``record`` in place; never drops a record."""
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is, masked
            message = f"{record.msg} {record.args}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        for name in CONTEXT_FIELDS:
            value = record.__dict__.get(name)
            if isinstance(value, str):
                record.__dict__[name] = self.redact(value)
        return True


# loggers whose records concern one platform (``platform`` is added from the logger's name when not given)
PLATFORM_LOGGERS = (
    ("adapters.slack", "slack"),
    ("slack_bolt", "slack"),
    ("slack_sdk", "slack"),
    ("adapters.discord", "discord"),
    ("discord", "discord"),
)


def _platform_of(logger: str) -> str | None:
    for prefix, platform in PLATFORM_LOGGERS:
        if logger == prefix or logger.startswith(prefix + "."):
            return platform
    return None


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the context fields present, the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        """Return ``record`` as one line of JSON."""
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                out[name] = value if isinstance(value, int | float | bool) else str(value)
        if "platform" not in out and (platform := _platform_of(record.name)) is not None:
            out["platform"] = platform
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            out["exception"] = record.exc_text
        if record.stack_info:
            out["stack"] = record.stack_info
        return json.dumps(out, ensure_ascii=False)


def make_handler(fmt: str = "text", secrets: Iterable[str] = (), stream: TextIO | None = None) -> logging.Handler:
    """Return a handler writing to ``stream`` (default stderr) as text or JSON lines, with secrets masked."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RedactingFilter(Redactor(secrets)))
    return handler


def configure_logging(level: int, *, fmt: str = "text", secrets: Iterable[str] = ()) -> logging.Handler | None:
    """Set the root level and log to stderr through ``make_handler`` (like ``basicConfig``: not where a host
    program, or pytest, already put handlers on the root logger); return the handler installed."""
    root = logging.getLogger()
    root.setLevel(level)
    for old in [h for h in root.handlers if getattr(h, "briefbot", False)]:
        root.removeHandler(old)
    if root.handlers:
        return None
    handler = make_handler(fmt, secrets)
    handler.briefbot = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    return handler


def settings_secrets(settings: Any) -> list[str]:
    """Return the secret values in ``settings`` (tokens, signing secret, the database URL's password)."""
    found: list[str] = []
    for name in ("slack_bot_token", "slack_signing_secret", "slack_app_token", "discord_token"):
        value: Any = getattr(settings, name, None)
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if value:
            found.append(str(value))
    match = _URL_PASSWORD.search(str(getattr(settings, "db", "") or ""))
    if match:
        found.append(match["password"])
    return found
