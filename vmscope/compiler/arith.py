"""Operator closures: each binary op reads slots k and k+1 and writes k, with
the run's operator (from its Semantics) bound in the closure."""

from __future__ import annotations

from collections.abc import Mapping
from types import CodeType

from vmscope.compiler.assembler import Assembler
from vmscope.lang.bounded import Operators
from vmscope.lang.nodes import BinOp
from vmscope.lang.values import Binary, neg
from vmscope.source import Span
from vmscope.vm.machine import VM
from vmscope.vm.opcodes import Op
from vmscope.vm.program import Closure

BINARY_OPS: Mapping[BinOp, Op] = {
    BinOp.ADD: Op.ADD, BinOp.SUB: Op.SUB, BinOp.MUL: Op.MUL, BinOp.DIV: Op.DIV,
    BinOp.FLOORDIV: Op.FLOORDIV, BinOp.MOD: Op.MOD, BinOp.POW: Op.POW, BinOp.EQ: Op.EQ,
    BinOp.NE: Op.NE, BinOp.LT: Op.LT, BinOp.LE: Op.LE, BinOp.GT: Op.GT, BinOp.GE: Op.GE,
}


def _make_binary(k: int, fn: Binary) -> Closure:
    def op(vm: VM) -> int:
        s = vm.slots
        s[k] = fn(s[k], s[k + 1])
        return 1

    return op


def _renamed(name: str) -> CodeType:
    return _make_binary(0, lambda a, b: a).__code__.replace(co_name=name, co_qualname=name)


# One code object per operator, named `op_<opcode>`, so tracebacks and
# samplers name the operator although every binary closure shares one body.
_CODE: Mapping[BinOp, CodeType] = {b: _renamed(f"op_{op.value}") for b, op in BINARY_OPS.items()}


def make_binary(op: BinOp, k: int, fn: Binary) -> Closure:
    closure = _make_binary(k, fn)
    closure.__code__ = code = _CODE[op]
    closure.__name__ = closure.__qualname__ = code.co_name
    return closure


def emit_binary(asm: Assembler, op: BinOp, span: Span, ops: Operators) -> int:
    """The top two values -> `a op b`, with the run's operator."""
    k = asm.top - 1
    return asm.emit(BINARY_OPS[op], make_binary(op, k, ops.binary[op]), (k,), span=span,
                    pops=2, pushes=1)


def make_neg(k: int) -> Closure:
    negate = neg  # a closure cell: cheaper to read than a module global

    def op_neg(vm: VM) -> int:
        s = vm.slots
        s[k] = negate(s[k])
        return 1

    return op_neg


def emit_neg(asm: Assembler, span: Span) -> int:
    k = asm.top
    return asm.emit(Op.NEG, make_neg(k), (k,), span=span, pops=1, pushes=1)


def make_not(k: int) -> Closure:
    def op_not(vm: VM) -> int:
        s = vm.slots
        s[k] = not s[k]
        return 1

    return op_not


def emit_not(asm: Assembler, span: Span) -> int:
    k = asm.top
    return asm.emit(Op.NOT, make_not(k), (k,), span=span, pops=1, pushes=1)
