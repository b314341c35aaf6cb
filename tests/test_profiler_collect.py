"""Collection: exact counts on programs whose counts follow from the source,
calibration and timed mode with a fake clock, the context tree, the sampler
and the in-process API."""

from __future__ import annotations

import signal
import sys
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import vmscope
from vmscope.lang.values import UNSET
from vmscope.profiler import aggregate as agg
from vmscope.profiler import profile
from vmscope.profiler.calibrate import (
    calibrate,
    clock_resolution,
    dispatch_cost,
    noop_code,
    timer_cost,
)
from vmscope.profiler.collect import Collector, Options
from vmscope.profiler.contexts import ContextTree
from vmscope.profiler.loops import (
    closures_by_identity,
    count_loop,
    distinct_closures,
    sample_loop,
)
from vmscope.profiler.model import Calibration
from vmscope.profiler.sampler import Sampler
from vmscope.profiler.state import LoopState
from vmscope.vm.opcodes import Op

if TYPE_CHECKING:
    from conftest import MakeClock

    from vmscope.clock import FakeClock

SAMPLES = Path(__file__).resolve().parent.parent / "sample_programs"
FIXED = Calibration(dispatch_ns=50.0, timer_ns=100.0, count_ns=80.0)

LOOP = """\
let s = 0
for i in range(10) {
  s += i
}
print(s)
"""

CALLS = """\
fn f(x) {
  return x * 2
}
let t = 0
let i = 0
while i < 7 {
  t += f(i)
  i += 1
}
print(t)
"""

RECURSIVE = """\
fn fact(n) {
  if n < 2 { return 1 }
  return n * fact(n - 1)
}
print(fact(6))
"""


def counted(src: str, mode: str = "count") -> vmscope.profiler.Profile:
    program = vmscope.compile_source(src, "t.vms")
    with profile(program, mode=mode, calibration=FIXED) as p:
        result = p.run()
    assert result.error is None
    return p.profile


def hits_by_ip(prof: vmscope.profiler.Profile) -> list[int]:
    return [c.hits for c in agg.per_ip(prof)]


def test_counts_of_a_for_loop() -> None:
    prof = counted(LOOP)
    code = vmscope.compile_source(LOOP, "t.vms").code
    head = next(ip for ip, i in enumerate(code.instrs) if i.op is Op.FOR_RANGE_NEXT)
    back = next(ip for ip, i in enumerate(code.instrs)
                if i.op is Op.JUMP and i.target == head)
    expected = []
    for ip in range(len(code.instrs)):
        if ip == head:
            expected.append(11)  # ten iterations and the exit
        elif head < ip <= back:
            expected.append(10)
        else:
            expected.append(1)
    assert hits_by_ip(prof) == expected
    edges = {(e.src, e.dst): e.count for e in prof.edges}
    assert edges[back, head] == 10
    assert edges[head, code.instrs[head].target] == 1  # the loop's exit
    (loop,) = agg.by_loop(prof)
    assert loop.count == 10


def test_counts_of_calls_and_a_while_loop() -> None:
    prof = counted(CALLS)
    code = vmscope.compile_source(CALLS, "t.vms").code
    f = code.functions[0]
    hits = hits_by_ip(prof)
    # f has no branches: load_local const mul return (no implicit return after it)
    assert hits[f.entry:f.end] == [7, 7, 7, 7]
    funcs = {r.key: r for r in agg.by_function(prof)}
    assert funcs["f"].count == 7
    assert funcs["f"].hits == 7 * 4
    assert funcs["<main>"].incl_ns == float(sum(hits))  # count mode: inclusive hits
    result = vmscope.compile_source(CALLS, "t.vms").run(count_steps=True)
    assert prof.steps == result.steps


def test_recursion_folds_into_one_context() -> None:
    prof = counted(RECURSIVE)
    code = vmscope.compile_source(RECURSIVE, "t.vms").code
    assert len(prof.contexts) == 2  # <main> and fact, however deep fact recursed
    funcs = {r.key: r for r in agg.by_function(prof)}
    fact = funcs["fact"]
    assert fact.count == 6
    assert fact.incl_ns == float(fact.hits)  # counted once, not once per level
    calls = [c for c in prof.cells if code.instrs[c.ip].op is Op.CALL and c.ctx == 1]
    assert sum(c.hits for c in calls) == 5


