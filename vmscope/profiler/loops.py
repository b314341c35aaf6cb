"""The observing loops: each runs the VM's own `code` list, chosen once per
run, so the fast loop `VM.run` pays nothing for them.

- `sample_loop` is the fast loop holding the closure in a local (`f`), so
  that a sampler interrupting it after `ip` moved on still knows which
  instruction just ran; it costs 0-1.5% more than the fast loop.
- `count_loop` counts hits per (calling context, ip) and, at the few
  instructions that transfer control, the edges taken (not at branches
  whose jumps follow from the hits).
- `timed_loop` also brackets each closure call with two clock reads.

Per-context counters are lists indexed by ip, one per context-tree node; a
CALL or RETURN switches which list the loop writes, so contexts cost nothing
on the other instructions."""

from __future__ import annotations

import dis
from collections.abc import Callable
from types import CodeType, FunctionType
from typing import Any

from vmscope.profiler.contexts import (
    BRANCH,
    CALL,
    PLAIN,
    RETURN,
    ContextTree,
    derivable_branches,
    kinds_of,
)
from vmscope.vm.machine import VM, Halt
from vmscope.vm.program import Closure, CompiledCode

Clock = Callable[[], int]
CLIP_NS = 1_000_000  # a timed bracket longer than this most likely includes a preemption


class LoopState:
    """Everything a counting or timing loop accumulates; survives repeated runs."""

    def __init__(self, code: CompiledCode, tree: ContextTree | None = None,
                 derive: bool = False) -> None:
        """`derive` (for count_loop) leaves out what follows without it: the
        jumps of derivable_branches (from the hits), and the bookkeeping of a
        function's calls to itself (recursion folds onto the node it runs in,
        so the context does not change; `self_return[dest]` marks where their
        returns land). timed_loop keeps all of it."""
        self.size = len(code.code)
        self.kinds = kinds_of(code) if code.instrs else [PLAIN] * self.size
        self.tree = tree if tree is not None else ContextTree(code)
        self.callee = self.tree.callee
        self.derived = derivable_branches(code) if derive and code.instrs else frozenset()
        for ip in self.derived:
            self.kinds[ip] = PLAIN
        self.self_return = [False] * (self.size + 1)
        if derive:
            for ip, f in enumerate(self.callee):
                if f >= 0 and f == self.tree.func_of[ip]:
                    self.kinds[ip] = PLAIN
                    self.self_return[ip + 1] = True
        self.stops = [0] * self.size  # runs that ended at ip: halted, failed or interrupted
        self.node_hits: list[list[int]] = [[0] * self.size]
        self.node_ns: list[list[int]] = [[0] * self.size]
        self.taken = [0] * self.size
        self.clipped = 0  # timed brackets over CLIP_NS (a preemption, most likely)
        self.clipped_ns = 0
        # Returns counted per (call site, the callee's return): ret_counts[
        # site_base[call ip] + ret_index[return ip]]; count_loop reads the base by
        # the return's destination (dest_base[call ip + 1]), two list reads in all.
        rets_of: dict[int, list[int]] = {}
        for ip in sorted(self.tree.returns):
            rets_of.setdefault(self.tree.func_of[ip], []).append(ip)
        self.ret_index = [-1] * self.size
        for ips in rets_of.values():
            for j, ip in enumerate(ips):
                self.ret_index[ip] = j
        self.site_base = [-1] * self.size
        self._sites: list[tuple[int, list[int]]] = []  # (call ip, the callee's returns)
        total = 0
        for ip, f in enumerate(self.callee):
            if f >= 0:
                self.site_base[ip] = total
                self._sites.append((ip, rets_of.get(f, [])))
                total += len(rets_of.get(f, []))
        self.ret_counts = [0] * total
        self.dest_base = [-1, *self.site_base]  # by a return's destination, call ip + 1
        nfuncs = max(len(code.functions), 1)
        self.active = [-1] * nfuncs
        self.active[self.tree.main] = 0
        # the callers' nodes; a call that made a function active also pushes
        # ~function above its caller's node (ints only: no tuple per call)
        self.stack: list[int] = []

    def reset_stack(self) -> None:
        """A new run starts in <main>."""
        self.stack.clear()
        for i in range(len(self.active)):
            self.active[i] = -1
        self.active[self.tree.main] = 0

    def enter(self, cur: int, ip: int) -> int:
        """Bookkeeping of a CALL at `ip` from context `cur`: the callee's node.
        (count_loop inlines the common case, a call to an active function.)"""
        f = self.callee[ip]
        node = self.active[f]
        if node >= 0:  # recursion folds onto the active node
            self.stack.append(cur)
            return node
        node = self.tree.child(cur, ip)
        self.active[f] = node
        self.stack.append(cur)
        self.stack.append(~f)
        while len(self.node_hits) <= node:
            self.node_hits.append([0] * self.size)
            self.node_ns.append([0] * self.size)
        return node

    def leave(self, ip: int, dest: int) -> int:
        """Bookkeeping of a RETURN from `ip` to `dest`: the caller's node."""
        self.ret_counts[self.site_base[dest - 1] + self.ret_index[ip]] += 1
        top = self.stack.pop()
        if top < 0:  # the function goes inactive
            self.active[~top] = -1
            top = self.stack.pop()
        return top

    def taken_counts(self, hits: list[int]) -> list[int]:
        """Per ip, the times a branch jumped, given the hits summed over
        contexts: counted, or for a derived branch, its hits less those of
        its successor (which only its falling through reaches) less the runs
        that stopped at it."""
        out = list(self.taken)
        for ip in self.derived:
            out[ip] = hits[ip] - hits[ip + 1] - self.stops[ip]
        return out

    def returns(self) -> list[tuple[int, int, int]]:
        """(return ip, destination, count), in order."""
        counts = self.ret_counts
        return sorted((r, site + 1, counts[self.site_base[site] + j])
                      for site, rets in self._sites for j, r in enumerate(rets)
                      if counts[self.site_base[site] + j])


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


LOOP_CODES: frozenset[Any] = frozenset({sample_loop.__code__, count_loop.__code__})


def backward_jumps(loop: CodeType) -> frozenset[int]:
    """The offsets of a loop function's backward jumps (where its frame is
    between two instructions when a signal handler runs)."""
    return frozenset(ins.offset for ins in dis.get_instructions(loop)
                     if ins.opname.startswith("JUMP_BACKWARD"))


COUNT_LOOP_JUMPS = backward_jumps(count_loop.__code__)
