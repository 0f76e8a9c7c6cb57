"""Extractive, offline summarizer for one news article or a story of several articles.

Each candidate sentence gets a score from a few general news priors: its position
(news is written lead-first; in an article with section headings, each section has a
lead of its own), its centrality (tf-idf cosine with the rest of the story), its overlap
with the title, a length prior and a style penalty (quotations, questions, first person,
no-comment boilerplate, sentences opening with a pronoun or connective). Sentences are
then picked greedily with an MMR-like penalty for what the summary already covers, and
near-duplicates (the same fact told by two outlets) are never picked twice. Headings,
recap sections ("Conclusion"), captions, credit lines, bylines and link junk are skipped.

Term weights mix the story's own sentence-level idf with a background idf table
(``data/summarizer-idf.tsv``, document frequencies from Reuters news, CoNLL-2003 train).
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from types import MappingProxyType

from briefings.sentences import Sentence, split_sentences
from briefings.textstats import content_terms, new_memo, word_count

__all__ = [
    "DEFAULT_PARAMS",
    "Document",
    "Picked",
    "SummaryParams",
    "is_junk",
    "summarize",
    "summarize_text",
]

logger = logging.getLogger(__name__)


@dataclass
class Document:
    """One article to summarise."""

    text: str
    title: str | None = None
    published: datetime | None = None
    key: int | str | None = None


@dataclass
class Picked:
    """One picked sentence: its text, the index of its document and its sentence index."""

    text: str
    doc: int
    sentence: int
    score: float


@dataclass(frozen=True)
class SummaryParams:
    """The summarizer's few tuning knobs (defaults are the shipped values)."""

    position_decay: float = 5.0  # e-folding length of the position prior, in sentences
    centrality: float = 2.0  # weight of tf-idf cosine with the rest of the story
    title: float = 1.0  # weight of tf-idf cosine with the title(s)
    short_words: int = 8  # sentences shorter than this are penalised
    long_words: int = 20  # sentences longer than this are penalised
    length_penalty: float = 0.3  # penalty per unit of relative excess length
    style: float = 0.3  # penalty for quotations, questions, first person (half for anaphora)
    redundancy: float = 1.0  # MMR weight of the similarity to the sentences already picked
    duplicate: float = 0.5  # similarity above which a sentence is a near-duplicate
    min_words: int = 5  # fragments shorter than this are never picked
    background: float = 0.5  # share of the background idf in the term weights (0..1)


DEFAULT_PARAMS = SummaryParams()


def _load_background() -> tuple[MappingProxyType[str, float], float]:
    """Load the background idf table shipped in ``briefings/data``."""
    try:
        raw = resources.files("briefings").joinpath("data/summarizer-idf.tsv").read_text("utf-8")
    except (FileNotFoundError, OSError):  # pragma: no cover - a broken install
        logger.warning("summarizer-idf.tsv missing: using the story's own idf only")
        return MappingProxyType({}), 1.0
    n_docs = 1
    table: dict[str, float] = {}
    for line in raw.splitlines():
        if line.startswith("# documents\t"):
            n_docs = int(line.split("\t")[1])
            continue
        if not line or line.startswith("#"):
            continue
        term, df = line.split("\t")
        table[term] = math.log((n_docs + 1) / (int(df) + 1)) + 1.0
    return MappingProxyType(table), math.log(n_docs + 1) + 1.0


_BACKGROUND_IDF, _BACKGROUND_DEFAULT = _load_background()

