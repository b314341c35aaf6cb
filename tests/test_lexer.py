"""The lexer: token kinds, values and positions, and every lexical error with
the position LANGUAGE.md gives it (lexical rules section)."""

from __future__ import annotations

import pytest

from vmscope.errors import CompileError, ErrorKind
from vmscope.lang.lexer import decode, tokenize
from vmscope.lang.tokens import T


def kinds(text: str) -> list[T]:
    return [t.kind for t in tokenize(text)]


def triples(text: str) -> list[tuple[T, int, int]]:
    """(kind, line, col) of every token, EOF included."""
    return [(t.kind, t.span.line, t.span.col) for t in tokenize(text)]


def lex_error(text: str) -> tuple[int, int]:
    with pytest.raises(CompileError) as info:
        tokenize(text)
    assert info.value.kind is ErrorKind.SYNTAX
    return info.value.line, info.value.col


# ---- kinds, text and positions ---------------------------------------------------------------


def test_simple_statement_kinds_text_and_positions() -> None:
    toks = tokenize("let x = 42\n")
    assert [(t.kind, t.text) for t in toks] == [
        (T.LET, "let"), (T.NAME, "x"), (T.ASSIGN, "="), (T.INT, "42"), (T.NEWLINE, "\n"),
        (T.EOF, ""),
    ]
    assert [(t.span.line, t.span.col) for t in toks] == [
        (1, 1), (1, 5), (1, 7), (1, 9), (1, 11), (2, 1),
    ]
    # The span's end is one past the last character.
    assert (toks[3].span.end_line, toks[3].span.end_col) == (1, 11)


def test_positions_on_later_lines_restart_at_column_one() -> None:
    assert triples("a\n  bb\n\tc") == [
        (T.NAME, 1, 1), (T.NEWLINE, 1, 2),
        (T.NAME, 2, 3), (T.NEWLINE, 2, 5),
        (T.NAME, 3, 2), (T.EOF, 3, 3),
    ]


def test_a_tab_counts_as_one_column() -> None:
    assert triples("\t\tx")[0] == (T.NAME, 1, 3)
    assert lex_error("\tlet x = @") == (1, 10)


def test_columns_count_code_points_not_bytes() -> None:
    # "é" is 2 UTF-8 bytes and the emoji 4 (and 2 UTF-16 units): each is one column.
    toks = tokenize('"é😀" + y')
    assert toks[0].value == "é😀"
    assert (toks[1].kind, toks[1].span.col) == (T.PLUS, 6)
    assert (toks[2].kind, toks[2].span.col) == (T.NAME, 8)
    assert lex_error('let s = "é😀" @') == (1, 14)


def test_crlf_is_one_newline() -> None:
    assert triples("a\r\nb\r\n") == [
        (T.NAME, 1, 1), (T.NEWLINE, 1, 2), (T.NAME, 2, 1), (T.NEWLINE, 2, 2), (T.EOF, 3, 1),
    ]
    assert lex_error("x\r\ny = $") == (2, 5)


def test_leading_bom_is_ignored_for_positions() -> None:
    assert triples("\ufeffab cd") == [(T.NAME, 1, 1), (T.NAME, 1, 4), (T.EOF, 1, 6)]
    assert lex_error("\ufeff@") == (1, 1)


def test_punctuation_prefers_the_longest_spelling() -> None:
    assert kinds("//= // / ** * -> - == = != <= < >= > += -= *= /= %= %")[:-1] == [
        T.SLASHSLASH_EQ, T.SLASHSLASH, T.SLASH, T.STARSTAR, T.STAR, T.ARROW, T.MINUS, T.EQ,
        T.ASSIGN, T.NE, T.LE, T.LT, T.GE, T.GT, T.PLUS_EQ, T.MINUS_EQ, T.STAR_EQ, T.SLASH_EQ,
        T.PERCENT_EQ, T.PERCENT,
    ]
    assert kinds("//=//**")[:-1] == [T.SLASHSLASH_EQ, T.SLASHSLASH, T.STARSTAR]
    assert kinds("( ) [ ] { } , ; :")[:-1] == [
        T.LPAREN, T.RPAREN, T.LBRACKET, T.RBRACKET, T.LBRACE, T.RBRACE, T.COMMA, T.SEMI,
        T.COLON,
    ]


