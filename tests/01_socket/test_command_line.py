"""The step server's command line: flags, a taken port, clean shutdown.

These check our own program, not Redis's behaviour on the wire, so they do
not run against real Redis.
"""

import signal
import socket
import subprocess
import sys

import pytest
from support.servers import free_port
from support.wire import RawClient

pytestmark = pytest.mark.internal


def run_server(target, *args, timeout=10) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(target.directory / "server.py"), *args],
        capture_output=True, text=True, timeout=timeout,
    )


def test_taken_port_gives_one_clear_line_and_exit_status_1(target):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        result = run_server(target, "--port", str(port))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(port) in lines[0]
    assert "--port" in lines[0]
    assert "Traceback" not in result.stderr


def help_entries(text: str) -> dict[str, str]:
    """The options --help lists, each with its help text on one line."""
    entries: dict[str, str] = {}
    flag = None
    for line in text.split("options:\n", 1)[1].splitlines():
        if line.startswith("  -"):  # a new option; its text may wrap below
            flag = line.split()[0].rstrip(",")
            entries[flag] = line
        elif flag:
            entries[flag] += " " + line.strip()
    return entries


def test_help_names_the_step_and_gives_every_flag_a_default(target):
    result = run_server(target, "--help")
    assert result.returncode == 0
    assert f"Step {target.step:02d} " in " ".join(result.stdout.split())
    entries = help_entries(result.stdout)
    assert {"-h", "--port", "--bind"} <= set(entries)
    for flag, text in entries.items():
        assert flag == "-h" or "(default: " in text, text


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_stops_the_server_cleanly(start_server, sig):
    proc = start_server()
    with RawClient(proc.port) as client:
        assert client.request(b"PING\r\n") == b"+PONG\r\n"
        before = proc.log_size()
        status = proc.stop(sig)
    assert status == 0
    new_lines = proc.log_text(before).strip().splitlines()
    assert len(new_lines) == 1, new_lines
    assert sig.name in new_lines[0]
    assert "Traceback" not in proc.log_text()
    with socket.socket() as probe:  # the listening socket is closed
        assert probe.connect_ex(("127.0.0.1", proc.port)) != 0


def test_bind_flag_is_obeyed(start_server):
    proc = start_server(bind="127.0.0.2")
    with RawClient(proc.port, host="127.0.0.2") as client:
        assert client.request(b"PING\r\n") == b"+PONG\r\n"
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", proc.port)) != 0


def test_non_loopback_bind_warns_loudly(target):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(target.directory / "server.py"), "--port", str(port),
         "--bind", "0.0.0.0", *target.no_save_points()],
        stderr=subprocess.PIPE, text=True,
    )
    try:
        first_lines = [proc.stderr.readline() for _ in range(2)]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
    assert any("WARNING" in line for line in first_lines), first_lines
