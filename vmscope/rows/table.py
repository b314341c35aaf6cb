"""CSV tables for row expressions: the header, column types, and cells
converted to language values.

The file is read as RFC 4180 with Python's `csv` default dialect. A header
cell `name:type` fixes a column's type; a bare `name` takes the type that fits
every non-empty cell (int by `int()`'s string rule, else float by `float()`'s,
else str; `any` when every cell is empty). Header problems are usage errors
(`TableError`); a bad data row is a guest `ValueError` naming the row and the
column, reported only when evaluation reaches that row (`Table.convert`)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from operator import itemgetter

from vmscope.errors import ErrorKind, GuestError, StackEntry
from vmscope.lang import values
from vmscope.lang.builtins import _INT_TEXT
from vmscope.lang.nodes import TypeName
from vmscope.lang.semantics import Semantics, semantics
from vmscope.lang.tokens import KEYWORDS
from vmscope.lang.values import DEFAULT_LIMITS, Limits, Value
from vmscope.source import Span

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
COLUMN_TYPES: dict[str, TypeName] = {t.value: t for t in
                                     (TypeName.INT, TypeName.FLOAT, TypeName.STR, TypeName.BOOL)}
ROW_ERROR_SPAN = Span.point(1, 1)  # where a bad data row is reported: `<expr>:1:1`
_BOOLS = {"true": True, "false": False}
_SHOWN_CELL = 40  # longest cell text quoted whole in a message


class TableError(Exception):
    """The table cannot be used at all (unreadable, no header, a bad column
    name or type): a usage error on the command line."""


@dataclass(frozen=True, slots=True)
class Column:
    """A column: a variable of the row expression. Its values are of `type`
    or null; `nullable` is False only when no cell is known to be empty.
    `declared` tells a `name:type` header cell from an inferred type."""

    name: str
    type: TypeName = TypeName.ANY
    declared: bool = False
    nullable: bool = True


def column_name_problem(name: str) -> str | None:
    """Why `name` cannot name a column (None if it can)."""
    if not _IDENTIFIER.fullmatch(name):
        return f"{_quoted(name)} is not an identifier"
    if name in KEYWORDS:
        return f"'{name}' is a keyword"
    return None


def _quoted(text: str) -> str:
    """A cell or name as a double-quoted literal of the language, cut when long."""
    if len(text) > _SHOWN_CELL:
        text = text[:_SHOWN_CELL] + "..."
    return values.display([text])[1:-1]


@dataclass
class Table:
    """A parsed CSV file: the raw header line, the typed columns and the data
    rows as text (cells under no column are kept; they make the row bad)."""

    name: str
    header_line: str
    columns: tuple[Column, ...]
    cells: list[list[str]]

    def convert(self, limits: Limits = DEFAULT_LIMITS
                ) -> tuple[list[tuple[Value, ...]], GuestError | None]:
        """The data rows as tuples of language values, up to the first bad
        row, and that row's error (None when every row is good). Int cells
        obey the int-size limit of `limits`, as `int()` does."""
        sem = semantics(limits)
        width = len(self.columns)
        cells = self.cells
        end = len(cells)
        error: tuple[int, int, GuestError] | None = None
        if set(map(len, cells)) - {width}:
            end = next(i for i, row in enumerate(cells) if len(row) != width)
            error = (end, 0, _width_error(end, cells[end], self.columns))
        good = cells[:end] if end < len(cells) else cells
        by_column = [list(map(itemgetter(j), good)) for j in range(width)]
        converted: list[list[Value]] = []
        for j, column in enumerate(self.columns):
            col_values, bad = _convert_column(by_column[j], column, sem)
            converted.append(col_values)
            if bad is not None and (error is None or (bad[0], j) < error[:2]):
                error = (bad[0], j, bad[1])
        if error is not None and error[0] < end:
            end = error[0]
            converted = [col[:end] for col in converted]
        return list(zip(*converted, strict=True)), (error[2] if error else None)


def row_error(row: int, column: str, message: str,
              kind: ErrorKind = ErrorKind.VALUE) -> GuestError:
    """A bad data row (row 1-based over data rows), as a runtime error at 1:1."""
    err = GuestError(kind, f"row {row}, column {column}: {message}", ROW_ERROR_SPAN)
    err.stack = [StackEntry("<main>", ROW_ERROR_SPAN)]
    return err


def _width_error(index: int, row: list[str], columns: tuple[Column, ...]) -> GuestError:
    have, want = len(row), len(columns)
    if have < want:
        return row_error(index + 1, columns[have].name,
                         f"missing cell (the row has {have} cell{'s' * (have != 1)}, "
                         f"the header {want})")
    return row_error(index + 1, str(want + 1),
                     f"extra cell (the row has {have} cells, the header {want})")


def _convert_column(cells: Sequence[str], column: Column, sem: Semantics
                    ) -> tuple[list[Value], tuple[int, GuestError] | None]:
    """Convert one column's cells; on a bad cell, the values before it and
    (its index, its error)."""
    typ = column.type
    if typ is TypeName.STR or typ is TypeName.ANY:
        return [c or None for c in cells], None
    fast = _fast_column(cells, typ, column.declared, sem.ops.int_bound)
    if fast is not None:
        return fast, None
    convert: Callable[[str], Value] = partial(_to_int, sem=sem) if typ is TypeName.INT \
        else _CONVERTERS[typ]
    out: list[Value] = []
    append = out.append
    for i, cell in enumerate(cells):
        if not cell:
            append(None)
            continue
        try:
            append(convert(cell))
        except _BadCell as bad:
            return out, (i, row_error(i + 1, column.name, bad.message, bad.kind))
    return out, None  # pragma: no cover - the fast path takes columns without bad cells


def _fast_column(cells: Sequence[str], typ: TypeName, check: bool, int_bound: int
                 ) -> list[Value] | None:
    """A whole column at C speed, or None when some cell needs a closer look
    (then the per-cell converters find and explain it). `check`: an int
    column's cells were not already matched against int()'s rule."""
    try:
        if typ is TypeName.FLOAT:
            return [float(c) if c else None for c in cells]
        if typ is TypeName.BOOL:
            return [_BOOLS[c] if c else None for c in cells]
        if check and not all(map(_INT_TEXT.fullmatch, filter(None, cells))):
            return None
        if cells and 10 ** max(map(len, cells)) > int_bound:
            return None  # some cell may pass the int-size limit
        return [int(c) if c else None for c in cells]
    except (ValueError, KeyError):
        return None


class _BadCell(Exception):
    def __init__(self, message: str, kind: ErrorKind = ErrorKind.VALUE) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


def _to_int(cell: str, sem: Semantics) -> int:
    if len(cell) < 19 and _INT_TEXT.fullmatch(cell):  # fits a machine word: no size check
        value = int(cell)
        if sem.ops.neg_int_bound < value < sem.ops.int_bound:
            return value
    if not _INT_TEXT.fullmatch(cell):
        raise _BadCell(f"cannot read {_quoted(cell)} as int")
    try:
        result: int = sem.builtins["int"]([cell])  # the int-size limit, as int() checks it
    except GuestError as err:
        raise _BadCell(err.message, err.kind) from None
    return result


def _to_float(cell: str) -> float:
    try:
        return float(cell)
    except ValueError:
        raise _BadCell(f"cannot read {_quoted(cell)} as float") from None


def _to_bool(cell: str) -> bool:
    value = _BOOLS.get(cell)
    if value is None:
        raise _BadCell(f"cannot read {_quoted(cell)} as bool (true or false)")
    return value


_CONVERTERS: dict[TypeName, Callable[[str], Value]] = {
    TypeName.FLOAT: _to_float, TypeName.BOOL: _to_bool,  # int: _to_int, given the bounds
}


def _fits_int(cells: Sequence[str]) -> bool:
    return all(map(_INT_TEXT.fullmatch, cells))


def _fits_float(cells: Sequence[str]) -> bool:
    try:
        list(map(float, cells))
    except ValueError:
        return False
    return True


def infer_type(cells: Sequence[str]) -> TypeName:
    """The type of a bare column from its cells (empty cells are null)."""
    present = [c for c in cells if c]
    if not present:
        return TypeName.ANY
    if _fits_int(present):
        return TypeName.INT
    if _fits_float(present):
        return TypeName.FLOAT
    return TypeName.STR


def _header_columns(header: list[str], name: str) -> list[tuple[str, TypeName | None]]:
    specs: list[tuple[str, TypeName | None]] = []
    seen: dict[str, int] = {}
    for number, cell in enumerate(header, 1):
        col, colon, type_text = cell.partition(":")
        problem = column_name_problem(col)
        if problem is not None:
            raise TableError(f"{name}: column {number}: bad column name: {problem}")
        if col in seen:
            raise TableError(f"{name}: column {number}: column name '{col}' repeats "
                             f"column {seen[col]}")
        seen[col] = number
        if colon and type_text not in COLUMN_TYPES:
            raise TableError(f"{name}: column {number}: unknown type {_quoted(type_text)} "
                             f"for '{col}' (use int, float, str or bool)")
        specs.append((col, COLUMN_TYPES[type_text] if colon else None))
    return specs


def parse_table(data: bytes | str, name: str = "<rows>") -> Table:
    """Parse CSV text (bytes are UTF-8, a BOM ignored). A blank line is a
    record of one empty field, as RFC 4180's grammar reads it."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise TableError(f"cannot read {name}: not UTF-8 (bad byte at offset "
                             f"{exc.start})") from None
    else:
        text = data[1:] if data.startswith("\ufeff") else data
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(lines)
    try:
        header = next(reader, None)
        if header is None:
            raise TableError(f"{name}: no header row (the file is empty)")
        header_end = reader.line_num
        rows = [row or [""] for row in reader]
    except csv.Error as exc:
        raise TableError(f"{name}: line {reader.line_num}: {exc}") from None
    specs = _header_columns(header or [""], name)
    width = len(specs)
    if rows and not set(map(len, rows)) - {width}:
        by_column = [list(map(itemgetter(j), rows)) for j in range(width)]
    else:
        by_column = [[row[j] for row in rows if j < len(row)] for j in range(width)]
    columns = []
    for (col, declared), cells in zip(specs, by_column, strict=True):
        nullable = not all(cells) or len(cells) < len(rows)
        typ = declared if declared is not None else infer_type(cells)
        columns.append(Column(col, typ, declared is not None, nullable))
    header_line = "".join(lines[:header_end])
    for ending in ("\r\n", "\n", "\r"):
        if header_line.endswith(ending):
            header_line = header_line[: -len(ending)]
            break
    return Table(name, header_line, tuple(columns), rows)


def read_table(path: str) -> Table:
    """Read and parse a CSV file; an unreadable file is a TableError."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise TableError(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse_table(data, path)