def test_unexpected_character_is_reported_where_it_is() -> None:
    assert lex_error("a = 1\nb = a ? 2") == (2, 7)
    assert lex_error("x.y") == (1, 2)  # there is no `.` operator
    assert lex_error("x é") == (1, 3)  # names are ASCII only
    assert lex_error("!x") == (1, 1)  # `!` exists only in `!=`


# ---- keywords and names ----------------------------------------------------------------------

KEYWORDS = {
    "let": T.LET, "fn": T.FN, "return": T.RETURN, "if": T.IF, "elif": T.ELIF, "else": T.ELSE,
    "while": T.WHILE, "for": T.FOR, "in": T.IN, "break": T.BREAK, "continue": T.CONTINUE,
    "true": T.TRUE, "false": T.FALSE, "null": T.NULL, "and": T.AND, "or": T.OR, "not": T.NOT,
}


@pytest.mark.parametrize("word", sorted(KEYWORDS))
def test_each_keyword_has_its_own_kind(word: str) -> None:
    tok = tokenize(word)[0]
    assert (tok.kind, tok.text) == (KEYWORDS[word], word)


@pytest.mark.parametrize("word", [
    "Let", "lets", "_let", "let_", "iff", "In", "TRUE", "nulls", "fn2", "int", "float", "str",
    "bool", "list", "any", "print", "range", "_", "__x9", "A_b_C",
])
def test_non_keywords_are_names(word: str) -> None:
    toks = tokenize(word)
    assert [(t.kind, t.text) for t in toks[:-1]] == [(T.NAME, word)]


def test_name_runs_as_far_as_name_characters_go() -> None:
    toks = tokenize("abc1_2+x")
    assert [(t.kind, t.text) for t in toks[:-1]] == [
        (T.NAME, "abc1_2"), (T.PLUS, "+"), (T.NAME, "x"),
    ]


# ---- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [
    ("0", 0), ("42", 42), ("007", 7), ("000", 0),
    ("123456789012345678901234567890", 123456789012345678901234567890),
])
def test_integers(text: str, value: int) -> None:
    tok = tokenize(text)[0]
    assert tok.kind is T.INT
    assert tok.value == value and type(tok.value) is int
    assert tok.text == text


@pytest.mark.parametrize(("text", "value"), [
    ("1.5", 1.5), ("0.25e-3", 0.25e-3), ("2.0E10", 2.0e10), ("1e-05", 1e-05),
    ("1e300", 1e300), ("3e+2", 300.0), ("1E5", 100000.0), ("007.50", 7.5), ("1e0", 1.0),
])
def test_floats(text: str, value: float) -> None:
    toks = tokenize(text)
    assert [t.kind for t in toks] == [T.FLOAT, T.EOF]
    assert toks[0].value == value and type(toks[0].value) is float
    assert (toks[1].span.line, toks[1].span.col) == (1, len(text) + 1)


def test_integer_literals_have_no_host_digit_limit() -> None:
    # CPython refuses int(str) beyond 4300 digits by default; the language has no such limit
    text = "9" * 5000
    tok = tokenize(text)[0]
    assert tok.kind is T.INT and tok.value == 10**5000 - 1


def test_a_minus_sign_is_an_operator_not_part_of_the_number() -> None:
    toks = tokenize("-5 1e-5")
    assert [(t.kind, t.value) for t in toks[:-1]] == [(T.MINUS, None), (T.INT, 5),
                                                      (T.FLOAT, 1e-5)]


@pytest.mark.parametrize(("text", "pos"), [
    ("1.", (1, 2)),          # a fraction needs digits
    ("x = 1.x", (1, 6)),
    ("1.e5", (1, 2)),
    (".5", (1, 1)),          # so does the integer part
    ("y = .5", (1, 5)),
    ("1e", (1, 2)),          # an exponent needs digits
    ("1e+", (1, 2)),
    ("2.5e", (1, 4)),
    ("1_0", (1, 2)),         # `_` is never part of a number
    ("1_000", (1, 2)),
    ("12abc", (1, 3)),
    ("1.5.3", (1, 4)),
    ("a\n  1.", (2, 4)),
])
def test_malformed_numbers_are_syntax_errors_at_the_offending_character(
        text: str, pos: tuple[int, int]) -> None:
    assert lex_error(text) == pos


# ---- strings ---------------------------------------------------------------------------------


