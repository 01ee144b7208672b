"""No test, lab or tool hangs on a server that cannot answer.

Every redis-py client is made with a socket_timeout, and every raw
connection with a timeout, so a server that stops answering (step 01 with a
client that pipelines, a step with a bug) fails fast with an error that
names the client, instead of hanging until pytest-timeout.
"""

import ast
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def code_sources() -> list[tuple[str, str]]:
    """(where, Python source) for every test, tool and lab code cell."""
    sources = [(str(p.relative_to(REPO)), p.read_text())
               for folder in ("tests", "tools") for p in sorted((REPO / folder).rglob("*.py"))]
    for lab in sorted((REPO / "book" / "labs").glob("*.ipynb")):
        for i, cell in enumerate(json.loads(lab.read_text())["cells"]):
            if cell["cell_type"] == "code":
                sources.append((f"{lab.relative_to(REPO)} cell {i}", "".join(cell["source"])))
    return sources


def call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def clients_without_timeout(source: str) -> list[int]:
    """Lines that make a client with no timeout."""
    missing = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        keywords = {k.arg for k in node.keywords}
        name = call_name(node)
        if name in ("Redis", "StrictRedis") and not keywords & {"socket_timeout", None}:
            missing.append(node.lineno)
        if name == "create_connection" and len(node.args) < 2 and not keywords & {
                "timeout", None}:
            missing.append(node.lineno)
    return missing


@pytest.mark.parametrize("where,source", [
    pytest.param(where, source, id=where) for where, source in code_sources()])
def test_every_client_has_a_timeout(where, source):
    assert clients_without_timeout(source) == [], f"{where}: a client without a timeout"


def test_the_check_finds_a_client_without_a_timeout():
    source = "import redis\nr = redis.Redis(port=1)\nok = redis.Redis(port=1, socket_timeout=2)\n"
    assert clients_without_timeout(source) == [2]
