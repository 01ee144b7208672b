"""EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with NX XX GT LT; TTL, PTTL,
EXPIRETIME, PEXPIRETIME; PERSIST. Byte for byte as Redis 7.0."""

import time

import pytest
from support.replies import NOT_AN_INTEGER, arity, int_reply

ONE, ZERO = b":1\r\n", b":0\r\n"


def ms_now() -> int:
    return time.time_ns() // 1_000_000


@pytest.mark.exercise("05-ttl")
def test_expire_sets_a_ttl_in_seconds(raw):
    raw.call("SET", "k", "v")
    assert raw.call("EXPIRE", "k", "100") == ONE
    assert raw.call("TTL", "k") == b":100\r\n"
    assert 99_000 < int_reply(raw.call("PTTL", "k")) <= 100_000


@pytest.mark.exercise("05-ttl")
def test_pexpire_sets_a_ttl_in_milliseconds(raw):
    raw.call("SET", "k", "v")
    assert raw.call("PEXPIRE", "k", "1900") == ONE
    assert raw.call("TTL", "k") == b":2\r\n"  # rounded to the nearest second
    assert 1000 < int_reply(raw.call("PTTL", "k")) <= 1900


@pytest.mark.exercise("05-ttl")
def test_ttl_rounds_to_the_nearest_second(raw):
    raw.call("SET", "k", "v")
    raw.call("PEXPIRE", "k", "1400")
    assert raw.call("TTL", "k") == b":1\r\n"


@pytest.mark.exercise("05-ttl")
@pytest.mark.parametrize("command", ["EXPIREAT", "PEXPIREAT"])
def test_expireat_takes_an_absolute_unix_time(raw, command):
    raw.call("SET", "k", "v")
    at_ms = ms_now() + 50_000
    at = at_ms // 1000 if command == "EXPIREAT" else at_ms
    assert raw.call(command, "k", str(at)) == ONE
    expected_ms = at * 1000 if command == "EXPIREAT" else at
    assert int_reply(raw.call("PEXPIRETIME", "k")) == expected_ms
    assert int_reply(raw.call("EXPIRETIME", "k")) == (expected_ms + 500) // 1000


@pytest.mark.exercise("05-ttl")
@pytest.mark.parametrize("command", ["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"])
def test_ttl_family_on_missing_key_and_key_without_ttl(raw, command):
    assert raw.call(command, "missing") == b":-2\r\n"
    raw.call("SET", "k", "v")
    assert raw.call(command, "k") == b":-1\r\n"


@pytest.mark.parametrize("command", ["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"])
def test_expire_on_missing_key_replies_0(raw, command):
    assert raw.call(command, "missing", "100") == ZERO


@pytest.mark.parametrize(("command", "value"), [("EXPIRE", "-1"), ("EXPIRE", "0"),
                                                ("PEXPIRE", "-5"), ("EXPIREAT", "1"),
                                                ("PEXPIREAT", "1")])
def test_time_already_past_deletes_the_key_and_replies_1(raw, command, value):
    raw.call("SET", "k", "v")
    assert raw.call(command, "k", value) == ONE
    assert raw.call("EXISTS", "k") == ZERO


@pytest.mark.parametrize("value", ["abc", "1.5", "", " 1", "99999999999999999999"])
def test_expire_time_must_be_an_integer(raw, value):
    raw.call("SET", "k", "v")
    assert raw.call("EXPIRE", "k", value) == NOT_AN_INTEGER


@pytest.mark.parametrize(("command", "value"), [
    ("EXPIRE", "9223372036854775807"), ("EXPIRE", "-9223372036854775807"),
    ("EXPIREAT", "9223372036854776"), ("PEXPIRE", "9223372036854775807"),
])
def test_expire_time_overflow_is_an_error_naming_the_command(raw, command, value):
    raw.call("SET", "k", "v")
    reply = raw.call(command, "k", value)
    assert reply == b"-ERR invalid expire time in '%s' command\r\n" % command.lower().encode()
    assert raw.call("TTL", "k") == b":-1\r\n"


def test_pexpireat_at_the_maximum_is_accepted(raw):
    raw.call("SET", "k", "v")
    assert raw.call("PEXPIREAT", "k", "9223372036854775807") == ONE


