"""The hot-path profiler: collection (count, sample, timed, py-spy) -> a
serialisable Profile -> pure aggregations -> renderers and exporters.

    with vmscope.profiler.profile(program, mode="sample") as p:
        p.run()
    profile = p.profile

A run to start, poll, cancel and read (what the TUI drives):

    run = vmscope.profiler.LiveProfile(ProfileRequest("fib.vms", text, level=2))
    run.run()              # in a worker thread; run.progress() and run.cancel() from others
    run.profile

Only the choices (`Mode`, `View`, `Format`, from options.py) load with the
package; everything else is loaded on first use, so `vmscope` registering
the `profile` command costs nearly nothing at start-up."""

from __future__ import annotations

from typing import Any

from vmscope.profiler.options import Format, Mode, View

__all__ = ["FORMATS", "MODES", "SCHEMA_VERSION", "VIEWS", "Format", "LiveProfile", "Mode",
           "Options", "Profile", "ProfileRequest", "ProfileSession", "View", "profile"]

# The command line's choices, as strings.
MODES = tuple(m.value for m in Mode)
VIEWS = tuple(v.value for v in View)
FORMATS = tuple(f.value for f in Format)

_WHERE = {"Options": "options", "ProfileSession": "collect", "profile": "collect",
          "Profile": "model", "SCHEMA_VERSION": "model", "LiveProfile": "live",
          "ProfileRequest": "live"}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'vmscope.profiler' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"vmscope.profiler.{module}"), name)
