"""Feature extraction shared by the trainer (scripts/train_tagger.py) and the taggers."""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

ENTITY_TYPES = ("PER", "ORG", "LOC", "MISC")
NER_CLASSES = ("O",) + tuple(f"{p}-{t}" for t in ENTITY_TYPES for p in ("B", "I"))
PAD_LEFT = ("<s2>", "<s1>")
PAD_RIGHT = ("</s1>", "</s2>")
MAX_PHRASE = 6

_DIGITS = re.compile(r"\d")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
_SHAPE_MAP = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "X" * 26 + "x" * 26 + "d" * 10,
)


@functools.lru_cache(maxsize=65536)
def norm(word: str) -> str:
    """Return the lower-cased form of ``word`` with digits mapped to 0 and quotes unified."""
    low = word.lower()
    if low.isalpha():  # no digit, no quote: most words
        return low
    return _DIGITS.sub("0", low).translate(_QUOTES)


@functools.lru_cache(maxsize=65536)
def shape(word: str) -> str:
    """Return a compressed word shape such as "Xx", "X.X.", "d.d", "x-Xx"."""
    s = word.translate(_SHAPE_MAP)
    out: list[str] = []
    for c in s:
        if not out or out[-1] != c:
            out.append(c)
    res = "".join(out)
    return res if len(res) <= 8 else res[:4] + "~" + res[-3:]


def case_class(word: str) -> str:
    """Classify capitalisation: upper, title, lower, mixed, or none (no letters)."""
    if not word.isalpha() and not any(c.isalpha() for c in word):
        return "n"
    if word.isupper():
        return "U" if len(word) > 1 else "T"
    if word[0].isupper():
        return "T"
    if word.islower():
        return "l"
    return "m"


def sentence_case(words: Sequence[str]) -> str:
    """Classify a sentence as all-caps ("U"), title-case heading ("T") or normal ("n")."""
    alpha = [w for w in words if w.isalpha() or any(c.isalpha() for c in w)]
    if len(alpha) < 2:
        return "n"
    upper = sum(1 for w in alpha if w.isupper() and len(w) > 1)
    if upper >= 0.7 * len(alpha):
        return "U"
    lower = sum(1 for w in alpha if w[0].islower())
    if lower == 0:
        return "T"
    return "n"


