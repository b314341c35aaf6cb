"""Row expressions: one expression compiled once against the typed columns
of a table and evaluated for every row, on either engine (`vmscope eval`).

    from vmscope.rows import Column, compile_expression, evaluate_rows
    from vmscope.lang.nodes import TypeName

    rx = compile_expression("price * qty > 100",
                            [Column("price", TypeName.FLOAT), Column("qty", TypeName.INT)])
    evaluate_rows(rx, [[2.5, 10], [30.0, 4]])          # [False, True]
    evaluate_rows(rx, rows, engine="ast")              # the reference interpreter

    run_eval(EvalJob("price * qty > 100", "shop.csv", where=True), sys.stdout, sys.stderr)
"""

from __future__ import annotations

from vmscope.rows.engines import (
    ENGINES,
    AstRows,
    ClosureRows,
    RowRunner,
    evaluate_row,
    evaluate_rows,
    make_runner,
)
from vmscope.rows.expr import EXPR_FILE, RowCode, RowExpr, compile_expression
from vmscope.rows.run import EvalJob, run_eval
from vmscope.rows.table import Column, Table, TableError, parse_table, read_table

__all__ = [
    "ENGINES",
    "EXPR_FILE",
    "AstRows",
    "ClosureRows",
    "Column",
    "EvalJob",
    "RowCode",
    "RowExpr",
    "RowRunner",
    "Table",
    "TableError",
    "compile_expression",
    "evaluate_row",
    "evaluate_rows",
    "make_runner",
    "parse_table",
    "read_table",
    "run_eval",
]
