"""Averaged perceptron: a trainer, and a compact scorer that loads the shipped weights."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any


class Scorer:
    """Scores classes for a bag of string features with (averaged) perceptron weights."""

    def __init__(self, classes: Sequence[str], weights: dict[str, list[float]]) -> None:
        self.classes = list(classes)
        self.weights = weights
        self.zero = [0.0] * len(self.classes)

    def score(self, features: Iterable[str]) -> list[float]:
        """Return one summed score per class for ``features`` (unknown features are ignored)."""
        get = self.weights.get
        vecs = [v for v in map(get, features) if v is not None]
        if not vecs:
            return list(self.zero)
        if len(vecs) == 1:
            return list(vecs[0])
        return list(map(sum, zip(*vecs, strict=True)))

    def to_json(self, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        """Return a JSON-able form that keeps only non-zero weights (rounded to 0.01)."""
        sparse: dict[str, dict[str, float]] = {}
        for feat, vec in self.weights.items():
            row = {str(i): round(w, 2) for i, w in enumerate(vec) if round(w, 2) != 0.0}
            if row:
                sparse[feat] = row
        return {"classes": self.classes, "weights": sparse, **(extra or {})}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Scorer:
        """Rebuild a scorer from :meth:`to_json` output."""
        n = len(data["classes"])
        weights: dict[str, list[float]] = {}
        for feat, row in data["weights"].items():
            vec = [0.0] * n
            for i, w in row.items():
                vec[int(i)] = w
            weights[feat] = vec
        return cls(data["classes"], weights)


class Trainer:
    """Trains an averaged perceptron over string features (dense per-feature class vectors)."""

    def __init__(self, classes: Sequence[str]) -> None:
        self.classes = list(classes)
        self.n = len(self.classes)
        self.weights: dict[str, list[float]] = {}
        self._totals: dict[str, list[float]] = {}
        self._stamps: dict[str, list[int]] = {}
        self.instances = 0

    def score(self, features: Iterable[str]) -> list[float]:
        """Return the current (non-averaged) score of every class."""
        get = self.weights.get
        vecs = [v for v in map(get, features) if v is not None]
        if not vecs:
            return [0.0] * self.n
        return list(map(sum, zip(*vecs, strict=True)))

    def update(self, truth: int, guess: int, features: Iterable[str]) -> None:
        """Record one decision: move weights towards ``truth`` and away from ``guess``."""
        self.instances += 1
        if truth == guess:
            return
        now = self.instances
        for f in features:
            w = self.weights.get(f)
            if w is None:
                w = self.weights[f] = [0.0] * self.n
                self._totals[f] = [0.0] * self.n
                self._stamps[f] = [0] * self.n
            tot = self._totals[f]
            st = self._stamps[f]
            for c, delta in ((truth, 1.0), (guess, -1.0)):
                tot[c] += (now - st[c]) * w[c]
                st[c] = now
                w[c] += delta

    def averaged(self) -> Scorer:
        """Return a scorer with the averaged weights (the trainer is left untouched)."""
        now = self.instances or 1
        avg: dict[str, list[float]] = {}
        for f, w in self.weights.items():
            tot = self._totals[f]
            st = self._stamps[f]
            vec = [(tot[c] + (now - st[c]) * w[c]) / now for c in range(self.n)]
            if any(abs(x) >= 0.0005 for x in vec):
                avg[f] = vec
        return Scorer(self.classes, avg)


def save_model(path: Path, data: dict[str, Any]) -> None:
    """Write a model as gzip'd compact JSON."""
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    with gzip.GzipFile(path, "wb", mtime=0) as fh:
        fh.write(raw.encode("utf-8"))


def load_model(path: Path) -> dict[str, Any]:
    """Read a model written by :func:`save_model`."""
    with gzip.open(path, "rb") as fh:
        return json.loads(fh.read().decode("utf-8"))
