"""A compiled program: the closure list the VM runs and, at the same indices,
the instruction records that the debugger, profiler and `dis` read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vmscope.source import Span
from vmscope.vm.opcodes import Op

if TYPE_CHECKING:
    from vmscope.vm.machine import VM

Closure = Callable[["VM"], int]


@dataclass(frozen=True, slots=True)
class Instr:
    """What `code[ip]` does, for people and tools. `depth` is the static
    value-stack depth before the instruction, `pops`/`pushes` what it takes
    from and leaves on it (on the fall-through path), `target` the absolute ip a jump may go to."""

    op: Op
    args: tuple[Any, ...]
    argrepr: str
    span: Span
    stmt: Span
    func: int
    depth: int
    pops: int
    pushes: int
    target: int | None = None
    shape: str = ""  # a fused instruction's opcode family, e.g. "add.int" or "stmt"

    @property
    def effect(self) -> int:
        return self.pushes - self.pops

    @property
    def family(self) -> str:
        """A stable name shared by specialised variants (`add.int`, `add.guard`...)."""
        return self.shape or self.op.value


@dataclass(frozen=True, slots=True)
class FunctionInfo:
    """A function's code range and frame layout: locals in slots
    [0, nlocals), its value stack in [nlocals, nslots)."""

    index: int
    name: str
    entry: int
    end: int
    nlocals: int
    nslots: int
    slot_names: tuple[str, ...]
    nparams: int
    span: Span
    # Per local slot, the ips [start, end) where its name is in scope; a slot
    # with (0, 0) (hidden loop state) is never shown.
    scopes: tuple[tuple[int, int], ...] = ()

    def in_scope(self, slot: int, ip: int) -> bool:
        if not self.scopes:
            return True
        start, end = self.scopes[slot]
        return start <= ip < end


@dataclass
class CompiledCode:
    code: list[Closure]
    instrs: list[Instr]
    functions: list[FunctionInfo]  # <main> is the last one
    entry: int
    global_names: tuple[str, ...]

    @property
    def main(self) -> FunctionInfo:
        return self.functions[-1]

    def function_at(self, ip: int) -> FunctionInfo:
        return self.functions[self.instrs[ip].func]
