"""Decide whether a name on the card is an organisation, a place, or neither.

The entity tagger types each mention on its own and, trained on Reuters sports pages,
often takes a city for a club or a team for a city. A name's kind is settled once for
all its mentions, by the first rule that applies:

1. neither, when a mention is the title of a creative work or event (inside a quoted
   title, "the film X", "X, the HBO series", "starring in X");
2. neither, when it is a lone first name of a person of the article ("Caleb" of
   "Caleb Walker", or "Caleb and Cody" with given names);
3. the kind its last word says ("Tulsa County", "Universal Studios"), a region of a
   known place ("Southern California"), a team ("Atlanta Hawks": a known place then a
   capitalised plural), or "the village of X";
4. the gazetteer's type (WikiANN and CoNLL phrases) for a multi-word name, or "place"
   for a single word the gazetteer knows as a location ("Marseille");
5. the kind of a longer name it ends ("Hawks" after "Atlanta Hawks");
6. the tagger's majority over the mentions.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from briefings.models import Entity, FactKind

from .doc import Doc
from .lexicon import GIVEN_NAMES, ORG_HEADS, PLACE_HEADS, PLACE_NOUNS, PLACE_REGIONS, WORK_CUES
from .role_lexicon import is_role_word_text

log = logging.getLogger(__name__)

_Gazetteer = tuple[dict[tuple[str, ...], str], dict[tuple[str, ...], str], dict[str, str]]
_QUOTED = re.compile(r"[\"“]([^\"“”\n]{1,80})[\"”]")
_AFTER_WORK = re.compile(
    r"^(?:['’]s?)?[,\"”]*\s+(?:is\s+|was\s+)?(?:the|a|an|its|his|her|their)\s+"
    r"(?:[\w.&'’-]+\s+){0,3}?([a-z]+)\b"
)
_COORDINATED_AFTER = re.compile(r"^,?\s+(?:and|or|&)\s+([A-Z][a-z]+)\b")
_COORDINATED_BEFORE = re.compile(r"\b([A-Z][a-z]+),?\s+(?:and|or|&)\s+$")
# "brothers, " or "brothers, Cody and " right before a name
_APPOSED_TO = re.compile(r"\b([a-z][a-z-]+),\s+(?:[A-Z][a-z]+,?\s+(?:and|or|&)\s+)?$")
_REGION_AFTER = re.compile(r",\s+([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\b(?!\s+[A-Z])")
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_PLACE_OF = re.compile(r"\b(?:the\s+)?([a-z]+)\s+of\s+((?:[A-Z][\w'’]*(?:-[\w'’]+)*)(?:\s+[A-Z][\w'’-]*){0,2})")


@dataclass
class Mention:
    """One mention of a candidate organisation or place."""

    name: str
    entity: Entity
    sentence: str


def _norm(word: str) -> str:
    """Return the tagger's normal form of a word."""
    try:
        from briefings.nlp.features import norm  # noqa: PLC0415 - optional, as in doc.py

        return norm(word)
    except ImportError:  # pragma: no cover - without the tagger package
        return word.lower()


@functools.lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    """Return the tagger's gazetteer: WikiANN phrases, CoNLL phrases, CoNLL word labels."""
    try:
        from briefings.nlp.tagger import ner_tagger  # noqa: PLC0415 - loaded lazily

        lex = ner_tagger().lex
        return lex.wiki, lex.phrases, lex.labels
    except (ImportError, OSError) as exc:  # pragma: no cover - without the model
        log.warning("no gazetteer (%s)", exc)
        return {}, {}, {}


def known_type(name: str) -> str | None:
    """Return the gazetteer type (PER/ORG/LOC/MISC) of exactly this name, if known."""
    wiki, phrases, labels = _gazetteer()
    key = tuple(_norm(w) for w in name.split())
    found = wiki.get(key) or phrases.get(key)
    if found is None and len(key) == 1:
        label = labels.get(key[0], "")
        found = label.split("|")[0] if label.endswith("|all") and label.startswith("LOC") else None
    return found


def is_work_title(doc: Doc, e: Entity) -> bool:
    """Tell whether a mention names a creative work or event rather than an organisation or place."""
    sent = doc.sentence_of(e.start)
    if sent is None:
        return False
    for m in _QUOTED.finditer(sent.text):
        a, b = sent.start + m.start(1), sent.start + m.end(1)
        if a <= e.start and e.end <= b and _title_case(m.group(1)):
            return True
    before = _WORD.findall(doc.text[max(sent.start, e.start - 40) : e.start])[-3:]
    if any(w.lower() in WORK_CUES and w[0].islower() for w in before):
        return True
    after = _AFTER_WORK.match(doc.text, e.end, min(len(doc.text), e.end + 60))
    return after is not None and after.group(1) in WORK_CUES


def _title_case(text: str) -> bool:
    """Tell whether a quoted text looks like a title: short, its long words capitalised."""
    ws = _WORD.findall(text)
    long_words = [w for w in ws if len(w) > 3]
    return 0 < len(ws) <= 8 and all(w[0].isupper() for w in long_words)


def is_lone_first_name(name: str, doc: Doc, mentions: Sequence[Mention], person_names: Sequence[str]) -> bool:
    """Tell whether a one-word name is the first name of a person of the article."""
    if " " in name or not name[:1].isupper():
        return False
    firsts = {n.split()[0] for n in person_names if " " in n}
    firsts.update(e.text.split()[0] for e in doc.entities if e.type == "person" and " " in e.text)
    if name in firsts:
        return True
    for m in mentions:  # "his brothers, Caleb and Cody"
        role = _APPOSED_TO.search(doc.text[max(0, m.entity.start - 50) : m.entity.start])
        if role is not None and _is_role(role.group(1).lower()):
            return True
    if known_type(name) in ("ORG", "LOC"):
        return False
    singles = {n for n in person_names if " " not in n}
    for m in mentions:  # "Caleb and Cody Walker", "Cody and Caleb"
        e = m.entity
        nxt = _COORDINATED_AFTER.match(doc.text[e.end : e.end + 30])
        prev = _COORDINATED_BEFORE.search(doc.text[max(0, e.start - 30) : e.start])
        for other in (nxt, prev):
            if other is not None and other.group(1) in (GIVEN_NAMES | firsts | singles):
                return True
    return False


