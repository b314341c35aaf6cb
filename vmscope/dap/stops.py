"""Why the program stopped, in the protocol's words: ONE table from the
Session's StopReason to the `stopped` event's reason. A breakpoint stop is
refined by the kind of breakpoint that was hit (source line, function,
instruction or data); a stop at step 0 (the start, reached again by stepping
back) is `entry`; the end of the program is no stop (it is `exited` and
`terminated`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vmscope.dap.breakpoints import Entry, Origin
from vmscope.dap.protocol import DapReason
from vmscope.debug.session import Session
from vmscope.debug.snapshot import State, StopReason

THREAD_ID = 1  # the program is one thread

STOP_REASONS: dict[StopReason, DapReason | None] = {
    StopReason.READY: DapReason.ENTRY,
    StopReason.STEP: DapReason.STEP,
    StopReason.LINE: DapReason.STEP,
    StopReason.NEXT: DapReason.STEP,
    StopReason.RETURN: DapReason.STEP,
    StopReason.CURSOR: DapReason.STEP,  # a run to a location ends like a step
    StopReason.BREAKPOINT: DapReason.BREAKPOINT,  # refined by BREAKPOINT_REASONS
    StopReason.WATCHPOINT: DapReason.DATA_BREAKPOINT,
    StopReason.PAUSE: DapReason.PAUSE,
    StopReason.GOTO: DapReason.STEP,  # a move in the history (step back, goto): as a step
    StopReason.STATEMENT: DapReason.STEP,
    StopReason.CALL: DapReason.STEP,  # reverse-finish: back at the call, as a step
    StopReason.CHANGE: DapReason.STEP,  # last-change: moved to a step of the history
    StopReason.FINISHED: None,  # not a stop: the program exited
    StopReason.ERROR: DapReason.EXCEPTION,
}

# Several breakpoints may hit at once: the first kind in this order names the stop.
BREAKPOINT_REASONS: dict[Origin, DapReason] = {
    Origin.SOURCE: DapReason.BREAKPOINT,
    Origin.FUNCTION: DapReason.FUNCTION_BREAKPOINT,
    Origin.INSTRUCTION: DapReason.INSTRUCTION_BREAKPOINT,
    Origin.DATA: DapReason.DATA_BREAKPOINT,
}

DESCRIPTIONS: dict[DapReason, str] = {
    DapReason.STEP: "Paused on step",
    DapReason.BREAKPOINT: "Paused on breakpoint",
    DapReason.EXCEPTION: "Paused on runtime error",
    DapReason.PAUSE: "Paused",
    DapReason.ENTRY: "Paused on entry",
    DapReason.GOTO: "Paused",
    DapReason.FUNCTION_BREAKPOINT: "Paused on function breakpoint",
    DapReason.DATA_BREAKPOINT: "Paused on data breakpoint",
    DapReason.INSTRUCTION_BREAKPOINT: "Paused on instruction breakpoint",
}


@dataclass(frozen=True)
class StopView:
    """Where a run ended, read from the Session's own fields (not from a
    Snapshot, which renders every value and so costs more, and can fail)."""

    state: State
    reason: StopReason
    detail: str
    ip: int
    steps: int

    @staticmethod
    def of(session: Session) -> StopView:
        return StopView(session.state, session.reason, session.detail, session.vm.ip,
                        session.steps)


def dap_reason(snap: StopView, hit: list[Entry]) -> DapReason | None:
    """The stop's reason; None when the program did not stop (it ended)."""
    reason = STOP_REASONS[snap.reason]
    if snap.state is State.READY and reason is not None:
        return DapReason.ENTRY
    if reason is DapReason.BREAKPOINT and hit:
        origins = {entry.origin for entry in hit}
        for origin, refined in BREAKPOINT_REASONS.items():
            if origin in origins:
                return refined
    return reason


def stopped_body(reason: DapReason, snap: StopView, hit: list[Entry],
                 exception: str | None = None) -> dict[str, Any]:
    """The `stopped` event's body; `exception` names the error kind (the
    spec's `text` of an exception stop)."""
    body: dict[str, Any] = {"reason": reason.value, "description": DESCRIPTIONS[reason],
                            "threadId": THREAD_ID, "allThreadsStopped": True}
    if reason is DapReason.EXCEPTION and exception:
        body["text"] = exception
    elif reason is DapReason.DATA_BREAKPOINT and snap.detail:
        body["text"] = snap.detail  # what changed
    if hit:
        body["hitBreakpointIds"] = [entry.id for entry in hit]
    return body
