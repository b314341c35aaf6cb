"""The hot-path profiler: collection (count, sample, timed, py-spy) -> a
serialisable Profile -> pure aggregations -> renderers and exporters.

    with vmscope.profiler.profile(program, mode="sample") as p:
        p.run()
    profile = p.profile

Names are loaded on first use, so `vmscope` registering the `profile`
command costs nearly nothing at start-up."""

from __future__ import annotations

from typing import Any

__all__ = ["FORMATS", "MODES", "SCHEMA_VERSION", "VIEWS", "Options", "Profile",
           "ProfileSession", "profile"]

# The command line's choices (here, so that registering `vmscope profile` loads nothing else).
MODES = ("count", "sample", "timed", "pyspy")
VIEWS = ("instruction", "opcode", "line", "function", "loop", "sequence")
FORMATS = ("table", "json", "speedscope", "collapsed")

_WHERE = {"Options": "collect", "ProfileSession": "collect", "profile": "collect",
          "Profile": "model", "SCHEMA_VERSION": "model"}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'vmscope.profiler' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"vmscope.profiler.{module}"), name)
