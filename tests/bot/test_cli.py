"""The `briefbot` CLI: most runs in-process through ``bot.cli.main``; a few real subprocesses as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser
from briefings.testing import seed_text
from tests.bot.conftest import Run

OTHER = """Heatwave grips southern Europe as wildfires spread in Greece
Firefighters battled wildfires near Athens on Tuesday as temperatures climbed above 40C across southern Europe.
Authorities evacuated several villages and closed the Acropolis to tourists during the hottest hours of the day.
"""


def subprocess_run(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the CLI in a real process (for what only a process shows: start-up, pipes, the entry point)."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("BRIEFBOT_DB", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


# ----- real processes ---------------------------------------------------------------------------------


def test_demo_prints_the_seed_card(tmp_path: Path) -> None:
    out = subprocess_run("demo", env={"HOME": str(tmp_path)}, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    for needle in ("Japan Cancels Key Security Talks", "Shigeru Ishiba", "Marco Rubio", "July 20", "3.5%"):
        assert needle in out.stdout
    assert "japan-us-talks" in out.stdout
    assert not list(tmp_path.glob("*.db"))


def test_version() -> None:
    out = subprocess_run("--version")
    assert out.returncode == 0 and out.stdout.startswith("briefbot ")


def test_piped_story_list_prints_whole_slugs(tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    long_story = "a-rather-long-story-name-that-a-narrow-terminal-would-cut-short"
    for story, text in ((long_story, OTHER), ("japan-us-talks", seed_text())):
        file = tmp_path / f"{story}.txt"
        file.write_text(text, encoding="utf-8")
        assert subprocess_run("add", str(file), "--story", story, env={"BRIEFBOT_DB": str(db)}).returncode == 0
    out = subprocess_run("stories", env={"BRIEFBOT_DB": str(db), "COLUMNS": "40"})
    assert out.returncode == 0, out.stderr
    assert long_story in out.stdout.split() and "japan-us-talks" in out.stdout.split()
    found = subprocess_run("search", "wildfires", env={"BRIEFBOT_DB": str(db), "COLUMNS": "40"})
    assert long_story in found.stdout.split()


# ----- in-process -----------------------------------------------------------------------------------------


def test_add_brief_list_search_rename_alias_remove(run: Run, tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    seed = tmp_path / "seed.txt"
    seed.write_text(seed_text(), encoding="utf-8")
    out = run("add", str(seed), "--story", "japan-us-talks", "--published", "2025-06-20", db=db)
    assert out.returncode == 0, out.stderr
    assert "story: japan-us-talks" in out.stdout and "article: 1" in out.stdout
    out = run("add", "-", "--title", "Heatwave", db=db, stdin=OTHER)
    assert out.returncode == 0, out.stderr
    brief = json.loads(run("brief", "japan-us-talks", "--format", "json", db=db).stdout)
    assert brief["story"] == {"slug": "japan-us-talks", "title": brief["story"]["title"]}
    assert brief["tldr"] and isinstance(brief["summary"], list) and brief["facts"]["people"]
    assert brief["sources"][0]["published"].startswith("2025-06-20")
    listed = json.loads(run("stories", "--format", "json", db=db).stdout)
    assert [s["slug"] for s in listed][1] == "japan-us-talks"
    assert "japan-us-talks" in run("search", "defence", "spending", db=db).stdout
    assert run("rename", "japan-us-talks", "japan-2plus2", db=db).returncode == 0
    assert run("alias", "japan-2plus2", "talks", db=db).returncode == 0
    assert json.loads(run("brief", "talks", "--format", "json", db=db).stdout)["story"]["slug"] == "japan-2plus2"
    assert run("remove", "japan-2plus2", db=db).returncode == 0
    log = run("log", db=db).stdout
    assert "add" in log and "rename" in log


def test_a_typo_opens_the_story_and_says_so(run: Run, tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    assert run("add", "-", "--story", "japan-us-talks", db=db, stdin=seed_text()).returncode == 0
    out = run("brief", "japan-us-talkz", db=db)
    assert out.returncode == 0
    assert out.stdout.splitlines()[0] == "Showing `japan-us-talks` for 'japan-us-talkz'."
    as_json = run("brief", "japn", "--format", "json", db=db)
    assert json.loads(as_json.stdout)["story"]["slug"] == "japan-us-talks"
    assert "Showing `japan-us-talks` for 'japn'." in as_json.stderr
    nothing = run("brief", "the", "weather", "in", "paris", db=db)
    assert nothing.returncode == 3 and "No story matches 'the weather in paris'" in nothing.stderr
    assert "briefbot stories" in nothing.stderr and "/brief" not in nothing.stderr


def test_stories_pages_without_a_silent_cap(run: Run, tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    for i in range(5):
        text = OTHER.replace("Heatwave", f"Heatwave {i}").replace("Athens", f"Athens district {i}")
        assert run("add", "-", "--story", f"heat-{i}", db=db, stdin=text).returncode == 0
    first = run("stories", "--limit", "2", db=db)
    assert "Stories 1–2 of 5." in first.stdout and "--page 2 --limit 2" in first.stdout
    third = run("stories", "--limit", "2", "--page", "3", db=db)
    assert "heat-0" in third.stdout and "Stories 5–5 of 5." in third.stdout and "Next" not in third.stdout
    offset = json.loads(run("stories", "--offset", "4", "--format", "json", db=db).stdout)
    assert [s["slug"] for s in offset] == ["heat-0"]
    assert len(json.loads(run("stories", "--limit", "500", "--format", "json", db=db).stdout)) == 5
    too_many = run("stories", "--limit", "5000", db=db)
    assert too_many.returncode == 2 and "1 to 1000" in too_many.stderr
    assert run("stories", "--page", "0", db=db).returncode == 2


@pytest.mark.parametrize(
    "args",
    [("brief", "japan-us-talks"), ("stories",), ("search", "japan"), ("log",), ("remove", "x"), ("alias", "a", "b")],
)
def test_read_commands_never_create_a_database(run: Run, tmp_path: Path, args: tuple[str, ...]) -> None:
    db = tmp_path / "typo.db"
    out = run(*args, db=db)
    assert out.returncode == 7
    assert f"There is no Briefbot database at {db} yet." in out.stderr
    assert "briefbot add" in out.stderr and "Traceback" not in out.stderr
    assert not db.exists()


@pytest.mark.parametrize(
    "args,stdin,code,message",
    [
        (("add", "-"), "", 2, "empty"),
        (("add", "-"), "   \n", 2, "empty"),
        (("add", "ftp://example.com/a"), None, 6, "Only http"),
        (("add", "http://127.0.0.1:9/a"), None, 6, "private or local"),
        (("add", "-", "--story", "Not/A/Slug"), OTHER, 2, "not a valid story name"),
        (("add", "-", "--story", "list"), OTHER, 2, "command word"),
        (("add", "-", "--published", "soon"), OTHER, 2, "not a date"),
        (("brief", "japan-us-talk"), None, 7, "no Briefbot database"),
    ],
)
def test_bad_input_fails_politely_and_changes_nothing(run: Run, tmp_path: Path, args, stdin, code, message) -> None:
    db = tmp_path / "b.db"
    out = run(*args, db=db, stdin=stdin)
    assert out.returncode == code, (out.stdout, out.stderr)
    assert message in out.stderr and "Traceback" not in out.stderr
    assert not db.exists()


def test_bad_input_on_an_existing_database_changes_nothing(run: Run, tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    assert run("add", "-", "--story", "japan-us-talks", db=db, stdin=seed_text()).returncode == 0
    before = run("stories", "--format", "json", db=db).stdout
    for args, code in ((("brief", "japan-us-tlk", "x"), 3), (("remove", "77"), 3), (("rename", "nope", "other"), 3)):
        out = run(*args, db=db)
        assert out.returncode == code and "Traceback" not in out.stderr, out.stderr
    assert run("stories", "--format", "json", db=db).stdout == before


def test_binary_file_and_foreign_database(run: Run, tmp_path: Path) -> None:
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"\x00\x01\x02binary")
    out = run("add", str(binary), db=tmp_path / "b.db")
    assert out.returncode == 2 and "binary" in out.stderr
    foreign = tmp_path / "foreign.db"
    foreign.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    out = run("stories", db=foreign)
    assert out.returncode == 7 and "Briefbot database" in out.stderr


def test_summarize_and_facts_jsonl(run: Run) -> None:
    lines = "\n".join(
        [
            json.dumps({"id": "a", "text": seed_text()}),
            json.dumps({"id": "b", "text": OTHER, "title": "Heat"}),
            "not json",
        ]
    )
    out = run("summarize", "--jsonl", "-", stdin=lines)
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert out.returncode == 1  # one bad line
    assert rows[0]["id"] == "a" and 1 <= len(rows[0]["summary"]) <= 3
    assert rows[2]["error"].startswith("not JSON")
    out = run("facts", "--jsonl", "-", stdin=lines.rsplit("\n", 1)[0])
    assert out.returncode == 0, out.stderr
    facts = [json.loads(line) for line in out.stdout.splitlines()]
    entity = facts[0]["facts"]["entities"][0]
    assert set(entity) == {"text", "type", "start", "end"}
    assert seed_text()[entity["start"] : entity["end"]] == entity["text"]


def test_summarize_one_text_with_sentences(run: Run) -> None:
    out = run("summarize", "-", "--sentences", "2", stdin=seed_text())
    assert out.returncode == 0 and len(out.stdout.strip().splitlines()) == 2


def _commands(parser) -> dict[str, object]:
    """Every (sub)command parser by its full name, e.g. 'digest run-due'."""
    import argparse

    found: dict[str, object] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[name] = sub
                found.update({f"{name} {k}": v for k, v in _commands(sub).items()})
    return found


def test_every_command_documents_its_exit_codes() -> None:
    commands = _commands(build_parser())
    assert {"add", "brief", "stories", "search", "digest run-due"} <= set(commands)
    for name, parser in commands.items():
        if _commands(parser):  # a group such as `digest`: its leaves document their codes
            continue
        text = parser.format_help()  # type: ignore[attr-defined]
        assert "exit codes:" in text and "  0  " in text, name


def test_log_level_setting_is_applied(run: Run, tmp_path: Path) -> None:
    import logging

    assert run("stories", "--format", "json", db=tmp_path / "x.db", env={"BRIEFBOT_LOG_LEVEL": "error"}).returncode
    assert logging.getLogger().level == logging.ERROR
    bad = run("stories", env={"BRIEFBOT_LOG_LEVEL": "loud"})
    assert bad.returncode == 2 and "BRIEFBOT_LOG_LEVEL" in bad.stderr