@pytest.mark.parametrize(("flags", "error"), [
    (["NX", "XX"], b"-ERR NX and XX, GT or LT options at the same time are not compatible"),
    (["NX", "GT"], b"-ERR NX and XX, GT or LT options at the same time are not compatible"),
    (["lt", "nx"], b"-ERR NX and XX, GT or LT options at the same time are not compatible"),
    (["GT", "LT"], b"-ERR GT and LT options at the same time are not compatible"),
    (["FOO"], b"-ERR Unsupported option FOO"),
    (["GT", "bar"], b"-ERR Unsupported option bar"),
])
def test_expire_option_errors(raw, flags, error):
    raw.call("SET", "k", "v")
    assert raw.call("EXPIRE", "k", "100", *flags) == error + b"\r\n"


def test_option_errors_come_before_the_key_lookup(raw):
    reply = raw.call("EXPIRE", "missing", "100", "FOO")
    assert reply == b"-ERR Unsupported option FOO\r\n"


def test_nx_sets_only_when_there_is_no_ttl(raw):
    raw.call("SET", "k", "v")
    assert raw.call("EXPIRE", "k", "100", "NX") == ONE
    assert raw.call("EXPIRE", "k", "200", "NX") == ZERO
    assert raw.call("TTL", "k") == b":100\r\n"


def test_xx_sets_only_when_there_is_a_ttl(raw):
    raw.call("SET", "k", "v")
    assert raw.call("EXPIRE", "k", "100", "XX") == ZERO
    assert raw.call("TTL", "k") == b":-1\r\n"
    raw.call("EXPIRE", "k", "100")
    assert raw.call("EXPIRE", "k", "200", "XX") == ONE
    assert raw.call("TTL", "k") == b":200\r\n"


def test_gt_never_beats_no_ttl_and_needs_a_greater_one(raw):
    raw.call("SET", "k", "v")
    assert raw.call("EXPIRE", "k", "100", "GT") == ZERO  # no TTL counts as infinite
    raw.call("EXPIRE", "k", "100")
    assert raw.call("EXPIRE", "k", "50", "GT") == ZERO
    assert raw.call("EXPIRE", "k", "200", "GT") == ONE
    assert raw.call("TTL", "k") == b":200\r\n"


def test_lt_always_beats_no_ttl_and_needs_a_smaller_one(raw):
    raw.call("SET", "k", "v")
    assert raw.call("EXPIRE", "k", "100", "LT") == ONE
    assert raw.call("EXPIRE", "k", "200", "LT") == ZERO
    assert raw.call("EXPIRE", "k", "50", "lt") == ONE
    assert raw.call("TTL", "k") == b":50\r\n"


def test_xx_with_gt_is_allowed(raw):
    raw.call("SET", "k", "v")
    assert raw.call("EXPIRE", "k", "100", "XX", "GT") == ZERO
    raw.call("EXPIRE", "k", "100")
    assert raw.call("EXPIRE", "k", "300", "XX", "GT") == ONE


def test_persist_removes_the_ttl(raw):
    assert raw.call("PERSIST", "missing") == ZERO
    raw.call("SET", "k", "v")
    assert raw.call("PERSIST", "k") == ZERO
    raw.call("EXPIRE", "k", "100")
    assert raw.call("PERSIST", "k") == ONE
    assert raw.call("TTL", "k") == b":-1\r\n"


@pytest.mark.parametrize("command", ["EXPIRE", "TTL", "PERSIST", "PEXPIRETIME"])
def test_arity_errors(raw, command):
    assert raw.call(command) == arity(command.lower())


def test_ttl_of_any_type(raw):
    raw.call("RPUSH", "list", "a")
    raw.call("HSET", "hash", "f", "v")
    for key in ("list", "hash"):
        assert raw.call("EXPIRE", key, "100") == ONE
        assert raw.call("TTL", key) == b":100\r\n"


def test_redis_py_ttl_helpers(r):
    r.set("k", "v", ex=100)
    assert r.ttl("k") == 100
    assert r.expire("k", 10, gt=True) is False
    assert r.expire("k", 10, lt=True) is True
    assert r.persist("k") is True
    assert r.ttl("k") == -1
