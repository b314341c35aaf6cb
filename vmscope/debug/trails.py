"""Where reverse-step and reverse-next land, from the trail of positions
(depth, function, line) of the states first..now, fed one state at a time:
only the last three runs of equal positions are kept, so a search across
millions of steps takes constant memory."""

from __future__ import annotations

from dataclasses import dataclass

Position = tuple[int, int, int]  # depth, function, line


@dataclass
class _Run:
    position: Position
    first: int
    last: int


class LineRuns:
    """Runs of equal positions. With `depth` (the frame's depth now), states
    deeper than it (its calls) are skipped, and runs of one position on both
    sides of a call merge: reverse-next's view of the trail."""

    def __init__(self, first: int, depth: int | None = None) -> None:
        self.first = first  # the window's first state
        self.depth = depth
        self.runs: list[_Run] = []

    def feed(self, position: Position, step: int) -> None:
        if self.depth is not None and position[0] > self.depth:
            return
        runs = self.runs
        if runs and runs[-1].position == position:
            runs[-1].last = step
        else:
            runs.append(_Run(position, step, step))
            if len(runs) > 3:
                del runs[0]

    def previous_line_start(self) -> int | None:
        """reverse-step: where the run before the current one began; None when
        the window may not hold all of it (look further back)."""
        runs = self.runs
        if len(runs) < 2:
            return 0 if self.first == 0 else None
        prev = runs[-2]
        return prev.first if prev.first > self.first or self.first == 0 else None

    def previous_line_over(self) -> int | None:
        """reverse-next: the start of this frame's previous line (its calls
        skipped); when the frame began since, the call that began it."""
        runs = self.runs
        if len(runs) < 2:
            return 0 if self.first == 0 else None
        prev = runs[-2]
        assert self.depth is not None
        if prev.position[0] < self.depth:
            return prev.last  # before this frame: the call instruction
        if len(runs) < 3 and self.first > 0:
            return None  # the line's run may begin before the window
        return prev.first


def previous_line_start(trail: list[Position], first: int) -> int | None:
    """reverse-step on a whole trail of the states first..now."""
    runs = LineRuns(first)
    for i, position in enumerate(trail):
        runs.feed(position, first + i)
    return runs.previous_line_start()


def previous_line_over(trail: list[Position], first: int) -> int | None:
    """reverse-next on a whole trail of the states first..now."""
    runs = LineRuns(first, trail[-1][0])
    for i, position in enumerate(trail):
        runs.feed(position, first + i)
    return runs.previous_line_over()
