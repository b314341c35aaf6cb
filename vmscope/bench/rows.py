"""Row evaluation, in the five shapes of evalengine's benchmarks (an
arithmetic mix; int, float, string and mixed comparisons): one expression
compiled once with typed columns, evaluated over generated rows by the AST
interpreter, the closure VM at each level (many rows per VM entry, and one
entry per row) and a Python lambda. Reports ns/row and peak memory per row."""

from __future__ import annotations

import random
import tracemalloc
from collections.abc import Callable
from typing import Any

from vmscope.bench.runner import interleaved
from vmscope.lang.nodes import TypeName
from vmscope.lang.values import Value
from vmscope.rows.engines import RowRunner, make_runner
from vmscope.rows.expr import compile_expression
from vmscope.rows.table import Column

COLUMNS = (Column("name", TypeName.STR, nullable=False),
           Column("price", TypeName.FLOAT, nullable=False),
           Column("qty", TypeName.INT, nullable=False),
           Column("discount", TypeName.FLOAT, nullable=False))

Row = list[Value]
SHAPES: list[tuple[str, str, Callable[[Row], object]]] = [
    ("rows: arithmetic", "(price * qty) * (1 - discount)",
     lambda r: (r[1] * r[2]) * (1 - r[3])),
    ("rows: int compare", "qty > 4 and qty != 7", lambda r: r[2] > 4 and r[2] != 7),
    ("rows: float compare", "price * 1.07 > 40.0", lambda r: r[1] * 1.07 > 40.0),
    ("rows: str compare", 'name < "m" and name != "x"', lambda r: r[0] < "m" and r[0] != "x"),
    ("rows: mixed", '(price * qty) * (1 - discount) > 100 and name != "x"',
     lambda r: (r[1] * r[2]) * (1 - r[3]) > 100 and r[0] != "x"),
]


def generate(count: int, seed: int = 1) -> list[Row]:
    rnd = random.Random(seed)
    names = ["x", "apple", "pear", "plum", "fig"]
    return [[rnd.choice(names), round(rnd.uniform(0.5, 80.0), 2), rnd.randint(1, 9),
             rnd.choice((0.0, 0.05, 0.1, 0.25))] for _ in range(count)]


def peak_bytes_per_row(fn: Callable[[], object], count: int) -> float:
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / count


def row_benchmarks(rounds: int, count: int = 100_000) -> list[dict[str, Any]]:
    rows = generate(count)
    results = []
    for name, text, python in SHAPES:
        rx = compile_expression(text, COLUMNS)
        ast = make_runner(rx, "ast")
        runners = {}
        for level in (0, 1, 2):
            rx.level = level
            runners[level] = make_runner(rx, "closure")
        want = ast.evaluate_rows(rows)
        assert all(r.evaluate_rows(rows) == want for r in runners.values()), name
        assert [python(r) for r in rows] == want, name

        def one_by_one(evaluate: Callable[[Row], object] = runners[2].evaluate_row) -> None:
            for row in rows:
                evaluate(row)

        def batch(runner: RowRunner) -> Callable[[], object]:
            return lambda: runner.evaluate_rows(rows)

        def plain(fn: Callable[[Row], object]) -> Callable[[], object]:
            return lambda: [fn(r) for r in rows]

        variants: dict[str, Callable[[], object]] = {
            "ast": batch(ast), "python": plain(python), "O2 one row per entry": one_by_one}
        for level, runner in runners.items():
            variants[f"O{level}"] = batch(runner)
        t = interleaved(variants, rounds, name)
        ns = {v: t[v].median / count * 1e9 for v in t}
        results.append({
            "name": name, "expr": text, "ns_per_row": ns,
            "O1_speedup": ns["ast"] / ns["O1"], "O2_speedup": ns["ast"] / ns["O2"],
            "peak_bytes_per_row": {"ast": peak_bytes_per_row(batch(ast), count),
                                   "O2": peak_bytes_per_row(batch(runners[2]), count)},
            "text": (f"{name:<20} {text:<52} AST {ns['ast']:6.0f}  O0 {ns['O0']:6.0f}  "
                     f"O1 {ns['O1']:6.0f}  O2 {ns['O2']:6.0f}  Python {ns['python']:5.0f} "
                     f"ns/row"),
        })
    return results
