"""Dates: TimeML values resolved by tense and publication date, spans, and the events they belong to (issue 11)."""

from __future__ import annotations

import random
import re
from datetime import datetime

from briefings.facts import extract_facts
from briefings.facts.dates import find_dates, mentions_json
from briefings.facts.doc import build_doc

WED_1_NOV_1989 = datetime(1989, 11, 1)
MARCH_2015 = datetime(2015, 3, 10)


def values(text: str, published: datetime | None) -> dict[str, str | None]:
    """Return ``{mention text: value}`` of a text's dates."""
    return {d.text: d.value for d in find_dates(build_doc(text), published)}


def test_a_bare_weekday_in_a_past_sentence_is_the_last_one_before_publication() -> None:
    # Wednesday 1 Nov 1989: "said Friday" is Friday 27 October, not Friday 3 November.
    assert values("Its chairman said Friday that the company would be sold.", WED_1_NOV_1989) == {
        "Friday": "1989-10-27"
    }
    # The same weekday as the publication date is that day; a future one is the next.
    assert values("The minister said Wednesday that talks had failed.", WED_1_NOV_1989)["Wednesday"] == "1989-11-01"
    assert values("The board will meet Friday to vote on the offer.", WED_1_NOV_1989)["Friday"] == "1989-11-03"
    assert (
        values("The shares are to resume trading on Tuesday in Frankfurt.", WED_1_NOV_1989)["Tuesday"] == "1989-11-07"
    )


def test_a_bare_month_takes_the_tense_of_its_sentence() -> None:
    got = values("The coach was fired in July. His successor will start in June, officials said.", MARCH_2015)
    assert got == {"July": "2014-07", "June": "2015-06"}
    assert values("The merger is scheduled to close in January.", WED_1_NOV_1989)["January"] == "1990-01"
    assert values("Last June the company hired 40 people.", WED_1_NOV_1989)["Last June"] == "1989-06"


def test_a_day_and_month_without_a_year_follow_the_tense_or_the_weekday() -> None:
    assert values("Police have looked for the gunman since the Oct. 23 shooting.", datetime(1999, 5, 6)) == {
        "Oct. 23": "1998-10-23"
    }
    assert values("Shareholders get the dividend, payable Dec. 15.", WED_1_NOV_1989)["Dec. 15"] == "1989-12-15"
    text = "In a column on Monday, Oct. 26, the paper called the vote a mistake."
    assert values(text, datetime(1998, 10, 25))["Monday, Oct. 26"] == "1998-10-26"


def test_a_date_without_its_year_stays_near_the_publication_date_whatever_the_tense() -> None:
    # A past verb does not send a date nine days ahead back a year, nor a future one a date of last week
    # a year forward: the tense picks the side only when both sides are within half a year.
    jan_5_2000 = datetime(2000, 1, 5)
    assert values("The agency gave no reason for the Jan. 14 deadline.", jan_5_2000)["Jan. 14"] == "2000-01-14"
    aug_18_1998 = datetime(1998, 8, 18)
    got = values("She said she would bring aid to the towns where the Aug. 7 bombs killed 257 people.", aug_18_1998)
    assert got["Aug. 7"] == "1998-08-07"
    # A month: "was moved" points to the past, but last May is ten months back and this May two ahead.
    assert values("The vote was moved to May.", datetime(2000, 3, 29))["May"] == "2000-05"
    # Within half a year the tense still decides.
    assert values("The coach was fired in July.", datetime(2015, 1, 10))["July"] == "2014-07"
    assert values("The plant closed on Oct. 2.", datetime(2015, 3, 10))["Oct. 2"] == "2014-10-02"


