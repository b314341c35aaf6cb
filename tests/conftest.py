"""Fixtures shared by the test files: the one fake clock (vmscope.clock),
as the tests use it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from vmscope.clock import FakeClock

MakeClock = Callable[..., FakeClock]
SCENE_SEED = 12345  # what the screenshot scenes give the debugger's clock


@pytest.fixture
def make_clock() -> MakeClock:
    """FakeClock's constructor: `make_clock(tick=7)`, `make_clock(seed=1)`."""
    return FakeClock


@pytest.fixture
def fake_clock() -> FakeClock:
    """A clock that moves on by exactly 100 ns a reading."""
    return FakeClock(tick=100)


@pytest.fixture
def scene_clock() -> FakeClock:
    """The debugger's clock in the screenshot scenes: 40..199 ns a reading,
    the same sequence every run."""
    return FakeClock(seed=SCENE_SEED)
