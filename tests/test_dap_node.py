"""Microsoft's own DAP test client (@vscode/debugadapter-testsupport, from
npm) drives `vmscope dap` through launch, a breakpoint hit, a step and a
clean end, then a logpoint and steps back: tests/dap_node/dap.test.js, run
with node's test runner. Needs node and `npm ci` in tests/dap_node (.ci/run
does both)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from support.tools import need

HERE = Path(__file__).resolve().parent / "dap_node"


def adapter_command(tmp_path: Path) -> str:
    """The `vmscope` executable of this environment (a wrapper if it is absent)."""
    installed = Path(sys.executable).parent / "vmscope"
    if installed.exists():
        return str(installed)
    wrapper = tmp_path / "vmscope"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m vmscope "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


def test_microsofts_test_client_drives_the_adapter(tmp_path: Path) -> None:
    node = shutil.which("node")
    need(node is not None, "node is not installed")
    need((HERE / "node_modules" / "@vscode" / "debugadapter-testsupport").is_dir(),
         "the node packages are not installed (npm ci in tests/dap_node)")
    assert node is not None
    env = {**os.environ, "VMSCOPE_ADAPTER": adapter_command(tmp_path)}
    proc = subprocess.run([node, "--test", "--test-reporter=tap", "dap.test.js"], cwd=HERE,
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    report = proc.stdout + proc.stderr
    assert proc.returncode == 0, report
    assert "# pass 2" in report and "# fail 0" in report, report
