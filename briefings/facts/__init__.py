"""Key-fact cards: who, what, when, where and the figures of a news article or story.

``extract_facts`` builds one article's card from the entity tagger (``briefings.nlp``),
the sentence splitter (``briefings.sentences``) and rules over word lists:

* ``people``: PER entities plus names written after a title, grouped ("Trump" is
  "Donald Trump"), with a role taken from the title before the name, an appositive,
  a "who heads X" clause or a copula; most mentioned and earliest first.
* ``organizations`` / ``places``: the tagger's entities, cleaned and deduplicated.
* ``dates``: dates as written, an ISO ``value`` resolved against the publication date,
  and the event they belong to.
* ``figures``: money, percentages and counts with units, with what they measure.

``merge_facts`` merges the cards of a story's articles.
"""

from .card import extract_facts
from .merge import merge_facts

__all__ = ["extract_facts", "merge_facts"]
