"""One strategy per in-process mode (count, sample, timed): which loop it
runs, what it keeps, and how what the loop measured becomes the Profile's
times, overhead estimate and notes (its *figures*). The Collector runs the
strategy of its mode (`STRATEGIES[mode]`); py-spy mode runs out of process
(pyspy.py) and is its own collector."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from vmscope.clock import Clock
from vmscope.profiler.loops import (
    CLIP_NS,
    count_loop,
    count_loop_limited,
    sample_loop,
    sample_loop_limited,
    timed_loop,
    timed_loop_limited,
)
from vmscope.profiler.model import Calibration, Cell
from vmscope.profiler.options import Mode, Options
from vmscope.profiler.state import LoopState
from vmscope.vm.machine import VM

__all__ = ["STRATEGIES", "Figures", "Measured", "ModeStrategy", "strategy_for"]


@dataclass(frozen=True)
class Measured:
    """What a Collector accumulated over its runs. `cells` carry the hits,
    the samples and, in timed mode, the raw clock time of each bracket."""

    cells: tuple[Cell, ...]
    calibration: Calibration
    wall_ns: int
    has_hits: bool
    handler_ns: int = 0  # the sampler's own time
    reference_ns: int = 0  # timed mode: the same runs in the fast loop
    clipped: int = 0  # timed brackets cut at CLIP_NS
    clipped_ns: int = 0

    @property
    def steps(self) -> int:
        return sum(c.hits for c in self.cells)


@dataclass(frozen=True)
class Figures:
    """A mode's reading of what was measured: every cell's time, the
    estimated overhead (profiled / unprofiled run time) and how to read them."""

    cells: tuple[Cell, ...]
    overhead: float | None
    sample_ns: float = 0.0
    notes: tuple[str, ...] = ()


def _count_loop(vm: VM, st: LoopState, budget: int | None) -> None:
    if budget is None:
        count_loop(vm, st)
    else:
        count_loop_limited(vm, st, budget)


class ModeStrategy:
    """What one in-process mode does; subclasses fill in the rest."""

    mode: ClassVar[Mode]
    has_time: ClassVar[bool] = False  # its Profile carries times
    samples: ClassVar[bool] = False  # it runs the sampler
    derive: ClassVar[bool] = True  # the count loop may leave out what follows from the hits
    reference: ClassVar[bool] = False  # it also times a fast-loop run (Options.reference)

    def counts(self, options: Options) -> bool:
        """Whether its runs count hits (and so need a LoopState)."""
        return True

    def run(self, vm: VM, st: LoopState | None, clock: Clock, budget: int | None) -> None:
        """One run in the mode's loop, with or without a step budget (the
        choice made here, once a run)."""
        raise NotImplementedError

    def figures(self, m: Measured) -> Figures:
        raise NotImplementedError


class CountMode(ModeStrategy):
    mode = Mode.COUNT

    def run(self, vm: VM, st: LoopState | None, clock: Clock, budget: int | None) -> None:
        assert st is not None
        _count_loop(vm, st, budget)

    def figures(self, m: Measured) -> Figures:
        cal = m.calibration
        fast = m.wall_ns - m.steps * max(cal.count_ns - cal.dispatch_ns, 0.0)
        return Figures(m.cells, m.wall_ns / fast if fast > 0 else None)


class TimedMode(ModeStrategy):
    mode = Mode.TIMED
    has_time = True
    derive = False  # the timed loop counts every branch and call
    reference = True

    def run(self, vm: VM, st: LoopState | None, clock: Clock, budget: int | None) -> None:
        assert st is not None
        if budget is None:
            timed_loop(vm, st, clock)
        else:
            timed_loop_limited(vm, st, clock, budget)

    def figures(self, m: Measured) -> Figures:
        cal = m.calibration
        cells = tuple(Cell(c.ctx, c.ip, c.hits, max(c.ns - c.hits * cal.timer_ns, 0.0),
                           c.hits * cal.dispatch_ns, c.samples, c.dispatch_samples)
                      for c in m.cells)
        fast = sum(c.ns + c.dispatch_ns for c in cells)
        base = m.reference_ns or fast  # measured where it can be
        notes = [f"approximate: each instruction timed with a clock pair; the pair's cost "
                 f"({cal.timer_ns:.0f} ± {cal.timer_spread_ns:.0f} ns, calibrated on no-op "
                 f"closures) is subtracted from every hit",
                 f"dispatch row = hits x {cal.dispatch_ns:.1f} ns (the fast loop over no-op "
                 f"closures, calibrated)"]
        if m.reference_ns and fast > 0:
            notes.append(f"check: the attributed total is {fast / m.reference_ns:.2f}x the "
                         f"wall time of the same run(s) in the fast loop "
                         f"({m.reference_ns / 1e6:.2f} ms)")
        if m.clipped:
            notes.append(f"{m.clipped} timed instruction(s) took over {CLIP_NS / 1e6:g} ms (a "
                         f"preemption, most likely): {m.clipped_ns / 1e6:.2f} ms beyond that "
                         f"is not attributed")
        return Figures(cells, m.wall_ns / base if base > 0 else None, notes=tuple(notes))


class SampleMode(ModeStrategy):
    mode = Mode.SAMPLE
    has_time = True
    samples = True

    def counts(self, options: Options) -> bool:
        return options.counts

    def run(self, vm: VM, st: LoopState | None, clock: Clock, budget: int | None) -> None:
        if st is not None:  # with exact counts
            _count_loop(vm, st, budget)
        elif budget is None:
            sample_loop(vm)
        else:
            sample_loop_limited(vm, budget)

    def figures(self, m: Measured) -> Figures:
        cal = m.calibration
        fast: float = m.wall_ns - m.handler_ns
        if not m.has_hits:
            samples = sum(c.samples + c.dispatch_samples for c in m.cells)
            sample_ns = fast / samples if samples else 0.0
            cells = tuple(Cell(c.ctx, c.ip, c.hits, c.samples * sample_ns,
                               c.dispatch_samples * sample_ns, c.samples, c.dispatch_samples)
                          for c in m.cells)
            return Figures(cells, m.wall_ns / fast if fast > 0 else None, sample_ns,
                           ("dispatch row: samples that arrived while the loop set up a call; "
                            "the return and `ip +=` are charged to the instruction",))
        # the count loop's bookkeeping would land in the dispatch samples: charge dispatch
        # by the calibrated constant and share the rest by the instructions' samples
        fast -= m.steps * max(cal.count_ns - cal.dispatch_ns, 0.0)
        body = sum(c.samples for c in m.cells)
        sample_ns = max(fast - m.steps * cal.dispatch_ns, 0.0) / body if body else 0.0
        cells = tuple(Cell(c.ctx, c.ip, c.hits, c.samples * sample_ns, c.hits * cal.dispatch_ns,
                           c.samples, c.dispatch_samples) for c in m.cells)
        return Figures(cells, m.wall_ns / fast if fast > 0 else None, sample_ns,
                       (f"with exact counts: dispatch row = hits x {cal.dispatch_ns:.1f} ns "
                        "(calibrated); the estimated unprofiled time left (wall - sampler - "
                        "counting) is shared by the instructions' samples",))


STRATEGIES: dict[Mode, ModeStrategy] = {s.mode: s for s in (CountMode(), SampleMode(),
                                                            TimedMode())}


def strategy_for(mode: Mode) -> ModeStrategy:
    strategy = STRATEGIES.get(mode)
    if strategy is None:
        raise ValueError(f"{mode} mode runs out of process: use vmscope.profiler.pyspy")
    return strategy
