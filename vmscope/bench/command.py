"""`vmscope bench`: every benchmark on the AST interpreter, the closure VM at
each optimisation level and the hand-written Python equivalent, interleaved
in one run; medians, ratios and a geomean row; row evaluation
(vmscope.bench.rows) and compile time and memory (vmscope.bench.compile).
`debugger` adds the debugger's continue speed against the fast loop.

The command line (vmscope.cli.bench) builds a BenchPlan; a plan that cannot
run (an unknown name, no rounds, no valgrind) is a BenchError."""

from __future__ import annotations

import json
import platform
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from vmscope.bench.programs import CONTINUE, CONTINUE_BREAK_LINE, PROGRAMS
from vmscope.bench.runner import geomean, interleaved
from vmscope.errors import OutputClosed
from vmscope.units import fmt_count, fmt_ns

LEVELS = (0, 1, 2)
EXTRA = ("eval", "rows", "compile")  # benchmarks that are not programs
ON_REQUEST = ("eval",)  # minutes long: only when named with --only
BAR_WIDTH = 20  # the widest bar; narrower when the terminal is


class BenchError(ValueError):
    """A plan that cannot run: the message says why, in one line."""


@dataclass(frozen=True)
class BenchPlan:
    rounds: int = 5
    only: tuple[str, ...] = ()  # empty: every benchmark
    debugger: bool = False
    allocations: bool = False

    def wants(self, name: str) -> bool:
        if name in ON_REQUEST:
            return name in self.only
        return not self.only or name in self.only


def known_names() -> list[str]:
    return [b.name for b in PROGRAMS] + list(EXTRA)


def check(plan: BenchPlan) -> None:
    if plan.rounds < 1:
        raise BenchError(f"at least one round is needed, got {plan.rounds}")
    known = known_names()
    unknown = [name for name in plan.only if name not in known]
    if unknown:
        raise BenchError(f"no benchmark named {unknown[0]!r}; choose from {', '.join(known)}")


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
    from vmscope.debug import Session, StopReason

    program = compile_source(CONTINUE, "continue.vms")

    def with_breakpoint() -> None:
        session = Session(program)
        session.add_breakpoint(line=CONTINUE_BREAK_LINE)
        snap = session.continue_()
        assert snap.reason is StopReason.BREAKPOINT, snap.reason

    t = interleaved({"fast": lambda: program.run(out=_discard), "continue": with_breakpoint},
                    rounds, "continue")
    fast, cont = t["fast"].median, t["continue"].median
    return {"name": "continue to a breakpoint", "fast_s": fast, "continue_s": cont,
            "relative_speed": fast / cont,
            "text": f"debugger continue-to-breakpoint runs at {fast / cont:.0%} of the fast "
                    f"loop ({fmt_ns(cont * 1e9)} vs {fmt_ns(fast * 1e9)}, medians)"}


def debugger_rows(rounds: int) -> list[dict[str, Any]]:
    """`--debugger`: continue, reverse execution, watchpoints and snapshots
    against the fast loop (vmscope.bench.debugger)."""
    from vmscope.bench.debugger import debugger_benchmarks

    return [continue_speed(rounds), *debugger_benchmarks(rounds)]


def summary(rows: list[dict[str, Any]]) -> dict[str, float]:
    return {f"O{lvl}_geomean_speedup": geomean([r[f"O{lvl}_speedup"] for r in rows])
            for lvl in LEVELS} | {
        f"O{lvl}_min_speedup": min((r[f"O{lvl}_speedup"] for r in rows), default=0.0)
        for lvl in LEVELS}


def machine() -> str:
    import os

    return (f"{platform.python_implementation()} {platform.python_version()}, "
            f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}")


@dataclass(frozen=True)
class Results:
    programs: list[dict[str, Any]]
    rows: list[dict[str, Any]]
    compile: dict[str, Any] | None
    debugger: list[dict[str, Any]] | None
    allocations: dict[str, Any] | None
    eval: dict[str, Any] | None = None

    def to_json(self) -> str:
        return json.dumps({"machine": machine(), "programs": self.programs,
                           "summary": summary(self.programs) if self.programs else {},
                           "rows": self.rows, "allocations": self.allocations,
                           "compile": self.compile, "debugger": self.debugger,
                           "eval": self.eval}, indent=2)


