"""Only the TUI imports Textual: `vmscope run`, `dis` and `trace`, each in a
fresh interpreter, finish without Textual (or vmscope.tui) ever imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROGRAM = "fn sq(x) { return x * x }\nprint(sq(7))\n"
PROBE = """\
import sys
from vmscope.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
loaded = sorted(m for m in sys.modules if m.split(".")[0] == "textual" or m == "vmscope.tui")
sys.stderr.write("LOADED " + " ".join(loaded) + "\\n")
sys.exit(code)
"""


def test_headless_commands_never_import_textual(tmp_path: Path) -> None:
    prog = tmp_path / "prog.vms"
    prog.write_text(PROGRAM)
    runs = [["run", str(prog)], ["dis", str(prog)], ["trace", str(prog), "--limit", "3"]]
    procs = [subprocess.Popen([sys.executable, "-c", PROBE, *args], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for args in runs]
    for args, proc in zip(runs, procs, strict=True):
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, (args, err)
        assert out, args
        assert err.splitlines()[-1].strip() == "LOADED", (args, err)
