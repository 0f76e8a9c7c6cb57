"""Person names in a text: tagged PER entities, widened and cleaned, and names written after a title."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .doc import Doc, Entity, Sent, Tok
from .lexicon import (
    AUXILIARIES,
    COMMON_WORDS,
    DEMONYMS,
    GIVEN_NAMES,
    HONORIFICS,
    NOT_NAMES,
    ROLE_MODIFIERS,
    TITLE_ABBREVIATIONS,
)
from .phrases import is_word, span_text
from .role_lexicon import (
    APPOS_STOP,
    DESCRIPTORS,
    KINSHIP,
    LEADING_FUNCTION,
    LOWER_ONLY_HEADS,
    NAME_SUFFIXES,
    NON_NAME_FIRST,
    NON_NAME_LAST,
    PARTICLES,
    PLAYED_BY,
    REPORTING_VERBS,
    ROLE_NOUNS,
    is_role_word,
    is_role_word_text,
)

_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’.-]*|(?:[A-Z]\.)+|O['’][A-Z]\w*|(?:al|el|ad|as|ash|bin|ibn|abu)-[A-Z]\w*)$")
# "al-Abadi": an Arabic surname with its article, capitalised after the hyphen.
_JOINED_PARTICLE = re.compile(r"^(?:al|el|ad|as|ash|bin|ibn|abu)-[A-Z]")


def _cap(text: str) -> bool:
    """Tell whether a word is written like a name ("Abadi", "al-Abadi")."""
    return text[:1].isupper() or bool(_JOINED_PARTICLE.match(text))


@dataclass(slots=True)
class Mention:
    """One mention of a person: the name as written (normalised) and where."""

    name: str
    start: int
    end: int
    first: int  # first token of the name
    last: int  # one past its last token
    sent: Sent
    tagged: bool  # found by the entity tagger (not only by a title)


def looks_like_name_word(tok: Tok) -> bool:
    """Tell whether a token can be part of a person's name."""
    low = tok.text.lower()
    if low in NOT_NAMES or low in ROLE_NOUNS or low in TITLE_ABBREVIATIONS or low[:-1] in ROLE_NOUNS:
        return False
    return (
        bool(_NAME_WORD.match(tok.text)) and not tok.text.isupper() or (len(tok.text) == 2 and tok.text.endswith("."))
    )


def _clean_name(doc: Doc, first: int, last: int) -> tuple[int, int]:
    """Strip honorifics, titles and a possessive ending from a name's token range."""
    toks = doc.tokens
    while first < last and (
        toks[first].text.lower() in HONORIFICS
        or (
            is_role_word(toks[first])
            # "Gen Nakatani" is a name; "Gen David Petraeus" a rank and a name.
            and (
                toks[first].text.lower() not in TITLE_ABBREVIATIONS
                or toks[first].text.endswith(".")
                or last - first >= 3
            )
        )
        or toks[first].text.lower() in ROLE_MODIFIERS
        or toks[first].text.lower() in DEMONYMS
        or toks[first].text.lower() in ("the", "a", "an")
        # "Survivor Karen Brassard", "Samaritan Carlos Arredondo"
        or (last - first >= 3 and toks[first].text.lower() in LOWER_ONLY_HEADS | DESCRIPTORS)
    ):
        first += 1
    while last > first and (toks[last - 1].pos == "POS" or not is_word(toks[last - 1])):
        last -= 1
    return first, last


def _valid_name(doc: Doc, first: int, last: int, tagged: bool = False) -> bool:
    """Tell whether tokens ``[first, last)`` can be a person's name."""
    toks = doc.tokens
    if last <= first or last - first > 5:
        return False
    ws = toks[first:last]
    if not ws[0].text[:1].isupper() or not _cap(ws[-1].text):
        return False
    # "Christian Benteke": a word that is never a name alone can open a tagged name as a given name.
    given = tagged and len(ws) >= 2 and ws[0].text in GIVEN_NAMES
    for k, t in enumerate(ws):
        low = t.text.lower()
        if (low in NOT_NAMES and not (given and k == 0)) or any(c.isdigit() for c in t.text):
            return False
        if not _cap(t.text) and low not in PARTICLES and t.text not in ("-",):
            return False
    if ws[-1].text.lower() in NON_NAME_LAST or ws[0].text.lower() in NON_NAME_FIRST:
        return False
    if re.match(r"^[DRI]-", ws[0].text):
        return False  # "(D-North Carolina)"
    if len(ws) == 1 and ws[0].text.lower() in ROLE_NOUNS:
        return False  # "Queen Mother"
    if all(t.text.lower() in NAME_SUFFIXES for t in ws):
        return False  # "Jr." split off "Martin Luther King Jr."
    return not all(is_role_word(t) for t in ws)


