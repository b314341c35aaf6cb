"""The VM: state plus the fast loop `ip += code[ip](vm)`, and nothing more.

Calls are flat: `call` pushes (caller slots, call ip, result slot) on
`frames` and returns the offset to the callee's entry; `return` pops it.
Observers (counting, debugging, profiling) run their own loops over the same
`code`, chosen once when a run starts, so the fast loop pays for none."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import Enum
from typing import Any

from vmscope.errors import ErrorKind, GuestError, InternalError, OutputClosed, StackEntry
from vmscope.lang.values import UNSET, Limits
from vmscope.vm.program import CompiledCode


class Halt(Exception):
    """Raised by the `halt` instruction: the one way out of the loop."""


class Trap(Exception):
    """Raised by a debugger trap closure patched into the code list; the
    instruction at the trapped ip has not run."""


class Stop(Enum):
    """Why `run_for` returned."""

    BUDGET = "budget"
    HALT = "halt"
    TRAP = "trap"


Frame = tuple[list[Any], int, int]  # caller slots, call ip, caller's result slot


class VM:
    __slots__ = ("code", "deepest", "deopts", "frames", "globals", "ip", "max_depth", "prog",
                 "slots", "steps", "write")

    def __init__(self, prog: CompiledCode, write: Callable[[str], Any], limits: Limits) -> None:
        if prog.bounds != limits.bounds:
            raise ValueError(f"code compiled for {prog.bounds} cannot run under {limits.bounds}: "
                             "compile it for the run's limits (Program.code_for)")
        self.prog = prog
        self.code = prog.code
        self.write = write
        self.max_depth = limits.max_depth
        self.globals: list[Any] = [UNSET] * len(prog.global_names)
        self.slots: list[Any] = [UNSET] * prog.main.nslots
        self.frames: list[Frame] = []
        self.ip = prog.entry
        self.deepest = 0
        self.steps = 0
        self.deopts = [0] * len(prog.code)  # failed type guards, by ip (-O1/-O2)

    # ---- loops ----------------------------------------------------------------------------

    def run(self) -> Stop:
        """The fast loop. On any exit `self.ip` is the ip that stopped it: the
        halt, a debugger's trap (not yet run), or the instruction that failed."""
        code = self.code
        ip = self.ip
        try:
            while True:
                ip += code[ip](self)
        except Halt:
            self.ip = ip
            return Stop.HALT
        except Trap:
            self.ip = ip
            return Stop.TRAP
        except BaseException as exc:
            self.ip = ip
            raise self.fault(exc) from None

    def run_for(self, budget: int) -> Stop:
        """Run at most `budget` instructions, counting them into `self.steps`.
        A trap stops before its instruction; an error leaves as a GuestError."""
        code = self.code
        ip = self.ip
        n = 0
        try:
            for n in range(budget):  # noqa: B007 - n is read after the loop
                ip += code[ip](self)
            n = budget
            return Stop.BUDGET
        except Halt:
            n += 1
            return Stop.HALT
        except Trap:
            return Stop.TRAP
        except BaseException as exc:
            self.ip = ip
            raise self.fault(exc) from None
        finally:
            self.ip = ip
            self.steps += n

    def run_counted(self, budget: int | None = None) -> None:
        """Like run(), counting instructions; past `budget` a LimitError."""
        if budget is None:
            self.run_for(sys.maxsize)
            return
        if self.run_for(budget) is Stop.BUDGET:
            stmt = self.prog.instrs[self.ip].stmt
            err = GuestError(ErrorKind.LIMIT, f"step limit of {budget} exceeded", stmt)
            err.stack = self.stack_at(self.ip, stmt)
            raise err

    # ---- errors ---------------------------------------------------------------------------

    def fault(self, exc: BaseException) -> BaseException:
        """Turn whatever left a closure at `self.ip` into what the caller sees."""
        ip = self.ip
        if isinstance(exc, RecursionError):
            exc = GuestError(ErrorKind.RECURSION, "value nested too deeply")
        if isinstance(exc, GuestError):
            if exc.span is None:
                exc.span = self.prog.instrs[ip].span
            exc.stack = self.stack_at(ip, exc.span)
            return exc
        if isinstance(exc, KeyboardInterrupt | SystemExit | OutputClosed):
            return exc
        instr = self.prog.instrs[ip] if 0 <= ip < len(self.prog.instrs) else None
        where = f"ip {ip} ({instr.op.value if instr else '?'})"
        return InternalError(where, exc)

    def stack_at(self, ip: int, span: Any) -> list[StackEntry]:
        """The guest call stack, outermost first, the innermost frame at `span`."""
        instrs = self.prog.instrs
        fns = self.prog.functions
        entries = [StackEntry(fns[instrs[call_ip].func].name, instrs[call_ip].span)
                   for _, call_ip, _ in self.frames]
        entries.append(StackEntry(fns[instrs[ip].func].name, span))
        return entries
