"""The execution requests as Session operations, by stepping granularity:

| request | instruction | line | statement (the default) |
| --- | --- | --- | --- |
| next | next_instruction (a call runs to its return) | step_over | next_statement |
| stepIn | step | step_line | step_statement |
| stepOut | step_out | step_out | step_out |
| stepBack | reverse_stepi | reverse_step | reverse_statement |

`stepOut` from <main>, which returns to nothing, runs on like `continue`.
Every operation takes the chunk hook a long run calls about every 0.1 s
(output, and a pause that came before the run had started); it returns a
note for the debug console, or None. Where the run ended, the adapter reads
from the Session."""

from __future__ import annotations

from collections.abc import Callable

from vmscope.dap.protocol import Granularity
from vmscope.debug.session import Session
from vmscope.debug.snapshot import StopReason

ChunkHook = Callable[[Session], None]
Operation = Callable[[Session, ChunkHook], "str | None"]


def start(session: Session, hook: ChunkHook) -> None:
    """Run from the entry: a breakpoint on the first instruction stops there."""
    if not session.check_breakpoint_here():
        session.continue_(on_chunk=hook)


def continue_(session: Session, hook: ChunkHook) -> None:
    session.continue_(on_chunk=hook)


def reverse_continue(session: Session, hook: ChunkHook) -> str | None:
    """Back to the last breakpoint hit or watchpoint change; at the start when
    there is none, which the console says."""
    snap = session.reverse_continue(on_chunk=hook)
    if snap.reason is StopReason.GOTO:
        return f"reverse-continue: back at step {snap.detail}"
    return None


def step_out(session: Session, hook: ChunkHook) -> None:
    """Out of the innermost frame (whatever the debug console selected)."""
    if session.frame_count == 1:
        session.continue_(on_chunk=hook)
        return
    if session.selected_frame:
        session.select_frame(0)
    session.step_out(on_chunk=hook)


def _op(move: Callable[[Session, ChunkHook], object]) -> Operation:
    """A Session move as an operation (its snapshot is not needed)."""
    def run(session: Session, hook: ChunkHook) -> None:
        move(session, hook)

    return run


NEXT: dict[Granularity, Operation] = {
    Granularity.INSTRUCTION: _op(lambda s, hook: s.next_instruction(on_chunk=hook)),
    Granularity.LINE: _op(lambda s, hook: s.step_over(on_chunk=hook)),
    Granularity.STATEMENT: _op(lambda s, hook: s.next_statement(on_chunk=hook)),
}
STEP_IN: dict[Granularity, Operation] = {
    Granularity.INSTRUCTION: _op(lambda s, hook: s.step(on_chunk=hook)),
    Granularity.LINE: _op(lambda s, hook: s.step_line(on_chunk=hook)),
    Granularity.STATEMENT: _op(lambda s, hook: s.step_statement(on_chunk=hook)),
}
STEP_OUT: dict[Granularity, Operation] = dict.fromkeys(Granularity, step_out)
STEP_BACK: dict[Granularity, Operation] = {
    Granularity.INSTRUCTION: _op(lambda s, hook: s.reverse_stepi()),
    Granularity.LINE: _op(lambda s, hook: s.reverse_step(on_chunk=hook)),
    Granularity.STATEMENT: _op(lambda s, hook: s.reverse_statement(on_chunk=hook)),
}
