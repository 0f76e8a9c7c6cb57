"""Role phrases: where an appositive ends, whether words read as a role, and cutting a role to size."""

from __future__ import annotations

from .doc import Doc, Sent
from .phrases import NOUN_TAGS, is_word, span_text
from .role_lexicon import (
    APPOS_STOP,
    CIRCUMSTANCE_PREPS,
    CLAUSE_WORDS,
    LEADING_FUNCTION,
    REPORTING_VERBS,
    ROLE_NOUNS,
    is_role_word,
)

VERB_TAGS = frozenset(("VBD", "VBZ", "VBP", "MD"))


def clause_end(doc: Doc, sent: Sent, i: int, limit: int = 14) -> int:
    """Return the index of the token that ends the appositive starting at ``i``."""
    toks = doc.tokens
    j = i
    while j < sent.last and toks[j].text not in APPOS_STOP and j - i < limit:
        j += 1
    return j


def modifiers_only(doc: Doc, first: int, last: int) -> bool:
    """Tell whether ``[first, last)`` is an article and adjectives only ("a 31-year-old"), no head."""
    toks = doc.tokens
    if first < last and toks[first].text.lower() in ("a", "an"):
        first += 1
    return first < last and all(
        (toks[i].pos in ("JJ", "CD") or toks[i].text.endswith("-old")) and not is_role_word(toks[i])
        for i in range(first, last)
    )


def role_ok(doc: Doc, first: int, last: int) -> bool:
    """Tell whether tokens ``[first, last)`` read as a role ("Apple's chief executive")."""
    toks = doc.tokens
    seen_head = False
    for i in range(first, last):
        t = toks[i]
        verb = t.pos in VERB_TAGS or t.text.lower() in REPORTING_VERBS
        # "hot mic picked up Kentucky guard ...": a past-tense verb before the head.
        if (
            not seen_head
            and t.text.islower()
            and t.text.endswith("ed")
            and i + 1 < last
            and not is_role_word(toks[i + 1])
            and t.pos not in NOUN_TAGS
            and i > first
        ):
            verb = True
        if verb and t.text.lower() not in ("'s", "’s"):
            return seen_head and toks[i - 1].text.lower() in ("who", "that")
        if is_role_word(t) and (t.pos in NOUN_TAGS or t.text.lower() in ROLE_NOUNS or "-" in t.text):
            if i - first > 6 and not seen_head:
                return False
            seen_head = True
    return seen_head


def verb_after_head(doc: Doc, first: int, last: int) -> int | None:
    """Return the first verb after the role head of ``[first, last)``, or None."""
    toks = doc.tokens
    heads = [i for i in range(first, min(last, first + 7)) if is_role_word(toks[i])]
    if not heads:
        return None
    for i in range(heads[0] + 1, last):
        t = toks[i]
        low = t.text.lower()
        if t.pos in VERB_TAGS or t.pos == "VBN" or low in REPORTING_VERBS or (t.text.islower() and low.endswith("ed")):
            return i
    return None


def conjoined_title(doc: Doc, first: int, last: int) -> bool:
    """Tell whether tokens from ``first`` open a second title that shares the first one's complement:
    lower-case words up to a preposition or the end, the last of them a role noun."""
    toks = doc.tokens
    end = first
    while end < last and toks[end].pos not in ("IN", "TO") and toks[end].text not in APPOS_STOP:
        if (
            not (toks[end].text.islower() or toks[end].text.isupper())
            or toks[end].text.lower() in LEADING_FUNCTION  # "crime writer and his longtime confidante"
            or toks[end].pos == "PRP$"
            or end - first >= 4
        ):
            return False
        end += 1
    return end > first and is_role_word(toks[end - 1])


_NAME_JOINERS = frozenset(("of", "for", "and", "&", "the", "de", "du"))


def word_counts(doc: Doc, first: int, last: int) -> list[int]:
    """Return 1 for each token of ``[first, last)`` that counts as a word, 0 for the others: a proper
    name ("the National Center for Missing & Exploited Children") counts as one word."""
    toks = doc.tokens
    out: list[int] = []
    in_name = False
    for i in range(first, last):
        text = toks[i].text
        if text[:1].isupper():
            out.append(0 if in_name else 1)
            in_name = True
        elif in_name and text.lower() in _NAME_JOINERS and i + 1 < last and toks[i + 1].text[:1].isupper():
            out.append(0)
        else:
            in_name = False
            out.append(1 if is_word(toks[i]) else 0)
    return out


def short_role(doc: Doc, first: int, last: int, limit: int = 8) -> str:
    """Return a role phrase cut to ``limit`` words at a preposition or participle boundary."""
    toks = doc.tokens
    # "former captain of Pakistan and now a ...": stop at a conjunction after the head.
    heads = [i for i in range(first, last) if is_role_word(toks[i])]
    if heads:
        for i in range(heads[0] + 1, last):
            if toks[i].pos == "CC" and i == heads[0] + 1 and conjoined_title(doc, i + 1, last):
                continue  # "president and chief executive officer of the National Center"
            if toks[i].pos == "CC" or toks[i].text in (",", ";") or toks[i].text.lower() in CIRCUMSTANCE_PREPS:
                last = i  # "a supervisor within the agency": the role ends before the circumstance
                break
    counts = word_counts(doc, first, last)
    if sum(counts) <= limit:
        return span_text(doc, first, _open_end(doc, first, last))
    end = first
    count = 0
    cut = None
    for i in range(first, last):
        count += counts[i - first]
        if count > limit:
            break
        inside_name = not counts[i - first] and is_word(toks[i])
        if i > first + 1 and not inside_name and (toks[i].pos in ("IN", "TO", "VBG", "CC") or toks[i].text == ","):
            cut = i
        end = i + 1
    if cut is None:
        # No phrase boundary within the limit: end at the last noun that closes its noun phrase,
        # not inside a compound ("a college baseball" of "a college baseball player").
        closing = [
            i
            for i in range(first + 1, end)
            if toks[i].pos in NOUN_TAGS and (i + 1 >= last or toks[i + 1].pos not in NOUN_TAGS)
        ]
        cut = closing[-1] + 1 if closing else None
    stop = cut if cut is not None else end
    while stop - 1 > first and toks[stop - 1].pos == "VBG":
        stop -= 1  # "... while trying": a participle cut from its complement says nothing
    return span_text(doc, first, _open_end(doc, first, stop))


_DANGLING_TAGS = frozenset(("IN", "TO", "DT", "CC", "PRP$", "WDT", "WP"))


def _open_end(doc: Doc, first: int, last: int) -> int:
    """Return ``last`` moved back over words a phrase cannot end with ("mayor of the town of",
    "a woman detained in Iran while")."""
    toks = doc.tokens
    while last - 1 > first and (
        toks[last - 1].pos in _DANGLING_TAGS or toks[last - 1].text.lower() in CLAUSE_WORDS | LEADING_FUNCTION
    ):
        last -= 1
    return last
