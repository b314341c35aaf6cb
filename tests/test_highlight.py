"""The Pygments lexer: registered under its names, and token kinds right."""

from __future__ import annotations

import subprocess
import sys

from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String

from vmscope.lang.builtins import BUILTINS
from vmscope.lang.tokens import KEYWORDS
from vmscope.tui.highlight import BUILTIN_NAMES, KEYWORD_NAMES, VmsLexer


def tokens(text: str) -> list[tuple[object, str]]:
    return [(t, v) for t, v in VmsLexer().get_tokens(text) if v.strip()]


def test_registered_by_name_alias_and_file_name() -> None:
    for name in ("vms", "vmscope"):
        assert isinstance(get_lexer_by_name(name), VmsLexer)
    assert isinstance(get_lexer_for_filename("prog.vms"), VmsLexer)


def test_word_lists_match_the_language() -> None:
    assert set(KEYWORD_NAMES) == set(KEYWORDS)
    assert set(BUILTIN_NAMES) == set(BUILTINS)


def test_declarations_annotations_and_calls() -> None:
    got = tokens("fn fib(n: int) -> int {\n  return fib(n - 1) + len(xs)\n}\n")
    assert got[:11] == [
        (Keyword.Declaration, "fn"), (Name.Function, "fib"), (Punctuation, "("),
        (Name, "n"), (Punctuation, ":"), (Keyword.Type, "int"), (Punctuation, ")"),
        (Punctuation, "->"), (Keyword.Type, "int"), (Punctuation, "{"), (Keyword, "return"),
    ]
    assert (Name.Function, "fib") in got[11:]
    assert (Name.Builtin, "len") in got
    assert (Name, "xs") in got


def test_literals_operators_and_comments() -> None:
    got = tokens('let s = "a\\n\\"b" + \'c\'  # note\nx //= 2 ** 3.5e-1 and not true\n')
    assert (Keyword.Declaration, "let") in got
    assert (String.Escape, "\\n") in got and (String.Escape, '\\"') in got
    assert (String.Single, "c") in got
    assert (Comment.Single, "# note") in got
    assert (Operator, "//=") in got and (Operator, "**") in got
    assert (Number.Float, "3.5e-1") in got and (Number.Integer, "2") in got
    assert (Operator.Word, "and") in got and (Operator.Word, "not") in got
    assert (Keyword.Constant, "true") in got


def test_a_variable_named_like_a_builtin_is_a_name() -> None:
    got = tokens("let len = 3\nprint(len, len([1]))\n")
    assert got[1] == (Name, "len")
    assert (Name.Builtin, "print") in got
    assert got.count((Name, "len")) == 2 and got.count((Name.Builtin, "len")) == 1


def test_bad_input_never_stops_the_lexer() -> None:
    text = 'let s = "unterminated\nlet t = @ $ \\q\n'
    assert "".join(v for _, v in VmsLexer().get_tokens(text)) == text


def test_the_lexer_lives_in_the_tui_package_without_importing_textual() -> None:
    """Pygments loads the lexer through the entry point on its own (rich and
    the editor's highlighting too): that must not start Textual."""
    probe = ("import sys\nfrom pygments.lexers import get_lexer_by_name\n"
             "lexer = get_lexer_by_name('vmscope')\n"
             "print(type(lexer).__module__, sorted(m for m in sys.modules "
             "if m.split('.')[0] == 'textual'))\n")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, check=True)
    assert proc.stdout.split() == ["vmscope.tui.highlight", "[]"]
