"""Interleaved, repeated timing: every variant of a benchmark runs once per
round, so machine noise hits all of them alike; medians and ratios are
reported, never a single timing."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    name: str
    variant: str
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def interleaved(variants: dict[str, Callable[[], object]], rounds: int,
                name: str = "") -> dict[str, Timing]:
    times: dict[str, list[float]] = {v: [] for v in variants}
    for _ in range(rounds):
        for variant, fn in variants.items():
            start = time.perf_counter()
            fn()
            times[variant].append(time.perf_counter() - start)
    return {v: Timing(name, v, t) for v, t in times.items()}


def geomean(values: list[float]) -> float:
    return statistics.geometric_mean(values) if values else float("nan")
