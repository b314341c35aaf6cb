"""Tests that need a tool from outside Python (node, Chromium) skip where it
is missing, except where the full run is required (CI sets
VMSCOPE_REQUIRE_ALL=1, after installing them): there a missing tool fails."""

from __future__ import annotations

import os

import pytest

REQUIRE_ALL = "VMSCOPE_REQUIRE_ALL"


def need(available: bool, why: str) -> None:
    """Skip (or, under VMSCOPE_REQUIRE_ALL=1, fail) unless `available`."""
    if available:
        return
    if os.environ.get(REQUIRE_ALL) == "1":
        pytest.fail(f"{why} ({REQUIRE_ALL}=1: the full run needs it)")
    pytest.skip(why)
