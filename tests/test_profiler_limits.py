"""`limits.max_steps` under the profiler: every in-process mode stops with
the LimitError `vmscope run --max-steps N` gives (the same message, place,
stack and output before it), keeps the partial profile with exactly N
instructions counted, and runs the loops without a countdown when no
budget is set. py-spy mode passes the budget to its child."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import vmscope
from vmscope.lang.values import Limits
from vmscope.profiler import profile
from vmscope.profiler.collect import Collector
from vmscope.profiler.loops import count_loop, sample_loop, timed_loop
from vmscope.profiler.model import Calibration
from vmscope.profiler.options import Options

if TYPE_CHECKING:
    from conftest import MakeClock

SAMPLES = Path(__file__).resolve().parent.parent / "sample_programs"
FIXED = Calibration(dispatch_ns=50.0, timer_ns=100.0, count_ns=80.0)
CHATTY = """\
fn f(n) {
  let t = 0
  for i in range(n) { t += i }
  return t
}
let k = 0
while true {
  print(f(k))
  k += 1
}
"""
# (mode, counts): every in-process loop, with and without counting
LOOPS = [("sample", False), ("sample", True), ("count", False), ("timed", False)]


def _profiled(src: str, level: int, mode: str, counts: bool, budget: int | None,
              **options: object) -> tuple[vmscope.RunResult, vmscope.profiler.Profile]:
    program = vmscope.compile_source(src, "chatty.vms").at_level(level)
    with profile(program, mode=mode, counts=counts, calibration=FIXED, rate_hz=5000,
                 limits=Limits(max_steps=budget), **options) as p:
        result = p.run()
    return result, p.profile


@pytest.mark.parametrize("level", [0, 1, 2])
@pytest.mark.parametrize(("mode", "counts"), LOOPS)
@pytest.mark.parametrize("budget", [0, 1, 57, 1234])
def test_every_mode_stops_where_run_does(mode: str, counts: bool, level: int,
                                         budget: int) -> None:
    program = vmscope.compile_source(CHATTY, "chatty.vms").at_level(level)
    expected = program.run(limits=Limits(max_steps=budget))
    assert expected.error is not None
    result, prof = _profiled(CHATTY, level, mode, counts, budget)
    assert result.error is not None
    assert result.error.headline("chatty.vms") == expected.error.headline("chatty.vms")
    assert result.error.headline("chatty.vms").endswith(
        f"LimitError: step limit of {budget} exceeded")
    assert result.error.traceback_lines("chatty.vms") == \
        expected.error.traceback_lines("chatty.vms")
    assert result.output == expected.output
    assert prof.error == expected.error.headline("chatty.vms")  # the partial profile says so
    if prof.has_hits:
        assert prof.steps == budget == expected.steps


@pytest.mark.parametrize("level", [0, 1, 2])
def test_derived_counts_stay_exact_under_a_budget(level: int, make_clock: MakeClock) -> None:
    """The count loop derives most branches' jumps from the hits; stopped by
    a budget (after a fall-through, a jump, a call or a return) they must
    still equal the timed loop's, which counts every one."""
    sources = [CHATTY, *(p.read_text() for p in sorted(SAMPLES.glob("*.vms"))[:8])]
    for n, src in enumerate(sources):
        program = vmscope.compile_source(src, f"p{n}.vms").at_level(level)
        for budget in (3, 100, 101, 777, 5000):
            limits = Limits(max_steps=budget)
            count = Collector(program, Options(mode="count", calibration=FIXED, limits=limits))
            timed = Collector(program, Options(mode="timed", calibration=FIXED, limits=limits,
                                               clock=make_clock(), reference=False))
            for col in (count, timed):
                col.run(lambda s: None)
            a, b = count.profile, timed.profile
            where = f"p{n} at -O{level}, budget {budget}"
            assert a.edges == b.edges, where
            assert [(c.ctx, c.ip, c.hits) for c in a.cells] == \
                [(c.ctx, c.ip, c.hits) for c in b.cells], where
            assert a.steps == b.steps and (a.steps or 0) <= budget, where


