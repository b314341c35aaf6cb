"""What each part of vmscope imports, checked in fresh interpreters (this
test process may have imported anything):
- the headless commands (`run`, `dis`, `trace`, `profile` in sample and count
  mode, `profile diff`, `eval`) never import Textual, nor rich, which none of
  them needs when its output is not a terminal;
- a closure `vmscope run` loads neither the AST engine nor the profiler, and
  no command's parser loads the profiler's machinery, the TUI, the row engine
  or the benchmarks;
- the libraries (`profiler`, `rows`, `bench`, `debug`) never import the
  command line."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from vmscope.cli import COMMANDS

HEAVY = ("textual", "rich")


def probe(tmp_path: Path, script: str, *args: str) -> dict[str, object]:
    proc = subprocess.run([sys.executable, "-c", script, *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout.splitlines()[-1])
    return result


HEADLESS = """
import contextlib, io, json, sys
import vmscope.cli
ok, bad, csv, a, b = sys.argv[1:]
runs = [
    ["run", ok], ["run", "--engine", "ast", "--stats", ok], ["run", bad], ["dis", ok],
    ["trace", ok, "--limit", "5"],
    ["profile", ok, "--mode", "sample", "--format", "json", "-o", a],
    ["profile", ok, "--mode", "count", "--format", "json", "-o", b],
    ["profile", ok, "--mode", "count", "--by", "line"],
    ["profile", "diff", a, b], ["profile", "diff", a, b, "--format", "json"],
    ["eval", "x * 2", "--rows", csv], ["eval", "--where", "x > 1", "--rows", csv],
    ["eval", "--profile=count", "x * 2", "--rows", csv],
]
report = []
for argv in runs:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = vmscope.cli.main(argv)
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich")
                    or m == "vmscope.tui")
    report.append({"argv": argv, "code": code, "out": out.getvalue()[:200],
                   "err": err.getvalue()[:300], "loaded": loaded})
print(json.dumps(report))
"""


@pytest.mark.skipif(importlib.util.find_spec("textual") is None,
                    reason="textual is not installed, so its absence proves nothing")
def test_headless_commands_import_neither_textual_nor_rich(tmp_path: Path) -> None:
    (tmp_path / "ok.vms").write_text("fn f(x) { return x + 1 }\nprint(f(1))\n")
    (tmp_path / "bad.vms").write_text("print(1 / 0)\n")
    (tmp_path / "t.csv").write_text("x:int\n1\n2\n3\n")
    report = probe(tmp_path, HEADLESS, "ok.vms", "bad.vms", "t.csv", "a.json", "b.json")
    assert isinstance(report, list)
    for run in report:
        want = 1 if run["argv"] == ["run", "bad.vms"] else 0
        assert run["code"] == want, run  # the command really ran
        assert run["loaded"] == [], run
    outs = {" ".join(r["argv"]): r["out"] for r in report}
    assert outs["run ok.vms"] == "2\n"
    assert outs["dis ok.vms"].startswith("Disassembly of <main>")
    assert outs["eval x * 2 --rows t.csv"] == "2\n4\n6\n"
    assert outs["profile diff a.json b.json"].startswith("vmscope profile diff")


LEAN = """
import contextlib, io, json, sys
import vmscope.cli
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = vmscope.cli.main(["run", sys.argv[1]])
loaded = sorted(m for m in sys.modules
                if m == "vmscope.lang.interpreter" or m.startswith("vmscope.profiler"))
print(json.dumps({"code": code, "out": out.getvalue(), "loaded": loaded}))
"""


def test_a_closure_run_loads_neither_the_ast_engine_nor_the_profiler(tmp_path: Path) -> None:
    """Start-up is part of every `vmscope run`: what it does not use, it does not load."""
    (tmp_path / "ok.vms").write_text("print(1 + 1)\n")
    assert probe(tmp_path, LEAN, "ok.vms") == {"code": 0, "out": "2\n", "loaded": []}


PARSERS = """
import contextlib, importlib, io, json, sys
from vmscope.cli import COMMANDS, main
with contextlib.redirect_stdout(io.StringIO()):
    main(["--help"])
for command in COMMANDS:
    importlib.import_module(command.module).parser().format_help()
heavy = ("vmscope.tui", "vmscope.rows", "vmscope.bench", "vmscope.debug", "textual", "rich")
loaded = sorted(m for m in sys.modules if m.startswith(heavy)
                or m.startswith("vmscope.profiler.") or m == "vmscope.lang.interpreter")
print(json.dumps({"loaded": loaded}))
"""
CHOICES = ["vmscope.profiler.options"]  # the profiler's Mode, View and Format: its choices


def test_no_parser_loads_the_machinery_of_a_command(tmp_path: Path) -> None:
    """`vmscope --help` and every command's parser (`vmscope CMD --help`) load
    only vmscope.cli and the language: each command imports its machinery when
    it runs (the profiler's package __init__ only loads its choices)."""
    assert len(COMMANDS) == 10
    assert probe(tmp_path, PARSERS) == {"loaded": CHOICES}


LIBRARIES = """
import importlib, json, pkgutil, sys
import vmscope
names = []
for package in ("profiler", "rows", "bench", "debug"):
    root = importlib.import_module(f"vmscope.{package}")
    names.append(root.__name__)
    for info in pkgutil.walk_packages(root.__path__, f"vmscope.{package}."):
        importlib.import_module(info.name)
        names.append(info.name)
print(json.dumps({"modules": names,
                  "cli": sorted(m for m in sys.modules if m.startswith("vmscope.cli"))}))
"""


def test_the_libraries_never_import_the_command_line(tmp_path: Path) -> None:
    result = probe(tmp_path, LIBRARIES)
    modules = result["modules"]
    assert isinstance(modules, list)
    # every module of the four packages was imported, the overhead benchmark included
    assert {"vmscope.profiler.collect", "vmscope.rows.run", "vmscope.bench.command",
            "vmscope.bench.overhead", "vmscope.debug.trace"} <= set(modules)
    assert result["cli"] == []
