"""Exact per-instruction hit counts at near fast-loop speed.

While the debugger single-steps it counts every instruction itself. During
"continue" it runs the fast loop over a code list in which only the first
instruction of each basic block (a leader) is wrapped with a counter; every
instruction of a block runs as often as its leader, so hits are exact. When
the loop stops or starts in the middle of a block, `adjust` corrects the
instructions of that block that the leader's count over- or under-states."""

from __future__ import annotations

import operator

from vmscope.vm.machine import VM
from vmscope.vm.opcodes import JUMPS, Op
from vmscope.vm.program import Closure, CompiledCode

_ENDS_BLOCK = JUMPS | {Op.CALL, Op.RETURN, Op.HALT}


def find_leaders(code: CompiledCode) -> list[bool]:
    leader = [False] * len(code.instrs)
    for fn in code.functions:
        if fn.entry < len(leader):
            leader[fn.entry] = True
    for ip, instr in enumerate(code.instrs):
        if instr.target is not None:
            leader[instr.target] = True
        if instr.op in _ENDS_BLOCK and ip + 1 < len(leader):
            leader[ip + 1] = True
    return leader


class HitCounter:
    def __init__(self, code: CompiledCode) -> None:
        n = len(code.instrs)
        self.is_leader = find_leaders(code)
        self.leader_of = [0] * n
        self.block_end = [0] * n  # one past the last ip of each ip's block
        start = 0
        for ip in range(n):
            if self.is_leader[ip]:
                start = ip
            self.leader_of[ip] = start
        end = n
        for ip in range(n - 1, -1, -1):
            self.block_end[ip] = end
            if self.is_leader[ip]:
                end = ip
        self.leaders = [ip for ip in range(n) if self.is_leader[ip]]
        self.sizes = [self.block_end[ip] - ip for ip in self.leaders]
        self.counts = [0] * n  # entries into each block, by leader ip
        self.adjust = [0] * n  # per-instruction corrections plus single-stepped hits
        self.fast: list[Closure] = [
            self._wrap(ip, fn) if self.is_leader[ip] else fn for ip, fn in enumerate(code.code)
        ]

    def _wrap(self, leader: int, fn: Closure) -> Closure:
        counts = self.counts

        def counted(vm: VM) -> int:
            counts[leader] += 1
            return fn(vm)

        counted.__name__ = counted.__qualname__ = f"count_{fn.__name__}"
        return counted

    def stepped(self, ip: int) -> None:
        self.adjust[ip] += 1

    def _shift(self, start: int, delta: int) -> None:
        adjust = self.adjust
        for i in range(start, self.block_end[start]):
            adjust[i] += delta

    def enter_fast(self, ip: int) -> None:
        """The fast loop starts at ip: the rest of its block runs uncounted."""
        if not self.is_leader[ip]:
            self._shift(ip, +1)

    def leave_fast(self, ip: int, wrapper_ran: bool = False) -> None:
        """The fast loop stopped at ip without completing it (a trap, or an
        error when `wrapper_ran`): the block's count covers ip.. which did not run.
        A trap on a leader replaced its counting wrapper, so nothing was counted."""
        if wrapper_ran or not self.is_leader[ip]:
            self._shift(ip, -1)

    def total(self) -> int:
        """All instructions executed: the step count."""
        entries = map(self.counts.__getitem__, self.leaders)
        return sum(map(operator.mul, entries, self.sizes)) + sum(self.adjust)

    def hits(self) -> list[int]:
        counts, leader_of = self.counts, self.leader_of
        return [counts[leader_of[i]] + a for i, a in enumerate(self.adjust)]

    def state(self) -> tuple[list[int], list[int]]:
        return list(self.counts), list(self.adjust)

    def restore(self, state: tuple[list[int], list[int]]) -> None:
        self.counts[:] = state[0]
        self.adjust[:] = state[1]
