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

    from vmscope.bench.command import register as register_bench

    register_bench(sub)
    register_profiler(sub)


def register_profiler(sub: Any) -> None:
    """The profiler's subcommands (kept apart: the profiler owns its options)."""
    try:
        from vmscope.profiler.cli import register as register_profile
    except ImportError:
        return
    register_profile(sub)


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
    from vmscope.tui.app import run_debugger

    return run_debugger(name, data, limits_of(args), level=args.level)


def open_default_debugger() -> int:
    """`vmscope` with no arguments: the debugger on the bundled sample."""
    from vmscope.lang.values import Limits
    from vmscope.tui.app import run_debugger

    name, data = bundled_sample()
    return run_debugger(name, data, Limits())
