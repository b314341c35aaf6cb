"""Frames: the selected frame (gdb's numbering: 0 is the innermost, `up`
goes toward the callers), frame views built on demand (a snapshot shows both
ends of a deep stack; `frames(start, count)` gives any range), evaluation in
a frame, and setting a variable there. A mixin of the Session.

The selection goes back to frame 0 whenever the program moves (Session._moved)."""

from __future__ import annotations

import threading
from functools import cached_property
from typing import TYPE_CHECKING, Any

from vmscope.api import Program
from vmscope.debug.errors import DebugError
from vmscope.debug.evaluate import Evaluator, scope_names
from vmscope.debug.history import History
from vmscope.debug.snapshot import FrameView, Snapshot, State, ValueView, locals_of
from vmscope.errors import CompileError, ErrorKind, GuestError
from vmscope.lang import nodes as n
from vmscope.lang.builtins import BUILTINS
from vmscope.lang.values import UNSET, check_type
from vmscope.source import Span
from vmscope.vm.machine import VM
from vmscope.vm.program import CompiledCode, FunctionInfo

Frame = tuple[FunctionInfo, list[Any], int]  # the function, its slots, its ip


class Frames:
    program: Program
    code: CompiledCode
    vm: VM
    evaluator: Evaluator
    history: History
    state: State
    output: list[str]
    _selected: int
    _lock: threading.RLock

    if TYPE_CHECKING:
        def snapshot(self) -> Snapshot: ...

        def _vm_state(self, vm: VM) -> tuple[Any, ...]: ...

        def _rebase_watchpoints(self) -> None: ...

    # ---- which frame --------------------------------------------------------------------

    @property
    def frame_count(self) -> int:
        """Frames on the guest stack, <main> included."""
        return len(self.vm.frames) + 1

    @property
    def selected_frame(self) -> int:
        return min(self._selected, self.frame_count - 1)

    def _level(self, frame: int | None) -> int:
        return self.selected_frame if frame is None else frame

    def frame_at(self, level: int, vm: VM | None = None) -> Frame:
        """Frame `level` (0 innermost) of the live VM or of `vm`."""
        vm = vm if vm is not None else self.vm
        count = len(vm.frames) + 1
        if not 0 <= level < count:
            raise DebugError(f"no frame {level}: the stack has {count:,} "
                             f"frame{'s' if count != 1 else ''} (0 to {count - 1:,})")
        if level == 0:
            ip = min(vm.ip, len(self.code.instrs) - 1)
            return self.code.function_at(ip), vm.slots, ip
        slots, call_ip, _ = vm.frames[count - 1 - level]
        return self.code.function_at(call_ip), slots, call_ip

    def select_frame(self, level: int) -> Snapshot:
        """gdb's `frame N`: `print`, watches and `set_variable` use frame N."""
        with self._lock:
            self.frame_at(level)
            self._selected = level
            return self.snapshot()

    def up(self, count: int = 1) -> Snapshot:
        """Toward the callers by `count` frames (as far as there are)."""
        with self._lock:
            top = self.frame_count - 1
            if self.selected_frame >= top:
                raise DebugError("up: the outermost frame is selected (<main>)")
            self._selected = min(self.selected_frame + max(count, 1), top)
            return self.snapshot()

    def down(self, count: int = 1) -> Snapshot:
        """Toward the innermost frame by `count` frames."""
        with self._lock:
            if self.selected_frame <= 0:
                raise DebugError("down: the innermost frame is selected")
            self._selected = max(self.selected_frame - max(count, 1), 0)
            return self.snapshot()

    # ---- frame views --------------------------------------------------------------------

    def frame_view(self, level: int) -> FrameView:
        fn, slots, ip = self.frame_at(level)
        args = tuple((fn.slot_names[i], ValueView.of(slots[i]))
                     for i in range(min(fn.nparams, len(slots))) if slots[i] is not UNSET)
        return FrameView(fn.name, ip, self.code.instrs[ip].span, locals_of(fn, slots, ip),
                         level, args)

    def frames(self, start: int = 0, count: int | None = None) -> tuple[FrameView, ...]:
        """Frames by gdb level from `start` (0 innermost), at most `count` of
        them, innermost first: what a folded stack expands to, and a DAP
        stackTrace page. Costs what it returns."""
        with self._lock:
            total = self.frame_count
            start = max(start, 0)
            stop = total if count is None else min(total, start + max(count, 0))
            return tuple(self.frame_view(level) for level in range(start, stop))

    def frame_span(self, level: int) -> Span:
        return self.code.instrs[self.frame_at(level)[2]].span

    # ---- evaluation ---------------------------------------------------------------------

    def evaluate(self, text: str, frame: int | None = None) -> Any:
        """Evaluate a language expression in a frame (default: the selected
        one); raises CompileError or GuestError (both VmsError)."""
        fn, slots, ip = self.frame_at(self._level(frame))
        return self.evaluator.evaluate(text, fn, slots, self.vm.globals, ip)

    def local_names(self, frame: int | None = None) -> tuple[str, ...]:
        """The locals in scope in a frame, for completion."""
        fn, slots, ip = self.frame_at(self._level(frame))
        return tuple(name for name, slot in scope_names(fn, ip).items()
                     if slot < len(slots) and slots[slot] is not UNSET)

    def function_names(self) -> tuple[str, ...]:
        """The program's functions, then the builtins."""
        return (*(f.name for f in self.code.functions[:-1]), *BUILTINS)

    # ---- assignment ---------------------------------------------------------------------

    @cached_property
    def _declared(self) -> tuple[dict[tuple[int, int], n.TypeName], dict[int, n.TypeName]]:
        return declared_types(self.program.resolved)

    def set_variable(self, name: str, expression_text: str,
                     frame: int | None = None) -> Snapshot:
        """Assign a local or global visible in a frame (default: the selected
        one) the value of `expression_text`, evaluated in that frame. A
        type-annotated variable checks the value as a binding does (an int
        becomes a float where a float is declared); a name not in scope is a
        NameError. The history after this step is dropped: the program's
        future is a new one from here (step back still reaches the past)."""
        with self._lock:
            if self.state is State.RUNNING:
                raise DebugError("set: the program is running")
            level = self._level(frame)
            fn, slots, ip = self.frame_at(level)
            value = self.evaluate(expression_text, level)
            local = scope_names(fn, ip).get(name)
            globals_ = self.code.global_names
            if local is not None:
                slots[local] = _typed(value, self._declared[0].get((fn.index, local)), name)
            elif name in globals_:
                index = globals_.index(name)
                if self.vm.globals[index] is UNSET:
                    raise GuestError(ErrorKind.NAME,
                                     f"global '{name}' is used before its let ran")
                self.vm.globals[index] = _typed(value, self._declared[1].get(index), name)
            else:
                raise CompileError(ErrorKind.NAME, f"name '{name}' is not defined in frame "
                                   f"{level} ({fn.name})", Span.point(1, 1))
            step = self.vm.steps
            self.history.take(step, self._vm_state(self.vm), len(self.output), force=True)
            self.history.mark_edit(step)
            self._rebase_watchpoints()
            return self.snapshot()


