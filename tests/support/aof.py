"""Helpers for step 11's tests of the append-only file: its directory read
as names, manifest and commands; a real redis-server on a directory of
its own, whatever the target; strace on a server, to see its fsyncs."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

from support.servers import (
    REAL_REDIS_STEP,
    ServerProcess,
    Target,
    wait_until,
)
from support.wire import RawClient, decode, reply_end

REAL_REDIS = Target("redis", "redis", REAL_REDIS_STEP)
AOF_DIR = "appendonlydir"
MANIFEST = "appendonly.aof.manifest"
BASE = "appendonly.aof.1.base.rdb"
INCR = "appendonly.aof.1.incr.aof"


def aof_files(directory: Path, dirname: str = AOF_DIR) -> list[str]:
    """The names in the AOF directory, sorted."""
    return sorted(os.listdir(directory / dirname))


def read_manifest(directory: Path, dirname: str = AOF_DIR,
                  name: str = MANIFEST) -> bytes:
    return (directory / dirname / name).read_bytes()


def read_incr(directory: Path, name: str = INCR) -> bytes:
    return (directory / AOF_DIR / name).read_bytes()


def aof_commands(data: bytes) -> list[list[bytes]]:
    """The commands of an AOF in RESP, each a list of arguments; "#TS:"
    annotation lines are left out. Fails on a torn or foreign tail."""
    commands, pos = [], 0
    while pos < len(data):
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = reply_end(data, pos)
        assert end is not None, f"a torn command at offset {pos}"
        commands.append(decode(data[pos:end]))
        pos = end
    return commands


@contextlib.contextmanager
def real_redis_on(directory: Path, **config):
    """A real redis-server 7.0.15 with --dir `directory` and the config
    given (appendonly="yes" loads the AOF there), stopped at the end."""
    options = {"dir": str(directory),
               **{k.replace("_", "-"): v for k, v in config.items()}}
    proc = ServerProcess(REAL_REDIS, options).start()
    try:
        yield proc
    finally:
        proc.stop()


def copy_dir(directory: Path, copy: Path) -> Path:
    """A copy of a server's directory, for another server to load."""
    shutil.copytree(directory, copy)
    return copy


class Strace:
    """strace attached to a running server: the system calls that write
    and sync, with the thread that made each ("tid name(args) = ret")."""

    def __init__(self, pid: int, output: Path) -> None:
        binary = shutil.which("strace")
        assert binary, "strace is not installed (apt-get install strace)"
        self.output = output
        self.proc = subprocess.Popen(
            [binary, "-f", "-e", "signal=none",
             "-e", "trace=write,sendto,sendmsg,writev,fsync,fdatasync",
             "-s", "64", "-o", str(output), "-p", str(pid)],
            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        # Its first line on stderr: "strace: Process N attached..."
        first = self.proc.stderr.readline()
        assert "attached" in first, first

    def lines(self) -> list[str]:
        return self.output.read_text(errors="replace").splitlines()

    def stop(self) -> list[str]:
        self.proc.terminate()
        self.proc.wait(10)
        return self.lines()


def aof_fd(pid: int, directory: Path) -> int:
    """The descriptor the server appends to its incr file with."""
    incr = directory / AOF_DIR
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
            if target.startswith(str(incr)) and target.endswith(".incr.aof"):
                return int(fd)
    raise AssertionError(f"no incr file open in /proc/{pid}/fd")


def start_expecting_exit(target: Target, **config) -> tuple[int, str]:
    """Start a server that should stop at start-up: its exit status and
    its log. (Its port may already listen when it exits, as Redis's does,
    so a start that seems to succeed is waited on too.)"""
    proc = ServerProcess(target, {k.replace("_", "-"): v
                                  for k, v in config.items()})
    with contextlib.suppress(RuntimeError):
        proc.start()
    try:
        status = proc.proc.wait(15)
    finally:
        proc.stop()
    return status, proc.log_text()


def ready(proc: ServerProcess) -> ServerProcess:
    """Wait until the server serves: a server listens before it has
    loaded its data and opened its AOF (PING gets -LOADING meanwhile),
    as Redis does."""
    with RawClient(proc.port) as client:
        wait_until(lambda: client.call("PING") == b"+PONG\r\n", 30,
                   interval=0.02, message="the server never served")
    return proc
