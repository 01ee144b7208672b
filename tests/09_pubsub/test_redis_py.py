"""Pub/sub as a learner uses it: redis-py's PubSub object (subscribe,
psubscribe, get_message, listen, run_in_thread) and redis-cli's subscribe
mode, which prints each message as it arrives."""

import shutil
import subprocess
import threading

import pytest
import redis
from support.servers import wait_until


def next_message(pubsub, timeout: float = 10.0) -> dict:
    """The next message that is not a confirmation... or fail."""
    message = pubsub.get_message(ignore_subscribe_messages=True, timeout=timeout)
    assert message is not None, "no message arrived"
    return message


@pytest.mark.exercise("09-publish-message")
@pytest.mark.parametrize("protocol", [2, 3])
def test_pubsub_subscribe_then_get_message(server, protocol):
    r = redis.Redis(host=server.host, port=server.port, protocol=protocol,
                    socket_timeout=10)
    with r.pubsub() as p:
        p.subscribe("news")
        confirmation = p.get_message(timeout=10)
        assert confirmation == {"type": "subscribe", "pattern": None,
                                "channel": b"news", "data": 1}
        assert r.publish("news", "hello") == 1
        assert next_message(p) == {"type": "message", "pattern": None,
                                   "channel": b"news", "data": b"hello"}
    r.close()


@pytest.mark.exercise("09-publish-message")
def test_pubsub_psubscribe_gets_pmessages(r):
    with r.pubsub() as p:
        p.psubscribe("news.*")
        p.get_message(timeout=10)
        assert r.publish("news.tech", "x") == 1
        assert next_message(p) == {"type": "pmessage", "pattern": b"news.*",
                                   "channel": b"news.tech", "data": b"x"}


@pytest.mark.exercise("09-subscribe-channel")
def test_pubsub_numsub_and_channels_through_redis_py(r):
    with r.pubsub() as p:
        p.subscribe("a", "b")
        p.get_message(timeout=10)
        p.get_message(timeout=10)
        assert sorted(r.pubsub_channels()) == [b"a", b"b"]
        assert r.pubsub_numsub("a", "z") == [(b"a", 1), (b"z", 0)]
        assert r.pubsub_numpat() == 0


@pytest.mark.exercise("09-publish-message")
def test_a_handler_runs_for_each_message_in_a_thread(r):
    received = []
    done = threading.Event()

    def handler(message):
        received.append(message["data"])
        if len(received) == 3:
            done.set()

    p = r.pubsub()
    p.subscribe(**{"jobs": handler})
    worker = p.run_in_thread(sleep_time=0.01, daemon=True)
    try:
        wait_until(lambda: r.pubsub_numsub("jobs") == [(b"jobs", 1)], timeout=10)
        for job in (b"1", b"2", b"3"):
            assert r.publish("jobs", job) == 1
        assert done.wait(10)
        assert received == [b"1", b"2", b"3"]
    finally:
        worker.stop()
        worker.join(10)
        p.close()


@pytest.mark.exercise("09-publish-message")
def test_unsubscribe_through_redis_py_stops_the_messages(r):
    with r.pubsub() as p:
        p.subscribe("c")
        p.get_message(timeout=10)
        p.unsubscribe("c")
        assert p.get_message(timeout=10)["type"] == "unsubscribe"
        assert r.publish("c", "m") == 0


@pytest.mark.exercise("09-publish-message")
def test_redis_cli_subscribe_prints_each_message(server, r):
    binary = shutil.which("redis-cli")
    assert binary, "redis-cli is not installed"
    # --no-raw: the output a terminal shows, though stdout is a pipe.
    cli = subprocess.Popen([binary, "-p", str(server.port), "--no-raw",
                            "subscribe", "c"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    try:
        lines = [cli.stdout.readline() for _ in range(4)]
        assert lines == ["Reading messages... (press Ctrl-C to quit)\n",
                         '1) "subscribe"\n', '2) "c"\n', "3) (integer) 1\n"]
        assert r.publish("c", "hello") == 1
        lines = [cli.stdout.readline() for _ in range(3)]
        assert lines == ['1) "message"\n', '2) "c"\n', '3) "hello"\n']
    finally:
        cli.kill()
        cli.wait(10)
        cli.stdout.close()
