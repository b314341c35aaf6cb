"""The Profile view: what `P` measured, as sortable tables by opcode,
instruction, source line, loop, function and opcode sequence (heat-coloured
shares and bars; vmscope.tui.profile_tables), a summary
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
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Sparkline, Static, TabbedContent, TabPane

from vmscope.profiler.aggregate import DISPATCH, per_ip
from vmscope.profiler.calibrate import calibrate
from vmscope.profiler.collect import Collector
from vmscope.profiler.loops import Clock
from vmscope.profiler.model import Profile
from vmscope.tui.profile_tables import VIEWS, ViewTable, ns_text, table_spec

POLL_SECONDS = 0.05
CLOCK_EVERY = 20_000  # how often the UI thread reads the running profile's step count


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
                collector.calibration = calibrate(opts.mode, opts.clock, opts.counts)
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
        Binding("x", "stop", "Stop run"),
        Binding("s", "next_sort", "Sort"),
        Binding("r", "reverse", "Reverse"),
        Binding("1", "tab('opcode')", "Opcodes", show=False),
        Binding("2", "tab('instruction')", "Instructions", show=False),
        Binding("3", "tab('line')", "Lines", show=False),
        Binding("4", "tab('loop')", "Loops", show=False),
        Binding("5", "tab('function')", "Functions", show=False),
        Binding("6", "tab('sequence')", "Sequences", show=False),
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
        self.refresh_bindings()  # "Stop run" goes
        summary.update(summary_text(prof, self.filename, run.level, run.label))
        for view, _ in VIEWS:
            cols, rows, sort_column = table_spec(prof, view)
            self.table(view).load(cols, rows, sort_column)

    # ---- actions ----------------------------------------------------------------------

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_stop(self) -> None:
        """Cancel the run; the profile of what ran so far is shown."""
        if not self.run.done:
            self.run.collector.cancel()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop":
            return not self.run.done  # hidden once the run is over
        return True

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
        merged = f", {prof.merged_ticks:,} merged ticks" if prof.merged_ticks else ""
        details.append(f"{prof.samples:,} samples at {prof.sample_rate_hz:g} Hz "
                       f"({prof.lost_samples:,} outside the VM{merged})")
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
