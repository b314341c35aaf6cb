"""Step back by determinism: checkpoints of the whole VM state every K steps,
pickled (which keeps shared lists shared), under a memory cap. Going back to
step N restores the last checkpoint at or before N and replays forward.

A variable set by the user (Session.set_variable) breaks determinism at its
step: the history after it is dropped, the edited state is checkpointed, and
the step is remembered as an edit, so no replay runs across it."""

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
        self.steps: list[int] = []  # the points' steps, for bisect
        self.edits: list[int] = []  # steps whose state the user changed, ascending
        self.bytes = 0
        self.cost_ns = 0  # time spent taking checkpoints, to keep them cheap

    def clear(self) -> None:
        self.points.clear()
        self.steps.clear()
        self.edits.clear()
        self.bytes = 0

    def due(self, step: int) -> bool:
        return not self.points or step >= self.points[-1].step + self.every

    def take(self, step: int, state: Any, output_chunks: int, *, force: bool = False) -> None:
        """Checkpoint `state`, the VM after `step` steps; with `force`, it
        replaces what is recorded from `step` on (an edit of the state)."""
        if force:
            self.truncate_after(step - 1)
        elif self.points and self.points[-1].step >= step:
            return
        start = time.perf_counter_ns()
        blob = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
        self.cost_ns += time.perf_counter_ns() - start
        self.points.append(Checkpoint(step, blob, output_chunks))
        self.steps.append(step)
        self.bytes += len(blob)
        while self.bytes > self.cap_bytes and len(self.points) > 2:
            before = len(self.points)
            self._thin()
            if len(self.points) == before:
                break  # only edits and the ends are left

    def truncate_after(self, step: int) -> None:
        """Forget checkpoints and edits after `step` (a future that was changed)."""
        keep = bisect.bisect_right(self.steps, step)
        for point in self.points[keep:]:
            self.bytes -= len(point.blob)
        del self.points[keep:]
        del self.steps[keep:]
        del self.edits[bisect.bisect_right(self.edits, step):]

    def mark_edit(self, step: int) -> None:
        if not self.edits or self.edits[-1] != step:
            self.edits.append(step)

    def _thin(self) -> None:
        """Over the cap: drop every other checkpoint (keeping the first, the
        last and the edits) and take them half as often from now on."""
        edits = set(self.edits)
        last = self.points[-1]
        keep = [p for i, p in enumerate(self.points) if i % 2 == 0 or p.step in edits
                or p is last]
        self.points = keep
        self.steps = [p.step for p in keep]
        self.bytes = sum(len(p.blob) for p in keep)
        self.every *= 2

    def point_at_or_before(self, step: int) -> Checkpoint:
        i = bisect.bisect_right(self.steps, step) - 1
        if i < 0:
            raise LookupError(f"no checkpoint at or before step {step}")
        return self.points[i]

    def at_or_before(self, step: int) -> tuple[Checkpoint, Any]:
        point = self.point_at_or_before(step)
        return point, pickle.loads(point.blob)

    def edit_in(self, first: int, last: int) -> int | None:
        """The first edit step in (first, last], if any: a replay from before
        it must restore it rather than run across it."""
        i = bisect.bisect_right(self.edits, first)
        return self.edits[i] if i < len(self.edits) and self.edits[i] <= last else None
