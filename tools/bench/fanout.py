"""Fan-out: one PUBLISH delivered to many subscribers.

`subscribers` raw connections each send `SUBSCRIBE bench:fanout` and read
their confirmation. Then a publisher sends `PUBLISH bench:fanout <payload>`
`publishes` times, one at a time: it sends the next as soon as the reply to
the last one (`:<subscribers>`, checked) is in. Meanwhile every subscriber
reads, and every byte it gets is checked against the message frame it must
get. The clock runs from the first PUBLISH sent to the moment the last
subscriber has its last message; the server's CPU time is read at both
ends (servers.cpu_seconds), and the part of it spent in the kernel (from
the clock ticks of /proc/<pid>/stat: system calls, the TCP stack).
Deliveries per second and server CPU per delivered message follow, and the
publisher's round trips: the time the server takes to fan one message out.

The driver reads with one thread and a selector, on the CPUs the servers
are kept off (servers.pin_cpus). It reads a socket per subscriber for
every message, much as the server writes one, so for Redis it can be the
slower of the two, which caps Redis's deliveries per second; server CPU
per delivery does not depend on it and is the figure to compare.

A server without PUBLISH (a step before 09) is left out, after asking it.
"""

from __future__ import annotations

import selectors
import socket
import time

from bench.clients import (
    BATCH,
    RESERVED_FDS,
    raise_open_files_limit,
    somaxconn,
    wait_until_accepted,
)
from bench.plan import Plan
from bench.servers import BenchError, Server, Target
from bench.wire import Connection, encode, percentile

CHANNEL = b"bench:fanout"
PAYLOAD = b"0123456789abcdef"
TIMEOUT = 120.0  # seconds for one server's whole fan-out


def frame(*parts: bytes) -> bytes:
    """What a RESP2 subscriber reads: an array of bulk strings."""
    return b"*%d\r\n" % len(parts) + b"".join(
        b"$%d\r\n%b\r\n" % (len(p), p) for p in parts)


MESSAGE = frame(b"message", CHANNEL, PAYLOAD)


def measure(targets: list[Target], caps: dict[str, set[str]], plan: Plan,
            say) -> dict[str, dict]:
    """The fan-out of every target with PUBLISH; the others skipped."""
    able = [t for t in targets if "publish" in caps[t.name]]
    results = {t.name: {"skipped": "skipped: no PUBLISH"} for t in targets
               if t not in able}
    limit = raise_open_files_limit(plan.subscribers + RESERVED_FDS)
    count = min(plan.subscribers, limit - RESERVED_FDS)
    if able and count < plan.subscribers:
        say(f"  the open files limit is {limit}: {count} subscribers, not "
            f"{plan.subscribers} (raise `ulimit -n`)")
    for target in able:
        with Server(target, maxclients=count + 100) as server:
            results[target.name] = fan_out(server, count, plan.publishes)
    for target in targets:
        r = results[target.name]
        say(f"  {target.name:<14} " + (r.get("skipped") or (
            f"{r['deliveries_per_s']:,.0f} deliveries/s to {r['subscribers']:,} "
            f"subscribers, {r['cpu_us_per_delivery']:.2f} µs CPU each; "
            f"PUBLISH round trip p50 {r['publish_p50_ms']:.2f} ms")))
    return results


def fan_out(server: Server, count: int, publishes: int) -> dict:
    """Subscribe `count` connections, publish `publishes` times; the figures."""
    subscribers = subscribe(server, count)
    try:
        with Connection(server.port) as publisher:
            cpu_before = server.cpu_seconds()
            ticks_before = server.user_and_system_ticks()
            started = time.perf_counter()
            rounds = publish_and_read(publisher, subscribers, publishes)
            seconds = time.perf_counter() - started
            cpu = server.cpu_seconds() - cpu_before
            user, system = (b - a for a, b in zip(
                ticks_before, server.user_and_system_ticks()))
    finally:
        for sock in subscribers:
            sock.close()
    deliveries = count * publishes
    return {"subscribers": count, "publishes": publishes,
            "deliveries": deliveries, "seconds": seconds, "cpu_s": cpu,
            "deliveries_per_s": deliveries / seconds,
            "cpu_us_per_delivery": cpu / deliveries * 1e6,
            "kernel_share": system / (user + system) if user + system else None,
            "publish_p50_ms": percentile(rounds, 50) * 1e3,
            "publish_p99_ms": percentile(rounds, 99) * 1e3}


