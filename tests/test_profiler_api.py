"""The profiler's shape: its choices are enums whose string values still
work at the edges, dispatch goes through tables keyed by them, no module of
vmscope/profiler/ takes part in an import cycle, the sampler's view of the
observing loops matches their code, and the run a front end drives
(LiveProfile) measures what ProfileSession measures."""

from __future__ import annotations

import ast
import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import vmscope
from vmscope.profiler import FORMATS, MODES, VIEWS, profile
from vmscope.profiler import aggregate as agg
from vmscope.profiler.collect import Collector
from vmscope.profiler.export import RENDERERS, export
from vmscope.profiler.header import HEADERS
from vmscope.profiler.live import LiveProfile, ProfileRequest
from vmscope.profiler.loops import (
    SAMPLED_LOOPS,
    count_loop,
    count_loop_limited,
    sample_loop,
    sample_loop_limited,
)
from vmscope.profiler.model import Calibration, Profile
from vmscope.profiler.modes import STRATEGIES
from vmscope.profiler.options import Format, Mode, Options, View
from vmscope.profiler.render import LAYOUTS

if TYPE_CHECKING:
    from conftest import MakeClock

PROFILER = Path(vmscope.__file__).parent / "profiler"
SAMPLES = Path(__file__).resolve().parent.parent / "sample_programs"
FIXED = Calibration(dispatch_ns=50.0, timer_ns=100.0, count_ns=80.0)
LOOP = "let s = 0\nfor i in range(300) {\n  s += i\n}\nprint(s)\n"
FOREVER = "let i = 0\nwhile true { i += 1 }\n"


# ---- the enums and their tables -------------------------------------------------------------

def test_string_values_work_at_the_edges() -> None:
    assert Options(mode="sample").mode is Mode.SAMPLE
    assert View("opcode") is View.OPCODE and Format("json") is Format.JSON
    assert Mode.TIMED == "timed" and f"{Mode.TIMED}" == "timed"  # compares and prints as its value
    program = vmscope.compile_source(LOOP, "t.vms")
    with profile(program, mode="timed", calibration=FIXED) as p:
        p.run(lambda s: None)
    prof = p.profile
    assert prof.mode is Mode.TIMED
    assert json.loads(prof.to_json())["mode"] == "timed"  # the file keeps the string
    assert '"mode": "timed"' in prof.to_json()
    assert agg.view(prof, "opcode") == agg.view(prof, View.OPCODE)
    assert export(prof, "collapsed") == export(prof, Format.COLLAPSED)
    with pytest.raises(ValueError, match="unknown view 'nope'; choose one of instruction"):
        agg.view(prof, "nope")
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        export(prof, "xml")


def test_the_command_lines_choices_keep_their_strings_and_order() -> None:
    assert MODES == ("count", "sample", "timed", "pyspy")
    assert VIEWS == ("instruction", "opcode", "line", "function", "loop", "sequence")
    assert FORMATS == ("table", "json", "speedscope", "collapsed")


def test_every_choice_has_its_entry_in_each_table() -> None:
    assert set(HEADERS) == set(Mode) and set(agg.ERROR_BARS) == set(Mode)
    assert set(STRATEGIES) == {m for m in Mode if m.in_process}
    assert set(agg.VIEWS) == set(View) and set(LAYOUTS) == set(View)
    assert set(RENDERERS) == set(Format)


def test_a_collector_runs_only_in_process_modes() -> None:
    program = vmscope.compile_source(LOOP, "t.vms")
    with pytest.raises(ValueError, match="pyspy mode runs out of process"):
        Collector(program, Options(mode="pyspy"))


# ---- no import cycle ------------------------------------------------------------------------

def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, modules: set[str]) -> set[str]:
    """The profiler modules a module imports, wherever it does (inside
    functions too: a lazy import still closes a cycle), but not for type
    checking only."""
    out: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("vmscope.profiler."):
                    out.add(alias.name.split(".")[2])
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            if node.module == "vmscope.profiler":
                out.update(a.name if a.name in modules else "__init__" for a in node.names)
            elif node.module.startswith("vmscope.profiler."):
                out.add(node.module.split(".")[2])
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return out


