"""tutor_plugin.py: a pytest plugin that reports each test's outcome to the tutor.

tools/tutor.py runs the step's tests in a child pytest with
``-p tutor_plugin --tutor-report FILE`` (tools/ on PYTHONPATH). As each
test finishes, one JSON line is appended to FILE: its outcome, the
exercises it is tagged with, and for a failure what a learner needs to
see: the bytes the test sent, the two sides of the failed comparison, the
error, and the NotImplementedError or traceback from the server's log.
The first line is ``{"event": "collected", "count": N, "exercises": [...]}``,
the ids the collected tests are tagged with.

``--tutor-exercise ID`` (repeatable) keeps only the tests tagged with one
of those exercises; with ``--tutor-others``, only the tests tagged with
none of them.

``--tutor-stub ID`` says the workspace has that one exercise stubbed, and
the run only has to find out which exercises it breaks (CI's exercise
invariants): once a test of an exercise has failed on the stub (for the
stubbed exercise itself, failed at all), its other tests are skipped. A
stub on a path every test takes would otherwise crash the server in
hundreds of tests, each restarting it.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from support.servers import ServerProcess

STUB_ERROR = re.compile(r"NotImplementedError: (exercise (\d\d-[a-z0-9-]+): .*)")
SENT_KEPT = 3  # how many of the last sends a failure shows
CRASH_WAIT = 0.5  # seconds to wait for a server that dropped a connection to exit
REPR_LIMIT = 160  # characters of a bytes value shown before cutting it


def pytest_addoption(parser):
    group = parser.getgroup("tutor", "tools/tutor.py's report")
    group.addoption("--tutor-report", metavar="FILE", help="append one JSON line per test")
    group.addoption("--tutor-exercise", action="append", default=[], metavar="ID",
                    help="run only the tests tagged with this exercise (repeatable)")
    group.addoption("--tutor-others", action="store_true",
                    help="instead, run only the tests tagged with none of them")
    group.addoption("--tutor-stub", metavar="ID",
                    help="the one exercise stubbed: skip the tests of an exercise "
                         "already seen failing on it")
    group.addoption("--tutor-passes", type=int, metavar="N",
                    help="stop once N tests have passed")


def pytest_configure(config):
    if config.getoption("--tutor-report"):
        config.pluginmanager.register(TutorReport(config), "tutor-report")
    record_what_tests_send()


def exercises_of(item) -> list[str]:
    """The ids an item is tagged with, module-level marks included."""
    return sorted({i for mark in item.iter_markers("exercise") for i in mark.args})


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    wanted = set(config.getoption("--tutor-exercise"))
    if not wanted:
        return
    others = config.getoption("--tutor-others")
    kept = [item for item in items if bool(wanted & set(exercises_of(item))) != others]
    dropped = [item for item in items if item not in kept]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


# What the test sent, and what its failed comparison saw

SENT: list[bytes] = []
LAST_COMPARE: dict = {}


def record_what_tests_send() -> None:
    """Wrap RawClient.send so a failure can show the bytes that were sent."""
    from support.wire import RawClient

    if getattr(RawClient.send, "tutor_wrapped", False):
        return
    original = RawClient.send

    def send(self, data: bytes) -> None:
        SENT.append(bytes(data))
        del SENT[:-SENT_KEPT]
        return original(self, data)

    send.tutor_wrapped = True
    RawClient.send = send


def pytest_assertrepr_compare(config, op, left, right):
    """Keep both sides of a failed comparison; pytest still explains it."""
    LAST_COMPARE.update(op=op, left=short_repr(left), right=short_repr(right))
    return None


def short_repr(value) -> str:
    text = repr(value)
    if len(text) <= REPR_LIMIT:
        return text
    size = f"{len(value)} bytes" if isinstance(value, bytes | bytearray) else "cut"
    return f"{text[:REPR_LIMIT]}... ({size})"


# The report

class TutorReport:
    """Collects each test's phases and writes one JSON line when it ends."""

    def __init__(self, config):
        self.path = Path(config.getoption("--tutor-report"))
        self.path.write_text("")
        self.tests: dict[str, dict] = {}
        self.tags: dict[str, list[str]] = {}
        self.servers_before: list = []  # ServerProcess.live as the test began
        self.stub_id = config.getoption("--tutor-stub")
        self.settled: set[str] = set()  # exercises seen failing on the stub
        self.passes_wanted = config.getoption("--tutor-passes")
        self.session = None

    def write(self, record: dict) -> None:
        with self.path.open("a") as out:
            out.write(json.dumps(record) + "\n")

    def pytest_collection_finish(self, session):
        self.session = session
        self.tags = {item.nodeid: exercises_of(item) for item in session.items}
        self.write({"event": "collected", "count": len(session.items),
                    "exercises": sorted({i for tags in self.tags.values() for i in tags})})

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item):
        tags = set(self.tags.get(item.nodeid, ()))
        if self.stub_id and tags and tags <= self.settled:
            pytest.skip(f"already seen failing on the stub of {self.stub_id}")
        SENT.clear()
        LAST_COMPARE.clear()
        self.servers_before = [(s, s.alive()) for s in ServerProcess.live]

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if report.failed and call.excinfo is not None:
            report.tutor_failure = describe_failure(item, call.excinfo)

    def pytest_runtest_logreport(self, report):
        test = self.tests.setdefault(report.nodeid, {"outcome": "passed"})
        if report.skipped and test["outcome"] == "passed":
            test["outcome"] = "skipped"
        if report.failed and test["outcome"] != "failed":
            test.update(outcome="failed", phase=report.when,
                        **getattr(report, "tutor_failure", {}))
            test["sent"] = [short_repr(data) for data in SENT]
            test["compare"] = dict(LAST_COMPARE) or None
            found = server_output(report)
            if "stub" not in found:
                found = self.crash_output(test) or found
            test.update(found)

    def crash_output(self, test: dict) -> dict:
        """When a connection failed, wait a moment for the server's last words.

        A crashing server resets the test's connection before it has
        printed its traceback, so the log attached to the report may not
        hold it yet. The server may also be one that was going down from
        the test before, or one this test started.
        """
        dropped = re.search(r"Connection|BrokenPipe", test.get("error", "")) or (
            test["compare"] and test["compare"]["left"] == "b''")
        before = [s for s, _alive in self.servers_before]
        servers = [s for s, alive in self.servers_before if alive]
        servers += [s for s in ServerProcess.live if s not in before]
        if not dropped or not servers:
            return {}
        deadline = time.monotonic() + CRASH_WAIT
        while time.monotonic() < deadline and all(s.alive() for s in servers):
            time.sleep(0.02)
        return logs_output("\n".join(s.log_text() for s in servers if not s.alive()))

    def pytest_runtest_logfinish(self, nodeid, location):
        test = self.tests.pop(nodeid, {"outcome": "passed"})
        if test["outcome"] == "failed" and self.stub_id:
            self.settle(self.tags.get(nodeid, []), test.get("stub_id"))
        if test["outcome"] == "passed" and self.passes_wanted:
            self.passes_wanted -= 1
            if not self.passes_wanted:
                self.session.shouldstop = "as many tests passed as --tutor-passes asked"
        self.write({"event": "test", "nodeid": nodeid,
                    "exercises": self.tags.get(nodeid, []), **test})


    def settle(self, tags: list[str], stub_id: str | None) -> None:
        """After a failure: the stubbed exercise is settled by any failure
        of its own tests, another exercise by one caused by the stub."""
        if self.stub_id in tags:
            self.settled.add(self.stub_id)
        if stub_id == self.stub_id:
            self.settled.update(tags)


