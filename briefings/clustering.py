"""Event clustering: does an incoming article report the same *event* as a stored story?

Pure and incremental; the service does the I/O. Per article, :func:`signature` builds

* an IDF-weighted, sub-linear term vector (stems of the title and text, the two lead sentences
  counted twice), unit length, its top ``ARTICLE_TERMS`` terms; the IDF table is shipped
  (``data/summarizer-idf.tsv``, Reuters news), so a signature never depends on what is stored;
* the article's *key facts*: its main people (surnames), places and organisations from the
  key-fact card, and the figures written in the text ("6.1", "26", "2008"): who, where and how
  much tell two events of one kind apart (two earthquakes, two pirate attacks) when their
  vocabulary is the same.

A story keeps a :class:`StoryProfile` (JSON, one column): the running sum of its articles' unit
vectors (its centroid, top ``STORY_TERMS`` terms), how many of its articles carry each key fact,
its first and last article times and its article count. Adding, removing and merging cost the
same for the 500th article as for the 5th.

:func:`score` is ``cosine(article, centroid) * (0.5 + coverage) * decay`` where ``coverage`` is
the weighted share of the article's key facts that the story already has (0.5 when the article
has none) and ``decay`` halves the score for every ``HALF_LIFE`` the article's time lies beyond
``GRACE`` from the story's time span. :func:`choose` joins the best candidate scoring at least
``JOIN_THRESHOLD``, else the article starts a new story.
"""

from __future__ import annotations

import heapq
import logging
import math
import re
from collections.abc import Hashable, Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field

from briefings.facts.card import entity_key
from briefings.models import KeyFacts
from briefings.textstats import content_terms, new_memo

logger = logging.getLogger(__name__)

__all__ = [
    "ArticleSignature",
    "StoryProfile",
    "signature",
    "score",
    "choose",
    "merge",
    "should_merge",
    "search_terms",
    "JOIN_THRESHOLD",
    "CANDIDATE_WINDOW",
]

# The two constants that decide (see the bench for how F1 moves with them).
JOIN_THRESHOLD = 0.22  # score to join a story; dev F1 stays within 0.01 of its best over 0.16-0.30
MERGE_RATIO = 0.95  # two young stories merge when their articles are as alike across as within (0.95x)

# Time: a story absorbs as if new for GRACE after its last article, then its score halves every HALF_LIFE.
GRACE = timedelta(days=2)
HALF_LIFE = timedelta(days=4)
YOUNG = timedelta(days=3)  # stories may merge automatically only while both began this recently
SAME_EVENT_COSINE = 0.4  # prior mean cosine of two articles on one event (for a one-article story's cohesion)

ARTICLE_TERMS = 64  # terms kept per article
STORY_TERMS = 256  # terms kept per story (pruned back when twice as many)
STORY_FACTS = 128  # key facts counted per story (pruned back when twice as many)
LEAD_SENTENCES = 2  # the lead sentences weigh double
PEOPLE, PLACES, ORGANISATIONS = 3, 3, 2  # key facts taken from the card, in its order of salience
_MAX_SCORE = 1.5  # cosine 1 with full coverage
# Beyond this gap no story can reach JOIN_THRESHOLD: the window to fetch candidates from.
CANDIDATE_WINDOW = GRACE + HALF_LIFE * math.ceil(math.log2(_MAX_SCORE / JOIN_THRESHOLD))

_LEAD_END = re.compile(r"(?<=[.!?])[\"'”’)]?\s+(?=[\"“‘(]?[A-Z0-9])|\n\s*\n|\n(?=\S)")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?!\w)")
_IDF_FILE = "data/summarizer-idf.tsv"
_KINDS = {"person": "p", "place": "l", "organization": "o"}

Key = TypeVar("Key", bound=Hashable)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ArticleSignature(_Model):
    """What clustering needs of one article: its term vector, key facts, words to search by and time."""

    terms: dict[str, float]  # stem -> weight, unit length
    facts: dict[str, float]  # key fact -> salience weight (0.5..1): the article's who, where, how much
    keys: list[str]  # every fact key of the article (what the story counts)
    words: list[str]  # surface words of the heaviest terms, heaviest first (for full-text search)
    published: datetime | None = None


