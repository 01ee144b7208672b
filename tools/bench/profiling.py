"""Where a step spends its time under a pipelined benchmark, seen by py-spy.

py-spy starts the step's server as its child and samples its Python stack
(pausing it for an instant each time, so every stack read is consistent).
A function's *self* time includes the C code it calls directly: the time in
socket.send() shows in write_to_client. py-spy leaves out samples of an
idle server (asleep in epoll_wait), so the shares are shares of CPU time;
and only samples inside ae_main count, so start-up is left out.

Not --native: unwinding C frames as well slowed the server threefold and
drew time toward system calls; perf showed the kernel's real share (under
a fifth of the CPU for step 03 with -P 16) to be much smaller than that
view said. The kernel's share is measured instead, from /proc (throughput.py).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from bench.plan import Plan
from bench.servers import BenchError, Server, Target
from bench.throughput import PIPELINE, redis_benchmark

RATE = 250  # samples per second
TOP = 15  # functions kept, by their own (self) time
LOOP_FRAME = "ae_main "  # a sample is of the event loop if this frame is in it


def find_py_spy() -> str:
    found = shutil.which("py-spy") or shutil.which(
        "py-spy", path=str(Path(sys.executable).parent))
    if not found:
        raise BenchError("py-spy is not installed: `make bench` installs the "
                         "bench dependency group (.venv/bin/pip install --group bench)")
    return found


def measure(targets: list[Target], caps: dict[str, set[str]], plan: Plan,
            say) -> list[dict]:
    """Profile the first step on PING, and the last on GET if it has GET."""
    steps = [t for t in targets if not t.is_redis]
    jobs = [(steps[0], "ping_mbulk")]
    if len(steps) > 1 and "get" in caps[steps[-1].name]:
        jobs.append((steps[-1], "get"))
    profiles = []
    for target, test in jobs:
        profiles.append(profile(target, test, plan))
        top = profiles[-1]["rows"][0]
        say(f"  {target.name:<14} {test} -P {PIPELINE}: "
            f"{profiles[-1]['samples']} samples; hottest: {top['function']} "
            f"({top['self_pct']:.1f}% self)")
    return profiles


def profile(target: Target, test: str, plan: Plan) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "profile.txt"
        wrapper = [find_py_spy(), "record", "--format", "raw",
                   "--rate", str(RATE), "--output", str(raw), "--"]
        server = Server(target, wrapper=wrapper).start()
        try:
            row = redis_benchmark(server.port, test, 50, PIPELINE,
                                  plan.profile_requests, plan.benchmark_timeout)
        finally:
            stop_child(server)
            log = server.log_text()
            server.stop()
        if not raw.exists():
            raise BenchError(f"py-spy wrote no profile:\n{log[-1500:]}")
        samples = list(parse_raw(raw.read_text()))
    return summarise(samples) | {
        "target": target.name, "test": row["test"], "pipeline": PIPELINE,
        "requests": plan.profile_requests, "rps": float(row["rps"]),
        "tool": "py-spy record", "rate": RATE}


def stop_child(server: Server, timeout: float = 30.0) -> None:
    """Stop the server py-spy started: py-spy then writes its file and exits."""
    pid = server.pid  # py-spy's; the step's server is its child
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/children") as f:
            for child in f.read().split():
                os.kill(int(child), signal.SIGTERM)
    try:
        server.proc.wait(timeout)
    except subprocess.TimeoutExpired:
        pass  # server.stop() ends it


def parse_raw(text: str):
    """Yield (frames, count) per line of py-spy's raw (collapsed) format."""
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        if stack:
            yield tuple(frame_name(f) for f in stack.split(";")), int(count)


def frame_name(frame: str) -> str:
    """"process_command (commands.py:112)" -> "process_command (commands.py)"."""
    return re.sub(r":\d+\)$", ")", frame)


def summarise(samples: list[tuple[tuple[str, ...], int]]) -> dict:
    """Self and total share of each function, over the event loop's samples."""
    own: Counter = Counter()
    total: Counter = Counter()
    by_where: Counter = Counter()  # self time per file or native library
    loop = 0
    for frames, count in samples:
        if not any(f.startswith(LOOP_FRAME) for f in frames):
            continue
        loop += count
        own[frames[-1]] += count
        by_where[where(frames[-1])] += count
        for frame in set(frames):
            total[frame] += count
    if not loop:
        raise BenchError("py-spy caught no sample of the event loop")
    rows = [{"function": name.split(" (")[0], "where": where(name),
             "self_pct": 100 * n / loop, "total_pct": 100 * total[name] / loop}
            for name, n in own.most_common(TOP)]
    return {"samples": loop, "rows": rows,
            "by_where": {w: 100 * n / loop for w, n in by_where.most_common()}}


def where(frame: str) -> str:
    """"ping_command (server.py)" -> "server.py"."""
    return frame.rpartition(" (")[2].rstrip(")")
