"""The headless debugger: a Session driven by the TUI, `vmscope trace` and tests."""

from vmscope.debug.breakpoints import BreakKind, Breakpoint
from vmscope.debug.session import Session
from vmscope.debug.snapshot import Snapshot, State, StopReason

__all__ = ["BreakKind", "Breakpoint", "Session", "Snapshot", "State", "StopReason"]
