"""Latency series shared by the request benchmarks: percentiles and rate of one series of timed calls."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(kw_only=True)
class Latencies:
    """Latencies of one series of calls, in seconds, the wall time they took, and how many failed.

    A benchmark subclasses it with the fields that name its series (they come first, positionally)."""

    latencies: list[float] = field(default_factory=list)
    wall: float = 0.0
    errors: int = 0

    def pct(self, q: float) -> float:
        """Return the q-quantile latency in milliseconds (0.0 for an empty series)."""
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0

    def rate(self) -> float:
        """Return calls per second of wall time."""
        return len(self.latencies) / self.wall if self.wall else 0.0
