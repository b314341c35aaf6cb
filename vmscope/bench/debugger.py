"""The debugger's costs, measured side by side in one run (`vmscope bench
--debugger`): each function times its variants interleaved over `rounds`
and returns a dict of medians and ratios with a `text` line to print.

- continue_speed_deep / continue_speed_flat: Session.continue_ with an
  on_chunk that takes a snapshot every tick (what the TUI does), against
  program.run at -O0 on the same program: a recursion 20,000 deep with a
  small loop in each frame (max_depth 30,000), and a flat loop. Target: 2x.
- reverse_continue_cost: a reverse-continue back across a million steps
  (to a breakpoint hit near the start) against the forward continue over
  the same steps, and against program.run of the whole program.
- last_change_cost: last_change back across the steps of a loop (single
  steps, an evaluation each) against the forward continue over them.
- watchpoint_cost: a continue watching a variable that does not change,
  against a plain one.
- snapshot_cost: one Session.snapshot() at several stack depths (it is
  meant to stay flat: frames are folded)."""

from __future__ import annotations

from typing import Any

from vmscope.bench.runner import interleaved
from vmscope.units import fmt_bytes, fmt_count, fmt_ns

DEEP = """\
fn deep(n) {
  let i = 0
  let s = 0
  while i < 10 { s += i; i += 1 }
  if n == 0 { return s }
  return s + deep(n - 1)
}
print(deep(DEPTH))
"""

FLAT = """\
let i = 0
let s = 0
while i < 400000 {
  s += i
  i += 1
}
print(s)
"""

# A breakpoint on line 2 hits once; the loop after it runs ITERATIONS times.
REVERSE = """\
let mark = 0
mark = 1
let i = 0
while i < ITERATIONS { i += 1 }
print(i, mark)
"""


