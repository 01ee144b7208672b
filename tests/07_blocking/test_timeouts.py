"""Blocking timeouts as Redis 7.0.15 reads and keeps them
(getTimeoutFromObjectOrReply(), the timeout table in beforeSleep()): seconds
as a long double rounded up to whole milliseconds, 0 for ever, and a null
reply (RESP2 *-1, RESP3 _) once the time is up. 7.0 checks the table before
it sleeps and wakes at the latest for serverCron (hz 10): a timeout returns
after at least its time and at most about 100 ms more."""

import time

import pytest
from support.replies import NULL3, NULL_ARRAY, error, int_reply, integer

NOT_A_FLOAT = error("timeout is not a float or out of range")
NEGATIVE = error("timeout is negative")


@pytest.mark.exercise("07-block-for-keys")
def test_a_timeout_replies_a_null_array_in_resp2(raw):
    assert raw.call("BLPOP", "l", "0.05") == NULL_ARRAY


def test_a_timeout_replies_a_null_in_resp3(raw3):
    assert raw3.call("BLPOP", "l", "0.05") == NULL3
    assert raw3.call("BZPOPMIN", "z", "0.05") == NULL3
    assert raw3.call("BLMOVE", "l", "d", "LEFT", "LEFT", "0.05") == NULL3


@pytest.mark.parametrize("seconds", [0.1, 0.25])
def test_a_timeout_ends_after_its_time_and_within_one_cron_period(raw, seconds):
    started = time.monotonic()
    assert raw.call("BLPOP", "l", str(seconds)) == NULL_ARRAY
    elapsed = time.monotonic() - started
    assert seconds <= elapsed < seconds + 0.5  # hz 10: about 0.1 s late at most


@pytest.mark.exercise("07-get-timeout")
@pytest.mark.parametrize("value", ["abc", "", "1 ", " 1", "nan", "1e"])
def test_a_timeout_that_is_not_a_number_is_refused(raw, value):
    assert raw.call("BLPOP", "l", value) == NOT_A_FLOAT
    assert raw.call("BZPOPMAX", "z", value) == NOT_A_FLOAT


@pytest.mark.parametrize("value", ["-1", "-0.002", "inf", "-inf", "1e300", "9.3e15",
                                   "9223372036854775.808"])
@pytest.mark.exercise("07-get-timeout")
def test_a_negative_timeout_or_one_too_big_for_a_long_long_is_negative(raw, value):
    assert raw.call("BLPOP", "l", value) == NEGATIVE


@pytest.mark.parametrize("value", ["0.0001", "1e-10", "0x1p-20"])
def test_a_timeout_under_a_millisecond_rounds_up_to_one(raw, value):
    assert raw.call("BLPOP", "l", value) == NULL_ARRAY


@pytest.mark.parametrize("value", [b"-0.0001", b"-0.001"])
def test_a_tiny_negative_timeout_rounds_to_zero_and_waits_for_ever(
        raw, connect, blocked, value):
    """-0.001 s is -1 ms, but as a long double times 1000 it is a hair
    above -1, which rounds up to 0."""
    waiter = connect()
    waiter.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nl\r\n$%d\r\n%s\r\n" % (len(value), value))
    blocked(1)
    raw.call("RPUSH", "l", "v")
    assert waiter.read_reply() == b"*2\r\n$1\r\nl\r\n$1\r\nv\r\n"


def test_info_counts_blocked_clients_and_those_with_a_timeout(raw, connect, blocked):
    forever, timed = connect(), connect()
    forever_id = int_reply(forever.call("CLIENT", "ID"))
    forever.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\na\r\n$1\r\n0\r\n")
    timed.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nb\r\n$3\r\n100\r\n")
    blocked(2)
    info = raw.call("INFO", "clients")
    assert b"\r\nblocked_clients:2\r\n" in info
    assert b"\r\nclients_in_timeout_table:1\r\n" in info
    raw.call("RPUSH", "b", "v")
    timed.read_reply()
    blocked(1)
    assert b"\r\nclients_in_timeout_table:0\r\n" in raw.call("INFO", "clients")
    assert raw.call("CLIENT", "UNBLOCK", forever_id) == integer(1)
    assert forever.read_reply() == NULL_ARRAY
