"""The frames of a stopped program for the protocol, from the Session's
frame views: a `stackTrace` page costs the frames it holds (`frames(start,
count)`), however deep the stack. Frame ids are the gdb level plus one: 1 for
the innermost frame, 2 for its caller, and so on (valid while the program
stays stopped, as the spec's references are)."""

from __future__ import annotations

from typing import Any

from vmscope.dap.positions import Positions
from vmscope.dap.protocol import DapError, ErrorId
from vmscope.debug.session import Session
from vmscope.debug.snapshot import FrameView
from vmscope.errors import VmsError


def level_of(session: Session, frame_id: int) -> int:
    """The gdb level of a frame id; a DapError when there is no such frame."""
    count = session.frame_count
    if not 1 <= frame_id <= count:
        raise DapError(ErrorId.NOT_FOUND, f"no frame {frame_id} (there are {count})")
    return frame_id - 1


def outermost(session: Session) -> int:
    """<main>'s level: where an expression without a frame is evaluated."""
    return session.frame_count - 1


def stack_frames(session: Session, positions: Positions, start: int, levels: int
                 ) -> list[dict[str, Any]]:
    """The DAP `StackFrame`s from level `start`, at most `levels` (0: all)."""
    views = session.frames(start, levels or None)
    return [stack_frame(session, view, positions) for view in views]


def stack_frame(session: Session, view: FrameView, positions: Positions) -> dict[str, Any]:
    span = view.span
    err = session.error
    if view.level == 0 and isinstance(err, VmsError) and err.span is not None:
        span = err.span  # where the failing operation is, to the column
    return {"id": view.level + 1, "name": view.function, "source": positions.source(),
            **positions.span_fields(span), "instructionPointerReference": str(view.ip)}
