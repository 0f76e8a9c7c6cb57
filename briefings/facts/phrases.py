"""Phrase helpers over tagged tokens: noun-phrase chains, clause summaries, trimming."""

from __future__ import annotations

from .doc import Doc, Sent, Tok
from .lexicon import AUXILIARIES, DETERMINERS, RELATIVES, words

NP_TAGS = words("DT PDT PRP$ POS JJ JJR JJS NN NNS NNP NNPS CD HYPH VBG")
NOUN_TAGS = words("NN NNS NNP NNPS")
FUNCTION_TAGS = words("DT PDT IN TO CC PRP$ POS WDT WP WRB , : ( ) `` '' RP EX MD")
ATTACH_PREPS = words("of with for between in on at about against from to over")
MAX_WORDS = 10
_NP_OPENERS = words("DT PDT PRP$")
_ADVERBS = words(
    "originally initially previously also already still now then just once first later "
    "tentatively provisionally officially expected due"
)
_CLAUSE_BREAK = words(', ; : — – -- ( ) " “ ” ‘ ’')
_CLAUSE_LEAD = words(
    "and but or so yet however meanwhile also then that which who when where while as said says told "
    "because although though since if"
)


def is_word(tok: Tok) -> bool:
    """Tell whether a token is a word or number (not punctuation)."""
    return tok.text[:1].isalnum()


def span_text(doc: Doc, first: int, last: int) -> str:
    """Return the original text covered by tokens ``[first, last)``."""
    if last <= first:
        return ""
    return doc.text[doc.tokens[first].start : doc.tokens[last - 1].end]


def np_start(doc: Doc, sent: Sent, end: int, attach: int = 2) -> int | None:
    """Return the first token of the noun-phrase chain ending just before token ``end``.

    The chain is a noun phrase optionally preceded by up to ``attach`` "NP prep" links
    ("a high-level meeting with the United States"); None when no noun ends there.
    """
    toks = doc.tokens
    j = end - 1
    if j < sent.first or toks[j].pos not in NOUN_TAGS and toks[j].pos != "CD":
        return None
    best: int | None = None
    links = 0
    while True:
        k = j
        while k >= sent.first and (toks[k].pos in NP_TAGS or (toks[k].text in ("-", "'", "’") and k > sent.first)):
            if toks[k].pos == "VBG" and k == j:
                break
            k -= 1
            if toks[k + 1].pos in _NP_OPENERS:
                break  # a determiner opens the noun phrase
        start = k + 1
        # A noun phrase must not start with a participle or a possessive marker.
        while start <= j and toks[start].pos in ("POS", "VBG", "HYPH"):
            start += 1
        if start > j or not any(toks[i].pos in NOUN_TAGS for i in range(start, j + 1)):
            return best
        if end - start > MAX_WORDS and best is not None:
            return best
        best = start
        if links >= attach or k < sent.first + 1:
            return best
        prep = toks[k]
        if prep.pos not in ("IN", "TO") or prep.text.lower() not in ATTACH_PREPS:
            return best
        if toks[k - 1].pos not in NOUN_TAGS:
            return best
        j = k - 1
        links += 1


def strip_determiner(doc: Doc, first: int, last: int) -> int:
    """Skip a leading article ("a", "an", "the") of a phrase; return its new first token."""
    if first < last - 1 and doc.tokens[first].text.lower() in ("a", "an", "the", "that"):
        return first + 1
    return first


def skip_back(doc: Doc, sent: Sent, k: int, words: frozenset[str]) -> int:
    """Move back from token ``k`` over words in ``words``; return the new index."""
    while k >= sent.first and doc.tokens[k].text.lower() in words:
        k -= 1
    return k


def skip_aux_back(doc: Doc, sent: Sent, k: int) -> int:
    """Move back over auxiliaries, relatives, adverbs and "to be" before token ``k``."""
    words = AUXILIARIES | RELATIVES | _ADVERBS | frozenset(("to", "be", "been", "not"))
    while k >= sent.first and (doc.tokens[k].text.lower() in words or doc.tokens[k].pos in ("RB", "MD")):
        k -= 1
    return k


def clause_bounds(
    doc: Doc, sent: Sent, first: int, last: int, breaks: frozenset[str] = _CLAUSE_BREAK
) -> tuple[int, int]:
    """Return the token range of the clause holding ``[first, last)``: the part between ``breaks`` (commas...)."""
    toks = doc.tokens
    a = first
    while a > sent.first and toks[a - 1].text not in breaks:
        a -= 1
    b = last
    while b < sent.last and toks[b].text not in breaks:
        b += 1
    return a, b


def trim_words(doc: Doc, idx: list[int], limit: int = MAX_WORDS) -> str:
    """Join the tokens ``idx`` (in order) back into text, cut to ``limit`` words."""
    toks = doc.tokens
    while idx and (toks[idx[0]].text.lower() in _CLAUSE_LEAD or not is_word(toks[idx[0]])):
        idx = idx[1:]
    words = 0
    out: list[int] = []
    for i in idx:
        if is_word(toks[i]):
            words += 1
            if words > limit:
                break
        out.append(i)
    while out and (
        toks[out[-1]].pos in FUNCTION_TAGS
        or toks[out[-1]].text.lower() in DETERMINERS | AUXILIARIES | RELATIVES
        or not is_word(toks[out[-1]])
    ):
        out.pop()
    if not out:
        return ""
    # Neighbouring tokens keep the original text between them; a gap becomes a space.
    parts: list[str] = [toks[out[0]].text]
    for prev, i in zip(out, out[1:], strict=False):
        if i == prev + 1:
            parts.append(doc.text[toks[prev].end : toks[i].start].replace("\n", " "))
        else:
            parts.append(" ")
        parts.append(toks[i].text)
    return " ".join("".join(parts).split())
