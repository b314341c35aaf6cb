"""A progress indicator on stderr for profiling runs longer than a second:
a rich spinner with the elapsed time on a terminal, one plain line otherwise
(when asked for). It lives on its own thread, which wakes four times a second
at most, so it barely perturbs what is being measured."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


@contextmanager
def progress(label: str, enabled: bool = True, delay: float = 1.0,
             stream: TextIO | None = None) -> Iterator[None]:
    if not enabled:
        yield
        return
    out = stream if stream is not None else sys.stderr
    stop = threading.Event()
    start = time.monotonic()

    def worker() -> None:
        if stop.wait(delay):
            return
        if not out.isatty():
            out.write(f"vmscope: {label}… (still running after {delay:g} s)\n")
            out.flush()
            return
        from rich.console import Console

        console = Console(file=out)
        with console.status(f"{label}…", refresh_per_second=4) as status:
            while not stop.wait(0.25):
                status.update(f"{label}… {time.monotonic() - start:.1f} s")

    thread = threading.Thread(target=worker, name="vmscope-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
