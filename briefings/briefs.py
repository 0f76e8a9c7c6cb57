"""Building a story's Brief from its articles (summary, TL;DR, merged key facts, sources).

A story of one article is that article's summary: its best sentence (normally the lead) is the TL;DR and
the next ones, in reading order, the summary.

A story of several articles follows its development. Each sentence is kept only where it was first said:
a sentence of a later article whose content words mostly (``SAME_SENTENCE``) appear in one sentence of an
earlier article repeats it and is dropped, so the same wire paragraph in two outlets is summarised once.
The TL;DR is the latest development: the best sentence of the newest article that still says something
new (normally its lead). The summary covers the story across its articles, never repeats the TL;DR and
never holds two sentences that say the same thing. Articles the caller marks as near-duplicates of an
earlier article (the same wire story from another outlet, see :mod:`briefings.neardup`) add only the
sentences the others lack and are listed as sources "also reported by" next to the article they repeat.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from briefings.facts import merge_facts
from briefings.models import FACT_KINDS, Article, Brief, KeyFacts, Source, StoryRef
from briefings.neardup import is_boilerplate
from briefings.sentences import Sentence, split_sentences
from briefings.summarize import DEFAULT_PARAMS, Document, Picked, is_junk, summarize
from briefings.textstats import content_terms, new_memo, word_count

__all__ = [
    "DUPLICATE_FIELD",
    "SAME_SENTENCE",
    "SUMMARY_SENTENCES",
    "also_reported_by",
    "build_brief",
    "repeats",
]

logger = logging.getLogger(__name__)

SUMMARY_SENTENCES = 4  # plus the TL;DR: the card shows 3 to 5 summary sentences
SAME_SENTENCE = 0.75  # share of a sentence's content words found in another one from which it repeats it
MIN_TERMS = 3  # sentences with fewer content words are never taken for repeats
FRESH_TERMS = 2  # a near-duplicate article's sentence adds news only with this many words the story lacked
# The field of a Source naming the earlier article it republishes, once briefings.models.Source has it.
DUPLICATE_FIELD = "duplicate_of"
_SOURCES_NAME_ORIGINALS = DUPLICATE_FIELD in Source.model_fields
_SPACES = re.compile(r"[ \t]{2,}")

NearDuplicates = Mapping[int, int] | Collection[int]


def build_brief(
    slug: str,
    title: str,
    articles: list[tuple[Article, KeyFacts]],
    aliases: list[str],
    updated_at: datetime,
    *,
    near_duplicates: NearDuplicates = (),
) -> Brief:
    """Compute a story's brief from its articles (oldest first) and their key facts.

    ``near_duplicates`` names the articles that republish an earlier article of the story: a mapping from
    such an article's id to the id of the article it repeats, or just their ids.
    """
    ordered = sorted(articles, key=lambda af: _when(af[0]))
    originals = _originals([a for a, _ in ordered], near_duplicates)
    if len(articles) > 1:
        (tldr, tldr_from), said = _story_summary(title, [a for a, _ in ordered], originals)
    else:
        (tldr, tldr_from), said = _article_summary(title, [_document(a, a.text) for a, _ in articles])
    facts = merge_facts([_without_boilerplate(f) for _, f in ordered]) if articles else KeyFacts()
    if facts.what is None or len(articles) > 1:
        facts = facts.model_copy(update={"what": title})
    sources = [_source(a, originals.get(a.id)) for a, _ in reversed(ordered)]  # newest first
    return Brief(
        story=StoryRef(slug=slug, title=title),
        headline=title,
        tldr=tldr,
        tldr_from=tldr_from,
        summary=[text for text, _ in said],
        summary_from=[article_id for _, article_id in said],
        facts=facts.model_copy(update={"entities": []}),
        sources=sources,
        aliases=aliases,
        updated_at=updated_at,
        article_count=len(articles),
    )


def also_reported_by(brief: Brief) -> dict[int, list[Source]]:
    """Group a brief's near-duplicate sources under the article each one republishes (by article id)."""
    groups: dict[int, list[Source]] = {}
    for source in brief.sources:
        original = getattr(source, DUPLICATE_FIELD, None)
        if isinstance(original, int):
            groups.setdefault(original, []).append(source)
    return groups


