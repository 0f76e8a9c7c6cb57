"""Tests of the key-fact card extractor (briefings.facts)."""

from __future__ import annotations

import json
from datetime import datetime
from importlib import resources
from pathlib import Path

import pytest

from briefings.facts import extract_facts, merge_facts
from briefings.models import Fact, KeyFacts

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT.parent / "shared" / "eval" / "cnndm-dev.jsonl"  # the shared folder beside the repo
PRONOUNS = {"he", "she", "it", "they", "we", "i", "you", "him", "her", "them", "his", "the"}


def _sample() -> tuple[str, str]:
    """Return the bundled sample's title and body."""
    raw = (resources.files("briefings") / "data" / "japan-us-talks.txt").read_text("utf-8")
    title, body = raw.split("\n", 1)
    return title, body


def _by_text(facts: list[Fact]) -> dict[str, Fact]:
    """Index facts by their text."""
    return {f.text: f for f in facts}


def _find(facts: list[Fact], needle: str) -> Fact:
    """Return the first fact whose text contains ``needle``."""
    for f in facts:
        if needle in f.text:
            return f
    raise AssertionError(f"{needle!r} not in {[f.text for f in facts]}")


def _assert_no_junk(card: KeyFacts, text: str) -> None:
    """People and organisations are capitalised names, never pronouns or headings."""
    for f in card.people + card.organizations + card.places:
        assert f.text and f.text[0].isupper() or f.text[0].isdigit(), f.text
        assert f.text.split()[0].lower() not in PRONOUNS, f.text
        assert f.sentence.strip(), f
    for f in card.people:
        assert not any(c.isdigit() for c in f.text), f.text
        assert len(f.text.split()) <= 5, f.text
        if f.detail:
            assert len(f.detail.split()) <= 16, f.detail
    for e in card.entities:
        assert text[e.start : e.end] == e.text, e


# --- the bundled sample ----------------------------------------------------------------


@pytest.mark.parametrize("published", [None, datetime(2025, 6, 20)])
def test_sample_card(published: datetime | None) -> None:
    title, body = _sample()
    card = extract_facts(body, title=title, published=published, article_id=7)
    assert card.what == title
    people = _by_text(card.people)
    expected = {
        "Shigeru Ishiba": "Prime Minister",
        "Marco Rubio": "Secretary of State",
        "Pete Hegseth": "Defense Secretary",
        "Takeshi Iwaya": "Foreign Minister",
        "Gen Nakatani": "Defense Minister",
        "Donald Trump": "President",
    }
    for name, role in expected.items():
        assert name in people, sorted(people)
        assert role in (people[name].detail or ""), (name, people[name].detail)
        assert people[name].article_id == 7
        assert name.split()[-1] in people[name].sentence
    # Headings are never people or organisations.
    names = {f.text for f in card.people + card.organizations}
    for heading in ("Overview of the Situation", "Conclusion", "Reactions", "Landscape"):
        assert heading not in names
    assert "Trump" not in names  # linked to Donald Trump
    _assert_no_junk(card, body)

    july1 = _find(card.dates, "July 1")
    assert july1.text == "July 1"
    assert "meeting" in (july1.detail or "")
    assert "cancel" in (july1.detail or "")
    july20 = _find(card.dates, "July 20")
    assert "upper house elections" in (july20.detail or "")
    if published is None:
        assert july1.value is None
    else:
        assert (july1.value, july20.value) == ("2025-07-01", "2025-07-20")

    figures = card.figures
    assert not any("2+2" in f.text for f in figures)
    f35 = _find(figures, "3.5%")
    assert f35.text == "3.5% of GDP"
    assert "request" in (f35.detail or "") and "from 3%" in (f35.detail or "")
    f3 = next(f for f in figures if f.text.startswith("3%"))
    assert f3.text == "3% of GDP" and "request" in (f3.detail or "")
    fives = [f for f in figures if f.text == "5% of GDP"]
    assert fives and all("allies" in (f.detail or "") for f in fives)
    assert {f.value for f in figures} >= {"3.5%", "3%", "5%"}


def test_sample_entities_keep_offsets_and_duplicates() -> None:
    _, body = _sample()
    card = extract_facts(body)
    texts = [e.text for e in card.entities]
    assert texts.count("Japan") >= 3  # not deduplicated
    assert any(e.text == "Pete Hegseth" and e.type == "person" for e in card.entities)
    for e in card.entities:
        assert body[e.start : e.end] == e.text


# --- other news --------------------------------------------------------------------------

CORPORATE = (
    "Apple said on Tuesday that quarterly revenue rose 5% to $94.9 billion, beating "
    "analysts' expectations. Tim Cook, Apple's chief executive, told analysts the company "
    "would spend $10 billion on new data centers. Luca Maestri, the chief financial officer, "
    "said iPhone sales were up 3% from a year earlier. Cook said the company would also "
    "hire 2,000 engineers in Texas by the end of 2026."
)


