"""A small RESP2 client for the benchmarks, and pipelined bulk loading.

redis-benchmark measures commands; this module does what it cannot: load a
million keys quickly (many commands per send(), replies checked byte for
byte), ask which commands a server knows, and time single PINGs.
"""

from __future__ import annotations

import math
import socket
import time
from collections.abc import Iterable

from bench.servers import BenchError

CRLF = b"\r\n"


def encode(*args: bytes | str | int) -> bytes:
    """One command as a RESP multibulk request."""
    parts = [a if isinstance(a, bytes) else str(a).encode() for a in args]
    return b"*%d\r\n" % len(parts) + b"".join(
        b"$%d\r\n%b\r\n" % (len(p), p) for p in parts)


def keyed_requests(command: bytes, key_format: bytes, count: int, *args: bytes):
    """encode(command, key_format % i, *args) for i in range(count), fast.

    The keys all have one length (b"key:%012d"), so one %-template serves
    them all: ten times quicker than encode(), which matters when the load
    itself is timed (expiry).
    """
    def bulk(arg: bytes) -> bytes:
        return b"$%d\r\n%b\r\n" % (len(arg), arg.replace(b"%", b"%%"))

    size = len(key_format % 0)
    template = (b"*%d\r\n" % (len(args) + 2) + bulk(command)
                + b"$%d\r\n%b\r\n" % (size, key_format) + b"".join(map(bulk, args)))
    return (template % i for i in range(count))


class ReplyError(Exception):
    """The server answered with an error reply (-ERR ...)."""


class Connection:
    """A blocking connection that sends commands and parses RESP2 replies."""

    def __init__(self, port: int, timeout: float = 60.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def call(self, *args):
        """Send one command and return its reply (ReplyError for -ERR)."""
        self.sock.sendall(encode(*args))
        return self.read_reply()

    def read_reply(self):
        line = self._read_line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest
        if kind == b"-":
            raise ReplyError(rest.decode(errors="replace"))
        if kind == b":":
            return int(rest)
        if kind == b"$":
            size = int(rest)
            return None if size < 0 else self.read_exact(size + 2)[:-2]
        if kind == b"*":
            count = int(rest)
            return None if count < 0 else [self.read_reply() for _ in range(count)]
        raise BenchError(f"unexpected reply line {line[:80]!r}")

    def _read_line(self) -> bytes:
        while (end := self.buf.find(CRLF)) < 0:
            self._fill()
        line = bytes(self.buf[:end])
        del self.buf[:end + 2]
        return line

    def read_exact(self, size: int) -> bytes:
        while len(self.buf) < size:
            self._fill()
        data = bytes(self.buf[:size])
        del self.buf[:size]
        return data

    def _fill(self) -> None:
        data = self.sock.recv(1 << 20)
        if not data:
            raise BenchError("the server closed the connection")
        self.buf += data


def knows(conn: Connection, *command: bytes | str) -> bool:
    """Whether the server runs this command (False on any error reply)."""
    try:
        conn.call(*command)
    except ReplyError:
        return False
    return True


def load(conn: Connection, requests: Iterable[bytes], reply: bytes,
         batch: int = 5000) -> float:
    """Send encoded requests, `batch` per send(), each expecting `reply`.

    Every reply is checked: one error (or any other difference) stops the
    load with the server's own words. Returns when the last batch was sent
    (time.monotonic()).
    """
    chunk: list[bytes] = []
    last_sent = time.monotonic()
    for request in requests:
        chunk.append(request)
        if len(chunk) == batch:
            last_sent = _send_batch(conn, chunk, reply)
            chunk = []
    if chunk:
        last_sent = _send_batch(conn, chunk, reply)
    return last_sent


def _send_batch(conn: Connection, chunk: list[bytes], reply: bytes) -> float:
    sent_at = time.monotonic()
    conn.sock.sendall(b"".join(chunk))
    got = conn.read_exact(len(reply) * len(chunk))
    if got != reply * len(chunk):
        first = next(i for i in range(len(chunk))
                     if got[i * len(reply):(i + 1) * len(reply)] != reply)
        raise BenchError(f"loading: request {chunk[first][:60]!r} got "
                         f"{got[first * len(reply):][:80]!r}, expected {reply!r}")
    return sent_at


def ping_latencies(conn: Connection, count: int) -> list[float]:
    """Round-trip times of `count` PINGs, sent one at a time."""
    times = []
    for _ in range(count):
        start = time.perf_counter()
        conn.sock.sendall(b"*1\r\n$4\r\nPING\r\n")
        if conn.read_reply() != b"PONG":
            raise BenchError("PING did not get PONG")
        times.append(time.perf_counter() - start)
    return times


def percentile(values: list[float], pct: float) -> float:
    """The value below which `pct` percent of the values fall (nearest rank)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


# What each benchmark needs, and a command that shows the server has it.
PROBES = {
    "ping": ("PING",),
    "set": ("SET", "bench:probe:s", "abc"),
    "get": ("GET", "bench:probe:s"),
    "incr": ("INCR", "bench:probe:n"),
    "lpush": ("LPUSH", "bench:probe:l", "a"),
    "rpush": ("RPUSH", "bench:probe:l", "a"),
    "lpop": ("LPOP", "bench:probe:l"),
    "rpop": ("RPOP", "bench:probe:l"),
    "lrange": ("LRANGE", "bench:probe:l", "0", "99"),
    "sadd": ("SADD", "bench:probe:set", "a"),
    "hset": ("HSET", "bench:probe:h", "f", "v"),
    "zadd": ("ZADD", "bench:probe:z", "1", "m"),
    "dbsize": ("DBSIZE",),
    "set_px": ("SET", "bench:probe:px", "abc", "PX", "60000"),
    "blpop": ("BLPOP", "bench:probe:blpop", "0.01"),  # a null after 10 ms
    "publish": ("PUBLISH", "bench:probe:channel", "x"),  # :0, no subscriber
    # BGSAVE itself would fork and write dump.rdb where the server runs;
    # LASTSAVE comes with it, in Redis 1.0 as in our step 10.
    "bgsave": ("LASTSAVE",),
    # The append-only file (step 11): its fsync policy, set to its default,
    # which changes nothing; a server without one knows no such parameter.
    "aof": ("CONFIG", "SET", "appendfsync", "everysec"),
}


def capabilities(port: int) -> set[str]:
    """The names in PROBES that the server at `port` runs without an error."""
    with Connection(port) as conn:
        return {name for name, command in PROBES.items() if knows(conn, *command)}
