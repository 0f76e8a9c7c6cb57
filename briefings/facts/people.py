"""People in a text: names from the entity tagger and titles, their roles, their salience."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .doc import Doc, Sent, Tok
from .lexicon import (
    AUXILIARIES,
    COMMON_WORDS,
    CONJUNCTIONS,
    DEMONYMS,
    DETERMINERS,
    GIVEN_NAMES,
    HONORIFICS,
    NOT_NAMES,
    PREPOSITIONS,
    ROLE_HEADS,
    ROLE_MODIFIERS,
    STATE_TITLES,
    TITLE_ABBREVIATIONS,
    WHO_VERBS,
    words,
)
from .phrases import NOUN_TAGS, is_word, span_text

_PARTICLES = words("van von de da del der den di du la le bin ibn al el dos das ten ter op mac")
_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’.-]*|(?:[A-Z]\.)+|O['’][A-Z]\w*)$")
_APPOS_STOP = frozenset((",", ".", ";", ":", ")", "(", "--", "—", "–", "!", "?", "“", "”", '"'))
_VERB_TAGS = frozenset(("VBD", "VBZ", "VBP", "MD"))
_WEAK_HEADS = words(
    "star legend icon fan friend victim resident worker employee student model host head "
    "partner marine guard agent official"
)
# Role nouns that are titles only in lower case ("star" but not "Star Wars").
_LOWER_ONLY_HEADS = words(
    "star legend icon fan friend victim resident worker employee student model host partner "
    "marine guard agent player driver rider runner keeper forward defender fighter champion "
    "parent son daughter mother father brother sister heir witness survivor suspect trader "
    "broker developer designer producer publisher writer author artist critic donor "
    "volunteer pilot chef speaker major rebel duke celebrity"
)
# Last words that make a capitalised phrase a place, organisation or work, not a person.
_NON_NAME_LAST = words(
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
_LEADING_FUNCTION = (
    DETERMINERS | PREPOSITIONS | CONJUNCTIONS | words("if when while as after before then now so also even just only")
)
_CAPITALISED = re.compile(r"\b[A-Z][\w'’.-]*\w|\b[A-Z]\b")
_CLAUSE_WORDS = words("who whom which that whose when where while after because as since")
_SUFFIXES = words("jr jr. sr sr. ii iii iv")
_REPORTING_VERBS = words("said says told sought filed asked added claimed denied insisted wrote called urged warned")
_DESCRIPTORS = words("samaritan survivor witness victim veteran rookie star legend")
_NON_NAME_FIRST = words(
    "camp fort lake mount mt port university hotel club team operation project radio "
    "planet star mini new north south east west upper lower greater"
)
# A sentence crediting reporters: its names are bylines, not people of the story.
BYLINE = re.compile(
    r"contributed to this report|contributed reporting|reported from|wrote this story|"
    r"^CNN['’]s [A-Z][\w.'’ -]+ (?:reported|wrote)\b|"
    r"^(?:by|By|BY)\s|\bcontributed to this story",
)
MAX_ROLE_WORDS = 9


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


@dataclass(slots=True)
class Role:
    """A role found for a mention."""

    text: str
    weight: int
    start: int
    sentence: str


@dataclass(slots=True)
class Person:
    """A person: canonical name, mentions and roles."""

    name: str
    mentions: list[Mention] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    extra_mentions: int = 0

    @property
    def first_start(self) -> int:
        """Return the offset of the first mention."""
        return min(m.start for m in self.mentions)

    def best_role(self) -> Role | None:
        """Return the most telling role: strongest source, then the fullest wording."""
        if not self.roles:
            return None
        best = max(self.roles, key=lambda r: (r.weight * 10 + min(len(r.text.split()), 6), -r.start))
        for r in sorted(self.roles, key=lambda r: r.start):
            fuller = len(r.text) > len(best.text) and best.text.lower() in r.text.lower()
            if fuller and r.weight >= best.weight - 1:
                best = r
        return best


def _is_role_word(tok: Tok) -> bool:
    """Tell whether a token is a role head ("Minister", "coach", "Sen.")."""
    low = tok.text.lower()
    if tok.text[:1].isupper() and low in _LOWER_ONLY_HEADS:
        return False  # "Star Wars", "Fan Expo", "Model T"
    return low in ROLE_HEADS or low in TITLE_ABBREVIATIONS


def _looks_like_name_word(tok: Tok) -> bool:
    """Tell whether a token can be part of a person's name."""
    low = tok.text.lower()
    if low in NOT_NAMES or low in ROLE_HEADS or low in TITLE_ABBREVIATIONS or low[:-1] in ROLE_HEADS:
        return False
    return (
        bool(_NAME_WORD.match(tok.text)) and not tok.text.isupper() or (len(tok.text) == 2 and tok.text.endswith("."))
    )


