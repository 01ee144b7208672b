"""SAVE, BGSAVE and LASTSAVE: replies, errors, the file they write, and a
server that keeps serving while its child saves. Each test starts a
server of its own in a temporary directory (--dir)."""

import os
import signal
import time

import pytest
from support.persistence import (
    child_pid,
    fill,
    info,
    temp_files,
    wait_for_bgsave_end,
)
from support.servers import wait_until
from support.wire import RawClient

ALREADY = b"-ERR Background save already in progress\r\n"


@pytest.fixture
def saver(start_server, tmp_path):
    """A server writing to tmp_path, without save points, and a client."""
    proc = start_server(dir=str(tmp_path))
    with RawClient(proc.port) as client:
        yield proc, client


@pytest.mark.exercise("10-rdb-save-len")
def test_save_replies_ok_and_writes_the_dump_file(saver, tmp_path):
    _, client = saver
    client.call("SET", "k", "v")
    assert client.call("SAVE") == b"+OK\r\n"
    assert (tmp_path / "dump.rdb").read_bytes().startswith(b"REDIS")
    assert info(client)["rdb_changes_since_last_save"] == "0"
    assert temp_files(tmp_path) == []


@pytest.mark.exercise("10-check-children-done")
def test_bgsave_replies_started_and_the_child_writes_the_file(saver,
                                                              tmp_path):
    proc, client = saver
    client.call("SET", "k", "v")
    assert client.call("BGSAVE") == b"+Background saving started\r\n"
    fields = wait_for_bgsave_end(client)
    assert fields["rdb_last_bgsave_status"] == "ok"
    assert (tmp_path / "dump.rdb").exists()
    assert temp_files(tmp_path) == []
    log = proc.log_text()
    assert "Background saving started by pid" in log
    assert "DB saved on disk" in log
    wait_until(lambda: "Background saving terminated with success"
               in proc.log_text(), 10)


def test_bgsave_schedule_starts_at_once_when_no_child_runs(saver):
    _, client = saver
    assert client.call("BGSAVE", "SCHEDULE") == \
        b"+Background saving started\r\n"
    wait_for_bgsave_end(client)


def test_bgsave_with_another_argument_is_a_syntax_error(saver):
    _, client = saver
    assert client.call("BGSAVE", "NOW") == b"-ERR syntax error\r\n"
    assert client.call("BGSAVE", "SCHEDULE", "X") == b"-ERR syntax error\r\n"


def test_save_and_bgsave_are_refused_while_a_bgsave_runs(saver):
    _, client = saver
    fill(client, 50)
    client.call("CONFIG", "SET", "rdb-key-save-delay", "20000")  # 1 s
    assert client.call("BGSAVE") == b"+Background saving started\r\n"
    assert client.call("BGSAVE") == ALREADY
    assert client.call("BGSAVE", "SCHEDULE") == ALREADY
    assert client.call("SAVE") == ALREADY
    assert info(client)["rdb_bgsave_in_progress"] == "1"
    assert wait_for_bgsave_end(client)["rdb_last_bgsave_status"] == "ok"


def test_lastsave_is_the_time_of_the_last_successful_save(saver):
    _, client = saver
    started = int(client.call("LASTSAVE")[1:-2])
    assert abs(started - time.time()) < 60  # start-up counts as a save
    # time() in C reads a coarse clock that may lag ours by a tick
    wait_until(lambda: time.time() >= started + 1.1, 3)
    client.call("SAVE")
    saved = int(client.call("LASTSAVE")[1:-2])
    assert saved > started
    assert info(client)["rdb_last_save_time"] == str(saved)


def test_clients_are_served_while_the_child_saves_a_snapshot(
        start_server, saver, tmp_path):
    proc, client = saver
    fill(client, 50)
    client.call("CONFIG", "SET", "rdb-key-save-delay", "20000")  # 1 s
    assert client.call("BGSAVE") == b"+Background saving started\r\n"
    writes = 0
    with RawClient(proc.port) as writer:
        while info(client)["rdb_bgsave_in_progress"] == "1":
            t0 = time.monotonic()
            assert writer.call("SET", f"key:{writes}", "changed") == \
                b"+OK\r\n"
            assert writer.call("SET", f"new:{writes}", "x") == b"+OK\r\n"
            assert time.monotonic() - t0 < 0.5  # served, not blocked
            writes += 1
    assert writes > 3
    assert info(client)["rdb_changes_since_last_save"] == str(2 * writes)
    snapshot = tmp_path / "snapshot"
    snapshot.mkdir()
    os.replace(tmp_path / "dump.rdb", snapshot / "dump.rdb")
    reloaded = start_server(dir=str(snapshot))
    with RawClient(reloaded.port) as check:
        assert check.call("DBSIZE") == b":50\r\n"  # none of the new keys
        assert check.call("GET", "key:0") == b"$7\r\nvalue:0\r\n"


@pytest.mark.exercise("10-check-children-done")
def test_the_child_logs_and_reports_its_copy_on_write(saver):
    proc, client = saver
    fill(client, 1000)
    client.call("BGSAVE")
    pid = child_pid(proc)
    assert pid != proc.pid
    fields = wait_for_bgsave_end(client)
    assert int(fields["rdb_last_cow_size"]) >= 0
    assert int(fields["rdb_last_bgsave_time_sec"]) >= 0
    assert fields["rdb_saves"] == "1"


@pytest.mark.exercise("10-check-children-done")
def test_flushall_stops_a_running_bgsave_and_that_is_no_error(saver,
                                                              tmp_path):
    proc, client = saver
    fill(client, 50)
    client.call("CONFIG", "SET", "rdb-key-save-delay", "100000")  # 5 s
    mark = proc.log_size()
    assert client.call("BGSAVE") == b"+Background saving started\r\n"
    child_pid(proc, mark)
    wait_until(lambda: temp_files(tmp_path), 10)  # it is writing
    assert client.call("FLUSHALL") == b"+OK\r\n"
    assert wait_for_bgsave_end(client)["rdb_last_bgsave_status"] == "ok"
    assert (f"Background saving terminated by signal {signal.SIGUSR1:d}"
            in proc.log_text(mark))
    assert temp_files(tmp_path) == []
    assert not (tmp_path / "dump.rdb").exists()  # no save points
