"""The benchmark suite runs every variant of a benchmark and checks their
answers agree before timing them; here on tiny inputs, for structure."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

import vmscope
from vmscope.bench.programs import PROGRAMS
from vmscope.bench.rows import SHAPES, row_benchmarks


def test_every_program_matches_its_python_equivalent() -> None:
    assert len(PROGRAMS) + len(SHAPES) >= 10
    for bench in PROGRAMS:
        program = vmscope.compile_source(bench.source, f"{bench.name}.vms")
        want = bench.python()
        text = " ".join(map(str, want)) if isinstance(want, tuple) else str(want)
        for level in (0, 1, 2):
            assert program.at_level(level).run().output == text + "\n", (bench.name, level)
        assert program.run("ast").output == text + "\n"


def test_row_benchmarks_report_every_variant() -> None:
    results = row_benchmarks(rounds=1, count=300)
    assert [r["name"] for r in results] == [name for name, _, _ in SHAPES]
    for r in results:
        assert set(r["ns_per_row"]) == {"ast", "python", "O0", "O1", "O2",
                                        "O2 one row per entry"}
        assert all(ns > 0 for ns in r["ns_per_row"].values())
        assert r["peak_bytes_per_row"]["O2"] > 0


def test_bench_command_json() -> None:
    proc = subprocess.run([sys.executable, "-m", "vmscope", "bench", "--only", "loop",
                           "--rounds", "1", "--json"], capture_output=True, text=True,
                          check=True, timeout=300)
    data = json.loads(proc.stdout)
    (row,) = data["programs"]
    assert row["name"] == "loop"
    assert {"ast", "python", "O0", "O1", "O2"} <= set(row["seconds"])
    assert row["O1_speedup"] > 0 and row["O2_instr_per_s"] > 0
    assert data["rows"] == [] and data["debugger"] is None and data["compile"] is None
    # With one benchmark the geomean is that benchmark's own speedup.
    assert abs(data["summary"]["O1_geomean_speedup"] - row["O1_speedup"]) < 1e-9


def test_bench_refuses_an_unknown_name() -> None:
    proc = subprocess.run([sys.executable, "-m", "vmscope", "bench", "--only", "nosuch",
                           "--rounds", "1"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("vmscope: no benchmark named 'nosuch'; choose from fib,")
    assert proc.stderr.rstrip().endswith("rows, compile")


def test_compile_benchmark_program_is_sized_and_runs_alike() -> None:
    from vmscope.bench.compile import _memory, sized_source

    source, count = sized_source(3000)
    program = vmscope.compile_source(source, "generated.vms")
    assert count == len(program.compiled(0).code) >= 3000
    assert len(program.compiled(0).code) < 3000 + 200  # one function's worth over, at most
    want = program.run("ast")
    assert want.error is None and want.output.strip().isdigit()
    for level in (0, 1, 2):
        assert program.at_level(level).run().output == want.output
    instructions, retained, peak = _memory(source, 1)
    assert instructions == len(program.compiled(1).code) and 0 < retained <= peak


CALLGRIND = """\
version: 1
cmd: python
events: Ir
fn=(1) main
0 10
cfn=(2) _PyObject_Malloc
calls=3 0x0
0 30
cfn=(3) PyFloat_FromDouble
calls=2 0x0
0 8
fn=(4) helper
cfn=(2)
calls=4 0x0
0 40
cfn=(5) _PyObject_Free
calls=9 0x0
0 9
"""


def test_callgrind_call_counts_follow_compressed_names() -> None:
    from vmscope.bench.allocations import call_counts

    counts = call_counts(CALLGRIND, ("_PyObject_Malloc", "PyFloat_FromDouble", "PyTuple_New"))
    assert counts == {"_PyObject_Malloc": 7, "PyFloat_FromDouble": 2, "PyTuple_New": 0}


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
@pytest.mark.parametrize("variant", ["O0", "O2"])
def test_allocations_per_row_are_counted_exactly(variant: str) -> None:
    from vmscope.bench.allocations import per_row

    counts = per_row(variant)
    # (price * qty) * (1 - discount) makes three floats a row; the results
    # list grows now and then; nothing else is allocated (at -O0 `next row`
    # once made an int a row)
    assert counts["float_objects"] == 3.0 and counts["int_objects"] == 0.0
    assert counts["tuple_objects"] == 0.0 and 0 < counts["allocator_calls"] < 0.1


@pytest.mark.parametrize("rounds", ["0", "-1"])
def test_bench_needs_at_least_one_round(rounds: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "vmscope", "bench", "--rounds", rounds],
                          capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == ("vmscope: argument --rounds: expected a whole number >= 1, "
                           f"got '{rounds}'\n")


def test_a_plan_that_cannot_run_is_a_bench_error() -> None:
    from vmscope.bench.command import BenchError, BenchPlan, check

    for plan in (BenchPlan(rounds=0), BenchPlan(rounds=-3), BenchPlan(only=("nosuch",))):
        with pytest.raises(BenchError):
            check(plan)
    check(BenchPlan(rounds=1, only=("fib", "rows", "compile")))


def _fake_results() -> object:
    from vmscope.bench.command import Results

    programs = [{"name": b.name, "what": b.what, "seconds": {},
                 **{f"O{lvl}_speedup": 1.0 + lvl + i / 7 for lvl in (0, 1, 2)},
                 **{f"O{lvl}_vs_python": 13.9 + i for lvl in (0, 1, 2)},
                 **{f"O{lvl}_instr_per_s": 2.345e6 * (i + 1) for lvl in (0, 1, 2)}}
                for i, b in enumerate(PROGRAMS)]
    rows = [{"name": name, "expr": text,
             "ns_per_row": {"ast": 2202.0, "O0": 2231.0, "O1": 505.0, "O2": 277.0,
                            "O2 one row per entry": 568.0, "python": 216.0}}
            for name, text, _ in SHAPES]
    return Results(programs, rows, None, None, None)


@pytest.mark.parametrize("width", [80, 64])
def test_the_report_fits_the_terminal_with_every_text_whole(width: int) -> None:
    import io

    from vmscope.bench.command import machine, render

    out = io.StringIO()
    render(_fake_results(), out, width=width)  # type: ignore[arg-type]
    text = out.getvalue()
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
    assert "…" not in text  # nothing cut
    assert machine() in lines  # the title's machine line, whole
    for b in PROGRAMS:
        assert re.search(rf"│ {b.name} +│", text), b.name
    assert "13.9x slower" in text and "2.35M" in text  # instr/s in the one number style
    assert "2.20 µs" in text and "277 ns" in text  # times in the unit that fits
    for header in ("-O2 vs", "Python", "instr/s"):
        assert header in text


def test_bench_piped_at_80_columns() -> None:
    """`COLUMNS=80 vmscope bench --only fib | cat`: the title and every column whole."""
    from vmscope.bench.command import machine

    env = {**os.environ, "COLUMNS": "80"}
    proc = subprocess.run([sys.executable, "-m", "vmscope", "bench", "--only", "fib",
                           "--rounds", "1"], capture_output=True, text=True, env=env,
                          timeout=300, check=True)
    lines = proc.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80 and "…" not in proc.stdout
    assert lines[:2] == ["vmscope bench: speedup over the AST interpreter (medians)",
                         machine()]
    assert re.search(r"│ fib +│ +\d\.\d\dx │ +\d\.\d\dx │ +\d\.\d\dx │ +[\d.]+x slower │ +"
                     r"[\d.,]+[MG]? │", proc.stdout), proc.stdout


def test_compile_report_uses_the_one_number_style() -> None:
    from vmscope.bench.compile import describe

    memory = {f"O{lvl}": {"instructions": 1_234_567, "bytes_per_instruction": 513.4,
                          "peak_bytes": 51 * 2**20} for lvl in (0, 1, 2)}
    text = describe(1_000_000, 100_061, {"front end": 1.8, "O0": 0.0014, "O1": 2.4,
                                         "O2": 2.0}, memory)
    assert text.startswith("compile: a generated program of 1.00M lines, 100,061 "
                           "instructions at -O0; front end 1.80 s; -O0 1.40 ms (1.23M "
                           "instructions, 513 B each, peak 51.0 MB)")
    assert not re.search(r"\d{4}", text)  # no long run of digits without separators


def test_a_row_benchmark_of_another_shape_prints_its_own_text() -> None:
    import io

    from vmscope.bench.command import Results, render

    other = {"name": "eval end to end", "text": "eval: 2,000,000 rows in 1.50 s"}
    out = io.StringIO()
    render(Results([], [other], None, None, None), out, width=80)
    assert out.getvalue() == "eval: 2,000,000 rows in 1.50 s\n"
