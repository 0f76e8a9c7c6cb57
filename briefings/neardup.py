"""Near-duplicate articles: the same story text republished with small edits and other boilerplate.

An article's *body* is its text without what outlets wrap around a story: site navigation,
headlines and section headings (short lines without sentence punctuation), bylines, captions,
credit and copyright lines, "Read more" links, share buttons, cookie and subscription notices.
The body's words (lower-cased) are cut into overlapping ``SHINGLE_WORDS``-word shingles, and the
shingle set is summarised by a MinHash signature of ``PERMUTATIONS`` values computed with
one-permutation hashing: every shingle is hashed once (CRC-32 of its UTF-8 bytes), the hash's low
bits pick one of the ``PERMUTATIONS`` bins and each bin keeps its smallest value; bins no
shingle fell into borrow the value of a bin chosen by a fixed probe sequence ("optimal
densification", Shrivastava 2017). The share of equal positions of two signatures estimates the
Jaccard similarity of the two shingle sets. Everything is deterministic across processes and
Python versions (no salted ``hash()``, no ``random``).

For look-ups the signature is cut into ``BANDS`` bands of ``ROWS`` values; two articles whose
shingle sets have Jaccard similarity J share at least one band key with probability
1 - (1 - J^ROWS)^BANDS (0.87 at J = 0.5, 0.99 at 0.6, > 0.999 at 0.7; 0.003 at 0.1), so a store
finds the candidates by key and confirms them with :func:`is_near_duplicate`.

Three-word shingles and the thresholds were chosen on the CNN/DM dev articles (390 stories, some of
them several reports of one event that share whole paragraphs, up to Jaccard 0.44): no pair of
different reports passes, while copies with 5% of their words changed, other boilerplate and
headlines do (389/390; 10% changed: about 240/390), and so do copies cut to 60% of their length.
Longer shingles separate the two less well (5 words: the same copies reach Jaccard 0.50-0.65
against 0.39 for the closest different reports).

A text that keeps too little body (fewer than ``MIN_WORDS`` words), or whose words are mostly
recognised boilerplate, gets no fingerprint at all: two pages that only carry a cookie notice or
"Subscribe to continue reading" must never be taken for the same story.
"""

from __future__ import annotations

import hashlib
import logging
import operator
import re
import unicodedata
import zlib
from itertools import accumulate

from pydantic import Field

from briefings.models import Model
from briefings.summarize import is_junk

__all__ = [
    "BANDS",
    "PERMUTATIONS",
    "ROWS",
    "SCHEME",
    "Fingerprint",
    "body_text",
    "containment",
    "fingerprint",
    "is_boilerplate",
    "is_near_duplicate",
    "similarity",
]

logger = logging.getLogger(__name__)

SCHEME = 1  # bump when the body rules, the shingles or the hashing change: old fingerprints do not compare
SHINGLE_WORDS = 3
PERMUTATIONS = 128
BANDS = 32
ROWS = PERMUTATIONS // BANDS
MIN_WORDS = 50  # a body shorter than this (after boilerplate) is not fingerprinted
MIN_BODY_SHARE = 0.25  # ... nor one that is less than this share of the text's words
JACCARD = 0.6  # estimated Jaccard similarity from which two bodies are the same story text
CONTAINED = 0.85  # ... or the share of the smaller body found in the larger one
MIN_SIZE_RATIO = 0.4  # ... when the smaller body is at least this share of the larger

