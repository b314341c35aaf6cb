"""The frames of a stopped program, innermost first, read from the live VM
(only while it is stopped; nothing here is kept across a resume). Frame ids
are 1 for the innermost frame, 2 for its caller, and so on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vmscope.dap.positions import Positions
from vmscope.dap.protocol import DapError, ErrorId
from vmscope.debug.evaluate import evaluate
from vmscope.debug.session import Session
from vmscope.errors import VmsError
from vmscope.source import Span
from vmscope.vm.program import FunctionInfo


@dataclass(frozen=True)
class LiveFrame:
    fn: FunctionInfo
    slots: list[Any]
    ip: int
    span: Span


def frame_count(session: Session) -> int:
    return len(session.vm.frames) + 1


def frame_at(session: Session, index: int) -> LiveFrame:
    """Frame `index` from the innermost (0)."""
    vm, code = session.vm, session.code
    count = frame_count(session)
    if not 0 <= index < count:
        raise DapError(ErrorId.NOT_FOUND, f"no frame {index + 1} (there are {count})")
    if index == 0:
        ip = min(vm.ip, len(code.instrs) - 1)
        err = session.error
        span = err.span if isinstance(err, VmsError) and err.span else code.instrs[ip].span
        return LiveFrame(code.function_at(ip), vm.slots, ip, span)
    # vm.frames[-index] is the frame that called frame index - 1: the caller's
    # slots and the ip of its call.
    slots, call_ip, _ = vm.frames[-index]
    return LiveFrame(code.function_at(call_ip), slots, call_ip, code.instrs[call_ip].span)


def frame_by_id(session: Session, frame_id: int) -> LiveFrame:
    return frame_at(session, frame_id - 1)


def stack_frame(frame_id: int, frame: LiveFrame, positions: Positions) -> dict[str, Any]:
    """The DAP `StackFrame`."""
    return {"id": frame_id, "name": frame.fn.name, "source": positions.source(),
            **positions.span_fields(frame.span), "instructionPointerReference": str(frame.ip)}


def evaluate_in(session: Session, frame: LiveFrame, text: str) -> Any:
    """Evaluate a language expression in a frame (raises VmsError)."""
    return evaluate(text, session.program.resolved, frame.fn, frame.slots, session.vm.globals,
                    frame.ip)
