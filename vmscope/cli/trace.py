"""`vmscope trace FILE`: one line per executed instruction, with the stack.

Where the trace starts (`--start-line`, `--start-ip`) and which function it
follows (`--function`) are checked against the compiled program before
anything runs: a line without code, an ip past the end or an unknown
function is a usage error that names what does not exist."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from vmscope.cli.common import (
    Parser,
    UsageError,
    add_file_argument,
    add_level_option,
    add_limit_options,
    compile_file,
    count,
    limits_of,
    stdout,
)

if TYPE_CHECKING:
    from vmscope.api import Program


def parser() -> Parser:
    p = Parser(prog="vmscope trace", description="Run a program one instruction at a time "
               "and print each: step, ip, line:col, opcode, operands and the value stack "
               "after it; the program's output is interleaved as `| text`.")
    add_file_argument(p)
    p.add_argument("--limit", type=count, default=None, metavar="N",
                   help="stop after N traced steps")
    start = p.add_mutually_exclusive_group()
    start.add_argument("--start-line", type=count, default=None, metavar="L",
                       help="run untraced until line L is reached")
    start.add_argument("--start-ip", type=count, default=None, metavar="IP",
                       help="run untraced until instruction IP is reached")
    p.add_argument("--function", default=None, metavar="NAME",
                   help="trace only the instructions of function NAME (<main> for top level)")
    add_limit_options(p)
    add_level_option(p, 0)
    return p


def check_targets(program: Program, args: argparse.Namespace) -> None:
    """A usage error for a start or function the program does not have."""
    from vmscope.debug.breakpoints import line_starts

    code = program.code
    level = f"-O{args.level}"
    if args.function is not None:
        names = [f.name for f in code.functions]
        if args.function not in names:
            raise UsageError(f"no function named {args.function!r} in {args.file}; it has "
                             + ", ".join(names))
    if args.start_line is not None and not line_starts(code, args.start_line):
        raise UsageError(f"no code on line {args.start_line} of {args.file}: "
                         + _why_no_code(program, args.start_line, level))
    if args.start_ip is not None and args.start_ip >= len(code.instrs):
        raise UsageError(f"no instruction {args.start_ip}: the program has "
                         f"{len(code.instrs)} at {level} (0 to {len(code.instrs) - 1})")


def _why_no_code(program: Program, line: int, level: str) -> str:
    lines = program.source.text.splitlines()
    if line > len(lines):
        return f"it has {len(lines)} lines"
    text = lines[line - 1].strip()
    if not text:
        return "the line is blank"
    if text.startswith("#"):
        return "the line is a comment"
    return f"no instruction starts there at {level} (part of a statement on another line?)"


def main(argv: Sequence[str]) -> int:
    from vmscope.debug.trace import write_trace

    args = parser().parse_args(argv)
    program = compile_file(args.file, args.level)
    check_targets(program, args)
    out = stdout()
    return write_trace(program, out.write, limit=args.limit, start_line=args.start_line,
                       start_ip=args.start_ip, function=args.function,
                       limits=limits_of(args))
