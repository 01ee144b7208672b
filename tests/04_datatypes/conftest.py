"""Step 04's tests share one server per target, emptied before each test
(the harness's _empty_keyspace). Differential tests also get `reference`,
a real redis-server to compare the target with, reply for reply; tests of
RESP3 replies take `raw3`, a raw connection that has sent HELLO 3."""

import pytest
from support.servers import REAL_REDIS_STEP, ServerProcess, Target
from support.wire import RawClient


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
