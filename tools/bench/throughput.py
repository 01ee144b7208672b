"""Throughput, latency and CPU per request, measured with redis-benchmark.

Each run is a fixed number of requests (-n). The server's CPU time is read
before and after it, so CPU per request is what the server spent, whatever
redis-benchmark's own speed. On a 2-core machine redis-benchmark caps the
requests/s of any server without pipelining; CPU per request is the figure
that tells a fast server from a slow one there.

All servers run at once and take turns test by test, so a change in the
machine's load hits every server alike. The servers are Redis, the peer
(the naive Python server of peers/, on the tests it can run) and the steps.
"""

from __future__ import annotations

import csv
import statistics
import subprocess
from contextlib import ExitStack

from bench.plan import Plan
from bench.servers import BenchError, Server, Target, require_tool
from bench.wire import Connection

# redis-benchmark's test names (-t), in its own order, and what each needs.
TESTS = {
    "ping_inline": "ping", "ping_mbulk": "ping", "set": "set", "get": "get",
    "incr": "incr", "lpush": "lpush", "rpush": "rpush", "lpop": "lpop",
    "rpop": "rpop", "sadd": "sadd", "hset": "hset", "zadd": "zadd",
    "lrange_100": "lrange",
}
LATENCY_TESTS = ("ping_mbulk", "set", "get")  # also timed at -c 1
PIPELINE = 16


def modes(test: str, plan: Plan) -> list[tuple[int, int, int]]:
    """(clients, pipeline, requests) of every run of one test."""
    runs = [(50, 1, plan.requests), (50, PIPELINE, plan.pipelined_requests)]
    if test == "get":
        runs.append((1000, 1, plan.many_clients_requests))
    if test in LATENCY_TESTS:
        runs.append((1, 1, plan.latency_requests))
    return runs


def measure(targets: list[Target], caps: dict[str, set[str]], plan: Plan,
            say) -> list[dict]:
    """Run every test each target supports; one record per test and mode.

    With plan.repeat > 1, each run is repeated, servers still taking turns,
    and every figure is the median of the repeats.
    """
    records = []
    with ExitStack() as stack:
        servers = [stack.enter_context(Server(t)) for t in targets]
        for test, needs in TESTS.items():
            if plan.tests is not None and test not in plan.tests:
                continue
            able = [s for s in servers if needs in caps[s.target.name]]
            for clients, pipeline, requests in modes(test, plan):
                repeats: dict[str, list[dict]] = {s.target.name: [] for s in able}
                for _ in range(plan.repeat):
                    for server in able:
                        record = run(server, test, clients, pipeline, requests,
                                     plan.benchmark_timeout)
                        say(describe(record))
                        repeats[server.target.name].append(record)
                records += [median_record(runs) for runs in repeats.values()]
    return records


MEASURED = ("rps", "p50_ms", "p99_ms", "cpu_s", "cpu_us_per_request", "kernel_share")


def median_record(runs: list[dict]) -> dict:
    """One record whose every measured figure is the median of the runs."""
    record = dict(runs[0], runs=len(runs))
    for key in MEASURED:
        values = [r[key] for r in runs if r[key] is not None]
        record[key] = statistics.median(values) if values else None
    return record


def run(server: Server, test: str, clients: int, pipeline: int,
        requests: int, timeout: float) -> dict:
    """One redis-benchmark run, with the server's CPU time around it.

    kernel_share is the part of that time spent in the kernel (system
    calls, the TCP stack): from the clock-tick counts of /proc/<pid>/stat,
    so only a rough figure on a short run (None with no tick at all).
    """
    if test == "lrange_100":
        make_list(server.port)
    cpu_before, ticks_before = server.cpu_seconds(), server.user_and_system_ticks()
    row = redis_benchmark(server.port, test, clients, pipeline, requests, timeout)
    cpu = server.cpu_seconds() - cpu_before
    user, system = (b - a for a, b in zip(ticks_before, server.user_and_system_ticks()))
    return {
        "target": server.target.name, "test": test.upper(), "clients": clients,
        "pipeline": pipeline, "requests": requests, "rps": float(row["rps"]),
        "p50_ms": float(row["p50_latency_ms"]),
        "p99_ms": float(row["p99_latency_ms"]),
        "cpu_s": cpu, "cpu_us_per_request": cpu / requests * 1e6,
        "kernel_share": system / (user + system) if user + system else None,
    }


# redis-benchmark's own lrange_100 test first pushes -n elements onto the
# list, and the server's CPU time would count that work too. So the list of
# 100 elements is made beforehand, and LRANGE runs as a command of its own.
LRANGE_100 = ["LRANGE", "mylist", "0", "99"]


def make_list(port: int) -> None:
    with Connection(port) as conn:
        conn.call("DEL", "mylist")
        conn.call("RPUSH", "mylist", *["xxx"] * 100)  # redis-benchmark's value


def redis_benchmark(port: int, test: str, clients: int, pipeline: int,
                    requests: int, timeout: float) -> dict[str, str]:
    """Run redis-benchmark for one test and return its CSV row."""
    what = LRANGE_100 if test == "lrange_100" else ["-t", test]
    argv = [require_tool("redis-benchmark"), "-h", "127.0.0.1", "-p", str(port),
            "-c", str(clients), "-n", str(requests), "-P", str(pipeline),
            "--csv", *what]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BenchError(f"redis-benchmark -t {test} took over {timeout:.0f} s "
                         f"on port {port}") from None
    rows = list(csv.DictReader(done.stdout.splitlines()))
    output = done.stdout + done.stderr
    if done.returncode or len(rows) != 1 or "Error" in output:
        raise BenchError(f"{' '.join(argv)} failed (status {done.returncode}):\n"
                         f"{output[-1500:]}")
    return rows[0]


def describe(record: dict) -> str:
    """One progress line: what ran, and what it measured."""
    mode = f"-c {record['clients']}"
    if record["pipeline"] > 1:
        mode += f" -P {record['pipeline']}"
    return (f"  {record['test']:<12} {mode:<14} {record['target']:<16}"
            f"{record['rps']:>12,.0f} req/s {record['cpu_us_per_request']:8.2f} µs CPU/req"
            f"   p50 {record['p50_ms']:.3f} ms  p99 {record['p99_ms']:.3f} ms")
