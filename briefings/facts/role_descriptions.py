"""Roles said apart from a name: copulas ("NAME is the chief executive of X") and descriptions whose
referent the caller finds ("She's a high school freshman", "The bored teenager who ...")."""

from __future__ import annotations

from .doc import Doc, Sent
from .phrases import span_text
from .role_lexicon import APPOS_STOP, CLAUSE_WORDS, REPORTING_VERBS, is_role_word, is_role_word_text
from .role_phrases import VERB_TAGS, clause_end, role_ok, short_role


def copula_role(doc: Doc, sent: Sent, last: int) -> tuple[str, int] | None:
    """Return the role in "NAME is the chief executive of X"."""
    toks = doc.tokens
    if last + 2 >= sent.last or toks[last].text.lower() not in ("is", "was", "became", "'s", "’s"):
        return None
    j = last + 1
    if toks[j].text.lower() not in ("a", "an", "the"):
        return None
    j += 1
    end = clause_end(doc, sent, j, 10)
    for r in range(j + 1, end):
        if toks[r].text.lower() in CLAUSE_WORDS:
            end = r  # "a passenger when the rapper ...": the role ends at the clause
            break
    if end <= j or not role_ok(doc, j, end) or not is_role_word(toks[j if end == j + 1 else end - 1]):
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
        if t.pos in VERB_TAGS or t.text in APPOS_STOP:
            return None
        if toks[h + 1].text == "who":
            if not (is_role_word(t) and t.text.islower() and role_ok(doc, k + 1, h + 1)):
                return None
            end = clause_end(doc, sent, h + 2)
            return short_role(doc, k + 1, end, 10) if end > h + 2 else None
    return None


def _plural(word: str, pos: str) -> bool:
    """Tell whether a role noun is plural ("parents", "officers")."""
    return pos == "NNS" or (word.endswith("s") and is_role_word_text(word[:-1]))


_PRONOUNS = frozenset(("he", "she"))
_QUOTES = frozenset(('"', "“", "”"))
_OPENERS = frozenset(("(", ")", "cnn", "--", "—", "–", '"', "“", "”", ",", "but", "and"))


def described_roles(doc: Doc, sent: Sent, name_ends: frozenset[int] = frozenset()) -> list[tuple[int, str]]:
    """Return roles said of someone not named in the clause: "She's a high school freshman",
    "The Georgian chess grandmaster has been banned", "..., the former Governor of Maryland said".

    Each is ``(token index, role)``; the caller decides whom it describes. ``name_ends`` are the token
    indices just past each person's name (a description right after a name is about that name's context).
    """
    toks = doc.tokens
    out: list[tuple[int, str]] = []
    opening = True  # only openers ("(CNN) --", a quote mark) so far
    quotes = 0
    for k in range(sent.first, sent.last - 2):
        low = toks[k].text.lower()
        at_start = opening
        opening = opening and low in _OPENERS
        if low in _QUOTES:
            quotes += 1
        if not (low in _PRONOUNS or low == "the") or quotes % 2:
            continue  # '"The woman kept talking," Tasiu said': a quotation speaks of someone else
        # '"...," the former Governor of Maryland said', but not "reaching Copeland, the 1OAK spokesperson said"
        after_quote = (
            k - 2 >= sent.first and toks[k - 1].text in (",", '"', "”") and not (k - 1 in name_ends and low == "the")
        )
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
                if t.pos in VERB_TAGS or t.text.lower() in REPORTING_VERBS:
                    break
                end += 1
            if (
                end >= sent.last
                or end == k + 1
                or not (toks[end].pos in VERB_TAGS or toks[end].text.lower() in REPORTING_VERBS)
            ):
                continue
            heads = [i for i in range(k + 1, end) if is_role_word(toks[i]) and toks[i].text.islower()]
            if not heads or not role_ok(doc, k + 1, end):
                continue
            prep = next((i for i in range(k + 1, end) if toks[i].pos in ("IN", "TO")), end)
            main = [i for i in heads if i < prep]
            if main and _plural(toks[main[-1]].text, toks[main[-1]].pos):
                continue  # "The parents of the youngest victim": not the one person named
            last_head = heads[-1]
            if last_head + 1 < end and toks[last_head + 1].pos not in ("IN", "TO", "CC"):
                continue  # "the police officers' union": the head is not the end of the phrase
            while end > last_head + 1 and toks[end - 1].pos == "RB":
                end -= 1  # "... in the fight recently told CNN"
            out.append((k, short_role(doc, k + 1, end)))
    return out
