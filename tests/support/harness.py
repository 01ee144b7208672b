"""Test harness: which server each test runs against, and how it is started.

Every black-box test in ``tests/NN_name/`` belongs to step NN. By default it
runs against that step and every later step folder (later steps keep earlier
behaviour). ``--target`` picks other targets and may be repeated:

    --target steps        every step folder (the default)
    --target redis        a real redis-server on a free port
    --target path:DIR     any folder with a server.py (a learner's workspace)
    --target 03_eventloop one step folder (or just: --target 03)

Markers: ``internal`` tests look at our own code or command line and are not
run against real Redis; ``last_step("02_resp")`` tests describe a limitation
that later steps remove.
"""

from __future__ import annotations

import importlib
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from hypothesis import HealthCheck, settings
from redis.backoff import NoBackoff
from redis.retry import Retry
from support.servers import ServerProcess, Target, parse_target, step_number
from support.wire import RawClient, redis_cli

settings.register_profile(
    "default",
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("default")


def pytest_addoption(parser):
    parser.addoption(
        "--target", action="append", default=None, metavar="TARGET",
        help="steps (default), redis, path:DIR or a step name; may be repeated",
    )


def pytest_configure(config):
    specs = config.getoption("--target") or ["steps"]
    targets: list[Target] = []
    for spec in specs:
        try:
            targets += [t for t in parse_target(spec) if t not in targets]
        except ValueError as err:
            raise pytest.UsageError(str(err)) from None
    config.stash[TARGETS] = targets


TARGETS = pytest.StashKey[list]()


def test_step(path: Path) -> int | None:
    """The step a test file belongs to: tests/03_eventloop/... -> 3."""
    for part in reversed(path.parts):
        number = step_number(part)
        if number is not None:
            return number
    return None


def applies(target: Target, item_step: int, node) -> bool:
    """Whether a test of `item_step` (with its markers) should run against `target`."""
    if target.step < item_step:
        return False
    if target.is_redis and node.get_closest_marker("internal"):
        return False
    last = node.get_closest_marker("last_step")
    if last is not None:
        return not target.is_redis and target.step <= step_number(last.args[0])
    return True


def pytest_generate_tests(metafunc):
    if "target" not in metafunc.fixturenames:
        return
    step = test_step(metafunc.definition.path) or 1
    targets = [
        t for t in metafunc.config.stash[TARGETS] if applies(t, step, metafunc.definition)
    ]
    metafunc.parametrize(
        "target", targets, ids=[t.name for t in targets], indirect=True, scope="session"
    )


def pytest_collection_modifyitems(config, items):
    """Drop tests that no selected target applies to (instead of skipping them)."""
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        params = callspec.params if callspec else {}
        no_target = "target" in item.fixturenames and not isinstance(
            params.get("target"), Target
        )
        (dropped if no_target else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
    items.sort(key=lambda item: not runs_long(item))


# The longest units of work, started first so that with pytest-xdist they
# run beside the many short tests rather than after them, on one worker
# while the others wait: the book's build (one xdist group), the quick
# benchmark (one group) and the exercise invariants (a child pytest each).
LONG_RUNNING = ("tests/book/", "tests/bench/test_bench.py",
                "tests/tools/test_exercise_invariants.py")


def runs_long(item) -> bool:
    return item.nodeid.startswith(LONG_RUNNING)


@pytest.fixture(scope="session")
def target(request) -> Target:
    return request.param


@pytest.fixture(scope="session")
def _shared_servers():
    started: dict[Target, ServerProcess] = {}
    yield started
    for proc in started.values():
        proc.stop()


@pytest.fixture
def server(target, _shared_servers):
    """The target's shared server; started again if an earlier test made it exit."""
    proc = _shared_servers.get(target)
    if proc is None or not proc.answers():
        if proc is not None:
            proc.stop()  # it crashed: forget it, so reports stop showing it
        proc = _shared_servers[target] = ServerProcess(target).start()
    return proc


@pytest.fixture
def start_server(target):
    """Factory: start a private server with Redis config flags, e.g. maxclients=10."""
    started = []

    def start(**config) -> ServerProcess:
        proc = ServerProcess(target, {k.replace("_", "-"): v for k, v in config.items()})
        started.append(proc)
        return proc.start()

    yield start
    for proc in started:
        proc.stop()


@pytest.fixture
def r(server):
    """redis-py with default settings (RESP3 via HELLO 3), as a learner uses it;
    only its retries are off, so a crashed server fails a test at once."""
    client = redis.Redis(host=server.host, port=server.port, socket_timeout=10,
                         retry=Retry(NoBackoff(), 0))
    yield client
    client.close()


@pytest.fixture
def raw(server):
    """A raw socket to the server for byte-exact checks."""
    with RawClient(server.port) as client:
        yield client


@pytest.fixture
def raw3(server):
    """A raw connection switched to RESP3."""
    with RawClient(server.port) as client:
        assert client.call("HELLO", "3").startswith(b"%7\r\n")
        yield client


@pytest.fixture
def connect(server):
    """Factory: another raw connection to the server, for tests that need
    several clients at once; connect(3) is one switched to RESP3 by
    HELLO 3. All are closed after the test."""
    opened = []

    def open_client(protocol: int = 2) -> RawClient:
        client = RawClient(server.port)
        opened.append(client)
        if protocol == 3:
            assert client.call("HELLO", "3").startswith(b"%7\r\n")
        return client

    yield open_client
    for client in opened:
        client.close()


@pytest.fixture
def cli(server):
    """Run redis-cli one-shot against the server: cli('ping').stdout == 'PONG\\n'."""
    return lambda *args, **kw: redis_cli(server.port, *args, **kw)


@contextmanager
def modules_from(directory: Path):
    """Import a step's modules (resp, ae, ...) by their plain names, then forget them."""
    names = {p.stem for p in directory.glob("*.py")}
    saved = {n: sys.modules.pop(n) for n in names if n in sys.modules}
    sys.path.insert(0, str(directory))
    try:
        yield importlib.import_module
    finally:
        sys.path.remove(str(directory))
        for name in names:
            sys.modules.pop(name, None)
        sys.modules.update(saved)


@pytest.fixture
def step_module(target):
    """Import one of the target step's modules: step_module('resp')."""
    with modules_from(target.directory) as load:
        yield load


@pytest.fixture(autouse=True)
def _empty_keyspace(request):
    """From step 04 on, tests share a server with a keyspace: each test
    that uses the shared `server` starts with FLUSHALL."""
    if "server" in request.fixturenames and (test_step(request.path) or 0) >= 4:
        shared = request.getfixturevalue("server")
        with RawClient(shared.port) as client:
            assert client.call("FLUSHALL") == b"+OK\r\n"
    yield


@pytest.fixture(autouse=True)
def _server_logs_on_failure(request):
    """Remember where each server's log stood, so a failure can show what it printed."""
    request.node.stash[LOG_MARKS] = {s: s.log_size() for s in ServerProcess.live}
    yield


LOG_MARKS = pytest.StashKey[dict]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not report.failed or LOG_MARKS not in item.stash:
        return
    marks = item.stash[LOG_MARKS]
    for proc in ServerProcess.live:
        text = proc.log_text(marks.get(proc, 0))
        status = "running" if proc.alive() else f"exited with {proc.proc.returncode}"
        if text or not proc.alive():
            report.sections.append((f"server {proc!r} ({status}) output", text[-8000:]))
