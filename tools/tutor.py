"""tutor.py: do a step's exercises until its tests pass.

    python tools/tutor.py start 02_resp     make workspace/02_resp, blocks stubbed
    python tools/tutor.py check             run its tests: progress, first failure
    python tools/tutor.py watch             check again on every save
    python tools/tutor.py hint 02-inline    what to do, which Redis function
    python tools/tutor.py solution 02-inline   the reference block, on request
    python tools/tutor.py reset 02-inline   put the stub back
    python tools/tutor.py status            progress of every workspace
    python tools/tutor.py list              every exercise

Exercises are marked in the steps' own code and described in each step's
exercises.toml (see tools/exercises.py and book/appendices/exercises.md).
`check` runs the step's black-box tests against the workspace exactly as
`pytest --target=path:workspace/02_resp` would; a child pytest with
tools/tutor_plugin.py reports each test, tagged with its exercises.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

from exercises import (
    REPO,
    Block,
    Exercise,
    ExerciseError,
    enclosing_function,
    find_blocks,
    find_exercise,
    load_exercises,
    make_stub,
    plural,
    replace_block,
    step_dirs,
    step_number,
    steps_with_exercises,
    write_workspace,
)

try:
    import watchfiles
    from rich.console import Console
    from rich.markup import escape
    from rich.syntax import Syntax
    from rich.table import Table
except ModuleNotFoundError as missing:  # a Python without the test packages
    VENV = REPO / ".venv"
    if (VENV / "bin" / "python").exists() and Path(sys.prefix) != VENV:
        os.execv(VENV / "bin" / "python", [str(VENV / "bin" / "python"), *sys.argv])
    sys.exit(f"tools/tutor.py needs the package {missing.name!r}: run `make setup` once "
             "(it makes .venv), then run this command again.")

WORKSPACES = REPO / "workspace"
TESTS_DIR = REPO / "tests"
STATE_FILE = ".tutor.json"  # the last check's results, kept in the workspace
BACKUP_DIR = ".tutor-backup"  # code that `reset` replaced
TEST_TIMEOUT = 60  # seconds one test may take before pytest-timeout stops it
RUN_TIMEOUT = 900  # seconds a whole check may take
BAR_WIDTH = 20
PROSE_WIDTH = 80  # hints and notes are wrapped to the terminal, at most this wide
NO_TESTS_COLLECTED = 5  # pytest's exit status when no test was selected

# Paths and commands stay on one line, so they can be copied; the terminal wraps them.
# Tables are laid out to fit 80 columns, and prose is wrapped between words.
console = Console(highlight=False, soft_wrap=True)


def prose(text: str) -> str:
    """`text` wrapped to the terminal (at most PROSE_WIDTH), words and ids whole."""
    width = max(min(console.width, PROSE_WIDTH), 40)
    return escape(textwrap.fill(text, width, break_long_words=False,
                                break_on_hyphens=False))


class TutorError(Exception):
    """A mistake in how the tutor was called; printed without a traceback."""


# Steps and workspaces

def step_dir_named(name: str) -> Path:
    """The step folder for "02_resp", "02", "2" or "steps/02_resp"."""
    wanted = Path(name).name
    for step_dir in step_dirs():
        number = step_number(step_dir.name)
        if wanted in (step_dir.name, f"{number:02d}", str(number)):
            return step_dir
    names = ", ".join(p.name for p in steps_with_exercises())
    raise TutorError(f"no step {name!r}; steps with exercises: {names}")


def step_of_workspace(workspace: Path) -> Path:
    number = step_number(workspace.name)
    if number is None:
        raise TutorError(f"{shown(workspace)}: a workspace's folder name starts with its step, "
                         "like workspace/02_resp")
    return step_dir_named(str(number))


def existing_workspaces() -> list[Path]:
    if not WORKSPACES.is_dir():
        return []
    return [p for p in sorted(WORKSPACES.iterdir()) if (p / "server.py").exists()
            and step_number(p.name) is not None]


def chosen_workspace(step: str | None, directory: str | None) -> tuple[Path, Path]:
    """(step folder, workspace) from STEP, --dir, or the last one edited."""
    if directory:
        workspace = Path(directory).resolve()
        return step_of_workspace(workspace), workspace
    if step:
        step_dir = step_dir_named(step)
        return step_dir, WORKSPACES / step_dir.name
    workspaces = existing_workspaces()
    if not workspaces:
        raise TutorError("no workspace yet: start one with `python tools/tutor.py start 02_resp`")
    latest = max(workspaces, key=last_edit)
    return step_of_workspace(latest), latest


def last_edit(workspace: Path) -> float:
    return max((p.stat().st_mtime for p in workspace.glob("*.py")), default=0.0)


def require_workspace(workspace: Path, step_dir: Path) -> None:
    if not (workspace / "server.py").exists():
        raise TutorError(f"no workspace at {shown(workspace)}: make it with "
                         f"`python tools/tutor.py start {step_dir.name}`")


def shown(path: Path) -> str:
    """A path as the learner would type it: relative to here when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def workspace_blocks(workspace: Path) -> dict[str, Block]:
    """The exercise blocks in a workspace; broken markers are reported."""
    blocks = {}
    for path in sorted(workspace.glob("*.py")):
        try:
            blocks.update({b.id: b for b in find_blocks(path.read_text(), path)})
        except ExerciseError as err:
            console.print(f"[yellow]warning:[/] {escape(str(err))}")
    return blocks


