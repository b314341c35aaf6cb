"""Closures that move values: constants, variables, lists and indexing."""

from __future__ import annotations

from typing import Any

from vmscope.errors import ErrorKind, GuestError
from vmscope.lang.nodes import TypeName
from vmscope.lang.values import check_type, get_index, set_index
from vmscope.vm.machine import UNSET, VM
from vmscope.vm.program import Closure


def make_const(ip: int, k: int, value: Any) -> Closure:
    def op_const(vm: VM) -> int:
        vm.slots[k] = value
        return 1

    return op_const


def make_load_local(ip: int, k: int, slot: int) -> Closure:
    def op_load_local(vm: VM) -> int:
        s = vm.slots
        s[k] = s[slot]
        return 1

    return op_load_local


def make_store_local(ip: int, k: int, slot: int) -> Closure:
    def op_store_local(vm: VM) -> int:
        s = vm.slots
        s[slot] = s[k]
        return 1

    return op_store_local


def _undefined(name: str) -> GuestError:
    return GuestError(ErrorKind.NAME, f"global '{name}' is used before its let ran")


def make_load_global(ip: int, k: int, index: int, name: str) -> Closure:
    def op_load_global(vm: VM) -> int:
        value = vm.globals[index]
        if value is UNSET:
            raise _undefined(name)
        vm.slots[k] = value
        return 1

    return op_load_global


def make_store_global(ip: int, k: int, index: int, name: str) -> Closure:
    def op_store_global(vm: VM) -> int:
        g = vm.globals
        if g[index] is UNSET:
            raise _undefined(name)
        g[index] = vm.slots[k]
        return 1

    return op_store_global


def make_define_global(ip: int, k: int, index: int) -> Closure:
    def op_define_global(vm: VM) -> int:
        vm.globals[index] = vm.slots[k]
        return 1

    return op_define_global


_EXACT = {TypeName.INT: int, TypeName.FLOAT: float, TypeName.STR: str, TypeName.BOOL: bool,
          TypeName.LIST: list}


def make_check_type(ip: int, k: int, declared: TypeName) -> Closure:
    exact = _EXACT.get(declared, object)  # `any`: everything goes the slow, accepting way

    def op_check_type(vm: VM) -> int:
        s = vm.slots
        value = s[k]
        if type(value) is not exact:  # the common case needs no conversion
            s[k] = check_type(value, declared)
        return 1

    return op_check_type


def make_index(ip: int, k: int) -> Closure:
    def op_index(vm: VM) -> int:
        s = vm.slots
        s[k] = get_index(s[k], s[k + 1])
        return 1

    return op_index


def make_index_keep(ip: int, k: int) -> Closure:
    """Read s[k][s[k+1]] into s[k+2], keeping both operands (for `t[i] op= v`)."""

    def op_index_keep(vm: VM) -> int:
        s = vm.slots
        s[k + 2] = get_index(s[k], s[k + 1])
        return 1

    return op_index_keep


def make_store_index(ip: int, k: int) -> Closure:
    def op_store_index(vm: VM) -> int:
        s = vm.slots
        set_index(s[k], s[k + 1], s[k + 2])
        return 1

    return op_store_index


def make_build_list(ip: int, k: int, count: int) -> Closure:
    end = k + count

    def op_build_list(vm: VM) -> int:
        s = vm.slots
        s[k] = s[k:end]
        return 1

    return op_build_list
