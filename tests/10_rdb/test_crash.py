"""Crashes at awkward moments: the rename is the commit, so a child killed
mid-BGSAVE leaves the previous dump.rdb whole (and the parent removes the
child's temp file), and a parent killed with -9 restarts with the data of
its last completed save, no temp file left."""

import os
import signal

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


@pytest.mark.exercise("10-check-children-done")
def test_a_child_killed_mid_bgsave_leaves_the_previous_file_intact(
        start_server, tmp_path):
    proc = start_server(dir=str(tmp_path))
    with RawClient(proc.port) as client:
        client.call("SET", "old", "1")
        client.call("SAVE")
        before = (tmp_path / "dump.rdb").read_bytes()
        fill(client, 100)
        client.call("CONFIG", "SET", "rdb-key-save-delay", "100000")
        mark = proc.log_size()
        assert client.call("BGSAVE") == b"+Background saving started\r\n"
        pid = child_pid(proc, mark)
        wait_until(lambda: temp_files(tmp_path), 10)  # it is writing
        os.kill(pid, signal.SIGKILL)
        fields = wait_for_bgsave_end(client)
        assert fields["rdb_last_bgsave_status"] == "err"
        assert "Background saving terminated by signal 9" in proc.log_text()
        assert (tmp_path / "dump.rdb").read_bytes() == before
        assert temp_files(tmp_path) == []
        assert client.call("PING") == b"+PONG\r\n"  # no save points


def test_a_parent_killed_restarts_with_its_last_saved_data(start_server,
                                                            tmp_path):
    proc = start_server(dir=str(tmp_path))
    with RawClient(proc.port) as client:
        client.call("SET", "saved", "1")
        client.call("SAVE")
        client.call("SET", "unsaved", "1")
    proc.stop(signal.SIGKILL)
    again = start_server(dir=str(tmp_path))
    with RawClient(again.port) as client:
        assert client.call("GET", "saved") == b"$1\r\n1\r\n"
        assert client.call("EXISTS", "unsaved") == b":0\r\n"
        assert info(client)["rdb_changes_since_last_save"] == "0"
    assert temp_files(tmp_path) == []
    assert "DB loaded from disk" in again.log_text()
