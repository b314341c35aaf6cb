"""The profiler's overhead benchmark: `python -m vmscope.bench.overhead`.

For each sample program, the modes run interleaved with the fast loop
(`VM.run`), REPS times; a mode's overhead is the median over repetitions of
(mode's run time / the fast run's time just before it; each such pair
starts after an untimed fast run), in wall time and in the thread's CPU
time (which leaves out the time other processes had the CPU: on a shared
machine the fairer measure). py-spy mode runs in a child process, so it is
compared with the same child run without py-spy, both timing only the VM run
inside the child.

It also reports how the modes agree: how many of the top 5 opcodes by time
the sampler, py-spy and the timed mode share, the total variation distance
between the sampler's and the timed mode's opcode shares, and the timed
mode's attributed total against the fast run's wall time. Targets (issue 4):
count <= 1.7x, sample <= 1.05x, timed <= 5x, pyspy <= 1.15x; 4 of 5 top
opcodes shared; timed total within 25% of the fast run."""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from vmscope.api import Program, compile_source
from vmscope.errors import CompileError
from vmscope.profiler import aggregate as agg
from vmscope.profiler.calibrate import calibrate
from vmscope.profiler.collect import Collector, Options
from vmscope.profiler.model import Profile

DEFAULT_PROGRAMS = ("fib", "mandelbrot", "sieve", "collatz")
TARGETS = {"count": 1.7, "sample": 1.05, "timed": 5.0, "pyspy": 1.15}
# not a mode: the fast loop under the same SIGALRMs with a do-nothing handler
SIGNALS_NOTE = ("signals = the fast loop under sample mode's SIGALRMs with a handler that "
                "does nothing (a C callable); py-noop = the same with an empty Python "
                "function as the handler: the floor under sample mode, whose handler must be "
                "Python")
NOISE_NOTE = ("noise = half the interquartile range of the fast runs, over their median: "
              "ratios closer to a target than this are within the machine's noise")
SAMPLES_DIR = Path(__file__).resolve().parents[2] / "sample_programs"
EXIT_USAGE = 2


class BadProgram(Exception):
    """A program that cannot be read or compiled: its one line, exit 2."""


def _discard(text: str) -> None:
    pass


def fast_run(program: Program) -> tuple[float, float]:
    """(wall ns, CPU ns) of one run in the fast loop."""
    vm = program.new_vm(_discard)
    c0 = time.thread_time_ns()
    t0 = time.perf_counter_ns()
    vm.run()
    t1 = time.perf_counter_ns()
    return float(t1 - t0), float(time.thread_time_ns() - c0)


def _empty_handler(signum: int, frame: object) -> None:
    pass


_C_NOTHING: dict[int, object] = {}
FLOORS = {"signals": _C_NOTHING.get,  # a C callable: called as get(signum, frame)
          "py-noop": _empty_handler}


def signal_floor_run(program: Program, rate: float,
                     handler: Any = _C_NOTHING.get) -> tuple[float, float]:
    """(wall ns, CPU ns) of the fast loop under SIGALRM at `rate` with a
    handler that does nothing: with a C callable, what the signals alone
    cost on this machine; with an empty Python function, also what calling
    any Python handler costs. The floors under sample mode's overhead."""
    vm = program.new_vm(_discard)
    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, 1 / rate, 1 / rate)
    try:
        c0 = time.thread_time_ns()
        t0 = time.perf_counter_ns()
        vm.run()
        t1 = time.perf_counter_ns()
        c1 = time.thread_time_ns()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0.0, 0.0)
        signal.signal(signal.SIGALRM, old)
    return float(t1 - t0), float(c1 - c0)


def child_run(path: Path, pyspy: str | None, rate: float,
              repeat: int, level: int) -> tuple[float, float, str]:
    """One child run (under py-spy if given): (VM wall ns per run, CPU ns per
    run, raw stacks)."""
    with tempfile.TemporaryDirectory(prefix="vmscope-bench-") as tmp:
        d = Path(tmp)
        child = [sys.executable, "-m", "vmscope.profiler.child", str(path), "--out",
                 str(d / "out.txt"), "--meta", str(d / "meta.json"), "--repeat", str(repeat),
                 "--level", str(level)]
        cmd = child if pyspy is None else [pyspy, "record", "--format", "raw", "--rate",
                                           str(round(rate)), "--nonblocking", "-o",
                                           str(d / "raw.txt"), "--", *child]
        subprocess.run(cmd, capture_output=True, check=True, stdin=subprocess.DEVNULL)
        meta = json.loads((d / "meta.json").read_text())
        raw = (d / "raw.txt").read_text() if pyspy is not None else ""
    runs = max(meta["runs"], 1)
    return meta["wall_ns"] / runs, meta["cpu_ns"] / runs, raw


def _pyspy_profile(program: Program, raw: list[str], wall_ns: float, rate: float) -> Profile:
    from vmscope.profiler.pyspy import PySpyCollector, parse_raw

    col = PySpyCollector(program, Options(mode="pyspy", rate_hz=rate))
    for text in raw:
        per_ip, loop, lost = parse_raw(text)
        for ip, n in per_ip.items():
            col.samples[ip] = col.samples.get(ip, 0) + n
        col.loop += loop
        col.lost += lost
    col.wall_ns = round(wall_ns)
    col.runs = len(raw)
    return col.profile


