"""Each step changes exactly the functions and classes its changes.toml
declares (and its chapter shows): no unrelated churn in a chapter's diff, no
fix that landed in one copy of shared code only."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "book"))
from stepchanges import (  # noqa: E402
    NEW_FILE,
    changed_names,
    declared_names,
    manifest_text,
    previous_step,
)
from stepfiles import step_dirs  # noqa: E402

LATER_STEPS = step_dirs()[1:]


def declared(step: Path) -> dict:
    return {file: names if names == NEW_FILE else sorted(names)
            for file, names in declared_names(step).items()}


def found(step: Path) -> dict:
    return {file: names if names == NEW_FILE else sorted(names)
            for file, names in changed_names(previous_step(step), step).items()}


@pytest.mark.parametrize("step", LATER_STEPS, ids=lambda p: p.name)
def test_the_step_changes_what_it_declares(step):
    expected = manifest_text(step, changed_names(previous_step(step), step))
    assert declared(step) == found(step), (
        f"steps/{step.name}/changes.toml does not match the code. Either carry a fix into "
        f"the other steps (tools/carry.py), undo an unrelated change, or declare it; what "
        f"the code changes today:\n{expected}")


def test_an_undeclared_change_is_found(tmp_path):
    for name, body in (("01_a", "def f():\n    return 1\n"),
                       ("02_b", "def f():\n    return 2\n\n\ndef g():\n    pass\n")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "m.py").write_text(body)
        (tmp_path / name / "server.py").write_text("")
    assert changed_names(tmp_path / "01_a", tmp_path / "02_b") == {
        "m.py": {"f": "changed", "g": "added"}}
