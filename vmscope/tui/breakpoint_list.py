"""The Breakpoints pane: every breakpoint with its condition, hit count and
state. `e` enables or disables the selected one, `x` removes it; selecting
one shows its line in the Source pane."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message

from vmscope.tui import style as st
from vmscope.tui.lineview import LineView


@dataclass(frozen=True)
class BreakpointRow:
    id: int
    text: str
    enabled: bool
    hits: int
    line: int | None  # where to show it in the source
    error: str | None = None


class BreakpointsView(LineView):
    """Each row: enabled marker, how often it stopped the program, where."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "enable", "Enable/disable"),
        Binding("x,delete", "remove", "Remove"),
    ]

    class Toggled(Message):
        def __init__(self, bp_id: int, enabled: bool) -> None:
            super().__init__()
            self.bp_id = bp_id
            self.enabled = enabled

    class Removed(Message):
        def __init__(self, bp_id: int) -> None:
            super().__init__()
            self.bp_id = bp_id

    class Selected(Message):
        def __init__(self, line: int) -> None:
            super().__init__()
            self.line = line

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: tuple[BreakpointRow, ...] = ()

    def update_view(self, items: tuple[BreakpointRow, ...]) -> None:
        self.items = items
        self.rows_changed()

    def row_count(self) -> int:
        return max(len(self.items), 1)

    def render_row(self, row: int, width: int) -> Text:
        if not self.items:
            return Text(" (b sets one at the cursor)", self.dim_style())
        bp = self.items[row]
        text = Text()
        text.append("●" if bp.enabled else "○", st.BREAK_COLOUR)
        text.append(f"{bp.hits:>4}x " if bp.hits else "      ", self.dim_style())
        text.append(bp.text, "" if bp.enabled else "dim")
        if bp.error:
            text.append(f"  {bp.error}", "#ff6f6f")
        return text

    def _selected(self) -> BreakpointRow | None:
        return self.items[self.cursor] if 0 <= self.cursor < len(self.items) else None

    def action_enable(self) -> None:
        bp = self._selected()
        if bp is not None:
            self.post_message(self.Toggled(bp.id, not bp.enabled))

    def action_remove(self) -> None:
        bp = self._selected()
        if bp is not None:
            self.post_message(self.Removed(bp.id))

    def on_line_view_cursor_moved(self, event: LineView.CursorMoved) -> None:
        bp = self._selected()
        if bp is not None and bp.line:
            self.post_message(self.Selected(bp.line))

    def on_line_view_row_clicked(self, event: LineView.RowClicked) -> None:
        self.on_line_view_cursor_moved(LineView.CursorMoved(self, event.row))
