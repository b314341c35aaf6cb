"""The Profile view: what `P` measured, as sortable tables by opcode,
instruction, source line and loop (heat-coloured shares and bars), a summary
that states the mode, counts, wall time, samples and overhead, and a
sparkline of throughput (instructions per second) while the profile runs and
after. Escape or `P` returns to the debugger.

`ProfileRun` is one profiling run as the app sees it (the collector the
worker drives, the throughput polled from the UI thread, the Profile when
done); `ProfileHeat` is what the Instructions and Source panes show of the
last profile."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Sparkline, Static, TabbedContent, TabPane

from vmscope.profiler.aggregate import (
    DISPATCH,
    Row,
    by_instruction,
    by_line,
    by_loop,
    by_opcode,
    dispatch_row,
    per_ip,
)
from vmscope.profiler.calibrate import calibrate
from vmscope.profiler.collect import Collector
from vmscope.profiler.loops import Clock
from vmscope.profiler.model import Profile
from vmscope.tui import style as st

POLL_SECONDS = 0.05
CLOCK_EVERY = 20_000  # how often the UI thread reads the running profile's step count
BAR = 10
DETAIL = 44


# ---- the model the app keeps ----------------------------------------------------------------

@dataclass(frozen=True)
class ProfileHeat:
    """The last profile, per instruction and per source line, for the panes'
    gutters: exact hits and each one's share of the attributed time (of the
    hits where the mode measured no time)."""

    mode: str
    timed: bool
    hits: tuple[int, ...]
    share: tuple[float, ...]
    line_share: dict[int, float]

    @classmethod
    def of(cls, profile: Profile) -> ProfileHeat:
        cells = per_ip(profile)
        timed = profile.has_time and profile.total_ns > 0
        total = profile.total_ns if timed else float(sum(c.hits for c in cells))
        weight = [c.ns if timed else float(c.hits) for c in cells]
        share = tuple(w / total if total else 0.0 for w in weight)
        lines: dict[int, float] = {}
        for ip, s in enumerate(share):
            if s:
                line = profile.instrs[ip].line
                lines[line] = lines.get(line, 0.0) + s
        return cls(profile.mode, timed, tuple(c.hits for c in cells), share, lines)

    @property
    def top(self) -> float:
        return max(self.share, default=0.0)

    @property
    def top_line(self) -> float:
        return max(self.line_share.values(), default=0.0)

    @property
    def label(self) -> str:
        return "time" if self.timed else "hit"


class ProfileRun:
    """One run of the program under the profiler. The worker thread calls
    `run()`; the UI thread calls `poll()` (a read of the counters the loop
    is writing: lists of ints, safe under the GIL) and reads the rest."""

    def __init__(self, collector: Collector, label: str, level: int,
                 now: Callable[[], float] = time.perf_counter) -> None:
        self.collector = collector
        self.label = label  # the mode as the summary names it
        self.level = level
        self.now = now
        self.started = now()
        self.points: list[tuple[float, int]] = [(self.started, 0)]
        self.profile: Profile | None = None
        self.problem: str | None = None
        self.finished_at: float | None = None
        self.clock_points: list[tuple[float, int]] = []

    @property
    def done(self) -> bool:
        return self.finished_at is not None

    def steps(self) -> int:
        state = self.collector.state
        if state is None:
            return 0
        return sum(sum(row) for row in list(state.node_hits))

    def poll(self) -> None:
        if not self.done:
            self.points.append((self.now(), self.steps()))

    def run(self) -> None:
        """In the worker: calibrate (not counted as throughput), the whole
        run, then the Profile (or what went wrong)."""
        try:
            collector = self.collector
            opts = collector.options
            if collector.calibration is None:
                collector.calibration = calibrate(opts.mode, opts.clock)
            self.points = [(self.now(), 0)]
            if opts.mode == "timed":
                collector.options = replace(opts, clock=self._ticking(opts.clock))
            collector.run(lambda s: None)
            self.profile = self.collector.profile
        except Exception as exc:  # a bug of ours: say so, keep the app usable
            self.problem = f"profiling failed: {type(exc).__name__}: {exc}"
        finally:
            end = self.now()
            self.points.append((end, self.steps()))
            self.finished_at = end

    def _ticking(self, clock: Clock) -> Clock:
        """Timed mode reads its clock twice an instruction, in the worker:
        every CLOCK_EVERY readings also make a throughput point, on the
        profiler's own clock (so a fake clock gives the same timeline on
        every machine). They replace the UI thread's polls."""
        start = clock()
        points: list[tuple[float, int]] = [(0.0, 0)]
        self.clock_points = points
        calls = 0

        def ticking() -> int:
            nonlocal calls
            now = clock()
            calls += 1
            if calls % CLOCK_EVERY == 0:
                points.append(((now - start) / 1e9, self.steps()))
            return now

        return ticking

    @property
    def elapsed(self) -> float:
        return (self.finished_at or self.now()) - self.started

    def throughput(self) -> list[float]:
        """Instructions per second between successive polls; with no polls
        in between, the run's average (from the profiler's own clock)."""
        pts = self.clock_points if len(self.clock_points) > 2 else self.points
        rates = [(b[1] - a[1]) / (b[0] - a[0]) for a, b in itertools.pairwise(pts)
                 if b[0] > a[0]]
        if len(rates) <= 1 and self.profile is not None and self.profile.wall_ns:
            return [(self.profile.steps or 0) / (self.profile.wall_ns / 1e9)]
        return rates


