"""Fusion for -O1 and -O2: deciding what one generated instruction can
compute, and emitting it (expressions, statements, stores after calls,
calls and returns). A mixin of the Compiler, which supplies the assembler,
the inferred types and `expr` for what stays unfused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from vmscope.compiler.assembler import Assembler, Label
from vmscope.compiler.codegen import Gen, SlotRef
from vmscope.compiler.fused import Built, Kind, emit_fused, emit_fused_call
from vmscope.compiler.infer import Types, binary_type
from vmscope.compiler.unparse import unparse, unparse_stmt
from vmscope.lang import nodes as n
from vmscope.lang.semantics import Semantics

LEAVES = (n.Const, n.Local, n.Global)
Tail = Callable[[Gen, str], list[str]]  # (generator, value) -> lines ending a fused closure


def logic_depth(e: n.Expr) -> int:
    """How deeply and/or nest on their right: each level indents generated code."""
    if isinstance(e, n.And | n.Or):
        return max(logic_depth(e.left), 1 + logic_depth(e.right))
    if isinstance(e, n.Binary | n.Index):
        left, right = (e.left, e.right) if isinstance(e, n.Binary) else (e.obj, e.index)
        return max(logic_depth(left), logic_depth(right))
    if isinstance(e, n.Not | n.Neg):
        return logic_depth(e.operand)
    if isinstance(e, n.ListLit | n.CallBuiltin):
        items = e.items if isinstance(e, n.ListLit) else e.args
        return max((logic_depth(i) for i in items), default=0)
    return 0


MAX_LOGIC_DEPTH = 30  # Python allows 100 indentation levels in one function
O1_OPERAND_OPS = 4  # operators an -O1 instruction may inline from one operand


def op_count(e: n.Expr) -> int:
    """Operators (non-leaf nodes) in `e`."""
    return 0 if isinstance(e, LEAVES) else 1 + sum(op_count(k) for k in n.children(e))


def _has_call(e: n.Expr) -> bool:
    if isinstance(e, n.CallFn):
        return True
    if isinstance(e, n.Binary | n.And | n.Or):
        return _has_call(e.left) or _has_call(e.right)
    if isinstance(e, n.Not | n.Neg):
        return _has_call(e.operand)
    if isinstance(e, n.Index):
        return _has_call(e.obj) or _has_call(e.index)
    if isinstance(e, n.ListLit | n.CallBuiltin):
        return any(_has_call(a) for a in (e.items if isinstance(e, n.ListLit) else e.args))
    return False


class Fusion:
    asm: Assembler
    types: Types | None
    level: int
    sem: Semantics
    fn_index: int
    set_globals: set[int]
    sizes: list[int]
    entries: list[Label]
    _fusable: dict[n.Expr, bool]

    def expr(self, e: n.Expr, tail: Tail | None = None) -> bool:
        raise NotImplementedError  # the Compiler's

    def gen(self) -> Gen:
        assert self.types is not None
        return Gen(self.types, self.fn_index, self.asm.here, self.sem, self.set_globals)

    def fusable(self, e: n.Expr) -> bool:
        """Can `e` be computed by one generated instruction at this level?"""
        known = self._fusable.get(e)
        if known is None:
            known = self._fusable[e] = self._is_fusable(e)
        return known

    def _is_fusable(self, e: n.Expr) -> bool:
        if _has_call(e) or logic_depth(e) > MAX_LOGIC_DEPTH:
            return False
        if self.level >= 2:
            return True
        if isinstance(e, LEAVES):
            return True
        if isinstance(e, n.Binary | n.And | n.Or):
            return isinstance(e.left, LEAVES) and isinstance(e.right, LEAVES)
        if isinstance(e, n.Not | n.Neg):
            return isinstance(e.operand, LEAVES)
        if isinstance(e, n.Index):
            return isinstance(e.obj, LEAVES) and isinstance(e.index, LEAVES)
        if isinstance(e, n.CallBuiltin | n.ListLit):
            return all(isinstance(a, LEAVES) for a in
                       (e.args if isinstance(e, n.CallBuiltin) else e.items))
        return False

    def inlinable(self, e: n.Expr) -> bool:
        """Can a fused consumer compute operand `e` inside itself? At -O1, a
        call-free operand of a few operators: a bounded superinstruction."""
        return self.fusable(e) or (not _has_call(e) and op_count(e) <= O1_OPERAND_OPS
                                   and logic_depth(e) <= MAX_LOGIC_DEPTH)

    def fusable_stmt(self, s: n.Stmt) -> bool:
        if isinstance(s, n.Let | n.Assign):
            return self.fusable(s.value)
        if isinstance(s, n.ExprStmt):
            return not isinstance(s.expr, LEAVES) and self.fusable(s.expr)
        if isinstance(s, n.IndexAssign):
            parts = (s.obj, s.index, s.value)
            if self.level >= 2:
                return not any(_has_call(p) for p in parts)
            return all(isinstance(p, LEAVES) for p in parts)
        return False

    def fused_stmt(self, s: n.Stmt, shown: n.Stmt | None = None, pops: int = 0) -> None:
        gen = self.gen()
        gen.statement(s)
        span = s.op_span if isinstance(s, n.Assign) else s.span
        emit_fused(self.asm, gen.build(Kind.STMT), span=span, argrepr=unparse_stmt(shown or s),
                   pops=pops)

    def store_after_call(self, s: n.Stmt) -> bool:
        """`x = e` / `x op= e` where e calls a function: e's calls run first
        (into slots), then one instruction finishes e, operates and stores."""
        if not isinstance(s, n.Let | n.Assign):
            return False
        target = s.target
        if isinstance(s, n.Assign) and s.op is not None and isinstance(target, n.Global):
            # x is read before e runs: only safe to read later if e cannot change it.
            assert self.types is not None
            if target.index not in self.set_globals or \
                    self.types.calls_may_write(s.value, target.index):
                return False
        value = s.value
        if isinstance(value, n.Binary):
            left, right = self.operands((value.left, value.right))
            new_value: n.Expr | SlotRef = n.Binary(value.op, left, right,  # type: ignore[arg-type]
                                                   value.span)
            pops = sum(isinstance(o, SlotRef) for o in (left, right))
        else:
            assert self.types is not None
            self.expr(value)
            new_value, pops = SlotRef(self.asm.top, self.types.of(self.fn_index, value)), 1
        self.fused_stmt(replace(s, value=new_value), shown=s, pops=pops)  # type: ignore[arg-type]
        return True

    def operands(self, exprs: tuple[n.Expr, ...]) -> list[n.Expr | SlotRef]:
        """Operands for a fused consumer: the ones up to the last that calls a
        function are computed into slots first (keeping left-to-right order);
        the rest are computed inside the consumer. A constant or local before a
        call may stay inside too (no call can change it), and so may a global
        that is certainly set (reading it cannot fail) and that none of the
        later calls can assign."""
        assert self.types is not None
        last_call = max((i for i, x in enumerate(exprs) if not self.inlinable(x)), default=-1)
        out: list[n.Expr | SlotRef] = []
        for i, x in enumerate(exprs):
            later = exprs[i + 1:last_call + 1]
            if i > last_call or isinstance(x, n.Const | n.Local) or (
                    isinstance(x, n.Global) and x.index in self.set_globals and not any(
                        self.types.calls_may_write(y, x.index) for y in later)):
                out.append(x)
            else:
                self.expr(x)
                out.append(SlotRef(self.asm.top, self.types.of(self.fn_index, x)))
        return out

    def fused_expr(self, e: n.Expr, operands: list[n.Expr | SlotRef] | None = None,
                   tail: Tail | None = None) -> None:
        """One instruction computing `e` into the next slot. With `operands`, e
        is a Binary whose operands are those (some already in slots); with
        `tail`, the instruction ends with the tail's lines instead."""
        asm = self.asm
        gen = self.gen()
        pops = sum(isinstance(o, SlotRef) for o in operands or ())
        dest = asm.next_slot - pops
        if operands:
            assert isinstance(e, n.Binary)
            (a, ta), (b, tb) = (gen.expr(o) for o in operands)
            value = gen.binop(e.op, a, ta, b, tb, e.span)
        else:
            value, _ = gen.expr(e)
        built = gen.build(Kind.EXPR, result=value, dest=dest) if tail is None else \
            gen.build(Kind.EXPR, tail=tail(gen, value))
        emit_fused(asm, built, span=e.span, argrepr=unparse(e), pops=pops, pushes=1)

    def fused_logic(self, e: n.And | n.Or, end: Label, tail: Tail | None = None) -> None:
        """`x OP y and ...` / `or`: the left comparison (or operator) fused with
        the short-circuit jump: when its value decides the result, it keeps it
        and jumps to `end` (bound by the caller after the right operand), or,
        with `tail`, ends with the tail instead; otherwise it falls through to
        the right operand."""
        left = e.left
        assert isinstance(left, n.Binary)
        operands = self.operands((left.left, left.right))
        asm = self.asm
        gen = self.gen()
        pops = sum(isinstance(o, SlotRef) for o in operands)
        (a, ta), (b, tb) = (gen.expr(o) for o in operands)
        value = gen.binop(left.op, a, ta, b, tb, left.span)
        is_or = isinstance(e, n.Or)
        word = "or" if is_or else "and"
        test = f"if {'not ' if is_or else ''}{value}:"
        if tail is not None:
            built = gen.build(Kind.BRANCH, tail=[test, "    return 1", *tail(gen, value)])
            emit_fused(asm, built, span=left.span,
                       argrepr=f"{unparse(left)} {word}; else next row", pops=pops)
            return
        dest = gen.cap(asm.next_slot - pops)
        built = gen.build(Kind.BRANCH, jump=True, tail=[
            test, "    return 1", f"s[{dest}] = {value}", "return off"])
        emit_fused(asm, built, span=left.span, label=end, argrepr=f"{unparse(left)} {word}",
                   pops=pops)

    def fused_return(self, s: n.Return) -> bool:
        """`return e` as one instruction when e is fusable, or a binary operator
        over operands computed into slots (`fib(n - 1) + fib(n - 2)`)."""
        asm = self.asm
        value = s.value if s.value is not None else n.Const(None, s.span)
        operands: list[n.Expr | SlotRef] = []
        if not self.fusable(value):
            if not isinstance(value, n.Binary):
                return False
            operands = self.operands((value.left, value.right))
        gen = self.gen()
        if operands:
            assert isinstance(value, n.Binary)
            (a, ta), (b, tb) = (gen.expr(o) for o in operands)
            result = gen.binop(value.op, a, ta, b, tb, value.span)
            ty = binary_type(value.op, ta, tb)
        else:
            result, ty = gen.expr(value)
        result = gen.check(result, ty, s.type, s.span)
        emit_fused(asm, gen.build(Kind.RETURN, tail=gen.return_tail(result)), span=s.span,
                   argrepr=f"return {unparse(value)}",
                   pops=sum(isinstance(o, SlotRef) for o in operands))
        return True

    def fused_call(self, e: n.CallFn) -> None:
        """A call as one instruction: its operands computed straight into the
        callee's new frame (those after the last nested call, inside it)."""
        asm = self.asm
        operands = self.operands(e.args)
        pops = sum(isinstance(o, SlotRef) for o in operands)
        gen = self.gen()
        values = [gen.expr(a)[0] for a in operands]
        dest, index = asm.next_slot - pops, e.index

        def build() -> Built:
            pad = self.sizes[index] - len(values)
            return gen.build(Kind.CALL, jump=True, tail=gen.call_tail(values, dest, e.span, pad))

        emit_fused_call(asm, build, nargs=len(values), entry=self.entries[index], span=e.span,
                        argrepr=f"{e.name}({', '.join(unparse(a) for a in e.args)})",
                        pops=pops, mutates=gen.mutates)
