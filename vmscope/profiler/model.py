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

from dataclasses import dataclass, field, fields
from typing import Any

from vmscope.profiler import FORMATS, MODES, VIEWS
from vmscope.vm.program import CompiledCode

__all__ = ["CELL_FIELDS", "FORMATS", "MODES", "SCHEMA", "SCHEMA_VERSION", "VIEWS", "Calibration",
           "Cell", "Context", "Edge", "FuncMeta", "InstrMeta", "Profile", "ProfileFormatError",
           "is_profile_dict", "source_lines_for", "static_tables"]

SCHEMA = "vmscope.profile"
SCHEMA_VERSION = 1
CELL_FIELDS = ("ctx", "ip", "hits", "ns", "dispatch_ns", "samples", "dispatch_samples")


class ProfileFormatError(ValueError):
    """A JSON document that is not a profile this version can read."""


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
    mode: str
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
            "mode": self.mode,
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
        if not is_profile_dict(d):
            raise ProfileFormatError("not a vmscope profile (no \"schema\": \"vmscope.profile\")")
        if d.get("version") != SCHEMA_VERSION:
            raise ProfileFormatError(f"profile schema version {d.get('version')!r} is not "
                                     f"supported (this vmscope reads version {SCHEMA_VERSION})")
        try:
            if list(d["cell_fields"]) != list(CELL_FIELDS):
                raise ProfileFormatError("unknown cell layout")
            has, smp = d["has"], d["sampling"]
            cal_names = {f.name for f in fields(Calibration)}
            return cls(
                program=str(d["program"]), mode=str(d["mode"]),
                instrs=tuple(InstrMeta(str(op), str(fam), int(line), int(col), int(fn),
                                       str(arg), None if tgt is None else int(tgt))
                             for op, fam, line, col, fn, arg, tgt in d["instrs"]),
                functions=tuple(FuncMeta(str(n), int(a), int(b), int(ln))
                                for n, a, b, ln in d["functions"]),
                contexts=tuple(Context(int(p), int(c), int(f)) for p, c, f in d["contexts"]),
                cells=tuple(Cell(int(c), int(ip), int(h), float(ns), float(dns), int(s), int(ds))
                            for c, ip, h, ns, dns, s, ds in d["cells"]),
                edges=tuple(Edge(int(a), int(b), int(n)) for a, b, n in d["edges"]),
                calibration=Calibration(**{k: float(v) for k, v in d["calibration"].items()
                                           if k in cal_names}),
                wall_ns=int(d["wall_ns"]), runs=int(d["runs"]),
                has_hits=bool(has["hits"]), has_time=bool(has["time"]),
                has_samples=bool(has["samples"]), has_contexts=bool(has["contexts"]),
                samples=int(smp["samples"]), lost_samples=int(smp["lost"]),
                merged_ticks=int(smp.get("merged", 0)),
                sample_rate_hz=float(smp["rate_hz"]), sample_ns=float(smp["sample_ns"]),
                loop_samples=int(smp["loop_samples"]), loop_ns=float(d["loop_ns"]),
                reference_ns=int(d.get("reference_ns", 0)),
                overhead=None if d["overhead"] is None else float(d["overhead"]),
                error=d["error"], notes=tuple(str(n) for n in d["notes"]),
                deopts=tuple((int(ip), int(k)) for ip, k in d.get("deopts", [])),
                source_lines={int(k): str(v) for k, v in d["source_lines"].items()},
                created=str(d.get("created", "")), tool=str(d.get("tool", "")),
                level=None if d.get("level") is None else int(d["level"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, ProfileFormatError):
                raise
            raise ProfileFormatError(f"malformed profile: {exc!r}") from None

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
