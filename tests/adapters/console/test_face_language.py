"""The console speaks the CLI: every message names `briefbot …` commands, never a chat command (`/brief …`).

The core gives hints, suggestions and help actions; :mod:`adapters.console.words` words them, and
:func:`adapters.console.render.render_error` is what the CLI prints for every domain error.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import get_args

import pytest

from adapters.console import render, words
from adapters.console.listing import render_hits, render_story_page
from bot.cli import main
from briefings.clock import ManualClock
from briefings.commands import HELP_ACTIONS, UsageError
from briefings.errors import Conflict, Hint, InvalidInput, NotFound
from briefings.models import Digest, DigestItem, RemoveResult, Source, StoryRef
from briefings.service import open_service
from briefings.testing import ADMIN, SEED_SLUG, seed_text

NOW = datetime(2025, 6, 20, 9, 0, tzinfo=UTC)
HINTS: tuple[Hint, ...] = get_args(Hint)


def _chat_syntax(text: str) -> bool:
    return "/brief" in text


def test_render_error_words_suggestions_and_hints() -> None:
    assert render.render_error(NotFound("No story matches 'jpan'.", ["japan-us-talks", "japan-uk-talks"])) == (
        "No story matches 'jpan'. Did you mean: japan-us-talks, japan-uk-talks?"
    )
    assert render.render_error(NotFound("No story matches 'zzqx'.", hints=("list", "search"))) == (
        "No story matches 'zzqx'.\nTry 'briefbot stories' or 'briefbot search WORDS'."
    )
    assert render.render_error(Conflict("The slug 'x' is already taken.")) == "The slug 'x' is already taken."
    assert render.render_error(UsageError("Wrong number of words for 'rename'.", ("rename",))) == (
        "Wrong number of words for 'rename'.\nUsage: briefbot rename OLD NEW"
    )
    pasted = render.render_error(InvalidInput("That page has no article.", hints=("paste_text",)))
    assert pasted.startswith("That page has no article.\nTry 'briefbot add FILE' (save the article's text")
    assert len(pasted.splitlines()) == 2


def test_every_hint_and_usage_in_cli_words() -> None:
    assert set(words.HINTS) == set(HINTS) and set(words.USAGE) == set(HELP_ACTIONS)
    texts = [words.try_line([h]) for h in HINTS] + [words.usage(a) for a in HELP_ACTIONS]
    texts.append(render.render_error(NotFound("x", hints=HINTS)))
    texts.append(render.render_error(UsageError("x", HELP_ACTIONS)))
    for text in texts:
        assert "briefbot " in text and not _chat_syntax(text), text


def test_console_renderers_use_cli_syntax_only() -> None:
    source = Source(article_id=1, title="Report", outlet="Wire", url="https://example.com/1")
    items = [
        DigestItem(slug="a-story", title="A story", tldr="One line.", is_new_story=True, new_sources=[source],
                   article_count=1, updated_at=NOW),
        DigestItem(slug="b-story", title="B story", tldr="", is_new_story=False, new_sources=[source, source],
                   article_count=3, updated_at=NOW),
    ]
    digest = Digest(subscription_id=1, local_date=NOW.date(), zone="UTC", heading="Daily brief", items=items,
                    more=4, since=NOW - timedelta(days=1), composed_at=NOW)
    text = render.render_digest_text(digest)
    assert "• A story [New story · 1 article from Wire]" in text and "[+2 sources]" in text
    assert "briefbot brief a-story" in text
    assert "…and 4 more stories changed. Try 'briefbot stories'." in text
    removed = render.render_remove_result(
        RemoveResult(kind="story", story=StoryRef(slug="a", title="A"), articles_removed=1, story_removed=True)
    )
    assert removed == "Removed story a and its 1 article."
    for out in (text, removed, render_story_page([], offset=0, total=0, page_size=20), render_hits([], "x")):
        assert not _chat_syntax(out), out


@pytest.fixture
def db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A database with the seed story and a Slack digest, in a folder with no .env and no tokens."""
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "DISCORD_TOKEN", "BRIEFBOT_DB"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "cli.db"

    async def make() -> None:
        clock = ManualClock(NOW - timedelta(hours=8))
        async with open_service(path, clock=clock) as service:
            await service.digests.on(platform="slack", channel_id="C1", at="09:30", tz="UTC", actor=ADMIN)
            clock.set(NOW)
            await service.add_text(seed_text(), actor=ADMIN, story=SEED_SLUG)

    asyncio.run(make())
    return path


def test_cli_output_uses_cli_syntax_only(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runs = [
        ["brief", "zzqx"],
        ["brief", "jpan-uss-tallkz-zz"],
        ["search", "zzqqxx"],
        ["digest", "list"],
        ["digest", "preview", "1"],
        ["digest", "preview", "99"],
        ["digest", "set", "--platform", "slack", "--channel", "C2", "--at", "08:30", "--tz", "Mars/Base"],
        ["digest", "set", "--platform", "discord", "--channel", "42", "--at", "08:30", "--tz", "UTC", "--topics",
         "japan"],
        ["digest", "run-due", "--now", "2025-06-20T09:31:00Z"],
        ["digest", "off", "1"],
    ]
    out: list[str] = []
    for argv in runs:
        main([*argv, "--db", str(db)])
        captured = capsys.readouterr()
        out += [captured.out, captured.err]
    everything = "\n".join(out)
    for expected in ("Try 'briefbot stories' or 'briefbot search WORDS'.", "Nothing new since the last digest.",
                     "last delivery: never", "is on for this channel", "SLACK_BOT_TOKEN is not set",
                     "Stopped digest #1 · 09:30 UTC"):
        assert expected in everything, expected
    assert not _chat_syntax(everything)
