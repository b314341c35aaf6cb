"""Named scenes of the debugger, played headlessly with Pilot: the README's
screenshots (`vmscope screenshots`) and the golden-SVG tests use them.

Each scene opens the real app on an embedded program with a fake clock (so
times are stable) and no progress ticks (so nothing depends on how fast the
machine is), then drives it with the keys a person would press."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import resources

from textual.pilot import Pilot

from vmscope.clock import FakeClock
from vmscope.lang.values import Limits
from vmscope.profiler.collect import Options
from vmscope.profiler.model import Calibration
from vmscope.tui.app import DebuggerApp
from vmscope.tui.frames import FramesView

FAILING = ("# failing.vms - fails on purpose: a ZeroDivisionError three calls deep, after "
           "printing part of a report\n") + """\
fn average(xs: list) -> float {
  let total = 0
  for x in xs { total += x }
  return total / len(xs)
}

fn summarize(name: str, scores: list) -> str {
  return name + ": " + str(average(scores))
}

fn report(groups: list) {
  for g in groups {
    print(summarize(g[0], g[1]))
  }
}

print("score report")
report([["alice", [90, 85, 77]], ["bob", [60, 75]], ["carol", []], ["dave", [100]]])
print("not reached")
"""


def fib_source() -> str:
    return resources.files("vmscope.samples").joinpath("fib.vms").read_text("utf-8")


SCENE_SEED = 12345  # the debugger's FakeClock in every scene

# The profile scene's calibration: fixed, so no number depends on the machine.
SCENE_CALIBRATION = Calibration(dispatch_ns=50.0, dispatch_spread_ns=2.0, timer_ns=40.0,
                                timer_spread_ns=3.0, count_ns=80.0, clock_resolution_ns=1.0)


def scene_profile_options(limits: Limits) -> Options:
    """`P` in a scene: timed mode on a FakeClock of its own (each instruction
    then "takes" a pseudo-random 0..159 ns beyond the calibrated timer), so
    the Profile view's numbers are the same on every machine."""
    return Options(mode="timed", clock=FakeClock(seed=2024), calibration=SCENE_CALIBRATION,
                   reference=False, limits=limits)


Play = Callable[[DebuggerApp, Pilot[int]], Awaitable[None]]


@dataclass(frozen=True)
class Scene:
    name: str
    title: str
    filename: str
    source: Callable[[], str]
    play: Play

    def app(self) -> DebuggerApp:
        clock = FakeClock(seed=SCENE_SEED)
        app = DebuggerApp(self.filename, self.source(), clock=clock, tick_seconds=3600.0,
                          profile_options=scene_profile_options, profile_poll=None)
        session = app.session
        if session is not None:
            clock.follow(lambda: session.counter.total())
        return app


async def press(app: DebuggerApp, pilot: Pilot[int], *keys: str) -> None:
    """Press keys one at a time, each run to its stop before the next."""
    for key in keys:
        await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause()


async def at_line(app: DebuggerApp, pilot: Pilot[int], line: int, *keys: str) -> None:
    """Put the Source cursor on `line`, then press keys there."""
    app.source.focus()
    app.source.show_line(line, center=True)
    await pilot.pause()
    await press(app, pilot, *keys)


async def play_stepping(app: DebuggerApp, pilot: Pilot[int]) -> None:
    # Into fib(20): a breakpoint on `return n` first stops twenty calls deep.
    await at_line(app, pilot, 31, "t")
    await at_line(app, pilot, 4, "b", "c")
    await press(app, pilot, "s")


async def play_breakpoint(app: DebuggerApp, pilot: Pilot[int]) -> None:
    assert app.session is not None
    app.session.add_breakpoint(line=14, condition="i == 10")
    app.session.add_breakpoint(line=36, hit_count=3)
    disabled = app.session.add_breakpoint(line=6)
    app.session.enable_breakpoint(disabled.id, False)
    app.breakpoints_changed()
    for expr in ("i", "a + b", "b - a", "t * 2"):
        app.add_watch(expr)
    await press(app, pilot, "c")


async def play_error(app: DebuggerApp, pilot: Pilot[int]) -> None:
    await press(app, pilot, "c")
    # Post-mortem: in Frames, down to report's frame; Source shows its line.
    app.query_one(FramesView).focus()
    await press(app, pilot, *["down"] * 6)


async def play_heat(app: DebuggerApp, pilot: Pilot[int]) -> None:
    await press(app, pilot, "c", "h")


async def play_profile(app: DebuggerApp, pilot: Pilot[int]) -> None:
    await press(app, pilot, "P")


SCENES: tuple[Scene, ...] = (
    Scene("stepping", "stepping inside fib, twenty calls deep", "fib.vms", fib_source,
          play_stepping),
    Scene("breakpoint", "a conditional breakpoint hit, with watches", "fib.vms", fib_source,
          play_breakpoint),
    Scene("error", "a runtime error, post-mortem", "failing.vms", lambda: FAILING, play_error),
    Scene("heat", "hot instructions after a continue", "fib.vms", fib_source, play_heat),
    Scene("profile", "the Profile view after P (timed mode, a fake clock)", "fib.vms",
          fib_source, play_profile),
)


def scene_named(name: str) -> Scene:
    for scene in SCENES:
        if scene.name == name:
            return scene
    raise KeyError(f"no scene {name!r} (scenes: {', '.join(s.name for s in SCENES)})")


async def render(scene: Scene, size: tuple[int, int] = (120, 40)) -> str:
    """Play `scene` in a terminal of `size` and return the screen as SVG."""
    app = scene.app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await scene.play(app, pilot)
        await pilot.pause()
        svg = app.export_screenshot(title=f"vmscope · {scene.title}")
    return svg
