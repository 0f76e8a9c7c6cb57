"""People in a text: mentions grouped into people, with their roles and salience."""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from .doc import Doc, Tok
from .lexicon import COMMON_WORDS, DEMONYMS, GIVEN_NAMES
from .names import Mention, find_mentions
from .phrases import span_text
from .role_descriptions import copula_role, described_roles
from .role_lexicon import CHARACTER_WORDS, NAME_SUFFIXES, NEWS_OUTLETS, PARTICLES, PLAYED_BY
from .role_titles import prefix_role
from .roles import Role, after_role, before_role, bridged_role, tidy_role

__all__ = ["BYLINE", "Mention", "Person", "Role", "cluster", "find_people"]

_CAPITALISED = re.compile(r"\b[A-Z][\w'’.-]*\w|\b[A-Z]\b")
BYLINE = re.compile(
    r"contributed to this report|contributed reporting|reported from|wrote this story|"
    r"^CNN['’]s [A-Z][\w.'’ -]+ (?:reported|wrote)\b|"
    r"^(?:by|By|BY)\s|\bcontributed to this story",
)


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
        best = max(self.roles, key=lambda r: (_strength(r), -r.start))
        for r in sorted(self.roles, key=lambda r: r.start):
            fuller = len(r.text) > len(best.text) and best.text.lower() in r.text.lower()
            if fuller and r.weight >= best.weight - 1:
                best = r
        return best


_PRONOUN_OWNERS = frozenset(("his", "her", "their", "its"))


def _strength(role: Role) -> int:
    """Return how telling a role is: its source's weight, then its length; a role owned by a pronoun
    ("her boss") says less than one that stands alone ("a supervisor within the agency")."""
    words_ = role.text.split()
    owned = bool(words_) and words_[0].lower() in _PRONOUN_OWNERS
    return role.weight * 10 + min(len(words_), 6) - (5 if owned else 0)


def _name_key(name: str) -> list[str]:
    """Return the name's words without dots of initials or accents, lower-cased ("Nicolás" = "Nicolas")."""
    if not name.isascii():
        name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return [
        w.lower().rstrip(".") for w in name.split() if w.lower() not in PARTICLES and w.lower() not in NAME_SUFFIXES
    ]


def _part_of(key: list[str], suffix: str, longer: list[tuple[list[str], str, Person]]) -> Person | None:
    """Return the one person whose longer name begins or ends with ``key`` ("Mary Kay", "Letourneau Fualaau"
    of "Mary Kay Letourneau Fualaau"; "Sanders Jr." of "Deion Sanders Jr."), or None."""
    n = len(key)
    hits = {
        id(p): p
        for other, other_suffix, p in longer
        if len(other) > n and other_suffix == suffix and (other[:n] == key or other[-n:] == key)
    }
    return next(iter(hits.values())) if len(hits) == 1 else None


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
    longer: list[tuple[list[str], str, Person]] = []  # the names seen so far, longest first
    for name in full:
        key = _name_key(name)
        if not key:
            continue
        ends = (key[0], key[-1], _suffix(name))
        target = by_ends.get(ends)  # "Donald J. Trump" == "Donald Trump"
        if target is None:
            target = _part_of(key, ends[2], longer)
            if target is not None:
                by_ends[ends] = target
        if target is None:
            target = by_ends[ends] = Person(name)
            people.append(target)
            by_last.setdefault(key[-1], []).append(target)
            by_first.setdefault(key[0], []).append(target)
        longer.append((key, ends[2], target))
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


def _mention_before(sent_mentions: list[tuple[Mention, Person]], k: int, window: int = 12) -> Person | None:
    """Return the person of the nearest mention before the ``k``-th one of a sentence, if close."""
    for m, p in reversed(sent_mentions[:k]):
        if sent_mentions[k][0].first - m.last > window:
            return None
        if _is_possessive(m):
            continue  # "Sally, Don's daughter (Kiernan Shipka)": Don is not the one played
        return p
    return None


def _names_character(toks: Sequence[Tok], items: list[tuple[Mention, Person]], k: int) -> bool:
    """Tell whether the name before the ``k``-th mention's "(" is right before it or set off by its own
    appositive: "Bert Cooper (Robert Morse)", "Sally, Don's daughter (Kiernan Shipka)", not "Krispy Kreme
    manager (Jackie Braun)"."""
    paren = items[k][0].first - 1
    for m, _ in reversed(items[:k]):
        if _is_possessive(m):
            continue
        return m.last == paren or toks[m.last].text == ","
    return False


