"""The request handlers, in ONE table keyed by the command: each handler and
the phases of the session in which its request may come. The server looks a
request up here; a request in another phase gets an error that says why."""

from __future__ import annotations

from vmscope.dap.handlers import breakpoints, console, execution, inspection, lifecycle
from vmscope.dap.handlers.base import Handler
from vmscope.dap.protocol import Command

HANDLERS: dict[Command, Handler] = {
    **lifecycle.HANDLERS, **breakpoints.HANDLERS, **inspection.HANDLERS, **console.HANDLERS,
    **execution.HANDLERS,
}

__all__ = ["HANDLERS", "Handler"]
