"""Roles of people: appositives after a name ("who heads X" too) and before it, and their plain forms."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .doc import Doc, Sent, Tok
from .lexicon import (
    ROLE_MODIFIERS,
    WHO_VERBS,
)
from .phrases import span_text
from .role_lexicon import (
    AGENT_ROLES,
    APPOS_STOP,
    CIRCUMSTANCE_PREPS,
    CLAUSE_WORDS,
    GENERIC_HEADS,
    KINSHIP,
    OFFICER_TITLES,
    REPORTING_VERBS,
    is_role_word,
    is_role_word_text,
)
from .role_phrases import (
    VERB_TAGS,
    clause_end,
    conjoined_title,
    modifiers_only,
    role_ok,
    short_role,
    verb_after_head,
)


@dataclass(slots=True)
class Role:
    """A role found for a mention."""

    text: str
    weight: int
    start: int
    sentence: str


_PRONOUN_OWNERS = frozenset(("his", "her", "their", "its"))
_POSSESSED = re.compile(
    r"^(?:(?P<det>another|an?|the|one|his|her|their|its)\s+)?(?P<owner>(?:[A-Z][\w.-]*\s+){0,3}[A-Z][\w.-]*|[a-z]+)(?:['’]s|['’])\s+"
    r"(?P<head>(?:[\w-]+\s+){0,2}[\w-]+)$"
)


_TITLED = re.compile(r"^(?P<title>[\"“][^\"“”]+[\"”])\s+(?P<head>[\w-]+)$")
_OFFICER = re.compile(r"\b(?:" + "|".join(OFFICER_TITLES) + r")\b", re.IGNORECASE)


def bridged_role(doc: Doc, sent: Sent, rank: str) -> str | None:
    """Return the fuller description of a bare rank in the sentence before: "A Saudi general said ...
    Gen. Ahmed Asiri added" -> "Saudi general"."""
    if sent.index == 0:
        return None
    prev = doc.sents[sent.index - 1]
    head = re.escape(rank.lower())
    m = re.search(rf"\b(?:[Aa]n?|[Tt]he)\s+((?:[A-Z][\w-]+\s+)?(?:[a-z][\w-]*\s+){{0,2}}{head})\b", prev.text)
    if m is None or " " not in m.group(1):
        return None
    return m.group(1)


def tidy_role(role: str) -> str:
    """Return a role in plain form: "another Bates' attorney" -> "attorney for Bates", "Ellie's mom" -> "mother of
    Ellie", "the flight's co-pilot" -> "co-pilot of the flight", "chief executive officer" -> "CEO"."""
    role = _OFFICER.sub(lambda m: OFFICER_TITLES[m.group(0).lower()], " ".join(role.split()))
    titled = _TITLED.match(role)
    if titled and is_role_word_text(titled.group("head").lower()):
        return f"{titled.group('head')} of {titled.group('title')}"  # '"Mad Men" creator' -> 'creator of "Mad Men"'
    then = re.match(r"^then[- ](\S.*)$", role)
    if then:
        return f"{then.group(1)} (then)"  # "then-Secretary of State"
    m = _POSSESSED.match(role)
    if not m:
        return role
    owner, head = m.group("owner"), m.group("head")
    last = head.split()[-1].lower()
    if owner.islower():  # "the flight's co-pilot", "her son's killer"
        if not is_role_word_text(last) or owner in _PRONOUN_OWNERS or owner in ("he", "she", "it", "that", "there"):
            return role
        det = m.group("det") if m.group("det") in _PRONOUN_OWNERS else "the"
        return f"{head} of {det} {owner}"
    if last in KINSHIP:
        words_ = head.split()
        return " ".join([*words_[:-1], KINSHIP[last]]) + f" of {owner}"
    if last in AGENT_ROLES:
        return f"{head} for {owner}"
    if m.group("det"):
        return role[len(m.group("det")) + 1 :]  # "another Apple's engineer"
    return role


def _plural(tok: Tok) -> bool:
    """Tell whether a role noun is plural ("sons", "officers")."""
    return tok.pos == "NNS" or (tok.text.endswith("s") and is_role_word_text(tok.text[:-1].lower()))


_OBJECT_OPENERS = frozenset(("the", "a", "an", "his", "her", "their", "its"))


def _verb_before_object(doc: Doc, sent: Sent, i: int) -> bool:
    """Tell whether token ``i`` is a verb the tagger took for a noun: an inflected word right before a
    determiner ("Scott, shows the five-year police veteran shooting")."""
    toks = doc.tokens
    t = toks[i]
    return (
        i + 1 < sent.last
        and t.text.islower()
        and t.text.endswith(("s", "ed"))
        and t.pos not in ("RB", "IN", "TO", "CD")
        and not is_role_word(t)
        and toks[i + 1].text.lower() in _OBJECT_OPENERS
    )


_IRREGULAR_VBN = frozenset(("shot", "held", "found", "killed", "hit", "struck", "taken", "known", "seen", "left"))


