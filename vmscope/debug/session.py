"""debug.Session: one object drives a program for the TUI, `vmscope trace`
and the tests. Stepping runs one closure at a time with full accounting;
"continue" runs the VM's own counted loop over a code list in which
breakpoints are trap closures (as a native debugger patches int3) and pause
traps every slot, so it runs near fast-loop speed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from vmscope.api import Program
from vmscope.debug.accounting import HitCounter
from vmscope.debug.breakpoints import BreakKind, Breakpoint, ips_of
from vmscope.debug.history import DEFAULT_CAP, DEFAULT_EVERY, History
from vmscope.debug.snapshot import (
    FrameView,
    Snapshot,
    StackItem,
    State,
    ValueView,
    WatchView,
    locals_of,
)
from vmscope.debug.stops import Stops, trap_closure
from vmscope.errors import ErrorKind, GuestError, InternalError, VmsError
from vmscope.lang.values import DEFAULT_LIMITS, UNSET, Limits
from vmscope.vm.machine import Halt, Stop
from vmscope.vm.opcodes import Op
from vmscope.vm.program import Closure

Clock = Callable[[], int]
TICK_SECONDS = 0.1  # a running continue checkpoints and reports this often


class _Ticker(threading.Thread):
    """While a continue runs, traps every slot each tick so the run comes up
    for air: a checkpoint, a progress report, nothing per step."""

    def __init__(self, session: Session) -> None:
        super().__init__(name="vmscope-ticker", daemon=True)
        self.session = session
        self.done = threading.Event()

    def run(self) -> None:
        session = self.session
        while not self.done.wait(session.tick_seconds):
            session._tick.set()
            session.live[:] = [trap_closure] * len(session.live)

    def stop(self) -> None:
        self.done.set()
        self.join()


class Session(Stops):
    def __init__(self, program: Program, limits: Limits = DEFAULT_LIMITS, *,
                 clock: Clock = time.perf_counter_ns, checkpoint_every: int = DEFAULT_EVERY,
                 memory_cap: int = DEFAULT_CAP) -> None:
        self.program = program
        self.code = program.code_for(limits)  # the closures the VM runs, for these limits
        self.limits = limits
        self.clock = clock
        self.history = History(checkpoint_every, memory_cap)
        self.breakpoints: dict[int, Breakpoint] = {}
        self.watches: list[str] = []
        self.watchpoints: dict[str, str | None] = {}  # expression -> last value text
        self.bp_stops: list[int] = []  # steps at which a breakpoint stopped the program
        self._next_bp = 1
        self._pause = threading.Event()
        self._tick = threading.Event()
        self.tick_seconds = TICK_SECONDS
        self._lock = threading.RLock()
        self.restart()

    # ---- lifecycle ------------------------------------------------------------------------

    def restart(self) -> Snapshot:
        with self._lock:
            self.output: list[str] = []
            self.vm = self.program.new_vm(self.output.append, self.limits)
            self.counter = HitCounter(self.code)
            self.live: list[Closure] = list(self.counter.fast)
            self.vm.code = self.live
            self._repatch()
            self.times = [0] * len(self.code.instrs)
            self.vm_ns = 0
            self.state = State.READY
            self.reason = "ready"
            self.error: VmsError | InternalError | None = None
            self.last_ip: int | None = None
            self.popped: tuple[Any, ...] = ()
            self.history.clear()
            self.bp_stops.clear()
            self._checkpoint()
            for expr in self.watchpoints:
                self.watchpoints[expr] = self._watch_text(expr)
            return self.snapshot()

    @property
    def steps(self) -> int:
        return self.vm.steps

    @property
    def done(self) -> bool:
        return self.state in (State.FINISHED, State.ERROR)

    # ---- one instruction ------------------------------------------------------------------

    def _step(self) -> bool:
        """Execute one instruction with accounting. False when the program ended."""
        vm = self.vm
        ip = vm.ip
        instr = self.code.instrs[ip]
        if instr.pops:
            base = self.code.functions[instr.func].nlocals + instr.depth
            self.popped = tuple(vm.slots[base - instr.pops:base])
        else:
            self.popped = ()
        max_steps = self.limits.max_steps
        if max_steps is not None and vm.steps >= max_steps:
            return self._fail(GuestError(ErrorKind.LIMIT, f"step limit of {max_steps} exceeded",
                                         instr.stmt), ip)
        start = self.clock()
        try:
            offset = self.code.code[ip](vm)
        except Halt:
            self._account(ip, start)
            self.state, self.reason = State.FINISHED, "finished"
            self.last_ip = ip
            return False
        except BaseException as exc:
            return self._fail(exc, ip)
        self._account(ip, start)
        vm.ip = ip + offset
        self.last_ip = ip
        return True

    def _account(self, ip: int, start: int) -> None:
        spent = self.clock() - start
        self.times[ip] += spent
        self.vm_ns += spent
        self.vm.steps += 1
        self.counter.stepped(ip)

    def _fail(self, exc: BaseException, ip: int) -> bool:
        self.vm.ip = ip
        if isinstance(exc, GuestError) and exc.stack:
            fault: BaseException = exc
        else:
            fault = self.vm.fault(exc)
        if isinstance(fault, KeyboardInterrupt | SystemExit):
            raise fault
        assert isinstance(fault, VmsError | InternalError)
        self.error = fault
        self.state, self.reason = State.ERROR, "error"
        return False

    def _checkpoint(self) -> None:
        vm = self.vm
        state = (vm.slots, vm.frames, vm.globals, vm.ip, vm.steps, vm.deepest,
                 self.counter.state())
        self.history.take(vm.steps, state, len(self.output))
        if self.history.cost_ns * 50 > self.vm_ns and self.history.every < 1 << 20:
            self.history.every *= 2  # keep checkpoints under ~2% of the run

    def _restore(self, step: int) -> None:
        point, state = self.history.at_or_before(step)
        vm = self.vm
        vm.slots, vm.frames, vm.globals, vm.ip, vm.steps, vm.deepest, counts = state
        self.counter.restore(counts)
        del self.output[point.output_chunks:]
        self.state, self.error, self.popped, self.last_ip = State.PAUSED, None, (), None

    # ---- stepping -------------------------------------------------------------------------

    def _run_steps(self, until: Callable[[], bool], reason: str,
                   on_chunk: Callable[[Session], None] | None = None) -> Snapshot:
        """Single-step until `until()` holds after a step, the program ends, a
        breakpoint or watchpoint fires, or pause is requested; `on_chunk`
        hears about the run every tick, as a continue's does."""
        with self._lock:
            if self.done:
                return self.snapshot()
            self._pause.clear()
            self.state = State.RUNNING
            first = True
            tick_ns = round(self.tick_seconds * 1e9)
            report_at = self.clock() + tick_ns if on_chunk is not None else 0
            while True:
                if on_chunk is not None and not self.vm.steps & 1023 and \
                        self.clock() >= report_at:
                    on_chunk(self)
                    report_at = self.clock() + tick_ns
                if not first and self._breakpoint_hit():
                    break
                first = False
                if not self._step():
                    break
                if self.history.due(self.vm.steps):
                    self._checkpoint()
                if self._watchpoint_hit():
                    break
                if until():
                    self.state, self.reason = State.PAUSED, reason
                    break
                if self._pause.is_set():
                    self.state, self.reason = State.PAUSED, "paused"
                    break
            return self.snapshot()

    def step(self) -> Snapshot:
        """Step one instruction (into calls)."""
        return self._run_steps(lambda: True, "step")

    def _position(self) -> tuple[int, int, int]:
        instr = self.code.instrs[self.vm.ip]
        return len(self.vm.frames), instr.func, instr.span.line

    def step_line(self, on_chunk: Callable[[Session], None] | None = None) -> Snapshot:
        """Run until the source line changes, stepping into calls."""
        start = self._position()
        return self._run_steps(lambda: self._position() != start, "line", on_chunk)

    def step_over(self, on_chunk: Callable[[Session], None] | None = None) -> Snapshot:
        """Next line in this function; calls made meanwhile run to their return."""
        depth, func, line = self._position()

        def arrived() -> bool:
            d, f, ln = self._position()
            return d < depth or (d == depth and (f, ln) != (func, line))

        return self._run_steps(arrived, "next", on_chunk)

    def step_out(self, on_chunk: Callable[[Session], None] | None = None) -> Snapshot:
        """Run until the current function returns to its caller."""
        depth = len(self.vm.frames)
        if depth == 0:
            return self.continue_(on_chunk=on_chunk)
        return self._run_steps(lambda: len(self.vm.frames) < depth, "return", on_chunk)

    def run_to(self, *, ip: int | None = None, line: int | None = None) -> Snapshot:
        """Continue to an ip or to the start of a line (a temporary breakpoint)."""
        if ip is None and line is None:
            raise ValueError("run_to needs an ip or a line")
        bp = Breakpoint(0, BreakKind.IP if ip is not None else BreakKind.LINE,
                        ip if ip is not None else line)  # type: ignore[arg-type]
        targets = set(ips_of(bp, self.code))
        return self.continue_(extra_stops=targets, reason="cursor")

    # ---- continue -------------------------------------------------------------------------

    def continue_(self, extra_stops: set[int] | None = None, reason: str = "breakpoint",
                  on_chunk: Callable[[Session], None] | None = None) -> Snapshot:
        """Run until a breakpoint, the end, an error, or pause()."""
        with self._lock:
            if self.done:
                return self.snapshot()
            if self.watchpoints or self.limits.max_steps is not None:
                # Both need a check after every step: the slow, exact path.
                return self._run_steps(lambda: self.vm.ip in (extra_stops or ()), reason,
                                       on_chunk)
            self._pause.clear()
            self._repatch()  # a pause that came after the last run left traps everywhere
            self.state = State.RUNNING
            extra = extra_stops or set()
            for ip in extra:
                self.live[ip] = trap_closure
            try:
                self._continue_loop(extra, reason, on_chunk)
            finally:
                self._pause.clear()
                self._repatch()
            return self.snapshot()

    def _continue_loop(self, extra: set[int], reason: str,
                       on_chunk: Callable[[Session], None] | None) -> None:
        vm = self.vm
        counter = self.counter
        if not self._step():  # step off the current instruction (it may be a trap)
            return
        ticker = _Ticker(self)
        ticker.start()
        try:
            while True:
                if self._pause.is_set():
                    self.state, self.reason = State.PAUSED, "paused"
                    return
                if vm.ip in extra:
                    self.state, self.reason = State.PAUSED, reason
                    return
                counter.enter_fast(vm.ip)
                start = self.clock()
                try:
                    stop = self._run_fast()
                except GuestError as err:
                    counter.leave_fast(vm.ip, wrapper_ran=True)
                    vm.steps = counter.total()
                    self._fail(err, vm.ip)
                    return
                finally:
                    self.vm_ns += self.clock() - start
                if stop is Stop.HALT:
                    vm.steps = counter.total()
                    self.state, self.reason, self.last_ip = State.FINISHED, "finished", vm.ip
                    return
                counter.leave_fast(vm.ip)
                vm.steps = counter.total()
                self.last_ip, self.popped = None, ()
                if self._tick.is_set():
                    self._tick.clear()
                    if not self._pause.is_set():
                        self._repatch()
                    self._checkpoint()
                    if on_chunk is not None:
                        on_chunk(self)
                    continue
                if self._pause.is_set() or vm.ip in extra:
                    continue  # reported at the loop top
                if self._breakpoint_hit():
                    return
                if not self._step():
                    return
        finally:
            ticker.stop()

    def _run_fast(self) -> Stop:
        """The VM's own fast loop over the live code list; steps are not counted
        there (the hit counter's block counts give them)."""
        return self.vm.run()

    def pause(self) -> None:
        """Ask a running continue to stop; safe from any thread. Every slot of
        the live code list becomes a trap, so even `while true {}` stops at once."""
        self._pause.set()
        self.live[:] = [trap_closure] * len(self.live)

    # ---- step back ------------------------------------------------------------------------

    def goto(self, step: int) -> Snapshot:
        """Put the program in exactly the state it had after `step` steps
        (back by checkpoint and replay; forward by stepping, ignoring breakpoints)."""
        with self._lock:
            step = max(0, step)
            if step <= self.vm.steps:
                # Replay at least the last step, so what it pushed and popped is known.
                self._restore(max(0, step - 1))
            while self.vm.steps < step and self._step():
                pass
            self.state = State.PAUSED if self.vm.steps else State.READY
            self.reason = f"back to step {step}"
            return self.snapshot()

    def step_back(self) -> Snapshot:
        return self.goto(self.vm.steps - 1)

    def _trail(self, first: int, last: int) -> list[tuple[int, int, int]]:
        """Positions (depth, func, line) before each step in [first, last]."""
        self._restore(first)
        while self.vm.steps < first and self._step():
            pass
        trail = [self._position()]
        while self.vm.steps < last and self._step():
            trail.append(self._position())
        return trail

    def step_back_line(self) -> Snapshot:
        """Back to where the previous line (in execution order) began."""
        now = self.vm.steps
        window = 64
        while True:
            first = max(0, now - window)
            trail = self._trail(first, now)
            i = len(trail) - 1
            while i > 0 and trail[i - 1] == trail[-1]:
                i -= 1  # the start of the current line's run
            j = i - 1
            while j > 0 and trail[j - 1] == trail[i - 1]:
                j -= 1  # the start of the previous line's run
            if (j > 0 or first == 0) and i > 0:
                return self.goto(first + j)
            if first == 0:
                return self.goto(0)
            window *= 4

    def step_back_breakpoint(self) -> Snapshot:
        earlier = [s for s in self.bp_stops if s < self.vm.steps]
        return self.goto(earlier[-1] if earlier else 0)

    # ---- snapshots ------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        with self._lock:
            return self._snapshot()

    def _snapshot(self) -> Snapshot:
        vm, code = self.vm, self.code
        ip = min(vm.ip, len(code.instrs) - 1)
        instr = code.instrs[ip]
        fn = code.functions[instr.func]
        depth = 0 if self.state is State.FINISHED else instr.depth
        pushed = 0
        if self.last_ip is not None:
            last = code.instrs[self.last_ip]
            if last.func == instr.func and last.op not in (Op.CALL, Op.RETURN):
                pushed = last.pushes
        stack = tuple(
            StackItem(fn.nlocals + d, ValueView.of(vm.slots[fn.nlocals + d]),
                      d >= depth - pushed)
            for d in range(depth - 1, -1, -1)
        )
        frames = []
        for slots, call_ip, _ in vm.frames:
            caller = code.functions[code.instrs[call_ip].func]
            frames.append(FrameView(caller.name, call_ip, code.instrs[call_ip].span,
                                    locals_of(caller, slots, call_ip)))
        frames.append(FrameView(fn.name, ip, instr.span, locals_of(fn, vm.slots, ip)))
        globals_ = tuple((name, ValueView.of(value))
                         for name, value in zip(code.global_names, vm.globals, strict=True)
                         if value is not UNSET)
        watches = []
        for expr in [*self.watches, *self.watchpoints]:
            try:
                watches.append(WatchView(expr, ValueView.of(self.evaluate(expr))))
            except (VmsError, RecursionError) as exc:
                watches.append(WatchView(expr, None, getattr(exc, "message", str(exc))))
        err = self.error
        return Snapshot(
            state=self.state, reason=self.reason, ip=ip, instr=instr, steps=vm.steps,
            stack=stack, popped=tuple(ValueView.of(v) for v in self.popped),
            frames=tuple(frames), globals=globals_, watches=tuple(watches),
            output="".join(self.output), hits=tuple(self.counter.hits()),
            error=(err.headline(self.program.source.name) if isinstance(err, VmsError)
                   else (str(err) if err else None)),
            error_span=err.span if isinstance(err, VmsError) else None,
            elapsed_ns=self.vm_ns, times_ns=tuple(self.times),
            checkpoints=len(self.history.points), checkpoint_bytes=self.history.bytes,
            memory_cap=self.history.cap_bytes)
