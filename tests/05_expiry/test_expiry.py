"""Keys die on time: lazily, when a command touches them, and actively,
when nobody does."""

import time

import pytest
from support.replies import info_field
from support.servers import wait_until
from support.wire import RawClient, command, decode


def wait_past(ms: int) -> None:
    time.sleep(ms / 1000 + 0.01)


@pytest.mark.exercise("05-expire-if-needed")
def test_expired_key_is_gone_for_every_command(raw):
    for key in ("a", "b", "c", "d", "e"):
        raw.call("SET", key, "v", "PX", "30")
    wait_past(30)
    assert raw.call("GET", "a") == b"$-1\r\n"
    assert raw.call("EXISTS", "b") == b":0\r\n"
    assert raw.call("TYPE", "c") == b"+none\r\n"
    assert raw.call("TTL", "d") == b":-2\r\n"
    assert raw.call("APPEND", "e", "x") == b":1\r\n"  # a new string, not "vx"


@pytest.mark.exercise("05-expire-if-needed")
def test_expired_key_is_counted_in_info(raw):
    before = int(info_field(raw, "stats", "expired_keys"))
    raw.call("SET", "k", "v", "PX", "20")
    wait_past(20)
    assert raw.call("GET", "k") == b"$-1\r\n"
    assert int(info_field(raw, "stats", "expired_keys")) == before + 1


@pytest.mark.exercise("05-expire-if-needed")
def test_del_does_not_count_an_expired_key(raw):
    raw.call("SET", "k", "v", "PX", "20")
    raw.call("SET", "live", "v")
    wait_past(20)
    assert raw.call("DEL", "k", "live") == b":1\r\n"


@pytest.mark.exercise("05-expire-if-needed")
def test_keys_leaves_out_expired_keys(raw):
    raw.call("SET", "dead", "v", "PX", "20")
    raw.call("SET", "alive", "v")
    wait_past(20)
    assert decode(raw.call("KEYS", "*")) == [b"alive"]


def test_key_lives_until_strictly_after_its_deadline(raw):
    """Redis expires a key once now > when: at its exact millisecond it lives."""
    at = time.time_ns() // 1_000_000 + 300
    raw.call("SET", "k", "v", "PXAT", str(at))
    assert raw.call("GET", "k") == b"$1\r\nv\r\n"
    while time.time_ns() // 1_000_000 <= at + 1:
        time.sleep(0.005)
    assert raw.call("GET", "k") == b"$-1\r\n"


@pytest.mark.exercise("05-active-expire", "05-time-events")
def test_100000_untouched_keys_disappear_by_active_expiry(raw):
    """Nobody reads these keys again: only active expiry can reclaim them."""
    raw.send(b"".join(command("SET", f"k:{i}", "v", "PX", "300") for i in range(100_000)))
    for _ in range(100_000):
        raw.read_reply()
    wait_until(lambda: raw.call("DBSIZE") == b":0\r\n", timeout=15, interval=0.1,
               message="active expiry left keys behind")
    assert int(info_field(raw, "stats", "expired_keys")) >= 100_000


@pytest.mark.exercise("05-active-expire")
def test_active_expiry_spares_keys_that_are_still_alive(raw):
    raw.send(b"".join(command("SET", f"short:{i}", "v", "PX", "100") for i in range(2000))
             + b"".join(command("SET", f"long:{i}", "v", "EX", "100") for i in range(200)))
    for _ in range(2200):
        raw.read_reply()
    wait_until(lambda: raw.call("DBSIZE") == b":200\r\n", timeout=10, interval=0.05)
    assert 90 < decode(raw.call("TTL", "long:7")) <= 100


def test_expiry_while_a_client_pipelines_on_the_same_keys(server):
    """INCR in a pipeline on keys that keep expiring: every reply is either
    the next number or a fresh count from 1, never an error or a gap."""
    with RawClient(server.port) as client:
        last = {}
        for _round in range(30):
            batch = []
            for i in range(10):
                key = f"counter:{i}"
                batch.append(command("INCR", key))
                batch.append(command("PEXPIRE", key, (i + 1) * 2, "NX"))
            client.send(b"".join(batch))
            for i in range(10):
                value = decode(client.read_reply())
                assert client.read_reply() in (b":0\r\n", b":1\r\n")
                assert value in (1, last.get(i, 0) + 1), (i, value, last.get(i))
                last[i] = value
            time.sleep(0.003)
        assert any(v < 30 for v in last.values())  # some did expire on the way


@pytest.mark.internal
def test_refreshing_a_ttl_again_and_again_does_not_grow_memory(start_server):
    """SET ... EX on the same key drops and sets its TTL each time: the
    bookkeeping active expiry keeps must not grow with the repeats."""
    proc = start_server()
    with RawClient(proc.port) as client:
        batch = b"".join(command("SET", "hot", "v", "EX", "100") for _ in range(1000))
        client.send(batch)
        client.read_replies(1000)
        before = proc.rss_bytes()
        for _ in range(100):
            client.send(batch)
            client.read_replies(1000)
        assert proc.rss_bytes() - before < 2 * 1024 * 1024
        assert client.call("TTL", "hot") == b":100\r\n"
