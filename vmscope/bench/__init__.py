"""Benchmarks: engines side by side in one process, medians and ratios."""
