"""Targets and server processes: what the black-box tests talk to.

A *target* is either one of our step folders, any folder holding a
``server.py`` (a learner's workspace), or a real ``redis-server``. Tests
start the target exactly as a learner does, as a subprocess on a free port,
with Redis's own configuration names as flags (``--maxclients 10``), so the
same command line works for both kinds of server.
"""

from __future__ import annotations

import functools
import itertools
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STEPS_DIR = REPO / "steps"
STEP_NAME = re.compile(r"^(\d\d)_[a-z0-9_]+$")
REAL_REDIS_STEP = 99  # real Redis implements every step


def step_number(name: str) -> int | None:
    """Return 3 for '03_eventloop', None for a name without a step prefix."""
    match = STEP_NAME.match(name)
    return int(match.group(1)) if match else None


def step_dirs() -> list[Path]:
    """Every step folder that exists, in order."""
    return sorted(
        p for p in STEPS_DIR.iterdir()
        if step_number(p.name) is not None and (p / "server.py").exists()
    )


@dataclass(frozen=True)
class Target:
    """Something the black-box tests can start and talk to."""

    name: str  # "02_resp", "redis" or "path:workspace/02_resp"
    kind: str  # "step", "path" or "redis"
    step: int  # the step it implements
    directory: Path | None = None

    @property
    def is_redis(self) -> bool:
        return self.kind == "redis"

    def command(self, port: int, config: dict[str, object]) -> list[str]:
        argv = []
        for name, value in config.items():  # value True: a flag with no value
            argv += [f"--{name}"] if value is True else [f"--{name}", str(value)]
        if self.is_redis:
            return [
                redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", *argv,
            ]
        return [sys.executable, str(self.directory / "server.py"), "--port", str(port),
                *self.no_save_points(), *argv]

    def no_save_points(self) -> list[str]:
        """From step 10 a step saves its dataset on shutdown, as Redis does by
        default: like redis-server above, no save points unless asked, or
        every stopped server would leave a dump.rdb in its working folder."""
        return ["--save", ""] if self.step >= 10 else []

    def environment(self) -> dict[str, str]:
        if self.is_redis:
            # Redis collates SORT ... ALPHA with strcoll() in the locale it
            # starts in (setlocale(LC_COLLATE, "") in main()); the steps
            # compare bytes, as the C locale does.
            return {**os.environ, "LC_ALL": "C"}
        return {**os.environ, "PYTHONUNBUFFERED": "1"}


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if not found:
        raise RuntimeError(
            "redis-server is not installed: run `make test` (it installs it) "
            "or `apt-get install redis-server`"
        )
    return found


def parse_target(spec: str) -> list[Target]:
    """Turn a --target value into targets: steps, redis, path:DIR, or a step name."""
    if spec == "steps":
        return [Target(p.name, "step", step_number(p.name), p) for p in step_dirs()]
    if spec == "redis":
        return [Target("redis", "redis", REAL_REDIS_STEP)]
    if spec.startswith("path:"):
        directory = Path(spec[5:]).resolve()
        if not (directory / "server.py").exists():
            raise ValueError(f"--target {spec}: no server.py in {directory}")
        step = step_number(directory.name)
        if step is None:
            raise ValueError(
                f"--target {spec}: the folder name must start with its step, e.g. 03_eventloop"
            )
        return [Target(spec, "path", step, directory)]
    for p in step_dirs():
        if spec in (p.name, p.name[:2]):
            return [Target(p.name, "step", step_number(p.name), p)]
    raise ValueError(f"unknown --target {spec!r}: use steps, redis, path:DIR or a step name")


# Below Linux's ephemeral ports (32768-60999), where bind(0) and every
# client connection draw theirs.
TEST_PORTS = range(10000, 32768)


@functools.cache
def ports_of_this_worker() -> Iterator[int]:
    """Endless ports from this pytest-xdist worker's own slice of TEST_PORTS,
    from a random place. Two workers asking the kernel for a free port can
    be given the same one, and the second server then fails to bind while
    its test talks to the first."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    size = len(TEST_PORTS) // workers
    mine = TEST_PORTS[worker * size:(worker + 1) * size]
    return itertools.islice(itertools.cycle(mine), random.randrange(size), None)


def free_port() -> int:
    """A port nothing listens on, that no other worker of this run hands out."""
    for port in itertools.islice(ports_of_this_worker(), len(TEST_PORTS)):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError(f"no free port in {TEST_PORTS}")


def wait_until(condition, timeout: float, interval: float = 0.01, message: str = ""):
    """Poll `condition` until it returns a true value; fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(message or f"condition not met within {timeout}s")
        time.sleep(interval)


class ServerProcess:
    """One running server under test, with its log kept in a file."""

    live: list[ServerProcess] = []  # every server not yet stopped

    def __init__(self, target: Target, config: dict[str, object] | None = None):
        self.target = target
        self.config = dict(config or {})
        self.host = str(self.config.get("bind", "127.0.0.1"))
        self.port = 0
        self.proc: subprocess.Popen | None = None
        # Its working directory, where a server that saves writes dump.rdb
        # unless told --dir (a test may set save points): never the repo.
        self.workdir = tempfile.mkdtemp(prefix="server-")
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (lives as long as the server)
            prefix=f"server-{target.name.replace('/', '_').replace(':', '_')}-",
            suffix=".log", delete=False,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def start(self, timeout: float = 15.0) -> ServerProcess:
        for _attempt in range(3):  # another process may grab the free port first
            self.port = free_port()
            self.proc = subprocess.Popen(
                self.target.command(self.port, self.config),
                stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=self.workdir, env=self.target.environment(),
            )
            ServerProcess.live.append(self)
            if self._wait_ready(timeout):
                return self
            self.stop()
            if "in use" not in self.log_text():
                break
        raise RuntimeError(
            f"{self.target.name} did not start on port {self.port}:\n{self.log_text()}"
        )

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with socket.create_connection((self.host, self.port), timeout=1):
                    return True
            except OSError:
                time.sleep(0.02)
        return False

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def answers(self) -> bool:
        """Alive and accepting connections (a dying process can be neither)."""
        if not self.alive():
            return False
        try:
            socket.create_connection((self.host, self.port), timeout=2).close()
        except OSError:
            return False
        return True

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> int | None:
        """Stop the server; return its exit status."""
        if self in ServerProcess.live:
            ServerProcess.live.remove(self)
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def log_size(self) -> int:
        return os.path.getsize(self.log.name)

    def log_text(self, since: int = 0) -> str:
        with open(self.log.name, "rb") as f:
            f.seek(since)
            return f.read().decode(errors="replace")

    def open_fds(self) -> int:
        """How many file descriptors the server process has open (Linux)."""
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def rss_bytes(self) -> int:
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS line")

    def __repr__(self) -> str:
        return f"<{self.target.name} pid={self.proc and self.proc.pid} port={self.port}>"
