"""SHUTDOWN saves when there are save points (or with SAVE, never with
NOSAVE), and the next start loads the file; so does a SIGTERM."""

import signal

import pytest
from support.wire import RawClient


def shutdown(port: int, *options: str) -> None:
    with RawClient(port) as client:
        client.send(b"SHUTDOWN " + " ".join(options).encode() + b"\r\n")
        with pytest.raises(ConnectionError):
            client.read_reply()  # no reply: the connection closes


def test_shutdown_with_save_points_saves_and_the_restart_loads(
        start_server, tmp_path):
    proc = start_server(dir=str(tmp_path), save="3600 1")
    with RawClient(proc.port) as client:
        client.call("SET", "k", "v")
    shutdown(proc.port)
    assert proc.proc.wait(10) == 0
    assert "Saving the final RDB snapshot before exiting." in proc.log_text()
    again = start_server(dir=str(tmp_path))
    with RawClient(again.port) as client:
        assert client.call("GET", "k") == b"$1\r\nv\r\n"


def test_shutdown_nosave_saves_nothing(start_server, tmp_path):
    proc = start_server(dir=str(tmp_path), save="3600 1")
    with RawClient(proc.port) as client:
        client.call("SET", "k", "v")
    shutdown(proc.port, "NOSAVE")
    proc.proc.wait(10)
    assert not (tmp_path / "dump.rdb").exists()


def test_shutdown_save_saves_without_save_points(start_server, tmp_path):
    proc = start_server(dir=str(tmp_path))
    with RawClient(proc.port) as client:
        client.call("SET", "k", "v")
    shutdown(proc.port, "SAVE")
    proc.proc.wait(10)
    assert (tmp_path / "dump.rdb").exists()


def test_sigterm_saves_when_there_are_save_points(start_server, tmp_path):
    proc = start_server(dir=str(tmp_path), save="3600 1")
    with RawClient(proc.port) as client:
        client.call("SET", "k", "v")
    assert proc.stop(signal.SIGTERM) == 0
    assert (tmp_path / "dump.rdb").exists()