def test_modes_agree_on_counts() -> None:
    count = hits_by_ip(counted(CALLS, "count"))
    timed = hits_by_ip(counted(CALLS, "timed"))
    program = vmscope.compile_source(CALLS, "t.vms")
    with profile(program, mode="sample", counts=True, calibration=FIXED) as p:
        p.run()
    assert count == timed == hits_by_ip(p.profile)


@pytest.mark.parametrize("name", ["fib", "collatz", "sieve"])
def test_count_mode_steps_match_the_vm(name: str) -> None:
    program = vmscope.compile_source((SAMPLES / f"{name}.vms").read_bytes(), f"{name}.vms")
    with profile(program, mode="count", calibration=FIXED) as p:
        result = p.run()
    expected = program.run(count_steps=True)
    assert result.output == expected.output
    assert p.profile.steps == expected.steps


def test_calibration_with_a_fake_clock(make_clock: MakeClock) -> None:
    assert dispatch_cost(make_clock(tick=100), n=1000, blocks=3) == (0.1, 0.0)
    assert timer_cost(make_clock(tick=7), n=500, blocks=3) == (7.0, 0.0)
    assert clock_resolution(make_clock(tick=3)) == 3.0
    cal = calibrate("timed", make_clock(tick=10))
    assert cal.timer_ns == 10.0 and cal.timer_spread_ns == 0.0
    assert cal.dispatch_ns == 10 / 2000
    assert cal.clock_resolution_ns == 10.0
    assert cal.count_ns == 0.0  # timed mode does not count
    # the count loop's cost where counts are kept: count mode, sample mode with counts
    assert calibrate("count", make_clock(tick=10)).count_ns == 10 / 2000
    assert calibrate("sample", make_clock(tick=10), counts=True).count_ns == 10 / 2000
    plain = calibrate("sample", make_clock(tick=10))
    assert plain.count_ns == 0.0 and plain.timer_ns == 0.0 and plain.dispatch_ns == 10 / 2000
    assert len({id(f) for f in noop_code(100).code}) > 2  # a polymorphic call site


def _costly(program: vmscope.Program, clock: FakeClock, cost: Callable[[Op], int]) -> None:
    """Make each instruction advance the fake clock by cost(op) when it runs."""
    code = program.code
    for ip, (fn, instr) in enumerate(zip(code.code, code.instrs, strict=True)):
        extra = cost(instr.op)

        def wrapped(vm: object, fn: Callable[[object], int] = fn, extra: int = extra) -> int:
            clock.advance(extra)
            return fn(vm)

        code.code[ip] = wrapped


def test_timed_mode_subtracts_the_calibrated_timer_exactly(fake_clock: FakeClock) -> None:
    program = vmscope.compile_source(CALLS, "t.vms")
    clock = fake_clock
    _costly(program, clock, lambda op: 1000 if op is Op.MUL else 0)
    with profile(program, mode="timed", clock=clock, calibration=FIXED) as p:
        p.run()
    prof = p.profile
    ops = {r.key: r for r in agg.by_opcode(prof)}
    assert ops["mul"].hits == 7 and ops["mul"].ns == 7 * 1000.0
    assert all(r.ns == 0.0 for k, r in ops.items() if k != "mul")
    assert prof.dispatch_total_ns == prof.steps * 50.0
    assert prof.total_ns == 7000.0 + prof.steps * 50.0
    # the wall clock saw two reads per instruction (one for halt, which raises), the
    # closing read and the costs
    assert prof.wall_ns == 100 * (2 * prof.steps - 1 + 1) + 7000
    # the reference run in the fast loop: two clock reads and the costs
    assert prof.reference_ns == 100 + 7000
    assert any(n.startswith("check: the attributed total is") for n in prof.notes)
    assert agg.by_function(prof)[0].key == "f"
    assert "approximate" in prof.notes[0]