def _expand_title(text: str) -> str:
    """Spell out an abbreviated title ("Sen." -> "Senator")."""
    return " ".join(TITLE_ABBREVIATIONS.get(w.lower(), w) if w[0].isupper() else w for w in text.split())


def _demonym_title(run: str) -> str:
    """Turn "Japanese Prime Minister" into "Prime Minister of Japan"."""
    parts = run.split()
    for n in (2, 1):
        if len(parts) > n:
            key = " ".join(parts[:n]).lower()
            country = DEMONYMS.get(key)
            rest = parts[n:]
            if country and all(w[0].isupper() for w in rest) and any(w.lower() in STATE_TITLES for w in rest):
                if " of " in f" {' '.join(rest)} ":
                    return run
                return f"{' '.join(rest)} of {country}"
    return run


def prefix_role(doc: Doc, sent: Sent, first: int) -> tuple[str, int] | None:
    """Return the title written before a name ("Defense Secretary") and its first token."""
    toks = doc.tokens
    k = first - 1
    free = 0
    run: list[int] = []
    while k >= sent.first:
        t = toks[k]
        low = t.text.lower()
        if low in HONORIFICS and not run:
            k -= 1
            continue
        role_like = _is_role_word(t) or low in ROLE_MODIFIERS or low in DEMONYMS
        possessive = t.pos == "POS" and k > sent.first and toks[k - 1].text[:1].isupper()
        inner = low in ("of", "the") and bool(run) and (toks[k + 1].text[:1].isupper() or _is_role_word(toks[k + 1]))
        if role_like or possessive or inner:
            run.append(k)
        elif t.text[:1].isupper() and t.text[:1].isalpha() and t.pos != "PRP":
            if k == sent.first and low in NOT_NAMES:
                break
            run.append(k)
        elif (
            t.text.islower()
            and t.pos in ("NN", "NNS", "JJ", "VBG")
            and run
            and _is_role_word(toks[run[-1]])
            and free < 2
        ):
            free += 1
            run.append(k)
        else:
            break
        k -= 1
    if not run:
        return None
    run.reverse()
    # Trim: leading "of"/"the"/possessive markers and lower-case non-role words.
    while run and (
        toks[run[0]].text.lower() in ("of", "the")
        or toks[run[0]].text.lower() in _LEADING_FUNCTION
        or toks[run[0]].pos == "POS"
        or (
            toks[run[0]].text.islower()
            and not _is_role_word(toks[run[0]])
            and toks[run[0]].text.lower() not in ROLE_MODIFIERS
        )
    ):
        run.pop(0)
    # "daughter of House Minority Leader Nancy Pelosi": her title is after "of".
    ofs = [n for n, i in enumerate(run) if toks[i].text.lower() == "of"]
    if ofs and any(_is_role_word(toks[i]) and toks[i].text[:1].isupper() for i in run[ofs[-1] + 1 :]):
        run = run[ofs[-1] + 1 :]
    # "the wife of Herod's steward Chuza": the role starts at the possessor.
    poss = [n for n, i in enumerate(run) if toks[i].pos == "POS"]
    if poss:
        p = poss[-1] - 1
        while p > 0 and toks[run[p - 1]].text[:1].isupper() and toks[run[p - 1]].pos != "POS":
            p -= 1
        run = run[max(p, 0) :]
    heads = [i for i in run if _is_role_word(toks[i])]
    if not heads:
        return None
    # Words after the last head must be an "of ..." complement ("Secretary of State").
    tail = [i for i in run if i > heads[-1]]
    if tail and toks[tail[0]].text.lower() != "of":
        return None
    if tail and first + 1 < sent.last and not toks[first + 1].text[:1].isupper():
        return None  # "professor of Early Christianity": the complement, not a name
    # A single sentence-initial capitalised word is not a title ("Reports", "Police").
    if len(run) == 1 and run[0] == sent.first and toks[run[0]].text.lower() in _WEAK_HEADS:
        return None
    if len(run) > MAX_ROLE_WORDS:
        run = run[-MAX_ROLE_WORDS:]
    text = span_text(doc, run[0], run[-1] + 1)
    text = _demonym_title(_expand_title(text))
    return text, run[0]


