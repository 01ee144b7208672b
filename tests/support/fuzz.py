"""Hostile input for the robustness tests: random and mutated RESP streams,
and a runner that throws many of them at a server over many connections.

Streams are built from commands every step understands (PING, ECHO), then
bytes are flipped, cut, inserted or replaced by protocol edge cases: huge
and negative lengths, NUL bytes, CR without LF, nested arrays. A stream
never names a command that changes the server (FLUSHALL, SELECT, QUIT…),
so whatever it does, well-behaved clients must be unaffected.
"""

from __future__ import annotations

import selectors
import socket
import time

from hypothesis import strategies as st
from support.wire import command

EDGE_CASES = [
    b"\r", b"\n", b"\0", b"*", b"$", b"-1", b"*-1\r\n", b"$-1\r\n", b"*0\r\n",
    b"$536870912\r\n", b"$536870913\r\n", b"*2147483647\r\n", b"*3000000000\r\n",
    b"99999999999999999999", b'"', b"'", b"\\x", b"*2\r\n*1\r\n$4\r\nPING\r\n",
    b"PING\r", b"\r\r\n", b"+OK\r\n", b":1\r\n", b"POST / HTTP/1.1\r\n",
]

payloads = st.binary(max_size=200)


@st.composite
def valid_requests(draw) -> bytes:
    kind = draw(st.sampled_from(["echo", "ping", "ping-msg", "inline", "empty"]))
    if kind == "echo":
        return command("ECHO", draw(payloads))
    if kind == "ping":
        return command("PING")
    if kind == "ping-msg":
        return command("PING", draw(payloads))
    if kind == "inline":
        words = draw(st.lists(st.text("abcPINGECHO\"' \t", max_size=8), max_size=4))
        return ("ECHO " + " ".join(words)).encode() + b"\r\n"
    return b"*0\r\n"


@st.composite
def mutated_streams(draw) -> bytes:
    stream = bytearray(b"".join(draw(st.lists(valid_requests(), min_size=1, max_size=5))))
    for _ in range(draw(st.integers(1, 5))):
        pos = draw(st.integers(0, len(stream)))
        action = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        if action == "flip" and pos < len(stream):
            stream[pos] ^= draw(st.integers(1, 255))
        elif action == "cut":
            del stream[pos:pos + draw(st.integers(1, 12))]
        elif action == "insert":
            stream[pos:pos] = draw(st.sampled_from(EDGE_CASES))
        else:
            del stream[pos:]
    return bytes(stream)


def hostile_streams():
    """Random bytes, valid requests mutated, and edge cases glued together."""
    glued = st.lists(st.sampled_from(EDGE_CASES), min_size=1, max_size=6).map(b"".join)
    return st.one_of(st.binary(max_size=300), mutated_streams(), glued)


def throw_streams(port: int, streams: list[bytes], concurrency: int = 32,
                  timeout: float = 20.0) -> None:
    """Send each stream on its own connection, many connections at once.

    Each connection sends its stream, closes its write side (the server
    sees EOF), then reads until the server closes. Raises if the server
    leaves any connection open past `timeout`.
    """
    waiting = list(reversed(streams))
    selector = selectors.DefaultSelector()
    deadline = time.monotonic() + timeout
    try:
        while waiting or selector.get_map():
            while waiting and len(selector.get_map()) < concurrency:
                selector.register(_send_one(port, waiting.pop()), selectors.EVENT_READ)
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(selector.get_map())} connections never closed")
            for key, _ in selector.select(timeout=1.0):
                if _drained(key.fileobj):
                    selector.unregister(key.fileobj)
                    key.fileobj.close()
    finally:
        for key in list(selector.get_map().values()):
            key.fileobj.close()
        selector.close()


def _send_one(port: int, stream: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        sock.sendall(stream)
        sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass  # the server already closed on a protocol error: fine
    sock.setblocking(False)
    return sock


def _drained(sock: socket.socket) -> bool:
    """Read what is there; True once the server has closed the connection."""
    try:
        while chunk := sock.recv(65536):
            del chunk
        return True
    except BlockingIOError:
        return False
    except OSError:
        return True  # reset by the server: closed too
