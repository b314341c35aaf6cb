"""Closures that move values: constants, variables, lists and indexing; each
beside its emitter, which fixes the slots it reads and writes from the
assembler's static stack depth."""

from __future__ import annotations

from typing import Any

from vmscope.compiler.assembler import Assembler
from vmscope.errors import ErrorKind, GuestError
from vmscope.lang.nodes import TypeName
from vmscope.lang.values import check_type, display, get_index, set_index
from vmscope.source import Span
from vmscope.vm.machine import UNSET, VM
from vmscope.vm.opcodes import Op
from vmscope.vm.program import Closure, Scope


def make_const(k: int, value: Any) -> Closure:
    def op_const(vm: VM) -> int:
        vm.slots[k] = value
        return 1

    return op_const


def emit_const(asm: Assembler, value: Any, span: Span) -> int:
    k = asm.next_slot
    argrepr = repr(value) if isinstance(value, str) else display(value)
    return asm.emit(Op.CONST, make_const(k, value), (k, value), span=span, argrepr=argrepr,
                    pushes=1)


def make_load_local(k: int, slot: int) -> Closure:
    def op_load_local(vm: VM) -> int:
        s = vm.slots
        s[k] = s[slot]
        return 1

    return op_load_local


def emit_load_local(asm: Assembler, slot: int, span: Span, name: str) -> int:
    k = asm.next_slot
    return asm.emit(Op.LOAD_LOCAL, make_load_local(k, slot), (k, slot), span=span,
                    argrepr=name, pushes=1)


def make_store_local(k: int, slot: int) -> Closure:
    def op_store_local(vm: VM) -> int:
        s = vm.slots
        s[slot] = s[k]
        return 1

    return op_store_local


def emit_store_local(asm: Assembler, slot: int, span: Span, name: str) -> int:
    k = asm.top
    return asm.emit(Op.STORE_LOCAL, make_store_local(k, slot), (k, slot), span=span,
                    argrepr=name, pops=1, writes=((Scope.LOCAL, slot),))


def _undefined(name: str) -> GuestError:
    return GuestError(ErrorKind.NAME, f"global '{name}' is used before its let ran")


def make_load_global(k: int, index: int, name: str) -> Closure:
    def op_load_global(vm: VM) -> int:
        value = vm.globals[index]
        if value is UNSET:
            raise _undefined(name)
        vm.slots[k] = value
        return 1

    return op_load_global


def emit_load_global(asm: Assembler, index: int, span: Span, name: str) -> int:
    k = asm.next_slot
    return asm.emit(Op.LOAD_GLOBAL, make_load_global(k, index, name), (k, index, name),
                    span=span, argrepr=name, pushes=1)


def make_store_global(k: int, index: int, name: str) -> Closure:
    def op_store_global(vm: VM) -> int:
        g = vm.globals
        if g[index] is UNSET:
            raise _undefined(name)
        g[index] = vm.slots[k]
        return 1

    return op_store_global


def emit_store_global(asm: Assembler, index: int, span: Span, name: str) -> int:
    """`x = v` on a global: a NameError while its `let` has not run."""
    k = asm.top
    return asm.emit(Op.STORE_GLOBAL, make_store_global(k, index, name), (k, index, name),
                    span=span, argrepr=name, pops=1, writes=((Scope.GLOBAL, index),))


def make_define_global(k: int, index: int) -> Closure:
    def op_define_global(vm: VM) -> int:
        vm.globals[index] = vm.slots[k]
        return 1

    return op_define_global


def emit_define_global(asm: Assembler, index: int, span: Span, name: str) -> int:
    """A top-level `let`: sets the global whether or not it was set."""
    k = asm.top
    return asm.emit(Op.DEFINE_GLOBAL, make_define_global(k, index), (k, index), span=span,
                    argrepr=name, pops=1, writes=((Scope.GLOBAL, index),))


_EXACT = {TypeName.INT: int, TypeName.FLOAT: float, TypeName.STR: str, TypeName.BOOL: bool,
          TypeName.LIST: list}


def make_check_type(k: int, declared: TypeName) -> Closure:
    exact = _EXACT.get(declared, object)  # `any`: everything goes the slow, accepting way

    def op_check_type(vm: VM) -> int:
        s = vm.slots
        value = s[k]
        if type(value) is not exact:  # the common case needs no conversion
            s[k] = check_type(value, declared)
        return 1

    return op_check_type


def emit_check_type(asm: Assembler, declared: TypeName, span: Span) -> int:
    """Check (and convert: int to float) the value on top of the stack."""
    k = asm.top
    return asm.emit(Op.CHECK_TYPE, make_check_type(k, declared), (k, declared), span=span,
                    argrepr=declared.value)


def emit_check_param(asm: Assembler, slot: int, declared: TypeName, span: Span,
                     name: str) -> int:
    """Check (and convert) an annotated parameter in place, on entry."""
    return asm.emit(Op.CHECK_TYPE, make_check_type(slot, declared), (slot, declared),
                    span=span, argrepr=f"{name}: {declared.value}",
                    writes=((Scope.LOCAL, slot),))


def make_index(k: int) -> Closure:
    def op_index(vm: VM) -> int:
        s = vm.slots
        s[k] = get_index(s[k], s[k + 1])
        return 1

    return op_index


def emit_index(asm: Assembler, span: Span) -> int:
    k = asm.top - 1
    return asm.emit(Op.INDEX, make_index(k), (k,), span=span, pops=2, pushes=1)


def make_index_keep(k: int) -> Closure:
    """Read s[k][s[k+1]] into s[k+2], keeping both operands (for `t[i] op= v`)."""

    def op_index_keep(vm: VM) -> int:
        s = vm.slots
        s[k + 2] = get_index(s[k], s[k + 1])
        return 1

    return op_index_keep


def emit_index_keep(asm: Assembler, span: Span) -> int:
    k = asm.top - 1
    return asm.emit(Op.INDEX_KEEP, make_index_keep(k), (k,), span=span, pushes=1)


def make_store_index(k: int) -> Closure:
    def op_store_index(vm: VM) -> int:
        s = vm.slots
        set_index(s[k], s[k + 1], s[k + 2])
        return 1

    return op_store_index


def emit_store_index(asm: Assembler, span: Span) -> int:
    """`t[i] = v` with t, i and v the top three values."""
    k = asm.top - 2
    return asm.emit(Op.STORE_INDEX, make_store_index(k), (k,), span=span, pops=3,
                    mutates=True)


def make_build_list(k: int, count: int) -> Closure:
    end = k + count

    def op_build_list(vm: VM) -> int:
        s = vm.slots
        s[k] = s[k:end]
        return 1

    return op_build_list


def emit_build_list(asm: Assembler, count: int, span: Span) -> int:
    k = asm.next_slot - count
    return asm.emit(Op.BUILD_LIST, make_build_list(k, count), (k, count), span=span,
                    argrepr=str(count), pops=count, pushes=1)
