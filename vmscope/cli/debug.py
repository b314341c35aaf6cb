"""`vmscope debug [FILE]`, `vmscope [options] FILE.vms` and plain `vmscope`:
the debugger (TUI) on a program, or on the bundled sample. The only command
that imports the TUI, and only once its arguments are read."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources

from vmscope.cli.common import Parser, add_level_option, add_limit_options, limits_of, read_program

DEFAULT_SAMPLE = "fib.vms"


def parser(prog: str = "vmscope debug") -> Parser:
    p = Parser(prog=prog, description="Open the debugger (a terminal UI) on a program: "
               "step, breakpoints, watches, step back, profile. `vmscope FILE.vms` and "
               "`vmscope [options] FILE.vms` are short for `vmscope debug FILE.vms`.")
    p.add_argument("file", nargs="?", default=None, metavar="FILE",
                   help=f"the program, a .vms file (default: the bundled {DEFAULT_SAMPLE})")
    add_limit_options(p)
    add_level_option(p, 0)
    return p


def bundled_sample() -> tuple[str, bytes]:
    data = resources.files("vmscope.samples").joinpath(DEFAULT_SAMPLE).read_bytes()
    return DEFAULT_SAMPLE, data


def main(argv: Sequence[str], prog: str = "vmscope debug") -> int:
    args = parser(prog).parse_args(argv)
    limits = limits_of(args)
    name, data = bundled_sample() if args.file is None else read_program(args.file)
    from pathlib import Path

    from vmscope.tui.app import run_debugger

    path = None if args.file is None or args.file == "-" else Path(args.file)
    return run_debugger(name, data, limits, level=args.level, path=path)