@dataclass
class Lexicon:
    """Word statistics gathered from training data: label distributions and casing."""

    labels: dict[str, str] = field(default_factory=dict)  # norm word -> "PER|2" etc.
    lowercase: dict[str, str] = field(default_factory=dict)  # norm word -> lower-use bucket
    phrases: dict[tuple[str, ...], str] = field(default_factory=dict)  # norm tokens -> type
    before: dict[str, str] = field(default_factory=dict)  # word -> type of entity it precedes
    after: dict[str, str] = field(default_factory=dict)  # word -> type of entity it follows
    wiki: dict[tuple[str, ...], str] = field(default_factory=dict)  # extra gazetteer phrases
    wiki_words: dict[str, str] = field(default_factory=dict)  # norm word -> its use in gazetteer names
    clusters: dict[str, str] = field(default_factory=dict)  # norm word -> distributional cluster path

    @functools.cached_property
    def phrase_starts(self) -> dict[str, int]:
        """Return the longest training phrase length per first word."""
        return phrase_starts(self.phrases)

    @functools.cached_property
    def wiki_starts(self) -> dict[str, int]:
        """Return the longest gazetteer phrase length per first word."""
        return phrase_starts(self.wiki)

    @functools.cached_property
    def phrase_lengths(self) -> dict[str, tuple[int, ...]]:
        """Return the training phrase lengths per first word, longest first."""
        return phrase_lengths(self.phrases)

    @functools.cached_property
    def wiki_lengths(self) -> dict[str, tuple[int, ...]]:
        """Return the gazetteer phrase lengths per first word, longest first."""
        return phrase_lengths(self.wiki)

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-able form."""
        return {
            "labels": self.labels,
            "lowercase": self.lowercase,
            "phrases": {" ".join(k): v for k, v in self.phrases.items()},
            "before": self.before,
            "after": self.after,
            "wiki": {" ".join(k): v for k, v in self.wiki.items()},
            "wiki_words": self.wiki_words,
            "clusters": self.clusters,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Lexicon:
        """Rebuild from :meth:`to_json` output."""
        return cls(
            labels=data["labels"],
            lowercase=data["lowercase"],
            phrases={tuple(k.split(" ")): v for k, v in data["phrases"].items()},
            before=data.get("before", {}),
            after=data.get("after", {}),
            wiki={tuple(k.split(" ")): v for k, v in data.get("wiki", {}).items()},
            wiki_words=data.get("wiki_words", {}),
            clusters=data.get("clusters", {}),
        )


def _bucket(n: int) -> str:
    """Return a coarse frequency bucket."""
    return "1" if n == 1 else "2" if n <= 4 else "5" if n <= 20 else "21"


def build_lexicon(sentences: Iterable[tuple[Sequence[str], Sequence[str]]]) -> Lexicon:
    """Gather a :class:`Lexicon` from (words, BIO tags) training sentences."""
    label_counts: dict[str, Counter[str]] = {}
    lower_use: Counter[str] = Counter()
    total_use: Counter[str] = Counter()
    phrase_counts: dict[tuple[str, ...], Counter[str]] = {}
    before: dict[str, Counter[str]] = {}
    after: dict[str, Counter[str]] = {}
    for words, tags in sentences:
        caps = sentence_case(words) == "U"
        for i, (w, t) in enumerate(zip(words, tags, strict=True)):
            n = norm(w)
            label_counts.setdefault(n, Counter())[t[2:] if t != "O" else "O"] += 1
            if not caps and i > 0 and any(c.isalpha() for c in w):
                total_use[n] += 1
                if w[0].islower():
                    lower_use[n] += 1
        ents = spans_from_bio(tags)
        starts = {a: t for a, _b, t in ents}
        ends = {b: t for _a, b, t in ents}
        for i, w in enumerate(words):
            n = norm(w)
            before.setdefault(n, Counter())[starts.get(i + 1, "O")] += 1
            after.setdefault(n, Counter())[ends.get(i, "O")] += 1
        for start, end, typ in ents:
            if end - start >= 2 and end - start <= MAX_PHRASE:
                key = tuple(norm(w) for w in words[start:end])
                phrase_counts.setdefault(key, Counter())[typ] += 1
    labels: dict[str, str] = {}
    for n, cnt in label_counts.items():
        total = sum(cnt.values())
        top, k = cnt.most_common(1)[0]
        ent = total - cnt["O"]
        if ent == 0:
            continue  # words never seen in an entity carry no label feature
        labels[n] = f"{top}|{_bucket(k)}|{'all' if k == total else 'most'}"
    lowercase: dict[str, str] = {}
    for n, tot in total_use.items():
        lo = lower_use[n]
        frac = lo / tot
        lowercase[n] = ("lo" if frac > 0.9 else "mix" if frac > 0.2 else "cap") + _bucket(tot)
    phrases = {k: c.most_common(1)[0][0] for k, c in phrase_counts.items()}
    return Lexicon(labels, lowercase, phrases, _triggers(before), _triggers(after))


def _triggers(counts: dict[str, Counter[str]]) -> dict[str, str]:
    """Keep the words that are often next to an entity of some type ("minister" -> PER)."""
    out: dict[str, str] = {}
    for n, cnt in counts.items():
        total = sum(cnt.values())
        for typ, k in cnt.most_common(2):
            if typ != "O" and k >= 2 and k / total >= 0.2:
                out[n] = f"{typ}|{'hi' if k / total >= 0.5 else 'lo'}"
                break
    return out


def build_gazetteer(sentences: Iterable[tuple[Sequence[str], Sequence[str]]]) -> dict[tuple[str, ...], str]:
    """Collect entity phrases (PER/ORG/LOC/MISC) of an extra training corpus."""
    counts: dict[tuple[str, ...], Counter[str]] = {}
    for words, tags in sentences:
        for start, end, typ in spans_from_bio(tags):
            if end - start > MAX_PHRASE:
                continue
            span = words[start:end]
            if not any(w[:1].isupper() for w in span):
                continue
            counts.setdefault(tuple(norm(w) for w in span), Counter())[typ] += 1
    return {k: c.most_common(1)[0][0] for k, c in counts.items()}


def build_wiki_words(sentences: Iterable[tuple[Sequence[str], Sequence[str]]]) -> dict[str, str]:
    """Describe how each word is used in the entity names of an extra training corpus.

    Per norm: the most frequent (type, place in the name) of its mentions inside names
    ("ORGL": last word of an organisation, "LOCU": a one-word place), the share of its
    occurrences that are inside a name and a count bucket, e.g. "ORGL|hi|5".
    """
    inside: dict[str, Counter[str]] = {}
    total: Counter[str] = Counter()
    for words, tags in sentences:
        for w in words:
            total[norm(w)] += 1
        for a, b, typ in spans_from_bio(tags):
            for k in range(a, b):
                where = "U" if b - a == 1 else "B" if k == a else "L" if k == b - 1 else "I"
                inside.setdefault(norm(words[k]), Counter())[typ + where] += 1
    out: dict[str, str] = {}
    for n, cnt in inside.items():
        ent = sum(cnt.values())
        top = cnt.most_common(1)[0][0]
        share = ent / total[n]
        out[n] = f"{top}|{'hi' if share >= 0.8 else 'mid' if share >= 0.3 else 'lo'}|{_bucket(ent)}"
    return out


def spans_from_bio(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Return ``(start, end, type)`` token spans of the entities in a BIO/IOB1 tag sequence."""
    spans: list[tuple[int, int, str]] = []
    start = -1
    typ = ""
    for i, t in enumerate(tags):
        if t == "O" or t.startswith("B-") or (t.startswith("I-") and t[2:] != typ):
            if start >= 0:
                spans.append((start, i, typ))
                start = -1
            if t != "O":
                start, typ = i, t[2:]
    if start >= 0:
        spans.append((start, len(tags), typ))
    return spans


