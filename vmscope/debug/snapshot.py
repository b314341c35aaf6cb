"""Immutable pictures of a paused VM: what the TUI, the DAP server, `trace`
and the tests read. Nothing here holds a live VM object; values are kept as
short text, strings quoted. A snapshot costs what the panes show: a deep
stack is folded to its outermost and innermost frames (Session.frames gives
any range on demand)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from vmscope.lang.values import UNSET, display, type_name
from vmscope.source import Span
from vmscope.vm.program import FunctionInfo, Instr

MAX_TEXT = 160


class State(Enum):
    READY = "ready"
    PAUSED = "paused"
    RUNNING = "running"
    FINISHED = "finished"
    ERROR = "error"


class StopReason(Enum):
    """Why the program is where it is. Front ends dispatch on it (the DAP
    server maps it to the protocol's reasons); `Snapshot.detail` carries the
    particulars (which breakpoint, what changed)."""

    READY = "ready"  # at the start: nothing has run since a restart
    STEP = "step"  # one instruction
    LINE = "line"  # to the next line, into calls
    NEXT = "next"  # to the next line of this function (step over)
    RETURN = "return"  # out of the function (finish)
    CURSOR = "cursor"  # a run to a location (run to cursor)
    BREAKPOINT = "breakpoint"
    WATCHPOINT = "watchpoint"  # a watched value changed
    PAUSE = "paused"  # a pause was asked for
    GOTO = "goto"  # moved to a step of the history (step back, go to step)
    STATEMENT = "statement"  # to the start of the next statement
    CALL = "call"  # back at the call of the function (reverse-finish)
    CHANGE = "change"  # back where an expression's value last changed
    FINISHED = "finished"
    ERROR = "error"

    @property
    def label(self) -> str:
        return _LABELS.get(self, self.value)


_LABELS = {StopReason.WATCHPOINT: "watch", StopReason.CURSOR: "at cursor",
           StopReason.RETURN: "returned", StopReason.GOTO: "at step",
           StopReason.CALL: "at the call", StopReason.CHANGE: "changed"}


MAX_NEST_SHOWN = 100  # deeper lists show as `[…]` in short text


class _Full(Exception):
    """The text reached its limit."""


def render(value: Any, limit: int | None = MAX_TEXT) -> tuple[str, bool]:
    """The display form with strings quoted and escaped, as the language writes
    a str inside a list, at every depth (an empty string shows as `""`), and
    whether it is whole. With a limit, the work stops about there, so a list of
    a million elements costs what is shown; the text is cut with `…`."""
    out: list[str] = []
    room = [limit if limit is not None else -1]

    def put(text: str) -> None:
        out.append(text)
        if limit is not None:
            room[0] -= len(text)
            if room[0] < 0:
                raise _Full

    def write(v: Any, active: set[int], depth: int) -> None:
        t = type(v)
        if t is str:
            put(display([v if limit is None else v[:limit]])[1:-1])
        elif t is list:
            key = id(v)
            if key in active:
                put("[...]")
            elif depth >= MAX_NEST_SHOWN and limit is not None:
                put("[…]")
            else:
                active.add(key)
                put("[")
                for i, item in enumerate(v):
                    if i:
                        put(", ")
                    write(item, active, depth + 1)
                put("]")
                active.discard(key)
        else:
            put(display(v))

    try:
        write(value, set(), 0)
    except _Full:
        assert limit is not None
        return "".join(out)[: max(limit - 1, 0)] + "…", False
    return "".join(out), True


def short_display(value: Any, limit: int = MAX_TEXT) -> str:
    """The quoted display form, cut at about `limit` characters."""
    return render(value, limit)[0]


def length_of(value: Any) -> int | None:
    """Elements of a list, characters of a str; None for other values."""
    return len(value) if type(value) in (list, str) else None


@dataclass(frozen=True)
class ValueView:
    """A value as the panes show it: its type, its quoted text (cut at about
    MAX_TEXT characters), and its length for a str or list."""

    type: str
    text: str
    length: int | None = None

    @staticmethod
    def of(value: Any) -> ValueView:
        return ValueView(type_name(value), short_display(value), length_of(value))


@dataclass(frozen=True)
class StackItem:
    slot: int
    value: ValueView
    pushed: bool = field(default=False, compare=False)  # known only after a single step


@dataclass(frozen=True)
class FrameView:
    """One guest frame: its function, where it is (a caller's frame: at its
    call), the locals in scope there, and its gdb number `level` (0 is the
    innermost). `args` are the parameters' values, as a backtrace shows them."""

    function: str
    ip: int
    span: Span
    locals: tuple[tuple[str, ValueView], ...]
    level: int = 0
    args: tuple[tuple[str, ValueView], ...] = ()


@dataclass(frozen=True)
class WatchView:
    expr: str
    value: ValueView | None
    error: str | None = None


@dataclass(frozen=True)
class Snapshot:
    """The state after a stop. Timing fields are excluded from equality, so a
    replayed state compares equal to the one first reached."""

    state: State
    reason: StopReason = field(compare=False)
    ip: int
    instr: Instr | None
    steps: int
    stack: tuple[StackItem, ...]
    popped: tuple[ValueView, ...] = field(compare=False)  # what the last single step took
    frames: tuple[FrameView, ...]  # outermost first; a deep stack folded (see frame_count)
    globals: tuple[tuple[str, ValueView], ...]
    watches: tuple[WatchView, ...]
    output: str
    hits: tuple[int, ...]
    error: str | None = None
    error_span: Span | None = None
    elapsed_ns: int = field(default=0, compare=False)
    times_ns: tuple[int, ...] = field(default=(), compare=False)
    checkpoints: int = field(default=0, compare=False)
    checkpoint_bytes: int = field(default=0, compare=False)
    memory_cap: int = field(default=0, compare=False)
    detail: str = field(default="", compare=False)  # the particulars of `reason`
    frame_count: int = 0  # frames on the guest stack; `frames` holds both ends of a deep one
    selected_frame: int = 0  # the gdb level that `print` and watches evaluate in

    @property
    def omitted_frames(self) -> int:
        """Frames folded away between the outermost and innermost shown."""
        return max(self.frame_count - len(self.frames), 0)

    @property
    def reason_text(self) -> str:
        """Why it stopped, for a status line: the reason and its detail
        (empty where the state says it all)."""
        if self.reason in _SILENT:
            return self.detail
        label = self.reason.label
        return f"{label} {self.detail}" if self.detail else label

    @property
    def span(self) -> Span | None:
        if self.error_span is not None:
            return self.error_span
        return self.instr.span if self.instr is not None else None

    @property
    def line(self) -> int:
        span = self.span
        return span.line if span else 0


_SILENT = frozenset({StopReason.READY, StopReason.STEP, StopReason.FINISHED, StopReason.ERROR})


def locals_of(fn: FunctionInfo, slots: list[Any], ip: int) -> tuple[
        tuple[str, ValueView], ...]:
    """The locals of a frame of `fn` that are in scope at `ip` and hold a value
    (hidden loop slots left out); of two with one name, the inner one."""
    out: dict[str, ValueView] = {}
    for slot in range(min(fn.nlocals, len(slots))):
        name = fn.slot_names[slot]
        value = slots[slot]
        if value is not UNSET and not name.startswith("<") and fn.in_scope(slot, ip):
            out.pop(name, None)
            out[name] = ValueView.of(value)
    return tuple(out.items())
