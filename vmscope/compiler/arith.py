"""Operator closures: each binary op reads slots k and k+1 and writes k."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vmscope.lang import values
from vmscope.lang.nodes import BinOp
from vmscope.vm.machine import VM
from vmscope.vm.opcodes import Op
from vmscope.vm.program import Closure

BINARY_OPS: tuple[Op, ...] = (Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.FLOORDIV, Op.MOD, Op.POW,
                              Op.EQ, Op.NE, Op.LT, Op.LE, Op.GT, Op.GE)


def _binary_factory(name: str, fn: Callable[[Any, Any], Any]) -> Callable[[int, int], Closure]:
    """One factory per operator; its closures' code is renamed `op_<name>` once,
    so tracebacks and samplers name the operator."""

    def make(ip: int, k: int) -> Closure:
        def op(vm: VM) -> int:
            s = vm.slots
            s[k] = fn(s[k], s[k + 1])
            return 1

        return op

    code = make(0, 0).__code__.replace(co_name=f"op_{name}", co_qualname=f"op_{name}")

    def factory(ip: int, k: int) -> Closure:
        op = make(ip, k)
        op.__code__ = code
        op.__name__ = op.__qualname__ = code.co_name
        return op

    return factory


# Indexed by BinOp, like values.BINARY.
BINARY_FACTORIES = tuple(_binary_factory(op.value, fn)
                         for op, fn in zip(BINARY_OPS, values.BINARY, strict=True))


def binary_op(op: BinOp) -> Op:
    return BINARY_OPS[op]


def make_neg(ip: int, k: int) -> Closure:
    neg = values.neg

    def op_neg(vm: VM) -> int:
        s = vm.slots
        s[k] = neg(s[k])
        return 1

    return op_neg


def make_not(ip: int, k: int) -> Closure:
    def op_not(vm: VM) -> int:
        s = vm.slots
        s[k] = not s[k]
        return 1

    return op_not
