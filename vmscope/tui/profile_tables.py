"""The Profile view's tables: one sortable DataTable per view (opcode,
instruction, line, loop, function, sequence), with heat-coloured shares and
bars, built from the profiler's aggregations (vmscope.profiler.aggregate)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from vmscope.profiler.aggregate import (
    Row,
    by_function,
    by_instruction,
    by_line,
    by_loop,
    by_opcode,
    dispatch_row,
    sequences,
)
from vmscope.profiler.model import Profile
from vmscope.tui import style as st

BAR = 10
DETAIL = 44


def ns_text(ns: float) -> str:
    return st.format_ns(round(ns)) or "0"


@dataclass(frozen=True)
class Column:
    label: str
    key: Callable[[Row], Any]  # the sort key
    cell: Callable[[Row], str | Text]
    descending: bool = True  # the first click sorts this way
    same_as: int | None = None  # sorts as that column does (the heat bar: its share)


class ViewTable(DataTable[Any]):
    """One view's rows; click a header (or press `s` / `r`) to sort."""

    DEFAULT_CSS = """
    ViewTable { height: 1fr; background: $surface; }
    ViewTable > .datatable--header { background: $panel; color: #d0d0d0; text-style: bold; }
    """

    def __init__(self, view: str, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.view = view
        self.columns_spec: list[Column] = []
        self.data_rows: list[Row] = []
        self.sort_column = 0
        self.reverse = False

    def load(self, columns: list[Column], rows: list[Row], sort_column: int) -> None:
        self.columns_spec, self.data_rows = columns, rows
        self.sort_column, self.reverse = sort_column, False
        self._fill()

    def sort_by(self, column: int) -> None:
        """Sort by `column`; again by the same one reverses the order."""
        if 0 <= column < len(self.columns_spec):
            alias = self.columns_spec[column].same_as
            column = column if alias is None else alias
        if column == self.sort_column:
            self.reverse = not self.reverse
        else:
            self.sort_column, self.reverse = column, False
        self._fill()

    def next_sort(self) -> None:
        """The next column that sorts differently (wrapping), descending first."""
        n = len(self.columns_spec)
        column = self.sort_column
        for _ in range(n):
            column = (column + 1) % n
            if self.columns_spec[column].same_as is None:
                self.sort_by(column)
                return

    def toggle_reverse(self) -> None:
        self.reverse = not self.reverse
        self._fill()

    def ordered(self) -> list[Row]:
        if not self.columns_spec:
            return list(self.data_rows)
        col = self.columns_spec[self.sort_column]
        rows = sorted(self.data_rows, key=col.key, reverse=col.descending)
        return rows[::-1] if self.reverse else rows

    def _fill(self) -> None:
        cursor = self.cursor_row
        self.clear(columns=True)
        for n, col in enumerate(self.columns_spec):  # the sort column's label says so
            arrow = ("▼" if col.descending != self.reverse else "▲") if n == self.sort_column \
                else " "
            self.add_column(Text(col.label + arrow), key=col.label)
        for row in self.ordered():
            self.add_row(*(col.cell(row) for col in self.columns_spec))
        if self.row_count:
            self.move_cursor(row=min(cursor, self.row_count - 1), animate=False)
        self.refresh()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        self.sort_by(event.column_index)


VIEWS = (("opcode", "Opcodes"), ("instruction", "Instructions"), ("line", "Lines"),
         ("loop", "Loops"), ("function", "Functions"), ("sequence", "Sequences"))
# the key column's title, and the detail column's
_TITLES = {"opcode": ("opcode", "variants"), "instruction": ("ip", "where  op"),
           "line": ("line", "source"), "loop": ("line", "loop"),
           "function": ("function", "defined"), "sequence": ("sequence", "")}


def _key_number(text: str) -> tuple[int, float, str]:
    try:
        return (0, float(text), "")
    except ValueError:
        return (1, 0.0, text)


def _rows(profile: Profile, view: str) -> list[Row]:
    if view == "loop":
        return by_loop(profile)
    if view == "sequence":
        return sequences(profile, 2) + sequences(profile, 3)
    rows = {"opcode": by_opcode, "instruction": by_instruction, "line": by_line,
            "function": by_function}[view](profile)
    return [*rows, dispatch_row(profile)]


def _right(text: str) -> Text:
    return Text(text, justify="right")


def table_spec(profile: Profile, view: str) -> tuple[list[Column], list[Row], int]:
    """The columns and rows of one view, and the column to sort by first."""
    timed = profile.has_time
    total = profile.total_ns if timed else float(profile.steps or 0)
    rows = _rows(profile, view)

    def weight(r: Row) -> float:
        if view == "loop":
            return (r.incl_ns or 0.0) if timed else float(r.hits)
        return r.ns if timed else float(r.hits)

    top = max((weight(r) / total for r in rows if not r.dispatch), default=0.0) if total \
        else 0.0

    def share(r: Row) -> float:
        return weight(r) / total if total else 0.0

    def share_cell(r: Row) -> Text:
        s = share(r)
        colour = "#8a8a8a" if r.dispatch else st.heat_colour(s / top if top else 0.0)
        return Text(f"{s * 100:5.1f}%", colour, justify="right")

    def bar_cell(r: Row) -> Text:
        s = share(r)
        bar = st.heat_bar(min(s / top, 1.0) if top else 0.0, BAR)
        if r.dispatch:
            bar.stylize("#8a8a8a")
        return bar

    def key_cell(r: Row) -> Text:
        return Text(r.key, "italic #8a8a8a" if r.dispatch else "bold")

    def detail_cell(r: Row) -> Text:
        return Text(st.cut(r.detail, DETAIL))  # a Text: source like `xs[i]` is not markup

    key_title, detail_title = _TITLES[view]
    cols = [Column(key_title, lambda r: (r.dispatch, _key_number(r.key)), key_cell, False)]
    if view == "sequence":
        cols.append(Column("", lambda r: r.exact,
                           lambda r: Text("" if r.exact else "estimated", "dim"), False))
    else:
        cols.append(Column(detail_title, lambda r: r.detail, detail_cell, False))
    if view in ("loop", "function"):
        cols.append(Column("iters" if view == "loop" else "calls", lambda r: r.count or 0,
                           lambda r: _right("" if r.dispatch else st.format_count(r.count or 0))))
    cols.append(Column("execs" if view == "sequence" else "hits", lambda r: r.hits,
                       lambda r: _right(st.format_count(r.hits))))
    if timed:
        if view != "loop":
            cols.append(Column("time", lambda r: r.ns, lambda r: _right(ns_text(r.ns))))
        if view in ("loop", "function"):
            cols.append(Column("time incl", lambda r: r.incl_ns or 0.0,
                               lambda r: _right("" if r.incl_ns is None else ns_text(r.incl_ns))))
        if view == "sequence":
            cols.append(Column("saved if fused", lambda r: r.saved_ns or 0.0,
                               lambda r: _right(ns_text(r.saved_ns or 0.0))))
        elif view != "loop":
            cols.append(Column("ns/hit", lambda r: r.ns / r.hits if r.hits else 0.0,
                               lambda r: _right(f"{r.ns / r.hits:.1f}" if r.hits else "")))
        if profile.mode in ("sample", "pyspy") and view != "sequence":
            cols.append(Column("±95%", lambda r: r.err_ns or 0.0,
                               lambda r: _right(ns_text(r.err_ns) if r.err_ns else "")))
    share_col = len(cols)
    cols.append(Column("time%" if timed else "hits%", share, share_cell))
    cols.append(Column("heat", share, bar_cell, same_as=share_col))
    return cols, rows, share_col