def _extend_name(doc: Doc, sent: Sent, first: int, last: int, taken: set[int]) -> tuple[int, int]:
    """Widen a tagged name over untagged name words: "Nathan" + "Deal", "Rand" + "Paul"."""
    toks = doc.tokens

    def free(i: int) -> bool:
        t = toks[i]
        low = t.text.lower()
        return (
            i not in taken
            and looks_like_name_word(t)
            and low not in DEMONYMS
            and low not in ROLE_MODIFIERS
            and low not in LEADING_FUNCTION
        )

    width = last - first
    while (
        last < sent.last
        and width < 4
        and free(last)
        and _cap(toks[last].text)
        and toks[last].text.lower() not in AUXILIARIES
        and not toks[last].pos.startswith("VB")
    ):
        last += 1
        width += 1
    while first > sent.first and width < 4 and free(first - 1):
        w = toks[first - 1].text
        if w not in GIVEN_NAMES and (
            w.lower() in COMMON_WORDS
            or first - 1 == sent.first
            or w.endswith(("ian", "ians", "ese", "ist", "ists", "ers"))
            or (toks[first - 2].text[:1].isupper() and not is_role_word(toks[first - 2]))
        ):
            break  # "Unfortunately Rand Paul", "Paralympian Oscar Pistorius"
        first -= 1
        width += 1
    return first, last


def find_mentions(doc: Doc) -> list[Mention]:
    """Find person mentions: tagged PER entities and capitalised names after titles."""
    toks = doc.tokens
    out: list[Mention] = []
    covered: set[int] = set()
    others = [e for e in doc.entities if e.type != "person"]
    other_tokens = {i for e in others if e.type != "misc" for i in range(doc.token_at(e.start), doc.token_at(e.end))}
    for e in doc.entities:
        if e.type != "person":
            continue
        sent = doc.sentence_of(e.start)
        if sent is None or sent.is_heading:
            continue
        first, last = doc.token_at(e.start), doc.token_at(e.end)
        if first in covered:
            continue
        # "Erik" + "ten" + "Hag": a particle joins two name parts.
        while last + 1 < sent.last and toks[last].text in PARTICLES and toks[last + 1].text[:1].isupper():
            last += 2
        tagged_span = (first, last)
        first, last = _extend_name(doc, sent, first, last, other_tokens)
        first, last = _clean_name(doc, first, last)
        if not _valid_name(doc, first, last, tagged=True):
            continue
        if last < sent.last and toks[last].text.lower() in NAME_SUFFIXES and toks[last].text[:1].isupper():
            last += 1  # "Martin Luther King Jr."
        name = span_text(doc, first, last)
        same = (first, last) == tagged_span
        out.append(Mention(name, toks[first].start, toks[last - 1].end, first, last, sent, same))
        covered.update(range(first, last))
    out.extend(_mistagged(doc, others, covered))
    # Names right after a title that the tagger missed ("Defense Minister Gen Nakatani").
    other_spans = [(e.start, e.end) for e in others]
    for sent in doc.sents:
        if sent.is_heading:
            continue
        after = sent.first  # where the scan goes on
        # a name after a title opens with a capital: only words before one are looked up
        for i in [k - 1 for k in range(sent.first + 1, sent.last) if toks[k].text[:1].isupper()]:
            if i < after:
                continue
            after = i + 1
            t = toks[i]
            low = t.text.lower()
            # "coach Tim Sherwood", "Tejano star Selena", "Survivor Karen Brassard" too.
            lower_title = is_role_word_text(low) and (t.text.islower() or (i == sent.first and low in LOWER_ONLY_HEADS))
            if not (is_role_word(t) and t.text[:1].isupper() or lower_title) or i in covered:
                continue
            j = i + 1
            # "Gen" right after another title is a given name, not a rank.
            while (
                j < sent.last
                and (
                    looks_like_name_word(toks[j])
                    or (toks[j].text.lower() in PARTICLES and j + 1 < sent.last and toks[j + 1].text[:1].isupper())
                    or (
                        j == i + 1
                        and toks[j].text.lower() in TITLE_ABBREVIATIONS
                        and toks[j].text[:1].isupper()
                        and not toks[j].text.endswith(".")
                        and j + 1 < sent.last
                        and looks_like_name_word(toks[j + 1])
                    )
                )
                and j - i <= 4
            ):
                if j in covered:
                    break
                j += 1
            first, last = i + 1, j
            # "Deputy District Attorney", "Chief Cabinet Secretary": a title, not a name.
            title_goes_on = last < sent.last and is_role_word(toks[last]) and toks[last].text[:1].isupper()
            if (
                not title_goes_on
                and last - first >= 1
                and _valid_name(doc, first, last)
                and not any(k in covered for k in range(first, last))
            ):
                start, end = toks[first].start, toks[last - 1].end
                title_start = toks[i].start
                inside_other = any(
                    a <= start and end <= b and (b - a) > (end - start) and a > title_start for a, b in other_spans
                )
                # After a lower-case title a single word is a name if it is a given name or recurs
                # ("Tejano star Selena ... Selena's family").
                one = toks[first].text
                single_ok = (
                    (
                        one in GIVEN_NAMES
                        or low in KINSHIP  # "Dzhokhar Tsarnaev's brother Tamerlan"
                        or len(re.findall(rf"\b{re.escape(one)}\b", doc.text)) >= 3
                    )
                    if lower_title
                    else toks[i].text[0].isupper()
                )
                if not inside_other and (last - first >= 2 or single_ok):
                    name = span_text(doc, first, last)
                    out.append(Mention(name, start, end, first, last, sent, False))
                    covered.update(range(first, last))
            after = max(j, i + 1)
    out.extend(_coordinated(doc, out, covered))
    out.sort(key=lambda m: m.start)
    return out


