"""Snippet section markers in the step files pair up.

A chapter includes code with --8<-- "steps/02_resp/resp.py:string2ll". A
`start` marker without its `end` would make pymdownx.snippets include the
rest of the file without a word of warning, so every file is checked here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STEPS = Path(__file__).resolve().parents[2] / "steps"
MARKER = re.compile(r"-{1,}8<-{1,}\s*\[\s*(start|end)\s*:\s*([^\]\s]*)\s*\]")
NAME = re.compile(r"^[a-z][-_0-9a-z]*$")  # what pymdownx.snippets accepts
STEP_FILES = sorted(STEPS.glob("[0-9][0-9]_*/**/*.py"))


def section_problems(path: Path) -> list[str]:
    """What is wrong with the file's markers; empty when they pair up."""
    problems, opened, closed = [], {}, set()
    for number, line in enumerate(path.read_text().splitlines(), 1):
        match = MARKER.search(line)
        if not match:
            continue
        kind, name = match.groups()
        where = f"{path}:{number}"
        if not NAME.match(name):
            problems.append(f"{where}: {name!r} is not a valid section name")
        if kind == "start":
            if name in opened or name in closed:
                problems.append(f"{where}: section {name} starts twice")
            opened[name] = number
        elif name not in opened:
            problems.append(f"{where}: section {name} ends without a start")
        else:
            del opened[name]
            closed.add(name)
    problems += [f"{path}:{line}: section {name} never ends" for name, line in opened.items()]
    return problems


def test_there_are_step_files_to_check():
    assert len(STEP_FILES) >= 3


@pytest.mark.parametrize("path", STEP_FILES, ids=lambda p: str(p.relative_to(STEPS)))
def test_every_section_start_has_its_end(path):
    assert section_problems(path) == []


def test_a_missing_end_is_reported(tmp_path):
    broken = tmp_path / "server.py"
    broken.write_text("# --8<-- [start:main]\ndef main():\n    pass\n")
    assert section_problems(broken) == [f"{broken}:1: section main never ends"]


def test_an_end_without_start_is_reported(tmp_path):
    broken = tmp_path / "server.py"
    broken.write_text("def main():\n    pass\n# --8<-- [end:main]\n")
    assert section_problems(broken) == [f"{broken}:3: section main ends without a start"]


def test_a_section_started_twice_is_reported(tmp_path):
    broken = tmp_path / "server.py"
    broken.write_text("# --8<-- [start:a]\n# --8<-- [end:a]\n# --8<-- [start:a]\n"
                      "# --8<-- [end:a]\n")
    assert section_problems(broken) == [f"{broken}:3: section a starts twice"]
