"""The in-process sampler: a SIGALRM from `setitimer(ITIMER_REAL)` at about
2 kHz whose handler finds the observing loop's frame and reads from its
locals the instruction running, or the one that just ran (the closure `f`
in the sample loop; `ip`, or `ip - d` at its backward jump, in the count
loop).

CPython runs a signal handler at its next "eval breaker" check: at a
function's RESUME or a loop's backward jump. So a sample either lands inside
an instruction's closure (or a helper it called) or in the loop frame at its
backward jump, just after an instruction returned. A sample that lands at
the very entry of a closure called by the loop arrived while the loop was
dispatching it: those are the dispatch samples (the part of the dispatch
before the call; the return and `ip +=` after it are charged to the
instruction, and say so in the notes).

Off the main thread (a TUI worker) signals are not available; a thread then
takes the samples from `sys._current_frames()` at GIL switches, with the
switch interval lowered for the run."""

from __future__ import annotations

import dis
import operator
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import CodeType, FrameType

from vmscope.clock import Clock
from vmscope.profiler.contexts import ContextTree
from vmscope.profiler.loops import (
    CLOSURE_LOCAL,
    IP_LOCAL,
    SAMPLED_LOOPS,
    STEP_LOCAL,
    VM_LOCAL,
    closures_by_identity,
)
from vmscope.vm.program import Closure

MAX_WALK = 64  # frames kept from each end of a very deep guest stack
_CALL_IP = operator.itemgetter(1)
_TIME = operator.itemgetter(4)
LOG_LIMIT = 1 << 16
LOST, START = -1, -2  # in the log, with no stack: a sample outside the loop; a run starts


def _resume_offset(code: CodeType) -> int:
    for ins in dis.get_instructions(code):
        if ins.opname == "RESUME":
            return ins.offset
    return 0


