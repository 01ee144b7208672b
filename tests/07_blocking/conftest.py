"""Step 07's tests: clients that block. Most tests need several
connections to one server: `connect()` opens more raw clients (closed after
the test), and `blocked(n)` waits, polling INFO clients, until exactly n
clients are blocked, so a test pushes only once its waiters wait."""

import pytest
from support.replies import info_field
from support.servers import wait_until
from support.wire import RawClient


def blocked_clients(raw) -> int:
    return int(info_field(raw, "clients", "blocked_clients"))


@pytest.fixture
def connect(server):
    """Factory: another raw connection to the server under test. After the
    test, once they are closed, no client is left blocked for the next."""
    opened = []

    def open_client() -> RawClient:
        client = RawClient(server.port)
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        client.close()
    with RawClient(server.port) as raw:
        wait_until(lambda: blocked_clients(raw) == 0, timeout=10,
                   message="clients still blocked after the test")


@pytest.fixture
def blocked(raw):
    """Wait until INFO clients says `count` clients are blocked."""

    def wait_for(count: int) -> None:
        wait_until(lambda: blocked_clients(raw) == count, timeout=10,
                   message=f"never {count} blocked clients")

    return wait_for
