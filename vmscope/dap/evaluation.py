"""`evaluate` in its contexts: an expression of the language in a frame
(watch, hover, repl, clipboard, variables), or, in the debug console, a line
of the TUI's command words (`CommandLine`).

- An expression's result is read through the Session's inspection (an
  expression ValueRef), so a list result expands and pages as a variable does.
  Reading it again must not change the program: an expression that calls
  `push`, `pop` or one of the program's functions is evaluated once and its
  list result does not expand, and a hover does not evaluate such calls at all.
- The console takes a line as an expression when it is one whose names are
  in scope, and as a command line otherwise (`p x`, `bt`, `break 12 if i ==
  3`, `next`); a leading `:` makes it a command line always (`:n` is `next`
  even where `n` is a variable), as the TUI's `:` line is."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from enum import Enum
from typing import Any

from vmscope.dap.protocol import DapError, ErrorId
from vmscope.dap.variables import Variables, failure
from vmscope.debug.errors import DebugError
from vmscope.debug.evaluate import parse_expression
from vmscope.debug.inspection import ValueRef
from vmscope.debug.session import Session
from vmscope.debug.snapshot import ValueView
from vmscope.debug.words import parse
from vmscope.errors import CompileError, VmsError
from vmscope.lang import nodes as n
from vmscope.lang.builtins import BUILTINS, MUTATING

VALUE_TEXT = 1000  # characters of a result shown before it is cut (clipboard: all)
COMMAND_PREFIX = ":"


class Context(Enum):
    WATCH = "watch"
    REPL = "repl"
    HOVER = "hover"
    CLIPBOARD = "clipboard"
    VARIABLES = "variables"

    @staticmethod
    def of(text: str | None) -> Context:
        try:
            return Context(text or "repl")
        except ValueError:  # the spec's list may grow: treat what it adds as the console
            return Context.REPL


def _calls(node: Any) -> list[str]:
    """The names called in a parsed expression."""
    found = [node.name] if isinstance(node, n.Call) else []
    if is_dataclass(node) and not isinstance(node, type):
        for f in fields(node):
            found += _calls(getattr(node, f.name))
    elif isinstance(node, list | tuple):
        for item in node:
            found += _calls(item)
    return found


def may_change_state(text: str) -> bool:
    """Could evaluating `text` change the program (push, pop, a program
    function, which may assign globals)? False for text that does not parse."""
    try:
        called = _calls(parse_expression(text))
    except CompileError:
        return False
    return any(name not in BUILTINS or name in MUTATING for name in called)


def command_line(session: Session, text: str, level: int) -> str | None:
    """The command line a console `text` is, or None when it is an expression."""
    stripped = text.strip()
    if stripped.startswith(COMMAND_PREFIX):
        return stripped[len(COMMAND_PREFIX):].strip()
    if not stripped:
        return ""  # as gdb: the last stepping word again
    fn, _, ip = session.frame_at(level)
    try:
        session.evaluator.compile(stripped, fn, ip)
        return None
    except CompileError:
        pass
    return stripped if is_command(stripped) else None  # neither: its compile error says why


def is_command(text: str) -> bool:
    """Does `text` start with a command word (or an alias, or a unique prefix)?"""
    try:
        parse(text)
    except DebugError:
        return False
    return True


def result_body(session: Session, variables: Variables, text: str, level: int,
                context: Context) -> dict[str, Any]:
    """The `evaluate` response body of an expression."""
    changes = may_change_state(text)
    if context is Context.HOVER and changes:
        raise DapError(ErrorId.EVALUATION_FAILED, "a hover does not evaluate calls that may "
                       "change the program (push, pop, the program's functions)")
    ref = ValueRef.expression(text.strip(), level)
    limit = None if context is Context.CLIPBOARD else VALUE_TEXT
    try:
        try:
            detail = session.inspect(ref, count=0, text_limit=limit)
        except RecursionError:  # too deep to write whole: as much as the cut text shows
            detail = session.inspect(ref, count=0, text_limit=VALUE_TEXT)
    except (DebugError, VmsError) as err:
        raise failure(err) from None
    view = ValueView(detail.type, detail.text, detail.length)
    body = variables.value_fields(None if changes else ref, view)
    return {"result": body.pop("value"), **body}
