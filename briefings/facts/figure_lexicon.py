"""Word lists for figures: quantity nouns, stative verbs, measure units, trend words."""

from __future__ import annotations

from types import MappingProxyType

from .lexicon import words

# Nouns that say how much, not what: a label made only of these is trivial ("a maximum").
QUANTITY_NOUNS = words(
    """
    total number maximum minimum average sum amount majority minority lot lots half rest
    others other all most many some few share part figure level tally count estimate
    """
)

# Words that introduce a comparison, never the thing measured.
QUANTIFIERS = words("all some many most few several both each every any no none more less about nearly almost")

# Verbs of having or containing: their object count is not an event ("the group included
# four children" does not make "children included" a label).
STATIVE_VERBS = words(
    """
    include includes included including contain contains contained containing have has had
    having number numbers numbered comprise comprises comprised total totals totaled totalled
    reach reaches reached hit hits make makes made get gets got see sees saw seen
    be is are was were been being become became remain remains remained
    """
)

# Finite forms of "be", "have", "do" and the modals: a label holding one is a clause.
FINITE_AUXILIARIES = words(
    "is are was were am has have had do does did will would shall should can could may might must 's 're"
)

# Nouns of distance, speed or size: a count in these measures a position, not an outcome.
MEASURE_UNITS = words(
    """
    miles mile kilometers kilometres km meters metres feet foot yards yard inches inch
    centimeters centimetres pounds lbs kilograms kg tons tonnes acres hectares degrees mph
    """
)

# Words that end a noun-phrase label: a trend tail ("…, up from 3%").
TREND_WORDS = words("up down")

# Adverbs between an auxiliary and its participle ("have already been executed"), which the
# guessed tags of untagged sentences may miss.
ADVERBS = words(
    """
    already also still now then just once later since recently reportedly allegedly previously
    originally initially officially never ever even only so far
    """
)

# Verbs of a transaction and the noun naming the sum they move: "X earned $60 million" measures
# X's earnings, not X ("Sales rose 5%" keeps its subject: a change verb says what changed).
_MONEY_VERBS = {
    "earnings": "earn earns earned earning grossed gross grosses made",
    "spending": "spend spends spent spending",
    "payment": "pay pays paid paying",
    "losses": "lose loses lost losing",
    "cost": "cost costs costing",
    "investment": "invest invests invested investing",
    "funds raised": "raise raises raised raising",
    "fine": "fined",
    "bail": "posted",
    "debt": "owe owes owed",
    "sale": "sold sell sells",
    "purchase": "bought buy buys",
    "donation": "donated donate donates",
    "damages": "awarded",
}
MONEY_VERB_NOUNS = MappingProxyType({form: noun for noun, forms in _MONEY_VERBS.items() for form in forms.split()})

# Plural nouns of people (and their homes and jobs): a count of these is news even when small
# and spelled out ("three Saudi soldiers", "nine British citizens").
PEOPLE_UNITS = words(
    """
    people persons dead deaths killed injured wounded victims children adults men women
    soldiers troops civilians passengers students officers workers migrants refugees
    fighters militants protesters residents patients cases jobs homes houses members
    citizens nationals suspects prisoners hostages captives detainees inmates survivors
    police policemen officials senators lawmakers voters employees staff crew sailors
    pilots doctors nurses teachers journalists miners rebels insurgents marines britons
    americans tourists pupils girls boys babies infants families sons daughters brothers
    sisters friends
    """
)

# Words that stand for people right after a number ("648 killed and 2,191 wounded").
CASUALTY_WORDS = words("killed dead injured wounded missing hurt arrested detained displaced")

# A determiner and one of these after a verb is a time adjunct ("executed this year"), not its object.
TIME_NOUNS = words("year week month day weekend morning afternoon evening night season decade century time")

# Every money or percent figure (``figures.FIGURE_RE``) holds a digit and one of these strings.
FIGURE_CUES = (
    "$", "€", "£", "¥", "₹", "dollars", "euros", "yen", "yuan", "rupees", "francs", "pesos", "rubles", "roubles",
    "USD", "EUR", "GBP", "JPY", "CNY", "%", "percent", "per cent", "percentage", "pc",
)  # fmt: skip
