"""A run's semantics: the operators and builtins for its bounds, built once
per setting and shared by every run, engine and compiled program with that
setting. Both engines take theirs from here; compiled code captures its
functions and bounds as closure values, so two runs with different limits
can run at the same time, in threads, without reading each other's.
(A setting is a few functions rebound to their own namespace: see
vmscope.lang.bounded.)"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from vmscope.lang.bounded import Operators, operators
from vmscope.lang.builtins import Builtin, builtins_for
from vmscope.lang.values import Bounds, Limits


@dataclass(frozen=True, eq=False)
class Semantics:
    """The limit-dependent half of the language for one Bounds: `ops` (every
    binary operator, `str()`'s conversion, the int bounds) and `builtins`."""

    ops: Operators
    builtins: Mapping[str, Builtin]

    @property
    def bounds(self) -> Bounds:
        return self.ops.bounds


# A handful of settings at most in one process; a huge max_int_bits makes a
# big bound (1 << bits), so old settings are let go.
@lru_cache(maxsize=16)
def _build(bounds: Bounds) -> Semantics:
    ops = operators(bounds)
    return Semantics(ops, builtins_for(ops))


def semantics(limits: Limits | Bounds) -> Semantics:
    """The semantics for a run's limits (built on first use, then shared)."""
    return _build(limits.bounds if isinstance(limits, Limits) else limits)


DEFAULT_SEMANTICS = semantics(Bounds())
