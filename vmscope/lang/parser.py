"""Tokens -> syntax tree, by recursive descent over the grammar of the
language reference. The first error stops the parse (it is the one reported)."""

from __future__ import annotations

from vmscope.errors import CompileError, ErrorKind
from vmscope.lang import nodes as n
from vmscope.lang.lexer import tokenize
from vmscope.lang.tokens import T, Token

_COMPARE = {
    T.EQ: n.BinOp.EQ, T.NE: n.BinOp.NE, T.LT: n.BinOp.LT,
    T.LE: n.BinOp.LE, T.GT: n.BinOp.GT, T.GE: n.BinOp.GE,
}
_SUM = {T.PLUS: n.BinOp.ADD, T.MINUS: n.BinOp.SUB}
_TERM = {T.STAR: n.BinOp.MUL, T.SLASH: n.BinOp.DIV, T.SLASHSLASH: n.BinOp.FLOORDIV,
         T.PERCENT: n.BinOp.MOD}
_ASSIGN_OPS: dict[T, n.BinOp | None] = {
    T.ASSIGN: None, T.PLUS_EQ: n.BinOp.ADD, T.MINUS_EQ: n.BinOp.SUB, T.STAR_EQ: n.BinOp.MUL,
    T.SLASH_EQ: n.BinOp.DIV, T.SLASHSLASH_EQ: n.BinOp.FLOORDIV, T.PERCENT_EQ: n.BinOp.MOD,
}
_TYPES = {t.value: t for t in n.TypeName}
_STMT_END = (T.NEWLINE, T.SEMI, T.RBRACE, T.EOF)


class Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.toks = tokens
        self.pos = 0
        self.nest = 0  # depth of ( and [: newlines inside them are ignored
        self.block_depth = 0

    # ---- token plumbing -------------------------------------------------------------------

    def peek(self) -> Token:
        tok = self.toks[self.pos]
        if self.nest:
            while tok.kind is T.NEWLINE:
                self.pos += 1
                tok = self.toks[self.pos]
        return tok

    def next(self) -> Token:
        tok = self.peek()
        if tok.kind is not T.EOF:
            self.pos += 1
        return tok

    def at(self, kind: T) -> bool:
        return self.peek().kind is kind

    def expect(self, kind: T, what: str | None = None) -> Token:
        tok = self.peek()
        if tok.kind is not kind:
            raise self.error(tok, f"expected {what or repr(kind.value)}, found {tok.describe()}")
        return self.next()

    def error(self, tok: Token, message: str) -> CompileError:
        return CompileError(ErrorKind.SYNTAX, message, tok.span)

    def skip_separators(self) -> None:
        while self.peek().kind in (T.NEWLINE, T.SEMI):
            self.pos += 1

    # ---- statements -----------------------------------------------------------------------

    def module(self) -> n.Module:
        stmts: list[n.Stmt] = []
        self.skip_separators()
        while not self.at(T.EOF):
            stmts.append(self.statement())
            self.end_statement()
            self.skip_separators()
        return n.Module(tuple(stmts), self.peek().span)

    def end_statement(self) -> None:
        tok = self.peek()
        if tok.kind not in _STMT_END:
            raise self.error(tok, f"expected end of statement, found {tok.describe()}")

    def block(self) -> n.Block:
        open_tok = self.expect(T.LBRACE, "'{'")
        saved_nest, self.nest = self.nest, 0
        self.block_depth += 1
        stmts: list[n.Stmt] = []
        self.skip_separators()
        while not self.at(T.RBRACE):
            if self.at(T.EOF):
                raise self.error(self.peek(), "expected '}', found end of file")
            stmts.append(self.statement())
            self.end_statement()
            self.skip_separators()
        close = self.next()
        self.block_depth -= 1
        self.nest = saved_nest
        return n.Block(tuple(stmts), open_tok.span, close.span)

    def statement(self) -> n.Stmt:
        tok = self.peek()
        kind = tok.kind
        if kind is T.LET:
            return self.let()
        if kind is T.FN:
            if self.block_depth:
                raise self.error(tok, "functions may only be declared at the top level")
            return self.fndecl()
        if kind is T.IF:
            return self.if_()
        if kind is T.WHILE:
            self.next()
            cond = self.expr()
            return n.While(cond, self.block(), tok.span)
        if kind is T.FOR:
            self.next()
            name = self.expect(T.NAME, "a loop variable name")
            in_tok = self.expect(T.IN, "'in'")
            iterable = self.expr()
            body = self.block()
            return n.For(n.Name(name.text, name.span), iterable, body, in_tok.span, tok.span)
        if kind is T.RETURN:
            self.next()
            value = None if self.peek().kind in _STMT_END else self.expr()
            return n.Return(value, tok.span)
        if kind is T.BREAK:
            self.next()
            return n.Break(tok.span)
        if kind is T.CONTINUE:
            self.next()
            return n.Continue(tok.span)
        return self.simple(tok)

    def simple(self, first: Token) -> n.Stmt:
        target = self.expr()
        op_tok = self.peek()
        if op_tok.kind not in _ASSIGN_OPS:
            return n.ExprStmt(target, first.span)
        op = _ASSIGN_OPS[op_tok.kind]
        if isinstance(target, n.Name) and first.kind is T.NAME:
            self.next()
            return n.Assign(target, op, self.expr(), op_tok.span, first.span)
        if isinstance(target, n.Index):
            self.next()
            value = self.expr()
            return n.IndexAssign(target.obj, target.index, op, value, target.span, op_tok.span,
                                 first.span)
        raise self.error(op_tok, "cannot assign to this expression")

    def let(self) -> n.Let:
        let_tok = self.next()
        name = self.expect(T.NAME, "a variable name")
        typ = self.type_annotation() if self.at(T.COLON) else None
        eq = self.expect(T.ASSIGN, "'='")
        value = self.expr()
        return n.Let(n.Name(name.text, name.span), typ, value, eq.span, let_tok.span)

    def type_annotation(self) -> n.TypeName:
        self.expect(T.COLON)
        tok = self.peek()
        if tok.kind is not T.NAME or tok.text not in _TYPES:
            raise self.error(tok, f"expected a type, found {tok.describe()}")
        self.next()
        return _TYPES[tok.text]

    def fndecl(self) -> n.FnDecl:
        self.next()
        name = self.expect(T.NAME, "a function name")
        self.expect(T.LPAREN, "'('")
        self.nest += 1
        params: list[n.Param] = []
        if not self.at(T.RPAREN):
            while True:
                p = self.expect(T.NAME, "a parameter name")
                ptype = self.type_annotation() if self.at(T.COLON) else None
                params.append(n.Param(p.text, ptype, p.span))
                if not self.at(T.COMMA):
                    break
                self.next()
        self.expect(T.RPAREN, "')'")
        self.nest -= 1
        ret = None
        if self.at(T.ARROW):
            self.next()
            tok = self.peek()
            if tok.kind is not T.NAME or tok.text not in _TYPES:
                raise self.error(tok, f"expected a type, found {tok.describe()}")
            self.next()
            ret = _TYPES[tok.text]
        body = self.block()
        return n.FnDecl(name.text, tuple(params), ret, body, name.span)

    def if_(self) -> n.If:
        if_tok = self.next()
        conds = [self.expr()]
        blocks = [self.block()]
        orelse = None
        while True:
            save = self.pos
            while self.toks[self.pos].kind is T.NEWLINE:
                self.pos += 1
            tok = self.toks[self.pos]
            if tok.kind is T.ELIF:
                self.next()
                conds.append(self.expr())
                blocks.append(self.block())
            elif tok.kind is T.ELSE:
                self.next()
                orelse = self.block()
                break
            else:
                self.pos = save
                break
        return n.If(tuple(conds), tuple(blocks), orelse, if_tok.span)

    # ---- expressions ----------------------------------------------------------------------

    def expr(self) -> n.Expr:
        left = self.and_()
        while self.at(T.OR):
            tok = self.next()
            left = n.Or(left, self.and_(), tok.span)
        return left

    def and_(self) -> n.Expr:
        left = self.not_()
        while self.at(T.AND):
            tok = self.next()
            left = n.And(left, self.not_(), tok.span)
        return left

    def not_(self) -> n.Expr:
        if self.at(T.NOT):
            tok = self.next()
            return n.Not(self.not_(), tok.span)
        return self.compare()

    def compare(self) -> n.Expr:
        left = self.sum()
        tok = self.peek()
        if tok.kind in _COMPARE:
            self.next()
            left = n.Binary(_COMPARE[tok.kind], left, self.sum(), tok.span)
            again = self.peek()
            if again.kind in _COMPARE:
                raise self.error(again, "comparisons cannot be chained")
        return left

    def sum(self) -> n.Expr:
        left = self.term()
        while self.peek().kind in _SUM:
            tok = self.next()
            left = n.Binary(_SUM[tok.kind], left, self.term(), tok.span)
        return left

    def term(self) -> n.Expr:
        left = self.unary()
        while self.peek().kind in _TERM:
            tok = self.next()
            left = n.Binary(_TERM[tok.kind], left, self.unary(), tok.span)
        return left

    def unary(self) -> n.Expr:
        if self.at(T.MINUS):
            tok = self.next()
            return n.Neg(self.unary(), tok.span)
        return self.power()

    def power(self) -> n.Expr:
        base = self.postfix()
        if self.at(T.STARSTAR):
            tok = self.next()
            return n.Binary(n.BinOp.POW, base, self.unary(), tok.span)
        return base

    def postfix(self) -> n.Expr:
        tok = self.peek()
        expr = self.primary()
        callable_name = tok.kind is T.NAME
        while True:
            nxt = self.peek()
            if nxt.kind is T.LPAREN:
                if not callable_name:
                    raise self.error(nxt, "only a function name can be called")
                assert isinstance(expr, n.Name)
                expr = n.Call(expr.name, self.arguments(T.RPAREN), expr.span)
            elif nxt.kind is T.LBRACKET:
                self.next()
                self.nest += 1
                index = self.expr()
                self.expect(T.RBRACKET, "']'")
                self.nest -= 1
                expr = n.Index(expr, index, nxt.span)
            else:
                return expr
            callable_name = False

    def arguments(self, close: T) -> tuple[n.Expr, ...]:
        """Comma-separated expressions after an opening ( or [, up to `close`."""
        self.next()
        self.nest += 1
        items: list[n.Expr] = []
        if not self.at(close):
            items.append(self.expr())
            while self.at(T.COMMA):
                self.next()
                items.append(self.expr())
        self.expect(close, repr(close.value))
        self.nest -= 1
        return tuple(items)

    def primary(self) -> n.Expr:
        tok = self.peek()
        kind = tok.kind
        if kind in (T.INT, T.FLOAT, T.STRING):
            self.next()
            return n.Const(tok.value, tok.span)
        if kind is T.TRUE or kind is T.FALSE:
            self.next()
            return n.Const(kind is T.TRUE, tok.span)
        if kind is T.NULL:
            self.next()
            return n.Const(None, tok.span)
        if kind is T.NAME:
            self.next()
            return n.Name(tok.text, tok.span)
        if kind is T.LPAREN:
            self.next()
            self.nest += 1
            inner = self.expr()
            self.expect(T.RPAREN, "')'")
            self.nest -= 1
            return inner
        if kind is T.LBRACKET:
            return n.ListLit(self.arguments(T.RBRACKET), tok.span)
        raise self.error(tok, f"expected an expression, found {tok.describe()}")


def parse(text: str) -> n.Module:
    parser = Parser(tokenize(text))
    try:
        return parser.module()
    except RecursionError:
        raise parser.error(parser.peek(), "expression nested too deeply") from None
