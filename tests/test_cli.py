"""The command line, run as `python -m vmscope ...` in subprocesses: output
streams, exit statuses, error and stack formats, limits, engines and `dis`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import vmscope

ENGINES = ["closure", "ast"]

FAILING = """\
print("start")
fn inner(x) {
  return 10 / x
}
fn outer(x) {
  print("outer", x)
  return inner(x - 1) + 1
}
print(outer(2))
print(outer(1))
print("not reached")
"""
FAILING_OUT = "start\nouter 2\n11.0\nouter 1\n"
FAILING_STACK = [
    "  at <main> (prog.vms:10:7)",
    "  at outer (prog.vms:7:10)",
    "  at inner (prog.vms:3:13)",
]

DEEP = "fn r(n) {\n  if n == 0 { return 1 / 0 }\n  return r(n - 1)\n}\nr(N)\n"

LOOP = 'print("start")\nlet i = 0\nwhile true { i += 1 }\n'

HEADLINE = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<kind>[A-Za-z]+): (?P<msg>.+)$")


# The children may cache bytecode (outside the source tree): dozens of them start here.
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
_ENV["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "vmscope-test-pycache")


def vms_many(cwd: Path, *runs: tuple[str, ...]) -> list[subprocess.CompletedProcess[str]]:
    """`python -m vmscope ARGS` for each ARGS, started together (they are independent)."""
    procs = [(args, subprocess.Popen([sys.executable, "-m", "vmscope", *args], cwd=cwd,
                                     env=_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True))
             for args in runs]
    done = []
    for args, proc in procs:
        out, err = proc.communicate(timeout=60)
        done.append(subprocess.CompletedProcess(list(args), proc.returncode, out, err))
    return done


def vms(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return vms_many(cwd, args)[0]


def both_engines(cwd: Path, *args: str) -> list[subprocess.CompletedProcess[str]]:
    """`run --engine closure ARGS` and `run --engine ast ARGS`."""
    return vms_many(cwd, *[("run", "--engine", e, *args) for e in ENGINES])


def write(tmp_path: Path, text: str, name: str = "prog.vms") -> str:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return name


def headline(line: str) -> tuple[str, int, int, str]:
    m = HEADLINE.match(line)
    assert m is not None, line
    return m["file"], int(m["line"]), int(m["col"]), m["kind"]


def usage_error(proc: subprocess.CompletedProcess[str]) -> str:
    """Asserts the one-line `vmscope: message` form and exit 2; gives the message."""
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("vmscope: ") and len(lines[0]) > len("vmscope: ")
    return lines[0]


# ---- success ----------------------------------------------------------------------------------


def test_success_prints_to_stdout_and_exits_0(tmp_path: Path) -> None:
    name = write(tmp_path, 'fn sq(x) { return x * x }\nprint("hi", sq(3), [1, "a"], 1 / 4)\n'
                 "print()\n")
    for proc in both_engines(tmp_path, name):
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, 'hi 9 [1, "a"] 0.25\n\n', "")


def test_python_dash_m_vmscope_help_works(tmp_path: Path) -> None:
    proc = vms(tmp_path, "--help")
    assert proc.returncode == 0
    assert "usage: vmscope" in proc.stdout
    assert "run" in proc.stdout and "dis" in proc.stdout


# ---- runtime errors ---------------------------------------------------------------------------


def test_runtime_error_headline_and_stack(tmp_path: Path) -> None:
    name = write(tmp_path, FAILING)
    for proc in both_engines(tmp_path, name):
        assert proc.returncode == 1
        assert proc.stdout == FAILING_OUT  # what was printed before the error stays printed
        lines = proc.stderr.splitlines()
        assert headline(lines[0]) == ("prog.vms", 3, 13, "ZeroDivisionError")
        assert lines[1:] == FAILING_STACK


def test_output_comes_before_the_error_on_a_shared_stream(tmp_path: Path) -> None:
    name = write(tmp_path, FAILING)
    proc = subprocess.run([sys.executable, "-m", "vmscope", "run", name], cwd=tmp_path,
                          env=_ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 1
    assert proc.stdout.startswith(FAILING_OUT)
    rest = proc.stdout[len(FAILING_OUT):].splitlines()
    assert headline(rest[0])[3] == "ZeroDivisionError"
    assert rest[1:] == FAILING_STACK


def test_headline_uses_the_path_as_given(tmp_path: Path) -> None:
    name = write(tmp_path, "let x = 1\nprint(x + null)\n", "sub/dir/t.vms")
    proc = vms(tmp_path, "run", name)
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert headline(lines[0]) == ("sub/dir/t.vms", 2, 9, "TypeError")
    assert lines[1:] == ["  at <main> (sub/dir/t.vms:2:9)"]


def _deep_stack(n: int, name: str) -> list[str]:
    return [f"  at <main> ({name}:5:1)"] + [f"  at r ({name}:3:10)"] * n + \
        [f"  at r ({name}:2:24)"]


def test_long_stacks_keep_ten_outermost_and_ten_innermost(tmp_path: Path) -> None:
    cases = [(18, 20, 0), (19, 21, 1), (25, 27, 7)]  # (n, frames, omitted); 20 all shown
    names = [write(tmp_path, DEEP.replace("N", str(n)), f"deep{n}.vms") for n, _, _ in cases]
    procs = vms_many(tmp_path, *[("run", name) for name in names],
                     ("run", "--engine", "ast", names[-1]))
    for (n, frames, omitted), name, proc in zip([*cases, cases[-1]], [*names, names[-1]], procs,
                                                strict=True):
        assert proc.returncode == 1
        lines = proc.stderr.splitlines()
        assert headline(lines[0]) == (name, 2, 24, "ZeroDivisionError")
        full = _deep_stack(n, name)
        assert len(full) == frames
        if omitted:
            assert lines[1:] == [*full[:10], f"  ... {omitted} frames omitted", *full[-10:]]
        else:
            assert lines[1:] == full


def test_lots_of_output_before_a_runtime_error_is_all_kept(tmp_path: Path) -> None:
    name = write(tmp_path, "for i in range(20000) { print(i) }\nprint(1 // 0)\n")
    proc = vms(tmp_path, "run", name)
    assert proc.returncode == 1
    assert proc.stdout == "".join(f"{i}\n" for i in range(20000))
    assert headline(proc.stderr.splitlines()[0]) == ("prog.vms", 2, 9, "ZeroDivisionError")


def test_runtime_name_error_for_a_global_before_its_let(tmp_path: Path) -> None:
    name = write(tmp_path, "fn show() { print(counter) }\nshow()\nlet counter = 1\n")
    for proc in both_engines(tmp_path, name):
        assert proc.returncode == 1
        lines = proc.stderr.splitlines()
        assert headline(lines[0]) == ("prog.vms", 1, 19, "NameError")
        assert lines[1:] == ["  at <main> (prog.vms:2:1)", "  at show (prog.vms:1:19)"]


# ---- compile errors ---------------------------------------------------------------------------


# Compile errors come before any engine runs: `dis` and both engines report them alike.
@pytest.mark.parametrize(("src", "expected", "commands"), [
    ('print("runs?")\nprint(1 < 2 < 3)\n', (2, 13, "SyntaxError"), [["run"], ["dis"]]),
    ('print("runs?")\nprint(nope)\n', (2, 7, "NameError"), [["run"]]),
    ('print("runs?")\nlet s = "abc\n', (2, 13, "SyntaxError"), [["run", "--engine", "ast"]]),
], ids=["grammar", "name", "lexical"])
def test_compile_errors_exit_2_and_nothing_runs(
        tmp_path: Path, src: str, expected: tuple[int, int, str],
        commands: list[list[str]]) -> None:
    name = write(tmp_path, src)
    for proc in vms_many(tmp_path, *[(*c, name) for c in commands]):
        assert proc.returncode == 2
        assert proc.stdout == ""
        lines = proc.stderr.splitlines()
        assert len(lines) == 1  # no stack at compile time
        assert headline(lines[0]) == ("prog.vms", *expected)


def test_bad_utf8_file_is_a_syntax_error_at_the_byte(tmp_path: Path) -> None:
    (tmp_path / "bad.vms").write_bytes(b'\xef\xbb\xbfprint("\xc3\xa9")\r\nprint(\xff)\n')
    proc = vms(tmp_path, "run", "bad.vms")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert headline(proc.stderr.strip()) == ("bad.vms", 2, 7, "SyntaxError")


# ---- usage errors -----------------------------------------------------------------------------


USAGE_ERRORS = [
    ("run", "missing.vms"),
    ("dis", "."),  # a directory is not readable as a program
    ("run", "--bogus", "prog.vms"),
    ("frobnicate", "prog.vms"),
    ("run", "--max-steps", "abc", "prog.vms"),
    ("run", "--max-depth", "-1", "prog.vms"),
    ("run", "--engine", "jit", "prog.vms"),
]


def test_usage_errors_are_one_line_and_exit_2(tmp_path: Path) -> None:
    write(tmp_path, 'print("must not run")\n')
    for args, proc in zip(USAGE_ERRORS, vms_many(tmp_path, *USAGE_ERRORS), strict=True):
        line = usage_error(proc)
        if "missing.vms" in args:
            assert "missing.vms" in line



def test_a_vms_file_alone_opens_the_debugger_on_it(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """`vmscope FILE.vms -O 1` is `vmscope debug FILE.vms -O 1`."""
    from vmscope import cli
    from vmscope.tui import app

    opened: list[tuple[str, bytes, int, Path | None]] = []
    monkeypatch.setattr(app, "run_debugger", lambda name, data, limits, level, path:
                        opened.append((name, data, level, path)) or 0)
    path = write(tmp_path, "print(1)\n")
    monkeypatch.chdir(tmp_path)
    assert cli.main([path, "-O", "1"]) == 0
    assert opened == [(path, b"print(1)\n", 1, Path(path))]
    proc = vms(tmp_path, "missing.vms")  # a file it cannot read: one line, exit 2
    assert "missing.vms" in usage_error(proc)
    assert "invalid choice" in usage_error(vms(tmp_path, "prog"))  # not a .vms: a command

# ---- --stats ----------------------------------------------------------------------------------

STRAIGHT = 'print("hi", 1 + 2)\n'


def _steps(proc: subprocess.CompletedProcess[str]) -> int:
    m = re.search(r"^steps: (\d+)\b", proc.stderr, re.MULTILINE)
    assert m is not None, proc.stderr
    return int(m.group(1))


def test_stats_go_to_stderr_with_the_step_count(tmp_path: Path) -> None:
    name = write(tmp_path, STRAIGHT)
    o0, default, ast = vms_many(tmp_path, ("run", "--stats", "-O0", name),
                                ("run", "--stats", name),
                                ("run", "--stats", "--engine", "ast", name))
    for proc in (o0, default, ast):
        assert proc.returncode == 0
        assert proc.stdout == "hi 3\n"  # nothing of the stats on stdout
    # a closure step is one VM instruction; at -O0 straight-line code runs each of its
    # instructions once: const "hi", const 1, const 2, add, print, halt
    assert _steps(o0) == len(vmscope.compile_source(STRAIGHT).code.code) == 6
    assert 1 <= _steps(default) <= 6  # higher levels fuse instructions, never add any
    # an ast step is one node: ExprStmt, CallBuiltin(print), Const, Binary, Const, Const
    assert _steps(ast) == 6


def test_stats_count_loop_iterations(tmp_path: Path) -> None:
    small = write(tmp_path, "for i in range(10) { }\n", "small.vms")
    big = write(tmp_path, "for i in range(1000) { }\n", "big.vms")
    counts = []
    for proc in vms_many(tmp_path, ("run", "--stats", small), ("run", "--stats", big)):
        assert proc.returncode == 0
        counts.append(_steps(proc))
    # every iteration costs the same number of steps: the difference is 990 of them
    per_iteration = (counts[1] - counts[0]) // 990
    assert per_iteration >= 1
    assert counts[1] - counts[0] == 990 * per_iteration


# ---- limits -----------------------------------------------------------------------------------


def test_max_steps_is_a_limit_error_exit_1(tmp_path: Path) -> None:
    name = write(tmp_path, LOOP)
    for proc in both_engines(tmp_path, "--max-steps", "1000", name):
        assert proc.returncode == 1
        assert proc.stdout == "start\n"
        lines = proc.stderr.splitlines()
        file, line, _, kind = headline(lines[0])
        assert (file, line, kind) == ("prog.vms", 3, "LimitError")
        assert len(lines) == 2 and re.fullmatch(r"  at <main> \(prog\.vms:3:\d+\)", lines[1])


def test_a_program_within_max_steps_runs_normally(tmp_path: Path) -> None:
    name = write(tmp_path, STRAIGHT)
    # exactly the steps that --stats reports are allowed; one fewer is a LimitError
    closure_steps = _steps(vms(tmp_path, "run", "--stats", name))
    budgets = [("closure", closure_steps), ("ast", 6)]
    runs = [("run", "--engine", e, "--max-steps", str(n - d), name)
            for e, n in budgets for d in (0, 1)]
    ok_closure, short_closure, ok_ast, short_ast = vms_many(tmp_path, *runs)
    for ok in (ok_closure, ok_ast):
        assert (ok.returncode, ok.stdout, ok.stderr) == (0, "hi 3\n", "")
    for short in (short_closure, short_ast):
        assert short.returncode == 1
        assert headline(short.stderr.splitlines()[0])[3] == "LimitError"


@pytest.mark.parametrize(("option", "src", "kind", "pos"), [
    ("--max-depth=3", "fn r(n) { return r(n) }\nr(1)\n", "RecursionError", (1, 18)),
    ("--max-length=4", "let s = \"ab\"\nprint(s + s)\nprint(s + s + s)\n", "LimitError", (3, 13)),
    ("--max-int-bits=64", "print(2 ** 63)\nprint(2 ** 64)\n", "LimitError", (2, 9)),
], ids=["depth", "length", "int-bits"])
def test_limit_options(tmp_path: Path, option: str, src: str, kind: str,
                       pos: tuple[int, int]) -> None:
    name = write(tmp_path, src)
    for proc in both_engines(tmp_path, option, name):
        assert proc.returncode == 1
        assert headline(proc.stderr.splitlines()[0]) == ("prog.vms", *pos, kind)


def _runs_or_is_a_usage_error(proc: subprocess.CompletedProcess[str]) -> None:
    """A huge limit is either accepted (the program runs, far from any limit) or a bad
    option value (one `vmscope:` line, exit 2); never a host traceback."""
    assert "Traceback" not in proc.stderr, proc.stderr
    if proc.returncode == 0:
        assert (proc.stdout, proc.stderr) == ("hi 3\n", "")
    else:
        usage_error(proc)


def test_a_huge_max_int_bits_is_not_a_host_crash(tmp_path: Path) -> None:
    name = write(tmp_path, STRAIGHT)
    _runs_or_is_a_usage_error(vms(tmp_path, "run", "--max-int-bits", "1" + "0" * 20, name))


def test_a_huge_max_depth_is_not_a_host_crash_on_the_ast_engine(tmp_path: Path) -> None:
    name = write(tmp_path, STRAIGHT)
    _runs_or_is_a_usage_error(
        vms(tmp_path, "run", "--engine", "ast", "--max-depth", "100000000000", name))


# ---- engine parity ----------------------------------------------------------------------------


def test_engine_ast_gives_the_same_output(tmp_path: Path) -> None:
    name = write(tmp_path, "let xs = [3, 1, 2]\nfor x in xs { if x > 1 { push(xs, x - 2) } }\n"
                 'print(xs, str(xs) + "!", -0.0, 2 ** 70, 1e16, "a\\tb", ["a\\tb"])\n')
    closure, ast = both_engines(tmp_path, name)
    expected = '[3, 1, 2, 1, 0] [3, 1, 2, 1, 0]! -0.0 1180591620717411303424 1e+16 a\tb ["a\\tb"]\n'
    assert (closure.returncode, closure.stdout, closure.stderr) == (0, expected, "")
    assert (ast.returncode, ast.stdout, ast.stderr) == (0, expected, "")


# ---- dis --------------------------------------------------------------------------------------


def test_dis_prints_the_listing(tmp_path: Path) -> None:
    src = "fn twice(x) { return x * 2 }\nlet i = 0\nwhile i < 3 { i += 1 }\nprint(twice(i))\n"
    name = write(tmp_path, src)
    proc = vms(tmp_path, "dis", name)
    assert proc.returncode == 0
    assert proc.stderr == ""
    assert proc.stdout == vmscope.compile_source(src, name).disassemble()
    text = proc.stdout
    assert text.startswith("Disassembly of <main>")
    assert re.search(r"^Disassembly of twice\b", text, re.MULTILINE)
    assert re.search(r"^\s+>>\s+\d+\s+3:\d+", text, re.MULTILINE)  # the loop head
    assert re.search(r"\bmul\b.*depth 2$", text, re.MULTILINE)
    assert re.search(r"\bhalt\b.*depth 0$", text, re.MULTILINE)


def test_dis_does_not_run_the_program(tmp_path: Path) -> None:
    name = write(tmp_path, 'print("ran")\nprint(1 / 0)\n')
    proc = vms(tmp_path, "dis", name)
    assert proc.returncode == 0
    assert proc.stderr == ""
    assert "ran" not in proc.stdout.splitlines()  # print never ran
    assert re.search(r"\bdiv\b", proc.stdout)