def run_plan(plan: BenchPlan) -> Results:
    """Every benchmark the plan asks for; BenchError before any runs if it cannot."""
    check(plan)
    allocs = None
    if plan.allocations:
        from vmscope.bench.allocations import NoValgrind, allocation_benchmark

        try:
            allocs = allocation_benchmark()
        except NoValgrind as exc:
            raise BenchError(str(exc)) from None
    programs = program_rows(plan.rounds, list(plan.only) or None)
    rows: list[dict[str, Any]] = []
    if plan.wants("rows"):
        from vmscope.bench.rows import row_benchmarks

        rows = row_benchmarks(plan.rounds)
    comp = None
    if plan.wants("compile"):
        from vmscope.bench.compile import compile_benchmark

        comp = compile_benchmark(min(plan.rounds, 3))
    stream = None
    if plan.wants("eval"):
        from vmscope.bench.stream import eval_benchmark

        stream = eval_benchmark(plan.rounds)
    debugger = debugger_rows(plan.rounds) if plan.debugger else None
    return Results(programs, rows, comp, debugger, allocs, stream)


# ---- the report ---------------------------------------------------------------------------


def render(results: Results, out: TextIO | None = None, width: int | None = None) -> None:
    """The tables and notes, fitted to `width` columns (default: the
    terminal's, or $COLUMNS, or 80): titles wrap whole above their tables
    and every column keeps its full text."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:  # rich would exit 1: a closed pipe is a normal end
            self.quiet = True
            raise OutputClosed

    console = _Console(file=out, width=width, highlight=False)
    if results.programs:
        console.print("vmscope bench: speedup over the AST interpreter (medians)")
        console.print(machine())
        console.print(_program_table(results.programs, console))
    shaped = [r for r in results.rows if "ns_per_row" in r]
    if shaped:
        console.print("row evaluation: time per row (medians)")
        console.print(_rows_table(shaped))
    for r in results.rows:  # any other row benchmark brings its own text
        if "ns_per_row" not in r and "text" in r:
            console.print(r["text"], markup=False)
    if results.compile:
        console.print(results.compile["text"], markup=False)
    if results.eval:
        console.print(results.eval["text"], markup=False)
    for r in results.debugger or ():
        console.print(r["text"], markup=False)
    if results.allocations:
        console.print(results.allocations["text"], markup=False)


def _program_table(rows: list[dict[str, Any]], console: Any) -> Any:
    from rich.measure import Measurement
    from rich.table import Table

    def table(bar_width: int, stacked: bool) -> Table:
        t = Table()
        t.add_column("benchmark", no_wrap=True)
        for lvl in LEVELS:
            t.add_column(f"-O{lvl}", justify="right", no_wrap=True)
        sep = "\n" if stacked else " "
        t.add_column(f"-O2 vs{sep}Python", justify="right", no_wrap=True)
        t.add_column(f"-O2{sep}instr/s", justify="right", no_wrap=True)
        if bar_width:
            t.add_column("", width=bar_width, no_wrap=True)
        best = max([r["O2_speedup"] for r in rows] or [1.0])
        for r in rows:
            cells = [r["name"], *(f"{r[f'O{lvl}_speedup']:.2f}x" for lvl in LEVELS),
                     f"{r['O2_vs_python']:.1f}x slower", fmt_count(r["O2_instr_per_s"])]
            if bar_width:
                bar = "█" * max(1, round(bar_width * r["O2_speedup"] / best))
                cells.append(f"[green]{bar}[/]")
            t.add_row(*cells)
        s = summary(rows)
        t.add_row("[b]geomean[/]", *(f"[b]{s[f'O{lvl}_geomean_speedup']:.2f}x[/]"
                                     for lvl in LEVELS), "", "", *([""] if bar_width else []))
        return t

    def width(t: Table) -> int:  # what it needs, whatever the console has
        return int(Measurement.get(console, console.options.update_width(10_000), t).maximum)

    # headers on two lines where one does not fit; the bar takes what the figures
    # leave (its cells plus 3 for padding and border), and is left out below 5 cells
    stacked = width(table(0, False)) > console.width
    room = console.width - width(table(0, stacked)) - 3
    return table(min(BAR_WIDTH, room) if room >= 5 else 0, stacked)


def _rows_table(rows: list[dict[str, Any]]) -> Any:
    from rich.table import Table
    from rich.text import Text

    variants = [("ast", "AST"), ("O0", "-O0"), ("O1", "-O1"), ("O2", "-O2"),
                ("O2 one row per entry", "-O2\na row\nper entry"), ("python", "Python")]
    t = Table()
    t.add_column("expression", ratio=1, overflow="fold")
    for _, header in variants:
        t.add_column(header, justify="right", no_wrap=True)
    for r in rows:
        ns = r["ns_per_row"]
        t.add_row(Text(r.get("expr", r.get("name", ""))),
                  *(fmt_ns(ns[key]) if key in ns else "—" for key, _ in variants))
    return t
