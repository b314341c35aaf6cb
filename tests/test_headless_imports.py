"""The headless commands never import the TUI: `import vmscope` and the `run`
and `dis` commands leave textual out of sys.modules (checked in a fresh
interpreter, since this test process may have imported anything)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import contextlib, io, json, sys
import vmscope
import vmscope.cli
after_import = sorted(m for m in sys.modules if m.split(".")[0] == "textual")
codes = []
out, err = io.StringIO(), io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    codes.append(vmscope.cli.main(["run", sys.argv[1]]))
    codes.append(vmscope.cli.main(["run", "--engine", "ast", "--stats", sys.argv[1]]))
    codes.append(vmscope.cli.main(["dis", sys.argv[1]]))
    codes.append(vmscope.cli.main(["run", sys.argv[2]]))  # a runtime error
after_commands = sorted(m for m in sys.modules if m.split(".")[0] == "textual")
print(json.dumps({"after_import": after_import, "after_commands": after_commands,
                  "codes": codes, "out": out.getvalue()}))
"""


@pytest.mark.skipif(importlib.util.find_spec("textual") is None,
                    reason="textual is not installed, so its absence proves nothing")
def test_run_and_dis_do_not_import_textual(tmp_path: Path) -> None:
    ok = tmp_path / "ok.vms"
    ok.write_text("fn f(x) { return x + 1 }\nprint(f(1))\n", encoding="utf-8")
    bad = tmp_path / "bad.vms"
    bad.write_text("print(1 / 0)\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", PROBE, str(ok), str(bad)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["codes"] == [0, 0, 0, 1]  # the commands really ran
    assert report["out"].startswith("2\n2\nDisassembly of <main>")
    assert report["after_import"] == []
    assert report["after_commands"] == []



LEAN_PROBE = """
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
    ok = tmp_path / "ok.vms"
    ok.write_text("print(1 + 1)\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", LEAN_PROBE, str(ok)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"code": 0, "out": "2\n", "loaded": []}
