"""The protocol's vocabulary: the commands this adapter answers, the events it
sends, the reasons of a stop, the error ids, and a typed reader for a
request's `arguments` that turns every malformed field into a clear error."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum
from typing import Any


class Command(Enum):
    """Requests answered (the spec's command names)."""

    INITIALIZE = "initialize"
    LAUNCH = "launch"
    CONFIGURATION_DONE = "configurationDone"
    THREADS = "threads"
    SET_BREAKPOINTS = "setBreakpoints"
    SET_FUNCTION_BREAKPOINTS = "setFunctionBreakpoints"
    SET_INSTRUCTION_BREAKPOINTS = "setInstructionBreakpoints"
    SET_EXCEPTION_BREAKPOINTS = "setExceptionBreakpoints"
    DATA_BREAKPOINT_INFO = "dataBreakpointInfo"
    SET_DATA_BREAKPOINTS = "setDataBreakpoints"
    EXCEPTION_INFO = "exceptionInfo"
    STACK_TRACE = "stackTrace"
    SCOPES = "scopes"
    VARIABLES = "variables"
    EVALUATE = "evaluate"
    SET_VARIABLE = "setVariable"
    COMPLETIONS = "completions"
    CONTINUE = "continue"
    PAUSE = "pause"
    NEXT = "next"
    STEP_IN = "stepIn"
    STEP_OUT = "stepOut"
    STEP_BACK = "stepBack"
    REVERSE_CONTINUE = "reverseContinue"
    DISASSEMBLE = "disassemble"
    RESTART = "restart"
    TERMINATE = "terminate"
    DISCONNECT = "disconnect"


class EventName(Enum):
    INITIALIZED = "initialized"
    STOPPED = "stopped"
    CONTINUED = "continued"
    INVALIDATED = "invalidated"
    OUTPUT = "output"
    TERMINATED = "terminated"
    EXITED = "exited"
    BREAKPOINT = "breakpoint"


class DapReason(Enum):
    """`StoppedEvent.body.reason` values of the spec."""

    STEP = "step"
    BREAKPOINT = "breakpoint"
    EXCEPTION = "exception"
    PAUSE = "pause"
    ENTRY = "entry"
    GOTO = "goto"
    FUNCTION_BREAKPOINT = "function breakpoint"
    DATA_BREAKPOINT = "data breakpoint"
    INSTRUCTION_BREAKPOINT = "instruction breakpoint"


class Granularity(Enum):
    STATEMENT = "statement"
    LINE = "line"
    INSTRUCTION = "instruction"


class OutputCategory(Enum):
    CONSOLE = "console"
    STDOUT = "stdout"
    STDERR = "stderr"


class ErrorId(IntEnum):
    """`Message.id` of error responses: one per kind of failure."""

    MALFORMED = 1001  # a message that is not a request
    UNKNOWN_COMMAND = 1002
    BAD_ARGUMENTS = 1003
    WRONG_STATE = 1004
    LAUNCH_FAILED = 1005
    EVALUATION_FAILED = 1006
    NOT_FOUND = 1007  # a frame, reference or thread that does not exist
    INTERNAL = 1099  # a bug in vmscope


NOT_STOPPED = "notStopped"  # the spec's `Response.message` for "retry once stopped"


class DapError(Exception):
    """Fails the request being answered: `success: false`, `message`, and a
    `body.error` Message (shown to the user). `short` overrides `message` with
    one of the spec's predefined values (`notStopped`)."""

    def __init__(self, error_id: ErrorId, text: str, short: str | None = None) -> None:
        super().__init__(text)
        self.error_id = error_id
        self.text = text
        self.short = short

    def body(self) -> dict[str, Any]:
        return {"error": {"id": int(self.error_id), "format": self.text, "showUser": True}}


def bad_arguments(text: str) -> DapError:
    return DapError(ErrorId.BAD_ARGUMENTS, text)


_JSON_TYPES = {bool: "a boolean", int: "an integer", str: "a string", dict: "an object",
               list: "an array"}


@dataclass(frozen=True)
class Arguments:
    """A request's `arguments` object, read field by field with type checks."""

    command: str
    values: dict[str, Any]

    @staticmethod
    def of(command: str, raw: Any) -> Arguments:
        if raw is None:
            return Arguments(command, {})
        if not isinstance(raw, dict):
            raise bad_arguments(f"{command}: `arguments` must be an object")
        return Arguments(command, raw)

    def _get(self, name: str, kind: type, required: bool) -> Any:
        value = self.values.get(name)
        if value is None:
            if required:
                raise bad_arguments(f"{self.command}: missing `{name}`")
            return None
        # bool is an int in Python, never in JSON's eyes
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise bad_arguments(f"{self.command}: `{name}` must be {_JSON_TYPES[kind]}")
        return value

    def integer(self, name: str, default: int | None = None, *, required: bool = False) -> Any:
        value = self._get(name, int, required)
        return default if value is None else value

    def string(self, name: str, default: str | None = None, *, required: bool = False) -> Any:
        value = self._get(name, str, required)
        return default if value is None else value

    def flag(self, name: str, default: bool = False) -> bool:
        value = self._get(name, bool, False)
        return default if value is None else bool(value)

    def obj(self, name: str, *, required: bool = False) -> Arguments:
        value = self._get(name, dict, required)
        return Arguments(f"{self.command}.{name}", value or {})

    def array(self, name: str, *, required: bool = False) -> list[Any]:
        value = self._get(name, list, required)
        return [] if value is None else list(value)

    def objects(self, name: str, *, required: bool = False) -> list[Arguments]:
        """A list of objects, each readable as Arguments."""
        out = []
        for i, item in enumerate(self.array(name, required=required)):
            if not isinstance(item, dict):
                raise bad_arguments(f"{self.command}: `{name}[{i}]` must be an object")
            out.append(Arguments(f"{self.command}.{name}[{i}]", item))
        return out

    def count(self, name: str, default: int | None = None) -> Any:
        """A non-negative integer (a limit, a count, an index)."""
        value = self.integer(name, default)
        if value is not None and value < 0:
            raise bad_arguments(f"{self.command}: `{name}` must not be negative")
        return value