def describe_failure(item, excinfo) -> dict:
    """The error, and the line of the test that failed."""
    message = str(excinfo.value).strip().splitlines()
    error = excinfo.typename + (f": {message[0]}" if message else "")
    found = {"error": error, "location": f"{item.location[0]}:{item.location[1] + 1}"}
    for entry in excinfo.traceback:
        if Path(entry.path) == Path(item.path):
            found["location"] = f"{item.location[0]}:{entry.lineno + 1}"
            found["source"] = str(entry.statement).strip()
    stubs = STUB_ERROR.findall(f"{excinfo.typename}: {excinfo.value}")
    if stubs:  # the test itself ran into a stub, or saw a server that could not start
        found.update(stub=stubs[-1][0], stub_id=stubs[-1][1])
    return found


def server_output(report) -> dict:
    """What the server logs attached to the report say."""
    return logs_output("\n".join(
        text for title, text in report.sections if title.startswith("server ")))


def logs_output(logs: str) -> dict:
    """The stub the server hit, or the end of its last traceback."""
    found: dict = {}
    stubs = STUB_ERROR.findall(logs)
    if stubs:
        found.update(stub=stubs[-1][0], stub_id=stubs[-1][1])
    elif "Traceback (most recent call last):" in logs:
        trace = logs.rsplit("Traceback (most recent call last):", 1)[1].strip().splitlines()
        trace = [line.strip() for line in trace if line.strip(" ^~")]  # no carets
        found["server_error"] = "\n".join(trace[-3:])  # the last frame, the error
    return found
