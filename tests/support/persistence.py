"""Helpers for step 10's tests of persistence: servers with a directory of
their own, INFO persistence read as a dict, polling for a BGSAVE's end."""

from __future__ import annotations

import re
from pathlib import Path

from support.servers import ServerProcess, wait_until
from support.wire import RawClient, decode


def info(client: RawClient, section: str = "persistence") -> dict[str, str]:
    """One INFO section as {field: value}."""
    text = decode(client.call("INFO", section))
    text = text.decode() if isinstance(text, bytes) else str(text)
    return dict(line.split(":", 1) for line in text.splitlines()
                if line and not line.startswith("#"))


def wait_for_bgsave_end(client: RawClient, timeout: float = 30) -> dict:
    """Poll until no BGSAVE runs; return INFO persistence then."""
    return wait_until(
        lambda: (fields := info(client))["rdb_bgsave_in_progress"] == "0"
        and fields, timeout, interval=0.05, message="BGSAVE still running")


def child_pid(proc: ServerProcess, since: int = 0) -> int:
    """The pid of the BGSAVE child, from the log line that announces it."""
    found = wait_until(
        lambda: re.search(r"Background saving started by pid (\d+)",
                          proc.log_text(since)), 10,
        message="no 'Background saving started' in the log")
    return int(found.group(1))


def temp_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.glob("temp-*.rdb"))


def fill(client: RawClient, count: int, prefix: str = "key") -> None:
    """`count` string keys, in one pipelined MSET."""
    args = []
    for i in range(count):
        args += [f"{prefix}:{i}", f"value:{i}"]
    assert client.call("MSET", *args) == b"+OK\r\n"
