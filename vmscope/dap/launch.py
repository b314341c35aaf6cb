"""The `launch` request's attributes (the editor's launch configuration),
checked field by field, and the program they name, read and compiled. A
program that does not compile fails the launch with the command line's
`FILE:LINE:COL: Kind: message`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from vmscope.api import Program, compile_source
from vmscope.dap.protocol import Arguments, DapError, ErrorId, bad_arguments
from vmscope.errors import CompileError
from vmscope.lang.values import Limits

LEVELS = (0, 1, 2)
ATTRIBUTES = ("program", "cwd", "stopOnEntry", "noDebug", "optimization", "maxSteps", "maxDepth",
              "maxLength", "maxIntBits")  # what `parse` reads; anything else is ignored


@dataclass(frozen=True)
class LaunchConfig:
    program: str  # as the client gave it (errors name it so)
    path: Path  # absolute, resolved against cwd
    cwd: Path
    level: int
    stop_on_entry: bool
    no_debug: bool
    limits: Limits

    @staticmethod
    def parse(args: Arguments) -> LaunchConfig:
        program = args.string("program", required=True)
        if not program.strip():
            raise bad_arguments("launch: `program` is empty")
        cwd_text = args.string("cwd")
        cwd = Path(cwd_text) if cwd_text else Path.cwd()
        if not cwd.is_absolute():
            cwd = Path.cwd() / cwd
        if not cwd.is_dir():
            raise bad_arguments(f"launch: `cwd` is not a directory: {cwd_text}")
        level = args.integer("optimization", 0)
        if level not in LEVELS:
            raise bad_arguments(f"launch: `optimization` must be 0, 1 or 2, not {level}")
        defaults = Limits()
        try:
            limits = Limits(args.count("maxSteps"),
                            args.count("maxDepth", defaults.max_depth),
                            args.count("maxLength", defaults.max_length),
                            args.count("maxIntBits", defaults.max_int_bits))
        except ValueError as exc:
            raise bad_arguments(f"launch: {exc}") from None
        path = Path(program)
        if not path.is_absolute():
            path = cwd / path
        return LaunchConfig(program, Path(os.path.normpath(path)), cwd, level,
                            args.flag("stopOnEntry"), args.flag("noDebug"), limits)

    def compile(self) -> Program:
        """Read and compile the program; a DapError says what went wrong."""
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise DapError(ErrorId.LAUNCH_FAILED,
                           f"cannot read {self.program}: {exc.strerror or exc}") from None
        try:
            program = compile_source(data, self.program).at_level(self.level)
            program.code  # noqa: B018 - compile now, so its errors fail the launch
        except CompileError as err:
            raise DapError(ErrorId.LAUNCH_FAILED, err.headline(self.program)) from None
        return program