def test_relative_expressions_count_from_the_publication_date() -> None:
    text = (
        "Last year sales rose, and this week the company said two years ago it had erred. "
        "Early this year it hired staff; next month it will hire more. "
        "Profit has fallen in recent years. It is now cutting jobs and will grow in the future. "
        "Yesterday the board met; the vote is tomorrow. Over the past decade prices doubled."
    )
    got = values(text, WED_1_NOV_1989)
    assert got == {
        "Last year": "1988",
        "this week": "1989-W44",
        "two years ago": "1987",
        "Early this year": "1989",
        "next month": "1989-12",
        "in recent years": "PAST_REF",
        "now": "PRESENT_REF",
        "the future": "FUTURE_REF",
        "Yesterday": "1989-10-31",
        "tomorrow": "1989-11-02",
        "the past decade": "198",
    }


def test_durations_are_not_dates_unless_ago_makes_them_points() -> None:
    got = values("The talks lasted two years. They began two years ago.", MARCH_2015)
    assert got == {"two years ago": "2013"}


def test_quarters_fiscal_years_decades_and_seasons() -> None:
    text = (
        "Third-quarter profit fell 5% from a year earlier. In the fourth quarter, sales will rise. "
        "In fiscal 1988 the bank lost $4 million. Prices soared in the 1980s and last spring."
    )
    got = values(text, datetime(1989, 10, 30))
    assert got == {
        "Third-quarter": "1989-Q3",
        "a year earlier": "1988-Q3",  # the same quarter a year before
        "the fourth quarter": "1989-Q4",
        "fiscal 1988": "1988",
        "the 1980s": "198",
        "last spring": "1988-SP",
    }


def test_year_ranges_and_years_before_a_plural_noun() -> None:
    text = "A 2009 analysis of the 1957-58 season and the 2009-2010 budget found that 2000 people had left."
    found = find_dates(build_doc(text), MARCH_2015)
    assert [(d.text, d.value) for d in found] == [
        ("2009", "2009"),
        ("1957", "1957"),
        ("58", "1958"),
        ("2009", "2009"),
        ("2010", "2010"),
    ]  # "2000 people" is a count


def test_a_date_belongs_to_its_own_clause_never_another_sentences() -> None:
    text = (
        'The studio meant to open "Furious 7" on July 11, 2014, but production was halted in November 2013 '
        "when Walker died in a car crash. The film opens this weekend."
    )
    events = {d.text: d.detail for d in find_dates(build_doc(text), datetime(2015, 4, 1))}
    assert events["July 11, 2014"] == "The studio meant to open Furious 7"
    assert "Walker died" in (events["November 2013"] or "")
    assert "halted" not in (events["July 11, 2014"] or "")


def test_an_event_label_is_never_cut_mid_phrase() -> None:
    text = "Berman was shot in the head in her Beverly Hills guest house in December 2000, police said."
    (december,) = [d for d in find_dates(build_doc(text), MARCH_2015) if d.text == "December 2000"]
    assert december.detail == "Berman was shot in the head"


def test_mentions_carry_offsets_into_the_text_and_the_card_one_line_per_date() -> None:
    text = (
        "The company said Friday that profit fell. On Friday, its shares dropped 5%. "
        "Analysts expect a recovery next year, and the chairman said Friday he would stay."
    )
    facts = extract_facts(text, published=WED_1_NOV_1989)
    mentions = mentions_json(facts)
    assert [m["value"] for m in mentions] == ["1989-10-27", "1989-10-27", "1990", "1989-10-27"]
    for m in mentions:
        assert text[m["start"] : m["end"]] == m["text"]
        assert set(m) == {"text", "start", "end", "value", "event"}
    assert [f.value for f in facts.dates] == ["1989-10-27", "1990"]  # the card: one line per distinct date
    assert facts.dates[0].detail == "The company said that profit fell"


def test_stored_facts_of_older_articles_still_load() -> None:
    from briefings.models import KeyFacts

    old = '{"what": "x", "dates": [{"kind": "date", "text": "July 1", "value": "2025-07-01", "sentence": "s"}]}'
    card = KeyFacts.model_validate_json(old)
    assert card.dates[0].start is None and card.date_mentions == []


