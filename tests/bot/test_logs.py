"""Log lines: JSON objects with the context fields a record carries; secrets masked in text and JSON alike."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from bot.logs import MASK, JsonFormatter, RedactingFilter, Redactor, configure_logging, make_handler, settings_secrets
from bot.settings import Settings

BOT_TOKEN = "xoxb-1111-2222-abcdefABCDEF"
SIGNING = "8f14e45fceea167a5a36dedd4bea2543"
DISCORD = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"
DB_URL = "postgresql://briefbot:hunter2-db-pass@db.internal:5432/briefbot"


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, io.StringIO, logging.Handler]]:
    """A logger of its own writing JSON lines to a buffer (the root logger is left alone)."""
    stream = io.StringIO()
    handler = make_handler("json", [BOT_TOKEN, SIGNING, DISCORD], stream)
    logger = logging.getLogger("briefbot.test.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield logger, stream, handler
    finally:
        logger.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_carry_time_level_logger_message_and_context(logged) -> None:
    logger, stream, _ = logged
    logger.info(
        "digest %s delivered in %d message(s)",
        "3@2026-11-27T08:00",
        2,
        extra={"platform": "slack", "story": "japan-us-talks", "digest_id": 3},
    )
    logger.warning("plain")
    first, second = lines(stream)
    assert first["level"] == "INFO" and first["logger"] == "briefbot.test.logs"
    assert first["message"] == "digest 3@2026-11-27T08:00 delivered in 2 message(s)"
    assert (first["platform"], first["story"], first["digest_id"]) == ("slack", "japan-us-talks", 3)
    assert first["time"].endswith("+00:00") and "T" in first["time"]
    assert set(second) == {"time", "level", "logger", "message"}  # no context: no empty fields


def test_every_line_is_one_json_object_even_with_a_traceback(logged) -> None:
    logger, stream, _ = logged
    try:
        raise RuntimeError(f"cannot post with token {BOT_TOKEN}\nsecond line")
    except RuntimeError:
        logger.exception("post failed")
    (line,) = stream.getvalue().splitlines()  # the newlines of the traceback are escaped inside the string
    record = json.loads(line)
    assert "RuntimeError" in record["exception"] and "second line" in record["exception"]
    assert BOT_TOKEN not in line and MASK in record["exception"]


@pytest.mark.parametrize(
    "message",
    [
        f"slack answered for {BOT_TOKEN}",
        f"signing secret {SIGNING} rejected",
        f"discord login with {DISCORD}",
        f"Authorization: Bot {DISCORD}",
        "Authorization: Bearer xoxb-9999-8888-unconfiguredToken",
        "socket mode token xapp-1-A0123-4567-abcdef0123456789",
    ],
)
def test_secrets_never_reach_the_json_line(logged, message: str) -> None:
    logger, stream, _ = logged
    logger.error(message)
    text = stream.getvalue()
    for secret in (BOT_TOKEN, SIGNING, DISCORD, "unconfiguredToken", "abcdef0123456789"):
        assert secret not in text
    assert MASK in lines(stream)[0]["message"]


def test_database_url_keeps_its_host_but_not_its_password() -> None:
    redact = Redactor()
    assert redact(f"cannot reach {DB_URL}") == "cannot reach postgresql://briefbot:***@db.internal:5432/briefbot"
    assert redact("postgresql://db.internal/x?user=a&password=s3cret&sslmode=require") == (
        "postgresql://db.internal/x?user=a&password=***&sslmode=require"
    )
    assert redact("a plain path /var/lib/briefbot.db stays") == "a plain path /var/lib/briefbot.db stays"


def test_args_and_context_fields_are_masked_too(logged) -> None:
    logger, stream, _ = logged
    logger.info("opening %s", DB_URL, extra={"platform": "slack", "story": f"x {SIGNING}"})
    record = lines(stream)[0]
    assert "hunter2" not in record["message"] and SIGNING not in record["story"]


def test_text_format_is_redacted_as_well() -> None:
    stream = io.StringIO()
    handler = make_handler("text", [SIGNING], stream)
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "secret=%s", (SIGNING,), None)
    handler.handle(record)
    assert SIGNING not in stream.getvalue() and f"secret={MASK}" in stream.getvalue()


def test_settings_secrets_lists_tokens_and_the_database_password() -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        slack_bot_token=SecretStr(BOT_TOKEN),
        slack_signing_secret=SecretStr(SIGNING),
        discord_token=SecretStr(DISCORD),
        db=DB_URL,
    )
    assert set(settings_secrets(settings)) == {BOT_TOKEN, SIGNING, DISCORD, "hunter2-db-pass"}


def test_log_format_setting_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFBOT_LOG_FORMAT", "JSON")
    assert Settings(_env_file=None).log_format == "json"  # type: ignore[call-arg]
    monkeypatch.setenv("BRIEFBOT_LOG_FORMAT", "xml")
    with pytest.raises(ValueError):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_short_configured_values_are_not_masked_everywhere() -> None:
    assert Redactor(["abc"])("abc is a common word") == "abc is a common word"


def test_configure_logging_leaves_a_host_programs_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [logging.NullHandler()])
    level = root.level
    try:
        assert configure_logging(logging.INFO, fmt="json") is None
        assert root.level == logging.INFO
        monkeypatch.setattr(root, "handlers", [])
        installed = configure_logging(logging.WARNING, fmt="json")
        assert installed is not None and isinstance(installed.formatter, JsonFormatter)
        assert any(isinstance(f, RedactingFilter) for f in installed.filters)
        again = configure_logging(logging.WARNING, fmt="text")  # replaces its own handler, never stacks
        assert root.handlers == [again]
    finally:
        root.setLevel(level)


@pytest.mark.parametrize(
    ("name", "platform"),
    [
        ("adapters.slack.handlers", "slack"),
        ("slack_bolt.App", "slack"),
        ("adapters.discord.client", "discord"),
        ("discord.gateway", "discord"),
        ("adapters.slackish", None),
        ("briefings.scheduler", None),
    ],
)
def test_a_platform_library_or_adapter_logger_names_its_platform(name: str, platform: str | None) -> None:
    stream = io.StringIO()
    handler = make_handler("json", [], stream)
    record = logging.LogRecord(name, logging.INFO, __file__, 1, "refused: no such story", None, None)
    handler.handle(record)
    assert json.loads(stream.getvalue()).get("platform") == platform
