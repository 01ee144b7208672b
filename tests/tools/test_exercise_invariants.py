"""What CI proves for every step that has an exercises.toml.

For each exercise: the reference passes the tests tagged with it, and a
workspace with only that exercise stubbed fails one of them, and the
failure the tutor reports names the exercise (the stub's NotImplementedError,
read from the server's log or the test's error). For each step: the fully stubbed workspace
still starts (or, for a stub on every turn's path, stops at once with its message), and
`tutor.py check` on it fails cleanly. Steps are found
at run time, so a new step's exercises are covered as soon as it has an
exercises.toml.

Each check runs a child pytest (with tools/tutor_plugin.py reporting) on
only the tagged tests, stopping at the first failure where one is
expected, to keep CI fast.
"""

import json
import os
import subprocess
import sys

import pytest
from exercises import REPO, ExerciseError, load_exercises, steps_with_exercises, write_workspace
from support.servers import ServerProcess, Target
from tutor import pytest_command

STEPS = steps_with_exercises()
CHILD_TIMEOUT = 300  # seconds: a hung child fails the test instead of CI


def exercises_or_none(step):
    try:
        return load_exercises(step)
    except ExerciseError:
        return []  # test_markers_and_entries_agree reports the error


EXERCISES = [(step, e) for step in STEPS for e in exercises_or_none(step)]


def run_tagged_tests(workspace, step, exercise_ids, tmp_path, *extra):
    """Run the tests tagged with `exercise_ids` on `workspace`; (exit, records, output)."""
    report = tmp_path / "report.jsonl"
    command = pytest_command(workspace, step, report, exercise_ids, others=False)
    env = {**os.environ, "PYTHONPATH": str(REPO / "tools")}
    done = subprocess.run([*command, *extra], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=CHILD_TIMEOUT)
    records = [json.loads(line) for line in report.read_text().splitlines()]
    return done.returncode, [r for r in records if r["event"] == "test"], done.stdout


@pytest.mark.parametrize("step", STEPS, ids=lambda p: p.name)
def test_markers_and_entries_agree(step):
    exercises = load_exercises(step)
    assert exercises, f"{step.name}/exercises.toml lists no exercise"
    assert all(e.title and e.hint for e in exercises)


@pytest.mark.parametrize("step", STEPS, ids=lambda p: p.name)
def test_reference_passes_every_exercise_test(step, tmp_path):
    ids = [e.id for e in load_exercises(step)]
    status, tests, output = run_tagged_tests(step, step, ids, tmp_path)
    assert status == 0, output[-4000:]
    for exercise_id in ids:
        assert any(exercise_id in t["exercises"] for t in tests), (
            f"no test is tagged @pytest.mark.exercise({exercise_id!r})")


@pytest.mark.parametrize(("step", "exercise"), EXERCISES,
                         ids=[e.id for _step, e in EXERCISES])
def test_stubbing_one_exercise_fails_one_of_its_tests(step, exercise, tmp_path):
    workspace = tmp_path / step.name
    write_workspace(step, workspace, [exercise])
    status, tests, _output = run_tagged_tests(workspace, step, [exercise.id], tmp_path, "-x")
    failed = [t for t in tests if t["outcome"] == "failed"]
    assert status == 1 and failed, f"every test of {exercise.id} passes with its stub"
    assert exercise.id in failed[0]["exercises"]
    first = failed[0]
    assert first.get("stub_id") == exercise.id, (
        f"{first['nodeid']} failed with {first.get('error')!r}, and the server log "
        f"did not show the stub: {first.get('server_error')!r}")
    assert first["stub"].startswith(f"exercise {exercise.id}: {exercise.title}")


def starts_or_stops_at_a_stub(workspace, step) -> bool:
    """The server comes up and accepts a connection; or, when a stub sits on
    the path every turn of the event loop takes (step 05's timers: the first
    server_cron is due 1 ms after start), it reaches its event loop and stops
    there with that exercise's message."""
    server = ServerProcess(Target(f"path:{workspace}", "path", 0, workspace))
    try:
        server.start()  # it returns once the server accepted a connection
    except RuntimeError:
        log = server.log_text()
        prefix = f"NotImplementedError: exercise {step.name[:2]}-"
        return "Ready to accept connections" in log and prefix in log
    finally:
        server.stop()
    return True


@pytest.mark.parametrize("step", STEPS, ids=lambda p: p.name)
def test_fully_stubbed_workspace_starts_and_check_fails_cleanly(step, tmp_path):
    workspace = tmp_path / step.name
    tutor = [sys.executable, str(REPO / "tools" / "tutor.py")]
    started = subprocess.run([*tutor, "start", step.name, "--dir", str(workspace)],
                             capture_output=True, text=True, timeout=60)
    assert started.returncode == 0, started.stdout + started.stderr

    assert starts_or_stops_at_a_stub(workspace, step)

    check = subprocess.run([*tutor, "check", "--dir", str(workspace)], capture_output=True,
                           text=True, timeout=CHILD_TIMEOUT, stdin=subprocess.DEVNULL)
    exercises = load_exercises(step)
    assert check.returncode == 1, check.stdout + check.stderr
    assert check.stderr == ""
    assert "Traceback (most recent call last)" not in check.stdout
    assert f"0/{len(exercises)} exercises done" in check.stdout
    assert f"exercise {exercises[0].id}: " in check.stdout
