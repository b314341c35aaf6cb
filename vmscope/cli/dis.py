"""`vmscope dis FILE`: the compiled program, listed like CPython's `dis`."""

from __future__ import annotations

from collections.abc import Sequence

from vmscope.cli.common import (
    EXIT_OK,
    Parser,
    add_file_argument,
    add_level_option,
    compile_file,
    stdout,
)


def parser() -> Parser:
    p = Parser(prog="vmscope dis", description="Print the compiled closure program: per "
               "function, each instruction's ip, line:col, opcode, operands, jump targets "
               "and static stack depth. Nothing runs.")
    add_file_argument(p)
    add_level_option(p, 0)
    return p


def main(argv: Sequence[str]) -> int:
    args = parser().parse_args(argv)
    program = compile_file(args.file, args.level)
    stdout().write(program.disassemble())
    return EXIT_OK
