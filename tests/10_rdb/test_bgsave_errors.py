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


def test_a_write_queued_after_the_failure_dooms_the_transaction(failing):
    _, client = failing
    assert client.call("MULTI") == b"+OK\r\n"
    assert client.call("SET", "k", "w") == MISCONF
    assert client.call("GET", "k") == b"+QUEUED\r\n"
    assert client.call("EXEC") == (
        b"-EXECABORT Transaction discarded because of previous errors.\r\n")


def test_exec_that_would_write_is_refused_with_misconf(failing):
    """The write was queued before writes were refused: EXEC counts as a
    write (processCommand() reads the queue's flags) and is aborted."""
    proc, client = failing
    client.call("CONFIG", "SET", "stop-writes-on-bgsave-error", "no")
    with RawClient(proc.port) as other:
        assert other.call("MULTI") == b"+OK\r\n"
        assert other.call("SET", "k", "w") == b"+QUEUED\r\n"
        client.call("CONFIG", "SET", "stop-writes-on-bgsave-error", "yes")
        assert other.call("EXEC") == (
            b"-EXECABORT Transaction discarded because of: " + MISCONF[1:])
        assert other.call("GET", "k") == b"$1\r\nv\r\n"  # out of MULTI


def test_exec_of_reads_only_runs_after_the_failure(failing):
    _, client = failing
    assert client.call("MULTI") == b"+OK\r\n"
    assert client.call("GET", "k") == b"+QUEUED\r\n"
    assert client.call("EXEC") == b"*1\r\n$1\r\nv\r\n"


def test_a_full_disk_fails_save_and_keeps_the_previous_file(start_server,
                                                             tmp_path):
    """ENOSPC, simulated: SAVE writes temp-<pid>.rdb, the server's own
    pid, and that name is made a link to /dev/full, where every write
    fails with "No space left on device"."""
    proc = start_server(dir=str(tmp_path))
    temp = tmp_path / f"temp-{proc.pid}.rdb"
    with RawClient(proc.port) as client:
        client.call("SET", "k", "v")
        assert client.call("SAVE") == b"+OK\r\n"
        previous = (tmp_path / "dump.rdb").read_bytes()
        client.call("SET", "k", "w" * 100_000)
        temp.symlink_to("/dev/full")
        assert client.call("SAVE") == b"-ERR\r\n"
        assert info(client, "persistence")[
            "rdb_changes_since_last_save"] == "1"
    assert (tmp_path / "dump.rdb").read_bytes() == previous
    assert not temp.is_symlink()  # the temp file is removed, not left
    log = proc.log_text()
    assert "Write error saving DB on disk" in log
    assert "No space left on device" in log