def test_sampler_attributes_the_running_instruction(fake_clock: FakeClock) -> None:
    """A sample taken inside a closure names its ip and guest stack."""
    program = vmscope.compile_source(CALLS, "t.vms")
    code = program.code
    tree = ContextTree(code)
    mul = next(ip for ip, i in enumerate(code.instrs) if i.op is Op.MUL)
    fn = code.code[mul]

    def probe(vm: vmscope.vm.machine.VM) -> int:
        sampler.take(sys._getframe())
        return fn(vm)

    vm = program.new_vm(lambda s: None)
    vm.code = list(code.code)
    vm.code[mul] = probe
    sampler = Sampler(tree, 1000, fake_clock, vm.code)
    sample_loop(vm)
    call_ip = next(ip for ip, i in enumerate(code.instrs) if i.op is Op.CALL)
    f_node = tree.node_for_stack([call_ip])
    assert sampler.samples == {(f_node, mul): 7}
    assert sampler.dispatch == {} and sampler.lost == 0
    sampler.take(sys._getframe())  # not inside a VM loop
    assert sampler.lost == 1


def test_samples_around_calls_and_returns_keep_their_context(fake_clock: FakeClock) -> None:
    """The VM's stack may be the one an instruction leaves: a sample of a
    call after it pushed the callee's frame belongs to the caller, one of a
    return after it popped belongs to the callee."""
    recursive = "fn r(n) {\n  if n { return r(n - 1) }\n  return 0\n}\nprint(r(3))\n"
    program = vmscope.compile_source(CALLS + recursive, "t.vms")
    code = program.code
    tree = ContextTree(code)
    ops = [i.op for i in code.instrs]
    call_f = next(ip for ip, i in enumerate(code.instrs)
                  if i.op is Op.CALL and i.argrepr.startswith("f/"))
    ret_f = next(ip for ip, op in enumerate(ops) if op is Op.RETURN
                 and code.instrs[ip].func == tree.callee[call_f])
    assert tree.stack_of_sample((call_f,), call_f, call_f + 5) == ()  # call: frame pushed
    assert tree.stack_of_sample((call_f,), call_f, None) == ()  # ... seen inside the call
    assert tree.stack_of_sample((), ret_f, call_f + 1) == (call_f,)  # return: frame popped
    assert tree.stack_of_sample((call_f,), ret_f, None) == (call_f,)  # not yet popped
    assert tree.stack_of_sample((), ret_f, None) == ()  # nothing to go by
    inner_r = next(ip for ip, i in enumerate(code.instrs)
                   if i.op is Op.CALL and i.argrepr.startswith("r/") and
                   i.func == tree.callee[ip])  # r calling itself: folds either way
    assert tree.stack_of_sample((5, inner_r), inner_r, None) == (5, inner_r)

    # and end to end: a probe samples the call after its closure ran
    fn = code.code[call_f]

    def probe(vm: vmscope.vm.machine.VM) -> int:
        d = fn(vm)
        sampler.take(sys._getframe())
        return d

    vm = program.new_vm(lambda s: None)
    vm.code = list(code.code)
    vm.code[call_f] = probe
    sampler = Sampler(tree, 1000, fake_clock, vm.code)
    sample_loop(vm)
    assert sampler.samples == {(0, call_f): 7}  # <main>'s node, not f's


def test_cancel_stops_a_run_from_another_thread() -> None:
    program = vmscope.compile_source("let i = 0\nwhile true { i += 1 }\n", "forever.vms")
    col = Collector(program, Options(mode="count", calibration=FIXED))
    timer = threading.Timer(0.2, col.cancel)
    timer.start()
    result = col.run(repeat=3)
    timer.join()
    assert col.interrupted and result.error is None and col.runs == 1
    prof = col.profile
    assert prof.error == "interrupted" and prof.steps and prof.steps > 1000
    assert program.code.code[0].__name__ != "_interrupt"  # the program's own code is intact
    col.cancel()  # cancelled before a run: it stops at once
    col.run()
    assert col.runs == 2


