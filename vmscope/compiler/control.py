"""Closures that choose the next ip: jumps and the two kinds of `for` loop.
A jump's closure returns its relative offset: its emitter hands the
assembler a patch (offset -> closure), called once the target is bound."""

from __future__ import annotations

from vmscope.compiler.assembler import Assembler, Label
from vmscope.errors import ErrorKind, GuestError
from vmscope.lang.builtins import checked_range
from vmscope.lang.values import type_name
from vmscope.source import Span
from vmscope.vm.machine import VM
from vmscope.vm.opcodes import Op
from vmscope.vm.program import Closure, Scope


def make_jump(offset: int) -> Closure:
    def op_jump(vm: VM) -> int:
        return offset

    return op_jump


def emit_jump(asm: Assembler, label: Label, span: Span, argrepr: str = "") -> int:
    return asm.emit(Op.JUMP, span=span, label=label, patch=make_jump, argrepr=argrepr)


def make_jump_if_false(offset: int, k: int) -> Closure:
    def op_jump_if_false(vm: VM) -> int:
        return 1 if vm.slots[k] else offset

    return op_jump_if_false


def emit_jump_if_false(asm: Assembler, label: Label, span: Span) -> int:
    """Pop the top value; jump when it is falsy."""
    k = asm.top
    return asm.emit(Op.JUMP_IF_FALSE, args=(k,), span=span, pops=1, label=label,
                    patch=lambda offset: make_jump_if_false(offset, k))


def make_jump_if_false_or_pop(offset: int, k: int) -> Closure:
    def op_jump_if_false_or_pop(vm: VM) -> int:
        return 1 if vm.slots[k] else offset

    return op_jump_if_false_or_pop


def make_jump_if_true_or_pop(offset: int, k: int) -> Closure:
    def op_jump_if_true_or_pop(vm: VM) -> int:
        return offset if vm.slots[k] else 1

    return op_jump_if_true_or_pop


def emit_short_circuit(asm: Assembler, is_and: bool, label: Label, span: Span) -> int:
    """`and` / `or`: keep the top value and jump when it decides the result,
    else drop it (the right operand takes its slot)."""
    k = asm.top
    op, make = (Op.JUMP_IF_FALSE_OR_POP, make_jump_if_false_or_pop) if is_and else \
        (Op.JUMP_IF_TRUE_OR_POP, make_jump_if_true_or_pop)
    return asm.emit(op, args=(k,), span=span, pops=1, label=label,
                    patch=lambda offset: make(offset, k))


def make_for_range_init(k: int, nargs: int, nxt: int) -> Closure:
    """Check range(...)'s arguments (in slots k..) into next/stop/step slots."""

    def op_for_range_init(vm: VM) -> int:
        s = vm.slots
        r = checked_range(s[k : k + nargs])
        s[nxt] = r.start
        s[nxt + 1] = r.stop
        s[nxt + 2] = r.step
        return 1

    return op_for_range_init


def emit_for_range_init(asm: Assembler, nargs: int, counter: int, span: Span) -> int:
    """range(...)'s `nargs` arguments (the top values) -> the loop's hidden
    next/stop/step slots, from `counter` on."""
    k = asm.top - nargs + 1
    return asm.emit(Op.FOR_RANGE_INIT, make_for_range_init(k, nargs, counter),
                    (k, nargs, counter), span=span, pops=nargs, argrepr=f"range/{nargs}")


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


def _named(fn: Closure, name: str) -> Closure:
    """Name a shared-body closure after its opcode (code object too, for samplers)."""
    fn.__code__ = fn.__code__.replace(co_name=name, co_qualname=name)
    fn.__name__ = fn.__qualname__ = name
    return fn


def make_for_range_next(offset: int, var: int, nxt: int) -> Closure:
    """Loop head: the next value, or jump out by `offset`."""
    return _named(_range_step(1, offset, var, nxt), "op_for_range_next")


def make_for_range_loop(offset: int, var: int, nxt: int) -> Closure:
    """Rotated loop test (-O1+): bind the next value and jump back to the
    body's top (`offset` < 0), or fall through when the range is spent."""
    return _named(_range_step(offset, 1, var, nxt), "op_for_range_loop")


def emit_for_range_step(asm: Assembler, rotated: bool, var: int, counter: int, label: Label,
                        span: Span, name: str) -> int:
    """The loop head binding `var` (at -O0, leaving for `label` when spent),
    or, rotated, the test after the body (jumping back to `label` for more)."""
    op, make = (Op.FOR_RANGE_LOOP, make_for_range_loop) if rotated else \
        (Op.FOR_RANGE_NEXT, make_for_range_next)
    return asm.emit(op, args=(var, counter), span=span, label=label, argrepr=name,
                    patch=lambda offset: make(offset, var, counter),
                    writes=((Scope.LOCAL, var),))


def make_for_iter_init(k: int, seq: int) -> Closure:
    def op_for_iter_init(vm: VM) -> int:
        s = vm.slots
        value = s[k]
        if type(value) is not list and type(value) is not str:
            raise GuestError(ErrorKind.TYPE, f"cannot iterate over {type_name(value)}")
        s[seq] = value
        s[seq + 1] = 0
        return 1

    return op_for_iter_init


def emit_for_iter_init(asm: Assembler, seq: int, span: Span) -> int:
    """The iterable (the top value) -> the loop's hidden sequence and index slots."""
    k = asm.top
    return asm.emit(Op.FOR_ITER_INIT, make_for_iter_init(k, seq), (k, seq), span=span,
                    pops=1)


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


def make_for_iter_next(offset: int, var: int, seq: int) -> Closure:
    return _named(_iter_step(1, offset, var, seq), "op_for_iter_next")


def make_for_iter_loop(offset: int, var: int, seq: int) -> Closure:
    return _named(_iter_step(offset, 1, var, seq), "op_for_iter_loop")


def emit_for_iter_step(asm: Assembler, rotated: bool, var: int, seq: int, label: Label,
                       span: Span, name: str) -> int:
    """As emit_for_range_step, over a list or str."""
    op, make = (Op.FOR_ITER_LOOP, make_for_iter_loop) if rotated else \
        (Op.FOR_ITER_NEXT, make_for_iter_next)
    return asm.emit(op, args=(var, seq), span=span, label=label, argrepr=name,
                    patch=lambda offset: make(offset, var, seq), writes=((Scope.LOCAL, var),))
