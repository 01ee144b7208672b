"""A subscriber that does not read cannot make the server buffer messages
without bound: pub/sub clients have their own client-output-buffer-limit
(Redis's default "pubsub 32mb 8mb 60"). Past the hard limit the subscriber
is dropped at once; past the soft limit, once it has stayed there longer
than the seconds given, even if no message comes to check it again. The
publisher never waits, and every other client is served meanwhile."""

import socket
import time

import pytest
from support.replies import OK, client_lines, integer, push
from support.servers import wait_until
from support.wire import RawClient, command, decode

MESSAGE = b"m" * (64 * 1024)


def stalled_subscriber(port: int, channel: str = "big") -> socket.socket:
    """A subscriber with a tiny receive buffer that never reads again."""
    sub = socket.socket()
    sub.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sub.settimeout(10)
    sub.connect(("127.0.0.1", port))
    sub.sendall(command("SUBSCRIBE", channel))
    assert sub.recv(64).startswith(b"*3\r\n$9\r\nsubscribe\r\n")
    return sub


def pubsub_clients(client) -> list[dict[str, str]]:
    reply = client.call("CLIENT", "LIST", "TYPE", "pubsub")
    return client_lines(reply) if reply != b"$0\r\n\r\n" else []


@pytest.fixture
def private(start_server):
    """A server of its own, and a control connection to it."""
    proc = start_server()
    with RawClient(proc.port) as control:
        yield proc, control


def test_the_default_pubsub_limit_is_32mb_hard_8mb_soft_for_60_seconds(private):
    _, control = private
    reply = control.call("CONFIG", "GET", "client-output-buffer-limit")
    assert b"pubsub 33554432 8388608 60" in reply


@pytest.mark.exercise("09-output-buffer-limits")
def test_a_subscriber_that_never_reads_is_dropped_at_the_hard_limit(private):
    proc, control = private
    assert control.call("CONFIG", "SET", "client-output-buffer-limit",
                        "pubsub 1mb 0 0") == OK
    sub = stalled_subscriber(proc.port)
    with RawClient(proc.port) as publisher, RawClient(proc.port) as other:
        for _ in range(1000):  # up to 64 MB, far past the limit
            reply = publisher.call("PUBLISH", "big", MESSAGE)
            if reply == integer(0):
                break
            assert reply == integer(1)
            assert other.call("PING") == b"+PONG\r\n"  # served meanwhile
        else:
            pytest.fail("the subscriber was never dropped")
        wait_until(lambda: pubsub_clients(control) == [], timeout=10,
                   message="the dropped subscriber is still listed")
        assert publisher.call("PUBSUB", "NUMSUB", "big") == (
            b"*2\r\n$3\r\nbig\r\n:0\r\n")
    assert ("scheduled to be closed ASAP for overcoming of output buffer "
            "limits." in proc.log_text())
    sub.close()


@pytest.mark.exercise("09-output-buffer-limits")
def test_the_soft_limit_drops_a_subscriber_only_once_its_seconds_are_up(private):
    proc, control = private
    assert control.call("CONFIG", "SET", "client-output-buffer-limit",
                        "pubsub 0 256kb 3") == OK
    sub = stalled_subscriber(proc.port)
    with RawClient(proc.port) as publisher:
        started = time.monotonic()
        for _ in range(200):  # 12.8 MB: the kernel's buffers fill, then ours
            assert publisher.call("PUBLISH", "big", MESSAGE) == integer(1)
        if time.monotonic() - started < 2:  # else too slow a machine to tell
            assert len(pubsub_clients(control)) == 1  # over, but not for long
        # No message comes now: the server's cron must notice on its own.
        wait_until(lambda: pubsub_clients(control) == [], timeout=15,
                   message="the subscriber outlived its soft limit")
        assert time.monotonic() - started > 2  # more than 3 whole seconds
        assert publisher.call("PUBLISH", "big", "m") == integer(0)
    assert "for overcoming of output buffer limits." in proc.log_text()
    sub.close()


@pytest.mark.exercise("09-output-buffer-limits")
def test_a_subscriber_that_reads_is_never_dropped(private):
    proc, control = private
    assert control.call("CONFIG", "SET", "client-output-buffer-limit",
                        "pubsub 1mb 0 0") == OK
    with RawClient(proc.port) as sub, RawClient(proc.port) as publisher:
        sub.call("SUBSCRIBE", "c")
        message = b"v" * (256 * 1024)
        for _ in range(40):  # 10 MB in all, never 1 MB unread
            assert publisher.call("PUBLISH", "c", message) == integer(1)
            assert sub.read_reply() == push("message", "c", message)


@pytest.mark.exercise("09-output-buffer-limits")
def test_the_pubsub_limit_does_not_apply_to_a_client_that_unsubscribed(private):
    proc, control = private
    assert control.call("CONFIG", "SET", "client-output-buffer-limit",
                        "pubsub 1mb 0 0") == OK
    with RawClient(proc.port) as client:
        client.call("SUBSCRIBE", "c")
        client.call("UNSUBSCRIBE", "c")
        # A normal client again: a 2 MB reply is no reason to drop it.
        value = b"x" * (2 * 1024 * 1024)
        assert client.call("ECHO", value) == b"$%d\r\n%s\r\n" % (len(value), value)


def server_seconds(client) -> int:
    return int(decode(client.call("TIME"))[0])


@pytest.mark.exercise("09-output-buffer-limits")
def test_the_soft_limit_clock_runs_on_while_the_buffer_is_drained(private):
    # Redis checks a client's limits only while its replies overflow the
    # 16 KiB reply buffer. A subscriber that read everything is not
    # checked, so its soft-limit clock is not stopped: the next big
    # message finds it over the limit "since" the first, and drops it.
    proc, control = private
    assert control.call("CONFIG", "SET", "client-output-buffer-limit",
                        "pubsub 0 256kb 1") == OK
    with RawClient(proc.port) as sub:
        sub.call("SUBSCRIBE", "c")
        message = b"x" * (1024 * 1024)
        assert control.call("PUBLISH", "c", message) == integer(1)
        started = server_seconds(control)
        assert sub.read_reply() == push("message", "c", message)
        wait_until(lambda: server_seconds(control) >= started + 2, timeout=10)
        assert control.call("PUBLISH", "c", message) == integer(1)
        assert sub.read_until_closed() == b""  # not one byte of it
