"""`vmscope screenshots`: regenerate the SVG screenshots from the real app."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from vmscope.cli.common import EXIT_OK, Parser, UsageError


def parser() -> Parser:
    p = Parser(prog="vmscope screenshots", description="Play the debugger's scenes "
               "headlessly and write one SVG screenshot each.")
    p.add_argument("--out", default="screenshots", metavar="DIR",
                   help="where to write the SVGs (default: screenshots)")
    p.add_argument("--size", default="120x40", metavar="WxH",
                   help="terminal size in cells (default 120x40)")
    p.add_argument("--scene", action="append", default=[], metavar="NAME",
                   help="only this scene (repeatable): stepping, breakpoint, error, heat, "
                        "profile")
    return p


def main(argv: Sequence[str]) -> int:
    args = parser().parse_args(argv)
    from pathlib import Path

    from vmscope.tui.screenshots import parse_size, write_screenshots

    try:
        paths = write_screenshots(Path(args.out), args.scene, parse_size(args.size))
    except (ValueError, KeyError) as exc:
        raise UsageError(str(exc.args[0])) from None
    for path in paths:
        sys.stdout.write(f"{path}\n")
    return EXIT_OK
