"""The status line: state and why it stopped on the left; ip and line,
steps, VM time and the step-back history against its memory cap on the
right (the left part gives way on a narrow screen). And the key footer,
which goes to two rows when one is too narrow for the keys."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Footer

from vmscope.debug.snapshot import Snapshot, State
from vmscope.tui import style as st

STATE_STYLES = {
    State.READY: "bold #000000 on #87afd7",
    State.PAUSED: "bold #000000 on #d7d75f",
    State.RUNNING: "bold #000000 on #5fd75f",
    State.FINISHED: "bold #000000 on #afafaf",
    State.ERROR: "bold #ffffff on #d70000",
}


class StatusLine(Widget):
    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel; color: $text; }
    """

    def __init__(self, filename: str, level: int = 0, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.filename = filename
        self.level = level
        self.snapshot: Snapshot | None = None
        self.problem: str | None = None

    def update_view(self, snapshot: Snapshot | None, problem: str | None = None) -> None:
        self.snapshot, self.problem = snapshot, problem
        self.refresh()

    def left(self) -> Text:
        text = Text()
        text.append(" vmscope ", "bold")
        text.append(self.filename, "bold #87afff")
        text.append(f" -O{self.level}", "#87afff")
        text.append("  ")
        snap = self.snapshot
        if snap is None:
            text.append(" compile error ", STATE_STYLES[State.ERROR])
            if self.problem:
                text.append("  " + self.problem, "#ff8787")
            return text
        text.append(f" {snap.state.value} ", STATE_STYLES[snap.state])
        if snap.state is State.ERROR and snap.error:
            where = f"{self.filename}:{snap.span.line}:{snap.span.col}: " if snap.span else ""
            text.append("  " + snap.error.removeprefix(where), "#ff8787")
        elif snap.state is not State.RUNNING and snap.reason_text:
            text.append("  " + snap.reason_text, "italic")
        return text

    def right(self, detail: int = 3) -> Text:
        """ip and line, steps, then (with more detail) VM time and history."""
        snap = self.snapshot
        text = Text()
        if snap is None:
            return text
        if snap.state is not State.FINISHED:
            text.append(f"ip {snap.ip}")
            if snap.line:
                text.append(f" (line {snap.line})")
            text.append("  ")
        text.append(f"steps {snap.steps:,} ")
        if detail >= 2:
            text.append(f" VM {st.format_ns(snap.elapsed_ns) or '0 ns'} ")
        if detail >= 3:
            text.append(f" history {st.format_bytes(snap.checkpoint_bytes)}"
                        f"/{st.format_bytes(snap.memory_cap)} ", "dim")
        return text

    def render(self) -> Text:
        width = self.size.width
        left = self.left()
        for detail in (3, 2, 1):  # the right side gives way first, then the left
            right = self.right(detail)
            if left.cell_len + right.cell_len + 1 <= width:
                break
        room = max(width - right.cell_len - 1, 0)
        if left.cell_len > room:
            left.truncate(room, overflow="ellipsis")
        left.pad_right(max(width - left.cell_len - right.cell_len, 1))
        return Text.assemble(left, right, no_wrap=True, overflow="crop")


class KeyFooter(Footer):
    """Textual's compact Footer; narrower than `one_row` columns, its keys
    sit on two rows of a grid and the ^p key is left out (ctrl+p still works)."""

    ROW_KEYS = 7

    def __init__(self, one_row: int) -> None:
        super().__init__(compact=True)
        self.one_row = one_row

    def compose(self) -> Iterable[Widget]:
        yield from super().compose()  # which sets one grid column per key
        if self.has_class("-two-rows"):
            self.styles.grid_size_columns = self.ROW_KEYS

    def fit(self, width: int) -> None:
        narrow = width < self.one_row
        if narrow != self.has_class("-two-rows"):
            self.set_class(narrow, "-two-rows")
            self.show_command_palette = not narrow
            self.refresh(recompose=True)
