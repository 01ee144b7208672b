"""A BGSAVE that fails: Redis's MISCONF error then refuses writes (and
PING) while there are save points and stop-writes-on-bgsave-error is on.
The failure: the server's directory is removed under it, so the child
cannot create its temp file, whoever runs the tests (root included)."""

import pytest
from support.persistence import info, wait_for_bgsave_end
from support.wire import RawClient

MISCONF = (
    b"-MISCONF Redis is configured to save RDB snapshots, but it's "
    b"currently unable to persist to disk. Commands that may modify the "
    b"data set are disabled, because this instance is configured to "
    b"report errors during writes if RDB snapshotting fails "
    b"(stop-writes-on-bgsave-error option). Please check the Redis logs "
    b"for details about the RDB error.\r\n")


@pytest.fixture
def failing(start_server, tmp_path):
    """A server with a save point whose directory is gone, after one
    failed BGSAVE. No save point is left at the end, so it can stop."""
    directory = tmp_path / "gone"
    directory.mkdir()
    proc = start_server(dir=str(directory), save="3600 1")
    with RawClient(proc.port) as client:
        client.call("SET", "k", "v")
        directory.rmdir()
        assert client.call("BGSAVE") == b"+Background saving started\r\n"
        assert wait_for_bgsave_end(client)["rdb_last_bgsave_status"] == "err"
        yield proc, client
        client.call("CONFIG", "SET", "save", "")


@pytest.mark.exercise("10-check-children-done")
def test_a_failed_bgsave_is_logged(failing):
    proc, _ = failing
    log = proc.log_text()
    assert "Failed opening the temp RDB file" in log
    assert "Background saving error" in log


def test_writes_and_ping_get_misconf_after_a_failed_bgsave(failing):
    _, client = failing
    assert client.call("SET", "k", "w") == MISCONF
    assert client.call("DEL", "k") == MISCONF
    assert client.call("PING") == MISCONF
    assert client.call("GET", "k") == b"$1\r\nv\r\n"  # reads still work
    assert info(client, "errorstats")["errorstat_MISCONF"] == "count=3"


def test_stop_writes_on_bgsave_error_no_lets_writes_through(failing):
    _, client = failing
    client.call("CONFIG", "SET", "stop-writes-on-bgsave-error", "no")
    assert client.call("SET", "k", "w") == b"+OK\r\n"


def test_without_save_points_a_failed_bgsave_refuses_nothing(failing):
    _, client = failing
    client.call("CONFIG", "SET", "save", "")
    assert client.call("SET", "k", "w") == b"+OK\r\n"
    assert client.call("PING") == b"+PONG\r\n"


def test_a_failed_save_replies_err(failing):
    _, client = failing
    assert client.call("SAVE") == b"-ERR\r\n"
