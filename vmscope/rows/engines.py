"""Per-row runners for both engines, with one contract: `evaluate_rows(rows,
out)` appends one value per row to `out` and returns it; on a GuestError,
`out` holds the values of the rows before the failing one, so the failing
row is `rows[len(out) - len_before]`. `evaluate_stream` is the same for an
iterable of rows whose widths the caller vouches for (`vmscope eval`'s
batches). A runner keeps its engine state between calls, so a step budget
(`Limits.max_steps`) covers every row it evaluates.

- closure: the VM runs the expression's code once per row without leaving
  its fast loop: the last instruction appends the result, makes the next row
  the globals table and jumps back to 0 (one VM entry per batch).
- ast: the Interpreter evaluates the resolved expression with the row as its
  globals table."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

from vmscope.errors import ErrorKind, GuestError
from vmscope.lang import nodes as n
from vmscope.lang import values
from vmscope.lang.interpreter import Interpreter
from vmscope.lang.values import DEFAULT_LIMITS, Limits, Value
from vmscope.rows.expr import APPEND_SLOT, ROWS_SLOT, RowExpr
from vmscope.vm.machine import VM, Stop
from vmscope.vm.program import Closure

ENGINES = ("closure", "ast")
Row = Sequence[Value]
_FRAMES_PER_NODE = 3  # host frames per expression tree level (AST engine, steps counted)


class RowRunner(Protocol):
    rx: RowExpr

    @property
    def steps(self) -> int: ...

    def evaluate_rows(self, rows: Sequence[Row], out: list[Value] | None = None
                      ) -> list[Value]: ...

    def evaluate_stream(self, rows: Iterable[Row], out: list[Value]) -> list[Value]: ...

    def evaluate_row(self, row: Row) -> Value: ...


def _discard(text: str) -> None:
    pass


_NO_MORE_ROWS: Iterator[Any] = iter(())


def tree_depth(e: n.Expr) -> int:
    """Levels of nested nodes in a resolved expression (without recursing)."""
    deepest = 0
    todo = [(e, 1)]
    while todo:
        node, depth = todo.pop()
        deepest = max(deepest, depth)
        todo.extend((kid, depth + 1) for kid in n.children(node))
    return deepest


def _prepare(rx: RowExpr) -> None:
    """Room for the host recursion the run may need (compiling and the AST
    engine recurse over the expression's tree)."""
    needed = values.NEST_LIMIT * 4 + 1000 + _FRAMES_PER_NODE * tree_depth(rx.expr)
    if sys.getrecursionlimit() < needed:
        sys.setrecursionlimit(needed)


def _check_widths(rx: RowExpr, rows: Sequence[Row]) -> None:
    width = len(rx.columns)
    if rows and set(map(len, rows)) != {width}:  # one pass, in C: ~10 ns a row
        bad = next(i for i, r in enumerate(rows) if len(r) != width)
        raise ValueError(f"row {bad + 1} has {len(rows[bad])} values, the expression "
                         f"has {width} columns")


def _batch_start(rx: RowExpr, rows: Sequence[Row], out: list[Value] | None) -> list[Value]:
    """Check the batch's widths; the list results go to."""
    _check_widths(rx, rows)
    return [] if out is None else out


class ClosureRows:
    """The closure VM over rows: one VM for the runner's lifetime."""

    def __init__(self, rx: RowExpr, limits: Limits = DEFAULT_LIMITS,
                 write: Callable[[str], Any] | None = None) -> None:
        self.rx = rx
        _prepare(rx)  # first: compiling recurses over the expression too
        # A step budget needs at least one instruction per row (not -O2's batch).
        level = min(rx.level, 1) if limits.max_steps is not None else rx.level
        self.row_code = rx.code_at(level, limits)
        self.budget = limits.max_steps
        self.vm = VM(self.row_code.code, write or _discard, limits)
        # -O2, one row a call: when one instruction computes the value, a call
        # of it is the whole VM entry (no loop, no Halt to raise and catch)
        self._one: tuple[VM, Closure, int] | None = None
        if level >= 2:
            single = rx.single_row_code(limits)
            if len(single.code.code) == 2:
                vm = VM(single.code, write or _discard, limits)
                self._one = (vm, single.code.code[0], single.result)

    @property
    def steps(self) -> int:
        """Instructions run so far (counted only under a step budget)."""
        return self.vm.steps

    def evaluate_rows(self, rows: Sequence[Row], out: list[Value] | None = None
                      ) -> list[Value]:
        out = _batch_start(self.rx, rows, out)
        return self.evaluate_stream(rows, out)

    def evaluate_stream(self, rows: Iterable[Row], out: list[Value]) -> list[Value]:
        it: Iterator[Any] = iter(rows)
        first = next(it, None)
        if first is not None:
            self._enter(first, it, out)
        return out

    def evaluate_row(self, row: Row) -> Value:
        """One row, one VM entry, without a batch's set-up (an exhausted
        iterator stands for the rows after it)."""
        if len(row) != len(self.rx.columns):
            _check_widths(self.rx, (row,))
        if self._one is not None:
            vm, compute, result = self._one
            vm.globals = row  # type: ignore[assignment]  # a row is read by index only
            try:
                compute(vm)
            except BaseException as exc:
                vm.ip = 0
                raise vm.fault(exc) from None
            return vm.slots[result]
        out: list[Value] = []
        self._enter(row, _NO_MORE_ROWS, out)
        return out[0]

    def _enter(self, first: Row, rest: Iterator[Any], out: list[Value]) -> None:
        """One VM entry: `first` is the globals table, `rest` the rows after."""
        vm = self.vm
        vm.globals = first  # type: ignore[assignment]  # a row is read by index only
        s = vm.slots
        s[ROWS_SLOT] = rest
        s[APPEND_SLOT] = out.append
        vm.ip = 0
        try:
            if self.budget is None:
                vm.run()
            elif vm.run_for(max(self.budget - vm.steps, 0)) is Stop.BUDGET:
                raise self._over_budget()
        finally:
            s[ROWS_SLOT] = s[APPEND_SLOT] = None

    def _over_budget(self) -> GuestError:
        """The step budget ran out in this entry (the message names the whole
        budget, not what was left of it when the entry began)."""
        vm = self.vm
        stmt = vm.prog.instrs[vm.ip].stmt
        err = GuestError(ErrorKind.LIMIT, f"step limit of {self.budget} exceeded", stmt)
        err.stack = vm.stack_at(vm.ip, stmt)
        return err


class AstRows:
    """The reference AST interpreter over rows: one Interpreter for the
    runner's lifetime, its globals table swapped for each row."""

    def __init__(self, rx: RowExpr, limits: Limits = DEFAULT_LIMITS,
                 write: Callable[[str], Any] | None = None) -> None:
        self.rx = rx
        _prepare(rx)
        self.interp = Interpreter(rx.program, write or _discard, limits)
        # Step-limit errors point at the statement being run: the expression.
        self.interp.stmt = rx.program.main.body.stmts[0]

    @property
    def steps(self) -> int:
        """AST nodes evaluated so far (counted only under a step budget)."""
        return self.interp.steps

    def evaluate_rows(self, rows: Sequence[Row], out: list[Value] | None = None
                      ) -> list[Value]:
        return self.evaluate_stream(rows, _batch_start(self.rx, rows, out))

    def evaluate_stream(self, rows: Iterable[Row], out: list[Value]) -> list[Value]:
        interp = self.interp
        expr = self.rx.expr
        ev = interp.ev[expr.__class__]
        append = out.append
        try:
            for row in rows:
                interp.globals = row  # type: ignore[assignment]  # read by index only
                append(ev(expr))
        except GuestError as err:
            err.stack = interp.stack_at(err)
            raise
        except RecursionError:  # pragma: no cover - _prepare leaves room for the tree
            deep = GuestError(ErrorKind.RECURSION, "value nested too deeply", self.rx.span)
            deep.stack = interp.stack_at(deep)
            raise deep from None
        return out

    def evaluate_row(self, row: Row) -> Value:
        return self.evaluate_rows((row,))[0]


def make_runner(rx: RowExpr, engine: str = "closure", limits: Limits = DEFAULT_LIMITS,
                write: Callable[[str], Any] | None = None) -> RowRunner:
    """A runner for `engine`; `write` receives what `print` in the expression
    writes (discarded when None)."""
    if engine == "closure":
        return ClosureRows(rx, limits, write)
    if engine == "ast":
        return AstRows(rx, limits, write)
    raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")


def evaluate_rows(rx: RowExpr, rows: Sequence[Row], *, engine: str = "closure",
                  limits: Limits = DEFAULT_LIMITS, write: Callable[[str], Any] | None = None,
                  out: list[Value] | None = None) -> list[Value]:
    """The expression's value for every row (each a sequence of one value per
    column, in column order), evaluated as one batch."""
    return make_runner(rx, engine, limits, write).evaluate_rows(rows, out)


def evaluate_row(rx: RowExpr, row: Row, *, engine: str = "closure",
                 limits: Limits = DEFAULT_LIMITS,
                 write: Callable[[str], Any] | None = None) -> Value:
    """The expression's value for one row. For many rows, keep a runner
    (`make_runner`) or use `evaluate_rows`."""
    return make_runner(rx, engine, limits, write).evaluate_row(row)