def test_corporate_roles_money_and_weekday() -> None:
    card = extract_facts(CORPORATE, published=datetime(2025, 5, 2))
    people = _by_text(card.people)
    assert "Cook" not in people
    assert people["Tim Cook"].detail == "Apple's chief executive"
    assert "chief financial officer" in (people["Luca Maestri"].detail or "")
    assert card.people[0].text == "Tim Cook"  # two mentions: most salient
    tue = _find(card.dates, "Tuesday")
    assert tue.value == "2025-04-29"  # the Tuesday of the week of publication
    year = _find(card.dates, "2026")
    assert year.value == "2026"
    revenue = _find(card.figures, "$94.9 billion")
    assert revenue.value == "USD 94900000000"
    assert "revenue" in (revenue.detail or "")
    spend = _find(card.figures, "$10 billion")
    assert spend.detail
    hires = _find(card.figures, "2,000 engineers")
    assert hires.value == "2000"
    assert "Apple" in {f.text for f in card.organizations}
    _assert_no_junk(card, CORPORATE)


SENATE = (
    "WASHINGTON — Senator Elizabeth Warren, a Democrat from Massachusetts, introduced a bill "
    "on Wednesday that would cap credit card interest rates at 10%. Sen. Josh Hawley, who "
    "chairs the Senate Judiciary subcommittee on crime, said he would support the measure. "
    "A vote on the bill is scheduled for March 12. Warren said the cap would save families "
    "$2,500 a year."
)


def test_senators_who_clause_and_scheduled_vote() -> None:
    card = extract_facts(SENATE, published=datetime(2025, 2, 20))
    people = _by_text(card.people)
    assert "Democrat from Massachusetts" in (people["Elizabeth Warren"].detail or "")
    assert "chair of the Senate Judiciary subcommittee" in (people["Josh Hawley"].detail or "")
    vote = _find(card.dates, "March 12")
    assert vote.value == "2025-03-12"
    assert "vote" in (vote.detail or "")
    wed = _find(card.dates, "Wednesday")
    assert wed.value == "2025-02-19"
    assert _find(card.figures, "10%").value == "10%"
    assert _find(card.figures, "$2,500").value == "USD 2500"
    assert "Warren" not in people
    _assert_no_junk(card, SENATE)


MILITARY = (
    "Gen. Charles Brown, the chairman of the Joint Chiefs of Staff, said 300 troops would be "
    "deployed to Poland by Friday. Pentagon spokesperson Sabrina Singh said the deployment "
    "would cost about $50 million. The troops will stay until Sept. 30, officials said. "
    "Jane Doe, 45, a nurse from Ohio, said her son was among them."
)


def test_general_spokesperson_counts_and_age() -> None:
    card = extract_facts(MILITARY, published=datetime(2025, 9, 10))
    people = _by_text(card.people)
    assert "chairman of the Joint Chiefs of Staff" in (people["Charles Brown"].detail or "")
    assert people["Sabrina Singh"].detail == "Pentagon spokesperson"
    doe = people["Jane Doe"].detail or ""
    assert "nurse from Ohio" in doe and "45" in doe
    troops = _find(card.figures, "300 troops")
    assert "deployed" in (troops.detail or "")
    cost = _find(card.figures, "$50 million")
    assert "deployment" in (cost.detail or "")
    assert _find(card.dates, "Friday").value == "2025-09-12"
    assert _find(card.dates, "Sept. 30").value == "2025-09-30"
    _assert_no_junk(card, MILITARY)


SPORT = (
    "Manchester United manager Erik ten Hag was sacked on Monday, a day after the club lost "
    "2-1 to West Ham. The club's spokesman, John Smith, said the decision was unanimous. "
    "Ten Hag, who joined from Ajax in 2022, will receive £15m in compensation. Crowds of "
    "fans gathered outside Old Trafford on Monday night."
)


def test_manager_preceding_appositive_and_scores_skipped() -> None:
    card = extract_facts(SPORT, published=datetime(2024, 10, 28))
    people = _by_text(card.people)
    assert people["Erik ten Hag"].detail == "Manchester United manager"
    assert "spokesman" in (people["John Smith"].detail or "")
    assert not any(f.text.startswith("2-1") or f.text == "2" for f in card.figures)
    pay = _find(card.figures, "£15m")
    assert pay.value == "GBP 15000000"
    assert "compensation" in (pay.detail or "")
    monday = _find(card.dates, "Monday")
    assert monday.value == "2024-10-28"
    assert "sacked" in (monday.detail or "")
    _assert_no_junk(card, SPORT)


