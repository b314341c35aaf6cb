"""A row expression, compiled once against typed columns.

Column i is global i of a tiny program whose <main> is the expression, so
both engines read a row by making the row list the globals table: nothing is
copied per row. The column types (`RowExpr.columns`, `RowCode.types`) let
-O1 and -O2 specialise: at -O1 the instruction that computes the value last
also moves to the next row; at -O2 a whole batch is one instruction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from vmscope.api import COMPILE_RECURSION, _ensure_recursion
from vmscope.compiler.assembler import CompileBug
from vmscope.compiler.codegen import Gen
from vmscope.compiler.compiler import Compiler
from vmscope.compiler.fused import Kind, emit_fused
from vmscope.errors import CompileError, ErrorKind
from vmscope.lang import nodes as n
from vmscope.lang.lexer import decode, tokenize
from vmscope.lang.parser import Parser
from vmscope.lang.resolver import Resolver
from vmscope.lang.semantics import semantics
from vmscope.lang.tokens import T
from vmscope.lang.values import DEFAULT_LIMITS, Bounds, Limits
from vmscope.rows.table import Column, column_name_problem
from vmscope.source import Span
from vmscope.vm.machine import VM, Halt
from vmscope.vm.opcodes import Op
from vmscope.vm.program import Closure, CompiledCode, FunctionInfo

EXPR_FILE = "<expr>"  # the FILE of errors in the expression
# <main>'s two hidden locals while a batch runs: the iterator over the rows
# still to evaluate, and the append of the result list.
ROWS_SLOT, APPEND_SLOT = 0, 1
_HIDDEN = ("<rows>", "<append>")


@dataclass(frozen=True, eq=False)
class RowCode:
    """The closure VM's form of a row expression. The code computes the
    expression into `result`, then `next row` appends it to the batch's
    results and either loads the next row into the globals and jumps back to
    0, or halts: a batch of rows is one VM entry."""

    code: CompiledCode
    result: int
    types: tuple[n.TypeName, ...]


class RowExpr:
    """An expression over the columns of a table, resolved once (column i is
    global i). `program` is what the AST engine runs; `code` is the closure
    VM's code, compiled on first use."""

    def __init__(self, text: str, columns: tuple[Column, ...], expr: n.Expr,
                 first: Span) -> None:
        self.text = text
        self.columns = columns
        self.expr = expr
        self.span = first  # the expression's first token: the "statement" being run
        stmt = n.ExprStmt(expr, first)
        main = n.Function(-1, "<main>", (), None, n.Block((stmt,), first, first), 0, first, ())
        self.program = n.ResolvedProgram(main, (), tuple(c.name for c in columns))
        self.level = 0  # the closure VM's optimisation level (-O)
        self._code: dict[tuple[int, Bounds], RowCode] = {}
        self._single: dict[Bounds, RowCode] = {}

    @property
    def types(self) -> tuple[n.TypeName, ...]:
        return tuple(c.type for c in self.columns)

    def retyped(self, columns: Sequence[Column]) -> RowExpr:
        """The same expression over the same column names with other types
        (known once a table is typed): nothing is parsed or resolved again."""
        cols = tuple(columns)
        if [c.name for c in cols] != [c.name for c in self.columns]:
            raise ValueError("retyped() keeps the column names")
        return RowExpr(self.text, cols, self.expr, self.span)

    @property
    def code(self) -> RowCode:
        return self.code_at(self.level)

    def code_at(self, level: int, limits: Limits = DEFAULT_LIMITS) -> RowCode:
        """The code at `level` that runs under `limits` (compiled per bounds)."""
        key = (level, limits.bounds)
        code = self._code.get(key)
        if code is None:
            code = self._code[key] = _compile_closure(self, level, limits)
        return code

    def single_row_code(self, limits: Limits = DEFAULT_LIMITS) -> RowCode:
        """-O2 code for one row per VM entry: the expression's instruction(s),
        then `next row`, which ends an entry of one row."""
        code = self._single.get(limits.bounds)
        if code is None:
            code = self._single[limits.bounds] = _compile_closure(self, 2, limits, batch=False)
        return code

    def __repr__(self) -> str:
        cols = ", ".join(f"{c.name}:{c.type.value}" for c in self.columns)
        return f"RowExpr({self.text!r}, [{cols}])"


def compile_expression(text: str | bytes, columns: Sequence[Column]) -> RowExpr:
    """Parse and resolve `text` with each column a variable. Raises
    CompileError (SyntaxError / NameError) positioned on line 1 of the
    expression; an expression is one line (a newline is a SyntaxError).
    A bad column name or a repeated one is a ValueError (caller's mistake)."""
    cols = tuple(columns)
    seen: set[str] = set()
    for c in cols:
        problem = column_name_problem(c.name)
        if problem is not None or c.name in seen:
            raise ValueError(f"bad column name {c.name!r}: {problem or 'repeated'}")
        seen.add(c.name)
    if isinstance(text, bytes):
        text = decode(text)
    _ensure_recursion(COMPILE_RECURSION)
    try:
        expr, first = _parse_one_line(text)
        resolver = Resolver()
        resolver.globals = {c.name: i for i, c in enumerate(cols)}
        resolved = resolver.expr(expr)
    except RecursionError:
        raise CompileError(ErrorKind.SYNTAX, "expression nested too deeply",
                           Span.point(1, 1)) from None
    if resolver.errors:
        raise min(resolver.errors, key=lambda e: (e.line, e.col))
    return RowExpr(text, cols, resolved, first)


def _newline_at(text: str) -> Span:
    """Where the first newline of `text` is, as the lexer counts (line 1)."""
    body = text[1:] if text.startswith("\ufeff") else text
    return Span.point(1, body.replace("\r\n", "\n").index("\n") + 1)