def _typed(value: Any, declared: n.TypeName | None, name: str) -> Any:
    if declared is None:
        return value
    try:
        return check_type(value, declared)
    except GuestError as err:
        raise GuestError(err.kind, f"cannot set {name} ({declared.value}): {err.message}"
                         ) from None


def declared_types(resolved: n.ResolvedProgram) -> tuple[
        dict[tuple[int, int], n.TypeName], dict[int, n.TypeName]]:
    """The annotated types: of locals by (function index as compiled, slot),
    and of globals by index; what an assignment checks."""
    locals_: dict[tuple[int, int], n.TypeName] = {}
    globals_: dict[int, n.TypeName] = {}

    def walk(stmts: tuple[n.Stmt, ...], fn_index: int) -> None:
        for s in stmts:
            if isinstance(s, n.Let) and s.type is not None:
                if isinstance(s.target, n.Local):
                    locals_[(fn_index, s.target.slot)] = s.type
                elif isinstance(s.target, n.Global):
                    globals_.setdefault(s.target.index, s.type)
            for block in _blocks(s):
                walk(block.stmts, fn_index)

    for f in resolved.functions:
        for slot, param in enumerate(f.params):
            if param.type is not None:
                locals_[(f.index, slot)] = param.type
        walk(f.body.stmts, f.index)
    walk(resolved.main.body.stmts, len(resolved.functions))
    return locals_, globals_


def _blocks(s: n.Stmt) -> tuple[n.Block, ...]:
    if isinstance(s, n.If):
        return (*s.blocks, *((s.orelse,) if s.orelse is not None else ()))
    if isinstance(s, n.While | n.For | n.ForRange):
        return (s.body,)
    return ()
