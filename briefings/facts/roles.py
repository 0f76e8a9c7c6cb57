"""Roles of people: titles before a name, appositives, "who heads X", copulas."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .doc import Doc, Sent
from .lexicon import (
    DEMONYMS,
    HONORIFICS,
    NOT_NAMES,
    ROLE_MODIFIERS,
    STATE_TITLES,
    TITLE_ABBREVIATIONS,
    WHO_VERBS,
)
from .phrases import NOUN_TAGS, is_word, span_text
from .role_lexicon import (
    AGENT_ROLES,
    APPOS_STOP,
    CIRCUMSTANCE_PREPS,
    CLAUSE_WORDS,
    KINSHIP,
    LEADING_FUNCTION,
    NAME_HONORIFICS,
    OFFICER_TITLES,
    REPORTING_VERBS,
    ROLE_NOUNS,
    WEAK_HEADS,
    is_role_word,
    is_role_word_text,
)

_VERB_TAGS = frozenset(("VBD", "VBZ", "VBP", "MD"))
MAX_ROLE_WORDS = 9


@dataclass(slots=True)
class Role:
    """A role found for a mention."""

    text: str
    weight: int
    start: int
    sentence: str


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
        role_like = is_role_word(t) or low in ROLE_MODIFIERS or low in DEMONYMS
        possessive = t.pos == "POS" and k > sent.first and toks[k - 1].text[:1].isupper()
        inner = low in ("of", "the") and bool(run) and (toks[k + 1].text[:1].isupper() or is_role_word(toks[k + 1]))
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
            and is_role_word(toks[run[-1]])
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
        or toks[run[0]].text.lower() in LEADING_FUNCTION
        or toks[run[0]].pos == "POS"
        or (
            toks[run[0]].text.islower()
            and not is_role_word(toks[run[0]])
            and toks[run[0]].text.lower() not in ROLE_MODIFIERS
        )
    ):
        run.pop(0)
    # "daughter of House Minority Leader Nancy Pelosi": her title is after "of".
    ofs = [n for n, i in enumerate(run) if toks[i].text.lower() == "of"]
    if ofs and any(is_role_word(toks[i]) and toks[i].text[:1].isupper() for i in run[ofs[-1] + 1 :]):
        run = run[ofs[-1] + 1 :]
    # "the wife of Herod's steward Chuza": the role starts at the possessor.
    poss = [n for n, i in enumerate(run) if toks[i].pos == "POS"]
    if poss:
        p = poss[-1] - 1
        while p > 0 and toks[run[p - 1]].text[:1].isupper() and toks[run[p - 1]].pos != "POS":
            p -= 1
        run = run[max(p, 0) :]
    # "Supreme Leader Ayatollah Khamenei": the honorific belongs to the name.
    while (
        len(run) > 1 and toks[run[-1]].text.lower() in NAME_HONORIFICS and any(is_role_word(toks[i]) for i in run[:-1])
    ):
        run.pop()
    # "Survivor Karen Brassard said": a lower-case role capitalised only as the sentence's first word.
    opening = bool(run) and run[0] == sent.first and is_role_word_text(toks[run[0]].text.lower())
    heads = [i for i in run if is_role_word(toks[i]) or (opening and i == run[0])]
    if not heads:
        return None
    # Words after the last head must be an "of ..." complement ("Secretary of State").
    tail = [i for i in run if i > heads[-1]]
    if tail and toks[tail[0]].text.lower() != "of":
        return None
    if tail and first + 1 < sent.last and not toks[first + 1].text[:1].isupper():
        return None  # "professor of Early Christianity": the complement, not a name
    # A single sentence-initial capitalised word is not a title ("Reports", "Police").
    if len(run) == 1 and run[0] == sent.first and toks[run[0]].text.lower() in WEAK_HEADS:
        return None
    if len(run) > MAX_ROLE_WORDS:
        run = run[-MAX_ROLE_WORDS:]
    text = span_text(doc, run[0], run[-1] + 1)
    text = _demonym_title(_expand_title(text))
    if opening and len(run) == 1 and not is_role_word(toks[run[0]]):
        text = text.lower()
    return text, run[0]


_POSSESSED = re.compile(
    r"^(?:(?P<det>another|an?|the|one)\s+)?(?P<owner>(?:[A-Z][\w.-]*\s+){0,3}[A-Z][\w.-]*|[a-z]+)(?:['’]s|['’])\s+"
    r"(?P<head>(?:[\w-]+\s+){0,2}[\w-]+)$"
)


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
    then = re.match(r"^then[- ](\S.*)$", role)
    if then:
        return f"{then.group(1)} (then)"  # "then-Secretary of State"
    m = _POSSESSED.match(role)
    if not m:
        return role
    owner, head = m.group("owner"), m.group("head")
    last = head.split()[-1].lower()
    if owner.islower():  # "the flight's co-pilot"
        if not is_role_word_text(last) or owner in ("his", "her", "their", "its"):
            return role
        return f"{head} of the {owner}"
    if last in KINSHIP:
        words_ = head.split()
        return " ".join([*words_[:-1], KINSHIP[last]]) + f" of {owner}"
    if last in AGENT_ROLES:
        return f"{head} for {owner}"
    if m.group("det"):
        return role[len(m.group("det")) + 1 :]  # "another Apple's engineer"
    return role


def _clause_end(doc: Doc, sent: Sent, i: int, limit: int = 14) -> int:
    """Return the index of the token that ends the appositive starting at ``i``."""
    toks = doc.tokens
    j = i
    while j < sent.last and toks[j].text not in APPOS_STOP and j - i < limit:
        j += 1
    return j


def _modifiers_only(doc: Doc, first: int, last: int) -> bool:
    """Tell whether ``[first, last)`` is an article and adjectives only ("a 31-year-old"), no head."""
    toks = doc.tokens
    if first < last and toks[first].text.lower() in ("a", "an"):
        first += 1
    return first < last and all(
        (toks[i].pos in ("JJ", "CD") or toks[i].text.endswith("-old")) and not is_role_word(toks[i])
        for i in range(first, last)
    )


def _role_ok(doc: Doc, first: int, last: int) -> bool:
    """Tell whether tokens ``[first, last)`` read as a role ("Apple's chief executive")."""
    toks = doc.tokens
    seen_head = False
    for i in range(first, last):
        t = toks[i]
        verb = t.pos in _VERB_TAGS or t.text.lower() in REPORTING_VERBS
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


def _verb_after_head(doc: Doc, first: int, last: int) -> int | None:
    """Return the first verb after the role head of ``[first, last)``, or None."""
    toks = doc.tokens
    heads = [i for i in range(first, min(last, first + 7)) if is_role_word(toks[i])]
    if not heads:
        return None
    for i in range(heads[0] + 1, last):
        t = toks[i]
        low = t.text.lower()
        if t.pos in _VERB_TAGS or t.pos == "VBN" or low in REPORTING_VERBS or (t.text.islower() and low.endswith("ed")):
            return i
    return None


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
    coordinate = None
    if _modifiers_only(doc, i, end) and end + 1 < sent.last and toks[end].text == ",":
        coordinate = end  # "a 31-year-old, 6-foot-11 center/forward": coordinate adjectives
        end = _clause_end(doc, sent, end + 1)
    unended = end >= sent.last or toks[end].text not in APPOS_STOP
    if unended and _verb_after_head(doc, i, end) is None:
        return (f"aged {age}", 0) if age else None  # no end to the appositive, not even a verb
    # "a spokesman for the company said": the role ends at the verb; but a participle with its
    # phrase stays ("a 26-year-old police officer shot to death in his car").
    cut = _verb_after_head(doc, i, end)
    participle_end = None
    if cut is not None:
        low_cut = toks[cut].text.lower()
        if (
            cut + 1 < end
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
    if not _role_ok(doc, j, end):
        return (f"aged {age}", 0) if age else None
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


def _conjoined_title(doc: Doc, first: int, last: int) -> bool:
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


def _word_counts(doc: Doc, first: int, last: int) -> list[int]:
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
            if toks[i].pos == "CC" and i == heads[0] + 1 and _conjoined_title(doc, i + 1, last):
                continue  # "president and chief executive officer of the National Center"
            if toks[i].pos == "CC" or toks[i].text in (",", ";") or toks[i].text.lower() in CIRCUMSTANCE_PREPS:
                last = i  # "a supervisor within the agency": the role ends before the circumstance
                break
    counts = _word_counts(doc, first, last)
    if sum(counts) <= limit:
        return span_text(doc, first, last)
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
    return span_text(doc, first, stop)


def before_role(doc: Doc, sent: Sent, first: int, last: int) -> tuple[str, int] | None:
    """Return a role set off before a name: "Trey's mother, Shelly Moses, said"."""
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
    if not heads or any(toks[i].pos in _VERB_TAGS for i in range(heads[-1], end)):
        return None
    head = heads[-1]
    # "Authorities say the flight's co-pilot, NAME": the role starts after the verb.
    verbs = [i for i in range(start, head) if toks[i].pos in _VERB_TAGS or toks[i].text.lower() in REPORTING_VERBS]
    if verbs:
        start = verbs[-1] + 1
    after = head + 1
    if after + 1 < end and toks[after].text.islower() and toks[after].pos == "VBN" and toks[after + 1].pos == "IN":
        after += 1  # "the man charged in his killing, Pedro Hernandez"
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
    if last + 2 >= sent.last or toks[last].text.lower() not in ("is", "was", "became", "'s", "’s"):
        return None
    j = last + 1
    if toks[j].text.lower() not in ("a", "an", "the"):
        return None
    j += 1
    end = _clause_end(doc, sent, j, 10)
    for r in range(j + 1, end):
        if toks[r].text.lower() in CLAUSE_WORDS:
            end = r  # "a passenger when the rapper ...": the role ends at the clause
            break
    if end <= j or not _role_ok(doc, j, end) or not is_role_word(toks[j if end == j + 1 else end - 1]):
        # accept "the chief executive of Apple" too
        heads = [i for i in range(j, end) if is_role_word(toks[i])]
        if not heads or heads[0] - j > 3:
            return None
        tail = heads[-1] + 1
        if tail < end and toks[tail].pos not in ("IN", "TO"):
            end = tail
    return span_text(doc, j, end), 1


def _relative_subject(doc: Doc, sent: Sent, k: int) -> str | None:
    """Return the description of a subject with a relative clause at ``k`` ("the"): "The bored teenager
    who gunned down a college baseball player in Oklahoma ... is now a convicted murderer"."""
    toks = doc.tokens
    for h in range(k + 1, min(k + 6, sent.last - 2)):
        t = toks[h]
        if t.pos in _VERB_TAGS or t.text in APPOS_STOP:
            return None
        if toks[h + 1].text == "who":
            if not (is_role_word(t) and t.text.islower() and _role_ok(doc, k + 1, h + 1)):
                return None
            end = _clause_end(doc, sent, h + 2)
            return short_role(doc, k + 1, end, 10) if end > h + 2 else None
    return None