def _generic_with_clause(doc: Doc, sent: Sent, j: int) -> str | None:
    """Return "man who started it" for "..., the man who started it": a generic head ("man", "woman")
    says little alone, so its relative clause or participle phrase is part of the role."""
    toks = doc.tokens
    k = j
    while k < sent.last and k - j < 3 and toks[k].text.lower() not in GENERIC_HEADS:
        if toks[k].text in APPOS_STOP or toks[k].pos in VERB_TAGS:
            return None
        k += 1
    if k + 2 >= sent.last or toks[k].text.lower() not in GENERIC_HEADS:
        return None
    nxt = toks[k + 1]
    participle = nxt.text.islower() and (nxt.pos == "VBN" or nxt.text.endswith("ed") or nxt.text in _IRREGULAR_VBN)
    if nxt.text.lower() not in ("who", "that") and not participle:
        return None  # "a man shot dead by police last month" keeps its participle phrase too
    end = clause_end(doc, sent, k + 2)
    return short_role(doc, j, end, 10) if end > k + 2 else None


def after_role(doc: Doc, sent: Sent, last: int, name_starts: frozenset[int] = frozenset()) -> tuple[str, int] | None:
    """Return the role given after a name: appositive, "who heads X", or age.

    ``name_starts`` are the first token indices of the people's names: an appositive opened by a
    possessive pronoun and followed by a name ("Yusor Mohammad, 21, her husband, Deah Barakat") is
    that next person's role.
    """
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
        end = clause_end(doc, sent, i + 2, 10)
        if v in WHO_VERBS and end > i + 2:
            obj = short_role(doc, i + 2, end, 7)
            return f"{WHO_VERBS[v]} {obj}", 2
        if v in ("is", "was") and end > i + 2:
            j = i + 2
            if toks[j].text.lower() in ("a", "an", "the", "now", "also"):
                j += 1
            # "who was on a trip with her husband": a place or circumstance, not a role.
            stop = next((r for r in range(j + 1, end) if toks[r].text.lower() in CLAUSE_WORDS), end)
            if j < stop and toks[j].pos not in ("IN", "TO") and role_ok(doc, j, stop):
                return short_role(doc, j, stop), 2
        return (f"aged {age}", 0) if age else None
    if (
        (
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
        )
        or _verb_before_object(doc, sent, i)
        or toks[i].pos == "PRP"
    ):  # "Elijah Kelley -- he's actually an actor"
        return (f"aged {age}", 0) if age else None
    end = clause_end(doc, sent, i)
    if low in _PRONOUN_OWNERS and end + 1 < sent.last and toks[end].text == "," and end + 1 in name_starts:
        return (f"aged {age}", 0) if age else None
    coordinate = None
    if modifiers_only(doc, i, end) and end + 1 < sent.last and toks[end].text == ",":
        coordinate = end  # "a 31-year-old, 6-foot-11 center/forward": coordinate adjectives
        end = clause_end(doc, sent, end + 1)
    unended = end >= sent.last or toks[end].text not in APPOS_STOP
    closed = not unended and toks[end].text in (",", "--", "—", "–", ")")  # set off as an appositive
    if unended and verb_after_head(doc, i, end) is None:
        return (f"aged {age}", 0) if age else None  # no end to the appositive, not even a verb
    # "a spokesman for the company said": the role ends at the verb; but a participle with its
    # phrase stays ("a 26-year-old police officer shot to death in his car").
    cut = verb_after_head(doc, i, end)
    verb_cut = cut is not None and toks[cut].pos in VERB_TAGS
    if cut is not None and toks[cut].text.lower() in ("said", "says") and toks[i].text.lower() == "the":
        # '"...," reaching Copeland, the 1OAK spokesperson said': the speaker of the sentence, no appositive
        return (f"aged {age}", 0) if age else None
    participle_end = None
    if cut is not None:
        low_cut = toks[cut].text.lower()
        if (
            cut + 1 < end
            and not any(toks[r].text.lower() in CLAUSE_WORDS for r in range(i, cut))  # "who presided over"
            and toks[cut].text.islower()
            and low_cut not in REPORTING_VERBS
            and toks[cut + 1].pos in ("IN", "TO")
        ):
            participle_end = next((r for r in range(cut, end) if toks[r].text.lower() in CLAUSE_WORDS), end)
        end = cut
    # "the managing editor who presided over ...": the role ends at the relative pronoun.
    for r in range(i, end):
        if toks[r].text.lower() in CLAUSE_WORDS and r > i:
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
        and not is_role_word(toks[i])
        and toks[i].text.lower() not in ROLE_MODIFIERS
        and not (i + 1 < sent.last and is_role_word(toks[i + 1]))
    ):
        return (f"aged {age}", 0) if age else None  # "gently caressing ..."
    j = i
    if toks[j].text.lower() in ("a", "an", "the"):
        j += 1
    if low == "from" and end > i + 1 and toks[i + 1].text.lower() not in ("whom", "which"):
        role = span_text(doc, i, end)
        return (f"{role}, aged {age}" if age else role), 1
    if not role_ok(doc, j, end):
        return (f"aged {age}", 0) if age else None
    # "Harris, Shannon Clark of the Sheriff's Office says": a name heads the phrase, the role only follows.
    opening_np = next((r for r in range(j, end) if toks[r].pos in ("IN", "TO")), end)
    if j in name_starts and not any(is_role_word(toks[r]) for r in range(j, opening_np)):
        return (f"aged {age}", 0) if age else None
    first_head = next((r for r in range(j, end) if is_role_word(toks[r])), end)
    if any(toks[r].pos in ("PRP", "PRP$") for r in range(j + 1, first_head)):
        return (f"aged {age}", 0) if age else None  # "Lionel Richie -- stuff my mom would listen to": a clause
    np_end = next((r for r in range(j, opening_np) if toks[r].pos == "CC"), opening_np)
    main = [r for r in range(j, np_end) if is_role_word(toks[r])]
    if main and (
        # "Steve Esmond, his wife and two sons fell ill": not an appositive but a list of subjects
        (verb_cut and not closed and np_end < opening_np and not conjoined_title(doc, np_end + 1, opening_np))
        or (toks[j].text.lower() not in ("one", "two", "both") and _plural(toks[main[-1]]))
    ):
        return (f"aged {age}", 0) if age else None
    relative = _generic_with_clause(doc, sent, j)
    if relative:
        return (f"{relative}, aged {age}" if age else relative), 2
    heads = [k for k in range(j, end) if is_role_word(toks[k])]
    after = heads[-1] + 1 if heads else end
    if after < end and toks[after].text[:1].isupper() and toks[after].pos not in ("IN", "TO"):
        return (f"aged {age}", 0) if age else None  # "..., writer Chris Morgan and ...": a list
    role = short_role(doc, j, participle_end or end)
    if coordinate is not None:
        role = role.replace(", ", " ", 1)  # one noun phrase, without its inner comma
    if not role:
        return None
    return (f"{role}, aged {age}" if age else role), 2


