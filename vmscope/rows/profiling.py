"""`vmscope eval --profile`: the per-row program run under the profiler.

The profiler runs programs; a row expression becomes one through RowProgram,
which has what the profiler reads from vmscope.api.Program (`code`, `source`,
`new_vm`): each VM it makes evaluates its rows in one entry, appending the
first run's results to the caller's list (so `print` output and results stay
in row order through the command's output).

A file is profiled a batch at a time (RowProfiler): one profiled run per
batch, accumulated into one profile, so reading and converting the CSV
between batches is outside every run and no instruction is charged for it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from vmscope.errors import GuestError
from vmscope.lang.values import DEFAULT_LIMITS, Limits, Value
from vmscope.rows.expr import APPEND_SLOT, EXPR_FILE, ROWS_SLOT, RowExpr
from vmscope.source import Source
from vmscope.vm.machine import VM
from vmscope.vm.program import CompiledCode

Row = Sequence[Value]


class RowProgram:
    def __init__(self, rx: RowExpr, rows: Sequence[Row], level: int,
                 results: list[Value]) -> None:
        self.rx = rx
        self.level = level
        self.code = rx.code_at(level).code  # for the default limits: its tables
        self.source = Source(EXPR_FILE, rx.text)
        self.rows: Sequence[Row] = ()
        self._results: list[Value] | None = None
        self.load(rows, results)

    def load(self, rows: Sequence[Row], results: list[Value]) -> None:
        """The rows the next run evaluates, and the list its results go to."""
        if not rows:
            raise ValueError("no rows to profile")
        self.rows = rows
        self._results = results

    def code_for(self, limits: Limits) -> CompiledCode:
        return self.rx.code_at(self.level, limits).code

    def new_vm(self, write: Callable[[str], Any], limits: Limits = DEFAULT_LIMITS) -> VM:
        vm = VM(self.code_for(limits), write, limits)
        # the first VM after load() fills the caller's list; later runs
        # (--repeat) are timing only
        results, self._results = (self._results if self._results is not None else []), None
        it: Iterator[Any] = iter(self.rows)
        vm.globals = next(it)  # a row: read by index only
        vm.slots[ROWS_SLOT] = it
        vm.slots[APPEND_SLOT] = results.append
        vm.ip = 0
        return vm


class RowProfiler:
    """One profile over any number of batches of rows, each a profiled run."""

    def __init__(self, rx: RowExpr, level: int, mode: str, limits: Limits) -> None:
        self.rx = rx
        self.level = level
        self.mode = mode
        self.limits = limits
        self._program: RowProgram | None = None
        self._session: Any = None

    def run(self, rows: Iterable[Row], results: list[Value],
            write: Callable[[str], Any]) -> GuestError | None:
        """Evaluate `rows` under the profiler (results to `results`, `print`
        output to `write`); the guest error that stopped it, or None."""
        batch = rows if isinstance(rows, list) else list(rows)
        if not batch:
            return None
        if self._program is None:
            from vmscope.profiler.collect import ProfileSession
            from vmscope.profiler.options import Options

            self._program = RowProgram(self.rx, batch, self.level, results)
            # timed mode's reference run would make a second VM before the profiled one
            options = Options(mode=self.mode, limits=self.limits, reference=False)
            # a RowProgram has what the profiler reads from a Program
            self._session = ProfileSession(self._program, options)
        else:
            self._program.load(batch, results)
        error: GuestError | None = self._session.run(write).error
        return error

    def report(self) -> str | None:
        """The profile as a table (None when no row ran)."""
        if self._session is None:
            return None
        from vmscope.profiler.export import export
        from vmscope.profiler.options import Format, View

        text: str = export(self._session.profile, Format.TABLE, View.INSTRUCTION, 40)
        return text


def profile_rows(rx: RowExpr, rows: Sequence[Row], level: int, mode: str,
                 results: list[Value], write: Callable[[str], Any], limits: Limits
                 ) -> tuple[str, GuestError | None]:
    """Evaluate every row under the profiler, in one run: (the report as
    text, the guest error or None). Results go to `results`, `print` output
    to `write`."""
    profiler = RowProfiler(rx, level, mode, limits)
    error = profiler.run(rows, results, write)
    return profiler.report() or "", error
