"""Breakpoints on a source line, an ip or an opcode, with an optional
condition (a language expression) and hit count. Where they sit in the code
is computed here; the session patches trap closures at those ips."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from vmscope.vm.opcodes import Op
from vmscope.vm.program import CompiledCode


class BreakKind(Enum):
    LINE = "line"
    IP = "ip"
    OPCODE = "opcode"


@dataclass
class Breakpoint:
    """`hit_count` N means: stop on the Nth time the breakpoint is reached with
    its condition true, and every time after (gdb's ignore count, plus one)."""

    id: int
    kind: BreakKind
    where: int | Op
    condition: str | None = None
    hit_count: int | None = None
    enabled: bool = True
    hits: int = 0
    last_error: str | None = None

    def describe(self) -> str:
        where = self.where.value if isinstance(self.where, Op) else self.where
        text = f"#{self.id} {self.kind.value} {where}"
        if self.condition:
            text += f" if {self.condition}"
        if self.hit_count:
            text += f" (from hit {self.hit_count})"
        return text + ("" if self.enabled else " [disabled]")


def line_starts(code: CompiledCode, line: int) -> list[int]:
    """The ips where execution enters `line`: its first instruction in each
    function, and every jump target on it (a loop coming round again)."""
    # A jump from another line (a loop coming round) enters the line again.
    targets = {i.target for i in code.instrs
               if i.target is not None and i.span.line != line}
    ips = []
    for ip, instr in enumerate(code.instrs):
        if instr.span.line != line:
            continue
        prev = code.instrs[ip - 1] if ip else None
        if prev is None or prev.span.line != line or prev.func != instr.func or ip in targets:
            ips.append(ip)
    return ips


def ips_of(bp: Breakpoint, code: CompiledCode) -> list[int]:
    if bp.kind is BreakKind.LINE:
        assert isinstance(bp.where, int)
        return line_starts(code, bp.where)
    if bp.kind is BreakKind.IP:
        assert isinstance(bp.where, int)
        return [bp.where] if 0 <= bp.where < len(code.instrs) else []
    return [ip for ip, i in enumerate(code.instrs) if i.op is bp.where]
