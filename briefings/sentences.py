"""Fast rule-based sentence splitter for news text, with heading detection.

Lines are split first (each non-empty line, or run of wrapped lines, is a paragraph);
heading-like lines become their own units; the rest is cut at sentence-final
punctuation unless the period belongs to an abbreviation, an initial, a dotted
acronym that does not end the sentence, or a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Sentence", "split_sentences", "is_heading_line"]


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence (or heading) of a text, with character offsets into that text."""

    text: str
    start: int
    end: int
    paragraph: int
    index: int
    is_heading: bool = False


# Titles and other abbreviations that never end a sentence in news copy.
_TITLES_WORDS = """
    mr mrs ms messrs mmes dr prof gen lt col maj capt cpt sgt cpl pvt adm cmdr cdr brig
    sen rep reps gov govs pres supt insp det st ste mt ft rev fr hon esq
    amb atty vs v approx dept univ assn fig figs e.g i.e cf ca c
    """
_TITLES = frozenset(_TITLES_WORDS.split())
# Abbreviations that may close a sentence ("... said Apple Inc. The company ..."): a
# boundary only when a typical sentence opener follows, as for "U.S." and "p.m.".
_SOFT_WORDS = "etc al inc corp co ltd plc llc bros jr sr"
_SOFT = frozenset(_SOFT_WORDS.split())
# Abbreviations that do not end a sentence when a number follows ("Jan. 5", "No. 5").
_BEFORE_NUMBER_WORDS = """
    jan feb mar apr jun jul aug sep sept oct nov dec no nos vol vols p pp art arts ch sec
    sect par para fig figs op
    """
_BEFORE_NUMBER = frozenset(_BEFORE_NUMBER_WORDS.split())
# Words that very often start a sentence: after "U.S." or "p.m." they signal a boundary.
_STARTERS_WORDS = """
    a an the he she it they we i you his her its their our my this that these those
    there here but and or so yet if when while after before as since although though
    however meanwhile still also then now in on at for from by with without during
    some many most several both all no none one two three other another each every
    what who why how where which officials police authorities critics
    """
_STARTERS = frozenset(_STARTERS_WORDS.split())

_BOUNDARY = re.compile(r"(?:[.!?…]+|\. \. \.)[\"'”’)\]»]*(?=\s+[\"'“‘(\[«]*[A-Z0-9])")
_DOTTED = re.compile(r"^(?:[A-Za-z]\.){2,}$")
_NEXT_WORD = re.compile(r"\s+[\"'“‘(\[«]*([A-Za-z0-9]+)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+\S")
_TERMINAL = re.compile(r"[.!?…:;,]([\"'”’)\]»]*)\s*$")
_HEADING_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_SMALL_WORDS_TEXT = (
    "a an the and or but nor of in on at to for from by with as vs via amid amidst over "
    "into onto upon about after before under between against its their his her"
)
_SMALL_WORDS = frozenset(_SMALL_WORDS_TEXT.split())
_LIST_MARK = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s+")
_LINE = re.compile(r"[^\n]+")


def is_heading_line(line: str) -> bool:
    """Tell whether one line of text looks like a heading or title rather than prose."""
    stripped = line.strip()
    if not stripped:
        return False
    if _MD_HEADING.match(stripped):
        return True
    if _LIST_MARK.match(stripped):
        return False
    if len(stripped) > 120:
        return False
    term = _TERMINAL.search(stripped)
    if term and _DOTTED.match(stripped.rsplit(None, 1)[-1]):
        term = None  # "Increased Demands from the U.S."
    if term:
        # "Background:" style labels are headings; other terminal punctuation is prose.
        return stripped.endswith(":") and len(stripped.split()) <= 6
    words = _HEADING_WORD.findall(stripped)
    if not words or len(words) > 16:
        return False
    content = [w for w in words if w.lower() not in _SMALL_WORDS or w is words[0]]
    if not content:
        return False
    capitalised = sum(1 for w in content if w[0].isupper())
    if stripped.isupper():
        return True
    if len(words) <= 2:
        return capitalised == len(content)
    return capitalised / len(content) >= 0.7


