"""Step 01: a server that accepts clients and answers PING.

These hold for every step and for real Redis; the last test shows the naive
framing that step 02 replaces.
"""

import socket

import pytest
from support.wire import RawClient, command

pytestmark = pytest.mark.exercise("01-serve-client")


def test_inline_ping_gets_pong(raw):
    assert raw.request(b"PING\r\n") == b"+PONG\r\n"


def test_multibulk_ping_gets_pong(raw):
    assert raw.request(command("PING")) == b"+PONG\r\n"


def test_lowercase_ping_gets_pong(raw):
    assert raw.request(command("ping")) == b"+PONG\r\n"


def test_redis_cli_ping_prints_pong(cli):
    result = cli("ping")
    assert result.returncode == 0
    assert result.stdout == "PONG\n"


def test_several_pings_on_one_connection_each_get_a_reply(raw):
    for _ in range(5):
        assert raw.request(command("PING")) == b"+PONG\r\n"


def test_clients_one_after_another_are_all_served(server):
    for _ in range(5):
        with RawClient(server.port) as client:
            assert client.request(b"PING\r\n") == b"+PONG\r\n"


def test_client_that_resets_does_not_stop_the_server(server):
    with RawClient(server.port) as client:
        client.send(b"PING\r\n")
        client.abort()
    with RawClient(server.port) as client:
        assert client.request(b"PING\r\n") == b"+PONG\r\n"


def test_client_that_leaves_without_reading_does_not_stop_the_server(server):
    client = RawClient(server.port)
    client.send(b"PING\r\n" * 3)
    client.close()
    with RawClient(server.port) as client:
        assert client.request(b"PING\r\n") == b"+PONG\r\n"


@pytest.mark.last_step("01_socket")
def test_naive_framing_answers_two_pipelined_pings_once(raw):
    """One recv() is taken as one command: the second PING gets no reply."""
    raw.send(b"PING\r\nPING\r\n")
    assert raw.read_reply() == b"+PONG\r\n"
    assert raw.nothing_within(0.3)


@pytest.mark.last_step("01_socket")
def test_redis_py_handshake_written_at_once_gets_one_reply(raw):
    """redis-py 8.2 writes its two CLIENT SETINFO at once, as lab 1 shows:
    step 01 takes the pair for one command, answers once, and redis-py
    waits for the second reply until its socket_timeout."""
    raw.send(command("CLIENT", "SETINFO", "LIB-NAME", "redis-py")
             + command("CLIENT", "SETINFO", "LIB-VER", "8.2.0"))
    assert raw.read_reply() == b"-ERR unknown command 'CLIENT'\r\n"
    assert raw.nothing_within(0.3)


@pytest.mark.internal
def test_listens_on_loopback_only_by_default(server):
    assert server.config.get("bind") is None
    probe = socket.socket()
    probe.settimeout(2)
    outside = _non_loopback_address()
    if outside is None:
        pytest.skip("this machine has no non-loopback IPv4 address to probe")
    with probe:
        assert probe.connect_ex((outside, server.port)) != 0


def _non_loopback_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET: nothing is sent
        except OSError:
            return None
        address = s.getsockname()[0]
    return None if address.startswith("127.") else address
