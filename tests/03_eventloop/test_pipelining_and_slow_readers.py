"""Pipelines, big replies to slow readers, and clients that vanish."""

import socket
import struct
import time

import pytest
from support.servers import wait_until
from support.wire import RawClient, command

MB = 1024 * 1024


@pytest.mark.exercise("03-read-query", "03-pending-writes")
def test_pipeline_of_10000_commands_in_one_write(raw):
    raw.send(b"".join(command("ECHO", str(i)) for i in range(10000)))
    for i in range(10000):
        value = str(i).encode()
        assert raw.read_reply() == b"$%d\r\n%s\r\n" % (len(value), value)


@pytest.mark.exercise("03-read-query", "03-pending-writes")
def test_pipeline_of_inline_commands(raw):
    raw.send(b"PING\r\n" * 5000)
    assert raw.read_exactly(7 * 5000) == b"+PONG\r\n" * 5000


def small_receive_buffer(port: int) -> socket.socket:
    """A client socket whose kernel buffer fills quickly, like a slow reader."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(20)
    sock.connect(("127.0.0.1", port))
    return sock


def read_exactly(sock: socket.socket, n: int) -> bytes:
    chunks, got = [], 0
    sock.settimeout(20)
    while got < n:
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            raise ConnectionError(f"closed after {got} of {n} bytes")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


@pytest.mark.exercise("03-partial-writes", "03-pending-writes")
def test_megabytes_of_replies_to_a_slow_reader_while_others_are_served(server):
    value = bytes(range(256)) * (4 * MB // 256)  # 4 MiB, every byte value
    expected = b"$%d\r\n%s\r\n" % (len(value), value)
    slow = small_receive_buffer(server.port)
    try:
        slow.sendall(command("ECHO", value) * 3)  # 12 MiB of replies owed
        with RawClient(server.port) as other:
            for _ in range(20):  # the slow reader has not read a byte yet
                started = time.monotonic()
                assert other.call("PING") == b"+PONG\r\n"
                assert time.monotonic() - started < 1.0
        for _ in range(3):
            assert read_exactly(slow, len(expected)) == expected
    finally:
        slow.close()


@pytest.mark.exercise("03-partial-writes")
def test_slow_reader_gets_every_byte_when_reading_in_small_pieces(server):
    value = b"x" * (2 * MB)
    slow = small_receive_buffer(server.port)
    try:
        slow.sendall(command("ECHO", value))
        received = bytearray()
        expected_len = len(b"$%d\r\n" % len(value)) + len(value) + 2
        slow.settimeout(20)
        while len(received) < expected_len:
            chunk = slow.recv(3000)
            if not chunk:  # the server closed the connection: stop, don't spin
                break
            received += chunk
            time.sleep(0.0005)
        assert bytes(received) == b"$%d\r\n%s\r\n" % (len(value), value)
    finally:
        slow.close()


def wait_for_fds(server, baseline: int) -> int:
    return wait_until(lambda: server.open_fds() <= baseline and server.open_fds(),
                      timeout=10, message="the server kept file descriptors open")


@pytest.mark.exercise("03-read-query")
def test_clients_vanishing_mid_command_leak_no_descriptors(server):
    with RawClient(server.port) as probe:  # settle the server's lazy setup
        probe.call("PING")
    baseline = server.open_fds()
    for i in range(200):
        client = RawClient(server.port)
        client.send(command("ECHO", "x" * 100)[: 5 + i % 30])
        if i % 2:
            client.abort()  # a reset, as when a process dies
        else:
            client.close()
    with RawClient(server.port) as other:
        assert other.call("PING") == b"+PONG\r\n"
    assert wait_for_fds(server, baseline) <= baseline


@pytest.mark.exercise("03-partial-writes")
def test_clients_vanishing_mid_reply_leak_no_descriptors(server):
    with RawClient(server.port) as probe:
        probe.call("PING")
    baseline = server.open_fds()
    big = command("ECHO", b"y" * MB)
    for i in range(30):
        sock = small_receive_buffer(server.port)
        sock.sendall(big * 2)
        if i % 2:
            sock.recv(1000)  # read a little of the reply, then vanish
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    with RawClient(server.port) as other:
        assert other.call("PING") == b"+PONG\r\n"
    assert wait_for_fds(server, baseline) <= baseline
