"""Many idle clients: what each costs the server, and whether it still answers.

The driver opens `idle_clients` connections that never send anything (the
C10K situation: most clients of a real server are idle most of the time),
then times PINGs from one more, fresh client. Connections are opened in
batches smaller than the listen backlog, and each batch waits until the
server has accepted it (its open file descriptors say so), so no SYN is
dropped and retried a second later.
"""

from __future__ import annotations

import resource
import socket
import time

from bench.plan import Plan
from bench.servers import BenchError, Server, Target
from bench.wire import percentile, ping_latencies

BATCH = 250  # below Redis's default tcp-backlog of 511
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
    baseline = ping_latencies(server.port, pings)
    rss_before, fds_before = server.rss_bytes(), server.open_fds()
    idle: list[socket.socket] = []
    try:
        while len(idle) < count:
            batch = min(BATCH, count - len(idle))
            idle += [socket.create_connection(("127.0.0.1", server.port))
                     for _ in range(batch)]
            wait_for_fds(server, fds_before + len(idle))
        rss_after = server.rss_bytes()
        loaded = ping_latencies(server.port, pings)
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


def wait_for_fds(server: Server, wanted: int, timeout: float = 30.0) -> None:
    """Wait until the server holds `wanted` file descriptors (has accepted)."""
    deadline = time.monotonic() + timeout
    while server.open_fds() < wanted:
        if time.monotonic() > deadline:
            raise BenchError(f"{server.target.name} accepted only "
                             f"{server.open_fds()} of {wanted} fds in {timeout} s")
        time.sleep(0.005)
