"""Collection in this process (modes count, sample and timed) and the
in-process API:

    with vmscope.profiler.profile(program, mode="timed") as p:
        p.run()            # any number of runs; they accumulate
    print(p.profile.total_ns)

`Collector` runs the program's code with the mode's loop and turns what the
loop and the sampler accumulated into a Profile. py-spy mode lives in
pyspy.py and produces the same Profile."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from vmscope.errors import GuestError
from vmscope.lang import values
from vmscope.lang.values import Limits
from vmscope.profiler.calibrate import calibrate
from vmscope.profiler.contexts import ContextTree
from vmscope.profiler.loops import (
    CLIP_NS,
    Clock,
    LoopState,
    count_loop,
    distinct_closures,
    sample_loop,
    timed_loop,
)
from vmscope.profiler.model import (
    MODES,
    Calibration,
    Cell,
    Edge,
    Profile,
    source_lines_for,
    static_tables,
)
from vmscope.profiler.sampler import Sampler
from vmscope.vm.opcodes import Op

if TYPE_CHECKING:
    from vmscope.api import Program, RunResult
    from vmscope.vm.machine import VM
    from vmscope.vm.program import Closure

DEFAULT_RATES = {"sample": 2000.0, "pyspy": 1000.0}


@dataclass
class Options:
    mode: str = "sample"
    counts: bool = False  # sample mode: count hits exactly too (costs the count loop)
    rate_hz: float | None = None
    clock: Clock = time.perf_counter_ns
    calibration: Calibration | None = None  # None: measure before the first run
    limits: Limits = field(default_factory=Limits)
    pyspy_nonblocking: bool = True
    reference: bool = True  # timed mode: also time a fast-loop run, to check the total

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}; choose one of {', '.join(MODES)}")
        if self.rate_hz is not None and not 1 <= self.rate_hz <= 20_000:
            raise ValueError(f"sampling rate {self.rate_hz} Hz is outside 1..20000")

    @property
    def rate(self) -> float:
        return self.rate_hz or DEFAULT_RATES.get(self.mode, 0.0)


def now_iso() -> str:
    """UTC, to the second (time.strftime: datetime would add to start-up)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())


def tool_name() -> str:
    from vmscope import __version__

    return f"vmscope {__version__}"


def _interrupt(vm: VM) -> int:
    raise KeyboardInterrupt


