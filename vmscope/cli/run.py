"""`vmscope run FILE`: run a program on the closure VM or the AST interpreter."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from vmscope.cli.common import (
    Parser,
    add_file_argument,
    add_level_option,
    add_limit_options,
    compile_file,
    limits_of,
    report,
    stdout,
)
from vmscope.units import fmt_count, fmt_ns


def parser() -> Parser:
    p = Parser(prog="vmscope run", description="Run a program. Its output goes to stdout, "
               "errors to stderr; exit 0 on success, 1 on a runtime error, 2 on a compile "
               "or usage error.")
    add_file_argument(p)
    p.add_argument("--engine", choices=("closure", "ast"), default="closure",
                   help="the closure VM (default) or the reference AST interpreter")
    p.add_argument("--stats", action="store_true",
                   help="after the run, write steps, time, steps/s and call depth to stderr")
    add_limit_options(p)
    add_level_option(p, 2)
    return p


def main(argv: Sequence[str]) -> int:
    args = parser().parse_args(argv)
    program = compile_file(args.file, args.level)
    out = stdout()
    result = program.run(args.engine, out=out.write, limits=limits_of(args),
                         count_steps=args.stats)
    if result.error is not None:
        report(result.error, args.file)  # even when the reader of stdout went away
    else:
        out.flush()
    if args.stats:
        unit = "instructions" if args.engine == "closure" else "AST nodes"
        rate = result.steps / result.elapsed if result.elapsed > 0 else 0.0
        # the step count stays exact digits: scripts read it back into --max-steps
        sys.stderr.write(
            f"steps: {result.steps} ({unit})\n"
            f"time: {fmt_ns(result.elapsed * 1e9)}\n"
            f"steps/s: {fmt_count(rate)}\n"
            f"max call depth: {fmt_count(result.max_call_depth)}\n")
    return result.exit_code
