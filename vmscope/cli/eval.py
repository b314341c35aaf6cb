"""`vmscope eval EXPR --rows FILE.csv`: a row expression over a CSV file.

The command builds an EvalJob from its arguments and vmscope.rows.run runs
it; the row engine's TableError (an unreadable file, a bad header, options
that do not combine) becomes a usage error.

Profiling: a bare `--profile` profiles in sample mode and never takes the
next argument as its mode (so `eval --profile 'EXPR' --rows F.csv` profiles
EXPR); `--profile=MODE` or `--profile-mode MODE` choose the mode."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO, cast

from vmscope.cli.common import (
    Parser,
    UsageError,
    add_level_option,
    add_limit_options,
    limits_of,
    stdout,
)

PROFILE_MODES = ("sample", "count", "timed")
_PROFILE_EQUALS = "--profile="


def parser() -> Parser:
    p = Parser(prog="vmscope eval", description="Evaluate an expression once per row of a "
               "CSV file: one display form a line, or with --where the rows for which it is "
               "true, as CSV. Exit status as for `vmscope run`.")
    p.add_argument("expr", metavar="EXPR",
                   help="the expression, on one line (after `--` if it starts with -)")
    p.add_argument("--rows", required=True, metavar="FILE.csv",
                   help="the table: a CSV file whose header names the columns, "
                        "each `name` or `name:TYPE` (int, float, str, bool)")
    p.add_argument("--where", action="store_true",
                   help="write the rows for which EXPR is truthy, as CSV under the header")
    p.add_argument("--engine", choices=("closure", "ast"), default="closure",
                   help="the closure VM (default) or the reference AST interpreter")
    p.add_argument("--profile", action="store_const", const="sample", default=None,
                   help="profile the per-row program (sample mode; --profile=MODE or "
                        "--profile-mode MODE for another) at -O1 unless -O is given; the "
                        "report goes to stderr")
    p.add_argument("--profile-mode", choices=PROFILE_MODES, default=None, metavar="MODE",
                   help="profile in MODE: sample, count or timed (implies --profile)")
    add_limit_options(p)
    add_level_option(p, None, "2, or 1 with --profile")
    return p


def split_profile_mode(argv: Sequence[str]) -> list[str]:
    """`--profile=MODE` as `--profile-mode MODE` (argparse cannot give an
    option both a bare form that takes nothing and an `=VALUE` form); left
    alone after `--`, where everything is EXPR."""
    out: list[str] = []
    for i, arg in enumerate(argv):
        if arg == "--":
            return out + list(argv[i:])
        if arg.startswith(_PROFILE_EQUALS):
            out += ["--profile-mode", arg[len(_PROFILE_EQUALS):]]
        else:
            out.append(arg)
    return out


def main(argv: Sequence[str]) -> int:
    args = parser().parse_args(split_profile_mode(argv))
    limits = limits_of(args)
    from vmscope.rows.run import EvalJob, run_eval
    from vmscope.rows.table import TableError

    job = EvalJob(expr=args.expr, rows=args.rows, where=args.where, engine=args.engine,
                  profile=args.profile_mode or args.profile, level=args.level, limits=limits)
    try:
        return run_eval(job, cast(TextIO, stdout()), sys.stderr)
    except TableError as exc:
        raise UsageError(str(exc)) from None
