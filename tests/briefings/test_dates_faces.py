"""Dates as the faces show them: `facts --jsonl` mentions with exact offsets, one card line per distinct date."""

from __future__ import annotations

import io
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from adapters.console.render import render_facts as console_facts
from adapters.discord.render import render_facts as discord_facts
from adapters.slack.render import render_facts as slack_facts
from bot.cli import main
from briefings.facts import extract_facts
from briefings.facts.merge import merge_facts
from briefings.models import Brief, KeyFacts, StoryRef

FIRST = (
    "NEW YORK, Nov. 1 -- The company said Friday that its profit fell in the third quarter. "
    "On Friday, its shares dropped 5%. The chairman said Friday he would stay, and the board will meet next month."
)
SECOND = "The company reported on Friday that profit fell. Last year it earned $3 million."


def test_facts_jsonl_reports_every_date_mention_with_offsets_that_slice_the_text(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    lines = "\n".join(
        json.dumps({"id": i, "text": text, "published": "1989-11-01"}) for i, text in enumerate((FIRST, SECOND))
    )
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(lines.encode("utf-8")), encoding="utf-8"))
    assert main(["facts", "--jsonl", "-"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in rows] == [0, 1]
    for row, text in zip(rows, (FIRST, SECOND), strict=True):
        dates = row["facts"]["dates"]
        assert dates and "date_mentions" not in row["facts"]
        for d in dates:
            assert set(d) == {"text", "start", "end", "value", "event"}
            assert text[d["start"] : d["end"]] == d["text"]
    first = [(d["text"], d["value"]) for d in rows[0]["facts"]["dates"]]
    assert first == [
        ("Nov. 1", "1989-11-01"),
        ("Friday", "1989-10-27"),
        ("the third quarter", "1989-Q3"),
        ("Friday", "1989-10-27"),
        ("Friday", "1989-10-27"),
        ("next month", "1989-12"),
    ]


def _brief(facts: KeyFacts) -> Brief:
    """Wrap a card in a brief for the chat faces."""
    when = datetime(1989, 11, 1, tzinfo=UTC)
    return Brief(
        story=StoryRef(slug="profit", title="Profit falls"),
        headline="Profit falls",
        tldr="Profit fell.",
        summary=[],
        facts=facts,
        sources=[],
        updated_at=when,
        article_count=2,
    )


def test_the_card_shows_one_line_per_distinct_date_on_every_face() -> None:
    published = datetime(1989, 11, 1)
    cards = [extract_facts(text, published=published) for text in (FIRST, SECOND)]
    assert len([m for m in cards[0].date_mentions if m.value == "1989-10-27"]) == 3
    merged = merge_facts(cards)
    assert [f.value for f in merged.dates].count("1989-10-27") == 1
    friday = next(f for f in merged.dates if f.value == "1989-10-27")
    assert friday.detail and "profit fell" in friday.detail

    out = io.StringIO()
    Console(file=out, width=200).print(console_facts(merged))
    assert out.getvalue().count("Friday — ") == 1 and out.getvalue().count("(1989-10-27)") == 1

    slack = json.dumps(slack_facts(_brief(merged)).to_dict())
    assert slack.count("*Friday*") == 1

    embed = discord_facts(_brief(merged))
    (field,) = [f for f in embed.fields if f.name == "Dates"]
    assert (field.value or "").count("**Friday**") == 1