def test_sets_titles_and_nouns_are_not_dates() -> None:
    text = (
        "Flights leave each Thursday. Protesters joined the annual March for Life. "
        "Baker spoke on ABC's This Week program. The fall in prices hurt, but sales rose over the summer."
    )
    assert values(text, WED_1_NOV_1989) == {"the summer": "1989-SU"}


def test_the_card_leaves_out_vague_dates_and_relative_ones_it_cannot_resolve() -> None:
    text = "The company said Friday it is now hiring. Last month it cut jobs, and the future looks bright."
    undated = extract_facts(text)
    assert [f.text for f in undated.dates] == ["Friday"]  # no publication date: "Last month" cannot be told
    assert {m.text for m in undated.date_mentions} == {"Friday", "now", "Last month", "the future"}
    dated = extract_facts(text, published=WED_1_NOV_1989)
    assert [(f.text, f.value) for f in dated.dates] == [("Friday", "1989-10-27"), ("Last month", "1989-10")]


def test_deadlines_and_modals_point_the_tense() -> None:
    friday, thursday, monday = datetime(1999, 5, 7), datetime(2000, 1, 6), datetime(2000, 4, 3)
    assert values("Until Thursday, the police had not named a suspect.", friday)["Thursday"] == "1999-05-06"
    assert values("The minister could not be reached Wednesday.", thursday)["Wednesday"] == "2000-01-05"
    assert values("The group might arrive as soon as Tuesday.", monday)["Tuesday"] == "2000-04-04"
    assert values("The bank must repay the loan by Jan. 14.", thursday)["Jan. 14"] == "2000-01-14"


def _every_rule_on_the_whole_text(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """Return each rule's matches found the plain way: every rule over all of ``text[start:end]``."""
    from briefings.facts.timex_patterns import RULES  # noqa: PLC0415

    found: set[tuple[str, int, int, int]] = set()
    for priority, (kind, rx) in enumerate(RULES):
        found.update((kind, m.start(), m.end(), priority) for m in re.compile(rx).finditer(text, start, end))
    ordered = sorted(found, key=lambda t: (-(t[2] - t[1]), t[3], t[1]))
    chosen: list[tuple[str, int, int, int]] = []
    for t in ordered:
        if all(t[2] <= c[1] or c[2] <= t[1] for c in chosen):
            chosen.append(t)
    return [(k, a, b) for k, a, b, _ in sorted(chosen, key=lambda t: t[1])]


def test_rules_run_only_where_their_cues_are_find_the_same_dates_as_every_rule_everywhere() -> None:
    from briefings.facts.timex_patterns import find_timexes  # noqa: PLC0415

    pieces = [
        "March", "Mar.", "May", "5", "2015", "1990s", "'90s", "’80s", "last", "this", "past", "year", "week",
        "weekend", "ago", "earlier", "the", "fiscal", "quarter", "first", "half", "of", "Monday", ",", ".", "-",
        "–", "/", "%", "+", "$", '"', "“", "(", ")", ";", "—", "\n\n", "now", "current", "accounts", "tonight",
        "Christmas", "Eve", "New", "Year's", "end", "mid-", "summer", "early", "21st", "century", "the future",
        "İ", "ſ", "bn", "1957-58", "2015-03-04", "coming", "results", "recent", "a few", "Sept.", "12th",
        "3 years ago", "two weeks earlier", "March 5", "May 1", "in 2015", "2015%", "1999+", "fiscal 2014/15", "1990/",
    ]  # fmt: skip
    rnd = random.Random(11)
    for _ in range(3000):
        text = "".join(rnd.choice(pieces) + rnd.choice(("", " ", " ", "\n")) for _ in range(rnd.randrange(1, 12)))
        start = rnd.randrange(len(text))
        end = rnd.randrange(start, len(text) + 1)
        for a, b in ((0, len(text)), (start, end)):
            got = [(t.kind, t.start, t.end) for t in find_timexes(text, a, b)]
            assert got == _every_rule_on_the_whole_text(text, a, b), (text, a, b)
