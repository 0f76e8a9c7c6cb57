"""Offline NLP: tokenizer, named-entity tagger, POS tagger and noun-phrase chunker.

``tokenize(text)`` gives tokens with character offsets; ``tag_entities(text)`` gives
:class:`briefings.models.Entity` objects (person, organization, place, misc);
``analyze(text)`` tags tokens with POS, chunk and entity tags in one pass. The models are
averaged perceptrons trained on CoNLL-2003 (scripts/train_tagger.py), shipped in
briefings/data/tagger-*.bin.gz and loaded on first use.
"""

from briefings.nlp.tagger import Analysis, analyze, tag_entities
from briefings.nlp.tokenize import Token, tokenize

__all__ = ["Analysis", "Token", "analyze", "tag_entities", "tokenize"]
