"""Generated (-O1/-O2) instructions: their kinds, what building one yields
(vmscope.compiler.codegen builds them), and their emitters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from vmscope.compiler.assembler import Assembler, Label
from vmscope.source import Span
from vmscope.vm.opcodes import Op
from vmscope.vm.program import Closure, Scope, Write


class Kind(Enum):
    """What a generated closure is: its opcode and how its family is named."""

    EXPR = "expr"  # computes a value into a slot (or ends with a caller's tail)
    STMT = "stmt"  # a whole simple statement
    BRANCH = "branch"  # a test fused with its jump
    CALL = "call"  # a call with its operands
    RETURN = "return"  # a return with its value
    ROWS = "rows"  # a batch of CSV rows (vmscope.rows)

    @property
    def op(self) -> Op:
        return _KIND_OPS[self]

    def family(self, ops: list[str]) -> str:
        """The family `dis` and the profiler show (`add.int`, `branch.lt.int`,
        `return.fused`), from the operations inside."""
        return _FAMILIES[self](self.value, ops)


def _single_or_kind(kind: str, ops: list[str]) -> str:
    return ops[0] if len(ops) == 1 else kind


def _fused_if_more(kind: str, ops: list[str]) -> str:
    return kind + (".fused" if len(ops) > 1 else "")


_KIND_OPS = {Kind.EXPR: Op.EXPR, Kind.STMT: Op.STMT, Kind.BRANCH: Op.BRANCH, Kind.CALL: Op.CALL,
             Kind.RETURN: Op.RETURN, Kind.ROWS: Op.STMT}
_FAMILIES: dict[Kind, Callable[[str, list[str]], str]] = {
    Kind.EXPR: _single_or_kind,
    Kind.STMT: _single_or_kind,
    Kind.BRANCH: lambda kind, ops: f"branch.{ops[0]}" if len(ops) == 1 else kind,
    Kind.CALL: _fused_if_more,
    Kind.RETURN: _fused_if_more,
    Kind.ROWS: lambda kind, ops: kind,
}


@dataclass(frozen=True)
class Built:
    """A generated closure's factory (a jump's takes the offset first), the
    values it captures, and what its Instr records: the variables it stores
    and whether it may change a list in place."""

    kind: Kind
    factory: Callable[..., Closure]
    args: tuple[Any, ...]
    family: str
    writes: tuple[Write, ...]
    mutates: bool


def emit_fused(asm: Assembler, built: Built, *, span: Span, argrepr: str, pops: int = 0,
               pushes: int = 0, label: Label | None = None) -> int:
    """One generated instruction; with `label`, a jump to it."""
    factory, args = built.factory, built.args
    closure = factory(*args) if label is None else None
    patch = None if label is None else (lambda offset: factory(offset, *args))
    return asm.emit(built.kind.op, closure, args, span=span, argrepr=argrepr, pops=pops,
                    pushes=pushes, label=label, patch=patch, shape=built.family,
                    writes=built.writes, mutates=built.mutates)


def emit_fused_call(asm: Assembler, build: Callable[[], Built], *, nargs: int, entry: Label,
                    span: Span, argrepr: str, pops: int, mutates: bool) -> int:
    """A call with its operands as one generated instruction, computing them
    straight into the callee's frame. `build` runs when the jump is patched:
    only then is the callee's frame size known."""

    def patch(offset: int) -> Closure:
        built = build()
        return built.factory(offset, *built.args)

    return asm.emit(Op.CALL, span=span, argrepr=argrepr, pops=pops, pushes=1, label=entry,
                    patch=patch, shape=Kind.CALL.value, mutates=mutates,
                    writes=tuple((Scope.CALLEE, slot) for slot in range(nargs)))
