"""`vmscope eval` at scale, end to end: a generated CSV file of 2,000,000
rows (about 30 MB; str, float and int columns, three of the four untyped) in
a temporary directory, evaluated by `python -m vmscope eval` and by a
hand-written Python script doing the same work (the csv module, each cell
converted to its type, the expression as a lambda, the same output): the
limit to compare with.

Each side runs as a child process, so its figures are the whole process's:
wall time, CPU time (user + system, steadier than wall time on a shared
machine; from `os.wait4`'s resource usage of that one child) and peak RSS.
The peak is the child's own VmHWM from /proc, written at its exit by a
small wrapper both sides run under: the kernel's `ru_maxrss` of a child also
counts the pages it shared with this (larger) process before its exec.
Both sides run once per round, interleaved, with and without `--where`; the
figures are medians over the rounds (peak memory: the largest). The children
run without PYTHONUNBUFFERED, so their stdout is buffered as it is for most
users (unbuffered, a script writing a line at a time makes a system call a
row). Both sides'
outputs are compared after every run: a benchmark whose answers differ
raises instead of reporting."""

from __future__ import annotations

import hashlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vmscope.units import fmt_bytes, fmt_count, fmt_ns, fmt_rate

ROWS = 2_000_000
EXPRESSION = "price * qty > 100"
HEADER = "name,price,qty,discount:float"  # name, price and qty untyped: the first pass types them

# The limit: what one would write by hand for this file and expression.
HAND_WRITTEN = '''\
import csv
import sys

path, where = sys.argv[1], sys.argv[2:] == ["--where"]
keep = lambda r: r[1] * r[2] > 100  # noqa: E731 - the expression, as a lambda
out = sys.stdout
with open(path, newline="", encoding="utf-8") as fh:
    header = fh.readline()
    reader = csv.reader(fh)
    if where:
        out.write(header.rstrip("\\r\\n") + "\\n")
        writer = csv.writer(out, lineterminator="\\n")
        for cells in reader:
            if keep((cells[0], float(cells[1]), int(cells[2]), float(cells[3]))):
                writer.writerow(cells)
    else:
        for cells in reader:
            value = keep((cells[0], float(cells[1]), int(cells[2]), float(cells[3])))
            out.write("true\\n" if value else "false\\n")
'''


# Runs a script (`PATH ...`) or a module (`-m NAME ...`) as python would, and at
# exit writes the process's peak RSS in bytes to the file named by the
# environment variable below.
PEAK_ENV = "VMSCOPE_BENCH_PEAK_FILE"
PEAK_WRAPPER = f'''\
import atexit, os, runpy, sys


def _peak():
    with open("/proc/self/status") as fh:
        kib = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
    with open(os.environ["{PEAK_ENV}"], "w") as out:
        out.write(str(kib * 1024))


atexit.register(_peak)
del sys.argv[0]
if sys.argv[0] == "-m":
    del sys.argv[0]
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
else:
    runpy.run_path(sys.argv[0], run_name="__main__")
'''


def write_table(path: Path, rows: int, seed: int = 1) -> int:
    """The benchmark's CSV file; its size in bytes."""
    rnd = random.Random(seed)
    names = ("apple", "pear", "plum", "fig", "kiwi")
    discounts = ("0.0", "0.05", "0.1", "0.25")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(HEADER + "\n")
        for start in range(0, rows, 10_000):
            fh.write("".join([f"{rnd.choice(names)},{rnd.randint(50, 8000) / 100},"
                              f"{rnd.randint(1, 9)},{rnd.choice(discounts)}\n"
                              for _ in range(min(10_000, rows - start))]))
    return path.stat().st_size


@dataclass(frozen=True)
class Run:
    wall_s: float
    cpu_s: float
    peak_rss: int  # bytes
    digest: str  # of what the run wrote to stdout


