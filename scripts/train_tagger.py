"""Train the shipped NER, POS and chunk models (briefings/data/tagger-*.bin.gz) from CoNLL-2003.

Usage: python scripts/train_tagger.py [--data /work/shared/eval] [--out briefings/data]

Only training files are learnt from: CoNLL-2003 train.txt (all three models) and the entity
names of WikiANN-en train.txt (gazetteer features of the entity tagger: whole names and how
each word is used in names). The unlabelled words of both training files give distributional
word clusters (briefings/nlp/clusters.py), shipped in the model. CoNLL valid.txt only picks
the best epoch. The entity tagger is a greedy averaged perceptron with jackknifed lexicon
features, a second document-level pass and 12% of the documents added again lower-cased or
title-cased. The run is deterministic (fixed seeds, gzip mtime 0).
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefings.nlp import clusters as C  # noqa: E402
from briefings.nlp import features as F  # noqa: E402
from briefings.nlp.model_files import save_packed  # noqa: E402
from briefings.nlp.perceptron import Scorer, Trainer  # noqa: E402
from briefings.nlp.tagger import (  # noqa: E402
    CHUNK_MODEL,
    NER_MODEL,
    POS_MODEL,
    NerTagger,
    Packed,
    SequenceTagger,
)

log = logging.getLogger("train_tagger")

Sentence = tuple[list[str], list[str], list[str], list[str]]  # words, pos, chunk, ner
Doc = list[Sentence]
SCORED = ("PER", "ORG", "LOC")


def read_conll(path: Path) -> list[Doc]:
    """Read a CoNLL-2003 file into documents of sentences."""
    docs: list[Doc] = []
    doc: Doc = []
    sent: list[list[str]] = []

    def flush() -> None:
        if sent:
            cols = list(zip(*sent, strict=True))
            doc.append(tuple(list(c) for c in cols))  # type: ignore[arg-type]
            sent.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts:
            flush()
        elif parts[0] == "-DOCSTART-":
            flush()
            if doc:
                docs.append(doc)
            doc = []
        else:
            sent.append(parts[:4])
    flush()
    if doc:
        docs.append(doc)
    return docs


def read_wikiann(path: Path) -> list[Doc]:
    """Read a WikiANN file; every sentence is its own document (no POS or chunks)."""
    docs: list[Doc] = []
    words: list[str] = []
    tags: list[str] = []
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if words:
                n = len(words)
                docs.append([(words, ["-"] * n, ["-"] * n, tags)])
                words, tags = [], []
            continue
        tok, tag = line.rsplit("\t", 1)
        words.append(tok[3:] if tok.startswith("en:") else tok)
        tags.append(tag)
    return docs


# ----------------------------------------------------------------------------- scoring


def entity_counts(
    gold: Sequence[str], pred: Sequence[str], counts: dict[str, list[int]]
) -> None:
    """Add exact-match TP/FP/FN per scored type (MISC ignored) to ``counts``."""
    g = {s for s in F.spans_from_bio(gold) if s[2] in SCORED}
    p = {s for s in F.spans_from_bio(pred) if s[2] in SCORED}
    for s in p & g:
        counts[s[2]][0] += 1
    for s in p - g:
        counts[s[2]][1] += 1
    for s in g - p:
        counts[s[2]][2] += 1


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Return precision, recall and F1."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate_ner(tagger: NerTagger, docs: list[Doc]) -> dict[str, tuple[float, float, float]]:
    """Score the tagger on gold-tokenized documents."""
    counts = {t: [0, 0, 0] for t in SCORED}
    for doc in docs:
        predicted = tagger.tag_document([s[0] for s in doc])
        for (_words, _pos, _chunk, ner), pred in zip(doc, predicted, strict=True):
            entity_counts(ner, pred, counts)
    res = {t: prf(*c) for t, c in counts.items()}
    res["micro"] = prf(*(sum(c[k] for c in counts.values()) for k in range(3)))
    return res


def fmt(res: dict[str, tuple[float, float, float]]) -> str:
    """Format evaluation results on one line."""
    return " ".join(f"{k}={v[2]:.4f}" for k, v in res.items())


# ----------------------------------------------------------------------------- NER


def _ner_epoch(
    trainer: Trainer,
    train: list[Doc],
    static: list[list[list[list[str]]]],
    order: list[int],
    doc_feats: list[dict[str, list[str]]] | None,
) -> tuple[int, int]:
    """Run one training pass over the documents in ``order``; return (errors, decisions).

    With ``doc_feats`` every document is seen twice: as a first pass (no document features)
    and as a second pass with the features of its (held-out) first-pass tagging.
    """
    classes = F.NER_CLASSES
    index = {t: k for k, t in enumerate(classes)}
    errors = total = 0
    for di in order:
        for doc in (None, doc_feats[di]) if doc_feats is not None else (None,):
            history: dict[str, str] = {}
            for si, (words, _p, _c, gold) in enumerate(train[di]):
                prev, prev2 = "<s>", "<s>"
                pred: list[str] = []
                for i, w in enumerate(words):
                    n = F.norm(w)
                    feats = static[di][si][i] + F.ner_dynamic_features(w, prev, prev2, history, n)
                    if doc is not None:
                        feats += F.doc_token_features(w, n, doc)
                    scores = trainer.score(feats)
                    guess = max(
                        (k for k, t in enumerate(classes) if F.allowed(prev, t)),
                        key=scores.__getitem__,
                    )
                    truth = index[gold[i]]
                    trainer.update(truth, guess, feats)
                    errors += guess != truth
                    total += 1
                    tag = classes[guess]
                    pred.append(tag)
                    prev2, prev = prev, tag
                F.update_history(history, words, pred)
    return errors, total


def _augment(
    train: list[Doc], fold_of: list[int], fraction: float, seed: int, lower: bool = True
) -> tuple[list[Doc], list[int]]:
    """Add lower-cased and title-cased copies of a fraction of the documents (same labels)."""
    rng = random.Random(seed + 7)
    docs = list(train)
    folds = list(fold_of)
    for i, doc in enumerate(train):
        r = rng.random()
        if r >= fraction:
            continue
        change = str.lower if lower and r < fraction / 2 else _title
        docs.append([([change(w) for w in s[0]], s[1], s[2], s[3]) for s in doc])
        folds.append(fold_of[i])
    log.info("augmented: %d documents added", len(docs) - len(train))
    return docs, folds


def _title(word: str) -> str:
    """Capitalise a word as in a title-case heading (short function words stay lower-case)."""
    if word.lower() in ("a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to"):
        return word.lower()
    return word[:1].upper() + word[1:].lower() if word.isupper() else word[:1].upper() + word[1:]


def train_ner(
    train: list[Doc],
    valid: list[Doc],
    epochs: int,
    folds: int,
    seed: int,
    gazetteer: dict[tuple[str, ...], str] | None = None,
    two_pass: bool = True,
    fold_epochs: int = 6,
    augment: float = 0.0,
    augment_lower: bool = True,
    extra: F.Lexicon | None = None,
) -> tuple[Scorer, F.Lexicon]:
    """Train the entity tagger; return the best-on-valid averaged weights and the lexicon."""
    all_sents = [(s[0], s[3]) for d in train for s in d]
    lexicon = F.build_lexicon(all_sents)
    n_orig = len(train)
    fold_of = [i % folds for i in range(len(train))]
    if augment > 0:
        train, fold_of = _augment(train, fold_of, augment, seed, augment_lower)
    lexicon.wiki = gazetteer or {}
    if extra is not None:  # statistics of unlabelled text and of the other corpus: not jackknifed
        lexicon.wiki_words, lexicon.clusters = extra.wiki_words, extra.clusters
    # Jackknifed lexicon features: each fold sees statistics from the other folds only,
    # so the model learns how far to trust them on unseen text.
    fold_lex = []
    for k in range(folds):
        fold_lex.append(
            F.build_lexicon(
                (s[0], s[3]) for i, d in enumerate(train[:n_orig]) if fold_of[i] != k for s in d
            )
        )
        fold_lex[-1].wiki = lexicon.wiki
        fold_lex[-1].wiki_words, fold_lex[-1].clusters = lexicon.wiki_words, lexicon.clusters
    static = []
    for i, d in enumerate(train):
        casing = F.document_casing([s[0] for s in d])
        static.append([F.ner_static_features(s[0], fold_lex[fold_of[i]], casing) for s in d])
    log.info("NER: %d docs, features precomputed", len(train))
    rng = random.Random(seed)
    doc_feats: list[dict[str, list[str]]] | None = None
    if two_pass:
        # Held-out first-pass taggings of the training documents, for second-pass features.
        doc_feats = [{} for _ in train]
        for k in range(folds):
            t0 = time.time()
            trainer = Trainer(F.NER_CLASSES)
            order = [i for i in range(len(train)) if fold_of[i] != k]
            for _ in range(fold_epochs):
                rng.shuffle(order)
                _ner_epoch(trainer, train, static, order, None)
            tagger = NerTagger(Packed.from_scorer(trainer.averaged()), fold_lex[k])
            for i in (i for i in range(len(train)) if fold_of[i] == k):
                sentences = [s[0] for s in train[i]]
                doc_feats[i] = F.document_features(sentences, tagger.tag_document(sentences))
            log.info("NER fold %d: first-pass tags (%.0fs)", k, time.time() - t0)
    trainer = Trainer(F.NER_CLASSES)
    order = list(range(len(train)))
    best: tuple[float, int, Scorer | None] = (-1.0, 0, None)
    for epoch in range(1, epochs + 1):
        t0 = time.time()
        rng.shuffle(order)
        errors, total = _ner_epoch(trainer, train, static, order, doc_feats)
        scorer = trainer.averaged()
        res = evaluate_ner(NerTagger(Packed.from_scorer(scorer), lexicon, two_pass), valid)
        log.info(
            "NER epoch %d: train err %.4f, valid %s (%.0fs)",
            epoch, errors / total, fmt(res), time.time() - t0,
        )
        if res["micro"][2] > best[0]:
            best = (res["micro"][2], epoch, scorer)
    log.info("NER best epoch %d: micro F1 %.4f", best[1], best[0])
    assert best[2] is not None
    return best[2], lexicon


# ----------------------------------------------------------------------------- POS / chunks


def train_seq(
    kind: str, train: list[Doc], valid: list[Doc], epochs: int, seed: int
) -> Scorer:
    """Train the POS tagger (kind "pos") or the chunker (kind "chunk")."""
    col = 1 if kind == "pos" else 2
    sents = [s for d in train for s in d]
    classes = sorted({t for s in sents for t in s[col]})
    index = {t: i for i, t in enumerate(classes)}

    def static_of(s: Sentence) -> list[list[str]]:
        if kind == "pos":
            return F.pos_static_features(s[0])
        return F.chunk_static_features(s[0], s[1])

    static = [static_of(s) for s in sents]
    trainer = Trainer(classes)
    rng = random.Random(seed)
    order = list(range(len(sents)))
    best: tuple[float, int, Scorer | None] = (-1.0, 0, None)
    valid_sents = [s for d in valid for s in d]
    for epoch in range(1, epochs + 1):
        t0 = time.time()
        rng.shuffle(order)
        for si in order:
            s = sents[si]
            prev, prev2 = "<s>", "<s>"
            for i, w in enumerate(s[0]):
                p = s[1][i] if kind == "chunk" else ""
                feats = static[si][i] + F.seq_dynamic_features(w, prev, prev2, p)
                scores = trainer.score(feats)
                if kind == "chunk":
                    guess = max(
                        (k for k, t in enumerate(classes) if F.allowed(prev, t)),
                        key=scores.__getitem__,
                    )
                else:
                    guess = max(range(len(classes)), key=scores.__getitem__)
                trainer.update(index[s[col][i]], guess, feats)
                prev2, prev = prev, classes[guess]
        scorer = trainer.averaged()
        tagger = SequenceTagger(Packed.from_scorer(scorer), kind)
        right = n = 0
        for s in valid_sents:
            pred = tagger.tag(s[0], s[1] if kind == "chunk" else None)
            right += sum(a == b for a, b in zip(pred, s[col], strict=True))
            n += len(pred)
        acc = right / n
        log.info("%s epoch %d: valid accuracy %.4f (%.0fs)", kind, epoch, acc, time.time() - t0)
        if acc > best[0]:
            best = (acc, epoch, scorer)
    log.info("%s best epoch %d: accuracy %.4f", kind, best[1], best[0])
    assert best[2] is not None
    return best[2]


def main(argv: list[str] | None = None) -> int:
    """Train and write the models."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "eval", help="data")
    ap.add_argument("--out", type=Path, default=ROOT / "briefings" / "data", help="model dir")
    ap.add_argument("--epochs", type=int, default=12, help="entity tagger epochs (at most)")
    ap.add_argument("--seq-epochs", type=int, default=8, help="POS / chunker epochs (at most)")
    ap.add_argument("--folds", type=int, default=5, help="jackknife folds")
    ap.add_argument("--seed", type=int, default=1, help="shuffling seed")
    ap.add_argument(
        "--wikiann", action="store_true", help="also train NER on WikiANN train (hurts CoNLL)"
    )
    ap.add_argument("--no-lower", action="store_true", help="augment with title case only")
    ap.add_argument("--one-pass", action="store_true", help="no second, document-level pass")
    ap.add_argument(
        "--augment",
        type=float,
        default=0.12,
        help="fraction of documents added again lower-cased or title-cased (0 for none)",
    )
    ap.add_argument(
        "--no-gazetteer", action="store_true", help="no entity-phrase features from WikiANN train"
    )
    ap.add_argument("--no-clusters", action="store_true", help="no word-cluster features")
    ap.add_argument("--only", choices=["ner", "pos", "chunk"], action="append")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    train = read_conll(args.data / "conll2003" / "train.txt")
    valid = read_conll(args.data / "conll2003" / "valid.txt")
    only = set(args.only or ["ner", "pos", "chunk"])
    args.out.mkdir(parents=True, exist_ok=True)
    if "ner" in only:
        ner_train = train
        if args.wikiann:
            ner_train = train + read_wikiann(args.data / "wikiann-en" / "train.txt")
        gazetteer = None
        wiki = read_wikiann(args.data / "wikiann-en" / "train.txt")
        side = F.Lexicon()
        if not args.no_gazetteer:
            gazetteer = F.build_gazetteer((s[0], s[3]) for d in wiki for s in d)
            side.wiki_words = F.build_wiki_words((s[0], s[3]) for d in wiki for s in d)
            log.info(
                "gazetteer: %d phrases, %d words from WikiANN train", len(gazetteer), len(side.wiki_words)
            )
        if not args.no_clusters:
            t0 = time.time()
            text = [s[0] for d in (*train, *wiki) for s in d]
            side.clusters = C.cluster_paths(C.context_vectors(text), args.seed)
            log.info("clusters: %d words (%.0fs)", len(side.clusters), time.time() - t0)
        two_pass = not args.one_pass
        scorer, lexicon = train_ner(
            ner_train,
            valid,
            args.epochs,
            args.folds,
            args.seed,
            gazetteer,
            two_pass,
            extra=side,
            augment=args.augment,
            augment_lower=not args.no_lower,
        )
        extra = {"lexicon": lexicon.to_json(), "two_pass": two_pass}
        save_packed(args.out / NER_MODEL, scorer.classes, scorer.weights.items(), extra)
    if "pos" in only:
        scorer = train_seq("pos", train, valid, args.seq_epochs, 1)
        save_packed(args.out / POS_MODEL, scorer.classes, scorer.weights.items())
    if "chunk" in only:
        scorer = train_seq("chunk", train, valid, args.seq_epochs, 1)
        save_packed(args.out / CHUNK_MODEL, scorer.classes, scorer.weights.items())
    for name in (NER_MODEL, POS_MODEL, CHUNK_MODEL):
        p = args.out / name
        if p.exists():
            log.info("%s: %.2f MB", name, p.stat().st_size / 1e6)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
