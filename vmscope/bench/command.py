"""`vmscope bench`: the engines side by side (closure VM vs AST interpreter),
and the debugger's continue speed against the fast loop."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from vmscope.api import compile_source
from vmscope.bench.programs import CONTINUE, CONTINUE_BREAK_LINE, QUICK
from vmscope.bench.runner import geomean, interleaved


def _discard(text: str) -> None:
    pass


def engines(rounds: int, names: list[str] | None = None) -> list[dict[str, Any]]:
    rows = []
    for name, src in QUICK.items():
        if names and name not in names:
            continue
        program = compile_source(src, f"{name}.vms")
        program.code  # compile outside the timed region  # noqa: B018
        t = interleaved({
            "ast": lambda p=program: p.run("ast", out=_discard),
            "closure": lambda p=program: p.run("closure", out=_discard),
        }, rounds, name)
        steps = program.run("closure", out=_discard, count_steps=True).steps
        rows.append({"name": name, "ast_s": t["ast"].median, "closure_s": t["closure"].median,
                     "speedup": t["ast"].median / t["closure"].median,
                     "instr_per_s": steps / t["closure"].median})
    return rows


def continue_speed(rounds: int) -> dict[str, Any]:
    from vmscope.debug import Session

    program = compile_source(CONTINUE, "continue.vms")

    def with_breakpoint() -> None:
        session = Session(program)
        session.add_breakpoint(line=CONTINUE_BREAK_LINE)
        snap = session.continue_()
        assert snap.reason.startswith("breakpoint"), snap.reason

    t = interleaved({"fast": lambda: program.run(out=_discard), "continue": with_breakpoint},
                    rounds, "continue")
    return {"fast_s": t["fast"].median, "continue_s": t["continue"].median,
            "relative_speed": t["fast"].median / t["continue"].median}


def render(rows: list[dict[str, Any]], cont: dict[str, Any] | None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="closure VM (-O0) vs AST interpreter, medians")
    for col in ("benchmark", "AST", "closure", "closure speedup", "instr/s"):
        table.add_column(col, justify="right" if col != "benchmark" else "left")
    for r in rows:
        table.add_row(r["name"], f"{r['ast_s'] * 1000:.1f} ms", f"{r['closure_s'] * 1000:.1f} ms",
                      f"{r['speedup']:.2f}x", f"{r['instr_per_s'] / 1e6:.2f} M")
    if rows:
        table.add_row("geomean", "", "", f"{geomean([r['speedup'] for r in rows]):.2f}x", "")
    console = Console()
    console.print(table)
    if cont:
        console.print(f"debugger continue-to-breakpoint: {cont['continue_s'] * 1000:.1f} ms vs "
                      f"fast loop {cont['fast_s'] * 1000:.1f} ms = "
                      f"{cont['relative_speed']:.0%} of fast-loop speed (median)")


def register(sub: Any) -> None:
    p = sub.add_parser("bench", help="benchmark the engines side by side")
    p.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    p.add_argument("--only", action="append", default=None, metavar="NAME",
                   help=f"run only these benchmarks ({', '.join(QUICK)})")
    p.add_argument("--debugger", action="store_true",
                   help="also measure the debugger's continue speed")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_bench)


def cmd_bench(args: argparse.Namespace) -> int:
    rows = engines(args.rounds, args.only)
    cont = continue_speed(args.rounds) if args.debugger else None
    if args.json:
        json.dump({"engines": rows, "continue": cont}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        render(rows, cont)
    return 0
