"""`vmscope eval EXPR --rows FILE.csv [--where]`: the expression once per row.

Order of work: read the table (usage errors, exit 2), compile the expression
with the column types (compile errors at `<expr>:1:COL`, exit 2), then
evaluate the rows in chunks, writing each chunk's output before the next
runs. A runtime error in row N is reported as `<expr>:1:COL: Kind: row N:
message` with the `<main>` frame under it, a bad data row as `<expr>:1:1:
ValueError: row N, column NAME: ...`, both exit 1 after the rows before them
have been written."""

from __future__ import annotations

import argparse
import csv
import sys
from typing import TextIO

from vmscope.cli import EXIT_OK, EXIT_RUNTIME, EXIT_USAGE, UsageError, limits_of, report
from vmscope.errors import CompileError, GuestError
from vmscope.lang.values import Limits, Value, display
from vmscope.rows.engines import make_runner
from vmscope.rows.expr import EXPR_FILE, RowExpr, compile_expression
from vmscope.rows.table import Table, TableError, read_table

CHUNK = 4096  # rows evaluated per VM entry before their output is written


def expression_bytes(text: str) -> bytes:
    """The command-line argument's bytes: undecodable bytes come back from
    the surrogate escapes, so they are reported as the lexer reports them."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


class _Output:
    """Writes evaluated rows in order, flushing finished rows before any text
    the expression itself prints (so `print` output stays in row order)."""

    def __init__(self, stream: TextIO, table: Table, where: bool) -> None:
        self.stream = stream
        self.table = table
        self.where = where
        self.writer = csv.writer(stream, lineterminator="\n") if where else None
        self.results: list[Value] = []
        self.first_row = 0  # index (0-based, data rows) of results[0]
        self.done = 0  # results already written

    def start(self, first_row: int) -> list[Value]:
        self.first_row, self.done = first_row, 0
        self.results = []
        return self.results

    def flush(self) -> None:
        pending = self.results[self.done:]
        if not pending:
            return
        if self.writer is None:
            self.stream.write("".join([display(v) + "\n" for v in pending]))
        else:
            cells = self.table.cells
            start = self.first_row + self.done
            self.writer.writerows([cells[start + i] for i, v in enumerate(pending) if v])
        self.done = len(self.results)

    def write(self, text: str) -> None:
        self.flush()
        self.stream.write(text)


def cmd_eval(args: argparse.Namespace) -> int:
    limits = limits_of(args)  # usage errors first: options, then the table
    try:
        table = read_table(args.rows)
    except TableError as exc:
        raise UsageError(str(exc)) from None
    if args.profile is not None and args.engine != "closure":
        raise UsageError("--profile profiles the closure VM; drop --engine ast")
    if args.profile is not None and limits.max_steps is not None:
        raise UsageError("--max-steps does not combine with --profile")
    level = args.level if args.level is not None else (1 if args.profile else 2)
    try:
        rx = compile_expression(expression_bytes(args.expr), table.columns)
        rx.level = level
    except CompileError as err:
        report(err, EXPR_FILE)
        return EXIT_USAGE
    out = sys.stdout
    output = _Output(out, table, args.where)
    runner = make_runner(rx, args.engine, limits, output.write)
    rows, bad_row = table.convert(limits)  # int cells obey the int-size limit
    if args.where:
        out.write(table.header_line + "\n")
    if args.profile is not None and rows:
        return _profiled(rx, rows, bad_row, args.profile, output, limits)
    for start in range(0, len(rows), CHUNK):
        results = output.start(start)
        try:
            runner.evaluate_rows(rows[start:start + CHUNK], results)
        except GuestError as err:
            output.flush()
            err.message = f"row {start + len(results) + 1}: {err.message}"
            return _fail(err)
        output.flush()
    if bad_row is not None:
        return _fail(bad_row)
    out.flush()
    return EXIT_OK


def _profiled(rx: RowExpr, rows: list[tuple[Value, ...]], bad_row: GuestError | None, mode: str,
              output: _Output, limits: Limits) -> int:
    """All rows in one profiled run; the report goes to stderr after the
    results, which stay alone on stdout (so `--where` CSV stays clean)."""
    from vmscope.rows.profiling import profile_rows

    report_text, error = profile_rows(rx, rows, rx.level, mode, output.start(0),
                                      output.write, limits)
    output.flush()
    output.stream.flush()
    sys.stderr.write(report_text)
    if error is not None:
        error.message = f"row {len(output.results) + 1}: {error.message}"
        return _fail(error)
    if bad_row is not None:
        return _fail(bad_row)
    return EXIT_OK


def _fail(err: GuestError) -> int:
    report(err, EXPR_FILE)
    return EXIT_RUNTIME