# ---- formatting -----------------------------------------------------------------------------

def rate_text(per_second: float) -> str:
    if per_second >= 1e6:
        return f"{per_second / 1e6:.2f} M/s"
    if per_second >= 1e3:
        return f"{per_second / 1e3:.1f} k/s"
    return f"{per_second:.0f} /s"


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
         ("loop", "Loops"))


def _key_number(text: str) -> tuple[int, float, str]:
    try:
        return (0, float(text), "")
    except ValueError:
        return (1, 0.0, text)


def table_spec(profile: Profile, view: str) -> tuple[list[Column], list[Row], int]:
    """The columns and rows of one view, and the column to sort by first."""
    timed = profile.has_time
    total = profile.total_ns if timed else float(profile.steps or 0)
    if view == "loop":
        rows = by_loop(profile)
    else:
        rows = {"opcode": by_opcode, "instruction": by_instruction, "line": by_line}[view](profile)
        rows = [*rows, dispatch_row(profile)]

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

    def right(text: str) -> Text:
        return Text(text, justify="right")

    names = {"opcode": "opcode", "instruction": "ip", "line": "line", "loop": "line"}
    details = {"opcode": "variants", "instruction": "where  op", "line": "source",
               "loop": "loop"}
    cols = [Column(names[view], lambda r: (r.dispatch, _key_number(r.key)), key_cell, False),
            Column(details[view], lambda r: r.detail, detail_cell, False)]
    if view == "loop":
        cols.append(Column("iters", lambda r: r.count or 0,
                           lambda r: right(st.format_count(r.count or 0))))
    cols.append(Column("hits", lambda r: r.hits, lambda r: right(st.format_count(r.hits))))
    if timed:
        if view == "loop":
            cols.append(Column("time incl", lambda r: r.incl_ns or 0.0,
                               lambda r: right(ns_text(r.incl_ns or 0.0))))
        else:
            cols.append(Column("time", lambda r: r.ns, lambda r: right(ns_text(r.ns))))
            cols.append(Column("ns/hit", lambda r: r.ns / r.hits if r.hits else 0.0,
                               lambda r: right(f"{r.ns / r.hits:.1f}" if r.hits else "")))
        if profile.mode in ("sample", "pyspy"):
            cols.append(Column("±95%", lambda r: r.err_ns or 0.0,
                               lambda r: right(ns_text(r.err_ns) if r.err_ns else "")))
    share_col = len(cols)
    cols.append(Column("time%" if timed else "hits%", share, share_cell))
    cols.append(Column("heat", share, bar_cell, same_as=share_col))
    return cols, rows, share_col


# ---- the screen -----------------------------------------------------------------------------

