"""The in-process sampler: a SIGALRM from `setitimer(ITIMER_REAL)` at about
2 kHz whose handler finds the observing loop's frame and reads `last` (the
instruction running, or the one that just ran) from its locals.

CPython runs a signal handler at its next "eval breaker" check: at a
function's RESUME or a loop's backward jump. So a sample either lands inside
an instruction's closure (or a helper it called) or in the loop frame at its
backward jump, just after an instruction returned; `last` names the
instruction in both cases. A sample that lands at the very entry of a closure
called by the loop arrived while the loop was dispatching it: those are the
dispatch samples (the part of the dispatch before the call; the return and
`ip +=` after it are charged to the instruction, and say so in the notes).

Off the main thread (a TUI worker) signals are not available; a thread then
takes the samples from `sys._current_frames()` at GIL switches, with the
switch interval lowered for the run."""

from __future__ import annotations

import dis
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import CodeType, FrameType
from typing import Any

from vmscope.profiler.contexts import ContextTree
from vmscope.profiler.loops import LOOP_CODES, Clock

MAX_WALK = 64  # frames kept from each end of a very deep guest stack


def _resume_offset(code: CodeType) -> int:
    for ins in dis.get_instructions(code):
        if ins.opname == "RESUME":
            return ins.offset
    return 0


class Sampler:
    def __init__(self, tree: ContextTree, rate_hz: float, clock: Clock) -> None:
        self.tree = tree
        self.interval = 1.0 / rate_hz
        self.clock = clock
        self.samples: dict[tuple[int, int], int] = {}
        self.dispatch: dict[tuple[int, int], int] = {}
        self.lost = 0
        self.taken = 0
        self.handler_ns = 0
        self._entry: dict[CodeType, int] = {}
        self._busy = False
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    # ---- one sample ---------------------------------------------------------------------

    def take(self, frame: FrameType | None) -> None:
        if self._busy:
            return
        self._busy = True
        t0 = self.clock()
        try:
            self._take(frame)
        finally:
            self.handler_ns += self.clock() - t0
            self._busy = False

    def _take(self, frame: FrameType | None) -> None:
        self.taken += 1
        loop = frame
        inner = None
        while loop is not None and loop.f_code not in LOOP_CODES:
            inner = loop
            loop = loop.f_back
        if loop is None:
            self.lost += 1
            return
        local = loop.f_locals
        ip = local.get("last")
        vm = local.get("vm")
        if not isinstance(ip, int) or vm is None:
            self.lost += 1
            return
        node = self._node(vm.frames)
        key = (node, ip)
        if inner is not None and inner is frame and inner.f_back is loop \
                and inner.f_lasti <= self._entry_of(inner.f_code):
            self.dispatch[key] = self.dispatch.get(key, 0) + 1
        else:
            self.samples[key] = self.samples.get(key, 0) + 1

    def _entry_of(self, code: CodeType) -> int:
        found = self._entry.get(code)
        if found is None:
            found = self._entry[code] = _resume_offset(code)
        return found

    def _node(self, frames: list[Any]) -> int:
        if not frames:
            return 0
        if len(frames) > 2 * MAX_WALK:
            frames = frames[:MAX_WALK] + frames[-MAX_WALK:]
        return self.tree.node_for_stack([f[1] for f in frames])

    # ---- starting and stopping ----------------------------------------------------------

    @contextmanager
    def running(self) -> Iterator[None]:
        if threading.current_thread() is threading.main_thread():
            with self._signals():
                yield
        else:
            with self._thread_sampler():
                yield

    @contextmanager
    def _signals(self) -> Iterator[None]:
        def handler(signum: int, frame: FrameType | None) -> None:
            self.take(frame)

        old = signal.signal(signal.SIGALRM, handler)
        signal.setitimer(signal.ITIMER_REAL, self.interval, self.interval)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0.0, 0.0)
            signal.signal(signal.SIGALRM, old)

    @contextmanager
    def _thread_sampler(self) -> Iterator[None]:
        target = threading.get_ident()
        self._stop.clear()

        def tick() -> None:
            while not self._stop.wait(self.interval):
                self.take(sys._current_frames().get(target))

        old = sys.getswitchinterval()
        sys.setswitchinterval(max(self.interval / 4, 1e-5))
        self._thread = threading.Thread(target=tick, name="vmscope-sampler", daemon=True)
        self._thread.start()
        try:
            yield
        finally:
            self._stop.set()
            self._thread.join()
            sys.setswitchinterval(old)


def default_clock() -> int:
    return time.perf_counter_ns()
