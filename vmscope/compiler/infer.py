"""Static types for specialisation: what every variable can ever hold.

Flow-insensitive and sound: a variable's type is the join of the types of
everything ever bound to it (an annotation fixes it outright, since bindings
are checked), found by fixpoint iteration. A type is a Python class (int,
float, str, bool, NoneType, list) or None for "unknown". Globals may still be
unset at run time; their type says what they hold once set."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from vmscope.lang import nodes as n

Ty = type | None
NULL = type(None)
_DECLARED: dict[n.TypeName, Ty] = {
    n.TypeName.INT: int, n.TypeName.FLOAT: float, n.TypeName.STR: str,
    n.TypeName.BOOL: bool, n.TypeName.LIST: list, n.TypeName.ANY: None,
}
_BOTTOM = object  # "nothing bound yet" during the fixpoint
_BUILTIN_RESULT: dict[str, Ty] = {
    "len": int, "str": str, "int": int, "float": float, "sqrt": float, "floor": int,
    "type": str, "range": list, "push": NULL, "print": NULL,
}
_ARITH = {n.BinOp.ADD, n.BinOp.SUB, n.BinOp.MUL}


def declared(t: n.TypeName | None) -> Ty:
    return _DECLARED[t] if t is not None else None


def join(a: Ty | type[object], b: Ty | type[object]) -> Ty | type[object]:
    if a is _BOTTOM:
        return b
    if b is _BOTTOM or a is b:
        return a
    return None


def binary_type(op: n.BinOp, a: Ty, b: Ty) -> Ty:
    """The result type of `a op b` when it does not fail."""
    if a is _BOTTOM or b is _BOTTOM:
        return _BOTTOM
    if op >= n.BinOp.EQ:
        return bool
    if op is n.BinOp.DIV:
        return float
    if a is int and b is int:
        return int if op is not n.BinOp.POW else None
    nums = (int, float)
    if a in nums and b in nums and op is not n.BinOp.POW:
        return float
    if op is n.BinOp.ADD and a is b and a in (str, list):
        return a
    return None


@dataclass
class Types:
    """Per function index (-1 for <main>): slot -> type; and global -> type.
    `writes[f]` holds the globals a call of f may assign (through its callees
    too), so a global read can move past a call that cannot change it."""

    locals: dict[int, dict[int, Ty]] = field(default_factory=dict)
    globals: dict[int, Ty] = field(default_factory=dict)
    returns: dict[int, Ty] = field(default_factory=dict)
    writes: dict[int, set[int]] = field(default_factory=dict)

    def calls_may_write(self, e: n.Expr, index: int) -> bool:
        """Could evaluating `e` assign global `index` (through a call)?"""
        return any(index in self.writes.get(call, set()) for call in _calls_in(e))

    def of_var(self, func: int, var: n.Expr) -> Ty:
        if isinstance(var, n.Local):
            t = self.locals.get(func, {}).get(var.slot)
        elif isinstance(var, n.Global):
            t = self.globals.get(var.index)
        else:
            return None
        return t

    def of(self, func: int, e: n.Expr) -> Ty:
        if isinstance(e, n.Const):
            return type(e.value)
        if isinstance(e, n.Local | n.Global):
            return self.of_var(func, e)
        if isinstance(e, n.Binary):
            return binary_type(e.op, self.of(func, e.left), self.of(func, e.right))
        if isinstance(e, n.Not):
            return bool
        if isinstance(e, n.Neg):
            t = self.of(func, e.operand)
            return t if t in (int, float, _BOTTOM) else None
        if isinstance(e, n.And | n.Or):
            return join(self.of(func, e.left), self.of(func, e.right))
        if isinstance(e, n.Index):
            return str if self.of(func, e.obj) is str else None
        if isinstance(e, n.ListLit):
            return list
        if isinstance(e, n.CallBuiltin):
            if e.name == "abs" and len(e.args) == 1:
                t = self.of(func, e.args[0])
                return t if t in (int, float, _BOTTOM) else None
            return _BUILTIN_RESULT.get(e.name)
        if isinstance(e, n.CallFn):
            return self.returns.get(e.index)
        return None


def _bindings(fn: n.Function) -> Iterator[tuple[n.Expr, n.Expr | None, n.TypeName | None,
                                                   n.Stmt]]:
    """(target, bound expression or None if unknowable, annotation, statement)."""

    def walk(stmts: tuple[n.Stmt, ...]) -> Iterator[tuple[n.Expr, n.Expr | None,
                                                          n.TypeName | None, n.Stmt]]:
        for s in stmts:
            if isinstance(s, n.Let | n.Assign):
                yield s.target, s.value, s.type, s
            elif isinstance(s, n.If):
                for b in s.blocks:
                    yield from walk(b.stmts)
                if s.orelse:
                    yield from walk(s.orelse.stmts)
            elif isinstance(s, n.While):
                yield from walk(s.body.stmts)
            elif isinstance(s, n.ForRange):
                yield s.var, n.Const(0, s.span), None, s
                yield from walk(s.body.stmts)
            elif isinstance(s, n.For):
                yield s.var, None, None, s
                yield from walk(s.body.stmts)

    yield from walk(fn.body.stmts)


def _calls_in(e: n.Expr) -> Iterator[int]:
    if isinstance(e, n.CallFn):
        yield e.index
    for child in n.children(e):
        yield from _calls_in(child)




def _stmt_exprs(s: n.Stmt) -> Iterator[n.Expr]:
    """Every expression a statement (and the statements inside it) evaluates."""
    if isinstance(s, n.Let | n.Assign):
        yield s.value
    elif isinstance(s, n.IndexAssign):
        yield from (s.obj, s.index, s.value)
    elif isinstance(s, n.ExprStmt):
        yield s.expr
    elif isinstance(s, n.Return) and s.value is not None:
        yield s.value
    elif isinstance(s, n.If):
        yield from s.conds
    elif isinstance(s, n.While):
        yield s.cond
    elif isinstance(s, n.For):
        yield s.iterable
    elif isinstance(s, n.ForRange):
        yield from s.args
    for block in _blocks(s):
        for inner in block.stmts:
            yield from _stmt_exprs(inner)


def _blocks(s: n.Stmt) -> tuple[n.Block, ...]:
    if isinstance(s, n.If):
        return (*s.blocks, *((s.orelse,) if s.orelse else ()))
    if isinstance(s, n.While | n.For | n.ForRange):
        return (s.body,)
    return ()


def _global_writes(program: n.ResolvedProgram) -> dict[int, set[int]]:
    direct: dict[int, set[int]] = {}
    callees: dict[int, set[int]] = {}
    for fn in program.functions:
        direct[fn.index] = {target.index for target, _, _, _ in _bindings(fn)
                            if isinstance(target, n.Global)}
        callees[fn.index] = {c for s in fn.body.stmts for e in _stmt_exprs(s)
                             for c in _calls_in(e)}
    changed = True
    while changed:
        changed = False
        for f, called in callees.items():
            for c in called:
                if not direct[c] <= direct[f]:
                    direct[f] |= direct[c]
                    changed = True
    return direct


def infer(program: n.ResolvedProgram) -> Types:
    types = Types()
    types.writes = _global_writes(program)
    functions = [program.main, *program.functions]
    for fn in functions:
        slots: dict[int, Ty] = {i: _BOTTOM for i in range(fn.nslots)}
        for i, p in enumerate(fn.params):
            slots[i] = declared(p.type) if p.type is not None else None
        types.locals[fn.index] = slots
    types.globals = {i: _BOTTOM for i in range(len(program.globals))}
    for f in program.functions:
        types.returns[f.index] = declared(f.ret_type)
    changed = True
    while changed:
        changed = False
        for fn in functions:
            for target, value, annotation, stmt in _bindings(fn):
                if annotation is not None:
                    t: Ty | type[object] = declared(annotation)
                elif value is None:
                    t = None
                elif isinstance(stmt, n.Assign) and stmt.op is not None:
                    t = binary_type(stmt.op, types.of(fn.index, target),
                                    types.of(fn.index, value))
                else:
                    t = types.of(fn.index, value)
                if isinstance(target, n.Local):
                    table, key = types.locals[fn.index], target.slot
                else:
                    assert isinstance(target, n.Global)
                    table, key = types.globals, target.index
                new = join(table[key], t)
                if new is not table[key]:
                    table[key] = new
                    changed = True
    for table in (*types.locals.values(), types.globals):
        for key, t in table.items():
            if t is _BOTTOM:
                table[key] = None  # never bound (dead code): nothing to assume
    return types
