"""What this adapter tells the client it supports, in the `initialize`
response. Only what works: a capability left out is a feature the client must
not use (no memory reads: a closure VM has no memory to show; no goto targets,
step-in targets, value formats, exception options or single-thread requests)."""

from __future__ import annotations

from typing import Any

RUNTIME_ERRORS = "runtime"  # the exception filter: stop where a runtime error is raised

EXCEPTION_FILTERS: list[dict[str, Any]] = [{
    "filter": RUNTIME_ERRORS,
    "label": "Runtime errors",
    "description": "Stop at the instruction that raises a runtime error (TypeError, "
                   "IndexError, ...), with the stack and variables of that moment.",
    "default": True,
}]

CAPABILITIES: dict[str, Any] = {
    "supportsConfigurationDoneRequest": True,
    "supportsFunctionBreakpoints": True,
    "supportsConditionalBreakpoints": True,
    "supportsHitConditionalBreakpoints": True,
    "supportsLogPoints": True,
    "supportsDataBreakpoints": True,
    "supportsEvaluateForHovers": True,
    "exceptionBreakpointFilters": EXCEPTION_FILTERS,
    "supportsStepBack": True,
    "supportsSetVariable": True,
    "supportsCompletionsRequest": True,
    "supportsRestartRequest": True,
    "supportsExceptionInfoRequest": True,
    "supportsTerminateRequest": True,
    "supportsDelayedStackTraceLoading": True,
    "supportsDisassembleRequest": True,
    "supportsSteppingGranularity": True,
    "supportsInstructionBreakpoints": True,
    "supportsClipboardContext": True,
}
