"""Closures for calls, builtins, returns and the end of the program.
Calls are flat: no Python recursion per guest call."""

from __future__ import annotations

from vmscope.errors import ErrorKind, GuestError
from vmscope.lang.builtins import BUILTINS, print_line
from vmscope.vm.machine import UNSET, VM, Halt
from vmscope.vm.program import Closure


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


def make_call_builtin(ip: int, k: int, nargs: int, name: str) -> Closure:
    fn = BUILTINS[name]
    end = k + nargs

    def op_call_builtin(vm: VM) -> int:
        s = vm.slots
        s[k] = fn(s[k:end])
        return 1

    return op_call_builtin


def make_print(ip: int, k: int, nargs: int) -> Closure:
    end = k + nargs

    def op_print(vm: VM) -> int:
        s = vm.slots
        vm.write(print_line(s[k:end]))
        s[k] = None
        return 1

    return op_print


def make_halt(ip: int) -> Closure:
    def op_halt(vm: VM) -> int:
        raise Halt

    return op_halt
