"""Averaged perceptron: a trainer, and the scorer of its averaged weights."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


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
