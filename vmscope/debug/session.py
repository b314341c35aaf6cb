"""debug.Session: one object drives a program for the TUI, the DAP server,
`vmscope trace` and the tests. Stepping runs one closure at a time with full
accounting; a run to a place ("continue", "finish", "until", a call stepped
over) runs the VM's own loop over a code list in which breakpoints and the
run's targets are trap closures (as a native debugger patches int3) and
pause traps every slot, so it runs near fast-loop speed.

The Session is assembled from mixins, one concern each: where it stops
(stops.py), frames and evaluation (frames.py), the stepping words
(stepping.py), reverse execution (reverse.py) and value inspection
(inspection.py). This module holds the VM, one step, the fast run, checkpoints
and snapshots."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from vmscope.api import Program
from vmscope.clock import Clock
from vmscope.debug.accounting import HitCounter
from vmscope.debug.breakpoints import Breakpoint
from vmscope.debug.errors import DebugError
from vmscope.debug.evaluate import Evaluator
from vmscope.debug.frames import Frames
from vmscope.debug.history import DEFAULT_CAP, DEFAULT_EVERY, History
from vmscope.debug.inspection import Inspecting
from vmscope.debug.reverse import Reverse
from vmscope.debug.snapshot import Snapshot, StackItem, State, StopReason, ValueView, WatchView
from vmscope.debug.stepping import Stepping
from vmscope.debug.stops import LogMessage, Stops, trap_closure
from vmscope.errors import ErrorKind, GuestError, InternalError, VmsError
from vmscope.lang.values import DEFAULT_LIMITS, UNSET, Limits
from vmscope.vm.machine import VM, Halt, Stop
from vmscope.vm.opcodes import Op
from vmscope.vm.program import Closure

OnChunk = Callable[["Session"], None]
Until = Callable[[], "StopReason | None"]
TICK_SECONDS = 0.1  # a running continue checkpoints and reports this often
CHECKPOINT_SHARE = 50  # checkpoints take at most 1/50 of the run's time
FOLD_KEEP = 10  # a deep stack shows this many frames at each end, as tracebacks do


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


class Session(Stops, Frames, Stepping, Reverse, Inspecting):
    """A program under the debugger. Every operation that moves the program
    returns the new Snapshot; one that cannot be done now raises DebugError
    (a ValueError) with the sentence to show, and changes nothing."""

    def __init__(self, program: Program, limits: Limits = DEFAULT_LIMITS, *,
                 clock: Clock = time.perf_counter_ns, checkpoint_every: int = DEFAULT_EVERY,
                 memory_cap: int = DEFAULT_CAP) -> None:
        self.program = program
        self.code = program.code_for(limits)  # the closures the VM runs, for these limits
        self.limits = limits
        self.clock = clock
        self.evaluator = Evaluator(program.resolved, self.code)
        self.history = History(checkpoint_every, memory_cap)
        self.breakpoints: dict[int, Breakpoint] = {}
        self.watches: list[str] = []
        self.watchpoints: dict[str, str | None] = {}  # expression -> last value text
        self.logs: list[LogMessage] = []  # logpoint messages, oldest first (never rewound)
        self._watch_keys: dict[str, object] = {}
        self._bp_at: dict[int, list[int]] = {}
        self._bp_lock = threading.Lock()
        self._next_bp = 1
        self._targets: frozenset[int] = frozenset()  # the running operation's own traps
        self._pause = threading.Event()
        self._tick = threading.Event()
        self.tick_seconds = TICK_SECONDS
        self._lock = threading.RLock()
        self._selected = 0
        self.restart()

    # ---- lifecycle ------------------------------------------------------------------------

    def restart(self) -> Snapshot:
        """Back to the start: a fresh VM; breakpoints, watches and the log stay."""
        with self._lock:
            self.output: list[str] = []
            self._output_text = ("", 0)  # the joined output and how many chunks it holds
            self.vm = self.program.new_vm(self._write, self.limits)
            self.counter = HitCounter(self.code)
            self.live: list[Closure] = list(self.counter.fast)
            self.vm.code = self.live
            self._repatch()
            self.times = [0] * len(self.code.instrs)
            self.vm_ns = 0
            self.state = State.READY
            self.reason, self.detail = StopReason.READY, ""
            self.error: VmsError | InternalError | None = None
            self.last_ip: int | None = None
            self.popped: tuple[Any, ...] = ()
            self._selected = 0
            self.history.clear()
            self._checkpoint(force=True)
            self._rebase_watchpoints()
            return self.snapshot()

    def _write(self, text: str) -> None:
        self.output.append(text)

    @property
    def steps(self) -> int:
        return self.vm.steps

    @property
    def done(self) -> bool:
        return self.state in (State.FINISHED, State.ERROR)

    def _require_running(self, word: str) -> None:
        """A forward move at the end says why nothing happens."""
        if self.state is State.FINISHED:
            raise DebugError(f"{word}: the program has finished (restart runs it again)")
        if self.state is State.ERROR:
            raise DebugError(f"{word}: the program stopped with an error (restart runs it "
                             "again; stepping back shows how it got there)")

    def _moved(self) -> None:
        """The program is about to move: the selected frame goes back to 0."""
        self._selected = 0

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
            self._stopped(State.FINISHED, StopReason.FINISHED)
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
        self._stopped(State.ERROR, StopReason.ERROR)
        return False

    def _stopped(self, state: State, reason: StopReason, detail: str = "") -> None:
        self.state, self.reason, self.detail = state, reason, detail

    # ---- checkpoints ----------------------------------------------------------------------

    def _checkpoint(self, *, force: bool = False, optional: bool = False) -> None:
        """Record the whole VM state for step back. Checkpoints are kept under
        1/CHECKPOINT_SHARE of the run's time: past that they are taken half as
        often, and an `optional` one (a fast run's tick: a deep stack pickles
        large) is skipped."""
        history = self.history
        over = bool(history.points) and history.cost_ns * CHECKPOINT_SHARE > self.vm_ns
        if optional and over and not force:
            return
        history.take(self.vm.steps, self._vm_state(self.vm), len(self.output), force=force)
        if over and history.every < 1 << 20:
            history.every *= 2

    def _vm_state(self, vm: VM) -> tuple[Any, ...]:
        return (vm.slots, vm.frames, vm.globals, vm.ip, vm.steps, vm.deepest,
                self.counter.state())

    def _load(self, vm: VM, state: tuple[Any, ...]) -> tuple[list[int], list[int]]:
        vm.slots, vm.frames, vm.globals, vm.ip, vm.steps, vm.deepest, counts = state
        return counts

    def _restore(self, step: int) -> None:
        """The live VM at the last checkpoint at or before `step`."""
        point, state = self.history.at_or_before(step)
        self.counter.restore(self._load(self.vm, state))
        del self.output[point.output_chunks:]
        self._output_text = ("", 0)
        self.state, self.error, self.popped, self.last_ip = State.PAUSED, None, (), None

    def _replay_to(self, step: int) -> None:
        """Run the live VM forward to `step` at speed, observing nothing (no
        breakpoints, no timing); hit counts stay exact. Stops early at the end
        or an error, as a run would."""
        vm, counter = self.vm, self.counter
        budget = step - vm.steps
        if self.limits.max_steps is not None:
            budget = min(budget, self.limits.max_steps - vm.steps)
        if budget <= 0 or self.done:
            return
        vm.code = counter.fast
        counter.enter_fast(vm.ip)
        try:
            stop = vm.run_for(budget)
        except GuestError as err:
            counter.leave_fast(vm.ip, wrapper_ran=True)
            self._fail(err, vm.ip)
            return
        finally:
            vm.code = self.live
        if stop is Stop.HALT:
            self._stopped(State.FINISHED, StopReason.FINISHED)
            self.last_ip = vm.ip
            return
        counter.leave_fast(vm.ip)

    # ---- running: one step at a time ------------------------------------------------------

    def _run_steps(self, until: Until, word: str, on_chunk: OnChunk | None = None,
                   over: int | None = None) -> Snapshot:
        """Single-step until `until()` names a reason to stop after a step, the
        program ends, a breakpoint or watchpoint fires, or pause is asked for.
        With `over` (a frame depth), a call made from that depth runs at speed
        to its return. `on_chunk` hears about the run every tick."""
        with self._lock:
            self._require_running(word)
            self._moved()
            self._pause.clear()
            self.state = State.RUNNING
            vm = self.vm
            first = True
            tick_ns = round(self.tick_seconds * 1e9)
            report_at = self.clock() + tick_ns if on_chunk is not None else 0
            while True:
                if on_chunk is not None and not vm.steps & 1023 and \
                        self.clock() >= report_at:
                    on_chunk(self)
                    report_at = self.clock() + tick_ns
                if not first and self._breakpoint_hit():
                    break
                first = False
                if not self._step():
                    break
                if self.history.due(vm.steps):
                    self._checkpoint()
                if self._watchpoint_hit():
                    break
                if over is not None and len(vm.frames) > over and self._fast_allowed():
                    ret = vm.frames[over][1] + 1
                    if not self._fast({ret}, lambda: None if len(vm.frames) > over else
                                      StopReason.RETURN, on_chunk, step_off=False):
                        break  # something else stopped the call
                    self.state = State.RUNNING
                    first = True  # its breakpoints were tested by the fast run
                reason = until()
                if reason is not None:
                    self._stopped(State.PAUSED, reason, self.detail if reason is
                                  self.reason else "")
                    break
                if self._pause.is_set():
                    self._stopped(State.PAUSED, StopReason.PAUSE)
                    break
            return self.snapshot()

    def _fast_allowed(self) -> bool:
        """Watchpoints and a step limit need a check after every step."""
        return not self.watchpoints and self.limits.max_steps is None

    # ---- running: at speed ----------------------------------------------------------------

    def _go(self, targets: set[int], arrived: Until, word: str,
            on_chunk: OnChunk | None = None) -> Snapshot:
        """Run until a target ip where `arrived()` names a reason, a
        breakpoint, the end, an error, or pause(); at speed where it can."""
        with self._lock:
            self._require_running(word)
            if not self._fast_allowed():
                vm = self.vm
                return self._run_steps(lambda: arrived() if vm.ip in targets else None, word,
                                       on_chunk)
            self._moved()
            self._fast(targets, arrived, on_chunk)
            return self.snapshot()

    def _fast(self, targets: set[int], arrived: Until, on_chunk: OnChunk | None, *,
              step_off: bool = True) -> bool:
        """The fast run; True when it stopped because `arrived()` said so. It
        first steps off the current instruction (a stop there was just
        reported), unless `step_off` is False (a call just entered)."""
        self._pause.clear()
        self._targets = frozenset(targets)
        self._repatch()  # a pause that came after the last run left traps everywhere
        self.state = State.RUNNING
        try:
            return self._fast_loop(targets, arrived, on_chunk, step_off)
        finally:
            self._targets = frozenset()
            self._pause.clear()
            self._repatch()
            self.vm.steps = self.counter.total()

    def _fast_loop(self, targets: set[int], arrived: Until, on_chunk: OnChunk | None,
                   step_off: bool) -> bool:
        vm, counter = self.vm, self.counter
        if step_off and not self._step():  # off the current instruction (it may be a trap)
            return False
        ticker = _Ticker(self)
        ticker.start()
        try:
            while True:
                if self._pause.is_set():
                    self._stopped(State.PAUSED, StopReason.PAUSE)
                    return False
                ip = vm.ip
                if ip in self._bp_at or ip in targets:
                    if ip in self._bp_at and self._breakpoint_hit():
                        return False
                    if ip in targets:
                        reason = arrived()
                        if reason is not None:
                            self._stopped(State.PAUSED, reason)
                            return True
                    if not self._step():
                        return False
                    continue
                counter.enter_fast(ip)
                start = self.clock()
                try:
                    stop = vm.run()
                except GuestError as err:
                    counter.leave_fast(vm.ip, wrapper_ran=True)
                    self._fail(err, vm.ip)
                    return False
                finally:
                    self.vm_ns += self.clock() - start
                if stop is Stop.HALT:
                    self._stopped(State.FINISHED, StopReason.FINISHED)
                    self.last_ip = vm.ip
                    return False
                counter.leave_fast(vm.ip)
                self.last_ip, self.popped = None, ()
                if self._tick.is_set():
                    self._tick.clear()
                    if not self._pause.is_set():
                        self._repatch()
                    vm.steps = counter.total()
                    self._checkpoint(optional=True)
                    if on_chunk is not None:
                        on_chunk(self)
        finally:
            ticker.stop()

    def pause(self) -> None:
        """Ask a running operation to stop; safe from any thread. Every slot of
        the live code list becomes a trap, so even `while true {}` stops at once."""
        self._pause.set()
        self.live[:] = [trap_closure] * len(self.live)

    def check_breakpoint_here(self) -> bool:
        """Does a breakpoint stop the program at the current instruction, before
        it runs? A run steps off the current instruction before it looks for
        breakpoints (a stop there was just reported), so a front end that starts
        the program without reporting a first stop (a DAP launch without
        stopOnEntry) asks this first. The crossing counts as a run's would (the
        condition, the ignore count, a logpoint's message); True leaves the
        program stopped here, reason BREAKPOINT. False once the program has ended."""
        with self._lock:
            if self.done or self.state is State.RUNNING:
                return False
            return self._breakpoint_hit()

    # ---- snapshots ------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The state now, as the panes show it (frames folded, values short)."""
        with self._lock:
            return self._snapshot()

    def _output(self) -> str:
        text, chunks = self._output_text
        if chunks != len(self.output):
            text += "".join(self.output[chunks:])
            self._output_text = (text, len(self.output))
        return text

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
        count = len(vm.frames) + 1
        if count > 2 * FOLD_KEEP:
            levels = [*range(count - 1, count - 1 - FOLD_KEEP, -1),
                      *range(FOLD_KEEP - 1, -1, -1)]
        else:
            levels = list(range(count - 1, -1, -1))
        frames = tuple(self.frame_view(level) for level in levels)
        globals_ = tuple((name, ValueView.of(value))
                         for name, value in zip(code.global_names, vm.globals, strict=True)
                         if value is not UNSET)
        selected = min(self._selected, count - 1)
        watches = []
        for expr in [*self.watches, *self.watchpoints]:
            try:
                watches.append(WatchView(expr, ValueView.of(self.evaluate(expr, selected))))
            except (VmsError, RecursionError) as exc:
                watches.append(WatchView(expr, None, getattr(exc, "message", str(exc))))
        err = self.error
        return Snapshot(
            state=self.state, reason=self.reason, detail=self.detail, ip=ip, instr=instr,
            steps=vm.steps,
            stack=stack, popped=tuple(ValueView.of(v) for v in self.popped),
            frames=frames, globals=globals_, watches=tuple(watches),
            output=self._output(), hits=tuple(self.counter.hits()),
            error=(err.headline(self.program.source.name) if isinstance(err, VmsError)
                   else (str(err) if err else None)),
            error_span=err.span if isinstance(err, VmsError) else None,
            elapsed_ns=self.vm_ns, times_ns=tuple(self.times),
            checkpoints=len(self.history.points), checkpoint_bytes=self.history.bytes,
            memory_cap=self.history.cap_bytes, frame_count=count, selected_frame=selected)