class StoryProfile(_Model):
    """A story's clustering state: centroid of all its articles, fact counts, time span, size."""

    count: int = 0
    centroid: dict[str, float] = Field(default_factory=dict)  # sum of the articles' unit vectors (pruned)
    norm2: float = 0.0  # squared length of the unpruned sum: count + 2 * (sum of pairwise cosines)
    length2: float = 0.0  # squared length of the stored (pruned) centroid, so that scoring is O(article)
    facts: dict[str, int] = Field(default_factory=dict)  # key fact -> articles that carry it
    first: datetime | None = None
    last: datetime | None = None

    @classmethod
    def of(cls, sigs: Sequence[ArticleSignature]) -> StoryProfile:
        """Build the profile of a story from its articles' signatures."""
        profile = cls()
        for sig in sigs:
            profile = profile.add(sig)
        return profile

    def add(self, sig: ArticleSignature) -> StoryProfile:
        """Return this profile with one more article (cost bounded by the caps, not the story's size)."""
        centroid = dict(self.centroid)
        grow = 2.0 * _dot(sig.terms, centroid) + _dot(sig.terms, sig.terms)
        for term, w in sig.terms.items():
            centroid[term] = centroid.get(term, 0.0) + w
        facts = dict(self.facts)
        for key in sig.keys:
            facts[key] = facts.get(key, 0) + 1
        pruned = _prune(centroid, STORY_TERMS)
        return StoryProfile.model_construct(
            count=self.count + 1,
            centroid=pruned,
            norm2=self.norm2 + grow,
            length2=self.length2 + grow if pruned is centroid else _dot(pruned, pruned),
            facts=_prune(facts, STORY_FACTS),
            first=_min_time(self.first, sig.published),
            last=_max_time(self.last, sig.published),
        )

    def remove(self, sig: ArticleSignature) -> StoryProfile:
        """Return this profile without one of its articles (its time span is kept)."""
        if self.count <= 1:
            return StoryProfile(first=self.first, last=self.last)
        centroid = dict(self.centroid)
        for term, w in sig.terms.items():
            left = centroid.get(term, 0.0) - w
            if left > 1e-9:
                centroid[term] = left
            else:
                centroid.pop(term, None)
        norm2 = max(float(self.count - 1), self.norm2 - 2.0 * _dot(sig.terms, centroid) - _dot(sig.terms, sig.terms))
        facts = dict(self.facts)
        for key in sig.keys:
            left_n = facts.get(key, 0) - 1
            if left_n > 0:
                facts[key] = left_n
            else:
                facts.pop(key, None)
        return StoryProfile.model_construct(
            count=self.count - 1,
            centroid=centroid,
            norm2=norm2,
            length2=_dot(centroid, centroid),
            facts=facts,
            first=self.first,
            last=self.last,
        )

    def cohesion(self) -> float:
        """Mean cosine between two of the story's articles (a prior stands in while it has few)."""
        pairs = self.count * (self.count - 1) / 2
        within = max(0.0, (self.norm2 - self.count) / 2)
        return (within + SAME_EVENT_COSINE) / (pairs + 1)


def merge(a: StoryProfile, b: StoryProfile) -> StoryProfile:
    """Return the profile of the story made of both stories' articles."""
    centroid = dict(a.centroid)
    for term, w in b.centroid.items():
        centroid[term] = centroid.get(term, 0.0) + w
    facts = dict(a.facts)
    for key, n in b.facts.items():
        facts[key] = facts.get(key, 0) + n
    pruned = _prune(centroid, STORY_TERMS)
    return StoryProfile.model_construct(
        count=a.count + b.count,
        centroid=pruned,
        norm2=a.norm2 + b.norm2 + 2.0 * _dot(a.centroid, b.centroid),
        length2=_dot(pruned, pruned),
        facts=_prune(facts, STORY_FACTS),
        first=_min_time(a.first, b.first),
        last=_max_time(a.last, b.last),
    )