def _is_role(low: str) -> bool:
    """Tell whether a lower-case noun (maybe plural) names people by role or relation."""
    return is_role_word_text(low) or (low.endswith("s") and is_role_word_text(low[:-1]))


def structural_kind(name: str) -> FactKind | None:
    """Return the kind a name's own words say: its head word, a region, a team name."""
    ws = name.split()
    last = ws[-1].lower()
    if last in ORG_HEADS:
        return "organization"
    if len(ws) > 1 and last in PLACE_HEADS:
        return "place"
    if len(ws) > 1 and ws[0].lower() in PLACE_REGIONS and known_type(" ".join(ws[1:])) == "LOC":
        return "place"
    if (
        len(ws) > 1
        and ws[-1][:1].isupper()
        and last.endswith("s")
        and not last.endswith("ss")
        and known_type(" ".join(ws[:-1])) == "LOC"
        and known_type(name) != "LOC"
    ):
        return "organization"  # "Atlanta Hawks", "Indiana Pacers"
    return None


def place_of_mentions(doc: Doc) -> list[Entity]:
    """Return the names after "the town of", "the village of"... as places."""
    out: list[Entity] = []
    for m in _PLACE_OF.finditer(doc.text):
        if m.group(1) in PLACE_NOUNS:
            out.append(Entity(text=m.group(2), type="place", start=m.start(2), end=m.end(2)))
    return out


def resolve_kinds(
    doc: Doc,
    groups: dict[str, list[Mention]],
    person_names: Sequence[str],
    place_of_found: Sequence[Entity] | None = None,
) -> dict[str, FactKind | None]:
    """Return the kind of every group of mentions (keyed as ``groups``), or None for neither.

    ``place_of_found`` may give :func:`place_of_mentions` of ``doc``, already found.
    """
    found = place_of_mentions(doc) if place_of_found is None else place_of_found
    place_of = {(e.start, e.end) for e in found}
    kinds: dict[str, FactKind | None] = {}
    pending: list[str] = []
    for key, mentions in groups.items():
        name = _shown(mentions)
        if any(is_work_title(doc, m.entity) for m in mentions) or is_lone_first_name(name, doc, mentions, person_names):
            kinds[key] = None
        elif (kind := _multiword_known(name) or structural_kind(name)) is not None:
            kinds[key] = kind
        elif any((m.entity.start, m.entity.end) in place_of or _before_its_region(doc, m.entity) for m in mentions):
            kinds[key] = "place"
        elif _looks_like_person(name):
            kinds[key] = None
        else:
            kinds[key] = _gazetteer_kind(name, mentions)
            if kinds[key] is None:
                pending.append(key)
    ends = {_shown(groups[k]).split()[-1]: v for k, v in kinds.items() if v and " " in _shown(groups[k])}
    for key in pending:
        name = _shown(groups[key])
        kinds[key] = ends.get(name) if " " not in name and name in ends else _votes(groups[key])
    return kinds


def _before_its_region(doc: Doc, e: Entity) -> bool:
    """Tell whether a mention is followed by the place it lies in ("Cincinnati, Ohio")."""
    m = _REGION_AFTER.match(doc.text, e.end, min(len(doc.text), e.end + 40))
    return m is not None and known_type(m.group(1)) == "LOC"


def _looks_like_person(name: str) -> bool:
    """Tell whether a two-word name is a given name and a surname ("Whitney Houston")."""
    ws = name.split()
    return (
        len(ws) == 2
        and ws[0] in GIVEN_NAMES
        and all(w[:1].isupper() and w[1:].replace("'", "").isalpha() for w in ws)
        and known_type(ws[0]) not in ("ORG", "LOC")
        and known_type(ws[1]) not in ("ORG", "LOC")
    )


def _multiword_known(name: str) -> FactKind | None:
    """Return the kind the gazetteer knows for a multi-word name ("Manchester City")."""
    if " " not in name or name.split()[-1].lower() in ORG_HEADS:
        return None
    known = known_type(name)
    return "place" if known == "LOC" else "organization" if known == "ORG" else None


def _gazetteer_kind(name: str, mentions: Sequence[Mention]) -> FactKind | None:
    """Return the kind the gazetteer gives a name, or None when it does not settle it."""
    known = known_type(name)
    if known == "LOC":
        return "place"
    if known == "ORG" and (" " in name or _votes(mentions) == "organization"):
        return "organization"
    return None


def _votes(mentions: Sequence[Mention]) -> FactKind:
    """Return the tagger's majority kind over the mentions (the first mention's on a tie)."""
    orgs = sum(1 for m in mentions if m.entity.type == "organization")
    places = sum(1 for m in mentions if m.entity.type == "place")
    if orgs != places:
        return "organization" if orgs > places else "place"
    first = min(mentions, key=lambda m: m.entity.start)
    return "place" if first.entity.type == "place" else "organization"


def _shown(mentions: Sequence[Mention]) -> str:
    """Return the form a group is shown under: its most frequent, then longest, name."""
    forms: dict[str, int] = {}
    for m in mentions:
        forms[m.name] = forms.get(m.name, 0) + 1
    return max(forms, key=lambda f: (forms[f], len(f)))