def test_what_without_title_skips_headings_and_datelines() -> None:
    text = "Overview\nREUTERS: The talks were called off on Friday, officials said.\nMore."
    card = extract_facts(text)
    assert card.what == "The talks were called off on Friday, officials said."


def test_what_is_the_headline_on_the_first_line() -> None:
    title, body = _sample()
    assert extract_facts(f"{title}\n{body}").what == title


def test_empty_text() -> None:
    card = extract_facts("")
    assert card.is_empty() and card.entities == [] and card.what is None


# --- merging -----------------------------------------------------------------------------


def test_merge_dedupes_people_and_keeps_best_detail() -> None:
    a = extract_facts(
        "President Donald Trump met Japanese Prime Minister Shigeru Ishiba on Friday.",
        article_id=1,
    )
    b = extract_facts(
        "Trump said talks with Prime Minister Shigeru Ishiba would resume. Ishiba agreed. "
        "Trump and Ishiba spoke for 40 minutes.",
        article_id=2,
    )
    merged = merge_facts([a, b], limit_per_kind=8)
    people = [f.text for f in merged.people]
    assert people.count("Donald Trump") == 1 and "Trump" not in people
    assert people.count("Shigeru Ishiba") == 1
    ishiba = _by_text(merged.people)["Shigeru Ishiba"]
    assert ishiba.detail == "Prime Minister of Japan"
    assert _by_text(merged.people)["Donald Trump"].detail == "President"
    assert merge_facts([]) == KeyFacts()


def test_merge_ranks_by_support_and_limits() -> None:
    cards = [
        KeyFacts(
            places=[
                Fact(kind="place", text=name, sentence=name)
                for name in (["U.S.", "Japan"] if i % 2 else ["United States", "Japan", "Peru"])
            ]
        )
        for i in range(3)
    ]
    merged = merge_facts(cards, limit_per_kind=2)
    assert [f.text for f in merged.places] == ["United States", "Japan"]


# --- real news (development set, when present) -------------------------------------------


@pytest.mark.skipif(not EVAL.exists(), reason="CNN/DM development set not available")
def test_cnndm_people_have_sane_roles_and_no_junk() -> None:
    rows = [json.loads(line) for line in EVAL.read_text("utf-8").splitlines()[:40]]
    with_role = total = 0
    for row in rows:
        card = extract_facts(row["text"])
        _assert_no_junk(card, row["text"])
        for f in card.people:
            total += 1
            if f.detail:
                with_role += 1
                assert f.detail[0].isalnum() or f.detail[0] in "\"'“", f.detail
                assert f.text not in f.detail, (f.text, f.detail)
        for f in card.dates:
            assert f.value is None or f.value[:4].isdigit()
        for f in card.figures:
            assert any(c.isdigit() for c in f.text) or f.text.split()[0].isalpha()
    assert total > 100
    assert with_role / total > 0.3, (with_role, total)


def test_relative_weekdays_numeric_dates_and_non_figures() -> None:
    text = (
        "The company said last Tuesday that it will meet regulators next Monday. The plant "
        "opened on 20 July 2024 and closed on 2024-03-05. Sales slumped in March. The 2+2 "
        "talks and the Boeing 737 jets were discussed in 1999. The score was 2-1. About 1,500 "
        "people attended."
    )
    card = extract_facts(text, published=datetime(2025, 6, 20))  # a Friday
    values = {f.text: f.value for f in card.dates}
    assert values["last Tuesday"] == "2025-06-17"
    assert values["next Monday"] == "2025-06-23"
    assert values["20 July 2024"] == "2024-07-20"
    assert values["2024-03-05"] == "2024-03-05"
    assert values["March"] == "2025-03"
    assert values["1999"] == "1999"
    assert "plant opened" in (_find(card.dates, "20 July").detail or "")
    figures = [f.text for f in card.figures]
    assert figures == ["1,500 people"], figures


def test_merge_dates_and_figures_across_articles() -> None:
    pub = datetime(2025, 6, 20)
    a = extract_facts("The summit is scheduled for July 1. Turnout rose to 55%.", published=pub, article_id=1)
    b = extract_facts(
        "Leaders will meet on July 1, officials said. Japan cancelled the summit set for July 1.",
        published=pub,
        article_id=2,
    )
    merged = merge_facts([a, b])
    july = [f for f in merged.dates if f.value == "2025-07-01"]
    assert len(july) == 1 and july[0].detail
    assert merged.dates[0].value == "2025-07-01"  # in both articles: first
    assert [f.text for f in merged.figures] == ["55%"]
    assert merged.entities == []


def test_the_speed_bench_skips_cleanly_without_the_dev_data(tmp_path: Path) -> None:
    from bench.facts_speed import run  # noqa: PLC0415

    assert "skipped" in run(tmp_path)
