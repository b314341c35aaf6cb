"""What the commands share: usage errors and exit statuses, the option types
and the options several commands take, reading and compiling a program,
reporting a guest error, and a standard output that turns a closed pipe into
OutputClosed.

Usage errors are one line `vmscope: message`, exit 2; guest errors are
`FILE:LINE:COL: Kind: message` (plus the guest stack at run time), exit 2 at
compile time and 1 at run time. Nothing here imports more than the language's
values: each command loads its own machinery when it runs."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, NoReturn, TextIO

from vmscope.errors import CompileError, GuestError, OutputClosed
from vmscope.lang.values import Limits

if TYPE_CHECKING:
    from vmscope.api import Program

EXIT_OK = 0
EXIT_RUNTIME = 1  # a guest error at run time
EXIT_USAGE = 2  # a usage error, or a compile error (nothing ran)
EXIT_INTERNAL = 70  # a bug in vmscope (EX_SOFTWARE)
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT

FILE_HELP = "the program, a .vms file"


class UsageError(Exception):
    """A command used wrongly: one line `vmscope: message`, exit 2."""


class Parser(argparse.ArgumentParser):
    """argparse, with its errors raised as UsageError (main prints them)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


# ---- option types ---------------------------------------------------------------------------


def _whole(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = least - 1
    if value < least:
        raise argparse.ArgumentTypeError(f"expected a whole number >= {least}, got {text!r}")
    return value


def count(text: str) -> int:
    """A whole number >= 0 (a limit, an ip, a line)."""
    return _whole(text, 0)


def positive(text: str) -> int:
    """A whole number >= 1 (rows, rounds, repetitions): one message for 0,
    negatives and non-numbers alike."""
    return _whole(text, 1)


# ---- options several commands take ----------------------------------------------------------


def add_file_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help=FILE_HELP)


def add_limit_options(p: argparse.ArgumentParser) -> None:
    defaults = Limits()
    p.add_argument("--max-steps", type=count, default=None, metavar="N",
                   help="stop with a LimitError after N steps (default: unlimited)")
    p.add_argument("--max-depth", type=count, default=defaults.max_depth, metavar="N",
                   help=f"deepest call nesting (default {defaults.max_depth:,})")
    p.add_argument("--max-length", type=count, default=defaults.max_length, metavar="N",
                   help=f"longest str or list (default {defaults.max_length:,})")
    p.add_argument("--max-int-bits", type=count, default=defaults.max_int_bits, metavar="N",
                   help=f"largest int size in bits (default {defaults.max_int_bits:,})")


def add_level_option(p: argparse.ArgumentParser, default: int | None,
                     default_text: str | None = None) -> None:
    p.add_argument("-O", dest="level", type=int, choices=(0, 1, 2), default=default,
                   metavar="LEVEL",
                   help="optimisation level of the closure VM: 0 (one instruction per "
                        "operation), 1 (typed superinstructions), 2 (fused statements); "
                        f"default {default_text or default}")


def limits_of(args: argparse.Namespace) -> Limits:
    try:
        return Limits(args.max_steps, args.max_depth, args.max_length, args.max_int_bits)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


# ---- programs and their errors --------------------------------------------------------------


def read_program(path: str) -> tuple[str, bytes]:
    """(the name reports use: the path as given, the file's bytes)."""
    try:
        with open(path, "rb") as fh:
            return path, fh.read()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


def report(err: GuestError | CompileError, filename: str) -> None:
    """The error's headline (and, at run time, the guest stack) on stderr,
    after whatever the program wrote (a reader of stdout that went away does
    not stop the error being reported)."""
    flush_stdout()
    lines = [err.headline(filename)]
    if isinstance(err, GuestError):
        lines += err.traceback_lines(filename)
    sys.stderr.write("\n".join(lines) + "\n")


def compile_file(path: str, level: int = 0) -> Program:
    """Read and compile FILE; a compile error is reported and raises SystemExit(2)."""
    from vmscope.api import compile_source

    name, data = read_program(path)
    try:
        return compile_source(data, name).at_level(level)
    except CompileError as err:
        report(err, name)
        raise SystemExit(EXIT_USAGE) from None


# ---- the standard output --------------------------------------------------------------------


class GuardedOutput:
    """A text stream whose reader may go away (`vmscope run P | head -1`): a
    write or flush that meets a closed pipe raises OutputClosed, which the VM
    passes through (it is neither the guest's error nor vmscope's bug) and
    `main` ends quietly with exit 0."""

    __slots__ = ("stream",)

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except BrokenPipeError:
            raise OutputClosed from None

    def flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            raise OutputClosed from None


def stdout() -> GuardedOutput:
    """The current sys.stdout, guarded (read at each call: tests redirect it)."""
    return GuardedOutput(sys.stdout)


def flush_stdout() -> None:
    """Flush sys.stdout before writing to stderr; a closed pipe is dropped."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        drop_stdout()


def drop_stdout() -> None:
    """The reader of stdout went away: what is still buffered goes to
    /dev/null, so Python's own flush at exit has nothing to complain about
    (as the docs of the signal module advise)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (a test's capture)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)
