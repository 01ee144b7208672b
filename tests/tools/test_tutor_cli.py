"""The tutor's commands, as a learner types them (the slow `check` runs are in
test_exercise_invariants.py)."""

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import tutor
from exercises import (
    REPO,
    ExerciseError,
    find_blocks,
    find_exercise,
    load_exercises,
    steps_with_exercises,
)
from rich.console import Console

STEP = "02_resp"


@pytest.fixture
def workspaces(tmp_path, monkeypatch):
    """A private workspace/ folder, so no learner's work is touched."""
    monkeypatch.setattr(tutor, "WORKSPACES", tmp_path / "workspace")
    return tmp_path / "workspace"


def run(capsys, *argv) -> tuple[int, str]:
    status = tutor.main(list(argv))
    return status, capsys.readouterr().out


def test_start_makes_a_stubbed_workspace(workspaces, capsys):
    status, out = run(capsys, "start", STEP)
    assert status == 0
    assert "Made" in out and "02-input-loop" in out
    blocks = find_blocks((workspaces / STEP / "resp.py").read_text(), workspaces / STEP)
    assert blocks and all(b.is_stub for b in blocks)


def test_where_points_at_the_block_in_the_workspace(workspaces, capsys):
    run(capsys, "start", STEP)
    for exercise in load_exercises(REPO / "steps" / STEP):
        path = workspaces / STEP / exercise.filename
        (block,) = [b for b in find_blocks(path.read_text(), path) if b.id == exercise.id]
        assert tutor.where(exercise, workspaces / STEP) == (
            f"{exercise.filename}:{block.start_line} {exercise.function}()")


def test_start_refuses_to_overwrite_a_workspace_without_force(workspaces, capsys):
    run(capsys, "start", "02")
    edited = workspaces / STEP / "resp.py"
    edited.write_text(edited.read_text() + "# my work\n")
    status, out = run(capsys, "start", STEP)
    assert status == 2
    assert "already exists" in out and "--force" in out
    assert edited.read_text().endswith("# my work\n")
    assert run(capsys, "start", STEP, "--force")[0] == 0
    assert "# my work" not in edited.read_text()


def test_start_wants_a_folder_named_after_the_step(tmp_path, capsys):
    status, out = run(capsys, "start", STEP, "--dir", str(tmp_path / "mine"))
    assert status == 2
    assert "must start with 02_" in out


def test_unknown_step_and_exercise_are_clear_errors(workspaces, capsys):
    status, out = run(capsys, "start", "09_nothing")
    assert status == 2 and "no step '09_nothing'" in out
    status, out = run(capsys, "hint", "02-nothing")
    assert status == 2 and "no exercise '02-nothing'" in out


def test_hint_shows_the_hint_without_the_solution(workspaces, capsys):
    exercise = find_exercise("02-inline")
    status, out = run(capsys, "hint", "02-inline")
    assert status == 0
    assert exercise.title in out and "processInlineBuffer()" in out
    assert "sdssplitargs(bytes(" not in out  # a line of the reference code


def test_solution_shows_the_reference_block(capsys):
    status, out = run(capsys, "solution", "02-inline")
    assert status == 0
    assert "sdssplitargs(bytes(" in out


def test_reset_puts_the_stub_back_and_keeps_the_learners_code(workspaces, capsys):
    run(capsys, "start", STEP)
    exercise = find_exercise("02-inline")
    path = workspaces / STEP / "resp.py"
    stubbed = path.read_text()
    solved = tutor.replace_block(stubbed, exercise.id, exercise.solution, path)
    path.write_text(solved)

    status, out = run(capsys, "reset", "02-inline", "--dir", str(workspaces / STEP))
    assert status == 0
    assert path.read_text() == stubbed
    backup = workspaces / STEP / ".tutor-backup" / "02-inline.py"
    assert backup.read_text() in solved
    assert "already a stub" in run(capsys, "reset", "02-inline", "--dir",
                                   str(workspaces / STEP))[1]


