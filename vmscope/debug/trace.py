"""`vmscope trace`: one line per executed instruction, in the manner of clox's
and byterun's traces: step, ip, line:col, opcode and operands, and the value
stack after the step (bottom first; strings quoted, as the language writes a
str inside a list), driven through the debug Session."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from vmscope.api import Program
from vmscope.debug.session import Session
from vmscope.debug.snapshot import StopReason, short_display
from vmscope.errors import VmsError
from vmscope.lang.values import DEFAULT_LIMITS, Limits
from vmscope.vm.disasm import operand_text


def trace_lines(program: Program, *, limit: int | None = None, start_line: int | None = None,
                start_ip: int | None = None, function: str | None = None,
                limits: Limits = DEFAULT_LIMITS, session: Session | None = None
                ) -> Iterator[str]:
    """Yield trace lines; the program's own output is interleaved as `| text`.
    Pass `session` to read how the run ended afterwards."""
    session = session if session is not None else Session(program, limits)
    code = program.code
    if start_ip is not None:
        session.run_to(ip=start_ip)  # a DebugError when no code is there
    elif start_line is not None:
        session.run_to(line=start_line)
    emitted = 0
    printed = len(session.output)
    while not session.done and (limit is None or emitted < limit):
        ip = session.vm.ip
        instr = code.instrs[ip]
        fn = code.functions[instr.func]
        session.step()
        if function is None or fn.name == function:
            emitted += 1
            after = "(raised)" if session.error is not None else stack_text(session)
            yield (f"{session.steps:>7} {ip:>5} {instr.span.line:>4}:{instr.span.col:<3} "
                   f"{instr.op.value:<20} {operand_text(instr):<18} {after}")
        for chunk in session.output[printed:]:
            for text in chunk.splitlines():
                yield f"| {text}"
        printed = len(session.output)
    if session.error is not None:
        err = session.error
        yield "! " + (err.headline(program.source.name) if isinstance(err, VmsError)
                      else str(err))


def stack_text(session: Session) -> str:
    """The current frame's value stack, bottom first, as `[a, b]`."""
    vm, code = session.vm, session.code
    if session.done:
        return "[]"
    instr = code.instrs[vm.ip]
    base = code.functions[instr.func].nlocals
    values = vm.slots[base:base + instr.depth]
    return "[" + ", ".join(short_display(v, 40) for v in values) + "]"


def write_trace(program: Program, write: Callable[[str], object], *,
                limits: Limits = DEFAULT_LIMITS, **options: Any) -> int:
    """Write the trace; the exit status is 1 when the program failed."""
    session = Session(program, limits)
    for line in trace_lines(program, session=session, **options):
        write(line + "\n")
    return 1 if session.snapshot().reason is StopReason.ERROR else 0
