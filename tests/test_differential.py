"""Differential table: every case runs on both engines and must match the table.

The table (tests/cases/, one module per category) is an independent oracle:
each expected output and error position was worked out by hand from
docs/LANGUAGE.md (the shared language contract), not recorded from an
engine. Each case is compiled once; a compile error is compared on
kind/line/col. Otherwise the same Program runs twice on the AST interpreter
and twice on the closure VM at each of -O0, -O1 and -O2, and all eight runs
must produce exactly the expected stdout, error kind, line and column.
"""

from __future__ import annotations

from typing import Any

import pytest
from cases import CASES, CATEGORIES
from cases.case import Case

import vmscope


def _kinds(err: Any) -> tuple[str, int, int]:
    return (err.kind.value, err.line, err.col)


def _observe(result: Any, case: Case) -> tuple[Any, ...]:
    """What one run did, in the shape of the expectation built by _expect."""
    err = result.error
    if err is None:
        return (result.output, None, result.exit_code, None)
    frames = tuple((e.function, e.span.line, e.span.col) for e in err.stack)
    if case.stack is None:
        # Without a spelled-out stack, still demand the two ends be right:
        # the top level outermost and the failing position innermost.
        frames = (frames[0][0], frames[-1][1:]) if frames else ()
    return (result.output, _kinds(err), result.exit_code, frames)


def _expect(case: Case) -> tuple[Any, ...]:
    if case.error is None:
        return (case.out, None, 0, None)
    stack = case.stack if case.stack is not None else ("<main>", case.error[1:])
    return (case.out, case.error, 1, stack)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_engines_match_table(case: Case, capsys: pytest.CaptureFixture[str]) -> None:
    if case.compile_time:
        with pytest.raises(vmscope.CompileError) as info:
            vmscope.compile_source(case.src, filename="case.vms")
        assert _kinds(info.value) == case.error
        # Nothing ran: no engine got a program, and nothing reached stdout.
        assert capsys.readouterr().out == ""
        return

    program = vmscope.compile_source(case.src, filename="case.vms")
    limits = vmscope.Limits(**case.limits) if case.limits else vmscope.Limits()
    want = _expect(case)
    # The AST interpreter, then the closure VM at every optimisation level.
    variants = [("ast", program), *((f"O{lvl}", program.at_level(lvl)) for lvl in (0, 1, 2))]
    got = {
        f"{name}#{attempt}": _observe(
            variant.run(engine="ast" if name == "ast" else "closure", limits=limits), case
        )
        for name, variant in variants
        for attempt in (1, 2)
    }
    assert got == dict.fromkeys(got, want)
    # Output is captured into the result, never written to the host's stdout.
    assert capsys.readouterr().out == ""


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 250


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


def test_every_category_has_cases() -> None:
    from importlib import import_module

    sizes = {name: len(import_module(f"cases.{name}").CASES) for name in CATEGORIES}
    assert min(sizes.values()) > 0 and sum(sizes.values()) == len(CASES)
