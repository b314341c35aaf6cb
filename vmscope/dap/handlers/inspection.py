"""Looking at a stopped program: stackTrace, scopes, variables, evaluate and
disassemble (the last also before the program runs: the code is known)."""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
from typing import Any

from vmscope.dap.adapter import Adapter, Phase, Reply
from vmscope.dap.disassembly import disassemble as disassemble_body
from vmscope.dap.frames import evaluate_in, frame_at, frame_by_id, frame_count, stack_frame
from vmscope.dap.handlers.base import LAUNCHED, STOPPED, Handler, check_thread
from vmscope.dap.protocol import Arguments, Command, DapError, ErrorId, bad_arguments
from vmscope.dap.variables import VALUE_TEXT
from vmscope.debug.evaluate import parse_expression
from vmscope.errors import VmsError
from vmscope.lang import nodes as n

CONTEXTS = ("watch", "repl", "hover", "clipboard", "variables")
SIMPLE = re.compile(r"[A-Za-z_]\w*(\[[^\[\]]*\])*")  # a name, maybe indexed: no parentheses


def stack_trace(adapter: Adapter, args: Arguments) -> Reply:
    check_thread(args)
    session = adapter.stopped_session()
    assert adapter.positions is not None
    total = frame_count(session)
    first = args.count("startFrame", 0)
    levels = args.count("levels", 0)
    last = total if not levels else min(total, first + levels)
    frames = [stack_frame(i + 1, frame_at(session, i), adapter.positions)
              for i in range(first, last)]
    return Reply({"stackFrames": frames, "totalFrames": total})


def scopes(adapter: Adapter, args: Arguments) -> Reply:
    assert adapter.variables is not None
    return Reply({"scopes": adapter.variables.scopes(args.integer("frameId", required=True))})


def variables(adapter: Adapter, args: Arguments) -> Reply:
    assert adapter.variables is not None
    only = args.string("filter")
    if only not in (None, "indexed", "named"):
        raise bad_arguments(f"variables: `filter` must be \"indexed\" or \"named\", not "
                            f"{only!r}")
    found = adapter.variables.variables(args.integer("variablesReference", required=True),
                                        args.count("start", 0), args.count("count", 0), only)
    return Reply({"variables": found})


def _calls_in(node: Any) -> bool:
    """Does a parsed expression call anything (which could change state)?"""
    if isinstance(node, n.Call):
        return True
    if is_dataclass(node):
        return any(_calls_in(getattr(node, f.name)) for f in fields(node))
    if isinstance(node, list | tuple):
        return any(_calls_in(item) for item in node)
    return False


def evaluate(adapter: Adapter, args: Arguments) -> Reply:
    text = args.string("expression", required=True)
    context = args.string("context", "repl")
    if context not in CONTEXTS:
        context = "repl"  # the spec's list may grow: treat what it adds as the console
    session = adapter.stopped_session()
    assert adapter.variables is not None
    frame_id = args.integer("frameId")
    # No frame: the global scope, which is the outermost frame's.
    frame = frame_by_id(session, frame_id) if frame_id is not None else \
        frame_at(session, frame_count(session) - 1)
    try:
        if context == "hover" and _calls_in(parse_expression(text)):
            raise DapError(ErrorId.EVALUATION_FAILED, "a hover does not evaluate calls")
        value = evaluate_in(session, frame, text)
    except VmsError as err:
        raise DapError(ErrorId.EVALUATION_FAILED, f"{err.kind.value}: {err.message}") from None
    limit = None if context == "clipboard" else VALUE_TEXT
    stripped = text.strip()
    name = stripped if SIMPLE.fullmatch(stripped) else f"({stripped})"
    body = adapter.variables.value_fields(value, name, limit)
    return Reply({"result": body.pop("value"), **body})


def disassemble(adapter: Adapter, args: Arguments) -> Reply:
    session = adapter.session
    if session is None or adapter.positions is None or adapter.phase is Phase.ENDED:
        raise DapError(ErrorId.WRONG_STATE, "disassemble: no program is launched")
    return Reply(disassemble_body(args, session.code, adapter.positions))


HANDLERS: dict[Command, Handler] = {
    Command.STACK_TRACE: Handler(stack_trace, STOPPED),
    Command.SCOPES: Handler(scopes, STOPPED),
    Command.VARIABLES: Handler(variables, STOPPED),
    Command.EVALUATE: Handler(evaluate, STOPPED),
    Command.DISASSEMBLE: Handler(disassemble, LAUNCHED),
}
