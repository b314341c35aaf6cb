"""The observing loops: each runs the VM's own `code` list, chosen once per
run, so the fast loop `VM.run` pays nothing for them.

- `sample_loop` is the fast loop holding the closure in a local (`f`), so
  that a sampler interrupting it after `ip` moved on still knows which
  instruction just ran; it costs 0-1.5% more than the fast loop.
- `count_loop` counts hits per (calling context, ip) and, at the few
  instructions that transfer control, the edges taken (not at branches
  whose jumps follow from the hits).
- `timed_loop` also brackets each closure call with two clock reads.

Each has a `_limited` twin that stops after a step budget with the
LimitError `vmscope run --max-steps` gives (`step_limit`); a run without a
budget takes the loop without the countdown, so it costs nothing there.

The sampler reads locals of the sample and count loops' frames by name;
`SAMPLED_LOOPS` says which names each loop must keep (a test holds the
loops to it)."""

from __future__ import annotations

import dis
from dataclasses import dataclass
from types import CodeType, FunctionType
from typing import Any

from vmscope.clock import Clock
from vmscope.errors import ErrorKind, GuestError
from vmscope.profiler.contexts import BRANCH, CALL, RETURN
from vmscope.profiler.state import LoopState
from vmscope.vm.machine import VM, Halt
from vmscope.vm.program import Closure

__all__ = ["CLIP_NS", "SAMPLED_LOOPS", "LoopState", "SampledLoop", "closures_by_identity",
           "count_loop", "count_loop_limited", "distinct_closures", "sample_loop",
           "sample_loop_limited", "step_limit", "timed_loop", "timed_loop_limited"]

CLIP_NS = 1_000_000  # a timed bracket longer than this most likely includes a preemption

# The locals the sampler reads from a loop's frame (their names in the loops below).
VM_LOCAL = "vm"  # the VM: its guest stack
IP_LOCAL = "ip"  # the instruction running, or (at a backward jump) the next one
STEP_LOCAL = "d"  # count loops: what the last instruction returned (`ip - d` just ran)
CLOSURE_LOCAL = "f"  # sample loops: the closure running or just run


def step_limit(vm: VM, budget: int) -> GuestError:
    """The error for a run that used up `budget` steps with `vm.ip` the
    next instruction: the LimitError of `VM.run_counted` (the same message,
    place and stack), so `vmscope profile --max-steps` fails as `run` does."""
    ip = vm.ip
    stmt = vm.prog.instrs[ip].stmt
    err = GuestError(ErrorKind.LIMIT, f"step limit of {budget} exceeded", stmt)
    err.stack = vm.stack_at(ip, stmt)
    return err


# ---- the sample loop ---------------------------------------------------------------------------

def sample_loop(vm: VM) -> None:
    """The fast loop with the closure in a local: `f` names the instruction
    running, or at the backward jump (where Python runs signal handlers and
    `ip` already names the next one) the instruction that just ran. The
    store and load of `f` fuse into CPython's superinstructions, so this loop
    dispatches as many bytecodes as `VM.run` (it measures 0-1.5% slower: the
    extra reference to `f`); storing `last = ip` instead cost 1.5-6%. The
    sampler maps `f` back to its ip (`closures_by_identity`: every closure in
    the list is a distinct object)."""
    code = vm.code
    ip = vm.ip
    try:
        while True:
            f = code[ip]
            ip += f(vm)
    except Halt:
        vm.ip = ip
    except BaseException as exc:
        vm.ip = ip
        raise vm.fault(exc) from None


def sample_loop_limited(vm: VM, budget: int) -> None:
    """sample_loop for at most `budget` instructions (as `VM.run_for`)."""
    code = vm.code
    ip = vm.ip
    try:
        for _ in range(budget):
            f = code[ip]
            ip += f(vm)
    except Halt:
        vm.ip = ip
        return
    except BaseException as exc:
        vm.ip = ip
        raise vm.fault(exc) from None
    vm.ip = ip
    raise step_limit(vm, budget)


def closures_by_identity(code: list[Closure]) -> dict[Closure, int]:
    """Each closure's ip, for a list whose closures are distinct objects."""
    return {f: ip for ip, f in enumerate(code)}


