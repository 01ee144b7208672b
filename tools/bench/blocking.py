"""Blocking: what clients waiting in BLPOP cost, and how fast a push wakes one.

Waiting: a blocked client should cost the server nothing while it waits,
only an entry in a table (Redis's blocking_keys). Each server that runs
BLPOP is started, left idle, and its CPU per second read over a window
(expiry.idle_cpu_ms_per_s, the cron section's measurement); then
`blocked_clients` connections each send `BLPOP bench:block:<n> 0`, on a key
of their own that no one pushes to, and once INFO says they are all blocked
the same window is read again, on the same server. The difference is what
the blocked clients cost. All the servers share both windows, as in the
cron section. Redis's own difference is not quite zero: its clientsCron
visits every client once a second (resizing query buffers, checking
blocked clients' timeouts).

Hand-off: one waiter sends `BLPOP bench:handoff 0`; once INFO says it is
blocked (blocked_clients:1), the driver sends `LPUSH bench:handoff v` on a
second connection, and times from that send to the waiter's reply, round
after round. The time includes the driver reading the reply, alike for
every server; the waits for INFO are outside it.

A server without BLPOP (a step before 07) is left out, after asking it.
"""

from __future__ import annotations

import re
import socket
import time
from contextlib import ExitStack

from bench.clients import (
    BATCH,
    RESERVED_FDS,
    raise_open_files_limit,
    somaxconn,
    wait_until_accepted,
)
from bench.expiry import idle_cpu_ms_per_s
from bench.plan import Plan
from bench.servers import BenchError, Server, Target
from bench.wire import Connection, encode, percentile

HANDOFF_KEY = b"bench:handoff"
BLOCKED = re.compile(rb"^blocked_clients:(\d+)", re.MULTILINE)


def measure(targets: list[Target], caps: dict[str, set[str]], plan: Plan,
            say) -> dict[str, dict]:
    """Both measurements, for every target with BLPOP; the others skipped."""
    able = [t for t in targets if "blpop" in caps[t.name]]
    results = {t.name: {"skipped": "skipped: no BLPOP"} for t in targets
               if t not in able}
    if not able:
        return results
    limit = raise_open_files_limit(len(able) * plan.blocked_clients + RESERVED_FDS)
    count = min(plan.blocked_clients, (limit - RESERVED_FDS) // len(able))
    if count < plan.blocked_clients:
        say(f"  the open files limit is {limit}: blocking {count} clients per "
            f"server, not {plan.blocked_clients} (raise `ulimit -n`)")
    with ExitStack() as stack:
        servers = [stack.enter_context(Server(t, maxclients=count + 100)) for t in able]
        waiting = waiting_costs(servers, count, plan.idle_seconds)
        for server, figures in zip(servers, waiting):
            figures |= handoff(server, plan.handoff_rounds)
            results[server.target.name] = figures
    for target in targets:
        r = results[target.name]
        say(f"  {target.name:<14} " + (r.get("skipped") or (
            f"idle {r['idle_cpu_ms_per_s']:.2f} ms CPU per s, with "
            f"{r['clients']:,} clients blocked {r['blocked_cpu_ms_per_s']:.2f}; "
            f"LPUSH→BLPOP hand-off p50 {r['handoff_p50_ms']:.3f} ms "
            f"p99 {r['handoff_p99_ms']:.3f} ms")))
    return results


def waiting_costs(servers: list[Server], count: int, seconds: float) -> list[dict]:
    """Each server's CPU per idle second, without and with `count` clients
    blocked, over windows all the servers share."""
    settle = min(1.0, seconds)  # let start-up (or blocking) work finish
    with ExitStack() as stack:
        controls = [stack.enter_context(Connection(s.port)) for s in servers]
        time.sleep(settle)
        idle = idle_cpu_ms_per_s(servers, seconds)
        blocked = [block_clients(s, c, count) for s, c in zip(servers, controls)]
        try:
            time.sleep(settle)
            busy = idle_cpu_ms_per_s(servers, seconds)
        finally:
            for sockets in blocked:
                for sock in sockets:
                    sock.close()
        for control in controls:  # every blocked client left the tables
            wait_for_blocked(control, 0)
    return [{"clients": count, "idle_seconds": seconds, "idle_cpu_ms_per_s": i,
             "blocked_cpu_ms_per_s": b, "extra_cpu_ms_per_s": b - i}
            for i, b in zip(idle, busy)]


def block_clients(server: Server, control: Connection,
                  count: int) -> list[socket.socket]:
    """Open `count` connections, each blocked in BLPOP on a key of its own."""
    clients: list[socket.socket] = []
    try:
        while len(clients) < count:
            batch = min(BATCH, somaxconn() // 2, count - len(clients))
            for _ in range(batch):
                sock = socket.create_connection(("127.0.0.1", server.port), 10)
                sock.sendall(encode("BLPOP", f"bench:block:{len(clients)}", 0))
                clients.append(sock)
            wait_until_accepted(server)
        wait_for_blocked(control, count)
    except BaseException:
        for sock in clients:
            sock.close()
        raise
    return clients


def blocked_clients(control: Connection) -> int:
    info = control.call("INFO", "clients")
    match = BLOCKED.search(info)
    if not match:
        raise BenchError("INFO clients has no blocked_clients field")
    return int(match.group(1))


def wait_for_blocked(control: Connection, count: int, timeout: float = 30.0) -> None:
    """Poll INFO until exactly `count` clients are blocked."""
    deadline = time.monotonic() + timeout
    while (blocked := blocked_clients(control)) != count:
        if time.monotonic() > deadline:
            raise BenchError(f"{blocked} clients blocked after {timeout:.0f} s, "
                             f"not {count}")
        time.sleep(0.0005 if count <= 1 else 0.01)


def handoff(server: Server, rounds: int) -> dict:
    """LPUSH→BLPOP hand-off times over `rounds` rounds, on a fresh pair."""
    push = encode("LPUSH", HANDOFF_KEY, "v")
    pop = encode("BLPOP", HANDOFF_KEY, 0)
    times = []
    with Connection(server.port) as waiter, Connection(server.port) as producer:
        producer.call("DEL", HANDOFF_KEY)
        for _ in range(rounds):
            waiter.sock.sendall(pop)
            wait_for_blocked(producer, 1)
            start = time.perf_counter()
            producer.sock.sendall(push)
            reply = waiter.read_reply()
            times.append(time.perf_counter() - start)
            if reply != [HANDOFF_KEY, b"v"] or producer.read_reply() != 1:
                raise BenchError(f"{server.target.name}: BLPOP got {reply!r} "
                                 "after LPUSH")
    return {"handoff_rounds": rounds,
            "handoff_p50_ms": percentile(times, 50) * 1e3,
            "handoff_p99_ms": percentile(times, 99) * 1e3,
            "handoff_max_ms": max(times) * 1e3}
