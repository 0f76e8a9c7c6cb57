"""What's new between two versions of a story's brief."""

from __future__ import annotations

from datetime import timedelta

from briefings.briefs import build_brief
from briefings.changes import FigureChange, WhatsNew, whats_new
from briefings.models import Brief, Fact, KeyFacts, Source, StoryRef

from .test_briefs import T0, story


def _briefs() -> tuple[Brief, Brief, Brief]:
    """The story's brief after its first, second and third (copied) article."""
    pairs = story()
    title = pairs[0][0].title
    return (
        build_brief("japan", title, pairs[:1], [], T0),
        build_brief("japan", title, pairs[:2], [], T0 + timedelta(days=3)),
        build_brief("japan", title, pairs, [], T0 + timedelta(days=3, hours=3), near_duplicates={3: 2}),
    )


def test_what_the_second_article_added() -> None:
    first, second, _ = _briefs()
    new = whats_new(first, second)
    assert not new.is_empty()
    assert new.since == first.updated_at and new.until == second.updated_at and new.new_articles == 1
    assert new.latest == second.tldr and "called off" in new.latest
    assert all(s not in [first.tldr, *first.summary] for s in new.summary)
    people = {f.text: f.detail for f in new.people}
    assert people["Marco Rubio"] == "Secretary of State"
    assert "Gen Nakatani" not in people  # already in the first article
    assert [f.text for f in new.organizations] == ["NATO"]
    assert "July 20" in [f.text for f in new.dates]
    assert "July 1" not in [f.text for f in new.dates]
    [change] = [c for c in new.figures if c.previous is not None]
    assert change.figure.text == "3.5% of GDP" and change.previous.text == "3% of gross domestic product"
    assert change.text() == "3.5% of GDP, up from 3% — Washington's defence spending request"
    assert "5% of GDP" in [c.figure.text for c in new.figures if c.previous is None]
    assert [s.article_id for s in new.sources] == [2]


def test_the_lines_are_plain_neutral_text() -> None:
    first, second, _ = _briefs()
    lines = whats_new(first, second).lines()
    assert lines[0].startswith("Latest: TOKYO (Reuters) - Japan has called off")
    assert "Figures: 3.5% of GDP, up from 3% — Washington's defence spending request" in "\n".join(lines)
    assert any(line.startswith("New people: Marco Rubio (Secretary of State)") for line in lines)
    assert lines[-1] == "New sources: Reuters"
    text = "\n".join(lines).lower()
    for syntax in ("/brief", "briefbot", "*", "`", "<", "](", "--"):
        assert syntax not in text


def test_a_copy_from_another_outlet_adds_only_a_source() -> None:
    _, second, third = _briefs()
    assert whats_new(second, third).lines() == ["New sources: Example News"]


def test_a_new_story_is_all_new_and_an_unchanged_one_has_nothing() -> None:
    first, second, _ = _briefs()
    new = whats_new(None, first)
    assert new.since is None and new.latest == first.tldr and new.summary == first.summary
    assert [s.article_id for s in new.sources] == [1] and new.people
    assert all(c.previous is None for c in new.figures)
    same = whats_new(second, second)
    assert same.is_empty() and same.lines() == []


def test_it_is_deterministic_and_round_trips() -> None:
    first, second, _ = _briefs()
    new = whats_new(first, second)
    assert whats_new(first, second) == new
    assert WhatsNew.model_validate_json(new.model_dump_json()) == new


def _fact(text: str, detail: str | None, value: str | None = None, article_id: int = 1) -> Fact:
    return Fact(
        kind="figure", text=text, detail=detail, value=value, sentence=f"{text} {detail}.", article_id=article_id
    )


def _brief(figures: list[Fact], sources: list[int], people: list[Fact] | None = None) -> Brief:
    return Brief(
        story=StoryRef(slug="floods", title="Floods"),
        headline="Floods",
        tldr="Floods forced thousands from their homes.",
        summary=[],
        facts=KeyFacts(figures=figures, people=people or []),
        sources=[Source(article_id=i, title=f"Report {i}") for i in sources],
        updated_at=T0,
        article_count=len(sources),
    )


def test_figures_that_change_go_up_or_down_and_rewordings_are_not_news() -> None:
    before = _brief(
        [
            _fact("12,000 people", "forced from their homes", "12000"),
            _fact("$40 million", "emergency aid pledged by the government", "USD 40000000"),
            _fact("3.5%", "growth forecast for this year", "3.5%"),
        ],
        [1],
    )
    after = _brief(
        [
            _fact("15,000 people", "forced from their homes in the province", "15000", article_id=2),
            _fact("$25 million", "emergency aid the government pledged", "USD 25000000", article_id=2),
            _fact("3.5 percent", "growth forecast for this year", "3.5%", article_id=2),
            _fact("two people", "missing near the river mouth", "2", article_id=2),
        ],
        [1, 2],
    )
    texts = [c.text() for c in whats_new(before, after).figures]
    assert texts == [
        "15,000 people, up from 12,000 — forced from their homes in the province",
        "$25 million, down from $40 million — emergency aid the government pledged",
        "two people — missing near the river mouth",
    ]


def test_facts_from_articles_already_there_are_not_news() -> None:
    # a person the card had no room for before climbs into it: not something the new article brought
    before = _brief([], [1])
    climbed = Fact(kind="person", text="Ana Silva", detail="mayor", sentence="Mayor Ana Silva said.", article_id=1)
    brought = Fact(
        kind="person", text="Rui Costa", detail="minister", sentence="Minister Rui Costa said.", article_id=2
    )
    after = _brief([], [1, 2], people=[climbed, brought])
    assert [f.text for f in whats_new(before, after).people] == ["Rui Costa"]


def test_figure_change_without_a_comparable_number_says_was() -> None:
    change = FigureChange(
        figure=_fact("a fifth", "of the harvest lost"), previous=_fact("a tenth", "of the harvest lost")
    )
    assert change.text() == "a fifth, was a tenth — of the harvest lost"


def test_sentences_of_articles_already_there_are_not_news() -> None:
    # an old article's sentence climbs back into the summary when a new article arrives: not news either
    before = _brief([], [1]).model_copy(update={"summary": ["Rain fell for a week."], "summary_from": [1]})
    after = _brief([], [1, 2]).model_copy(
        update={
            "tldr": "The river peaked on Friday.",
            "tldr_from": 2,
            "summary": ["Thousands fled the valley towns.", "Army engineers reinforced the levees."],
            "summary_from": [1, 2],
        }
    )
    new = whats_new(before, after)
    assert new.latest == "The river peaked on Friday."
    assert new.summary == ["Army engineers reinforced the levees."]
    # briefs stored before sentences were traced: every unsaid sentence still counts
    untraced = after.model_copy(update={"summary_from": [], "tldr_from": None})
    assert whats_new(before, untraced).summary == after.summary


def test_a_built_brief_traces_its_sentences_to_their_articles() -> None:
    first, second, third = _briefs()
    assert third.tldr_from is not None and len(third.summary_from) == len(third.summary)
    assert set(third.summary_from) <= {s.article_id for s in third.sources}