class Collector:
    """Runs one program under one in-process mode, any number of times."""

    def __init__(self, program: Program, options: Options) -> None:
        if options.mode == "pyspy":
            raise ValueError("py-spy mode runs out of process: use vmscope.profiler.pyspy")
        self.program = program
        self.options = options
        self.code = program.code_for(options.limits)
        self.tree = ContextTree(self.code)
        counting = options.mode in ("count", "timed") or options.counts
        self.state = (LoopState(self.code, self.tree, derive=options.mode != "timed")
                      if counting else None)
        self._closures = distinct_closures(self.code.code)
        self.sampler = (Sampler(self.tree, options.rate, options.clock, self._closures)
                        if options.mode == "sample" else None)
        self.calibration = options.calibration
        self.wall_ns = 0
        self.cpu_ns = 0  # the thread's CPU time in the loop (the overhead benchmark's 2nd measure)
        self.reference_ns = 0
        self.runs = 0
        self.deopts: dict[int, int] = {}  # ip -> failed type guards (-O1/-O2)
        self.error: str | None = None
        self.interrupted = False
        self._live: list[Closure] | None = None  # the code list of the run in progress

    def run(self, out: Callable[[str], Any] | None = None, repeat: int = 1) -> RunResult:
        """`repeat` runs of the program (stopping at an error), accumulated;
        the first run's output goes to `out` (else into the result)."""
        from vmscope.api import RunResult

        first = self._run_once(out)
        elapsed, steps = first.elapsed, first.steps
        for _ in range(repeat - 1):
            if first.error is not None or self.interrupted:
                break
            more = self._run_once(lambda s: None)
            elapsed += more.elapsed
            steps = more.steps
            if more.error is not None:
                first.error = more.error
        return RunResult(first.output, first.error, steps, first.max_call_depth, elapsed)

    def _run_once(self, out: Callable[[str], Any] | None) -> RunResult:
        from vmscope.api import RunResult

        opts = self.options
        if self.calibration is None:
            self.calibration = calibrate(opts.mode, opts.clock, opts.counts)
        chunks: list[str] = []
        vm = self.program.new_vm(out if out is not None else chunks.append, opts.limits)
        vm.code = self._live = list(self._closures)  # its own copy, which cancel() may overwrite
        if self.interrupted:
            self.cancel()  # cancelled before this run: it stops at once
        needed = values.NEST_LIMIT * 4 + 1000
        if sys.getrecursionlimit() < needed:
            sys.setrecursionlimit(needed)
        error: GuestError | None = None
        clock = opts.clock
        st = self.state
        if st is not None:
            st.reset_stack()
        if opts.mode == "timed" and opts.reference:
            self._reference_run()
        sampling = self.sampler.running() if self.sampler is not None else nullcontext()
        with sampling:  # its set-up and tear-down (~0.1 ms, mostly signal.signal) not timed
            c0 = time.thread_time_ns()
            t0 = clock()
            try:
                if opts.mode == "timed":
                    assert st is not None
                    timed_loop(vm, st, clock)
                elif st is not None:  # count mode, or sample mode with counts
                    count_loop(vm, st)
                else:
                    sample_loop(vm)
            except GuestError as err:
                error = err
                self.error = err.headline(self.program.source.name)
            except KeyboardInterrupt:
                self.interrupted = True
                self.error = "interrupted"
            finally:
                elapsed = clock() - t0
                self.cpu_ns += time.thread_time_ns() - c0
                self.wall_ns += elapsed
                self.runs += 1
                for ip, count in enumerate(vm.deopts):
                    if count:
                        self.deopts[ip] = self.deopts.get(ip, 0) + count
        steps = sum(sum(h) for h in st.node_hits) if st is not None else 0
        return RunResult("".join(chunks), error, steps, vm.deepest, elapsed / 1e9)

    def cancel(self) -> None:
        """Stop the run in progress (from another thread, as Ctrl-C would on
        the main one): every instruction becomes one that interrupts, so the
        loop stops at its next dispatch and the profile so far is kept."""
        self.interrupted = True
        live = self._live
        if live is not None:
            live[:] = [_interrupt] * len(live)

    def _reference_run(self) -> None:
        """The same program in the fast loop (output discarded: the language
        is deterministic), so that timed mode can say how far its total is."""
        vm = self.program.new_vm(lambda s: None, self.options.limits)
        clock = self.options.clock
        t0 = clock()
        with suppress(GuestError):
            vm.run()
        self.reference_ns += clock() - t0

    # ---- the Profile --------------------------------------------------------------------

    @property
    def profile(self) -> Profile:
        opts = self.options
        cal = self.calibration or Calibration()
        instrs, funcs = static_tables(self.code)
        cells = self._cells(cal)
        has_hits = self.state is not None
        edges = self._edges() if has_hits else ()
        steps = sum(c.hits for c in cells)
        wall = self.wall_ns
        overhead: float | None = None
        notes: list[str] = []
        sampler = self.sampler
        samples = sum(c.samples + c.dispatch_samples for c in cells)
        sample_ns = 0.0
        if opts.mode == "count":
            fast = wall - steps * max(cal.count_ns - cal.dispatch_ns, 0.0)
            overhead = wall / fast if fast > 0 else None
        elif opts.mode == "timed":
            fast = sum(c.ns + c.dispatch_ns for c in cells)
            base = self.reference_ns or fast  # measured where it can be
            overhead = wall / base if base > 0 else None
            notes.append(f"approximate: each instruction timed with a clock pair; the pair's "
                         f"cost ({cal.timer_ns:.0f} ± {cal.timer_spread_ns:.0f} ns, calibrated "
                         f"on no-op closures) is subtracted from every hit")
            notes.append(f"dispatch row = hits x {cal.dispatch_ns:.1f} ns (the fast loop over "
                         f"no-op closures, calibrated)")
            if self.reference_ns and fast > 0:
                notes.append(f"check: the attributed total is {fast / self.reference_ns:.2f}x "
                             f"the wall time of the same run(s) in the fast loop "
                             f"({self.reference_ns / 1e6:.2f} ms)")
            st = self.state
            if st is not None and st.clipped:
                notes.append(f"{st.clipped} timed instruction(s) took over "
                             f"{CLIP_NS / 1e6:g} ms (a preemption, most likely): "
                             f"{st.clipped_ns / 1e6:.2f} ms beyond that is not attributed")
        elif sampler is not None:
            handler = sampler.handler_ns
            fast = wall - handler
            if has_hits:
                fast -= steps * max(cal.count_ns - cal.dispatch_ns, 0.0)
            overhead = wall / fast if fast > 0 else None
            if has_hits:
                # the count loop's bookkeeping would land in the dispatch samples: charge
                # dispatch by the calibrated constant and share the rest by body samples
                body = sum(c.samples for c in cells)
                sample_ns = max(fast - steps * cal.dispatch_ns, 0.0) / body if body else 0.0
                cells = tuple(Cell(c.ctx, c.ip, c.hits, c.samples * sample_ns,
                                   c.hits * cal.dispatch_ns, c.samples, c.dispatch_samples)
                              for c in cells)
                notes.append(f"with exact counts: dispatch row = hits x {cal.dispatch_ns:.1f} "
                             "ns (calibrated); the estimated unprofiled time left (wall - "
                             "sampler - counting) is shared by the instructions' samples")
            else:
                sample_ns = (wall - handler) / samples if samples else 0.0
                cells = tuple(Cell(c.ctx, c.ip, c.hits, c.samples * sample_ns,
                                   c.dispatch_samples * sample_ns, c.samples,
                                   c.dispatch_samples) for c in cells)
                notes.append("dispatch row: samples that arrived while the loop set up a "
                             "call; the return and `ip +=` are charged to the instruction")
        if sampler is not None and sampler.merged:
            notes.append(f"{sampler.merged:,} timer ticks came while an instruction ran long in C "
                         "(signals merge): its samples count every tick they stand for")
        if self.interrupted:
            notes.append("interrupted: the profile covers the run up to the interrupt")
        if self.deopts:
            worst = sorted(self.deopts.items(), key=lambda kv: -kv[1])[:3]
            notes.append(f"deoptimisations (failed type guards): {sum(self.deopts.values()):,} "
                         f"at {len(self.deopts)} instructions; most at "
                         + ", ".join(f"ip {ip} {instrs[ip].family} x{n:,}" for ip, n in worst))
        if sampler is not None and sampler.taken:
            cal = replace(cal, handler_ns=sampler.handler_ns / sampler.taken)
        return Profile(
            program=self.program.source.name, mode=opts.mode, instrs=instrs, functions=funcs,
            contexts=tuple(self.tree.nodes), cells=cells, edges=edges, calibration=cal,
            wall_ns=wall, runs=self.runs, has_hits=has_hits, reference_ns=self.reference_ns,
            has_time=opts.mode in ("timed", "sample"), has_samples=sampler is not None,
            has_contexts=True, samples=samples,
            lost_samples=sampler.lost if sampler is not None else 0,
            merged_ticks=sampler.merged if sampler is not None else 0,
            sample_rate_hz=opts.rate if sampler is not None else 0.0, sample_ns=sample_ns,
            overhead=overhead, error=self.error, notes=tuple(notes),
            deopts=tuple(sorted(self.deopts.items())),
            source_lines=source_lines_for(self.program.source.lines, instrs),
            created=now_iso(), tool=tool_name(), level=self.program.level)

    def _cells(self, cal: Calibration) -> tuple[Cell, ...]:
        st = self.state
        hits: dict[tuple[int, int], int] = {}
        raw: dict[tuple[int, int], int] = {}
        if st is not None:
            for node, row in enumerate(st.node_hits):
                ns_row = st.node_ns[node]
                for ip, h in enumerate(row):
                    if h:
                        hits[node, ip] = h
                        raw[node, ip] = ns_row[ip]
        samples = self.sampler.samples if self.sampler is not None else {}
        dispatch = self.sampler.dispatch if self.sampler is not None else {}
        timed = self.options.mode == "timed"
        out = []
        for key in sorted(set(hits) | set(samples) | set(dispatch)):
            h = hits.get(key, 0)
            ns = dns = 0.0
            if timed:
                ns = max(raw.get(key, 0) - h * cal.timer_ns, 0.0)
                dns = h * cal.dispatch_ns
            out.append(Cell(key[0], key[1], h, ns, dns, samples.get(key, 0),
                            dispatch.get(key, 0)))
        return tuple(out)

    def _edges(self) -> tuple[Edge, ...]:
        st = self.state
        assert st is not None
        hits = [sum(col) for col in zip(*st.node_hits, strict=True)]
        taken = st.taken_counts(hits)
        edges: list[Edge] = []
        for ip, instr in enumerate(self.code.instrs):
            if instr.target is None:
                continue
            if instr.op is Op.JUMP or instr.op is Op.CALL:
                count = hits[ip]
            else:
                count = taken[ip]
            if count:
                edges.append(Edge(ip, instr.target, count))
        edges.extend(Edge(a, b, n) for a, b, n in st.returns())
        return tuple(edges)


class ProfileSession:
    """What `profile()` yields: `run()` the program, read `profile`."""

    def __init__(self, program: Program, options: Options) -> None:
        self.options = options
        self.program = program
        self._collector: Any
        if options.mode == "pyspy":
            from vmscope.profiler.pyspy import PySpyCollector

            self._collector = PySpyCollector(program, options)
        else:
            self._collector = Collector(program, options)

    def run(self, out: Callable[[str], Any] | None = None, repeat: int = 1) -> RunResult:
        """Run the program `repeat` times under the profiler (output of the
        first run to `out`, else in the result)."""
        result: RunResult = self._collector.run(out, repeat)
        return result

    @property
    def profile(self) -> Profile:
        result: Profile = self._collector.profile
        return result


@contextmanager
def profile(program: Program, mode: str = "sample", **options: Any) -> Iterator[ProfileSession]:
    """Profile runs of `program` made inside the block with `p.run()`;
    `p.profile` is the Profile of all of them."""
    yield ProfileSession(program, Options(mode=mode, **options))