# Credit and caption labels ("REUTERS: ...", "Photo: ...", "READ MORE: ..."); datelines such
# as "NEW DELHI: The government said ..." are news and are kept.
_CAPTION_PREFIX = re.compile(
    r"^\s*(?:file\s+)?(?:photo(?:graph)?s?|images?|pictures?|video|credits?|source|caption|"
    r"reuters|ap|afp|epa|getty(?:\s+images)?|bloomberg|xinhua|kyodo|ani|pti|related|"
    r"also read|read more|see also|watch|listen|advertisement|sponsored)"
    r"(?:\s*/\s*[\w .]{1,30})?\s*[:|]",
    re.IGNORECASE,
)
# Agency credits inside a caption: "... in Calgary. REUTERS/Kim Kyung-Hoon"
_CREDIT = re.compile(r"\b(?:REUTERS|Reuters|AFP|EPA|AP|Getty Images|Bloomberg|Xinhua)\s?/\s?[A-Z]")
_JUNK_PHRASES = (
    "click here",
    "read more",
    "scroll down",
    "sign up for",
    "subscribe now",
    "subscribe to our",
    "follow us",
    "follow him on",
    "follow her on",
    "all rights reserved",
    "copyright",
    "©",
    "contributed to this report",
    "for more news",
    "photo by",
    "photos by",
    "photo courtesy",
    "photo credit",
    "image by",
    "image courtesy",
    "image credit",
    "picture by",
    "pictures by",
    "getty images",
    "ap photo",
    "file photo",
    "watch the video",
    "share this",
    "http://",
    "https://",
    "www.",
)
# A junk phrase contains one of these words (or substrings): a cheap test before the phrases.
_JUNK_HINTS = frozenset(
    [
        "click", "read", "scroll", "sign", "subscribe", "follow", "rights", "copyright",
        "contributed", "news", "photo", "photos", "image", "picture", "pictures", "getty",
        "watch", "share", "file",
    ]
)
_JUNK_SUBSTRINGS = ("©", "http", "www.")
_PUNCT_TO_SPACE = MappingProxyType(str.maketrans(dict.fromkeys("\"'“”‘’()[]{}.,;:!?-–—/|*#", " ")))
_STAMP = re.compile(
    r"^\s*(?:last\s+)?(?:updated|published|posted)(?:\s+(?:on|at))?\s*[:\d]", re.IGNORECASE
)
_BYLINE = re.compile(r"^\s*[Bb]y [A-Z][\w.'’\-]+(?: [A-Z][\w.'’\-]+){0,3}\s*$")
_HANDLE_END = re.compile(r"@\w+\s*$")
_OPENS_QUOTE = re.compile(r"^[\"'“‘«]")
_IS_QUESTION = re.compile(r"\?[\"'”’)\]»]*$")
_FIRST_PERSON = re.compile(r"\b(?:I|we|my|our|me|us)\b")
_BOILERPLATE = re.compile(
    r"(?:did not|didn't|has not|hasn't|have not|haven't|had not|could not|couldn't|would not)"
    r" (?:immediately )?(?:respond|reply|return)|declined to comment|"
    r"(?:request|requests) for comment|could not be reached|unavailable for comment|"
    r"(?:on|under) (?:the )?condition of anonymity|(?:were|was) not (?:disclosed|given|specified)"
)
_BOILERPLATE_HINTS = ("comment", "respon", "repl", "return", "reach", "anonymity", "not ")
_SECTION_COVERED = 0.5
_FOLD_WORD = re.compile(r"\w+")
# Sections that only restate the article: their sentences are not picked.
_RECAP_HEADING = re.compile(
    r"^#*\s*(?:in\s+)?(?:conclusions?|summary|final thoughts|closing thoughts|(?:the\s+)?bottom line|"
    r"(?:key\s+)?takeaways?|wrap-?up|tl;?dr)\s*:?\s*$",
    re.IGNORECASE,
)
_ANAPHORIC = re.compile(
    r"^(?:He|She|It|They|This|That|These|Those|His|Her|Its|Their|But|And|So|Yet|Also|Then)\b"
)


def is_junk(sentence: str) -> bool:
    """Tell whether a sentence is a caption, credit line, byline or link junk, not news."""
    if _CAPTION_PREFIX.match(sentence):
        return True
    low = sentence.lower()
    if (
        not _JUNK_HINTS.isdisjoint(low.translate(_PUNCT_TO_SPACE).split())
        or any(h in low for h in _JUNK_SUBSTRINGS)
    ) and any(phrase in low for phrase in _JUNK_PHRASES):
        return True
    if _STAMP.match(sentence):
        return True
    if "@" in sentence and _HANDLE_END.search(sentence):
        return True
    if "/" in sentence and _CREDIT.search(sentence):
        return True
    return bool(_BYLINE.match(sentence))


