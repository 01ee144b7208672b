"""Step 08's tests: transactions. Most tests need a second connection that
writes while the first one watches: `connect()` opens more raw clients,
closed after the test."""

import pytest
from support.wire import RawClient


@pytest.fixture
def connect(server):
    """Factory: another raw connection to the server under test."""
    opened = []

    def open_client() -> RawClient:
        client = RawClient(server.port)
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        client.close()


@pytest.fixture
def raw3(server):
    """A raw connection switched to RESP3."""
    with RawClient(server.port) as client:
        assert client.call("HELLO", "3").startswith(b"%7\r\n")
        yield client
