"""Titles for articles without one: headline lines, and short headlines made from the lead."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from briefings.slugs import slugify
from briefings.textutil import shorten
from briefings.titles import MAX_TITLE_WORDS, derive_title, split_headline, title_from_sentence

BODY = (
    "Officials in Tokyo said on Monday that the meeting would not go ahead as planned this summer. "
    "The talks had been due to cover defence spending and trade."
)

# The shape of the story in the issue: two sentences opening with pronouns, then the names, then the news.
PROM_STORY = (
    "He's a star quarterback headed to a big college program. She's a high school freshman who uses a "
    "wheelchair. At first glance Jamal Price and Sara Lind have little in common. But that changed on Friday "
    "when Jamal asked Sara to the spring dance. Jamal, a senior at Central High School in Dayton, Ohio, said he "
    "wanted Sara to have a night to remember. Sara's mother said the family was thrilled."
)


@pytest.mark.parametrize(
    "text,headline",
    [
        (f"Japan Cancels Key Security Talks with the U.S.\n{BODY}", "Japan Cancels Key Security Talks with the U.S."),
        (f"Tokyo calls off security talks with Washington\n\n{BODY}", "Tokyo calls off security talks with Washington"),
        (f"# Tokyo calls off talks\n{BODY}", "Tokyo calls off talks"),
        (f"Tokyo calls off talks\n{BODY}", "Tokyo calls off talks"),  # clearly shorter than the paragraph
        (f"Is the alliance in trouble?\n\n{BODY}", "Is the alliance in trouble?"),
    ],
)
def test_a_headline_line_is_split_off(text: str, headline: str) -> None:
    found, body = split_headline(text)
    assert found == headline and body == BODY
    assert derive_title(text) == headline


@pytest.mark.parametrize(
    "text",
    [
        BODY,  # one paragraph
        "Japan has called off a high-level security meeting with the United States\nthat was scheduled for "
        "July 1, after Washington asked Tokyo to raise its defence spending.",  # a hard-wrapped first line
        "Officials met in Tokyo on Monday.\nThe talks had been due to cover defence spending and trade.",
        "Officials met in Tokyo on Monday to discuss the summer schedule for talks with the United\n"
        "States, which had been due to cover defence spending and trade.",  # wrapped, next line capitalised
        "- Talks called off\n- Spending row grows\n- Elections loom",  # a list, not a headline
        "Tokyo,\nwhere officials said on Monday that the meeting would not go ahead.",
    ],
)
def test_running_text_has_no_headline(text: str) -> None:
    assert split_headline(text) == (None, text)


@pytest.mark.parametrize(
    "sentence,title",
    [
        (
            "After talks collapsed in Geneva on Friday, the United Nations suspended aid flights to the region.",
            "The United Nations suspended aid flights to the region",
        ),
        ("Maria Lopez, 54, of Denver, was charged with fraud on Tuesday, police said.",
         "Maria Lopez was charged with fraud on Tuesday"),
        (
            "The city council, which met for six hours on Monday, approved a new budget for the harbor.",
            "The city council approved a new budget for the harbor",
        ),
        (
            "Officials in Tokyo said on Monday that the meeting would not go ahead as planned this summer.",
            "The meeting would not go ahead as planned this summer",
        ),
        (
            "LONDON (Reuters) - Oil prices rose sharply on Wednesday after a pipeline fire in Alberta cut supplies "
            "to refineries across the Midwest.",
            "Oil prices rose sharply after a pipeline fire in Alberta cut supplies",
        ),
        (
            "But the mayor's plan to close three fire stations drew angry protests from residents and unions.",
            "The mayor's plan to close three fire stations drew angry protests",
        ),
        (
            "Japan has called off a high-level security meeting with the United States that was scheduled for "
            "July 1, after Washington asked Tokyo to raise its defence spending to 3.5% of GDP.",
            "Japan has called off a high-level security meeting with the United States",
        ),
        (
            "The 34-year-old striker, who joined the club from Lyon in 2019, scored twice in the second half to "
            "seal a 3-1 win.",
            "The 34-year-old striker scored twice in the second half",
        ),
        (
            "Nine aid workers were arrested in the capital on Wednesday, suspected of crossing the border "
            "illegally, the interior ministry said on its website.",
            "Nine aid workers were arrested in the capital",
        ),
        (
            'The Rev. Anna Holt, founder of the radio ministry "Morning Light," died Thursday, according to her '
            "family.",
            "The Rev. Anna Holt died Thursday",
        ),
        ("Twelve people were hurt.", "Twelve people were hurt"),
    ],
)
def test_a_sentence_becomes_a_headline(sentence: str, title: str) -> None:
    assert title_from_sentence(sentence) == title


def test_the_issue_example_gets_a_title_from_the_news_not_the_first_pronoun() -> None:
    title = derive_title(PROM_STORY)
    assert "Jamal" in title and not title.startswith(("He", "She"))
    assert title != shorten(PROM_STORY, 120) and "…" not in title
    assert not slugify(title).startswith("he-")


def test_a_title_is_cut_whole_words_and_never_ends_on_a_function_word() -> None:
    sentence = (
        "The regional transport authority announced plans for a new light rail line connecting the airport "
        "with the northern suburbs and the university campus by the end of the decade."
    )
    title = title_from_sentence(sentence)
    assert len(title.split()) <= MAX_TITLE_WORDS + 1
    assert all(word in sentence.split() for word in title.split()[1:])
    assert title.split()[-1].lower() not in {"the", "a", "of", "with", "and", "by", "for", "to"}


def test_text_without_sentences_still_gets_a_title() -> None:
    assert derive_title("tokyo osaka kyoto nagoya sapporo sendai fukuoka kobe") != ""


_FUNCTION_ENDINGS = {"the", "a", "an", "and", "or", "of", "that", "its", "their", "with", "by"}  # stranded "on" is fine


def test_titles_of_real_articles(shared_eval: Path) -> None:
    """Every CNN/Daily Mail dev article gets a short, whole-word title from its lead."""
    rows = [json.loads(line) for line in (shared_eval / "cnndm-dev.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) > 300
    lengths = []
    for row in rows:
        text = row["text"]
        title = derive_title(text)
        words = title.split()
        lengths.append(len(words))
        assert 2 <= len(words) <= 16, title
        assert "…" not in title and not title.endswith((",", ";", ":")), title
        assert not title.endswith(".") or re.search(r"(?:\b[A-Z][a-z]{0,3}\.|(?:\b[A-Za-z]\.)+)$", title), title
        assert words[-1].lower() not in _FUNCTION_ENDINGS, title
        for word in re.findall(r"[A-Za-z0-9][\w'’-]*", title):
            assert re.search(rf"(?<![\w'’-]){re.escape(word)}(?![\w'’-])", text, re.I), (word, title)
    lengths.sort()
    assert 8 <= lengths[len(lengths) // 2] <= MAX_TITLE_WORDS  # the median title reads like a headline
    first = derive_title(rows[0]["text"])  # the article of the issue
    assert not first.startswith("He's a blue chip") and "Trey" in first


def test_a_menu_line_is_not_a_headline() -> None:
    from briefings.titles import split_headline

    text = "Home | World | Business | Markets\n\nThe storm cut power to 40,000 homes overnight, officials said."
    assert split_headline(text)[0] is None
