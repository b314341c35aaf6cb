"""Looking at a stopped program: stackTrace, scopes, variables, setVariable
and disassemble (the last also before the program runs: the code is known)."""

from __future__ import annotations

from vmscope.dap.adapter import Adapter, Phase, Reply
from vmscope.dap.disassembly import disassemble as disassemble_body
from vmscope.dap.frames import level_of, stack_frames
from vmscope.dap.handlers.base import LAUNCHED, STOPPED, Handler, check_thread
from vmscope.dap.protocol import Arguments, Command, DapError, ErrorId, bad_arguments


def stack_trace(adapter: Adapter, args: Arguments) -> Reply:
    check_thread(args)
    session = adapter.stopped_session()
    assert adapter.positions is not None
    frames = stack_frames(session, adapter.positions, args.count("startFrame", 0),
                          args.count("levels", 0))
    return Reply({"stackFrames": frames, "totalFrames": session.frame_count})


def scopes(adapter: Adapter, args: Arguments) -> Reply:
    assert adapter.variables is not None
    level = level_of(adapter.stopped_session(), args.integer("frameId", required=True))
    return Reply({"scopes": adapter.variables.scopes(level)})


def variables(adapter: Adapter, args: Arguments) -> Reply:
    assert adapter.variables is not None
    only = args.string("filter")
    if only not in (None, "indexed", "named"):
        raise bad_arguments(f"variables: `filter` must be \"indexed\" or \"named\", not "
                            f"{only!r}")
    found = adapter.variables.variables(args.integer("variablesReference", required=True),
                                        args.count("start", 0), args.count("count", 0), only)
    return Reply({"variables": found})


def set_variable(adapter: Adapter, args: Arguments) -> Reply:
    assert adapter.variables is not None
    body = adapter.variables.set_variable(args.integer("variablesReference", required=True),
                                          args.string("name", required=True),
                                          args.string("value", required=True))
    return Reply(body, after=lambda: adapter.invalidate("variables"))


def disassemble(adapter: Adapter, args: Arguments) -> Reply:
    session = adapter.session
    if session is None or adapter.positions is None or adapter.phase is Phase.ENDED:
        raise DapError(ErrorId.WRONG_STATE, "disassemble: no program is launched")
    return Reply(disassemble_body(args, session.code, adapter.positions))


HANDLERS: dict[Command, Handler] = {
    Command.STACK_TRACE: Handler(stack_trace, STOPPED),
    Command.SCOPES: Handler(scopes, STOPPED),
    Command.VARIABLES: Handler(variables, STOPPED),
    Command.SET_VARIABLE: Handler(set_variable, STOPPED),
    Command.DISASSEMBLE: Handler(disassemble, LAUNCHED),
}
