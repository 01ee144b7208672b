"""exercises.py: exercise markers in the step source, and their metadata.

An exercise is a block of a step's own code between two marker lines,

        # BEGIN EXERCISE 02-inline
        ...the reference solution...
        # END EXERCISE 02-inline

with an entry of the same id in the step's ``exercises.toml``:

    [[exercise]]
    id = "02-inline"
    title = "Parse an inline request"
    hint = "What to do, and which Redis function to mirror."

    needs = ["02-input-loop"]  # optional, with needs_why
    needs_why = "Why: its tests send requests, which only the loop reads."

An exercise needs another when some of its tests fail while only the
other one is a stub: it cannot be done before that one. CI checks that
`needs` lists exactly those (tests/tools/test_exercise_invariants.py).

Ids are kebab-case and start with their step's number. A block is a
function body (or a part of one, such as a loop body); blocks never nest
and never cross a ``# --8<--`` snippet marker. A step folder is a copy of
the previous one, so it also holds earlier steps' markers: those belong to
the earlier step and are left alone here.

The tutor (tools/tutor.py) replaces each block with a one-line stub that
raises NotImplementedError naming the exercise, and the book renders the
same entries at the end of each chapter. Anything wrong with the markers
or the entries raises ExerciseError with the file and line.
"""

from __future__ import annotations

import ast
import re
import shutil
import textwrap
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STEPS_DIR = REPO / "steps"
METADATA_FILE = "exercises.toml"
STEP_NAME = re.compile(r"^(\d\d)_[a-z0-9_]+$")
EXERCISE_ID = re.compile(r"^(\d\d)-[a-z0-9]+(?:-[a-z0-9]+)*$")
MARKER = re.compile(r"^(?P<indent>[ \t]*)#\s*(?P<kind>BEGIN|END)\s+EXERCISE\b(?P<rest>.*)$")
SNIPPET_MARKER = re.compile(r"^\s*# --8<--")
REQUIRED_KEYS = ("id", "title", "hint")
OPTIONAL_KEYS = ("chapter_anchor", "needs_why")
LIST_KEYS = ("needs",)  # optional lists of ids
STUB_PREFIX = 'raise NotImplementedError("exercise '


class ExerciseError(Exception):
    """A wrong marker or exercises.toml entry; the message says where and why."""


@dataclass(frozen=True)
class Block:
    """The lines between a BEGIN and an END marker, as written."""

    id: str
    path: Path
    start_line: int  # the BEGIN marker's line, counted from 1
    end_line: int  # the END marker's line
    indent: str  # the markers' indentation, which the stub takes
    body: str  # the lines between the markers, indentation kept

    @property
    def is_stub(self) -> bool:
        """True while the block still holds the tutor's stub."""
        return self.body.strip().startswith(STUB_PREFIX + self.id + ":")


@dataclass(frozen=True)
class Exercise:
    """One exercise: its metadata and where its reference code lives."""

    id: str  # "02-inline"
    title: str
    hint: str
    step: str  # the step folder's name, "02_resp"
    path: Path  # the step file holding the block
    start_line: int  # the BEGIN marker's line, counted from 1
    end_line: int  # the END marker's line
    indent: str  # the markers' indentation
    solution: str  # the reference block, dedented
    function: str | None  # the function the block is in, if any
    chapter_anchor: str  # where the chapter presents it: "exercise-02-inline"
    needs: tuple[str, ...] = ()  # the exercises it cannot be done before
    needs_why: str = ""  # why, in a sentence or two

    @property
    def filename(self) -> str:
        """The file's name inside its step folder (and in a workspace)."""
        return self.path.name


def step_number(name: str) -> int | None:
    """Return 2 for "02_resp" (or the id "02-inline"), None otherwise."""
    match = STEP_NAME.match(name) or EXERCISE_ID.match(name)
    return int(match.group(1)) if match else None


