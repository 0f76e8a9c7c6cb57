"""Build the key-fact card of one article."""

from __future__ import annotations

import bisect
import re
from datetime import datetime

from briefings.models import Entity, Fact, FactKind, KeyFacts

from .dates import EVENT_NOUNS, card_dates, date_mentions, find_dates
from .doc import Doc, Sent, build_doc
from .entity_kinds import Mention, place_of_mentions, resolve_kinds
from .figures import FoundFigure, find_figures, rank_figures
from .lexicon import ALIASES, DEMONYMS, NOT_NAMES, ROLE_HEADS, ROLE_MODIFIERS, words
from .people import BYLINE, Person, find_people

_DATELINE = re.compile(
    r"^\s*(?:\(CNN\)\s*|[A-Z][A-Z .,'’-]{2,40}(?:\([^)]{1,30}\))?\s*(?:--|—|–|-|:)\s*|"
    r"\([A-Za-z .]{2,40}\)\s*(?:--|—|–|-)?\s*)"
)
_POSSESSIVE_END = re.compile(r"(?:\s?['’]s|['’])$")
_WHAT_WORDS = 30
_EVENT_TAIL = re.compile(r"['’]s?\s+([A-Z][a-z]+)\b")
_EVENT_WORDS = EVENT_NOUNS | words("conference forum cup games championship festival awards congress")
_ORG_SUFFIXES = words(
    "times post journal news herald tribune gazette telegraph guardian inc inc. corp corp. "
    "ltd plc llc group bank university college institute agency association foundation "
    "company committee council party ministry department"
)


def normalise_name(text: str) -> str:
    """Return an entity's display form: no leading "the", no possessive, single spaces."""
    text = " ".join(text.split())
    text = _POSSESSIVE_END.sub("", text)
    if text[:4].lower() == "the " and len(text) > 4:
        text = text[4:]
    return text.strip(" .,;:-–—\"'“”‘’") if not text.endswith(".") or text.count(".") < 2 else text


def entity_key(text: str) -> str:
    """Return the key two names of one organisation or place share ("U.S." ~ "United States")."""
    low = normalise_name(text).lower()
    return ALIASES.get(low, low)


def _what(title: str | None, doc: Doc) -> str | None:
    """Return one short line saying what the story is about."""
    if title and title.strip():
        return " ".join(title.split())
    first = doc.sents[0] if doc.sents else None
    if first is not None and first.is_heading and len(first.text.split()) >= 5:
        return " ".join(first.text.lstrip("# ").split())  # a headline on the first line
    for s in doc.sents:
        if s.is_heading:
            continue
        line = _DATELINE.sub("", " ".join(s.text.split()), count=1).strip()
        if len(line.split()) < 4:
            continue
        ws = line.split()
        if len(ws) > _WHAT_WORDS:
            line = " ".join(ws[:_WHAT_WORDS]).rstrip(",;:") + "…"
        return line
    return None


def _is_dateline(doc: Doc, e: Entity) -> bool:
    """Tell whether an entity is a wire credit or dateline ("REUTERS:", "(CNN)")."""
    before = doc.text[max(0, e.start - 1) : e.start]
    after = doc.text[e.end : e.end + 2]
    at_line_start = e.start == 0 or doc.text[e.start - 1] in "\n(" or before == "("
    return at_line_start and (after[:1] in (":", ")") or after.strip()[:2] in ("--", "—"))


