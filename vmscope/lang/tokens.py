"""Token kinds and the Token record produced by the lexer."""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from vmscope.source import Span


class T(Enum):
    """Token kinds. Punctuation and keywords carry their spelling as value."""

    INT = "integer"
    FLOAT = "float"
    STRING = "string"
    NAME = "name"
    NEWLINE = "newline"
    EOF = "end of file"
    # keywords
    LET = "let"
    FN = "fn"
    RETURN = "return"
    IF = "if"
    ELIF = "elif"
    ELSE = "else"
    WHILE = "while"
    FOR = "for"
    IN = "in"
    BREAK = "break"
    CONTINUE = "continue"
    TRUE = "true"
    FALSE = "false"
    NULL = "null"
    AND = "and"
    OR = "or"
    NOT = "not"
    # punctuation
    LPAREN = "("
    RPAREN = ")"
    LBRACKET = "["
    RBRACKET = "]"
    LBRACE = "{"
    RBRACE = "}"
    COMMA = ","
    SEMI = ";"
    COLON = ":"
    ARROW = "->"
    ASSIGN = "="
    PLUS_EQ = "+="
    MINUS_EQ = "-="
    STAR_EQ = "*="
    SLASH_EQ = "/="
    SLASHSLASH_EQ = "//="
    PERCENT_EQ = "%="
    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    PLUS = "+"
    MINUS = "-"
    STAR = "*"
    SLASH = "/"
    SLASHSLASH = "//"
    PERCENT = "%"
    STARSTAR = "**"


KEYWORDS: dict[str, T] = {
    t.value: t
    for t in (
        T.LET, T.FN, T.RETURN, T.IF, T.ELIF, T.ELSE, T.WHILE, T.FOR, T.IN, T.BREAK,
        T.CONTINUE, T.TRUE, T.FALSE, T.NULL, T.AND, T.OR, T.NOT,
    )
}

# Longest spellings first so the lexer's alternation prefers `//=` over `//`.
PUNCTUATION: list[T] = sorted(
    (t for t in T if not t.value.isalpha() and t.value not in ("integer", "float", "string",
                                                              "name", "newline", "end of file")),
    key=lambda t: -len(t.value),
)


class Token(NamedTuple):
    """One token; a NamedTuple since the lexer makes one per token (see Span)."""

    kind: T
    text: str
    span: Span
    value: object = None

    def describe(self) -> str:
        if self.kind in (T.NEWLINE, T.EOF):
            return self.kind.value
        return repr(self.text)
