"""Pure views of a Profile: by instruction, opcode family, source line,
function (self and inclusive), loop and opcode sequence. Nothing here reads
the VM or a clock; every function takes a Profile and returns rows.

Time columns are an instruction's own time; the VM loop's dispatch is the
separate DISPATCH row of every view, so a view's rows plus that row add up to
the profile's attributed total."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from vmscope.profiler.model import Cell, InstrMeta, Profile
from vmscope.profiler.options import Mode, View, parse_choice
from vmscope.vm.opcodes import Op

DISPATCH = "(dispatch)"
Z95 = 1.96


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    detail: str = ""
    hits: int = 0
    ns: float = 0.0
    samples: int = 0
    incl_ns: float | None = None
    count: int | None = None  # calls (function), iterations (loop), executions (sequence)
    saved_ns: float | None = None  # sequence: dispatch saved if fused
    err_ns: float | None = None  # 95% half-width of `ns`, where the mode can say
    exact: bool = True  # sequence: False when executions are estimated
    dispatch: bool = False


# ---- helpers ------------------------------------------------------------------------------

def per_ip(profile: Profile) -> list[Cell]:
    """Cells summed over calling contexts, one per ip (ctx = -1)."""
    n = len(profile.instrs)
    hits = [0] * n
    ns = [0.0] * n
    dns = [0.0] * n
    smp = [0] * n
    dsmp = [0] * n
    for c in profile.cells:
        hits[c.ip] += c.hits
        ns[c.ip] += c.ns
        dns[c.ip] += c.dispatch_ns
        smp[c.ip] += c.samples
        dsmp[c.ip] += c.dispatch_samples
    return [Cell(-1, ip, hits[ip], ns[ip], dns[ip], smp[ip], dsmp[ip]) for ip in range(n)]


def _sampled_error(profile: Profile, samples: int, hits: int) -> float | None:
    """The binomial 95% half-width of a share of `samples`, in ns."""
    n = profile.samples + profile.loop_samples
    if n <= 0:
        return None
    p = samples / n
    return Z95 * math.sqrt(p * (1 - p) / n) * profile.total_ns


def _timed_error(profile: Profile, samples: int, hits: int) -> float | None:
    """Every hit carries the calibration spread of the subtracted timer."""
    return hits * profile.calibration.timer_spread_ns


def _exact(profile: Profile, samples: int, hits: int) -> float | None:
    return None


ErrorBar = Callable[[Profile, int, int], float | None]
ERROR_BARS: dict[Mode, ErrorBar] = {Mode.SAMPLE: _sampled_error, Mode.PYSPY: _sampled_error,
                                    Mode.TIMED: _timed_error, Mode.COUNT: _exact}


def error_ns(profile: Profile, samples: int, hits: int) -> float | None:
    """The 95% half-width of a row's time, where the mode can say: sampled
    modes by the binomial bound on its share, timed mode by the timer's
    calibration spread per hit, count mode none (it has no times)."""
    return ERROR_BARS[profile.mode](profile, samples, hits)


def _row(profile: Profile, key: str, cells: Iterable[Cell], detail: str = "") -> Row:
    hits = samples = 0
    ns = 0.0
    for c in cells:
        hits += c.hits
        ns += c.ns
        samples += c.samples
    return Row(key, detail, hits, ns, samples, err_ns=error_ns(profile, samples, hits))


def dispatch_row(profile: Profile) -> Row:
    cells = profile.cells
    hits = sum(c.hits for c in cells)
    samples = sum(c.dispatch_samples for c in cells) + profile.loop_samples
    ns = profile.dispatch_total_ns
    detail = "the VM loop: ip += code[ip](vm)"
    err = hits * profile.calibration.dispatch_spread_ns if profile.mode is Mode.TIMED \
        else error_ns(profile, samples, 0)  # timed: the dispatch constant's own spread
    return Row(DISPATCH, detail, hits, ns, samples, err_ns=err, dispatch=True)


def sort_rows(profile: Profile, rows: list[Row]) -> list[Row]:
    if profile.has_time:
        return sorted(rows, key=lambda r: (-r.ns, -r.hits, r.key))
    return sorted(rows, key=lambda r: (-r.hits, r.key))


def _grouped(profile: Profile, key_of: Callable[[int], str],
             detail_of: Callable[[str], str] = lambda k: "") -> list[Row]:
    groups: dict[str, list[Cell]] = defaultdict(list)
    for c in per_ip(profile):
        if c.hits or c.ns or c.samples:
            groups[key_of(c.ip)].append(c)
    return sort_rows(profile, [_row(profile, k, cs, detail_of(k)) for k, cs in groups.items()])


# ---- the views ----------------------------------------------------------------------------

def by_instruction(profile: Profile) -> list[Row]:
    instrs = profile.instrs
    funcs = profile.functions
    rows = []
    for c in per_ip(profile):
        if not (c.hits or c.ns or c.samples):
            continue
        i = instrs[c.ip]
        arg = f"{i.argrepr} -> {i.target}" if i.target is not None else i.argrepr
        detail = f"{i.line}:{i.col} {funcs[i.func].name}  {i.op} {arg}".rstrip()
        rows.append(Row(f"{c.ip}", detail, c.hits, c.ns, c.samples,
                        err_ns=error_ns(profile, c.samples, c.hits)))
    return sort_rows(profile, rows)


def by_opcode(profile: Profile) -> list[Row]:
    instrs = profile.instrs
    variants: dict[str, set[str]] = defaultdict(set)
    for i in instrs:
        variants[i.family].add(i.op)

    def detail(fam: str) -> str:
        ops = sorted(variants[fam] - {fam})
        return ", ".join(ops)

    return _grouped(profile, lambda ip: instrs[ip].family, detail)


def by_line(profile: Profile) -> list[Row]:
    instrs = profile.instrs
    return _grouped(profile, lambda ip: f"{instrs[ip].line}",
                    lambda k: profile.source_lines.get(int(k), ""))


def subtree_totals(profile: Profile) -> tuple[list[float], list[int], list[int]]:
    """Per context node: own time, samples and hits of its whole subtree."""
    n = len(profile.contexts)
    ns = [0.0] * n
    smp = [0] * n
    hits = [0] * n
    for c in profile.cells:
        if 0 <= c.ctx < n:
            ns[c.ctx] += c.ns
            smp[c.ctx] += c.samples
            hits[c.ctx] += c.hits
    for node in range(n - 1, 0, -1):  # children are created after their parents
        parent = profile.contexts[node].parent
        if parent >= 0:
            ns[parent] += ns[node]
            smp[parent] += smp[node]
            hits[parent] += hits[node]
    return ns, smp, hits


def by_function(profile: Profile) -> list[Row]:
    instrs = profile.instrs
    funcs = profile.functions
    own: dict[int, list[Cell]] = defaultdict(list)
    for c in per_ip(profile):
        own[instrs[c.ip].func].append(c)
    calls: dict[int, int] = defaultdict(int)
    for e in profile.edges:
        if instrs[e.src].op == Op.CALL.value:
            calls[instrs[e.dst].func] += e.count
    incl_ns: dict[int, float] = defaultdict(float)
    incl_hits: dict[int, int] = defaultdict(int)
    if profile.has_contexts and profile.contexts:
        ns, _, hits = subtree_totals(profile)
        for node, ctx in enumerate(profile.contexts):
            if not _has_ancestor_func(profile, node, ctx.func):
                incl_ns[ctx.func] += ns[node]
                incl_hits[ctx.func] += hits[node]
    rows = []
    for f, cells in own.items():
        base = _row(profile, funcs[f].name, cells, f"line {funcs[f].line}")
        if not (base.hits or base.ns or base.samples or incl_ns[f] or incl_hits[f]):
            continue
        incl = incl_ns[f] if profile.has_time else float(incl_hits[f])
        rows.append(Row(base.key, base.detail, base.hits, base.ns, base.samples,
                        incl_ns=incl if profile.has_contexts else None,
                        count=calls[f] if profile.has_hits else None, err_ns=base.err_ns))
    return sort_rows(profile, rows)


def _has_ancestor_func(profile: Profile, node: int, func: int) -> bool:
    parent = profile.contexts[node].parent
    while parent >= 0:
        if profile.contexts[parent].func == func:
            return True
        parent = profile.contexts[parent].parent
    return False


_FOR_HEADS = frozenset({Op.FOR_RANGE_NEXT.value, Op.FOR_ITER_NEXT.value})  # -O0: the head
_FOR_JUMPS = frozenset({Op.FOR_RANGE_LOOP.value, Op.FOR_ITER_LOOP.value})  # -O1/-O2: the back jump


def _loop_kind(head: InstrMeta, back_jumps: list[InstrMeta]) -> str:
    """`for` or `while`, from the instructions themselves: at -O0 a for
    loop's head is its `for_*_next`; at -O1 and -O2 the loop is rotated
    (its head is the body's first instruction, which may be anything) and
    its backward jump is a `for_*_loop`. A while loop has neither."""
    if head.op in _FOR_HEADS or any(j.op in _FOR_JUMPS for j in back_jumps):
        return "for"
    return "while"


def by_loop(profile: Profile) -> list[Row]:
    """Each loop (the target of backward jumps): iterations (the backward
    jumps taken), entries, and the time inside: its instructions' own time
    plus everything called from them (with contexts). A loop is named by
    the line of its `for` or `while`: the first line among its head and its
    backward jumps (at -O1/-O2 the head is the body's first line)."""
    instrs = profile.instrs
    ips = per_ip(profile)
    heads: dict[int, int] = {}  # header ip -> last ip of the body
    jumps: dict[int, list[InstrMeta]] = defaultdict(list)  # header ip -> its backward jumps
    for ip, i in enumerate(instrs):
        if i.target is not None and i.target <= ip and i.op != Op.CALL.value:
            heads[i.target] = max(heads.get(i.target, ip), ip)
            jumps[i.target].append(i)
    back: dict[int, int] = defaultdict(int)
    for e in profile.edges:
        i = instrs[e.src]
        if e.dst <= e.src and e.dst in heads and i.target == e.dst and i.op != Op.CALL.value:
            back[e.dst] += e.count
    sub_ns, sub_smp, sub_hits = (subtree_totals(profile) if profile.has_contexts
                                 else ([], [], []))
    rows = []
    for head, end in heads.items():
        body = ips[head:end + 1]
        hits = sum(c.hits for c in body)
        ns = sum(c.ns for c in body)
        samples = sum(c.samples for c in body)
        incl_ns, incl_hits, incl_smp = ns, hits, samples
        for node, ctx in enumerate(profile.contexts if profile.has_contexts else ()):
            if head <= ctx.call_ip <= end:
                incl_ns += sub_ns[node]
                incl_hits += sub_hits[node]
                incl_smp += sub_smp[node]
        if not (hits or ns or samples):
            continue
        i = instrs[head]
        line = min(j.line for j in [i, *jumps[head]])
        kind = _loop_kind(i, jumps[head])
        fn = profile.functions[i.func].name
        text = profile.source_lines.get(line, "")
        iterations = back[head] if profile.has_hits else None
        incl = incl_ns if profile.has_time else float(incl_hits)
        rows.append(Row(f"{line}", f"{kind} in {fn} (ip {head}-{end})  {text}", incl_hits,
                        ns, incl_smp, incl_ns=incl, count=iterations,
                        err_ns=error_ns(profile, incl_smp, incl_hits)))
    key = (lambda r: -(r.incl_ns or 0.0)) if profile.has_time else (lambda r: -r.hits)
    return sorted(rows, key=key)


def successors(profile: Profile) -> list[list[tuple[int, int]]]:
    """Per ip: (next ip, times) for every transition the profile counted."""
    ips = per_ip(profile)
    out: list[list[tuple[int, int]]] = [[] for _ in ips]
    moved = [0] * len(ips)
    for e in profile.edges:
        out[e.src].append((e.dst, e.count))
        moved[e.src] += e.count
    for c in ips:
        fall = c.hits - moved[c.ip]
        if fall > 0 and profile.instrs[c.ip].op != Op.HALT.value and c.ip + 1 < len(ips):
            out[c.ip].append((c.ip + 1, fall))
    return out


def sequences(profile: Profile, length: int) -> list[Row]:
    """The hottest opcode pairs (length 2) or triples (3), by executions and
    time: the candidates for superinstructions. Pair counts are exact; a
    triple through an ip with several predecessors and successors is
    estimated (executions split in proportion), marked not exact."""
    if not profile.has_hits or length not in (2, 3):
        return []
    ips = per_ip(profile)
    succ = successors(profile)
    preds = [0] * len(ips)
    for s in succ:
        for dst, _ in s:
            preds[dst] += 1
    per_hit = [c.ns / c.hits if c.hits else 0.0 for c in ips]
    fam = [i.family for i in profile.instrs]
    counts: dict[tuple[str, ...], float] = defaultdict(float)
    times: dict[tuple[str, ...], float] = defaultdict(float)
    exact: dict[tuple[str, ...], bool] = defaultdict(lambda: True)
    for a, outs in enumerate(succ):
        for b, n_ab in outs:
            key: tuple[str, ...]
            if length == 2:
                key = (fam[a], fam[b])
                counts[key] += n_ab
                times[key] += n_ab * (per_hit[a] + per_hit[b])
                continue
            hb = ips[b].hits
            for x, n_bx in succ[b]:
                n = n_ab * n_bx / hb if hb else 0.0
                if not n:
                    continue
                key = (fam[a], fam[b], fam[x])
                counts[key] += n
                times[key] += n * (per_hit[a] + per_hit[b] + per_hit[x])
                if preds[b] > 1 and len(succ[b]) > 1:
                    exact[key] = False
    d = profile.calibration.dispatch_ns
    rows = [Row(" ".join(k), "", round(n), times[k], count=round(n),
                saved_ns=n * (length - 1) * d, exact=exact[k])
            for k, n in counts.items() if round(n)]  # not estimates that round to none
    if profile.has_time:
        rows.sort(key=lambda r: (-r.ns, -r.hits, r.key))
    else:
        rows.sort(key=lambda r: (-r.hits, r.key))
    return rows


def _sequences(profile: Profile) -> list[Row]:
    return sequences(profile, 2) + sequences(profile, 3)


VIEWS: dict[View, Callable[[Profile], list[Row]]] = {
    View.INSTRUCTION: by_instruction, View.OPCODE: by_opcode, View.LINE: by_line,
    View.FUNCTION: by_function, View.LOOP: by_loop, View.SEQUENCE: _sequences,
}
# The views whose rows, with the dispatch row, add up to the profile's attributed total
# (a loop's time includes what it called; sequences overlap).
PARTITIONS = frozenset({View.INSTRUCTION, View.OPCODE, View.LINE, View.FUNCTION})


def view(profile: Profile, by: View | str) -> list[Row]:
    """The rows of one view, hottest first (sequence: pairs then triples)."""
    return VIEWS[parse_choice(View, by, "view")](profile)


def shares(profile: Profile, by: View | str = View.OPCODE,
           with_dispatch: bool = False) -> dict[str, float]:
    """Each row's share of the view's time (or hits, without time)."""
    rows = view(profile, by)
    weights = {r.key: (r.ns if profile.has_time else float(r.hits)) for r in rows}
    if with_dispatch:
        d = dispatch_row(profile)
        weights[DISPATCH] = d.ns if profile.has_time else float(d.hits)
    total = sum(weights.values())
    return {k: v / total for k, v in weights.items()} if total else {}


def top_keys(profile: Profile, by: View | str = View.OPCODE, n: int = 5) -> list[str]:
    s = shares(profile, by)
    return [k for k, _ in sorted(s.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]
