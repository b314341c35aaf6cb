"""The headless debugger: a Session driven by the TUI, the DAP server,
`vmscope trace` and tests; a command line (gdb's and pdb's words) on it; the
state saved per program file. See docs/api.md, "The debugger"."""

from vmscope.debug.breakpoints import BreakKind, Breakpoint, Location, parse_location
from vmscope.debug.errors import DebugError, LocationError
from vmscope.debug.inspection import Child, Root, ValueDetail, ValueRef
from vmscope.debug.session import Session
from vmscope.debug.snapshot import FrameView, Snapshot, State, StopReason, ValueView
from vmscope.debug.stops import LogMessage

__all__ = ["BreakKind", "Breakpoint", "Child", "DebugError", "FrameView", "Location",
           "LocationError", "LogMessage", "Root", "Session", "Snapshot", "State", "StopReason",
           "ValueDetail", "ValueRef", "ValueView", "parse_location"]
