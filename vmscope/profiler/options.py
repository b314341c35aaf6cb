"""The profiler's choices and a profiling run's options.

`Mode` (how it measures), `View` (how a report groups it) and `Format` (how
it is written) are string enums: `Mode("sample")` works, a member compares
equal to its value and formats as it, so the command line, the JSON file and
callers that pass strings all keep working. Code that dispatches on one
looks it up in a table keyed by the member.

This module loads nothing heavy: registering `vmscope profile` reads the
choices from here."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from vmscope.lang.values import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from vmscope.clock import Clock
    from vmscope.profiler.model import Calibration
    from vmscope.source import Source
    from vmscope.vm.machine import VM
    from vmscope.vm.program import CompiledCode

__all__ = ["DEFAULT_RATES", "MAX_RATE_HZ", "MIN_RATE_HZ", "Format", "Mode", "Options", "Profiled",
           "View", "parse_choice"]

MIN_RATE_HZ, MAX_RATE_HZ = 1.0, 20_000.0


class Mode(StrEnum):
    """How a profile is measured."""

    COUNT = "count"  # exact hits and edges, in the count loop
    SAMPLE = "sample"  # the in-process sampler (optionally with exact counts)
    TIMED = "timed"  # every instruction between two clock reads
    PYSPY = "pyspy"  # py-spy, out of process

    @property
    def sampled(self) -> bool:
        """Its times are shares of samples (so its error bars are binomial)."""
        return self in _SAMPLED

    @property
    def in_process(self) -> bool:
        return self is not Mode.PYSPY


_SAMPLED = frozenset({Mode.SAMPLE, Mode.PYSPY})


class View(StrEnum):
    """How a report groups the profile's cells."""

    INSTRUCTION = "instruction"
    OPCODE = "opcode"
    LINE = "line"
    FUNCTION = "function"
    LOOP = "loop"
    SEQUENCE = "sequence"


class Format(StrEnum):
    """How a profile is written."""

    TABLE = "table"
    JSON = "json"
    SPEEDSCOPE = "speedscope"
    COLLAPSED = "collapsed"


DEFAULT_RATES = {Mode.SAMPLE: 2000.0, Mode.PYSPY: 1000.0}

E = TypeVar("E", bound=StrEnum)


def parse_choice(kind: type[E], value: E | str, what: str) -> E:
    """`value` as a member of `kind`; a ValueError that lists the choices."""
    try:
        return kind(value)
    except ValueError:
        raise ValueError(f"unknown {what} {value!r}; choose one of "
                         f"{', '.join(m.value for m in kind)}") from None


@dataclass(frozen=True, init=False)
class Options:
    """How to profile. `mode` may be given as its string; `counts` adds exact
    hits to sample mode (at the count loop's cost); `clock` and
    `calibration` are injected by tests and scenes (None: measured before
    the first run); `limits.max_steps` stops every mode with the LimitError
    `vmscope run --max-steps` gives; `reference` (timed mode) also times a
    fast-loop run, to check the attributed total against."""

    mode: Mode
    counts: bool
    rate_hz: float | None
    clock: Clock
    calibration: Calibration | None
    limits: Limits
    pyspy_nonblocking: bool
    reference: bool

    def __init__(self, mode: Mode | str = Mode.SAMPLE, counts: bool = False,
                 rate_hz: float | None = None, clock: Clock = time.perf_counter_ns,
                 calibration: Calibration | None = None, limits: Limits = DEFAULT_LIMITS,
                 pyspy_nonblocking: bool = True, reference: bool = True) -> None:
        if rate_hz is not None and not MIN_RATE_HZ <= rate_hz <= MAX_RATE_HZ:
            raise ValueError(f"sampling rate {rate_hz} Hz is outside "
                             f"{MIN_RATE_HZ:.0f}..{MAX_RATE_HZ:.0f}")
        fields = {"mode": parse_choice(Mode, mode, "mode"), "counts": counts,
                  "rate_hz": rate_hz, "clock": clock, "calibration": calibration,
                  "limits": limits, "pyspy_nonblocking": pyspy_nonblocking,
                  "reference": reference}
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    @property
    def rate(self) -> float:
        """The sampling rate in Hz (0 for the modes that do not sample)."""
        return self.rate_hz or DEFAULT_RATES.get(self.mode, 0.0)

    @property
    def label(self) -> str:
        """The mode as a summary names it: `sample + exact counts`, `timed`."""
        return f"{self.mode} + exact counts" if self.mode is Mode.SAMPLE and self.counts \
            else str(self.mode)


class Profiled(Protocol):
    """What the profiler reads of a program: vmscope.api.Program, or the
    row profiler's RowProgram (an expression run over CSV rows)."""

    level: int
    source: Source

    @property
    def code(self) -> CompiledCode: ...

    def code_for(self, limits: Limits) -> CompiledCode: ...

    def new_vm(self, write: Callable[[str], Any], limits: Limits = ...) -> VM: ...
