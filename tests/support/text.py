"""Arbitrary text for the front end's fuzz test (hypothesis strategy
`ANY_TEXT`): a symbol- and keyword-rich alphabet, token soup, mutated
well-formed programs and raw bytes, valid UTF-8 or not."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from .programs import programs

KEYWORDS = [
    "let",
    "fn",
    "return",
    "if",
    "elif",
    "else",
    "while",
    "for",
    "in",
    "break",
    "continue",
    "true",
    "false",
    "null",
    "and",
    "or",
    "not",
]
SYMBOLS = [
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ",",
    ";",
    ":",
    "->",
    "=",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "//",
    "%",
    "**",
    "+=",
    "-=",
    "*=",
    "/=",
    "//=",
    "%=",
    "!",
    ".",
    "#",
    '"',
    "'",
    "\\",
]
WORDS = [
    "x",
    "y",
    "f",
    "g",
    "a1",
    "_",
    "print",
    "len",
    "range",
    "push",
    "pop",
    "str",
    "int",
    "float",
    "type",
    "min",
    "max",
    "sqrt",
    "floor",
    "abs",
    "any",
    "bool",
    "list",
]
NUMS = [
    "0",
    "1",
    "42",
    "007",
    "1.5",
    "1e3",
    "1e-05",
    "1.",
    ".5",
    "1e",
    "2E+3",
    "99999999999999999999",
]
STRS = ['"a"', "'b'", '"x\\n"', '"\\q"', '"unterminated', '""', "'\\''"]
SPACE = [" ", " ", "\n", "\t", "\r\n", "", "  # c\n"]

ALPHABET = st.sampled_from(
    [
        *"(){}[],;:=+-*/%<>!.#\"'\\_ \n\t\r0123456789abcdefxyzEe",
        *["é", "日", "\u00a0", "\u2028", "\ufeff", "\x00", "\U0001d518"],
    ]
)


@st.composite
def token_soup(draw: Any) -> str:
    toks = draw(st.lists(st.sampled_from(KEYWORDS + SYMBOLS + WORDS + NUMS + STRS), max_size=40))
    out = []
    for tok in toks:
        out.append(tok)
        out.append(draw(st.sampled_from(SPACE)))
    return "".join(out)


@st.composite
def mutated_programs(draw: Any) -> str:
    src = draw(programs())
    for _ in range(draw(st.integers(1, 3))):
        if not src:
            break
        pos = draw(st.integers(0, len(src)))
        op = draw(st.integers(0, 3))
        if op == 0:  # delete a few characters
            src = src[:pos] + src[pos + draw(st.integers(1, 4)) :]
        elif op == 1:  # insert a token
            tok = draw(st.sampled_from(KEYWORDS + SYMBOLS + WORDS + NUMS + STRS + SPACE))
            src = src[:pos] + tok + src[pos:]
        elif op == 2:  # replace a character
            src = src[:pos] + draw(ALPHABET) + src[pos + 1 :]
        else:  # duplicate a line
            lines = src.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            src = "\n".join(lines)
    return src


@st.composite
def bytes_programs(draw: Any) -> bytes:
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return draw(st.binary(max_size=60))
    base = draw(token_soup()).encode("utf-8")
    if kind == 1:
        base = b"\xef\xbb\xbf" + base
    pos = draw(st.integers(0, len(base)))
    junk = draw(
        st.sampled_from(
            [b"\xff", b"\xc3", b"\xe6\x97", b"\x80", b"\xed\xa0\x80", b"", b"\xef\xbb\xbf"]
        )
    )
    return base[:pos] + junk + base[pos:]


ANY_TEXT = st.one_of(
    st.text(ALPHABET, max_size=60),
    token_soup(),
    mutated_programs(),
    bytes_programs(),
    st.text(max_size=30),
)
