"""What a handler is: a function of the adapter and the request's
arguments returning a Reply, and the phases in which it may run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vmscope.dap.adapter import Adapter, Phase, Reply
from vmscope.dap.protocol import Arguments, DapError, ErrorId
from vmscope.dap.stops import THREAD_ID

HandlerFn = Callable[[Adapter, Arguments], Reply]

ANY_TIME = frozenset(Phase) - {Phase.NEW}
LAUNCHED = frozenset({Phase.CONFIGURING, Phase.STOPPED, Phase.RUNNING, Phase.ENDED})
STOPPED = frozenset({Phase.STOPPED})


@dataclass(frozen=True)
class Handler:
    fn: HandlerFn
    phases: frozenset[Phase]


def check_thread(args: Arguments) -> None:
    """Requests about a thread name the one thread there is."""
    thread = args.integer("threadId", required=True)
    if thread != THREAD_ID:
        raise DapError(ErrorId.NOT_FOUND, f"no thread {thread} (the program is thread "
                       f"{THREAD_ID})")
