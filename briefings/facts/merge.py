"""Merge the key-fact cards of a story's articles into one card."""

from __future__ import annotations

from collections.abc import Callable

from briefings.models import Fact, KeyFacts

from .card import entity_key
from .dates import date_key
from .lexicon import words

_PARTICLES = words("van von de da del der den di du la le bin ibn al el dos das ten ter op")


def _name_words(name: str) -> list[str]:
    """Return a person's name words, lower-cased, without particles or initials' dots."""
    return [w.lower().rstrip(".") for w in name.split() if w.lower() not in _PARTICLES]


def same_person(a: str, b: str) -> bool:
    """Tell whether two names denote the same person ("Trump" and "Donald Trump")."""
    wa, wb = _name_words(a), _name_words(b)
    if not wa or not wb:
        return False
    if wa == wb:
        return True
    if wa[-1] != wb[-1]:
        return False
    if len(wa) == 1 or len(wb) == 1:
        return True
    return wa[0] == wb[0] or wa[0][:1] == wb[0][:1] and (len(wa[0]) == 1 or len(wb[0]) == 1)


def _best_detail(facts: list[Fact]) -> Fact:
    """Return the fact whose detail most others agree with (then the fuller one)."""
    with_detail = [f for f in facts if f.detail]
    if not with_detail:
        return facts[0]

    def score(f: Fact) -> tuple[int, int, int]:
        """Rank a detail: agreement of the others, then a telling length."""
        d = (f.detail or "").lower()
        support = sum(1 for o in with_detail if (o.detail or "").lower() in d)
        length = len(d.split())
        return support, -abs(length - 5) if length > 10 else length, -facts.index(f)

    return max(with_detail, key=score)


def _merge_kind(
    cards: list[KeyFacts],
    get: Callable[[KeyFacts], list[Fact]],
    same: Callable[[Fact, Fact], bool],
    pick_text: Callable[[list[Fact]], str],
    limit: int,
) -> list[Fact]:
    """Group equal facts across cards, keep the best detail, rank by importance."""
    groups: list[tuple[list[Fact], list[float], set[int]]] = []
    for ci, card in enumerate(cards):
        for rank, fact in enumerate(get(card)):
            for facts, weights, seen in groups:
                if same(facts[0], fact) or any(same(f, fact) for f in facts[1:]):
                    facts.append(fact)
                    weights.append(1.0 / (1 + rank))
                    seen.add(ci)
                    break
            else:
                groups.append(([fact], [1.0 / (1 + rank)], {ci}))
    scored: list[tuple[float, int, Fact]] = []
    for order, (facts, weights, seen) in enumerate(groups):
        best = _best_detail(facts)
        merged = best.model_copy(update={"text": pick_text(facts)})
        if merged.value is None:
            value = next((f.value for f in facts if f.value), None)
            merged = merged.model_copy(update={"value": value})
        scored.append((len(seen) + sum(weights), -order, merged))
    scored.sort(key=lambda s: (-s[0], -s[1]))
    return [f for _, _, f in scored[:limit]]


def _most_common_text(facts: list[Fact]) -> str:
    """Return the most frequent wording (ties: the longer)."""
    counts: dict[str, int] = {}
    for f in facts:
        counts[f.text] = counts.get(f.text, 0) + 1
    return max(counts, key=lambda t: (counts[t], len(t)))


def _fullest_name(facts: list[Fact]) -> str:
    """Return the fullest form of a person's name."""
    return max((f.text for f in facts), key=lambda t: (len(t.split()), len(t)))


def merge_facts(cards: list[KeyFacts], limit_per_kind: int = 8) -> KeyFacts:
    """Merge the cards of a story's articles: dedupe, keep the best detail, rank by importance."""
    cards = [c for c in cards if c is not None]
    if not cards:
        return KeyFacts()
    what = next((c.what for c in cards if c.what), None)
    return KeyFacts(
        what=what,
        people=_merge_kind(
            cards,
            lambda c: c.people,
            lambda a, b: same_person(a.text, b.text),
            _fullest_name,
            limit_per_kind,
        ),
        organizations=_merge_kind(
            cards,
            lambda c: c.organizations,
            lambda a, b: entity_key(a.text) == entity_key(b.text),
            _most_common_text,
            limit_per_kind,
        ),
        places=_merge_kind(
            cards,
            lambda c: c.places,
            lambda a, b: entity_key(a.text) == entity_key(b.text),
            _most_common_text,
            limit_per_kind,
        ),
        dates=_merge_kind(
            cards,
            lambda c: c.dates,
            lambda a, b: date_key(a) == date_key(b),
            _most_common_text,
            limit_per_kind,
        ),
        figures=_merge_kind(
            cards,
            lambda c: c.figures,
            lambda a, b: " ".join(a.text.lower().split()) == " ".join(b.text.lower().split()),
            _most_common_text,
            limit_per_kind,
        ),
        entities=[],
    )