def signature(
    title: str | None, text: str, facts: KeyFacts | None = None, published: datetime | None = None
) -> ArticleSignature:
    """Build an article's clustering signature (pass ``published`` or, lacking one, the time it arrived)."""
    idf, default_idf = _idf()
    memo = new_memo()
    counts: dict[str, float] = {}
    lead, rest = _split_lead(text)
    for part, weight in ((title or "", 1.0), (lead, 2.0), (rest, 1.0)):
        for term in content_terms(part, memo):
            counts[term] = counts.get(term, 0.0) + weight
    weights = {t: (1.0 + math.log(c)) * idf.get(t, default_idf) for t, c in counts.items()}
    top = heapq.nlargest(ARTICLE_TERMS, weights.items(), key=lambda kv: kv[1])
    norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
    terms = {t: w / norm for t, w in top}
    surface: dict[str, str] = {}
    for token, term in memo.items():
        if term and term in terms and (term not in surface or len(token) < len(surface[term])):
            surface[term] = token
    words = [surface[t] for t, _ in top if t in surface and surface[t].isalpha() and len(surface[t]) > 2][:12]
    key_facts, keys = _key_facts(title, text, facts)
    return ArticleSignature.model_construct(
        terms=terms, facts=key_facts, keys=keys, words=words, published=_aware(published)
    )


def score(sig: ArticleSignature, profile: StoryProfile, now: datetime | None = None) -> float:
    """How surely the article reports the story's event: cosine x (0.5 + fact coverage) x time decay."""
    if profile.count == 0 or profile.length2 <= 0.0:
        return 0.0
    cosine = _dot(sig.terms, profile.centroid) / math.sqrt(profile.length2)
    return cosine * (0.5 + _coverage(sig.facts, profile.facts)) * _decay(profile, now or sig.published)


def choose(
    sig: ArticleSignature, candidates: Sequence[tuple[Key, StoryProfile]], now: datetime | None = None
) -> Key | None:
    """Return the key of the story the article joins, or None when it starts a new story."""
    best_key: Key | None = None
    best = JOIN_THRESHOLD
    for key, profile in candidates:
        s = score(sig, profile, now)
        if s >= best:
            best_key, best = key, s
    if best_key is not None:
        logger.debug("article joins %r (score %.3f)", best_key, best)
    return best_key


def should_merge(a: StoryProfile, b: StoryProfile, now: datetime | None = None) -> bool:
    """Tell whether two young stories report one event: as alike across as within, close in time."""
    if a.count == 0 or b.count == 0:
        return False
    at = _aware(now)
    if at is not None and any(p.first is not None and at - p.first > YOUNG for p in (a, b)):
        return False
    if _gap(a, b.first, b.last) > GRACE:
        return False
    across = _dot(a.centroid, b.centroid) / (a.count * b.count)  # mean cosine of an article of a with one of b
    return across >= MERGE_RATIO * math.sqrt(a.cohesion() * b.cohesion())


def search_terms(sig: ArticleSignature, limit: int = 8) -> str:
    """A few words to fetch candidate stories by full-text search (OR query): the heaviest terms."""
    return " ".join(sig.words[:limit])


# ----- helpers ------------------------------------------------------------------------------


def _split_lead(text: str) -> tuple[str, str]:
    """Split off the first LEAD_SENTENCES sentences (cheaply, by punctuation and line breaks)."""
    start = 0
    for _ in range(LEAD_SENTENCES):
        m = _LEAD_END.search(text, start + 1)
        while m is not None and len(text[start : m.start()].strip()) < 3:
            m = _LEAD_END.search(text, m.end() + 1)
        if m is None:
            return text, ""
        start = m.end()
    return text[:start], text[start:]