# ----------------------------------------------------------------------------- NER


def ner_word_features(word: str, lex: Lexicon) -> list[str]:
    """Return the features of the current word that depend only on the word itself."""
    n = norm(word)
    cc = case_class(word)
    feats = [
        "w=" + word,
        "n=" + n,
        "s=" + shape(word),
        "c=" + cc,
        "p3=" + n[:3],
        "x2=" + n[-2:],
        "x3=" + n[-3:],
        "x4=" + n[-4:],
        "g=" + lex.labels.get(n, "-"),
        "lc=" + lex.lowercase.get(n, "-"),
        "gc=" + lex.labels.get(n, "-")[:4] + cc,
        "bf=" + lex.before.get(n, "-"),
        "af=" + lex.after.get(n, "-"),
        "wt=" + lex.wiki_words.get(n, "-"),
        "wc=" + lex.wiki_words.get(n, "-")[:4] + cc,
    ]
    cluster = lex.clusters.get(n)
    if cluster is not None:
        feats.extend(cluster_features(cluster, cc))
    if "-" in word and len(word) > 1:
        parts = n.split("-")
        feats.append("h0=" + parts[0])
        feats.append("h1=" + parts[-1])
        feats.append("hg=" + lex.labels.get(parts[0], "-")[:4] + lex.labels.get(parts[-1], "-")[:4])
    if "." in word and len(word) > 1:
        feats.append("dot")
    return feats


def ner_context_features(word: str, lex: Lexicon) -> list[str]:
    """Return the features of a neighbouring word (prefixed with its offset by the caller)."""
    n = norm(word)
    return [
        "n=" + n,
        "s=" + shape(word),
        "g=" + lex.labels.get(n, "-")[:4],
        "bf=" + lex.before.get(n, "-"),
        "af=" + lex.after.get(n, "-"),
        "wt=" + lex.wiki_words.get(n, "-")[:4],
        "k=" + lex.clusters.get(n, "-")[:3],
    ]


CLUSTER_PREFIXES = (2, 3, 5)


def cluster_features(path: str, cc: str) -> list[str]:
    """Return the features of a word's cluster path (coarse to fine) and its capitalisation."""
    return [f"k{k}={path[:k]}" for k in CLUSTER_PREFIXES] + ["kc=" + path[:3] + cc]


