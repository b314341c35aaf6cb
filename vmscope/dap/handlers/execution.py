"""Running the program: continue, pause, next, stepIn, stepOut, stepBack and
reverseContinue. Each answers at once and runs on the adapter's worker; the
`stopped` event (or `exited` and `terminated`) follows the response."""

from __future__ import annotations

from vmscope.dap.adapter import Adapter, Phase, Reply
from vmscope.dap.handlers.base import Handler, check_thread
from vmscope.dap.protocol import (
    Arguments,
    Command,
    DapError,
    ErrorId,
    Granularity,
    bad_arguments,
)
from vmscope.dap.stepping import (
    NEXT,
    STEP_BACK,
    STEP_IN,
    STEP_OUT,
    Operation,
    continue_,
    reverse_continue,
)

RUNNABLE = frozenset({Phase.STOPPED})


def _granularity(args: Arguments) -> Granularity:
    text = args.string("granularity", Granularity.STATEMENT.value)
    try:
        return Granularity(text)
    except ValueError:
        raise bad_arguments(f"{args.command}: unknown granularity {text!r} (statement, line "
                            f"or instruction)") from None


def _run(adapter: Adapter, args: Arguments, op: Operation, body: dict[str, object] | None = None
         ) -> Reply:
    check_thread(args)
    return Reply(body, after=adapter.begin_run(op))


def _backward(adapter: Adapter, args: Arguments, op: Operation) -> Reply:
    """A move back in time: at step 0 there is nothing before (nothing moves)."""
    check_thread(args)
    if adapter.stopped_session().steps == 0:
        raise DapError(ErrorId.WRONG_STATE, f"{args.command}: at step 0, the start: nothing "
                       f"before it")
    return Reply(after=adapter.begin_run(op))


def continue_request(adapter: Adapter, args: Arguments) -> Reply:
    return _run(adapter, args, continue_, {"allThreadsContinued": True})


def next_request(adapter: Adapter, args: Arguments) -> Reply:
    return _run(adapter, args, NEXT[_granularity(args)])


def step_in(adapter: Adapter, args: Arguments) -> Reply:
    return _run(adapter, args, STEP_IN[_granularity(args)])


def step_out(adapter: Adapter, args: Arguments) -> Reply:
    return _run(adapter, args, STEP_OUT[_granularity(args)])


def step_back(adapter: Adapter, args: Arguments) -> Reply:
    return _backward(adapter, args, STEP_BACK[_granularity(args)])


def reverse_continue_request(adapter: Adapter, args: Arguments) -> Reply:
    return _backward(adapter, args, reverse_continue)


def pause(adapter: Adapter, args: Arguments) -> Reply:
    check_thread(args)
    if adapter.phase is not Phase.RUNNING:
        raise DapError(ErrorId.WRONG_STATE, f"pause: the program is not running "
                       f"({adapter.phase.value})")
    return Reply(after=adapter.request_pause)


HANDLERS: dict[Command, Handler] = {
    Command.CONTINUE: Handler(continue_request, RUNNABLE),
    Command.NEXT: Handler(next_request, RUNNABLE),
    Command.STEP_IN: Handler(step_in, RUNNABLE),
    Command.STEP_OUT: Handler(step_out, RUNNABLE),
    Command.STEP_BACK: Handler(step_back, RUNNABLE),
    Command.REVERSE_CONTINUE: Handler(reverse_continue_request, RUNNABLE),
    Command.PAUSE: Handler(pause, frozenset(Phase) - {Phase.NEW}),
}
