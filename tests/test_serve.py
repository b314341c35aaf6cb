"""`vmscope serve`: the debugger in a browser through textual-serve. The
browser test drives headless Chromium (Debian's `chromium`) with Playwright
against a server on a free localhost port: the page loads, the debugger
draws its status line, a key steps, and a second tab is a session of its own.
Requests to anything but the server are refused (the page asks for a web
font), so the test sends no traffic off this machine."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support.tools import need

from vmscope.lang.values import Limits
from vmscope.tui.serve import debug_command, debug_options

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
WAIT_SECONDS = 45
ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
STEPS = re.compile(r"steps (\d[\d,]*)")
PROGRAM = "let a = 1\nlet b = a + 2\nprint(a, b)\n"


def test_each_connection_runs_vmscope_debug_with_the_options() -> None:
    command = debug_command(Path("/tmp/a dir/my prog.vms"), ["-O", "1", "--max-steps", "9"])
    assert shlex.split(command) == [sys.executable, "-m", "vmscope", "debug",
                                    "/tmp/a dir/my prog.vms", "-O", "1", "--max-steps", "9"]
    assert shlex.split(debug_command(None, []))[-1] == "debug"  # the bundled sample
    options = debug_options(2, Limits(max_steps=50, max_depth=7))
    assert options == ["-O", "2", "--max-depth", "7", "--max-length", "10000000",
                       "--max-int-bits", "100000", "--max-steps", "50"]


@pytest.mark.parametrize(("args", "message"), [
    (["--port", "0"], "serve needs a port from 1 to 65535"),
    (["missing.vms"], "vmscope: cannot read missing.vms"),
])
def test_serve_refuses_bad_arguments(tmp_path: Path, args: list[str], message: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "vmscope", "serve", *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=30, check=False)
    assert proc.returncode == 2
    assert message in proc.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    need(importlib.util.find_spec("textual_serve") is not None, "textual-serve is not installed")
    prog = tmp_path / "prog.vms"
    prog.write_text(PROGRAM, encoding="utf-8")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "vmscope", "serve", str(prog),
                             "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            with contextlib.suppress(OSError), socket.create_connection(
                    ("127.0.0.1", port), timeout=1):
                break
            assert proc.poll() is None, "vmscope serve exited"
            assert time.monotonic() < deadline, "vmscope serve did not start listening"
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # the server and its app processes
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)


class Tab:
    """A page on the server, with the terminal stream its websocket received."""

    def __init__(self, browser: Any, url: str) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.data = bytearray()
        origin = url.rstrip("/")
        self.page.route("**/*", lambda route: route.continue_()
                        if route.request.url.startswith(origin) else route.abort())
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        self.page.goto(url, timeout=WAIT_SECONDS * 1000)

    def _frame(self, payload: str | bytes) -> None:
        self.data += payload if isinstance(payload, bytes) else payload.encode()

    def steps_shown(self) -> list[int]:
        text = ANSI.sub("", self.data.decode("utf-8", errors="replace"))
        return [int(m.replace(",", "")) for m in STEPS.findall(text)]

    def wait(self, test: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while not test():
            assert time.monotonic() < deadline, f"the page never showed {what}"
            self.page.wait_for_timeout(100)  # lets Playwright deliver the frames

    def press(self, key: str) -> None:
        self.page.focus(".xterm-helper-textarea")  # where the terminal takes keys
        self.page.keyboard.press(key)


def test_the_debugger_runs_in_a_browser(server: str) -> None:
    need(importlib.util.find_spec("playwright") is not None, "playwright is not installed")
    need(Path(CHROMIUM).exists(), "chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=CHROMIUM_FLAGS, timeout=WAIT_SECONDS * 1000)
        try:
            tab = Tab(browser, server)
            assert "vmscope prog.vms" in tab.page.content()  # the page's name for the app
            tab.wait(lambda: 0 in tab.steps_shown(), "the status line at steps 0")
            # the terminal wrote what it received (textual-serve marks the first bytes)
            assert "-first-byte" in tab.page.evaluate("document.body.className")
            tab.press("s")
            tab.wait(lambda: 1 in tab.steps_shown(), "steps 1 after `s`")
            other = Tab(browser, server)
            other.wait(lambda: 0 in other.steps_shown(), "a second tab at steps 0")
            tab.press("s")
            tab.wait(lambda: 2 in tab.steps_shown(), "steps 2 after another `s`")
            other.page.wait_for_timeout(300)
            assert max(other.steps_shown()) == 0  # its own session: nothing stepped there
        finally:
            browser.close()
