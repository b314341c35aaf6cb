"""`vmscope eval --profile`: the per-row program run under the profiler.

The profiler runs programs; a row expression becomes one through RowProgram,
which has what the profiler reads from vmscope.api.Program (`code`, `source`,
`new_vm`): each VM it makes evaluates every row in one entry, appending the
first run's results to the caller's list (so `print` output and results stay
in row order through the command's _Output)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from vmscope.lang.values import DEFAULT_LIMITS, Limits, Value
from vmscope.rows.expr import APPEND_SLOT, EXPR_FILE, ROWS_SLOT, RowExpr
from vmscope.source import Source
from vmscope.vm.machine import VM
from vmscope.vm.program import CompiledCode


class RowProgram:
    def __init__(self, rx: RowExpr, rows: Sequence[Sequence[Value]], level: int,
                 results: list[Value]) -> None:
        if not rows:
            raise ValueError("no rows to profile")
        self.rx = rx
        self.level = level
        self.code = rx.code_at(level).code  # for the default limits
        self.source = Source(EXPR_FILE, rx.text)
        self.rows = rows
        self._results: list[Value] | None = results

    def code_for(self, limits: Limits) -> CompiledCode:
        return self.rx.code_at(self.level, limits).code

    def new_vm(self, write: Callable[[str], Any], limits: Limits = DEFAULT_LIMITS) -> VM:
        vm = VM(self.code_for(limits), write, limits)
        # the first VM fills the caller's list; later runs (--repeat) are timing only
        results, self._results = (self._results if self._results is not None else []), None
        it: Iterator[Sequence[Value]] = iter(self.rows)
        vm.globals = next(it)  # type: ignore[arg-type]  # a row: read by index only
        vm.slots[ROWS_SLOT] = it
        vm.slots[APPEND_SLOT] = results.append
        vm.ip = 0
        return vm


def profile_rows(rx: RowExpr, rows: Sequence[Sequence[Value]], level: int, mode: str,
                 results: list[Value], write: Callable[[str], Any], limits: Limits
                 ) -> tuple[str, Any]:
    """Evaluate every row under the profiler: (the report as text, the guest
    error or None). Results go to `results`, `print` output to `write`."""
    from vmscope.profiler.collect import Options, ProfileSession
    from vmscope.profiler.export import export

    program = RowProgram(rx, rows, level, results)
    # timed mode's reference run would make a second VM before the profiled one
    session = ProfileSession(program, Options(mode=mode, limits=limits,  # type: ignore[arg-type]
                                              reference=False))
    result = session.run(write)
    return export(session.profile, "table", "instruction", 40), result.error
