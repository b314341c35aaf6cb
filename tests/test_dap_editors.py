"""The editor files: the VS Code extension's manifest declares the launch
attributes the adapter reads, its configurations and snippets launch, its
grammar compiles, and the hand check of docs/editors.md is right."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from support.dap_client import DapClient
from support.tools import need

from vmscope.dap.launch import ATTRIBUTES

ROOT = Path(__file__).resolve().parent.parent
VSCODE = ROOT / "editors" / "vscode"


def manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
    return data


def debugger() -> dict[str, Any]:
    (found,) = manifest()["contributes"]["debuggers"]
    return found  # type: ignore[no-any-return]


def test_the_extension_declares_what_the_adapter_reads() -> None:
    declared = debugger()["configurationAttributes"]["launch"]["properties"]
    assert set(declared) | {"noDebug"} == set(ATTRIBUTES)  # noDebug: VS Code sets it itself
    assert debugger()["type"] == "vmscope"
    assert debugger()["configurationAttributes"]["launch"]["required"] == ["program"]


def test_the_language_and_its_files() -> None:
    contributes = manifest()["contributes"]
    (language,) = contributes["languages"]
    assert language["extensions"] == [".vms"]
    assert debugger()["languages"] == [language["id"]]
    assert contributes["breakpoints"] == [{"language": language["id"]}]
    (grammar,) = contributes["grammars"]
    for relative in (language["configuration"], grammar["path"], manifest()["main"]):
        assert (VSCODE / relative).is_file(), relative
    tm = json.loads((VSCODE / grammar["path"]).read_text(encoding="utf-8"))
    assert tm["scopeName"] == grammar["scopeName"]

    def patterns(node: Any) -> list[str]:
        if isinstance(node, dict):
            own = [node[k] for k in ("match", "begin", "end") if k in node]
            return own + [p for v in node.values() for p in patterns(v)]
        if isinstance(node, list):
            return [p for v in node for p in patterns(v)]
        return []

    found = patterns(tm)
    assert len(found) > 10
    for pattern in found:
        re.compile(pattern)  # these simple patterns mean the same in Oniguruma
    keyword = re.compile(tm["repository"]["keyword"]["patterns"][0]["match"])
    assert keyword.findall("if x { return 1 } elif y { while z {} }") == [
        "if", "return", "elif", "while"]


def test_the_configurations_and_snippets_launch(tmp_path: Path) -> None:
    prog = tmp_path / "prog.vms"
    prog.write_text("print(6 * 7)\n", encoding="utf-8")
    bodies = [*debugger()["initialConfigurations"],
              *(s["body"] for s in debugger()["configurationSnippets"])]
    assert len(bodies) == 3
    for body in bodies:
        config = {k: v for k, v in body.items() if k not in ("type", "request", "name")}
        assert body["type"] == "vmscope" and body["request"] == "launch"
        assert config["program"] in ("${file}", '^"\\${file}"')
        config["program"] = str(prog)
        assert set(config) <= set(ATTRIBUTES)
        client = DapClient.start()
        try:
            client.ok("initialize", {"adapterID": "vmscope"})
            client.ok("launch", config)
            client.event("initialized")
            client.ok("configurationDone")
            assert client.event("exited")["body"]["exitCode"] == 0
            assert client.output() == "42\n"
        finally:
            client.close()


def test_the_extension_script_parses() -> None:
    node = shutil.which("node")
    need(node is not None, "node is not installed")
    assert node is not None
    proc = subprocess.run([node, "--check", str(VSCODE / "extension.js")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr


def test_the_hand_check_in_the_docs_is_a_well_framed_initialize() -> None:
    doc = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")
    match = re.search(r"printf 'Content-Length: (\d+)\\r\\n\\r\\n(\{.*?\})' \| vmscope dap", doc)
    assert match is not None
    length, body = int(match.group(1)), match.group(2)
    assert length == len(body.encode("utf-8"))
    proc = subprocess.run([sys.executable, "-m", "vmscope", "dap"],
                          input=f"Content-Length: {length}\r\n\r\n{body}".encode(),
                          capture_output=True, timeout=60, check=False)
    header, _, reply = proc.stdout.partition(b"\r\n\r\n")
    assert header.startswith(b"Content-Length: ")
    response = json.loads(reply)
    assert response["success"] and response["body"]["supportsDisassembleRequest"]
    launch = re.search(r"```json\n(\{.*?\})\n```", doc, re.S)
    assert launch is not None
    (config,) = json.loads(launch.group(1))["configurations"]
    assert set(config) - {"type", "request", "name"} <= set(ATTRIBUTES)
