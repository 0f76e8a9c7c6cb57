"""Tests of the rule-based sentence splitter."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from briefings.sentences import Sentence, is_heading_line, split_sentences

SEED = Path(__file__).resolve().parents[2] / "briefings" / "data" / "japan-us-talks.txt"


def texts(text: str) -> list[str]:
    """Sentence texts of ``text``."""
    return [s.text for s in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Officials in the U.S. said the deal was off. Talks resume in May.",
            ["Officials in the U.S. said the deal was off.", "Talks resume in May."],
        ),
        (
            "Tokyo pulled out after pressure from the U.S. The talks were due on July 1.",
            ["Tokyo pulled out after pressure from the U.S.", "The talks were due on July 1."],
        ),
        (
            "The U.K. government agreed. Prices rose in the U.K. But not here.",
            ["The U.K. government agreed.", "Prices rose in the U.K.", "But not here."],
        ),
        (
            "Gen. Nakatani met Mr. Hegseth and Dr. Jones. They spoke for an hour.",
            ["Gen. Nakatani met Mr. Hegseth and Dr. Jones.", "They spoke for an hour."],
        ),
        (
            "The vote is on Jan. 5 in room No. 5 of the hall. Nobody came.",
            ["The vote is on Jan. 5 in room No. 5 of the hall.", "Nobody came."],
        ),
        (
            "J. K. Rowling wrote it. George W. Bush read it.",
            ["J. K. Rowling wrote it.", "George W. Bush read it."],
        ),
        (
            "Spending rose to 3.5% of GDP, or $1.2bn. It was 3% before.",
            ["Spending rose to 3.5% of GDP, or $1.2bn.", "It was 3% before."],
        ),
        (
            "He paused... and then left. Wait... What happened?",
            ["He paused... and then left.", "Wait...", "What happened?"],
        ),
        (
            '"We will not go..." he said. "Why?" she asked. "Fine." They left.',
            ['"We will not go..." he said.', '"Why?" she asked.', '"Fine."', "They left."],
        ),
        (
            "“It is over,” she said. “We go home.” The crowd cheered.",
            ["“It is over,” she said.", "“We go home.”", "The crowd cheered."],
        ),
        (
            "The meeting ended at 3 p.m. The minister left at 4 p.m. ET on Friday.",
            ["The meeting ended at 3 p.m.", "The minister left at 4 p.m. ET on Friday."],
        ),
        ("Is this the end? No! It is not.", ["Is this the end?", "No!", "It is not."]),
        (
            "Shares of Apple Inc. rose. The deal was signed by Apple Inc. The rest followed.",
            ["Shares of Apple Inc. rose.", "The deal was signed by Apple Inc.", "The rest followed."],
        ),
        (
            "Martin Luther King Jr. Day is a holiday. St. Louis and Mt. Everest are far apart.",
            ["Martin Luther King Jr. Day is a holiday.", "St. Louis and Mt. Everest are far apart."],
        ),
        (
            "The attacks of Sept. 11 changed it. Talks end in Jan. The next round is open.",
            ["The attacks of Sept. 11 changed it.", "Talks end in Jan.", "The next round is open."],
        ),
        (
            "Line one ends here.\r\nLine two ends here.",
            ["Line one ends here.", "Line two ends here."],
        ),
    ],
)
def test_split_cases(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_offsets_indices_and_paragraphs() -> None:
    text = "First one. Second one.\n\n  Third one here.\nFourth one."
    sents = split_sentences(text)
    assert [s.index for s in sents] == [0, 1, 2, 3]
    assert [s.paragraph for s in sents] == [0, 0, 1, 2]
    for s in sents:
        assert isinstance(s, Sentence)
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip()


def test_headings_are_their_own_units() -> None:
    text = (
        "# Markdown Title\n"
        "Overview of the Situation\n"
        "Japan cancelled the talks. The U.S. wanted more.\n"
        "Conclusion\n"
        "Background of the Cancelled Meeting\n"
        "It is over."
    )
    sents = split_sentences(text)
    heads = [s.text for s in sents if s.is_heading]
    assert heads == [
        "# Markdown Title",
        "Overview of the Situation",
        "Conclusion",
        "Background of the Cancelled Meeting",
    ]
    body = [s.text for s in sents if not s.is_heading]
    assert body == ["Japan cancelled the talks.", "The U.S. wanted more.", "It is over."]


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("Overview of the Situation", True),
        ("Conclusion", True),
        ("Increased Demands from the U.S.", True),
        ("Japan Cancels Key Security Talks with the U.S. Amidst Rising Defense Spending", True),
        ("## Background", True),
        ("Background:", True),
        ("The talks were cancelled.", False),
        ("the talks were cancelled without notice by the ministry", False),
        ("- a list item without a period", False),
        ("REUTERS: Japanese Prime Minister Shigeru Ishiba holds a press conference.", False),
    ],
)
def test_is_heading_line(line: str, heading: bool) -> None:
    assert is_heading_line(line) is heading


def test_wrapped_lines_are_joined() -> None:
    text = "The minister said the talks\nwere postponed until further notice. Nobody\nknew why."
    assert [" ".join(t.split()) for t in texts(text)] == [
        "The minister said the talks were postponed until further notice.",
        "Nobody knew why.",
    ]


def test_empty_and_whitespace() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n \t") == []
    assert texts("no final punctuation here") == ["no final punctuation here"]


def test_seed_article() -> None:
    sents = split_sentences(SEED.read_text(encoding="utf-8"))
    assert sents[0].is_heading  # the title line
    heads = {s.text for s in sents if s.is_heading}
    assert {"Overview of the Situation", "Conclusion"} <= heads
    body = [s.text for s in sents if not s.is_heading]
    assert any(t.startswith("However, Tokyo decided") and t.endswith("request of 3%.") for t in body)
    assert any(t.startswith("A U.S. official, speaking") for t in body)


def test_fast() -> None:
    text = SEED.read_text(encoding="utf-8") * 20
    start = time.perf_counter()
    for _ in range(20):
        split_sentences(text)
    assert time.perf_counter() - start < 2.0
