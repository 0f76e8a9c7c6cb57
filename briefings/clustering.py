"""Event clustering: does an incoming article report the same *event* as a stored story?

Pure and incremental; the service does the I/O. Per article, :func:`signature` builds one unit vector with
two equal halves:

* *what it is about*: an IDF-weighted, sub-linear term vector (stems of the title and text, the two lead
  sentences counted twice), its top ``ARTICLE_TERMS`` terms; the IDF table is shipped
  (``data/summarizer-idf.tsv``, Reuters news), so a signature never depends on what is stored;
* *who, where, when and how much*: the article's key facts (people by surname, places and organisations from
  the key-fact card and the tagger, the numbers written in the text: "6.1", "26", "2008"), the card's most
  salient ones counting double. Two events of one kind (two earthquakes, two pirate attacks) share their
  vocabulary; their people, places, dates and figures tell them apart.

A story keeps a :class:`StoryProfile` (JSON, one column): the running sum of its articles' vectors (its
centroid, top ``STORY_TERMS`` entries), its first and last article times and its article count. Adding,
removing and merging cost the same for the 500th article as for the 5th.

:func:`score` is ``cosine(article, centroid) * decay`` where ``decay`` halves the score for every
``HALF_LIFE`` the article's time lies beyond ``GRACE`` from the story's time span. :func:`choose` joins the
best candidate scoring at least ``JOIN_THRESHOLD``, else the article starts a new story. Single-pass
decisions can be wrong when the first article of a second event of one kind arrives: :func:`split` finds,
in a young story, two groups of articles far less alike across than within (the two events).
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
    "split",
    "index_terms",
    "query_terms",
    "PROFILE_VERSION",
    "JOIN_THRESHOLD",
    "CANDIDATE_WINDOW",
]

# The constants that decide (see the bench for how F1 moves with them).
JOIN_THRESHOLD = 0.18  # cosine to join a story (dev F1 within 0.01 of its best over 0.14-0.26)
SPLIT_RATIO = 0.6  # a young story splits in two when its halves are under 0.6x as alike across as within

# Time: a story absorbs as if new for GRACE after its last article, then its score halves every HALF_LIFE.
GRACE = timedelta(days=2)
HALF_LIFE = timedelta(days=4)
YOUNG = timedelta(days=3)  # stories may split automatically only while they began this recently

ARTICLE_TERMS = 64  # terms kept per article
ARTICLE_FACTS = 48  # key facts kept per article
INDEX_TERMS = 32  # a story's heaviest entries, indexed to find it as a candidate
QUERY_TERMS = 16  # an article's heaviest entries, looked up in that index
SPLIT_SIZES = (4, 64)  # stories checked for a split: from 4 articles (2 a side) up to 64 (bounded cost)
STORY_TERMS = 256  # terms kept per story (pruned back when twice as many)
LEAD_SENTENCES = 2  # the lead sentences weigh double
PEOPLE, PLACES, ORGANISATIONS = 3, 3, 2  # key facts taken from the card, in its order of salience
_MAX_SCORE = 1.0  # cosine 1
# Beyond this gap no story can reach JOIN_THRESHOLD: the window to fetch candidates from.
CANDIDATE_WINDOW = GRACE + HALF_LIFE * math.ceil(math.log2(_MAX_SCORE / JOIN_THRESHOLD))

_LEAD_END = re.compile(r"(?<=[.!?])[\"'”’)]?\s+(?=[\"“‘(]?[A-Z0-9])|\n\s*\n|\n(?=\S)")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?!\w)")
_IDF_FILE = "data/summarizer-idf.tsv"
_KINDS = {"person": "p", "place": "l", "organization": "o"}

Key = TypeVar("Key", bound=Hashable)


PROFILE_VERSION = 2  # profiles of another version were built from other vectors: rebuild them


class ArticleSignature(BaseModel):
    """What clustering needs of one article: its vector and time."""

    model_config = ConfigDict(extra="forbid")

    terms: dict[str, float]  # stem, or key fact ("p:surname", "l:place", "n:2008") -> weight; unit length
    published: datetime | None = None


class StoryProfile(BaseModel):
    """A story's clustering state: centroid of all its articles, time span, size."""

    model_config = ConfigDict(extra="ignore")  # older versions carried more: they are rebuilt, not refused

    v: int = 0  # the profile version (0: written by an older Briefbot)
    count: int = 0
    centroid: dict[str, float] = Field(default_factory=dict)  # sum of the articles' unit vectors (pruned)
    norm2: float = 0.0  # squared length of the unpruned sum: count + 2 * (sum of pairwise cosines)
    length2: float = 0.0  # squared length of the stored (pruned) centroid, so that scoring is O(article)
    first: datetime | None = None
    last: datetime | None = None

    def current(self) -> bool:
        """Tell whether this profile was built from this version's vectors (else it must be rebuilt)."""
        return self.v == PROFILE_VERSION and self.count > 0

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
        pruned = _prune(centroid, STORY_TERMS)
        return StoryProfile.model_construct(
            v=PROFILE_VERSION,
            count=self.count + 1,
            centroid=pruned,
            norm2=self.norm2 + grow,
            length2=self.length2 + grow if pruned is centroid else _dot(pruned, pruned),
            first=_min_time(self.first, sig.published),
            last=_max_time(self.last, sig.published),
        )

    def remove(self, sig: ArticleSignature) -> StoryProfile:
        """Return this profile without one of its articles (its time span is kept)."""
        if self.count <= 1:
            return StoryProfile(v=PROFILE_VERSION, first=self.first, last=self.last)
        centroid = dict(self.centroid)
        for term, w in sig.terms.items():
            left = centroid.get(term, 0.0) - w
            if left > 1e-9:
                centroid[term] = left
            else:
                centroid.pop(term, None)
        norm2 = max(float(self.count - 1), self.norm2 - 2.0 * _dot(sig.terms, centroid) - _dot(sig.terms, sig.terms))
        return StoryProfile.model_construct(
            v=PROFILE_VERSION,
            count=self.count - 1,
            centroid=centroid,
            norm2=norm2,
            length2=_dot(centroid, centroid),
            first=self.first,
            last=self.last,
        )


