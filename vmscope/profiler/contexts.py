"""The calling-context tree the collectors share, and the per-ip facts the
observing loops dispatch on.

Calls are flat in the VM, so a collector sees a call as the CALL instruction
and its RETURN. A context is (parent context, call ip); recursion is folded:
a call to a function that is already on the guest stack goes back to the node
where that function was first entered, so the tree stays small (fib's would
otherwise have a node per call path) and inclusive time counts each function
once however deep it recurses."""

from __future__ import annotations

from collections.abc import Sequence

from vmscope.profiler.model import Context
from vmscope.vm.opcodes import Op
from vmscope.vm.program import CompiledCode

PLAIN, BRANCH, CALL, RETURN = 0, 1, 2, 3
MAX_CONTEXTS = 20_000  # beyond this, new paths are charged to their caller's node


def kinds_of(code: CompiledCode) -> list[int]:
    """Per ip: CALL, RETURN, BRANCH (any other instruction with a jump target
    but the plain `jump`, so fused compare-and-jump instructions count too)
    or PLAIN: the instructions whose edges a loop must record."""
    kinds = []
    for instr in code.instrs:
        if instr.op is Op.CALL:
            kinds.append(CALL)
        elif instr.op is Op.RETURN:
            kinds.append(RETURN)
        elif instr.target is not None and instr.op is not Op.JUMP:
            kinds.append(BRANCH)
        else:
            kinds.append(PLAIN)
    return kinds


def derivable_branches(code: CompiledCode) -> frozenset[int]:
    """The BRANCH ips whose fall-through successor nothing else reaches (no
    jump or call targets it, it is no call's return site, not the entry).
    Such a branch's jumps need not be counted: they are its hits less its
    successor's, less the runs that stopped at it (LoopState.taken_counts)."""
    instrs = code.instrs
    n = len(instrs)
    reached = [False] * (n + 1)  # by anything but falling through from ip - 1
    reached[code.entry] = True
    for ip, instr in enumerate(instrs):
        if instr.target is not None:
            reached[instr.target] = True
        if instr.op is Op.CALL:
            reached[ip + 1] = True
    return frozenset(ip for ip, kind in enumerate(kinds_of(code))
                     if kind == BRANCH and ip + 1 < n and not reached[ip + 1])


def callees_of(code: CompiledCode) -> list[int]:
    """Per ip: the function a CALL enters (its target's function), else -1."""
    out = []
    for instr in code.instrs:
        if instr.op is Op.CALL and instr.target is not None:
            out.append(code.instrs[instr.target].func)
        else:
            out.append(-1)
    return out


class ContextTree:
    def __init__(self, code: CompiledCode) -> None:
        self.main = len(code.functions) - 1
        self.callee = callees_of(code)
        self.func_of = [i.func for i in code.instrs]
        self.returns = frozenset(ip for ip, i in enumerate(code.instrs) if i.op is Op.RETURN)
        self.nodes: list[Context] = [Context(-1, -1, self.main)]
        self._index: dict[tuple[int, int], int] = {}

    def child(self, node: int, call_ip: int) -> int:
        key = (node, call_ip)
        found = self._index.get(key)
        if found is not None:
            return found
        if len(self.nodes) >= MAX_CONTEXTS:
            return node
        new = len(self.nodes)
        self.nodes.append(Context(node, call_ip, self.callee[call_ip]))
        self._index[key] = new
        return new

    def stack_of_sample(self, call_ips: tuple[int, ...], ip: int, after: int | None
                        ) -> tuple[int, ...]:
        """The guest stack a sample of instruction `ip` belongs to. The VM's
        stack may already be the one `ip` leaves: a call's new frame (dropped
        here; a self-recursive call folds to the same node either way), or a
        return's caller (the callee's frame is put back from `after`, the ip
        the return goes to: its call site is after - 1)."""
        callee, func_of = self.callee, self.func_of
        f = func_of[ip]
        if call_ips and call_ips[-1] == ip and callee[ip] >= 0 and callee[ip] != f:
            return call_ips[:-1]
        if after is not None and ip in self.returns and 0 < after <= len(callee) and \
                callee[after - 1] == f:
            top = callee[call_ips[-1]] if call_ips else self.main
            if top != f:
                return (*call_ips, after - 1)
        return call_ips

    def node_for_stack(self, call_ips: Sequence[int]) -> int:
        """The node of a guest stack given as its call ips, outermost first,
        folded exactly as the loops fold calls one at a time."""
        node = 0
        active = {self.main: 0}
        callee = self.callee
        for c in call_ips:
            f = callee[c]
            seen = active.get(f)
            if seen is None:
                node = self.child(node, c)
                active[f] = node
            else:
                node = seen
        return node

    def path(self, node: int) -> list[int]:
        """Nodes from the root to `node`."""
        out = []
        while node >= 0:
            out.append(node)
            node = self.nodes[node].parent
        return out[::-1]
