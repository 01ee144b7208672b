"""For scale: a naive Python server beside real Redis and our last step.

The issue that set the speed targets put them against "a naive Python
server": this measures one (naive_asyncio/server.py) in the same run, on
SET and GET at -c 50, without and with -P 16, so the book can say what the
steps' event loop, parser and reply buffering buy over the obvious code,
and how much of the gap to Redis is simply Python's.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from bench import throughput
from bench.plan import Plan
from bench.servers import REDIS, BenchError, Server, Target
from bench.wire import Connection

NAIVE = Target("naive_asyncio", 0, Path(__file__).resolve().parent / "naive_asyncio")
TESTS = ("set", "get")


def measure(targets: list[Target], caps: dict[str, set[str]], plan: Plan,
            say) -> dict:
    """SET and GET for Redis, the naive server and our last step, in turns."""
    able = [t for t in targets if not t.is_redis and {"set", "get"} <= caps[t.name]]
    if not able:
        return {"skipped": "no step measured here has SET and GET"}
    targets = [REDIS, NAIVE, able[-1]]
    modes = [(50, 1, plan.requests), (50, throughput.PIPELINE, plan.pipelined_requests)]
    records = []
    with ExitStack() as stack:
        servers = [stack.enter_context(Server(t)) for t in targets]
        check_answers(servers[1])
        for test in TESTS:
            for clients, pipeline, requests in modes:
                for server in servers:
                    record = throughput.run(server, test, clients, pipeline, requests,
                                            plan.benchmark_timeout)
                    say(throughput.describe(record))
                    records.append(record)
    return {"targets": [t.name for t in targets], "records": records}


def check_answers(server: Server) -> None:
    """Time the naive server only if it answers SET and GET as Redis does."""
    with Connection(server.port) as conn:
        answers = (conn.call("SET", "k", "v"), conn.call("GET", "k"),
                   conn.call("GET", "missing"))
    if answers != (b"OK", b"v", None):
        raise BenchError(f"{server.target.name} answered SET/GET with {answers!r}")