def step_dirs() -> list[Path]:
    """Every step folder, in order."""
    return sorted(p for p in STEPS_DIR.iterdir() if STEP_NAME.match(p.name) and p.is_dir())


def steps_with_exercises() -> list[Path]:
    """The step folders that have an exercises.toml."""
    return [p for p in step_dirs() if (p / METADATA_FILE).exists()]


# Markers

def find_blocks(text: str, path: Path) -> list[Block]:
    """Every exercise block in `text`, checked for nesting and pairing."""
    blocks: list[Block] = []
    opened: tuple[str, int, str] | None = None  # (id, line, indent)
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{path}:{number}"
        if opened and SNIPPET_MARKER.match(line):
            raise ExerciseError(f"{where}: a snippet marker inside exercise {opened[0]} "
                                f"(opened at line {opened[1]}); blocks never cross one")
        match = MARKER.match(line)
        if not match:
            continue
        exercise_id = marker_id(match, where)
        if match["kind"] == "BEGIN":
            if opened:
                raise ExerciseError(f"{where}: BEGIN EXERCISE {exercise_id} inside exercise "
                                    f"{opened[0]} (opened at line {opened[1]}); "
                                    "exercise blocks cannot nest")
            opened = (exercise_id, number, match["indent"])
            continue
        blocks.append(close_block(text, path, opened, exercise_id, number, match["indent"]))
        opened = None
    if opened:
        raise ExerciseError(f"{path}:{opened[1]}: BEGIN EXERCISE {opened[0]} is never closed "
                            f"(add '# END EXERCISE {opened[0]}')")
    check_unique(blocks)
    return blocks


def marker_id(match: re.Match, where: str) -> str:
    exercise_id = match["rest"].strip()
    if not EXERCISE_ID.match(exercise_id):
        raise ExerciseError(f"{where}: '{match[0].strip()}' needs an id like 02-inline "
                            "(kebab-case, starting with the step's number)")
    return exercise_id


def close_block(text: str, path: Path, opened, exercise_id: str, number: int,
                indent: str) -> Block:
    """Check an END marker against the open BEGIN and build the block."""
    where = f"{path}:{number}"
    if opened is None:
        raise ExerciseError(f"{where}: END EXERCISE {exercise_id} without a BEGIN")
    open_id, open_line, open_indent = opened
    if exercise_id != open_id:
        raise ExerciseError(f"{where}: END EXERCISE {exercise_id} closes exercise "
                            f"{open_id} (opened at line {open_line}); the ids must match")
    if indent != open_indent:
        raise ExerciseError(f"{where}: END EXERCISE {exercise_id} is indented differently "
                            f"from its BEGIN at line {open_line}")
    body = "".join(text.splitlines(keepends=True)[open_line:number - 1])
    if not body.strip():
        raise ExerciseError(f"{path}:{open_line}: exercise {exercise_id} has no code")
    return Block(exercise_id, path, open_line, number, indent, body)


def check_unique(blocks: Iterable[Block]) -> None:
    seen: dict[str, Block] = {}
    for block in blocks:
        first = seen.setdefault(block.id, block)
        if first is not block:
            raise ExerciseError(f"{block.path}:{block.start_line}: exercise {block.id} is "
                                f"marked twice (also at {first.path}:{first.start_line})")


def blocks_in_folder(folder: Path) -> list[Block]:
    """Every block in the folder's Python files, ids unique across files."""
    blocks = [b for p in sorted(folder.glob("*.py")) for b in find_blocks(p.read_text(), p)]
    check_unique(blocks)
    return blocks


# Metadata

