"""`vmscope serve [FILE] [--port 8000]`: the debugger (TUI) in a browser,
through textual-serve on 127.0.0.1; each tab is a session of its own."""

from __future__ import annotations

from collections.abc import Sequence

from vmscope.cli.common import (
    Parser,
    UsageError,
    add_level_option,
    add_limit_options,
    limits_of,
    read_program,
)
from vmscope.cli.dap import port
from vmscope.cli.debug import DEFAULT_SAMPLE


def parser() -> Parser:
    p = Parser(prog="vmscope serve", description="Serve the debugger (the terminal UI) in a "
               "browser on 127.0.0.1: every tab runs `vmscope debug FILE` of its own.")
    p.add_argument("file", nargs="?", default=None, metavar="FILE",
                   help=f"the program, a .vms file (default: the bundled {DEFAULT_SAMPLE})")
    p.add_argument("--port", type=port, default=8000, metavar="N",
                   help="the port on 127.0.0.1 (default 8000)")
    add_limit_options(p)
    add_level_option(p, 0)
    return p


def main(argv: Sequence[str]) -> int:
    args = parser().parse_args(argv)
    if args.port == 0:
        raise UsageError("serve needs a port from 1 to 65535 (the page names it)")
    limits = limits_of(args)
    if args.file is not None:
        read_program(args.file)  # a missing file is an error now, not in every tab
    from pathlib import Path

    from vmscope.tui.serve import HOST, debug_options, serve

    file = Path(args.file).resolve() if args.file is not None else None
    try:
        return serve(file, debug_options(args.level, limits), args.port)
    except OSError as exc:
        raise UsageError(f"cannot listen on {HOST}:{args.port}: {exc.strerror or exc}") from None
