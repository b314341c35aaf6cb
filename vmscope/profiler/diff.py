"""`vmscope profile diff A.json B.json`: the before/after of a tuning step,
per opcode family and per source line, in time and hits (both per run, so
profiles of different run counts compare)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from vmscope.profiler import aggregate as agg
from vmscope.profiler.model import Profile


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


def diff_rows(a: Profile, b: Profile, by: str) -> list[DiffRow]:
    if by not in ("opcode", "line"):
        raise ValueError("diff compares by opcode or by line")
    ra = _per_run(a, [*agg.view(a, by), agg.dispatch_row(a)])
    rb = _per_run(b, [*agg.view(b, by), agg.dispatch_row(b)])
    out = []
    for key in set(ra) | set(rb):
        ha, na, da = ra.get(key, (0.0, 0.0, ""))
        hb, nb, db = rb.get(key, (0.0, 0.0, ""))
        out.append(DiffRow(key, db or da, ha, hb, na, nb))
    timed = a.has_time and b.has_time
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
    if a.has_time and b.has_time and ta > 0:
        lines.append(f"time per run: {ta / 1e6:.2f} ms -> {tb / 1e6:.2f} ms "
                     f"({100 * (tb - ta) / ta:+.1f}%)")
    if a.has_hits and b.has_hits:
        sa, sb = (a.steps or 0) / max(a.runs, 1), (b.steps or 0) / max(b.runs, 1)
        change = f" ({100 * (sb - sa) / sa:+.1f}%)" if sa else ""
        lines.append(f"instructions per run: {sa:,.0f} -> {sb:,.0f}{change}")
    if a.mode != b.mode:
        lines.append(f"note: the modes differ ({a.mode} vs {b.mode}); times are not "
                     "measured the same way")
    if a.level != b.level and None not in (a.level, b.level):
        lines.append(f"note: the -O levels differ (-O{a.level} vs -O{b.level}): the "
                     "instructions differ, so compare by line")
    if not (a.has_time and b.has_time):
        lines.append("note: one profile has no times (count mode): compare hits only")
    return lines


def diff_json(a: Profile, b: Profile) -> str:
    doc = {"schema": "vmscope.profile-diff", "version": 1, "a": a.program, "b": b.program,
           "summary": summary(a, b),
           "by_opcode": [{**asdict(r), "d_hits": r.d_hits, "d_ns": r.d_ns}
                         for r in diff_rows(a, b, "opcode")],
           "by_line": [{**asdict(r), "d_hits": r.d_hits, "d_ns": r.d_ns}
                       for r in diff_rows(a, b, "line")]}
    return json.dumps(doc, indent=1) + "\n"


def _signed_ns(ns: float) -> str:
    from vmscope.profiler.render import fmt_ns

    return ("+" if ns > 0 else "") + fmt_ns(ns)


def diff_text(a: Profile, b: Profile, top: int = 20) -> str:
    from vmscope.profiler.render import fmt_ns
    from vmscope.textable import Column, TextTable

    lines = summary(a, b)
    for by in ("opcode", "line"):
        t = TextTable(f"by {by} (per run; largest changes first)",
                      [Column(name, right=name not in (by, "detail"))
                       for name in (by, "hits A", "hits B", "Δ hits", "time A", "time B",
                                    "Δ time", "Δ %", "detail")])
        for r in diff_rows(a, b, by)[:top]:
            pct = f"{100 * r.d_ns / r.ns_a:+.1f}%" if r.ns_a else ("new" if r.ns_b else "")
            t.add(r.key, f"{r.hits_a:,.0f}", f"{r.hits_b:,.0f}", f"{r.d_hits:+,.0f}",
                  fmt_ns(r.ns_a), fmt_ns(r.ns_b), _signed_ns(r.d_ns), pct, r.detail)
        lines += ["", *t.lines()]
    return "\n".join(lines) + "\n"