def read_entries(step_dir: Path) -> list[dict]:
    """The [[exercise]] entries of a step's exercises.toml, checked."""
    path = step_dir / METADATA_FILE
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as err:
        raise ExerciseError(f"{path}: {err}") from None
    unknown = set(data) - {"exercise"}
    if unknown:
        raise ExerciseError(f"{path}: unknown table(s) {sorted(unknown)}; "
                            "write each exercise as an [[exercise]] entry")
    entries = data.get("exercise", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ExerciseError(f"{path}: write each exercise as an [[exercise]] entry")
    for index, entry in enumerate(entries, start=1):
        check_entry(entry, f"{path}: exercise #{index}", step_number(step_dir.name))
    ids = [entry["id"] for entry in entries]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise ExerciseError(f"{path}: exercise {twice[0]} has two entries")
    return entries


def check_entry(entry: dict, where: str, step: int | None) -> None:
    for key in REQUIRED_KEYS + OPTIONAL_KEYS:
        if (key in REQUIRED_KEYS or key in entry) and (
                not isinstance(entry.get(key), str) or not entry[key].strip()):
            raise ExerciseError(f"{where}: '{key}' must be a non-empty string")
    unknown = set(entry) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS) - set(LIST_KEYS)
    if unknown:
        raise ExerciseError(f"{where} ({entry['id']}): unknown key(s) {sorted(unknown)}")
    needs = entry.get("needs", [])
    if not isinstance(needs, list) or not all(isinstance(i, str) for i in needs):
        raise ExerciseError(f"{where} ({entry['id']}): 'needs' is a list of exercise ids")
    if bool(needs) != ("needs_why" in entry):
        raise ExerciseError(f"{where} ({entry['id']}): 'needs' and 'needs_why' go together "
                            "(which exercises it needs, and why)")
    if not EXERCISE_ID.match(entry["id"]) or step_number(entry["id"]) > step:
        raise ExerciseError(f"{where}: id {entry['id']!r} must be kebab-case and start "
                            f"with the step's number ({step:02d}-...)")
    if step_number(entry["id"]) < step:
        raise ExerciseError(f"{where}: {entry['id']} is an exercise of an earlier step "
                            "(was this file copied with the step folder?); list only this "
                            "step's own exercises here")


def load_exercises(step_dir: Path) -> list[Exercise]:
    """The step's exercises in the order of its exercises.toml.

    Markers of this step and entries must match both ways; markers of
    earlier steps (inherited with the copied code) are not this step's.
    """
    step = step_number(step_dir.name)
    if step is None:
        raise ExerciseError(f"{step_dir}: a step folder's name starts with its number")
    entries = read_entries(step_dir)
    blocks = {}
    for block in blocks_in_folder(step_dir):
        if step_number(block.id) > step:
            raise ExerciseError(f"{block.path}:{block.start_line}: exercise {block.id} "
                                f"belongs to a later step than {step_dir.name}")
        if step_number(block.id) == step:
            blocks[block.id] = block
    check_both_ways(step_dir, blocks, entries)
    check_needs(step_dir, entries)
    return [make_exercise(step_dir, blocks[entry["id"]], entry) for entry in entries]


def check_needs(step_dir: Path, entries: list[dict]) -> None:
    """Each needed id is another exercise of the same step."""
    ids = [entry["id"] for entry in entries]
    for entry in entries:
        for needed in entry.get("needs", []):
            if needed not in ids or needed == entry["id"]:
                raise ExerciseError(
                    f"{step_dir / METADATA_FILE}: {entry['id']} needs {needed!r}, which is "
                    f"not another exercise of {step_dir.name} ({', '.join(ids)})")


def check_both_ways(step_dir: Path, blocks: dict[str, Block], entries: list[dict]) -> None:
    listed = {entry["id"] for entry in entries}
    for exercise_id, block in blocks.items():
        if exercise_id not in listed:
            raise ExerciseError(f"{block.path}:{block.start_line}: exercise {exercise_id} "
                                f"has no entry in {step_dir / METADATA_FILE}")
    unmarked = sorted(listed - set(blocks))
    if unmarked:
        raise ExerciseError(f"{step_dir / METADATA_FILE}: exercise {unmarked[0]} has no "
                            f"'# BEGIN EXERCISE {unmarked[0]}' marker in {step_dir}/*.py")