def _iterations_for(steps: int) -> int:
    """Loop iterations that make REVERSE run about `steps` steps at -O0."""
    import vmscope

    def count(n: int) -> int:
        program = vmscope.compile_source(REVERSE.replace("ITERATIONS", str(n)), "r.vms")
        return program.run(out=_discard, count_steps=True).steps

    per = count(2000) - count(1000)
    return max(1, steps * 1000 // per)


def _discard(text: str) -> None:
    pass


def _continue_vs_run(name: str, source: str, rounds: int, max_depth: int) -> dict[str, Any]:
    import vmscope
    from vmscope.debug import Session, State

    program = vmscope.compile_source(source, f"{name}.vms").at_level(0)
    program.code  # noqa: B018 - compiled outside the timed region
    limits = vmscope.Limits(max_depth=max_depth)
    ticks: list[int] = []

    def run() -> None:
        result = program.run(out=_discard, limits=limits)
        assert result.error is None, result.error

    def debug() -> None:
        session = Session(program, limits)
        seen = [0]

        def chunk(s: Session) -> None:
            seen[0] += 1
            s.snapshot()

        snap = session.continue_(on_chunk=chunk)
        assert snap.state is State.FINISHED, snap.error
        ticks.append(seen[0])

    t = interleaved({"run": run, "continue": debug}, rounds, name)
    run_s, cont_s = t["run"].median, t["continue"].median
    ratio = cont_s / run_s
    return {"name": name, "run_s": run_s, "continue_s": cont_s, "ratio": ratio,
            "ticks": sorted(ticks)[len(ticks) // 2], "target": 2.0,
            "text": f"continue on {name}: {ratio:.2f}x `vmscope run -O0` (target 2x): "
                    f"{fmt_ns(cont_s * 1e9)} vs {fmt_ns(run_s * 1e9)}, "
                    f"{sorted(ticks)[len(ticks) // 2]} ticks with a snapshot each, medians "
                    f"of {rounds}"}


def continue_speed_deep(rounds: int = 5, depth: int = 20_000) -> dict[str, Any]:
    result = _continue_vs_run(f"a recursion {fmt_count(depth)} deep",
                              DEEP.replace("DEPTH", str(depth)), rounds, depth + 10_000)
    result["depth"] = depth
    return result


def continue_speed_flat(rounds: int = 5) -> dict[str, Any]:
    return _continue_vs_run("a flat loop", FLAT, rounds, 10_000)


def reverse_continue_cost(rounds: int = 3, steps: int = 1_000_000) -> dict[str, Any]:
    """Back across `steps` steps to a breakpoint, against running them forward."""
    import vmscope
    from vmscope.debug import Session, State, StopReason

    iterations = _iterations_for(steps)
    program = vmscope.compile_source(REVERSE.replace("ITERATIONS", str(iterations)),
                                     "reverse.vms").at_level(0)
    program.code  # noqa: B018
    session = Session(program)
    session.add_breakpoint("2")
    hit = session.continue_()
    assert hit.reason is StopReason.BREAKPOINT
    end = session.continue_()
    assert end.state is State.FINISHED
    across = end.steps - hit.steps

    def forward() -> None:  # from the hit to the end
        session.goto(hit.steps)
        assert session.continue_().state is State.FINISHED

    def backward() -> None:  # from the end back to the hit (forward ran just before)
        assert session.reverse_continue().steps == hit.steps

    t = interleaved({"run": lambda: program.run(out=_discard), "forward": forward,
                     "reverse": backward}, rounds, "reverse-continue")
    back_s, fwd_s, run_s = t["reverse"].median, t["forward"].median, t["run"].median
    ratio = back_s / fwd_s
    points = len(session.history.points)
    return {"steps": across, "reverse_s": back_s, "forward_s": fwd_s, "run_s": run_s,
            "ratio": ratio, "vs_run": back_s / run_s, "checkpoints": points,
            "checkpoint_bytes": session.history.bytes,
            "text": f"reverse-continue back across {fmt_count(across)} steps: {ratio:.2f}x the "
                    f"forward continue over them ({fmt_ns(back_s * 1e9)} vs "
                    f"{fmt_ns(fwd_s * 1e9)}; {back_s / run_s:.2f}x `vmscope run -O0` of the "
                    f"whole program); history {points} checkpoints, "
                    f"{fmt_bytes(session.history.bytes)}; medians of {rounds}"}


def last_change_cost(rounds: int = 3, steps: int = 100_000) -> dict[str, Any]:
    """last_change of a value set once, `steps` steps back, against the forward continue."""
    import vmscope
    from vmscope.debug import Session, State, StopReason

    iterations = _iterations_for(steps)
    program = vmscope.compile_source(REVERSE.replace("ITERATIONS", str(iterations)),
                                     "reverse.vms").at_level(0)
    session = Session(program)
    session.continue_()
    end = session.snapshot().steps

    def forward() -> None:  # the whole run
        session.goto(0)
        assert session.continue_().state is State.FINISHED

    def backward() -> None:  # from the end (forward ran just before) back to `mark = 1`
        assert session.last_change("mark").reason is StopReason.CHANGE

    t = interleaved({"forward": forward, "last_change": backward}, rounds, "last-change")
    ratio = t["last_change"].median / t["forward"].median
    return {"steps": end, "last_change_s": t["last_change"].median,
            "forward_s": t["forward"].median, "ratio": ratio,
            "text": f"last-change back across {fmt_count(end)} steps (one evaluation a step): "
                    f"{ratio:.1f}x the forward continue ({fmt_ns(t['last_change'].median * 1e9)}"
                    f" vs {fmt_ns(t['forward'].median * 1e9)}), medians of {rounds}"}


def watchpoint_cost(rounds: int = 3, steps: int = 200_000) -> dict[str, Any]:
    """A continue with a watchpoint on a variable that does not change again,
    against a plain continue over the same steps (today's watchpoints take the
    single-step path; trapping only the stores to the slot is a later round)."""
    import vmscope
    from vmscope.debug import Session, State

    program = vmscope.compile_source(REVERSE.replace("ITERATIONS", str(_iterations_for(steps))),
                                     "watch.vms").at_level(0)
    program.code  # noqa: B018

    def run(watch: bool) -> None:
        session = Session(program)
        session.run_to(line=3)  # past `mark = 1`
        if watch:
            session.add_watchpoint("mark")
        assert session.continue_().state is State.FINISHED

    t = interleaved({"plain": lambda: run(False), "watch": lambda: run(True)}, rounds,
                    "watchpoint")
    plain, watch = t["plain"].median, t["watch"].median
    ratio = watch / plain
    return {"plain_s": plain, "watch_s": watch, "ratio": ratio, "steps": steps,
            "steps_per_s": steps / watch,
            "text": f"continue with a watchpoint on a variable that does not change: {ratio:.1f}x "
                    f"a plain continue ({fmt_ns(watch * 1e9)} vs {fmt_ns(plain * 1e9)}, "
                    f"{fmt_count(steps / watch)} steps/s: the single-step path), medians of "
                    f"{rounds}"}


def snapshot_cost(depths: tuple[int, ...] = (10, 1_000, 20_000),
                  repeat: int = 200) -> dict[str, Any]:
    """One snapshot's time at each stack depth (medians of `repeat`)."""
    import statistics
    import time

    import vmscope
    from vmscope.debug import Session

    times: dict[int, float] = {}
    for depth in depths:
        program = vmscope.compile_source(DEEP.replace("DEPTH", str(depth)), "deep.vms")
        session = Session(program, vmscope.Limits(max_depth=depth + 10))
        session.add_breakpoint("5", condition="n == 0")
        session.continue_()
        samples = []
        for _ in range(repeat):
            start = time.perf_counter_ns()
            session.snapshot()
            samples.append(time.perf_counter_ns() - start)
        times[depth] = statistics.median(samples)
    shown = ", ".join(f"{fmt_count(d)} deep {fmt_ns(ns)}" for d, ns in times.items())
    return {"ns_by_depth": times,
            "text": f"a snapshot (the panes' view, frames folded): {shown}"}


def debugger_benchmarks(rounds: int = 5) -> list[dict[str, Any]]:
    """All of the above, for `vmscope bench --debugger`."""
    return [continue_speed_deep(rounds), continue_speed_flat(rounds),
            reverse_continue_cost(max(rounds // 2, 2)), last_change_cost(max(rounds // 2, 2)),
            watchpoint_cost(max(rounds // 2, 2)), snapshot_cost()]