def _org_and_place_facts(doc: Doc, people: list[Person], article_id: int | None) -> tuple[list[Fact], list[Fact]]:
    """Return organisation and place facts: deduplicated, most salient first, each name of one kind."""
    person_words: set[str] = set()
    person_spans: list[tuple[int, int]] = []
    for p in people:
        person_words.add(p.name.lower())
        person_words.update(w.lower() for w in p.name.split())
        person_spans.extend((m.start, m.end) for m in p.mentions)
    person_spans.sort()
    person_starts = [a for a, _ in person_spans]
    groups: dict[str, list[Mention]] = {}
    lowered_words = set(re.findall(r"\b[a-z][a-z'’-]+\b", doc.text))
    tagged = [(e.start, e.end) for e in doc.entities]
    place_of = place_of_mentions(doc)
    extra = [e for e in place_of if not any(a < e.end and e.start < b for a, b in tagged)]
    byline: dict[int, bool] = {}  # sentence start -> whether it is a byline
    for e in sorted([*doc.entities, *extra], key=lambda e: e.start):
        etype = e.type
        if etype == "misc" and e.text.split()[-1].lower() in _ORG_SUFFIXES:
            etype = "organization"  # "The Financial Times" tagged as misc
            e = e.model_copy(update={"type": etype})
        if etype not in ("organization", "place"):
            continue
        sent = doc.sentence_of(e.start)
        if sent is None or sent.is_heading:
            continue
        name = normalise_name(e.text)
        tail = _EVENT_TAIL.match(doc.text, e.end)
        if tail and tail.group(1).lower() in _EVENT_WORDS:
            name = doc.text[e.start : tail.end()]  # "G7 Leaders’ Summit"
        low = name.lower()
        words_ = name.split()
        last_word = words_[-1] if words_ else ""
        single = len(words_) == 1
        if (
            not (last_word[:1].isupper() or last_word[:1].isdigit())
            or name.endswith("&")
            or (single and (low in ROLE_MODIFIERS or low in ROLE_HEADS or low in lowered_words or low in EVENT_NOUNS))
            or any(c in name for c in '()[]{}"“”')
            or _is_byline(sent, byline)
        ):
            continue
        # A dateline names where the story happens: kept as a place, dropped as a wire credit.
        dateline = _is_dateline(doc, e) and (etype != "place" or doc.text[e.start - 1 : e.start] == "(")
        if (
            len(name) < 2
            or not name[:1].isupper()
            and not name[:1].isdigit()
            or low in NOT_NAMES
            or low in DEMONYMS
            or low in person_words
            or _overlaps(person_starts, person_spans, e)
            or dateline
        ):
            continue
        groups.setdefault(entity_key(name), []).append(Mention(name, e, sent.text))
    kinds = resolve_kinds(doc, groups, [p.name for p in people], place_of)
    n = max(len(doc.text), 1)
    scored: dict[FactKind, list[tuple[float, Fact]]] = {"organization": [], "place": []}
    for key, items in groups.items():
        kind = kinds.get(key)
        if kind is None:
            continue
        forms: dict[str, int] = {}
        for m in items:
            forms[m.name] = forms.get(m.name, 0) + 1
        shown = max(forms, key=lambda f: (forms[f], not f.isupper(), len(f)))  # "Milan", not "MILAN"
        first = min(items, key=lambda m: m.entity.start)
        score = len(items) + 1.5 * (1 - first.entity.start / n)
        fact = Fact(kind=kind, text=shown, sentence=first.sentence, article_id=article_id)
        scored[kind].append((score, fact))
    orgs, places = (sorted(scored[k], key=lambda sf: -sf[0]) for k in ("organization", "place"))
    return [f for _, f in orgs], [f for _, f in places]


def _is_byline(sent: Sent, seen: dict[int, bool]) -> bool:
    """Tell whether a sentence is a byline (remembered in ``seen`` by where it starts)."""
    got = seen.get(sent.start)
    if got is None:
        got = seen[sent.start] = BYLINE.search(sent.text) is not None
    return got


def _overlaps(starts: list[int], spans: list[tuple[int, int]], e: Entity) -> bool:
    """Tell whether ``e`` overlaps one of the sorted, non-overlapping ``spans``."""
    i = bisect.bisect_left(starts, e.end) - 1
    return i >= 0 and spans[i][1] > e.start


def _people_facts(people: list[Person], article_id: int | None) -> list[Fact]:
    """Return person facts with their best role."""
    out: list[Fact] = []
    for p in people:
        role = p.best_role()
        sentence = role.sentence if role else p.mentions[0].sent.text
        out.append(
            Fact(
                kind="person",
                text=p.name,
                detail=role.text if role else None,
                sentence=sentence,
                article_id=article_id,
            )
        )
    return out


def _figure_facts(found: list[FoundFigure], article_id: int | None) -> list[Fact]:
    """Return figure facts, key numbers first (see ``figures.figure_rank``)."""
    seen: set[tuple[str, str | None]] = set()
    out: list[Fact] = []
    for f in rank_figures(found):
        key = (f.text.lower(), f.detail if f.kind != "count" else None)
        if key in seen:
            continue
        seen.add(key)
        out.append(
            Fact(
                kind="figure",
                text=f.text,
                detail=f.detail,
                value=f.value,
                sentence=f.sentence,
                article_id=article_id,
            )
        )
    return out


def _entities(doc: Doc, people: list[Person]) -> list[Entity]:
    """Return all entities: the tagger's, with names found after titles added as persons."""
    extra = [
        Entity(text=m.name, type="person", start=m.start, end=m.end) for p in people for m in p.mentions if not m.tagged
    ]
    kept = [e for e in doc.entities if not any(x.start < e.end and e.start < x.end for x in extra)]
    # Every tagged span stays here, headings included (the benchmark scores this list); the card's
    # people, organisations and places above already keep heading-only names out.
    # A known person's name tagged as a place or organisation ("Trump administration").
    names = {w for p in people for w in (p.name, p.name.split()[-1])}
    kept = [e.model_copy(update={"type": "person"}) if e.type != "person" and e.text in names else e for e in kept]
    return sorted(kept + extra, key=lambda e: (e.start, e.end))


def extract_facts(
    text: str,
    *,
    title: str | None = None,
    published: datetime | None = None,
    article_id: int | None = None,
) -> KeyFacts:
    """Extract the key-fact card (people, organisations, places, dates, figures) of a text."""
    doc = build_doc(text)
    people = find_people(doc)
    found_dates = find_dates(doc, published)
    figures = find_figures(doc, [(d.start, d.end) for d in found_dates])
    dates = date_mentions(found_dates, article_id)
    organizations, places = _org_and_place_facts(doc, people, article_id)
    return KeyFacts(
        what=_what(title, doc),
        people=_people_facts(people, article_id),
        organizations=organizations,
        places=places,
        dates=card_dates(dates),
        date_mentions=dates,
        figures=_figure_facts(figures, article_id),
        entities=_entities(doc, people),
    )
