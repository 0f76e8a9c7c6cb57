"""`briefbot digest …` in-process: run-due's exit codes for cron, and every digest command's --help."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.testing.slack_api import FakeSlackAPI
from bot.cli import main
from briefings.clock import ManualClock
from briefings.service import open_service
from briefings.testing import ADMIN, SEED_SLUG, seed_text

DUE = datetime(2025, 6, 20, 9, 30, tzinfo=UTC)
KEY = "2025-06-20T09:30"
POST = "chat.postMessage"


@pytest.fixture
def db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A database path, in a folder with no .env, and no platform token in the environment."""
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_API_URL", "DISCORD_TOKEN", "DISCORD_API_URL", "BRIEFBOT_DB"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "digests.db"


async def _subscribe(path: Path, *channels: tuple[str, str]) -> None:
    """Subscribe channels to a 09:30 UTC digest before the news, then add the news."""
    clock = ManualClock(datetime(2025, 6, 20, 1, 0, tzinfo=UTC))
    async with open_service(path, clock=clock) as service:
        for platform, channel in channels:
            await service.digests.on(platform=platform, channel_id=channel, at="09:30", tz="UTC", actor=ADMIN)
        clock.set(datetime(2025, 6, 20, 8, 0, tzinfo=UTC))
        await service.add_text(seed_text(), actor=ADMIN, story=SEED_SLUG)


def _run_due(db: Path, now: datetime) -> int:
    return main(["digest", "run-due", "--db", str(db), "--now", now.isoformat()])


def test_a_due_digest_without_its_token_fails_and_says_which(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(_subscribe(db, ("slack", "C1"), ("discord", "42")))
    assert _run_due(db, DUE + timedelta(minutes=1)) == 1
    out, err = capsys.readouterr()
    assert f"digest 1@{KEY} (slack:C1) not delivered: SLACK_BOT_TOKEN is not set" in err
    assert f"digest 2@{KEY} (discord:42) not delivered: DISCORD_TOKEN is not set" in err
    assert "Nothing due" not in out


def test_nothing_due_is_success_with_a_note(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(_subscribe(db, ("slack", "C1")))
    assert _run_due(db, DUE - timedelta(hours=1)) == 0
    out, err = capsys.readouterr()
    assert "Nothing due." in out and err == ""
    assert "slack digests cannot be delivered from here: SLACK_BOT_TOKEN is not set" in out
    # beyond the catch-up window the slot is no longer due: not an error for cron
    assert _run_due(db, DUE + timedelta(hours=7)) == 0
    assert "Nothing due." in capsys.readouterr().out


async def test_delivered_then_nothing_due(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    await _subscribe(db, ("slack", "C1"))
    async with FakeSlackAPI() as api:
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
        monkeypatch.setenv("SLACK_API_URL", api.base_url)
        assert await asyncio.to_thread(_run_due, db, DUE + timedelta(minutes=1)) == 0
        assert f"sent: digest 1@{KEY}" in capsys.readouterr().out
        [post] = api.ok_calls_to(POST)
        assert post.params["channel"] == "C1"
        assert await asyncio.to_thread(_run_due, db, DUE + timedelta(minutes=5)) == 0
        assert "Nothing due." in capsys.readouterr().out


async def test_a_failed_delivery_fails_and_names_the_error(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    await _subscribe(db, ("slack", "C1"))
    async with FakeSlackAPI() as api:
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
        monkeypatch.setenv("SLACK_API_URL", api.base_url)
        api.fail_next(POST, 1, status=200, error="channel_not_found")
        assert await asyncio.to_thread(_run_due, db, DUE + timedelta(minutes=1)) == 1
        out, err = capsys.readouterr()
        assert f"digest 1@{KEY} not delivered, will retry: Slack refused the post (channel_not_found)" in err
        assert "Nothing due" not in out


def test_a_bad_instant_is_bad_input(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(_subscribe(db, ("slack", "C1")))
    assert main(["digest", "run-due", "--db", str(db), "--now", "tomorrow"]) == 2
    assert "ISO 8601" in capsys.readouterr().err


@pytest.mark.parametrize("action", ["list", "set", "off", "preview", "run-due"])
def test_every_digest_command_documents_its_exit_codes(action: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["digest", action, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "exit codes:" in out and "    0  done" in out
    if action == "run-due":
        assert "    1  " in out and "token is not set" in out