class ProfileScreen(Screen[None]):
    """Shows a ProfileRun: progress and the live sparkline while it runs,
    then the tables."""

    DEFAULT_CSS = """
    ProfileScreen { layout: vertical; }
    ProfileScreen #profile-summary {
        height: auto; padding: 0 1; background: $panel; color: $text;
    }
    ProfileScreen #profile-rate { height: 3; margin: 0 1; }
    ProfileScreen #profile-rate-label { width: 34; height: 3; color: $text-muted; }
    ProfileScreen Sparkline { width: 1fr; height: 3; }
    ProfileScreen Sparkline > .sparkline--max-color { color: #ef4f2f; }
    ProfileScreen Sparkline > .sparkline--min-color { color: #5f6f3f; }
    ProfileScreen TabbedContent { height: 1fr; }
    ProfileScreen TabPane { padding: 0; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,P", "close", "Debugger", key_display="esc/P"),
        Binding("s", "next_sort", "Sort"),
        Binding("r", "reverse", "Reverse"),
        Binding("1", "tab('opcode')", "Opcodes", show=False),
        Binding("2", "tab('instruction')", "Instructions", show=False),
        Binding("3", "tab('line')", "Lines", show=False),
        Binding("4", "tab('loop')", "Loops", show=False),
    ]

    def __init__(self, run: ProfileRun, filename: str) -> None:
        super().__init__()
        self.run = run
        self.filename = filename
        self.loaded: Profile | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="profile-summary")
        with Horizontal(id="profile-rate"):
            yield Static(id="profile-rate-label")
            yield Sparkline([], summary_function=max)
        with TabbedContent(id="profile-tabs"):
            for view, title in VIEWS:
                with TabPane(title, id=view):
                    yield ViewTable(view, id=f"table-{view}")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.update_view()
        self.query_one(f"#table-{VIEWS[0][0]}", ViewTable).focus()

    def table(self, view: str) -> ViewTable:
        return self.query_one(f"#table-{view}", ViewTable)

    @property
    def active_table(self) -> ViewTable:
        active = self.query_one(TabbedContent).active or VIEWS[0][0]
        return self.table(active)

    def update_view(self) -> None:
        """Show the run's progress, or its profile (once)."""
        run = self.run
        rates = run.throughput()
        self.query_one(Sparkline).data = rates or [0.0]
        label = Text("throughput (instructions/s)\n", "bold")
        if rates:
            label.append(f"last {rate_text(rates[-1])}  peak {rate_text(max(rates))}\n")
        label.append(f"{len(rates)} sample{'s' if len(rates) != 1 else ''}", "dim")
        self.query_one("#profile-rate-label", Static).update(label)
        summary = self.query_one("#profile-summary", Static)
        if run.profile is None:
            text = Text()
            text.append(f" {self.filename} -O{run.level} ", "bold #87afff")
            if run.problem:
                text.append(f" {run.problem}", "#ff8787")
            else:
                text.append(" profiling… ", "bold #000000 on #5fd75f")
                text.append(f"  {run.elapsed:.1f} s · {run.steps():,} instructions"
                            f" · mode {run.label}")
            summary.update(text)
            return
        if self.loaded is run.profile:
            return
        self.loaded = prof = run.profile
        summary.update(summary_text(prof, self.filename, run.level, run.label))
        for view, _ in VIEWS:
            cols, rows, sort_column = table_spec(prof, view)
            self.table(view).load(cols, rows, sort_column)

    # ---- actions ----------------------------------------------------------------------

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_next_sort(self) -> None:
        self.active_table.next_sort()

    def action_reverse(self) -> None:
        self.active_table.toggle_reverse()

    def action_tab(self, view: str) -> None:
        self.query_one(TabbedContent).active = view
        self.table(view).focus()


def summary_text(prof: Profile, filename: str, level: int, label: str) -> Text:
    """Two lines: what was measured, and how sure it is."""
    text = Text()
    text.append(f" {filename} -O{level} ", "bold #87afff")
    text.append(f" {label} ", "bold #000000 on #87afd7")
    steps = prof.steps
    if steps is not None:
        text.append(f"  {steps:,} instructions")
    text.append(f" · wall {ns_text(prof.wall_ns)}")
    if prof.wall_ns and steps:
        text.append(f" · {rate_text(steps / (prof.wall_ns / 1e9))}")
    if prof.overhead is not None:
        text.append(f" · overhead ~{prof.overhead:.2f}x")
    if prof.error:
        text.append(f"\n {prof.error}", "#ff8787")
    text.append("\n ")
    details = []
    if prof.has_samples:
        details.append(f"{prof.samples:,} samples at {prof.sample_rate_hz:g} Hz "
                       f"({prof.lost_samples:,} outside the VM)")
    if prof.has_time and prof.total_ns:
        details.append(f"dispatch {prof.dispatch_total_ns / prof.total_ns * 100:.1f}% of "
                       f"{ns_text(prof.total_ns)} attributed")
    cal = prof.calibration
    details.append(f"calibration: dispatch {cal.dispatch_ns:.1f} ns"
                   + (f", timer {cal.timer_ns:.1f} ns" if prof.mode == "timed" else "")
                   + (f", count {cal.count_ns:.1f} ns" if prof.has_hits else ""))
    if not prof.has_time:
        details.append("counts only: shares are of hits")
    text.append(" · ".join(details), "#a8a8a8")
    if prof.mode == "timed":
        text.append("\n approximate: per-instruction timers, the calibrated timer cost "
                    "subtracted", "italic #a8a8a8")
    return text


__all__ = ["DISPATCH", "POLL_SECONDS", "ProfileHeat", "ProfileRun", "ProfileScreen",
           "ViewTable", "summary_text", "table_spec"]
