"""Briefs of developing stories: the latest development first, each thing said once, copies as sources.

The story here (a request, its escalation, another outlet's copy) also serves the what's-new tests.
"""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

from briefings.briefs import (
    DUPLICATE_FIELD,
    SUMMARY_SENTENCES,
    also_reported_by,
    build_brief,
    repeats,
)
from briefings.facts import extract_facts
from briefings.models import Article, KeyFacts, Source
from briefings.neardup import fingerprint, is_near_duplicate
from briefings.summarize import Document, summarize

T0 = datetime(2025, 6, 10, 8, tzinfo=UTC)

FIRST = """\
U.S. asks Japan to raise defence spending to 3% of GDP
TOKYO (Reuters) - The United States has asked Japan to raise its defence spending to 3% of gross domestic \
product, people familiar with the talks said on Tuesday, a sharp increase from the 1.8% Tokyo plans to spend \
this year.
The request was made by Under Secretary of Defense for Policy Elbridge Colby during a meeting with Japanese \
officials in Washington last month, the people said.
Japan's Defence Minister Gen Nakatani told reporters Tokyo would decide its own budget and that the request \
had not changed the government's plans.
The two allies are due to hold their annual 2+2 security talks in Washington on July 1, where defence \
spending is expected to be on the agenda.
Japan already plans to lift defence outlays to 2% of GDP by 2027 under a five-year build-up that began in 2023.
"""

SECOND = """\
Japan cancels security talks with U.S. after higher spending demand
TOKYO (Reuters) - Japan has called off its annual 2+2 security talks with the United States scheduled for \
July 1 after Washington raised its defence spending request to 3.5% of GDP, three people familiar with the \
matter said on Friday.
Secretary of State Marco Rubio and Defense Secretary Pete Hegseth had been due to meet Foreign Minister \
Takeshi Iwaya and Defence Minister Gen Nakatani in Washington.
The decision comes ahead of upper house elections on July 20, in which Prime Minister Shigeru Ishiba's \
minority coalition is fighting to keep its majority.
NATO leaders meet in The Hague next week, where President Donald Trump is expected to press European allies \
to raise their defence budgets to 5% of GDP.
A U.S. official confirmed Japan had postponed the meeting but did not give a reason.
"""

# The second article as another outlet ran it: its own headline and boilerplate, small edits.
SECOND_COPY = """\
Tokyo scraps 2+2 meeting with Washington
Home | World | Asia | Business
Share
TOKYO (Reuters) - Japan has called off its annual 2+2 security talks with the United States, which were \
scheduled for July 1, after Washington raised its defense spending request to 3.5% of GDP, three people \
familiar with the matter said Friday.
Secretary of State Marco Rubio and Defense Secretary Pete Hegseth had been due to meet Foreign Minister \
Takeshi Iwaya and Defense Minister Gen Nakatani in Washington.
The decision comes ahead of upper house elections on July 20, in which Prime Minister Shigeru Ishiba's \
minority coalition is fighting to keep its majority.
NATO leaders meet in The Hague next week, where President Donald Trump is expected to press European allies \
to raise their defense budgets to 5% of GDP.
Sign up for our Asia Morning newsletter.
© 2025 Example News. All rights reserved.
"""


def article(article_id: int, text: str, hours: float, outlet: str) -> Article:
    """An article of the story ``hours`` after the first one; its first line is its title."""
    title, _, body = text.partition("\n")
    return Article(
        id=article_id,
        story_id=1,
        title=title,
        text=body,
        outlet=outlet,
        published=T0 + timedelta(hours=hours),
        added_at=T0 + timedelta(hours=hours),
    )


def with_facts(a: Article) -> tuple[Article, KeyFacts]:
    """The article with its key-fact card, as the service stores them."""
    return a, extract_facts(a.text, title=a.title, published=a.published, article_id=a.id)


def story() -> list[tuple[Article, KeyFacts]]:
    """The three articles, oldest first: the request (Reuters), the cancellation (Reuters), its copy (Example News)."""
    return [
        with_facts(article(1, FIRST, 0, "Reuters")),
        with_facts(article(2, SECOND, 72, "Reuters")),
        with_facts(article(3, SECOND_COPY, 75, "Example News")),
    ]


SOURCES_NAME_ORIGINALS = DUPLICATE_FIELD in Source.model_fields


def _first_line_of_body(text: str) -> str:
    return text.split("\n")[1]


def _says_again(sentences: list[str]) -> list[tuple[str, str]]:
    return [(a, b) for a, b in itertools.permutations(sentences, 2) if repeats(a, b)]


def test_a_single_article_is_summarised_as_before() -> None:
    a, facts = with_facts(article(1, FIRST, 0, "Reuters"))
    brief = build_brief("japan", a.title, [(a, facts)], [], T0)
    picked = summarize([Document(text=a.text, title=a.title, published=a.published, key=a.id)], n=5)
    assert brief.tldr == picked[0].text
    assert brief.summary == [p.text for p in picked[1:]]
    assert brief.article_count == 1 and [s.article_id for s in brief.sources] == [1]


