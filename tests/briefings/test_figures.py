"""Figure labels are noun phrases naming what is measured (issue 11), or left out."""

from __future__ import annotations

import pytest

from briefings.facts.doc import build_doc
from briefings.facts.figure_labels import clean_label, is_clause_fragment, is_trivial
from briefings.facts.figures import FoundFigure, find_figures, rank_figures


def _figures(text: str) -> dict[str, FoundFigure]:
    return {f.text: f for f in find_figures(build_doc(text), [])}


def _label_ok(detail: str | None) -> bool:
    return not is_clause_fragment(detail) and not is_trivial(detail)


# --- the error classes of the issue ------------------------------------------------------


def test_sum_after_a_coordinated_clause_is_named_not_a_clause_fragment() -> None:
    # Was "$60 million — is opening around the globe this weekend and earned".
    figs = _figures(
        '"Furious 7" is opening around the globe this weekend and earned a record-breaking $60 million '
        "internationally on Wednesday and Thursday."
    )
    f = figs["$60 million"]
    assert f.detail == "earnings"
    assert _label_ok(f.detail)


def test_count_takes_the_head_noun_of_a_compound_unit() -> None:
    # Was "470 personnel — found": the text counts 470 personnel effects.
    figs = _figures(
        "Brice Robin, Marseilles prosecutor, said authorities have found 470 personnel effects at the site."
    )
    f = figs["470 personnel effects"]
    assert f.detail == "personnel effects found at the site"
    assert "40 cell phones" in _figures("That number includes 40 cell phones, though all those were badly damaged.")


def test_quantifier_before_a_count_is_never_its_label() -> None:
    # Was "150 people — all".
    f = _figures("The crash killed all 150 people on board.")["150 people"]
    assert f.detail == "people killed on board"


# --- classes from the annotated dev articles (paraphrased) -----------------------------------


def test_passive_after_a_count_becomes_a_participle() -> None:
    figs = _figures("The health ministry said 385 civilians have been killed and 342 others have been wounded.")
    assert figs["385 civilians"].detail == "civilians killed"
    figs = _figures(
        "Out of more than 2,000 DNA samples collected from the crash site, workers isolated 150 DNA profiles."
    )
    assert figs["2,000 DNA samples"].detail == "DNA samples collected from the crash site"


def test_stative_verb_gives_no_label() -> None:
    figs = _figures("The group included four children, a Turkish official said.")
    assert figs["four children"].detail is None


def test_indirect_object_is_not_what_a_sum_measures() -> None:
    figs = _figures("A judge ordered him to pay the family $2 million.")
    assert figs["$2 million"].detail != "the family"
    assert _label_ok(figs["$2 million"].detail)


def test_quantity_noun_is_not_a_label_and_prison_terms_keep_their_words() -> None:
    figs = _figures("He faces a maximum of 10 years in prison if found guilty of that charge.")
    f = figs["10 years in prison"]
    assert f.detail is None


def test_purpose_of_a_sum_is_its_label() -> None:
    figs = _figures("He was a frequent contributor, including $2,500 to the re-election of Sheriff Stanley Glanz.")
    assert figs["$2,500"].detail == "the re-election of Sheriff Stanley Glanz"
    figs = _figures("Cook said the company would spend $10 billion on new data centers.")
    assert figs["$10 billion"].detail == "the company's spending on new data centers"


def test_bare_object_belongs_to_a_named_subject() -> None:
    figs = _figures("Japan already plans to lift defence outlays to 2% of GDP by 2027.")
    assert figs["2% of GDP"].detail == "Japan's defence outlays"


def test_distance_outside_the_lead_is_not_a_key_figure() -> None:
    figs = _figures("ISIS attacked the refinery on Saturday. The refinery is 40 kilometers from Tikrit.")
    assert not figs
    figs = _figures("An Iranian aircraft flew within 50 yards of a U.S. Navy helicopter this month.")
    assert "50 yards" in figs


