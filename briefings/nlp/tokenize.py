"""A CoNLL/Penn-style word tokenizer with character offsets, and a fast sentence splitter."""

from __future__ import annotations

import re
from typing import NamedTuple


class Token(NamedTuple):
    """A token: its text and its character span ``[start, end)`` in the source text."""

    text: str
    start: int
    end: int


# Characters peeled off the front / back of a whitespace-separated chunk.
_OPENERS = "\"'“‘«‹([{`„¿¡*"
_CLOSERS = "\"'”’»›)]},;:!?*…"
_APOSTROPHES = "'’"
# Abbreviations that keep their final period (lower-cased, without the period).
_ABBREVIATIONS = frozenset(
    (
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "gen", "col", "lt", "sgt",
        "capt", "cmdr", "adm", "gov", "sen", "rep", "rev", "hon", "pres", "inc", "corp", "co",
        "ltd", "plc", "llc", "bros", "dept", "univ", "assn", "no", "nos", "vs", "etc", "al",
        "approx", "est", "fig", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
        "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat",
        "sun", "a.m", "p.m", "e.g", "i.e", "u.s", "u.k", "u.n",
    )
)
# Numbers (with grouping, decimals, dates, times, ratios, scores, ranges, sums like 2+2).
_NUMBER = re.compile(r"[+-]?\d[\d,.:/+\-x×]*\d(?:[a-zA-Z]{1,3})?|\d(?:[a-zA-Z]{1,3})?")
_INITIALS = re.compile(r"(?:[A-Za-z]\.){2,}")
_CONTRACTION = re.compile(r"(?i)^(.+?)(n['’]t|['’](?:s|re|ve|ll|m|d))$")
_CLITIC = re.compile(r"(?i)['’](?:s|re|ve|ll|m|d)|n['’]t")
# Internal separators split out of a chunk: dashes, ellipses, and commas/semicolons
# not inside numbers.
_CHUNK = re.compile(r"\S+")
_INTERNAL = re.compile(r"—|–|-{2,}|\.{2,}|…|(?<!\d),|,(?!\d)|;|\u200b")


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens with character offsets, CoNLL style ("Japan", "'s")."""
    tokens: list[Token] = []
    new = tuple.__new__  # Token(...) without its Python-level __new__: one C call per token
    for m in _CHUNK.finditer(text):
        chunk = m.group()
        if chunk.isalnum():  # nothing to split off: most words
            start = m.start()
            tokens.append(new(Token, (chunk, start, start + len(chunk))))
        elif chunk[-1] in ",." and chunk[:-1].isalnum() and not (chunk[-1] == "." and _keeps_period(chunk)):
            # a word and its comma or full stop, as _split_chunk splits them
            start = m.start()
            end = start + len(chunk) - 1
            tokens.append(new(Token, (chunk[:-1], start, end)))
            tokens.append(new(Token, (chunk[-1], end, end + 1)))
        else:
            _split_chunk(chunk, m.start(), tokens)
    return tokens


def _split_chunk(chunk: str, offset: int, out: list[Token]) -> None:
    """Append the tokens of one whitespace-free chunk to ``out``."""
    pieces: list[tuple[str, int]] = []
    last = 0
    for m in _INTERNAL.finditer(chunk):
        if m.start() > last:
            pieces.append((chunk[last : m.start()], offset + last))
        pieces.append((m.group(), offset + m.start()))
        last = m.end()
    if last < len(chunk):
        pieces.append((chunk[last:], offset + last))
    for piece, start in pieces:
        if _INTERNAL.fullmatch(piece):
            out.append(Token(piece, start, start + len(piece)))
        else:
            _split_piece(piece, start, out)


def _split_piece(s: str, start: int, out: list[Token]) -> None:
    """Peel punctuation and clitics off a piece and append its tokens to ``out``."""
    front: list[Token] = []
    back: list[Token] = []
    end = start + len(s)
    if _CLITIC.fullmatch(s):
        out.append(Token(s, start, end))
        return
    # Leading openers and currency symbols.
    while s:
        c = s[0]
        if c in _OPENERS or (c in "$€£¥#@" and len(s) > 1 and not s[1].isalpha()):
            front.append(Token(c, start, start + 1))
            s = s[1:]
            start += 1
        else:
            break
    # Trailing closers, periods, percent signs.
    while s:
        c = s[-1]
        if c in _CLOSERS:
            # closing quotes and brackets, and the apostrophe of "parents'"
            back.append(Token(c, end - 1, end))
            s = s[:-1]
            end -= 1
        elif len(s) > 1 and (c == "%" or (c == "." and not _keeps_period(s))):
            back.append(Token(c, end - 1, end))
            s = s[:-1]
            end -= 1
        else:
            break
    if s:
        m = _CONTRACTION.match(s)
        if m and not _NUMBER.fullmatch(s) and s[0] not in _APOSTROPHES:
            head, clitic = m.group(1), m.group(2)
            if head:
                front.append(Token(head, start, start + len(head)))
                front.append(Token(clitic, start + len(head), end))
                s = ""
        if s:
            front.append(Token(s, start, end))
    out.extend(front)
    out.extend(reversed(back))


def _keeps_period(s: str) -> bool:
    """Tell whether a piece ending in "." keeps its period (an abbreviation or initial)."""
    core = s[:-1]
    if not core:
        return False
    if len(core) == 1 and core.isalpha():
        return True  # initials: "J." "M."
    if _INITIALS.fullmatch(s):
        return True  # "U.S." "a.m."
    if core.isdigit() and len(core) <= 2:
        return False
    return core.lower() in _ABBREVIATIONS


def sentence_spans(text: str, tokens: list[Token]) -> list[tuple[int, int]]:
    """Group ``tokens`` into sentences as ``[i, j)`` token-index ranges.

    Lines are split first; within a line a sentence ends at ".", "!" or "?" (optionally
    followed by a closing quote or bracket) when the next token starts with a capital
    letter, a digit or an opening quote.
    """
    spans: list[tuple[int, int]] = []
    n = len(tokens)
    i = 0
    begin = 0
    while i < n:
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < n else None
        boundary = False
        if nxt is None or "\n" in text[tok.end : nxt.start]:
            boundary = True
        elif tok.text in (".", "!", "?", "...", "…") or (
            tok.text in ("\"", "”", "’", "'", ")") and i > begin and tokens[i - 1].text in ".!?"
        ):
            if nxt.text in ("\"", "”", "’", ")") and tok.text in ".!?":
                boundary = False  # the closer belongs to this sentence
            else:
                c = nxt.text[0]
                boundary = c.isupper() or c.isdigit() or c in "\"“‘'("
        if boundary:
            spans.append((begin, i + 1))
            begin = i + 1
        i += 1
    return spans
