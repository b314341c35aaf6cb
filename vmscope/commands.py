"""Subcommands beyond run and dis. Each handler imports its machinery lazily,
so the headless commands never pay for (or import) the TUI."""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from typing import Any

DEFAULT_SAMPLE = "fib.vms"


def register(sub: Any) -> None:
    from vmscope.cli import add_level_option, add_limit_options

    trace = sub.add_parser("trace", help="print every executed instruction with the stack")
    trace.add_argument("file")
    trace.add_argument("--limit", type=int, default=None, metavar="N",
                       help="stop after N traced steps")
    start = trace.add_mutually_exclusive_group()
    start.add_argument("--start-line", type=int, default=None, metavar="L",
                       help="run untraced until line L is reached")
    start.add_argument("--start-ip", type=int, default=None, metavar="IP",
                       help="run untraced until instruction IP is reached")
    trace.add_argument("--function", default=None, metavar="NAME",
                       help="trace only the instructions of function NAME (<main> for top level)")
    add_limit_options(trace)
    add_level_option(trace, 0)
    trace.set_defaults(handler=cmd_trace)

    debug = sub.add_parser("debug", help="open the debugger (TUI) on a program")
    debug.add_argument("file", nargs="?", default=None,
                       help=f"the program (default: the bundled {DEFAULT_SAMPLE})")
    add_limit_options(debug)
    add_level_option(debug, 0)
    debug.set_defaults(handler=cmd_debug)

    shots = sub.add_parser("screenshots", help="play the debugger's scenes headlessly and "
                           "write one SVG screenshot each")
    shots.add_argument("--out", default="screenshots", metavar="DIR",
                       help="where to write the SVGs (default: screenshots)")
    shots.add_argument("--size", default="120x40", metavar="WxH",
                       help="terminal size in cells (default 120x40)")
    shots.add_argument("--scene", action="append", default=[], metavar="NAME",
                       help="only this scene (repeatable): stepping, breakpoint, error, heat, "
                            "profile")
    shots.set_defaults(handler=cmd_screenshots)

    register_front_ends(sub)

    from vmscope.bench import register as register_bench

    register_bench(sub)
    register_profiler(sub)
    register_rows(sub)


def register_front_ends(sub: Any) -> None:
    """`vmscope dap` (editors) and `vmscope serve` (a browser)."""
    from vmscope.cli import add_level_option, add_limit_options

    dap = sub.add_parser("dap", help="serve the Debug Adapter Protocol to an editor "
                         "(on stdio, or one client over TCP with --port)")
    dap.add_argument("--port", type=_port, default=None, metavar="N",
                     help="serve one client on 127.0.0.1:N instead of stdio (0: any free port)")
    dap.add_argument("--log", default=None, metavar="FILE",
                     help="log the protocol traffic and any problem to FILE")
    dap.set_defaults(handler=cmd_dap)

    serve = sub.add_parser("serve", help="serve the debugger (TUI) in a browser on 127.0.0.1")
    serve.add_argument("file", nargs="?", default=None,
                       help=f"the program (default: the bundled {DEFAULT_SAMPLE})")
    serve.add_argument("--port", type=_port, default=8000, metavar="N",
                       help="the port on 127.0.0.1 (default 8000)")
    add_limit_options(serve)
    add_level_option(serve, 0)
    serve.set_defaults(handler=cmd_serve)


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number (0 to 65535), got {text!r}")
    return int(text)


def cmd_dap(args: argparse.Namespace) -> int:
    from vmscope.dap import run

    return run(args.port, args.log)


def cmd_serve(args: argparse.Namespace) -> int:
    from pathlib import Path

    from vmscope.cli import UsageError, limits_of, read_program
    from vmscope.tui.serve import HOST, debug_options, serve

    if args.port == 0:
        raise UsageError("serve needs a port from 1 to 65535 (the page names it)")
    if args.file is not None:
        read_program(args.file)  # a missing file is an error now, not in every tab
    file = Path(args.file).resolve() if args.file is not None else None
    try:
        return serve(file, debug_options(args.level, limits_of(args)), args.port)
    except OSError as exc:
        raise UsageError(f"cannot listen on {HOST}:{args.port}: {exc.strerror or exc}") from None


