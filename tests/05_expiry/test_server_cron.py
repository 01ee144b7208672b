"""server_cron and --hz, and what --trace shows of them (not against Redis)."""

import re
import time

import pytest
from support.servers import wait_until
from support.wire import RawClient, command

pytestmark = pytest.mark.internal


# The trace folds turns in which server_cron alone ran into one line,
# "(37 idle turns: server_cron only, #12 to #48)", printed before the next
# line; a turn that did more says "server_cron #49" if the cron ran too.
IDLE_TURNS = re.compile(r"^\((\d+) idle turns?: server_cron only, #(\d+)(?: to #(\d+))?\)$",
                        re.MULTILINE)


def last_cron_run_shown(proc, client) -> int:
    """PING, so that the trace prints a line (after the idle turns folded
    before it); return the number of the last server_cron run shown, 0
    if none has run yet (a PING sent at once may come before the first)."""
    pings = proc.log_text().count("ran 1 commands")
    assert client.call("PING") == b"+PONG\r\n"
    text = wait_until(lambda: proc.log_text().count("ran 1 commands") > pings
                      and proc.log_text(), timeout=5)
    return max((int(n) for n in re.findall(r"#(\d+)", text)), default=0)


def test_server_cron_runs_hz_times_a_second(start_server):
    proc = start_server(hz=50, trace=True)
    samples: list[tuple[float, int]] = []  # (when, the last cron run shown)
    rates: list[float] = []  # runs per second, over each window of 1 s

    with RawClient(proc.port) as client:
        def a_second_at_the_pace_of_hz() -> bool:
            samples.append((time.monotonic(), last_cron_run_shown(proc, client)))
            now, runs = samples[-1]
            earlier = [(t, n) for t, n in samples if now - t >= 1.0]
            if not earlier:
                return False
            then, runs_then = earlier[-1]
            rates.append((runs - runs_then) / (now - then))
            return 30 <= rates[-1] <= 55

        # On a busy machine the server may get too little CPU for a while:
        # the same bounds hold for a later second, which is waited for.
        try:
            wait_until(a_second_at_the_pace_of_hz, timeout=20, interval=0.05)
        except TimeoutError:
            pytest.fail(f"no second with 30-55 cron runs; runs per second: "
                        f"{[round(r) for r in rates[::10]]}")


def test_trace_folds_turns_where_only_server_cron_ran(start_server):
    proc = start_server(hz=100, trace=True)
    with RawClient(proc.port) as client:
        last_cron_run_shown(proc, client)
        quiet_from = proc.log_size()
        time.sleep(0.5)  # some 50 runs of server_cron, and nothing else
        assert proc.log_text(quiet_from) == ""
        last_cron_run_shown(proc, client)
    folded, ping_turn = proc.log_text(quiet_from).splitlines()[:2]
    match = IDLE_TURNS.fullmatch(folded)
    assert match, folded
    count, first, last = (int(n) for n in match.groups())
    assert count >= 10 and last - first == count - 1
    assert ping_turn.startswith("turn ") and "ran 1 commands" in ping_turn


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