@pytest.mark.parametrize("counts", [False, True])
def test_sample_mode_end_to_end(counts: bool) -> None:
    program = vmscope.compile_source((SAMPLES / "fib.vms").read_bytes(), "fib.vms")
    with profile(program, mode="sample", rate_hz=5000, counts=counts,
                 calibration=FIXED) as p:
        result = p.run()
    assert result.output == (SAMPLES / "fib.out").read_text()
    prof = p.profile
    assert prof.samples > 10
    assert prof.has_hits == counts
    assert sum(c.samples + c.dispatch_samples for c in prof.cells) == prof.samples
    calls = prof.samples + prof.lost_samples - prof.merged_ticks  # the handler's
    unprofiled = prof.wall_ns - prof.calibration.handler_ns * calls
    if counts:  # less the counting, estimated from the calibration
        unprofiled -= (prof.steps or 0) * (FIXED.count_ns - FIXED.dispatch_ns)
        assert prof.dispatch_total_ns == (prof.steps or 0) * FIXED.dispatch_ns
    assert prof.total_ns == pytest.approx(unprofiled, rel=1e-6)
    assert "fib" in agg.top_keys(prof, "function", 1)
    assert prof.overhead is not None and prof.overhead >= 1.0


def test_sampling_from_a_worker_thread() -> None:
    program = vmscope.compile_source((SAMPLES / "fib.vms").read_bytes(), "fib.vms")
    box = {}

    def work() -> None:
        with profile(program, mode="sample", rate_hz=2000, calibration=FIXED) as p:
            p.run(repeat=2)
        box["p"] = p.profile

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert box["p"].runs == 2
    assert box["p"].samples >= 1


def test_guest_errors_leave_a_partial_profile() -> None:
    program = vmscope.compile_source("let a = 1\nprint(a)\nprint(a / 0)\n", "bad.vms")
    with profile(program, mode="count", calibration=FIXED) as p:
        result = p.run(repeat=3)
    assert result.error is not None and result.output == "1\n"
    prof = p.profile
    assert prof.error is not None and prof.error.startswith("bad.vms:3:")
    assert prof.runs == 1 and prof.steps


def test_repeat_accumulates() -> None:
    program = vmscope.compile_source(LOOP, "t.vms")
    c = Collector(program, Options(mode="count", calibration=FIXED))
    out: list[str] = []
    c.run(out.append, repeat=3)
    assert out == ["45\n"]
    assert c.profile.runs == 3 and c.profile.steps == 3 * counted(LOOP).steps


def test_cpu_time_is_taken_over_the_loop_alone(make_clock: MakeClock) -> None:
    """The overhead benchmark compares it with the fast loop's CPU time; a
    fake wall clock does not touch it."""
    program = vmscope.compile_source("let s = 0\nfor i in range(20000) { s += i }\nprint(s)\n",
                                     "t.vms")
    c = Collector(program, Options(mode="sample", calibration=FIXED, clock=make_clock(tick=1)))
    c.run(lambda s: None)
    first = c.cpu_ns
    assert first > 0
    c.run(lambda s: None)
    assert c.cpu_ns > first
    assert c.wall_ns < 10_000  # the fake clock's ticks, not real time


def test_options_are_checked() -> None:
    with pytest.raises(ValueError, match="unknown mode"):
        Options(mode="fast")
    with pytest.raises(ValueError, match="rate"):
        Options(rate_hz=0.5)


def test_loop_state_context_switching() -> None:
    code = vmscope.compile_source(CALLS, "t.vms").code
    st = LoopState(code)
    call_ip = next(ip for ip, i in enumerate(code.instrs) if i.op is Op.CALL)
    node = st.enter(0, call_ip)
    assert node == 1 and len(st.node_hits) == 2
    assert st.leave(code.functions[0].end - 1, call_ip + 1) == 0


def test_deoptimisations_are_recorded_and_round_trip() -> None:
    src = 'fn join(a, b) { return a + b }\nlet s = ""\n' \
          'for i in range(30) { s = join(s, "x"); let t = join(i, 1) }\n'
    program = vmscope.compile_source(src, "t.vms").at_level(1)
    with profile(program, mode="count", calibration=FIXED) as p:
        assert p.run().error is None
    prof = p.profile
    assert [(program.code.instrs[ip].argrepr, n) for ip, n in prof.deopts] == [
        ("return a + b", 30)]  # the str calls left the int fast path
    assert any("deoptimisations" in note for note in prof.notes)
    again = vmscope.profiler.Profile.from_json(prof.to_json())
    assert again.deopts == prof.deopts