def _parse_one_line(text: str) -> tuple[n.Expr, Span]:
    """The expression and its first token's span. An expression is one line:
    a lexical or grammar error before the first newline wins; otherwise the
    newline is the SyntaxError."""
    newline = _newline_at(text) if "\n" in text else None
    try:
        tokens = tokenize(text)
        parser = Parser(tokens)
        expr = parser.expr()
        if not parser.at(T.EOF):
            tok = parser.peek()
            raise CompileError(ErrorKind.SYNTAX,
                               f"expected end of expression, found {tok.describe()}", tok.span)
    except CompileError as err:
        if newline is None or (err.line, err.col) < (newline.line, newline.col):
            raise
        expr = None
    if newline is not None:
        raise CompileError(ErrorKind.SYNTAX, "an expression must be on one line", newline)
    assert expr is not None
    return expr, tokens[0].span


# ---- the closure VM's code ---------------------------------------------------------------


def _make_next_row(ip: int, k: int) -> Closure:
    """Append the result in slot k; load the next row and jump to 0, or halt."""

    back = -ip  # made once: an int outside CPython's small-int cache is allocated

    def op_next_row(vm: VM) -> int:
        s = vm.slots
        s[APPEND_SLOT](s[k])
        row = next(s[ROWS_SLOT], None)
        if row is None:
            raise Halt
        vm.globals = row
        return back

    return op_next_row


def _next_row_tail(gen: Gen, value: str) -> list[str]:
    """-O1: the instruction computing the value last also does `next row`
    (the separate `next row` instruction stays, as the target of jumps)."""
    rows, append = gen.cap(ROWS_SLOT), gen.cap(APPEND_SLOT)
    back = gen.cap(-gen.ip)  # a captured constant: -ip made once, not per row
    return [f"s[{append}]({value})", f"row = next(s[{rows}], None)", "if row is None:",
            "    raise Halt", "vm.globals = row", f"return {back}"]


_PY_TYPES: dict[n.TypeName, type] = {n.TypeName.INT: int, n.TypeName.FLOAT: float,
                                     n.TypeName.STR: str, n.TypeName.BOOL: bool}


def _row_loop(rx: RowExpr, compiler: Compiler) -> RowCode:
    """-O2: the whole batch as ONE generated instruction, the expression
    inlined in a loop over the rows, so a row costs no dispatch at all."""
    gen = compiler.gen()
    value, _ = gen.expr(rx.expr)
    gen.uses_globals = False  # `g` is the row, rebound by the loop below
    rows, append = gen.cap(ROWS_SLOT), gen.cap(APPEND_SLOT)
    # The first row is already in vm.globals; the rest come from the iterator.
    body = [f"    append = s[{append}]", f"    for g in chain((vm.globals,), s[{rows}]):",
            *("    " + line for line in gen.lines),
            f"        append({value})", "    raise Halt"]
    gen.lines = body
    gen.depth = 0
    asm = compiler.asm
    asm.stmt = rx.span
    emit_fused(asm, gen.build(Kind.ROWS, tail=[]), span=rx.expr.span,
               argrepr=f"for each row: {rx.text.strip()}")
    asm.finish()
    info = FunctionInfo(0, "<main>", 0, len(asm.code), len(_HIDDEN), len(_HIDDEN), _HIDDEN, 0,
                        rx.span)
    return RowCode(CompiledCode(asm.code, asm.instrs, [info], 0, rx.program.globals,
                                compiler.sem.bounds), -1, rx.types)


def _compile_closure(rx: RowExpr, level: int = 0, limits: Limits = DEFAULT_LIMITS,
                     batch: bool = True) -> RowCode:
    """The row code at `level` for `limits`: a batch runs in one VM entry (at
    -O2 as one instruction); without `batch`, -O2 code for one row a call (one
    fused instruction, then a plain `next row`)."""
    compiler = Compiler(rx.program, level, semantics(limits))
    if compiler.types is not None:
        # Every column is set in every row; a column with no empty cell always
        # holds its type, so -O1/-O2 specialise on it (typed CSV columns).
        compiler.set_globals = set(range(len(rx.columns)))
        for i, column in enumerate(rx.columns):
            known = _PY_TYPES.get(column.type)
            compiler.types.globals[i] = known if known and not column.nullable else None
    if level >= 2 and batch:
        return _row_loop(rx, compiler)
    asm = compiler.asm
    asm.begin_function(0, len(_HIDDEN))
    asm.stmt = rx.span
    if compiler.expr(rx.expr, _next_row_tail if level and batch else None):
        last = asm.instrs[-1]
        asm.instrs[-1] = replace(last, argrepr=f"{last.argrepr}; next row")
    result = asm.top
    if asm.depth != 1:
        raise CompileBug(f"bad compilation: stack depth {asm.depth} after the expression")
    # Recorded as HALT for tools: it ends the code, halting after the last row.
    asm.emit(Op.HALT, _make_next_row(asm.here, result), (result,), span=rx.span,
             argrepr="next row", pops=1)
    asm.finish()
    info = FunctionInfo(0, "<main>", 0, len(asm.code), len(_HIDDEN),
                        len(_HIDDEN) + asm.max_depth, _HIDDEN, 0, rx.span)
    code = CompiledCode(asm.code, asm.instrs, [info], 0, rx.program.globals, compiler.sem.bounds)
    return RowCode(code, result, rx.types)


def disassemble(rx: RowExpr) -> str:
    """The closure code of a row expression, as `vmscope dis` lists programs."""
    from vmscope.source import Source
    from vmscope.vm.disasm import disassemble as dis

    return dis(rx.code.code, Source(EXPR_FILE, rx.text))
