"""End-to-end runs of the `briefbot` CLI in subprocesses, on temporary databases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefings.testing import seed_text

OTHER = """Heatwave grips southern Europe as wildfires spread in Greece
Firefighters battled wildfires near Athens on Tuesday as temperatures climbed above 40C across southern Europe.
Authorities evacuated several villages and closed the Acropolis to tourists during the hottest hours of the day.
"""


def run(*args: str, db: Path | None = None, stdin: str | None = None, env: dict | None = None):
    """Run the CLI as a user would and return the completed process."""
    full_env = {**os.environ, "COLUMNS": "120", **(env or {})}
    full_env.pop("BRIEFBOT_DB", None)
    if db is not None:
        full_env["BRIEFBOT_DB"] = str(db)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
        check=False,
    )


def test_demo_prints_the_seed_card(tmp_path: Path) -> None:
    out = run("demo", env={"HOME": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    for needle in (
        "Japan Cancels Key Security Talks",
        "Shigeru Ishiba",
        "Marco Rubio",
        "July 20",
        "3.5%",
        "japan-us-talks",
    ):
        assert needle in out.stdout
    assert not list(tmp_path.glob("*.db"))


def test_add_brief_list_search_rename_alias_remove(tmp_path: Path) -> None:
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
    assert "add" in run("log", db=db).stdout


@pytest.mark.parametrize(
    "args,stdin,code,message",
    [
        (("add", "-"), "", 2, "empty"),
        (("add", "-"), "   \n", 2, "empty"),
        (("add", "ftp://example.com/a"), None, 6, "Only http"),
        (("add", "http://127.0.0.1:9/a"), None, 6, "private or local"),
        (("add", "-", "--story", "Not A Slug"), OTHER, 2, "not a valid story name"),
        (("add", "-", "--published", "soon"), OTHER, 2, "not a date"),
        (("brief", "japan-us-talk"), None, 3, "No story matches"),
        (("remove", "77"), None, 3, "no article with id 77"),
        (("rename", "nope", "other"), None, 3, "No story matches"),
    ],
)
def test_bad_input_fails_politely_and_changes_nothing(tmp_path: Path, args, stdin, code, message) -> None:
    db = tmp_path / "b.db"
    out = run(*args, db=db, stdin=stdin)
    assert out.returncode == code, (out.stdout, out.stderr)
    assert message in out.stderr and "Traceback" not in out.stderr
    assert json.loads(run("stories", "--format", "json", db=db).stdout) == []


def test_binary_file_and_foreign_database(tmp_path: Path) -> None:
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"\x00\x01\x02binary")
    out = run("add", str(binary), db=tmp_path / "b.db")
    assert out.returncode == 2 and "binary" in out.stderr
    foreign = tmp_path / "foreign.db"
    foreign.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    out = run("stories", db=foreign)
    assert out.returncode == 7 and "Briefbot database" in out.stderr


def test_summarize_and_facts_jsonl(tmp_path: Path) -> None:
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


def test_summarize_one_text_with_sentences(tmp_path: Path) -> None:
    out = run("summarize", "-", "--sentences", "2", stdin=seed_text())
    assert out.returncode == 0 and len(out.stdout.strip().splitlines()) == 2


def test_digest_commands_end_to_end(tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    seed = tmp_path / "seed.txt"
    seed.write_text(seed_text(), encoding="utf-8")
    out = run("digest", "set", "--platform", "slack", "--channel", "C1", "--at", "08:30", "--tz", "Asia/Tokyo", db=db)
    assert out.returncode == 0, out.stderr
    assert "#1 slack:C1 daily at 08:30 Asia/Tokyo" in out.stdout and "next run" in out.stdout
    bad = run("digest", "set", "--platform", "slack", "--channel", "C1", "--at", "8h", "--tz", "Asia/Tokio", db=db)
    assert bad.returncode == 2 and "not a time" in bad.stderr
    bad = run("digest", "set", "--platform", "slack", "--channel", "C1", "--at", "08:00", "--tz", "Asia/Tokio", db=db)
    assert bad.returncode == 2 and "Did you mean: Asia/Tokyo" in bad.stderr
    assert run("add", str(seed), "--story", "japan-us-talks", db=db).returncode == 0
    preview = run("digest", "preview", "1", db=db)
    assert "japan-us-talks" in preview.stdout and "New story" in preview.stdout
    listed = run("digest", "list", db=db)
    assert "last delivery: never" in listed.stdout
    due = run("digest", "run-due", "--now", "2025-06-21T00:00:00Z", db=db, env={"SLACK_BOT_TOKEN": ""})
    assert due.returncode == 0 and "SLACK_BOT_TOKEN is not set" in due.stdout
    bad = run("digest", "run-due", "--now", "tomorrow", db=db)
    assert bad.returncode == 2 and "ISO 8601" in bad.stderr
    assert run("digest", "off", "1", db=db).returncode == 0
    assert "No digests" in run("digest", "list", db=db).stdout