def test_both_quote_forms_and_every_escape() -> None:
    toks = tokenize(r'"\n\t\\\"\'\r\0" ' + r"'\n\t\\\"\'\r\0'")
    assert toks[0].kind is T.STRING and toks[1].kind is T.STRING
    assert toks[0].value == toks[1].value == "\n\t\\\"'\r\0"
    # text is the literal as written; the span covers it exactly
    assert toks[0].text == r'"\n\t\\\"\'\r\0"'
    assert (toks[0].span.col, toks[0].span.end_col) == (1, 17)
    assert toks[1].span.col == 18


def test_the_other_quote_needs_no_escape() -> None:
    assert tokenize("'say \"hi\"'")[0].value == 'say "hi"'
    assert tokenize('"it\'s"')[0].value == "it's"
    assert tokenize('""')[0].value == ""


def test_string_keeps_comment_characters_and_non_ascii() -> None:
    toks = tokenize('"# not a comment" # a comment\n"é"')
    assert [t.kind for t in toks] == [T.STRING, T.NEWLINE, T.STRING, T.EOF]
    assert toks[0].value == "# not a comment"
    assert toks[2].value == "é"


def test_unterminated_string_points_at_the_newline_that_ends_its_line() -> None:
    assert lex_error('"ab\ncd"') == (1, 4)
    assert lex_error('x = 1\ny = "abc\n') == (2, 9)
    assert lex_error('x\r\n"ab\r\n') == (2, 4)  # a CRLF is one newline


def test_unterminated_string_at_eof_points_just_past_the_last_character() -> None:
    assert lex_error('"ab') == (1, 4)
    assert lex_error('x\n  "') == (2, 4)
    assert lex_error('abc"') == (1, 5)
    assert lex_error("'it\\'s") == (1, 7)  # the escaped quote does not close it


@pytest.mark.parametrize(("text", "pos"), [
    (r'"a\q"', (1, 3)),
    (r'x = "ok\x41"', (1, 8)),
    (r'"\u00e9"', (1, 2)),
    ('\n  "abc \\ "', (2, 8)),
    ('"a\\\nb"', (1, 3)),       # a backslash before a newline is an unknown escape
    ('"a\\\r\nb"', (1, 3)),     # also before a CRLF
])
def test_unknown_escape_is_reported_at_its_backslash(text: str, pos: tuple[int, int]) -> None:
    assert lex_error(text) == pos


# ---- comments --------------------------------------------------------------------------------


def test_comment_runs_to_end_of_line_but_keeps_the_newline() -> None:
    assert triples("a # b c let\nd") == [
        (T.NAME, 1, 1), (T.NEWLINE, 1, 12), (T.NAME, 2, 1), (T.EOF, 2, 2),
    ]


def test_comment_only_and_empty_sources() -> None:
    assert kinds("# only a comment") == [T.EOF]
    assert kinds("") == [T.EOF]
    assert kinds("#x\n#y\n") == [T.NEWLINE, T.NEWLINE, T.EOF]


def test_comment_swallows_characters_that_would_be_errors() -> None:
    assert kinds('x # @ $ "unterminated \\q 1. .5') == [T.NAME, T.EOF]


# ---- bytes: decode ---------------------------------------------------------------------------


def test_decode_strips_a_bom_and_keeps_text() -> None:
    assert decode(b"\xef\xbb\xbfprint(1)\n") == "print(1)\n"
    assert decode("é".encode()) == "é"


@pytest.mark.parametrize(("data", "pos"), [
    (b"\xff", (1, 1)),
    (b"ab\n\xffc", (2, 1)),
    (b"let s = \"\xc3\xa9\xe9\"", (1, 11)),  # after a good 2-byte "é": column in code points
    (b"ok\r\nx = \x80", (2, 5)),
    (b"\xef\xbb\xbfab\xc3", (1, 3)),  # a truncated sequence at EOF; the BOM is not a column
    (b"a\n\tb\n\t\t\xed\xa0\x80", (3, 3)),  # an encoded surrogate is not UTF-8
])
def test_bad_utf8_is_a_syntax_error_at_the_first_bad_byte(
        data: bytes, pos: tuple[int, int]) -> None:
    with pytest.raises(CompileError) as info:
        decode(data)
    assert info.value.kind is ErrorKind.SYNTAX
    assert (info.value.line, info.value.col) == pos
