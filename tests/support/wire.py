"""Byte-level clients for the tests: raw sockets, whole replies, redis-cli.

The reply framing here is written independently of the steps' resp.py, so a
bug in our encoder cannot hide behind the same bug in the tests.
"""

from __future__ import annotations

import shutil
import socket
import struct
import subprocess
import time


def command(*args: bytes | str | int) -> bytes:
    """Encode one request as a RESP multibulk array."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


def reply_end(buf: bytes, pos: int = 0) -> int | None:
    """Return the offset just past the reply starting at `pos`, or None if incomplete."""
    line_end = buf.find(b"\r\n", pos)
    if line_end < 0:
        return None
    kind, head, after = buf[pos:pos + 1], buf[pos + 1:line_end], line_end + 2
    if kind in b"+-:_,#(":
        return after
    if kind in b"$=!":
        length = int(head)
        if length < 0:
            return after
        return after + length + 2 if len(buf) >= after + length + 2 else None
    if kind in b"*~%>|":
        count = int(head)
        if count < 0:
            return after
        if kind in b"%|":
            count *= 2
        for _ in range(count):
            after = reply_end(buf, after)
            if after is None:
                return None
        return after
    raise ValueError(f"not a RESP reply: {buf[pos:pos + 40]!r}")


def decode(reply: bytes):
    """Turn one raw reply into Python values: bytes, int, list, dict, None.

    Statuses become str, errors an Error, sets a list (order kept), doubles a float.
    """
    value, end = _decode(reply, 0)
    if end != len(reply):
        raise ValueError(f"trailing bytes after the reply: {reply[end:]!r}")
    return value


class Error(str):
    """An error reply, e.g. Error('ERR syntax error')."""


def _decode(buf: bytes, pos: int):
    line_end = buf.index(b"\r\n", pos)
    kind, head, after = buf[pos:pos + 1], buf[pos + 1:line_end], line_end + 2
    if kind == b"+":
        return head.decode(), after
    if kind == b"-":
        return Error(head.decode(errors="replace")), after
    if kind == b":":
        return int(head), after
    if kind == b",":
        return float(head), after
    if kind == b"_":
        return None, after
    if kind == b"#":
        return head == b"t", after
    if kind in b"$=":
        length = int(head)
        if length < 0:
            return None, after
        return buf[after:after + length], after + length + 2
    count = int(head)
    if count < 0:
        return None, after
    items = []
    for _ in range(count * 2 if kind == b"%" else count):
        item, after = _decode(buf, after)
        items.append(item)
    if kind == b"%":
        return dict(zip(items[::2], items[1::2])), after
    return items, after


class RawClient:
    """A plain TCP connection that sends bytes and reads whole RESP replies."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"server closed the connection; unread bytes: {self.buf!r}")
        self.buf += chunk

    def read_reply(self) -> bytes:
        """Return the raw bytes of exactly one reply."""
        while (end := reply_end(self.buf)) is None:
            self._fill()
        reply, self.buf = self.buf[:end], self.buf[end:]
        return reply

    def read_replies(self, count: int) -> list[bytes]:
        return [self.read_reply() for _ in range(count)]

    def request(self, data: bytes) -> bytes:
        """Send `data` (one request) and return its reply."""
        self.send(data)
        return self.read_reply()

    def call(self, *args: bytes | str | int) -> bytes:
        """Send one command as multibulk and return its raw reply."""
        return self.request(command(*args))

    def read_exactly(self, n: int) -> bytes:
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read_until_closed(self, timeout: float = 10.0) -> bytes:
        """Read everything the server sends until it closes the connection."""
        self.sock.settimeout(timeout)
        data, self.buf = self.buf, b""
        while True:
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                return data
            if not chunk:
                return data
            data += chunk

    def nothing_within(self, seconds: float) -> bool:
        """True if the server sends nothing (and keeps the connection open) for `seconds`."""
        if self.buf:
            return False
        self.sock.settimeout(seconds)
        try:
            chunk = self.sock.recv(1)
        except TimeoutError:
            return True
        finally:
            self.sock.settimeout(10.0)
        self.buf += chunk
        return False

    def close(self) -> None:
        self.sock.close()

    def abort(self) -> None:
        """Close with a TCP reset instead of a FIN, as a crashed client does."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def __enter__(self) -> RawClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def connect_when_possible(port: int, timeout: float = 10.0) -> RawClient:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return RawClient(port)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def redis_cli(port: int, *args: str, input: str | None = None,
              timeout: float = 20.0) -> subprocess.CompletedProcess:
    """Run redis-cli one-shot against `port`; return the finished process."""
    binary = shutil.which("redis-cli")
    if not binary:
        raise RuntimeError("redis-cli is not installed: run `make test` (it installs redis-tools)")
    return subprocess.run(
        [binary, "-p", str(port), *args], input=input, capture_output=True,
        text=True, timeout=timeout,
    )