def register_profiler(sub: Any) -> None:
    """`vmscope profile ...`: everything after the word goes to the profiler's
    own parsers (profile FILE, or profile diff A B), so no profiler module
    loads before that command runs."""
    p = sub.add_parser("profile", add_help=False, prefix_chars="\x01",
                       help="profile a program: time by instruction, opcode, line, function, "
                       "loop and sequence (also: profile diff A.json B.json)")
    p.add_argument("argv", nargs=argparse.REMAINDER)
    p.set_defaults(handler=cmd_profile)


def cmd_profile(args: argparse.Namespace) -> int:
    from vmscope.profiler.cli import main

    return main(args.argv)


def register_rows(sub: Any) -> None:
    """`vmscope eval`: a row expression over a CSV file (see vmscope.rows)."""
    from vmscope.cli import add_level_option, add_limit_options

    p = sub.add_parser("eval", help="evaluate an expression once per row of a CSV file")
    p.add_argument("expr", metavar="EXPR",
                   help="the expression, on one line (after `--` if it starts with -)")
    p.add_argument("--rows", required=True, metavar="FILE.csv",
                   help="the table: a CSV file whose header names the columns, "
                        "each `name` or `name:TYPE` (int, float, str, bool)")
    p.add_argument("--where", action="store_true",
                   help="write the rows for which EXPR is truthy, as CSV under the header")
    p.add_argument("--engine", choices=("closure", "ast"), default="closure",
                   help="the closure VM (default) or the reference AST interpreter")
    p.add_argument("--profile", nargs="?", const="sample", default=None, metavar="MODE",
                   choices=("sample", "count", "timed"),
                   help="profile the per-row program (MODE sample, count or timed; default "
                        "sample) at -O1 unless -O is given; the report goes to stderr")
    add_limit_options(p)
    add_level_option(p, 2)
    p.set_defaults(handler=cmd_eval, level=None)  # None: 2, or 1 with --profile


def cmd_eval(args: argparse.Namespace) -> int:
    from vmscope.rows.command import cmd_eval as run_eval

    return run_eval(args)


def cmd_trace(args: argparse.Namespace) -> int:
    from vmscope.cli import compile_file, limits_of
    from vmscope.debug.trace import write_trace

    program = compile_file(args.file, args.level)
    return write_trace(program, sys.stdout.write, limit=args.limit, start_line=args.start_line,
                       start_ip=args.start_ip, function=args.function,
                       limits=limits_of(args))


def bundled_sample() -> tuple[str, bytes]:
    data = resources.files("vmscope.samples").joinpath(DEFAULT_SAMPLE).read_bytes()
    return DEFAULT_SAMPLE, data


def cmd_debug(args: argparse.Namespace) -> int:
    from vmscope.cli import limits_of, read_program

    name, data = bundled_sample() if args.file is None else read_program(args.file)
    from pathlib import Path

    from vmscope.tui.app import run_debugger

    path = None if args.file is None or args.file == "-" else Path(args.file)
    return run_debugger(name, data, limits_of(args), level=args.level, path=path)


def cmd_screenshots(args: argparse.Namespace) -> int:
    from pathlib import Path

    from vmscope.cli import UsageError
    from vmscope.tui.screenshots import parse_size, write_screenshots

    try:
        paths = write_screenshots(Path(args.out), args.scene, parse_size(args.size))
    except (ValueError, KeyError) as exc:
        raise UsageError(str(exc.args[0])) from None
    for path in paths:
        sys.stdout.write(f"{path}\n")
    return 0


def open_default_debugger() -> int:
    """`vmscope` with no arguments: the debugger on the bundled sample."""
    from vmscope.lang.values import Limits
    from vmscope.tui.app import run_debugger

    name, data = bundled_sample()
    return run_debugger(name, data, Limits())