# start, hint, solution, reset, list

def cmd_start(args) -> int:
    step_dir = step_dir_named(args.step)
    workspace = Path(args.dir).resolve() if args.dir else WORKSPACES / step_dir.name
    if step_number(workspace.name) != step_number(step_dir.name):
        raise TutorError(f"--dir {args.dir}: the folder's name must start with "
                         f"{step_dir.name[:3]}, e.g. {shown(workspace.parent / step_dir.name)}")
    exercises = load_exercises(step_dir)
    if workspace.exists() and any(workspace.iterdir()):
        if not args.force:
            raise TutorError(f"{shown(workspace)} already exists. Keep working there, put one "
                             "exercise back with `reset ID`, or start over with --force "
                             "(your code there is deleted).")
        if not (workspace / "server.py").exists():
            raise TutorError(f"{shown(workspace)} is not a workspace; not deleting it")
        shutil.rmtree(workspace)
    write_workspace(step_dir, workspace, exercises)
    each = ("a stub that raises NotImplementedError:" if len(exercises) == 1 else
            "each a stub that raises NotImplementedError, in this order:")
    console.print(prose(f"Made {shown(workspace)} from {shown(step_dir)}: "
                        f"{plural(len(exercises), 'exercise')} to do, {each}"))
    console.print(exercise_table(exercises, workspace))
    console.print(f"Next: open {shown(workspace / exercises[0].filename)}:"
                  f"{exercises[0].start_line + 1}")
    console.print(f"then run `python tools/tutor.py check {step_dir.name}` (or `watch`).")
    return 0


def exercise_table(exercises: list[Exercise], workspace: Path | None = None) -> Table:
    """Each exercise's id and title, then where it is and what it needs.

    Three short lines instead of one long row: the table fits 80 columns.
    """
    table = Table(box=None, pad_edge=False)
    table.add_column("exercise", no_wrap=True)
    table.add_column("title, where, needs")
    for exercise in exercises:
        table.add_row(exercise.id, escape(exercise.title))
        table.add_row("", f"[dim]{where(exercise, workspace)}[/]")
        if exercise.needs:
            table.add_row("", f"[dim]needs {', '.join(exercise.needs)}[/]")
    return table


def where(exercise: Exercise, workspace: Path | None = None, full: bool = False) -> str:
    """file:line and function of an exercise, in the workspace if given."""
    path = (workspace / exercise.filename) if workspace else exercise.path
    line, function = exercise.start_line, exercise.function
    block = workspace_blocks_in(path).get(exercise.id) if workspace else None
    if block:
        line = block.start_line
        function = enclosing_function(path.read_text(), line)
    in_function = f" {function}()" if function else ""
    return f"{shown(path) if full else path.name}:{line}{in_function}"


def workspace_blocks_in(path: Path) -> dict[str, Block]:
    try:
        return {b.id: b for b in find_blocks(path.read_text(), path)}
    except (ExerciseError, OSError):
        return {}


