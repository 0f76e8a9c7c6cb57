"""Word lists of the people rules: name particles, role nouns that are titles only in lower case, words
that make a capitalised phrase a place or an organisation, and the like."""

from __future__ import annotations

from .doc import Tok
from .lexicon import CONJUNCTIONS, DETERMINERS, PREPOSITIONS, ROLE_HEADS, TITLE_ABBREVIATIONS, words

PARTICLES = words("van von de da del der den di du la le bin ibn al el dos das ten ter op mac")
WEAK_HEADS = words(
    "star legend icon fan friend victim resident worker employee student model host head "
    "partner marine guard agent official"
)
# Role nouns that are titles only in lower case ("star" but not "Star Wars").
LOWER_ONLY_HEADS = words(
    "star legend icon fan friend victim resident worker employee student model host partner "
    "marine guard agent player driver rider runner keeper forward defender fighter champion "
    "parent son daughter mother father brother sister heir witness survivor suspect trader "
    "broker developer designer producer publisher writer author artist critic donor "
    "volunteer pilot chef speaker major rebel duke celebrity"
)
# Last words that make a capitalised phrase a place, organisation or work, not a person.
NON_NAME_LAST = words(
    """
    act report hills street road avenue park center centre club council committee party
    times post news nets airlines airways group bank university college school hospital
    court house church museum foundation institute association agency department ministry
    office company inc corp ltd fc united city county state island islands mountains river
    lake valley bay beach airport station stadium arena hotel award awards prize cup league
    championship games series show festival day week war wars square bridge tower hall
    senate congress parliament assembly government administration army navy police force
    forces service services channel network magazine journal herald tribune gazette
    arts politics sports studios records pictures entertainment media ave st rd blvd llc
    squadron regiment battalion brigade division corps mall cam gables chapel cathedral
    laboratory directorate bros bros. brothers inc. co. gate
    """
)
LEADING_FUNCTION = (
    DETERMINERS | PREPOSITIONS | CONJUNCTIONS | words("if when while as after before then now so also even just only")
)
CLAUSE_WORDS = words("who whom which that whose when where while after because as since")
NAME_SUFFIXES = words("jr jr. sr sr. ii iii iv")
REPORTING_VERBS = words("said says told sought filed asked added claimed denied insisted wrote called urged warned")
DESCRIPTORS = words("samaritan survivor witness victim veteran rookie star legend")
NON_NAME_FIRST = words(
    "camp fort lake mount mt port university hotel club team operation project radio "
    "planet star mini new north south east west upper lower greater"
)
# A sentence crediting reporters: its names are bylines, not people of the story.
APPOS_STOP = frozenset((",", ".", ";", ":", ")", "(", "--", "—", "–", "!", "?", "“", "”", '"'))


def is_role_word(tok: Tok) -> bool:
    """Tell whether a token is a role head ("Minister", "coach", "Sen.")."""
    low = tok.text.lower()
    if tok.text[:1].isupper() and low in LOWER_ONLY_HEADS:
        return False  # "Star Wars", "Fan Expo", "Model T"
    return low in ROLE_HEADS or low in TITLE_ABBREVIATIONS
