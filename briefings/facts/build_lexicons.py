"""Build the word lists ``briefings/data/facts-*.txt`` from NER training data (dev tool).

Usage: ``python -m briefings.facts.build_lexicons CONLL_TRAIN WIKIANN_TRAIN [OUT_DIR]``.

* ``facts-given-names.txt``: words that open a multi-word PER entity and are not seen
  capitalised outside person names more often than inside.
* ``facts-common-words.txt``: words seen in lower case at least three times (so
  "Holy Communion" or "Gone Girl" is not taken for a person's name).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent.parent / "data"


def _conll(path: Path) -> Iterator[list[tuple[str, str]]]:
    """Yield CoNLL-2003 sentences as (word, BIO tag) pairs."""
    sent: list[tuple[str, str]] = []
    for line in path.read_text("utf-8").splitlines():
        parts = line.split()
        if not parts or parts[0] == "-DOCSTART-":
            if sent:
                yield sent
            sent = []
            continue
        sent.append((parts[0], parts[-1]))
    if sent:
        yield sent


def _wikiann(path: Path) -> Iterator[list[tuple[str, str]]]:
    """Yield WikiANN sentences as (word, BIO tag) pairs."""
    sent: list[tuple[str, str]] = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            if sent:
                yield sent
            sent = []
            continue
        word, _, tag = line.partition("\t")
        sent.append((word.removeprefix("en:"), tag.strip()))
    if sent:
        yield sent


def given_names(sentences: Iterator[list[tuple[str, str]]]) -> list[str]:
    """Return words that open multi-word person names and are rarely anything else."""
    opens: Counter[str] = Counter()
    other: Counter[str] = Counter()
    for sent in sentences:
        for i, (word, tag) in enumerate(sent):
            if tag == "B-PER":
                nxt = sent[i + 1][1] if i + 1 < len(sent) else "O"
                if nxt == "I-PER" and word[:1].isupper() and word.isalpha() and len(word) > 1:
                    opens[word] += 1
            elif not tag.endswith("PER") and i > 0 and word[:1].isupper():
                other[word] += 1
    return sorted(w for w, n in opens.items() if n >= 1 and other[w] <= n)


def common_words(sentences: Iterator[list[tuple[str, str]]], min_count: int = 3) -> list[str]:
    """Return the words seen in lower case at least ``min_count`` times."""
    counts: Counter[str] = Counter()
    for sent in sentences:
        for word, _ in sent:
            if word.isalpha() and word.islower():
                counts[word] += 1
    return sorted(w for w, n in counts.items() if n >= min_count)


def main(argv: list[str]) -> int:
    """Write the given-name list from the training files named in ``argv``."""
    if len(argv) < 2:
        print(__doc__)
        return 2
    conll, wikiann = Path(argv[0]), Path(argv[1])
    out = Path(argv[2]) if len(argv) > 2 else OUT_DIR

    def both() -> Iterator[list[tuple[str, str]]]:
        yield from _conll(conll)
        yield from _wikiann(wikiann)

    for name, words in (
        ("facts-given-names.txt", given_names(both())),
        ("facts-common-words.txt", common_words(both())),
    ):
        (out / name).write_text("".join(f"{w}\n" for w in words), "utf-8")
        print(f"{len(words)} words -> {out / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
