"""What a server wrote to its append-only file, for step 11's tests of
propagation: a server with appendonly yes and the commands of its last
incr file, and a stand-in for an absolute time in ms that a test can
only know to within a second (PXAT, PEXPIREAT)."""

from __future__ import annotations

import time
from pathlib import Path

from support.aof import aof_commands
from support.aof_files import incr_file
from support.servers import ServerProcess
from support.wire import RawClient

Command = list[bytes]


def written(directory: Path) -> list[Command]:
    """Every command of the last incr file the manifest names."""
    return aof_commands(incr_file(directory).read_bytes())


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
