"""What CI proves for every step that has an exercises.toml.

For each exercise: tests are tagged with it (that the reference passes
them, the main run proves: it runs every test on every step), and a
workspace with only that exercise stubbed fails one of them, and the
failure the tutor reports names the exercise (the stub's NotImplementedError,
read from the server's log or the test's error). In that same workspace,
the other exercises whose tests fail on the stub are exactly those whose
entry lists it in `needs`. For each step: done in the order of its
exercises.toml, the first exercise alone turns a test green; the fully
stubbed workspace still starts (or, for a stub on every turn's path, stops
at once with its message), and `tutor.py check` on it fails cleanly. Steps
are found at run time, so a new step's exercises are covered as soon as it
has an exercises.toml.

Each check runs a child pytest (with tools/tutor_plugin.py reporting) on
only the tagged tests; the run with one exercise stubbed serves two tests,
and skips the tests of an exercise once one has failed on the stub
(--tutor-stub): the checks ask which exercises fail, not how many tests.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from exercises import (
    REPO,
    ExerciseError,
    load_exercises,
    plural,
    steps_with_exercises,
    write_workspace,
)
from support.servers import ServerProcess, Target
from tutor import pytest_command

STEPS = steps_with_exercises()
CHILD_TIMEOUT = 300  # seconds: a hung child fails the test instead of CI
# A stubbed step's server stops at the stub, so its child run restarts the
# server for test after test: minutes on a busy machine, where the suite's
# 120 s per test would stop the test before its child's own budget does.
pytestmark = pytest.mark.timeout(CHILD_TIMEOUT + 60)
# Runs of an exercise's tests before a need it lists is called wrong. A stub
# on server_cron's path stops the server only if a cron runs while a test
# holds keys with a TTL, so such a need shows in most runs, not all.
NEED_RUNS = 5
# Tests that must pass with the first exercise done before the run stops
# and asks whether one of them fails with it stubbed (most often the first).
FIRST_PASSES = 3


def exercises_or_none(step):
    try:
        return load_exercises(step)
    except ExerciseError:
        return []  # test_markers_and_entries_agree reports the error


EXERCISES = [(step, e) for step in STEPS for e in exercises_or_none(step)]
# The two tests of one exercise's stub share its run (with_one_stub): on one
# xdist worker, or each worker would make the run again.
ONE_STUB = [pytest.param(step, e, id=e.id, marks=pytest.mark.xdist_group(e.id))
            for step, e in EXERCISES]


def run_tagged_tests(workspace, step, exercise_ids, tmp_path, *extra, tests=None):
    """Run the tests tagged with `exercise_ids` (of `tests`, node ids, if given)
    on `workspace`; (exit, records, output)."""
    report = tmp_path / "report.jsonl"
    command = pytest_command(workspace, step, report, exercise_ids, others=False, tests=tests)
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
def test_every_exercise_has_tagged_tests(step, tmp_path):
    """Collected as the tutor collects them. That the reference passes
    them is proven by the main run, which runs every test on every step."""
    ids = [e.id for e in load_exercises(step)]
    report = tmp_path / "report.jsonl"
    command = pytest_command(step, step, report, ids, others=False)
    env = {**os.environ, "PYTHONPATH": str(REPO / "tools")}
    done = subprocess.run([*command, "--collect-only"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=CHILD_TIMEOUT)
    assert done.returncode == 0, done.stdout[-4000:]
    collected = json.loads(report.read_text().splitlines()[0])
    for exercise_id in ids:
        assert exercise_id in collected["exercises"], (
            f"no test is tagged @pytest.mark.exercise({exercise_id!r})")


@pytest.fixture(scope="module")
def with_one_stub(tmp_path_factory):
    """run(step, exercise): (workspace, records) of every test tagged with one
    of the step's exercises, on a workspace where only `exercise` is a stub.
    Each exercise's run is made once and shared by the tests below."""
    runs = {}

    def run(step, exercise) -> tuple[Path, list[dict]]:
        if exercise.id not in runs:
            folder = tmp_path_factory.mktemp(exercise.id)
            write_workspace(step, folder / step.name, [exercise])
            ids = [e.id for e in load_exercises(step)]
            tests = run_tagged_tests(folder / step.name, step, ids, folder,
                                     f"--tutor-stub={exercise.id}")[1]
            runs[exercise.id] = (folder / step.name, tests)
        return runs[exercise.id]

    return run