def repeats(sentence: str, other: str) -> bool:
    """Tell whether ``sentence`` says nothing that ``other`` does not (most of its content words are in it)."""
    mine, theirs = set(content_terms(sentence)), set(content_terms(other))
    return len(mine) >= MIN_TERMS and len(mine & theirs) >= SAME_SENTENCE * len(mine)


# ----- one article ----------------------------------------------------------------------------------------------


Said = tuple[str, int | None]  # a sentence and the id of the article it comes from


def _article_summary(title: str, docs: list[Document]) -> tuple[Said, list[Said]]:
    """Summarise one article: its best sentences in reading order, the first of them as the TL;DR."""
    picked = summarize(docs, n=SUMMARY_SENTENCES + 1) if docs else []
    # the lead of the picked sentences (reading order) states the news best; the rest is the summary
    tldr = (picked[0].text, _source_id(docs, picked[0])) if picked else (title, None)
    summary = [(p.text, _source_id(docs, p)) for p in picked if p.text != tldr[0]]
    return tldr, summary[:SUMMARY_SENTENCES]


def _source_id(docs: list[Document], picked: Picked) -> int | None:
    """The id of the article a picked sentence comes from."""
    key = docs[picked.doc].key
    return key if isinstance(key, int) else None


# ----- a developing story ---------------------------------------------------------------------------------------


@dataclass
class _Part:
    """One article of a story: its sentences and which of them repeat an earlier article."""

    article: Article
    sentences: list[Sentence]
    terms: list[frozenset[str]]
    repeated: list[bool]

    def novel_text(self) -> str:
        """Return the article's text without the sentences that repeat earlier articles."""
        if not any(self.repeated):
            return self.article.text
        text = self.article.text
        out, at = [], 0
        for s, rep in zip(self.sentences, self.repeated, strict=True):
            if rep:
                out.append(text[at : s.start])
                at = s.end
        out.append(text[at:])
        lines = (_SPACES.sub(" ", line).strip() for line in "".join(out).split("\n"))
        return "\n".join(lines).strip()

    def has_news(self) -> bool:
        """Tell whether some sentence of the article could be summarised and repeats nothing earlier."""
        return any(
            not rep and not s.is_heading and word_count(s.text) >= DEFAULT_PARAMS.min_words and not is_junk(s.text)
            for s, rep in zip(self.sentences, self.repeated, strict=True)
        )


def _story_summary(title: str, ordered: list[Article], originals: Mapping[int, int | None]) -> tuple[Said, list[Said]]:
    """TL;DR (the latest development) and summary (the story, each thing said once) of several articles."""
    parts = _parts(ordered, set(originals))
    docs = [(part, _document(part.article, part.novel_text())) for part in parts if part.has_news()]
    if len(docs) <= 1:  # the later articles add nothing: the story reads as its one article
        return _article_summary(title, [d for _, d in docs])
    # the latest development: the best new sentence of the newest article that has one
    found = next(((p, d) for _, d in reversed(docs) for p in summarize([d], n=1)), None)
    if found is None:
        return _article_summary(title, [d for _, d in docs])
    latest, latest_doc = found
    tldr = latest.text
    documents = [d for _, d in docs]
    picked = summarize(documents, n=SUMMARY_SENTENCES + 2)
    chosen: list[Picked] = []
    said = [tldr]
    for p in sorted(picked, key=lambda p: -p.score):
        if any(p.text == t or repeats(p.text, t) or repeats(t, p.text) for t in said):
            continue  # the TL;DR, or a summary sentence, says it already
        chosen.append(p)
        said.append(p.text)
        if len(chosen) == SUMMARY_SENTENCES:
            break
    chosen.sort(key=lambda p: (p.doc, p.sentence))  # the documents are in time order: reading order
    logger.debug("story of %d articles: %d with news", len(ordered), len(docs))
    tldr_from = latest_doc.key if isinstance(latest_doc.key, int) else None
    return (tldr, tldr_from), [(p.text, _source_id(documents, p)) for p in chosen]


