"""Name resolution: the parsed tree -> a slot-addressed tree both engines run.

Every local gets its own slot in its function's frame (parameters first);
globals get an index in one table. All compile-time errors other than syntax
are found here, and the first in source order is reported."""

from __future__ import annotations

from dataclasses import dataclass, field

from vmscope.errors import CompileError, ErrorKind
from vmscope.lang import nodes as n
from vmscope.lang.builtins import BUILTINS
from vmscope.source import Span


@dataclass
class _FnScope:
    """Resolution state of one function body (or of the top level)."""

    is_main: bool
    scopes: list[dict[str, int]] = field(default_factory=list)
    slot_names: list[str] = field(default_factory=list)
    slot_types: dict[int, n.TypeName | None] = field(default_factory=dict)
    loops: int = 0
    ret_type: n.TypeName | None = None

    def new_slot(self, name: str, typ: n.TypeName | None = None) -> int:
        self.slot_names.append(name)
        slot = len(self.slot_names) - 1
        self.slot_types[slot] = typ
        return slot


class Resolver:
    def __init__(self) -> None:
        self.errors: list[CompileError] = []
        self.functions: dict[str, tuple[int, n.FnDecl]] = {}
        self.globals: dict[str, int] = {}
        self.global_types: dict[int, n.TypeName | None] = {}
        self.declared_globals: set[str] = set()
        self.fn: _FnScope = _FnScope(is_main=True)

    def error(self, kind: ErrorKind, message: str, span: Span) -> None:
        self.errors.append(CompileError(kind, message, span))

    # ---- program --------------------------------------------------------------------------

    def resolve(self, module: n.Module) -> n.ResolvedProgram:
        decls = [s for s in module.stmts if isinstance(s, n.FnDecl)]
        for decl in decls:
            if decl.name in BUILTINS:
                self.error(ErrorKind.SYNTAX, f"'{decl.name}' is a builtin function", decl.span)
            elif decl.name in self.functions:
                self.error(ErrorKind.SYNTAX, f"function '{decl.name}' is already declared",
                           decl.span)
            else:
                self.functions[decl.name] = (len(self.functions), decl)
        for stmt in module.stmts:
            if isinstance(stmt, n.Let):
                assert isinstance(stmt.target, n.Name)
                name = stmt.target.name
                if name not in self.globals:
                    index = len(self.globals)
                    self.globals[name] = index
                    self.global_types[index] = stmt.type

        main_scope = _FnScope(is_main=True)
        self.fn = main_scope
        main_scope.scopes.append({})  # the top level: globals live in self.globals
        body = tuple(self.statement(s) for s in module.stmts if not isinstance(s, n.FnDecl))
        main_block = n.Block(body, Span(1, 1, 1, 1), module.end)
        main = n.Function(-1, "<main>", (), None, main_block, len(main_scope.slot_names),
                          Span(1, 1, 1, 1), tuple(main_scope.slot_names))
        functions = tuple(self.function(index, decl) for index, decl in self.functions.values())
        if self.errors:
            raise min(self.errors, key=lambda e: (e.line, e.col))
        return n.ResolvedProgram(main, functions, tuple(self.globals))

    def function(self, index: int, decl: n.FnDecl) -> n.Function:
        self.fn = scope = _FnScope(is_main=False, ret_type=decl.ret_type)
        params: dict[str, int] = {}
        scope.scopes.append(params)
        for p in decl.params:
            if p.name in params:
                self.error(ErrorKind.SYNTAX, f"duplicate parameter '{p.name}'", p.span)
            params[p.name] = scope.new_slot(p.name, p.type)
        # Parameters and the body's top level share one scope.
        stmts = tuple(self.statement(s) for s in decl.body.stmts)
        body = n.Block(stmts, decl.body.span, decl.body.close)
        return n.Function(index, decl.name, decl.params, decl.ret_type, body,
                          len(scope.slot_names), decl.span, tuple(scope.slot_names))

    # ---- statements -----------------------------------------------------------------------

    def block(self, block: n.Block, scope: dict[str, int] | None = None) -> n.Block:
        self.fn.scopes.append(scope if scope is not None else {})
        stmts = tuple(self.statement(s) for s in block.stmts)
        self.fn.scopes.pop()
        return n.Block(stmts, block.span, block.close)

    def statement(self, s: n.Stmt) -> n.Stmt:
        if isinstance(s, n.ExprStmt):
            return n.ExprStmt(self.expr(s.expr), s.span)
        if isinstance(s, n.Let):
            return self.let(s)
        if isinstance(s, n.Assign):
            value = self.expr(s.value)
            assert isinstance(s.target, n.Name)
            target = self.variable(s.target)
            return n.Assign(target, s.op, value, s.op_span, s.span, self.declared_type(target))
        if isinstance(s, n.IndexAssign):
            return n.IndexAssign(self.expr(s.obj), self.expr(s.index), s.op, self.expr(s.value),
                                 s.bracket, s.op_span, s.span)
        if isinstance(s, n.If):
            conds = []
            blocks = []
            for cond, blk in zip(s.conds, s.blocks, strict=True):
                conds.append(self.expr(cond))
                blocks.append(self.block(blk))
            orelse = self.block(s.orelse) if s.orelse else None
            return n.If(tuple(conds), tuple(blocks), orelse, s.span)
        if isinstance(s, n.While):
            cond = self.expr(s.cond)
            self.fn.loops += 1
            body = self.block(s.body)
            self.fn.loops -= 1
            return n.While(cond, body, s.span)
        if isinstance(s, n.For):
            return self.for_(s)
        if isinstance(s, n.Return):
            if self.fn.is_main:
                self.error(ErrorKind.SYNTAX, "'return' outside a function", s.span)
            result = self.expr(s.value) if s.value is not None else None
            return n.Return(result, s.span, self.fn.ret_type)
        if isinstance(s, n.Break | n.Continue):
            if not self.fn.loops:
                word = "break" if isinstance(s, n.Break) else "continue"
                self.error(ErrorKind.SYNTAX, f"'{word}' outside a loop", s.span)
            return s
        if isinstance(s, n.FnDecl):  # only reachable for nested fns, which the parser rejects
            raise AssertionError("nested function")
        raise AssertionError(f"unknown statement {s!r}")

    def let(self, s: n.Let) -> n.Let:
        value = self.expr(s.value)
        assert isinstance(s.target, n.Name)
        name, span = s.target.name, s.target.span
        scope = self.fn.scopes[-1]
        target: n.Var
        if self.fn.is_main and len(self.fn.scopes) == 1:
            if name in self.declared_globals:
                self.error(ErrorKind.SYNTAX, f"'{name}' is already declared", span)
            self.declared_globals.add(name)
            target = n.Global(self.globals[name], name, span)
        else:
            if name in scope:
                self.error(ErrorKind.SYNTAX, f"'{name}' is already declared in this scope", span)
            slot = self.fn.new_slot(name, s.type)
            scope[name] = slot
            target = n.Local(slot, name, span)
        return n.Let(target, s.type, value, s.eq_span, s.span)

    def for_(self, s: n.For) -> n.Stmt:
        iterable = s.iterable
        is_range = isinstance(iterable, n.Call) and iterable.name == "range" \
            and 1 <= len(iterable.args) <= 3
        resolved_iter = self.expr(iterable)
        assert isinstance(s.var, n.Name)
        var_scope: dict[str, int] = {}
        self.fn.scopes.append(var_scope)
        slot = self.fn.new_slot(s.var.name)
        var_scope[s.var.name] = slot
        hidden = [self.fn.new_slot(f"<{what}>") for what in
                  (("next", "stop", "step") if is_range else ("seq", "index"))]
        self.fn.loops += 1
        body = self.block(s.body)
        self.fn.loops -= 1
        self.fn.scopes.pop()
        var = n.Local(slot, s.var.name, s.var.span)
        if is_range:
            assert isinstance(resolved_iter, n.CallBuiltin)
            return n.ForRange(var, resolved_iter.args, body, resolved_iter.span, s.span, *hidden)
        return n.For(var, resolved_iter, body, s.in_span, s.span, *hidden)

    # ---- expressions ----------------------------------------------------------------------

    def variable(self, name: n.Name) -> n.Var:
        for scope in reversed(self.fn.scopes):
            if name.name in scope:
                return n.Local(scope[name.name], name.name, name.span)
        if name.name in self.globals:
            return n.Global(self.globals[name.name], name.name, name.span)
        self.error(ErrorKind.NAME, f"name '{name.name}' is not defined", name.span)
        return name

    def declared_type(self, target: n.Var) -> n.TypeName | None:
        if isinstance(target, n.Local):
            return self.fn.slot_types.get(target.slot)
        if isinstance(target, n.Global):
            return self.global_types.get(target.index)
        return None

    def expr(self, e: n.Expr) -> n.Expr:
        if isinstance(e, n.Const):
            return e
        if isinstance(e, n.Name):
            return self.variable(e)
        if isinstance(e, n.Binary):
            return n.Binary(e.op, self.expr(e.left), self.expr(e.right), e.span)
        if isinstance(e, n.Call):
            args = tuple(self.expr(a) for a in e.args)
            if e.name in self.functions:
                index, decl = self.functions[e.name]
                if len(args) != len(decl.params):
                    self.error(ErrorKind.SYNTAX,
                               f"{e.name}() takes {len(decl.params)} argument"
                               f"{'' if len(decl.params) == 1 else 's'} but {len(args)} given",
                               e.span)
                return n.CallFn(index, e.name, args, e.span)
            if e.name in BUILTINS:
                return n.CallBuiltin(e.name, args, e.span)
            self.error(ErrorKind.NAME, f"function '{e.name}' is not defined", e.span)
            return e
        if isinstance(e, n.Index):
            return n.Index(self.expr(e.obj), self.expr(e.index), e.span)
        if isinstance(e, n.And):
            return n.And(self.expr(e.left), self.expr(e.right), e.span)
        if isinstance(e, n.Or):
            return n.Or(self.expr(e.left), self.expr(e.right), e.span)
        if isinstance(e, n.Not):
            return n.Not(self.expr(e.operand), e.span)
        if isinstance(e, n.Neg):
            return n.Neg(self.expr(e.operand), e.span)
        if isinstance(e, n.ListLit):
            return n.ListLit(tuple(self.expr(i) for i in e.items), e.span)
        raise AssertionError(f"unknown expression {e!r}")


def resolve(module: n.Module) -> n.ResolvedProgram:
    return Resolver().resolve(module)
