"""Where a running program stops: breakpoint traps patched into the live
code list, their conditions and hit counts, watches and watchpoints. A mixin
of the Session, which owns the VM, the code lists and the state."""

from __future__ import annotations

import threading
from typing import Any

from vmscope.api import Program
from vmscope.debug.accounting import HitCounter
from vmscope.debug.breakpoints import BreakKind, Breakpoint, ips_of
from vmscope.debug.evaluate import evaluate, parse_expression
from vmscope.debug.snapshot import State, ValueView
from vmscope.errors import VmsError
from vmscope.vm.machine import VM, Trap
from vmscope.vm.opcodes import Op
from vmscope.vm.program import Closure, CompiledCode


def trap_closure(vm: VM) -> int:
    """Patched over an instruction (as int3): stop before it runs."""
    raise Trap



class Stops:
    program: Program
    code: CompiledCode
    vm: VM
    counter: HitCounter
    live: list[Closure]
    state: State
    reason: str
    breakpoints: dict[int, Breakpoint]
    watches: list[str]
    watchpoints: dict[str, str | None]
    bp_stops: list[int]
    _next_bp: int
    _pause: threading.Event
    _bp_at: dict[int, list[Breakpoint]]

    def _repatch(self) -> None:
        """Rebuild the live code list: counted closures plus breakpoint traps."""
        fresh = list(self.counter.fast)
        for ip in self._index_breakpoints():
            fresh[ip] = trap_closure
        self.live[:] = fresh

    def _index_breakpoints(self) -> set[int]:
        at: dict[int, list[Breakpoint]] = {}
        for bp in self.breakpoints.values():
            if bp.enabled:
                for ip in ips_of(bp, self.code):
                    at.setdefault(ip, []).append(bp)
        self._bp_at = at
        return set(at)


    # ---- breakpoints and watches ------------------------------------------------------------

    def add_breakpoint(self, *, line: int | None = None, ip: int | None = None,
                       opcode: Op | str | None = None, condition: str | None = None,
                       hit_count: int | None = None) -> Breakpoint:
        given = [x is not None for x in (line, ip, opcode)]
        if sum(given) != 1:
            raise ValueError("a breakpoint needs exactly one of line, ip, opcode")
        if line is not None:
            bp = Breakpoint(self._next_bp, BreakKind.LINE, line, condition, hit_count)
        elif ip is not None:
            bp = Breakpoint(self._next_bp, BreakKind.IP, ip, condition, hit_count)
        else:
            op = opcode if isinstance(opcode, Op) else Op(opcode)
            bp = Breakpoint(self._next_bp, BreakKind.OPCODE, op, condition, hit_count)
        if not ips_of(bp, self.code):
            raise ValueError(f"no instruction at {bp.describe()}")
        self._next_bp += 1
        self.breakpoints[bp.id] = bp
        self._sync_traps()
        return bp

    def toggle_line_breakpoint(self, line: int) -> Breakpoint | None:
        """Remove the breakpoints on `line`, or add one; returns the new one."""
        found = [b for b in self.breakpoints.values()
                 if b.kind is BreakKind.LINE and b.where == line]
        if found:
            for b in found:
                self.remove_breakpoint(b.id)
            return None
        return self.add_breakpoint(line=line)

    def remove_breakpoint(self, bp_id: int) -> None:
        del self.breakpoints[bp_id]
        self._sync_traps()

    def enable_breakpoint(self, bp_id: int, enabled: bool = True) -> None:
        self.breakpoints[bp_id].enabled = enabled
        self._sync_traps()

    def list_breakpoints(self) -> list[Breakpoint]:
        return list(self.breakpoints.values())

    def _sync_traps(self) -> None:
        if self.state is State.RUNNING and self._pause.is_set():
            self._index_breakpoints()  # a pausing run repatches the code when it stops
        else:
            self._repatch()

    def breakpoint_ips(self) -> set[int]:
        return set(self._bp_at)

    def _breakpoint_hit(self) -> bool:
        """At vm.ip, before it runs: does an enabled breakpoint stop here?"""
        here = self._bp_at.get(self.vm.ip)
        if not here:
            return False
        stop = False
        for bp in here:
            if bp.condition:
                try:
                    holds = bool(self.evaluate(bp.condition))
                    bp.last_error = None
                except (VmsError, RecursionError) as exc:
                    bp.last_error = str(exc.message if isinstance(exc, VmsError) else exc)
                    holds = True  # a broken condition stops, so the user sees it
            else:
                holds = True
            if not holds:
                continue
            bp.hits += 1
            if bp.hit_count is None or bp.hits >= bp.hit_count:
                stop = True
                self.reason = f"breakpoint {bp.describe()}"
                if bp.last_error:
                    self.reason += f" (condition failed: {bp.last_error})"
        if stop:
            self.state = State.PAUSED
            self.bp_stops.append(self.vm.steps)
        return stop

    def evaluate(self, text: str) -> Any:
        """Evaluate a language expression in the paused frame's scope."""
        vm = self.vm
        ip = min(vm.ip, len(self.code.instrs) - 1)
        fn = self.code.functions[self.code.instrs[ip].func]
        return evaluate(text, self.program.resolved, fn, vm.slots, vm.globals, ip,
                        self.code.bounds)

    def add_watch(self, expr: str) -> None:

        parse_expression(expr)  # a syntax error is reported now, not at every stop
        self.watches.append(expr)

    def remove_watch(self, expr: str) -> None:
        self.watches.remove(expr)

    def add_watchpoint(self, expr: str) -> None:

        parse_expression(expr)
        self.watchpoints[expr] = self._watch_text(expr)

    def _watch_text(self, expr: str) -> str | None:
        try:
            return ValueView.of(self.evaluate(expr)).text
        except (VmsError, RecursionError):
            return None

    def _watchpoint_hit(self) -> bool:
        changed = []
        for expr, old in self.watchpoints.items():
            new = self._watch_text(expr)
            if new != old:
                self.watchpoints[expr] = new
                changed.append(f"{expr}: {old} -> {new}")
        if changed:
            self.state, self.reason = State.PAUSED, "watch " + "; ".join(changed)
            return True
        return False

