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
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from vmscope.errors import GuestError
from vmscope.lang import values
from vmscope.profiler.calibrate import calibrate
from vmscope.profiler.contexts import ContextTree
from vmscope.profiler.loops import distinct_closures
from vmscope.profiler.model import (
    Calibration,
    Cell,
    Edge,
    InstrMeta,
    Profile,
    now_iso,
    source_lines_for,
    static_tables,
    tool_name,
)
from vmscope.profiler.modes import Measured, strategy_for
from vmscope.profiler.options import Mode, Options, Profiled
from vmscope.profiler.sampler import Sampler
from vmscope.profiler.state import LoopState
from vmscope.vm.opcodes import Op

if TYPE_CHECKING:
    from vmscope.api import RunResult
    from vmscope.vm.machine import VM
    from vmscope.vm.program import Closure

__all__ = ["Collector", "Options", "ProfileSession", "Profiled", "RunCollector", "profile"]


class RunCollector(Protocol):
    """What ProfileSession drives: Collector here, PySpyCollector out of process."""

    calibration: Calibration | None

    def calibrate(self) -> Calibration: ...

    def run(self, out: Callable[[str], Any] | None = None, repeat: int = 1) -> RunResult: ...

    def cancel(self) -> None: ...

    def steps_so_far(self) -> int: ...

    @property
    def profile(self) -> Profile: ...


def _interrupt(vm: VM) -> int:
    raise KeyboardInterrupt