def test_the_tldr_states_the_latest_development() -> None:
    pairs = story()[:2]
    brief = build_brief("japan", pairs[0][0].title, pairs, [], T0 + timedelta(days=3))
    assert brief.tldr.startswith("TOKYO (Reuters) - Japan has called off its annual 2+2 security talks")
    assert brief.tldr not in brief.summary
    # the summary covers the whole story: the first article's news is still there
    assert any("3% of gross domestic product" in s for s in brief.summary)
    assert 3 <= len(brief.summary) <= SUMMARY_SENTENCES
    assert [s.article_id for s in brief.sources] == [2, 1]  # newest first


def test_the_order_articles_come_in_does_not_matter() -> None:
    pairs = story()
    expected = build_brief("japan", pairs[0][0].title, pairs, [], T0, near_duplicates={3: 2})
    shuffled = pairs[:]
    random.Random(3).shuffle(shuffled)
    assert build_brief("japan", pairs[0][0].title, shuffled, [], T0, near_duplicates={3: 2}) == expected


def test_a_wire_copy_from_another_outlet_is_a_source_never_repeated() -> None:
    pairs = story()
    copy_fp, original_fp = fingerprint(pairs[2][0].text), fingerprint(pairs[1][0].text)
    assert copy_fp is not None and original_fp is not None and is_near_duplicate(copy_fp, original_fp)
    lone = build_brief("japan", pairs[0][0].title, pairs[:2], [], T0)
    brief = build_brief("japan", pairs[0][0].title, pairs, [], T0, near_duplicates={3: 2})
    # the copy adds nothing to the text: same TL;DR and summary as without it
    assert (brief.tldr, brief.summary) == (lone.tldr, lone.summary)
    assert not any(_first_line_of_body(SECOND_COPY)[:60] in s for s in brief.summary)
    assert [s.article_id for s in brief.sources] == [3, 2, 1] and brief.article_count == 3
    assert brief.sources[0].outlet == "Example News"
    if SOURCES_NAME_ORIGINALS:
        assert {k: [s.article_id for s in v] for k, v in also_reported_by(brief).items()} == {2: [3]}
    else:
        assert also_reported_by(brief) == {}
    # boilerplate of the copy gives no facts ("Sign up for our Asia Morning newsletter", "© 2025 Example News")
    assert "Asia" not in [f.text for f in brief.facts.places]
    assert all(f.text != "2025" for f in brief.facts.dates)  # no "© 2025" ("this year" is 2025 too)


def test_an_unmarked_copy_still_repeats_nothing() -> None:
    pairs = story()
    brief = build_brief("japan", pairs[0][0].title, pairs, [], T0)
    said = [brief.tldr, *brief.summary]
    assert not _says_again(said)
    assert brief.tldr.startswith("TOKYO (Reuters) - Japan has called off")


def test_copies_named_without_their_original_are_matched_to_it() -> None:
    pairs = story()
    brief = build_brief("japan", pairs[0][0].title, pairs, [], T0, near_duplicates={3})
    assert brief == build_brief("japan", pairs[0][0].title, pairs, [], T0, near_duplicates={3: 2})


def test_a_copy_with_a_new_lead_brings_its_news() -> None:
    update = (
        "Japan cancels talks, says it will propose new dates\n"
        "TOKYO (Reuters) - Japan will propose holding the postponed security talks with the United States in "
        "September, Chief Cabinet Secretary Yoshimasa Hayashi said on Saturday, a day after the meeting was "
        "called off.\n" + SECOND.split("\n", 1)[1]
    )
    pairs = [*story()[:2], with_facts(article(4, update, 96, "Example News"))]
    brief = build_brief("japan", pairs[0][0].title, pairs, [], T0, near_duplicates={4: 2})
    assert "Yoshimasa Hayashi" in brief.tldr
    said = [brief.tldr, *brief.summary]
    assert not _says_again(said)
    assert sum("Japan has called off its annual 2+2" in s for s in said) == 1


def test_sentences_repeat_when_another_holds_most_of_their_words() -> None:
    a = "Floods in the northern province forced 12,000 people from their homes on Monday, officials said."
    b = "Flooding in the northern province forced 12,000 people from their homes Monday, officials said."
    c = "Two people were reported missing near the river mouth, officials said."
    assert repeats(a, b) and repeats(b, a)
    assert not repeats(c, a) and not repeats(a, c)
    assert not repeats("Officials said.", a)  # too short to tell


def test_positional_callers_keep_working() -> None:
    pairs = story()[:2]
    assert build_brief("japan", "Title", pairs, ["alias"], T0).aliases == ["alias"]
    assert build_brief("empty", "Nothing yet", [], [], T0).tldr == "Nothing yet"
