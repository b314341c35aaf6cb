"""The session's life: initialize, launch, configurationDone, threads,
restart, terminate and disconnect.

`initialized` is sent once `launch` has compiled the program, so the
breakpoints that follow it are answered with the lines really used; the
program starts when both `launch` and `configurationDone` have come, in
either order."""

from __future__ import annotations

from vmscope.dap.adapter import Adapter, Ending, Phase, Reply
from vmscope.dap.capabilities import CAPABILITIES
from vmscope.dap.handlers.base import ANY_TIME, LAUNCHED, Handler
from vmscope.dap.launch import LaunchConfig
from vmscope.dap.positions import ClientConventions
from vmscope.dap.protocol import Arguments, Command, DapError, ErrorId, EventName
from vmscope.dap.stops import THREAD_ID


def initialize(adapter: Adapter, args: Arguments) -> Reply:
    if adapter.phase is not Phase.NEW:
        raise DapError(ErrorId.WRONG_STATE, "initialize may only be sent once")
    path_format = args.string("pathFormat", "path")
    if path_format not in ("path", "uri"):
        raise DapError(ErrorId.BAD_ARGUMENTS, f"initialize: unknown pathFormat {path_format!r}")
    adapter.conventions = ClientConventions(args.flag("linesStartAt1", True),
                                            args.flag("columnsStartAt1", True),
                                            path_format == "uri")
    adapter.client_invalidates = args.flag("supportsInvalidatedEvent")
    adapter.phase = Phase.INITIALIZED
    return Reply(dict(CAPABILITIES))


def launch(adapter: Adapter, args: Arguments) -> Reply:
    if adapter.config is not None:
        raise DapError(ErrorId.WRONG_STATE, "a program is already launched (send restart to "
                       "launch it again)")
    config = LaunchConfig.parse(args)
    program = config.compile()
    changed = adapter.install(config, program)
    adapter.phase = Phase.CONFIGURING

    def after() -> None:
        adapter.send_breakpoint_changes(changed)
        adapter.channel.event(EventName.INITIALIZED)
        if adapter.configured:
            adapter.start()

    return Reply(after=after)


def configuration_done(adapter: Adapter, args: Arguments) -> Reply:
    if adapter.configured:
        raise DapError(ErrorId.WRONG_STATE, "configurationDone was already sent")
    adapter.configured = True
    if adapter.phase is Phase.CONFIGURING:
        return Reply(after=adapter.start)
    return Reply()  # before launch: the program starts when it is launched


def threads(adapter: Adapter, args: Arguments) -> Reply:
    launched = adapter.session is not None and adapter.phase is not Phase.ENDED
    return Reply({"threads": [{"id": THREAD_ID, "name": "main"}] if launched else []})


def restart(adapter: Adapter, args: Arguments) -> Reply:
    """Reload the program (it may have changed on disk) and start it afresh,
    with the same breakpoints; `arguments` may carry a new launch configuration."""
    adapter.stop_running(Ending.RESTART)
    given = args.obj("arguments")
    assert adapter.config is not None
    config = LaunchConfig.parse(given) if given.values else adapter.config
    program = config.compile()
    changed = adapter.install(config, program)
    adapter.phase = Phase.CONFIGURING

    def after() -> None:
        adapter.send_breakpoint_changes(changed)
        if adapter.configured:
            adapter.start()

    return Reply(after=after)


def terminate(adapter: Adapter, args: Arguments) -> Reply:
    return Reply(after=adapter.terminate())


def disconnect(adapter: Adapter, args: Arguments) -> Reply:
    adapter.stop_running(Ending.DISCONNECT)
    adapter.disconnected = True
    return Reply()


HANDLERS: dict[Command, Handler] = {
    Command.INITIALIZE: Handler(initialize, frozenset(Phase)),
    Command.LAUNCH: Handler(launch, ANY_TIME),
    Command.CONFIGURATION_DONE: Handler(configuration_done, ANY_TIME - {Phase.ENDED}),
    Command.THREADS: Handler(threads, ANY_TIME),
    Command.RESTART: Handler(restart, LAUNCHED),
    Command.TERMINATE: Handler(terminate, LAUNCHED),
    Command.DISCONNECT: Handler(disconnect, frozenset(Phase)),
}
