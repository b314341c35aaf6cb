"""The execution requests as Session operations, by stepping granularity.

- instruction: one VM instruction; `next` steps over a call by running the
  callee to its return.
- line: the Session's line steps (into calls for `stepIn`, over them for `next`).
- statement: the Session has no statement step yet, so a statement step is a
  line step (the spec allows "statement" to mean a line); `stepBack` likewise.

Every operation takes the chunk hook that a long run calls about every 0.1 s
(output, and a pause that came before the run had started). What they
return is not used: the adapter reads where the run ended from the Session."""

from __future__ import annotations

from collections.abc import Callable

from vmscope.dap.protocol import Granularity
from vmscope.dap.session_gaps import stop_at_breakpoint_here
from vmscope.debug.session import Session

ChunkHook = Callable[[Session], None]
Operation = Callable[[Session, ChunkHook], object]


def continue_(session: Session, hook: ChunkHook) -> object:
    return session.continue_(on_chunk=hook)


def start(session: Session, hook: ChunkHook) -> object:
    """Run from the entry: a breakpoint on the first instruction stops there."""
    if stop_at_breakpoint_here(session):
        return None
    return session.continue_(on_chunk=hook)


def next_instruction(session: Session, hook: ChunkHook) -> object:
    depth = len(session.vm.frames)
    session.step()
    if len(session.vm.frames) > depth and not session.done:  # a call: run it to its return
        if stop_at_breakpoint_here(session):
            return None
        return session.step_out(on_chunk=hook)
    return None


def step_instruction(session: Session, hook: ChunkHook) -> object:
    return session.step()


def step_over_line(session: Session, hook: ChunkHook) -> object:
    return session.step_over(on_chunk=hook)


def step_into_line(session: Session, hook: ChunkHook) -> object:
    return session.step_line(on_chunk=hook)


def step_out(session: Session, hook: ChunkHook) -> object:
    return session.step_out(on_chunk=hook)


def back_instruction(session: Session, hook: ChunkHook) -> object:
    return session.step_back()


def back_line(session: Session, hook: ChunkHook) -> object:
    return session.step_back_line()


def reverse_continue(session: Session, hook: ChunkHook) -> object:
    """Back to the last breakpoint stop before now, or to the start."""
    return session.step_back_breakpoint()


NEXT: dict[Granularity, Operation] = {
    Granularity.INSTRUCTION: next_instruction,
    Granularity.LINE: step_over_line,
    Granularity.STATEMENT: step_over_line,
}
STEP_IN: dict[Granularity, Operation] = {
    Granularity.INSTRUCTION: step_instruction,
    Granularity.LINE: step_into_line,
    Granularity.STATEMENT: step_into_line,
}
STEP_OUT: dict[Granularity, Operation] = dict.fromkeys(Granularity, step_out)
STEP_BACK: dict[Granularity, Operation] = {
    Granularity.INSTRUCTION: back_instruction,
    Granularity.LINE: back_line,
    Granularity.STATEMENT: back_line,
}
