"""Name resolution: slots, globals, hoisting, namespaces, scopes, and every
compile-time error kind with its position (LANGUAGE.md, "Names and scopes")."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import vmscope
from vmscope.errors import CompileError
from vmscope.lang import nodes as n
from vmscope.lang.parser import parse
from vmscope.lang.resolver import resolve


def resolved(text: str) -> n.ResolvedProgram:
    return resolve(parse(text))


def compile_error(text: str) -> tuple[str, int, int]:
    with pytest.raises(CompileError) as info:
        vmscope.compile_source(text)
    return info.value.kind.value, info.value.line, info.value.col


def run(text: str) -> str:
    program = vmscope.compile_source(text)
    outputs = set()
    for engine in ("closure", "ast"):
        result = program.run(engine)
        assert result.error is None, (engine, result.error)
        outputs.add(result.output)
    assert len(outputs) == 1, outputs
    return outputs.pop()


def walk(node: object) -> Iterator[object]:
    """Every node reachable from `node` (dataclass fields, tuples)."""
    yield node
    for name in getattr(node, "__slots__", ()):
        value = getattr(node, name, None)
        values = value if isinstance(value, tuple) else (value,)
        for v in values:
            if hasattr(v, "__slots__") and not isinstance(v, n.Span | n.TypeName):
                yield from walk(v)


def refs(node: object, cls: type) -> list[tuple[str, int, int, int]]:
    """(name, slot or index, line, col) of every Local/Global under node."""
    out = []
    for x in walk(node):
        if isinstance(x, cls):
            assert isinstance(x, n.Local | n.Global)
            key = x.slot if isinstance(x, n.Local) else x.index
            out.append((x.name, key, x.span.line, x.span.col))
    return sorted(out, key=lambda r: (r[2], r[3]))


# ---- slots and globals ---------------------------------------------------------------------


def test_parameters_take_the_first_slots_then_each_let_its_own() -> None:
    prog = resolved("fn f(a, b) {\n  let c = a\n  if b { let d = c }\n  let e = b\n}")
    (f,) = prog.functions
    assert f.slot_names == ("a", "b", "c", "d", "e")
    assert f.nslots == 5
    assert refs(f.body, n.Local) == [
        ("c", 2, 2, 7), ("a", 0, 2, 11),
        ("b", 1, 3, 6), ("d", 3, 3, 14), ("c", 2, 3, 18),
        ("e", 4, 4, 7), ("b", 1, 4, 11),
    ]


def test_top_level_lets_are_globals_indexed_in_order() -> None:
    prog = resolved("let a = 1\nlet b = a\nfn f() { return b + a }\nprint(f())")
    assert prog.globals == ("a", "b")
    assert prog.main.nslots == 0
    assert refs(prog.functions[0].body, n.Global) == [("b", 1, 3, 17), ("a", 0, 3, 21)]
    assert not refs(prog.functions[0].body, n.Local)


def test_lets_in_top_level_blocks_are_locals_of_main() -> None:
    prog = resolved("let g = 1\nif true { let x = g }\nwhile false { let y = 2 }")
    assert prog.globals == ("g",)
    assert prog.main.slot_names == ("x", "y")
    assert refs(prog.main.body, n.Local) == [("x", 0, 2, 15), ("y", 1, 3, 19)]


def test_a_global_declared_after_a_function_is_visible_in_it() -> None:
    prog = resolved("fn show() { print(counter) }\nshow()\nlet counter = 1\nshow()")
    assert refs(prog.functions[0].body, n.Global) == [("counter", 0, 1, 19)]
    # ... and touching it before its let ran is a runtime NameError at the name
    result = vmscope.compile_source("fn show() { print(counter) }\nshow()\nlet counter = 1").run()
    assert result.error is not None
    assert (result.error.kind.value, result.error.line, result.error.col) == ("NameError", 1, 19)


def test_global_assigned_in_a_function() -> None:
    assert run("let p = 1\nfn f() { p = p + 1 }\nf(); f()\nprint(p)") == "3\n"


# ---- functions: hoisting and namespaces --------------------------------------------------------


def test_functions_are_hoisted_and_indexed_in_declaration_order() -> None:
    prog = resolved("print(g(f(2)))\nfn f(x) { return x * 2 }\nfn g(y) { return f(y) + 1 }")
    assert [fn.name for fn in prog.functions] == ["f", "g"]
    assert [fn.index for fn in prog.functions] == [0, 1]
    calls = [x for x in walk(prog.main.body) if isinstance(x, n.CallFn)]
    assert sorted((c.name, c.index) for c in calls) == [("f", 0), ("g", 1)]
    assert run("print(g(f(2)))\nfn f(x) { return x * 2 }\nfn g(y) { return f(y) + 1 }") \
        == "9\n"


def test_builtin_calls_resolve_to_builtins() -> None:
    prog = resolved("print(len([1]))")
    builtins = [x.name for x in walk(prog.main.body) if isinstance(x, n.CallBuiltin)]
    assert sorted(builtins) == ["len", "print"]


def test_functions_and_variables_live_in_separate_namespaces() -> None:
    assert run("let len = 3; print(len, len([1]))") == "3 1\n"
    assert run("fn x() { return 7 }\nlet x = 3\nprint(x, x())") == "3 7\n"
    assert run("fn f(f) { return f + 1 }\nprint(f(1))") == "2\n"


def test_a_variable_cannot_be_called() -> None:
    assert compile_error("let x = 1\nprint(x(2))") == ("NameError", 2, 7)


def test_a_function_name_is_not_a_variable() -> None:
    assert compile_error("fn f() { return 1 }\nprint(f)") == ("NameError", 2, 7)


# ---- scopes ----------------------------------------------------------------------------------


def test_let_initializer_sees_the_outer_binding() -> None:
    prog = resolved("fn f(x) {\n  if true { let x = x + 1 }\n}")
    # target x is a new slot 1, the x read in its initializer is the parameter (slot 0)
    assert refs(prog.functions[0].body, n.Local) == [("x", 1, 2, 17), ("x", 0, 2, 21)]
    assert run("let x = 1\nfn f() { let x = x + 1; return x }\nprint(f(), x)") == "2 1\n"
    assert run("let x = 5\nif true { let x = x + 1; print(x) }\nprint(x)") == "6\n5\n"


def test_top_level_let_x_equals_x_reads_the_global_itself() -> None:
    # the global exists for the whole program, so `x` resolves; it is unset at run time
    result = vmscope.compile_source("let x = x").run()
    assert result.error is not None
    assert (result.error.kind.value, result.error.line, result.error.col) == ("NameError", 1, 9)


def test_inner_blocks_shadow_and_the_outer_binding_returns_after() -> None:
    src = "fn f(x) { if true { let x = x * 10; print(x) }; print(x) }\nf(5)"
    assert run(src) == "50\n5\n"
    src = "fn f() {\n let a = 1\n while true {\n  let a = 2\n  if true { let a = 3 }\n" \
          "  break\n }\n}"
    assert resolved(src).functions[0].slot_names == ("a", "a", "a")


def test_a_local_is_visible_only_after_its_let() -> None:
    assert compile_error("fn f() { print(z); let z = 1 }") == ("NameError", 1, 16)
    # ... so before its let the name still means the global
    assert run("let z = 9\nfn f() { print(z); let z = 1; print(z) }\nf()") == "9\n1\n"


def test_a_block_local_is_gone_after_its_block() -> None:
    assert compile_error("if true { let q = 1 }\nprint(q)") == ("NameError", 2, 7)
    assert compile_error("fn f() {\n  while false { let w = 1 }\n  return w\n}") == \
        ("NameError", 3, 10)


def test_sibling_blocks_may_reuse_a_name() -> None:
    assert run("while false { let w = 1 }\nwhile false { let w = 2 }\nprint(1)") == "1\n"


def test_for_variable_scope_surrounds_the_body() -> None:
    assert run("for i in range(3) { let i = i * 2; print(i) }") == "0\n2\n4\n"
    assert run("for i in [1, 2] { let i = 0; print(i) }") == "0\n0\n"
    assert compile_error("fn f() {\n  for i in [1] { }\n  return i\n}") == ("NameError", 3, 10)


def test_for_iterable_is_resolved_outside_the_loop_variable_scope() -> None:
    assert run("let x = [1, 2]\nfor x in x { print(x) }\nprint(x)") == "1\n2\n[1, 2]\n"


def test_for_range_gets_counter_slots_and_for_list_gets_sequence_slots() -> None:
    prog = resolved("fn f(xs) {\n  for i in range(3) { }\n  for x in xs { }\n}")
    f = prog.functions[0]
    assert f.slot_names == ("xs", "i", "<next>", "<stop>", "<step>", "x", "<seq>", "<index>")
    loops = f.body.stmts
    assert isinstance(loops[0], n.ForRange)
    assert (loops[0].var.slot, loops[0].counter, loops[0].limit, loops[0].step) == (1, 2, 3, 4)
    assert isinstance(loops[1], n.For)
    assert isinstance(loops[1].var, n.Local)
    assert (loops[1].var.slot, loops[1].seq, loops[1].index) == (5, 6, 7)


def test_range_with_a_bad_argument_count_is_not_the_counting_loop() -> None:
    prog = resolved("for i in range(1, 2, 3, 4) { }")
    assert isinstance(prog.main.body.stmts[0], n.For)
    result = vmscope.compile_source("for i in range(1, 2, 3, 4) { }").run()
    assert result.error is not None and result.error.kind.value == "TypeError"
    assert (result.error.line, result.error.col) == (1, 10)


def test_parameters_share_a_scope_with_the_body_top_level() -> None:
    assert compile_error("fn f(a) { let a = 1 }") == ("SyntaxError", 1, 15)
    # but an inner block may shadow a parameter
    assert run("fn f(a) { if true { let a = 2; print(a) }; print(a) }\nf(1)") == "2\n1\n"


def test_assignment_types_are_recorded_from_the_declaration() -> None:
    prog = resolved("let g: float = 1\nfn f(p: int) { let q: str = \"\"; p = 1; q = \"a\" }\ng = 2")
    assigns = [x for x in walk(prog.functions[0].body) if isinstance(x, n.Assign)]
    assert [a.type for a in assigns] == [n.TypeName.INT, n.TypeName.STR]
    (top,) = [x for x in walk(prog.main.body) if isinstance(x, n.Assign)]
    assert top.type is n.TypeName.FLOAT


# ---- compile-time errors -----------------------------------------------------------------------


@pytest.mark.parametrize(("src", "error"), [
    # unknown names
    ("print(nope)", ("NameError", 1, 7)),
    ("nope = 3", ("NameError", 1, 1)),
    ("let a = [1]\nnope[0] = a", ("NameError", 2, 1)),
    ("x += 1", ("NameError", 1, 1)),
    ("nope(3)", ("NameError", 1, 1)),
    ("print(1)\n  frob()", ("NameError", 2, 3)),
    ("fn f() { return g }", ("NameError", 1, 17)),
    ("for i in nope { }", ("NameError", 1, 10)),
    # redeclarations
    ("let x = 1\nlet x = 2", ("SyntaxError", 2, 5)),
    ("fn f() { let y = 1; let y = 2 }", ("SyntaxError", 1, 25)),
    ("if true {\n  let y = 1\n  let y = 2\n}", ("SyntaxError", 3, 7)),
    ("fn f(a) { let a = 1 }", ("SyntaxError", 1, 15)),
    ("fn f(a, b, a) { }", ("SyntaxError", 1, 12)),
    ("fn f() {}\nfn f() {}", ("SyntaxError", 2, 4)),
    ("fn len(x) { }", ("SyntaxError", 1, 4)),
    ("fn  print() { }", ("SyntaxError", 1, 5)),
    # misplaced control flow, at the keyword
    ("break", ("SyntaxError", 1, 1)),
    ("print(1)\n  continue", ("SyntaxError", 2, 3)),
    ("fn f() { break }", ("SyntaxError", 1, 10)),
    ("while true { }\nbreak", ("SyntaxError", 2, 1)),
    ("return", ("SyntaxError", 1, 1)),
    ("while true { return 1 }", ("SyntaxError", 1, 14)),
    ("if true { return }", ("SyntaxError", 1, 11)),
    # arity of declared functions, at the call's name
    ("fn f(a, b) { }\nf(1)", ("SyntaxError", 2, 1)),
    ("fn f(a) { return a }\nprint(f())", ("SyntaxError", 2, 7)),
    ("fn f() { g() }\nfn g() { f(1) }", ("SyntaxError", 2, 10)),
])
def test_compile_time_errors(src: str, error: tuple[str, int, int]) -> None:
    assert compile_error(src) == error


def test_builtin_arity_is_a_runtime_error_not_a_compile_error() -> None:
    result = vmscope.compile_source('print(1)\nprint(len(1, 2))').run()
    assert result.output == "1\n"
    assert result.error is not None
    assert (result.error.kind.value, result.error.line, result.error.col) == ("TypeError", 2, 7)


def test_loops_and_functions_allow_break_continue_and_return() -> None:
    src = ("fn f() {\n  for i in range(5) {\n    if i == 1 { continue }\n    if i == 3 { break }\n"
           "    print(i)\n  }\n  return 9\n}\nprint(f())")
    assert run(src) == "0\n2\n9\n"


# ---- which error is reported ---------------------------------------------------------------------


@pytest.mark.parametrize(("src", "error"), [
    ("print(a)\nprint(b)", ("NameError", 1, 7)),
    ("print(1); print(nope1); print(nope2)", ("NameError", 1, 17)),
    # functions are resolved after the top level, but report in source order
    ("fn h() { print(u) }\nprint(v)", ("NameError", 1, 16)),
    ("print(v)\nfn h() { print(u) }", ("NameError", 1, 7)),
    ("fn f() { print(a1) }\nfn g() { print(a0) }", ("NameError", 1, 16)),
    ("fn h() { print(u) }\nfn len() {}", ("NameError", 1, 16)),
    ("fn len() {}\nfn h() { print(u) }", ("SyntaxError", 1, 4)),
    ("print(1)\ncontinue\nreturn 5", ("SyntaxError", 2, 1)),
    ("let x = 1\nprint(y)\nlet x = 2", ("NameError", 2, 7)),
    # the call's name comes before a bad name among its arguments
    ("fn f() { }\nf(nope)", ("SyntaxError", 2, 1)),
    ("fn f(a) { }\nprint(nope, f())", ("NameError", 2, 7)),
    # a grammar or lexical error anywhere wins over the others
    ("print(b)\nprint(1 < 2 < 3)", ("SyntaxError", 2, 13)),
    ("print(nope)\nlet s = \"abc", ("SyntaxError", 2, 13)),
    ("break\nx = 1.", ("SyntaxError", 2, 6)),
    ("fn f() {}\nfn f() {}\nprint(1 <)", ("SyntaxError", 3, 10)),
])
def test_the_first_error_is_reported(src: str, error: tuple[str, int, int]) -> None:
    assert compile_error(src) == error


def test_nothing_runs_when_compilation_fails() -> None:
    # compile_source raises; there is no Program to run
    with pytest.raises(CompileError):
        vmscope.compile_source('print("side effect")\nprint(nope)')