class Collector:
    """Runs one program under one in-process mode, any number of times."""

    def __init__(self, program: Profiled, options: Options) -> None:
        self.strategy = strategy_for(options.mode)  # py-spy mode: a ValueError
        self.program = program
        self.options = options
        self.code = program.code_for(options.limits)
        self.tree = ContextTree(self.code)
        self.state = (LoopState(self.code, self.tree, derive=self.strategy.derive)
                      if self.strategy.counts(options) else None)
        self._closures = distinct_closures(self.code.code)
        self.sampler = (Sampler(self.tree, options.rate, options.clock, self._closures)
                        if self.strategy.samples else None)
        self.calibration = options.calibration
        self.wall_ns = 0
        self.cpu_ns = 0  # the thread's CPU time in the loop (the overhead benchmark's 2nd measure)
        self.reference_ns = 0
        self.runs = 0
        self.deopts: dict[int, int] = {}  # ip -> failed type guards (-O1/-O2)
        self.error: str | None = None
        self.interrupted = False
        self._live: list[Closure] | None = None  # the code list of the run in progress

    def calibrate(self) -> Calibration:
        """The loops' costs for this mode: measured now unless the options
        gave them or an earlier run measured them (then not again)."""
        if self.calibration is None:
            opts = self.options
            self.calibration = calibrate(opts.mode, opts.clock, opts.counts)
        return self.calibration

    def steps_so_far(self) -> int:
        """Instructions counted over the runs so far, the one in progress
        included (0 where the mode does not count); any thread may ask."""
        return self.state.steps() if self.state is not None else 0

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
        self.calibrate()
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
        before = st.steps() if st is not None else 0
        if st is not None:
            st.reset_stack()
        if self.strategy.reference and opts.reference:
            self._reference_run()
        budget = opts.limits.max_steps
        run = self.strategy.run
        sampling = self.sampler.running() if self.sampler is not None else nullcontext()
        with sampling:  # its set-up and tear-down (~0.1 ms, mostly signal.signal) not timed
            c0 = time.thread_time_ns()
            t0 = clock()
            try:
                run(vm, st, clock, budget)
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
        steps = st.steps() - before if st is not None else 0
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
        is deterministic), so that timed mode can say how far its total is.
        With a step budget it stops where the timed run will."""
        vm = self.program.new_vm(lambda s: None, self.options.limits)
        clock = self.options.clock
        budget = self.options.limits.max_steps
        t0 = clock()
        with suppress(GuestError):
            if budget is None:
                vm.run()
            else:
                vm.run_counted(budget)
        self.reference_ns += clock() - t0

    # ---- the Profile --------------------------------------------------------------------

    @property
    def profile(self) -> Profile:
        """Everything so far as a Profile: the mode's figures (its times,
        overhead and notes) and what every mode notes."""
        opts = self.options
        cal = self.calibration or Calibration()
        instrs, funcs = static_tables(self.code)
        sampler = self.sampler
        st = self.state
        measured = Measured(self._cells(), cal, self.wall_ns, has_hits=st is not None,
                            handler_ns=sampler.handler_ns if sampler is not None else 0,
                            reference_ns=self.reference_ns,
                            clipped=st.clipped if st is not None else 0,
                            clipped_ns=st.clipped_ns if st is not None else 0)
        fig = self.strategy.figures(measured)
        if sampler is not None and sampler.taken:
            cal = replace(cal, handler_ns=sampler.handler_ns / sampler.taken)
        return Profile(
            program=self.program.source.name, mode=opts.mode, instrs=instrs, functions=funcs,
            contexts=tuple(self.tree.nodes), cells=fig.cells,
            edges=self._edges() if st is not None else (), calibration=cal,
            wall_ns=self.wall_ns, runs=self.runs, has_hits=st is not None,
            reference_ns=self.reference_ns, has_time=self.strategy.has_time,
            has_samples=sampler is not None, has_contexts=True,
            samples=sum(c.samples + c.dispatch_samples for c in fig.cells),
            lost_samples=sampler.lost if sampler is not None else 0,
            merged_ticks=sampler.merged if sampler is not None else 0,
            sample_rate_hz=opts.rate if sampler is not None else 0.0, sample_ns=fig.sample_ns,
            overhead=fig.overhead, error=self.error,
            notes=(*fig.notes, *self._notes(instrs)),
            deopts=tuple(sorted(self.deopts.items())),
            source_lines=source_lines_for(self.program.source.lines, instrs),
            created=now_iso(), tool=tool_name(), level=self.program.level)

    def _notes(self, instrs: tuple[InstrMeta, ...]) -> list[str]:
        """What every mode says: merged ticks, an interrupt, deoptimisations."""
        notes = []
        sampler = self.sampler
        if sampler is not None and sampler.merged:
            notes.append(f"{sampler.merged:,} timer ticks came while an instruction ran long in "
                         "C (signals merge): its samples count every tick they stand for")
        if self.interrupted:
            notes.append("interrupted: the profile covers the run up to the interrupt")
        if self.deopts:
            worst = sorted(self.deopts.items(), key=lambda kv: -kv[1])[:3]
            notes.append(f"deoptimisations (failed type guards): {sum(self.deopts.values()):,} "
                         f"at {len(self.deopts)} instructions; most at "
                         + ", ".join(f"ip {ip} {instrs[ip].family} x{n:,}" for ip, n in worst))
        return notes

    def _cells(self) -> tuple[Cell, ...]:
        """Per (context, ip): hits, the timed loop's raw clock time, samples."""
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
        return tuple(Cell(key[0], key[1], hits.get(key, 0), float(raw.get(key, 0)), 0.0,
                          samples.get(key, 0), dispatch.get(key, 0))
                     for key in sorted(set(hits) | set(samples) | set(dispatch)))

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

    def __init__(self, program: Profiled, options: Options) -> None:
        self.options = options
        self.program = program
        self.collector: RunCollector
        if options.mode.in_process:
            self.collector = Collector(program, options)
        else:
            from vmscope.profiler.pyspy import PySpyCollector

            self.collector = PySpyCollector(program, options)

    def calibrate(self) -> Calibration:
        """Measure the mode's calibration now (else the first run does)."""
        return self.collector.calibrate()

    def run(self, out: Callable[[str], Any] | None = None, repeat: int = 1) -> RunResult:
        """Run the program `repeat` times under the profiler (output of the
        first run to `out`, else in the result)."""
        return self.collector.run(out, repeat)

    def cancel(self) -> None:
        """Stop the run in progress (any thread); the profile so far is kept."""
        self.collector.cancel()

    def steps_so_far(self) -> int:
        return self.collector.steps_so_far()

    @property
    def profile(self) -> Profile:
        return self.collector.profile


@contextmanager
def profile(program: Profiled, mode: Mode | str = Mode.SAMPLE,
            **options: Any) -> Iterator[ProfileSession]:
    """Profile runs of `program` made inside the block with `p.run()`;
    `p.profile` is the Profile of all of them."""
    yield ProfileSession(program, Options(mode=mode, **options))
