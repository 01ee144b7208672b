"""The functions and classes a step changes, declared and checked.

A step folder is a copy of the previous one plus one mechanism, and its
chapter narrates the difference. Each step declares, in its changes.toml,
the top-level functions and classes it adds, changes or removes in each
file. tests/book/test_step_changes.py compares the declaration with the
code, both ways, so unrelated churn cannot creep into a chapter's diff and a
fix cannot land in one copy of shared code only (tools/carry.py carries it).
The chapter shows the declaration with {{ changes("05_expiry") }}. A file
new in the step is declared as a whole: "expire.py" = "new".

    python tools/book/stepchanges.py 05_expiry    print what 05 changes, as TOML
"""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

from stepfiles import SECTION_MARKER, BookError, step_dir, step_dirs

MANIFEST = "changes.toml"


def top_level_definitions(path: Path) -> dict[str, str]:
    """Each top-level function and class of a file: its name -> its source
    (decorators, docstring and comments included, snippet markers left out)."""
    text = path.read_text()
    lines = text.splitlines()
    found = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            body = lines[first - 1:node.end_lineno]
            found[node.name] = "\n".join(x for x in body if not SECTION_MARKER.match(x))
    return found


NEW_FILE = "new"


def changed_names(previous: Path, step: Path) -> dict[str, dict[str, str] | str]:
    """What `step` does to the previous step's definitions, per .py file:
    {"ae.py": {"ae_process_events": "changed", "TimeEvent": "added"}}, and
    "new" for a file the previous step did not have."""
    changes: dict[str, dict[str, str] | str] = {}
    names = {p.name for p in (*previous.glob("*.py"), *step.glob("*.py"))}
    for name in sorted(names):
        if not (previous / name).exists():
            changes[name] = NEW_FILE
            continue
        before = top_level_definitions(previous / name)
        after = top_level_definitions(step / name) if (step / name).exists() else {}
        file_changes = {}
        for definition in sorted(before.keys() | after.keys()):
            if definition not in before:
                file_changes[definition] = "added"
            elif definition not in after:
                file_changes[definition] = "removed"
            elif before[definition] != after[definition]:
                file_changes[definition] = "changed"
        if file_changes:
            changes[name] = file_changes
    return changes


def previous_step(step: Path) -> Path | None:
    steps = step_dirs()
    index = steps.index(step)
    return steps[index - 1] if index else None


def declared_names(step: Path) -> dict[str, list[str] | str]:
    """The step's changes.toml: file -> the names it declares changed, or
    "new"."""
    path = step / MANIFEST
    if not path.exists():
        raise BookError(f"{path.relative_to(step.parent.parent)} is missing")
    return tomllib.loads(path.read_text()).get("files", {})


def render_changes(name: str) -> str:
    """A table of the step's changed definitions, from its changes.toml."""
    step = step_dir(name)
    previous = previous_step(step)
    if previous is None:
        raise BookError(f"{name} is the first step: nothing is changed")
    kinds = changed_names(previous, step)
    rows = ["| file | added | changed | removed |", "|---|---|---|---|"]
    for file, declared in declared_names(step).items():
        if declared == NEW_FILE:
            if kinds.get(file) != NEW_FILE:
                raise BookError(f"{name}/{MANIFEST}: {file} is declared new, "
                                f"but {previous.name} has it")
            rows.append(f"| `{file}` | a new file | | |")
            continue
        cells = {"added": [], "changed": [], "removed": []}
        for definition in declared:
            kind = kinds.get(file, {}).get(definition)
            if kind is None:
                raise BookError(f"{name}/{MANIFEST}: {file}: {definition} is "
                                "declared but not changed")
            cells[kind].append(f"`{definition}`")
        rows.append(f"| `{file}` | " + " | ".join(
            ", ".join(cells[kind]) or "" for kind in ("added", "changed", "removed")) + " |")
    return "\n".join(rows) + "\n"


def manifest_text(step: Path, changes: dict[str, dict[str, str] | str]) -> str:
    """A changes.toml declaring `changes` (what the code shows today)."""
    out = [f"# What {step.name} changes in the previous step's code: the top-level",
           "# functions and classes it adds, changes or removes, by file (\"new\": a",
           "# new file). Its chapter shows this; tests/book/test_step_changes.py",
           "# checks it against the code both ways (tools/book/stepchanges.py).",
           "[files]"]
    for file, names in changes.items():
        if names == NEW_FILE:
            out.append(f'"{file}" = "{NEW_FILE}"')
            continue
        out.append(f'"{file}" = [')
        line = "   "
        for name in names:
            if len(line) + len(name) + 4 > 79:
                out.append(line)
                line = "   "
            line += f' "{name}",'
        out += [line, "]"]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    target = step_dir(sys.argv[1])
    print(manifest_text(target, changed_names(previous_step(target), target)), end="")