def phrase_starts(phrases: dict[tuple[str, ...], str]) -> dict[str, int]:
    """Index phrases by their first word: the longest length starting with it."""
    out: dict[str, int] = {}
    for k in phrases:
        if len(k) > out.get(k[0], 0):
            out[k[0]] = len(k)
    return out


def phrase_marks(
    norms: Sequence[str],
    phrases: dict[tuple[str, ...], str],
    starts: dict[str, int],
    shortest: int = 2,
    lengths: dict[str, tuple[int, ...]] | None = None,
) -> list[str]:
    """Mark tokens covered by a known entity phrase (longest match first).

    ``lengths`` (:func:`phrase_lengths` of ``phrases``) makes it faster, same result.
    """
    if lengths is not None:
        return _phrase_marks_by_length(norms, phrases, lengths, shortest)
    marks = ["-"] * len(norms)
    i = 0
    n = len(norms)
    get = starts.get
    while i < n:
        longest = get(norms[i], 0)
        if longest < shortest:
            i += 1
            continue
        for k in range(min(longest, n - i), shortest - 1, -1):
            typ = phrases.get(tuple(norms[i : i + k]) if k > 1 else (norms[i],))
            if typ is not None:
                marks[i] = "B" + typ
                for j in range(i + 1, i + k):
                    marks[j] = "I" + typ
                i += k
                break
        else:
            i += 1
    return marks


def phrase_lengths(phrases: dict[tuple[str, ...], str]) -> dict[str, tuple[int, ...]]:
    """Index phrases by their first word: the lengths of the phrases starting with it, longest first."""
    out: dict[str, set[int]] = {}
    for k in phrases:
        out.setdefault(k[0], set()).add(len(k))
    return {w: tuple(sorted(ls, reverse=True)) for w, ls in out.items()}


def _phrase_marks_by_length(
    norms: Sequence[str],
    phrases: dict[tuple[str, ...], str],
    lengths: dict[str, tuple[int, ...]],
    shortest: int,
) -> list[str]:
    """Do :func:`phrase_marks` trying only the phrase lengths that exist for each first word."""
    marks = ["-"] * len(norms)
    n = len(norms)
    get = lengths.get
    i = 0
    while i < n:
        found = 0
        for k in get(norms[i], ()):
            if k < shortest:
                break
            if k > n - i:
                continue
            typ = phrases.get(tuple(norms[i : i + k]))
            if typ is not None:
                marks[i] = "B" + typ
                for j in range(i + 1, i + k):
                    marks[j] = "I" + typ
                found = k
                break
        i += found or 1
    return marks


def document_casing(sentences: Sequence[Sequence[str]], cases: Sequence[str] | None = None) -> dict[str, str]:
    """Return how each word is capitalised inside ordinary sentences of a document.

    "C" always capitalised, "L" always lower-case, "M" both; sentence-initial words and
    all-caps sentences are not counted (that is where casing tells nothing). ``cases``
    may give the :func:`sentence_case` of each sentence, already known.
    """
    seen: dict[str, str] = {}
    for k, words in enumerate(sentences):
        if (cases[k] if cases is not None else sentence_case(words)) == "U":
            continue
        for i in range(1, len(words)):
            w = words[i]
            if not w[:1].isalpha() or words[i - 1] in _OPENING:
                continue
            c = "C" if w[0].isupper() else "L"
            n = norm(w)
            old = seen.get(n)
            seen[n] = c if old is None or old == c else "M"
    return seen


_OPENING = frozenset(['"', "“", "'", "‘", "`", "``", ":", "(", "[", "-", "--", "—", "."])


