"""`vmscope eval EXPR --rows FILE.csv [--where]`, as a library call:
`run_eval(EvalJob(...), out, err)` returns the exit status.

It streams, so memory does not grow with the file. Order of work: options
that do not combine and the header (usage errors, raised as TableError),
the expression against the column names (compile errors at `<expr>:1:COL`,
exit 2: found before a long file is read), the first pass over the file
(typing the bare columns; bad UTF-8 or CSV anywhere is a TableError before
any row runs), then the second pass reads the file again a batch at a time:
convert the batch, evaluate it (one VM entry a batch), write its output,
drop it. A runtime error in row N is reported as `<expr>:1:COL:
Kind: row N: message` with the `<main>` frame under it, a bad data row as
`<expr>:1:1: ValueError: row N, column NAME: ...`, both exit 1 after the
rows before them have been written."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import compress, islice
from typing import Any, TextIO

from vmscope.api import gc_paused
from vmscope.errors import CompileError, GuestError
from vmscope.lang.values import Limits, Value, display
from vmscope.rows.cells import BatchConverter
from vmscope.rows.columns import Column, TableError, header_specs
from vmscope.rows.csvfile import Record, RowFile
from vmscope.rows.engines import ENGINES, RowRunner, make_runner
from vmscope.rows.expr import EXPR_FILE, RowExpr, compile_expression
from vmscope.rows.infer import scan_columns

EXIT_OK, EXIT_RUNTIME, EXIT_COMPILE = 0, 1, 2
PROFILE_MODES = ("sample", "count", "timed")
# A profiled run per batch: long enough batches that a run takes many samples.
PROFILE_BATCH_ROWS = 16384
PROFILE_BATCH_BYTES = 1 << 20


@dataclass(frozen=True)
class EvalJob:
    expr: str  # the EXPR argument as given
    rows: str  # path of the CSV file ("-": standard input)
    where: bool = False
    engine: str = "closure"  # "closure" or "ast"
    profile: str | None = None  # None, or "sample", "count", "timed"
    level: int | None = None  # None: 2, or 1 with profile
    limits: Limits = field(default_factory=Limits)


def run_eval(job: EvalJob, out: TextIO, err: TextIO) -> int:
    """Exit status (0; 1 runtime error; 2 compile error of the expression).
    Usage-level problems (unreadable file, bad header, options that do not
    combine) raise vmscope.rows.table.TableError. A failed write to `out`
    (a closed pipe) is raised as it is, once the VM is out of the way. The
    cyclic garbage collector is paused while it runs."""
    level = _level(job)
    # No cyclic GC while rows stream by: each batch makes thousands of lists
    # (the records) that live until the next, and the collector's passes
    # over them cost 5-15% of the run; a row makes no garbage cycles (an
    # expression binds no names, so no value can come to contain itself).
    with gc_paused(), RowFile.open(job.rows) as table:
        specs = header_specs(table.header.cells, table.name)
        try:  # against the names: a mistake is reported before a long typing pass
            untyped = compile_expression(expression_bytes(job.expr),
                                         [Column(spec.name) for spec in specs])
        except CompileError as error:
            _report(error, out, err)
            return EXIT_COMPILE
        columns = scan_columns(table, specs)
        rx = untyped.retyped(columns)
        rx.level = level
        output = _Output(out, job.where)
        if job.where:
            out.write(table.header.line + "\n")
        converter = BatchConverter(columns, job.limits)
        if job.profile is not None:
            return _profiled(job, rx, table, converter, output, err)
        runner = make_runner(rx, job.engine, job.limits, output.write)
        return _evaluate(table, converter, runner, output, err)


def _level(job: EvalJob) -> int:
    """The -O level; a TableError for options that do not combine."""
    if job.engine not in ENGINES:
        raise TableError(f"unknown engine {job.engine!r}; choose one of {', '.join(ENGINES)}")
    if job.profile is not None:
        if job.profile not in PROFILE_MODES:
            raise TableError(f"unknown profile mode {job.profile!r}; choose one of "
                             f"{', '.join(PROFILE_MODES)}")
        if job.engine != "closure":
            raise TableError("--profile profiles the closure VM; drop --engine ast")
        if job.limits.max_steps is not None:
            raise TableError("--max-steps does not combine with --profile")
    level = job.level if job.level is not None else (1 if job.profile else 2)
    if level not in (0, 1, 2):
        raise TableError(f"unknown optimisation level {level}; choose 0, 1 or 2")
    return level


def expression_bytes(text: str) -> bytes:
    """The command-line argument's bytes: undecodable bytes come back from
    the surrogate escapes, so they are reported as the lexer reports them."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def _evaluate(table: RowFile, converter: BatchConverter, runner: RowRunner, output: _Output,
              err: TextIO) -> int:
    before = 0  # data rows before the batch
    for batch in table.batches():
        converted = converter.convert(batch, before)
        results = output.start(batch)
        try:
            runner.evaluate_stream(converted.rows, results)
        except GuestError as error:
            output.finish()
            error.message = f"row {before + len(results) + 1}: {error.message}"
            return _fail(error, output.stream, err)
        output.finish()
        if converted.error is not None:
            return _fail(converted.error, output.stream, err)
        before += len(batch)
    output.stream.flush()
    return EXIT_OK


