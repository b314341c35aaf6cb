"""The Source pane: the program, syntax-highlighted with vmscope's Pygments
lexer, the current statement and instruction span highlighted, and a gutter
with breakpoint markers, a heat spark per line, the line number tinted like
the line's instructions, and the current-line arrow. An error (compile time
or run time) is marked on its line, with a caret row under it.

After a profile (`P`), the heat spark is the line's share of that profile's
time (of its hits in count mode) instead of its share of executed steps."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from pygments.token import Token, _TokenType
from rich.style import Style
from rich.text import Text
from textual.message import Message

from vmscope.debug.snapshot import Snapshot, State
from vmscope.source import Span
from vmscope.tui import style as st
from vmscope.tui.highlight import VmsLexer
from vmscope.tui.lineview import LineView
from vmscope.vm.program import CompiledCode

if TYPE_CHECKING:
    from vmscope.tui.profile_view import ProfileHeat

# Token colours (Monokai's), our own table so that a Pygments release that
# retunes a built-in style does not change the pane (or the golden screens).
TOKEN_COLOURS: dict[_TokenType, str] = {
    Token.Comment: "#959077",
    Token.Keyword: "#66d9ef",
    Token.Literal.Number: "#ae81ff",
    Token.Literal.String: "#e6db74",
    Token.Literal.String.Escape: "#ae81ff",
    Token.Name.Function: "#a6e22e",
    Token.Name.Builtin: "#a6e22e",
    Token.Operator: "#ff4689",
    Token: "#f8f8f2",
}


def token_style(token: _TokenType) -> Style:
    while token not in TOKEN_COLOURS:
        token = token.parent
    return Style(color=TOKEN_COLOURS[token])

CODE, CARET, MESSAGE = 0, 1, 2  # the kinds of row

@dataclass(frozen=True)
class Fault:
    """An error to mark in the source: where and what."""

    span: Span
    message: str


@lru_cache(maxsize=8)
def highlight_lines(text: str) -> tuple[Text, ...]:
    """One highlighted Text per source line (token colours only, no
    backgrounds, so the pane's own tints show through). Tabs become one
    space, so columns stay code-point columns as spans count them."""
    lines: list[Text] = [Text()]
    for _, token, value in VmsLexer().get_tokens_unprocessed(text.replace("\t", " ")):
        style = token_style(token)
        parts = value.split("\n")
        for i, part in enumerate(parts):
            if i:
                lines.append(Text())
            if part:
                lines[-1].append(part, style)
    return tuple(lines)


def _span_on(span: Span, line: int, length: int) -> tuple[int, int] | None:
    """The [start, end) character range of `span` on `line`, if any."""
    if not span.line <= line <= span.end_line:
        return None
    start = span.col - 1 if line == span.line else 0
    end = span.end_col - 1 if line == span.end_line else length
    return start, max(end, start + 1)


class SourceView(LineView):
    """Rows are source lines, plus a caret row and a message row under an
    error's line."""

    DEFAULT_CSS = """
    SourceView > .source--gutter { color: #8a8a8a; }
    SourceView > .source--caret { color: #ff6f6f; text-style: bold; }
    """
    COMPONENT_CLASSES = LineView.COMPONENT_CLASSES | {"source--gutter", "source--caret"}
    blurred_cursor = True  # the line `b` and `t` act on

    class GutterClicked(Message):
        """The gutter of `line` was clicked (toggle a breakpoint there)."""

        def __init__(self, line: int) -> None:
            super().__init__()
            self.line = line

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: tuple[Text, ...] = ()
        self.rows: list[tuple[int, int]] = []  # (line, CODE, CARET or MESSAGE)
        self.tints: dict[int, str] = {}
        self.line_of_ip: list[int] = []
        self.snapshot: Snapshot | None = None
        self.marks: Mapping[int, bool] = {}
        self.fault: Fault | None = None
        self.heat: dict[int, float] = {}
        self.profile_heat: ProfileHeat | None = None
        self._width = 0

    # ---- data -------------------------------------------------------------------------

    def set_source(self, text: str, code: CompiledCode | None) -> None:
        self.lines = highlight_lines(text)
        self._width = max((t.cell_len for t in self.lines), default=0) + self.gutter_width + 1
        self.line_of_ip = [i.span.line for i in code.instrs] if code else []
        self.tints = {line: st.tint(n) for n, line in enumerate(sorted(set(self.line_of_ip)))}
        self._build_rows()

    def update_view(self, snapshot: Snapshot | None, marks: Mapping[int, bool],
                    fault: Fault | None, *, follow: bool) -> None:
        """Show a new stop (or progress); `marks` maps a line to whether its
        breakpoint is enabled. With `follow`, the cursor goes to the current line."""
        self.snapshot, self.marks = snapshot, marks
        if fault != self.fault:
            self.fault = fault
            self._build_rows()
        self.heat = self._heat(snapshot)
        self.rows_changed()
        if follow:
            line = fault.span.line if fault else (snapshot.line if snapshot else 0)
            if snapshot is not None and snapshot.state is State.FINISHED and not fault:
                return
            if line:
                self.show_line(line)

    def set_profile_heat(self, heat: ProfileHeat | None) -> None:
        self.profile_heat = heat
        self.border_subtitle = f"heat: profile {heat.label}s" if heat else ""
        self.heat = self._heat(self.snapshot)
        self.refresh()

    def set_marks(self, marks: Mapping[int, bool]) -> None:
        self.marks = marks
        self.refresh()

    def _build_rows(self) -> None:
        rows: list[tuple[int, int]] = []
        for line in range(1, len(self.lines) + 1):
            rows.append((line, CODE))
            if self.fault is not None and self.fault.span.line == line:
                rows += [(line, CARET), (line, MESSAGE)]
        self.rows = rows

    def _heat(self, snapshot: Snapshot | None) -> dict[int, float]:
        profile = self.profile_heat
        if profile is not None:
            top = profile.top_line
            return {line: s / top for line, s in profile.line_share.items()} if top else {}
        if snapshot is None or not snapshot.hits:
            return {}
        per_line: dict[int, int] = {}
        for ip, hits in enumerate(snapshot.hits):
            if hits and ip < len(self.line_of_ip):
                line = self.line_of_ip[ip]
                per_line[line] = per_line.get(line, 0) + hits
        top = max(per_line.values(), default=0)
        return {line: n / top for line, n in per_line.items()} if top else {}

    # ---- queries ----------------------------------------------------------------------

    @property
    def gutter_width(self) -> int:
        return len(str(max(len(self.lines), 1))) + 4

    @property
    def cursor_line(self) -> int:
        return self.rows[self.cursor][0] if self.rows else 0

    def show_line(self, line: int, *, center: bool = False) -> None:
        for row, (ln, kind) in enumerate(self.rows):
            if ln == line and kind == CODE:
                self.move_cursor(row, center=center, announce=False)
                return

    # ---- LineView ---------------------------------------------------------------------

    def row_count(self) -> int:
        return len(self.rows)

    def content_width(self) -> int:
        return self._width

    def render_row(self, row: int, width: int) -> Text:
        line, kind = self.rows[row]
        if kind != CODE:
            return self._fault_row(kind)
        code = self.lines[line - 1].copy() if line <= len(self.lines) else Text()
        snap = self.snapshot
        active = (snap is not None and snap.instr is not None
                  and snap.state not in (State.FINISHED, State.ERROR) and self.fault is None)
        if active and snap is not None and snap.instr is not None:
            if snap.line == line:
                code.stylize(f"on {st.CURRENT_LINE_BG}")
            here = _span_on(snap.instr.span, line, len(code))
            if here:
                code.stylize(f"bold on {st.CURRENT_BG}", *here)
        if self.fault is not None:
            where = _span_on(self.fault.span, line, len(code))
            if where:
                code.stylize(f"on {st.ERROR_BG}", 0, max(len(code), where[1]))
                code.pad_right(max(0, where[1] - len(code)))
                code.stylize("bold underline on #a02828", *where)
        current = active and snap is not None and snap.line == line
        return Text.assemble(self._gutter(line, current), code)

    def _gutter(self, line: int, current: bool) -> Text:
        gutter = Text(style=self.part("source--gutter"))
        mark = self.marks.get(line)
        gutter.append("●" if mark else ("○" if mark is False else " "), st.BREAK_COLOUR)
        gutter.append_text(st.heat_spark(self.heat.get(line, 0.0)))
        number = str(line).rjust(self.gutter_width - 4)
        tint = self.tints.get(line)
        gutter.append(number, f"on {tint}" if tint else "")
        if self.fault is not None and self.fault.span.line == line:
            gutter.append("✗ ", "bold #ff6f6f")
        else:
            gutter.append("▶ " if current else "  ", "bold #ffd75f")
        return gutter

    def _fault_row(self, kind: int) -> Text:
        assert self.fault is not None
        if kind == CARET:
            span = self.fault.span
            width = max(span.end_col - span.col, 1) if span.end_line == span.line else 1
            text = Text(" " * (self.gutter_width + span.col - 1))
            text.append("^" * width, self.part("source--caret"))
            return text
        text = Text(" " * self.gutter_width)
        text.append(self.fault.message, self.part("source--caret"))
        return text

    def on_line_view_row_clicked(self, event: LineView.RowClicked) -> None:
        line, kind = self.rows[event.row]
        if event.x < self.gutter_width - 1 and kind == CODE:
            event.stop()
            self.post_message(self.GutterClicked(line))