def ner_sentence_features(
    words: Sequence[str],
    lex: Lexicon,
    casing: dict[str, str] | None = None,
    norms: Sequence[str] | None = None,
) -> list[list[str]]:
    """Return per-token features that depend on the sentence context (not on the word alone)."""
    scase = sentence_case(words)
    if norms is None:
        norms = [norm(w) for w in words]
    marks = phrase_marks(norms, lex.phrases, lex.phrase_starts)
    wiki = phrase_marks(norms, lex.wiki, lex.wiki_starts, 1) if lex.wiki else marks
    padded = [*PAD_LEFT, *norms, *PAD_RIGHT]
    out: list[list[str]] = []
    for i, w in enumerate(words):
        j = i + 2
        sh = shape(w)
        feats = [
            "bias",
            "sc=" + scase,
            "sc|s=" + scase + sh,
            "b-=" + padded[j - 1] + "|" + padded[j],
            "b+=" + padded[j] + "|" + padded[j + 1],
            "pg=" + marks[i],
            "wg=" + wiki[i],
        ]
        if casing is not None:
            dc = casing.get(norms[i], "-")
            feats.append("dc=" + dc + case_class(w))
            feats.append("dc|sc=" + dc + scase + ("0" if i == 0 else "1"))
        if i == 0:
            feats.append("first|s=" + sh)
            feats.append("first|n=" + norms[i])
        out.append(feats)
    return out


def ner_static_features(words: Sequence[str], lex: Lexicon, casing: dict[str, str] | None = None) -> list[list[str]]:
    """Return all tag-independent features of every token (used in training)."""
    sent = ner_sentence_features(words, lex, casing)
    word_feats = [ner_word_features(w, lex) for w in words]
    padded = [*PAD_LEFT, *words, *PAD_RIGHT]
    ctx = [ner_context_features(w, lex) for w in padded]
    shapes = [shape(w) for w in padded]
    out: list[list[str]] = []
    for i in range(len(words)):
        feats = sent[i] + word_feats[i]
        feats.append(shape_window(shapes[i + 1], shapes[i + 2], shapes[i + 3]))
        for o in (-2, -1, 1, 2):
            feats.extend(f"{o}{f}" for f in ctx[i + 2 + o])
        out.append(feats)
    return out


def shape_window(before: str, this: str, after: str) -> str:
    """Return the feature of the shapes of a token and its two neighbours ("d|Xx|d": in a score table)."""
    return "sw=" + before + "|" + this + "|" + after


def ner_dynamic_features(word: str, prev: str, prev2: str, history: dict[str, str], n: str | None = None) -> list[str]:
    """Return the features that depend on earlier decisions (tags and document history)."""
    if n is None:
        n = norm(word)
    return [
        "t-1=" + prev,
        "t-2=" + prev2 + "|" + prev,
        "t-1|n=" + prev + "|" + n,
        "t-1|s=" + prev + "|" + shape(word),
        "hist=" + history.get(n, "-"),
    ]


def update_history(history: dict[str, str], words: Sequence[str], tags: Sequence[str]) -> None:
    """Remember the entity type each capitalised word was last tagged with in this document."""
    for w, t in zip(words, tags, strict=True):
        if w[:1].isupper() and len(w) > 1:
            history[norm(w)] = t[2:] if t != "O" else "O"


def allowed(prev: str, tag: str) -> bool:
    """Tell whether BIO tag ``tag`` may follow ``prev``."""
    return not tag.startswith("I-") or (prev != "O" and prev[2:] == tag[2:])


# ----------------------------------------------------------------------------- POS / chunks


def pos_word_features(word: str) -> list[str]:
    """Return the part-of-speech features of the current word that depend only on it."""
    n = norm(word)
    return [
        "w=" + word,
        "n=" + n,
        "s=" + shape(word),
        "x1=" + n[-1:],
        "x2=" + n[-2:],
        "x3=" + n[-3:],
        "p1=" + n[:1],
        "p2=" + n[:2],
    ]


def pos_context_features(n: str, offset: int) -> list[str]:
    """Return the part-of-speech features of a neighbouring word's norm ``n`` at ``offset``."""
    if offset == -1:
        return ["-1n=" + n, "-1x3=" + n[-3:]]
    if offset == 1:
        return ["+1n=" + n, "+1x3=" + n[-3:]]
    return [("-2n=" if offset < 0 else "+2n=") + n]


