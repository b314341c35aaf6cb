"""Breakpoints as gdb has them: a location (a line, a function's entry, an
instruction or an opcode) parsed from one syntax, where it sits in the code,
and the record of a breakpoint (condition, ignore count, temporary, log
message). Records are frozen: the Session replaces one when it changes, so a
front end can hold what it was given from any thread."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from enum import Enum

from vmscope.debug.errors import LocationError
from vmscope.vm.opcodes import Op
from vmscope.vm.program import CompiledCode


class BreakKind(Enum):
    LINE = "line"
    FUNCTION = "function"
    IP = "ip"
    OPCODE = "opcode"


@dataclass(frozen=True)
class Location:
    """Where a breakpoint stops. `where` is a line number, a function name, an
    ip, or an opcode name (an `Op` value or an instruction family such as
    `add.int`; `add` also matches the family `add.int`)."""

    kind: BreakKind
    where: int | str

    @property
    def text(self) -> str:
        """The location in the syntax `parse_location` reads back."""
        if self.kind is BreakKind.IP:
            return f"*{self.where}"
        if self.kind is BreakKind.OPCODE:
            return f"op:{self.where}"
        return str(self.where)

    def describe(self) -> str:
        """For people: `line 14`, `function fib`, `ip 12`, `opcode add`."""
        return f"{self.kind.value} {self.where}"


_FILE_LINE = re.compile(r"^(?P<file>.+):(?P<line>\d+)$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def parse_location(text: str, code: CompiledCode, filename: str | None = None) -> Location:
    """Read LINE, FILE:LINE, FUNCTION, *IP or op:OPCODE; a location that names
    no code is a LocationError saying why."""
    text = text.strip()
    if not text:
        raise LocationError("a location is needed: LINE, FUNCTION, *IP or op:OPCODE")
    if text.isdigit():
        location = Location(BreakKind.LINE, int(text))
    elif text.startswith("*"):
        digits = text[1:].strip()
        if not digits.isdigit():
            raise LocationError(f"not an instruction address: {text} (write *IP, e.g. *12)")
        location = Location(BreakKind.IP, int(digits))
    elif text.startswith("op:"):
        location = Location(BreakKind.OPCODE, text[3:].strip())
    elif (m := _FILE_LINE.match(text)) is not None:
        given = m.group("file")
        if filename is not None and not _same_file(given, filename):
            raise LocationError(f"no file {given}: the program is {filename}")
        location = Location(BreakKind.LINE, int(m.group("line")))
    elif _NAME.match(text):
        location = Location(BreakKind.FUNCTION, text)
    else:
        raise LocationError(f"not a location: {text} (LINE, FUNCTION, *IP or op:OPCODE)")
    location_ips(location, code)  # names code, or says why not
    return location


def _same_file(given: str, filename: str) -> bool:
    """FILE names the program when the base names agree (`fib.vms`, `src/fib.vms`)."""
    return os.path.basename(given) == os.path.basename(filename)


def location_ips(location: Location, code: CompiledCode) -> tuple[int, ...]:
    """The ips where the location stops, in order; a LocationError when none."""
    where = location.where
    if location.kind is BreakKind.LINE:
        assert isinstance(where, int)
        ips = line_starts(code, where)
        if not ips:
            raise LocationError(f"no code on line {where}")
    elif location.kind is BreakKind.IP:
        assert isinstance(where, int)
        count = len(code.instrs)
        if not 0 <= where < count:
            raise LocationError(f"no instruction {where}, the program has {count:,} "
                                f"(0 to {count - 1:,})")
        ips = [where]
    elif location.kind is BreakKind.FUNCTION:
        fn = next((f for f in code.functions[:-1] if f.name == where), None)
        if fn is None:
            raise LocationError(f"no function {where}")
        ips = [fn.entry]
    else:
        assert isinstance(where, str)
        ips = opcode_ips(code, where)
    return tuple(ips)


def opcode_ips(code: CompiledCode, name: str) -> list[int]:
    """Instructions of opcode `name`: its Op, its family, or families under it."""
    known = name in Op._value2member_map_ or any(
        i.family == name or i.family.startswith(name + ".") for i in code.instrs)
    if not known:
        raise LocationError(f"no opcode {name}")
    ips = [ip for ip, i in enumerate(code.instrs)
           if i.op.value == name or i.family == name or i.family.startswith(name + ".")]
    if not ips:
        raise LocationError(f"no opcode {name} in this program (at this -O level)")
    return ips


def line_starts(code: CompiledCode, line: int) -> list[int]:
    """The ips where execution enters `line`: its first instruction in each
    function, and every jump target on it (a loop coming round again)."""
    # A jump from another line (a loop coming round) enters the line again.
    targets = {i.target for i in code.instrs
               if i.target is not None and i.span.line != line}
    ips = []
    for ip, instr in enumerate(code.instrs):
        if instr.span.line != line:
            continue
        prev = code.instrs[ip - 1] if ip else None
        if prev is None or prev.span.line != line or prev.func != instr.func or ip in targets:
            ips.append(ip)
    return ips


@dataclass(frozen=True)
class Breakpoint:
    """A breakpoint. `ignore_count` is gdb's: the next that many crossings
    (reaching the location with the condition true) do not stop, and it counts
    down. `hits` counts every crossing, ignored ones included (gdb's "already
    hit N times"). A logpoint (`log_message` set) never stops: each crossing
    that would stop appends the message, its `{expr}` parts evaluated in the
    frame, to the Session's log. A temporary breakpoint is deleted when it
    first stops the program."""

    id: int
    location: Location
    condition: str | None = None
    ignore_count: int = 0
    enabled: bool = True
    temporary: bool = False
    log_message: str | None = None
    hits: int = 0
    last_error: str | None = None  # the condition's (or a log expression's) last failure
    ips: tuple[int, ...] = field(default=(), compare=False)

    @property
    def kind(self) -> BreakKind:
        return self.location.kind

    @property
    def where(self) -> int | str:
        return self.location.where

    def describe(self) -> str:
        """One line: `#1 line 14 if i == 10 (ignore next 2) [disabled]`."""
        text = f"#{self.id} "
        if self.temporary:
            text += "temporary "
        if self.log_message is not None:
            text += "log "
        text += self.location.describe()
        if self.condition:
            text += f" if {self.condition}"
        if self.ignore_count:
            text += f" (ignore next {self.ignore_count})"
        if self.log_message is not None:
            text += f": {self.log_message}"
        return text + ("" if self.enabled else " [disabled]")

    def crossed(self) -> Breakpoint:
        """The record after one crossing: a hit, one fewer to ignore."""
        return replace(self, hits=self.hits + 1, ignore_count=max(0, self.ignore_count - 1))


def ips_of(bp: Breakpoint | Location, code: CompiledCode) -> list[int]:
    """Where a breakpoint (or location) stops; empty when nowhere."""
    location = bp.location if isinstance(bp, Breakpoint) else bp
    try:
        return list(location_ips(location, code))
    except LocationError:
        return []
