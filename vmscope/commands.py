"""Subcommands beyond run and dis. Each imports its machinery lazily, so the
headless commands never pay for (or import) the TUI."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Hook for later subcommands (trace, debug, profile, bench)."""


def open_default_debugger() -> int:
    import sys

    sys.stderr.write("vmscope: the debugger is not built yet; try `vmscope run FILE`\n")
    return 2


__all__ = ["argparse", "open_default_debugger", "register"]
