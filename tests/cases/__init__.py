"""The differential cases as data, one module per category, apart from their
runner (tests/test_differential.py), as Vitess keeps its testcases apart
from TestCompilerReference. Each module holds a `CASES` list."""

from __future__ import annotations

from importlib import import_module

from .case import Case

CATEGORIES = ("arith", "compare", "data", "builtin", "control", "calls", "scopes", "typed",
              "syntax", "errors", "limits", "programs")
CASES: list[Case] = [case for name in CATEGORIES
                     for case in import_module(f"{__name__}.{name}").CASES]
