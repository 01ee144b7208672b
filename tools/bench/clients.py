"""Many idle clients: what each costs the server, and whether it still answers.

The driver opens `idle_clients` connections that never send anything (the
C10K situation: most clients of a real server are idle most of the time),
then times PINGs from one more, fresh client. Connections are opened in
batches smaller than the listen backlog, and each batch waits until the
server has accepted all of it (the listening socket's accept queue, in
/proc/net/tcp, is empty), so no SYN is dropped and retried a second later.
"""

from __future__ import annotations

import resource
import socket
import time

from bench.plan import Plan
from bench.servers import BenchError, Server, Target
from bench.wire import Connection, percentile, ping_latencies

BATCH = 250  # below Redis's default tcp-backlog of 511 (and somaxconn)
RESERVED_FDS = 100  # the driver's own files, redis-benchmark, the fresh client


def raise_open_files_limit(wanted: int) -> int:
    """Raise this process's soft RLIMIT_NOFILE toward `wanted`; return it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        soft = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return soft


def measure(targets: list[Target], plan: Plan, say) -> dict[str, dict]:
    """One fresh server per target, with plan.idle_clients held open."""
    limit = raise_open_files_limit(plan.idle_clients + RESERVED_FDS)
    count = min(plan.idle_clients, limit - RESERVED_FDS)
    if count < plan.idle_clients:
        say(f"  the open files limit is {limit}: holding {count} clients, "
            f"not {plan.idle_clients} (raise `ulimit -n`)")
    results = {}
    for target in targets:
        with Server(target, maxclients=count + 100) as server:
            results[target.name] = hold_idle_clients(server, count, plan.pings)
        r = results[target.name]
        say(f"  {target.name:<14} {r['clients']:,} idle clients: "
            f"{r['rss_per_client']:,.0f} B each; fresh-client PING "
            f"p50 {r['ping_p50_ms']:.3f} ms p99 {r['ping_p99_ms']:.3f} ms "
            f"(with no idle clients: p99 {r['baseline_p99_ms']:.3f} ms)")
    return results


def hold_idle_clients(server: Server, count: int, pings: int) -> dict:
    """Open `count` idle connections; time PINGs before and after.

    The first client stays connected throughout, so no client is freed
    between the two memory readings.
    """
    idle: list[socket.socket] = []
    with Connection(server.port) as first:
        baseline = ping_latencies(first, pings)
        rss_before = server.rss_bytes()
        try:
            while len(idle) < count:
                batch = min(BATCH, somaxconn() // 2, count - len(idle))
                idle += [socket.create_connection(("127.0.0.1", server.port), 10)
                         for _ in range(batch)]
                wait_until_accepted(server)
            rss_after = server.rss_bytes()
            with Connection(server.port) as fresh:
                loaded = ping_latencies(fresh, pings)
        finally:
            for sock in idle:
                sock.close()
    return {
        "clients": count, "rss_before": rss_before, "rss_after": rss_after,
        "rss_per_client": (rss_after - rss_before) / count,
        "ping_p50_ms": percentile(loaded, 50) * 1e3,
        "ping_p99_ms": percentile(loaded, 99) * 1e3,
        "baseline_p50_ms": percentile(baseline, 50) * 1e3,
        "baseline_p99_ms": percentile(baseline, 99) * 1e3,
    }


def wait_until_accepted(server: Server, timeout: float = 30.0) -> None:
    """Wait until the server has accepted every connection made so far."""
    deadline = time.monotonic() + timeout
    while (waiting := accept_queue(server.port)) != 0:
        if time.monotonic() > deadline:
            raise BenchError(f"{server.target.name} left {waiting} connections "
                             f"unaccepted for {timeout} s")
        time.sleep(0.005)


def accept_queue(port: int) -> int | None:
    """Connections waiting for accept() on the listening socket at `port`.

    For a socket in state LISTEN (0A), /proc/net/tcp's rx_queue column is
    the length of its accept queue. Listening sockets come first in the file.
    """
    local = f":{port:04X}"
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            fields = line.split()
            if fields[1].endswith(local) and fields[3] == "0A":
                return int(fields[4].split(":")[1], 16)
    return None


def somaxconn() -> int:
    """The kernel's cap on any listen backlog."""
    try:
        with open("/proc/sys/net/core/somaxconn") as f:
            return int(f.read())
    except OSError:
        return 128
