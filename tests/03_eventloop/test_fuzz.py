"""Thousands of hostile streams, many at once, while a well-behaved client
works: the server keeps answering and that client's data stays intact."""

import os
import random
import threading

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.fuzz import hostile_streams, throw_streams
from support.servers import wait_until
from support.wire import RawClient, command

BATCH = 200  # streams per hypothesis example, thrown 32 connections at a time


def streams_for(target) -> int:
    """10,000 streams for step 05, fewer for earlier steps and Redis.

    FUZZ_STREAMS=100000 in the environment runs a longer campaign.
    """
    return int(os.environ.get("FUZZ_STREAMS", 0)) or (10_000 if target.step == 5 else 2_000)


class WellBehavedClient(threading.Thread):
    """Runs a stream of ordinary commands and checks every reply.

    With the keyspace (step 04 on) it writes keys and reads them back;
    before that, it checks ECHO round trips.
    """

    def __init__(self, port: int, with_keys: bool):
        super().__init__(daemon=True)
        self.port, self.with_keys = port, with_keys
        self.stop = threading.Event()
        self.written: dict[bytes, bytes] = {}
        self.problems: list[str] = []
        self.rounds = 0

    def run(self) -> None:
        rng = random.Random(7)
        with RawClient(self.port) as client:
            while not self.stop.is_set() and not self.problems:
                value = rng.randbytes(rng.randrange(1, 64))
                expected = b"$%d\r\n%s\r\n" % (len(value), value)
                if self.with_keys:
                    key = b"good:%d" % self.rounds
                    self.check(client.call("SET", key, value), b"+OK\r\n")
                    self.written[key] = value
                    self.check(client.call("GET", key), expected)
                else:
                    self.check(client.call("ECHO", value), expected)
                self.rounds += 1

    def check(self, got: bytes, expected: bytes) -> None:
        if got != expected:
            self.problems.append(f"expected {expected!r}, got {got!r}")

    def verify_keys(self) -> None:
        with RawClient(self.port) as client:
            for key, value in self.written.items():
                self.check(client.call("GET", key), b"$%d\r\n%s\r\n" % (len(value), value))


def test_hostile_streams_never_hurt_the_server_or_other_clients(server, target):
    total = streams_for(target)
    good = WellBehavedClient(server.port, with_keys=target.step >= 4)
    good.start()
    thrown = []

    @settings(max_examples=total // BATCH, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(streams=st.lists(hostile_streams(), min_size=BATCH, max_size=BATCH))
    def throw_a_batch(streams):
        throw_streams(server.port, streams)
        thrown.extend(streams)
        with RawClient(server.port) as probe:
            assert probe.call("PING") == b"+PONG\r\n"

    try:
        throw_a_batch()
    finally:
        good.stop.set()
        good.join(10)
    assert len(thrown) >= total
    assert good.rounds > 0 and not good.problems, good.problems[:3]
    if good.with_keys:
        good.verify_keys()
        assert not good.problems, good.problems[:3]
    assert server.alive()


def test_disconnect_storm_returns_descriptors_to_baseline(server):
    """1,000 clients vanish mid-command and mid-reply; nothing leaks."""
    with RawClient(server.port) as probe:
        probe.call("PING")
    baseline = server.open_fds()
    big = command("ECHO", os.urandom(300_000))
    half_sent = command("ECHO", b"x" * 1000)[:500]
    clients = []
    for i in range(1000):
        client = RawClient(server.port)
        client.send(big if i % 2 else half_sent)  # mid-reply / mid-command
        clients.append(client)
    for client in clients:
        client.abort()  # reset, as a killed process does
    with RawClient(server.port) as other:
        assert other.call("PING") == b"+PONG\r\n"
    wait_until(lambda: server.open_fds() <= baseline, timeout=15,
               message=f"fds stayed above the baseline of {baseline}")