def distinct_closures(code: list[Closure]) -> list[Closure]:
    """`code` with any closure that serves several ips cloned (same code and
    cells, another function object), so that `f` in sample_loop names one ip."""
    seen: set[int] = set()
    out = []
    for f in code:
        if id(f) in seen and isinstance(f, FunctionType):
            f = FunctionType(f.__code__, f.__globals__, f.__name__, f.__defaults__,
                             f.__closure__)
        seen.add(id(f))
        out.append(f)
    return out


# ---- the count loop ----------------------------------------------------------------------------

def count_loop(vm: VM, st: LoopState) -> None:
    """Hits per (context, ip), counted on arrival, so that wherever a sampler
    or an interrupt finds this frame, `ip` was counted and has not moved on:
    at the backward jump it is the next instruction (`ip - d` just ran), in
    a closure or the bookkeeping it is the one running. Nothing else to store."""
    code = vm.code
    ip = vm.ip
    d = 0
    kinds = st.kinds
    taken = st.taken
    callee, active, stack, self_return = st.callee, st.active, st.stack, st.self_return
    node_hits, ret_counts, dest_base, ret_index = (st.node_hits, st.ret_counts, st.dest_base,
                                                   st.ret_index)
    cur = 0
    hits = node_hits[cur]
    try:
        # Counting the first arrival inside `try` matters on CPython 3.11: an
        # exception raised at a backward jump (a Ctrl-C) is looked up at the
        # instruction before the jump's target, which must be in the try block.
        hits[ip] += 1
        while True:
            k = kinds[ip]
            d = code[ip](vm)
            if k:
                if k == RETURN:  # LoopState.leave, inlined
                    ret_counts[dest_base[ip + d] + ret_index[ip]] += 1
                    if not self_return[ip + d]:
                        cur = stack.pop()
                        if cur < 0:
                            active[~cur] = -1
                            cur = stack.pop()
                        hits = node_hits[cur]
                elif k == BRANCH:
                    if d != 1:
                        taken[ip] += 1
                else:  # LoopState.enter, its common case inlined
                    node = active[callee[ip]]
                    if node >= 0:
                        stack.append(cur)
                        cur = node
                    else:
                        cur = st.enter(cur, ip)
                    hits = node_hits[cur]
            ip += d
            hits[ip] += 1
    except BaseException as exc:
        vm.ip = ip
        st.stops[ip] += 1
        if not isinstance(exc, Halt):
            raise vm.fault(exc) from None


def count_loop_limited(vm: VM, st: LoopState, budget: int) -> None:
    """count_loop for at most `budget` instructions. When the budget runs
    out, the next instruction has not run and is not counted; if the last
    one fell through to it, that one is where the run stopped as far as the
    derived branch counts go (LoopState.taken_counts)."""
    code = vm.code
    ip = vm.ip
    d = 0
    left = budget
    kinds = st.kinds
    taken = st.taken
    callee, active, stack, self_return = st.callee, st.active, st.stack, st.self_return
    node_hits, ret_counts, dest_base, ret_index = (st.node_hits, st.ret_counts, st.dest_base,
                                                   st.ret_index)
    cur = 0
    hits = node_hits[cur]
    try:
        if left:
            hits[ip] += 1  # inside `try`: see count_loop
            while True:  # not `while left`: the sampler knows this loop by its JUMP_BACKWARD
                k = kinds[ip]
                d = code[ip](vm)
                if k:
                    if k == RETURN:
                        ret_counts[dest_base[ip + d] + ret_index[ip]] += 1
                        if not self_return[ip + d]:
                            cur = stack.pop()
                            if cur < 0:
                                active[~cur] = -1
                                cur = stack.pop()
                            hits = node_hits[cur]
                    elif k == BRANCH:
                        if d != 1:
                            taken[ip] += 1
                    else:
                        node = active[callee[ip]]
                        if node >= 0:
                            stack.append(cur)
                            cur = node
                        else:
                            cur = st.enter(cur, ip)
                        hits = node_hits[cur]
                ip += d
                left -= 1
                if not left:
                    break
                hits[ip] += 1
    except BaseException as exc:
        vm.ip = ip
        st.stops[ip] += 1
        if not isinstance(exc, Halt):
            raise vm.fault(exc) from None
        return
    vm.ip = ip
    if d == 1:
        st.stops[ip - 1] += 1
    raise step_limit(vm, budget)


