"""Snapshots: BGSAVE of many small keys, and what it costs the parent.

Each server with BGSAVE (real Redis, our steps from 10 on) starts in a
temporary directory of its own (`--dir`), and `snapshot_keys` string keys
(`key:%012d`, each holding the same 32-byte VALUE) are loaded, pipelined.
The value is over the 20 bytes below which `rdbcompression` (on, the
default, for every server) does not try: each is written LZF-compressed,
as Redis does, so the file sizes compare the compression too. Then, on
the same server:

1. BGSAVE is sent, and its round trip timed: the parent forks before it
   replies, so this is the fork's cost to the clients.
2. One client sends GET and SET, alternately, on random keys among those
   loaded, one at a time, and times each round trip, until dump.rdb is in
   the directory (looked for between two requests). The child writes
   temp-<pid>.rdb and renames it to dump.rdb once it is whole, so the
   file's arrival ends the write; the clock runs from sending BGSAVE.
3. INFO persistence is polled until rdb_bgsave_in_progress is 0 (the
   parent reaps the child in its cron, at hz 10 up to 100 ms later), and
   rdb_last_bgsave_status must be ok. The copy-on-write is the
   rdb_last_cow_size the child reported: its Private_Dirty bytes, the
   pages that parent or child wrote to after the fork. The file's size.
4. The baseline: the same client, the same requests, as many of them as
   in step 2, with no save running.

The SETs in step 2 copy pages too, so a server that takes longer to save
also has more of them in its copy-on-write figure.

Every server runs on one CPU (servers.pin_cpus), and a forked child
inherits it: the child and the parent take turns on it, as they would on
a machine with one core, and the parent's latency during the save shows
it. A server without BGSAVE (a step before 10) is left out, after asking
it.
"""

from __future__ import annotations

import os
import random
import re
import tempfile
import time

from bench.plan import Plan
from bench.servers import BenchError, Server, Target
from bench.wire import Connection, encode, keyed_requests, load, percentile

KEY = b"key:%012d"
VALUE = b"0123456789abcdef" * 2  # 32 bytes; LZF makes them 24
DUMP = "dump.rdb"  # dbfilename's default
TIMEOUT = 300.0  # seconds for one BGSAVE
POLL_INTERVAL = 0.002  # seconds between two INFO persistence calls
MIN_BASELINE = 100  # timed requests with no save, at the least
INFO_FIELD = re.compile(rb"^(\w+):(.*?)\r?$", re.MULTILINE)


def measure(targets: list[Target], caps: dict[str, set[str]], plan: Plan,
            say) -> dict[str, dict]:
    """The snapshot of every target with BGSAVE; the others skipped."""
    results = {}
    for target in targets:
        if "bgsave" not in caps[target.name]:
            results[target.name] = {"skipped": "skipped: no BGSAVE"}
        else:
            with tempfile.TemporaryDirectory(prefix="bench-rdb-") as folder, \
                    Server(target, dir=folder) as server:
                results[target.name] = snapshot(server, folder, plan.snapshot_keys)
        r = results[target.name]
        say(f"  {target.name:<14} " + (r.get("skipped") or (
            f"BGSAVE of {r['keys']:,} keys {r['save_s']:.2f} s, "
            f"{r['file_bytes']:,} bytes, copy-on-write {r['cow_bytes']:,}; "
            f"GET/SET p99 {r['during_p99_ms']:.3f} ms while the child "
            f"writes, {r['baseline_p99_ms']:.3f} ms without")))
    return results