def _profiled(job: EvalJob, rx: RowExpr, table: RowFile, converter: BatchConverter,
              output: _Output, err: TextIO) -> int:
    """Every batch a profiled run of one profile; the report goes to stderr
    after the results, which stay alone on stdout (so `--where` CSV stays
    clean), and before the error that stopped the rows, if any."""
    from vmscope.rows.profiling import RowProfiler

    assert job.profile is not None
    profiler = RowProfiler(rx, rx.level, job.profile, job.limits)
    failure: GuestError | None = None
    before = 0
    for batch in table.batches(PROFILE_BATCH_ROWS, PROFILE_BATCH_BYTES):
        converted = converter.convert(batch, before)
        results = output.start(batch)
        failure = profiler.run(converted.rows, results, output.write)
        output.finish()
        if failure is not None:
            failure.message = f"row {before + len(results) + 1}: {failure.message}"
            break
        failure = converted.error
        if failure is not None:
            break
        before += len(batch)
    output.stream.flush()
    report = profiler.report()
    if report:
        err.write(report)
    return _fail(failure, output.stream, err) if failure is not None else EXIT_OK


def _report(error: GuestError | CompileError, out: TextIO, err: TextIO) -> None:
    """The CLI's form of a guest error: its headline, then (at run time) the stack."""
    out.flush()
    lines = [error.headline(EXPR_FILE)]
    if isinstance(error, GuestError):
        lines += error.traceback_lines(EXPR_FILE)
    err.write("\n".join(lines) + "\n")


def _fail(error: GuestError, out: TextIO, err: TextIO) -> int:
    _report(error, out, err)
    return EXIT_RUNTIME


# ---- output -------------------------------------------------------------------------------

_LINE_FORMS: dict[type, Callable[[Any], str]] = {
    bool: {True: "true", False: "false"}.__getitem__, int: int.__repr__,
    float: float.__repr__, str: str.__str__,
}


def display_lines(results: Sequence[Value]) -> str:
    """The display form of each value, a line each: `display` mapped over the
    batch, with the forms of a batch of one scalar type found once."""
    if not results:
        return ""
    kinds = set(map(type, results))
    form = _LINE_FORMS.get(kinds.pop(), display) if len(kinds) == 1 else display
    return "\n".join(map(form, results)) + "\n"


class _Output:
    """Writes a batch's results in row order (a display form a line, or with
    `--where` the matching records as CSV). Text that `print` writes goes out
    after the results of the rows before it. A write that fails while the VM
    runs (a closed pipe) is kept and raised once the VM has returned."""

    def __init__(self, stream: TextIO, where: bool) -> None:
        self.stream = stream
        # --where rows go to the stream a batch at a time, as results do (a
        # write per row costs a system call each on an unbuffered stdout)
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n") if where else None
        self.records: Sequence[Record] = ()
        self.results: list[Value] = []
        self.done = 0  # results already written
        self.failure: OSError | None = None

    def start(self, records: Sequence[Record]) -> list[Value]:
        """A new batch: the list its results go to."""
        self.records, self.results, self.done = records, [], 0
        return self.results

    def flush(self) -> None:
        results, done = self.results, self.done
        if len(results) == done:
            return
        if self.writer is None:
            self.stream.write(display_lines(results[done:] if done else results))
        else:
            if done:
                self.writer.writerows(compress(islice(self.records, done, None),
                                               islice(results, done, None)))
            else:
                self.writer.writerows(compress(self.records, results))
            text = self.buffer.getvalue()
            self.buffer.seek(0)
            self.buffer.truncate()
            if text:
                self.stream.write(text)
        self.done = len(results)

    def finish(self) -> None:
        """After a VM entry: the failure it met, if any, then the rest of the batch."""
        if self.failure is not None:
            raise self.failure
        self.flush()

    def write(self, text: str) -> None:
        """What `print` writes (called inside the VM: never raises)."""
        if self.failure is not None:
            return
        try:
            self.flush()
            self.stream.write(text)
        except OSError as exc:
            self.failure = exc