# --- the check itself -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label",
    [
        "is opening around the globe this weekend and earned",
        "found",
        "Sefolosha suffered a fractured fibula and ligament damage when he",
        "marijuana could affect",
        "have been killed since the start of Saudi-led",
        "in Yemen required humanitarian assistance",
        "we recorded executions",
        "giving it positive reviews on Rotten Tomatoes",
    ],
)
def test_clause_fragments_are_recognised(label: str) -> None:
    assert is_clause_fragment(label)
    assert clean_label(label) is None


@pytest.mark.parametrize(
    "label",
    [
        "the U.S. defense spending request, up from 3%",
        "personal effects found at the site",
        "troops deployed to Poland",
        "box-office takings",
        "Japan's defence outlays",
        "people killed on board",
        "bail",
    ],
)
def test_noun_phrases_pass(label: str) -> None:
    assert not is_clause_fragment(label) and not is_trivial(label)
    assert clean_label(label) == label


def test_trivial_labels_are_dropped_but_a_trend_stays() -> None:
    assert is_trivial("all") and is_trivial("a maximum")
    assert clean_label("all") is None
    assert clean_label("is opening around the globe, up from 3%") == "up from 3%"


def test_casualty_words_durations_of_activity_and_demonyms_are_counts() -> None:
    figs = _figures("The agency put higher figures on both tolls -- 648 killed and 2,191 wounded -- in its report.")
    assert {"648 killed", "2,191 wounded"} <= set(figs)
    figs = _figures("He had been a reserve deputy since 2008, with 300 hours of training, the sheriff's office said.")
    assert "300 hours of training" in figs
    assert "three years" not in " ".join(_figures("He confessed to police three years ago."))
    figs = _figures("Investigators chased more than 300 reported sightings from Arizona to North Carolina.")
    assert "300 reported sightings" in figs
    figs = _figures("More than 550 people capsized in the Mediterranean Sea about 80 miles off the coast.")
    assert "80" not in (figs["550 people"].detail or "")


def test_time_adjunct_is_not_an_object() -> None:
    assert not is_clause_fragment("people executed this year")
    assert is_clause_fragment("officials executed the prisoners")
    assert _figures("Six people have already been executed this year.")["Six people"].detail == (
        "people executed this year"
    )


def test_key_numbers_come_first() -> None:
    found = find_figures(
        build_doc(
            "The crash killed all 150 people on board. The plane crashed about 6 miles from the town. "
            "Investigators found 40 cell phones. The airline will pay $50,000 in compensation to each family."
        ),
        [],
    )
    ranked = [f.text for f in rank_figures(found)]
    assert ranked[:2] == ["150 people", "$50,000"], ranked
    assert ranked[-1] == "40 cell phones"


_CHEAP_TEST_SENTENCES = [
    "Sales rose 5% to $3.2 billion, or 4 percent, in the year to March.",
    "It cost 300 dollars. Prices fell 2.5 per cent and 12 percentage points; 7pc more.",
    "About USD 40m went to HK$ 12 and ₹500 and £3 and €4 and ¥5.",
    "Dozens of people came on Monday. Hundreds of thousands left in 1999 and 20 stayed.",
    "No number here at all, only words.",
    "Three officials met 40 troops near Route 9.",
]


def test_sentences_skipped_by_cheap_checks_hold_no_figure_and_need_no_tagger() -> None:
    from briefings.facts.doc import NEEDS_POS, _may_need_pos  # noqa: PLC0415
    from briefings.facts.figures import FIGURE_RE, _figure_matches  # noqa: PLC0415

    for text in _CHEAP_TEST_SENTENCES:
        for a in range(0, len(text), 7):
            for b in range(a, len(text) + 1, 5):
                assert [m.span() for m in _figure_matches(text, a, b)] == [
                    m.span() for m in FIGURE_RE.finditer(text, a, b)
                ]
                part = text[a:b]
                assert _may_need_pos(part) or NEEDS_POS.search(part) is None
