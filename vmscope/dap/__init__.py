"""`vmscope dap`: a Debug Adapter Protocol server, so editors (VS Code,
Neovim's nvim-dap, Emacs dap-mode, Helix, Zed) debug vmscope programs with
the same Session the TUI drives. Pure Python, standard library only; it
never imports Textual.

Modules: `framing` (the wire format), `protocol` (commands, events, errors,
argument checks), `channel` (numbered, ordered sending), `server` (the
request loop, stdio or TCP), `handlers` (one table keyed by the command),
`adapter` (the session's phase and the run worker), `capabilities`, and the
mappings from the Session to the protocol: `stops` (reasons), `frames`,
`variables` (on the Session's value inspection), `evaluation` (contexts,
expressions or command words), `completion`, `breakpoints` and `hits` (hit
conditions), `data` (data breakpoints: watchpoints), `output` (the program's
output and log messages, in order), `disassembly`, `positions`, `stepping`."""

from __future__ import annotations


def run(port: int | None = None, log_path: str | None = None) -> int:
    """Serve one client (stdio, or TCP on 127.0.0.1:`port`); the exit status."""
    from vmscope.dap.server import run as serve

    return serve(port, log_path)
