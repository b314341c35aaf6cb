"""The resolved tree -> a CompiledCode.

Values live at static slots: the compiler knows the stack depth at every
instruction, so a "push" is a store to slot `base + depth` of the frame,
fixed when the closure is made; no stack pointer exists at run time.

Levels: -O0 emits one generic closure per operation (every push visible to
the debugger). -O1 adds static type specialisation and superinstructions: an
operator whose operands are constants or variables is one instruction,
folded into the store or the branch that consumes it. -O2 makes every
call-free expression or simple statement a single generated instruction.

The code is compiled for one Semantics (a run's operators, builtins and
bounds, which the closures capture) and runs only under those bounds. Every
instruction goes through its kind's emitter (arith, control, calls, data,
fused): this module says what to emit, the emitters how."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vmscope.compiler import arith, calls, control, data
from vmscope.compiler.assembler import Assembler, CompileBug, Label
from vmscope.compiler.fused import Kind, emit_fused
from vmscope.compiler.fusion import LEAVES, MAX_LOGIC_DEPTH, Fusion, Tail, logic_depth
from vmscope.compiler.infer import infer
from vmscope.compiler.unparse import unparse
from vmscope.lang import nodes as n
from vmscope.lang.semantics import DEFAULT_SEMANTICS, Semantics
from vmscope.vm.program import CompiledCode, FunctionInfo

LEVELS = (0, 1, 2)

@dataclass
class _Loop:
    top: Label
    end: Label


class Compiler(Fusion):
    def __init__(self, program: n.ResolvedProgram, level: int = 0,
                 sem: Semantics = DEFAULT_SEMANTICS) -> None:
        if level not in LEVELS:
            raise ValueError(f"no optimisation level {level}")
        self.program = program
        self.level = level
        self.sem = sem
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
        return CompiledCode(self.asm.code, self.asm.instrs, infos, 0, self.program.globals,
                            self.sem.bounds)

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
                    data.emit_check_param(asm, slot, param.type, param.span, param.name)
        self.set_globals = set()
        self.scope_start: dict[int, int] = dict.fromkeys(range(len(fn.params)), entry)
        self.scope_end: dict[int, int] = {}
        self.block(fn.body, main_top=fn.index < 0)
        asm.stmt = fn.body.close
        if fn.index < 0:
            calls.emit_halt(asm, fn.body.close)
        elif not (fn.body.stmts and isinstance(fn.body.stmts[-1], n.Return)):
            # The implicit `return null` (unreachable after a final return).
            data.emit_const(asm, None, fn.body.close)
            if fn.ret_type is not None:
                data.emit_check_type(asm, fn.ret_type, fn.body.close)
            calls.emit_return(asm, fn.body.close)
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
                data.emit_check_type(asm, s.type, s.eq_span)
            self.store(s.target, define=True)
        elif isinstance(s, n.Assign):
            if s.op is not None:
                self.expr(s.target)
                self.expr(s.value)
                arith.emit_binary(asm, s.op, s.op_span, self.sem.ops)
            else:
                self.expr(s.value)
            if s.type is not None:
                data.emit_check_type(asm, s.type, s.op_span)
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
                data.emit_const(asm, None, s.span)
            else:
                self.expr(s.value)
            if s.type is not None:
                data.emit_check_type(asm, s.type, s.span)
            calls.emit_return(asm, s.span)
        elif isinstance(s, n.Break):
            control.emit_jump(asm, self.loops[-1].end, s.span, "break")
        elif isinstance(s, n.Continue):
            control.emit_jump(asm, self.loops[-1].top, s.span, "continue")
        else:
            raise CompileBug(f"cannot compile {type(s).__name__}")

    def store(self, target: n.Var, define: bool) -> None:
        asm = self.asm
        if isinstance(target, n.Local):
            data.emit_store_local(asm, target.slot, target.span, target.name)
        elif isinstance(target, n.Global) and define:
            data.emit_define_global(asm, target.index, target.span, target.name)
        elif isinstance(target, n.Global):
            data.emit_store_global(asm, target.index, target.span, target.name)
        else:
            raise CompileBug("unresolved assignment target")

    def index_assign(self, s: n.IndexAssign) -> None:
        asm = self.asm
        self.expr(s.obj)
        self.expr(s.index)
        if s.op is not None:
            data.emit_index_keep(asm, s.bracket)
            self.expr(s.value)
            arith.emit_binary(asm, s.op, s.op_span, self.sem.ops)
        else:
            self.expr(s.value)
        data.emit_store_index(asm, s.bracket)

    def if_(self, s: n.If) -> None:
        asm = self.asm
        end = Label("endif")
        for cond, block in zip(s.conds, s.blocks, strict=True):
            nxt = Label("else")
            self.branch_unless(cond, nxt)
            self.block(block)
            if cond is not s.conds[-1] or s.orelse is not None:
                control.emit_jump(asm, end, block.close)
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
            emit_fused(asm, gen.build(Kind.BRANCH, result=value, jump=True), span=cond.span,
                       label=label, argrepr=f"unless {unparse(cond)}")
            return
        self.expr(cond)
        control.emit_jump_if_false(asm, label, cond.span)

    # ---- fusion (-O1, -O2) ----------------------------------------------------------------

    def loop_body(self, body: n.Block, top: Label, end: Label) -> None:
        self.loops.append(_Loop(top, end))
        self.block(body)
        self.loops.pop()
        control.emit_jump(self.asm, top, body.close, "loop")
        self.asm.bind(end, 0)

    def rotated(self, body: n.Block, test: Label, emit_test: Callable[[Label], object],
                span: n.Span) -> None:
        """-O1 and up: the loop test sits after the body and jumps back while it
        holds, so an iteration costs the body plus one dispatch:
        `jump test; top: body; test: if more goto top; end:`."""
        asm = self.asm
        top, end = Label("top"), Label("end")
        control.emit_jump(asm, test, span, "to loop test")
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
                emit_fused(asm, gen.build(Kind.BRANCH, result=value, jump=True, when_true=True),
                           span=s.cond.span, label=top, argrepr=f"while {unparse(s.cond)}")

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
        control.emit_for_range_init(asm, len(s.args), s.counter, s.range_span)
        var = s.var
        if self.level:
            self.rotated(s.body, Label("next"), lambda top: control.emit_for_range_step(
                asm, True, var.slot, s.counter, top, s.span, var.name), s.span)
            return
        top, end = Label("for"), Label("endfor")
        asm.bind(top, 0)
        control.emit_for_range_step(asm, False, var.slot, s.counter, end, s.span, var.name)
        self.loop_body(s.body, top, end)

    def for_(self, s: n.For) -> None:
        asm = self.asm
        self.expr(s.iterable)
        var = s.var
        assert isinstance(var, n.Local)
        control.emit_for_iter_init(asm, s.seq, s.in_span)
        if self.level:
            self.rotated(s.body, Label("next"), lambda top: control.emit_for_iter_step(
                asm, True, var.slot, s.seq, top, s.span, var.name), s.span)
            return
        top, end = Label("for"), Label("endfor")
        asm.bind(top, 0)
        control.emit_for_iter_step(asm, False, var.slot, s.seq, end, s.span, var.name)
        self.loop_body(s.body, top, end)

    # ---- expressions ----------------------------------------------------------------------


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
            data.emit_const(asm, e.value, e.span)
        elif isinstance(e, n.Local):
            data.emit_load_local(asm, e.slot, e.span, e.name)
        elif isinstance(e, n.Global):
            data.emit_load_global(asm, e.index, e.span, e.name)
        elif isinstance(e, n.Binary):
            self.expr(e.left)
            self.expr(e.right)
            arith.emit_binary(asm, e.op, e.span, self.sem.ops)
        elif isinstance(e, n.And | n.Or):
            end = Label("and" if isinstance(e, n.And) else "or")
            if self.level and isinstance(e.left, n.Binary):
                self.fused_logic(e, end, tail)  # compare-and-branch
                consumed = self.expr(e.right, tail)
                asm.bind(end)
                return consumed
            self.expr(e.left)
            control.emit_short_circuit(asm, isinstance(e, n.And), end, e.span)
            self.expr(e.right)
            asm.bind(end)
        elif isinstance(e, n.Not):
            self.expr(e.operand)
            arith.emit_not(asm, e.span)
        elif isinstance(e, n.Neg):
            self.expr(e.operand)
            arith.emit_neg(asm, e.span)
        elif isinstance(e, n.Index):
            self.expr(e.obj)
            self.expr(e.index)
            data.emit_index(asm, e.span)
        elif isinstance(e, n.ListLit):
            for item in e.items:
                self.expr(item)
            data.emit_build_list(asm, len(e.items), e.span)
        elif isinstance(e, n.CallFn):
            self.call(e)
        elif isinstance(e, n.CallBuiltin):
            for a in e.args:
                self.expr(a)
            if e.name == "print":
                calls.emit_print(asm, len(e.args), e.span)
            else:
                calls.emit_call_builtin(asm, e.name, len(e.args), e.span, self.sem.builtins)
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
        calls.emit_call(asm, e.index, len(e.args), self.sizes, self.entries[e.index], e.span,
                        e.name)


def compile_program(program: n.ResolvedProgram, level: int = 0,
                    sem: Semantics = DEFAULT_SEMANTICS) -> CompiledCode:
    """The program for the closure VM at `level`, for the bounds of `sem`."""
    return Compiler(program, level, sem).compile()