def _person_cue(doc: Doc, sent: Sent, first: int, last: int) -> bool:
    """Tell whether the words around ``[first, last)`` say it names a person: "played by NAME", a
    lower-case title before it ("actress NAME"), or a role set off next to it ("Another exile, NAME,",
    "NAME, a survivor,")."""
    toks = doc.tokens
    before = toks[first - 1].text if first > sent.first else ""
    after = toks[last].text if last < sent.last else ""
    if before == "by" and first - 2 >= sent.first and toks[first - 2].text.lower() in PLAYED_BY:
        return True
    if before.islower() and is_role_word_text(before):
        return True
    if before == "," and after in (",", "."):
        lead = range(max(sent.first, first - 4), first - 1)
        if any(toks[i].text.islower() and is_role_word(toks[i]) for i in lead):
            return True
    if after == "," and last + 2 < sent.last and toks[last + 1].text.lower() in ("a", "an", "the"):
        end = last + 2
        while end < sent.last and end - last < 8 and toks[end].text not in APPOS_STOP:
            if toks[end].pos in ("VBD", "VBZ", "VBP", "MD") or toks[end].text.lower() in REPORTING_VERBS:
                return False  # "with Saudi Arabia, a second U.S. official said": a new clause
            end += 1
        return any(toks[i].text.islower() and is_role_word(toks[i]) for i in range(last + 2, end))
    return False


def _mistagged(doc: Doc, others: list[Entity], covered: set[int]) -> list[Mention]:
    """Return the two- or three-word names tagged as a place or organisation that have a person cue
    around them ("Another exile, Sofia Bocian, told ...", "played by Elisabeth Moss")."""
    out: list[Mention] = []
    for e in others:
        if e.type not in ("place", "organization"):
            continue
        first, last = doc.token_at(e.start), doc.token_at(e.end)
        sent = doc.sentence_of(e.start)
        if sent is None or sent.is_heading or not 2 <= last - first <= 3:
            continue
        if any(i in covered for i in range(first, last)) or not _valid_name(doc, first, last):
            continue
        if _person_cue(doc, sent, first, last):
            out.append(Mention(span_text(doc, first, last), e.start, e.end, first, last, sent, False))
            covered.update(range(first, last))
    return out


def _coordinated(doc: Doc, mentions: list[Mention], covered: set[int]) -> list[Mention]:
    """Return the first person of "Stan and Julia Patz": a given name sharing the next one's surname."""
    toks = doc.tokens
    out: list[Mention] = []
    alone = {m.first: m for m in mentions if m.last - m.first == 1}  # "Stan" tagged by itself
    for m in mentions:
        k = m.first - 2
        if m.last - m.first < 2 or k < m.sent.first or toks[m.first - 1].text != "and":
            continue
        if k in covered and k not in alone:
            continue
        given = toks[k].text
        if given not in GIVEN_NAMES or (k > m.sent.first and toks[k - 1].text[:1].isupper()):
            continue
        name = f"{given} {span_text(doc, m.first + 1, m.last)}"
        if k in alone:
            alone[k].name = name  # the given name the tagger found alone takes the shared surname
            alone[k].tagged = True
            continue
        # Marked as tagged: the name is not the text of its span, so it is no entity of its own.
        out.append(Mention(name, toks[k].start, toks[k].end, k, k + 1, m.sent, True))
    return out
