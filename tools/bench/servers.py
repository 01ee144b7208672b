"""Targets and server processes: what the benchmarks measure.

A target is real `redis-server`, one of our step folders, or a peer: a
server from outside the project, a single script measured beside them in
the throughput section (peers/naive_selectors.py). Redis and the steps are
started the way a learner starts them, on a free port, with Redis's
configuration names as flags (`--maxclients 10100`, `--hz 100`), so one
command line suits both; a peer takes its port and nothing else. The
process's CPU time and memory are read from /proc (Linux).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STEP_NAME = re.compile(r"^(\d\d)_[a-z0-9_]+$")
FIRST_STEP = 3  # steps 01 and 02 serve one client at a time: not benchmarked
REDIS_STEP = 99  # real Redis has every mechanism


class BenchError(Exception):
    """Something the benchmark cannot work around; the message says what to do."""


@dataclass(frozen=True)
class Target:
    """Real Redis, a folder holding a step's server.py, or a peer's script."""

    name: str  # "redis", the folder name "03_eventloop", or the script's
    step: int
    directory: Path | None = None
    script: Path | None = None  # a peer: run as `python SCRIPT PORT`
    # A peer's own list of what it runs (names of wire.PROBES): a probe it
    # merely answers without an error (SET ... PX, with PX ignored) is not
    # one of its capabilities. None: whatever the probes find.
    claims: frozenset[str] | None = None

    @property
    def is_redis(self) -> bool:
        return self.directory is None and self.script is None

    @property
    def is_peer(self) -> bool:
        return self.script is not None

    def command(self, port: int, config: dict[str, object]) -> list[str]:
        flags = [item for name, value in config.items()
                 for item in (f"--{name}", str(value))]
        if self.is_peer:
            if config:
                raise BenchError(f"{self.name} takes no configuration "
                                 f"(asked for {' '.join(flags)})")
            return [sys.executable, str(self.script), str(port)]
        if self.is_redis:
            return [require_tool("redis-server"), "--port", str(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                    *flags]
        # From step 10 a step saves on shutdown, as Redis does by default:
        # no save points, as redis-server above, so no dump.rdb in REPO.
        saves = ["--save", ""] if self.step >= 10 else []
        return [sys.executable, str(self.directory / "server.py"),
                "--port", str(port), *saves, *flags]


REDIS = Target("redis", REDIS_STEP)

# The server a competent Python programmer writes in an afternoon, given to
# the project as the bar a server built the way Redis is built should clear
# (issue 15); see peers/ and tools/bench/__init__.py. Its commands: PING
# ECHO SET GET INCR LPUSH RPUSH LPOP RPOP DBSIZE FLUSHALL FLUSHDB CONFIG
# COMMAND, in RESP2 (HELLO gets an error); SET takes no options.
NAIVE = Target(
    "naive_selectors", 0,
    script=Path(__file__).resolve().parent / "peers" / "naive_selectors.py",
    claims=frozenset({"ping", "set", "get", "incr", "lpush", "rpush", "lpop",
                      "rpop", "dbsize"}))
PEERS = (NAIVE,)


def require_tool(name: str) -> str:
    """The path of a Redis program, or a BenchError saying how to get it."""
    found = shutil.which(name)
    if not found:
        raise BenchError(
            f"{name} is not installed. It comes with Redis: `make setup` "
            "installs it on Debian/Ubuntu, or `apt-get install redis-server "
            "redis-tools`.")
    return found


def step_target(directory: Path) -> Target:
    """A target for a step folder: its name must start with the step number."""
    match = STEP_NAME.match(directory.name)
    if not match or not (directory / "server.py").exists():
        raise BenchError(f"{directory} is not a step folder (NN_name/server.py)")
    return Target(directory.name, int(match.group(1)), directory.resolve())


def discover_steps(steps_dir: Path = REPO / "steps") -> list[Target]:
    """Every step folder from 03 on, in order."""
    targets = [step_target(p) for p in sorted(steps_dir.iterdir())
               if STEP_NAME.match(p.name) and (p / "server.py").exists()]
    return [t for t in targets if t.step >= FIRST_STEP]


# With two cores or more, every server runs on the last one, and the driver
# and redis-benchmark on the others (pin_cpus). The server and its client
# then never take turns on one core: without that, a send() that wakes
# redis-benchmark up often hands it the core on the spot, and the server's
# time shows up where it was preempted, not where it worked.
SERVER_CPU: int | None = None


def pin_cpus() -> dict | None:
    """Keep servers on the last CPU and this process (and its children) off it."""
    global SERVER_CPU
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None
    SERVER_CPU = cpus[-1]
    os.sched_setaffinity(0, cpus[:-1])
    return {"server_cpu": SERVER_CPU, "client_cpus": cpus[:-1]}


def pin_to_server_cpu() -> None:
    os.sched_setaffinity(0, {SERVER_CPU})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerStartError(BenchError):
    """The server exited before it accepted a connection."""

    def __init__(self, target: Target, log: str):
        super().__init__(f"{target.name} did not start:\n{log[-2000:]}")
        self.log = log


class Server:
    """One running server; a context manager that stops it on exit."""

    def __init__(self, target: Target, wrapper: list[str] | None = None,
                 **config: object):
        self.target = target
        self.wrapper = wrapper or []  # a program that runs the server: py-spy
        self.config = {k.replace("_", "-"): v for k, v in config.items()}
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (kept until stop)
            prefix=f"bench-{target.name}-", suffix=".log")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, timeout: float = 20.0) -> Server:
        self.port = free_port()
        self.proc = subprocess.Popen(
            self.wrapper + self.target.command(self.port, self.config), cwd=REPO,
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            preexec_fn=pin_to_server_cpu if SERVER_CPU is not None else None)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerStartError(self.target, self.log_text())
            try:
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                return self
            except OSError:
                time.sleep(0.02)
        log = self.log_text()
        self.stop()
        raise ServerStartError(self.target, log + "\n(timed out)")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def log_text(self) -> str:
        with open(self.log.name, "rb") as f:
            return f.read().decode(errors="replace")

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def user_and_system_ticks(self) -> tuple[int, int]:
        return user_and_system_ticks(self.pid)

    def rss_bytes(self) -> int:
        return rss_bytes(self.pid)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used so far, in seconds.

    This is utime + stime of /proc/<pid>/stat, but read from each thread's
    /proc/<pid>/task/<tid>/schedstat, which counts the same time in
    nanoseconds instead of 10 ms clock ticks: an idle Redis uses less than
    one tick a second. Falls back to /proc/<pid>/stat without schedstat.
    """
    try:
        total = 0
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        return total / 1e9
    except FileNotFoundError:
        return sum(user_and_system_ticks(pid)) / os.sysconf("SC_CLK_TCK")


def user_and_system_ticks(pid: int) -> tuple[int, int]:
    """utime and stime of /proc/<pid>/stat: CPU time in user mode and in the kernel."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]), int(fields[12])  # fields 14 and 15 of stat


def rss_bytes(pid: int) -> int:
    """Resident memory of the process (VmRSS), in bytes."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise BenchError(f"no VmRSS for pid {pid}")
