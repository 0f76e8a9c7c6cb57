"""Word lists of the people rules: name particles, role nouns that are titles only in lower case, words
that make a capitalised phrase a place or an organisation, and the like."""

from __future__ import annotations

from functools import lru_cache

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
    "volunteer pilot chef major rebel duke celebrity"
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
APPOS_STOP = frozenset((",", ".", ";", ":", ")", "(", "--", "-", "—", "–", "!", "?", "“", "”", '"'))


# Role nouns besides lexicon.ROLE_HEADS: jobs, ranks and descriptions news gives people.
EXTRA_ROLE_HEADS = words(
    """
    grandmaster arbiter international centre center guard exile freshman sophomore
    wunderkind frontrunner front-runner contender hopeful recruit prodigy rookie
    photojournalist novelist playwright screenwriter director creator showrunner
    midfielder fullback goalscorer scorer commentator spokeswoman diplomat
    felon convict molester paedophile pedophile abuser assailant shooter sniper
    man woman boy girl toddler baby infant teen youngster schoolchild
    confidante confidant companion roommate classmate acquaintance ex-wife ex-husband
    grandson granddaughter great-grandmother great-grandfather sibling twin relative
    mom dad samaritan rescuer parents brothers sisters sons daughters
    successor predecessor opponent rival
    """
)
ROLE_NOUNS = ROLE_HEADS | EXTRA_ROLE_HEADS
# Of those, the ones that are never a title when capitalised ("International Chess Federation", "Center").
_TITLES = words("grandmaster arbiter director creator showrunner samaritan")
LOWER_ONLY_HEADS = LOWER_ONLY_HEADS | (EXTRA_ROLE_HEADS - _TITLES)
# Religious honorifics written after a title ("Supreme Leader Ayatollah Khamenei"): part of the name.
NAME_HONORIFICS = words("ayatollah sheikh imam rabbi mullah grand")
# Prefixes that keep a hyphenated word a role ("co-pilot", "ex-wife", "vice-chairman").
ROLE_PREFIXES = words("co ex vice deputy former then step great assistant")
# Nouns that describe rather than name a role: a role with one of these as its only head is weak.
GENERIC_HEADS = words("man woman boy girl toddler baby infant teen youngster schoolchild")
# Informal kinship words and their plain form ("Ellie's mom" -> "mother of Ellie").
KINSHIP = {
    "mom": "mother",
    "mum": "mother",
    "mother": "mother",
    "dad": "father",
    "father": "father",
    "wife": "wife",
    "husband": "husband",
    "son": "son",
    "daughter": "daughter",
    "brother": "brother",
    "sister": "sister",
    "parent": "parent",
    "parents": "parent",
    "brothers": "brother",
    "sisters": "sister",
    "grandmother": "grandmother",
    "grandfather": "grandfather",
    "grandson": "grandson",
    "granddaughter": "granddaughter",
    "uncle": "uncle",
    "aunt": "aunt",
    "niece": "niece",
    "nephew": "nephew",
    "cousin": "cousin",
    "widow": "widow",
    "fiance": "fiance",
    "fiancee": "fiancee",
    "girlfriend": "girlfriend",
    "boyfriend": "boyfriend",
    "ex-wife": "ex-wife",
    "ex-husband": "ex-husband",
}
# Roles that stand for someone ("Durst's attorney" -> "attorney for Durst").
AGENT_ROLES = words(
    "attorney lawyer counsel solicitor barrister spokesman spokeswoman spokesperson agent representative"
)
# Modifiers that date a title and are never part of it ("former", not "Supreme" or "Deputy").
TIME_MODIFIERS = words("former current late then outgoing incoming acting interim")
# Prepositions that open a circumstance, never a role's complement ("a supervisor within the agency").
CIRCUMSTANCE_PREPS = words(
    "within among amongst amid amidst across throughout around inside outside through toward towards "
    "despite without beyond upon via alongside during near since until"
)
# Titles whose short form news style accepts in all references ("chief executive officer" -> "CEO"); others,
# such as "chief financial officer", stay spelled out.
OFFICER_TITLES = {"chief executive officer": "CEO"}
# Outlets whose reporters are named in the text ("CNN's Nic Robertson"): not people of the story.
NEWS_OUTLETS = words("cnn hln bbc reuters ap afp nbc cbs abc msnbc fox pbs npr itv sky bloomberg")
# Words that say a name is a character of a film or series, not a real person.
CHARACTER_WORDS = words("character characters role roles alter ego")
# Verbs that put an actor in a part: "played by Jon Hamm", "portrayed by ...".
PLAYED_BY = words("played portrayed voiced")


def is_role_word_text(low: str) -> bool:
    """Tell whether a lower-case word is a role noun ("coach", "co-pilot", "center/forward")."""
    if low in ROLE_NOUNS:
        return True
    if "-" not in low and "/" not in low:
        return False
    return _joined_role_word(low)


@lru_cache(maxsize=4096)
def _joined_role_word(low: str) -> bool:
    """Tell whether a word with a hyphen or slash is a role noun ("co-pilot", "center/forward")."""
    prefix, dash, rest = low.partition("-")
    if dash and prefix in ROLE_PREFIXES and rest in ROLE_NOUNS:
        return True  # "co-pilot", "ex-wife"
    if "/" in low:
        return all(part in ROLE_NOUNS for part in low.split("/"))  # "center/forward"
    parts = low.split("-")
    # "wrestler-turned-lawmaker": a role word joined to another
    return len(parts) > 2 and parts[-2] == "turned" and parts[-1] in ROLE_NOUNS


def is_role_word(tok: Tok) -> bool:
    """Tell whether a token is a role head ("Minister", "coach", "Sen.", "co-pilot")."""
    return _role_word(tok.text)


@lru_cache(maxsize=16384)
def _role_word(text: str) -> bool:
    """Tell whether a word as written is a role head (a pure function of the text, cached: it runs on
    nearly every token)."""
    low = text.lower()
    if text[:1].isupper() and low in LOWER_ONLY_HEADS:
        return False  # "Star Wars", "Fan Expo", "Model T"
    return low in TITLE_ABBREVIATIONS or is_role_word_text(low)