# ---- the timed loop ----------------------------------------------------------------------------

def timed_loop(vm: VM, st: LoopState, clock: Clock, clip: int = CLIP_NS) -> None:
    """Each closure call between two clock reads; the bookkeeping outside them.
    A bracket over `clip` ns is cut to `clip`, the excess counted apart: on a
    busy machine it is the time another process had the CPU."""
    code = vm.code
    ip = vm.ip
    kinds = st.kinds
    taken = st.taken
    cur = 0
    hits = st.node_hits[cur]
    ns = st.node_ns[cur]
    try:
        while True:
            hits[ip] += 1
            f = code[ip]
            t0 = clock()
            d = f(vm)
            dt = clock() - t0
            if dt > clip:
                st.clipped += 1
                st.clipped_ns += dt - clip
                dt = clip
            ns[ip] += dt
            k = kinds[ip]
            if k:
                if k == BRANCH:
                    if d != 1:
                        taken[ip] += 1
                elif k == CALL:
                    cur = st.enter(cur, ip)
                    hits = st.node_hits[cur]
                    ns = st.node_ns[cur]
                else:
                    cur = st.leave(ip, ip + d)
                    hits = st.node_hits[cur]
                    ns = st.node_ns[cur]
            ip += d
    except Halt:
        vm.ip = ip
    except BaseException as exc:
        vm.ip = ip
        raise vm.fault(exc) from None


def timed_loop_limited(vm: VM, st: LoopState, clock: Clock, budget: int,
                       clip: int = CLIP_NS) -> None:
    """timed_loop for at most `budget` instructions."""
    code = vm.code
    ip = vm.ip
    kinds = st.kinds
    taken = st.taken
    cur = 0
    hits = st.node_hits[cur]
    ns = st.node_ns[cur]
    try:
        for _ in range(budget):
            hits[ip] += 1
            f = code[ip]
            t0 = clock()
            d = f(vm)
            dt = clock() - t0
            if dt > clip:
                st.clipped += 1
                st.clipped_ns += dt - clip
                dt = clip
            ns[ip] += dt
            k = kinds[ip]
            if k:
                if k == BRANCH:
                    if d != 1:
                        taken[ip] += 1
                elif k == CALL:
                    cur = st.enter(cur, ip)
                    hits = st.node_hits[cur]
                    ns = st.node_ns[cur]
                else:
                    cur = st.leave(ip, ip + d)
                    hits = st.node_hits[cur]
                    ns = st.node_ns[cur]
            ip += d
    except Halt:
        vm.ip = ip
        return
    except BaseException as exc:
        vm.ip = ip
        raise vm.fault(exc) from None
    vm.ip = ip
    raise step_limit(vm, budget)


# ---- what the sampler reads --------------------------------------------------------------------

def backward_jumps(loop: CodeType) -> frozenset[int]:
    """The offsets of a loop function's backward jumps (where its frame is
    between two instructions when a signal handler runs)."""
    return frozenset(ins.offset for ins in dis.get_instructions(loop)
                     if "JUMP_BACKWARD" in ins.opname)  # 3.11 has POP_JUMP_BACKWARD_IF_*


@dataclass(frozen=True)
class SampledLoop:
    """How the sampler reads one observing loop's frame: a counting loop by
    `ip` and `d` (`ip - d` just ran when the frame is at one of its backward
    `jumps`), a sample loop by its closure `f`. `reads` are the local names
    the sampler takes from the frame."""

    counting: bool
    reads: tuple[str, ...]
    jumps: frozenset[int]


def _sampled(loop: Any, counting: bool) -> tuple[CodeType, SampledLoop]:
    reads = (VM_LOCAL, IP_LOCAL, STEP_LOCAL if counting else CLOSURE_LOCAL)
    return loop.__code__, SampledLoop(counting, reads, backward_jumps(loop.__code__))


SAMPLED_LOOPS: dict[CodeType, SampledLoop] = dict([
    _sampled(sample_loop, counting=False), _sampled(sample_loop_limited, counting=False),
    _sampled(count_loop, counting=True), _sampled(count_loop_limited, counting=True),
])
