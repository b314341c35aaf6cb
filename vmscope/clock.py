"""The clock every timed part of vmscope reads, and the one fake clock.

A `Clock` is a call that returns the time in nanoseconds (by default
`time.perf_counter_ns`). The debugger's session, the profiler's loops, its
calibration and its sampler take one, so that a test or a screenshot scene
can inject `FakeClock` and get the same numbers on every machine. The fake
clock lives here, not in the tests, because `vmscope screenshots` (a
production command) needs it too; tests get it from fixtures in
tests/conftest.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

__all__ = ["Clock", "FakeClock"]

_LCG_MUL, _LCG_ADD, _LCG_MASK = 1103515245, 12345, 0x7FFFFFFF


class Clock(Protocol):
    """A monotonic time source, in nanoseconds."""

    def __call__(self) -> int: ...


class FakeClock:
    """A deterministic nanosecond clock. Each reading moves it on by `tick`
    ns, or, given a `seed`, by a pseudo-random 40..199 ns (the same sequence
    on every run: readings of one bracket then differ as real ones do).
    `advance(ns)` moves it on as if work had taken `ns`; `follow(work)`
    keeps it at least at `work() * ns_per_step` (a debugger session's steps,
    say), so that a long run takes a plausible time too."""

    def __init__(self, tick: int = 100, *, start: int = 0, seed: int | None = None,
                 ns_per_step: int = 60) -> None:
        self.tick = tick
        self.now = start
        self.calls = 0
        self.ns_per_step = ns_per_step
        self._state = seed
        self._work: Callable[[], int] | None = None

    def __call__(self) -> int:
        self.calls += 1
        if self._state is None:
            step = self.tick
        else:
            self._state = (self._state * _LCG_MUL + _LCG_ADD) & _LCG_MASK
            step = 40 + (self._state >> 8) % 160
        self.now += step
        if self._work is not None:
            self.now = max(self.now, self._work() * self.ns_per_step)
        return self.now

    def advance(self, ns: int) -> None:
        self.now += ns

    def follow(self, work: Callable[[], int]) -> None:
        """Keep up with `work()` units done, `ns_per_step` ns each."""
        self._work = work
