"""Card types: organisations are organisations, places are places, works and first names are neither."""

from __future__ import annotations

from briefings.facts import extract_facts


def _types(text: str) -> tuple[list[str], list[str]]:
    """Return the organisation and place names on the card of ``text``."""
    card = extract_facts(text)
    return [f.text for f in card.organizations], [f.text for f in card.places]


def test_sports_teams_are_organisations_not_places() -> None:
    orgs, places = _types("The Atlanta Hawks beat the Cleveland Cavaliers 105-97 on Friday night in Atlanta.")
    assert "Atlanta Hawks" in orgs
    assert "Atlanta Hawks" not in places
    assert "Atlanta" in places


def test_short_team_name_takes_the_kind_of_the_full_name() -> None:
    orgs, places = _types(
        "The Indiana Pacers lost at home on Sunday. The Pacers have now lost four games in a row, "
        "and the Pacers coach said the team was tired."
    )
    assert "Pacers" not in places


def test_a_company_is_an_organisation() -> None:
    orgs, places = _types("Universal intended to open the film in July. Universal's chief said the studio was pleased.")
    assert orgs == ["Universal"]
    assert places == []


def test_counties_and_regions_are_places_not_organisations() -> None:
    orgs, places = _types(
        "The deputy worked for the Tulsa County Sheriff's Office. He was arrested in Tulsa County on Monday. "
        "Residents of Southern California were told to conserve water."
    )
    assert "Tulsa County" in places and "Tulsa County" not in orgs
    assert "Southern California" in places and "Southern California" not in orgs
    assert "Tulsa County Sheriff" in orgs


def test_a_city_the_gazetteer_knows_is_a_place() -> None:
    orgs, places = _types("Investigators in Marseille said on Tuesday that the search would continue.")
    assert "Marseille" in places and "Marseille" not in orgs


def test_films_and_series_are_neither_organisations_nor_places() -> None:
    for text, name in [
        (
            'The record is held by "Captain America: The Winter Soldier," which opened to $95 million last year.',
            "Winter Soldier",
        ),
        ('Durst was featured this spring in "The Jinx," a HBO documentary about him.', "Jinx"),
        ("She starred in the film Hunger Games with Jennifer Lawrence in Los Angeles.", "Hunger Games"),
    ]:
        orgs, places = _types(text)
        assert not any(name in n for n in orgs + places), (text, orgs, places)


def test_lone_first_names_of_people_are_neither() -> None:
    orgs, places = _types("Walker's brothers, Caleb and Cody, were used as stand-ins. Caleb said it was a tribute.")
    assert "Caleb" not in orgs + places
    assert "Cody" not in orgs + places
    orgs, places = _types("Caleb Walker flew in from Paris. Caleb said the film was a tribute to his brother.")
    assert "Caleb" not in orgs + places
    assert "Paris" in places


def test_where_includes_the_town_of_and_the_dateline() -> None:
    orgs, places = _types(
        "The plane crashed in the Alps about 6 miles from the town of Seyne-les-Alpes, officials said."
    )
    assert "Seyne-les-Alpes" in places
    orgs, places = _types("MILAN -- Police in Milan arrested two men on Sunday.")
    assert places == ["Milan"]


def test_a_city_followed_by_its_state_is_a_place() -> None:
    orgs, places = _types("Mount St. Joseph University in Cincinnati, Ohio, asked the NCAA to move the game.")
    assert "Cincinnati" in places and "Cincinnati" not in orgs
    assert "Mount St. Joseph University" in orgs
