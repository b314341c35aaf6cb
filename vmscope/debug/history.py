"""Step back by determinism: checkpoints of the whole VM state every K steps,
pickled (which keeps shared lists shared), under a memory cap. Going back to
step N restores the last checkpoint at or before N and replays forward."""

from __future__ import annotations

import bisect
import pickle
import time
from dataclasses import dataclass
from typing import Any

DEFAULT_EVERY = 1_000
DEFAULT_CAP = 64 * 1024 * 1024


@dataclass(frozen=True)
class Checkpoint:
    step: int
    blob: bytes
    output_chunks: int


class History:
    def __init__(self, every: int = DEFAULT_EVERY, cap_bytes: int = DEFAULT_CAP) -> None:
        self.every = every
        self.cap_bytes = cap_bytes
        self.points: list[Checkpoint] = []
        self.bytes = 0
        self.cost_ns = 0  # time spent taking checkpoints, to keep them cheap

    def clear(self) -> None:
        self.points.clear()
        self.bytes = 0

    def due(self, step: int) -> bool:
        return not self.points or step >= self.points[-1].step + self.every

    def take(self, step: int, state: Any, output_chunks: int) -> None:
        if self.points and self.points[-1].step >= step:
            return
        start = time.perf_counter_ns()
        blob = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
        self.cost_ns += time.perf_counter_ns() - start
        self.points.append(Checkpoint(step, blob, output_chunks))
        self.bytes += len(blob)
        while self.bytes > self.cap_bytes and len(self.points) > 2:
            self._thin()

    def _thin(self) -> None:
        """Over the cap: drop every other checkpoint (keeping the first and
        last) and take them half as often from now on."""
        keep = self.points[::2]
        if keep[-1] is not self.points[-1]:
            keep.append(self.points[-1])
        self.points = keep
        self.bytes = sum(len(p.blob) for p in keep)
        self.every *= 2

    def at_or_before(self, step: int) -> tuple[Checkpoint, Any]:
        steps = [p.step for p in self.points]
        i = bisect.bisect_right(steps, step) - 1
        if i < 0:
            raise LookupError(f"no checkpoint at or before step {step}")
        point = self.points[i]
        return point, pickle.loads(point.blob)
