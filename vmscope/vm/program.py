"""A compiled program: the closure list the VM runs and, at the same indices,
the instruction records that the debugger, profiler and `dis` read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from vmscope.lang.values import Bounds
from vmscope.source import Span
from vmscope.vm.opcodes import Op

if TYPE_CHECKING:
    from vmscope.vm.machine import VM

Closure = Callable[["VM"], int]


class Scope(Enum):
    """Where a variable an instruction may write lives (see Instr.writes)."""

    LOCAL = "local"  # a named slot of the instruction's own function's frame
    GLOBAL = "global"  # a global, by index
    CALLEE = "callee"  # a parameter of the frame a call instruction pushes


Write = tuple[Scope, int]


@dataclass(frozen=True, slots=True)
class Instr:
    """What `code[ip]` does, for people and tools. `depth` is the static
    value-stack depth before the instruction, `pops`/`pushes` what it takes
    from and leaves on it (on the fall-through path), `target` the absolute ip a jump may go to.
    `writes` names every variable the instruction may assign (value-stack
    temporaries and hidden loop state are not variables) and `mutates` says
    whether it may change a list in place (a store_index, push or pop): what
    watchpoints need to know which instructions to watch."""

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
    writes: tuple[Write, ...] = ()
    mutates: bool = False

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
    """`bounds`: the length and int-size limits the closures were built for
    (they capture them); a VM runs the code only under those bounds."""

    code: list[Closure]
    instrs: list[Instr]
    functions: list[FunctionInfo]  # <main> is the last one
    entry: int
    global_names: tuple[str, ...]
    bounds: Bounds = field(default_factory=Bounds)

    @property
    def main(self) -> FunctionInfo:
        return self.functions[-1]

    def function_at(self, ip: int) -> FunctionInfo:
        return self.functions[self.instrs[ip].func]