def _clause_end(doc: Doc, sent: Sent, i: int, limit: int = 14) -> int:
    """Return the index of the token that ends the appositive starting at ``i``."""
    toks = doc.tokens
    j = i
    while j < sent.last and toks[j].text not in _APPOS_STOP and j - i < limit:
        j += 1
    return j


def _role_ok(doc: Doc, first: int, last: int) -> bool:
    """Tell whether tokens ``[first, last)`` read as a role ("Apple's chief executive")."""
    toks = doc.tokens
    seen_head = False
    for i in range(first, last):
        t = toks[i]
        verb = t.pos in _VERB_TAGS or t.text.lower() in _REPORTING_VERBS
        # "hot mic picked up Kentucky guard ...": a past-tense verb before the head.
        if (
            not seen_head
            and t.text.islower()
            and t.text.endswith("ed")
            and i + 1 < last
            and not _is_role_word(toks[i + 1])
            and t.pos not in NOUN_TAGS
            and i > first
        ):
            verb = True
        if verb and t.text.lower() not in ("'s", "’s"):
            return seen_head and toks[i - 1].text.lower() in ("who", "that")
        if _is_role_word(t) and (t.pos in NOUN_TAGS or t.text.lower() in ROLE_HEADS):
            seen_head = True
            if i - first > 6:
                return False
    return seen_head


