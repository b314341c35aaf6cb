"""The resolved tree -> a CompiledCode.

Values live at static slots: the compiler knows the stack depth at every
instruction, so a "push" is a store to slot `base + depth` of the frame,
fixed when the closure is made; no stack pointer exists at run time.

Levels: -O0 emits one generic closure per operation (every push visible to
the debugger). -O1 adds static type specialisation and superinstructions: an
operator whose operands are constants or variables is one instruction,
folded into the store or the branch that consumes it. -O2 makes every
call-free expression or simple statement a single generated instruction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vmscope.compiler import arith, calls, control, data
from vmscope.compiler.assembler import Assembler, CompileBug, Label
from vmscope.compiler.fusion import LEAVES, MAX_LOGIC_DEPTH, Fusion, Tail, logic_depth
from vmscope.compiler.infer import infer
from vmscope.compiler.unparse import unparse
from vmscope.lang import nodes as n
from vmscope.lang.values import display
from vmscope.vm.opcodes import Op
from vmscope.vm.program import CompiledCode, FunctionInfo

LEVELS = (0, 1, 2)

@dataclass
class _Loop:
    top: Label
    end: Label


class Compiler(Fusion):
    def __init__(self, program: n.ResolvedProgram, level: int = 0) -> None:
        if level not in LEVELS:
            raise ValueError(f"no optimisation level {level}")
        self.program = program
        self.level = level
        self.types = infer(program) if level else None
        self.fn_index = -1  # the resolver's index of the function being compiled
        self.set_globals: set[int] = set()  # globals certainly assigned at this point
        self._fusable: dict[n.Expr, bool] = {}  # nodes hash by identity
        self.asm = Assembler()
        self.loops: list[_Loop] = []
        count = len(program.functions)
        self.entries = [Label(f.name) for f in program.functions]
        self.sizes = [0] * count  # frame sizes, known once each function is compiled
        self.infos: list[FunctionInfo | None] = [None] * (count + 1)

    def compile(self) -> CompiledCode:
        main = self.program.main
        self.function(main, count_index=len(self.program.functions))
        for fn in self.program.functions:
            self.function(fn, count_index=fn.index)
        self.asm.finish()
        infos = [i for i in self.infos if i is not None]
        return CompiledCode(self.asm.code, self.asm.instrs, infos, 0, self.program.globals)

    def function(self, fn: n.Function, count_index: int) -> None:
        asm = self.asm
        self.fn_index = fn.index
        asm.begin_function(count_index, fn.nslots)
        entry = len(asm.code)
        if fn.index >= 0:
            asm.bind(self.entries[fn.index], 0)
            for slot, param in enumerate(fn.params):
                if param.type is not None:
                    asm.stmt = param.span
                    asm.emit(Op.CHECK_TYPE, data.make_check_type, slot, param.type,
                             span=param.span, argrepr=f"{param.name}: {param.type.value}")
        self.set_globals = set()
        self.scope_start: dict[int, int] = dict.fromkeys(range(len(fn.params)), entry)
        self.scope_end: dict[int, int] = {}
        self.block(fn.body, main_top=fn.index < 0)
        asm.stmt = fn.body.close
        if fn.index < 0:
            asm.emit(Op.HALT, calls.make_halt, span=fn.body.close)
        elif not (fn.body.stmts and isinstance(fn.body.stmts[-1], n.Return)):
            # The implicit `return null` (unreachable after a final return).
            self.const(None, fn.body.close)
            if fn.ret_type is not None:
                self.check_type(fn.ret_type, fn.body.close)
            asm.emit(Op.RETURN, calls.make_return, asm.top, span=fn.body.close, pops=1)
        nslots = fn.nslots + asm.max_depth
        if fn.index >= 0:
            self.sizes[fn.index] = nslots
        end = len(asm.code)
        scopes = tuple((self.scope_start.get(slot, 0), self.scope_end.get(slot, end))
                       if slot in self.scope_start else (0, 0) for slot in range(fn.nslots))
        self.infos[count_index] = FunctionInfo(
            count_index, fn.name, entry, end, fn.nslots, nslots, fn.slot_names,
            len(fn.params), fn.span, scopes)

    # ---- statements -----------------------------------------------------------------------

    def block(self, block: n.Block, main_top: bool = False) -> None:
        declared: list[int] = []
        for s in block.stmts:
            self.asm.stmt = s.span
            self.statement(s)
            if isinstance(s, n.Let) and isinstance(s.target, n.Local):
                # In scope from the statement after the let to the block's end.
                declared.append(s.target.slot)
                self.scope_start[s.target.slot] = len(self.asm.code)
            if main_top and isinstance(s, n.Let) and isinstance(s.target, n.Global):
                # <main> runs its top level in order: from here on this global is set.
                self.set_globals.add(s.target.index)
            if self.asm.depth:
                raise CompileBug(f"bad compilation: stack depth {self.asm.depth} after "
                                 f"the statement at {s.span}")
        for slot in declared:
            self.scope_end[slot] = len(self.asm.code)

    def loop_var_scope(self, slot: int, start: int) -> None:
        """A for variable is in scope from its loop's first instruction on."""
        self.scope_start[slot] = start
        self.scope_end[slot] = len(self.asm.code)

    def statement(self, s: n.Stmt) -> None:
        asm = self.asm
        if self.level and self.fusable_stmt(s):
            self.fused_stmt(s)
        elif self.level and self.store_after_call(s):
            pass
        elif isinstance(s, n.ExprStmt):
            self.expr(s.expr)
            asm.drop()
        elif isinstance(s, n.Let):
            self.expr(s.value)
            if s.type is not None:
                self.check_type(s.type, s.eq_span)
            self.store(s.target, define=True)
        elif isinstance(s, n.Assign):
            if s.op is not None:
                self.expr(s.target)
                self.expr(s.value)
                self.binary(s.op, s.op_span)
            else:
                self.expr(s.value)
            if s.type is not None:
                self.check_type(s.type, s.op_span)
            self.store(s.target, define=False)
        elif isinstance(s, n.IndexAssign):
            self.index_assign(s)
        elif isinstance(s, n.If):
            self.if_(s)
        elif isinstance(s, n.While):
            self.while_(s)
        elif isinstance(s, n.ForRange | n.For):
            start = len(asm.code)
            if isinstance(s, n.ForRange):
                self.for_range(s)
            else:
                self.for_(s)
            assert isinstance(s.var, n.Local)
            self.loop_var_scope(s.var.slot, start)
        elif isinstance(s, n.Return):
            if self.level and self.fused_return(s):
                return
            if s.value is None:
                self.const(None, s.span)
            else:
                self.expr(s.value)
            if s.type is not None:
                self.check_type(s.type, s.span)
            asm.emit(Op.RETURN, calls.make_return, asm.top, span=s.span, pops=1)
        elif isinstance(s, n.Break):
            asm.emit(Op.JUMP, control.make_jump, span=s.span, label=self.loops[-1].end,
                     argrepr="break")
        elif isinstance(s, n.Continue):
            asm.emit(Op.JUMP, control.make_jump, span=s.span, label=self.loops[-1].top,
                     argrepr="continue")
        else:
            raise CompileBug(f"cannot compile {type(s).__name__}")

    def store(self, target: n.Var, define: bool) -> None:
        asm = self.asm
        if isinstance(target, n.Local):
            asm.emit(Op.STORE_LOCAL, data.make_store_local, asm.top, target.slot,
                     span=target.span, argrepr=target.name, pops=1)
        elif isinstance(target, n.Global):
            if define:
                asm.emit(Op.DEFINE_GLOBAL, data.make_define_global, asm.top, target.index,
                         span=target.span, argrepr=target.name, pops=1)
            else:
                asm.emit(Op.STORE_GLOBAL, data.make_store_global, asm.top, target.index,
                         target.name, span=target.span, argrepr=target.name, pops=1)
        else:
            raise CompileBug("unresolved assignment target")

    def check_type(self, declared: n.TypeName, span: n.Span) -> None:
        self.asm.emit(Op.CHECK_TYPE, data.make_check_type, self.asm.top, declared, span=span,
                      argrepr=declared.value)

    def index_assign(self, s: n.IndexAssign) -> None:
        asm = self.asm
        self.expr(s.obj)
        self.expr(s.index)
        if s.op is not None:
            asm.emit(Op.INDEX_KEEP, data.make_index_keep, asm.top - 1, span=s.bracket,
                     pushes=1)
            self.expr(s.value)
            self.binary(s.op, s.op_span)
        else:
            self.expr(s.value)
        asm.emit(Op.STORE_INDEX, data.make_store_index, asm.top - 2, span=s.bracket, pops=3)

    def if_(self, s: n.If) -> None:
        asm = self.asm
        end = Label("endif")
        for cond, block in zip(s.conds, s.blocks, strict=True):
            nxt = Label("else")
            self.branch_unless(cond, nxt)
            self.block(block)
            if cond is not s.conds[-1] or s.orelse is not None:
                asm.emit(Op.JUMP, control.make_jump, span=block.close, label=end)
            asm.bind(nxt, 0)
        if s.orelse is not None:
            self.block(s.orelse)
        asm.bind(end, 0)

    def branch_unless(self, cond: n.Expr, label: Label) -> None:
        """Jump to `label` when `cond` is falsy; fused with the test from -O1."""
        asm = self.asm
        if self.level and self.fusable(cond):
            gen = self.gen()
            value, _ = gen.expr(cond)
            factory, args, family = gen.build("branch", result=value, jump=True)
            asm.emit(Op.BRANCH, lambda ip, off, *a: factory(off, *a), *args, span=cond.span,
                     label=label, argrepr=f"unless {unparse(cond)}", shape=family)
            return
        self.expr(cond)
        asm.emit(Op.JUMP_IF_FALSE, control.make_jump_if_false, asm.top, span=cond.span,
                 pops=1, label=label)

    # ---- fusion (-O1, -O2) ----------------------------------------------------------------

    def loop_body(self, body: n.Block, top: Label, end: Label) -> None:
        self.loops.append(_Loop(top, end))
        self.block(body)
        self.loops.pop()
        self.asm.emit(Op.JUMP, control.make_jump, span=body.close, label=top, argrepr="loop")
        self.asm.bind(end, 0)

    def rotated(self, body: n.Block, test: Label, emit_test: Callable[[Label], object],
                span: n.Span) -> None:
        """-O1 and up: the loop test sits after the body and jumps back while it
        holds, so an iteration costs the body plus one dispatch:
        `jump test; top: body; test: if more goto top; end:`."""
        asm = self.asm
        top, end = Label("top"), Label("end")
        asm.emit(Op.JUMP, control.make_jump, span=span, label=test, argrepr="to loop test")
        asm.bind(top, 0)
        self.loops.append(_Loop(test, end))
        self.block(body)
        self.loops.pop()
        asm.bind(test, 0)
        emit_test(top)
        asm.bind(end, 0)

    def while_(self, s: n.While) -> None:
        asm = self.asm
        if self.level and self.fusable(s.cond):
            def test(top: Label) -> None:
                gen = self.gen()
                value, _ = gen.expr(s.cond)
                factory, args, family = gen.build("branch", result=value, jump=True,
                                                  when_true=True)
                asm.emit(Op.BRANCH, lambda ip, off, *a: factory(off, *a), *args,
                         span=s.cond.span, label=top, argrepr=f"while {unparse(s.cond)}",
                         shape=family)

            self.rotated(s.body, Label("while"), test, s.cond.span)
            return
        top, end = Label("while"), Label("endwhile")
        asm.bind(top, 0)
        self.branch_unless(s.cond, end)
        self.loop_body(s.body, top, end)

    def for_range(self, s: n.ForRange) -> None:
        asm = self.asm
        for a in s.args:
            self.expr(a)
        nargs = len(s.args)
        asm.emit(Op.FOR_RANGE_INIT, control.make_for_range_init, asm.top - nargs + 1, nargs,
                 s.counter, span=s.range_span, pops=nargs, argrepr=f"range/{nargs}")
        if self.level:
            self.rotated(s.body, Label("next"), lambda top: asm.emit(
                Op.FOR_RANGE_LOOP, control.make_for_range_loop, s.var.slot, s.counter,
                span=s.span, label=top, argrepr=s.var.name), s.span)
            return
        top, end = Label("for"), Label("endfor")
        asm.bind(top, 0)
        asm.emit(Op.FOR_RANGE_NEXT, control.make_for_range_next, s.var.slot, s.counter,
                 span=s.span, label=end, argrepr=s.var.name)
        self.loop_body(s.body, top, end)

    def for_(self, s: n.For) -> None:
        asm = self.asm
        self.expr(s.iterable)
        assert isinstance(s.var, n.Local)
        asm.emit(Op.FOR_ITER_INIT, control.make_for_iter_init, asm.top, s.seq, span=s.in_span,
                 pops=1)
        if self.level:
            var = s.var
            self.rotated(s.body, Label("next"), lambda top: asm.emit(
                Op.FOR_ITER_LOOP, control.make_for_iter_loop, var.slot, s.seq, span=s.span,
                label=top, argrepr=var.name), s.span)
            return
        top, end = Label("for"), Label("endfor")
        asm.bind(top, 0)
        asm.emit(Op.FOR_ITER_NEXT, control.make_for_iter_next, s.var.slot, s.seq, span=s.span,
                 label=end, argrepr=s.var.name)
        self.loop_body(s.body, top, end)

    # ---- expressions ----------------------------------------------------------------------

    def const(self, value: object, span: n.Span) -> None:
        argrepr = repr(value) if isinstance(value, str) else display(value)
        self.asm.emit(Op.CONST, data.make_const, self.asm.next_slot, value, span=span,
                      argrepr=argrepr, pushes=1)

    def binary(self, op: n.BinOp, span: n.Span) -> None:
        asm = self.asm
        asm.emit(arith.binary_op(op), arith.BINARY_FACTORIES[op], asm.top - 1, span=span,
                 pops=2, pushes=1)

    def expr(self, e: n.Expr, tail: Tail | None = None) -> bool:
        """Compile `e` into the next slot. With `tail` (-O1/-O2), the fused
        instruction that computes the value last ends with `tail`'s lines
        instead of storing it and falling through; True if one did."""
        asm = self.asm
        if self.level and not isinstance(e, LEAVES):
            if self.fusable(e):
                self.fused_expr(e, tail=tail)
                return tail is not None
            if isinstance(e, n.Binary):
                self.fused_expr(e, self.operands((e.left, e.right)), tail)
                return tail is not None
            if isinstance(e, n.And | n.Or) and self.fusable(e.left) and \
                    self.fusable(e.right) and logic_depth(e) <= MAX_LOGIC_DEPTH:
                self.fused_expr(e, tail=tail)  # short-circuit inside one instruction
                return tail is not None
        if isinstance(e, n.Const):
            self.const(e.value, e.span)
        elif isinstance(e, n.Local):
            asm.emit(Op.LOAD_LOCAL, data.make_load_local, asm.next_slot, e.slot, span=e.span,
                     argrepr=e.name, pushes=1)
        elif isinstance(e, n.Global):
            asm.emit(Op.LOAD_GLOBAL, data.make_load_global, asm.next_slot, e.index, e.name,
                     span=e.span, argrepr=e.name, pushes=1)
        elif isinstance(e, n.Binary):
            self.expr(e.left)
            self.expr(e.right)
            self.binary(e.op, e.span)
        elif isinstance(e, n.And | n.Or):
            end = Label("and" if isinstance(e, n.And) else "or")
            if self.level and isinstance(e.left, n.Binary):
                self.fused_logic(e, end, tail)  # compare-and-branch
                consumed = self.expr(e.right, tail)
                asm.bind(end)
                return consumed
            self.expr(e.left)
            op, factory = (Op.JUMP_IF_FALSE_OR_POP, control.make_jump_if_false_or_pop) \
                if isinstance(e, n.And) else \
                (Op.JUMP_IF_TRUE_OR_POP, control.make_jump_if_true_or_pop)
            asm.emit(op, factory, asm.top, span=e.span, pops=1, label=end)
            self.expr(e.right)
            asm.bind(end)
        elif isinstance(e, n.Not):
            self.expr(e.operand)
            asm.emit(Op.NOT, arith.make_not, asm.top, span=e.span, pops=1, pushes=1)
        elif isinstance(e, n.Neg):
            self.expr(e.operand)
            asm.emit(Op.NEG, arith.make_neg, asm.top, span=e.span, pops=1, pushes=1)
        elif isinstance(e, n.Index):
            self.expr(e.obj)
            self.expr(e.index)
            asm.emit(Op.INDEX, data.make_index, asm.top - 1, span=e.span, pops=2, pushes=1)
        elif isinstance(e, n.ListLit):
            for item in e.items:
                self.expr(item)
            count = len(e.items)
            asm.emit(Op.BUILD_LIST, data.make_build_list, asm.next_slot - count, count,
                     span=e.span, argrepr=str(count), pops=count, pushes=1)
        elif isinstance(e, n.CallFn):
            self.call(e)
        elif isinstance(e, n.CallBuiltin):
            for a in e.args:
                self.expr(a)
            count = len(e.args)
            k = asm.next_slot - count
            if e.name == "print":
                asm.emit(Op.PRINT, calls.make_print, k, count, span=e.span,
                         argrepr=f"print/{count}", pops=count, pushes=1)
            else:
                asm.emit(Op.CALL_BUILTIN, calls.make_call_builtin, k, count, e.name,
                         span=e.span, argrepr=f"{e.name}/{count}", pops=count, pushes=1)
        else:
            raise CompileBug(f"cannot compile {type(e).__name__}")
        return False

    def call(self, e: n.CallFn) -> None:
        asm = self.asm
        if self.level:
            self.fused_call(e)
            return
        for a in e.args:
            self.expr(a)
        count = len(e.args)
        asm.emit(Op.CALL, calls.make_call, asm.next_slot - count, count, self.sizes, e.index,
                 span=e.span, argrepr=f"{e.name}/{count}", pops=count, pushes=1,
                 label=self.entries[e.index])


def compile_program(program: n.ResolvedProgram, level: int = 0) -> CompiledCode:
    return Compiler(program, level).compile()
