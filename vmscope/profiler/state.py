"""What the counting and timing loops accumulate: hits and clock time per
(calling context, ip), the branches taken, the returns per call site and
the runs that stopped at each ip. It survives repeated runs, and the UI
thread may read the hits while a loop writes them (lists of ints: safe
under the GIL).

Per-context counters are lists indexed by ip, one per context-tree node; a
CALL or RETURN switches which list the loop writes, so contexts cost nothing
on the other instructions."""

from __future__ import annotations

from vmscope.profiler.contexts import PLAIN, ContextTree, derivable_branches, kinds_of
from vmscope.vm.program import CompiledCode


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
        # runs that ended at ip: halted, failed or interrupted there, or stopped by a step
        # budget just after ip fell through to an instruction that did not run
        self.stops = [0] * self.size
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

    def steps(self) -> int:
        """Instructions counted so far, over every context (another thread may
        call this while a loop writes the counters)."""
        return sum(sum(row) for row in list(self.node_hits))

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
