"""Where a running program stops: breakpoint traps patched into the live
code list, their conditions, ignore counts, temporary breakpoints and
logpoints; watches and watchpoints. A mixin of the Session, which owns the
VM, the code lists and the state.

Breakpoint records are frozen and replaced under a small lock of their own,
so the UI thread can edit them while a worker runs the program."""

from __future__ import annotations

import re
import threading
from collections.abc import Hashable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from vmscope.api import Program
from vmscope.debug.accounting import HitCounter
from vmscope.debug.breakpoints import BreakKind, Breakpoint, Location, location_ips, parse_location
from vmscope.debug.errors import DebugError
from vmscope.debug.evaluate import NO_VALUE, Evaluator, fingerprint
from vmscope.debug.snapshot import State, StopReason, ValueView
from vmscope.errors import CompileError, VmsError
from vmscope.lang.values import display
from vmscope.vm.machine import VM, Trap
from vmscope.vm.program import Closure, CompiledCode


def trap_closure(vm: VM) -> int:
    """Patched over an instruction (as int3): stop before it runs."""
    raise Trap


@dataclass(frozen=True)
class LogMessage:
    """What a logpoint wrote: at which step, from which breakpoint, and after
    how many chunks of the program's output (to show both in order)."""

    step: int
    breakpoint: int
    text: str
    output_chunks: int = 0


_INTERPOLATED = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


