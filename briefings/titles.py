"""Titles for articles that come without one: a headline line when the text has one, else one made from the lead.

A first line is a headline when it is short, has no closing period, and either reads as a heading (mostly
title case), is followed by a blank line, or is clearly shorter than the paragraph under it (so a hard-wrapped
first line of running text is not mistaken for one).

Otherwise the title is made from the lead: the summarizer's best-scoring sentence among the first
``LEAD_SENTENCES`` (position, centrality, no quotes, questions or pronoun openings; one that opens with "he", "she"
or "they" only if no other will do, since a title cannot lean on the sentence before) is cut down the way a
sub-editor would write a headline from it, with the part-of-speech tagger and chunker: datelines, connectives ("But"),
leading adverbial clauses ("After talks collapsed on Friday, ..."), trailing attributions (", police said"),
appositives (", 71,", ", who ...,"), asides between dashes and parentheses go; if it is still longer than
``MAX_TITLE_WORDS`` words it is cut at the last clause boundary that fits (a comma, "when", "which", "after"...),
else at the last phrase boundary that fits, never inside a noun phrase or a word, and never ending on a
function word.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from briefings.nlp.tagger import chunk_tagger, pos_tagger
from briefings.nlp.tokenize import tokenize
from briefings.sentences import is_heading_line, split_sentences
from briefings.summarize import Document, is_junk, summarize
from briefings.textutil import shorten

__all__ = ["MAX_TITLE_WORDS", "derive_title", "split_headline", "title_from_sentence"]

log = logging.getLogger(__name__)


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


MAX_TITLE_WORDS = 12  # news headlines run 6-12 words; the card's "What" row fits about that much
MIN_TITLE_WORDS = 4  # a cut that leaves fewer words than this says too little
MAX_HEADLINE_WORDS = 20
MAX_HEADLINE_CHARS = 150
LEAD_SENTENCES = 5  # the title comes from the lead, as a headline does
_SHORT_TITLE_WORDS = 6  # a clause cut shorter than this gives way to a longer phrase cut
_STRETCH_WORDS = 3  # how far past MAX_TITLE_WORDS a cut may go to finish a verb's object

_WORD = re.compile(r"[A-Za-z0-9]")
_LIST_MARK = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s+")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_DOTTED_END = re.compile(r"(?:[A-Za-z]\.){2,}$")
# "(CNN)", "(The Hollywood Reporter)", "LONDON, England (CNN) -- ", "WASHINGTON (Reuters) - ", "REUTERS: "
_DATELINE = re.compile(
    r"^\s*(?:(?:[A-Z][A-Za-z.'’-]+,?\s+){0,3}\([A-Z][\w .&'’-]{1,40}\)\s*(?:--|—|–|-|:)?\s*"
    r"|[A-Z][A-Z.'’-]{2,}(?:,?\s+[A-Z][A-Za-z.'’-]+){0,3}\s*(?:--|—|–|:)\s+)"
)
# Notes to the reader, not news: "(HBO is a Time Warner company, like CNN.)", "Editor's note: ..."
_EDITORIAL = re.compile(r"^\s*(?:\(.*\)\W*$|(?:editor'?s'? note|note to readers|disclosure|correction)\b)", re.I | re.S)
_PRONOUN_OPENING = re.compile(r"^[\"'“‘]?(?:he|she|they|him|his|her|them|their)\b", re.I)
_PARENS = re.compile(r"\s*\([^()]{0,80}\)")
_DASH_ASIDE = re.compile(r"\s+(?:--|—|–)\s+[^—–]{1,120}?\s+(?:--|—|–)\s+")
_OPENERS = _wordset(
    "but and so yet or still meanwhile however now also instead indeed thus then luckily clearly "
    "unfortunately fortunately separately elsewhere earlier later moreover nevertheless nonetheless"
)
_SPEECH = _wordset(
    "said says say told tells reported reports announced announces added adds according learned confirmed "
    "confirms claimed claims stated states wrote writes revealed reveals found finds warned warns"
)
_CLAUSE_WORDS = _wordset(
    "which who whom whose where when while because after before since although though until unless if "
    "despite amid amidst but following whereas"
)
_ADVERBIAL_OPENERS = _wordset(
    "after before when whenever while as since although though because if unless until once despite "
    "following amid amidst in on at for with without during from by under over through throughout across "
    "against according just even like unlike given having upon within beyond behind inside outside near "
    "to into onto between among toward towards"
)
_IRREGULAR_PARTICIPLES = _wordset(
    "caught born built brought held left struck stuck hit lost found bought sent kept led shot spent won "
    "fought taught sought bound hung made paid told known shown seen taken given driven written thrown "
    "beaten hidden stolen chosen frozen forgotten forgiven"
)
_FINITE = frozenset(["VBD", "VBZ", "VBP", "MD"])
_TRAILING_JUNK_TAGS = frozenset(["DT", "IN", "CC", "TO", "PRP$", "WDT", "WP", "WP$", "WRB", "POS", "EX", "PDT"])
_TRAILING_JUNK_WORDS = frozenset(["that", "than", "as", "whether", "and", "or", "but", "of", "the", "a", "an"])
_PUNCT_TAGS = frozenset([",", ":", ".", "``", "''", '"', "(", ")", "-LRB-", "-RRB-", "#", "$"])
_QUOTES = "\"“”"


@dataclass
class _Tok:
    text: str
    start: int
    end: int
    pos: str
    chunk: str
    idx: int

    @property
    def is_word(self) -> bool:
        """A word of the text as a reader counts them ("n't" and "'s" belong to the word before)."""
        return bool(_WORD.search(self.text)) and self.text[:1] not in "'’" and self.low != "n't"

    @property
    def low(self) -> str:
        return self.text.lower()


# ----- a headline line --------------------------------------------------------------------------------


def _headline_shape(line: str) -> bool:
    """Tell whether one line is short and unpunctuated enough to be a headline."""
    line = line.strip()
    if not line or len(line) > MAX_HEADLINE_CHARS or _LIST_MARK.match(line):
        return False
    words = line.split()
    if not 2 <= len(words) <= MAX_HEADLINE_WORDS or not _WORD.search(line):
        return False
    if line.endswith((",", ";", ":", "-", "—")):
        return False
    if sum(line.count(sep) for sep in (" | ", " · ", " • ", " > ")) >= 2:
        return False  # a site's menu or breadcrumbs ("Home | World | Business"), not a headline
    return not (line.endswith(".") and not _DOTTED_END.search(words[-1]))


def split_headline(text: str) -> tuple[str | None, str]:
    """Split a leading headline line off ``text``: return ``(headline, body)``, or ``(None, text)`` if none."""
    stripped = text.strip()
    first, _, rest = stripped.partition("\n")
    if not rest.strip():
        return None, text
    heading = _MD_HEADING.sub("", first).strip()
    if not _headline_shape(heading):
        return None, text
    blank_after = rest.startswith("\n") or rest.split("\n", 1)[0].strip() == ""
    following = rest.lstrip("\n").split("\n", 1)[0].strip()
    starts_new = bool(following) and (following[0].isupper() or following[0] in "\"'“‘(0123456789")
    clearly_shorter = len(heading) <= 0.75 * len(following)
    if blank_after or _MD_HEADING.match(first) or is_heading_line(heading) or (starts_new and clearly_shorter):
        return heading, rest.strip()
    return None, text


# ----- a title from the lead --------------------------------------------------------------------------


def derive_title(text: str) -> str:
    """Return a short headline-like title for ``text``: its headline line, else one made from its lead."""
    headline, body = split_headline(text)
    if headline:
        return shorten(headline, MAX_HEADLINE_CHARS)
    sentence = _lead_sentence(body)
    if not sentence:
        return shorten(" ".join(body.split()), 80)
    return title_from_sentence(sentence)


def _lead_sentence(text: str) -> str | None:
    """Pick the sentence of the lead that best says what the article is about."""
    sentences = [s for s in split_sentences(text) if not s.is_heading and not _EDITORIAL.match(s.text)]
    if not sentences:
        return None
    lead = {s.index for s in sentences[:LEAD_SENTENCES]}
    picks = [
        p
        for p in summarize([Document(text=text)], n=3)
        if p.sentence in lead and not _EDITORIAL.match(p.text)
    ]
    # A title cannot lean on what came before it: "She is a retired nurse" names no one.
    named = [p for p in picks if not _PRONOUN_OPENING.match(p.text)]
    if named or picks:
        return max(named or picks, key=lambda p: p.score).text
    usable = [s for s in sentences[:LEAD_SENTENCES] if not is_junk(s.text)]
    return (usable or sentences)[0].text


def title_from_sentence(sentence: str) -> str:
    """Cut one sentence down to a headline of at most about ``MAX_TITLE_WORDS`` words."""
    cleaned = _PARENS.sub("", _DASH_ASIDE.sub(" ", _DATELINE.sub("", sentence.strip()))).strip()
    if not _WORD.search(cleaned):
        cleaned = sentence.strip()
    tokens = tokenize(cleaned)
    words = [t.text for t in tokens]
    pos = pos_tagger().tag(words)
    chunks = chunk_tagger().tag(words, pos)
    toks = [_Tok(t.text, t.start, t.end, p, c, i) for i, (t, p, c) in enumerate(zip(tokens, pos, chunks, strict=True))]
    if not toks:
        return shorten(sentence, 80)
    kept = _drop_openers(toks)
    kept = _drop_leading_clause(kept)
    kept = _prefer_but_clause(kept)
    kept = _drop_attribution(kept)
    kept = _drop_subject_aside(kept)
    kept = _drop_asides(kept)
    kept = _drop_relative_clause(kept)
    if _words(kept) > MAX_TITLE_WORDS:
        kept = _drop_times(kept)
    if _words(kept) > MAX_TITLE_WORDS:
        kept = _reported_clause(kept)
    kept = _trim(_fit(kept), toks)
    if _words(kept) < 2:
        return shorten(cleaned.rstrip(".!"), 80)
    return _render(cleaned, kept)


def _words(toks: list[_Tok]) -> int:
    return sum(t.is_word for t in toks)


def _has_verb(toks: list[_Tok], finite_only: bool = True) -> bool:
    return any(t.pos in _FINITE or (not finite_only and t.pos.startswith("VB")) for t in toks)


def _drop_openers(toks: list[_Tok]) -> list[_Tok]:
    """Drop connectives and sentence adverbs that open the sentence ("But", "Clearly,")."""
    i = 0
    while i < len(toks) - 1:
        t = toks[i]
        if t.low in _OPENERS or (t.pos == "RB" and t.low.endswith("ly") and toks[i + 1].text == ","):
            i += 1
            if toks[i].text == ",":
                i += 1
            continue
        break
    rest = toks[i:]
    return rest if _words(rest) >= MIN_TITLE_WORDS else toks


def _commas(toks: list[_Tok]) -> list[int]:
    """Return the indices of the commas outside quotation marks."""
    out, depth = [], 0
    for i, t in enumerate(toks):
        if t.text in _QUOTES:
            depth ^= 1
        elif t.text == "," and (not depth or (i + 1 < len(toks) and toks[i + 1].text in _QUOTES)):
            out.append(i)  # 'the ministry "Hour of Power," died': the comma closes the quotation too
    return out


def _drop_leading_clause(toks: list[_Tok]) -> list[_Tok]:
    """Drop an opening adverbial clause or phrase that ends in a comma ("After the vote on Friday, ...")."""
    if not _opens_adverbial(toks):
        return toks
    for i in _commas(toks):
        if i > 30 or i + 1 >= len(toks):
            break
        nxt = toks[i + 1]
        if nxt.pos in ("CD", "CC") or nxt.text in _QUOTES:
            continue  # "On May 28, 2014, ..." or a list
        rest = toks[i + 1 :]
        if _words(rest) >= MIN_TITLE_WORDS and _has_verb(_first_clause(rest), finite_only=False):
            return rest
    return toks


def _opens_adverbial(toks: list[_Tok]) -> bool:
    """Tell whether the sentence opens with an adverbial (a preposition, subordinator, participle or time)."""
    first = toks[0].low
    if first in _ADVERBIAL_OPENERS or any(t.low in ("ago", "later", "earlier") for t in toks[1:5]):
        return True
    # "Caught up in ...", "Speaking to reporters ...": a participle (the tagger is unsure of capitalised words,
    # so the shape decides); "Twisted Sister says" and "Manning, who" are names, not participles.
    nxt = toks[1] if len(toks) > 1 else None
    participle = first.endswith(("ing", "ed")) or first in _IRREGULAR_PARTICIPLES
    return participle and nxt is not None and nxt.text[:1].islower()


def _first_clause(toks: list[_Tok]) -> list[_Tok]:
    """Return the tokens up to the first comma that is not the start of an aside ("Durst, 71, is ...")."""
    commas = _commas(toks)
    skip_to = -1
    for i in commas:
        if i <= skip_to:
            continue
        j = _next_segment(toks, i)
        if j is not None and _is_aside(toks, i, j):
            skip_to = j
            continue
        return toks[:i]
    return toks


def _prefer_but_clause(toks: list[_Tok]) -> list[_Tok]:
    """In "X may be so, but Y" the news is Y: keep it when the part before "but" is short."""
    for i in _commas(toks):
        if i + 2 < len(toks) and toks[i + 1].low == "but" and _words(toks[:i]) <= 5:
            rest = toks[i + 2 :]
            if _words(rest) >= MIN_TITLE_WORDS and _has_verb(rest):
                return rest
    return toks


def _drop_attribution(toks: list[_Tok]) -> list[_Tok]:
    """Drop trailing attributions: ", a police official told CNN on Saturday", ", according to ..."."""
    for _ in range(2):
        cut = None
        commas = _commas(toks)
        if commas and len(toks) - commas[-1] <= 16:
            tail = toks[commas[-1] + 1 :]
            if any(t.low in _SPEECH for t in tail) and tail and tail[0].low not in _CLAUSE_WORDS:
                cut = commas[-1]
        if cut is None:
            for i in range(MIN_TITLE_WORDS, len(toks) - 1):
                if toks[i].low == "according" and toks[i + 1].low == "to":
                    cut = i - 1 if toks[i - 1].text == "," else i
                    break
        if cut is None or _words(toks[:cut]) < MIN_TITLE_WORDS:
            return toks
        toks = toks[:cut]
    return toks


def _next_segment(toks: list[_Tok], comma: int) -> int | None:
    """Return the index of the comma that closes the segment opened at ``comma``, if there is one."""
    for j in range(comma + 1, min(len(toks), comma + 14)):
        if toks[j].text == ",":
            return j
        if toks[j].text in (";", ":", "--", "—", "–") or toks[j].text in _QUOTES:
            return None
    return None


def _is_aside(toks: list[_Tok], i: int, j: int) -> bool:
    """Tell whether ``toks[i+1:j]`` between two commas is an appositive, age or relative clause."""
    seg = toks[i + 1 : j]
    if not seg or i == 0:
        return False
    head = seg[0]
    if head.pos in ("WP", "WDT", "WP$") or head.low in ("who", "which", "whose"):
        return True
    if head.pos == "CD" and len(seg) <= 2:
        return toks[i - 1].pos in ("NNP", "NNPS", "CD")  # an age ("Durst, 71,") or a year ("May 28, 2014,")
    before = toks[i - 1]
    hometown = all(t.pos in ("NNP", "NNPS", "IN") for t in seg)
    if head.low in ("of", "from") and before.pos in ("NNP", "NNPS") and hometown:
        return True  # a home town: "Mohamud, of Columbus,"
    noun_phrase = all(t.chunk in ("B-NP", "I-NP") or t.pos in ("IN", "POS") for t in seg)
    return (
        before.pos in ("NNP", "NNPS")
        and head.pos in ("DT", "PRP$", "JJ", "NN", "NNS", "VBN", "CD")
        and noun_phrase
        and not _has_verb(seg)
        and len(seg) <= 10
    )


def _drop_subject_aside(toks: list[_Tok]) -> list[_Tok]:
    """Drop what sits between the subject and its verb: "Manning, who is serving ..., appears to ...".

    A verbless opening, a comma, anything, a comma, then a finite verb: the middle is an aside (a relative
    or participial clause, an appositive, an age), whatever its shape.
    """
    commas = _commas(toks)
    if len(commas) < 2 or toks[0].low in _ADVERBIAL_OPENERS:
        return toks
    head = toks[: commas[0]]
    if _inside_quotes(toks, commas[0]):
        head.append(toks[commas[0] + 1])  # 'Mark Ronson's "Uptown Funk!,"': keep the closing quote
    if _has_verb(head, finite_only=False) or not _words(head):
        return toks
    for j in commas[1:]:
        after = j + 1
        while after < len(toks) and toks[after].text in _QUOTES and _inside_quotes(toks, after):
            after += 1  # past the closing quote
        if _verb_after_adverb(toks[after : after + 2]):
            out = head + toks[after:]
            return out if _words(out) >= MIN_TITLE_WORDS else toks
    return toks


def _has_main_verb(toks: list[_Tok]) -> bool:
    """Tell whether ``toks`` hold a main verb: a finite one, or a past form the tagger took for a participle.

    "win" in "a 3-1 win" (after a determiner) is a noun whatever its tag; "scored" right after the subject
    ("The striker scored twice") or an adverb ("allegedly traveled") is a past tense.
    """
    for i, t in enumerate(toks):
        prev = toks[i - 1] if i else None
        if t.pos in _FINITE and (prev is None or prev.pos not in ("DT", "CD", "JJ", "PRP$", "POS")):
            return True
        if t.pos in ("VBN", "VBD") and prev is not None:
            if prev.pos in ("RB", "NNP", "NNPS", "PRP"):
                return True
            if prev.pos in ("NN", "NNS") and not any(x.pos.startswith("VB") for x in toks[:i]):
                return True
    return False


def _verb_like(tok: _Tok) -> bool:
    """Tell whether a token is (or, mis-tagged, reads as) a finite verb: "appears" tagged as a plural noun."""
    return tok.pos in _FINITE or (tok.pos == "NNS" and tok.text.islower() and tok.low.endswith("s"))


def _verb_after_adverb(toks: list[_Tok]) -> bool:
    """Tell whether ``toks`` open with a verb, maybe after an adverb ("allegedly traveled")."""
    if not toks:
        return False
    if toks[0].pos == "RB" and len(toks) > 1:
        return toks[1].pos in _FINITE or toks[1].pos == "VBN" or _verb_like(toks[1])
    return _verb_like(toks[0])


def _drop_asides(toks: list[_Tok]) -> list[_Tok]:
    """Drop appositives, ages and relative clauses set off by commas (", a convicted felon,")."""
    out = list(toks)
    i = 1
    while i < len(out):
        if out[i].text == "," and not _inside_quotes(out, i):
            j = _next_segment(out, i)
            if j is not None and _is_aside(out, i, j) and _words(out[:i] + out[j + 1 :]) >= MIN_TITLE_WORDS:
                place_follows = j + 1 < len(out) and out[j + 1].low in ("of", "from")
                out = out[:i] + out[j:] if place_follows else out[:i] + out[j + 1 :]  # "Mohamud, 23, of Ohio,"
                continue
        i += 1
    return out


def _drop_relative_clause(toks: list[_Tok]) -> list[_Tok]:
    """Drop a relative clause on the subject: "The deputy who shot a man turned himself in" -> "The deputy turned"."""
    if len(toks) < 6 or not (toks[0].chunk == "B-NP" or toks[0].pos in ("DT", "NNP", "JJ")):
        return toks
    rel = next((i for i, t in enumerate(toks[:10]) if t.low in ("who", "that") and t.pos in ("WP", "WDT")), None)
    if rel is None or rel < 2 or toks[rel - 1].chunk not in ("B-NP", "I-NP") or _has_verb(toks[:rel]):
        return toks
    # The main verb right after a comma that closes the clause: 'The teenager who ..., is now ...'
    main = next(
        (
            m
            for m in range(rel + 2, len(toks))
            if toks[m].pos in _FINITE and [t.text for t in toks[rel:m] if t.text not in _QUOTES][-1:] == [","]
        ),
        None,
    )
    if main is None:
        # Or the second finite verb, when the clause holds no other clause: 'The deputy who shot a man turned ...'
        finite = [i for i in range(rel + 1, len(toks)) if toks[i].pos in _FINITE]
        if len(finite) < 2 or finite[0] != next(
            (i for i in range(rel + 1, len(toks)) if toks[i].pos.startswith("VB")), None
        ):
            return toks
        main = finite[1]
        between = toks[rel + 1 : main]
        if any(t.low in _CLAUSE_WORDS or t.pos in ("WP", "WDT") or t.text in _QUOTES + "," for t in between):
            return toks
    out = toks[:rel] + toks[main:]
    return out if _words(out) >= MIN_TITLE_WORDS and _has_verb(out) else toks


_DAYS = _wordset(
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tonight tomorrow"
)
_MONTHS = _wordset(
    "january february march april may june july august september october november december jan feb mar "
    "apr jun jul aug sep sept oct nov dec"
)
_PERIODS = frozenset(["week", "month", "year", "weekend", "morning", "afternoon", "evening", "night"])


def _drop_times(toks: list[_Tok]) -> list[_Tok]:
    """Drop time adverbials ("on Friday", "last week", "earlier this month"), as headlines do."""
    out: list[_Tok] = []
    i = 0
    while i < len(toks):
        j = i
        if toks[j].low in ("on", "earlier", "late", "early") and j + 1 < len(toks):
            j += 1
        if toks[j].low in ("this", "last", "next", "earlier") and j + 1 < len(toks) and toks[j + 1].low in _PERIODS:
            end = j + 2
        elif toks[j].low in _DAYS and toks[j].pos in ("NNP", "NN", "RB"):
            end = j + 1
            if end < len(toks) and toks[end].low in _PERIODS:
                end += 1
        elif toks[j].low in _MONTHS and toks[j].pos == "NNP" and j + 1 < len(toks) and toks[j + 1].pos == "CD":
            end = j + 2
        else:
            end = i
        subject = i == 0 or (end < len(toks) and toks[end].pos in _FINITE)
        if end == i or subject:
            out.append(toks[i])
            i += 1
            continue
        i = end
    return out if _words(out) >= MIN_TITLE_WORDS and _has_verb(out, finite_only=False) else toks


def _reported_clause(toks: list[_Tok]) -> list[_Tok]:
    """For "Officials said on Monday that the meeting would not go ahead", keep the reported clause."""
    for i, t in enumerate(toks[:12]):
        if t.low == "that" and t.pos in ("IN", "WDT") and any(x.low in _SPEECH for x in toks[:i]):
            rest = toks[i + 1 :]
            if _words(rest) >= MIN_TITLE_WORDS and _has_verb(rest):
                return rest
    return toks


def _inside_quotes(toks: list[_Tok], k: int) -> bool:
    return sum(t.text in _QUOTES for t in toks[:k]) % 2 == 1


_STRONG = frozenset([";", ":", "--", "—", "–"])
_NOUN_TAGS = frozenset(["NN", "NNS", "NNP", "NNPS"])
_MODIFIER_TAGS = frozenset(["JJ", "JJR", "JJS", "VBG", "VBN", "NN", "NNS", "NNP", "NNPS", "CD", "DT", "PRP$", "POS"])
_PARTICLES = frozenset(["on", "up", "off", "out", "down", "over", "in", "back", "away"])
# Words a title must not end on: negations, and quantifiers whose noun was cut off ("one | of the ...").
_DANGLING = _wordset("ever not n't never no i he she it we they")
# Quantifiers whose noun was cut off ("one | of the ...", "hundreds | of"), unless they head a noun phrase
# of their own ("the second half", "the rest").
_QUANTIFIERS = _wordset(
    "one some many most all none each both several part half lots number any few dozens hundreds thousands "
    "millions billions rest"
)
_DEGREE = _wordset("most more less least very so too")
_PRONOUNS = _wordset("i he she it we they")
_NP_START = frozenset(["DT", "NN", "NNS", "NNP", "NNPS", "CD", "JJ", "PRP$", "PRP"])
_FIXED_IN = _wordset(
    "connection response relation addition front spite light terms charge favor favour honor honour "
    "memory support protest search place order line"
)


def _fit(toks: list[_Tok]) -> list[_Tok]:
    """Cut to at most MAX_TITLE_WORDS words at a clause boundary, else at a phrase boundary."""
    while toks and toks[-1].text in (".", "!"):
        toks = toks[:-1]
    if _words(toks) <= MAX_TITLE_WORDS + 1:  # one word over is better than a cut
        return toks
    words_before = [0] * (len(toks) + 1)
    for k, t in enumerate(toks):
        words_before[k + 1] = words_before[k] + t.is_word

    def fits(k: int, limit: int = MAX_TITLE_WORDS) -> bool:
        nxt, prev = toks[k], toks[k - 1]
        return (
            MIN_TITLE_WORDS <= words_before[k] <= limit
            and not _inside_quotes(toks, k)
            and nxt.pos != "POS"
            and (nxt.is_word or nxt.pos in _PUNCT_TAGS)
            # never between a modifier and its noun ("hearing | distance"), whatever the chunker says
            and not (nxt.pos in _NOUN_TAGS and prev.pos in _MODIFIER_TAGS)
            and not (nxt.pos in ("JJ", "JJR", "JJS") and prev.pos in ("RBS", "RBR", "JJS", "DT", "PRP$", "POS"))
        )

    clause = [
        k
        for k in range(1, len(toks))
        if fits(k)
        and (
            (toks[k].text == "," and toks[k - 1].pos not in ("JJ", "JJR", "DT", "PRP$", "CD", "CC"))
            or toks[k].text in _STRONG
            or (toks[k].low in _CLAUSE_WORDS and toks[k].pos in ("IN", "WDT", "WP", "WP$", "WRB", "CC"))
            or (toks[k].low == "as" and toks[k - 1].text == ",")  # not "serve | as", "known | as"
            or (toks[k].pos == "VBG" and toks[k - 1].text == ",")
        )
        and _has_verb(toks[:k])
    ]
    clause = [k for k in clause if toks[k - 1].low in _PRONOUNS or toks[k - 1].low not in _DANGLING]  # "ever | since"

    clause_cut = None
    if clause:
        best = max(clause)
        strong = [k for k in clause if toks[k].text in _STRONG and words_before[best] - words_before[k] <= 2]
        clause_cut = max(strong) if strong else best
        if words_before[clause_cut] >= _SHORT_TITLE_WORDS or toks[clause_cut].text in _STRONG:
            return toks[:clause_cut]

    def phrase_cuts(limit: int) -> list[int]:
        return [
            k
            for k in range(1, len(toks))
            if fits(k, limit) and not toks[k].chunk.startswith("I-") and _ends_well(toks[:k], toks[k])
        ]

    def value(k: int) -> float:
        # longer is better; cutting off a prepositional phrase is the cleanest cut, cutting off "of ..."
        # (usually the noun's own complement: "the threat | of terrorism") the worst
        nxt = toks[k]
        return words_before[k] + (-3.0 if nxt.low == "of" else 1.0 if nxt.chunk in ("B-PP", "B-SBAR") else 0.0)

    with_verb = [k for k in phrase_cuts(MAX_TITLE_WORDS) if _has_main_verb(toks[:k])]
    if clause_cut is not None:
        # A short main clause ("Oil prices rose sharply") unless a phrase cut says clearly more.
        longer = [k for k in with_verb if words_before[k] >= words_before[clause_cut] + 3]
        return toks[: max(longer, key=value)] if longer else toks[:clause_cut]
    if with_verb:
        return toks[: max(with_verb, key=value)]
    # The verb comes late, after a long subject: finish its object if that stays short.
    verb = next((i for i in range(len(toks)) if _has_main_verb(toks[: i + 1])), None)
    if verb is not None and not any(t.pos.startswith("VB") for t in toks[:verb]):
        stretch = [k for k in phrase_cuts(MAX_TITLE_WORDS + _STRETCH_WORDS) if k > verb]
        if stretch:
            return toks[: min(stretch)]
    any_cut = phrase_cuts(MAX_TITLE_WORDS)
    if any_cut:
        return toks[: max(any_cut, key=value)]
    k = next(k for k in range(len(toks) + 1) if words_before[k] >= MAX_TITLE_WORDS)
    return toks[:k]


def _ends_well(toks: list[_Tok], nxt: _Tok | None = None) -> bool:
    """Tell whether a title cut before ``nxt`` ends on a word that completes a phrase (not a bare verb)."""
    last = next((t for t in reversed(toks) if t.pos not in _PUNCT_TAGS), None)
    if last is None:
        return False
    low = last.low
    if last.pos in _TRAILING_JUNK_TAGS or low in _TRAILING_JUNK_WORDS or low in _DANGLING:
        return False
    at = toks.index(last)
    before = toks[at - 1] if at > 0 else None
    if low in _QUANTIFIERS and (before is None or before.pos not in ("DT", "JJ", "PRP$", "CD", "POS")):
        return False
    if last.pos.startswith("VB") and last.pos not in ("VBN", "VBG"):
        return False  # "... slammed" (an object is missing); "... was arrested" is fine
    perfect = last.pos == "VBN" and before is not None and before.low in ("has", "have", "had", "'ve", "’ve")
    if perfect and nxt is not None and not (nxt.pos in ("IN", "TO") and nxt.low not in _PARTICLES):
        return False  # "... has died | at 84" is whole; "... has caught | on fire", "... has won | the cup" are not
    if before is not None and before.low == "in" and low in _FIXED_IN:
        return False  # "in connection" (with), "in response" (to)
    if nxt is not None and nxt.pos in _NP_START and last.pos == "VBG" and at == len(toks) - 1:
        return False  # "a map showing | coalition forces ..."
    if last.pos == "VBG" and before is not None and before.pos == "IN":
        return False  # "for saying"
    if nxt is not None and low in _DEGREE and nxt.pos not in ("IN", "TO", *_PUNCT_TAGS):
        return False  # "history's most | heralded canon"
    if nxt is not None and nxt.low == "to" and low in ("up", "due", "close", "next", "prior", "owing", "on"):
        return False  # "can lose up | to $1,000", "went on | to marry"
    if last.pos == "RB" and before is not None and before.pos.startswith("VB"):
        return False  # "is now | under investigation"
    return not (last.pos in ("VBN", "VBG") and last.chunk.startswith("I-NP"))


def _trim(toks: list[_Tok], original: list[_Tok]) -> list[_Tok]:
    """Drop trailing punctuation and function words, and a dangling opening quote.

    A final preposition is kept when it is stranded ("more than they bargained for") rather than cut
    from its object.
    """
    out = list(toks)
    while out:
        last = out[-1]
        if last.text in _QUOTES:
            if _inside_quotes(out, len(out) - 1):
                break  # a closing quote
            out.pop()  # an opening quote with nothing after it
            continue
        if (last.pos in _PUNCT_TAGS or not _WORD.search(last.text)) and last.text not in ("?", ")", "%", "$"):
            out.pop()
            continue
        if last.pos in _TRAILING_JUNK_TAGS or last.low in _TRAILING_JUNK_WORDS:
            after = original[last.idx + 1] if last.idx + 1 < len(original) else None
            stranded = last.pos in ("IN", "RP") and (after is None or not after.chunk.endswith("NP"))
            if stranded and out is not toks or (stranded and len(out) == len(toks)):
                break
            out.pop()
            continue
        break
    while out and (out[0].pos in (",", ":") or out[0].low in ("and", "but", "or")):
        out.pop(0)
    return out


def _render(text: str, toks: list[_Tok]) -> str:
    """Join the kept tokens with the text's own spacing (one space where something was cut out)."""
    parts: list[str] = []
    quotes = 0
    for prev, tok in zip([None, *toks[:-1]], toks, strict=True):
        closing = tok.text in _QUOTES and quotes % 2 == 1
        if prev is not None:
            gap = text[prev.end : tok.start]
            if tok.idx == prev.idx + 1 and not gap.strip():
                parts.append(gap)
            elif not closing and tok.text not in ",;:.!?)" and tok.text[:1] not in "'’":
                parts.append(" ")
        quotes += tok.text in _QUOTES
        parts.append(tok.text)
    title = re.sub(r"[.,;:]+([\"”’']+)$", r"\1", "".join(parts).strip())
    if title.count('"') % 2:
        title += '"'
    if title.count("“") > title.count("”"):
        title += "”"
    if len(re.findall(r"(?:^|\s)'\w", title)) > len(re.findall(r"\w[.!?]?'(?:\s|$)", title)):
        title += "'"  # "dubbed 'Moving Day" -> "dubbed 'Moving Day'"
    return title[:1].upper() + title[1:]
