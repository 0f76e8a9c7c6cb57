"""Figures on the CNN/DM development articles: no label is a clause fragment; the bench's matching rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.quality.figures import matches, parse_number
from briefings.facts import extract_facts
from briefings.facts.figure_labels import is_clause_fragment, is_trivial

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT.parent / "shared" / "eval" / "cnndm-dev.jsonl"  # the shared folder beside the repo


@pytest.mark.skipif(not EVAL.exists(), reason="CNN/DM development set not available")
def test_no_figure_label_on_the_dev_articles_is_a_clause_fragment() -> None:
    bad: list[str] = []
    labels = 0
    for line in EVAL.read_text("utf-8").splitlines():
        card = extract_facts(json.loads(line)["text"])
        for f in card.figures:
            if f.detail:
                labels += 1
                if is_clause_fragment(f.detail) or is_trivial(f.detail):
                    bad.append(f"{f.text} — {f.detail}")
    assert labels > 100
    assert not bad, bad[:10]


def test_numbers_are_read_with_kind_scale_and_words() -> None:
    assert parse_number("$2 million") == ("money", 2e6, 3)
    assert parse_number("3.5% of GDP")[:2] == ("pct", 3.5)
    assert parse_number("Nine British citizens")[:2] == ("count", 9)
    assert parse_number("hundreds of thousands")[:2] == ("count", 200000)
    assert parse_number("2,000 DNA samples")[:2] == ("count", 2000)
    assert parse_number("no number") is None


def test_a_figure_matches_when_number_and_a_head_word_agree() -> None:
    gold = {"number": "470", "label": "personal effects found at the site", "heads": ["effects"]}
    assert matches({"text": "470 personnel effects", "detail": None}, gold)
    assert not matches({"text": "470 personnel", "detail": "found"}, gold)
    assert not matches({"text": "47 personnel effects", "detail": None}, gold)
    bail = {"number": "$25,000", "label": "bail", "heads": ["bail"]}
    assert matches({"text": "$25,000", "detail": "bail"}, bail)
    assert not matches({"text": "25,000 people", "detail": "bail"}, bail)