def test_list_and_status_show_every_step(workspaces, capsys):
    run(capsys, "start", STEP)
    # A step whose markers are wrong (test_exercise_invariants.py says which)
    # is reported, and the others are still listed.
    expected = 0 if all(map(loads, steps_with_exercises())) else 2
    status, out = run(capsys, "list")
    assert status == expected and "01-serve-client" in out and "02-bulk-payload" in out
    status, out = run(capsys, "status")
    assert status == expected
    assert "01_socket" in out and "not started" in out
    assert "0/5" in out and "never" in out  # 02_resp: started, never checked


def loads(step) -> bool:
    try:
        return bool(load_exercises(step))
    except ExerciseError:
        return False


def test_check_stops_at_a_syntax_error_before_running_tests(workspaces, capsys):
    run(capsys, "start", STEP)
    (workspaces / STEP / "resp.py").write_text("def broken(:\n")
    started = time.monotonic()
    status, out = run(capsys, "check", STEP)
    assert status == 1
    assert "resp.py:1" in out and "cannot start" in out
    assert time.monotonic() - started < 5  # no test run


def test_watch_checks_again_after_a_save_and_stops_on_ctrl_c(tmp_path):
    workspace = tmp_path / "01_socket"
    tutor_py = [sys.executable, str(REPO / "tools" / "tutor.py")]
    subprocess.run([*tutor_py, "start", "01", "--dir", str(workspace)], check=True,
                   capture_output=True)
    watch = subprocess.Popen([*tutor_py, "watch", "--dir", str(workspace)], text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in watch.stdout],
                     daemon=True).start()
    try:
        assert wait_for(lines, "Watching", timeout=60)
        # The watcher starts just after that line: save until a check follows.
        deadline = time.monotonic() + 60
        while not wait_for(lines, "exercise done", timeout=1):
            assert time.monotonic() < deadline, "no check after saving a file"
            (workspace / "server.py").write_text((workspace / "server.py").read_text() + "\n")
    finally:
        watch.send_signal(signal.SIGINT)
        _out, err = watch.communicate(timeout=30)
    assert watch.returncode == 0, err
    assert "Traceback" not in err


def wait_for(lines: queue.Queue, text: str, timeout: float) -> bool:
    """True once a line of output holds `text`; False after `timeout` s."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            if text in lines.get(timeout=left):
                return True
        except queue.Empty:
            break
    return False


# What a learner sees in an 80-column terminal

def tutor_at_80_columns(*argv: str, cwd: Path = REPO) -> str:
    """The tutor's output as a terminal 80 columns wide would show it."""
    done = subprocess.run([sys.executable, str(REPO / "tools" / "tutor.py"), *argv],
                          capture_output=True, text=True, timeout=60, cwd=cwd,
                          env={**os.environ, "COLUMNS": "80"})
    assert done.stderr == ""
    return done.stdout


def fits_80_columns(out: str) -> None:
    too_wide = [line for line in out.splitlines() if len(line.rstrip()) > 80]
    assert not too_wide, "\n".join(too_wide)


def where_text(exercise) -> str:
    return f"{exercise.filename}:{exercise.start_line} {exercise.function}()"


ALL_EXERCISES = [e for step in steps_with_exercises() for e in load_exercises(step)]


def test_list_fits_80_columns_with_each_title_path_and_needed_id_whole():
    out = tutor_at_80_columns("list")
    fits_80_columns(out)
    lines = out.splitlines()
    for exercise in ALL_EXERCISES:
        assert any(exercise.id in line and exercise.title in line for line in lines), (
            f"{exercise.id}'s row was wrapped")
        assert any(where_text(exercise) in line for line in lines), where_text(exercise)
        for needed in exercise.needs:
            assert any(whole_id(needed, line) for line in lines), needed