# ---- branches whose jumps follow from the hits ----------------------------------------------

RECURSION = """\
fn is_even(n) {
  if n == 0 { return true }
  return is_odd(n - 1)
}
fn is_odd(n) {
  if n == 0 { return false }
  return is_even(n - 1)
}
fn walk(n) {
  if n > 0 {
    walk(n - 1)
    print(is_even(n), twice(n))
  }
}
fn twice(n) {
  if n < 1 { return 0 }
  return twice(n - 1) + helper(n)
}
fn helper(n) {
  if n % 2 == 0 { return twice(n - 3) }
  return 1
}
walk(6)
"""


@pytest.mark.parametrize("level", [0, 1, 2])
def test_derived_branch_counts_equal_counted_ones(level: int, make_clock: MakeClock) -> None:
    """The count loop leaves most branches uncounted (their jumps follow from
    the hits) and does no bookkeeping for a function's calls to itself; the
    timed loop counts and tracks every one. Hits per context, contexts and
    edges must agree on every sample program, the failing one included, and
    on mutual and indirect recursion."""
    derived = 0
    sources = [(p.name, p.read_bytes()) for p in sorted(SAMPLES.glob("*.vms"))]
    for name, source in [*sources, ("recursion.vms", RECURSION.encode())]:
        program = vmscope.compile_source(source, name).at_level(level)
        count = Collector(program, Options(mode="count", calibration=FIXED))
        timed = Collector(program, Options(mode="timed", calibration=FIXED, clock=make_clock(),
                                           reference=False))
        for col in (count, timed):
            col.run(lambda s: None)
        a, b = count.profile, timed.profile
        assert a.edges == b.edges, name
        assert [(c.ctx, c.ip, c.hits) for c in a.cells] == [(c.ctx, c.ip, c.hits)
                                                             for c in b.cells], name
        assert a.contexts == b.contexts, name
        assert count.state is not None and timed.state is not None
        assert not timed.state.derived
        derived += len(count.state.derived)
    assert derived > 100  # most branches are derived


WITNESS = """\
let a = 0
let b = 0
while true {
  if a % 3 == 0 { b += 1 }
  a += 1
}
"""


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _interrupt_later(vm: vmscope.vm.machine.VM, how: str, delay: float) -> Callable[[], None]:
    """Stop `vm`'s run after `delay` s, as a Ctrl-C does (a SIGALRM that raises:
    it lands at the loop's backward jump or a closure's entry) or as
    Collector.cancel does; returns what to wait for afterwards."""
    if how == "signal":
        signal.signal(signal.SIGALRM, _raise_interrupt)
        signal.setitimer(signal.ITIMER_REAL, delay)
        return lambda: None
    from vmscope.profiler.collect import _interrupt

    def cancel() -> None:
        vm.code[:] = [_interrupt] * len(vm.code)

    timer = threading.Timer(delay, cancel)
    timer.start()
    return timer.join


