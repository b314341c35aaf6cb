"""Reverse execution, rr's model on the history's checkpoints: the program is
deterministic, so "when did X last happen before now?" is answered by
replaying windows of the past forward, newest first, each four times the
last, on a scratch VM restored from a checkpoint (the live state is not
touched until the answer is known; then one `goto` moves there).

- reverse_stepi, reverse_step (previous line, into calls), reverse_next
  (previous line of this frame, over calls): from the trail of positions;
  reverse_statement (the previous statement start) at speed, by traps.
- reverse_finish: back to the call of the selected frame's function.
- reverse_continue: back to the last breakpoint hit (a state at a breakpoint's
  ip with its condition true; ignore counts and logpoints do not count in
  reverse) or watchpoint change before now; to step 0 when none.
- last_change(EXPR): to the step where EXPR's value (in the frame where it is
  evaluated now) last changed.

A window of breakpoints alone runs at speed (traps at their ips); anything
that looks at every step (watchpoints, trails, last_change) steps one closure
at a time. A pause() interrupts a search and leaves the program where it was."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from vmscope.debug.errors import DebugError
from vmscope.debug.evaluate import NO_VALUE, Evaluator, fingerprint, key_text
from vmscope.debug.history import History
from vmscope.debug.snapshot import Snapshot, State, StopReason
from vmscope.debug.trails import LineRuns
from vmscope.errors import VmsError
from vmscope.lang.values import Limits
from vmscope.vm.machine import VM, Halt, Trap
from vmscope.vm.opcodes import Op
from vmscope.vm.program import CompiledCode, FunctionInfo

if TYPE_CHECKING:
    from vmscope.debug.breakpoints import Breakpoint
    from vmscope.debug.session import OnChunk

FIRST_WINDOW = 256  # states in the first window searched back; each next is 4x
CHUNK = 1 << 16  # states a scan runs between looks at pause and the clock
NO_FRAME: Hashable = ("no frame",)


class _Interrupted(Exception):
    """pause() stopped a search."""


def _discard(text: str) -> None:
    pass


def _trap(vm: VM) -> int:
    raise Trap


class Reverse:
    code: CompiledCode
    vm: VM
    limits: Limits
    history: History
    evaluator: Evaluator
    breakpoints: dict[int, Breakpoint]
    watchpoints: dict[str, str | None]
    state: State
    reason: StopReason
    detail: str
    clock: Callable[[], int]
    tick_seconds: float
    _pause: threading.Event
    _lock: threading.RLock

    if TYPE_CHECKING:
        @property
        def selected_frame(self) -> int: ...

        @property
        def frame_count(self) -> int: ...

        @property
        def statement_starts(self) -> frozenset[int]: ...

        def goto(self, step: int) -> Snapshot: ...

        def snapshot(self) -> Snapshot: ...

        def _load(self, vm: VM, state: tuple[Any, ...]) -> tuple[list[int], list[int]]: ...

        def value_in(self, expr: str, vm: VM, position: int | None = None) -> Any: ...

        def frame_at(self, level: int, vm: VM | None = None) -> tuple[
            FunctionInfo, list[Any], int]: ...

    # ---- scratch replays ----------------------------------------------------------------

    def _scratch(self, step: int) -> VM:
        """A VM in the state after `step` steps, apart from the live one."""
        _, state = self.history.at_or_before(step)
        vm = VM(self.code, _discard, self.limits)
        self._load(vm, state)
        vm.code = self.code.code
        if vm.steps < step:
            vm.run_for(step - vm.steps)
        return vm

    def _reload_edit(self, vm: VM, step: int) -> None:
        """At an edited step the state is the edited one (never replayed across)."""
        _, state = self.history.at_or_before(step)
        self._load(vm, state)
        vm.code = self.code.code

    def _scan_states(self, first: int, last: int, visit: Callable[[VM], object],
                     on_chunk: OnChunk | None) -> None:
        """`visit(vm)` at every state first..last (inclusive), stepping one
        closure at a time."""
        vm = self._scratch(first)
        code = self.code.code
        edits = [e for e in self.history.edits if first < e <= last]
        visit(vm)
        while vm.steps < last:
            stop = min(last, vm.steps + CHUNK)
            while vm.steps < stop:
                if edits and vm.steps + 1 == edits[0]:
                    self._reload_edit(vm, edits.pop(0))
                else:
                    try:  # noqa: SIM105 - a `with` costs more in this loop
                        vm.ip += code[vm.ip](vm)
                    except Halt:
                        pass
                    vm.steps += 1
                visit(vm)
            self._checkin(on_chunk)

    def _scan_traps(self, first: int, stop: int, ips: set[int], test: Callable[[VM], bool],
                    on_chunk: OnChunk | None) -> list[int]:
        """The states s in [first, stop) at one of `ips` where `test(vm)`
        holds, found at speed: the scratch VM runs a code list with traps there."""
        vm = self._scratch(first)
        raw = self.code.code
        trapped = list(raw)
        for ip in ips:
            trapped[ip] = _trap
        vm.code = trapped
        edits = [e for e in self.history.edits if first < e < stop]
        found: list[int] = []
        while vm.steps < stop:
            if vm.ip in ips:
                if test(vm):
                    found.append(vm.steps)
                try:  # noqa: SIM105 - as above
                    vm.ip += raw[vm.ip](vm)
                except Halt:
                    pass
                vm.steps += 1
            else:
                bound = min(stop, vm.steps + CHUNK, edits[0] if edits else stop)
                if vm.steps < bound:
                    vm.run_for(bound - vm.steps)
            if edits and vm.steps == edits[0]:
                self._reload_edit(vm, edits.pop(0))
                vm.code = trapped
            self._checkin(on_chunk)
        return found

    def _checkin(self, on_chunk: OnChunk | None) -> None:
        if self._pause.is_set():
            raise _Interrupted
        if on_chunk is not None and self.clock() >= getattr(self, "_report_at", 0):
            self._report_at = self.clock() + round(self.tick_seconds * 1e9)
            on_chunk(self)  # type: ignore[arg-type]

    def _windows(self, now: int) -> list[tuple[int, int]]:
        """Newest first: (first, last) with `first` a checkpoint's step, each
        window ending where the next (older) one begins, growing 4x."""
        windows = []
        last, size = now, FIRST_WINDOW
        while last > 0:
            first = self.history.point_at_or_before(max(0, last - size)).step
            windows.append((first, last))
            last, size = first, size * 4
        return windows

    def _search(self, word: str, on_chunk: OnChunk | None,
                search: Callable[[], Snapshot]) -> Snapshot:
        """Run a backward search as an operation: RUNNING while it looks; a
        pause leaves the program as it was."""
        with self._lock:
            if self.vm.steps == 0:
                raise DebugError(f"{word}: at step 0, the start: nothing before it")
            saved = self.state, self.reason, self.detail
            self._pause.clear()
            self.state = State.RUNNING
            try:
                return search()
            except _Interrupted:
                self.state, self.reason, self.detail = saved
                self.reason, self.detail = StopReason.PAUSE, f"{word} interrupted: not moved"
                return self.snapshot()
            except BaseException:
                self.state, self.reason, self.detail = saved
                raise
            finally:
                self._pause.clear()

    def _arrive(self, step: int, reason: StopReason, detail: str) -> Snapshot:
        self.goto(step)
        self.reason, self.detail = reason, detail
        return self.snapshot()

    # ---- stepping back ------------------------------------------------------------------

    def reverse_stepi(self, count: int = 1) -> Snapshot:
        """Back `count` instructions."""
        if count < 1:
            raise DebugError(f"reverse-stepi: the count must be at least 1, not {count}")
        with self._lock:
            if self.vm.steps == 0:
                raise DebugError("reverse-stepi: at step 0, the start: nothing before it")
            return self.goto(self.vm.steps - count)

    step_back = reverse_stepi

    def _runs(self, first: int, last: int, depth: int | None,
              on_chunk: OnChunk | None) -> LineRuns:
        """The trail of states first..last, fed to a LineRuns."""
        instrs = self.code.instrs
        end = len(instrs) - 1
        runs = LineRuns(first, depth)
        feed = runs.feed

        def visit(vm: VM) -> None:
            instr = instrs[min(vm.ip, end)]
            feed((len(vm.frames), instr.func, instr.span.line), vm.steps)

        self._scan_states(first, last, visit, on_chunk)
        return runs

    def _back_by_trail(self, word: str, over: bool, on_chunk: OnChunk | None) -> Snapshot:
        def search() -> Snapshot:
            now = self.vm.steps
            depth = len(self.vm.frames) if over else None
            size = FIRST_WINDOW
            while True:
                first = self.history.point_at_or_before(max(0, now - size)).step
                runs = self._runs(first, now, depth, on_chunk)
                target = runs.previous_line_over() if over else runs.previous_line_start()
                if target is not None:
                    return self._arrive(target, StopReason.GOTO, f"{target:,}")
                size *= 4

        return self._search(word, on_chunk, search)

    def reverse_step(self, count: int = 1, on_chunk: OnChunk | None = None) -> Snapshot:
        """Back to the start of the previous line executed, into calls."""
        return self._counted(count, "reverse-step",
                             lambda: self._back_by_trail("reverse-step", False, on_chunk))

    step_back_line = reverse_step

    def reverse_next(self, count: int = 1, on_chunk: OnChunk | None = None) -> Snapshot:
        """Back to the start of the previous line of this frame, over calls
        (from a function's first line: to the call in the caller)."""
        return self._counted(count, "reverse-next",
                             lambda: self._back_by_trail("reverse-next", True, on_chunk))

    def reverse_statement(self, count: int = 1, on_chunk: OnChunk | None = None) -> Snapshot:
        """Back to the start of the previous statement executed (any frame):
        the DAP's stepBack with `granularity: "statement"`."""
        starts = set(self.statement_starts)

        def once() -> Snapshot:
            def search() -> Snapshot:
                for first, last in self._windows(self.vm.steps):
                    found = self._scan_traps(first, last, starts, lambda vm: True, on_chunk)
                    if found:
                        return self._arrive(found[-1], StopReason.GOTO, f"{found[-1]:,}")
                return self._arrive(0, StopReason.GOTO, "0")

            return self._search("reverse-step", on_chunk, search)

        return self._counted(count, "reverse-step", once)

    def _counted(self, count: int, word: str, once: Callable[[], Snapshot]) -> Snapshot:
        if count < 1:
            raise DebugError(f"{word}: the count must be at least 1, not {count}")
        snap = once()
        for _ in range(count - 1):
            if snap.steps == 0 or snap.reason is StopReason.PAUSE:
                break
            snap = once()
        return snap

    def reverse_finish(self, on_chunk: OnChunk | None = None) -> Snapshot:
        """Back to the call of the selected frame's function: the step where
        it was called, stopped at the call instruction."""
        position = self.frame_count - 1 - self.selected_frame
        if position <= 0:
            raise DebugError("reverse-finish: not in a function (<main> was not called)")
        calls = {ip for ip, i in enumerate(self.code.instrs) if i.op is Op.CALL}
        name = self.code.function_at(self.vm.ip if self.selected_frame == 0 else
                                     self.vm.frames[position][1]).name

        def search() -> Snapshot:
            for first, last in self._windows(self.vm.steps):
                found = self._scan_traps(first, last, calls,
                                         lambda vm: len(vm.frames) == position - 1, on_chunk)
                if found:
                    return self._arrive(found[-1], StopReason.CALL,
                                        f"of {name} at step {found[-1]:,}")
            raise DebugError("reverse-finish: the call is not in the history")

        return self._search("reverse-finish", on_chunk, search)

    # ---- back to a breakpoint or a change -----------------------------------------------

    def _stopping_breakpoints(self) -> dict[int, list[Breakpoint]]:
        at: dict[int, list[Breakpoint]] = {}
        for bp in list(self.breakpoints.values()):
            if bp.enabled and bp.log_message is None:
                for ip in bp.ips:
                    at.setdefault(ip, []).append(bp)
        return at

    def _hit_here(self, vm: VM, at: dict[int, list[Breakpoint]]) -> Breakpoint | None:
        for bp in at.get(vm.ip, ()):
            if not bp.condition:
                return bp
            value = self.value_in(bp.condition, vm)
            if value is NO_VALUE or bool(value):  # a failing condition stops, as forward
                return bp
        return None

    def reverse_continue(self, on_chunk: OnChunk | None = None) -> Snapshot:
        """Back to the last breakpoint hit or watchpoint change before now;
        to step 0, saying so, when there is none."""
        at = self._stopping_breakpoints()
        watched = list(self.watchpoints)

        def search() -> Snapshot:
            now = self.vm.steps
            for first, last in self._windows(now):
                if watched:
                    found = self._changes_or_hits(first, last, now, at, watched, on_chunk)
                else:
                    hits = self._scan_traps(first, last, set(at),
                                            lambda vm: self._hit_here(vm, at) is not None,
                                            on_chunk)
                    found = (hits[-1], StopReason.BREAKPOINT, "") if hits else None
                if found is not None:
                    step, reason, detail = found
                    if reason is StopReason.BREAKPOINT:
                        bp = self._hit_here(self._scratch(step), at)
                        detail = bp.describe() if bp is not None else ""
                    return self._arrive(step, reason, detail)
            what = "breakpoint hit or watchpoint change" if watched else "breakpoint hit"
            return self._arrive(0, StopReason.GOTO, f"0 (no {what} before step {now:,})")

        return self._search("reverse-continue", on_chunk, search)

    step_back_breakpoint = reverse_continue

    def _changes_or_hits(self, first: int, last: int, now: int,
                         at: dict[int, list[Breakpoint]], watched: list[str],
                         on_chunk: OnChunk | None) -> tuple[int, StopReason, str] | None:
        """The latest breakpoint hit in [first, last) or watch change in
        (first, last] (but before now) in one window, stepping every state."""
        latest: list[tuple[int, StopReason, str]] = []  # the one latest event
        previous: list[Hashable] = []

        def visit(vm: VM) -> None:
            keys = [self._key(expr, vm) for expr in watched]
            s = vm.steps
            if previous and s < now:
                changes = [f"{expr}: {_shown(key_text(old))} -> {_shown(key_text(new))}"
                           for expr, old, new in zip(watched, previous, keys, strict=True)
                           if old != new]
                if changes:
                    latest[:] = [(s, StopReason.WATCHPOINT, "; ".join(changes))]
            if s < last and s < now and self._hit_here(vm, at) is not None:
                latest[:] = [(s, StopReason.BREAKPOINT, "")]
            previous[:] = keys

        self._scan_states(first, last, visit, on_chunk)
        return latest[0] if latest else None

    def _latest_change(self, first: int, last: int, key: Callable[[VM], Hashable],
                       on_chunk: OnChunk | None) -> tuple[int, Hashable, Hashable] | None:
        """The latest state in (first, last] whose key differs from the one before."""
        latest = _LatestChange()
        self._scan_states(first, last, lambda vm: latest.feed(key(vm), vm.steps), on_chunk)
        return latest.found

    def _key(self, expr: str, vm: VM, position: int | None = None) -> Hashable:
        value = self.value_in(expr, vm, position)
        return NO_VALUE if value is NO_VALUE else fingerprint(value)

    def last_change(self, expr: str, frame: int | None = None,
                    on_chunk: OnChunk | None = None) -> Snapshot:
        """To the step where `expr`'s value last changed, evaluated in the frame
        where it is evaluated now (default: the selected one; an expression of
        globals only, anywhere). Raises DebugError "EXPR never changed since
        step 0" when it did not (the program does not move)."""
        level = self.selected_frame if frame is None else frame
        position = self.frame_count - 1 - level
        fn, _, ip = self.frame_at(level)
        compiled = self.evaluator.compile(expr, fn, ip)  # a CompileError says why now
        evaluator = self.evaluator
        everywhere = evaluator.compile_globals(expr) if not compiled.uses_locals else None

        def global_key(vm: VM) -> Hashable:
            assert everywhere is not None
            try:
                return fingerprint(evaluator.run(everywhere, [], vm.globals))
            except (VmsError, RecursionError):
                return NO_VALUE

        def frame_key(vm: VM) -> Hashable:
            if len(vm.frames) < position:
                return NO_FRAME
            value = self.value_in(expr, vm, position)
            return NO_VALUE if value is NO_VALUE else fingerprint(value)

        key = global_key if everywhere is not None else frame_key

        def search() -> Snapshot:
            for first, last in self._windows(self.vm.steps):
                found = self._latest_change(first, last, key, on_chunk)
                if found is not None:
                    step, old, new = found
                    return self._arrive(step, StopReason.CHANGE, f"{expr}: {_key_shown(old)} -> "
                                        f"{_key_shown(new)} at step {step:,}")
            raise DebugError(f"last-change: {expr} never changed since step 0")

        return self._search("last-change", on_chunk, search)


class _LatestChange:
    """The latest step of a window where a key differs from the one before."""

    def __init__(self) -> None:
        self.previous: Hashable = NO_FRAME
        self.started = False
        self.found: tuple[int, Hashable, Hashable] | None = None

    def feed(self, key: Hashable, step: int) -> None:
        if self.started and key != self.previous:
            self.found = (step, self.previous, key)
        self.previous, self.started = key, True


def _shown(text: str | None) -> str:
    return "(no value)" if text is None else text


def _key_shown(key: Hashable) -> str:
    return "(no frame)" if key == NO_FRAME else _shown(key_text(key))
