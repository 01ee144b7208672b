"""One thread, many clients: nobody waits for anybody else."""

import resource
import socket
import time

import pytest
from support.servers import wait_until
from support.wire import RawClient, command, connect_when_possible

ECHO_HELLO = command("ECHO", "hello")


@pytest.fixture(scope="module", autouse=True)
def _enough_file_descriptors():
    """The test process holds thousands of sockets too."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.mark.exercise("03-accept", "03-read-query")
def test_half_sent_command_does_not_delay_another_client(server):
    with RawClient(server.port) as slow, RawClient(server.port) as fast:
        slow.send(ECHO_HELLO[:9])  # "*2\r\n$4\r\nE"
        assert fast.call("PING") == b"+PONG\r\n"
        slow.send(ECHO_HELLO[9:])
        assert slow.read_reply() == b"$5\r\nhello\r\n"


@pytest.mark.exercise("03-accept", "03-read-query")
def test_clients_interleaving_partial_requests_each_get_their_reply(server):
    clients = [RawClient(server.port) for _ in range(10)]
    try:
        requests = [command("ECHO", f"client-{i}") for i in range(10)]
        for cut in range(0, 30, 3):  # a few bytes from each client in turn
            for client, request in zip(clients, requests):
                client.send(request[cut:cut + 3])
        for i, (client, request) in enumerate(zip(clients, requests)):
            client.send(request[30:])
            name = f"client-{i}".encode()
            assert client.read_reply() == b"$%d\r\n%s\r\n" % (len(name), name)
    finally:
        for client in clients:
            client.close()


@pytest.mark.exercise("03-accept", "03-read-query", "03-pending-writes")
def test_1000_concurrent_connections_each_get_their_own_replies(server):
    clients = [connect_when_possible(server.port) for _ in range(1000)]
    try:
        for i, client in enumerate(clients):
            client.send(command("ECHO", f"id-{i}"))
        for i, client in enumerate(clients):
            name = f"id-{i}".encode()
            assert client.read_reply() == b"$%d\r\n%s\r\n" % (len(name), name)
    finally:
        for client in clients:
            client.close()


@pytest.mark.exercise("03-accept")
def test_10000_idle_connections_and_a_fresh_client_is_still_answered(start_server):
    proc = start_server(maxclients=10100)
    idle = []
    try:
        for _ in range(10000):
            idle.append(socket.create_connection(("127.0.0.1", proc.port), timeout=10))
        with RawClient(proc.port) as fresh:
            started = time.monotonic()
            assert fresh.call("PING") == b"+PONG\r\n"
            assert time.monotonic() - started < 2.0
        # The idle ones were really accepted: the last one gets an answer too.
        idle[-1].sendall(command("PING"))
        idle[-1].settimeout(10)
        assert idle[-1].recv(100) == b"+PONG\r\n"
    finally:
        for sock in idle:
            sock.close()


@pytest.mark.exercise("03-accept")
def test_maxclients_refuses_the_extra_client_with_redis_error(start_server):
    proc = start_server(maxclients=5)
    admitted = []
    try:
        # The server may still count the connection that checked it was up.
        for _ in range(5):
            admitted.append(wait_until(lambda: admitted_client(proc.port), timeout=5))
        with RawClient(proc.port) as extra:
            assert extra.read_until_closed() == b"-ERR max number of clients reached\r\n"
        admitted.pop().close()
        # Once the server has freed that slot, a new client is admitted again.
        wait_until(lambda: ping_reply(proc.port) == b"+PONG\r\n", timeout=5)
    finally:
        for client in admitted:
            client.close()


def admitted_client(port: int) -> RawClient | None:
    """A connection the server answers, or None if it was refused."""
    client = RawClient(port)
    if client.call("PING") == b"+PONG\r\n":
        return client
    client.close()
    return None


def ping_reply(port: int) -> bytes:
    """PING on a new connection: +PONG, or the error of a refused client."""
    with RawClient(port) as client:
        client.send(command("PING"))
        return client.read_reply()


def test_config_get_answers_what_redis_benchmark_asks(raw):
    assert raw.call("CONFIG", "GET", "save") == b"*2\r\n$4\r\nsave\r\n$0\r\n\r\n"
    assert raw.call("CONFIG", "GET", "appendonly") == b"*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n"
    assert raw.call("CONFIG", "GET", "no-such-parameter") == b"*0\r\n"
