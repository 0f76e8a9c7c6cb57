"""Titles written before a name: "Defense Secretary Ashton Carter", "co-pilot Andreas Lubitz",
"Japanese Prime Minister" -> "Prime Minister of Japan"."""

from __future__ import annotations

from .doc import Doc, Sent
from .lexicon import (
    COMMON_WORDS,
    DEMONYMS,
    HONORIFICS,
    NOT_NAMES,
    ROLE_MODIFIERS,
    STATE_TITLES,
    TITLE_ABBREVIATIONS,
)
from .phrases import span_text
from .role_lexicon import LEADING_FUNCTION, NAME_HONORIFICS, TIME_MODIFIERS, WEAK_HEADS, is_role_word, is_role_word_text
from .role_phrases import word_counts

MAX_ROLE_WORDS = 9


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


_CLOSING_QUOTES = frozenset(('"', "”"))
_OPENING_QUOTES = frozenset(('"', "“"))


def _quote_opener(doc: Doc, sent: Sent, close: int) -> int | None:
    """Return the opening quote of a short quoted title that ends at ``close`` ("Mad Men"), or None."""
    toks = doc.tokens
    k = close - 1
    while k >= sent.first and close - k <= 8:
        t = toks[k]
        if t.text in _OPENING_QUOTES:
            inner = range(k + 1, close)
            return k if inner and toks[k + 1].text[:1].isupper() else None
        if not (t.text[:1].isupper() or t.text[:1].isdigit() or t.text.lower() in ("of", "the", "and", "a", "in")):
            return None
        k -= 1
    return None


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
        if low == "and" and k > sent.first and is_role_word(toks[k - 1]) and any(is_role_word(toks[i]) for i in run):
            run.append(k)  # "co-star and close friend Vin Diesel": two titles joined
            k -= 1
            free = 0
            continue
        if t.text in _CLOSING_QUOTES and run:
            opener = _quote_opener(doc, sent, k)
            if opener is not None:  # '"Real Housewives of Beverly Hills" star Kim Richards': a work's title
                run.extend(range(k, opener - 1, -1))
                k = opener - 1
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
    # "police spokesman Capt. Paul Starks": a rank after a lower-case role belongs to the name, like an honorific.
    while (
        len(run) > 1
        and toks[run[-1]].text[:1].isupper()
        and is_role_word(toks[run[-1]])
        and toks[run[-2]].text.islower()
        and is_role_word(toks[run[-2]])
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
    if sum(word_counts(doc, run[0], run[-1] + 1)) > MAX_ROLE_WORDS:  # a proper name counts as one word
        run = run[-MAX_ROLE_WORDS:]
    text = span_text(doc, run[0], run[-1] + 1)
    text = _demonym_title(_expand_title(text))
    if opening and len(run) == 1 and not is_role_word(toks[run[0]]):
        text = text.lower()
    elif run[0] == sent.first and len(run) > 1 and text[:1].isupper() and not toks[run[0]].text.isupper():
        # "Lead singer Ronnie Van Zant", "Former Minnesota Governor Tim Pawlenty": capitalised only as the
        # sentence's first word; a proper name stays ("Situation Room correspondent", "Liverpool forward").
        low = toks[run[0]].text.lower()
        title = is_role_word(toks[run[0]])  # "Secretary of State Marco Rubio" keeps its capital
        if low in TIME_MODIFIERS or (low in COMMON_WORDS and not title and toks[run[1]].text.islower()):
            text = text[:1].lower() + text[1:]
    return text, run[0]
