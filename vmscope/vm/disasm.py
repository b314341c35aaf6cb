"""`vmscope dis`: the compiled program as a listing, in the manner of
CPython's dis: per function, ip, line:col, opcode, operands, jump targets
(`>>` marks an ip some jump lands on) and the static stack depth."""

from __future__ import annotations

from vmscope.source import Source
from vmscope.vm.opcodes import JUMPS
from vmscope.vm.program import CompiledCode, Instr


def jump_targets(code: CompiledCode) -> set[int]:
    return {i.target for i in code.instrs if i.op in JUMPS and i.target is not None}


def operand_text(instr: Instr) -> str:
    text = instr.argrepr
    if instr.target is not None:
        arrow = f"to {instr.target}"
        text = f"{arrow} ({text})" if text else arrow
    return text


def instruction_text(instr: Instr) -> str:
    """The instruction itself as a listing shows it: opcode family, operands
    and the stack depth before it (the DAP's disassembly shows the same)."""
    return f"{instr.family:<22} {operand_text(instr):<24} depth {instr.depth}"


def format_instr(ip: int, instr: Instr, targets: set[int], current: int | None = None) -> str:
    marker = "-->" if ip == current else ("  >>" if ip in targets else "")
    if ip == current and ip in targets:
        marker = "-->>"
    pos = f"{instr.span.line}:{instr.span.col}"
    return f"{marker:>4} {ip:>5}  {pos:<8} {instruction_text(instr)}".rstrip()


def disassemble(code: CompiledCode, source: Source | None = None,
                current: int | None = None) -> str:
    targets = jump_targets(code)
    lines: list[str] = []
    order = [code.main, *code.functions[:-1]]
    for fn in order:
        where = f"line {fn.span.line}" if fn.index < len(code.functions) - 1 else "top level"
        lines.append(f"Disassembly of {fn.name} ({where}): {fn.nparams} params, "
                     f"{fn.nlocals} locals, {fn.nslots - fn.nlocals} stack slots")
        last_line = None
        for ip in range(fn.entry, fn.end):
            instr = code.instrs[ip]
            if source is not None and instr.span.line != last_line:
                last_line = instr.span.line
                text = source.lines[last_line - 1].strip() if 0 < last_line <= len(
                    source.lines) else ""
                lines.append(f"{'':>12}# {last_line}: {text}")
            lines.append(format_instr(ip, instr, targets, current))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
