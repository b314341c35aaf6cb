"""Benchmarks: engines side by side in one process, medians and ratios.

`vmscope bench` (vmscope.bench.command: the programs, row evaluation,
compile time and memory, the debugger's continue speed, allocations) and
the profiler's overhead benchmark (`python -m vmscope.bench.overhead`).
Nothing here imports the command line: a plan that cannot run is a
BenchError, which vmscope.cli.bench reports as a usage error."""