def style_penalty(sentence: str) -> float:
    """Count the marks of a sentence that rarely summarises: quote, question, no-comment..."""
    marks = 0.0
    if _OPENS_QUOTE.match(sentence):
        marks += 1.0
    if _IS_QUESTION.search(sentence):
        marks += 1.0
    if _FIRST_PERSON.search(sentence):
        marks += 1.0
    if _ANAPHORIC.match(sentence):
        marks += 0.5
    if any(k in sentence for k in _BOILERPLATE_HINTS) and _BOILERPLATE.search(sentence):
        marks += 1.0
    return marks


@dataclass
class _Candidate:
    doc: int
    sent: Sentence
    rank: int
    words: int
    terms: Counter[str]
    section: tuple[int, int]


def _title_of(doc: Document, sentences: list[Sentence]) -> str | None:
    """Use the document title, or a leading heading line as the title."""
    if doc.title:
        return doc.title
    if sentences and sentences[0].is_heading and sentences[0].paragraph == 0:
        return sentences[0].text.lstrip("# ")
    return None


def _fold(text: str) -> str:
    """Fold a text to its lower-cased words, to compare a line with a title."""
    return " ".join(_FOLD_WORD.findall(text.lower()))


def _time_key(published: datetime | None) -> float:
    """Sort key of a publication time (unknown times last, naive ones taken as UTC)."""
    if published is None:
        return math.inf
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return published.timestamp()


def _candidates(
    docs: list[Document], p: SummaryParams
) -> tuple[list[_Candidate], list[str], list[bool]]:
    """Split the documents, keep the sentences that may be picked; also titles, sectioned."""
    cands: list[_Candidate] = []
    titles: list[str] = []
    sectioned_docs: list[bool] = []
    memo = new_memo()
    for d, doc in enumerate(docs):
        sentences = split_sentences(doc.text)
        title = _title_of(doc, sentences)
        if title:
            titles.append(title)
        title_key = _fold(title) if title else None
        # In a sectioned article (headings between paragraphs) each section opens with a
        # lead of its own: rank sentences by section plus position within the section.
        sectioned = sum(1 for s in sentences[1:] if s.is_heading) >= 2
        sectioned_docs.append(sectioned)
        rank = section_start = section = 0
        recap = False
        for s in sentences:
            if s.is_heading:
                recap = bool(_RECAP_HEADING.match(s.text))
                if sectioned and rank > section_start:
                    section += 1
                    section_start = rank
                continue
            if recap or (title_key and _fold(s.text) == title_key):
                continue  # a recap section, or the title repeated as the first line
            words = word_count(s.text)
            if words < p.min_words or is_junk(s.text):
                continue
            terms = Counter(content_terms(s.text, memo))
            if not terms:
                continue
            pos = rank - section_start + section if sectioned else rank
            cands.append(_Candidate(d, s, pos, words, terms, (d, section)))
            rank += 1
    return cands, titles, sectioned_docs


