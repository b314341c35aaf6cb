"""The Profile: what a profiling run measured, serialisable and versioned.

Collectors build one; aggregations, renderers and exporters only read it
(never the VM or the clock). The JSON form is documented in SCHEMA.md beside
this file; `SCHEMA_VERSION` changes whenever a field changes meaning.

Time is attributed per *cell*: one (calling context, ip) pair. A calling
context is a node of a calling-context tree whose recursion is folded (a call
to a function already on the guest stack re-enters that function's node), so
inclusive time never counts a function twice. Every time is in nanoseconds;
`ns` is an instruction's own time (beyond a no-op closure call) and
`dispatch_ns` the VM loop's cost charged to it (see DESIGN.md, Profiler)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, fields
from typing import Any

from vmscope.profiler.options import Mode, parse_choice
from vmscope.profiler.reader import (
    ProfileFormatError,
    as_bool,
    as_float,
    as_int,
    as_line_texts,
    as_list,
    as_text,
    check_tables,
    fields_of,
    opt_float,
    opt_int,
    opt_text,
)
from vmscope.vm.program import CompiledCode

__all__ = ["CELL_FIELDS", "SCHEMA", "SCHEMA_VERSION", "Calibration", "Cell", "Context", "Edge",
           "FuncMeta", "InstrMeta", "Profile", "ProfileFormatError", "is_profile_dict", "now_iso",
           "source_lines_for", "static_tables", "tool_name"]

SCHEMA = "vmscope.profile"
SCHEMA_VERSION = 1
CELL_FIELDS = ("ctx", "ip", "hits", "ns", "dispatch_ns", "samples", "dispatch_samples")


def now_iso() -> str:
    """UTC, to the second (time.strftime: datetime would add to start-up)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())


def tool_name() -> str:
    """What wrote a profile: `vmscope X.Y.Z`."""
    from vmscope import __version__

    return f"vmscope {__version__}"


@dataclass(frozen=True, slots=True)
class InstrMeta:
    """The static facts about one ip that views need (copied from `Instr`)."""

    op: str
    family: str
    line: int
    col: int
    func: int
    argrepr: str = ""
    target: int | None = None


@dataclass(frozen=True, slots=True)
class FuncMeta:
    name: str
    entry: int
    end: int
    line: int


@dataclass(frozen=True, slots=True)
class Context:
    """A node of the folded calling-context tree; node 0 is `<main>`."""

    parent: int
    call_ip: int
    func: int


@dataclass(frozen=True, slots=True)
class Cell:
    ctx: int
    ip: int
    hits: int = 0
    ns: float = 0.0
    dispatch_ns: float = 0.0
    samples: int = 0
    dispatch_samples: int = 0


@dataclass(frozen=True, slots=True)
class Edge:
    """A control transfer other than falling through: a jump taken, a call, a return."""

    src: int
    dst: int
    count: int


@dataclass(frozen=True, slots=True)
class Calibration:
    """Constants measured before the run, in ns per instruction.

    dispatch_ns: the fast loop `ip += code[ip](vm)` over no-op closures;
    timer_ns: what timed mode's perf_counter_ns bracket reads around a no-op
    closure (subtracted from every timed instruction); count_ns: the count
    loop over no-op closures; *_spread_ns: half the interquartile range of
    the calibration blocks; handler_ns: the mean cost of one sample."""

    dispatch_ns: float = 0.0
    dispatch_spread_ns: float = 0.0
    timer_ns: float = 0.0
    timer_spread_ns: float = 0.0
    count_ns: float = 0.0
    clock_resolution_ns: float = 0.0
    handler_ns: float = 0.0