@pytest.mark.parametrize("how", ["signal", "cancel"])
def test_derived_branch_counts_survive_an_interrupt(how: str) -> None:
    """However a run is stopped, the uncounted branch's jumps come out exact.
    The witness is the guest's own state: `if a % 3 == 0` has jumped (skipped
    its body) E - ceil(E / 3) times after E completed tests."""
    program = vmscope.compile_source(WITNESS, "w.vms").at_level(1)
    code = program.code
    ops = [i.op for i in code.instrs]
    test = ops.index(Op.JUMP_IF_FALSE)
    body, after = test + 1, code.instrs[test].target
    assert after == test + 2  # if a % 3 == 0 { b += 1 } : test, body, after
    names = code.global_names
    old = signal.getsignal(signal.SIGALRM)
    try:
        for run in range(12):
            st = LoopState(code, derive=True)
            assert test in st.derived
            vm = program.new_vm(lambda s: None)
            vm.code = list(vm.code)
            wait = _interrupt_later(vm, how, 0.001 + 0.0007 * run)
            with pytest.raises(KeyboardInterrupt):
                count_loop(vm, st)
            wait()
            a = vm.globals[names.index("a")]
            if a is UNSET:  # on a busy machine the interrupt may come before `let a = 0`
                a = 0
            done = a + 1 if vm.ip in (body, after) else a  # this iteration's test completed
            hits = [sum(col) for col in zip(*st.node_hits, strict=True)]
            assert st.stops[vm.ip] == 1 and sum(st.stops) == 1
            assert hits[test] - (vm.ip == test) == done
            assert st.taken_counts(hits)[test] == done - (done + 2) // 3
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# ---- where samples land -------------------------------------------------------------------

SLOW = """\
let big = "ab"
for k in range(20) { big = big + big }
let i = 0
while i < 60 {
  let s = big + big
  i += 1
}
"""


@pytest.mark.parametrize("counts", [False, True])
def test_samples_after_a_slow_instruction_are_charged_to_it(counts: bool) -> None:
    """Joining two 2 MiB strings runs in C with no eval-breaker check, so its samples
    are taken after it returned, at the loop's backward jump or the next
    closure's entry, where the loop has moved on: they must still name it."""
    program = vmscope.compile_source(SLOW, "slow.vms").at_level(1)
    instrs = program.code.instrs
    loop = [ip for ip, i in enumerate(instrs) if i.span.line >= 4]  # the while loop's
    slow = next(ip for ip in loop if "big + big" in instrs[ip].argrepr)
    with profile(program, mode="sample", rate_hz=4000, counts=counts,
                 calibration=FIXED) as p:
        p.run()
    by_ip = Counter[int]()
    for c in p.profile.cells:
        by_ip[c.ip] += c.samples + c.dispatch_samples
    in_loop = sum(by_ip[ip] for ip in loop)
    assert in_loop >= 20  # enough to tell
    assert by_ip[slow] >= 0.9 * in_loop, by_ip


def test_a_closure_serving_several_ips_is_cloned_for_the_sample_loop() -> None:
    """sample_loop's `f` names the instruction, so each ip needs its own
    function object; a clone shares the code and cells and does the same."""
    def bump(vm: object) -> int:
        return 1

    out = distinct_closures([bump, bump, bump])
    assert out[0] is bump and out[1] is not bump and out[2] is not out[1]
    assert all(f.__code__ is bump.__code__ and f(None) == 1 for f in out)
    assert closures_by_identity(out) == {out[0]: 0, out[1]: 1, out[2]: 2}


# ---- the loop view names loops truthfully at every level ------------------------------------

KINDS = """\
let s = 0
for i in range(40) {
  s += i
}
let xs = [1, 2, 3]
for x in xs { s += x }
let j = 0
while j < 30 {
  j += 1
}
fn spin(n) {
  let k = 0
  while k < n { k += 1 }
  for c in "abc" { k += 1 }
  return k
}
print(s + j + spin(5))
"""


@pytest.mark.parametrize("level", [0, 1, 2])
def test_loops_are_named_by_their_kind_and_line(level: int) -> None:
    """At -O1 and -O2 a loop is rotated: its head is the body's first
    instruction and its backward jump a fused `for_*_loop` or branch; the
    view still says `for` or `while`, and the line of the loop statement."""
    program = vmscope.compile_source(KINDS, "kinds.vms").at_level(level)
    with profile(program, mode="count", calibration=FIXED) as p:
        assert p.run().error is None
    rows = {r.key: r for r in agg.by_loop(p.profile)}
    kinds = {key: r.detail.split()[0] for key, r in rows.items()}
    assert kinds == {"2": "for", "6": "for", "8": "while", "13": "while", "14": "for"}
    assert rows["2"].count == 40 and rows["8"].count == 30 and rows["6"].count == 3
    assert rows["2"].detail.endswith("for i in range(40) {")
    assert rows["13"].detail.startswith("while in spin")
