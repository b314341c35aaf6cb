"""Benchmarks: engines side by side in one process, medians and ratios.

Only the options live here, so that registering `vmscope bench` costs the
other commands nothing; the machinery (vmscope.bench.command) loads when the
command runs."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("bench", help="benchmark the engines and levels side by side")
    p.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    p.add_argument("--only", action="append", default=None, metavar="NAME",
                   help="run only this benchmark (repeatable): a program's name, rows or "
                        "compile (a wrong name lists them)")
    p.add_argument("--debugger", action="store_true",
                   help="also measure the debugger's continue speed")
    p.add_argument("--allocations", action="store_true",
                   help="also count allocations per row exactly, under valgrind (slow)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_cmd_bench)


def _cmd_bench(args: argparse.Namespace) -> int:
    from vmscope.bench.command import cmd_bench

    return cmd_bench(args)
