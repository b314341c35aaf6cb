"""The Frames pane: the guest call stack, innermost first; each frame's row
(depth, function, line:col) is followed by one row per local; a deep stack
comes folded (both ends, a count between). Selecting a frame shows its
position in the Source pane (post-mortem included)."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message

from vmscope.debug.snapshot import FrameView, Snapshot
from vmscope.tui.lineview import LineView


class FramesView(LineView):
    DEFAULT_CSS = """
    FramesView > .frames--name { color: #87afff; text-style: bold; }
    FramesView > .frames--local { color: #d7d7af; }
    """
    COMPONENT_CLASSES = LineView.COMPONENT_CLASSES | {"frames--name", "frames--local"}

    class Selected(Message):
        """A frame was picked: show its position."""

        def __init__(self, frame: FrameView) -> None:
            super().__init__()
            self.frame = frame

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.frames: tuple[FrameView, ...] = ()  # innermost first
        self.rows: list[tuple[int, int]] = []  # (frame, local index; -1 its head, -2 a fold)
        self.omitted = 0
        self.frame_count = 0

    def update_view(self, snapshot: Snapshot | None) -> None:
        self.frames = tuple(reversed(snapshot.frames)) if snapshot else ()
        self.omitted = snapshot.omitted_frames if snapshot else 0
        self.frame_count = snapshot.frame_count if snapshot else 0
        self.rows = []
        for f, frame in enumerate(self.frames):
            if f and self.frames[f - 1].level + 1 != frame.level:
                self.rows.append((-1, -2))  # a deep stack is folded here
            self.rows.extend((f, i) for i in range(-1, len(frame.locals)))
        self.cursor = 0
        self.rows_changed()
        self.scroll_to(y=0, animate=False, immediate=True, force=True)

    def row_count(self) -> int:
        return len(self.rows)

    def render_row(self, row: int, width: int) -> Text:
        index, local = self.rows[row]
        if local == -2:
            plural = "s" if self.omitted != 1 else ""
            return Text(f"    … {self.omitted:,} frame{plural} omitted", self.dim_style())
        frame = self.frames[index]
        text = Text()
        if local < 0:
            depth = self.frame_count - 1 - frame.level  # 0 is <main>, as before the fold
            text.append(f"{depth:>3} ", self.dim_style())
            text.append(frame.function, self.part("frames--name"))
            text.append(f"  {frame.span.line}:{frame.span.col}", self.dim_style())
            return text
        name, value = frame.locals[local]
        text.append(f"      {name}", self.part("frames--local"))
        text.append(f" {value.type} ", self.dim_style())
        text.append(value.text.replace("\n", "\\n"))
        return text

    def _announce(self, row: int) -> None:
        if 0 <= row < len(self.rows) and self.rows[row][0] >= 0:
            self.post_message(self.Selected(self.frames[self.rows[row][0]]))

    def on_line_view_row_clicked(self, event: LineView.RowClicked) -> None:
        self._announce(event.row)

    def on_line_view_cursor_moved(self, event: LineView.CursorMoved) -> None:
        self._announce(event.row)
