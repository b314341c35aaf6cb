"""vmscope's own error types: every guest failure carries a kind, a span and,
at run time, the guest call stack. A Python exception escaping an engine is
wrapped as InternalError, which names the ip and opcode: always our bug."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from vmscope.source import Span


class ErrorKind(Enum):
    SYNTAX = "SyntaxError"
    NAME = "NameError"
    TYPE = "TypeError"
    ZERO_DIVISION = "ZeroDivisionError"
    INDEX = "IndexError"
    VALUE = "ValueError"
    RECURSION = "RecursionError"
    LIMIT = "LimitError"


@dataclass(frozen=True, slots=True)
class StackEntry:
    """One guest frame in a traceback: the function and where it is."""

    function: str
    span: Span


class VmsError(Exception):
    """Base of guest-visible errors (compile time and run time)."""

    def __init__(self, kind: ErrorKind, message: str, span: Span | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.span = span

    @property
    def line(self) -> int:
        return self.span.line if self.span else 0

    @property
    def col(self) -> int:
        return self.span.col if self.span else 0

    def headline(self, filename: str) -> str:
        """The `FILE:LINE:COL: Kind: message` line of the command line."""
        return f"{filename}:{self.line}:{self.col}: {self.kind.value}: {self.message}"

    def __str__(self) -> str:
        return self.headline("<input>")


class CompileError(VmsError):
    """A SyntaxError or compile-time NameError: nothing has run."""


class GuestError(VmsError):
    """A runtime error of the language. `stack` is filled by the engine that
    caught it, outermost frame first."""

    def __init__(self, kind: ErrorKind, message: str, span: Span | None = None) -> None:
        super().__init__(kind, message, span)
        self.stack: list[StackEntry] = []

    def traceback_lines(self, filename: str, keep: int = 10) -> list[str]:
        """`  at NAME (FILE:LINE:COL)` lines; long stacks keep both ends."""
        lines = [f"  at {e.function} ({filename}:{e.span.line}:{e.span.col})" for e in self.stack]
        if len(lines) > 2 * keep:
            omitted = len(lines) - 2 * keep
            lines = [*lines[:keep], f"  ... {omitted} frames omitted", *lines[-keep:]]
        return lines


class InternalError(Exception):
    """A host exception escaped an engine: a bug in vmscope, never the guest's."""

    def __init__(self, where: str, cause: BaseException) -> None:
        super().__init__(f"internal error at {where}: {type(cause).__name__}: {cause}")
        self.where = where
        self.cause = cause


class OutputClosed(Exception):
    """The reader of the output went away (`vmscope run P | head -1`): the
    front end's writer raises it in place of BrokenPipeError, and the engines
    pass it through unchanged, as neither the guest's error nor vmscope's bug."""


def type_error(message: str) -> GuestError:
    return GuestError(ErrorKind.TYPE, message)


def value_error(message: str) -> GuestError:
    return GuestError(ErrorKind.VALUE, message)


def index_error(message: str) -> GuestError:
    return GuestError(ErrorKind.INDEX, message)


def zero_division(message: str = "division by zero") -> GuestError:
    return GuestError(ErrorKind.ZERO_DIVISION, message)


def limit_error(message: str) -> GuestError:
    return GuestError(ErrorKind.LIMIT, message)
