"""vmscope: a visual debugger and profiler for a closure-compiled VM."""

from __future__ import annotations

from vmscope.api import Program, RunResult, compile_source
from vmscope.errors import CompileError, ErrorKind, GuestError, InternalError, StackEntry
from vmscope.lang.values import Limits

__all__ = [
    "CompileError",
    "ErrorKind",
    "GuestError",
    "InternalError",
    "Limits",
    "Program",
    "RunResult",
    "StackEntry",
    "compile_source",
]
__version__ = "0.1.0"