@dataclass(frozen=True)
class Profile:
    program: str
    mode: Mode  # given as a string, it is taken as its Mode
    instrs: tuple[InstrMeta, ...]
    functions: tuple[FuncMeta, ...]
    contexts: tuple[Context, ...]
    cells: tuple[Cell, ...]
    edges: tuple[Edge, ...] = ()
    calibration: Calibration = field(default_factory=Calibration)
    wall_ns: int = 0  # the profiled run(s), profiler overhead included
    runs: int = 1
    has_hits: bool = False
    has_time: bool = False
    has_samples: bool = False
    has_contexts: bool = False
    samples: int = 0  # samples that landed in the VM loop
    lost_samples: int = 0  # samples outside it (start-up, output, the profiler)
    merged_ticks: int = 0  # of those, timer ticks that merged into a pending signal
    sample_rate_hz: float = 0.0
    sample_ns: float = 0.0  # the time one sample stands for
    loop_ns: float = 0.0  # dispatch time not attributable to an ip (py-spy)
    loop_samples: int = 0
    reference_ns: int = 0  # timed mode: the same runs in the fast loop, to check the total
    overhead: float | None = None  # estimated profiled / unprofiled run time
    error: str | None = None
    notes: tuple[str, ...] = ()
    deopts: tuple[tuple[int, int], ...] = ()  # (ip, failed type guards) at -O1/-O2
    source_lines: dict[int, str] = field(default_factory=dict, compare=True)
    created: str = ""
    tool: str = ""
    level: int | None = None  # the -O level profiled (None: not recorded)

    def __post_init__(self) -> None:
        if not isinstance(self.mode, Mode):
            object.__setattr__(self, "mode", parse_choice(Mode, self.mode, "mode"))

    @property
    def steps(self) -> int | None:
        """Instructions executed, where they were counted."""
        return sum(c.hits for c in self.cells) if self.has_hits else None

    @property
    def total_ns(self) -> float:
        """Attributed time: every instruction's own time plus the dispatch."""
        return sum(c.ns + c.dispatch_ns for c in self.cells) + self.loop_ns

    @property
    def dispatch_total_ns(self) -> float:
        return sum(c.dispatch_ns for c in self.cells) + self.loop_ns

    def with_changes(self, **changes: Any) -> Profile:
        from dataclasses import replace

        return replace(self, **changes)

    # ---- JSON ---------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "version": SCHEMA_VERSION,
            "program": self.program,
            "mode": self.mode.value,
            "level": self.level,
            "created": self.created,
            "tool": self.tool,
            "runs": self.runs,
            "wall_ns": self.wall_ns,
            "has": {"hits": self.has_hits, "time": self.has_time,
                    "samples": self.has_samples, "contexts": self.has_contexts},
            "sampling": {"samples": self.samples, "lost": self.lost_samples,
                         "merged": self.merged_ticks,
                         "rate_hz": self.sample_rate_hz, "sample_ns": self.sample_ns,
                         "loop_samples": self.loop_samples},
            "loop_ns": self.loop_ns,
            "reference_ns": self.reference_ns,
            "overhead": self.overhead,
            "error": self.error,
            "notes": list(self.notes),
            "deopts": [[ip, n] for ip, n in self.deopts],
            "calibration": {f.name: getattr(self.calibration, f.name)
                            for f in fields(Calibration)},
            "functions": [[f.name, f.entry, f.end, f.line] for f in self.functions],
            "instrs": [[i.op, i.family, i.line, i.col, i.func, i.argrepr, i.target]
                       for i in self.instrs],
            "contexts": [[c.parent, c.call_ip, c.func] for c in self.contexts],
            "cell_fields": list(CELL_FIELDS),
            "cells": [[c.ctx, c.ip, c.hits, c.ns, c.dispatch_ns, c.samples, c.dispatch_samples]
                      for c in self.cells],
            "edges": [[e.src, e.dst, e.count] for e in self.edges],
            "source_lines": {str(k): v for k, v in sorted(self.source_lines.items())},
        }

    def to_json(self, indent: int | None = None) -> str:
        import json  # here: the text report never needs it, and start-up counts

        return json.dumps(self.to_dict(), indent=indent, allow_nan=False) + "\n"

    @classmethod
    def from_dict(cls, d: Any) -> Profile:
        """The Profile of a parsed JSON document; a ProfileFormatError that
        names what is wrong (a missing field, a bad value, a row that
        points outside its tables)."""
        if not is_profile_dict(d):
            raise ProfileFormatError("not a vmscope profile (no \"schema\": \"vmscope.profile\")")
        if d.get("version") != SCHEMA_VERSION:
            raise ProfileFormatError(f"profile schema version {d.get('version')!r} is not "
                                     f"supported (this vmscope reads version {SCHEMA_VERSION})")
        doc = fields_of(d)
        if doc.get("cell_fields", as_list) != list(CELL_FIELDS):
            raise ProfileFormatError(f"field cell_fields: expected {list(CELL_FIELDS)}")
        has, smp, cal = doc.sub("has"), doc.sub("sampling"), doc.sub("calibration")
        prof = cls(
            program=doc.get("program", as_text),
            mode=doc.get("mode", lambda v: parse_choice(Mode, as_text(v), "mode")),
            instrs=doc.rows("instrs", lambda op, fam, line, col, fn, arg, tgt: InstrMeta(
                as_text(op), as_text(fam), as_int(line), as_int(col), as_int(fn), as_text(arg),
                opt_int(tgt))),
            functions=doc.rows("functions", lambda n, a, b, ln: FuncMeta(
                as_text(n), as_int(a), as_int(b), as_int(ln))),
            contexts=doc.rows("contexts", lambda p, c, f: Context(as_int(p), as_int(c),
                                                                  as_int(f))),
            cells=doc.rows("cells", lambda c, ip, h, ns, dns, k, dk: Cell(
                as_int(c), as_int(ip), as_int(h), as_float(ns), as_float(dns), as_int(k),
                as_int(dk))),
            edges=doc.rows("edges", lambda a, b, n: Edge(as_int(a), as_int(b), as_int(n))),
            calibration=Calibration(**{f.name: cal.get(f.name, as_float, 0.0)
                                       for f in fields(Calibration)}),
            wall_ns=doc.get("wall_ns", as_int), runs=doc.get("runs", as_int),
            has_hits=has.get("hits", as_bool), has_time=has.get("time", as_bool),
            has_samples=has.get("samples", as_bool), has_contexts=has.get("contexts", as_bool),
            samples=smp.get("samples", as_int), lost_samples=smp.get("lost", as_int),
            merged_ticks=smp.get("merged", as_int, 0),
            sample_rate_hz=smp.get("rate_hz", as_float),
            sample_ns=smp.get("sample_ns", as_float),
            loop_samples=smp.get("loop_samples", as_int), loop_ns=doc.get("loop_ns", as_float),
            reference_ns=doc.get("reference_ns", as_int, 0),
            overhead=doc.get("overhead", opt_float), error=doc.get("error", opt_text),
            notes=tuple(doc.get("notes", lambda v: [as_text(n) for n in as_list(v)])),
            deopts=doc.rows("deopts", lambda ip, k: (as_int(ip), as_int(k)), required=False),
            source_lines=doc.get("source_lines", as_line_texts),
            created=doc.get("created", as_text, ""), tool=doc.get("tool", as_text, ""),
            level=doc.get("level", opt_int, None),
        )
        check_tables(prof)
        return prof

    @classmethod
    def from_json(cls, text: str) -> Profile:
        import json

        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ProfileFormatError(f"not JSON: {exc}") from None
        return cls.from_dict(data)


def is_profile_dict(d: Any) -> bool:
    return isinstance(d, dict) and d.get("schema") == SCHEMA


def static_tables(code: CompiledCode) -> tuple[tuple[InstrMeta, ...], tuple[FuncMeta, ...]]:
    """The instruction and function tables of a compiled program."""
    instrs = tuple(InstrMeta(i.op.value, i.family, i.span.line, i.span.col, i.func,
                             i.argrepr, i.target) for i in code.instrs)
    funcs = tuple(FuncMeta(f.name, f.entry, f.end, f.span.line) for f in code.functions)
    return instrs, funcs


def source_lines_for(text_lines: list[str], instrs: tuple[InstrMeta, ...]) -> dict[int, str]:
    """The source text of every line some instruction belongs to."""
    wanted = {i.line for i in instrs}
    return {n: text_lines[n - 1].strip() for n in sorted(wanted) if 0 < n <= len(text_lines)}
