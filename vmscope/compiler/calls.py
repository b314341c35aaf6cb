"""Closures for calls, builtins, returns and the end of the program.
Calls are flat: no Python recursion per guest call. A call and a return
compute their offsets from their own ip, which their emitters supply."""

from __future__ import annotations

from collections.abc import Mapping

from vmscope.compiler.assembler import Assembler, Label
from vmscope.errors import ErrorKind, GuestError
from vmscope.lang.builtins import MUTATING, Builtin, print_line
from vmscope.source import Span
from vmscope.vm.machine import UNSET, VM, Halt
from vmscope.vm.opcodes import Op
from vmscope.vm.program import Closure, Scope


def make_call(ip: int, offset: int, k: int, nargs: int, sizes: list[int], fn: int) -> Closure:
    """Push a frame for function `fn` (args in slots k..k+nargs) and enter it."""
    padding = [UNSET] * (sizes[fn] - nargs)
    end = k + nargs

    def op_call(vm: VM) -> int:
        frames = vm.frames
        depth = len(frames)
        if depth >= vm.max_depth:
            raise GuestError(ErrorKind.RECURSION,
                             f"maximum call depth of {vm.max_depth} exceeded")
        s = vm.slots
        frames.append((s, ip, k))
        vm.slots = s[k:end] + padding
        if depth >= vm.deepest:
            vm.deepest = depth + 1
        return offset

    return op_call


def emit_call(asm: Assembler, fn: int, nargs: int, sizes: list[int], entry: Label, span: Span,
              name: str) -> int:
    """Call function `fn` on the top `nargs` values; `sizes[fn]` (its frame
    size) is read when the jump is patched, once every function is compiled."""
    ip, k = asm.here, asm.next_slot - nargs
    return asm.emit(Op.CALL, args=(k, nargs, sizes, fn), span=span, argrepr=f"{name}/{nargs}",
                    pops=nargs, pushes=1, label=entry,
                    patch=lambda offset: make_call(ip, offset, k, nargs, sizes, fn),
                    writes=tuple((Scope.CALLEE, slot) for slot in range(nargs)))


def make_return(ip: int, k: int) -> Closure:
    def op_return(vm: VM) -> int:
        value = vm.slots[k]
        frames = vm.frames
        caller, call_ip, dest = frames[-1]
        del frames[-1]  # not .pop(): no eval-breaker check (a sampler's signal) mid-return
        caller[dest] = value
        vm.slots = caller
        return call_ip + 1 - ip

    return op_return


def emit_return(asm: Assembler, span: Span) -> int:
    """Return the top value to the caller's result slot."""
    ip, k = asm.here, asm.top
    return asm.emit(Op.RETURN, make_return(ip, k), (k,), span=span, pops=1)


def make_call_builtin(k: int, nargs: int, fn: Builtin) -> Closure:
    end = k + nargs

    def op_call_builtin(vm: VM) -> int:
        s = vm.slots
        s[k] = fn(s[k:end])
        return 1

    return op_call_builtin


def emit_call_builtin(asm: Assembler, name: str, nargs: int, span: Span,
                      builtins: Mapping[str, Builtin]) -> int:
    """Builtin `name` (the run's, from its Semantics) on the top `nargs` values."""
    k = asm.next_slot - nargs
    return asm.emit(Op.CALL_BUILTIN, make_call_builtin(k, nargs, builtins[name]),
                    (k, nargs, name), span=span, argrepr=f"{name}/{nargs}", pops=nargs,
                    pushes=1, mutates=name in MUTATING)


def make_print(k: int, nargs: int) -> Closure:
    end = k + nargs

    def op_print(vm: VM) -> int:
        s = vm.slots
        vm.write(print_line(s[k:end]))
        s[k] = None
        return 1

    return op_print


def emit_print(asm: Assembler, nargs: int, span: Span) -> int:
    k = asm.next_slot - nargs
    return asm.emit(Op.PRINT, make_print(k, nargs), (k, nargs), span=span,
                    argrepr=f"print/{nargs}", pops=nargs, pushes=1)


def make_halt() -> Closure:
    def op_halt(vm: VM) -> int:
        raise Halt

    return op_halt


def emit_halt(asm: Assembler, span: Span) -> int:
    return asm.emit(Op.HALT, make_halt(), span=span)
