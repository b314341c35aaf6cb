"""py-spy mode: run the program in a child process (child.py) under
`py-spy record --format raw`, parse the folded stacks and map the
instruction frames (`i0042_add`) back to ips. py-spy sees Python frames only
and calls are flat in the VM, so this mode has no guest call stacks: function
views show self time, not inclusive time.

Where py-spy is missing or cannot attach (no ptrace permission) the error is
PySpyUnavailable, whose message is one line with the remedy."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vmscope.errors import ErrorKind, GuestError
from vmscope.profiler.calibrate import calibrate
from vmscope.profiler.model import (
    Calibration,
    Cell,
    Profile,
    now_iso,
    source_lines_for,
    static_tables,
    tool_name,
)
from vmscope.profiler.options import Mode, Options, Profiled

if TYPE_CHECKING:
    from vmscope.api import RunResult

_INSTR = re.compile(r"^i(\d+)_")
LOOP_FUNCTIONS = frozenset({"run", "run_for"})  # VM.run, and VM.run_for under a step budget
_FRAME = re.compile(r"^(?P<name>.*) \((?P<file>.*):(?P<line>\d+)\)$")
PERMISSION_HINTS = ("permission", "ptrace", "operation not permitted", "eperm")
REMEDY_PTRACE = ("py-spy cannot attach to the child process (ptrace is not permitted): "
                 "run with CAP_SYS_PTRACE (e.g. `docker run --cap-add SYS_PTRACE`), set "
                 "/proc/sys/kernel/yama/ptrace_scope to 0, run as root, or use --mode sample")
REMEDY_MISSING = ("py-spy is not installed: `pip install py-spy` (it is a vmscope "
                  "dependency), or use --mode sample")


class PySpyUnavailable(Exception):
    """py-spy is not there or may not attach; str() is the one-line remedy."""


def find_pyspy() -> str:
    """The py-spy executable: $VMSCOPE_PYSPY, else beside this Python, else PATH."""
    override = os.environ.get("VMSCOPE_PYSPY")
    if override is not None:
        if os.path.isfile(override) and os.access(override, os.X_OK):
            return override
        raise PySpyUnavailable(REMEDY_MISSING + f" (VMSCOPE_PYSPY={override} is not "
                               "an executable)")
    here = Path(sys.executable).parent / "py-spy"
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    found = shutil.which("py-spy")
    if found is None:
        raise PySpyUnavailable(REMEDY_MISSING)
    return found


def parse_raw(text: str) -> tuple[dict[int, int], int, int]:
    """py-spy's raw (folded) output -> (samples per ip, samples in the VM
    loop outside any instruction, samples elsewhere)."""
    per_ip: dict[int, int] = {}
    loop = lost = 0
    for line in text.splitlines():
        stack, _, count_text = line.rstrip().rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        ip = None
        in_loop = False
        for frame in stack.split(";"):
            m = _FRAME.match(frame)
            name, file = (m.group("name"), m.group("file")) if m else (frame, "")
            short = name.rsplit(".", 1)[-1]
            hit = _INSTR.match(short)
            if hit:
                ip = int(hit.group(1))
            elif short in LOOP_FUNCTIONS and file.replace("\\", "/").endswith("vm/machine.py"):
                in_loop = True
        if ip is not None:
            per_ip[ip] = per_ip.get(ip, 0) + count
        elif in_loop:
            loop += count
        else:
            lost += count
    return per_ip, loop, lost


class PySpyCollector:
    """Same interface as collect.Collector, out of process."""

    def __init__(self, program: Profiled, options: Options) -> None:
        self.program = program
        self.options = options
        self.samples: dict[int, int] = {}
        self.loop = self.lost = 0
        self.wall_ns = 0
        self.runs = 0
        self.error: str | None = None
        self.calibration: Calibration | None = options.calibration
        self._proc: subprocess.Popen[str] | None = None
        self._cancelled = False

    def calibrate(self) -> Calibration:
        """The fast loop's dispatch cost (the only constant this mode uses)."""
        if self.calibration is None:
            self.calibration = calibrate(Mode.PYSPY, self.options.clock)
        return self.calibration

    def steps_so_far(self) -> int:
        return 0  # the child counts nothing

    def cancel(self) -> None:
        """Stop the child (any thread); what py-spy recorded so far is kept."""
        self._cancelled = True
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()

    def run(self, out: Callable[[str], Any] | None = None, repeat: int = 1) -> RunResult:
        from vmscope.api import RunResult

        pyspy = find_pyspy()
        self.calibrate()
        if self._cancelled:
            return self._interrupted()
        limits = self.options.limits
        with tempfile.TemporaryDirectory(prefix="vmscope-pyspy-") as tmp:
            d = Path(tmp)
            src = d / "program.vms"
            src.write_text(self.program.source.text, encoding="utf-8")
            cmd = [pyspy, "record", "--format", "raw", "--rate",
                   str(round(self.options.rate)), "-o", str(d / "raw.txt")]
            if self.options.pyspy_nonblocking:
                cmd.append("--nonblocking")
            cmd += ["--", sys.executable, "-m", "vmscope.profiler.child", str(src),
                    "--name", self.program.source.name, "--out", str(d / "out.txt"),
                    "--meta", str(d / "meta.json"), "--repeat", str(max(repeat, 1)),
                    "--level", str(self.program.level),
                    "--max-depth", str(limits.max_depth), "--max-length",
                    str(limits.max_length), "--max-int-bits", str(limits.max_int_bits)]
            if limits.max_steps is not None:
                cmd += ["--max-steps", str(limits.max_steps)]
            try:
                self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                              stderr=subprocess.PIPE, text=True,
                                              stdin=subprocess.DEVNULL)
            except OSError as exc:
                raise PySpyUnavailable(f"cannot start py-spy ({exc.strerror or exc}): "
                                       + REMEDY_MISSING) from None
            try:
                stdout, stderr = self._proc.communicate()
                returncode = self._proc.returncode
            finally:
                self._proc = None
            if self._cancelled:
                return self._interrupted()
            raw = d / "raw.txt"
            meta_path = d / "meta.json"
            said = (stdout + stderr).lower()
            if returncode != 0 or not raw.exists():
                if any(h in said for h in PERMISSION_HINTS):
                    raise PySpyUnavailable(REMEDY_PTRACE)
                last = (stderr.strip() or stdout.strip() or "no output")
                raise PySpyUnavailable(f"py-spy failed (exit {returncode}): "
                                       f"{last.splitlines()[-1]}")
            if not meta_path.exists():
                tail = stderr.strip().splitlines()[-1:] or ["no output"]
                raise PySpyUnavailable(f"the profiled child process failed: {tail[0]}")
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            output = (d / "out.txt").read_text(encoding="utf-8") \
                if (d / "out.txt").exists() else ""
            per_ip, loop, lost = parse_raw(raw.read_text(encoding="utf-8"))
        for ip, n in per_ip.items():
            self.samples[ip] = self.samples.get(ip, 0) + n
        self.loop += loop
        self.lost += lost
        self.wall_ns += int(meta["wall_ns"])
        self.runs += int(meta["runs"])
        error = None
        if meta.get("error"):
            self.error = str(meta["error"])
            error = _ChildError(self.error, [str(s) for s in meta.get("stack", [])])
        if out is not None:
            out(output)
        return RunResult(output if out is None else "", error, 0, 0, int(meta["wall_ns"]) / 1e9)

    def _interrupted(self) -> RunResult:
        from vmscope.api import RunResult

        self.error = "interrupted"
        return RunResult("", None, 0, 0, 0.0)

    @property
    def profile(self) -> Profile:
        instrs, funcs = static_tables(self.program.code)
        n = sum(self.samples.values()) + self.loop
        sample_ns = self.wall_ns / n if n else 0.0
        cells = tuple(Cell(-1, ip, 0, k * sample_ns, 0.0, k, 0)
                      for ip, k in sorted(self.samples.items()) if 0 <= ip < len(instrs))
        notes = ("py-spy sees no guest call stack (calls are flat): function views show "
                 "self time only",
                 "dispatch row: samples in VM.run outside any instruction's closure")
        return Profile(
            program=self.program.source.name, mode=Mode.PYSPY, instrs=instrs, functions=funcs,
            contexts=(), cells=cells, calibration=self.calibration or Calibration(),
            wall_ns=self.wall_ns, runs=self.runs, has_time=True, has_samples=True,
            samples=n - self.loop, lost_samples=self.lost,
            sample_rate_hz=self.options.rate, sample_ns=sample_ns,
            loop_ns=self.loop * sample_ns, loop_samples=self.loop, overhead=None,
            error=self.error, notes=notes,
            source_lines=source_lines_for(self.program.source.lines, instrs),
            created=now_iso(), tool=tool_name(), level=self.program.level)


class _ChildError(GuestError):
    """A guest error reported by the child: its headline and stack lines."""

    def __init__(self, headline: str, stack: list[str]) -> None:
        super().__init__(ErrorKind.VALUE, headline)
        self.headline_text = headline
        self.stack_lines = stack

    def headline(self, filename: str) -> str:
        return self.headline_text

    def traceback_lines(self, filename: str, keep: int = 10) -> list[str]:
        return self.stack_lines