_BIN_BITS = PERMUTATIONS.bit_length() - 1
assert 1 << _BIN_BITS == PERMUTATIONS
_BIN_MASK = PERMUTATIONS - 1
_EMPTY = -1
_PROBE_LENGTH = 32  # probes before the fallback scan: all empty with odds under 1e-5 for the smallest bodies
# A fixed probe order for every bin (optimal densification): crc32-derived, so it never changes.
_PROBES: tuple[tuple[int, ...], ...] = tuple(
    tuple(zlib.crc32(f"probe {b} {t}".encode()) % PERMUTATIONS for t in range(_PROBE_LENGTH))
    for b in range(PERMUTATIONS)
)

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]»]*\s+(?=[\"'“‘(\[«]?[A-Z0-9])")
_TERMINAL = re.compile(r"[.!?…:;][\"'”’)\]»]*\s*$")
_HEADING_WORDS = 20  # a line without sentence punctuation and fewer words is a heading, menu or button
_SHORT_SENTENCE = 3  # a sentence of fewer words is a button, label or stray fragment
# Boilerplate that outlets wrap around stories (is_junk covers captions, credits, bylines, links, copyright
# and "Read more"): cookie and consent notices, paywalls, sign-ups, sharing, error pages, wire trailers.
# One phrase a line, matched on whole words; a sentence holding one is not story text.
_BOILERPLATE_PHRASES = """
    we use cookies | use of cookies | uses cookies | use cookies to | accept cookies | accept all cookies
    cookie policy | cookies policy | cookie settings | cookie preferences | cookie notice | cookies and similar
    privacy policy | privacy notice | privacy settings | privacy statement | manage consent | manage your consent
    manage preferences | manage your preferences | manage settings | manage your settings | your consent
    terms of use | terms of service | terms and conditions | use of our site | use of our website | this site uses
    this website uses | our advertising | advertising partners | analytics partners | personalise content
    personalize content | personalised ads | personalized ads
    subscribe to | subscribe now | subscribe today | subscribe for | subscribe here | already a subscriber
    become a subscriber | for subscribers | subscribers only | subscriber only | subscriber exclusive
    start your subscription | your subscription | subscription to continue | subscribe to continue
    our newsletter | our newsletters | free newsletter | daily newsletter | weekly newsletter | the newsletter for
    sign up for | sign up to | sign up now | sign up here | sign in to | sign in or | sign in here
    log in to | log in or | log in here | login | logged in | register now | register for free
    create an account | create a free account | create your account | continue reading | keep reading
    unlimited access | free trial | cancel anytime | cancel any time | article limit | free articles
    javascript | ad blocker | adblocker | your browser | turn off your | disable your
    share this | share on facebook | share on twitter | share on x | share via | share by email | email this
    reporting by | writing by | editing by | compiled by | additional reporting
    this article was | this article has been | this article first | this story was | this story has been
    this story first | originally published | originally appeared | first appeared on | first published on
    skip to content | skip to main content | back to top | all rights reserved | comments are closed
    leave a comment | join the conversation | not available in your | page you requested
    page you are looking for | page not found | page cannot be found | page could not be found | access denied
    download our app | download the app | get the app | click here | tap here
"""
_PHRASES: dict[str, tuple[tuple[str, ...], ...]] = {}
for _phrase in (p.split() for p in _BOILERPLATE_PHRASES.replace("\n", "|").split("|") if p.strip()):
    _PHRASES[_phrase[0]] = (*_PHRASES.get(_phrase[0], ()), tuple(_phrase[1:]))
_PHRASE_STARTS = frozenset(_PHRASES)
# Labels that open a line of links: "Related: ...", "Most read | ...", "Advertisement - ...".
_LABEL = re.compile(
    r"(?:related|recommended|more|trending|most read|popular|advertisement|sponsored|watch|listen|"
    r"latest|top stories|editor'?s picks?)(?:\s+\w+){0,2}\s*[:|]",
    re.IGNORECASE,
)


def _has_phrase(words: list[str]) -> bool:
    """Tell whether a sentence's lower-cased words hold a boilerplate phrase."""
    phrases = _PHRASES
    for i, w in enumerate(words):
        tails = phrases.get(w)
        if tails is None:
            continue
        for tail in tails:
            if not tail or tuple(words[i + 1 : i + 1 + len(tail)]) == tail:
                return True
    return False


class Fingerprint(Model):
    """A text's near-duplicate fingerprint: a MinHash signature of its body's word shingles."""

    scheme: int = Field(default=SCHEME, description="SCHEME of the code that made it: others do not compare")
    size: int = Field(ge=1, description="distinct shingles of the body")
    signature: list[int] = Field(min_length=PERMUTATIONS, max_length=PERMUTATIONS)

    def bands(self) -> list[str]:
        """Return the LSH band keys (hex, band number first) under which a store can look this text up."""
        keys = []
        for band in range(BANDS):
            values = self.signature[band * ROWS : (band + 1) * ROWS]
            raw = b"".join(v.to_bytes(4, "big") for v in values)
            keys.append(f"{self.scheme:x}{band:02x}{hashlib.blake2b(raw, digest_size=8).hexdigest()}")
        return keys

    def to_json(self) -> str:
        """Return the compact JSON form a store keeps."""
        return self.model_dump_json()

    @classmethod
    def from_json(cls, data: str | bytes) -> Fingerprint:
        """Read a fingerprint back from :meth:`to_json`."""
        return cls.model_validate_json(data)


def is_boilerplate(sentence: str) -> bool:
    """Tell whether a sentence is an outlet's notice (cookies, paywall, sign-up, sharing, copyright), not news.

    Captions, credits and bylines are not counted here: they are no story text, but may still name people.
    """
    words = _WORD.findall(unicodedata.normalize("NFKC", sentence).lower().replace("’", "'"))
    if "©" in sentence or "copyright" in words:
        return True
    return (not _PHRASE_STARTS.isdisjoint(words) and _has_phrase(words)) or bool(_LABEL.match(sentence))


def _is_boilerplate(sentence: str, words: list[str]) -> bool:
    """Tell whether one sentence (with its lower-cased words) is outlet wrapping rather than story text."""
    if len(words) < _SHORT_SENTENCE:
        return True
    if not _PHRASE_STARTS.isdisjoint(words) and _has_phrase(words):
        return True
    return bool(_LABEL.match(sentence)) or is_junk(sentence)


def _body(text: str) -> tuple[list[str], list[str], int]:
    """Split ``text`` into its story sentences, their lower-cased words, and the word count of the whole text."""
    text = unicodedata.normalize("NFKC", text)
    sentences: list[str] = []
    words: list[str] = []
    total = 0
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        n = len(line.split())
        total += n
        if n < _HEADING_WORDS and not _TERMINAL.search(line):
            continue  # a headline, section heading, menu, button or byline
        for sentence in _SENTENCE_END.split(line):
            found = _WORD.findall(sentence.lower().replace("’", "'"))
            if not _is_boilerplate(sentence, found):
                sentences.append(sentence)
                words.extend(found)
    return sentences, words, total


def body_text(text: str) -> str:
    """Return the story text of ``text``: its sentences once headings and boilerplate are dropped."""
    return " ".join(_body(text)[0])


def fingerprint(text: str) -> Fingerprint | None:
    """Fingerprint a text's body, or return None when too little of it is story text to compare safely."""
    _, words, total = _body(text)
    if len(words) < MIN_WORDS or len(words) < MIN_BODY_SHARE * total:
        logger.debug("no fingerprint: %d body words of %d", len(words), total)
        return None
    joined = " ".join(words)
    # byte offsets of each word's start: shingle i runs from starts[i] to the end of word i + SHINGLE_WORDS - 1
    sizes = (len(w) + 1 for w in words) if joined.isascii() else (len(w.encode()) + 1 for w in words)
    starts = [0, *accumulate(sizes)]
    view = memoryview(joined.encode())
    crc = zlib.crc32
    hashes = {crc(view[a : b - 1]) for a, b in zip(starts, starts[SHINGLE_WORDS:], strict=False)}
    # one-permutation hashing: the low bits pick the bin, each bin keeps its smallest value (the high bits)
    mins = {h & _BIN_MASK: h >> _BIN_BITS for h in sorted(hashes, reverse=True)}
    signature = [mins.get(b, _EMPTY) for b in range(PERMUTATIONS)]
    if len(mins) < PERMUTATIONS:
        signature = _densify(signature)
    return Fingerprint(size=len(hashes), signature=signature)


def _densify(signature: list[int]) -> list[int]:
    """Fill the empty bins from the first non-empty bin of each one's fixed probe sequence."""
    out = list(signature)
    for b, value in enumerate(signature):
        if value != _EMPTY:
            continue
        for p in _PROBES[b]:
            if signature[p] != _EMPTY:
                out[b] = signature[p]
                break
        else:  # pragma: no cover - every probe empty: rare, and still deterministic
            out[b] = next(v for v in signature[b:] + signature[:b] if v != _EMPTY)
    return out


def similarity(a: Fingerprint, b: Fingerprint) -> float:
    """Estimate the Jaccard similarity of the shingle sets of two fingerprinted bodies (0..1)."""
    if a.scheme != b.scheme:
        return 0.0
    return sum(map(operator.eq, a.signature, b.signature)) / PERMUTATIONS


def containment(a: Fingerprint, b: Fingerprint) -> float:
    """Estimate the share of ``a``'s shingles that ``b`` also has (0..1)."""
    return _contained(similarity(a, b), a.size, b.size)


def _contained(jaccard: float, size: int, other: int) -> float:
    """Share of a set of ``size`` found in one of ``other``, from their Jaccard similarity."""
    return min(1.0, jaccard * (size + other) / (1.0 + jaccard) / size)


def is_near_duplicate(a: Fingerprint, b: Fingerprint) -> bool:
    """Tell whether two fingerprinted bodies are the same story text, give or take edits, trims and boilerplate."""
    j = similarity(a, b)
    if j >= JACCARD:
        return True
    small, large = sorted((a.size, b.size))
    return small >= MIN_SIZE_RATIO * large and _contained(j, small, large) >= CONTAINED
