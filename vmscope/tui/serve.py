"""`vmscope serve`: the debugger in a browser, through textual-serve, on
127.0.0.1 only. Each browser tab (each websocket connection) runs its own
`vmscope debug FILE` process with the same options: the same app, keys and
screens as in a terminal, and its own Session.

This module does not import Textual: the app runs in those child processes."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from vmscope.lang.values import Limits

HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def debug_command(file: Path | None, options: list[str]) -> str:
    """The shell command textual-serve runs per connection."""
    argv = [sys.executable, "-m", "vmscope", "debug"]
    if file is not None:
        argv.append(str(file))
    return shlex.join([*argv, *options])


def debug_options(level: int, limits: Limits) -> list[str]:
    """`vmscope debug`'s options for a level and limits."""
    options = ["-O", str(level), "--max-depth", str(limits.max_depth), "--max-length",
               str(limits.max_length), "--max-int-bits", str(limits.max_int_bits)]
    if limits.max_steps is not None:
        options += ["--max-steps", str(limits.max_steps)]
    return options


def serve(file: Path | None, options: list[str], port: int = DEFAULT_PORT) -> int:
    """Serve until interrupted; OSError when the port cannot be listened on."""
    import socket

    from textual_serve.server import Server

    # textual-serve reports a busy port only from deep in aiohttp: ask first.
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((HOST, port))
    title = f"vmscope {file.name}" if file is not None else "vmscope"
    Server(debug_command(file, options), host=HOST, port=port, title=title).serve()
    return 0
