"""The benchmark suite runs every variant of a benchmark and checks their
answers agree before timing them; here on tiny inputs, for structure."""

from __future__ import annotations

import json
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
    assert data["rows"] == [] and data["continue"] is None and data["compile"] is None
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
