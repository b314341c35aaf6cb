"""The one `emit`: appends a closure to `code` and its Instr to `instrs` at
the same index, tracks the static stack depth, and back-patches jumps.
Nothing calls it but the emitters (one per instruction kind, beside its
closure factory in arith, control, calls, data and codegen), which tie an
opcode, its closure, its operands and its stack effect together once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from vmscope.source import Span
from vmscope.vm.machine import VM
from vmscope.vm.opcodes import Op
from vmscope.vm.program import Closure, Instr, Write

Patch = Callable[[int], Closure]  # a jump's closure, made from its relative offset


class CompileBug(AssertionError):
    """The compiler broke its own invariants (Vitess: "bad compilation")."""


@dataclass
class Label:
    name: str
    ip: int = -1


def _unpatched(vm: VM) -> int:
    raise CompileBug("jump executed before it was patched")


@dataclass
class Assembler:
    code: list[Closure] = field(default_factory=list)
    instrs: list[Instr] = field(default_factory=list)
    pending: list[tuple[int, Label, Patch]] = field(default_factory=list)
    func: int = 0
    base: int = 0  # first value-stack slot of the current function
    depth: int = 0
    max_depth: int = 0
    stmt: Span = field(default_factory=lambda: Span(0, 0, 0, 0))

    def begin_function(self, func: int, nlocals: int) -> None:
        self.func, self.base, self.depth, self.max_depth = func, nlocals, 0, 0

    @property
    def here(self) -> int:
        """The ip the next instruction gets."""
        return len(self.code)

    @property
    def top(self) -> int:
        """The slot of the value on top of the stack."""
        return self.base + self.depth - 1

    @property
    def next_slot(self) -> int:
        """The slot the next push writes."""
        return self.base + self.depth

    def emit(self, op: Op, closure: Closure | None = None, args: tuple[Any, ...] = (), *,
             span: Span, argrepr: str = "", pops: int = 0, pushes: int = 0,
             label: Label | None = None, patch: Patch | None = None, shape: str = "",
             writes: tuple[Write, ...] = (), mutates: bool = False) -> int:
        """Append one instruction: `closure`, or for a jump to `label`, the
        closure `patch(offset)` makes once the label is bound. `args` are its
        operands as tools see them."""
        ip = len(self.code)
        depth = self.depth
        if depth - pops < 0:
            raise CompileBug(f"bad compilation: stack depth {depth - pops} at ip {ip}")
        if label is None and closure is not None and patch is None:
            self.code.append(closure)
        elif label is not None and closure is None and patch is not None:
            self.code.append(_unpatched)
            self.pending.append((ip, label, patch))
        else:
            raise CompileBug(f"bad compilation: {op.value} needs a closure or a label and patch")
        self.instrs.append(Instr(op, args, argrepr, span, self.stmt, self.func, depth, pops,
                                 pushes, None, shape, writes, mutates))
        self.depth = depth - pops + pushes
        self.max_depth = max(self.max_depth, self.depth)
        return ip

    def bind(self, label: Label, depth: int | None = None) -> None:
        label.ip = len(self.code)
        if depth is not None:
            self.depth = depth

    def drop(self, n: int = 1) -> None:
        """Forget the top n values: slots are static, so nothing runs."""
        if self.depth < n:
            raise CompileBug(f"bad compilation: dropping {n} at depth {self.depth}")
        self.depth -= n

    def finish(self) -> None:
        for ip, label, patch in self.pending:
            if label.ip < 0:
                raise CompileBug(f"label {label.name} never bound")
            self.code[ip] = patch(label.ip - ip)
            self.instrs[ip] = replace(self.instrs[ip], target=label.ip)
        self.pending.clear()
