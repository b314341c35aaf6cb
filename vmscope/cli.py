"""The command line. Usage errors are one line `vmscope: message` and exit 2;
guest errors are `FILE:LINE:COL: Kind: message` (plus the guest stack at run
time), exit 2 at compile time and 1 at run time. Only `debug` (and no
arguments at all) imports the TUI."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from vmscope.errors import CompileError, GuestError, InternalError
from vmscope.lang.values import Limits

if TYPE_CHECKING:
    from vmscope.api import Program

EXIT_OK, EXIT_RUNTIME, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text}")
    return value


def add_limit_options(p: argparse.ArgumentParser) -> None:
    defaults = Limits()
    p.add_argument("--max-steps", type=_count, default=None, metavar="N",
                   help="stop with a LimitError after N steps (default: unlimited)")
    p.add_argument("--max-depth", type=_count, default=defaults.max_depth, metavar="N",
                   help=f"deepest call nesting (default {defaults.max_depth:,})")
    p.add_argument("--max-length", type=_count, default=defaults.max_length, metavar="N",
                   help=f"longest str or list (default {defaults.max_length:,})")
    p.add_argument("--max-int-bits", type=_count, default=defaults.max_int_bits, metavar="N",
                   help=f"largest int size in bits (default {defaults.max_int_bits:,})")


def add_level_option(p: argparse.ArgumentParser, default: int) -> None:
    p.add_argument("-O", dest="level", type=int, choices=(0, 1, 2), default=default,
                   metavar="LEVEL",
                   help=f"optimisation level of the closure VM: 0 (one instruction per "
                        f"operation), 1 (typed superinstructions), 2 (fused statements); "
                        f"default {default}")


def limits_of(args: argparse.Namespace) -> Limits:
    try:
        return Limits(args.max_steps, args.max_depth, args.max_length, args.max_int_bits)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="vmscope", description="A visual debugger and profiler for a "
                     "closure-compiled VM. With no command, opens the debugger on a sample; "
                     "`vmscope FILE.vms` opens it on FILE.")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    run = sub.add_parser("run", help="run a program")
    run.add_argument("file")
    run.add_argument("--engine", choices=("closure", "ast"), default="closure",
                     help="the closure VM (default) or the reference AST interpreter")
    run.add_argument("--stats", action="store_true",
                     help="after the run, write steps, time, steps/s and call depth to stderr")
    add_limit_options(run)
    add_level_option(run, 2)

    dis = sub.add_parser("dis", help="print the compiled closure program")
    dis.add_argument("file")
    add_level_option(dis, 0)

    from vmscope import commands

    commands.register(sub)
    return parser


def read_program(path: str) -> tuple[str, bytes]:
    try:
        with open(path, "rb") as fh:
            return path, fh.read()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


def report(err: GuestError | CompileError, filename: str) -> None:
    sys.stdout.flush()
    lines = [err.headline(filename)]
    if isinstance(err, GuestError):
        lines += err.traceback_lines(filename)
    sys.stderr.write("\n".join(lines) + "\n")


def compile_file(path: str, level: int = 0) -> Program:
    """Read and compile FILE; compile errors are reported and raise SystemExit(2)."""
    from vmscope.api import compile_source

    name, data = read_program(path)
    try:
        return compile_source(data, name).at_level(level)
    except CompileError as err:
        report(err, name)
        raise SystemExit(EXIT_USAGE) from None


def cmd_run(args: argparse.Namespace) -> int:
    program = compile_file(args.file, args.level)
    out = sys.stdout
    result = program.run(args.engine, out=out.write, limits=limits_of(args),
                         count_steps=args.stats)
    out.flush()
    if result.error is not None:
        report(result.error, args.file)
    if args.stats:
        unit = "instructions" if args.engine == "closure" else "AST nodes"
        rate = result.steps / result.elapsed if result.elapsed > 0 else 0.0
        sys.stderr.write(
            f"steps: {result.steps} ({unit})\n"
            f"time: {result.elapsed * 1000:.3f} ms\n"
            f"steps/s: {rate:,.0f}\n"
            f"max call depth: {result.max_call_depth}\n")
    return result.exit_code


def cmd_dis(args: argparse.Namespace) -> int:
    program = compile_file(args.file, args.level)
    sys.stdout.write(program.disassemble())
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if not argv:
            from vmscope.commands import open_default_debugger

            return open_default_debugger()
        if argv[0].endswith(".vms"):  # `vmscope FILE.vms [options]`: the debugger on FILE
            argv.insert(0, "debug")
        args = build_parser().parse_args(argv)
        if args.command is None:
            raise UsageError("no command given (try: vmscope --help)")
        handler = {"run": cmd_run, "dis": cmd_dis}.get(args.command)
        if handler is None:
            return int(args.handler(args))
        return handler(args)
    except UsageError as exc:
        sys.stderr.write(f"vmscope: {exc}\n")
        return EXIT_USAGE
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except InternalError as exc:
        sys.stdout.flush()
        sys.stderr.write(f"vmscope: {exc} (this is a bug in vmscope)\n")
        return 70
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        sys.stdout.flush()
        sys.stderr.write("vmscope: interrupted\n")
        return 130
