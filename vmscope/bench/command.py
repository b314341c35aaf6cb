"""`vmscope bench`: every benchmark on the AST interpreter, the closure VM at
each optimisation level and the hand-written Python equivalent, interleaved
in one run; medians, ratios and a geomean row; row evaluation
(vmscope.bench.rows) and compile time and memory (vmscope.bench.compile).
`--debugger` adds the debugger's continue speed against the fast loop."""

from __future__ import annotations

import argparse
import json
import platform
import sys
from collections.abc import Callable
from typing import Any

from vmscope.bench.programs import CONTINUE, CONTINUE_BREAK_LINE, PROGRAMS
from vmscope.bench.runner import geomean, interleaved

LEVELS = (0, 1, 2)


def _discard(text: str) -> None:
    pass


def program_rows(rounds: int, names: list[str] | None) -> list[dict[str, Any]]:
    from vmscope.api import Program, compile_source

    rows = []
    for bench in PROGRAMS:
        if names and bench.name not in names:
            continue
        base = compile_source(bench.source, f"{bench.name}.vms")
        levels = {lvl: base.at_level(lvl) for lvl in LEVELS}
        for program in levels.values():
            program.code  # noqa: B018 - compile outside the timed region

        def run(p: Program, engine: str) -> Callable[[], object]:
            return lambda: p.run(engine, out=_discard)

        variants = {"ast": run(base, "ast"), "python": bench.python}
        variants.update({f"O{lvl}": run(p, "closure") for lvl, p in levels.items()})
        t = interleaved(variants, rounds, bench.name)
        row: dict[str, Any] = {"name": bench.name, "what": bench.what,
                               "seconds": {v: t[v].median for v in t}}
        for lvl, program in levels.items():
            steps = program.run("closure", out=_discard, count_steps=True).steps
            row[f"O{lvl}_speedup"] = t["ast"].median / t[f"O{lvl}"].median
            row[f"O{lvl}_vs_python"] = t[f"O{lvl}"].median / t["python"].median
            row[f"O{lvl}_instr_per_s"] = steps / t[f"O{lvl}"].median
        rows.append(row)
    return rows


def continue_speed(rounds: int) -> dict[str, Any]:
    from vmscope.api import compile_source
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


def summary(rows: list[dict[str, Any]]) -> dict[str, float]:
    return {f"O{lvl}_geomean_speedup": geomean([r[f"O{lvl}_speedup"] for r in rows])
            for lvl in LEVELS} | {
        f"O{lvl}_min_speedup": min((r[f"O{lvl}_speedup"] for r in rows), default=0.0)
        for lvl in LEVELS}


def machine() -> str:
    import os

    return (f"{platform.python_implementation()} {platform.python_version()}, "
            f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}")


def render(rows: list[dict[str, Any]], extra: list[dict[str, Any]],
           cont: dict[str, Any] | None, comp: dict[str, Any] | None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"vmscope bench: speedup over the AST interpreter (medians) — "
                        f"{machine()}")
    table.add_column("benchmark")
    for lvl in LEVELS:
        table.add_column(f"-O{lvl}", justify="right")
    table.add_column("-O2 vs Python", justify="right")
    table.add_column("-O2 instr/s", justify="right")
    table.add_column("", min_width=20)
    best = max([r["O2_speedup"] for r in rows] or [1.0])
    for r in rows:
        bar = "█" * max(1, round(20 * r["O2_speedup"] / best))
        table.add_row(r["name"], *(f"{r[f'O{lvl}_speedup']:.2f}x" for lvl in LEVELS),
                      f"{r['O2_vs_python']:.1f}x slower", f"{r['O2_instr_per_s'] / 1e6:.2f} M",
                      f"[green]{bar}[/]")
    if rows:
        s = summary(rows)
        table.add_row("[b]geomean[/]", *(f"[b]{s[f'O{lvl}_geomean_speedup']:.2f}x[/]"
                                         for lvl in LEVELS), "", "", "")
    console.print(table)
    for r in extra:
        console.print(r["text"])
    if comp:
        console.print(comp["text"])
    if cont:
        console.print(f"debugger continue-to-breakpoint runs at {cont['relative_speed']:.0%} of "
                      f"the fast loop ({cont['continue_s'] * 1000:.1f} ms vs "
                      f"{cont['fast_s'] * 1000:.1f} ms, medians)")


def cmd_bench(args: argparse.Namespace) -> int:
    from vmscope.cli import UsageError

    known = [b.name for b in PROGRAMS] + ["eval", "rows", "compile"]
    unknown = [name for name in args.only or () if name not in known]
    if unknown:
        raise UsageError(f"no benchmark named {unknown[0]!r}; choose from {', '.join(known)}")
    allocs = None
    if args.allocations:
        from vmscope.bench.allocations import NoValgrind, allocation_benchmark

        try:
            allocs = allocation_benchmark()
        except NoValgrind as exc:
            raise UsageError(str(exc)) from None
    rows = program_rows(args.rounds, args.only)
    extra: list[dict[str, Any]] = []
    if not args.only or "rows" in args.only:
        from vmscope.bench.rows import row_benchmarks

        extra = row_benchmarks(args.rounds)
    comp = None
    if not args.only or "compile" in args.only:
        from vmscope.bench.compile import compile_benchmark

        comp = compile_benchmark(min(args.rounds, 3))
    cont = continue_speed(args.rounds) if args.debugger else None
    stream = None
    if args.only and "eval" in args.only:  # a minute or two: only when asked for
        from vmscope.bench.stream import eval_benchmark

        stream = eval_benchmark(args.rounds)
    if args.json:
        json.dump({"machine": machine(), "programs": rows, "summary": summary(rows) if rows
                   else {}, "rows": extra, "allocations": allocs, "compile": comp,
                   "continue": cont, "eval": stream}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        render(rows, extra, cont, comp)
        if allocs:
            sys.stdout.write(allocs["text"] + "\n")
        if stream:
            sys.stdout.write(stream["text"] + "\n")
    return 0
