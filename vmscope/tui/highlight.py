"""A Pygments lexer for the vmscope language (`.vms`), registered as the
`pygments.lexers` entry point `vmscope`, so Pygments, rich and Textual find
it by name (`vms`, `vmscope`) or by file name (`*.vms`).

It imports nothing from vmscope: Pygments loads it on its own, and a test
holds its word lists equal to the language's keywords and builtins."""

from __future__ import annotations

from typing import ClassVar

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
)

__all__ = ["BUILTIN_NAMES", "KEYWORD_NAMES", "TYPE_NAMES", "VmsLexer"]

KEYWORD_NAMES = ("let", "fn", "return", "if", "elif", "else", "while", "for", "in",
                 "break", "continue", "true", "false", "null", "and", "or", "not")
BUILTIN_NAMES = ("print", "len", "str", "int", "float", "abs", "min", "max", "sqrt",
                 "floor", "push", "pop", "range", "type")
TYPE_NAMES = ("int", "float", "str", "bool", "list", "any")

_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def _type_alternation() -> str:
    return "(" + "|".join(TYPE_NAMES) + r")\b"


class VmsLexer(RegexLexer):
    """The vmscope language: keywords, declarations, builtins, annotations,
    numbers, strings with escapes, comments and operators."""

    name = "vmscope"
    aliases: ClassVar[list[str]] = ["vms", "vmscope"]
    filenames: ClassVar[list[str]] = ["*.vms"]
    mimetypes: ClassVar[list[str]] = ["text/x-vmscope"]
    url = "https://github.com/vmscope/vmscope"

    tokens: ClassVar[dict[str, list]] = {
        "root": [
            (r"\n", Whitespace),
            (r"[ \t\r\f\v]+", Whitespace),
            (r"#.*?$", Comment.Single),
            (r"(fn)(\s+)(" + _IDENT + ")", bygroups(Keyword.Declaration, Whitespace,
                                                     Name.Function)),
            (r"(let)\b", Keyword.Declaration),
            (words(("true", "false", "null"), suffix=r"\b"), Keyword.Constant),
            (words(("and", "or", "not", "in"), suffix=r"\b"), Operator.Word),
            (words(("return", "if", "elif", "else", "while", "for", "break", "continue"),
                   suffix=r"\b"), Keyword),
            # An annotation: `: type` after a name, `-> type` after a parameter list.
            (r"(->)(\s*)" + _type_alternation(), bygroups(Punctuation, Whitespace,
                                                         Keyword.Type)),
            (r"(:)(\s*)" + _type_alternation(), bygroups(Punctuation, Whitespace,
                                                        Keyword.Type)),
            (words(BUILTIN_NAMES, suffix=r"(?=\s*\()"), Name.Builtin),
            (_IDENT + r"(?=\s*\()", Name.Function),
            (_IDENT, Name),
            (r"[0-9]+(\.[0-9]+([eE][+-]?[0-9]+)?|[eE][+-]?[0-9]+)", Number.Float),
            (r"[0-9]+", Number.Integer),
            (r'"', String.Double, "dqs"),
            (r"'", String.Single, "sqs"),
            (r"//=|\*\*|//|->|==|!=|<=|>=|\+=|-=|\*=|/=|%=|[-+*/%<>=]", Operator),
            (r"[()\[\]{},;:]", Punctuation),
            (r".", Text),  # anything else: the compiler will say what is wrong
        ],
        "dqs": [
            (r'\\[nt\\"\'r0]', String.Escape),
            (r'[^"\\\n]+', String.Double),
            (r'"', String.Double, "#pop"),
            (r"\\.?", String.Escape),  # an unknown escape (a SyntaxError), shown as one
            (r"\n", Whitespace, "#pop"),  # an unterminated string ends at its line
        ],
        "sqs": [
            (r'\\[nt\\"\'r0]', String.Escape),
            (r"[^'\\\n]+", String.Single),
            (r"'", String.Single, "#pop"),
            (r"\\.?", String.Escape),
            (r"\n", Whitespace, "#pop"),
        ],
    }