def run_child(argv: list[str], work: Path) -> Run:
    """Run `argv` (after the peak wrapper in `work`) to completion, stdout
    to a file in `work`: its figures."""
    out_path, err_path, peak_path = work / "out.txt", work / "err.txt", work / "peak.txt"
    peak_path.unlink(missing_ok=True)
    env = dict(os.environ, **{PEAK_ENV: str(peak_path)})
    env.pop("PYTHONUNBUFFERED", None)  # stdout buffered, as a user's would be
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, str(work / "peak.py"), *argv], stdout=out,
                                stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0 or not peak_path.exists():
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: "
                           f"{err_path.read_text(errors='replace')[:500]}")
    digest = hashlib.sha256(out_path.read_bytes()).hexdigest()
    out_path.unlink()
    return Run(wall, usage.ru_utime + usage.ru_stime, int(peak_path.read_text()), digest)


def _variants(csv_path: Path, script: Path) -> dict[str, list[str]]:
    vmscope = ["-m", "vmscope", "eval", EXPRESSION, "--rows", str(csv_path)]
    hand = [str(script), str(csv_path)]
    return {"vmscope": vmscope, "python": hand,
            "vmscope --where": [*vmscope, "--where"], "python --where": [*hand, "--where"]}


def eval_benchmark(rounds: int, rows: int | None = None) -> dict[str, Any]:
    """Interleaved rounds of both sides, with and without --where, over a
    file of `rows` rows (default ROWS): figures per side and the ratios
    vmscope / hand-written (of times: below 1 is faster)."""
    rows = rows or ROWS
    with tempfile.TemporaryDirectory(prefix="vmscope-bench-") as tmp:
        work = Path(tmp)
        csv_path = work / "table.csv"
        size = write_table(csv_path, rows)
        script = work / "by_hand.py"
        script.write_text(HAND_WRITTEN, encoding="utf-8")
        (work / "peak.py").write_text(PEAK_WRAPPER, encoding="utf-8")
        variants = _variants(csv_path, script)
        runs: dict[str, list[Run]] = {name: [] for name in variants}
        for _ in range(rounds):
            for name, argv in variants.items():
                runs[name].append(run_child(argv, work))
            for mode in ("", " --where"):
                ours, limit = runs["vmscope" + mode][-1], runs["python" + mode][-1]
                if ours.digest != limit.digest:
                    raise RuntimeError(f"vmscope eval{mode} and the hand-written script "
                                       f"wrote different output")
    figures = {name: _figures(done, rows) for name, done in runs.items()}
    result: dict[str, Any] = {"name": "eval", "rows": rows, "csv_bytes": size,
                              "expr": EXPRESSION, "header": HEADER, "rounds": rounds,
                              "variants": figures}
    for mode, key in (("", "ratio"), (" --where", "where_ratio")):
        vm_side, by_hand = figures["vmscope" + mode], figures["python" + mode]
        result[key] = vm_side["seconds"] / by_hand["seconds"]
        result[f"cpu_{key}"] = vm_side["cpu_seconds"] / by_hand["cpu_seconds"]
    result["text"] = _text(result)
    return result


def _figures(runs: list[Run], rows: int) -> dict[str, float]:
    wall = statistics.median(r.wall_s for r in runs)
    return {"seconds": wall, "cpu_seconds": statistics.median(r.cpu_s for r in runs),
            "rows_per_s": rows / wall, "peak_rss_bytes": max(r.peak_rss for r in runs)}


def _text(r: dict[str, Any]) -> str:
    lines = [f"eval at scale: {fmt_count(r['rows'])} rows ({fmt_bytes(r['csv_bytes'])} of CSV), "
             f"`{r['expr']}`, medians of {r['rounds']}",
             f"  {'':<22}{'wall':>9}{'CPU':>9}{'rows/s':>14}{'peak RSS':>11}"]
    labels = {"vmscope": "vmscope eval", "python": "hand-written Python",
              "vmscope --where": "vmscope eval --where", "python --where": "hand-written --where"}
    for name, label in labels.items():
        f = r["variants"][name]
        lines.append(f"  {label:<22}{fmt_ns(f['seconds'] * 1e9):>9}"
                     f"{fmt_ns(f['cpu_seconds'] * 1e9):>9}{fmt_rate(f['rows_per_s']):>14}"
                     f"{fmt_bytes(f['peak_rss_bytes']):>11}")
    lines.append(f"  vmscope / hand-written: {r['ratio']:.2f}x wall, {r['cpu_ratio']:.2f}x CPU; "
                 f"--where {r['where_ratio']:.2f}x wall, {r['cpu_where_ratio']:.2f}x CPU")
    return "\n".join(lines)