def cmd_hint(args) -> int:
    exercise = find_exercise(args.exercise)
    console.print(f"[bold]{exercise.id}[/]: {escape(exercise.title)}")
    console.print(f"in {where(exercise, default_workspace_if_any(exercise), full=True)}\n")
    if exercise.needs:
        console.print(prose(f"Needs {', '.join(exercise.needs)}: its tests cannot all "
                            f"pass before those are done. {exercise.needs_why}") + "\n")
    console.print(prose(exercise.hint))
    console.print("\n" + prose(f"Still stuck? `python tools/tutor.py solution {exercise.id}` "
                               "shows the reference code."))
    return 0


def default_workspace_if_any(exercise: Exercise) -> Path | None:
    workspace = WORKSPACES / exercise.step
    return workspace if (workspace / "server.py").exists() else None


def cmd_solution(args) -> int:
    exercise = find_exercise(args.exercise)
    first = exercise.start_line + 1
    console.print(f"Reference solution of [bold]{exercise.id}[/] ({escape(exercise.title)}), "
                  f"{shown(exercise.path)}:{first}-{exercise.end_line - 1}"
                  + (f", in {exercise.function}()" if exercise.function else "") + ":")
    console.print(Syntax(exercise.solution.rstrip("\n"), "python", line_numbers=True,
                         start_line=first, theme="ansi_dark", background_color="default"))
    console.print("It goes between the BEGIN and END markers, indented like them.")
    return 0


def cmd_reset(args) -> int:
    exercise = find_exercise(args.exercise)
    workspace = Path(args.dir).resolve() if args.dir else WORKSPACES / exercise.step
    require_workspace(workspace, step_dir_named(exercise.step))
    path = workspace / exercise.filename
    block = workspace_blocks_in(path).get(exercise.id) if path.exists() else None
    if block is None:
        raise TutorError(f"{shown(path)} has no intact '# BEGIN EXERCISE {exercise.id}' ... "
                         f"'# END EXERCISE {exercise.id}' block; put the markers back, or "
                         f"start over with `start {exercise.step} --force`")
    if block.is_stub:
        console.print(f"{exercise.id} is already a stub in {shown(path)}.")
        return 0
    backup = workspace / BACKUP_DIR / f"{exercise.id}.py"
    backup.parent.mkdir(exist_ok=True)
    backup.write_text(block.body)
    stub = make_stub(exercise, "")
    path.write_text(replace_block(path.read_text(), exercise.id, stub, path))
    console.print(f"Put the stub of {exercise.id} back in {shown(path)}:{block.start_line}; "
                  f"your code is saved in {shown(backup)}.")
    return 0


def every_steps_exercises() -> tuple[dict[Path, list[Exercise]], bool]:
    """Each step's exercises; a step whose markers are wrong is reported."""
    found, all_fine = {}, True
    for step_dir in steps_with_exercises():
        try:
            found[step_dir] = load_exercises(step_dir)
        except ExerciseError as err:
            console.print(f"[red]error:[/] {escape(str(err))}")
            all_fine = False
    return found, all_fine


def cmd_list(args) -> int:
    found, all_fine = every_steps_exercises()
    for step_dir, exercises in found.items():
        console.print(f"[bold]{step_dir.name}[/] ({plural(len(exercises), 'exercise')})")
        console.print(exercise_table(exercises))
    return 0 if all_fine else 2


# check: run the tests, then show progress and the first failure

@dataclass
class TestRun:
    """What a child pytest reported."""

    tests: list[dict] = field(default_factory=list)  # one record per test
    exit_code: int = 0
    output: str = ""  # pytest's own output, shown when it could not run
    seconds: float = 0.0


@dataclass
class Progress:
    """Where one exercise stands after a check."""

    exercise: Exercise
    status: str  # "done", "failing", "waiting", "not started" or "not checked"
    passed: int = 0
    total: int = 0
    waits_for: list[str] = field(default_factory=list)  # stubs its tests ran into


def test_dirs(step_dir: Path) -> list[Path]:
    """tests/NN_* of this step and the ones before it."""
    number = step_number(step_dir.name)
    return [p for p in sorted(TESTS_DIR.iterdir())
            if p.is_dir() and step_number(p.name) is not None and step_number(p.name) <= number]


def pytest_command(workspace: Path, step_dir: Path, report: Path, only: list[str],
                   others: bool, tests: list[str] | None = None) -> list[str]:
    """The child pytest: the step's test folders, or just `tests` (node ids)."""
    return [
        sys.executable, "-m", "pytest", *(tests or map(str, test_dirs(step_dir))),
        f"--target=path:{workspace}", "-p", "tutor_plugin", f"--tutor-report={report}",
        *[f"--tutor-exercise={exercise_id}" for exercise_id in only],
        *(["--tutor-others"] if others else []),
        "-q", "--no-header", "-p", "no:cacheprovider", "-o", f"timeout={TEST_TIMEOUT}",
    ]


