"""A profiling run that a front end starts, polls and cancels: the TUI's
`P` drives one from a worker thread and reads its progress from the UI
thread.

    run = LiveProfile(ProfileRequest("fib.vms", text, level=2, options=Options(...)))
    run.run()              # blocks: in a worker thread
    run.progress()         # any thread: steps so far, seconds elapsed, done
    run.cancel()           # any thread: the profile of what ran so far is kept
    run.profile            # when done (or run.problem: what went wrong)

The request is plain data (a program's name, text and -O level, the
profiler's Options, the runs), and the run does exactly what `vmscope
profile` does with it: compile the text at that level, then
ProfileSession.run. So the same request could be run in a child process
(the Profile comes back as its JSON, progress as lines on a pipe) and give
the same measurement; only `Options.clock` (a fake clock, for scenes and
tests) cannot cross a process boundary. That child-process runner is not
built yet; `LiveProfile` runs the request in this process."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from vmscope.clock import Clock
from vmscope.profiler.options import Mode, Options

if TYPE_CHECKING:
    from vmscope.api import Program, RunResult
    from vmscope.profiler.collect import ProfileSession
    from vmscope.profiler.model import Profile

__all__ = ["CLOCK_EVERY", "LiveProfile", "ProfileRequest", "Progress"]

CLOCK_EVERY = 20_000  # timed mode: a progress point every this many clock readings


@dataclass(frozen=True)
class ProfileRequest:
    """What to profile: the program (its name in reports, its source text
    and -O level), how (`options`: mode, counts, rate, limits) and how many
    runs to add up."""

    name: str
    text: str | bytes
    level: int = 0
    options: Options = field(default_factory=Options)
    repeat: int = 1


@dataclass(frozen=True)
class Progress:
    """A run as seen from another thread: instructions counted so far (0 in
    the modes that do not count), seconds since it started, and whether it
    is over."""

    steps: int
    elapsed: float
    done: bool


class LiveProfile:
    """One profiling run of a ProfileRequest, in this process. A caller that
    has already compiled the request's text at its level (the debugger has)
    may pass that Program, to skip compiling it again."""

    def __init__(self, request: ProfileRequest, program: Program | None = None,
                 now: Callable[[], float] = time.perf_counter) -> None:
        if program is not None and (program.level != request.level
                                    or program.source.name != request.name):
            raise ValueError("the program given is not the request's, compiled at its level")
        self.request = request
        self.program = program
        self.now = now
        self.profile: Profile | None = None
        self.result: RunResult | None = None
        self.problem: str | None = None  # why no profile came (a bug of ours, or a compile error)
        self.started: float | None = None
        self.finished_at: float | None = None
        self.points: list[tuple[float, int]] = []  # (seconds, steps) of each poll
        self.clock_points: list[tuple[float, int]] = []  # the same, on the profiler's clock
        self._session: ProfileSession | None = None
        self._cancelled = threading.Event()

    @property
    def label(self) -> str:
        """The mode as a summary names it."""
        return self.request.options.label

    @property
    def done(self) -> bool:
        return self.finished_at is not None

    # ---- from the runner's thread -------------------------------------------------------

    def run(self, out: Callable[[str], Any] | None = None) -> None:
        """Compile, calibrate (not counted as progress), run, and keep the
        Profile; any failure of ours becomes `problem`, never an exception."""
        from vmscope.errors import CompileError
        from vmscope.profiler.collect import ProfileSession

        self.started = self.now()
        self.points = [(self.started, 0)]
        request = self.request
        try:
            program = self.program
            if program is None:
                from vmscope.api import compile_source

                program = compile_source(request.text, request.name).at_level(request.level)
            options = request.options
            ticking = None
            if options.mode is Mode.TIMED:
                ticking = _TickingClock(options.clock, self.steps)
                options = replace(options, clock=ticking)
            session = self._session = ProfileSession(program, options)
            session.calibrate()  # timed: on the same clock as the run, so its cost is the same
            self.points = [(self.now(), 0)]
            if ticking is not None:
                self.clock_points = ticking.start()
            if self._cancelled.is_set():
                session.cancel()
            self.result = session.run(out if out is not None else _discard, request.repeat)
            self.profile = session.profile
        except CompileError as err:
            self.problem = err.headline(request.name)
        except Exception as exc:  # a bug of ours: say so, keep the front end usable
            self.problem = f"profiling failed: {type(exc).__name__}: {exc}"
        finally:
            end = self.now()
            self.points.append((end, self.steps()))
            self.finished_at = end

    # ---- from any thread ----------------------------------------------------------------

    def steps(self) -> int:
        session = self._session
        return session.steps_so_far() if session is not None else 0

    @property
    def elapsed(self) -> float:
        if self.started is None:
            return 0.0
        return (self.finished_at or self.now()) - self.started

    def progress(self) -> Progress:
        return Progress(self.steps(), self.elapsed, self.done)

    def poll(self) -> Progress:
        """progress(), also kept as a point of the throughput timeline."""
        now = self.progress()
        if not now.done and self.started is not None:
            self.points.append((self.now(), now.steps))
        return now

    def cancel(self) -> None:
        """Stop the run (before it starts, or while it runs); the profile of
        what ran so far is kept."""
        self._cancelled.set()
        session = self._session
        if session is not None:
            session.cancel()

    def throughput(self) -> list[float]:
        """Instructions per second between successive progress points; with
        none in between, the run's average (from the profiler's own clock)."""
        pts = self.clock_points if len(self.clock_points) > 2 else self.points
        rates = [(b[1] - a[1]) / (b[0] - a[0]) for a, b in itertools.pairwise(pts)
                 if b[0] > a[0]]
        if len(rates) <= 1 and self.profile is not None and self.profile.wall_ns:
            return [(self.profile.steps or 0) / (self.profile.wall_ns / 1e9)]
        return rates


def _discard(text: str) -> None:
    pass


class _TickingClock:
    """Timed mode reads its clock twice an instruction, in the runner's
    thread: once started, every CLOCK_EVERY readings also make a progress
    point on the profiler's own clock (so a fake clock gives the same
    timeline on every machine, and no poll is needed)."""

    def __init__(self, clock: Clock, steps: Callable[[], int]) -> None:
        self.clock = clock
        self.steps = steps
        self.calls = 0
        self.origin: int | None = None
        self.points: list[tuple[float, int]] = []

    def start(self) -> list[tuple[float, int]]:
        """From now on (the run, not the calibration) points are taken."""
        self.origin = self.clock()
        self.calls = 0
        self.points = [(0.0, 0)]
        return self.points

    def __call__(self) -> int:
        now = self.clock()
        self.calls += 1
        if self.calls % CLOCK_EVERY == 0 and self.origin is not None:
            self.points.append(((now - self.origin) / 1e9, self.steps()))
        return now