def _is_boundary(line: str, dot_end: int, punct: str, closer: str) -> bool:
    """Decide whether ``punct`` (ending at ``dot_end``, then ``closer`` quotes) ends a sentence."""
    if punct != ".":
        # "!", "?", ellipses: a sentence end when a capital follows (checked by the regex).
        return True
    if closer:
        # A closing quote or bracket after the period: a sentence end.
        return True
    ws = max(line.rfind(c, 0, dot_end) for c in " \n\t")
    word = line[ws + 1 : dot_end].lstrip("\"'“‘([«")[:-1]
    if not word:
        return True
    low = word.lower()
    if low in _TITLES:
        return False
    nxt = _NEXT_WORD.match(line, dot_end)
    next_word = nxt.group(1) if nxt else ""
    if low in _BEFORE_NUMBER and next_word[:1].isdigit():
        return False
    if len(word) == 1 and word.isupper():
        # "J. K. Rowling", "George W. Bush"; "Plan B. The" only when a starter word follows.
        return next_word.lower() in _STARTERS and len(next_word) > 1
    if low in _SOFT or _DOTTED.match(word + "."):
        # "U.S. officials" goes on; "in the U.S. The talks" ends.
        return next_word.lower() in _STARTERS
    return True


def _split_block(block: str, offset: int) -> list[tuple[int, int]]:
    """Split one paragraph into sentence spans (absolute, whitespace-trimmed)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(block):
        end = m.end()
        if end <= start:
            continue
        mark = m.group(0)
        punct = mark.rstrip("\"'”’)]»")
        if _is_boundary(block, m.start() + len(punct), punct, mark[len(punct) :]):
            spans.append((start, end))
            start = end
    spans.append((start, len(block)))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        seg = block[s:e]
        ls = len(seg) - len(seg.lstrip())
        rs = len(seg.rstrip())
        if rs > ls:
            out.append((offset + s + ls, offset + s + rs))
    return out


def _blocks(text: str) -> list[tuple[int, int, bool]]:
    """Group lines into paragraphs: (start, end, is_heading), joining hard-wrapped lines."""
    blocks: list[tuple[int, int, bool]] = []
    cur: list[int] | None = None  # [start, end]
    prev_end = -1
    for m in _LINE.finditer(text):
        s, e = m.start(), m.end()
        line = m.group(0)
        if not line.strip():
            if cur is not None:
                blocks.append((cur[0], cur[1], False))
                cur = None
            prev_end = -1
            continue
        heading = is_heading_line(line)
        if heading:
            if cur is not None:
                blocks.append((cur[0], cur[1], False))
                cur = None
            blocks.append((s, e, True))
            prev_end = -1
            continue
        first = line.lstrip()[:1]
        if (
            cur is not None
            and prev_end == s - 1
            and first.islower()
            and not _TERMINAL.search(text[cur[0] : cur[1]])
        ):
            cur[1] = e  # a hard-wrapped continuation line
        else:
            if cur is not None:
                blocks.append((cur[0], cur[1], False))
            cur = [s, e]
        prev_end = e
    if cur is not None:
        blocks.append((cur[0], cur[1], False))
    return blocks


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences and heading units with offsets, paragraphs and indices."""
    out: list[Sentence] = []
    for para, (bs, be, heading) in enumerate(_blocks(text)):
        block = text[bs:be]
        if heading:
            ls = len(block) - len(block.lstrip())
            rs = len(block.rstrip())
            out.append(Sentence(block[ls:rs], bs + ls, bs + rs, para, len(out), True))
            continue
        for s, e in _split_block(block, bs):
            out.append(Sentence(text[s:e], s, e, para, len(out), False))
    return out
