"""LineView: the base of every pane. A Line-API scroll view over rows that a
subclass renders on demand (only the visible ones), with an optional fixed
header row, a cursor row moved by keys or a click, and follow-scrolling.
Rows are computed from the last Snapshot, so a 10,000-frame stack costs
no more to show than a 10-frame one."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip


class LineView(ScrollView, can_focus=True):
    """Subclasses implement `row_count` and `render_row`, optionally `header`."""

    DEFAULT_CSS = """
    LineView {
        background: $surface;
        scrollbar-size-vertical: 1;
        scrollbar-size-horizontal: 0;
        scrollbar-background: $surface;
        scrollbar-background-hover: $surface;
        scrollbar-background-active: $surface;
        scrollbar-color: $panel-lighten-2;
        scrollbar-color-hover: $panel-lighten-3;
    }
    LineView > .lineview--cursor { background: #2f4f7f; }
    LineView > .lineview--cursor-blurred { background: #283347; }
    LineView > .lineview--header { color: #a8a8a8; text-style: bold; }
    LineView > .lineview--dim { color: #8a8a8a; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "lineview--cursor", "lineview--cursor-blurred", "lineview--header", "lineview--dim",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "cursor_to(0)", "First", show=False),
        Binding("end", "cursor_to(-1)", "Last", show=False),
        Binding("left", "scroll_left", "Scroll left", show=False),
        Binding("right", "scroll_right", "Scroll right", show=False),
    ]
    has_header: ClassVar[bool] = False
    show_cursor: ClassVar[bool] = True
    blurred_cursor: ClassVar[bool] = False  # show the cursor row when not focused

    class RowClicked(Message):
        """A row was clicked; `x` is the column within the row's text."""

        def __init__(self, view: LineView, row: int, x: int) -> None:
            super().__init__()
            self.view = view
            self.row = row
            self.x = x

        @property
        def control(self) -> LineView:
            return self.view

    class CursorMoved(Message):
        def __init__(self, view: LineView, row: int) -> None:
            super().__init__()
            self.view = view
            self.row = row

        @property
        def control(self) -> LineView:
            return self.view

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.cursor = 0
        self._parts: dict[str, Style] = {}
        self._base = Style()

    # ---- for subclasses ---------------------------------------------------------------

    def row_count(self) -> int:
        return 0

    def render_row(self, row: int, width: int) -> Text:
        return Text()

    def header(self, width: int) -> Text:
        return Text()

    def content_width(self) -> int:
        """The widest row, for horizontal scrolling (0: fit the pane)."""
        return 0

    # ---- data changes -----------------------------------------------------------------

    def rows_changed(self) -> None:
        """Call after the data behind the rows changed: resizes and repaints."""
        rows = self.row_count()
        self.cursor = min(max(self.cursor, 0), max(rows - 1, 0))
        self.virtual_size = Size(self.content_width(), rows + int(self.has_header))
        self.refresh()

    def part(self, name: str) -> Style:
        """A component class's style, only the properties it sets (so a
        coloured span keeps the row's background); cached for a repaint."""
        style = self._parts.get(name)
        if style is None:
            style = self._parts[name] = self.get_component_rich_style(name, partial=True)
        return style

    def dim_style(self) -> Style:
        return self.part("lineview--dim")

    # ---- rendering --------------------------------------------------------------------

    @property
    def body_height(self) -> int:
        return max(self.scrollable_content_region.height - int(self.has_header), 1)

    def render_lines(self, crop: Region) -> list[Strip]:
        # Styles are looked up once a repaint, not once a line.
        self._parts = {}
        self._base = self.rich_style
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        full = max(width, self.content_width())
        base = self._base
        if self.has_header and y == 0:
            text = self.header(full)
            text.stylize(self.part("lineview--header"))
        else:
            row = scroll_y + y - int(self.has_header)
            if row >= self.row_count():
                return Strip.blank(width, base)
            text = self.render_row(row, full)
            if self.show_cursor and row == self.cursor and (self.has_focus
                                                            or self.blurred_cursor):
                name = "lineview--cursor" if self.has_focus else "lineview--cursor-blurred"
                text.stylize_before(self.part(name))
        text.no_wrap = True
        text.truncate(full, pad=True)
        strip = Strip(text.render(self.app.console), full).apply_style(base)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    # ---- cursor and scrolling ---------------------------------------------------------

    def move_cursor(self, row: int, *, center: bool = False, announce: bool = True) -> None:
        rows = self.row_count()
        if rows == 0:
            return
        row = min(max(row, 0), rows - 1)
        changed = row != self.cursor
        self.cursor = row
        self.scroll_to_row(row, center=center)
        self.refresh()
        if changed and announce:
            self.post_message(self.CursorMoved(self, row))

    def scroll_to_row(self, row: int, *, center: bool = False, margin: int = 2) -> None:
        """Bring `row` into view: centred when it was out of view (or asked),
        else scrolled just enough to keep `margin` rows around it."""
        if not self.scrollable_content_region.height:  # not laid out yet
            self.call_after_refresh(self.scroll_to_row, row, center=center, margin=margin)
            return
        height = self.body_height
        margin = min(margin, (height - 1) // 2)
        top = round(self.scroll_offset.y)
        if center or not top <= row < top + height:
            target = row - height // 2
        elif row < top + margin:
            target = row - margin
        elif row >= top + height - margin:
            target = row - height + margin + 1
        else:
            return
        self.scroll_to(y=max(target, 0), animate=False, immediate=True, force=True)

    def action_cursor(self, delta: int) -> None:
        self.move_cursor(self.cursor + delta)

    def action_page(self, delta: int) -> None:
        self.move_cursor(self.cursor + delta * self.body_height)

    def action_cursor_to(self, row: int) -> None:
        self.move_cursor(row if row >= 0 else self.row_count() - 1)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = round(self.scroll_offset.y) + offset.y - int(self.has_header)
        if offset.y < int(self.has_header) or not 0 <= row < self.row_count():
            return
        self.move_cursor(row)
        self.post_message(self.RowClicked(self, row, offset.x + round(self.scroll_offset.x)))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