def make_exercise(step_dir: Path, block: Block, entry: dict) -> Exercise:
    return Exercise(
        id=block.id,
        title=entry["title"].strip(),
        hint=" ".join(entry["hint"].split()),
        step=step_dir.name,
        path=block.path,
        start_line=block.start_line,
        end_line=block.end_line,
        indent=block.indent,
        solution=textwrap.dedent(block.body),
        function=enclosing_function(block.path.read_text(), block.start_line),
        chapter_anchor=entry.get("chapter_anchor", f"exercise-{block.id}"),
        needs=tuple(entry.get("needs", [])),
        needs_why=" ".join(entry.get("needs_why", "").split()),
    )


def enclosing_function(source: str, line: int) -> str | None:
    """The name of the innermost function around `line`, or None."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # a learner's file in the middle of an edit
        return None
    found = None
    for node in ast.walk(tree):
        is_function = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        if is_function and node.lineno <= line <= node.end_lineno and (
                found is None or node.lineno > found.lineno):
            found = node
    return found.name if found else None


def find_exercise(exercise_id: str) -> Exercise:
    """Look an exercise up by id in its own step."""
    for step_dir in steps_with_exercises():
        if step_number(step_dir.name) == step_number(exercise_id):
            for exercise in load_exercises(step_dir):
                if exercise.id == exercise_id:
                    return exercise
    raise ExerciseError(f"no exercise {exercise_id!r}: `python tools/tutor.py list` "
                        "shows them all")


# Stubs

def stub_message(exercise: Exercise) -> str:
    """What the stub raises: the exercise, its title, a hint, the command."""
    return (f"exercise {exercise.id}: {exercise.title.rstrip('.')}. "
            f"Hint: {first_sentence(exercise.hint)} "
            f"(python tools/tutor.py hint {exercise.id})")


def plural(count: int, noun: str) -> str:
    """A count and its noun: "1 exercise", "2 exercises", "0 tests"."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


def first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return match.group(1) if match else text


def make_stub(exercise: Exercise, indent: str | None = None) -> str:
    """The stub's one line, at the block's indentation, with its newline."""
    message = stub_message(exercise).replace("\\", "\\\\").replace('"', '\\"')
    indent = exercise.indent if indent is None else indent
    return f'{indent}raise NotImplementedError("{message}")\n'


def stub_source(text: str, exercises: Iterable[Exercise], path: Path = Path("<text>")) -> str:
    """Replace the blocks of `exercises` in `text` with their stubs.

    The markers stay, so the learner sees where to write, and the tutor
    can find the block again. Other blocks are left as they are.
    """
    wanted = {exercise.id: exercise for exercise in exercises}
    lines = text.splitlines(keepends=True)
    for block in reversed(find_blocks(text, path)):
        if block.id in wanted:
            stub = make_stub(wanted[block.id], block.indent)
            lines[block.start_line:block.end_line - 1] = [stub]
    return "".join(lines)


def replace_block(text: str, exercise_id: str, body: str, path: Path) -> str:
    """Put `body` (dedented code) between the markers of `exercise_id`."""
    lines = text.splitlines(keepends=True)
    for block in find_blocks(text, path):
        if block.id == exercise_id:
            indented = textwrap.indent(body, block.indent)
            lines[block.start_line:block.end_line - 1] = [indented]
            return "".join(lines)
    raise ExerciseError(f"{path}: no '# BEGIN EXERCISE {exercise_id}' marker")


def write_workspace(step_dir: Path, dest: Path, exercises: Iterable[Exercise]) -> None:
    """Copy a step folder to `dest`, the blocks of `exercises` stubbed."""
    exercises = list(exercises)
    dest.mkdir(parents=True, exist_ok=True)
    for source in sorted(step_dir.iterdir()):
        if source.is_dir() or source.name == METADATA_FILE:
            continue
        target = dest / source.name
        if source.suffix == ".py":
            target.write_text(stub_source(source.read_text(), exercises, source))
        else:
            shutil.copy2(source, target)
