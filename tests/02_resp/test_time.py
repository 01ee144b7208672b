"""TIME: the server's wall clock, as Unix seconds and microseconds."""

import re
import time

from support.replies import arity

# Two bulk strings of digits, the same in RESP2 and RESP3.
TIME_REPLY = re.compile(rb"\*2\r\n\$(\d+)\r\n(\d+)\r\n\$(\d+)\r\n(\d+)\r\n")


def parse_time(reply: bytes) -> tuple[int, int]:
    match = TIME_REPLY.fullmatch(reply)
    assert match, reply
    len_s, seconds, len_us, micros = match.groups()
    assert (int(len_s), int(len_us)) == (len(seconds), len(micros))
    # Plain decimal numbers: no sign, no zero padding of the microseconds.
    assert seconds == b"%d" % int(seconds) and micros == b"%d" % int(micros)
    return int(seconds), int(micros)


def test_time_is_seconds_and_microseconds_as_two_bulk_strings(raw):
    before = time.time()
    seconds, micros = parse_time(raw.call("TIME"))
    after = time.time()
    assert 0 <= micros < 1_000_000
    assert before - 1 <= seconds + micros / 1e6 <= after + 1


def test_time_has_the_same_shape_in_resp3(raw):
    raw.call("HELLO", "3")
    parse_time(raw.call("TIME"))


def test_time_reads_the_clock_afresh_each_call(raw):
    first = parse_time(raw.call("TIME"))
    raw.send(b"TIME\r\n" * 200)  # pipelined: one read, 200 clock readings
    readings = [parse_time(reply) for reply in raw.read_replies(200)]
    assert readings == sorted(readings) and readings[0] >= first
    assert len(set(readings)) > 1


def test_time_takes_no_arguments(raw):
    assert raw.call("TIME", "now") == arity("time")


def test_redis_py_time(r):
    seconds, micros = r.time()
    assert abs(seconds - time.time()) < 5 and 0 <= micros < 1_000_000
