"""The debugger app: the panes laid out by app.tcss, the keys, and the
commands on breakpoints, watches and the cursor. Running the session (thread
workers, progress, pause) is SessionApp's job, in runner.py; the panes only
ever see Snapshots."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical

from vmscope.debug.breakpoints import BreakKind, Breakpoint, ips_of
from vmscope.debug.snapshot import Snapshot, State
from vmscope.errors import VmsError
from vmscope.lang.values import Limits
from vmscope.source import Span
from vmscope.tui.breakpoint_list import BreakpointRow, BreakpointsView
from vmscope.tui.dialogs import HelpScreen, PromptScreen
from vmscope.tui.frames import FramesView
from vmscope.tui.instructions import InstructionsView
from vmscope.tui.lineview import LineView
from vmscope.tui.output import OutputView
from vmscope.tui.palette import DebuggerCommands
from vmscope.tui.profile_view import ProfileHeat
from vmscope.tui.profiling import ProfilingApp
from vmscope.tui.source import Fault, SourceView
from vmscope.tui.stack import StackView
from vmscope.tui.status import KeyFooter, StatusLine
from vmscope.tui.variables import GlobalsView
from vmscope.tui.watches import WatchesView

FOOTER_ONE_ROW = 120  # columns the debugger's keys and ^p need on one footer row

TITLES = {
    "source": "Source", "instructions": "Instructions", "stack": "Stack", "frames": "Frames",
    "watches": "Watches", "breakpoints": "Breakpoints", "globals": "Globals",
    "output": "Output",
}


class DebuggerApp(ProfilingApp):
    CSS_PATH = "app.tcss"
    TITLE = "vmscope"
    # breakpoints, watches and watchpoints a reload carries over (see reload)
    _carried: tuple[tuple[Breakpoint, ...], tuple[str, ...], tuple[str, ...]] = ((), (), ())
    COMMANDS = App.COMMANDS | {DebuggerCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "step", "Step"),
        Binding("n", "next", "Next"),
        Binding("f", "finish", "Finish"),
        Binding("c", "continue", "Continue"),
        Binding("p", "pause", "Pause"),
        Binding("space", "pause", "Pause", show=False),
        Binding("b", "toggle_breakpoint", "Break"),
        Binding("t", "run_to_cursor", "To cursor"),
        Binding("B", "step_back", "Back"),
        Binding("r", "restart", "Restart"),
        Binding("w", "add_watch", "Watch"),
        Binding("W", "add_watchpoint", "Watchpoint", show=False),
        Binding("h", "hottest", "Hottest", show=False),
        Binding("P", "profile", "Prof", tooltip="Profile the program"),
        Binding("m", "toggle_maximize", "Max", show=False),
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]

    # ---- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusLine(self.filename, self.level, id="status")
        with Horizontal(id="top"):
            yield SourceView(id="source")
            yield InstructionsView(id="instructions")
        with Horizontal(id="bottom"):
            yield StackView(id="stack")
            yield FramesView(id="frames")
            with Vertical(id="side"):
                yield WatchesView(id="watches")
                yield BreakpointsView(id="breakpoints")
            with Vertical(id="side2"):
                yield GlobalsView(id="globals")
                yield OutputView(id="output")
        yield KeyFooter(FOOTER_ONE_ROW)

    def on_mount(self) -> None:
        for pane, title in TITLES.items():
            self.query_one(f"#{pane}").border_title = title
        self._show_program()
        self.source.focus()

    def _show_program(self) -> None:
        code = self.program.code if self.program is not None else None
        self.source.set_source(self.text, code)
        self.instructions.set_code(code)
        if self.session is not None:
            self.show(self.session.snapshot(), follow=True)
        else:
            self.show_compile_error()

    def reload(self, data: bytes) -> None:
        """The file changed: compile it afresh, keep the breakpoints on lines
        and opcodes (not on ips: the code moved) and the watches."""
        old = self.session
        if old is not None:  # what to carry over (kept through a version that fails)
            self._carried = (tuple(old.list_breakpoints()), tuple(old.watches),
                             tuple(old.watchpoints))
        super().reload(data)
        new = self.session
        if new is not None:
            breakpoints, watches, watchpoints = self._carried
            for bp in breakpoints:
                if bp.kind is BreakKind.IP:
                    continue
                # no code there any more, or the condition no longer compiles: dropped
                with suppress(ValueError, VmsError):
                    new.add_breakpoint(bp.location, condition=bp.condition,
                                       ignore_count=bp.ignore_count, temporary=bp.temporary,
                                       log_message=bp.log_message, enabled=bp.enabled)
            for expr in watches:
                new.add_watch(expr)
            for expr in watchpoints:
                new.add_watchpoint(expr)
        self.show_profile_heat(None)
        self.profile_run = None
        self._show_program()
        self.refresh_bindings()
        self.notify(f"reloaded {self.filename}" if new is not None
                    else f"reloaded {self.filename}: it does not compile")

    def on_resize(self, event: events.Resize) -> None:
        self.query_one(KeyFooter).fit(event.size.width)

    @property
    def source(self) -> SourceView:
        return self.query_one(SourceView)

    @property
    def instructions(self) -> InstructionsView:
        return self.query_one(InstructionsView)

    # ---- showing snapshots ------------------------------------------------------------

    def show(self, snap: Snapshot, *, follow: bool) -> None:
        self.snapshot = snap
        fault = None
        if snap.state is State.ERROR and snap.error:
            span = snap.error_span or (snap.instr.span if snap.instr else Span.point(1, 1))
            message = snap.error.removeprefix(f"{self.filename}:{span.line}:{span.col}: ")
            fault = Fault(span, message)
        self.source.update_view(snap, self._line_marks(), fault, follow=follow)
        self.instructions.update_view(snap, self._break_ips(), follow=follow)
        self.query_one(StackView).update_view(snap)
        self.query_one(FramesView).update_view(snap)
        self.query_one(GlobalsView).update_view(snap)
        watchpoints = set(self.session.watchpoints) if self.session else set()
        self.query_one(WatchesView).update_view(snap, watchpoints)
        self.query_one(OutputView).update_view(snap.output)
        self.query_one(StatusLine).update_view(snap)
        self._show_breakpoints()
        self._subtitles(snap)
        self.bindings_changed()

    def _subtitles(self, snap: Snapshot) -> None:
        self.query_one(StackView).border_subtitle = f"depth {len(snap.stack)}"
        self.query_one(FramesView).border_subtitle = f"{snap.frame_count:,}"
        lines = snap.output.count("\n")
        self.query_one(OutputView).border_subtitle = f"{lines} lines" if lines else ""

    def show_compile_error(self) -> None:
        err = self.compile_error
        assert err is not None
        span = err.span or Span.point(1, 1)
        fault = Fault(span, f"{err.kind.value}: {err.message}")
        self.source.update_view(None, {}, fault, follow=True)
        self.query_one(StatusLine).update_view(None, err.headline(self.filename))
        self.instructions.border_subtitle = "not compiled"
        self.instructions.set_notice(f"Nothing to run: {err.headline(self.filename)}")
        self.bindings_changed()

    def _line_marks(self) -> dict[int, bool]:
        """Source lines holding a breakpoint -> whether one there is enabled."""
        marks: dict[int, bool] = {}
        if self.session is None:
            return marks
        code = self.session.code
        for bp in self.session.list_breakpoints():
            if bp.kind is BreakKind.LINE and isinstance(bp.where, int):
                lines = {bp.where}
            else:
                lines = {code.instrs[ip].span.line for ip in ips_of(bp, code)}
            for line in lines:
                marks[line] = marks.get(line, False) or bp.enabled
        return marks

    def _break_ips(self) -> frozenset[int]:
        if self.session is None:
            return frozenset()
        code = self.session.code
        return frozenset(ip for bp in self.session.list_breakpoints() if bp.enabled
                         for ip in ips_of(bp, code))

    def _show_breakpoints(self) -> None:
        rows = []
        if self.session is not None:
            for bp in self.session.list_breakpoints():
                line = bp.where if bp.kind is BreakKind.LINE else None
                if bp.kind is BreakKind.IP and isinstance(bp.where, int):
                    line = self.session.code.instrs[bp.where].span.line
                text = bp.describe().removesuffix(" [disabled]").removeprefix(f"#{bp.id} ")
                rows.append(BreakpointRow(bp.id, text, bp.enabled, bp.hits,
                                          line if isinstance(line, int) else None,
                                          bp.last_error))
        self.query_one(BreakpointsView).update_view(tuple(rows))

    def breakpoints_changed(self) -> None:
        self.source.set_marks(self._line_marks())
        self.instructions.set_breaks(self._break_ips())
        self._show_breakpoints()

    def show_running(self, snap: Snapshot) -> None:
        self.query_one(StatusLine).update_view(snap)

    def cursor_target(self) -> tuple[set[int], str] | None:
        ip = self.instructions.cursor_ip
        if self.focused is self.instructions and ip is not None:
            return {ip}, f"ip {ip}"
        line = self.source.cursor_line
        stops = self.line_stops(line)
        if not stops:
            self.notify(f"no code on line {line}", severity="warning")
            return None
        return stops, f"line {line}"

    def action_goto_step(self) -> None:
        if self.check_action("goto_step", ()):
            self.push_screen(PromptScreen("Go to step", "Step number (0 is the start):"),
                             self.goto_step)

    # ---- actions: breakpoints and watches -----------------------------------------------

    def action_toggle_breakpoint(self) -> None:
        session = self.session
        if session is None:
            return
        ip = self.instructions.cursor_ip
        try:
            if self.focused is self.instructions and ip is not None:
                found = [b for b in session.list_breakpoints()
                         if b.kind is BreakKind.IP and b.where == ip]
                for bp in found:
                    session.remove_breakpoint(bp.id)
                if not found:
                    session.add_breakpoint(ip=ip)
            else:
                session.toggle_line_breakpoint(self.source.cursor_line)
        except ValueError:
            self.notify(f"no code on line {self.source.cursor_line}", severity="warning")
        self.breakpoints_changed()

    def on_source_view_gutter_clicked(self, event: SourceView.GutterClicked) -> None:
        if self.session is None:
            return
        try:
            self.session.toggle_line_breakpoint(event.line)
        except ValueError:
            self.notify(f"no code on line {event.line}", severity="warning")
        self.breakpoints_changed()

    def on_breakpoints_view_toggled(self, event: BreakpointsView.Toggled) -> None:
        if self.session is not None:
            self.session.enable_breakpoint(event.bp_id, event.enabled)
            self.breakpoints_changed()

    def on_breakpoints_view_removed(self, event: BreakpointsView.Removed) -> None:
        if self.session is not None:
            self.session.remove_breakpoint(event.bp_id)
            self.breakpoints_changed()

    def action_add_watch(self) -> None:
        self._ask_watch(watchpoint=False)

    def action_add_watchpoint(self) -> None:
        self._ask_watch(watchpoint=True)

    def _ask_watch(self, *, watchpoint: bool) -> None:
        if not self.check_action("add_watch", ()):
            return

        def chosen(expr: str | None) -> None:
            if expr is None or self.session is None or self.busy:
                return
            try:
                if watchpoint:
                    self.session.add_watchpoint(expr)
                else:
                    self.session.add_watch(expr)
            except VmsError as err:
                self.notify(f"{err.kind.value}: {err.message}", severity="error")
                return
            self.show(self.session.snapshot(), follow=False)

        kind = "watchpoint" if watchpoint else "watch"
        hint = ("Stop when this expression's value changes:" if watchpoint
                else "An expression to show at every stop:")
        self.push_screen(PromptScreen(f"Add a {kind}", hint, "e.g. n * 2"), chosen)

    def add_watch(self, expr: str, *, watchpoint: bool = False) -> None:
        """Add a watch without the prompt (scripts, scenes, tests)."""
        assert self.session is not None and not self.busy
        if watchpoint:
            self.session.add_watchpoint(expr)
        else:
            self.session.add_watch(expr)
        self.show(self.session.snapshot(), follow=False)

    def on_watches_view_removed(self, event: WatchesView.Removed) -> None:
        if self.session is None or self.busy:
            return
        if event.watchpoint:
            if event.expr in self.session.watchpoints:
                self.session.remove_watchpoint(event.expr)
        elif event.expr in self.session.watches:
            self.session.remove_watch(event.expr)
        self.show(self.session.snapshot(), follow=False)

    def action_clear_watches(self) -> None:
        if self.session is not None and not self.busy:
            self.session.clear_watches()
            self.show(self.session.snapshot(), follow=False)

    # ---- actions: looking around ------------------------------------------------------

    def on_instructions_view_selected(self, event: InstructionsView.Selected) -> None:
        if self.program is not None:
            self.source.show_line(self.program.code.instrs[event.ip].span.line)

    def on_frames_view_selected(self, event: FramesView.Selected) -> None:
        self.source.show_line(event.frame.span.line)

    def on_breakpoints_view_selected(self, event: BreakpointsView.Selected) -> None:
        self.source.show_line(event.line)

    def action_hottest(self) -> None:
        snap = self.snapshot
        if snap is None or not any(snap.hits):
            return
        ip = max(range(len(snap.hits)), key=snap.hits.__getitem__)
        self.instructions.show_ip(ip, center=True)
        self.instructions.focus()
        if self.program is not None:
            self.source.show_line(self.program.code.instrs[ip].span.line)

    def show_profile_heat(self, heat: ProfileHeat | None) -> None:
        super().show_profile_heat(heat)
        self.instructions.set_profile_heat(heat)
        self.source.set_profile_heat(heat)

    def action_toggle_maximize(self) -> None:
        screen = self.screen
        if screen.maximized is not None:
            screen.minimize()
        elif isinstance(self.focused, LineView):
            screen.maximize(self.focused, container=False)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())


def run_debugger(filename: str, data: bytes, limits: Limits, level: int = 0,
                 path: Path | None = None) -> int:
    """`vmscope debug FILE` (and plain `vmscope`): run the app until quit;
    `r` re-reads `path` when it changed."""
    app = DebuggerApp(filename, data, limits, level=level, path=path)
    app.run()
    return app.return_code or 0