_PRONOUNS = frozenset(("he", "she"))
_OPENERS = frozenset(("(", ")", "cnn", "--", "—", "–", '"', "“", "”", ",", "but", "and"))


def described_roles(doc: Doc, sent: Sent) -> list[tuple[int, str]]:
    """Return roles said of someone not named in the clause: "She's a high school freshman",
    "The Georgian chess grandmaster has been banned", "..., the former Governor of Maryland said".

    Each is ``(token index, role)``; the caller decides whom it describes.
    """
    toks = doc.tokens
    out: list[tuple[int, str]] = []
    opening = True  # only openers ("(CNN) --", a quote mark) so far
    for k in range(sent.first, sent.last - 2):
        low = toks[k].text.lower()
        at_start = opening
        opening = opening and low in _OPENERS
        if not (low in _PRONOUNS or low == "the"):
            continue
        after_quote = k > sent.first and toks[k - 1].text in (",", '"', "”") and k - 2 >= sent.first
        if low in _PRONOUNS and at_start:
            found = copula_role(doc, sent, k + 1)
            if found:
                out.append((k, found[0]))
        elif low == "the" and (at_start or after_quote):
            relative = _relative_subject(doc, sent, k) if at_start else None
            if relative:
                out.append((k, relative))
                continue
            end = k + 1
            while end < sent.last and end - k <= 12 and toks[end].text not in APPOS_STOP:
                t = toks[end]
                if t.pos in _VERB_TAGS or t.text.lower() in REPORTING_VERBS:
                    break
                end += 1
            if (
                end >= sent.last
                or end == k + 1
                or not (toks[end].pos in _VERB_TAGS or toks[end].text.lower() in REPORTING_VERBS)
            ):
                continue
            heads = [i for i in range(k + 1, end) if is_role_word(toks[i]) and toks[i].text.islower()]
            if not heads or not _role_ok(doc, k + 1, end):
                continue
            last_head = heads[-1]
            if last_head + 1 < end and toks[last_head + 1].pos not in ("IN", "TO", "CC"):
                continue  # "the police officers' union": the head is not the end of the phrase
            while end > last_head + 1 and toks[end - 1].pos == "RB":
                end -= 1  # "... in the fight recently told CNN"
            out.append((k, short_role(doc, k + 1, end)))
    return out
