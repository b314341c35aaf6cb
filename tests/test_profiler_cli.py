"""`vmscope profile` and `vmscope profile diff` from the command line: the
outputs, the files they write, and every error path (one `vmscope:` line)."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import vmscope.cli
from vmscope.profiler.export import SPEEDSCOPE_SCHEMA, parse_collapsed
from vmscope.profiler.model import Profile

SAMPLES = Path(__file__).resolve().parent.parent / "sample_programs"
FIB = "fib.vms"  # run from sample_programs/, as reports name the file as given
FIB_OUT = (SAMPLES / "fib.out").read_text()


@pytest.fixture(autouse=True)
def _in_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLES)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = vmscope.cli.main(["profile", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_default_table_after_the_programs_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, FIB, "--top", "5", "--no-progress")
    assert code == 0, err
    assert out.startswith(FIB_OUT)
    report = out[len(FIB_OUT):]
    assert report.startswith("vmscope profile of fib.vms -O2   mode: sample (2,000 Hz)")
    assert "samples:" in report and "calibration: dispatch" in report
    assert "estimated overhead:" in report and "(dispatch)" in report


@pytest.mark.parametrize("by", ["instruction", "opcode", "line", "function", "loop",
                                "sequence"])
def test_every_view_in_count_mode(capsys: pytest.CaptureFixture[str], by: str) -> None:
    code, out, _ = run(capsys, FIB, "--mode", "count", "--by", by, "-q")
    assert code == 0
    assert out.startswith("vmscope profile of fib.vms -O2   mode: count")
    assert f"by {by}" in out


def test_json_to_a_file_and_to_stdout(capsys: pytest.CaptureFixture[str],
                                      tmp_path: Path) -> None:
    target = tmp_path / "fib.json"
    code, out, err = run(capsys, FIB, "--mode", "timed", "--format", "json", "-o", str(target))
    assert code == 0
    assert out == FIB_OUT  # the program's output, the report went to the file
    assert f"wrote the json profile to {target}" in err
    prof = Profile.from_json(target.read_text())
    assert prof.mode == "timed" and prof.has_time and prof.steps
    assert prof.level == 2  # as `vmscope run` compiles it
    code, out, err = run(capsys, FIB, "--mode", "count", "--format", "json", "-O1")
    assert code == 0
    assert Profile.from_json(out).mode == "count"  # stdout is only the JSON...
    assert Profile.from_json(out).level == 1
    assert err.startswith(FIB_OUT)  # ...the program's output went to stderr


def test_speedscope_and_collapsed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "fib.speedscope.json"
    code, _, _ = run(capsys, FIB, "--mode", "count", "--format", "speedscope", "-o",
                     str(target), "-q")
    assert code == 0
    doc = json.loads(target.read_text())
    assert doc["$schema"] == SPEEDSCOPE_SCHEMA
    assert doc["shared"]["frames"] and doc["profiles"][0]["type"] == "sampled"
    code, out, _ = run(capsys, FIB, "--mode", "count", "--format", "collapsed", "-q")
    assert code == 0
    stacks = parse_collapsed(out)
    assert all(frames[0] == "<main>" for frames, _ in stacks)
    assert any(frames[:2] == ["<main>", "fib"] for frames, _ in stacks)


def test_overwrite_only_profiles_unless_forced(capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path) -> None:
    precious = tmp_path / "notes.txt"
    precious.write_text("keep me\n")
    code, out, err = run(capsys, FIB, "--mode", "count", "-o", str(precious), "-q")
    assert code == 2 and out == ""  # refused before running
    assert err.startswith("vmscope: ") and "--force" in err and err.count("\n") == 1
    assert precious.read_text() == "keep me\n"
    code, _, _ = run(capsys, FIB, "--mode", "count", "-o", str(precious), "-q", "--force")
    assert code == 0 and precious.read_text().startswith("vmscope profile of fib.vms")
    code, _, _ = run(capsys, FIB, "--mode", "count", "-o", str(precious), "-q")
    assert code == 0  # a previous report may be replaced


def test_diff(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert run(capsys, FIB, "--mode", "timed", "--format", "json", "-o", str(a), "-q")[0] == 0
    src = tmp_path / "fib2.vms"  # the same program, tuned: fib without its type checks
    src.write_text((SAMPLES / "fib.vms").read_text()
                   .replace("fn fib(n: int) -> int", "fn fib(n)"))
    assert run(capsys, str(src), "--mode", "timed", "--format", "json", "-o", str(b),
               "-q")[0] == 0
    code, out, _ = run(capsys, "diff", str(a), str(b), "--top", "50")
    assert code == 0
    assert out.startswith("vmscope profile diff\nA: fib.vms -O2 (timed")
    assert "by opcode" in out and "by line" in out and "check_type" in out
    code, out, _ = run(capsys, "diff", str(a), str(b), "--format", "json")
    doc = json.loads(out)
    check = next(r for r in doc["by_opcode"] if r["key"] == "check_type")
    assert check["d_hits"] < 0  # fewer type checks after the change


@pytest.mark.parametrize(("argv", "message"), [
    (["diff", "missing.json", "other.json"], "cannot read missing.json"),
    (["diff", FIB, FIB], "not JSON"),
    (["diff", "only-one.json"], "the following arguments are required"),
    (["no-such-file.vms"], "cannot read no-such-file.vms"),
    ([FIB, "--top", "0"], "argument --top: expected a whole number >= 1, got '0'"),
    ([FIB, "--top", "-1"], "argument --top: expected a whole number >= 1, got '-1'"),
    ([FIB, "--top", "x"], "argument --top: expected a whole number >= 1, got 'x'"),
    ([FIB, "--mode", "fast"], "invalid choice"),
    ([FIB, "--rate", "0"], "outside 1..20000"),
    ([FIB, "--mode", "count", "--counts"], "--counts adds exact counts to sample mode"),
    ([FIB, "--mode", "timed", "--rate", "100"], "--rate applies to the sample and pyspy"),
    ([FIB, "--blocking"], "--blocking applies to pyspy mode only"),
    ([], "the following arguments are required: FILE"),
])
def test_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str],
                      message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("vmscope: ") and message in err and err.count("\n") == 1


def test_diff_refuses_a_json_that_is_not_a_profile(capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    other = tmp_path / "x.json"
    other.write_text('{"hello": 1}')
    code, _, err = run(capsys, "diff", str(other), str(other))
    assert code == 2 and "not a vmscope profile" in err


def test_guest_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.vms"
    bad.write_text("print(1)\nprint(1 / 0)\n")
    code, out, err = run(capsys, str(bad), "--mode", "count")
    assert code == 1
    assert out.startswith(f"1\nvmscope profile of {bad}")  # the partial profile
    assert "ZeroDivisionError" in err and "the run stopped:" in out
    syntax = tmp_path / "syntax.vms"
    syntax.write_text("print(\n")
    code, out, err = run(capsys, str(syntax))
    assert code == 2 and "SyntaxError" in err and out == ""


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "--mode {count,sample,timed,pyspy}" in out


# ---- py-spy -------------------------------------------------------------------------------

def _fake_pyspy(tmp_path: Path, script: str) -> str:
    path = tmp_path / "py-spy"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return str(path)


@pytest.mark.parametrize(("script", "message"), [
    (None, "py-spy is not installed"),
    ("echo 'Error: Permission Denied: Try running again with elevated permissions' >&2\n"
     "exit 1\n", "ptrace is not permitted"),
    ("echo 'something else broke' >&2\nexit 3\n", "py-spy failed (exit 3)"),
])
def test_pyspy_cannot_attach(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch, script: str | None,
                             message: str) -> None:
    exe = str(tmp_path / "absent") if script is None else _fake_pyspy(tmp_path, script)
    monkeypatch.setenv("VMSCOPE_PYSPY", exe)
    code, _, err = run(capsys, FIB, "--mode", "pyspy", "-q")
    assert code == 2
    assert err.startswith("vmscope: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


@functools.cache
def _ptrace_problem() -> str | None:
    """Why py-spy cannot record here, or None when it can."""
    from vmscope.profiler.pyspy import PySpyUnavailable, find_pyspy

    try:
        exe = find_pyspy()
    except PySpyUnavailable as exc:
        return str(exc)
    proc = subprocess.run([exe, "record", "--format", "raw", "-o", os.devnull, "--",
                           sys.executable, "-c", "import time; time.sleep(0.05)"],
                          capture_output=True, text=True, check=False, timeout=60)
    if proc.returncode != 0:
        return f"py-spy cannot record here: {(proc.stderr or proc.stdout).strip()[-200:]}"
    return None


def test_pyspy_end_to_end(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    problem = _ptrace_problem()
    if problem is not None:
        pytest.skip(f"py-spy cannot attach on this machine (ptrace): {problem}")
    target = tmp_path / "spy.json"
    code, out, err = run(capsys, FIB, "--mode", "pyspy", "--rate", "2000", "--repeat", "2",
                         "--format", "json", "-o", str(target))
    assert code == 0, err
    assert out == FIB_OUT
    prof = Profile.from_json(target.read_text())
    assert prof.mode == "pyspy" and prof.runs == 2 and not prof.has_contexts
    assert prof.samples > 20
    # the samples name instructions, most of them fib's (which of fib's instructions a
    # run of ~100 samples happens to catch varies: a test of two of them was flaky)
    sampled = [c for c in prof.cells if c.samples]
    assert sum(c.samples for c in sampled if prof.functions[prof.instrs[c.ip].func].name == "fib") \
        > prof.samples / 2
    assert prof.wall_ns > 0


@pytest.mark.parametrize("mode", ["sample", "count"])
def test_profile_imports_only_what_its_mode_needs(tmp_path: Path, mode: str) -> None:
    """No textual (a headless path); no rich or py-spy either: their imports
    would add tens of ms to every profiled run's start-up."""
    probe = ("import sys, vmscope.cli\n"
             f"code = vmscope.cli.main(['profile', sys.argv[1], '-q', '--mode', '{mode}'])\n"
             "print(code, sorted(m for m in sys.modules if m.split('.')[0] in "
             "('textual', 'rich') or m == 'vmscope.profiler.pyspy'))\n")
    prog = tmp_path / "p.vms"
    prog.write_text("print(1)\n")
    proc = subprocess.run([sys.executable, "-c", probe, str(prog)], capture_output=True,
                          text=True, check=False, timeout=60)
    assert proc.stdout.splitlines()[-1] == "0 []", proc.stderr