def test_no_module_of_the_profiler_is_in_an_import_cycle() -> None:
    modules = {p.stem for p in PROFILER.glob("*.py")}
    graph = {m: _imports(ast.parse((PROFILER / f"{m}.py").read_text()), modules) - {m}
             for m in modules}
    import vmscope.profiler as package

    graph["__init__"] |= set(package._WHERE.values())  # loaded on first use of a name
    assert {"collect", "pyspy", "options", "live"} <= modules
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def walk(m: str, path: list[str]) -> None:
        state[m] = 1
        for n in sorted(graph.get(m, ())):
            if state.get(n) == 1:
                pytest.fail("import cycle: " + " -> ".join([*path[path.index(n):], n]))
            if n not in state:
                walk(n, [*path, n])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            walk(m, [m])
    assert "collect" not in graph["pyspy"] and "pyspy" not in graph["options"]


def test_the_import_reader_sees_lazy_imports_and_skips_typing_ones() -> None:
    """The checker above reads lazy imports too (collect once imported pyspy
    inside a function, and pyspy imported collect)."""
    modules = {"collect", "pyspy"}
    lazy = ast.parse("def f():\n    from vmscope.profiler.pyspy import X\n")
    typing_only = ast.parse("if TYPE_CHECKING:\n    from vmscope.profiler.collect import Y\n")
    assert _imports(lazy, modules) == {"pyspy"} and _imports(typing_only, modules) == set()


# ---- what the sampler reads from the loops --------------------------------------------------

def test_the_sampler_reads_locals_the_observing_loops_have() -> None:
    """sampler.py reads `vm`, `ip` and `d` or `f` from a loop's frame by
    name (SampledLoop.reads, the same constants its handler uses): a loop
    that renamed one would silently stop being sampled."""
    loops = {sample_loop, sample_loop_limited, count_loop, count_loop_limited}
    assert set(SAMPLED_LOOPS) == {f.__code__ for f in loops}
    for code, how in SAMPLED_LOOPS.items():
        missing = set(how.reads) - set(code.co_varnames)
        assert not missing, f"{code.co_name} has no local {sorted(missing)}"
        assert how.jumps, f"{code.co_name}: no backward jump found"
        assert how.counting == (code in (count_loop.__code__, count_loop_limited.__code__))


@pytest.mark.parametrize("counts", [False, True])
def test_the_loops_with_a_step_budget_are_sampled_too(counts: bool) -> None:
    program = vmscope.compile_source((SAMPLES / "fib.vms").read_bytes(), "fib.vms")
    budget = 200_000  # fib.vms runs 315,376 at -O0
    with profile(program, mode="sample", counts=counts, rate_hz=5000, calibration=FIXED,
                 limits=vmscope.Limits(max_steps=budget)) as p:
        result = p.run(lambda s: None)
    prof = p.profile
    assert result.error is not None and "step limit" in result.error.message
    assert prof.samples > 10 and prof.samples > prof.lost_samples  # the loop was recognised
    if counts:
        assert prof.steps == budget


# ---- LiveProfile: the run a front end drives ------------------------------------------------

def test_a_live_profile_measures_what_a_profile_session_does() -> None:
    options = Options(mode="count", calibration=FIXED)
    run = LiveProfile(ProfileRequest("t.vms", LOOP, 1, options))
    assert run.progress().steps == 0 and not run.progress().done
    run.run()
    program = vmscope.compile_source(LOOP, "t.vms").at_level(1)
    with profile(program, mode="count", calibration=FIXED) as p:
        p.run(lambda s: None)
    assert run.problem is None and run.profile is not None
    got, expected = run.profile, p.profile
    assert got.level == 1 and got.cells == expected.cells and got.edges == expected.edges
    progress = run.progress()
    assert progress.done and progress.steps == expected.steps and progress.elapsed > 0
    assert run.result is not None and run.result.output == ""  # the program's output: dropped


