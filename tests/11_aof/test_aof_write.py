"""What a write leaves in the incr file: the command as RESP, a SELECT when
the database changes, byte for byte as redis-server 7.0.15 writes it, in
the file before the reply arrives; reads leave nothing. A write the disk
refuses makes the server refuse writes (MISCONF), or, under appendfsync
always, stop. redis-check-aof accepts what is written."""

import logging
import os
import shutil
import socket
import subprocess
import types

import pytest
from support.aof import (
    AOF_DIR,
    BASE,
    INCR,
    MANIFEST,
    aof_commands,
    read_incr,
    ready,
    real_redis_on,
)
from support.persistence import info
from support.servers import wait_until
from support.wire import RawClient

FLUSH = pytest.mark.exercise("11-flush-append-only-file")

WRITES = [("SET", "a", "1"), ("DEL", "a", "b"), ("SELECT", "3"),
          ("SET", "x", "y"), ("SELECT", "0"), ("SET", "k", "v")]
LOGGED = (b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
          b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
          b"*3\r\n$3\r\nDEL\r\n$1\r\na\r\n$1\r\nb\r\n"
          b"*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n"
          b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\ny\r\n"
          b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
          b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n")


# The tests that read the file right after a reply run under appendfsync
# always. Under everysec a write that meets the last second's background
# fsync is postponed (flushAppendOnlyFile()), so a reply can come before
# its bytes are in the file; the everysec test below waits for them.
WRITE_BEFORE_REPLY = {"appendonly": "yes", "appendfsync": "always"}


def run(port: int, commands) -> list[bytes]:
    with RawClient(port) as client:
        return [client.call(*command) for command in commands]


@FLUSH
def test_writes_and_database_switches_are_logged_as_redis_logs_them(
        start_server, tmp_path):
    proc = ready(start_server(dir=str(tmp_path), **WRITE_BEFORE_REPLY))
    run(proc.port, WRITES)
    assert read_incr(tmp_path) == LOGGED


@FLUSH
def test_the_incr_file_is_the_one_redis_writes_for_the_same_commands(
        start_server, tmp_path):
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    ours.mkdir()
    theirs.mkdir()
    commands = WRITES + [("SET", "bin", b"a\r\n\x00b"), ("SELECT", "15"),
                         ("DEL", "nothing"), ("SET", "z", "1")]
    proc = ready(start_server(dir=str(ours), **WRITE_BEFORE_REPLY))
    our_replies = run(proc.port, commands)
    with real_redis_on(theirs, **WRITE_BEFORE_REPLY) as real:
        assert run(ready(real).port, commands) == our_replies
    assert read_incr(ours) == read_incr(theirs)


@FLUSH
@pytest.mark.parametrize("policy", ["always", "no"])
def test_a_write_is_in_the_file_before_its_reply_arrives(
        start_server, tmp_path, policy):
    proc = ready(start_server(dir=str(tmp_path), appendonly="yes",
                              appendfsync=policy))
    with RawClient(proc.port) as client:
        for i in range(20):
            assert client.call("SET", f"key:{i}", i) == b"+OK\r\n"
            assert aof_commands(read_incr(tmp_path))[-1] == [
                b"SET", b"key:%d" % i, b"%d" % i]


# Under everysec Redis postpones the write while the background fsync of
# the last second still runs, for up to two seconds (flushAppendOnlyFile):
# on a busy disk a reply may go out before its write.
def test_under_everysec_a_write_reaches_the_file_within_two_seconds(
        start_server, tmp_path):
    proc = ready(start_server(dir=str(tmp_path), appendonly="yes",
                              appendfsync="everysec"))
    with RawClient(proc.port) as client:
        for i in range(20):
            assert client.call("SET", f"key:{i}", i) == b"+OK\r\n"
            wait_until(lambda i=i: aof_commands(read_incr(tmp_path))[-1] == [
                b"SET", b"key:%d" % i, b"%d" % i], 3,
                message="the write is not in the file")


@FLUSH
def test_reads_leave_nothing_in_the_file(start_server, tmp_path):
    proc = ready(start_server(dir=str(tmp_path), **WRITE_BEFORE_REPLY))
    run(proc.port, [("SET", "k", "v")])
    before = read_incr(tmp_path)
    replies = run(proc.port, [("GET", "k"), ("EXISTS", "k"), ("TYPE", "k"),
                              ("SELECT", "2"), ("DBSIZE",), ("PING",)])
    assert replies[0] == b"$1\r\nv\r\n"
    assert read_incr(tmp_path) == before


@FLUSH
def test_with_timestamps_a_ts_line_comes_before_the_first_write(
        start_server, tmp_path):
    proc = ready(start_server(dir=str(tmp_path), **WRITE_BEFORE_REPLY,
                              aof_timestamp_enabled="yes"))
    run(proc.port, [("SET", "k", "v")])
    data = read_incr(tmp_path)
    assert data.startswith(b"#TS:")
    line, rest = data.split(b"\r\n", 1)
    assert line[4:].isdigit()
    assert rest == b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n" \
        b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"


def check_aof(path) -> subprocess.CompletedProcess:
    binary = shutil.which("redis-check-aof")
    assert binary, "redis-check-aof is not installed"
    return subprocess.run([binary, str(path)], capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize("timestamps", ["no", "yes"])
def test_redis_check_aof_accepts_the_directory_and_the_incr_file(
        start_server, tmp_path, timestamps):
    proc = ready(start_server(dir=str(tmp_path), appendonly="yes",
                              aof_timestamp_enabled=timestamps))
    run(proc.port, WRITES + [("SET", "bin", b"\r\n\x00")])
    proc.stop()
    whole = check_aof(tmp_path / AOF_DIR / MANIFEST)
    assert whole.returncode == 0, whole.stdout
    assert "All AOF files and manifest are valid" in whole.stdout
    incr = check_aof(tmp_path / AOF_DIR / INCR)
    assert incr.returncode == 0, incr.stdout
    assert f"AOF {tmp_path / AOF_DIR / INCR} is valid" in incr.stdout


def incr_file_on_a_full_disk(start_server, tmp_path, **config):
    """A server whose next incr file is /dev/full: every write(2) to it
    fails with ENOSPC. Its first start makes the base file; the second
    finds a manifest with the base only, so it opens a new incr file,
    and that name is a link to /dev/full."""
    ready(start_server(dir=str(tmp_path), appendonly="yes")).stop()
    aof_dir = tmp_path / AOF_DIR
    (aof_dir / MANIFEST).write_bytes(b"file %s seq 1 type b\n"
                                     % BASE.encode())
    (aof_dir / INCR).unlink()
    os.symlink("/dev/full", aof_dir / INCR)
    return ready(start_server(dir=str(tmp_path), appendonly="yes",
                              **config))


MISCONF_AOF = (b"-MISCONF Errors writing to the AOF file: No space left on "
               b"device\r\n")


@pytest.mark.exercise("11-flush-append-only-file")
def test_after_a_failed_write_writes_and_ping_are_refused_reads_are_not(
        start_server, tmp_path):
    proc = incr_file_on_a_full_disk(start_server, tmp_path)
    with RawClient(proc.port) as client:
        # The reply was computed before the write failed: it goes out.
        assert client.call("SET", "k", "v") == b"+OK\r\n"
        assert client.call("SET", "k", "w") == MISCONF_AOF
        assert client.call("PING") == MISCONF_AOF
        assert client.call("GET", "k") == b"$1\r\nv\r\n"
        assert info(client)["aof_last_write_status"] == "err"
    assert ("Error writing to the AOF file: No space left on device"
            in proc.log_text())


@pytest.mark.exercise("11-flush-append-only-file")
def test_under_always_a_failed_write_stops_the_server(start_server,
                                                      tmp_path):
    proc = incr_file_on_a_full_disk(start_server, tmp_path,
                                    appendfsync="always")
    with RawClient(proc.port) as client:
        client.send(b"SET k v\r\n")
        assert client.read_until_closed() == b""  # no reply, ever
    assert proc.proc.wait(10) == 1
    assert ("Can't recover from AOF write error when the AOF fsync policy "
            "is 'always'. Exiting...") in proc.log_text()


# Our own internals: the write barrier, and the postponed write of
# everysec, which no black-box test can time.

@pytest.mark.internal
@pytest.mark.parametrize("aof_state,policy,barrier", [
    (1, "always", True), (1, "everysec", False), (0, "always", False)])
def test_the_write_handler_gets_a_barrier_only_under_appendfsync_always(
        step_module, aof_state, policy, barrier):
    server_py, ae, networking = (step_module("server"), step_module("ae"),
                                 step_module("networking"))
    config = step_module("config")
    server = server_py.Server(aof_state=aof_state,
                              aof_fsync=config.APPENDFSYNC_ENUM[policy])
    server.el = ae.ae_create_event_loop()
    ours, theirs = socket.socketpair()
    with ours, theirs:
        client = types.SimpleNamespace(server=server, fd=ours.fileno())
        networking.install_client_write_handler(client)
        mask = ae.get_file_events(server.el, ours.fileno())
        assert mask & ae.AE_WRITABLE
        assert bool(mask & ae.AE_BARRIER) == barrier


@pytest.fixture
def everysec_server(step_module, tmp_path):
    """A Server whose incr file is open, under everysec, and whose fsync
    thread seems busy: a job is pending, and no thread will ever run it."""
    server_py, aof, bio = (step_module("server"), step_module("aof"),
                           step_module("bio"))
    server = server_py.Server(aof_state=aof.AOF_ON,
                              aof_fsync=aof.AOF_FSYNC_EVERYSEC)
    server.bio = [bio.BioWorker(t) for t in range(bio.BIO_NUM_OPS)]
    server.bio[bio.BIO_AOF_FSYNC].pending = 1
    path = tmp_path / "incr.aof"
    server.aof_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    server.mstime = 1_000_000_000_000
    server.aof_last_fsync = 0  # a second is over since the last fsync
    yield server, aof, path
    os.close(server.aof_fd)


@pytest.mark.internal
@FLUSH
def test_everysec_postpones_a_write_behind_a_busy_fsync_for_two_seconds(
        everysec_server, caplog):
    caplog.set_level(logging.INFO)
    server, aof, path = everysec_server
    server.aof_buf += b"*1\r\n$4\r\nPING\r\n"
    aof.flush_append_only_file(server, False)
    assert path.read_bytes() == b""
    assert server.aof_flush_postponed_start == server.mstime // 1000
    server.mstime += 1000
    aof.flush_append_only_file(server, False)  # 1 s: still waiting
    assert path.read_bytes() == b""
    server.mstime += 1000
    aof.flush_append_only_file(server, False)  # 2 s: write anyway
    assert path.read_bytes() == b"*1\r\n$4\r\nPING\r\n"
    assert server.aof_delayed_fsync == 1
    assert "Asynchronous AOF fsync is taking too long" in caplog.text
    assert server.aof_flush_postponed_start == 0
    assert server.aof_buf == b""


@pytest.mark.internal
@FLUSH
def test_a_forced_flush_writes_behind_a_busy_fsync(everysec_server):
    server, aof, path = everysec_server
    server.aof_buf += b"*1\r\n$4\r\nPING\r\n"
    aof.flush_append_only_file(server, True)
    assert path.read_bytes() == b"*1\r\n$4\r\nPING\r\n"
    assert server.aof_delayed_fsync == 0
    assert server.aof_last_incr_size == len(path.read_bytes())
    # No second fsync is queued while one runs: it will be done later.
    assert server.aof_last_incr_fsync_offset == 0
    assert server.aof_last_fsync == server.mstime // 1000
