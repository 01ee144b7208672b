"""server_cron and --hz, and what --trace shows of them (not against Redis)."""

import re
import time

import pytest
from support.servers import wait_until
from support.wire import RawClient, command

pytestmark = pytest.mark.internal


def cron_runs(proc) -> list[int]:
    return [int(n) for n in re.findall(r"server_cron #(\d+)", proc.log_text())]


def test_server_cron_runs_hz_times_a_second(start_server):
    proc = start_server(hz=50, trace=True)
    wait_until(lambda: len(cron_runs(proc)) >= 2, timeout=5)
    first = cron_runs(proc)[-1]
    time.sleep(1.0)
    per_second = cron_runs(proc)[-1] - first
    assert 30 <= per_second <= 55, per_second


def test_hz_is_clamped_and_reported(start_server):
    proc = start_server(hz=100000)
    with RawClient(proc.port) as client:
        assert client.call("CONFIG", "GET", "hz") == b"*2\r\n$2\r\nhz\r\n$3\r\n500\r\n"


def test_trace_shows_expire_cycles_with_what_they_did(start_server):
    proc = start_server(trace=True)
    with RawClient(proc.port) as client:
        client.send(b"".join(command("SET", f"k{i}", "v", "PX", "50") for i in range(500)))
        client.read_replies(500)
        wait_until(lambda: client.call("DBSIZE") == b":0\r\n", timeout=10)
    cycles = re.findall(r"expire cycle(?: \(\d+ cycles\))?: sampled (\d+), "
                        r"expired (\d+) in [\d.]+ ms", proc.log_text())
    assert sum(int(expired) for _, expired in cycles) == 500