def _is_possessive(m: Mention) -> bool:
    """Tell whether a mention is a possessor ("Don's")."""
    return (
        m.end < len(m.sent.text) + m.sent.start and m.sent.text[m.end - m.sent.start : m.end - m.sent.start + 1] in "'’"
    )


def _cast(doc: Doc, people: list[Person]) -> set[int]:
    """Find film and TV characters; give their actors the role "actor playing X".

    "Bert Cooper (Robert Morse)", "Roger Sterling -- the executive played by John Slattery",
    "Walker's detective character, Brian O'Conner", "Vin Diesel's Dominic Toretto".
    Returns the ids of the characters (fictional: not people of the story).
    """
    toks = doc.tokens
    by_sent: dict[int, list[tuple[Mention, Person]]] = {}
    for p in people:
        for m in p.mentions:
            by_sent.setdefault(m.sent.index, []).append((m, p))
    characters: dict[int, Person] = {}
    actors: list[tuple[Person, Person, Mention]] = []
    adjacent: list[tuple[Person, Person, Mention]] = []
    for items in by_sent.values():
        items.sort(key=lambda mp: mp[0].first)
        for k, (m, p) in enumerate(items):
            before = toks[m.first - 1].text.lower() if m.first > m.sent.first else ""
            before2 = toks[m.first - 2].text.lower() if m.first - 1 > m.sent.first else ""
            after = toks[m.last].text if m.last < m.sent.last else ""
            role = _mention_before(items, k)
            named_before = _names_character(toks, items, k)
            full = len(m.name.split()) >= 2  # an actor's full name, not "Jill (Duggar) Dillard"
            if before == "(" and after == ")" and full and named_before and role is not None and role is not p:
                actors.append((p, role, m))  # "Bert Cooper (Robert Morse)", not "Krispy Kreme manager (Jackie Braun)"
            elif before == "by" and before2 in PLAYED_BY and role is not None and role is not p:
                actors.append((p, role, m))  # "Olson, played by Elisabeth Moss"
            elif before in CHARACTER_WORDS or (before == "," and before2 in CHARACTER_WORDS):
                characters[id(p)] = p  # "Walker's detective character, Brian O'Conner"
            elif k and toks[m.first - 1].pos == "POS" and items[k - 1][0].last == m.first - 1:
                adjacent.append((p, items[k - 1][1], m))  # "Vin Diesel's Dominic Toretto"
            if k + 2 < m.sent.last - m.last and toks[m.last].text.lower() != "(":
                _role_as(doc, m, p)
    if actors or characters:
        actors.extend((items_p, role, m) for role, items_p, m in adjacent)
    for actor, role, m in actors:
        if id(actor) in characters or actor is role:
            continue
        characters[id(role)] = role
        actor.roles.append(Role(f"actor playing {role.name}", 4, m.start, m.sent.text))
    return set(characters)


def _role_as(doc: Doc, m: Mention, p: Person) -> None:
    """Add "actor playing X" for "NAME also reprises his role as Hobbs"."""
    toks = doc.tokens
    for i in range(m.last, min(m.sent.last - 2, m.last + 8)):
        if toks[i].text.lower() in ("role", "part") and toks[i + 1].text.lower() == "as":
            j = i + 2
            while j < m.sent.last and toks[j].text[:1].isupper() and j - i < 5:
                j += 1
            if j > i + 2:
                name = span_text(doc, i + 2, j)
                p.roles.append(Role(f"actor playing {name}", 4, m.start, m.sent.text))
            return


