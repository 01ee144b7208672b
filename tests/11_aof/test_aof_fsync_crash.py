"""The three fsync policies, seen from outside with strace, and what a
crash of the process loses: nothing acknowledged, under any policy.

A reply goes out only after its write(2) to the incr file, so a process
killed with -9 loses nothing it acknowledged: the kernel has the bytes.
What the policies change is what a crash of the whole machine loses,
which is what reaches the disk when: under always, fdatasync() before the
reply; under everysec, once a second, in a background thread; under no,
never by the server. The incr file left by kill -9 is decoded, and loaded
by redis-server 7.0.15 from a copy of the directory, and by the server
itself, restarted.
"""

import re
import signal
import time

import pytest
from support.aof import (
    Strace,
    aof_commands,
    aof_fd,
    copy_dir,
    read_incr,
    ready,
    real_redis_on,
)
from support.servers import wait_until
from support.wire import RawClient

COUNT = 200


@pytest.mark.parametrize("policy", ["always", "everysec", "no"])
def test_kill_9_after_acknowledged_writes_loses_none(start_server, tmp_path,
                                                     policy):
    data = tmp_path / "data"
    data.mkdir()
    proc = ready(start_server(dir=str(data), appendonly="yes",
                              appendfsync=policy))
    with RawClient(proc.port) as client:
        for i in range(COUNT):
            assert client.call("SET", f"key:{i}", f"value:{i}") == \
                b"+OK\r\n"
    proc.stop(signal.SIGKILL)
    logged = aof_commands(read_incr(data))
    sets = [cmd for cmd in logged if cmd[0] == b"SET"]
    assert sets == [[b"SET", b"key:%d" % i, b"value:%d" % i]
                    for i in range(COUNT)]
    copy = copy_dir(data, tmp_path / "copy")
    with (real_redis_on(copy, appendonly="yes") as real,
          RawClient(ready(real).port) as client):
        assert client.call("DBSIZE") == b":%d\r\n" % COUNT
        assert client.call("GET", f"key:{COUNT - 1}") == \
            b"$9\r\nvalue:%d\r\n" % (COUNT - 1)
    again = ready(start_server(dir=str(data), appendonly="yes"))
    with RawClient(again.port) as client:
        assert client.call("DBSIZE") == b":%d\r\n" % COUNT


SYSCALL = re.compile(r"^(\d+)\s+(\w+)\((\d+)(.*)$")


def syscalls(lines: list[str]) -> list[tuple[int, str, int, str]]:
    """(thread id, name, fd, the rest) for each call that started."""
    return [(int(m[1]), m[2], int(m[3]), m[4])
            for m in map(SYSCALL.match, lines) if m]


def traced(proc, tmp_path, work) -> tuple[list, int]:
    """Run work(client) with strace on the server; its calls and the
    incr file's descriptor."""
    fd = aof_fd(proc.pid, tmp_path)
    with RawClient(proc.port) as client:
        strace = Strace(proc.pid, tmp_path / "strace.txt")
        try:
            work(client)
        finally:
            lines = strace.stop()
    return syscalls(lines), fd


def wait_for_reply_in_trace(strace_file, reply: str) -> None:
    wait_until(lambda: reply in strace_file.read_text(), 10)


@pytest.mark.parametrize("how", ["flag", "config set"])
def test_under_always_the_fsync_comes_before_the_reply(start_server,
                                                       tmp_path, how):
    flag = "always" if how == "flag" else "everysec"
    proc = ready(start_server(dir=str(tmp_path), appendonly="yes",
                              appendfsync=flag))
    if how == "config set":
        with RawClient(proc.port) as client:
            assert client.call("CONFIG", "SET", "appendfsync",
                               "always") == b"+OK\r\n"

    def work(client):
        assert client.call("SET", "durable", "yes") == b"+OK\r\n"
        wait_for_reply_in_trace(tmp_path / "strace.txt", "+OK")

    calls, fd = traced(proc, tmp_path, work)
    order = [(name, rest) for tid, name, cfd, rest in calls
             if tid == proc.pid and (cfd == fd or "+OK" in rest)]
    names = [name for name, _ in order]
    assert names[:2] == ["write", "fdatasync"], order
    assert "durable" in order[0][1]
    assert "+OK" in order[2][1], order  # the reply, only then


def test_under_everysec_a_background_thread_fsyncs_about_once_a_second(
        start_server, tmp_path):
    proc = ready(start_server(dir=str(tmp_path), appendonly="yes",
                              appendfsync="everysec"))
    started = time.monotonic()

    def work(client):
        # Writes for about 2.5 seconds, then until a fsync follows them.
        i = 0
        while time.monotonic() - started < 2.5:
            client.call("SET", "k", i)
            i += 1
        wait_until(lambda: "fdatasync" in (tmp_path / "strace.txt")
                   .read_text(), 5, message="no fsync within 5 s")

    calls, fd = traced(proc, tmp_path, work)
    elapsed = time.monotonic() - started
    fsyncs = [tid for tid, name, cfd, _ in calls
              if name in ("fsync", "fdatasync") and cfd == fd]
    assert fsyncs, "no fsync of the incr file"
    assert proc.pid not in fsyncs  # never in the event loop's thread
    assert len(fsyncs) <= elapsed + 1


def test_under_no_the_server_never_fsyncs(start_server, tmp_path):
    proc = ready(start_server(dir=str(tmp_path), appendonly="yes",
                              appendfsync="no"))
    started = time.monotonic()

    def work(client):
        i = 0
        while time.monotonic() - started < 2.5:  # past two cron seconds
            client.call("SET", "k", i)
            i += 1

    calls, fd = traced(proc, tmp_path, work)
    assert [name for _, name, cfd, _ in calls if cfd == fd
            and name in ("fsync", "fdatasync")] == []
    assert any(name == "write" and cfd == fd for _, name, cfd, _ in calls)


@pytest.mark.parametrize("stop", ["SHUTDOWN", "SIGTERM"])
def test_stopping_writes_and_fsyncs_the_file_even_under_no(
        start_server, tmp_path, stop):
    proc = ready(start_server(dir=str(tmp_path), appendonly="yes",
                              appendfsync="no"))

    def work(client):
        assert client.call("SET", "k", "v") == b"+OK\r\n"
        if stop == "SHUTDOWN":
            client.send(b"SHUTDOWN\r\n")
        else:
            proc.proc.send_signal(signal.SIGTERM)
        assert proc.proc.wait(10) == 0

    calls, fd = traced(proc, tmp_path, work)
    assert [name for _, name, cfd, _ in calls if cfd == fd][-1:] == [
        "fdatasync"]
    assert "Calling fsync() on the AOF file." in proc.log_text()
    assert aof_commands(read_incr(tmp_path))[-1] == [b"SET", b"k", b"v"]
