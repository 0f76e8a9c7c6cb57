"""Story slugs: validation, making one from a title, and finding close matches."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from briefings.errors import InvalidInput

SLUG_RE = re.compile(r"^[a-z0-9-]{1,64}$")
# Words that are `/brief` subcommands cannot be slugs: `/brief list` must keep meaning "list".
RESERVED = frozenset(
    {
        "list",
        "search",
        "help",
        "add",
        "remove",
        "rename",
        "alias",
        "digest",
        "show",
        "sources",
        "facts",
        "merge",
        "move",
        "new",
    }
)
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "by",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "amid",
        "amidst",
        "over",
        "after",
        "before",
        "into",
        "about",
        "its",
        "it",
        "this",
        "that",
        "these",
        "those",
        "his",
        "her",
        "their",
        "our",
        "your",
        "new",
        "says",
        "said",
    ]
)


def normalize_name(text: str | None) -> str:
    """Normalise a story name as typed: lowercase; spaces, underscores and runs of hyphens become one hyphen;
    no hyphen at either end ("Japan_US--Talks-" -> "japan-us-talks"). Other characters are left for
    ``validate_slug`` to refuse."""
    name = re.sub(r"[\s_]+", "-", (text or "").strip().lower())
    return re.sub(r"-{2,}", "-", name).strip("-")


def validate_slug(slug: str, what: str = "slug") -> str:
    """Return ``slug`` if it is a valid story slug, else raise InvalidInput saying why."""
    if not SLUG_RE.match(slug or ""):
        shown = (slug or "")[:80]
        raise InvalidInput(
            f"'{shown}' is not a valid {what}: use 1 to 64 lowercase letters, digits and hyphens "
            "(for example `japan-us-talks`)."
        )
    if slug.isdigit():
        raise InvalidInput(f"'{slug}' is not a valid {what}: it must contain a letter (numbers are article ids).")
    if slug in RESERVED:
        raise InvalidInput(f"'{slug}' is not a valid {what}: it is a command word.")
    return slug


def slugify(title: str, max_words: int = 5, max_len: int = 48) -> str:
    """Make a short slug from a title, e.g. "Japan Cancels Key Security Talks" -> "japan-cancels-key-security-talks"."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower().replace("'s ", " ").replace("’s ", " "))
    content = [w for w in words if w not in _STOP] or words
    picked: list[str] = []
    for word in content:
        if len("-".join([*picked, word])) > max_len:
            break
        picked.append(word)
        if len(picked) >= max_words:
            break
    slug = "-".join(picked) or "story"
    if slug.isdigit() or slug in RESERVED:
        slug = f"story-{slug}"
    return slug[:64]


_CLOSE = 0.55  # the least similarity (difflib ratio, or the floors above) that counts as close


def close_matches(word: str, candidates: Iterable[str], limit: int = 5) -> list[str]:
    """Return up to ``limit`` candidates that look like ``word`` (typos, prefixes, shared parts)."""
    word = word.lower().strip()
    if not word:
        return []
    bound = difflib.SequenceMatcher(None, "", word)  # ``word`` as b: its character counts are taken once
    exact = difflib.SequenceMatcher(None, word, "")
    own_parts = set(word.replace("-", " ").split())
    scored: dict[str, float] = {}
    for cand in candidates:
        floor = 0.8 if word in cand else 0.0  # a prefix is a substring too
        parts = own_parts.intersection(cand.replace("-", " ").split())
        if parts:
            floor = max(floor, 0.6 + 0.1 * len(parts))
        # the full ratio only when its cheap (symmetric) upper bounds could still beat the floor and the cut-off
        need = max(floor, _CLOSE)
        bound.set_seq1(cand)
        if bound.real_quick_ratio() >= need and bound.quick_ratio() >= need:
            exact.set_seq2(cand)
            ratio = max(exact.ratio(), floor)
        else:
            ratio = floor
        if ratio >= _CLOSE:
            scored[cand] = max(ratio, scored.get(cand, 0.0))
    return [c for c, _ in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]
