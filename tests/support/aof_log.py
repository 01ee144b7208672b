"""Reading what a server wrote to its append-only file, for step 11's
tests of propagation: the commands of the last incr file the manifest
names, parsed from RESP, and a stand-in for an absolute time in ms that
the test can only know to within a second (PXAT, PEXPIREAT)."""

from __future__ import annotations

import time
from pathlib import Path

from support.servers import ServerProcess
from support.wire import RawClient

Command = list[bytes]


def parse_commands(data: bytes) -> list[Command]:
    """The commands in an AOF's RESP: arrays of bulk strings. An
    incomplete command at the end (a write under way) is left out."""
    commands, pos = [], 0
    while pos < len(data):
        parsed = parse_command(data, pos)
        if parsed is None:
            break
        command, pos = parsed
        commands.append(command)
    return commands


def parse_command(data: bytes, pos: int) -> tuple[Command, int] | None:
    assert data[pos:pos + 1] == b"*", data[pos:pos + 40]
    end = data.find(b"\r\n", pos)
    if end < 0:
        return None
    count = int(data[pos + 1:end])
    argv = []
    pos = end + 2
    for _ in range(count):
        end = data.find(b"\r\n", pos)
        if end < 0:
            return None
        length = int(data[pos + 1:end])
        pos = end + 2
        if len(data) < pos + length + 2:
            return None
        argv.append(data[pos:pos + length])
        pos += length + 2
    return argv, pos


def last_incr_file(directory: Path) -> Path:
    """The incr file the server appends to: the last one in the
    manifest (appendonlydir/appendonly.aof.manifest)."""
    aofdir = directory / "appendonlydir"
    manifest = (aofdir / "appendonly.aof.manifest").read_text()
    names = [line.split()[1] for line in manifest.splitlines()
             if line.split()[-2:] == ["type", "i"]]
    return aofdir / names[-1]


def written(directory: Path) -> list[Command]:
    """Every command of the last incr file."""
    return parse_commands(last_incr_file(directory).read_bytes())


class At:
    """An absolute Unix time in ms, `ms_from_now` from when it was made,
    that equals its decimal bytes give or take a second: what a TTL
    given as EX or PX becomes in the file."""

    def __init__(self, ms_from_now: int) -> None:
        self.expected = time.time_ns() // 1_000_000 + ms_from_now

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, bytes) and other.isdigit()
                and abs(int(other) - self.expected) <= 1000)

    def __repr__(self) -> str:
        return f"<about {self.expected}>"


class AofServer:
    """A server started with appendonly yes in a directory of its own,
    a raw client to it, and what it wrote."""

    def __init__(self, proc: ServerProcess, directory: Path) -> None:
        self.proc = proc
        self.directory = directory
        self.client = RawClient(proc.port)
        self.opened = [self.client]

    def call(self, *args: bytes | str | int) -> bytes:
        return self.client.call(*args)

    def connect(self) -> RawClient:
        client = RawClient(self.proc.port)
        self.opened.append(client)
        return client

    def written(self) -> list[Command]:
        return written(self.directory)

    def close(self) -> None:
        for client in self.opened:
            client.close()


def commands(*lines: str) -> list[Command]:
    """["SELECT 0", "SET k v"] as the argv lists parse_commands() gives
    (for arguments without spaces)."""
    return [[arg.encode() for arg in line.split()] for line in lines]