def test_pyspy_reports_guest_errors(capsys: pytest.CaptureFixture[str]) -> None:
    problem = _ptrace_problem()
    if problem is not None:
        pytest.skip(f"py-spy cannot attach on this machine (ptrace): {problem}")
    code, out, err = run(capsys, "failing.vms", "--mode", "pyspy", "--no-progress")
    assert code == 1
    assert out.startswith((SAMPLES / "failing.out").read_text())
    want = (SAMPLES / "failing.err").read_text().splitlines()
    got = err.splitlines()
    assert got[0].split(": ")[:2] == want[0].split(": ")[:2]
    assert got[1:len(want)] == want[1:]


# ---- limits and targets that are not regular files ----------------------------------------


def test_max_steps_reaches_the_profilers_limits(capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """`--max-steps` is accepted, shown in the help and handed to the profiler
    in its Limits (whether the collector stops there is the profiler's part)."""
    from vmscope.profiler import collect

    seen: list[object] = []
    real = collect.ProfileSession

    def spy(program: object, options: collect.Options) -> collect.ProfileSession:
        seen.append(options.limits)
        return real(program, options)  # type: ignore[arg-type]

    monkeypatch.setattr(collect, "ProfileSession", spy)
    code, _, err = run(capsys, FIB, "--mode", "count", "-q", "--max-steps", "123456",
                       "--max-depth", "500")
    assert code in (0, 1), err
    (limits,) = seen
    assert limits.max_steps == 123456 and limits.max_depth == 500  # type: ignore[attr-defined]
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "--max-steps N" in out


def test_dev_null_is_written_not_refused(capsys: pytest.CaptureFixture[str]) -> None:
    import stat

    code, out, err = run(capsys, FIB, "--mode", "count", "-q", "-o", os.devnull)
    assert code == 0 and out == "" and err == f"vmscope: wrote the table profile to {os.devnull}\n"
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)  # never replaced by a regular file
    code, _, _ = run(capsys, FIB, "--mode", "count", "-q", "--format", "json", "-o", "/dev/null")
    assert code == 0


def test_a_fifo_is_written_directly(capsys: pytest.CaptureFixture[str],
                                    tmp_path: Path) -> None:
    import stat
    import threading

    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()), daemon=True)
    reader.start()
    code, _, err = run(capsys, FIB, "--mode", "count", "-q", "--format", "json", "-o", str(fifo))
    reader.join(timeout=60)
    assert code == 0, err
    assert Profile.from_json(got[0]).mode == "count"
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_dev_stdout_follows_the_programs_output(tmp_path: Path) -> None:
    """`-o /dev/stdout`: the report is written to the process's stdout, after
    the program's output, whether stdout is a pipe or a regular file."""
    argv = [sys.executable, "-m", "vmscope", "profile", FIB, "--mode", "count", "-o",
            "/dev/stdout"]
    piped = subprocess.run(argv, cwd=SAMPLES, capture_output=True, text=True, timeout=60,
                           check=False)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.startswith(FIB_OUT + "vmscope profile of fib.vms")
    target = tmp_path / "out.txt"
    with open(target, "w") as fh:
        proc = subprocess.run(argv, cwd=SAMPLES, stdout=fh, stderr=subprocess.PIPE, text=True,
                              timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert target.read_text().startswith(FIB_OUT + "vmscope profile of fib.vms")
