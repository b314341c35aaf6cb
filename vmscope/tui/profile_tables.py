"""The Profile view's tables: one sortable DataTable per view (opcode,
instruction, line, loop, function, sequence), with heat-coloured shares and
bars, built from the profiler's aggregations (vmscope.profiler.aggregate)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from vmscope.profiler import aggregate as agg
from vmscope.profiler.aggregate import Row
from vmscope.profiler.model import Profile
from vmscope.profiler.options import View
from vmscope.tui import style as st
from vmscope.units import fmt_count, fmt_ns

BAR = 10
DETAIL = 44


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


# The tabs, in order, with their titles.
VIEWS: dict[View, str] = {View.OPCODE: "Opcodes", View.INSTRUCTION: "Instructions",
                          View.LINE: "Lines", View.LOOP: "Loops", View.FUNCTION: "Functions",
                          View.SEQUENCE: "Sequences"}
# the key column's title, and the detail column's
_TITLES = {View.OPCODE: ("opcode", "variants"), View.INSTRUCTION: ("ip", "where  op"),
           View.LINE: ("line", "source"), View.LOOP: ("line", "loop"),
           View.FUNCTION: ("function", "defined"), View.SEQUENCE: ("sequence", "")}


def _key_number(text: str) -> tuple[int, float, str]:
    try:
        return (0, float(text), "")
    except ValueError:
        return (1, 0.0, text)


def _rows(profile: Profile, view: View) -> list[Row]:
    """A view's rows, with the dispatch row where the view's rows and it add
    up to the attributed total."""
    rows = agg.view(profile, view)
    return [*rows, agg.dispatch_row(profile)] if view in agg.PARTITIONS else rows


def _right(text: str) -> Text:
    return Text(text, justify="right")


def table_spec(profile: Profile, by: View | str) -> tuple[list[Column], list[Row], int]:
    """The columns and rows of one view, and the column to sort by first."""
    view = View(by)
    timed = profile.has_time
    total = profile.total_ns if timed else float(profile.steps or 0)
    rows = _rows(profile, view)

    def weight(r: Row) -> float:
        if view is View.LOOP:
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
    if view is View.SEQUENCE:
        cols.append(Column("", lambda r: r.exact,
                           lambda r: Text("" if r.exact else "estimated", "dim"), False))
    else:
        cols.append(Column(detail_title, lambda r: r.detail, detail_cell, False))
    counted = _COUNTED.get(view)
    if counted is not None:
        cols.append(Column(counted, lambda r: r.count or 0,
                           lambda r: _right("" if r.dispatch else fmt_count(r.count or 0))))
    cols.append(Column("execs" if view is View.SEQUENCE else "hits", lambda r: r.hits,
                       lambda r: _right(fmt_count(r.hits))))
    if timed:
        cols.extend(_TIME_COLUMNS[view])
        if profile.mode.sampled and view is not View.SEQUENCE:
            cols.append(Column("±95%", lambda r: r.err_ns or 0.0,
                               lambda r: _right(fmt_ns(r.err_ns) if r.err_ns else "")))
    share_col = len(cols)
    cols.append(Column("time%" if timed else "hits%", share, share_cell))
    cols.append(Column("heat", share, bar_cell, same_as=share_col))
    return cols, rows, share_col


# The count column of the views that have one.
_COUNTED = {View.LOOP: "iters", View.FUNCTION: "calls"}

_TIME = Column("time", lambda r: r.ns, lambda r: _right(fmt_ns(r.ns)))
_PER_HIT = Column("per hit", lambda r: r.ns / r.hits if r.hits else 0.0,
                  lambda r: _right(fmt_ns(r.ns / r.hits) if r.hits else ""))
_INCLUSIVE = Column("time incl", lambda r: r.incl_ns or 0.0,
                    lambda r: _right("" if r.incl_ns is None else fmt_ns(r.incl_ns)))
_SAVED = Column("saved if fused", lambda r: r.saved_ns or 0.0,
                lambda r: _right(fmt_ns(r.saved_ns or 0.0)))
# The time columns of each view (where the profile has times).
_TIME_COLUMNS: dict[View, list[Column]] = {
    View.OPCODE: [_TIME, _PER_HIT], View.INSTRUCTION: [_TIME, _PER_HIT],
    View.LINE: [_TIME, _PER_HIT], View.FUNCTION: [_TIME, _INCLUSIVE, _PER_HIT],
    View.LOOP: [_INCLUSIVE], View.SEQUENCE: [_TIME, _SAVED],
}
