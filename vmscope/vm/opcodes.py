"""The closure VM's opcodes. Each compiled closure is named `op_<value>`."""

from __future__ import annotations

from enum import Enum


class Op(Enum):
    CONST = "const"
    LOAD_LOCAL = "load_local"
    LOAD_GLOBAL = "load_global"
    STORE_LOCAL = "store_local"
    STORE_GLOBAL = "store_global"
    DEFINE_GLOBAL = "define_global"
    ADD = "add"
    SUB = "sub"
    MUL = "mul"
    DIV = "div"
    FLOORDIV = "floordiv"
    MOD = "mod"
    POW = "pow"
    EQ = "eq"
    NE = "ne"
    LT = "lt"
    LE = "le"
    GT = "gt"
    GE = "ge"
    NEG = "neg"
    NOT = "not"
    INDEX = "index"
    INDEX_KEEP = "index_keep"
    STORE_INDEX = "store_index"
    BUILD_LIST = "build_list"
    CHECK_TYPE = "check_type"
    JUMP = "jump"
    JUMP_IF_FALSE = "jump_if_false"
    JUMP_IF_FALSE_OR_POP = "jump_if_false_or_pop"
    JUMP_IF_TRUE_OR_POP = "jump_if_true_or_pop"
    FOR_RANGE_INIT = "for_range_init"
    FOR_RANGE_NEXT = "for_range_next"
    FOR_ITER_INIT = "for_iter_init"
    FOR_ITER_NEXT = "for_iter_next"
    FOR_RANGE_LOOP = "for_range_loop"
    FOR_ITER_LOOP = "for_iter_loop"
    CALL = "call"
    CALL_BUILTIN = "call_builtin"
    PRINT = "print"
    RETURN = "return"
    HALT = "halt"
    # -O1/-O2: generated closures (their Instr.shape names the family)
    EXPR = "expr"
    STMT = "stmt"
    BRANCH = "branch"


JUMPS = frozenset({
    Op.JUMP, Op.JUMP_IF_FALSE, Op.JUMP_IF_FALSE_OR_POP, Op.JUMP_IF_TRUE_OR_POP,
    Op.FOR_RANGE_NEXT, Op.FOR_ITER_NEXT, Op.BRANCH, Op.FOR_RANGE_LOOP, Op.FOR_ITER_LOOP,
})
