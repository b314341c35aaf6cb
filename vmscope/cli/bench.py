"""`vmscope bench`: the options; the machinery is vmscope.bench.command,
loaded when the command runs."""

from __future__ import annotations

from collections.abc import Sequence

from vmscope.cli.common import EXIT_OK, Parser, UsageError, positive, stdout


def parser() -> Parser:
    p = Parser(prog="vmscope bench", description="Benchmark the AST interpreter, the closure "
               "VM at each -O level and hand-written Python side by side, interleaved; "
               "medians and ratios.")
    p.add_argument("--rounds", type=positive, default=5, metavar="N",
                   help="interleaved rounds (default 5)")
    p.add_argument("--only", action="append", default=None, metavar="NAME",
                   help="run only this benchmark (repeatable): a program's name, rows or "
                        "compile (a wrong name lists them)")
    p.add_argument("--debugger", action="store_true",
                   help="also measure the debugger's continue speed")
    p.add_argument("--allocations", action="store_true",
                   help="also count allocations per row exactly, under valgrind (slow)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    return p


def main(argv: Sequence[str]) -> int:
    args = parser().parse_args(argv)
    from vmscope.bench.command import BenchError, BenchPlan, render, run_plan

    plan = BenchPlan(rounds=args.rounds, only=tuple(args.only or ()), debugger=args.debugger,
                     allocations=args.allocations)
    try:
        results = run_plan(plan)
    except BenchError as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        stdout().write(results.to_json() + "\n")
    else:
        render(results)  # rich, on sys.stdout: it finds the terminal's width and colours
    return EXIT_OK
