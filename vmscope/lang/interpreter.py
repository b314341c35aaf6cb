"""The reference AST interpreter: the oracle of the differential tests and the
baseline of the benchmarks, so it is a competent tree-walker: dispatch on the
node's class through a table built once, slot-addressed variables, no
exceptions for control flow. Guest calls recurse in Python; the engine runs on
a thread with a large stack (see vmscope.run) so 10,000 guest frames fit."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from vmscope.errors import ErrorKind, GuestError, StackEntry, limit_error
from vmscope.lang import nodes as n
from vmscope.lang.builtins import checked_range, print_line
from vmscope.lang.semantics import semantics
from vmscope.lang.values import (
    UNSET,
    Binary,
    Limits,
    check_type,
    get_index,
    neg,
    set_index,
    type_name,
)
from vmscope.source import Span

_BREAK = object()
_CONTINUE = object()
_RETURN = object()


def _at(err: GuestError, span: Span) -> GuestError:
    if err.span is None:
        err.span = span
    return err


class Interpreter:
    def __init__(self, program: n.ResolvedProgram, write: Callable[[str], Any],
                 limits: Limits, count_steps: bool = False) -> None:
        self.program = program
        self.write = write
        self.max_depth = limits.max_depth
        sem = semantics(limits)  # this run's operators and builtins
        self.binary = sem.ops.binary
        self.builtins = sem.builtins
        ev_binary, ex_assign = self._operator_handlers(sem.ops.binary)
        self.globals: list[Any] = [UNSET] * len(program.globals)
        self.frame: list[Any] = [None] * program.main.nslots
        self.calls: list[n.CallFn] = []  # the call each active frame is executing
        self.depth = 0
        self.deepest = 0
        self.retval: Any = None
        self.steps = 0
        self.stmt: n.Stmt | None = None
        self.functions = program.functions
        # Per function: the (slot, type, span) of each annotated parameter.
        self.param_checks = [tuple((slot, p.type, p.span) for slot, p in enumerate(f.params)
                                   if p.type is not None) for f in program.functions]
        ev: dict[type, Callable[[Any], Any]] = {
            n.Const: self.ev_const, n.Local: self.ev_local, n.Global: self.ev_global,
            n.Binary: ev_binary, n.And: self.ev_and, n.Or: self.ev_or, n.Not: self.ev_not,
            n.Neg: self.ev_neg, n.Index: self.ev_index, n.ListLit: self.ev_list,
            n.CallFn: self.ev_callfn, n.CallBuiltin: self.ev_builtin,
        }
        ex: dict[type, Callable[[Any], Any]] = {
            n.ExprStmt: self.ex_expr, n.Let: self.ex_let, n.Assign: ex_assign,
            n.IndexAssign: self.ex_index_assign, n.If: self.ex_if, n.While: self.ex_while,
            n.For: self.ex_for, n.ForRange: self.ex_for_range, n.Return: self.ex_return,
            n.Break: lambda s: _BREAK, n.Continue: lambda s: _CONTINUE,
        }
        if count_steps or limits.max_steps is not None:
            budget = limits.max_steps
            ev = {cls: self._counted(fn, budget, False) for cls, fn in ev.items()}
            ex = {cls: self._counted(fn, budget, True) for cls, fn in ex.items()}
        self.ev = ev
        self.ex = ex

    def _counted(self, fn: Callable[[Any], Any], budget: int | None,
                 is_stmt: bool) -> Callable[[Any], Any]:
        """Wrap a handler to count evaluated nodes (the AST engine's steps)."""
        limit = budget if budget is not None else -1

        def counted(node: Any) -> Any:
            self.steps += 1
            if is_stmt:
                self.stmt = node
            if self.steps == limit + 1:
                span = self.stmt.span if self.stmt is not None else node.span
                raise _at(limit_error(f"step limit of {limit} exceeded"), span)
            return fn(node)

        return counted

    def _operator_handlers(self, binary: Mapping[n.BinOp, Binary]
                           ) -> tuple[Callable[[n.Binary], Any], Callable[[n.Assign], Any]]:
        """The handlers of `a op b` and `x op= v`, the run's operator table in
        a closure cell: the hottest reads of a tree-walk, and a cell is read
        faster than an attribute of self."""

        def ev_binary(e: n.Binary) -> Any:
            left, right = e.left, e.right
            ev = self.ev
            a = ev[left.__class__](left)
            b = ev[right.__class__](right)
            try:
                return binary[e.op](a, b)
            except GuestError as err:
                raise _at(err, e.span) from None

        def ex_assign(s: n.Assign) -> Any:
            target = s.target
            ev = self.ev
            if s.op is None:
                value = ev[s.value.__class__](s.value)
            else:
                old = ev[target.__class__](target)
                rhs = ev[s.value.__class__](s.value)
                try:
                    value = binary[s.op](old, rhs)
                except GuestError as err:
                    raise _at(err, s.op_span) from None
            if s.type is not None:
                try:
                    value = check_type(value, s.type)
                except GuestError as err:
                    raise _at(err, s.op_span) from None
            self.store(target, value, True)

        return ev_binary, ex_assign

    # ---- running --------------------------------------------------------------------------

    def run(self) -> None:
        """Run <main>; a GuestError leaves with its guest stack filled in."""
        try:
            self.exec_block(self.program.main.body.stmts)
        except GuestError as err:
            err.stack = self.stack_at(err)
            raise

    def stack_at(self, err: GuestError) -> list[StackEntry]:
        names = ["<main>", *(c.name for c in self.calls)]
        spans = [c.span for c in self.calls]
        spans.append(err.span or Span(0, 0, 0, 0))
        return [StackEntry(name, span) for name, span in zip(names, spans, strict=True)]

    def exec_block(self, stmts: tuple[n.Stmt, ...]) -> Any:
        ex = self.ex
        for s in stmts:
            signal = ex[s.__class__](s)
            if signal is not None:
                return signal
        return None

    # ---- expressions ----------------------------------------------------------------------

    def ev_const(self, e: n.Const) -> Any:
        return e.value

    def ev_local(self, e: n.Local) -> Any:
        return self.frame[e.slot]

    def ev_global(self, e: n.Global) -> Any:
        value = self.globals[e.index]
        if value is UNSET:
            raise GuestError(ErrorKind.NAME, f"global '{e.name}' is used before its let ran",
                             e.span)
        return value

    def ev_and(self, e: n.And) -> Any:
        a = self.ev[e.left.__class__](e.left)
        return self.ev[e.right.__class__](e.right) if a else a

    def ev_or(self, e: n.Or) -> Any:
        a = self.ev[e.left.__class__](e.left)
        return a if a else self.ev[e.right.__class__](e.right)

    def ev_not(self, e: n.Not) -> Any:
        return not self.ev[e.operand.__class__](e.operand)

    def ev_neg(self, e: n.Neg) -> Any:
        a = self.ev[e.operand.__class__](e.operand)
        try:
            return neg(a)
        except GuestError as err:
            raise _at(err, e.span) from None

    def ev_index(self, e: n.Index) -> Any:
        obj = self.ev[e.obj.__class__](e.obj)
        i = self.ev[e.index.__class__](e.index)
        try:
            return get_index(obj, i)
        except GuestError as err:
            raise _at(err, e.span) from None

    def ev_list(self, e: n.ListLit) -> Any:
        ev = self.ev
        return [ev[item.__class__](item) for item in e.items]

    def ev_builtin(self, e: n.CallBuiltin) -> Any:
        ev = self.ev
        args = [ev[a.__class__](a) for a in e.args]
        if e.name == "print":
            self.write(print_line(args))
            return None
        try:
            return self.builtins[e.name](args)
        except GuestError as err:
            raise _at(err, e.span) from None

    def ev_callfn(self, e: n.CallFn) -> Any:
        ev = self.ev
        args = [ev[a.__class__](a) for a in e.args]
        if self.depth >= self.max_depth:
            raise GuestError(ErrorKind.RECURSION,
                             f"maximum call depth of {self.max_depth} exceeded", e.span)
        fn = self.functions[e.index]
        caller = self.frame
        frame = args + [UNSET] * (fn.nslots - len(args))
        self.frame = frame
        self.calls.append(e)
        self.depth += 1
        if self.depth > self.deepest:
            self.deepest = self.depth
        for slot, declared, span in self.param_checks[e.index]:
            try:
                frame[slot] = check_type(frame[slot], declared)
            except GuestError as err:
                raise _at(err, span) from None
        if self.exec_block(fn.body.stmts) is _RETURN:
            result = self.retval
        else:
            result = None
            if fn.ret_type is not None:
                try:
                    check_type(None, fn.ret_type)
                except GuestError as err:
                    raise _at(err, fn.body.close) from None
        self.depth -= 1
        self.calls.pop()
        self.frame = caller
        return result

    # ---- statements -----------------------------------------------------------------------

    def ex_expr(self, s: n.ExprStmt) -> Any:
        self.ev[s.expr.__class__](s.expr)

    def store(self, target: n.Var, value: Any, check_defined: bool) -> None:
        if target.__class__ is n.Local:
            self.frame[target.slot] = value
        else:
            assert isinstance(target, n.Global)
            if check_defined and self.globals[target.index] is UNSET:
                raise GuestError(ErrorKind.NAME,
                                 f"global '{target.name}' is used before its let ran",
                                 target.span)
            self.globals[target.index] = value

    def ex_let(self, s: n.Let) -> Any:
        value = self.ev[s.value.__class__](s.value)
        if s.type is not None:
            try:
                value = check_type(value, s.type)
            except GuestError as err:
                raise _at(err, s.eq_span) from None
        self.store(s.target, value, False)

    def ex_index_assign(self, s: n.IndexAssign) -> Any:
        ev = self.ev
        obj = ev[s.obj.__class__](s.obj)
        i = ev[s.index.__class__](s.index)
        if s.op is None:
            value = ev[s.value.__class__](s.value)
        else:
            try:
                old = get_index(obj, i)
            except GuestError as err:
                raise _at(err, s.bracket) from None
            rhs = ev[s.value.__class__](s.value)
            try:
                value = self.binary[s.op](old, rhs)
            except GuestError as err:
                raise _at(err, s.op_span) from None
        try:
            set_index(obj, i, value)
        except GuestError as err:
            raise _at(err, s.bracket) from None

    def ex_if(self, s: n.If) -> Any:
        ev = self.ev
        for cond, block in zip(s.conds, s.blocks, strict=True):
            if ev[cond.__class__](cond):
                return self.exec_block(block.stmts)
        if s.orelse is not None:
            return self.exec_block(s.orelse.stmts)
        return None

    def ex_while(self, s: n.While) -> Any:
        cond = s.cond
        test = self.ev[cond.__class__]
        body = s.body.stmts
        exec_block = self.exec_block
        while test(cond):
            signal = exec_block(body)
            if signal is not None:
                if signal is _BREAK:
                    break
                if signal is _RETURN:
                    return signal
        return None

    def ex_for_range(self, s: n.ForRange) -> Any:
        ev = self.ev
        args = [ev[a.__class__](a) for a in s.args]
        try:
            numbers = checked_range(args)
        except GuestError as err:
            raise _at(err, s.range_span) from None
        frame = self.frame
        slot = s.var.slot
        body = s.body.stmts
        exec_block = self.exec_block
        for i in numbers:
            frame[slot] = i
            signal = exec_block(body)
            if signal is not None:
                if signal is _BREAK:
                    break
                if signal is _RETURN:
                    return signal
        return None

    def ex_for(self, s: n.For) -> Any:
        seq = self.ev[s.iterable.__class__](s.iterable)
        if type(seq) is not list and type(seq) is not str:
            raise GuestError(ErrorKind.TYPE, f"cannot iterate over {type_name(seq)}", s.in_span)
        frame = self.frame
        slot = s.var.slot  # type: ignore[union-attr]
        body = s.body.stmts
        exec_block = self.exec_block
        i = 0
        while i < len(seq):
            frame[slot] = seq[i]
            i += 1
            signal = exec_block(body)
            if signal is not None:
                if signal is _BREAK:
                    break
                if signal is _RETURN:
                    return signal
        return None

    def ex_return(self, s: n.Return) -> Any:
        value = None if s.value is None else self.ev[s.value.__class__](s.value)
        if s.type is not None:
            try:
                value = check_type(value, s.type)
            except GuestError as err:
                raise _at(err, s.span) from None
        self.retval = value
        return _RETURN

