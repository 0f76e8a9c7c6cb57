"""People and their roles: names, roles from titles, appositives, copulas and later sentences, coreference."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefings.facts.doc import build_doc
from briefings.facts.people import BYLINE, Person, find_people
from briefings.facts.roles import tidy_role

DATA = Path(__file__).resolve().parents[3] / "shared" / "eval"


def _people(text: str) -> dict[str, Person]:
    """Return the people of a text by name."""
    return {p.name: p for p in find_people(build_doc(text))}


def _role(text: str, name: str) -> str | None:
    """Return the best role of one person of a text."""
    people = _people(text)
    assert name in people, sorted(people)
    best = people[name].best_role()
    return best.text if best else None


@pytest.mark.parametrize(
    "text",
    [
        "Authorities say the flight's co-pilot, Andreas Lubitz, locked the captain out of the cockpit.",
        "Andreas Lubitz, 28, a co-pilot, locked the captain out of the cockpit.",
        "Co-pilot Andreas Lubitz locked the captain out of the cockpit.",
        "Andreas Lubitz was the co-pilot of the plane. Lubitz locked the captain out of the cockpit.",
    ],
)
def test_central_person_gets_the_role_the_text_gives(text: str) -> None:
    role = _role(text, "Andreas Lubitz") or ""
    assert "co-pilot" in role.lower(), role


def test_a_role_in_a_later_sentence_describes_the_speaker() -> None:
    text = (
        "Martin O'Malley told reporters in Iowa on Friday that inevitability is not unbreakable. "
        '"I\'ve seen it before," the former Governor of Maryland and possible presidential contender said.'
    )
    assert _role(text, "Martin O'Malley") == "former Governor of Maryland"


def test_a_long_appositive_ends_at_its_participle() -> None:
    text = "The family of Sean Collier, a 26-year-old police officer shot to death in his patrol car, spoke."
    assert _role(text, "Sean Collier") == "26-year-old police officer shot to death"


@pytest.mark.parametrize(
    ("role", "plain"),
    [
        ("another Bates' attorney", "attorney for Bates"),
        ("Ellie's mom", "mother of Ellie"),
        ("the flight's co-pilot", "co-pilot of the flight"),
        ("flight's co-pilot", "co-pilot of the flight"),
        ("then-Secretary of State", "Secretary of State (then)"),
        ("Apple's chief executive", "Apple's chief executive"),
    ],
)
def test_awkward_roles_are_put_plainly(role: str, plain: str) -> None:
    assert tidy_role(role) == plain


def test_another_attorney_in_an_appositive() -> None:
    text = 'Scott Wood, another Bates\' attorney, has said the shooting was an "excusable homicide."'
    assert _role(text, "Scott Wood") == "attorney for Bates"


def test_an_honorific_after_a_title_is_not_the_role() -> None:
    text = "Supreme Leader Ayatollah Khamenei gave his government rare permission to bargain."
    people = _people(text)
    roles = [p.best_role() for p in people.values()]
    assert [r.text for r in roles if r] == ["Supreme Leader"]


def test_arabic_surname_with_its_article_is_part_of_the_name() -> None:
    people = _people("But McGurk said that Iraqi Prime Minister Haider al-Abadi is making progress.")
    assert "Haider al-Abadi" in people and "Haider" not in people
    assert _role("Iraqi Prime Minister Haider al-Abadi is making progress.", "Haider al-Abadi") == (
        "Prime Minister of Iraq"
    )


def test_lone_surname_and_first_name_are_the_person_named_earlier() -> None:
    text = (
        "Trey Moses asked Ellie Meredith to the prom. Trey is a basketball star. "
        "Moses said he was nervous. Meredith said yes."
    )
    people = find_people(build_doc(text))
    names = [p.name for p in people]
    assert sorted(names) == ["Ellie Meredith", "Trey Moses"], names
    trey = next(p for p in people if p.name == "Trey Moses")
    assert len(trey.mentions) >= 3


def test_two_given_names_share_one_surname() -> None:
    people = _people("Etan's parents, Stan and Julia Patz, sued Ramos in 2001.")
    assert {"Stan Patz", "Julia Patz"} <= set(people)
    assert all(people[n].best_role().text == "parent of Etan" for n in ("Stan Patz", "Julia Patz"))  # type: ignore[union-attr]


def test_reporters_are_not_people_of_the_story() -> None:
    text = (
        "A Saudi source confirmed to CNN's Nic Robertson that three soldiers were killed. "
        "Gen. Ahmed Asiri said the raids would go on. "
        "CNN's Jane Arraf contributed to this report."
    )
    people = _people(text)
    assert "Nic Robertson" not in people and "Jane Arraf" not in people
    assert "Ahmed Asiri" in people
    assert BYLINE.search("CNN's Jane Arraf contributed to this report.")


def test_characters_are_not_people_and_their_actors_play_them() -> None:
    text = (
        "The agency is now without Bert Cooper (Robert Morse). "
        "Roger Sterling -- the wisecracking executive played by John Slattery -- might find an exit. "
        "Bert Cooper was the firm's founder."
    )
    people = _people(text)
    assert "Bert Cooper" not in people and "Roger Sterling" not in people
    assert _role(text, "Robert Morse") == "actor playing Bert Cooper"
    assert _role(text, "John Slattery") == "actor playing Roger Sterling"


def test_a_lower_case_title_before_a_name_the_tagger_missed() -> None:
    text = "Aston Villa continued their good form since appointing coach Tim Sherwood last season."
    assert _role(text, "Tim Sherwood") == "coach"


@pytest.mark.skipif(not (DATA / "people" / "dev.jsonl").is_file(), reason="no people dev data")
def test_people_on_the_dev_articles_meet_the_floor() -> None:
    from bench.quality import people as bench

    result = bench.run(DATA)
    assert result["f1"] >= 0.90 and result["salient_recall"] >= 0.95, json.dumps(
        {k: v for k, v in result.items() if k != "report"}
    )
    assert result["role_acc"] >= 0.85  # issue 11 target


def test_a_bare_rank_takes_the_description_of_the_sentence_before() -> None:
    text = (
        "A Saudi general said Saturday the coalition has undertaken 1,200 airstrikes. "
        "Gen. Ahmed Asiri added that the raids aim to keep the rebels from moving toward southern Yemen."
    )
    assert _role(text, "Ahmed Asiri") == "Saudi general"


def test_a_role_that_opens_the_sentence() -> None:
    text = "Survivor Karen Brassard said she needed to attend the trial to help her heal."
    assert _role(text, "Karen Brassard") == "survivor"


def test_a_single_name_after_a_lower_case_title() -> None:
    text = (
        "Tejano star Selena, who died 20 years ago, is coming back in a big way. "
        "Selena's family approved the hologram. Fans of Selena will see it next year."
    )
    assert _role(text, "Selena") == "Tejano star"


def test_a_first_name_after_a_kinship_word_is_a_person() -> None:
    text = "She doesn't believe Dzhokhar Tsarnaev's brother Tamerlan, now dead, persuaded him to take part."
    assert _role(text, "Tamerlan") == "brother of Dzhokhar Tsarnaev"


def test_descriptions_ahead_of_the_names_take_them_in_order() -> None:
    text = (
        "He's a blue chip college basketball recruit. She's a high school freshman with Down syndrome. "
        "At first glance Trey Moses and Ellie Meredith couldn't be more different."
    )
    assert _role(text, "Trey Moses") == "blue chip college basketball recruit"
    assert _role(text, "Ellie Meredith") == "high school freshman with Down syndrome"


def test_an_opening_subject_with_a_relative_clause_describes_the_next_person_named() -> None:
    text = (
        "The bored teenager who gunned down a college baseball player in Oklahoma simply because he "
        '"had nothing to do," is now a convicted murderer. '
        "Chancey Allen Luna was found guilty of first-degree murder Friday."
    )
    assert _role(text, "Chancey Allen Luna") == "bored teenager who gunned down a college baseball player"


def test_two_titles_share_one_complement_and_officer_titles_are_short() -> None:
    text = (
        '"It awakened America," said Ernie Allen, president and chief executive officer of the '
        "National Center for Missing & Exploited Children."
    )
    assert _role(text, "Ernie Allen") == "president and CEO of the National Center for Missing & Exploited Children"


def test_a_second_noun_phrase_after_and_is_not_a_shared_title() -> None:
    text = "Susan Berman, a crime writer and his longtime confidante, was found dead in her home."
    assert _role(text, "Susan Berman") == "crime writer"


def test_coordinate_adjectives_and_a_slashed_position_make_one_appositive() -> None:
    text = "Pero Antic, a 31-year-old, 6-foot-11 center/forward, missed the April 8 game against the Brooklyn Nets."
    assert _role(text, "Pero Antic") == "31-year-old 6-foot-11 center/forward"


def test_a_circumstance_ends_the_role_and_a_pronoun_owned_role_says_less() -> None:
    text = (
        "A female employee accused Xavier Morales, a supervisor within the agency, of assault. "
        "The woman told police that Morales, her boss, told her during the party that he was in love with her."
    )
    assert _role(text, "Xavier Morales") == "supervisor"


@pytest.mark.parametrize(
    ("role", "plain"),
    [
        ("chief executive officer of Apple", "CEO of Apple"),
        ("Chief Executive Officer", "CEO"),
        ("chief financial officer", "chief financial officer"),
    ],
)
def test_the_chief_executive_takes_the_short_form_news_uses(role: str, plain: str) -> None:
    assert tidy_role(role) == plain


def test_a_given_name_that_is_also_a_common_word_opens_a_tagged_name() -> None:
    text = "Belgian international Christian Benteke scored the only goal of the game."
    assert _role(text, "Christian Benteke") == "Belgian international"


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        (
            "Another exile, Sofia Bocian, told Lazar how her brother escaped their prison camp.",
            "Sofia Bocian",
            "exile",
        ),
        (
            "Peggy Olson's star has continued to rise. "
            "If Olson, played by Elisabeth Moss, bolts the firm, it will probably be to head her own agency.",
            "Elisabeth Moss",
            "actor playing Peggy Olson",
        ),
    ],
)
def test_a_name_tagged_as_a_place_or_organisation_with_a_person_cue(text: str, name: str, role: str) -> None:
    assert _role(text, name) == role


def test_a_place_before_a_reporting_clause_is_no_person() -> None:
    text = "The Navy would share such intelligence with Saudi Arabia, a second U.S. official said."
    assert "Saudi Arabia" not in _people(text)


def test_a_rank_after_a_lower_case_role_belongs_to_the_name() -> None:
    text = "Montgomery County police spokesman Capt. Paul Starks said he could not divulge why."
    assert _role(text, "Paul Starks") == "Montgomery County police spokesman"


def test_who_was_with_a_place_or_circumstance_is_no_role() -> None:
    text = 'Alyssa Milano, who was on a trip with her husband that she described as a "romantic getaway," was furious.'
    assert _role(text, "Alyssa Milano") is None


def test_a_verb_the_tagger_took_for_a_noun_is_no_appositive() -> None:
    text = (
        "A bystander's video, which began after a struggle between Michael Slager and Walter Scott, "
        "shows the five-year police veteran shooting at Scott eight times."
    )
    assert _role(text, "Walter Scott") is None


def test_another_person_named_after_the_comma_is_no_role() -> None:
    text = (
        "When asked if another gun was found on Eric Harris, Shannon Clark of the Tulsa County Sheriff's Office "
        'says "The suspect was placed in the ambulance."'
    )
    assert _role(text, "Eric Harris") is None


def test_a_generic_head_keeps_its_relative_clause() -> None:
    text = "The campaign was started by a pastor, according to Lawrence Billy Jones II, the man who started it."
    assert _role(text, "Lawrence Billy Jones II") == "man who started it"


def test_a_pronoun_owner_stays_with_the_possessed_role() -> None:
    text = "Her pain ended Wednesday when her son's killer, Aaron Hernandez, was convicted of first degree murder."
    assert _role(text, "Aaron Hernandez") == "killer of her son"


def test_a_description_inside_a_quotation_is_not_the_speaker() -> None:
    text = (
        "Falalu Tasiu works at the bus station. "
        '"The woman kept talking on the phone and dropped her bag beside the bus," Tasiu said.'
    )
    assert _role(text, "Falalu Tasiu") is None


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        (
            '"Real Housewives of Beverly Hills" star and former child actress Kim Richards is accused of kicking '
            "a police officer.",
            "Kim Richards",
            '"Real Housewives of Beverly Hills" star and former child actress',
        ),
        (
            "At the premiere, Walker's co-star and close friend Vin Diesel gave a tearful speech.",
            "Vin Diesel",
            "Walker's co-star and close friend",
        ),
        ('"Mad Men" creator Matthew Weiner has said little about the end.', "Matthew Weiner", 'creator of "Mad Men"'),
    ],
)
def test_titles_before_a_name_joined_by_and_or_naming_a_work(text: str, name: str, role: str) -> None:
    assert _role(text, name) == role


def test_joined_nouns_before_a_name_that_are_no_titles() -> None:
    assert _role("Police and firefighters rescued John Smith from the river.", "John Smith") is None


def test_a_spaced_hyphen_ends_an_appositive() -> None:
    text = "Mark Hargreaves, the CEO of Crown Talent & Media Group - who manage Ella - has commented."
    assert _role(text, "Mark Hargreaves") == "CEO of Crown Talent & Media Group"


def test_a_plural_description_is_not_the_person_named_before() -> None:
    text = (
        "Dzhokhar Tsarnaev was convicted this month. "
        "The parents of the youngest victim of the Boston Marathon bombings are making a plea."
    )
    assert _role(text, "Dzhokhar Tsarnaev") is None


def test_a_generic_head_keeps_its_participle_phrase() -> None:
    text = "Family and friends of Aaron Siler, a man shot dead by police last month, are in shock."
    assert _role(text, "Aaron Siler") == "man shot dead by police last month"


@pytest.mark.parametrize(
    ("text", "full", "part"),  # each text names one person
    [
        (
            "Mary Kay Letourneau Fualaau wants the world to know that she is happy. "
            "Mary Kay said so on television. Letourneau Fualaau laughed.",
            "Mary Kay Letourneau Fualaau",
            "Mary Kay",
        ),
        (
            "Deion Sanders Jr. tweeted on Sunday. Sanders Jr. later deleted the tweet.",
            "Deion Sanders Jr.",
            "Sanders Jr.",
        ),
        (
            "President Nicolás Maduro spoke in Panama. Nicolas Maduro then left.",
            "Nicolás Maduro",
            "Nicolas Maduro",
        ),
    ],
)
def test_part_of_a_longer_name_or_the_same_name_without_accents_is_one_person(text: str, full: str, part: str) -> None:
    people = _people(text)
    assert len(people) == 1 and {full, part} & set(people), sorted(people)
    assert len(next(iter(people.values())).mentions) >= 2


def test_a_relative_clause_ends_the_role_before_its_verb_phrase() -> None:
    text = (
        "They should heed the counsel of Bill Grueskin, an executive editor at Bloomberg who formerly served "
        "as dean of academic affairs at the Columbia J-school."
    )
    assert _role(text, "Bill Grueskin") == "executive editor at Bloomberg"


def test_an_agent_phrase_is_no_complement_of_the_role_before_a_name() -> None:
    text = "Zarif was nominated to be foreign minister by Ahmadinejad's successor, Hassan Rouhani."
    assert _role(text, "Hassan Rouhani") == "Ahmadinejad's successor"


@pytest.mark.parametrize(
    "text",
    [
        "Steve Esmond, his teenage sons and the teens' mother fell ill more than two weeks ago.",
        "Steve Esmond, his wife and two kids fell ill more than two weeks ago.",
    ],
)
def test_a_list_of_subjects_after_a_name_is_no_appositive(text: str) -> None:
    assert _role(text, "Steve Esmond") is None


def test_a_description_with_the_role_of_someone_named_is_that_person() -> None:
    text = (
        "Sheriff Stanley Glanz said the deputy was trained. Eric Harris ran when officers came in for the arrest. "
        "The sheriff denied those allegations."
    )
    assert _role(text, "Eric Harris") is None
    assert _role(text, "Stanley Glanz") == "Sheriff"


def test_a_name_in_brackets_after_a_role_plays_no_character() -> None:
    text = "In 2012, Jiang asked an Austin, Texas, Krispy Kreme manager (Jackie Braun) to make him five donuts."
    people = _people(text)
    role = people["Jackie Braun"].best_role() if "Jackie Braun" in people else None
    assert role is None or "playing" not in role.text


def test_an_actor_in_brackets_after_a_character_and_its_appositive() -> None:
    text = "Sally, Don's daughter (Kiernan Shipka), has grown up. Sally Draper is the show's favourite."
    assert _role(text, "Kiernan Shipka") == "actor playing Sally Draper"


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        (
            "Wang Qiushi, the lawyer for one of the women, Wei Tingting, said police had recommended charges.",
            "Wei Tingting",
            None,
        ),
        (
            "Wang Qiushi, the lawyer for one of the women, Wei Tingting, said police had recommended charges.",
            "Wang Qiushi",
            "lawyer for one of the women",
        ),
        (
            "He was arrested in the deaths of Yusor Mohammad, 21, her 23-year-old husband, Deah Barakat, "
            "and her sister.",
            "Yusor Mohammad",
            "aged 21",
        ),
    ],
)
def test_a_role_set_off_between_two_names(text: str, name: str, role: str | None) -> None:
    assert _role(text, name) == role


def test_the_speaker_after_a_name_and_a_comma_is_no_appositive() -> None:
    text = (
        "Word of the stabbing spread, reaching Thabo Sefolosha, who went outside to check on their friend, "
        "Chris Copeland, the 1OAK spokesperson said."
    )
    assert _role(text, "Chris Copeland") == "friend"
    assert _role(text, "Thabo Sefolosha") is None


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        (
            "Activists unfurled a banner showing the face of Ghoncheh Ghavami, a British-Iranian woman detained in "
            "Iran last year while trying to watch a volleyball match.",
            "Ghoncheh Ghavami",
            "British-Iranian woman detained in Iran last year",
        ),
    ],
)
def test_a_cut_role_does_not_end_on_a_function_word_or_a_bare_participle(text: str, name: str, role: str) -> None:
    assert _role(text, name) == role


def test_a_cut_role_keeps_its_noun_phrase_whole() -> None:
    text = "Chet Hilts, who was reelected mayor of the town of about 10,000 people the day before, spoke."
    assert _role(text, "Chet Hilts") == "reelected mayor of the town"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("We've been working with Elijah Kelley -- he's actually an actor.", "Elijah Kelley"),
        (
            "We love Michael Jackson, Lionel Richie -- stuff my mom would listen to and play -- and the Spice Girls.",
            "Lionel Richie",
        ),
    ],
)
def test_a_clause_after_a_dash_is_no_appositive(text: str, name: str) -> None:
    assert _role(text, name) is None


def test_a_maiden_name_in_brackets_is_no_actor() -> None:
    text = (
        "Michelle Duggar has 19 children. People magazine reports that Jill (Duggar) Dillard gave birth Monday "
        "to a son."
    )
    people = _people(text)
    assert all("playing" not in r.text for p in people.values() for r in p.roles)


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("Lead singer Ronnie Van Zant died in 1977.", "Ronnie Van Zant", "lead singer"),
        ("Former Minnesota Governor Tim Pawlenty spoke on Monday.", "Tim Pawlenty", "former Minnesota Governor"),
        (
            "Situation Room correspondent Brian Todd said police were at the scene.",
            "Brian Todd",
            "Situation Room correspondent",
        ),
        ("Liverpool forward Raheem Sterling scored twice.", "Raheem Sterling", "Liverpool forward"),
        ("Secretary of State Marco Rubio met his counterpart.", "Marco Rubio", "Secretary of State"),
    ],
)
def test_a_title_capitalised_only_as_the_first_word_of_the_sentence(text: str, name: str, role: str) -> None:
    assert _role(text, name) == role


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        (
            "\"It is injustice,\" Bryan Stevenson, the group's executive director and Hinton's lead attorney, said.",
            "Bryan Stevenson",
            "executive director of the group",
        ),
        (
            "On Wednesday, E. Royster Harper, University of Michigan's vice president for student life, said it "
            "was a mistake.",
            "E. Royster Harper",
            "University of Michigan's vice president for student life",
        ),
    ],
)
def test_an_appositive_set_off_by_commas_is_kept_whatever_it_holds(text: str, name: str, role: str) -> None:
    assert _role(text, name) == role
