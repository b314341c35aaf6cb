"""The stepping words, gdb's: stepi / nexti (an instruction, into or over
calls), step / next (a line), statement stepping (to the start of the next
statement, the DAP's `granularity: "statement"`), finish, continue, until,
advance, run to a location, and go to a step. Each takes a count where gdb
does, and long runs report through `on_chunk`. A mixin of the Session.

Every word stops early at a breakpoint, a watchpoint, an error or the end;
at the end a forward word raises DebugError saying so (nothing to do)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

from vmscope.debug.breakpoints import Location, location_ips, parse_location
from vmscope.debug.errors import DebugError
from vmscope.debug.history import History
from vmscope.debug.snapshot import Snapshot, State, StopReason, ValueView
from vmscope.vm.machine import VM
from vmscope.vm.program import CompiledCode

if TYPE_CHECKING:
    from vmscope.api import Program
    from vmscope.debug.session import OnChunk, Until

LocationArg = str | int | Location


class Stepping:
    program: Program
    code: CompiledCode
    vm: VM
    history: History
    state: State
    reason: StopReason
    detail: str
    _lock: threading.RLock

    if TYPE_CHECKING:
        @property
        def done(self) -> bool: ...

        @property
        def selected_frame(self) -> int: ...

        def snapshot(self) -> Snapshot: ...

        def _run_steps(self, until: Until, word: str, on_chunk: OnChunk | None = None,
                       over: int | None = None) -> Snapshot: ...

        def _go(self, targets: set[int], arrived: Until, word: str,
                on_chunk: OnChunk | None = None) -> Snapshot: ...

        def _moved(self) -> None: ...

        def _restore(self, step: int) -> None: ...

        def _replay_to(self, step: int) -> None: ...

        def _step(self) -> bool: ...

        def _stopped(self, state: State, reason: StopReason, detail: str = "") -> None: ...

        def _require_running(self, word: str) -> None: ...

    # ---- where the program is -------------------------------------------------------------

    def _position(self) -> tuple[int, int, int]:
        instr = self.code.instrs[self.vm.ip]
        return len(self.vm.frames), instr.func, instr.span.line

    @cached_property
    def statement_starts(self) -> frozenset[int]:
        """The ips where a statement begins: a function's entry, an instruction
        of another statement than the one before it, and a jump target entered
        from another statement (a loop coming round)."""
        instrs = self.code.instrs
        starts = {fn.entry for fn in self.code.functions}
        for ip, instr in enumerate(instrs):
            if ip == 0 or instrs[ip - 1].stmt != instr.stmt or instrs[ip - 1].func != instr.func:
                starts.add(ip)
            if instr.target is not None and instrs[instr.target].stmt != instr.stmt:
                starts.add(instr.target)
        return frozenset(ip for ip in starts if ip < len(instrs))

    # ---- counted words ------------------------------------------------------------------

    def _repeat(self, count: int, word: str, once: Callable[[], Snapshot]) -> Snapshot:
        """Do `once` `count` times, stopping early when a step ends otherwise
        than by its own reason (a breakpoint, the end...)."""
        if count < 1:
            raise DebugError(f"{word}: the count must be at least 1, not {count}")
        snap = once()
        own = snap.reason
        for _ in range(count - 1):
            if self.done or snap.reason is not own or own in (StopReason.PAUSE,
                                                              StopReason.BREAKPOINT,
                                                              StopReason.WATCHPOINT):
                break
            snap = once()
        return snap

    def step(self, count: int = 1, on_chunk: OnChunk | None = None) -> Snapshot:
        """gdb's `stepi [N]`: N instructions, into calls."""
        if count < 1:
            raise DebugError(f"stepi: the count must be at least 1, not {count}")
        left = [count]

        def counted() -> StopReason | None:
            left[0] -= 1
            return StopReason.STEP if left[0] <= 0 else None

        return self._run_steps(counted, "stepi", on_chunk)

    def next_instruction(self, count: int = 1, on_chunk: OnChunk | None = None) -> Snapshot:
        """gdb's `nexti [N]`: an instruction; a call runs to its return."""
        def once() -> Snapshot:
            vm = self.vm
            depth = len(vm.frames)
            return self._run_steps(lambda: StopReason.STEP if len(vm.frames) <= depth
                                   else None, "nexti", on_chunk, over=depth)

        return self._repeat(count, "nexti", once)

    def step_line(self, count: int = 1, on_chunk: OnChunk | None = None) -> Snapshot:
        """gdb's `step [N]`: until the source line changes, into calls."""
        def once() -> Snapshot:
            start = self._position()
            return self._run_steps(lambda: StopReason.LINE if self._position() != start
                                   else None, "step", on_chunk)

        return self._repeat(count, "step", once)

    def step_over(self, count: int = 1, on_chunk: OnChunk | None = None) -> Snapshot:
        """gdb's `next [N]`: the next line of this function; calls made
        meanwhile run (at speed) to their return."""
        def once() -> Snapshot:
            depth, func, line = self._position()

            def arrived() -> StopReason | None:
                d, f, ln = self._position()
                return StopReason.NEXT if d < depth or (d == depth and (f, ln) != (func, line)) \
                    else None

            return self._run_steps(arrived, "next", on_chunk, over=depth)

        return self._repeat(count, "next", once)

    def step_statement(self, count: int = 1, on_chunk: OnChunk | None = None) -> Snapshot:
        """To the start of the next statement, into calls (or back in the
        caller, when this function returns)."""
        def once() -> Snapshot:
            vm, starts = self.vm, self.statement_starts
            depth = len(vm.frames)
            return self._run_steps(lambda: StopReason.STATEMENT
                                   if vm.ip in starts or len(vm.frames) < depth else None,
                                   "step", on_chunk)

        return self._repeat(count, "step", once)

    def next_statement(self, count: int = 1, on_chunk: OnChunk | None = None) -> Snapshot:
        """To the start of the next statement of this function, over calls."""
        def once() -> Snapshot:
            vm, starts = self.vm, self.statement_starts
            depth = len(vm.frames)

            def arrived() -> StopReason | None:
                d = len(vm.frames)
                return StopReason.STATEMENT if d < depth or (d == depth and vm.ip in starts) \
                    else None

            return self._run_steps(arrived, "next", on_chunk, over=depth)

        return self._repeat(count, "next", once)

    # ---- runs to a place ----------------------------------------------------------------

    def _return_of(self, level: int, word: str) -> tuple[int, int, int]:
        """For frame `level`: its position from the outermost, the ip its
        return lands on, and the caller's slot that receives the value."""
        depth = len(self.vm.frames)
        position = depth - level
        if position <= 0:
            raise DebugError(f"{word}: not in a function (<main> does not return)")
        _, call_ip, dest = self.vm.frames[position - 1]
        return position, call_ip + 1, dest

    def step_out(self, on_chunk: OnChunk | None = None) -> Snapshot:
        """gdb's `finish`: run until the selected frame returns to its caller;
        the detail says what it returned."""
        with self._lock:
            self._require_running("finish")
            level = self.selected_frame
            position, ret, dest = self._return_of(level, "finish")
            name = self.code.function_at(self.vm.frames[position - 1][1]).name
            fn = self.code.function_at(self.vm.ip if level == 0 else
                                       self.vm.frames[position][1]).name
            vm = self.vm
            snap = self._go({ret}, lambda: StopReason.RETURN if len(vm.frames) < position
                            else None, "finish", on_chunk)
            if snap.reason is StopReason.RETURN:
                value = ValueView.of(vm.slots[dest]).text
                self.detail = f"{fn} returned {value} to {name}"
                snap = self.snapshot()
            return snap

    finish = step_out

    def continue_(self, extra_stops: set[int] | None = None,
                  reason: StopReason = StopReason.CURSOR,
                  on_chunk: OnChunk | None = None) -> Snapshot:
        """Run until a breakpoint, the end, an error, or pause(); with
        `extra_stops`, also at those ips (the stop names `reason`)."""
        return self._go(set(extra_stops or ()), lambda: reason, "continue", on_chunk)

    def _location_ips(self, location: LocationArg) -> tuple[int, ...]:
        if isinstance(location, int):
            location = str(location)
        if isinstance(location, str):
            location = parse_location(location, self.code, self.program.source.name)
        return location_ips(location, self.code)

    def run_to(self, *, ip: int | None = None, line: int | None = None,
               location: LocationArg | None = None,
               on_chunk: OnChunk | None = None) -> Snapshot:
        """Continue to an ip, a line's start or a location (a temporary breakpoint)."""
        given = [x for x in (ip, line, location) if x is not None]
        if len(given) != 1:
            raise DebugError("run_to needs one of ip, line, location")
        where = f"*{ip}" if ip is not None else (line if line is not None else location)
        assert where is not None
        targets = set(self._location_ips(where))
        return self._go(targets, lambda: StopReason.CURSOR, "run to", on_chunk)

    def until(self, location: LocationArg | None = None,
              on_chunk: OnChunk | None = None) -> Snapshot:
        """gdb's `until`: without a location, run until a line greater than
        this one is reached in this frame (a loop runs to its end), or the
        frame returns. With one, run until the location is reached in this
        frame or an outer one (not in a deeper recursive call), or the frame
        returns."""
        vm = self.vm
        with self._lock:
            self._require_running("until")
            depth, func, line = self._position()
            if location is None:
                def past() -> StopReason | None:
                    d, f, ln = self._position()
                    if d < depth:
                        return StopReason.RETURN
                    return StopReason.NEXT if d == depth and f == func and ln > line else None

                return self._run_steps(past, "until", on_chunk, over=depth)
            places = set(self._location_ips(location))
            return self._to_location(places, "until", depth, on_chunk,
                                     lambda: len(vm.frames) <= depth)

    def advance(self, location: LocationArg, on_chunk: OnChunk | None = None) -> Snapshot:
        """gdb's `advance LOCATION`: run until LOCATION is reached (at any
        depth) or the current frame returns."""
        with self._lock:
            self._require_running("advance")
            places = set(self._location_ips(location))
            return self._to_location(places, "advance", len(self.vm.frames), on_chunk,
                                     lambda: True)

    def _to_location(self, places: set[int], word: str, depth: int,
                     on_chunk: OnChunk | None, here_counts: Callable[[], bool]) -> Snapshot:
        vm = self.vm
        ret = vm.frames[-1][1] + 1 if depth else None
        targets = places | ({ret} if ret is not None else set())

        def arrived() -> StopReason | None:
            if vm.ip in places and here_counts():
                return StopReason.CURSOR
            if vm.ip == ret and len(vm.frames) < depth:
                return StopReason.RETURN
            return None

        return self._go(targets, arrived, word, on_chunk)

    # ---- go to a step -------------------------------------------------------------------

    def goto(self, step: int) -> Snapshot:
        """Put the program in exactly the state it had after `step` steps
        (back by checkpoint and replay; forward by running, ignoring
        breakpoints). Past the end, it stops at the end and says where that is."""
        with self._lock:
            self._moved()
            now = self.vm.steps
            target = max(0, step)
            if target > now and self.done:
                self.detail = self._end_text()
                return self.snapshot()
            if target <= now:
                edited = target in self.history.edits
                self._restore(target if target == 0 or edited else target - 1)
            self._replay_to(target - 1)
            if not self.done and self.vm.steps < target:
                self._step()
            if not self.done:
                self._stopped(State.PAUSED if self.vm.steps else State.READY, StopReason.GOTO,
                              f"{self.vm.steps:,}")
            elif target > self.vm.steps:  # past the end: say where the end is
                self.detail = self._end_text()
            return self.snapshot()

    def _end_text(self) -> str:
        if self.state is State.ERROR:
            return f"the program stops with an error at step {self.vm.steps:,}"
        return f"the program ends at step {self.vm.steps:,}"