def half_iqr(values: list[float]) -> float:
    """Half the interquartile range over the median: how much the fast runs
    of one program varied, so a reader can tell a miss from the machine's noise."""
    if len(values) < 2:
        return 0.0
    q1, _, q3 = statistics.quantiles(values, n=4)
    return (q3 - q1) / 2 / statistics.median(values)


def tvd(a: dict[str, float], b: dict[str, float]) -> float:
    return 0.5 * sum(abs(a.get(k, 0.0) - b.get(k, 0.0)) for k in set(a) | set(b))


def shared_top(a: Profile, b: Profile, n: int = 5) -> int:
    return len(set(agg.top_keys(a, "opcode", n)) & set(agg.top_keys(b, "opcode", n)))


def load_program(path: Path, level: int) -> Program:
    """Read and compile a program; BadProgram says in one line why not."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadProgram(f"vmscope: cannot read {path}: {exc.strerror or exc}") from None
    try:
        return compile_source(data, str(path)).at_level(level)
    except CompileError as err:
        raise BadProgram(err.headline(str(path))) from None


def program_path(name: str) -> Path:
    """A bundled sample program's name (`fib`), or the path of any program."""
    if name.endswith(".vms") or "/" in name:
        return Path(name)
    return SAMPLES_DIR / f"{name}.vms"


def bench_program(name: str, modes: Sequence[str], reps: int, rate: float,
                  pyspy: str | None, child_repeat: int,
                  sample_rate: float = 2000.0, level: int = 2) -> dict[str, Any]:
    path = program_path(name)
    name = path.stem
    program = load_program(path, level)
    # timed mode's own reference run is off: the fast runs here are the reference
    collectors = {m: Collector(program, Options(mode=m, calibration=calibrate(m),
                                                rate_hz=sample_rate if m == "sample" else None,
                                                reference=False))
                  for m in modes if m != "pyspy"}
    ratios: dict[str, list[float]] = {m: [] for m in modes}
    cpu_ratios: dict[str, list[float]] = {m: [] for m in modes}
    fast: list[float] = []
    base: list[float] = []
    spied: list[float] = []
    raws: list[str] = []
    if "sample" in collectors:
        for floor in FLOORS:
            ratios[floor], cpu_ratios[floor] = [], []
    # Each pair (a fresh fast run, then the mode) starts after an untimed fast run: a
    # fast run just after py-spy's child processes or another mode's run is slower (cold
    # caches), which read as floors below 1.00x and made every mode look cheaper.
    for _ in range(reps):
        if "sample" in collectors:
            for floor, handler in FLOORS.items():
                fast_run(program)
                f, fc = fast_run(program)
                fast.append(f)
                w, c = signal_floor_run(program, sample_rate, handler)
                ratios[floor].append(w / f)
                cpu_ratios[floor].append(c / fc)
        for m, col in collectors.items():
            fast_run(program)
            f, fc = fast_run(program)
            fast.append(f)
            before, cpu_before = col.wall_ns, col.cpu_ns  # both: the loop alone, as in fast_run
            col.run(_discard)
            ratios[m].append((col.wall_ns - before) / f)
            cpu_ratios[m].append((col.cpu_ns - cpu_before) / fc)
        if pyspy is not None and "pyspy" in modes:
            b, bc, _ = child_run(path, None, rate, child_repeat, level)
            s, sc, raw = child_run(path, pyspy, rate, child_repeat, level)
            base.append(b)
            spied.append(s)
            ratios["pyspy"].append(s / b)
            cpu_ratios["pyspy"].append(sc / bc)
            raws.append(raw)
    profiles = {m: col.profile for m, col in collectors.items()}
    if raws:
        profiles["pyspy"] = _pyspy_profile(program, raws, statistics.median(spied) * len(raws),
                                           rate)
    out: dict[str, Any] = {"program": name, "fast_ms": statistics.median(fast) / 1e6,
                           "fast_spread": half_iqr(fast),
                           "overhead": {m: statistics.median(r) for m, r in ratios.items() if r},
                           "cpu_overhead": {m: statistics.median(r)
                                            for m, r in cpu_ratios.items() if r}}
    if base:
        out["child_fast_ms"] = statistics.median(base) / 1e6
    timed, sample, spy = profiles.get("timed"), profiles.get("sample"), profiles.get("pyspy")
    if timed is not None:
        out["timed_total_vs_fast"] = timed.total_ns / timed.runs / statistics.median(fast)
        out["top5_timed"] = agg.top_keys(timed, "opcode")
    if sample is not None:
        out["top5_sample"] = agg.top_keys(sample, "opcode")
        out["samples"] = sample.samples
    if spy is not None:
        out["top5_pyspy"] = agg.top_keys(spy, "opcode")
        out["pyspy_samples"] = spy.samples + spy.loop_samples
    if timed is not None and sample is not None:
        out["shared_sample_timed"] = shared_top(sample, timed)
        out["tvd_sample_timed"] = tvd(agg.shares(sample, "opcode", True),
                                      agg.shares(timed, "opcode", True))
    if timed is not None and spy is not None:
        out["shared_pyspy_timed"] = shared_top(spy, timed)
        out["tvd_pyspy_timed"] = tvd(agg.shares(spy, "opcode", True),
                                     agg.shares(timed, "opcode", True))
    if sample is not None and spy is not None:
        out["shared_sample_pyspy"] = shared_top(sample, spy)
    return out