def run_tests(workspace: Path, step_dir: Path, only: list[str], others: bool = False) -> TestRun:
    """Run the step's tests against the workspace in a child pytest.

    `only`: just the tests tagged with these exercises ([]: every test);
    with `others`, just the tests tagged with none of them.
    """
    with tempfile.TemporaryDirectory(prefix="tutor-") as tmp:
        report, log = Path(tmp) / "report.jsonl", Path(tmp) / "pytest.log"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            filter(None, [str(REPO / "tools"), os.environ.get("PYTHONPATH")]))}
        started = time.monotonic()
        with log.open("w") as out:
            child = subprocess.Popen(pytest_command(workspace, step_dir, report, only, others),
                                     cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
            exit_code = wait_showing_progress(child, report)
        tests = [r for r in read_report(report) if r.get("event") == "test"]
        return TestRun(tests, exit_code, log.read_text(), time.monotonic() - started)


def read_report(report: Path) -> list[dict]:
    if not report.exists():
        return []
    return [json.loads(line) for line in report.read_text().splitlines() if line.strip()]


def wait_showing_progress(child: subprocess.Popen, report: Path) -> int:
    """Wait for the child pytest, with a live count of tests in a terminal."""
    deadline = time.monotonic() + RUN_TIMEOUT
    try:
        with console.status("Collecting tests...") as status:
            while child.poll() is None:
                if time.monotonic() > deadline:
                    raise TimeoutError
                records = read_report(report) if console.is_terminal else []
                if records:
                    status.update(f"Running tests: {len(records) - 1}/{records[0]['count']}")
                time.sleep(0.2)
    except (KeyboardInterrupt, TimeoutError) as stop:
        stop_child(child)
        if isinstance(stop, KeyboardInterrupt):
            raise
        raise TutorError(f"the tests took longer than {RUN_TIMEOUT} s and were stopped; "
                         "does the workspace's server hang?") from None
    return child.returncode


def stop_child(child: subprocess.Popen) -> None:
    """Stop pytest so it stops its servers; then its whole process group."""
    child.send_signal(signal.SIGINT)
    try:
        child.wait(10)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    child.wait()


def run_check(workspace: Path, step_dir: Path, exercises: list[Exercise],
              blocks: dict[str, Block], run_all: bool) -> tuple[TestRun, list[str], str]:
    """Run what is worth running now: (results, exercises checked, note).

    While stubs are left, most tests fail anyway: run the tests of the
    exercises started and of the next one. Then run the exercises' tests,
    and every other test once those pass. The note says what was left out
    ("" when every test ran).
    """
    ids = [e.id for e in exercises]
    if run_all:
        return run_tests(workspace, step_dir, []), ids, ""
    stubbed = [i for i in ids if i in blocks and blocks[i].is_stub]
    if stubbed:
        only = [i for i in ids if i not in stubbed] + stubbed[:1]
        return run_tests(workspace, step_dir, only), only, (
            "Ran the tests of the exercises started and of the next one; the others "
            "run once no stub is left (or with --all).")
    tagged = run_tests(workspace, step_dir, ids)
    if any(t["outcome"] == "failed" for t in tagged.tests):
        return tagged, ids, ("Ran the exercises' tests; the step's other tests run once "
                             "these pass (or with --all).")
    others = run_tests(workspace, step_dir, ids, others=True)
    no_other_tests = others.exit_code == NO_TESTS_COLLECTED
    both = TestRun(tagged.tests + others.tests, 0 if no_other_tests else others.exit_code,
                   others.output, tagged.seconds + others.seconds)
    return both, ids, ""


def progress_of(exercises: list[Exercise], blocks: dict[str, Block], tests: list[dict],
                checked: list[str]) -> list[Progress]:
    """Each exercise's progress; only `checked` ones had all their tests run."""
    return [exercise_progress(e, blocks.get(e.id), tests if e.id in checked else [])
            for e in exercises]


def exercise_progress(exercise: Exercise, block: Block | None, tests: list[dict]) -> Progress:
    tagged = [t for t in tests if exercise.id in t["exercises"]]
    passed = sum(t["outcome"] != "failed" for t in tagged)
    failing = [t for t in tagged if t["outcome"] == "failed"]
    progress = Progress(exercise, "done", passed, len(tagged))
    if block is not None and block.is_stub:
        progress.status = "not started"
    elif not tagged:
        progress.status = "not checked"
    elif failing:
        progress.status = "failing"
        stubs = {t.get("stub_id") for t in failing}
        if None not in stubs and exercise.id not in stubs:
            progress.status, progress.waits_for = "waiting", sorted(stubs)
    return progress


def cmd_check(args) -> int:
    step_dir, workspace = chosen_workspace(args.step, args.dir)
    require_workspace(workspace, step_dir)
    exercises = load_exercises(step_dir)
    if show_syntax_errors(workspace):
        return 1
    blocks = workspace_blocks(workspace)
    run, checked, left_out = run_check(workspace, step_dir, exercises, blocks, args.all)
    if run.exit_code == NO_TESTS_COLLECTED:
        raise TutorError(f"no test is tagged with {', '.join(checked)} (CI checks that "
                         "every exercise has tests: is this step's exercises.toml new?)")
    if run.exit_code not in (0, 1) or not run.tests:
        console.print(escape(run.output[-3000:]))
        raise TutorError(f"pytest could not run the tests (exit status {run.exit_code})")
    progress = progress_of(exercises, blocks, run.tests, checked)
    show_check(step_dir, workspace, run, progress, left_out)
    save_state(workspace, run, progress)
    failed = any(t["outcome"] == "failed" for t in run.tests)
    return 1 if failed or left_out else 0


def show_syntax_errors(workspace: Path) -> bool:
    """Print the first file that does not compile; True if there was one."""
    for path in sorted(workspace.glob("*.py")):
        try:
            compile(path.read_text(), str(path), "exec")
        except SyntaxError as err:
            console.print(f"[red]✗[/] {shown(path)}:{err.lineno}: {escape(err.msg)}")
            if err.text:
                console.print(f"    {escape(err.text.rstrip())}")
            console.print("The server cannot start until this file compiles.")
            return True
    return False


STATUS_MARKS = {"done": "[green]✓ done[/]", "failing": "[red]✗ failing[/]",
                "waiting": "[yellow]… waiting[/]",
                "not started": "[dim]· not started[/]", "not checked": "[yellow]? not checked[/]"}


def show_check(step_dir: Path, workspace: Path, run: TestRun, progress: list[Progress],
               left_out: str) -> None:
    failed = [t for t in run.tests if t["outcome"] == "failed"]
    console.print(f"[bold]{step_dir.name}[/] in {shown(workspace)}: "
                  f"{len(run.tests) - len(failed)}/{plural(len(run.tests), 'test')} passed "
                  f"({run.seconds:.1f} s)")
    console.print(progress_table(progress))
    done = sum(p.status == "done" for p in progress)
    console.print(f"{bar(done, len(progress))} {done}/{plural(len(progress), 'exercise')} done")
    if left_out:
        console.print(f"[dim]{prose(left_out)}[/]")
    if failed:
        console.print()
        show_failure(first_failure(progress, failed), workspace)
    elif not left_out:
        console.print(f"[green]Every test passes ({plural(len(run.tests), 'test')}): "
                      f"{step_dir.name} is done.[/]")


def progress_table(progress: list[Progress]) -> Table:
    """One row per exercise; "needs" lists the exercises it waits for.

    Those are the stubs its failing tests ran into, and the exercises its
    entry says it needs that are still to write or to fix (one written but
    only waiting for others is left out). The table fits 80 columns: only
    the last column wraps, between ids.
    """
    table = Table(box=None, pad_edge=False)
    for column in ("exercise", "status", "tests"):
        table.add_column(column, no_wrap=True)
    table.add_column("needs")
    written = {p.exercise.id for p in progress if p.status in ("done", "waiting")}
    for p in progress:
        tests = f"{p.passed}/{p.total}" if p.total else "-"
        needs = [] if p.status == "done" else [
            i for i in dict.fromkeys([*p.waits_for, *p.exercise.needs]) if i not in written]
        table.add_row(p.exercise.id, STATUS_MARKS[p.status], tests, ", ".join(needs))
    return table


def bar(done: int, total: int) -> str:
    filled = round(BAR_WIDTH * done / total) if total else 0
    return "[green]" + "█" * filled + "[/][dim]" + "░" * (BAR_WIDTH - filled) + "[/]"


def first_failure(progress: list[Progress], failed: list[dict]) -> dict:
    """The failure to explain first.

    A bug in an exercise already written comes first; then the next
    exercise to do. A failure the test itself saw (a wrong reply) beats one
    in its setup (the server had crashed in the test before).
    """
    written = [p.exercise.id for p in progress if p.status == "failing"]
    todo = [p.exercise.id for p in progress if p.status == "not started"][:1]
    bugs = [t for t in failed if set(written) & set(t["exercises"]) and not t.get("stub_id")]
    next_ones = [t for t in failed if set(todo) & set(t["exercises"])]
    own_stub = [t for t in next_ones if t.get("stub_id") in todo]
    for candidates in (bugs, own_stub, next_ones, failed):
        if candidates:
            return min(candidates, key=lambda t: t.get("phase") != "call")
    raise ValueError("no failed test")


def show_failure(test: dict, workspace: Path) -> None:
    console.print(f"[red]✗[/] [bold]{escape(test_name(test['nodeid'], workspace))}[/]")
    rows = [("test", test.get("location", "")), ("", test.get("source", ""))]
    rows += [("sent", sent) for sent in test.get("sent", [])]
    rows += comparison_rows(test)
    if test.get("stub"):
        rows.append(("stub", test["stub"]))
    else:
        rows.append(("server", test.get("server_error", "")))
    rows += where_to_look(test, workspace)
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for label, text in rows:
        if text:
            table.add_row(label, escape(text))
    console.print(table)


CRASH_FRAME = re.compile(r'File "(?P<path>[^"]+)", line (?P<line>\d+), in (?P<function>\S+)')


def where_to_look(test: dict, workspace: Path) -> list[tuple[str, str]]:
    """The line the server crashed on, or the exercise to open, and its hint."""
    frames = [m for m in CRASH_FRAME.finditer(test.get("server_error", ""))
              if Path(m["path"]).parent == workspace]
    exercise = None if frames else exercise_to_open(test)
    rows = []
    if frames:
        crash = frames[-1]
        path, line = Path(crash["path"]), int(crash["line"])
        rows.append(("open", f"{shown(path)}:{line}, in {crash['function']}()"))
        exercise = exercise_at(workspace, path, line)
    elif exercise:
        rows.append(("open", f"{where(exercise, workspace, full=True)}"))
    if exercise:
        rows.append(("exercise", f"{exercise.id}: {exercise.title}"))
        rows.append(("hint", f"python tools/tutor.py hint {exercise.id}"))
    return rows


def exercise_at(workspace: Path, path: Path, line: int) -> Exercise | None:
    """The exercise whose block in the workspace holds `line`, if any."""
    for block in workspace_blocks_in(path).values():
        if block.start_line < line < block.end_line:
            return exercise_to_open({"exercises": [block.id]})
    return None


def exercise_to_open(test: dict) -> Exercise | None:
    """The stub the server hit, else the first exercise the test is tagged with."""
    for exercise_id in [test.get("stub_id"), *test["exercises"]]:
        if exercise_id:
            try:
                return find_exercise(exercise_id)
            except ExerciseError:
                continue
    return None


def comparison_rows(test: dict) -> list[tuple[str, str]]:
    """expected/got from `assert got == expected`, else the error itself."""
    compare, error = test.get("compare"), test.get("error", "")
    if compare and compare["op"] == "==":
        return [("expected", compare["right"]), ("got", compare["left"])]
    if compare:
        return [("assert", f"{compare['left']} {compare['op']} {compare['right']}")]
    if error.startswith("NotImplementedError: exercise"):
        return []  # the stub row says it
    if error.startswith("ConnectionError: server closed the connection"):
        return [("got", "nothing: the server closed the connection")]
    if error.startswith("ConnectionResetError"):
        return [("got", "nothing: the server reset the connection")]
    if error.startswith("BrokenPipeError"):
        return [("got", "the server closed the connection while the test was sending")]
    if error.startswith("ConnectionRefusedError"):
        return [("got", "no connection: the server is not running")]
    if error.startswith(("TimeoutError", "socket.timeout")):
        return [("got", "no reply in time")]
    return [("error", error)]


def test_name(nodeid: str, workspace: Path) -> str:
    """A test's id without the workspace in its parameters."""
    target = f"path:{workspace}"
    return nodeid.replace(f"[{target}]", "").replace(f"[{target}-", "[")


def save_state(workspace: Path, run: TestRun, progress: list[Progress]) -> None:
    state = {"checked_at": time.time(),
             "exercises": {p.exercise.id: p.status for p in progress},
             "passed": sum(t["outcome"] != "failed" for t in run.tests),
             "tests": len(run.tests)}
    (workspace / STATE_FILE).write_text(json.dumps(state, indent=1) + "\n")


# watch and status

def cmd_watch(args) -> int:
    step_dir, workspace = chosen_workspace(args.step, args.dir)
    require_workspace(workspace, step_dir)
    args.step, args.dir = None, str(workspace)
    try:
        check_between_saves(args, workspace)
        for _changes in watchfiles.watch(workspace, watch_filter=is_python_file,
                                         debounce=400):
            if console.is_terminal:
                console.clear()
            check_between_saves(args, workspace)
    except KeyboardInterrupt:  # Ctrl-C is how a watch ends
        console.print("Stopped watching.")
    return 0


def is_python_file(change, path: str) -> bool:
    return path.endswith(".py") and BACKUP_DIR not in Path(path).parts


def check_between_saves(args, workspace: Path) -> None:
    try:
        cmd_check(args)
    except (TutorError, ExerciseError) as err:
        console.print(f"[red]error:[/] {escape(str(err))}")
    console.print(f"[dim]Watching {shown(workspace)}: save a file to check again, "
                  "Ctrl-C to stop.[/]")


def cmd_status(args) -> int:
    table = Table(box=None, pad_edge=False)
    for column in ("step", "progress", "", "last check"):
        table.add_column(column, no_wrap=True)
    found, all_fine = every_steps_exercises()
    console.print(f"Workspaces in {shown(WORKSPACES)}/:")
    for step_dir, exercises in found.items():
        workspace = WORKSPACES / step_dir.name
        table.add_row(step_dir.name, *workspace_status(workspace, exercises))
    console.print(table)
    return 0 if all_fine else 2


def workspace_status(workspace: Path, exercises: list[Exercise]) -> tuple[str, ...]:
    if not (workspace / "server.py").exists():
        return (bar(0, len(exercises)), f"0/{len(exercises)}", "not started")
    state_file = workspace / STATE_FILE
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    statuses = state.get("exercises", {})
    done = sum(statuses.get(e.id) == "done" for e in exercises)
    when = "never"
    if state:
        when = time.strftime("%d %b %H:%M", time.localtime(state["checked_at"]))
        if last_edit(workspace) > state["checked_at"]:
            when += " (edited since)"
    return (bar(done, len(exercises)), f"{done}/{len(exercises)}", when)


# The command line

def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python tools/tutor.py", description="Do a step's exercises until its tests pass.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    start = commands.add_parser("start", help="make a workspace from a step, blocks stubbed")
    start.add_argument("step", help="the step: 02_resp (or 02)")
    start.add_argument("--dir", help="where (default workspace/NN_name)")
    start.add_argument("--force", action="store_true", help="replace an existing workspace")
    for name, text in (("check", "run the step's tests on a workspace"),
                       ("watch", "check again whenever a workspace file changes")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("step", nargs="?", help="the step (default: the last edited workspace)")
        sub.add_argument("--dir", help="a workspace folder named after its step")
        sub.add_argument("--all", action="store_true", help="run every test, even with stubs")
    for name, text in (("hint", "what to do, and which Redis function to mirror"),
                       ("solution", "show the reference code of one exercise"),
                       ("reset", "put an exercise's stub back (your code is saved)")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("exercise", help="an exercise id, e.g. 02-inline")
        if name == "reset":
            sub.add_argument("--dir", help="the workspace (default workspace/NN_name)")
    commands.add_parser("status", help="progress in every step's workspace")
    commands.add_parser("list", help="every exercise of every step")
    return parser.parse_args(argv)


COMMANDS = {"start": cmd_start, "check": cmd_check, "watch": cmd_watch, "hint": cmd_hint,
            "solution": cmd_solution, "reset": cmd_reset, "status": cmd_status,
            "list": cmd_list}


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (TutorError, ExerciseError) as err:
        console.print(f"[red]error:[/] {escape(str(err))}")
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