def _parts(ordered: list[Article], duplicates: Collection[int]) -> list[_Part]:
    """Split each article into sentences and mark those that repeat what an earlier article said.

    A sentence repeats when one sentence of an earlier article holds most of its content words; a sentence of a
    near-duplicate article also when it brings fewer than ``FRESH_TERMS`` words the story had not used (an
    outlet's edit of the wire copy, not news).
    """
    memo = new_memo()
    index: dict[str, list[int]] = {}  # content word -> earlier sentences (numbered across the story) holding it
    count = 0
    parts: list[_Part] = []
    for article in ordered:
        sentences = split_sentences(article.text)
        terms = [frozenset(content_terms(s.text, memo)) if not s.is_heading else frozenset() for s in sentences]
        if not parts:
            repeated = [False] * len(terms)
        elif article.id in duplicates:
            repeated = [len(t - index.keys()) < FRESH_TERMS or _repeats(t, index) for t in terms]
        else:
            repeated = [_repeats(t, index) for t in terms]
        parts.append(_Part(article, sentences, terms, repeated))
        for t in terms:
            for term in t:
                index.setdefault(term, []).append(count)
            count += 1
    return parts


def _repeats(terms: frozenset[str], index: Mapping[str, list[int]]) -> bool:
    """Tell whether one earlier sentence holds most (``SAME_SENTENCE``) of these content words."""
    if len(terms) < MIN_TERMS:
        return False
    shared: Counter[int] = Counter()
    for term in terms:
        shared.update(index.get(term, ()))
    need = SAME_SENTENCE * len(terms)
    return bool(shared) and shared.most_common(1)[0][1] >= need


# ----- helpers -------------------------------------------------------------------------------------------------


def _when(article: Article) -> tuple[float, int]:
    """Sort key of an article in its story: publication (or addition) time, then id."""
    at = article.published or article.added_at
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.timestamp(), article.id


def _document(article: Article, text: str) -> Document:
    """The summarizer's view of an article (or of its new sentences)."""
    return Document(text=text, title=article.title, published=article.published or article.added_at, key=article.id)


def _originals(ordered: list[Article], near_duplicates: NearDuplicates) -> dict[int, int | None]:
    """Map each near-duplicate article of the story to the earlier article it repeats (None when unknown)."""
    if not near_duplicates:
        return {}
    ids = {a.id for a in ordered}
    if isinstance(near_duplicates, Mapping):
        # the original may be outside the articles given (an older one): it is still the one republished
        return {d: (o if o != d else None) for d, o in near_duplicates.items() if d in ids}
    dups = {d for d in near_duplicates if d in ids}
    memo = new_memo()
    words = {a.id: Counter(content_terms(a.text, memo)) for a in ordered}
    out: dict[int, int | None] = {}
    for i, article in enumerate(ordered):
        if article.id not in dups:
            continue
        mine = words[article.id]
        earlier = [a for a in ordered[:i] if a.id not in dups] or [a for a in ordered if a.id != article.id]
        best = max(earlier, key=lambda a: _cosine(mine, words[a.id]), default=None)
        out[article.id] = best.id if best is not None else None
    return out


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    """Cosine similarity of two term-count vectors."""
    dot = sum(v * b.get(t, 0) for t, v in a.items())
    if not dot:
        return 0.0
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


def _without_boilerplate(card: KeyFacts) -> KeyFacts:
    """An article's card without the facts read off boilerplate ("© 2025 …", "Sign up for our Asia newsletter")."""
    kinds = FACT_KINDS
    if not any(is_boilerplate(f.sentence) for kind in kinds for f in getattr(card, kind)):
        return card
    return card.model_copy(
        update={kind: [f for f in getattr(card, kind) if not is_boilerplate(f.sentence)] for kind in kinds}
    )


def _source(article: Article, original: int | None) -> Source:
    """One source line of the brief; a near-duplicate names the article it republishes (when Source can)."""
    source = Source(
        article_id=article.id, title=article.title, outlet=article.outlet, url=article.url, published=article.published
    )
    if original is not None and _SOURCES_NAME_ORIGINALS:
        source = source.model_copy(update={DUPLICATE_FIELD: original})
    return source