def after_role(doc: Doc, sent: Sent, last: int) -> tuple[str, int] | None:
    """Return the role given after a name: appositive, "who heads X", or age."""
    toks = doc.tokens
    if last >= sent.last or toks[last].text not in (",", "--", "—", "–"):
        return None
    i = last + 1
    age = None
    if (
        i + 1 < sent.last
        and re.fullmatch(r"\d{1,3}", toks[i].text)
        and toks[i + 1].text
        in (
            ",",
            ".",
        )
    ):
        age = toks[i].text
        i += 2
    if i >= sent.last:
        return (f"aged {age}", 0) if age else None
    low = toks[i].text.lower()
    if low == "who" and i + 1 < sent.last:
        v = toks[i + 1].text.lower()
        end = _clause_end(doc, sent, i + 2, 10)
        if v in WHO_VERBS and end > i + 2:
            obj = short_role(doc, i + 2, end, 7)
            return f"{WHO_VERBS[v]} {obj}", 2
        if v in ("is", "was") and end > i + 2:
            j = i + 2
            if toks[j].text.lower() in ("a", "an", "the", "now", "also"):
                j += 1
            if _role_ok(doc, j, end):
                return span_text(doc, j, end), 2
        return (f"aged {age}", 0) if age else None
    if (
        toks[i].pos.startswith("VB")
        and toks[i].pos != "VBG"
        or (toks[i].pos in ("IN", "TO") and low != "from")
        or low
        in (
            "whom",
            "which",
            "that",
            "where",
            "and",
            "but",
            "said",
            "says",
            "told",
            "who",
            "according",
            "however",
            "though",
            "too",
        )
    ):
        return (f"aged {age}", 0) if age else None
    end = _clause_end(doc, sent, i)
    if end >= sent.last or toks[end].text not in _APPOS_STOP:
        return (f"aged {age}", 0) if age else None
    # "the managing editor who presided over ...": the role ends at the relative pronoun.
    for r in range(i, end):
        if toks[r].text.lower() in _CLAUSE_WORDS and r > i:
            end = r
            break
        # "in a release": an indefinite prepositional phrase is circumstance, not role.
        if (
            r > i
            and toks[r].pos == "IN"
            and toks[r].text.lower() not in ("of", "for", "at")
            and r + 1 < end
            and toks[r + 1].text.lower() in ("a", "an")
        ):
            end = r
            break
    if (
        toks[i].pos in ("RB", "VBG")
        and not _is_role_word(toks[i])
        and toks[i].text.lower() not in ROLE_MODIFIERS
        and not (i + 1 < sent.last and _is_role_word(toks[i + 1]))
    ):
        return (f"aged {age}", 0) if age else None  # "gently caressing ..."
    j = i
    if toks[j].text.lower() in ("a", "an", "the"):
        j += 1
    if low == "from" and end > i + 1 and toks[i + 1].text.lower() not in ("whom", "which"):
        role = span_text(doc, i, end)
        return (f"{role}, aged {age}" if age else role), 1
    if not _role_ok(doc, j, end):
        return (f"aged {age}", 0) if age else None
    heads = [k for k in range(j, end) if _is_role_word(toks[k])]
    after = heads[-1] + 1 if heads else end
    if after < end and toks[after].text[:1].isupper() and toks[after].pos not in ("IN", "TO"):
        return (f"aged {age}", 0) if age else None  # "..., writer Chris Morgan and ...": a list
    role = short_role(doc, j, end)
    if not role:
        return None
    return (f"{role}, aged {age}" if age else role), 2


def short_role(doc: Doc, first: int, last: int, limit: int = 8) -> str:
    """Return a role phrase cut to ``limit`` words at a preposition or participle boundary."""
    toks = doc.tokens
    # "former captain of Pakistan and now a ...": stop at a conjunction after the head.
    heads = [i for i in range(first, last) if _is_role_word(toks[i])]
    if heads:
        for i in range(heads[0] + 1, last):
            if toks[i].pos == "CC" or toks[i].text in (",", ";"):
                last = i
                break
    if sum(1 for i in range(first, last) if is_word(toks[i])) <= limit:
        return span_text(doc, first, last)
    end = first
    count = 0
    cut = None
    for i in range(first, last):
        if is_word(toks[i]):
            count += 1
        if count > limit:
            break
        if i > first + 1 and (toks[i].pos in ("IN", "TO", "VBG", "CC") or toks[i].text == ","):
            cut = i
        end = i + 1
    stop = cut if cut is not None else end
    return span_text(doc, first, stop)


def before_role(doc: Doc, sent: Sent, first: int, last: int) -> tuple[str, int] | None:
    """Return a role set off before a name: "Trey's mother, Shelly Moses, said"."""
    toks = doc.tokens
    if first - 2 < sent.first or toks[first - 1].text != ",":
        return None
    if last < sent.last and toks[last].text not in (",", ".", ";"):
        return None
    end = first - 1
    j = end - 1
    while j >= sent.first and toks[j].text not in _APPOS_STOP and end - j <= 9:
        j -= 1
    start = j + 1
    if start >= end or end - start > 9:
        return None
    low = toks[start].text.lower()
    if low in ("said", "says", "told", "and", "but"):
        start += 1
    if start < end and toks[start].text.lower() in ("the", "a", "an", "his", "her", "their"):
        start += 1
    if start >= end:
        return None
    heads = [i for i in range(start, end) if _is_role_word(toks[i])]
    if not heads or any(toks[i].pos in _VERB_TAGS for i in range(start, end)):
        return None
    head = heads[-1]
    after = head + 1
    if after < end and toks[after].pos not in ("IN", "TO"):
        return None
    if after < end and any(toks[i].pos in ("IN", "TO") for i in range(after + 1, end)):
        end = (
            after + 1 + next(k for k, i in enumerate(range(after + 1, end)) if toks[i].pos in ("IN", "TO"))
        )  # one prepositional phrase at most
    # The role is the noun phrase around its head ("Durst's first wife").
    k = head - 1
    while k >= start and (
        toks[k].pos in ("JJ", "NN", "NNS", "NNP", "NNPS", "POS", "VBG", "CD") or toks[k].text.lower() in ROLE_MODIFIERS
    ):
        k -= 1
    start = max(start, k + 1)
    while start < head and toks[start].pos == "POS":
        start += 1
    return span_text(doc, start, end), 2


