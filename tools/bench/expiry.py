"""Time: how fast active expiry reclaims keys, and what the cron costs idle.

Expiry: many keys are set with `PX expire_ms` and never touched again, so
only the server's own active expiry cycle (serverCron) can remove them.
DBSIZE counts keys that have expired but not yet been reclaimed (in Redis
and in ours), so polling it, sparsely, shows the cycle at work. The
deadline is taken as the moment the last batch of SETs was sent plus
expire_ms: every earlier key expires before it, and the last batch's keys
only a moment after it (the time the server takes to run the batch), so
the delays reported are, if anything, slightly long.

Cron: a server with no clients still wakes `hz` times a second to run
serverCron. Its CPU time over an idle window, at hz 10 and hz 100.
"""

from __future__ import annotations

import time
from contextlib import ExitStack

from bench.plan import Plan
from bench.servers import Server, ServerStartError, Target
from bench.wire import Connection, keyed_requests, load

POLL_INTERVAL = 0.05  # seconds between two DBSIZE calls
BATCH = 5000
HZ = (10, 100)


def measure_expiry(targets: list[Target], caps: dict[str, set[str]],
                   plan: Plan, say) -> dict[str, dict]:
    results = {}
    for target in targets:
        if {"set_px", "dbsize"} - caps[target.name]:
            results[target.name] = {"skipped": "skipped: no SET PX"}
            continue
        with Server(target) as server:
            r = results[target.name] = reclaim(server, plan)
        say(f"  {target.name:<14} {r['keys']:,} keys, PX {r['expire_ms']}: "
            f"<1% left {seconds(r['under_1pct_s'])} and none left "
            f"{seconds(r['zero_s'])} after the deadline")
    return results


def seconds(value: float | None) -> str:
    return "never (timed out)" if value is None else f"{value:.2f} s"


def reclaim(server: Server, plan: Plan) -> dict:
    count, px = plan.expiring_keys, plan.expire_ms
    requests = keyed_requests(b"SET", b"key:%012d", count, b"abc", b"PX", b"%d" % px)
    with Connection(server.port) as conn:
        started = time.monotonic()
        last_sent = load(conn, requests, b"+OK\r\n", BATCH)
        deadline = last_sent + px / 1000
        samples = poll_dbsize(conn, deadline, plan.expiry_timeout)
    return {
        "keys": count, "expire_ms": px, "load_s": last_sent - started,
        "under_1pct_s": first_time(samples, lambda n: n < count / 100),
        "zero_s": first_time(samples, lambda n: n == 0),
        "samples": samples,
    }


def poll_dbsize(conn: Connection, deadline: float, timeout: float) -> list:
    """[[seconds after the deadline, DBSIZE], ...] until zero or timeout."""
    samples = []
    while True:
        now = time.monotonic()
        size = conn.call("DBSIZE")
        samples.append([round(now - deadline, 3), size])
        if size == 0 or now > deadline + timeout:
            return samples
        time.sleep(POLL_INTERVAL)


def first_time(samples: list, condition) -> float | None:
    """Seconds after the deadline of the first sample meeting `condition`."""
    return next((max(0.0, t) for t, n in samples if condition(n)), None)


def measure_cron(targets: list[Target], plan: Plan, say) -> dict[str, dict]:
    """CPU per second of idle servers, all measured over the same window."""
    results: dict[str, dict] = {}
    with ExitStack() as stack:
        servers = []
        for target in targets:
            try:
                servers += [stack.enter_context(Server(target, hz=hz)) for hz in HZ]
            except ServerStartError as err:
                if "--hz" not in err.log:
                    raise
                results[target.name] = {"skipped": "skipped: no --hz"}
        time.sleep(min(1.0, plan.idle_seconds))  # let start-up work finish
        used = idle_cpu_ms_per_s(servers, plan.idle_seconds)
        for server, ms in zip(servers, used):
            figures = results.setdefault(server.target.name, {"cpu_ms_per_s": {}})
            figures["cpu_ms_per_s"][str(server.config["hz"])] = ms
    for name, r in results.items():
        say(f"  {name:<14} idle: " + (r.get("skipped") or "; ".join(
            f"{ms:.2f} ms CPU per s at hz {hz}" for hz, ms in r["cpu_ms_per_s"].items())))
    return results


def idle_cpu_ms_per_s(servers: list[Server], seconds: float) -> list[float]:
    """Each server's CPU time per second, in ms, over one shared window of
    about `seconds` (divided by the window's measured length)."""
    started = time.monotonic()
    before = [s.cpu_seconds() for s in servers]
    time.sleep(seconds)
    after = [s.cpu_seconds() for s in servers]
    elapsed = time.monotonic() - started
    return [(a - b) / elapsed * 1e3 for a, b in zip(after, before)]
