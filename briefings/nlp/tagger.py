"""Loading the shipped taggers (NER, POS, chunks), and the public analysis API.

The entity tagger is in briefings/nlp/ner.py, the rules around it in ner_rules.py.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from briefings.models import Entity, EntityType
from briefings.nlp import features as F
from briefings.nlp.model_files import load_packed
from briefings.nlp.ner import NerTagger
from briefings.nlp.ner_rules import (
    TITLES,
    drop_heading_guesses,
    retype_known_phrases,
    split_titles,
    truecase_heading,
)
from briefings.nlp.scoring import Packed, SequenceTagger
from briefings.nlp.tokenize import Token, sentence_spans, tokenize

__all__ = [
    "TITLES",
    "Analysis",
    "NerTagger",
    "Packed",
    "SequenceTagger",
    "analyze",
    "chunk_tagger",
    "drop_heading_guesses",
    "ner_tagger",
    "pos_tagger",
    "retype_known_phrases",
    "split_titles",
    "tag_entities",
    "truecase_heading",
]

log = logging.getLogger(__name__)

NER_MODEL = "tagger-ner.bin.gz"
POS_MODEL = "tagger-pos.bin.gz"
CHUNK_MODEL = "tagger-chunk.bin.gz"
ENTITY_TYPE: dict[str, EntityType] = {
    "PER": "person",
    "ORG": "organization",
    "LOC": "place",
    "MISC": "misc",
}


def _data_path(name: str) -> Path:
    """Return the path of a shipped data file."""
    return Path(str(resources.files("briefings") / "data" / name))


@functools.lru_cache(maxsize=1)
def ner_tagger() -> NerTagger:
    """Load the shipped entity tagger (once)."""
    weights, header = load_packed(_data_path(NER_MODEL))
    return NerTagger(weights, F.Lexicon.from_json(header["lexicon"]), two_pass=bool(header.get("two_pass")))


@functools.lru_cache(maxsize=1)
def pos_tagger() -> SequenceTagger:
    """Load the shipped part-of-speech tagger (once)."""
    return SequenceTagger(load_packed(_data_path(POS_MODEL))[0], "pos")


@functools.lru_cache(maxsize=1)
def chunk_tagger() -> SequenceTagger:
    """Load the shipped chunker (once)."""
    return SequenceTagger(load_packed(_data_path(CHUNK_MODEL))[0], "chunk")


def _sentences(text: str, tokens: list[Token]) -> list[tuple[int, int]]:
    """Return sentence token ranges, never longer than 200 tokens."""
    out: list[tuple[int, int]] = []
    for a, b in sentence_spans(text, tokens):
        while b - a > 200:
            out.append((a, a + 200))
            a += 200
        out.append((a, b))
    return out


def _ner_tags(text: str, tokens: list[Token]) -> list[str]:
    """Return one BIO entity tag per token."""
    sentences = [[t.text for t in tokens[a:b]] for a, b in _sentences(text, tokens)]
    return [tag for tags in ner_tagger().tag_document(sentences) for tag in tags]


def _entities(text: str, tokens: list[Token], tags: Sequence[str]) -> list[Entity]:
    """Turn BIO tags into entities with character offsets."""
    out: list[Entity] = []
    for a, b, typ in F.spans_from_bio(tags):
        start, end = tokens[a].start, tokens[b - 1].end
        out.append(Entity(text=text[start:end], type=ENTITY_TYPE[typ], start=start, end=end))
    return out


def tag_entities(text: str, tokens: list[Token] | None = None) -> list[Entity]:
    """Find the named entities (person, organization, place, misc) in ``text``.

    ``tokens`` may give ``tokenize(text)``, already done by the caller.
    """
    if tokens is None:
        tokens = tokenize(text)
    return _entities(text, tokens, _ner_tags(text, tokens))


@dataclass
class Analysis:
    """Tokens of a text with their POS tags, chunk tags and entity BIO tags.

    ``pos`` holds Penn Treebank tags, ``chunks`` CoNLL-2000 style chunk tags (B-NP, I-VP,
    O...), ``ner`` BIO entity tags (B-PER, I-ORG, B-LOC, B-MISC...), one per token;
    ``sentences`` are ``[i, j)`` token-index ranges.
    """

    text: str
    tokens: list[Token]
    pos: list[str]
    chunks: list[str]
    ner: list[str]
    sentences: list[tuple[int, int]] = field(default_factory=list)

    @property
    def entities(self) -> list[Entity]:
        """Return the named entities."""
        return _entities(self.text, self.tokens, self.ner)

    @property
    def noun_phrases(self) -> list[tuple[int, int]]:
        """Return the character spans of the noun-phrase chunks."""
        out: list[tuple[int, int]] = []
        for a, b, typ in F.spans_from_bio(self.chunks):
            if typ == "NP":
                out.append((self.tokens[a].start, self.tokens[b - 1].end))
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able form (handy for debugging)."""
        return {
            "tokens": [t.text for t in self.tokens],
            "pos": self.pos,
            "chunks": self.chunks,
            "ner": self.ner,
        }


def analyze(text: str) -> Analysis:
    """Tokenize ``text`` and tag it with POS tags, chunk tags and entity tags in one pass."""
    tokens = tokenize(text)
    sentences = _sentences(text, tokens)
    pos: list[str] = []
    chunks: list[str] = []
    pos_t, chunk_t = pos_tagger(), chunk_tagger()
    words_of = [[t.text for t in tokens[a:b]] for a, b in sentences]
    for words in words_of:
        p = pos_t.tag(words)
        pos.extend(p)
        chunks.extend(chunk_t.tag(words, p))
    ner = [tag for tags in ner_tagger().tag_document(words_of) for tag in tags]
    return Analysis(text, tokens, pos, chunks, ner, sentences)
