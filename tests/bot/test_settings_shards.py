"""Discord shard settings: DISCORD_SHARD_COUNT, DISCORD_SHARD_IDS and DISCORD_SHARD_RETRY, checked at start."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from bot.settings import Settings


def settings(**env: str) -> Settings:
    return Settings(_env_file=None, **env)  # type: ignore[call-arg]


def test_one_shard_and_no_explicit_ids_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISCORD_SHARD_COUNT", "DISCORD_SHARD_IDS", "DISCORD_SHARD_RETRY"):
        monkeypatch.delenv(name, raising=False)
    found = settings()
    assert (found.discord_shard_count, found.discord_shard_ids, found.discord_shard_retry) == (1, None, 15.0)


def test_shard_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_SHARD_COUNT", "4")
    monkeypatch.setenv("DISCORD_SHARD_IDS", " 3, 1 ")
    monkeypatch.setenv("DISCORD_SHARD_RETRY", "2.5")
    found = settings()
    assert (found.discord_shard_count, found.discord_shard_ids, found.discord_shard_retry) == (4, (1, 3), 2.5)
    monkeypatch.setenv("DISCORD_SHARD_IDS", "")
    assert settings().discord_shard_ids is None


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"DISCORD_SHARD_COUNT": "0"}, "greater than or equal to 1"),
        ({"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "0,2"}, "shard 2 is outside DISCORD_SHARD_COUNT=2"),
        ({"DISCORD_SHARD_IDS": "1"}, "shard 1 is outside DISCORD_SHARD_COUNT=1 (shards 0 to 0)"),
        ({"DISCORD_SHARD_COUNT": "3", "DISCORD_SHARD_IDS": "1,1"}, "a shard is named twice in 1,1"),
        ({"DISCORD_SHARD_IDS": "zero"}, "shard numbers separated by commas"),
        ({"DISCORD_SHARD_IDS": "-1"}, "shard numbers separated by commas"),
        ({"DISCORD_SHARD_RETRY": "0"}, "greater than 0"),
        ({"DISCORD_SHARD_RETRY": "120"}, "less than or equal to 60"),
    ],
)
def test_bad_shard_settings_are_refused_clearly(
    monkeypatch: pytest.MonkeyPatch, run: Any, env: dict[str, str], problem: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match="DISCORD_SHARD"):
        settings()
    ran = run("stories")  # any command: settings are read first, and a bad one is exit code 2
    assert ran.returncode == 2
    (line,) = ran.stderr.strip().splitlines()
    assert line.startswith("briefbot: a setting is not valid: DISCORD_SHARD_") and problem in line
