"""Deeply nested programs: long operator chains, deep parentheses, long
unary chains and right-nested and/or compile and run the same on every engine
and level; absurd nesting is a clean SyntaxError, never a host crash."""

from __future__ import annotations

import pytest

import vmscope

PROGRAMS = {
    "long-sum": ("print(" + "+".join(["1"] * 3000) + ")", "3000\n"),
    "deep-parens": ("print(" + "(" * 2000 + "7" + ")" * 2000 + ")", "7\n"),
    "right-nested-and": ("print(" + " and (".join(["2"] * 120) + ")" * 119 + ")", "2\n"),
    "unary-chain": ("print(" + "-" * 2001 + "3)", "-3\n"),
    "not-chain": ("print(" + "not " * 1001 + "true)", "false\n"),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_deep_programs_agree_everywhere(name: str) -> None:
    src, want = PROGRAMS[name]
    program = vmscope.compile_source(src)
    assert program.run("ast").output == want
    for level in (0, 1, 2):
        result = program.at_level(level).run()
        assert (result.output, result.error) == (want, None)


def test_absurd_nesting_is_a_syntax_error() -> None:
    src = "print(" + "(" * 100_000 + "1" + ")" * 100_000 + ")"
    with pytest.raises(vmscope.CompileError) as info:
        vmscope.compile_source(src)
    assert info.value.kind is vmscope.ErrorKind.SYNTAX and info.value.line == 1