class Sampler:
    def __init__(self, tree: ContextTree, rate_hz: float, clock: Clock,
                 closures: list[Closure], cpu_clock: Clock = time.thread_time_ns) -> None:
        """`closures`: the code list the loops run, its closures distinct
        objects (loops.distinct_closures); `clock` times the handler;
        `cpu_clock` is the sampled thread's CPU time (for the thread sampler,
        read from the running thread's clock)."""
        self.tree = tree
        self._ip_of = closures_by_identity(closures)
        self.interval = 1.0 / rate_hz
        self.clock = clock
        self._cpu = [cpu_clock]
        # keyed by (guest stack as call ips, ip); resolved to context nodes after the run
        self._raw: dict[tuple[tuple[int, ...], int], int] = {}
        self._raw_dispatch: dict[tuple[tuple[int, ...], int], int] = {}
        # One entry a handler call: (guest stack as call ips, ip, (closure code, its
        # f_lasti) when the sample is in a closure, the next ip when it is in the loop
        # itself (see ContextTree.stack_of_sample), the time on `clock`, the sampled
        # thread's CPU time after a gap, else None (see _tally)). With no stack, ip
        # LOST is a sample outside the loop and START the start of a run.
        self._log: list[tuple[tuple[int, ...] | None, int, tuple[CodeType, int] | None,
                              int | None, int, int | None]] = []
        self._last_loop: list[FrameType | None] = [None]  # the loop frame seen last
        self._lost = 0
        self.taken = 0  # handler calls
        self._merged = 0
        self._cpu_start: int | None = None  # the run's start in CPU time (see _tally)
        self._counted = 0  # ... and the intervals the samples since stood for
        self._last = [0]  # the time of the sample before, on `clock`
        self.handler_ns = 0
        self._entry: dict[CodeType, int] = {}
        self._handler = self._make_handler()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    # ---- one sample ---------------------------------------------------------------------

    def take(self, frame: FrameType | None) -> None:
        """Take one sample of the thread whose innermost frame is `frame`."""
        self._handler(0, frame)

    def _make_handler(self) -> Callable[[int, FrameType | None], None]:
        """The signal handler: one flat function with everything it touches
        bound in advance, appending raw facts to a list (aggregated after the
        run), since a sample runs with cold caches and costs several µs."""
        clock = self.clock
        log = self._log
        loops = SAMPLED_LOOPS  # how to read each observing loop's frame
        vm_name, ip_name, step_name, closure_name = VM_LOCAL, IP_LOCAL, STEP_LOCAL, CLOSURE_LOCAL
        both_ends = 2 * MAX_WALK
        call_ip = _CALL_IP
        me = self
        last_loop = self._last_loop
        ip_of = self._ip_of
        busy = [False]
        cpu_now = self._cpu
        last = self._last
        gap = round(1.5 * self.interval * 1e9)

        def handler(signum: int, frame: FrameType | None) -> None:
            t0 = clock()
            cpu = cpu_now[0]() if t0 - last[0] > gap else None  # ticks merged, maybe
            last[0] = t0
            if busy[0]:  # a tick came while this handler ran: the profiler's own time
                log.append((None, LOST, None, None, t0, cpu))
                me.taken += 1
                return
            busy[0] = True
            try:
                loop = last_loop[0]
                inner = None
                if frame is not loop:
                    inner = frame
                    if frame is None or loop is None or frame.f_back is not loop:
                        loop = frame
                        inner = None
                        while loop is not None and loop.f_code not in loops:
                            inner = loop
                            loop = loop.f_back
                        last_loop[0] = loop
                local = loop.f_locals if loop is not None else None
                vm = local.get(vm_name) if local is not None else None
                ip = after = None
                if loop is None or local is None:
                    pass
                elif (how := loops[loop.f_code]).counting:  # `ip` counted, not moved on
                    ip = local.get(ip_name)
                    d = local.get(step_name)
                    if inner is None and ip is not None and d is not None:
                        if loop.f_lasti in how.jumps:  # between instructions: ip - d ran
                            ip, after = ip - d, ip
                        else:  # in its bookkeeping
                            after = ip + d
                else:  # the sample loop: `f` is the closure running or just run
                    f = local.get(closure_name)
                    ip = ip_of.get(f) if f is not None else None
                    if inner is None:
                        after = local.get(ip_name)
                if ip is None or vm is None:  # outside the loop, or at its start
                    log.append((None, LOST, None, None, t0, cpu))
                else:
                    # Little work here; entries are decoded in _tally. The stack is kept
                    # as call ips, not the frame records: holding those would keep every
                    # sampled frame's slots alive (+5% on fib, in the GC's work).
                    frames = vm.frames
                    if len(frames) > both_ends:
                        frames = frames[:MAX_WALK] + frames[-MAX_WALK:]
                    at = (frame.f_code, frame.f_lasti) if inner is frame and frame else None
                    log.append((tuple(map(call_ip, frames)), ip, at, after, t0, cpu))
                if len(log) >= LOG_LIMIT:  # a long run: fold now and then, not only at the end
                    me._tally()
                me.taken += 1
                me.handler_ns += clock() - t0
            finally:
                busy[0] = False

        return handler

    def _tally(self) -> None:
        """Fold the raw log into counts by (guest stack, ip), telling apart the
        samples taken at the very entry of an instruction's closure.

        Signals that come while one is pending merge into one, so an
        instruction that runs long in C (joining big strings, say) would get
        one sample however many intervals it ran. So a sample that comes after
        a gap in wall time counts the intervals of CPU time not yet counted
        since the run started: CPU time, so that a preempted process gains no
        weight (on a busy machine the count lags and the weights fall back to
        one a sample)."""
        entry = self._entry
        stack_of = self.tree.stack_of_sample
        interval = max(round(self.interval * 1e9), 1)
        # by time: a tick during the handler logs itself before the sample it interrupted
        log = self._log
        n = len(log)  # a handler may append while this runs (a fold inside it, say)
        batch = sorted(log[:n], key=_TIME)
        del log[:n]
        for calls, ip, at, after, _, cpu in batch:
            if ip == START:
                self._cpu_start, self._counted = cpu, 0
                continue
            w = 1
            if cpu is not None and self._cpu_start is not None:
                w = max(round((cpu - self._cpu_start) / interval) - self._counted, 1)
            self._counted += w
            self._merged += w - 1
            if calls is None:
                self._lost += w
                continue
            at_entry = False
            if at is not None:
                code, lasti = at
                start = entry.get(code)
                if start is None:
                    start = entry[code] = _resume_offset(code)
                at_entry = lasti <= start
            table = self._raw_dispatch if at_entry else self._raw
            key = (stack_of(calls, ip, after), ip)
            table[key] = table.get(key, 0) + w

    def _resolved(self, raw: dict[tuple[tuple[int, ...], int], int]) -> dict[tuple[int, int], int]:
        self._tally()
        out: dict[tuple[int, int], int] = {}
        for (stack, ip), n in raw.items():
            key = (self.tree.node_for_stack(stack), ip)
            out[key] = out.get(key, 0) + n
        return out

    @property
    def lost(self) -> int:
        """Samples that found no VM loop running (start-up, output, the end)."""
        self._tally()
        return self._lost

    @property
    def merged(self) -> int:
        """Timer ticks that came while another was pending (see _tally)."""
        self._tally()
        return self._merged

    @property
    def samples(self) -> dict[tuple[int, int], int]:
        """Samples inside instructions, by (context node, ip)."""
        return self._resolved(self._raw)

    @property
    def dispatch(self) -> dict[tuple[int, int], int]:
        """Samples that arrived while the loop dispatched, by (context node, ip)."""
        return self._resolved(self._raw_dispatch)

    # ---- starting and stopping ----------------------------------------------------------

    @contextmanager
    def running(self) -> Iterator[None]:
        try:
            if threading.current_thread() is threading.main_thread():
                with self._signals():
                    yield
            else:
                with self._thread_sampler():
                    yield
        finally:
            self._last_loop[0] = None

    def _start(self) -> int:
        """A run starts now: the gap to its first sample is measured from here."""
        self._last[0] = now = self.clock()
        return now

    @contextmanager
    def _signals(self) -> Iterator[None]:
        old = signal.signal(signal.SIGALRM, self._handler)
        self._log.append((None, START, None, None, self._start(), self._cpu[0]()))
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
        own_cpu = self._cpu[0]
        self._cpu[0] = _cpu_clock_of(target)
        self._log.append((None, START, None, None, self._start(), self._cpu[0]()))
        self._thread = threading.Thread(target=tick, name="vmscope-sampler", daemon=True)
        self._thread.start()
        try:
            yield
        finally:
            self._stop.set()
            self._thread.join()
            sys.setswitchinterval(old)
            self._cpu[0] = own_cpu


def _cpu_clock_of(thread_id: int) -> Clock:
    """Another thread's CPU time, where the platform can read it (Linux);
    elsewhere wall time, which also counts the time the thread waited."""
    getcpuclockid = getattr(time, "pthread_getcpuclockid", None)
    if getcpuclockid is None:
        return time.perf_counter_ns
    clock_id = getcpuclockid(thread_id)
    return lambda: time.clock_gettime_ns(clock_id)
