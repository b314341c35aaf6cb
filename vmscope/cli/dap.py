"""`vmscope dap [--port N] [--log FILE]`: the Debug Adapter Protocol server
an editor starts (vmscope.dap): on stdio, or one client over TCP on
127.0.0.1. Headless: it never imports the TUI."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from vmscope.cli.common import Parser


def port(text: str) -> int:
    """A TCP port number, 0 to 65535."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number (0 to 65535), got {text!r}")
    return int(text)


def parser() -> Parser:
    p = Parser(prog="vmscope dap", description="Serve the Debug Adapter Protocol to an "
               "editor (VS Code, nvim-dap, Emacs dap-mode, Helix): on stdio, or one client "
               "over TCP with --port. See docs/editors.md.")
    p.add_argument("--port", type=port, default=None, metavar="N",
                   help="serve one client on 127.0.0.1:N instead of stdio (0: any free port, "
                        "printed on stderr)")
    p.add_argument("--log", default=None, metavar="FILE",
                   help="log the protocol traffic and any problem to FILE")
    return p


def main(argv: Sequence[str]) -> int:
    args = parser().parse_args(argv)
    from vmscope.dap import run

    return run(args.port, args.log)
