"""Cells to language values, a batch of records at a time (the second pass
of `vmscope eval`), and the errors of a bad data row.

A batch converts column by column with C-speed conversions; a column where
some cell does not convert is then read cell by cell to find and explain the
first bad one. The rows before the earliest bad row of the batch (the
leftmost bad cell of that row) are the batch's rows; the bad row is a guest
ValueError, raised by the caller only when evaluation reaches it. Int cells
follow `int()`'s string rule and the run's int-size limit, taken from the
run's Limits (`IntCells`), never from process-wide state."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from vmscope.errors import ErrorKind, GuestError, StackEntry
from vmscope.lang.builtins import _INT_TEXT
from vmscope.lang.nodes import TypeName
from vmscope.lang.values import Limits, Value
from vmscope.rows.columns import Column, quoted
from vmscope.rows.infer import all_int_text
from vmscope.source import Span

ROW_ERROR_SPAN = Span.point(1, 1)  # where a bad data row is reported: `<expr>:1:1`
_BOOLS = {"true": True, "false": False}
_LOG10_2 = 0.30102999566398120
Row = tuple[Value, ...]


def row_error(row: int, column: str, message: str,
              kind: ErrorKind = ErrorKind.VALUE) -> GuestError:
    """A bad data row (row 1-based over data rows), as a runtime error at 1:1."""
    err = GuestError(kind, f"row {row}, column {column}: {message}", ROW_ERROR_SPAN)
    err.stack = [StackEntry("<main>", ROW_ERROR_SPAN)]
    return err


def width_error(row: int, cells: Sequence[str], columns: Sequence[Column]) -> GuestError:
    """A record with missing or extra cells (row 1-based over data rows)."""
    have, want = len(cells), len(columns)
    if have < want:
        return row_error(row, columns[have].name,
                         f"missing cell (the row has {have} cell{'s' * (have != 1)}, "
                         f"the header {want})")
    return row_error(row, str(want + 1),
                     f"extra cell (the row has {have} cells, the header {want})")


class BadCell(Exception):
    def __init__(self, message: str, kind: ErrorKind = ErrorKind.VALUE) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


class IntCells:
    """int()'s string rule and the int-size limit of a run, for int cells:
    a cell whose value needs more than `max_int_bits` bits is a LimitError,
    checked (as `int()` checks it) before a huge text is converted."""

    def __init__(self, max_int_bits: int) -> None:
        self.bits = max_int_bits
        # a cell of at most this many characters is below 2 ** bits: no check
        self.short = max(int(max_int_bits * _LOG10_2) - 1, 0)

    def too_big(self) -> BadCell:
        return BadCell(f"integer result needs more than {self.bits} bits", ErrorKind.LIMIT)

    def cell(self, text: str) -> int:
        if not _INT_TEXT.fullmatch(text):
            raise BadCell(f"cannot read {quoted(text)} as int")
        if len(text) > self.short:
            digits = len(text.strip(" \t\n\r\f\v+-").lstrip("0"))
            if digits > self.bits * 0.302 + 2:
                raise self.too_big()
            value = int(text)
            if value.bit_length() > self.bits:
                raise self.too_big()
            return value
        return int(text)

    def column(self, cells: Sequence[str]) -> list[Value] | None:
        """The whole column, or None when some cell needs a closer look."""
        if not all_int_text(cells) or (cells and max(map(len, cells)) > self.short):
            return None
        if all(cells):
            return list(map(int, cells))
        return [int(c) if c else None for c in cells]


# ---- one column of a batch, by type: all at once, or None to go cell by cell ---------------


def _text_column(cells: Sequence[str], ints: IntCells) -> Sequence[Value] | None:
    return cells if all(cells) else [c or None for c in cells]


def _float_column(cells: Sequence[str], ints: IntCells) -> Sequence[Value] | None:
    try:
        if all(cells):
            return list(map(float, cells))
        return [float(c) if c else None for c in cells]
    except ValueError:
        return None


def _bool_column(cells: Sequence[str], ints: IntCells) -> Sequence[Value] | None:
    try:
        if all(cells):
            return list(map(_BOOLS.__getitem__, cells))
        return [_BOOLS[c] if c else None for c in cells]
    except KeyError:
        return None


def _int_column(cells: Sequence[str], ints: IntCells) -> Sequence[Value] | None:
    return ints.column(cells)


def _float_cell(text: str, ints: IntCells) -> Value:
    try:
        return float(text)
    except ValueError:
        raise BadCell(f"cannot read {quoted(text)} as float") from None


def _bool_cell(text: str, ints: IntCells) -> Value:
    value = _BOOLS.get(text)
    if value is None:
        raise BadCell(f"cannot read {quoted(text)} as bool (true or false)")
    return value


def _int_cell(text: str, ints: IntCells) -> Value:
    return ints.cell(text)


ColumnReader = Callable[[Sequence[str], IntCells], "Sequence[Value] | None"]
CellReader = Callable[[str, IntCells], Value]
_COLUMN: dict[TypeName, ColumnReader] = {
    TypeName.STR: _text_column, TypeName.ANY: _text_column, TypeName.FLOAT: _float_column,
    TypeName.BOOL: _bool_column, TypeName.INT: _int_column,
}
_CELL: dict[TypeName, CellReader] = {
    TypeName.FLOAT: _float_cell, TypeName.BOOL: _bool_cell, TypeName.INT: _int_cell,
}


@dataclass(frozen=True)
class Converted:
    """A batch as rows of values: `rows` yields the first `count` rows (those
    before the first bad one); `error` is that bad row's error, or None."""

    rows: Iterator[Row]
    count: int
    error: GuestError | None