def merge(a: StoryProfile, b: StoryProfile) -> StoryProfile:
    """Return the profile of the story made of both stories' articles."""
    centroid = dict(a.centroid)
    for term, w in b.centroid.items():
        centroid[term] = centroid.get(term, 0.0) + w
    pruned = _prune(centroid, STORY_TERMS)
    return StoryProfile.model_construct(
        v=PROFILE_VERSION,
        count=a.count + b.count,
        centroid=pruned,
        norm2=a.norm2 + b.norm2 + 2.0 * _dot(a.centroid, b.centroid),
        length2=_dot(pruned, pruned),
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
    terms = _unit(dict(top))
    key_facts = _unit(dict(heapq.nlargest(ARTICLE_FACTS, _key_facts(title, text, facts).items(), key=lambda kv: kv[1])))
    if key_facts:  # two halves of equal weight: what it is about, and who, where, when and how much
        half = math.sqrt(0.5)
        vector = {t: w * half for t, w in terms.items()}
        vector.update((k, w * half) for k, w in key_facts.items())
    else:
        vector = terms
    return ArticleSignature.model_construct(terms=vector, published=_aware(published))


def score(sig: ArticleSignature, profile: StoryProfile, now: datetime | None = None) -> float:
    """How surely the article reports the story's event: cosine to its centroid x time decay."""
    if profile.count == 0 or profile.length2 <= 0.0:
        return 0.0
    cosine = _dot(sig.terms, profile.centroid) / math.sqrt(profile.length2)
    return cosine * _decay(profile, now or sig.published)


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


def split(vectors: Sequence[dict[str, float]]) -> list[int] | None:
    """Positions of the articles that report a second event in a young story (oldest article first), or None.

    Two-means from the two least alike articles; the story splits only when each half holds two articles or
    more and articles across the halves are under ``SPLIT_RATIO`` times as alike as within them. The half
    holding the oldest article keeps the story; the other half's positions are returned.
    """
    n = len(vectors)
    if not SPLIT_SIZES[0] <= n <= SPLIT_SIZES[1]:
        return None
    total = _sum(vectors)
    seed_b = min(range(n), key=lambda i: (_dot(vectors[i], total), i))  # the least typical article
    seed_a = min(range(n), key=lambda i: (_dot(vectors[i], vectors[seed_b]), i))  # the least like it
    sums = (dict(vectors[seed_a]), dict(vectors[seed_b]))
    side: list[int] = []
    for _ in range(10):
        norms = [math.sqrt(_dot(s, s)) or 1.0 for s in sums]
        new = [0 if _dot(v, sums[0]) / norms[0] >= _dot(v, sums[1]) / norms[1] else 1 for v in vectors]
        if new == side:
            break
        side = new
        sums = (
            _sum([v for v, k in zip(vectors, side, strict=True) if k == 0]),
            _sum([v for v, k in zip(vectors, side, strict=True) if k == 1]),
        )
    sizes = (side.count(0), side.count(1))
    if min(sizes) < 2:
        return None
    within = [(_dot(s, s) - k) / (k * (k - 1)) for s, k in zip(sums, sizes, strict=True)]
    across = _dot(sums[0], sums[1]) / (sizes[0] * sizes[1])
    if across >= SPLIT_RATIO * math.sqrt(max(1e-9, within[0] * within[1])):
        return None
    return [i for i in range(n) if side[i] != side[0]]


def index_terms(profile: StoryProfile) -> list[str]:
    """The story's heaviest ``INDEX_TERMS`` entries: what the store indexes to offer it as a candidate."""
    return [t for t, _ in heapq.nlargest(INDEX_TERMS, profile.centroid.items(), key=lambda kv: (kv[1], kv[0]))]


def query_terms(sig: ArticleSignature) -> list[tuple[str, float]]:
    """The article's heaviest ``QUERY_TERMS`` entries with their weights: what candidate stories must share."""
    return heapq.nlargest(QUERY_TERMS, sig.terms.items(), key=lambda kv: (kv[1], kv[0]))


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


def _key_facts(title: str | None, text: str, facts: KeyFacts | None) -> dict[str, float]:
    """The article's key facts, weighted: 1 each, the card's most salient ones and repeated numbers more."""
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
    return {key: 1.0 + salient.get(key, 0.0) for key in sorted(keys)}


def _fact_key(kind: str, text: str) -> str | None:
    """The key two mentions of one person (surname), place or organisation share."""
    norm = entity_key(text)  # the card's own normaliser ("U.S." ~ "United States")
    if not norm:
        return None
    if kind == "p":
        words = norm.replace(".", " ").split()
        return f"p:{words[-1]}" if words else None
    return f"{kind}:{norm}"


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


def _unit(weights: dict[str, float]) -> dict[str, float]:
    """The vector scaled to length 1 (empty stays empty)."""
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {k: w / norm for k, w in weights.items()} if norm > 0 else {}


def _sum(vectors: Sequence[dict[str, float]]) -> dict[str, float]:
    """The sum of sparse vectors."""
    out: dict[str, float] = {}
    for vec in vectors:
        for k, w in vec.items():
            out[k] = out.get(k, 0.0) + w
    return out


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