class Stops:
    program: Program
    code: CompiledCode
    vm: VM
    counter: HitCounter
    evaluator: Evaluator
    live: list[Closure]
    state: State
    reason: StopReason
    detail: str
    breakpoints: dict[int, Breakpoint]
    watches: list[str]
    watchpoints: dict[str, str | None]
    logs: list[LogMessage]
    output: list[str]
    _watch_keys: dict[str, object]
    _next_bp: int
    _pause: threading.Event
    _bp_at: dict[int, list[int]]
    _bp_lock: threading.Lock
    _targets: frozenset[int]

    if TYPE_CHECKING:
        def evaluate(self, text: str, frame: int | None = None) -> Any: ...

    # ---- traps --------------------------------------------------------------------------

    def _repatch(self) -> None:
        """Rebuild the live code list: counted closures plus breakpoint traps
        and the running operation's own targets."""
        fresh = list(self.counter.fast)
        for ip in self._index_breakpoints() | self._targets:
            fresh[ip] = trap_closure
        self.live[:] = fresh

    def _index_breakpoints(self) -> set[int]:
        at: dict[int, list[int]] = {}
        with self._bp_lock:
            for bp in self.breakpoints.values():
                if bp.enabled:
                    for ip in bp.ips:
                        at.setdefault(ip, []).append(bp.id)
        self._bp_at = at
        return set(at)

    def _sync_traps(self) -> None:
        if self.state is State.RUNNING and self._pause.is_set():
            self._index_breakpoints()  # a pausing run repatches the code when it stops
        else:
            self._repatch()

    def breakpoint_ips(self) -> set[int]:
        return set(self._bp_at)

    # ---- breakpoints --------------------------------------------------------------------

    def add_breakpoint(self, location: str | Location | None = None, *,
                       line: int | None = None, ip: int | None = None,
                       opcode: object = None, function: str | None = None,
                       condition: str | None = None, hit_count: int | None = None,
                       ignore_count: int = 0, temporary: bool = False,
                       log_message: str | None = None, enabled: bool = True) -> Breakpoint:
        """A new breakpoint at `location` (the text `break` takes: LINE,
        FUNCTION, *IP, op:OPCODE, or a Location) or at one of line / ip /
        opcode / function. `hit_count=N` stops from the Nth crossing on (an
        ignore count of N - 1). Raises LocationError (no code there),
        CompileError (a condition that does not compile) or DebugError."""
        where = self._location(location, line, ip, opcode, function)
        ips = location_ips(where, self.code)
        if condition is not None and condition.strip():
            condition = condition.strip()
            self._check_condition(condition, ips)
        else:
            condition = None
        if hit_count is not None:
            if hit_count < 1:
                raise DebugError(f"a hit count counts from 1, not {hit_count}")
            ignore_count = hit_count - 1
        if ignore_count < 0:
            raise DebugError(f"an ignore count cannot be negative ({ignore_count})")
        with self._bp_lock:
            bp = Breakpoint(self._next_bp, where, condition, ignore_count, enabled, temporary,
                            log_message, ips=ips)
            self._next_bp += 1
            self.breakpoints[bp.id] = bp
        self._sync_traps()
        return bp

    def _location(self, location: str | Location | None, line: int | None, ip: int | None,
                  opcode: object, function: str | None) -> Location:
        given = [x is not None for x in (location, line, ip, opcode, function)]
        if sum(given) != 1:
            raise DebugError("a breakpoint needs exactly one of location, line, ip, opcode, "
                             "function")
        if isinstance(location, Location):
            return location
        if isinstance(location, str):
            return parse_location(location, self.code, self.program.source.name)
        if line is not None:
            return Location(BreakKind.LINE, line)
        if ip is not None:
            return Location(BreakKind.IP, ip)
        if function is not None:
            return Location(BreakKind.FUNCTION, function)
        return Location(BreakKind.OPCODE, str(getattr(opcode, "value", opcode)))

    def _check_condition(self, condition: str, ips: tuple[int, ...]) -> None:
        """A condition must compile where the breakpoint stops (at one of its
        places at least); else its CompileError, and nothing changes."""
        first: CompileError | None = None
        for ip in ips:
            try:
                self.evaluator.compile(condition, self.code.function_at(ip), ip)
                return
            except CompileError as err:
                first = first or err
        assert first is not None
        raise first

    def get_breakpoint(self, bp_id: int) -> Breakpoint:
        bp = self.breakpoints.get(bp_id)
        if bp is None:
            raise DebugError(f"no breakpoint number {bp_id}")
        return bp

    def _change(self, bp_id: int, **changes: Any) -> Breakpoint:
        with self._bp_lock:
            bp = self.breakpoints.get(bp_id)
            if bp is None:
                raise DebugError(f"no breakpoint number {bp_id}")
            bp = self.breakpoints[bp_id] = replace(bp, **changes)
        self._sync_traps()
        return bp

    def set_condition(self, bp_id: int, condition: str | None) -> Breakpoint:
        """gdb's `condition N [COND]`: None or blank removes it. A condition
        that does not compile raises its CompileError and changes nothing."""
        bp = self.get_breakpoint(bp_id)
        text = condition.strip() if condition else ""
        if text:
            self._check_condition(text, bp.ips)
        return self._change(bp_id, condition=text or None, last_error=None)

    def ignore(self, bp_id: int, count: int) -> Breakpoint:
        """gdb's `ignore N COUNT`: the next COUNT crossings do not stop."""
        if count < 0:
            raise DebugError(f"an ignore count cannot be negative ({count})")
        return self._change(bp_id, ignore_count=count)

    def set_log_message(self, bp_id: int, message: str | None) -> Breakpoint:
        """Make a breakpoint a logpoint (a message) or a stopping one (None)."""
        return self._change(bp_id, log_message=message)

    def enable_breakpoint(self, bp_id: int, enabled: bool = True) -> Breakpoint:
        return self._change(bp_id, enabled=enabled)

    def remove_breakpoint(self, bp_id: int) -> None:
        with self._bp_lock:
            if self.breakpoints.pop(bp_id, None) is None:
                raise DebugError(f"no breakpoint number {bp_id}")
        self._sync_traps()

    def delete_all_breakpoints(self) -> int:
        """Delete every breakpoint; how many there were."""
        with self._bp_lock:
            count = len(self.breakpoints)
            self.breakpoints.clear()
        self._sync_traps()
        return count

    def list_breakpoints(self) -> list[Breakpoint]:
        with self._bp_lock:
            return list(self.breakpoints.values())

    def toggle_line_breakpoint(self, line: int) -> Breakpoint | None:
        """Remove the breakpoints on `line`, or add one; returns the new one."""
        found = [b for b in self.list_breakpoints()
                 if b.kind is BreakKind.LINE and b.where == line]
        if found:
            for b in found:
                self.remove_breakpoint(b.id)
            return None
        return self.add_breakpoint(line=line)

    # ---- crossing a breakpoint ----------------------------------------------------------

    def _breakpoint_hit(self) -> bool:
        """At vm.ip, before it runs: does a breakpoint stop here? Counts the
        crossing, spends an ignore count, writes a logpoint's message."""
        here = self._bp_at.get(self.vm.ip)
        if not here:
            return False
        stops: list[str] = []
        deleted = False
        for bp_id in here:
            bp = self.breakpoints.get(bp_id)
            if bp is None or not bp.enabled:
                continue
            holds, error = self._condition_holds(bp)
            if not holds:
                continue
            with self._bp_lock:
                current = self.breakpoints.get(bp_id)
                if current is None:
                    continue
                self.breakpoints[bp_id] = replace(current.crossed(), last_error=error)
            if current.ignore_count > 0:
                continue
            if current.log_message is not None:
                self._log(current)
                continue
            text = current.describe()
            stops.append(text + (f" (condition failed: {error})" if error else ""))
            if current.temporary:
                with self._bp_lock:
                    deleted = self.breakpoints.pop(bp_id, None) is not None or deleted
        if not stops:
            return False
        self.state, self.reason, self.detail = State.PAUSED, StopReason.BREAKPOINT, \
            "; ".join(stops)
        if deleted:
            self._sync_traps()
        return True

    def _condition_holds(self, bp: Breakpoint) -> tuple[bool, str | None]:
        """Whether the condition holds in frame 0 here; a condition that fails
        counts as true (the stop shows the failure, as gdb does)."""
        if not bp.condition:
            return True, None
        try:
            return bool(self.evaluate(bp.condition, 0)), None
        except (VmsError, RecursionError) as exc:
            return True, _message(exc)

    def _log(self, bp: Breakpoint) -> None:
        assert bp.log_message is not None
        self.logs.append(LogMessage(self.counter.total(), bp.id, self.interpolate(
            bp.log_message), len(self.output)))

    def interpolate(self, message: str, frame: int | None = 0) -> str:
        """A log message with each `{expr}` replaced by its display form (as
        print writes it), evaluated in the frame; `{{` and `}}` are braces. An
        expression that fails shows its error in place: `<NameError: ...>`."""

        def part(m: re.Match[str]) -> str:
            if m.group(0) in ("{{", "}}"):
                return m.group(0)[0]
            try:
                return display(self.evaluate(m.group(1), frame))
            except VmsError as err:
                return f"<{err.kind.value}: {err.message}>"
            except RecursionError as err:
                return f"<RecursionError: {err}>"

        return _INTERPOLATED.sub(part, message)

    def log_messages(self, start: int = 0) -> tuple[LogMessage, ...]:
        """The logpoints' messages from index `start` on (front ends keep
        how many they have shown)."""
        return tuple(self.logs[start:])

    # ---- watches and watchpoints --------------------------------------------------------

    def add_watch(self, expr: str) -> None:
        """An expression shown at every stop, evaluated in the selected frame."""
        self.evaluator.parse(expr)  # a syntax error is reported now, not at every stop
        self.watches.append(expr)

    def remove_watch(self, expr: str) -> None:
        self.watches.remove(expr)

    def add_watchpoint(self, expr: str) -> None:
        """Stop when the value of `expr` (in the innermost frame) changes."""
        self.evaluator.parse(expr)
        key, text = self._watch_value(expr, self.vm)
        self.watchpoints[expr] = text
        self._watch_keys[expr] = key

    def remove_watchpoint(self, expr: str) -> None:
        del self.watchpoints[expr]
        self._watch_keys.pop(expr, None)

    def clear_watches(self) -> None:
        """Drop every watch and watchpoint."""
        self.watches.clear()
        self.watchpoints.clear()
        self._watch_keys.clear()

    def _rebase_watchpoints(self) -> None:
        """Watchpoints compare against the values now (a restart, an edit)."""
        for expr in self.watchpoints:
            self._watch_keys[expr], self.watchpoints[expr] = self._watch_value(expr, self.vm)

    def _watch_value(self, expr: str, vm: VM) -> tuple[Hashable, str | None]:
        """The fingerprint and the shown text of `expr` in vm's innermost frame."""
        value = self.value_in(expr, vm)
        if value is NO_VALUE:
            return NO_VALUE, None
        return fingerprint(value), ValueView.of(value).text

    def value_in(self, expr: str, vm: VM, position: int | None = None) -> Any:
        """`expr` in a frame of `vm` (by position from the outermost; None:
        the innermost), or NO_VALUE when it fails there."""
        depth = len(vm.frames)
        if position is None or position == depth:
            ip = min(vm.ip, len(self.code.instrs) - 1)
            slots = vm.slots
        elif position > depth:
            return NO_VALUE
        else:
            slots, ip, _ = vm.frames[position]
        try:
            compiled = self.evaluator.compile(expr, self.code.function_at(ip), ip)
            return self.evaluator.run(compiled, slots, vm.globals)
        except (VmsError, RecursionError):
            return NO_VALUE

    def _watchpoint_hit(self) -> bool:
        if not self.watchpoints:
            return False
        changed = []
        for expr, old_key in self._watch_keys.items():
            value = self.value_in(expr, self.vm)
            key = NO_VALUE if value is NO_VALUE else fingerprint(value)
            if key != old_key:
                old = self.watchpoints[expr]
                text = None if value is NO_VALUE else ValueView.of(value).text
                self._watch_keys[expr], self.watchpoints[expr] = key, text
                changed.append(f"{expr}: {_shown(old)} -> {_shown(text)}")
        if changed:
            self.state, self.reason = State.PAUSED, StopReason.WATCHPOINT
            self.detail = "; ".join(changed)
            return True
        return False


def _shown(text: str | None) -> str:
    return "(no value)" if text is None else text


def _message(exc: BaseException) -> str:
    return exc.message if isinstance(exc, VmsError) else str(exc)
