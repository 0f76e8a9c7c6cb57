"""Rules around the entity tagger: titles before names, title-case headings, known phrases."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from briefings.nlp import features as F

log = logging.getLogger(__name__)

# Titles that precede a name and are not part of it ("Defense Secretary Pete Hegseth").
# "Gen" without a period is left out: it is also a given name (Gen Nakatani).
TITLES = frozenset(
    (
        "president",
        "vice-president",
        "minister",
        "secretary",
        "chancellor",
        "premier",
        "senator",
        "sen.",
        "rep.",
        "congressman",
        "congresswoman",
        "governor",
        "gov.",
        "mayor",
        "ambassador",
        "envoy",
        "general",
        "gen.",
        "admiral",
        "adm.",
        "colonel",
        "col.",
        "lieutenant",
        "lt.",
        "captain",
        "capt.",
        "sergeant",
        "sgt.",
        "commander",
        "chief",
        "chairman",
        "chairwoman",
        "ceo",
        "director",
        "spokesman",
        "spokeswoman",
        "judge",
        "justice",
        "prince",
        "princess",
        "king",
        "queen",
        "pope",
        "cardinal",
        "bishop",
        "archbishop",
        "rabbi",
        "imam",
        "sheikh",
        "dr.",
        "dr",
        "mr.",
        "mr",
        "mrs.",
        "mrs",
        "ms.",
        "ms",
        "prof.",
        "professor",
        "commissioner",
        "prosecutor",
        "attorney",
        "coach",
        "leader",
        "speaker",
        "secretary-general",
    )
)


def split_titles(words: Sequence[str], tags: list[str], lex: F.Lexicon) -> list[str]:
    """Separate titles from names: "[Defense Secretary] [Pete Hegseth]" keeps only the name.

    When an entity contains a title word followed by one to three capitalised words not
    known as parts of other entity types, the words after the title become a person and
    the title (and what precedes it) is dropped.
    A one-word entity that is an ordinary word ("Defense") right before a title and a
    person is dropped too.
    """
    for a, b, typ in F.spans_from_bio(tags):
        for k in range(b - 2, a - 1, -1):
            if words[k].lower() not in TITLES:
                continue
            rest = words[k + 1 : b]
            if (
                (k > a or typ == "PER")  # not "General Motors", "Prince Edward Island"
                and 1 <= len(rest) <= 3
                and all(w[:1].isupper() and w[1:].islower() for w in rest)
                and not any(lex.labels.get(F.norm(w), "-")[:3] in ("ORG", "LOC", "MIS") for w in rest)
            ):
                tags[a : k + 1] = ["O"] * (k + 1 - a)
                tags[k + 1 : b] = ["B-PER"] + ["I-PER"] * (b - k - 2)
            break
        if (
            b - a == 1
            and b + 1 < len(words)
            and words[b][:1].isupper()
            and words[b].lower() in TITLES
            and tags[b + 1] == "B-PER"
            and lex.lowercase.get(F.norm(words[a]), "")[:2] in ("lo", "mi")
        ):
            tags[a] = "O"
    return tags


def retype_known_phrases(words: Sequence[str], tags: list[str], lex: F.Lexicon) -> list[str]:
    """Give a MISC span the type the gazetteer knows for exactly that multi-word name."""
    for a, b, typ in F.spans_from_bio(tags):
        if typ != "MISC" or b - a < 2:
            continue
        key = tuple(F.norm(w) for w in words[a:b])
        known = lex.wiki.get(key)
        if known and known != "MISC" and key not in lex.phrases:
            tags[a:b] = ["B-" + known] + ["I-" + known] * (b - a - 1)
    return tags


def drop_heading_guesses(words: Sequence[str], tags: list[str], lex: F.Lexicon) -> list[str]:
    """In a title-case heading line ("Key Takeaways"), drop one-word entities never seen as such.

    Every word of a heading is capitalised, so capitals say nothing there; a single word
    the training data never saw in an entity is most likely an ordinary word.
    """
    if not _is_heading(words, lex):
        return tags
    for a, b, _typ in F.spans_from_bio(tags):
        if b - a != 1:
            continue
        n = F.norm(words[a])
        label = lex.labels.get(n, "")
        if (not label or label.startswith("O")) and (n,) not in lex.wiki:
            tags[a] = "O"
    return tags


_FUNCTION_WORDS = frozenset(
    (
        "a",
        "an",
        "and",
        "at",
        "by",
        "for",
        "from",
        "in",
        "of",
        "on",
        "or",
        "the",
        "to",
        "vs",
        "with",
    )
)


def _is_heading(words: Sequence[str], lex: F.Lexicon) -> bool:
    """Tell whether a sentence looks like a title-case heading ("Overview of the Situation")."""
    if len(words) > 10:
        return False
    ordinary = False
    for w in words:
        if not w.isalpha():
            if any(c.isdigit() for c in w) or w in (".", "?", "!", ",", ":"):
                return False
            continue
        if w[0].islower():
            if w not in _FUNCTION_WORDS:
                return False
        elif w.isupper() and len(w) > 1:
            return False  # all-caps headlines are left to the model
        elif lex.lowercase.get(F.norm(w), "")[:2] in ("lo", "mi"):
            ordinary = True
    return ordinary


_NOT_IN_HEADLINES = frozenset([":", "(", ")", "[", "]", ";"])


def truecase_heading(words: Sequence[str], lex: F.Lexicon) -> Sequence[str]:
    """Lower-case the ordinary words of a title-case headline, as the tagger expects.

    "Trump Says Japan Must Pay More for Defense" is tagged as "Trump says Japan must pay
    more for defense": a capitalised word after the first is lower-cased when the training
    data often writes it in lower case. Only lines with no lower-case content word, no
    number, colon or bracket, and a word almost always written in lower case (two if the
    line has a comma: it may be a list of names) are touched; others are returned as is.
    """
    common: list[int] = []
    mixed: list[int] = []
    first = True
    for i, w in enumerate(words):
        if not w.isalpha():
            if any(c.isdigit() for c in w) or w in _NOT_IN_HEADLINES:
                return words
            continue
        if w[0].islower():
            if w not in _FUNCTION_WORDS:
                return words
        elif not first and w[1:].islower():
            use = lex.lowercase.get(F.norm(w), "")[:2]
            if use == "lo":
                common.append(i)
            elif use == "mi":
                mixed.append(i)
        first = False
    if not common or (len(common) < 2 and "," in words):
        return words
    out = list(words)
    for i in common + mixed:
        out[i] = out[i].lower()
    return out
