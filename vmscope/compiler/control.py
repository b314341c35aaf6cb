"""Closures that choose the next ip: jumps and the two kinds of `for` loop.
A jump's closure returns its relative offset, patched in by the assembler."""

from __future__ import annotations

from vmscope.errors import ErrorKind, GuestError
from vmscope.lang.builtins import checked_range
from vmscope.lang.values import type_name
from vmscope.vm.machine import VM
from vmscope.vm.program import Closure


def make_jump(ip: int, offset: int) -> Closure:
    def op_jump(vm: VM) -> int:
        return offset

    return op_jump


def make_jump_if_false(ip: int, offset: int, k: int) -> Closure:
    def op_jump_if_false(vm: VM) -> int:
        return 1 if vm.slots[k] else offset

    return op_jump_if_false


def make_jump_if_false_or_pop(ip: int, offset: int, k: int) -> Closure:
    def op_jump_if_false_or_pop(vm: VM) -> int:
        return 1 if vm.slots[k] else offset

    return op_jump_if_false_or_pop


def make_jump_if_true_or_pop(ip: int, offset: int, k: int) -> Closure:
    def op_jump_if_true_or_pop(vm: VM) -> int:
        return offset if vm.slots[k] else 1

    return op_jump_if_true_or_pop


def make_for_range_init(ip: int, k: int, nargs: int, nxt: int) -> Closure:
    """Check range(...)'s arguments (in slots k..) into next/stop/step slots."""

    def op_for_range_init(vm: VM) -> int:
        s = vm.slots
        r = checked_range(s[k : k + nargs])
        s[nxt] = r.start
        s[nxt + 1] = r.stop
        s[nxt + 2] = r.step
        return 1

    return op_for_range_init


def _range_step(more: int, done: int, var: int, nxt: int) -> Closure:
    """Bind the next value of a range to `var` and go on by `more`, or leave
    by `done` when the range is spent."""

    def op_for_range(vm: VM) -> int:
        s = vm.slots
        i = s[nxt]
        step = s[nxt + 2]
        if (i < s[nxt + 1]) if step > 0 else (i > s[nxt + 1]):
            s[var] = i
            s[nxt] = i + step
            return more
        return done

    return op_for_range


def make_for_range_next(ip: int, offset: int, var: int, nxt: int) -> Closure:
    """Loop head: the next value, or jump out by `offset`."""
    return _named(_range_step(1, offset, var, nxt), "op_for_range_next")


def make_for_iter_init(ip: int, k: int, seq: int) -> Closure:
    def op_for_iter_init(vm: VM) -> int:
        s = vm.slots
        value = s[k]
        if type(value) is not list and type(value) is not str:
            raise GuestError(ErrorKind.TYPE, f"cannot iterate over {type_name(value)}")
        s[seq] = value
        s[seq + 1] = 0
        return 1

    return op_for_iter_init


def _iter_step(more: int, done: int, var: int, seq: int) -> Closure:
    def op_for_iter(vm: VM) -> int:
        s = vm.slots
        items = s[seq]
        i = s[seq + 1]
        if i < len(items):
            s[var] = items[i]
            s[seq + 1] = i + 1
            return more
        return done

    return op_for_iter


def _named(fn: Closure, name: str) -> Closure:
    """Name a shared-body closure after its opcode (code object too, for samplers)."""
    fn.__code__ = fn.__code__.replace(co_name=name, co_qualname=name)
    fn.__name__ = fn.__qualname__ = name
    return fn


def make_for_iter_next(ip: int, offset: int, var: int, seq: int) -> Closure:
    return _named(_iter_step(1, offset, var, seq), "op_for_iter_next")


def make_for_range_loop(ip: int, offset: int, var: int, nxt: int) -> Closure:
    """Rotated loop test (-O1+): bind the next value and jump back to the
    body's top (`offset` < 0), or fall through when the range is spent."""
    return _named(_range_step(offset, 1, var, nxt), "op_for_range_loop")


def make_for_iter_loop(ip: int, offset: int, var: int, seq: int) -> Closure:
    return _named(_iter_step(offset, 1, var, seq), "op_for_iter_loop")
