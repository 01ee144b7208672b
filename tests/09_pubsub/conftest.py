"""Step 09's tests: publish/subscribe. A test needs a publisher and one or
more subscribers: `connect()` opens more raw clients (`connect(3)` one that
speaks RESP3), closed after the test. The server frees a closed client at
the end of an event loop turn, so before each test that uses the shared
server, a fixture waits, polling PUBSUB, until the subscribers of earlier
tests are gone: no channel, pattern or shard channel is left."""

import pytest
from support.servers import wait_until
from support.wire import RawClient, decode


def subscriptions_left(raw) -> bool:
    return bool(decode(raw.call("PUBSUB", "CHANNELS"))
                or decode(raw.call("PUBSUB", "NUMPAT"))
                or decode(raw.call("PUBSUB", "SHARDCHANNELS")))


@pytest.fixture(autouse=True)
def _no_subscriptions_left(request):
    if "server" in request.fixturenames:
        shared = request.getfixturevalue("server")
        with RawClient(shared.port) as raw:
            wait_until(lambda: not subscriptions_left(raw), timeout=10,
                       message="subscriptions left by an earlier test")
