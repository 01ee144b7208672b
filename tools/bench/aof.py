"""The append-only file: what logging every write costs a server.

Each server with the append-only file (real Redis, our steps from 11 on)
is started three times, each in a temporary directory of its own
(`--dir`): with `appendonly no`, then with `appendonly yes` and
`appendfsync everysec`, and with `appendonly yes` and `appendfsync
always`. All of them run at once and take turns, as in the throughput
section, through redis-benchmark's SET test (throughput.run: a fixed
number of requests, the server's CPU time read around it), at -c 50 and
at -c 50 -P 16. Every SET is one more command in the log.

- everysec: the turn's commands are written to the file before the
  turn's replies are sent (flushAppendOnlyFile() in beforeSleep()), and
  fsynced about once a second by another thread (Redis's bio thread; a
  Python thread in our step 11), whose CPU time counts too.
- always: the turn's commands are written and fsynced before any of its
  replies goes out (AE_BARRIER), one fsync per turn of the event loop,
  which serves as many requests as the turn read: about 50 without
  pipelining, 800 with -P 16. The fsync waits for the disk that holds the
  temporary directory (TMPDIR, /tmp by default); a server waiting for it
  uses no CPU, so it shows in requests/s, not in CPU per request.

The figures: requests/s and CPU per request, as ratios ours/redis, and
each server's CPU per request with the log over the same server's
without it (`cost`): what the log costs, Redis's and ours side by side.
Then the servers are stopped (SIGTERM: each flushes and fsyncs its log)
and the files in their `appendonlydir` counted: the base file (an RDB
preamble of the empty dataset the server started with), the manifest, and
the incr file, where every SET is written as the client sent it. Bytes
per SET: those bytes over the SETs the server ran (INFO commandstats).
The same SETs make the same commands in both logs, so this ratio should
be 1.00×.

A server without the append-only file (a step before 11) is left out,
after asking it (wire.PROBES: CONFIG SET appendfsync).
"""

from __future__ import annotations

import os
import re
import tempfile
from contextlib import ExitStack

from bench.plan import Plan
from bench.servers import Server, Target
from bench.snapshot import info_fields
from bench.throughput import PIPELINE, describe, median_record, run
from bench.wire import Connection

# The three ways each server runs, as configuration flags.
CONFIGS = {
    "off": {"appendonly": "no"},
    "everysec": {"appendonly": "yes", "appendfsync": "everysec"},
    "always": {"appendonly": "yes", "appendfsync": "always"},
}
POLICIES = ("everysec", "always")  # the configurations with a log
AOF_DIR = "appendonlydir"  # appenddirname's default


def modes(plan: Plan) -> list[tuple[int, int, int]]:
    """(clients, pipeline, requests) of the SET runs."""
    return [(50, 1, plan.aof_requests), (50, PIPELINE, plan.aof_pipelined_requests)]


def measure(targets: list[Target], caps: dict[str, set[str]], plan: Plan,
            say) -> dict[str, dict]:
    """Every target with the append-only file, with each configuration;
    the others skipped."""
    able = [t for t in targets if "aof" in caps[t.name]]
    results = {t.name: {"skipped": "skipped: no append-only file"}
               for t in targets if t not in able}
    with ExitStack() as stack:
        servers = {}
        for config, flags in CONFIGS.items():
            for target in able:
                folder = stack.enter_context(
                    tempfile.TemporaryDirectory(prefix=f"bench-aof-{config}-"))
                servers[target.name, config] = (
                    stack.enter_context(Server(target, dir=folder, **flags)), folder)
        runs = take_turns(servers, plan, say)
        files = {}
        for (name, config), (server, folder) in servers.items():
            if config in POLICIES:
                sets = set_calls(server)
                server.stop()  # the log flushed and fsynced: its size is final
                files[name, config] = log_files(folder, sets)
        for target in able:
            results[target.name] = {
                "runs": [r for r in runs if r["target"] == target.name],
                "files": {p: files[target.name, p] for p in POLICIES}}
    for target in able:
        files = results[target.name]["files"]
        say(f"  {target.name:<14} AOF bytes per SET: " + ", ".join(
            f"{files[p]['bytes_per_set']:.1f} ({p})" for p in POLICIES))
    return results


def take_turns(servers: dict, plan: Plan, say) -> list[dict]:
    """The SET runs of every server, one mode at a time; with plan.repeat
    > 1 each figure is the median of the repeats."""
    records = []
    for clients, pipeline, requests in modes(plan):
        repeats: dict[tuple, list[dict]] = {key: [] for key in servers}
        for _ in range(plan.repeat):
            for (name, config), (server, _) in servers.items():
                record = run(server, "set", clients, pipeline, requests,
                             plan.benchmark_timeout) | {"aof": config}
                say(f"  {config:<9}{describe(record)}")
                repeats[name, config].append(record)
        records += [median_record(runs) for runs in repeats.values()]
    return records


def runs_by_key(results: dict[str, dict]) -> dict[tuple[str, str, int], dict]:
    """The runs of a results' aof section by (target, configuration,
    pipeline), for every target measured."""
    return {(t, r["aof"], r["pipeline"]): r for t, figures in results.items()
            if "skipped" not in figures for r in figures["runs"]}


def log_cost(runs: dict, target: str, config: str, pipeline: int) -> float:
    """A server's CPU per request with the log over its own without it."""
    return (runs[target, config, pipeline]["cpu_us_per_request"]
            / runs[target, "off", pipeline]["cpu_us_per_request"])


def set_calls(server: Server) -> int:
    """The SETs the server ran, from INFO commandstats: redis-benchmark
    may send a few more than -n with -P 16 (a whole pipeline each time)."""
    with Connection(server.port) as conn:
        stats = info_fields(conn, "commandstats")[b"cmdstat_set"]
    return int(re.match(rb"calls=(\d+)", stats).group(1))


def log_files(folder: str, sets: int) -> dict:
    """The files of a server's append-only log, and their bytes per SET."""
    directory = os.path.join(folder, AOF_DIR)
    sizes = {name: os.path.getsize(os.path.join(directory, name))
             for name in sorted(os.listdir(directory))}
    total = sum(sizes.values())
    return {"files": sizes, "bytes": total, "sets": sets,
            "bytes_per_set": total / sets}