def test_a_program_within_its_budget_runs_as_without_one() -> None:
    src = "let s = 0\nfor i in range(50) { s += i }\nprint(s)\n"
    steps = vmscope.compile_source(src, "t.vms").run(count_steps=True).steps
    for mode, counts in LOOPS:
        result, prof = _profiled(src, 0, mode, counts, steps)  # exactly enough
        assert result.error is None and result.output == "1225\n", mode
        assert prof.error is None
        tight, _ = _profiled(src, 0, mode, counts, steps - 1)
        assert tight.error is not None, mode


@pytest.mark.parametrize(("mode", "counts", "loop"), [
    ("sample", False, sample_loop), ("sample", True, count_loop), ("count", False, count_loop),
    ("timed", False, timed_loop)])
def test_without_a_budget_the_loops_have_no_countdown(mode: str, counts: bool,
                                                      loop: object) -> None:
    """The loop is chosen once a run: with no budget it is the plain one."""
    program = vmscope.compile_source("print(1)\n", "t.vms")
    seen = []
    code = program.code
    first = code.code[code.entry]

    def probe(vm: object) -> int:
        seen.append(sys._getframe(1).f_code)
        return first(vm)

    code.code[code.entry] = probe
    try:
        with profile(program, mode=mode, counts=counts, calibration=FIXED,
                     reference=False) as p:
            p.run(lambda s: None)
    finally:
        code.code[code.entry] = first
    assert seen == [loop.__code__]  # type: ignore[attr-defined]


def test_pyspy_mode_passes_the_budget_to_its_child(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in for py-spy runs the child it is given (py-spy itself may
    not be allowed to attach here): the child stops as `run` does."""
    fake = tmp_path / "py-spy"
    fake.write_text(f"""#!{sys.executable}
import subprocess, sys
args = sys.argv[1:]
out = args[args.index("-o") + 1]
child = args[args.index("--") + 1:]
open({str(tmp_path / "argv.txt")!r}, "w").write(" ".join(child))
subprocess.run(child, check=False)
open(out, "w").close()
""")
    fake.chmod(0o755)
    monkeypatch.setenv("VMSCOPE_PYSPY", str(fake))
    program = vmscope.compile_source(CHATTY, "chatty.vms").at_level(2)
    expected = program.run(limits=Limits(max_steps=300))
    assert expected.error is not None
    with profile(program, mode="pyspy", calibration=FIXED, limits=Limits(max_steps=300)) as p:
        result = p.run()
    assert "--max-steps 300" in (tmp_path / "argv.txt").read_text()
    assert result.output == expected.output
    assert result.error is not None
    assert result.error.headline("chatty.vms") == expected.error.headline("chatty.vms")
    assert result.error.traceback_lines("chatty.vms") == \
        expected.error.traceback_lines("chatty.vms")
    assert p.profile.error == expected.error.headline("chatty.vms")


def test_the_child_alone_stops_at_the_budget(tmp_path: Path) -> None:
    src = tmp_path / "chatty.vms"
    src.write_text(CHATTY)
    meta = tmp_path / "meta.json"
    proc = subprocess.run([sys.executable, "-m", "vmscope.profiler.child", str(src), "--name",
                           "chatty.vms", "--out", str(tmp_path / "out.txt"), "--meta", str(meta),
                           "--max-steps", "300", "--level", "1"],
                          capture_output=True, text=True, check=False, timeout=60)
    assert proc.returncode == 0, proc.stderr
    expected = vmscope.compile_source(CHATTY, "chatty.vms").at_level(1).run(
        limits=Limits(max_steps=300))
    assert expected.error is not None
    assert json.loads(meta.read_text())["error"] == expected.error.headline("chatty.vms")
    assert (tmp_path / "out.txt").read_text() == expected.output
