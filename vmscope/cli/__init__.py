"""The command line: `vmscope COMMAND ...`, `vmscope [options] FILE.vms` (the
debugger on FILE) and plain `vmscope` (the debugger on a bundled sample).

A command is a module of this package with `parser()` and `main(argv)`, and
one entry in COMMANDS. Only the chosen command's module is imported, and each
loads its machinery when it runs: `vmscope run` never loads the profiler, the
TUI, the row engine or the benchmarks. Shared options, exit statuses and
error reporting live in vmscope.cli.common."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import import_module

from vmscope.cli.common import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    Parser,
    UsageError,
    drop_stdout,
    flush_stdout,
)
from vmscope.errors import InternalError, OutputClosed

__all__ = ["COMMANDS", "Command", "main"]


@dataclass(frozen=True)
class Command:
    name: str
    help: str

    @property
    def module(self) -> str:
        return f"vmscope.cli.{self.name}"


COMMANDS = (
    Command("run", "run a program"),
    Command("dis", "print the compiled closure program"),
    Command("trace", "print every executed instruction with the stack"),
    Command("debug", "open the debugger (TUI) on a program"),
    Command("profile", "profile a program: time by instruction, opcode, line, function, loop "
                       "and sequence (also: profile diff A.json B.json)"),
    Command("eval", "evaluate an expression once per row of a CSV file"),
    Command("bench", "benchmark the engines and levels side by side"),
    Command("screenshots", "play the debugger's scenes headlessly and write one SVG "
                           "screenshot each"),
    Command("dap", "serve the Debug Adapter Protocol to an editor (on stdio, or one client "
                   "over TCP with --port)"),
    Command("serve", "serve the debugger (TUI) in a browser on 127.0.0.1"),
)
_BY_NAME = {c.name: c for c in COMMANDS}


def top_parser() -> Parser:
    """`vmscope --help` and `--version`, and the message for an unknown command."""
    from vmscope import __version__

    parser = Parser(prog="vmscope", description="A visual debugger and profiler for a "
                    "closure-compiled VM. With no command, opens the debugger on a bundled "
                    "sample; `vmscope [debug options] FILE.vms` opens it on FILE.",
                    epilog="`vmscope COMMAND --help` describes a command's options.")
    parser.add_argument("--version", action="version", version=f"vmscope {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        sub.add_parser(command.name, help=command.help, add_help=False)
    return parser


def _dispatch(argv: list[str]) -> int:
    first = argv[0] if argv else None
    if first in _BY_NAME:
        return int(import_module(_BY_NAME[first].module).main(argv[1:]))
    if first is None or first.endswith(".vms") or (
            first.startswith("-") and first not in ("-h", "--help", "--version")):
        from vmscope.cli import debug  # `vmscope [options] [FILE.vms]`: the debugger

        return debug.main(argv, prog="vmscope")
    top_parser().parse_args(argv)  # --help, --version, or an unknown command's message
    raise UsageError("no command given (try: vmscope --help)")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        code = _dispatch(list(sys.argv[1:] if argv is None else argv))
        sys.stdout.flush()  # a reader that went away shows here at the latest
        return code
    except UsageError as exc:
        sys.stderr.write(f"vmscope: {exc}\n")
        return EXIT_USAGE
    except SystemExit as exc:  # --help, or a compile error already reported
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except (OutputClosed, BrokenPipeError):
        drop_stdout()  # a closed pipe is a normal end: no message, exit 0
        return EXIT_OK
    except InternalError as exc:
        flush_stdout()
        sys.stderr.write(f"vmscope: {exc} (this is a bug in vmscope)\n")
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        flush_stdout()
        sys.stderr.write("vmscope: interrupted\n")
        return EXIT_INTERRUPTED

