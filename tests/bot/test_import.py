"""`briefbot import`: one result line per row, in order; bad rows alone fail; each row whole or not at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefings.store import Store
from briefings.testing import seed_text
from tests.bot.conftest import Run

STORM = (
    "Storm cuts power to coastal towns\nA powerful storm cut electricity to more than 40,000 homes in coastal "
    "towns overnight, utility officials said on Monday, as winds brought down trees and power lines. Crews worked "
    "through the morning to restore service."
)
STORM_FOLLOW_UP = (
    "Power back for most homes after coastal storm\nUtility crews restored electricity to most of the 40,000 "
    "coastal homes that lost power in the storm, officials said on Tuesday, though trees and power lines still "
    "blocked some roads."
)


def _lines(*rows: object) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n"


def _results(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


def test_rows_in_order_with_errors_of_their_own(run: Run, tmp_path: Path) -> None:
    db = tmp_path / "i.db"
    stdin = _lines(
        {"id": "seed", "text": seed_text(), "story": None, "published": "2025-06-20"},
        "not json",
        {"id": "no-text", "title": "x"},
        {"id": "bad-date", "text": STORM, "published": "someday"},
        {"id": "unknown-story", "text": STORM, "story": "no-such-story"},
        {"id": 7, "text": STORM, "published": "2025-06-20T08:00:00Z", "outlet": "Wire"},
        {"id": "again", "text": STORM},
        "",
        {"text": STORM_FOLLOW_UP, "published": "2025-06-21T08:00:00Z"},
    )
    out = run("import", "-", db=db, stdin=stdin)
    assert out.returncode == 1
    rows = _results(out.stdout)
    assert [r["id"] for r in rows] == ["seed", 2, "no-text", "bad-date", "unknown-story", 7, "again", 9]
    assert rows[0]["created_story"] is True and rows[0]["duplicate"] is False
    assert rows[1]["error"].startswith("not JSON")
    assert rows[2]["error"] == 'the row has no "text"'
    assert "not a date" in rows[3]["error"]
    assert rows[4]["error"].startswith("No story matches 'no-such-story'")
    assert rows[5]["created_story"] is True and set(rows[5]) == {
        "id", "story", "article_id", "created_story", "duplicate"
    }
    assert rows[6]["duplicate"] is True and rows[6]["article_id"] == rows[5]["article_id"]
    assert rows[7]["story"] == rows[5]["story"] and rows[7]["created_story"] is False
    stories = json.loads(run("stories", "--format", "json", db=db).stdout)
    assert len(stories) == 2


def test_a_row_with_a_story_joins_it(run: Run, tmp_path: Path) -> None:
    db = tmp_path / "i.db"
    assert run("add", "-", "--story", "storm", db=db, stdin=STORM).returncode == 0
    out = run("import", "-", db=db, stdin=_lines({"text": seed_text(), "story": "STORM"}))
    assert out.returncode == 0, out.stderr
    assert _results(out.stdout)[0]["story"] == "storm"


def test_archive_import_matches_by_publication_time(run: Run, tmp_path: Path) -> None:
    db = tmp_path / "i.db"
    rows = [
        {"id": 1, "text": STORM, "published": "2019-03-01T08:00:00Z"},
        {"id": 2, "text": STORM_FOLLOW_UP, "published": "2019-03-02T08:00:00Z"},
        {"id": 3, "text": STORM_FOLLOW_UP.replace("Tuesday", "Friday"), "published": "2019-06-01T08:00:00Z"},
    ]
    results = _results(run("import", "-", db=db, stdin=_lines(*rows)).stdout)
    assert results[1]["story"] == results[0]["story"]  # a day apart in 2019: the same story
    assert results[2]["created_story"] is True  # three months later: not absorbed by the old story


def test_missing_file_and_folder(run: Run, tmp_path: Path) -> None:
    assert run("import", str(tmp_path / "none.jsonl"), db=tmp_path / "i.db").returncode == 2
    folder = run("import", str(tmp_path), db=tmp_path / "i.db")
    assert folder.returncode == 2 and "is a folder" in folder.stderr
    assert not (tmp_path / "i.db").exists()


def test_a_crash_mid_import_leaves_each_row_whole_or_absent(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "i.db"
    real = Store.log_action
    calls = {"n": 0}

    async def crash_on_second(self, *args, **kwargs):  # the second row dies after its article was inserted
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")
        return await real(self, *args, **kwargs)

    monkeypatch.setattr(Store, "log_action", crash_on_second)
    with pytest.raises(RuntimeError, match="power cut"):
        run("import", "-", db=db, stdin=_lines({"text": STORM}, {"text": seed_text()}, {"text": STORM_FOLLOW_UP}))
    monkeypatch.setattr(Store, "log_action", real)
    stories = json.loads(run("stories", "--format", "json", db=db).stdout)
    assert [s["article_count"] for s in stories] == [1]
    found = run("search", "Ishiba", db=db)
    assert found.returncode == 1  # the crashed row left no article, no story and no search row


def test_merge_and_move_from_the_console(run: Run, tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    assert run("add", "-", "--story", "storm", db=db, stdin=STORM).returncode == 0
    assert run("add", "-", "--story", "storm-2", db=db, stdin=STORM_FOLLOW_UP).returncode == 0
    out = run("merge", "storm-2", "storm", db=db)
    assert out.returncode == 0 and "Merged storm-2 into storm (1 article moved)" in out.stdout
    assert json.loads(run("brief", "storm-2", "--format", "json", db=db).stdout)["story"]["slug"] == "storm"
    out = run("move", "2", "--new", "--story", "power-back", db=db)
    assert out.returncode == 0 and "Moved article 2 from storm to new story power-back." in out.stdout
    out = run("move", "1", "power-back", db=db)
    assert "Story storm had no other article and was removed." in out.stdout
    assert run("move", "x1", "storm", db=db).returncode == 2
    assert run("move", "1", db=db).returncode == 2
    assert run("merge", "power-back", "power-back", db=db).returncode == 2
    assert "merge" in run("log", db=db).stdout


def test_brief_changes_shows_what_each_update_added(run: Run, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    assert run("add", "-", "--story", "storm", db=db, stdin=STORM).returncode == 0
    assert run("add", "-", "--story", "storm", db=db, stdin=STORM_FOLLOW_UP).returncode == 0
    out = run("brief", "storm", "--changes", db=db)
    assert out.returncode == 0, out.stderr
    blocks = out.stdout.split("\n2")  # one block per version, each starting with its date
    assert "new story" in blocks[0] and "1 new article" in out.stdout
    assert "Tuesday" in out.stdout or "restored" in out.stdout  # the follow-up's news is named
    as_json = json.loads(run("brief", "storm", "--changes", "--format", "json", db=db).stdout)
    assert len(as_json) == 2 and as_json[1]["new_articles"] == 1
    recent = run("brief", "storm", "--changes", "--since", "10m", db=db)
    assert recent.returncode == 0
    bad = run("brief", "storm", "--changes", "--since", "soon", db=db)
    assert bad.returncode == 2 and "not an age" in bad.stderr
    assert json.loads(run("brief", "storm", "--format", "json", db=db).stdout)["version"] == 2
