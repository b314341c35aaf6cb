"""`vmscope profile FILE [options]` and `vmscope profile diff A.json B.json`.

The profiled program's output goes to stdout as with `vmscope run` (to
stderr instead when a machine-readable report goes to stdout; `--quiet` drops
it). The report goes to stdout, or to `-o FILE` (written atomically; a file
that is not a previous profile is only replaced with `--force`; a device, a
FIFO or /dev/stdout is written directly, never replaced). Usage
problems, py-spy that cannot attach, and refusals to overwrite are one line
`vmscope: ...` and exit 2; a guest error is reported like `vmscope run` does
and exits 1 after the (partial) profile is written."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from vmscope.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_RUNTIME,
    Parser,
    UsageError,
    add_file_argument,
    add_level_option,
    add_limit_options,
    compile_file,
    limits_of,
    positive,
    report,
    stdout,
)
from vmscope.errors import OutputClosed
from vmscope.profiler import Format, Mode, View

if TYPE_CHECKING:
    from vmscope.profiler.model import Profile


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a rate in Hz, got {text!r}") from None
    if not 1 <= value <= 20_000:
        raise argparse.ArgumentTypeError(f"rate {text} Hz is outside 1..20000")
    return value


def parser() -> Parser:
    p = Parser(prog="vmscope profile", description="Profile a program on the closure VM: "
               "where the time goes, by instruction, opcode, line, function, loop and "
               "opcode sequence. Also: vmscope profile diff A.json B.json")
    add_file_argument(p)
    p.add_argument("--mode", choices=[m.value for m in Mode], default=Mode.SAMPLE.value,
                   help="sample (default: in-process sampler, ~2 kHz), count (exact hits "
                   "and edges), timed (every instruction timed, approximate), pyspy "
                   "(py-spy, out of process)")
    p.add_argument("--by", choices=[v.value for v in View], default=View.OPCODE.value,
                   help="the table's view (default opcode)")
    add_level_option(p, 2)
    p.add_argument("--format", choices=[f.value for f in Format], default=Format.TABLE.value,
                   dest="fmt",
                   help="the report: a table (default), the profile's JSON, a speedscope "
                   "file or collapsed stacks")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write the report to FILE (atomically, unless FILE is a device or a "
                   "pipe) instead of stdout")
    p.add_argument("--force", action="store_true",
                   help="overwrite FILE even if it is not a previous profile")
    p.add_argument("--top", type=positive, default=20, metavar="N", help="rows (default 20)")
    p.add_argument("--rate", type=_rate, default=None, metavar="HZ",
                   help="sampling rate (default 2000 for sample, 1000 for pyspy)")
    p.add_argument("--counts", action="store_true",
                   help="sample mode: also count hits and edges exactly (costs the count "
                   "loop's overhead)")
    p.add_argument("--repeat", type=positive, default=1, metavar="N",
                   help="run the program N times and add them up (output from the first)")
    p.add_argument("-q", "--quiet", action="store_true", help="drop the program's output")
    p.add_argument("--no-progress", action="store_true",
                   help="no progress indicator (shown on a terminal after 1 s)")
    p.add_argument("--blocking", action="store_true",
                   help="pyspy mode: pause the process for each sample (py-spy's default)")
    add_limit_options(p)
    return p


def diff_parser() -> Parser:
    p = Parser(prog="vmscope profile diff", description="Compare two JSON profiles per "
               "opcode and per line: time and hits per run, largest changes first.")
    p.add_argument("a", metavar="A.json", help="the profile before (vmscope profile FILE "
                   "--format json -o A.json)")
    p.add_argument("b", metavar="B.json", help="the profile after")
    p.add_argument("--format", choices=("table", "json"), default="table", dest="fmt",
                   help="a table (default) or JSON")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write the diff to FILE instead of stdout")
    p.add_argument("--force", action="store_true",
                   help="overwrite FILE even if it is not a previous profile or diff")
    p.add_argument("--top", type=positive, default=20, metavar="N",
                   help="rows per table (default 20)")
    return p


def main(argv: Sequence[str]) -> int:
    argv = list(argv)
    if argv and argv[0] == "diff":
        return diff_main(argv[1:])
    return profile_main(argv)


def _check_target(path: str | None, force: bool) -> None:
    """Refuse before a long run, not after it."""
    if path is None or force:
        return
    from pathlib import Path

    from vmscope.profiler.export import is_previous_profile, writes_in_place

    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{path} is a directory")
    if target.exists() and not writes_in_place(target) and not is_previous_profile(target):
        raise UsageError(f"{path} exists and is not a vmscope profile; pass --force to "
                         "overwrite it")


def _emit(text: str, path: str | None, force: bool, what: str) -> None:
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from vmscope.profiler.export import OverwriteError, write_atomic

    try:
        write_atomic(path, text, force)
    except OverwriteError as exc:
        raise UsageError(str(exc)) from None
    except BrokenPipeError:  # -o /dev/stdout or a FIFO whose reader went away
        raise OutputClosed from None
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    sys.stderr.write(f"vmscope: wrote the {what} to {path}\n")


def profile_main(argv: Sequence[str]) -> int:
    args = parser().parse_args(argv)
    # argparse checks the words (naming the choices); the code dispatches on enums
    mode, args.by, args.fmt = Mode(args.mode), View(args.by), Format(args.fmt)
    if args.counts and mode is not Mode.SAMPLE:
        raise UsageError(f"--counts adds exact counts to sample mode; {mode} mode "
                         + ("counts already" if mode in (Mode.COUNT, Mode.TIMED)
                            else "cannot count (out of process)"))
    if args.rate is not None and mode not in (Mode.SAMPLE, Mode.PYSPY):
        raise UsageError(f"--rate applies to the sample and pyspy modes, not {mode}")
    if args.blocking and mode is not Mode.PYSPY:
        raise UsageError("--blocking applies to pyspy mode only")
    limits = limits_of(args)
    _check_target(args.output, args.force)
    from vmscope.profiler.collect import Options, ProfileSession
    from vmscope.profiler.progress import progress

    unavailable: tuple[type[Exception], ...] = ()  # py-spy's modules load only for its mode
    if mode is Mode.PYSPY:
        from vmscope.profiler.pyspy import PySpyUnavailable, find_pyspy

        unavailable = (PySpyUnavailable,)
        try:
            find_pyspy()
        except PySpyUnavailable as exc:
            raise UsageError(str(exc)) from None
    program = compile_file(args.file, args.level)
    options = Options(mode=mode, counts=args.counts, rate_hz=args.rate,
                      limits=limits, pyspy_nonblocking=not args.blocking)
    session = ProfileSession(program, options)
    out: Callable[[str], Any]
    if args.quiet:
        out = lambda s: None
    elif args.fmt is not Format.TABLE and args.output is None:
        out = sys.stderr.write
    else:
        out = stdout().write
    show = not args.no_progress and sys.stderr.isatty()
    try:
        with progress(f"profiling {args.file} ({mode})", show):
            result = session.run(out, args.repeat)
    except unavailable as exc:
        raise UsageError(str(exc)) from None
    sys.stdout.flush()
    if result.error is not None:
        report(result.error, args.file)
    prof = session.profile
    if args.fmt is Format.TABLE and args.output is None:
        _print_report(prof, args.by, args.top)
    else:
        from vmscope.profiler.export import export

        _emit(export(prof, args.fmt, args.by, args.top), args.output, args.force,
              f"{args.fmt} profile")
    if prof.error == "interrupted":
        return EXIT_INTERRUPTED
    return EXIT_RUNTIME if result.error is not None else EXIT_OK


def _print_report(prof: Profile, by: View, top: int) -> None:
    """Drawn by rich on a terminal; plain text to a pipe, where rich's start-up
    would be all it added."""
    if sys.stdout.isatty():
        from rich.console import Console

        from vmscope.profiler.render import renderable

        Console(highlight=False).print(renderable(prof, by, top))
    else:
        from vmscope.profiler.render import render

        sys.stdout.write(render(prof, by, top))
        sys.stdout.flush()


def load_profile(path: str) -> Profile:
    from vmscope.profiler.model import Profile, ProfileFormatError

    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise UsageError(f"cannot read {path}: {detail or exc}") from None
    try:
        return Profile.from_json(text)
    except ProfileFormatError as exc:
        raise UsageError(f"{path}: {exc} (write one with `vmscope profile FILE --format "
                         "json -o A.json`)") from None


def diff_main(argv: Sequence[str]) -> int:
    args = diff_parser().parse_args(argv)
    _check_target(args.output, args.force)
    from vmscope.profiler.diff import diff_json, diff_text

    a, b = load_profile(args.a), load_profile(args.b)
    text = diff_json(a, b) if args.fmt == "json" else diff_text(a, b, args.top)
    _emit(text, args.output, args.force, "profile diff")
    return EXIT_OK
