"""`vmscope profile diff A.json B.json`: the before/after of a tuning step,
per opcode family and per source line, in time and hits (both per run, so
profiles of different run counts compare).

What is compared depends on what both profiles measured: times where both
have them (sample, timed, pyspy), else hits where both counted them (count
mode, sample with counts); the table's columns, its sort and its change
column follow (`Basis`)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum

from vmscope.profiler import aggregate as agg
from vmscope.profiler.model import Profile
from vmscope.profiler.options import View, parse_choice
from vmscope.units import fmt_count, fmt_ns

__all__ = ["Basis", "DiffRow", "basis", "diff_json", "diff_rows", "diff_text", "summary"]

DIFF_VIEWS = (View.OPCODE, View.LINE)


class Basis(StrEnum):
    """What two profiles have in common to compare."""

    TIME = "time"
    HITS = "hits"
    NONE = "none"


def basis(a: Profile, b: Profile) -> Basis:
    if a.has_time and b.has_time:
        return Basis.TIME
    if a.has_hits and b.has_hits:
        return Basis.HITS
    return Basis.NONE


@dataclass(frozen=True, slots=True)
class DiffRow:
    key: str
    detail: str
    hits_a: float
    hits_b: float
    ns_a: float
    ns_b: float

    @property
    def d_hits(self) -> float:
        return self.hits_b - self.hits_a

    @property
    def d_ns(self) -> float:
        return self.ns_b - self.ns_a


def _per_run(p: Profile, rows: list[agg.Row]) -> dict[str, tuple[float, float, str]]:
    runs = max(p.runs, 1)
    return {r.key: (r.hits / runs, r.ns / runs, r.detail) for r in rows}


def diff_rows(a: Profile, b: Profile, by: View | str) -> list[DiffRow]:
    """Every key of either profile's view, largest change first (in time,
    or in hits where there is no time to compare)."""
    view = parse_choice(View, by, "view")
    if view not in DIFF_VIEWS:
        raise ValueError("diff compares by opcode or by line")
    ra = _per_run(a, [*agg.view(a, view), agg.dispatch_row(a)])
    rb = _per_run(b, [*agg.view(b, view), agg.dispatch_row(b)])
    out = []
    for key in set(ra) | set(rb):
        ha, na, da = ra.get(key, (0.0, 0.0, ""))
        hb, nb, db = rb.get(key, (0.0, 0.0, ""))
        out.append(DiffRow(key, db or da, ha, hb, na, nb))
    timed = basis(a, b) is Basis.TIME
    out.sort(key=lambda r: (-abs(r.d_ns) if timed else 0.0, -abs(r.d_hits), r.key))
    return out


def _level(p: Profile) -> str:
    return "" if p.level is None else f" -O{p.level}"


def summary(a: Profile, b: Profile) -> list[str]:
    ta, tb = a.total_ns / max(a.runs, 1), b.total_ns / max(b.runs, 1)
    lines = ["vmscope profile diff"]
    for name, p in (("A", a), ("B", b)):
        lines.append(f"{name}: {p.program}{_level(p)} ({p.mode}, {p.runs} run(s), "
                     f"{p.created or 'undated'})")
    compared = basis(a, b)
    if compared is Basis.TIME and ta > 0:
        lines.append(f"time per run: {fmt_ns(ta)} -> {fmt_ns(tb)} ({100 * (tb - ta) / ta:+.1f}%)")
    if a.has_hits and b.has_hits:
        sa, sb = (a.steps or 0) / max(a.runs, 1), (b.steps or 0) / max(b.runs, 1)
        change = f" ({100 * (sb - sa) / sa:+.1f}%)" if sa else ""
        lines.append(f"instructions per run: {fmt_count(sa)} -> {fmt_count(sb)}{change}")
    if a.mode != b.mode:
        lines.append(f"note: the modes differ ({a.mode} vs {b.mode}); times are not "
                     "measured the same way")
    if a.level != b.level and None not in (a.level, b.level):
        lines.append(f"note: the -O levels differ (-O{a.level} vs -O{b.level}): the "
                     "instructions differ, so compare by line")
    if compared is Basis.HITS:
        lines.append("note: not both profiles have times (count mode): hits compared")
    elif compared is Basis.NONE:
        lines.append("note: nothing to compare: one profile has only times, the other only "
                     "hits (profile both with --counts, or in the same mode)")
    return lines


def diff_json(a: Profile, b: Profile) -> str:
    doc = {"schema": "vmscope.profile-diff", "version": 1, "a": a.program, "b": b.program,
           "compared": basis(a, b).value, "summary": summary(a, b),
           **{f"by_{view}": [{**asdict(r), "d_hits": r.d_hits, "d_ns": r.d_ns}
                             for r in diff_rows(a, b, view)] for view in DIFF_VIEWS}}
    return json.dumps(doc, indent=1) + "\n"


def _signed(text: str, value: float) -> str:
    return ("+" if value > 0 else "") + text


def _change(new: float, old: float) -> str:
    """`+12.5%`; `new` where there was nothing before."""
    if old:
        return f"{100 * (new - old) / old:+.1f}%"
    return "new" if new else ""


def diff_text(a: Profile, b: Profile, top: int = 20) -> str:
    from vmscope.textable import Column, TextTable

    compared = basis(a, b)
    lines = summary(a, b)
    for view in DIFF_VIEWS:
        timed = compared is Basis.TIME
        names = (view.value, "hits A", "hits B", "Δ hits",
                 *(("time A", "time B", "Δ time") if timed else ()), "Δ %", "detail")
        t = TextTable(f"by {view} (per run; largest changes first)",
                      [Column(name, right=name not in (view, "detail")) for name in names])
        for r in diff_rows(a, b, view)[:top]:
            hits = (fmt_count(r.hits_a), fmt_count(r.hits_b), _signed(fmt_count(r.d_hits),
                                                                       r.d_hits))
            if timed:
                t.add(r.key, *hits, fmt_ns(r.ns_a), fmt_ns(r.ns_b),
                      _signed(fmt_ns(r.d_ns), r.d_ns), _change(r.ns_b, r.ns_a), r.detail)
            else:
                t.add(r.key, *hits, _change(r.hits_b, r.hits_a), r.detail)
        lines += ["", *t.lines()]
    return "\n".join(lines) + "\n"