def _key_facts(title: str | None, text: str, facts: KeyFacts | None) -> tuple[dict[str, float], list[str]]:
    """The article's salient facts (weighted) and all its fact keys."""
    salient: dict[str, float] = {}
    keys: set[str] = set()
    if facts is not None:
        for kind, items, limit in (
            ("p", facts.people, PEOPLE),
            ("l", facts.places, PLACES),
            ("o", facts.organizations, ORGANISATIONS),
        ):
            for i, fact in enumerate(items):
                key = _fact_key(kind, fact.text)
                if key:
                    keys.add(key)
                    if i < limit:
                        salient[key] = 1.0
        for entity in facts.entities:
            letter = _KINDS.get(entity.type)
            found = _fact_key(letter, entity.text) if letter else None
            if found:
                keys.add(found)
    for raw in _NUMBER.findall(f"{title or ''}\n{text}"):
        number = raw.replace(",", "")
        if len(number) >= 2 or "." in number:
            key = "n:" + number
            keys.add(key)
            salient[key] = min(1.0, salient.get(key, 0.0) + 0.5)
    return salient, sorted(keys)


def _fact_key(kind: str, text: str) -> str | None:
    """The key two mentions of one person (surname), place or organisation share."""
    norm = entity_key(text)  # the card's own normaliser ("U.S." ~ "United States")
    if not norm:
        return None
    if kind == "p":
        words = norm.replace(".", " ").split()
        return f"p:{words[-1]}" if words else None
    return f"{kind}:{norm}"


def _coverage(salient: dict[str, float], have: dict[str, int]) -> float:
    """Weighted share of the article's key facts the story has (0.5 when the article has none)."""
    total = sum(salient.values())
    if total <= 0.0:
        return 0.5
    return sum(w for k, w in salient.items() if k in have) / total


def _decay(profile: StoryProfile, now: datetime | None) -> float:
    """1 within GRACE of the story's time span, then halved every HALF_LIFE."""
    if now is None:
        return 1.0
    over = _gap(profile, now, now) - GRACE
    if over <= timedelta(0):
        return 1.0
    return float(0.5 ** (over / HALF_LIFE))


def _gap(profile: StoryProfile, first: datetime | None, last: datetime | None) -> timedelta:
    """Time between a span and the profile's span (zero when they overlap or a time is unknown)."""
    start, end, lo, hi = _aware(first), _aware(last), profile.first, profile.last
    if start is None or end is None or lo is None or hi is None:
        return timedelta(0)
    if end < lo:
        return lo - end
    if start > hi:
        return start - hi
    return timedelta(0)


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    """Dot product of two sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    get = b.get
    return sum(w * get(k, 0.0) for k, w in a.items())


_Num = TypeVar("_Num", int, float)


def _prune(weights: dict[str, _Num], cap: int) -> dict[str, _Num]:
    """Keep the ``cap`` heaviest entries once there are twice as many (amortised constant cost)."""
    if len(weights) <= 2 * cap:
        return weights
    return dict(heapq.nlargest(cap, weights.items(), key=lambda kv: kv[1]))


def _aware(t: datetime | None) -> datetime | None:
    """Treat naive times as UTC so that they compare with aware ones."""
    if t is None or t.tzinfo is not None:
        return t
    return t.replace(tzinfo=UTC)


def _min_time(a: datetime | None, b: datetime | None) -> datetime | None:
    b = _aware(b)
    return b if a is None else a if b is None else min(a, b)


def _max_time(a: datetime | None, b: datetime | None) -> datetime | None:
    b = _aware(b)
    return b if a is None else a if b is None else max(a, b)


@lru_cache(maxsize=1)
def _idf() -> tuple[dict[str, float], float]:
    """The shipped document-frequency table as idf weights (loaded once), and the weight of unseen terms."""
    try:
        raw = resources.files("briefings").joinpath(_IDF_FILE).read_text("utf-8")
    except (FileNotFoundError, OSError):  # pragma: no cover - a broken install
        logger.warning("%s missing: every term weighs the same", _IDF_FILE)
        return {}, 1.0
    n_docs = 1
    table: dict[str, float] = {}
    for line in raw.splitlines():
        if line.startswith("# documents\t"):
            n_docs = int(line.split("\t")[1])
        elif line and not line.startswith("#"):
            term, df = line.split("\t")
            table[term] = math.log((n_docs + 1) / (int(df) + 1)) + 1.0
    return table, math.log(n_docs + 1) + 1.0