def before_role(
    doc: Doc, sent: Sent, first: int, last: int, name_ends: frozenset[int] = frozenset()
) -> tuple[str, int] | None:
    """Return a role set off before a name: "Trey's mother, Shelly Moses, said".

    ``name_ends`` are the token indices just past each person's name: a role set off between two names
    ("Wang Qiushi, the lawyer for one of the women, Wei Tingting, said") is the first one's appositive,
    unless a possessive pronoun opens it ("Yusor Mohammad, 21, her husband, Deah Barakat").
    """
    toks = doc.tokens
    if first - 3 >= sent.first and toks[first - 1].text == "and" and toks[first - 3].text == ",":
        first -= 2  # "Etan's parents, Stan and Julia Patz, sued"
    if first - 2 < sent.first or toks[first - 1].text != ",":
        return None
    listed = last + 1 < sent.last and toks[last].text == "and" and toks[last + 1].text[:1].isupper()
    if last < sent.last and toks[last].text not in (",", ".", ";") and not listed:
        return None
    end = first - 1
    j = end - 1
    while j >= sent.first and toks[j].text not in APPOS_STOP and end - j <= 9:
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
    heads = [i for i in range(start, end) if is_role_word(toks[i])]
    if not heads or any(toks[i].pos in VERB_TAGS for i in range(heads[-1], end)):
        return None
    head = heads[-1]
    # "Authorities say the flight's co-pilot, NAME": the role starts after the verb.
    verbs = [i for i in range(start, head) if toks[i].pos in VERB_TAGS or toks[i].text.lower() in REPORTING_VERBS]
    if verbs:
        start = verbs[-1] + 1
    after = head + 1
    if after + 1 < end and toks[after].text.islower() and toks[after].pos == "VBN" and toks[after + 1].pos == "IN":
        after += 1  # "the man charged in his killing, Pedro Hernandez"
    if after < end and (toks[after].pos not in ("IN", "TO") or toks[after].text.lower() in CIRCUMSTANCE_PREPS | {"by"}):
        return None  # "nominated to be foreign minister by Ahmadinejad's successor": no complement of the role
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
    if (
        start - 1 > j
        and toks[start - 1].text.lower() in _PRONOUN_OWNERS
        and any(toks[i].pos == "POS" for i in range(start, head))
    ):
        start -= 1  # "her son's killer": the pronoun belongs to the owner
    opener = j + 1 if toks[j + 1].text.lower() in ("the", "a", "an") else j
    if (
        j in name_ends
        and toks[j].text == ","
        and start <= opener + 1
        and toks[start].text.lower() not in _PRONOUN_OWNERS
    ):
        return None  # "Wang Qiushi, the lawyer for one of the women, Wei Tingting": the appositive of the name before
    return span_text(doc, start, end), 2