def whole_id(exercise_id: str, line: str) -> bool:
    return bool(re.search(rf"(?<![\w-]){re.escape(exercise_id)}(?![\w-])", line))


def test_start_fits_80_columns_and_says_what_each_exercise_needs(tmp_path):
    out = tutor_at_80_columns("start", "02_resp", "--dir", "02_resp", cwd=tmp_path)
    fits_80_columns(out)
    assert "5 exercises to do" in out
    needs = " ".join(line.strip() for line in out.splitlines() if "needs" in line or
                     line.strip().startswith("02-process-command"))
    assert "02-bulk-payload, 02-input-loop" in needs


def test_hint_says_what_the_exercise_needs_and_why_within_80_columns():
    exercise = next(e for e in ALL_EXERCISES if e.needs)
    out = tutor_at_80_columns("hint", exercise.id)
    fits_80_columns(out)
    text = " ".join(out.split())
    assert f"Needs {', '.join(exercise.needs)}:" in text
    assert exercise.needs_why in text and exercise.hint in text


def test_status_fits_80_columns(workspaces, capsys, monkeypatch):
    run(capsys, "start", STEP)
    monkeypatch.setattr(tutor.console, "width", 80)
    (workspaces / STEP / tutor.STATE_FILE).write_text(
        '{"checked_at": 0, "exercises": {}, "passed": 0, "tests": 3}\n')
    status, out = run(capsys, "status")
    heading, table = out.split("\n", 1)
    assert heading.startswith("Workspaces in")  # a path: as long as it is
    fits_80_columns(table)
    assert "(edited since)" in table


def progress(exercise_ids: list[str], statuses: dict[str, str], waits=None):
    exercises = {e.id: e for e in ALL_EXERCISES}
    return [tutor.Progress(exercises[i], statuses.get(i, "not started"),
                           waits_for=(waits or {}).get(i, [])) for i in exercise_ids]


def rendered(table) -> str:
    console = Console(width=80, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(table)
    return console.export_text()


def test_progress_fits_80_columns_and_lists_what_each_exercise_waits_for():
    ids = [e.id for e in load_exercises(REPO / "steps" / STEP)]
    rows = progress(ids, {ids[0]: "waiting", ids[1]: "done"},
                    waits={ids[0]: ["02-input-loop"]})
    out = rendered(tutor.progress_table(rows))
    fits_80_columns(out)
    lines = out.splitlines()
    first = next(line for line in lines if line.startswith(ids[0]))
    assert "waiting" in first and "02-input-loop" in first
    assert out.count(ids[1]) == 1  # done: its own row, and no longer in any needs
    assert out.count(ids[0]) == 1  # written, waiting for others: not a need either
    inline_row = out[out.index(f"\n{ids[2]}"):out.index(f"\n{ids[3]}")]
    assert "02-input-loop" in inline_row  # still a stub: needed
    for exercise_id in ids:
        assert any(line.startswith(exercise_id) for line in lines)
    assert not re.search(r"\b02-[a-z-]*-\s*$", out, re.M)  # no id cut at a hyphen


def test_counts_of_one_are_singular(workspaces, capsys):
    status, out = run(capsys, "start", "01_socket")
    assert "1 exercise to do" in out
    status, out = run(capsys, "list")
    assert "01_socket (1 exercise)" in out
    exercise = load_exercises(REPO / "steps" / "01_socket")[0]
    one = [tutor.Progress(exercise, "done", 1, 1)]
    test = {"nodeid": "t", "outcome": "passed", "exercises": [exercise.id]}
    tutor.show_check(REPO / "steps" / "01_socket", workspaces / "01_socket",
                     tutor.TestRun([test], 0, "", 1.0), one, "")
    out = capsys.readouterr().out
    assert "1/1 test passed" in out and "1/1 exercise done" in out
    assert "(1 test)" in out
    assert not re.search(r"\b1 (exercise|test)s\b", out)
