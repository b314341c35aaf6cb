"""Immutable pictures of a paused VM: what the TUI, `trace` and the tests
read. Nothing here holds a live VM object; values are kept as short text."""

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
    FINISHED = "finished"
    ERROR = "error"

    @property
    def label(self) -> str:
        return _LABELS.get(self, self.value)


_LABELS = {StopReason.WATCHPOINT: "watch", StopReason.CURSOR: "at cursor",
           StopReason.RETURN: "returned", StopReason.GOTO: "at step"}


def short_display(value: Any, limit: int = MAX_TEXT) -> str:
    """The display form, cut at about `limit` characters without rendering
    a huge list whole."""
    if type(value) is list:
        parts: list[str] = []
        size = 1
        for item in value:
            text = short_display(item, limit) if type(item) is list else \
                display([item])[1:-1]
            parts.append(text)
            size += len(text) + 2
            if size > limit:
                parts.append("…")
                break
        text = "[" + ", ".join(parts) + "]"
    else:
        text = display(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class ValueView:
    type: str
    text: str

    @staticmethod
    def of(value: Any) -> ValueView:
        return ValueView(type_name(value), short_display(value))


@dataclass(frozen=True)
class StackItem:
    slot: int
    value: ValueView
    pushed: bool = field(default=False, compare=False)  # known only after a single step


@dataclass(frozen=True)
class FrameView:
    function: str
    ip: int
    span: Span
    locals: tuple[tuple[str, ValueView], ...]


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
    frames: tuple[FrameView, ...]  # outermost first
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