def copula_role(doc: Doc, sent: Sent, last: int) -> tuple[str, int] | None:
    """Return the role in "NAME is the chief executive of X"."""
    toks = doc.tokens
    if last + 2 >= sent.last or toks[last].text.lower() not in ("is", "was", "became"):
        return None
    j = last + 1
    if toks[j].text.lower() not in ("a", "an", "the"):
        return None
    j += 1
    end = _clause_end(doc, sent, j, 10)
    for r in range(j + 1, end):
        if toks[r].text.lower() in _CLAUSE_WORDS:
            end = r  # "a passenger when the rapper ...": the role ends at the clause
            break
    if end <= j or not _role_ok(doc, j, end) or not _is_role_word(toks[j if end == j + 1 else end - 1]):
        # accept "the chief executive of Apple" too
        heads = [i for i in range(j, end) if _is_role_word(toks[i])]
        if not heads or heads[0] - j > 3:
            return None
        tail = heads[-1] + 1
        if tail < end and toks[tail].pos not in ("IN", "TO"):
            end = tail
    return span_text(doc, j, end), 1


def _clean_name(doc: Doc, first: int, last: int) -> tuple[int, int]:
    """Strip honorifics, titles and a possessive ending from a name's token range."""
    toks = doc.tokens
    while first < last and (
        toks[first].text.lower() in HONORIFICS
        or (
            _is_role_word(toks[first])
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
        or (last - first >= 3 and toks[first].text.lower() in _LOWER_ONLY_HEADS | _DESCRIPTORS)
    ):
        first += 1
    while last > first and (toks[last - 1].pos == "POS" or not is_word(toks[last - 1])):
        last -= 1
    return first, last


def _valid_name(doc: Doc, first: int, last: int) -> bool:
    """Tell whether tokens ``[first, last)`` can be a person's name."""
    toks = doc.tokens
    if last <= first or last - first > 5:
        return False
    ws = toks[first:last]
    if not ws[0].text[:1].isupper() or not ws[-1].text[:1].isupper():
        return False
    for t in ws:
        low = t.text.lower()
        if low in NOT_NAMES or any(c.isdigit() for c in t.text):
            return False
        if not t.text[:1].isupper() and low not in _PARTICLES and t.text not in ("-",):
            return False
    if ws[-1].text.lower() in _NON_NAME_LAST or ws[0].text.lower() in _NON_NAME_FIRST:
        return False
    if re.match(r"^[DRI]-", ws[0].text):
        return False  # "(D-North Carolina)"
    if len(ws) == 1 and ws[0].text.lower() in ROLE_HEADS:
        return False  # "Queen Mother"
    if all(t.text.lower() in _SUFFIXES for t in ws):
        return False  # "Jr." split off "Martin Luther King Jr."
    return not all(_is_role_word(t) for t in ws)


def _extend_name(doc: Doc, sent: Sent, first: int, last: int, taken: set[int]) -> tuple[int, int]:
    """Widen a tagged name over untagged name words: "Nathan" + "Deal", "Rand" + "Paul"."""
    toks = doc.tokens

    def free(i: int) -> bool:
        t = toks[i]
        low = t.text.lower()
        return (
            i not in taken
            and _looks_like_name_word(t)
            and low not in DEMONYMS
            and low not in ROLE_MODIFIERS
            and low not in _LEADING_FUNCTION
        )

    width = last - first
    while (
        last < sent.last
        and width < 4
        and free(last)
        and toks[last].text[:1].isupper()
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
            or (toks[first - 2].text[:1].isupper() and not _is_role_word(toks[first - 2]))
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
        while last + 1 < sent.last and toks[last].text in _PARTICLES and toks[last + 1].text[:1].isupper():
            last += 2
        tagged_span = (first, last)
        first, last = _extend_name(doc, sent, first, last, other_tokens)
        first, last = _clean_name(doc, first, last)
        if not _valid_name(doc, first, last):
            continue
        if last < sent.last and toks[last].text.lower() in _SUFFIXES and toks[last].text[:1].isupper():
            last += 1  # "Martin Luther King Jr."
        name = span_text(doc, first, last)
        same = (first, last) == tagged_span
        out.append(Mention(name, toks[first].start, toks[last - 1].end, first, last, sent, same))
        covered.update(range(first, last))
    # Names right after a title that the tagger missed ("Defense Minister Gen Nakatani").
    other_spans = [(e.start, e.end) for e in others]
    for sent in doc.sents:
        if sent.is_heading:
            continue
        i = sent.first
        while i < sent.last:
            t = toks[i]
            if not (_is_role_word(t) and t.text[:1].isupper()) or i in covered:
                i += 1
                continue
            j = i + 1
            # "Gen" right after another title is a given name, not a rank.
            while (
                j < sent.last
                and (
                    _looks_like_name_word(toks[j])
                    or (toks[j].text.lower() in _PARTICLES and j + 1 < sent.last and toks[j + 1].text[:1].isupper())
                    or (
                        j == i + 1
                        and toks[j].text.lower() in TITLE_ABBREVIATIONS
                        and toks[j].text[:1].isupper()
                        and not toks[j].text.endswith(".")
                        and j + 1 < sent.last
                        and _looks_like_name_word(toks[j + 1])
                    )
                )
                and j - i <= 4
            ):
                if j in covered:
                    break
                j += 1
            first, last = i + 1, j
            # "Deputy District Attorney", "Chief Cabinet Secretary": a title, not a name.
            title_goes_on = last < sent.last and _is_role_word(toks[last]) and toks[last].text[:1].isupper()
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
                if not inside_other and (last - first >= 2 or toks[i].text[0].isupper()):
                    name = span_text(doc, first, last)
                    out.append(Mention(name, start, end, first, last, sent, False))
                    covered.update(range(first, last))
            i = max(j, i + 1)
    out.sort(key=lambda m: m.start)
    return out


def _name_key(name: str) -> list[str]:
    """Return the name's words without dots of initials, lower-cased."""
    return [w.lower().rstrip(".") for w in name.split() if w.lower() not in _PARTICLES and w.lower() not in _SUFFIXES]


def _suffix(name: str) -> str:
    """Return a name's generational suffix ("jr", "iii") or ""."""
    last = name.split()[-1].lower().rstrip(".") if name.split() else ""
    return last if last in ("jr", "sr") else ""  # "John Paul II" is also "John Paul"


def cluster(mentions: list[Mention]) -> list[Person]:
    """Group mentions of the same person ("Trump" and "Donald Trump")."""
    people: list[Person] = []
    full = sorted({m.name for m in mentions if len(m.name.split()) >= 2}, key=lambda n: (-len(n.split()), n))
    by_name: dict[str, Person] = {}
    by_ends: dict[tuple[str, str, str], Person] = {}
    by_last: dict[str, list[Person]] = {}
    by_first: dict[str, list[Person]] = {}
    for name in full:
        key = _name_key(name)
        if not key:
            continue
        ends = (key[0], key[-1], _suffix(name))
        target = by_ends.get(ends)  # "Donald J. Trump" == "Donald Trump"
        if target is None:
            target = by_ends[ends] = Person(name)
            people.append(target)
            by_last.setdefault(key[-1], []).append(target)
            by_first.setdefault(key[0], []).append(target)
        by_name[name] = target
    first_use: dict[str, int] = {}
    for m in mentions:
        first_use.setdefault(m.name, m.start)
    for m in mentions:
        p = by_name.get(m.name)
        if p is None:
            key = _name_key(m.name)
            w = key[-1] if key else m.name.lower()
            last_hits = {id(q): q for q in by_last.get(w, [])}
            first_hits = {id(q): q for q in by_first.get(w, [])}
            if len(key) == 1 and last_hits:
                # Several people share the surname: the one named first is the usual referent.
                p = min(last_hits.values(), key=lambda q: first_use.get(q.name, 1 << 30))
            elif len(key) == 1 and len(first_hits) == 1:
                p = next(iter(first_hits.values()))
            else:
                p = Person(m.name)
                people.append(p)
            by_name[m.name] = p
        p.mentions.append(m)
    return [p for p in people if p.mentions]


def find_people(doc: Doc) -> list[Person]:
    """Find the people of ``doc`` with their roles, most salient first."""
    mentions = find_mentions(doc)
    people = cluster(mentions)
    text = doc.text
    lowered_words = set(re.findall(r"\b[a-z][a-z'’-]+\b", text))
    toks = doc.tokens
    other_types: dict[str, int] = {}
    for e in doc.entities:
        if e.type != "person":
            key = e.text.lower()
            other_types[key] = other_types.get(key, 0) + 1
    common, given = COMMON_WORDS, GIVEN_NAMES
    capitalised = Counter(_CAPITALISED.findall(text))
    kept: list[Person] = []
    for p in people:
        for m in p.mentions:
            found = prefix_role(doc, m.sent, m.first)
            if found:
                # A full title ("Defense Secretary") beats an appositive; a bare rank
                # ("General") does not.
                weight = 3 if found[0][:1].isupper() and " " in found[0] else 2
                p.roles.append(Role(found[0], weight, m.start, m.sent.text))
            for getter in (
                lambda m=m: after_role(doc, m.sent, m.last),
                lambda m=m: before_role(doc, m.sent, m.first, m.last),
                lambda m=m: copula_role(doc, m.sent, m.last),
            ):
                r = getter()
                if r:
                    p.roles.append(Role(r[0], r[1], m.start, m.sent.text))
        words_ = p.name.split()
        p.mentions = [m for m in p.mentions if not BYLINE.search(m.sent.text)]
        if not p.mentions:
            continue  # only in a byline
        others = other_types.get(p.name.lower(), 0)
        if others >= len(p.mentions) or (others and not p.roles):
            continue  # also tagged as a place, organisation or work
        after_the = sum(1 for m in p.mentions if m.first > m.sent.first and toks[m.first - 1].text.lower() == "the")
        if after_the * 2 > len(p.mentions):
            continue  # "the Rolling Stone article", "the Jinx"
        if (
            len(p.mentions) == 1
            and not p.roles
            and (len(words_) == 1 or any(w.lower() in lowered_words for w in words_))
        ):
            continue  # a lone mention without a role: likely a tagger slip
        head = words_[0]
        if not p.roles and head.lower() in common and head not in given and head.lower() not in _PARTICLES:
            continue  # "Holy Communion", "Gone Girl": a common word, not a given name
        if len(words_) == 1:
            w = words_[0]
            if w.lower() in lowered_words or w.lower() in DEMONYMS:
                continue
            if len(p.mentions) == 1 and not p.roles and p.mentions[0].first == p.mentions[0].sent.first:
                continue  # a lone sentence-initial capitalised word
        if len(words_) >= 2:
            hits = capitalised[words_[-1]]
            p.extra_mentions = max(0, hits - len(p.mentions))
        kept.append(p)
    n = max(len(text), 1)
    kept.sort(
        key=lambda p: (
            -(
                len(p.mentions)
                + 0.5 * min(p.extra_mentions, 3)
                + (0.5 if p.roles else 0.0)
                + 1.5 * (1 - p.first_start / n)
            )
        )
    )
    return kept