def _unit(vec: dict[str, float]) -> dict[str, float]:
    """Scale a sparse vector to unit length."""
    norm = math.sqrt(sum(w * w for w in vec.values()))
    return {t: w / norm for t, w in vec.items()} if norm > 0 else {}


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    """Dot product of two sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def summarize(
    docs: list[Document], n: int = 3, params: SummaryParams | None = None
) -> list[Picked]:
    """Pick up to ``n`` non-redundant sentences summarising ``docs`` (one story)."""
    p = params or DEFAULT_PARAMS
    if n <= 0 or not docs:
        return []
    cands, titles, sectioned_docs = _candidates(docs, p)
    if not cands:
        return []

    # Term weights: the story's sentence-level idf mixed (geometrically) with background idf.
    df: Counter[str] = Counter()
    for c in cands:
        df.update(c.terms.keys())
    total = len(cands)
    mix = p.background if _BACKGROUND_IDF else 0.0
    log, bg, bg_default = math.log, _BACKGROUND_IDF.get, _BACKGROUND_DEFAULT
    if mix == 0.5:  # the shipped setting: a geometric mean
        idf = {t: math.sqrt((log((1 + total) / (1 + k)) + 1.0) * bg(t, bg_default)) for t, k in df.items()}
    else:
        idf = {
            t: (log((1 + total) / (1 + k)) + 1.0) ** (1.0 - mix) * bg(t, bg_default) ** mix
            for t, k in df.items()
        }
    vecs = [{t: (1.0 + math.log(k)) * idf[t] for t, k in c.terms.items()} for c in cands]
    norms: list[float] = []
    centroid: dict[str, float] = {}
    for v in vecs:
        sq = 0.0
        for t, w in v.items():
            centroid[t] = centroid.get(t, 0.0) + w
            sq += w * w
        norms.append(math.sqrt(sq))
    c_norm2 = sum(w * w for w in centroid.values())
    title_terms = Counter(t for title in titles for t in content_terms(title))
    title_unit = _unit(
        {t: (1.0 + math.log(k)) * idf.get(t, _BACKGROUND_DEFAULT) for t, k in title_terms.items()}
    )

    scores: list[float] = []
    for c, v, norm in zip(cands, vecs, norms, strict=True):
        # cosine(v, centroid - v), without building the difference vector
        vc = sum(w * centroid[t] for t, w in v.items())
        vv = norm * norm
        rest2 = c_norm2 - 2.0 * vc + vv
        cent = (vc - vv) / math.sqrt(vv * rest2) if rest2 > 1e-12 and vv > 0 else 0.0
        tit = _dot(v, title_unit) / norm if title_unit else 0.0
        length = 0.0
        if c.words < p.short_words:
            length = (p.short_words - c.words) / p.short_words
        elif c.words > p.long_words:
            length = (c.words - p.long_words) / p.long_words
        scores.append(
            math.exp(-c.rank / p.position_decay)
            + p.centrality * cent
            + p.title * tit
            - p.length_penalty * length
            - p.style * style_penalty(c.sent.text)
        )

    chosen: list[int] = []
    covered = [0.0] * total
    overlap = [0.0] * total
    blocked = [False] * total
    picked_sum: dict[str, float] = {}
    seen_sections: set[tuple[int, int]] = set()
    while len(chosen) < n:
        best, best_val = -1, -math.inf
        for i in range(total):
            if blocked[i]:
                continue
            val = scores[i] - p.redundancy * covered[i]
            if val > best_val:
                best, best_val = i, val
        if best < 0:
            break
        chosen.append(best)
        blocked[best] = True
        if len(chosen) == n:
            break
        seen_sections.add(cands[best].section)
        vb, nb = vecs[best], norms[best]
        for t, w in vb.items():
            picked_sum[t] = picked_sum.get(t, 0.0) + w / nb
        norm = math.sqrt(sum(w * w for w in picked_sum.values())) or 1.0
        for i in range(total):
            if not blocked[i]:
                sim = _dot(vecs[i], vb) / (norms[i] * nb)
                if sim > p.duplicate:
                    blocked[i] = True
                    continue
                # cosine with the summary so far: sum of similarities over |sum of picks|
                overlap[i] += sim
                covered[i] = overlap[i] / norm
                if sectioned_docs[cands[i].section[0]] and cands[i].section in seen_sections:
                    # a section already drawn on counts as half covered
                    covered[i] = max(covered[i], _SECTION_COVERED)

    picked = [
        Picked(cands[i].sent.text, cands[i].doc, cands[i].sent.index, scores[i]) for i in chosen
    ]
    picked.sort(key=lambda k: (_time_key(docs[k.doc].published), k.doc, k.sentence))
    return picked


def summarize_text(text: str, n: int = 3, title: str | None = None) -> list[str]:
    """Summarise one article into up to ``n`` sentences, in reading order."""
    return [pk.text for pk in summarize([Document(text=text, title=title)], n=n)]
