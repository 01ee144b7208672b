"""Step 04's tests share one server per target: each test that talks to it
starts from an empty keyspace."""

import pytest
from support.wire import RawClient


@pytest.fixture(autouse=True)
def _flushall(request):
    """FLUSHALL before each test that uses the `server` fixture."""
    if "server" in request.fixturenames:
        server = request.getfixturevalue("server")
        with RawClient(server.port) as client:
            assert client.call("FLUSHALL") == b"+OK\r\n"
    yield