def report(results: list[dict[str, Any]], modes: Sequence[str]) -> str:
    lines = []
    if "sample" in modes:  # the floors under sample mode: do-nothing handlers
        modes = [*modes, *FLOORS]
    head = (f"{'program':<12} {'fast ms':>8} {'noise':>6} "
            + " ".join(f"{m:>8}" for m in modes))
    for key, title in (("overhead", "wall time"), ("cpu_overhead", "CPU time (thread)")):
        lines.append(f"overhead by {title}, median of paired ratios (target: "
                     + ", ".join(f"{m} <= {TARGETS[m]}x" for m in modes if m in TARGETS)
                     + "; ! = missed)")
        lines.append(head)
        for r in results:
            cells = []
            for m in modes:
                v = r[key].get(m)
                cells.append(f"{'—':>8}" if v is None else
                             f"{v:>7.2f}x" + ("" if v <= TARGETS.get(m, v) else "!"))
            lines.append(f"{r['program']:<12} {r['fast_ms']:>8.1f} "
                         f"{'±' + format(r['fast_spread'], '.1%'):>6} " + " ".join(cells))
    lines.append(NOISE_NOTE)
    if "signals" in modes:
        lines.append(SIGNALS_NOTE)
    lines.append("")
    lines.append("agreement (top 5 opcodes by time shared, of 5; TVD of opcode+dispatch "
                 "shares; timed total / fast wall)")
    for r in results:
        parts = []
        for key, label in (("shared_sample_timed", "sample~timed"),
                           ("shared_pyspy_timed", "pyspy~timed"),
                           ("shared_sample_pyspy", "sample~pyspy")):
            if key in r:
                parts.append(f"{label} {r[key]}/5")
        if "tvd_sample_timed" in r:
            parts.append(f"TVD sample~timed {r['tvd_sample_timed']:.2f}")
        if "tvd_pyspy_timed" in r:
            parts.append(f"TVD pyspy~timed {r['tvd_pyspy_timed']:.2f}")
        if "timed_total_vs_fast" in r:
            parts.append(f"timed total {r['timed_total_vs_fast']:.2f}x fast")
        lines.append(f"{r['program']:<12} " + ";  ".join(parts))
    for r in results:
        for key in ("top5_timed", "top5_sample", "top5_pyspy"):
            if key in r:
                lines.append(f"  {r['program']:<10} {key[5:]:<7} {', '.join(r[key])}")
    return "\n".join(lines) + "\n"


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m vmscope.bench.overhead",
                                 description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("programs", nargs="*", default=list(DEFAULT_PROGRAMS),
                    help="bundled sample programs by name, or paths of .vms files "
                         "(default: fib mandelbrot sieve collatz)")
    ap.add_argument("--reps", type=_positive, default=7,
                    help="paired repetitions per mode (default 7)")
    ap.add_argument("--modes", default="count,sample,timed,pyspy")
    ap.add_argument("--rate", type=float, default=1000.0, help="py-spy's rate (Hz)")
    ap.add_argument("--sample-rate", type=float, default=2000.0,
                    help="the in-process sampler's rate (Hz)")
    ap.add_argument("--child-repeat", type=_positive, default=3,
                    help="runs of the program per py-spy child (more samples)")
    ap.add_argument("-O", dest="level", type=int, choices=(0, 1, 2), default=2,
                    help="the -O level (default 2, as for `vmscope run` and `vmscope profile`)")
    ap.add_argument("--json", action="store_true", help="print the raw results as JSON")
    args = ap.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m]
    unknown = [m for m in modes if m not in TARGETS]
    if unknown:
        ap.error(f"no mode named {unknown[0]!r}; choose from {', '.join(TARGETS)}")
    pyspy = None
    if "pyspy" in modes:
        from vmscope.profiler.pyspy import PySpyUnavailable, find_pyspy

        try:
            pyspy = find_pyspy()
        except PySpyUnavailable as exc:
            sys.stderr.write(f"vmscope: {exc}; skipping pyspy\n")
            modes.remove("pyspy")
    results = []
    for name in args.programs:
        sys.stderr.write(f"benchmarking {name}...\n")
        try:
            results.append(bench_program(name, modes, args.reps, args.rate, pyspy,
                                         args.child_repeat, args.sample_rate, args.level))
        except BadProgram as exc:
            sys.stderr.write(f"{exc}\n")
            return EXIT_USAGE
    sys.stdout.write(json.dumps(results, indent=1) + "\n" if args.json
                     else report(results, modes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
