"""tools/bench/request_cost.py: the Python one request costs a step.

It runs a step's server in its own process with a connection that never
blocks. These tests check that it runs every step from 03 on, measures a
request that was answered and shows the answer, and runs --setup requests
first; they judge no speed (a timed assertion would fail on a busy machine
and tell nothing).
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TOOL = REPO / "tools" / "bench" / "request_cost.py"
STEPS = sorted(p.name for p in (REPO / "steps").iterdir()
               if p.name[:2].isdigit() and (p / "ae.py").exists())
LINE = re.compile(r"^(\S+) (.+) \(pipeline (\d+)\): (\d+\.\d\d) µs of Python per request$")
REPLIES = "the first turn's replies: "


def run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOL), *argv], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("step", STEPS)
def test_it_measures_a_ping_on_every_step_with_an_event_loop(step):
    done = run(f"steps/{step}", "PING", "--pipeline", "4", "--number", "50")
    assert done.returncode == 0, done.stderr
    replies, cost = done.stdout.splitlines()
    assert replies == REPLIES + repr(b"+PONG\r\n" * 4)
    name, command, pipeline, micros = LINE.match(cost).groups()
    assert (name, command, pipeline) == (step, "PING", "4")
    assert float(micros) > 0


def test_inline_sends_the_request_as_one_line():
    # Only an inline line has its quotes read by the server's parser.
    done = run("steps/03_eventloop", "ECHO", '"hi"', "--inline",
               "--pipeline", "2", "--number", "50")
    assert done.returncode == 0, done.stderr
    replies, cost = done.stdout.splitlines()
    assert replies == REPLIES + repr(b"$2\r\nhi\r\n" * 2)
    assert LINE.match(cost).group(2) == 'ECHO "hi" inline'
    multibulk = run("steps/03_eventloop", "ECHO", '"hi"', "--number", "50")
    assert multibulk.stdout.splitlines()[0] == REPLIES + repr(b'$4\r\n"hi"\r\n')


def test_setup_requests_run_first_on_a_client_of_their_own():
    done = run("steps/05_expiry", "GET", "key", "--number", "50",
               "--setup", "SET key abc", "--setup", "APPEND key def")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == REPLIES + repr(b"$6\r\nabcdef\r\n")
    without = run("steps/05_expiry", "GET", "key", "--number", "50")
    assert without.stdout.splitlines()[0] == REPLIES + repr(b"$-1\r\n")


def test_a_setup_request_answered_with_an_error_is_refused():
    done = run("steps/05_expiry", "GET", "key", "--setup", "NOSUCH")
    assert done.returncode != 0
    assert "to the setup request" in done.stderr
    assert "unknown command" in done.stderr


def test_a_request_that_writes_keys_runs_in_a_scratch_directory(tmp_path):
    done = subprocess.run([sys.executable, str(TOOL), str(REPO / "steps" / STEPS[-1]),
                           "SET", "key", "value", "--number", "50"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert LINE.match(done.stdout.splitlines()[-1])
    assert list(tmp_path.iterdir()) == []  # no dump.rdb, no appendonlydir here


def test_a_request_with_no_reply_is_refused():
    # A request cut short waits for the rest: there is nothing to time.
    cut = subprocess.run(
        [sys.executable, "-c",
         "import sys; sys.argv[1:] = ['steps/05_expiry', 'PING'];"
         "sys.path.insert(0, 'tools/bench'); import request_cost as r;"
         "r.encode = lambda *words: b'*1\\r\\n$4\\r\\nPI';"
         "r.main(sys.argv[1:])"],
        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert cut.returncode != 0
    assert "sent no reply" in cut.stderr


def test_a_step_without_an_event_loop_is_refused():
    done = run("steps/02_resp", "PING")
    assert done.returncode == 2
    assert "no event loop" in done.stderr