def short_name(test: dict) -> str:
    return test["nodeid"].split("::")[-1].split("[")[0]


@pytest.mark.parametrize(("step", "exercise"), ONE_STUB)
def test_stubbing_one_exercise_fails_one_of_its_tests(step, exercise, with_one_stub):
    _workspace, tests = with_one_stub(step, exercise)
    failed = [t for t in tests if t["outcome"] == "failed" and exercise.id in t["exercises"]]
    assert failed, f"every test of {exercise.id} passes with its stub"
    first = failed[0]
    assert first.get("stub_id") == exercise.id, (
        f"{first['nodeid']} failed with {first.get('error')!r}, and the server log "
        f"did not show the stub: {first.get('server_error')!r}")
    assert first["stub"].startswith(f"exercise {exercise.id}: {exercise.title}")


@pytest.mark.parametrize(("step", "exercise"), ONE_STUB)
def test_the_exercises_whose_tests_fail_on_a_stub_list_it_in_needs(step, exercise,
                                                                   with_one_stub, tmp_path):
    """X needs Y when some test tagged with X fails on Y's stub while Y is
    the only stub: X cannot be done before Y. The tutor and the book show
    `needs`, so it must say exactly that."""
    workspace, tests = with_one_stub(step, exercise)
    blocked = blocked_by_the_stub(tests, exercise.id)
    listing = {e.id for e in load_exercises(step) if exercise.id in e.needs}
    for other in sorted(listing - set(blocked)):
        for _run in range(NEED_RUNS - 1):
            again = run_tagged_tests(workspace, step, [other], tmp_path,
                                     f"--tutor-stub={exercise.id}")[1]
            if other in blocked_by_the_stub(again, exercise.id):
                blocked[other] = blocked_by_the_stub(again, exercise.id)[other]
                break
    toml = f"steps/{step.name}/exercises.toml"
    problems = [
        f"{other}'s tests fail on the stub of {exercise.id} when it is the only stub "
        f"({', '.join(sorted(set(names))[:3])}): add {exercise.id!r} to {other}'s "
        f"`needs` in {toml}, and say why in its `needs_why`"
        for other, names in sorted(blocked.items()) if other not in listing]
    problems += [
        f"{other} lists {exercise.id!r} in `needs` in {toml}, but all of {other}'s tests "
        f"passed in {NEED_RUNS} runs while {exercise.id} was the only stub: take it out"
        for other in sorted(listing - set(blocked))]
    assert not problems, "\n".join(problems)


def blocked_by_the_stub(tests: list[dict], stub_id: str) -> dict[str, list[str]]:
    """The other exercises with a test that failed on `stub_id`'s stub: their tests."""
    blocked: dict[str, list[str]] = {}
    for test in tests:
        if test["outcome"] == "failed" and test.get("stub_id") == stub_id:
            for other in sorted(set(test["exercises"]) - {stub_id}):
                blocked.setdefault(other, []).append(short_name(test))
    return blocked


@pytest.mark.parametrize("step", STEPS, ids=lambda p: p.name)
def test_the_first_exercise_in_order_turns_a_test_green(step, tmp_path):
    """A learner who does the exercises in the order of exercises.toml sees
    one of the first exercise's tests pass as soon as it is done, while the
    others are still stubs."""
    exercises = load_exercises(step)
    workspace = tmp_path / step.name

    def passing(stubbed, *extra, tests=None) -> set[str]:
        write_workspace(step, workspace, stubbed)
        _status, records, output = run_tagged_tests(
            workspace, step, [exercises[0].id], tmp_path, *extra, tests=tests)
        assert records or not tests, output[-3000:]  # the node ids were found
        return {t["nodeid"] for t in records if t["outcome"] == "passed"}

    # Those that pass with it done, then (stopping at the first failure)
    # whether one of them fails with every exercise stubbed: first for the
    # first few that pass, then, only if none of those failed, for all.
    for limit in ([f"--tutor-passes={FIRST_PASSES}"], []):
        after = passing(exercises[1:], *limit)
        before = passing(exercises, "-x", tests=sorted(after)) if after else set()
        if after - before:
            break
    assert after - before, (
        f"with {exercises[0].id} done and the others stubbed, none of its tests passes: "
        f"put first in {step.name}/exercises.toml an exercise with a test that needs no "
        "other exercise (a unit test of its function, say)")


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
    assert f"0/{plural(len(exercises), 'exercise')} done" in check.stdout
    assert f"exercise {exercises[0].id}: " in check.stdout
