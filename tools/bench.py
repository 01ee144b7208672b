"""bench.py: measure real Redis and every step from 03 on, in one run.

    python tools/bench.py             the full run (about fifteen minutes), then
                                      the book's page (tools/bench_report.py)
    python tools/bench.py --quick     the same code with tiny counts (CI): it
                                      checks that every benchmark runs, and
                                      judges no target
    python tools/bench.py --repeat 3  each redis-benchmark run three times:
                                      medians, for a machine that is not quiet
    python tools/bench.py --only memory,throughput --tests get,hset \
        --steps steps/05_expiry steps/06_encodings
                                      some sections, some redis-benchmark
                                      tests, some steps (Redis always)

Every figure is taken for real `redis-server` and for each step folder in
the same run on the same machine, and reported as a ratio ours/redis, with
the issues' targets marked met or not (tools/bench/goals.py); --quick's
counts are too small to judge them, so it shows the ratios alone. The results
go to bench/results/<date>-<host>.json, with the machine they came from.
A benchmark that needs a command a step does not have yet (SET before step
04, SET PX before step 05, BLPOP before step 07, PUBLISH before step 09,
BGSAVE before step 10, the append-only file before step 11) is left out
for that step, after asking it.

The throughput section also measures a peer, the naive Python server of
tools/bench/peers/ (naive_selectors), taking turns with Redis and the steps,
on every redis-benchmark test it runs; the table and the book then give
each step's ratio to it as well. The other sections are Redis and the steps.

The parts live in tools/bench/ (see its __init__.py). Linux only: CPU time
and memory are read from /proc.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import platform
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench import aof, blocking, clients, expiry, fanout, memory, profiling, snapshot, throughput
from bench.goals import build_rows, text_table
from bench.plan import FULL, QUICK, Plan
from bench.servers import (
    PEERS,
    REDIS,
    REPO,
    BenchError,
    Server,
    Target,
    discover_steps,
    pin_cpus,
    require_tool,
    step_target,
)
from bench.wire import capabilities

RESULTS_DIR = REPO / "bench" / "results"
SECTIONS = ("throughput", "connections", "memory", "expiry", "cron", "blocking",
            "fanout", "snapshot", "aof", "profile")


def say(message: str) -> None:
    print(message, flush=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark real Redis and our steps; report ratios ours/redis.")
    parser.add_argument("--quick", action="store_true",
                        help="tiny counts: checks that every benchmark works, "
                        "judges no target (CI)")
    parser.add_argument("--steps", nargs="+", metavar="DIR", type=Path,
                        help="step folders to measure (default: steps/03_* and later)")
    parser.add_argument("--only", type=lambda s: s.split(","), default=list(SECTIONS),
                        metavar="SECTION,...", help="some of: " + ",".join(SECTIONS))
    parser.add_argument("--out", type=Path, help="results file (default: "
                        "bench/results/<date>-<host>[-quick].json)")
    parser.add_argument("--tests", type=lambda s: tuple(s.lower().split(",")),
                        metavar="TEST,...", help="redis-benchmark tests of the "
                        "throughput section (default: all): some of "
                        + ",".join(throughput.TESTS))
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="run each redis-benchmark test N times; report medians")
    parser.add_argument("--no-pin", action="store_true",
                        help="don't keep the servers on a CPU of their own")
    parser.add_argument("--no-report", action="store_true",
                        help="don't write the book's page (--quick never does)")
    args = parser.parse_args(argv)
    unknown = set(args.only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s) {', '.join(sorted(unknown))}")
    unknown = set(args.tests or ()) - set(throughput.TESTS)
    if unknown:
        parser.error(f"unknown test(s) {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    plan = dataclasses.replace(QUICK if args.quick else FULL, repeat=args.repeat)
    if args.tests:
        plan = dataclasses.replace(plan, tests=args.tests)
    started = time.monotonic()
    try:
        for tool in ("redis-server", "redis-benchmark"):
            require_tool(tool)
        steps = (sorted((step_target(p) for p in args.steps), key=lambda t: t.step)
                 if args.steps else discover_steps())
        if not steps:
            raise BenchError("no step folder to measure (steps/03_* and later)")
        pinned = None if args.no_pin else pin_cpus()
        results = run(plan, [REDIS, *steps], args.only, PEERS)
        results["machine"]["pinned"] = pinned
    except BenchError as err:
        print(f"bench: {err}", file=sys.stderr)
        return 1
    out = args.out or default_output(plan)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1) + "\n")
    if plan.quick:
        say("\nRatios ours/redis from tiny counts. Quick mode checks only that every "
            "benchmark runs:\nno target is judged met or not here; `make bench` "
            "measures them.\n")
    else:
        say("\nRatios ours/redis, or to the server a section names in the redis "
            "column\n(step 05, naive_selectors; lower is better, except "
            "requests/s):\n")
    say(text_table(build_rows(results), [s.name for s in steps], verdicts=not plan.quick))
    machine = results["machine"]
    say(f"\nLoad average {machine['loadavg_start'][0]:.1f} at the start, "
        f"{machine['loadavg_end'][0]:.1f} at the end, on {machine['cores']} cores: "
        "on a busy machine the ratios move.")
    say(f"Results: {out.relative_to(REPO) if out.is_relative_to(REPO) else out}"
        f" ({time.monotonic() - started:.0f} s)")
    if not plan.quick and not args.no_report:
        import bench_report
        return bench_report.main(["--results", str(out)])
    return 0


def run(plan: Plan, targets: list[Target], sections: list[str],
        peers: tuple[Target, ...] = ()) -> dict:
    """Run the chosen sections; return everything the results file holds.

    `targets` are Redis and the steps, measured in every section; `peers`
    only in the throughput section, between Redis and the steps.
    """
    peers = peers if "throughput" in sections else ()
    results = {"machine": machine_info(), "plan": dataclasses.asdict(plan),
               "targets": [t.name for t in targets],
               "peers": [t.name for t in peers]}
    say("== What each server can run")
    caps = probe([*targets, *peers])
    results["capabilities"] = {name: sorted(c) for name, c in caps.items()}
    racers = [*targets[:1], *peers, *targets[1:]]
    measure = {
        "throughput": lambda: throughput.measure(racers, caps, plan, say),
        "connections": lambda: clients.measure(targets, plan, say),
        "memory": lambda: memory.measure(targets, caps, plan, say),
        "expiry": lambda: expiry.measure_expiry(targets, caps, plan, say),
        "cron": lambda: expiry.measure_cron(targets, plan, say),
        "blocking": lambda: blocking.measure(targets, caps, plan, say),
        "fanout": lambda: fanout.measure(targets, caps, plan, say),
        "snapshot": lambda: snapshot.measure(targets, caps, plan, say),
        "aof": lambda: aof.measure(targets, caps, plan, say),
        "profile": lambda: profiling.measure(targets, caps, plan, say),
    }
    for section in SECTIONS:
        if section in sections:
            say(f"== {section}")
            started = time.monotonic()
            results[section] = measure[section]()
            say(f"   ({time.monotonic() - started:.1f} s)")
    if "memory" in sections:
        results["memory_model"] = memory.python_object_sizes(plan.string_keys)
    results["machine"]["loadavg_end"] = os.getloadavg()
    return results


def probe(targets: list[Target]) -> dict[str, set[str]]:
    """What each target runs: the probes it passes (wire.PROBES), and for a
    peer only those it claims, so that a command it answers without doing
    what it says (SET ... PX) counts for nothing."""
    caps = {}
    for target in targets:
        with Server(target) as server:
            caps[target.name] = capabilities(server.port)
        if target.claims is not None:
            caps[target.name] &= target.claims
        say(f"  {target.name:<15} {' '.join(sorted(caps[target.name]))}")
    return caps


def default_output(plan: Plan) -> Path:
    name = f"{datetime.date.today()}-{socket.gethostname()}"
    return RESULTS_DIR / f"{name}{'-quick' if plan.quick else ''}.json"


def machine_info() -> dict:
    """Where the numbers come from: they mean little without it."""
    def version(tool: str) -> str:
        out = subprocess.run([require_tool(tool), "--version"], capture_output=True,
                             text=True).stdout
        return next((w[2:] for w in out.split() if w.startswith("v=")),
                    out.split()[-1] if out.split() else "?")

    return {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "host": socket.gethostname(), "cores": os.cpu_count(),
        "cpu_model": cpu_model(), "kernel": platform.release(),
        "python": platform.python_version(),
        "redis_server": version("redis-server"),
        "redis_benchmark": version("redis-benchmark"),
        "commit": git("rev-parse", "--short", "HEAD"),
        "steps_changed_since_commit": bool(git("status", "--porcelain", "steps")),
        "loadavg_start": os.getloadavg(),
    }


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
    return done.stdout.strip()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
