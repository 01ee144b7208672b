"""Step 03's own options: --trace, and the open-files limit (not run against Redis)."""

import resource
import subprocess
import sys

import pytest
from support.servers import free_port, wait_until
from support.wire import RawClient, command

pytestmark = pytest.mark.internal


def test_trace_prints_one_line_per_turn(start_server):
    proc = start_server(trace=True)
    with RawClient(proc.port) as client:
        client.send(command("PING") * 3)
        assert client.read_replies(3) == [b"+PONG\r\n"] * 3
    # The harness's probe connection closes too: wait for the turn that ran the pipeline.
    text = wait_until(lambda: "ran 3 commands" in proc.log_text() and proc.log_text(), timeout=5)
    turns = [line for line in text.splitlines() if line.startswith("turn ")]
    assert any("accepted" in line for line in turns)  # (the harness probe counts too)
    assert any("ran 3 commands" in line and "wrote 21 B to 1 clients" in line for line in turns)
    numbers = [int(line.split(":")[0].split()[1]) for line in turns]
    assert numbers == list(range(1, len(numbers) + 1))


def start_with_file_limit(target, soft: int, hard: int, *args: str) -> subprocess.Popen:
    def limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))

    return subprocess.Popen(
        [sys.executable, str(target.directory / "server.py"), "--port", str(free_port()),
         *target.no_save_points(), *args],
        stderr=subprocess.PIPE, text=True, preexec_fn=limit,
    )


def first_log_lines(proc: subprocess.Popen, until: str) -> str:
    lines = []
    try:
        while until not in (line := proc.stderr.readline()) and line:
            lines.append(line)
    finally:
        proc.terminate()
        proc.wait(10)
    return "".join(lines)


def test_open_files_limit_is_raised_to_fit_maxclients(target):
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < 10032:
        pytest.skip(f"this machine's hard limit ({hard}) is below what maxclients needs")
    proc = start_with_file_limit(target, 256, hard)
    log = first_log_lines(proc, "Ready to accept")
    assert "Increased maximum number of open files to 10032" in log


def test_maxclients_is_lowered_when_the_limit_cannot_be_raised(target):
    proc = start_with_file_limit(target, 256, 256)
    log = first_log_lines(proc, "Ready to accept")
    assert "maxclients reduced to 224" in log
