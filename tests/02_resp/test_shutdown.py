"""SHUTDOWN: how a learner stops a server. The process logs two lines and
exits with status 0; the client gets no reply, only the closed connection.

Each test starts a server of its own, with `dir` set to a temporary folder:
real Redis writes dump.rdb there on SHUTDOWN SAVE (our steps accept --dir
and save nothing until step 10).
"""

import re
import socket

import pytest
from support.replies import OK, SYNTAX_ERROR, error
from support.wire import RawClient, command, redis_cli

# A line of Redis's log at warning level: "pid:M 06 Dec 2026 17:26:00.725 # text".
LOG_LINE = r"^\d+:M \d\d \w{3} \d{4} \d\d:\d\d:\d\d\.\d{3} # "


@pytest.fixture
def own_server(start_server, tmp_path):
    return start_server(dir=str(tmp_path))


def shut_down(proc, *args: str) -> bytes:
    """Send SHUTDOWN `args`; return what the client got before the close."""
    with RawClient(proc.port) as client:
        client.send(command("SHUTDOWN", *args))
        return client.read_until_closed()


@pytest.mark.parametrize("args", [(), ("NOSAVE",), ("SAVE",), ("now", "force"),
                                  ("NOSAVE", "NOW", "FORCE")],
                         ids=["bare", "nosave", "save", "now-force", "all-but-abort"])
def test_shutdown_closes_the_connection_without_a_reply_and_exits_0(own_server, args):
    assert shut_down(own_server, *args) == b""
    assert own_server.proc.wait(10) == 0


def test_shutdown_logs_that_it_was_asked_and_then_says_bye(own_server):
    shut_down(own_server)
    own_server.proc.wait(10)
    log = own_server.log_text()
    asked = re.search(LOG_LINE + r"User requested shutdown\.\.\.$", log, re.MULTILINE)
    bye = re.search(LOG_LINE + r"Redis is now ready to exit, bye bye\.\.\.$", log, re.MULTILINE)
    assert asked and bye and asked.start() < bye.start(), log
    assert "Traceback" not in log


def test_after_shutdown_nothing_listens_on_the_port(own_server):
    shut_down(own_server)
    own_server.proc.wait(10)
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", own_server.port)) != 0


def test_redis_cli_shutdown_succeeds_quietly(own_server):
    result = redis_cli(own_server.port, "shutdown")
    assert (result.returncode, result.stdout) == (0, "")
    assert own_server.proc.wait(10) == 0


@pytest.mark.parametrize("args", [("NOW", "BYE"), ("SAVE", "NOSAVE"), ("nosave", "save"),
                                  ("ABORT", "NOW"), ("NOW", "ABORT"), ("ABORT", "SAVE")],
                         ids=["unknown-word", "save-nosave", "nosave-save", "abort-now",
                              "now-abort", "abort-save"])
def test_bad_combinations_are_a_syntax_error_and_the_server_stays_up(raw, args):
    assert raw.call("SHUTDOWN", *args) == SYNTAX_ERROR
    assert raw.call("PING") == b"+PONG\r\n"


@pytest.mark.parametrize("args", [("ABORT",), ("abort", "ABORT")])
def test_abort_with_no_shutdown_in_progress_is_an_error(raw, args):
    assert raw.call("SHUTDOWN", *args) == error("No shutdown in progress.")
    assert raw.call("PING") == b"+PONG\r\n"


def test_shutdown_needs_authentication(start_server, tmp_path):
    proc = start_server(dir=str(tmp_path), requirepass="s3cret")
    with RawClient(proc.port) as client:
        assert client.call("SHUTDOWN") == b"-NOAUTH Authentication required.\r\n"
        assert client.call("AUTH", "s3cret") == OK
        client.send(command("SHUTDOWN", "NOSAVE"))
        assert client.read_until_closed() == b""
    assert proc.proc.wait(10) == 0
