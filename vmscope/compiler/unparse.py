"""Resolved expressions and statements back to source-like text, for `dis`
and the debugger's listing of fused instructions (display only: generated
code never contains this text)."""

from __future__ import annotations

from vmscope.lang import nodes as n
from vmscope.lang.values import display

_PREC = {n.Or: 1, n.And: 2, n.Not: 3}


def _prec(e: n.Expr) -> int:
    if isinstance(e, n.Binary):
        if e.op >= n.BinOp.EQ:
            return 4
        if e.op in (n.BinOp.ADD, n.BinOp.SUB):
            return 5
        if e.op is n.BinOp.POW:
            return 8
        return 6
    if isinstance(e, n.Neg):
        return 7
    return _PREC.get(type(e), 9)


def unparse(e: n.Expr) -> str:
    def sub(child: n.Expr, minimum: int) -> str:
        text = unparse(child)
        return f"({text})" if _prec(child) < minimum else text

    if isinstance(e, n.Const):
        return repr(e.value) if isinstance(e.value, str) else display(e.value)
    if isinstance(e, n.Local | n.Global | n.Name):
        return e.name
    if isinstance(e, n.Binary):
        p = _prec(e)
        left, right = (p + 1, p) if e.op is n.BinOp.POW else (p, p + 1)
        return f"{sub(e.left, left)} {e.op.symbol} {sub(e.right, right)}"
    if isinstance(e, n.And | n.Or):
        word = "and" if isinstance(e, n.And) else "or"
        p = _prec(e)
        return f"{sub(e.left, p)} {word} {sub(e.right, p + 1)}"
    if isinstance(e, n.Not):
        return f"not {sub(e.operand, 3)}"
    if isinstance(e, n.Neg):
        return f"-{sub(e.operand, 7)}"
    if isinstance(e, n.Index):
        return f"{sub(e.obj, 9)}[{unparse(e.index)}]"
    if isinstance(e, n.ListLit):
        return "[" + ", ".join(unparse(i) for i in e.items) + "]"
    if isinstance(e, n.CallFn | n.CallBuiltin | n.Call):
        return f"{e.name}(" + ", ".join(unparse(a) for a in e.args) + ")"
    return "?"


def unparse_stmt(s: n.Stmt) -> str:
    if isinstance(s, n.Let):
        annotation = f": {s.type.value}" if s.type else ""
        return f"let {unparse(s.target)}{annotation} = {unparse(s.value)}"
    if isinstance(s, n.Assign):
        op = f"{s.op.symbol}=" if s.op is not None else "="
        return f"{unparse(s.target)} {op} {unparse(s.value)}"
    if isinstance(s, n.IndexAssign):
        op = f"{s.op.symbol}=" if s.op is not None else "="
        return f"{unparse(s.obj)}[{unparse(s.index)}] {op} {unparse(s.value)}"
    if isinstance(s, n.ExprStmt):
        return unparse(s.expr)
    return type(s).__name__.lower()
