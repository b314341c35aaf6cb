"""Allocations per row, counted exactly: `vmscope bench --allocations`.

CPython keeps no count of short-lived allocations, so each variant evaluates
the mixed row expression in a child process under valgrind's callgrind,
twice (SMALL and LARGE rows of the same generated table); callgrind counts
every call into CPython's allocator and object constructors, and the
difference between the two runs, divided by the extra rows, is what one row
costs. Deterministic: no timing is involved. Needs valgrind and a Python
whose symbols callgrind can name (the allocator's functions)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

SMALL, LARGE = 1000, 2000
EXPRESSION = '(price * qty) * (1 - discount) > 100 and name != "x"'
VARIANTS = ("ast", "O0", "O1", "O2", "python")
# what callgrind counts: the allocator's entry points, and the constructors
# of the objects an expression makes (floats come from a free list, so they
# are counted apart from the allocator)
ALLOCATOR = ("_PyObject_Malloc", "_PyObject_Calloc", "_PyObject_Realloc")
OBJECTS = {"float": "PyFloat_FromDouble", "int": "_PyLong_New", "tuple": "PyTuple_New"}


class NoValgrind(RuntimeError):
    pass


def call_counts(callgrind_out: str, names: tuple[str, ...]) -> dict[str, int]:
    """Calls into each of `names` recorded in a callgrind output file."""
    ids: dict[str, str] = {}
    totals = dict.fromkeys(names, 0)
    callee: str | None = None
    for line in callgrind_out.splitlines():
        if line.startswith(("fn=", "cfn=")):
            m = re.match(r"c?fn=\((\d+)\)(?: (.*))?", line)
            if m is None:
                continue
            if m.group(2):
                ids[m.group(1)] = m.group(2)
            callee = ids.get(m.group(1)) if line.startswith("cfn=") else None
        elif line.startswith("calls=") and callee in totals:
            totals[callee] += int(line[6:].split()[0])
    return totals


def child(variant: str, count: int) -> None:
    """The measured program: evaluate `count` rows of one generated table."""
    from vmscope.bench.rows import COLUMNS, SHAPES, generate
    from vmscope.rows.engines import make_runner
    from vmscope.rows.expr import compile_expression

    rows = generate(LARGE)[:count]  # the same table in both runs
    if variant == "python":
        fn = next(py for _, text, py in SHAPES if text == EXPRESSION)
        [fn(r) for r in rows[:10]]  # warm up, as the VM variants do
        [fn(r) for r in rows]
        return
    rx = compile_expression(EXPRESSION, COLUMNS)
    if variant != "ast":
        rx.level = int(variant[1:])
    runner = make_runner(rx, "ast" if variant == "ast" else "closure")
    runner.evaluate_rows(rows[:10])
    runner.evaluate_rows(rows)


def _run(valgrind: str, variant: str, count: int, out: Path) -> str:
    cmd = [valgrind, "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
           "-m", "vmscope.bench.allocations", "--child", variant, str(count)]
    subprocess.run(cmd, capture_output=True, check=True, stdin=subprocess.DEVNULL)
    return out.read_text(errors="replace")


def per_row(variant: str, valgrind: str | None = None) -> dict[str, float]:
    """Allocator calls and object constructions per row for one variant."""
    valgrind = valgrind or shutil.which("valgrind")
    if valgrind is None:
        raise NoValgrind("counting allocations needs valgrind (Debian: apt install valgrind)")
    names = ALLOCATOR + tuple(OBJECTS.values())
    with tempfile.TemporaryDirectory(prefix="vmscope-allocs-") as tmp:
        small = call_counts(_run(valgrind, variant, SMALL, Path(tmp) / "a.out"), names)
        large = call_counts(_run(valgrind, variant, LARGE, Path(tmp) / "b.out"), names)
    if not any(large.values()):
        raise NoValgrind("callgrind could not name CPython's allocator (a Python without "
                         "symbols?)")
    extra = LARGE - SMALL

    def rate(name: str) -> float:
        return (large[name] - small[name]) / extra

    result = {"allocator_calls": sum(rate(n) for n in ALLOCATOR)}
    result.update({f"{kind}_objects": rate(fn) for kind, fn in OBJECTS.items()})
    return result


def allocation_benchmark() -> dict[str, Any]:
    rows = {v: per_row(v) for v in VARIANTS}
    text = "allocations per row of " + EXPRESSION + " (callgrind, exact):\n" + "\n".join(
        f"  {v:<7} {r['allocator_calls']:5.2f} allocator calls, {r['float_objects']:.2f} floats, "
        f"{r['int_objects']:.2f} ints, {r['tuple_objects']:.2f} tuples" for v, r in rows.items())
    return {"expression": EXPRESSION, "per_row": rows, "text": text}


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit("usage: python -m vmscope.bench.allocations --child VARIANT COUNT")
