"""How much each benchmark does: the full run, and --quick for CI."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    """Request and key counts. --quick runs the same code with small ones."""

    quick: bool
    requests: int  # per redis-benchmark run at -c 50, no pipelining
    pipelined_requests: int  # per run at -c 50 -P 16
    many_clients_requests: int  # GET at -c 1000
    latency_requests: int  # per run at -c 1
    idle_clients: int  # connections held open at once
    pings: int  # timed PINGs from a fresh client
    string_keys: int  # for bytes per key
    hashes: int  # small hashes, HASH_FIELDS fields each (memory.py)
    sets: int  # small sets, SET_MEMBERS integers each
    zsets: int  # small sorted sets, ZSET_MEMBERS members each
    lists: int  # lists of LIST_ELEMENTS elements each
    expiring_keys: int  # set with PX expire_ms
    expire_ms: int
    expiry_timeout: float  # give up this long after the deadline
    idle_seconds: float  # window for the cron's CPU on an idle server
    profile_requests: int  # pipelined requests while py-spy samples
    blocked_clients: int  # clients blocked in BLPOP while the server idles
    handoff_rounds: int  # timed LPUSH→BLPOP hand-offs
    subscribers: int  # connections SUBSCRIBEd to the fan-out channel
    publishes: int  # PUBLISHes, each delivered to every subscriber
    snapshot_keys: int  # string keys saved by BGSAVE
    aof_requests: int  # SETs per run at -c 50, each log policy and none
    aof_pipelined_requests: int  # SETs per run at -c 50 -P 16
    benchmark_timeout: float  # seconds for one redis-benchmark run
    tests: tuple[str, ...] | None = None  # redis-benchmark tests; None: all
    repeat: int = 1  # runs of each redis-benchmark test; figures are medians


FULL = Plan(
    quick=False, requests=100_000, pipelined_requests=500_000,
    many_clients_requests=100_000, latency_requests=20_000,
    idle_clients=10_000, pings=1000, string_keys=1_000_000, hashes=100_000,
    sets=100_000, zsets=100_000, lists=10_000,
    expiring_keys=100_000, expire_ms=1000, expiry_timeout=10.0,
    idle_seconds=10.0, profile_requests=300_000, blocked_clients=1000,
    handoff_rounds=2000, subscribers=1000, publishes=500,
    snapshot_keys=1_000_000, aof_requests=100_000, aof_pipelined_requests=200_000,
    benchmark_timeout=600.0)

QUICK = Plan(
    quick=True, requests=1_000, pipelined_requests=8_000,
    many_clients_requests=1_000, latency_requests=200,
    idle_clients=300, pings=100, string_keys=20_000, hashes=5_000,
    sets=5_000, zsets=5_000, lists=500,
    expiring_keys=2_000, expire_ms=300, expiry_timeout=5.0,
    idle_seconds=0.5, profile_requests=50_000, blocked_clients=200,
    handoff_rounds=40, subscribers=100, publishes=20, snapshot_keys=20_000,
    aof_requests=1_000, aof_pipelined_requests=4_000,
    benchmark_timeout=60.0,
    # Every test takes the same path through the driver: four show it works,
    # and LRANGE the one that differs.
    tests=("ping_inline", "ping_mbulk", "set", "get", "lrange_100"))