def snapshot(server: Server, folder: str, keys: int) -> dict:
    """Load `keys` keys, BGSAVE them with a client at work; the figures."""
    path = os.path.join(folder, DUMP)
    requests = latency_requests(keys)
    with Connection(server.port) as control, Connection(server.port) as client:
        started = time.monotonic()
        load(control, keyed_requests(b"SET", KEY, keys, VALUE), b"+OK\r\n")
        load_s = time.monotonic() - started
        if control.call("DBSIZE") != keys or os.path.exists(path):
            raise BenchError(f"{server.target.name}: not {keys} keys, or a "
                             f"{DUMP} before BGSAVE")
        rss = server.rss_bytes()
        sent = time.perf_counter()
        reply = control.call("BGSAVE")
        fork_s = time.perf_counter() - sent
        if reply != b"Background saving started":
            raise BenchError(f"{server.target.name}: BGSAVE got {reply!r}")
        during = timed_until(client, requests, lambda: os.path.exists(path))
        save_s = time.perf_counter() - sent
        info = wait_for_bgsave(control)
        done_s = time.perf_counter() - sent
        baseline = timed_count(client, requests, max(len(during), MIN_BASELINE))
    if info[b"rdb_last_bgsave_status"] != b"ok":
        raise BenchError(f"{server.target.name}: BGSAVE failed:\n"
                         + server.log_text()[-2000:])
    return ({"keys": keys, "value_bytes": len(VALUE), "load_s": load_s,
             "rss_bytes": rss, "fork_ms": fork_s * 1e3, "save_s": save_s,
             "done_s": done_s, "file_bytes": os.path.getsize(path),
             "cow_bytes": int(info[b"rdb_last_cow_size"])}
            | latencies("during", during) | latencies("baseline", baseline))


def latency_requests(keys: int) -> list[tuple[bytes, bytes]]:
    """(request, the reply it must get): GET and SET in turn, on random
    keys among those loaded, the same for every server."""
    rng = random.Random(10)
    value = b"$%d\r\n%b\r\n" % (len(VALUE), VALUE)
    return [(encode("GET", KEY % rng.randrange(keys)), value) if n % 2 == 0
            else (encode("SET", KEY % rng.randrange(keys), VALUE), b"+OK\r\n")
            for n in range(10_000)]


def round_trip(client: Connection, request: bytes, reply: bytes) -> float:
    """One request's round trip, in seconds; its reply checked."""
    start = time.perf_counter()
    client.sock.sendall(request)
    got = client.read_exact(len(reply))
    elapsed = time.perf_counter() - start
    if got != reply:
        raise BenchError(f"{request[:60]!r} got {got[:80]!r}, not {reply!r}")
    return elapsed


def timed_until(client: Connection, requests: list, done) -> list[float]:
    """Round trips, one request at a time, until done() is true (checked
    after each; at least one request)."""
    times: list[float] = []
    deadline = time.monotonic() + TIMEOUT
    while True:
        request, reply = requests[len(times) % len(requests)]
        times.append(round_trip(client, request, reply))
        if done():
            return times
        if time.monotonic() > deadline:
            raise BenchError(f"no {DUMP} after {TIMEOUT:.0f} s of BGSAVE")


def timed_count(client: Connection, requests: list, count: int) -> list[float]:
    return [round_trip(client, *requests[n % len(requests)]) for n in range(count)]


def info_fields(conn: Connection, section: str) -> dict[bytes, bytes]:
    return dict(INFO_FIELD.findall(conn.call("INFO", section)))


def wait_for_bgsave(control: Connection) -> dict[bytes, bytes]:
    """Poll INFO persistence until no save is in progress; its fields."""
    deadline = time.monotonic() + TIMEOUT
    while (info := info_fields(control, "persistence"))[
            b"rdb_bgsave_in_progress"] != b"0":
        if time.monotonic() > deadline:
            raise BenchError(f"BGSAVE still in progress after {TIMEOUT:.0f} s")
        time.sleep(POLL_INTERVAL)
    return info


def latencies(name: str, times: list[float]) -> dict:
    return {f"{name}_requests": len(times),
            f"{name}_p50_ms": percentile(times, 50) * 1e3,
            f"{name}_p99_ms": percentile(times, 99) * 1e3,
            f"{name}_max_ms": max(times) * 1e3}
