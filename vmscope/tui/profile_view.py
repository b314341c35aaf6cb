"""The Profile view: what `P` measured, as sortable tables by opcode,
instruction, source line, loop, function and opcode sequence (heat-coloured
shares and bars; vmscope.tui.profile_tables), a summary
that states the mode, counts, wall time, samples and overhead, and a
sparkline of throughput (instructions per second) while the profile runs and
after. Escape or `P` returns to the debugger.

The run itself is the profiler's (vmscope.profiler.live.LiveProfile: the
worker drives it, the UI thread polls its progress and may cancel it);
`ProfileHeat` is what the Instructions and Source panes show of the last
profile."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Sparkline, Static, TabbedContent, TabPane

from vmscope.profiler.aggregate import DISPATCH, per_ip
from vmscope.profiler.live import LiveProfile
from vmscope.profiler.model import Profile
from vmscope.profiler.options import Mode, View
from vmscope.tui.profile_tables import VIEWS, ViewTable, table_spec
from vmscope.units import fmt_count, fmt_ns, fmt_rate

POLL_SECONDS = 0.05
FIRST_VIEW = next(iter(VIEWS))


# ---- the model the app keeps ----------------------------------------------------------------

@dataclass(frozen=True)
class ProfileHeat:
    """The last profile, per instruction and per source line, for the panes'
    gutters: exact hits and each one's share of the attributed time (of the
    hits where the mode measured no time)."""

    mode: Mode
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


# ---- the screen -----------------------------------------------------------------------------

class ProfileScreen(Screen[None]):
    """Shows a LiveProfile: progress and the live sparkline while it runs,
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
        *(Binding(str(n), f"tab('{view}')", title, show=False)
          for n, (view, title) in enumerate(VIEWS.items(), 1)),
    ]

    def __init__(self, run: LiveProfile, filename: str) -> None:
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
            for view, title in VIEWS.items():
                with TabPane(title, id=view):
                    yield ViewTable(view, id=f"table-{view}")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.update_view()
        self.table(FIRST_VIEW).focus()

    def table(self, view: View | str) -> ViewTable:
        return self.query_one(f"#table-{View(view)}", ViewTable)

    @property
    def active_table(self) -> ViewTable:
        return self.table(self.query_one(TabbedContent).active or FIRST_VIEW)

    def update_view(self) -> None:
        """Show the run's progress, or its profile (once)."""
        run = self.run
        rates = run.throughput()
        self.query_one(Sparkline).data = rates or [0.0]
        label = Text("throughput (instructions/s)\n", "bold")
        if rates:
            label.append(f"last {fmt_rate(rates[-1])}  peak {fmt_rate(max(rates))}\n")
        label.append(f"{len(rates)} sample{'s' if len(rates) != 1 else ''}", "dim")
        self.query_one("#profile-rate-label", Static).update(label)
        summary = self.query_one("#profile-summary", Static)
        if run.profile is None:
            text = Text()
            text.append(f" {self.filename} -O{run.request.level} ", "bold #87afff")
            if run.problem:
                text.append(f" {run.problem}", "#ff8787")
            else:
                text.append(" profiling… ", "bold #000000 on #5fd75f")
                text.append(f"  {run.elapsed:.1f} s · {fmt_count(run.steps())} instructions"
                            f" · mode {run.label}")
            summary.update(text)
            return
        if self.loaded is run.profile:
            return
        self.loaded = prof = run.profile
        self.refresh_bindings()  # "Stop run" goes
        summary.update(summary_text(prof, self.filename, run.request.level, run.label))
        for view in VIEWS:
            cols, rows, sort_column = table_spec(prof, view)
            self.table(view).load(cols, rows, sort_column)

    # ---- actions ----------------------------------------------------------------------

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_stop(self) -> None:
        """Cancel the run; the profile of what ran so far is shown."""
        if not self.run.done:
            self.run.cancel()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop":
            return not self.run.done  # hidden once the run is over
        return True

    def action_next_sort(self) -> None:
        self.active_table.next_sort()

    def action_reverse(self) -> None:
        self.active_table.toggle_reverse()

    def action_tab(self, view: str) -> None:
        self.query_one(TabbedContent).active = View(view)
        self.table(view).focus()


def summary_text(prof: Profile, filename: str, level: int, label: str) -> Text:
    """Two lines: what was measured, and how sure it is."""
    text = Text()
    text.append(f" {filename} -O{level} ", "bold #87afff")
    text.append(f" {label} ", "bold #000000 on #87afd7")
    steps = prof.steps
    if steps is not None:
        text.append(f"  {fmt_count(steps)} instructions")
    text.append(f" · wall {fmt_ns(prof.wall_ns)}")
    if prof.wall_ns and steps:
        text.append(f" · {fmt_rate(steps / (prof.wall_ns / 1e9))}")
    if prof.overhead is not None:
        text.append(f" · overhead ~{prof.overhead:.2f}x")
    if prof.error:
        text.append(f"\n {prof.error}", "#ff8787")
    text.append("\n ")
    details = []
    if prof.has_samples:
        merged = f", {fmt_count(prof.merged_ticks)} merged ticks" if prof.merged_ticks else ""
        details.append(f"{fmt_count(prof.samples)} samples at {fmt_count(prof.sample_rate_hz)} "
                       f"Hz ({fmt_count(prof.lost_samples)} outside the VM{merged})")
    if prof.has_time and prof.total_ns:
        details.append(f"dispatch {prof.dispatch_total_ns / prof.total_ns * 100:.1f}% of "
                       f"{fmt_ns(prof.total_ns)} attributed")
    cal = prof.calibration
    details.append(f"calibration: dispatch {cal.dispatch_ns:.1f} ns"
                   + (f", timer {cal.timer_ns:.1f} ns" if prof.mode is Mode.TIMED else "")
                   + (f", count {cal.count_ns:.1f} ns" if prof.has_hits else ""))
    if not prof.has_time:
        details.append("counts only: shares are of hits")
    text.append(" · ".join(details), "#a8a8a8")
    if prof.mode is Mode.TIMED:
        text.append("\n approximate: per-instruction timers, the calibrated timer cost "
                    "subtracted", "italic #a8a8a8")
    return text

__all__ = ["DISPATCH", "POLL_SECONDS", "ProfileHeat", "ProfileScreen", "ViewTable", "summary_text",
           "table_spec"]