def _described(doc: Doc, people: list[Person]) -> None:
    """Give a description not beside a name ("She's a high school freshman", "The Georgian chess
    grandmaster has been banned") to the person it refers to: the subject of the last two sentences
    (else the person named last before it), or else the first one named in the next two sentences
    not described yet, when they have no role yet."""
    order = sorted(
        ((m.first, m.sent.index, m.first == m.sent.first, p) for p in people for m in p.mentions),
        key=lambda x: x[0],
    )
    starts = [x[0] for x in order]
    given: set[int] = set()  # people described in this pass
    name_ends = frozenset(m.last for p in people for m in p.mentions)
    held = {_head_word(r.text) for p in people for r in p.roles}  # "Sheriff Stanley Glanz ... The sheriff denied"
    for sent in doc.sents:
        if sent.is_heading:
            continue
        for k, role in described_roles(doc, sent, name_ends):
            if _head_word(role) in held:
                continue  # the role of someone named with it already: that person, not another
            at = bisect.bisect_left(starts, k)
            before = [x for x in order[:at] if 0 <= sent.index - x[1] <= 2]
            after = [x for x in order[at:] if 0 < x[1] - sent.index <= 2]
            subjects = [x for x in before if x[2]]
            target: Person | None = None
            if subjects:
                target = subjects[-1][3]
            elif before:
                target = before[-1][3]
            elif after:
                # "He's a recruit. She's a freshman. Trey Moses and Ellie Meredith ...": descriptions
                # ahead of the names take the people in the order they are then named.
                target = next((x[3] for x in after if id(x[3]) not in given), None)
            if target is None:
                continue
            given.add(id(target))
            if not target.roles:
                target.roles.append(Role(role, 1, doc.tokens[k].start, sent.text))


_HEAD_END = re.compile(r"\s(?:of|for|at|in|with|from|on|to|who|that|which)\s|,")


def _head_word(role: str) -> str:
    """Return the head noun of a role, lower-cased: its last word before a complement or clause."""
    words_ = _HEAD_END.split(role, maxsplit=1)[0].split()
    return words_[-1].lower() if words_ else ""


def _bridge(doc: Doc, p: Person) -> None:
    """Add the fuller description of a bare rank from the sentence before ("General" -> "Saudi general")."""
    for rank in list(p.roles):
        if " " in rank.text or not rank.text[:1].isupper():
            continue
        where = next((m for m in p.mentions if m.start == rank.start), None)
        fuller = bridged_role(doc, where.sent, rank.text) if where else None
        if where and fuller:
            p.roles.append(Role(fuller, rank.weight + 1, rank.start, where.sent.text))


def _reporter(doc: Doc, p: Person) -> bool:
    """Tell whether every mention is an outlet's reporter ("CNN's Nic Robertson")."""
    toks = doc.tokens
    return all(
        m.first - 2 >= m.sent.first
        and toks[m.first - 1].text.lower() in ("'s", "’s")
        and toks[m.first - 2].text.lower() in NEWS_OUTLETS
        for m in p.mentions
    )


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
    name_starts = frozenset(m.first for m in mentions)
    name_ends = frozenset(m.last for m in mentions)
    for p in people:
        for m in p.mentions:
            found = prefix_role(doc, m.sent, m.first)
            if found:
                # A full title ("Defense Secretary") beats an appositive; a bare rank
                # ("General") does not.
                weight = 3 if toks[found[1]].text[:1].isupper() and " " in found[0] else 2
                p.roles.append(Role(found[0], weight, m.start, m.sent.text))
            for getter in (
                lambda m=m: after_role(doc, m.sent, m.last, name_starts),
                lambda m=m: before_role(doc, m.sent, m.first, m.last, name_ends),
                lambda m=m: copula_role(doc, m.sent, m.last),
            ):
                r = getter()
                if r:
                    p.roles.append(Role(r[0], r[1], m.start, m.sent.text))
    _described(doc, people)
    for p in people:
        _bridge(doc, p)
    characters = _cast(doc, people)
    for p in people:
        for role in p.roles:
            role.text = tidy_role(role.text)
        words_ = p.name.split()
        p.mentions = [m for m in p.mentions if not BYLINE.search(m.sent.text)]
        if not p.mentions or _reporter(doc, p):
            continue  # only in a byline or as a reporter ("CNN's Nic Robertson")
        if id(p) in characters:
            continue  # a film or TV character
        others = other_types.get(p.name.lower(), 0)
        described = any(r.weight >= 2 and r.text[:1].islower() for r in p.roles)  # "brother of ..."
        if (others >= len(p.mentions) and not described) or (others and not p.roles):
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
        if not p.roles and head.lower() in common and head not in given and head.lower() not in PARTICLES:
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