class BatchConverter:
    """Converts batches of records for the given columns and limits."""

    def __init__(self, columns: Sequence[Column], limits: Limits) -> None:
        self.columns = tuple(columns)
        self.ints = IntCells(limits.max_int_bits)
        self._readers = [(_COLUMN[c.type], _CELL.get(c.type)) for c in self.columns]

    def convert(self, batch: Sequence[Sequence[str]], first_row: int = 0) -> Converted:
        """`batch` as rows; `first_row` is the number of data rows before it."""
        width = len(self.columns)
        end = len(batch)
        error: tuple[int, GuestError] | None = None
        if batch and set(map(len, batch)) != {width}:
            end = next(i for i, record in enumerate(batch) if len(record) != width)
            error = (end, width_error(first_row + end + 1, batch[end], self.columns))
        good = batch if end == len(batch) else batch[:end]
        columns: list[Sequence[Value]] = []
        by_column = zip(*good, strict=True) if good else [()] * width  # in C: the cheapest way
        for j, cells in enumerate(by_column):
            read_column, read_cell = self._readers[j]
            values = read_column(cells, self.ints)
            if values is None:
                assert read_cell is not None  # text columns always convert
                values, bad = self._cell_by_cell(cells, read_cell, self.columns[j], first_row)
                if bad is not None and (error is None or bad[0] < error[0]):
                    error = bad  # the earliest row; in it, the leftmost column
            columns.append(values)
        count = error[0] if error is not None else len(good)
        # zip stops at the shortest column: one cut short at its bad cell
        rows: Iterator[Row] = zip(*columns, strict=False) if columns else iter(())
        return Converted(rows, count, error[1] if error is not None else None)

    def _cell_by_cell(self, cells: Sequence[str], read: CellReader, column: Column,
                      first_row: int) -> tuple[list[Value], tuple[int, GuestError] | None]:
        """The values before the first bad cell, and (its index, its error)."""
        out: list[Value] = []
        append = out.append
        ints = self.ints
        for i, cell in enumerate(cells):
            if not cell:
                append(None)
                continue
            try:
                append(read(cell, ints))
            except BadCell as bad:
                return out, (i, row_error(first_row + i + 1, column.name, bad.message,
                                          bad.kind))
        return out, None
