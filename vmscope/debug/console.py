"""The text the command line answers with, gdb's shapes in vmscope's words:
where the program stopped (the reason, the frame, the source line), a
backtrace folded as the CLI's traceback folds it, the breakpoint table, a
frame's locals. Pure functions of snapshots, frames and records."""

from __future__ import annotations

from vmscope.debug.breakpoints import Breakpoint
from vmscope.debug.snapshot import FrameView, Snapshot, State
from vmscope.source import Source

FOLD = 10  # a backtrace longer than 2 * FOLD shows both ends, like a traceback


def frame_line(frame: FrameView, filename: str) -> str:
    """`#1  fib(n=3) at fib.vms:5:10`"""
    args = ", ".join(f"{name}={value.text}" for name, value in frame.args)
    call = f"{frame.function}({args})" if frame.function != "<main>" else frame.function
    return f"#{frame.level:<2} {call} at {filename}:{frame.span.line}:{frame.span.col}"


def source_line(source: Source, line: int) -> str | None:
    if 0 < line <= len(source.lines):
        return f"{line:>5}  {source.lines[line - 1].rstrip()}"
    return None


def stop_lines(snap: Snapshot, source: Source) -> list[str]:
    """Where the program is now: why it stopped (when there is more to say
    than "a step"), the innermost frame, its source line."""
    name = source.name
    if snap.state is State.FINISHED:
        return [snap.reason_text or f"the program finished at step {snap.steps:,}"]
    lines = []
    if snap.state is State.ERROR and snap.error:
        lines.append(snap.error)
    elif snap.reason_text:
        lines.append(snap.reason_text[0].upper() + snap.reason_text[1:])
    if snap.frames:
        inner = snap.frames[-1]
        lines.append(f"{frame_line(inner, name)}  (ip {snap.ip}, step {snap.steps:,})")
        text = source_line(source, snap.line)
        if text is not None:
            lines.append(text)
    return lines


def backtrace_lines(frames: tuple[FrameView, ...], total: int, filename: str,
                    selected: int) -> list[str]:
    """Frames innermost first; `... N frames omitted` where they are not all
    given; the selected one marked with `>`."""
    lines = []
    for i, frame in enumerate(frames):
        if i and frames[i - 1].level + 1 != frame.level:
            gap = frame.level - frames[i - 1].level - 1
            lines.append(f"  ... {gap:,} frame{'s' if gap != 1 else ''} omitted")
        mark = ">" if frame.level == selected else " "
        lines.append(f"{mark} {frame_line(frame, filename)}")
    if frames and frames[-1].level < total - 1:
        lines.append(f"  ... {total - 1 - frames[-1].level:,} outer frames not shown")
    return lines


def breakpoint_table(breakpoints: list[Breakpoint]) -> list[str]:
    """`info breakpoints`: gdb's columns (Num, Disp, Enb, What, Hits)."""
    if not breakpoints:
        return ["no breakpoints"]
    lines = [f"{'Num':<4} {'Disp':<5} {'Enb':<4} {'Hits':>5}  What"]
    for bp in breakpoints:
        what = bp.location.describe()
        if bp.log_message is not None:
            what += f" log: {bp.log_message}"
        lines.append(f"{bp.id:<4} {'del' if bp.temporary else 'keep':<5} "
                     f"{'y' if bp.enabled else 'n':<4} {bp.hits:>5}  {what}")
        if bp.condition:
            lines.append(f"{'':>22}stop only if {bp.condition}")
        if bp.ignore_count:
            lines.append(f"{'':>22}ignore the next {bp.ignore_count:,} crossings")
        if bp.last_error:
            lines.append(f"{'':>22}condition failed: {bp.last_error}")
    return lines


def locals_lines(frame: FrameView, args_only: bool = False) -> list[str]:
    pairs = frame.args if args_only else frame.locals
    if not pairs:
        return ["no arguments" if args_only else "no locals"]
    return [f"{name} = {value.text}" for name, value in pairs]


def frame_info(frame: FrameView, caller: FrameView | None, total: int,
               filename: str) -> list[str]:
    lines = [f"frame #{frame.level} of {total:,}: {frame.function} at "
             f"{filename}:{frame.span.line}:{frame.span.col} (ip {frame.ip})"]
    if caller is not None:
        lines.append(f"  called from {caller.function} at {filename}:{caller.span.line}:"
                     f"{caller.span.col} (ip {caller.ip}, frame #{caller.level})")
    args = ", ".join(f"{n}={v.text}" for n, v in frame.args) or "none"
    lines.append(f"  args: {args}")
    lines.append(f"  locals: {len(frame.locals)}")
    return lines
