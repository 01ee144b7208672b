"""The blocking commands through redis-py, as a learner calls them (RESP3
by default): blpop, brpop, blmove, blmpop, bzpopmin, while another client
pushes once the first one waits."""

import threading

import pytest
from support.replies import info_field
from support.servers import wait_until
from support.wire import RawClient


@pytest.fixture
def push_when_blocked(server):
    """Run a command on a raw connection once a client is blocked."""
    threads = []

    def push(*args: str) -> None:
        def run() -> None:
            with RawClient(server.port) as raw:
                wait_until(lambda: info_field(raw, "clients", "blocked_clients") == "1",
                           timeout=10)
                raw.call(*args)

        thread = threading.Thread(target=run)
        thread.start()
        threads.append(thread)

    yield push
    for thread in threads:
        thread.join(timeout=10)


def test_blpop_and_brpop_return_key_and_element(r, push_when_blocked):
    push_when_blocked("RPUSH", "l", "a", "b")
    assert r.blpop(["l"], timeout=5) == (b"l", b"a")
    assert r.brpop(["l"], timeout=5) == (b"l", b"b")


def test_blpop_timeout_returns_none(r):
    assert r.blpop(["l"], timeout=0.05) is None


def test_blmove_returns_the_element_moved(r, push_when_blocked):
    push_when_blocked("RPUSH", "src", "v")
    assert r.blmove("src", "dst", 5, "LEFT", "RIGHT") == b"v"
    assert r.lrange("dst", 0, -1) == [b"v"]


def test_blmpop_returns_the_key_and_its_elements(r, push_when_blocked):
    push_when_blocked("RPUSH", "l", "a", "b", "c")
    assert r.blmpop(5, 1, "l", direction="LEFT", count=2) == [b"l", [b"a", b"b"]]


def test_bzpopmin_returns_key_member_and_score(r, push_when_blocked):
    push_when_blocked("ZADD", "z", "2.5", "m")
    assert r.bzpopmin(["z"], timeout=5) == (b"z", b"m", 2.5)
