"""Rebuild the summarizer's background idf table (briefings/data/summarizer-idf.tsv) from CoNLL-2003 train.

Usage: python scripts/build_summarizer_idf.py [--data /work/shared/eval] [--out briefings/data/summarizer-idf.tsv]
       [--check]

Only statistics are kept: the stemmed content terms (``briefings.textstats.content_terms``) of the
946 Reuters documents of CoNLL-2003 train.txt with their document frequency; terms seen in fewer
than ``--min-df`` documents and terms with digits are left out. No text is copied. The output is
deterministic (terms sorted); ``--check`` compares it with the shipped file instead of writing.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefings.textstats import content_terms  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "eval"
DEFAULT_OUT = ROOT / "briefings" / "data" / "summarizer-idf.tsv"
MIN_DF = 2


def conll_documents(path: Path) -> list[str]:
    """Read CoNLL-2003 documents (token per line, ``-DOCSTART-`` between) as plain strings."""
    docs: list[str] = []
    tokens: list[str] = []
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("-DOCSTART-"):
                if tokens:
                    docs.append(" ".join(tokens))
                tokens = []
                continue
            parts = line.split()
            if parts:
                tokens.append(parts[0])
    if tokens:
        docs.append(" ".join(tokens))
    return docs


def idf_table(docs: Sequence[str], min_df: int = MIN_DF) -> str:
    """The table as text: a document count line, a provenance line, then ``term<TAB>df`` sorted by term."""
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(set(content_terms(doc)))
    rows = sorted((t, k) for t, k in df.items() if k >= min_df and not any(ch.isdigit() for ch in t))
    lines = [
        f"# documents\t{len(docs)}",
        "# document frequencies of stemmed content terms, CoNLL-2003 English train (Reuters), "
        f"min_df={min_df}, no numbers; built by scripts/build_summarizer_idf.py",
    ]
    lines += [f"{t}\t{k}" for t, k in rows]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Build (or check) the table; exit 1 when --check finds a difference."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="directory holding conll2003/train.txt")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--min-df", type=int, default=MIN_DF)
    ap.add_argument("--check", action="store_true", help="compare with --out instead of writing it")
    args = ap.parse_args(argv)
    train = args.data / "conll2003" / "train.txt"
    if not train.is_file():
        print(f"no {train}", file=sys.stderr)
        return 2
    table = idf_table(conll_documents(train), args.min_df)
    terms = table.count("\n") - 2
    if args.check:
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == table
        print(f"{args.out}: {'up to date' if same else 'differs'} ({terms} terms)")
        return 0 if same else 1
    args.out.write_text(table, encoding="utf-8")
    print(f"wrote {terms} terms to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
