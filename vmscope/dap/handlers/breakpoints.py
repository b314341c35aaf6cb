"""Breakpoint requests: source lines (with conditions, hit conditions and
log messages), functions, instructions, data (`dataBreakpointInfo` and
`setDataBreakpoints`), the runtime-error filter, and `exceptionInfo` at an
exception stop. Each `set...` request replaces every breakpoint of its kind,
as the spec says."""

from __future__ import annotations

from vmscope.dap import data
from vmscope.dap.adapter import Adapter, Phase, Reply
from vmscope.dap.breakpoints import WRITE, Entry, Origin
from vmscope.dap.capabilities import RUNTIME_ERRORS
from vmscope.dap.disassembly import parse_reference
from vmscope.dap.handlers.base import ANY_TIME, STOPPED, Handler, check_thread
from vmscope.dap.protocol import Arguments, Command, DapError, ErrorId, bad_arguments
from vmscope.debug.snapshot import State
from vmscope.errors import GuestError, VmsError

ACCESS_TYPES = ("read", "write", "readWrite")


def _common(item: Arguments) -> dict[str, str | None]:
    return {"condition": item.string("condition") or None,
            "hit_condition": item.string("hitCondition") or None}


def set_breakpoints(adapter: Adapter, args: Arguments) -> Reply:
    source = args.obj("source", required=True)
    positions = adapter.positions
    on_program = positions.is_program(source.values) if positions is not None else True
    requested = args.objects("breakpoints")
    if not requested:  # the deprecated `lines` form
        requested = [Arguments(f"setBreakpoints.lines[{i}]", {"line": line})
                     for i, line in enumerate(args.array("lines"))]
    table = adapter.breakpoints
    entries = []
    for item in requested:
        line = item.integer("line", required=True)
        if positions is not None:
            line = positions.line_in(line)
        entries.append(table.new_entry(Origin.SOURCE, line, log_message=item.string(
            "logMessage") or None, on_program=on_program, **_common(item)))
    return _replace(adapter, Origin.SOURCE, entries)


def set_function_breakpoints(adapter: Adapter, args: Arguments) -> Reply:
    table = adapter.breakpoints
    entries = [table.new_entry(Origin.FUNCTION, item.string("name", required=True).strip(),
                               **_common(item))
               for item in args.objects("breakpoints", required=True)]
    return _replace(adapter, Origin.FUNCTION, entries)


def set_instruction_breakpoints(adapter: Adapter, args: Arguments) -> Reply:
    table = adapter.breakpoints
    entries = []
    for item in args.objects("breakpoints", required=True):
        ip = parse_reference(item.string("instructionReference", required=True),
                             "instructionReference") + item.integer("offset", 0)
        entries.append(table.new_entry(Origin.INSTRUCTION, ip, **_common(item)))
    return _replace(adapter, Origin.INSTRUCTION, entries)


def data_breakpoint_info(adapter: Adapter, args: Arguments) -> Reply:
    session = adapter.stopped_session()
    assert adapter.variables is not None
    return Reply(data.info(session, adapter.variables, args.string("name", required=True),
                           args.integer("variablesReference"), args.integer("frameId")))


def set_data_breakpoints(adapter: Adapter, args: Arguments) -> Reply:
    table = adapter.breakpoints
    entries = []
    for item in args.objects("breakpoints", required=True):
        access = item.string("accessType", WRITE)
        if access not in ACCESS_TYPES:
            raise bad_arguments(f"setDataBreakpoints: unknown accessType {access!r} "
                                f"({', '.join(ACCESS_TYPES)})")
        entries.append(table.new_entry(Origin.DATA, item.string("dataId", required=True),
                                       access_type=access, **_common(item)))
    return _replace(adapter, Origin.DATA, entries)


def _replace(adapter: Adapter, origin: Origin, entries: list[Entry]) -> Reply:
    session = adapter.session if adapter.phase is not Phase.ENDED else None
    no_debug = adapter.config is not None and adapter.config.no_debug
    # Session breakpoints may change while the program runs; its watchpoints when it stops.
    defer = origin is Origin.DATA and adapter.phase is Phase.RUNNING
    adapter.breakpoints.replace(origin, entries, session, no_debug, defer=defer)
    views = [adapter.breakpoints.view(e, adapter.positions) for e in entries]
    return Reply({"breakpoints": views})


def set_exception_breakpoints(adapter: Adapter, args: Arguments) -> Reply:
    filters = args.array("filters", required=True)
    options = [item.string("filterId", required=True)
               for item in args.objects("filterOptions")]
    chosen = [*filters, *options]
    for name in chosen:
        if name != RUNTIME_ERRORS:
            raise bad_arguments(f"setExceptionBreakpoints: unknown filter {name!r} (the filter "
                                f"is {RUNTIME_ERRORS!r})")
    adapter.stop_on_errors = bool(chosen)
    return Reply({"breakpoints": [{"verified": True} for _ in chosen]})


def exception_info(adapter: Adapter, args: Arguments) -> Reply:
    check_thread(args)
    session = adapter.stopped_session()
    err = session.error
    if session.state is not State.ERROR or err is None:
        raise DapError(ErrorId.WRONG_STATE, "exceptionInfo: the program is not stopped at a "
                       "runtime error")
    assert adapter.config is not None
    name = adapter.config.program
    if isinstance(err, VmsError):
        kind, message = err.kind.value, err.message
        stack = "\n".join(err.traceback_lines(name)) if isinstance(err, GuestError) else ""
        description = err.headline(name)
    else:
        kind, message, stack = "InternalError", str(err), ""
        description = f"{err} (this is a bug in vmscope)"
    details = {"message": message, "typeName": kind, "fullTypeName": kind}
    if stack:
        details["stackTrace"] = stack
    return Reply({"exceptionId": kind, "description": description, "breakMode": "always",
                  "details": details})


HANDLERS: dict[Command, Handler] = {
    Command.SET_BREAKPOINTS: Handler(set_breakpoints, ANY_TIME),
    Command.SET_FUNCTION_BREAKPOINTS: Handler(set_function_breakpoints, ANY_TIME),
    Command.SET_INSTRUCTION_BREAKPOINTS: Handler(set_instruction_breakpoints, ANY_TIME),
    Command.SET_EXCEPTION_BREAKPOINTS: Handler(set_exception_breakpoints, ANY_TIME),
    Command.DATA_BREAKPOINT_INFO: Handler(data_breakpoint_info,
                                          frozenset({Phase.CONFIGURING, Phase.STOPPED})),
    Command.SET_DATA_BREAKPOINTS: Handler(set_data_breakpoints, ANY_TIME),
    Command.EXCEPTION_INFO: Handler(exception_info, STOPPED),
}
