"""Step 04's tests share one server per target: each test that talks to it
starts from an empty keyspace. Differential tests also get `reference`, a
real redis-server to compare the target with, reply for reply."""

import pytest
from support.servers import REAL_REDIS_STEP, ServerProcess, Target
from support.wire import RawClient


@pytest.fixture(autouse=True)
def _flushall(request):
    """FLUSHALL before each test that uses the `server` fixture."""
    if "server" in request.fixturenames:
        server = request.getfixturevalue("server")
        with RawClient(server.port) as client:
            assert client.call("FLUSHALL") == b"+OK\r\n"
    yield


@pytest.fixture(scope="session")
def reference_server():
    """A real redis-server of our own, started once."""
    proc = ServerProcess(Target("redis", "redis", REAL_REDIS_STEP)).start()
    yield proc
    proc.stop()


@pytest.fixture
def reference(reference_server):
    """A raw connection to the reference redis-server, emptied first."""
    with RawClient(reference_server.port) as client:
        assert client.call("FLUSHALL") == b"+OK\r\n"
        yield client