def test_a_live_profile_is_polled_and_cancelled_from_another_thread() -> None:
    run = LiveProfile(ProfileRequest("forever.vms", FOREVER, 0,
                                     Options(mode="sample", counts=True, calibration=FIXED)))
    worker = threading.Thread(target=run.run)
    worker.start()
    try:
        for _ in range(500):
            if run.poll().steps > 10_000:
                break
            threading.Event().wait(0.01)
        assert run.progress().steps > 10_000 and not run.done
    finally:
        run.cancel()
        worker.join(30)
    assert run.done and run.profile is not None and run.profile.error == "interrupted"
    assert run.profile.steps and run.profile.steps >= 10_000
    assert len(run.points) >= 3 and run.throughput()


def test_a_live_profile_cancelled_before_it_starts_stops_at_once() -> None:
    run = LiveProfile(ProfileRequest("forever.vms", FOREVER, 0,
                                     Options(mode="count", calibration=FIXED)))
    run.cancel()
    run.run()
    assert run.profile is not None and run.profile.error == "interrupted"
    assert (run.profile.steps or 0) <= 1


def test_a_live_profile_says_why_it_has_no_profile() -> None:
    run = LiveProfile(ProfileRequest("bad.vms", "let = 1\n", 0, Options(mode="count")))
    run.run()
    assert run.done and run.profile is None
    assert run.problem is not None and run.problem.startswith("bad.vms:1:5: SyntaxError")


def test_timed_mode_progress_is_on_the_profilers_own_clock(make_clock: MakeClock) -> None:
    """A fake clock gives the same timeline on every machine, and the
    calibration is measured on the clock the run reads (the progress
    wrapper included), so what it subtracts is what the brackets cost."""
    src = "let s = 0\nfor i in range(30000) { s += i }\n"

    def once() -> LiveProfile:
        run = LiveProfile(ProfileRequest("t.vms", src, 0,
                                         Options(mode="timed", clock=make_clock(tick=10),
                                                 reference=False)))
        run.run()
        return run

    a, b = once(), once()
    assert len(a.clock_points) > 5 and a.clock_points == b.clock_points
    assert a.throughput() == b.throughput()
    assert a.profile is not None and a.profile.calibration.timer_ns == 10.0
    steps = [s for _, s in a.clock_points]
    assert steps == sorted(steps) and steps[-1] > 0


def test_the_profiles_program_is_compiled_as_the_command_line_does(tmp_path: Path) -> None:
    """The request is plain data: a program's name, text and level."""
    request = ProfileRequest("fib.vms", (SAMPLES / "fib.vms").read_bytes(), 2,
                             Options(mode="count", calibration=FIXED))
    run = LiveProfile(request)
    run.run()
    assert run.profile is not None and run.profile.program == "fib.vms"
    assert run.profile.level == 2
    expected = vmscope.compile_source((SAMPLES / "fib.vms").read_bytes(), "fib.vms")
    assert run.profile.steps == expected.at_level(2).run(count_steps=True).steps


def test_profile_objects_take_a_mode_string_too() -> None:
    prof = Profile(program="x", mode="count", instrs=(), functions=(), contexts=(), cells=())
    assert prof.mode is Mode.COUNT
    with pytest.raises(ValueError, match="unknown mode"):
        Profile(program="x", mode="fast", instrs=(), functions=(), contexts=(), cells=())



def test_a_live_profile_may_reuse_the_callers_compiled_program() -> None:
    program = vmscope.compile_source(LOOP, "t.vms").at_level(1)
    request = ProfileRequest("t.vms", LOOP, 1, Options(mode="count", calibration=FIXED))
    reused, fresh = LiveProfile(request, program), LiveProfile(request)
    reused.run()
    fresh.run()
    assert reused.profile is not None and fresh.profile is not None
    assert reused.profile.cells == fresh.profile.cells
    with pytest.raises(ValueError, match="not the request's"):
        LiveProfile(request, program.at_level(2))
