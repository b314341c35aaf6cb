"""Source text -> tokens. Positions are 1-based line and code-point column."""

from __future__ import annotations

import re

from vmscope.errors import CompileError, ErrorKind
from vmscope.lang.tokens import KEYWORDS, PUNCTUATION, T, Token
from vmscope.source import Span

_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'", "r": "\r", "0": "\0"}

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>[ \t\r\f\v]+)
  | (?P<comment>\#[^\n]*)
  | (?P<newline>\n)
  | (?P<float>[0-9]+(?:\.[0-9]+(?:[eE][+-]?[0-9]+)?|[eE][+-]?[0-9]+))
  | (?P<int>[0-9]+)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<string>["'])
  | (?P<punct>"""
    + "|".join(re.escape(t.value) for t in PUNCTUATION)
    + r""")
    """,
    re.VERBOSE,
)
_PUNCT = {t.value: t for t in PUNCTUATION}


def syntax_error(message: str, line: int, col: int) -> CompileError:
    return CompileError(ErrorKind.SYNTAX, message, Span.point(line, col))


def decode(data: bytes) -> str:
    """UTF-8 with an optional BOM; a bad byte is a SyntaxError at its place."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8")
        line = good.count("\n") + 1
        col = len(good) - (good.rfind("\n") + 1) + 1
        raise syntax_error("invalid UTF-8 byte", line, col) from None


class Lexer:
    """A regex-driven scanner. Numbers glued to letters (`1e`, `12abc`) and
    `1.`/`.5` are errors, as the language has no such literals."""

    def __init__(self, text: str) -> None:
        if text.startswith("\ufeff"):
            text = text[1:]
        self.text = text.replace("\r\n", "\n")
        self.pos = 0
        self.line = 1
        self.line_start = 0

    def col(self, pos: int) -> int:
        return pos - self.line_start + 1

    def tokens(self) -> list[Token]:
        out: list[Token] = []
        text, n = self.text, len(self.text)
        while self.pos < n:
            m = _TOKEN_RE.match(text, self.pos)
            if m is None:
                ch = text[self.pos]
                raise syntax_error(f"unexpected character {ch!r}", self.line, self.col(self.pos))
            kind = m.lastgroup
            start, end = m.start(), m.end()
            if kind == "ws" or kind == "comment":
                self.pos = end
                continue
            if kind == "newline":
                out.append(self._token(T.NEWLINE, "\n", start, end))
                self.pos = end
                self.line += 1
                self.line_start = end
                continue
            if kind == "string":
                out.append(self._string(start))
                continue
            word = m.group()
            if kind in ("int", "float"):
                self._check_number_end(end, word)
                if kind == "int":
                    out.append(self._token(T.INT, word, start, end, int(word)))
                else:
                    out.append(self._token(T.FLOAT, word, start, end, float(word)))
            elif kind == "name":
                out.append(self._token(KEYWORDS.get(word, T.NAME), word, start, end))
            else:
                out.append(self._token(_PUNCT[word], word, start, end))
            self.pos = end
        out.append(self._token(T.EOF, "", n, n))
        return out

    def _check_number_end(self, end: int, word: str) -> None:
        text = self.text
        if end < len(text):
            nxt = text[end]
            if nxt == "." or nxt.isalnum() or nxt == "_":
                # `1.`, `1.x`, `1e`, `12abc`, `1_000`: not a number of the language.
                raise syntax_error(f"invalid number {word + nxt!r}", self.line, self.col(end))

    def _token(self, kind: T, text: str, start: int, end: int, value: object = None) -> Token:
        span = Span(self.line, self.col(start), self.line, self.col(end))
        return Token(kind, text, span, value)

    def _string(self, start: int) -> Token:
        text, n = self.text, len(self.text)
        quote = text[start]
        pos = start + 1
        parts: list[str] = []
        while True:
            if pos >= n:
                raise syntax_error("unterminated string", self.line, self.col(pos))
            ch = text[pos]
            if ch == quote:
                pos += 1
                break
            if ch == "\n":
                raise syntax_error("unterminated string", self.line, self.col(pos))
            if ch == "\\":
                esc = text[pos + 1] if pos + 1 < n else ""
                if esc not in _ESCAPES:
                    raise syntax_error("unknown escape in string", self.line, self.col(pos))
                parts.append(_ESCAPES[esc])
                pos += 2
                continue
            parts.append(ch)
            pos += 1
        self.pos = pos
        return self._token(T.STRING, text[start:pos], start, pos, "".join(parts))


def tokenize(text: str) -> list[Token]:
    return Lexer(text).tokens()
