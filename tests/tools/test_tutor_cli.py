"""The tutor's commands, as a learner types them (the slow `check` runs are in
test_exercise_invariants.py)."""

import queue
import signal
import subprocess
import sys
import threading
import time

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
        while not wait_for(lines, "exercises done", timeout=1):
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
