"""Word lists for time expressions: months, weekdays, seasons, units, number words and tense cues."""

from __future__ import annotations

from types import MappingProxyType

from .lexicon import words, words_list

MONTH_NAMES = words_list("january february march april may june july august september october november december")
# Regex alternations (longest first where one is a prefix of another).
MONTH_RE = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.|"
    r"Jan|Feb|Aug|Sept|Oct|Nov|Dec)"
)
FULL_MONTH_RE = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
WEEKDAYS = words_list("monday tuesday wednesday thursday friday saturday sunday")
WEEKDAY_RE = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
DAY_PARTS = r"(?:morning|afternoon|evening|night)"

# TimeML season codes and the month each season starts in (northern hemisphere).
SEASONS = MappingProxyType(
    {"spring": ("SP", 3), "summer": ("SU", 6), "fall": ("FA", 9), "autumn": ("FA", 9), "winter": ("WI", 12)}
)
SEASON_RE = r"(?:spring|summer|fall|autumn|winter)"

ORDINALS = MappingProxyType({"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4})
ORDINAL_RE = r"(?:first|second|third|fourth|1st|2nd|3rd|4th)"

NUMBER_WORDS = MappingProxyType(
    {
        "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
        "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
    }
)  # fmt: skip
NUMBER_RE = (
    r"(?:\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty"
    r"|forty|fifty|a\s+few|several|a\s+couple\s+of|many|some)"
)
VAGUE_COUNTS = words("few several couple many some")
UNIT_RE = r"(?:years?|months?|weeks?|days?|decades?)"

# Relative modifiers of a calendar unit ("last year", "the coming month") and their shift.
SHIFT_WORDS = MappingProxyType(
    {
        "this": 0, "the current": 0, "the present": 0, "current": 0, "this past": -1, "last": -1,
        "the last": -1, "the past": -1, "the previous": -1, "the prior": -1, "previous": -1, "prior": -1,
        "next": 1, "the next": 1, "the coming": 1, "the following": 1, "coming": 1,
    }
)  # fmt: skip
SHIFT_RE = (
    r"(?:this\s+past|the\s+current|the\s+present|the\s+last|the\s+past|the\s+previous|the\s+prior|"
    r"the\s+next|the\s+coming|the\s+following|this|last|next|current|previous|prior|coming)"
)
# "early this year", "later this month", "earlier in the year": the modifier is part of the expression.
PHASE_RE = r"(?:(?:early|earlier|late|later|mid|the\s+end\s+of|the\s+start\s+of|the\s+beginning\s+of)\s+(?:in\s+)?)"

# Words that make a point in the past, present or future of the text (TimeML *_REF values).
PRESENT_REF_RE = (
    r"(?:right\s+now|now|currently|at\s+present|presently|nowadays|these\s+days|at\s+the\s+moment"
    r"|current(?=\s+(?!account|affairs|events|accounts)[a-z]))"  # "his current wife", "current market conditions"
)
PAST_REF_RE = (
    r"(?:(?:in\s+)?recent\s+(?:years|months|weeks|days|decades|times)|more\s+recently|recently"
    r"|the\s+past(?!\s+(?:\d|few|several|two|three|four|five|six|seven|eight|nine|ten|year|month|week|decade|"
    r"day|quarter|century|spring|summer|fall|autumn|winter))|(?:a\s+few|several|many)\s+years\s+ago)"
)
FUTURE_REF_RE = (
    r"(?:the\s+(?:near\s+|distant\s+|foreseeable\s+)?future|(?:the\s+)?coming\s+(?:years|months|weeks|days|decades)"
    r"|future\s+(?:years|quarters|months)|the\s+(?:near|short|long)\s+term|a\s+later\s+date)"
)

# Tense cues around a date.
FUTURE_AUX = words("will 'll shall wo going")
FUTURE_WORDS = words("payable effective upcoming due")  # "payable Dec. 7", "effective June 1"
PLAN_VERBS = words("scheduled planned slated expected postponed delayed adjourned")
PLAN_BEFORE_TO = words(
    "is are be was were expected expects expect plans plan planned intends intend aims aim hopes hope "
    "wants want ready likely due going about scheduled set slated agreed promised vowed threatened has have had "
    "planning preparing hoping expecting trying decided"
)
DEADLINE_PREPS = words("until till by")
PAST_AUX = words("was were did")
PAST_MODALS = words("would could might")  # their tense is the next verb's ("could be located Wednesday")
PERFECT_AUX = words("has have had")

# Holidays with a fixed month and day.
FIXED_HOLIDAYS = MappingProxyType(
    {
        "christmas day": (12, 25), "christmas eve": (12, 24), "christmas": (12, 25),
        "new year's day": (1, 1), "new year's eve": (12, 31), "independence day": (7, 4),
        "the fourth of july": (7, 4), "valentine's day": (2, 14), "halloween": (10, 31),
        "veterans day": (11, 11), "boxing day": (12, 26),
    }
)  # fmt: skip
HOLIDAY_RE = (
    r"(?:Christmas\s+(?:Day|Eve)|Christmas|New\s+Year['’]s\s+(?:Day|Eve)|Independence\s+Day|the\s+Fourth\s+of\s+July"
    r"|Valentine['’]s\s+Day|Halloween|Veterans\s+Day|Boxing\s+Day|Thanksgiving(?:\s+Day)?)"
)

# Capitalised words after a bare month that make it part of a name ("June Carter", "April Fools").
NOT_MONTH_AFTER = words("fools")