def subscribe(server: Server, count: int) -> list[socket.socket]:
    """`count` connections subscribed to CHANNEL, each confirmation read."""
    request = encode("SUBSCRIBE", CHANNEL)
    confirmation = b"*3\r\n$9\r\nsubscribe\r\n$%d\r\n%b\r\n:1\r\n" % (
        len(CHANNEL), CHANNEL)
    subscribers: list[socket.socket] = []
    try:
        while len(subscribers) < count:
            batch = min(BATCH, somaxconn() // 2, count - len(subscribers))
            opened = [socket.create_connection(("127.0.0.1", server.port), 10)
                      for _ in range(batch)]
            subscribers += opened
            wait_until_accepted(server)
            for sock in opened:
                sock.sendall(request)
            for sock in opened:
                expect(sock, confirmation, server.target.name)
    except BaseException:
        for sock in subscribers:
            sock.close()
        raise
    return subscribers


def expect(sock: socket.socket, wanted: bytes, name: str) -> None:
    got = b""
    while len(got) < len(wanted):
        chunk = sock.recv(len(wanted) - len(got))
        if not chunk:
            break
        got += chunk
    if got != wanted:
        raise BenchError(f"{name}: SUBSCRIBE got {got[:80]!r}, not {wanted!r}")


def publish_and_read(publisher: Connection, subscribers: list[socket.socket],
                     publishes: int) -> list[float]:
    """Publish one message at a time while every subscriber reads.

    One selector watches the publisher and all the subscribers: the next
    PUBLISH goes out when the last one's reply is in, whatever the
    subscribers have read. Returns the PUBLISH round trips, in seconds.
    """
    request = encode("PUBLISH", CHANNEL, PAYLOAD)
    reply = b":%d\r\n" % len(subscribers)
    wanted = len(MESSAGE) * publishes
    # Enough copies of the frame to check any chunk, wherever it starts.
    pattern = MESSAGE * (1 + (1 << 16) // len(MESSAGE) + 1)
    received = {sock.fileno(): 0 for sock in subscribers}
    unfinished = len(subscribers)
    rounds: list[float] = []
    pending = bytearray()
    with selectors.DefaultSelector() as selector:
        for sock in subscribers:
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ)
        selector.register(publisher.sock, selectors.EVENT_READ)
        sent_at = time.perf_counter()
        publisher.sock.sendall(request)
        deadline = time.monotonic() + TIMEOUT
        while unfinished or len(rounds) < publishes:
            if time.monotonic() > deadline:
                raise BenchError(f"fan-out: {unfinished} subscribers still "
                                 f"reading after {TIMEOUT:.0f} s")
            for key, _ in selector.select(1.0):
                if key.fileobj is publisher.sock:
                    pending += recv_some(publisher.sock)
                    while len(pending) >= len(reply):
                        if pending[:len(reply)] != reply:
                            raise BenchError(f"PUBLISH got {bytes(pending[:40])!r}"
                                             f", not {reply!r}")
                        del pending[:len(reply)]
                        rounds.append(time.perf_counter() - sent_at)
                        if len(rounds) < publishes:
                            sent_at = time.perf_counter()
                            publisher.sock.sendall(request)
                    continue
                sock = key.fileobj
                chunk = recv_some(sock)
                offset = received[sock.fileno()] % len(MESSAGE)
                if pattern[offset:offset + len(chunk)] != chunk:
                    raise BenchError(f"a subscriber got {chunk[:80]!r}")
                received[sock.fileno()] += len(chunk)
                if received[sock.fileno()] >= wanted:
                    if received[sock.fileno()] > wanted:
                        raise BenchError("a subscriber got more messages "
                                         "than were published")
                    selector.unregister(sock)
                    unfinished -= 1
    return rounds


def recv_some(sock: socket.socket) -> bytes:
    chunk = sock.recv(1 << 16)
    if not chunk:
        raise BenchError("the server closed a connection during the fan-out")
    return chunk