def pos_sentence_features(norms: Sequence[str]) -> list[list[str]]:
    """Return the part-of-speech features that depend on the sentence position and bigrams."""
    padded = [*PAD_LEFT, *norms, *PAD_RIGHT]
    out: list[list[str]] = []
    for i, n in enumerate(norms):
        j = i + 2
        out.append(
            [
                "bias",
                "first" if i == 0 else "notfirst",
                "b-=" + padded[j - 1] + "|" + n,
                "b+=" + n + "|" + padded[j + 1],
            ]
        )
    return out


def pos_static_features(words: Sequence[str]) -> list[list[str]]:
    """Return the tag-independent part-of-speech features of every token (for training)."""
    norms = [norm(w) for w in words]
    padded = [*PAD_LEFT, *norms, *PAD_RIGHT]
    out = pos_sentence_features(norms)
    for i, w in enumerate(words):
        out[i].extend(pos_word_features(w))
        for o in (-2, -1, 1, 2):
            out[i].extend(pos_context_features(padded[i + 2 + o], o))
    return out


def chunk_static_features(words: Sequence[str], pos: Sequence[str]) -> list[list[str]]:
    """Return the tag-independent chunking features of every token, given its POS tags."""
    norms = [norm(w) for w in words]
    pn = [*PAD_LEFT, *norms, *PAD_RIGHT]
    pp = [*PAD_LEFT, *pos, *PAD_RIGHT]
    out: list[list[str]] = []
    for i in range(len(words)):
        j = i + 2
        out.append(
            [
                "bias",
                "n=" + pn[j],
                "p=" + pp[j],
                "-1p=" + pp[j - 1],
                "-2p=" + pp[j - 2],
                "+1p=" + pp[j + 1],
                "+2p=" + pp[j + 2],
                "-1p|p=" + pp[j - 1] + "|" + pp[j],
                "p|+1p=" + pp[j] + "|" + pp[j + 1],
                "-1p|p|+1p=" + pp[j - 1] + "|" + pp[j] + "|" + pp[j + 1],
                "-1n=" + pn[j - 1],
                "+1n=" + pn[j + 1],
                "-1n|p=" + pn[j - 1] + "|" + pp[j],
                "n|+1p=" + pn[j] + "|" + pp[j + 1],
            ]
        )
    return out


def seq_dynamic_features(word: str, prev: str, prev2: str, pos: str) -> list[str]:
    """Return the previous-tag features of the POS tagger and the chunker."""
    return [
        "t-1=" + prev,
        "t-2=" + prev2 + "|" + prev,
        "t-1|n=" + prev + "|" + norm(word),
        "t-1|p=" + prev + "|" + pos,
    ]


def document_features(sentences: Sequence[Sequence[str]], tags: Sequence[Sequence[str]]) -> dict[str, list[str]]:
    """Summarise a first tagging pass of a document: how each capitalised word was tagged.

    Per word: the majority type over its mentions ("d=PER", "~" if not unanimous, and a
    count bucket), and the type and position of a multi-word entity it was part of.
    """
    counts: dict[str, Counter[str]] = {}
    span_of: dict[str, str] = {}
    for words, ts in zip(sentences, tags, strict=True):
        inside: set[int] = set()
        for a, b, typ in spans_from_bio(ts):
            for k in range(a, b):
                inside.add(k)
                n = norm(words[k])
                counts.setdefault(n, Counter())[typ] += 1
                if b - a > 1:
                    span_of[n] = typ + ("f" if k == a else "l" if k == b - 1 else "m")
        for k, w in enumerate(words):
            if k not in inside and w[:1].isupper():
                counts.setdefault(norm(w), Counter())["O"] += 1
    out: dict[str, list[str]] = {}
    for n, cnt in counts.items():
        total = sum(cnt.values())
        top, k = cnt.most_common(1)[0]
        feats = ["d=" + top + ("" if k == total else "~") + str(min(total, 3))]
        span = span_of.get(n)
        if span is not None:
            feats.append("ds=" + span)
        out[n] = feats
    return out


def doc_token_features(word: str, n: str, doc: dict[str, list[str]]) -> list[str]:
    """Return the second-pass document features of one token."""
    feats = doc.get(n)
    if feats is None:
        return ["d=none"]
    return [*feats, feats[0] + "|" + case_class(word)]
