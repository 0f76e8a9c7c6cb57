"""Small text helpers for the summarizer: content-word tokens, light stemming, stopwords."""

from __future__ import annotations

import re
from types import MappingProxyType

__all__ = ["STOPWORDS", "content_terms", "new_memo", "word_count"]

_STOPWORDS_TEXT = """
a about above after again against all also am an and any are aren't as at be because been
before being below between both but by can can't cannot could couldn't did didn't do does
doesn't doing don't down during each few for from further had hadn't has hasn't have haven't
having he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll
i'm i've if in into is isn't it it's its itself let's me more most mustn't my myself no nor
not of off on once only or other ought our ours ourselves out over own same shan't she she'd
she'll she's should shouldn't so some such than that that's the their theirs them themselves
then there there's these they they'd they'll they're they've this those through to too under
until up very was wasn't we we'd we'll we're we've were weren't what what's when when's where
where's which while who who's whom why why's with won't would wouldn't you you'd you'll you're
you've your yours yourself yourselves said says say saying told tells according just will
one two new like get got also would could may might must us mr mrs ms s t
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
_STOP_MEMO = MappingProxyType(dict.fromkeys(STOPWORDS, ""))

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def _stem(word: str) -> str:
    """Strip a few common English suffixes (a deliberately light, fast stemmer)."""
    if len(word) <= 4:
        return word
    last = word[-1]
    if last == "s":
        if word.endswith("ings") and len(word) >= 7:
            return word[:-4]
        if word.endswith("ies"):
            return word[:-3] + "y"
        if word.endswith("es") and not word.endswith(("ses", "xes", "ches", "shes", "zes")):
            return word[:-1]
        if word.endswith("ss"):
            return word
        return word[:-1]
    if last == "g" and word.endswith("ing") and len(word) >= 6:
        return word[:-3]
    if last == "d" and word.endswith("ed") and len(word) >= 5:
        return word[:-2]
    if last == "y" and word.endswith("ly") and len(word) >= 5:
        if word.endswith("edly") and len(word) >= 7:
            return word[:-4]
        return word[:-2]
    return word


def new_memo() -> dict[str, str]:
    """A fresh token-to-term memo for :func:`content_terms` (stopwords map to "")."""
    return dict(_STOP_MEMO)


def content_terms(text: str, memo: dict[str, str] | None = None) -> list[str]:
    """Return the stemmed, lower-cased content words of ``text`` (stopwords removed).

    ``memo`` (from :func:`new_memo`) may be shared by the calls for one document, so
    that each word is stemmed once.
    """
    if memo is None:
        memo = new_memo()
    out = []
    get = memo.get
    for tok in _TOKEN.findall(text.lower().replace("’", "'")):
        term = get(tok)
        if term is None:
            term = memo[tok] = _term(tok) or ""
        if term:
            out.append(term)
    return out


def _term(tok: str) -> str | None:
    """The index term of one lower-cased token, or None for a stopword or a stray letter."""
    if tok in STOPWORDS or (len(tok) < 2 and not tok.isdigit()):
        return None
    if tok.endswith("'s"):
        tok = tok[:-2]
    return _stem(tok)


def word_count(text: str) -> int:
    """Count whitespace-separated words."""
    return len(text.split())
