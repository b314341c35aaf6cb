"""Calibration: what the loops themselves cost, measured on code lists of
no-op closures, so that it can be subtracted (timer) or shown (dispatch).

Every constant is the median over blocks of BLOCK instructions; the spread is
half the interquartile range. The clock is injected: tests pass a
vmscope.clock.FakeClock and get exact constants."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from vmscope.clock import Clock
from vmscope.lang.values import Limits
from vmscope.profiler.loops import count_loop, timed_loop
from vmscope.profiler.model import Calibration
from vmscope.profiler.options import Mode, parse_choice
from vmscope.profiler.state import LoopState
from vmscope.source import Span
from vmscope.vm.machine import VM, Halt
from vmscope.vm.program import CompiledCode, FunctionInfo

BLOCK = 2000
BLOCKS = 15


def _make_noop() -> Callable[[VM], int]:
    def noop(vm: VM) -> int:
        return 1

    return noop


_NOOPS = [_make_noop() for _ in range(64)]


def _stop(vm: VM) -> int:
    raise Halt


def noop_code(n: int = BLOCK) -> CompiledCode:
    """n no-op instructions, then one that halts. The no-ops are 64 distinct
    closures, so the loop's call site is as polymorphic as in a real program
    (a single one would let CPython specialise the call and look cheaper)."""
    info = FunctionInfo(0, "<calibration>", 0, n + 1, 0, 0, (), 0, Span(0, 0, 0, 0))
    code = [_NOOPS[i % len(_NOOPS)] for i in range(n)]
    return CompiledCode([*code, _stop], [], [info], 0, ())


def _spread(values: list[float]) -> tuple[float, float]:
    if len(values) < 4:
        return statistics.median(values), 0.0
    q = statistics.quantiles(values, n=4)
    return statistics.median(values), (q[2] - q[0]) / 2


def _blocks(measure: Callable[[], float], blocks: int) -> tuple[float, float]:
    measure()  # warm up: specialisation, caches
    return _spread([measure() for _ in range(blocks)])


def dispatch_cost(clock: Clock, n: int = BLOCK, blocks: int = BLOCKS) -> tuple[float, float]:
    """The fast loop (`VM.run` itself) per no-op instruction, in ns."""
    code = noop_code(n)

    def measure() -> float:
        vm = VM(code, lambda s: None, Limits())
        t0 = clock()
        vm.run()
        return (clock() - t0) / n

    return _blocks(measure, blocks)


def count_cost(clock: Clock, n: int = BLOCK, blocks: int = BLOCKS) -> tuple[float, float]:
    """The count loop per no-op instruction, in ns."""
    code = noop_code(n)
    st = LoopState(code)

    def measure() -> float:
        vm = VM(code, lambda s: None, Limits())
        t0 = clock()
        count_loop(vm, st)
        return (clock() - t0) / n

    return _blocks(measure, blocks)


def timer_cost(clock: Clock, n: int = BLOCK, blocks: int = BLOCKS) -> tuple[float, float]:
    """What the timed loop's bracket reads around a no-op closure, in ns: the
    clock's own cost plus a minimal call. Subtracted from every timed hit."""
    code = noop_code(n)
    st = LoopState(code)

    def measure() -> float:
        ns = st.node_ns[0]
        before = sum(ns)
        vm = VM(code, lambda s: None, Limits())
        timed_loop(vm, st, clock)
        return (sum(ns) - before) / n

    return _blocks(measure, blocks)


def clock_resolution(clock: Clock, reads: int = 200) -> float:
    """The smallest positive step seen between consecutive reads."""
    last = clock()
    best = 0
    for _ in range(reads):
        now = clock()
        step = now - last
        if step > 0 and (best == 0 or step < best):
            best = step
        last = now
    return float(best)


def calibrate(mode: Mode | str, clock: Clock = time.perf_counter_ns,
              counts: bool = False) -> Calibration:
    """The constants a mode needs: every mode gets the dispatch cost; the
    count loop's is measured where it counts (count mode, sample mode with
    exact counts), the timer's in timed mode."""
    mode = parse_choice(Mode, mode, "mode")
    dispatch, dispatch_spread = dispatch_cost(clock)
    timer = timer_spread = count = 0.0
    if mode is Mode.TIMED:
        timer, timer_spread = timer_cost(clock)
    if mode is Mode.COUNT or counts:
        count, _ = count_cost(clock)
    return Calibration(dispatch_ns=dispatch, dispatch_spread_ns=dispatch_spread,
                       timer_ns=timer, timer_spread_ns=timer_spread, count_ns=count,
                       clock_resolution_ns=clock_resolution(clock))
