"""Strings: GET SET SETNX GETSET GETDEL MGET MSET MSETNX APPEND STRLEN
GETRANGE SETRANGE INCR DECR INCRBY DECRBY INCRBYFLOAT, as Redis 7.0."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule, run_state_machine_as_test
from support.machines import ServerModelMachine
from support.replies import (
    LLONG_MAX,
    LLONG_MIN,
    NAN_OR_INF,
    NOT_A_FLOAT,
    NOT_AN_INTEGER,
    NULL,
    NULL3,
    OK,
    OVERFLOW,
    SYNTAX_ERROR,
    arity,
    bulk,
)
from support.wire import RawClient, decode

EMPTY = b"$0\r\n\r\n"
TOO_BIG = b"-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"


# GET, SET, SETNX, GETSET, GETDEL

@pytest.mark.exercise("04-lookup-key")
def test_set_then_get(raw):
    assert raw.call("SET", "k", "hello") == OK
    assert raw.call("GET", "k") == b"$5\r\nhello\r\n"


def test_get_of_a_missing_key_is_null_in_each_protocol(raw):
    assert raw.call("GET", "nokey") == NULL
    raw.call("HELLO", "3")
    assert raw.call("GET", "nokey") == NULL3


def test_values_and_keys_are_binary_safe(raw):
    key, value = b"\x00k\r\n\xff", b"a\r\nb\x00c\r\n" + bytes(range(256))
    assert raw.call("SET", key, value) == OK
    assert raw.call("GET", key) == bulk(value)
    assert raw.call("STRLEN", key) == b":%d\r\n" % len(value)


def test_empty_string_is_a_value(raw):
    assert raw.call("SET", "k", "") == OK
    assert raw.call("GET", "k") == EMPTY
    assert raw.call("EXISTS", "k") == b":1\r\n"


def test_set_replaces_a_value_of_any_type(raw):
    raw.call("RPUSH", "k", "a")
    assert raw.call("SET", "k", "v") == OK
    assert raw.call("TYPE", "k") == b"+string\r\n"


def test_set_with_an_unknown_option_is_a_syntax_error(raw):
    assert raw.call("SET", "k", "v", "NOSUCHOPTION") == SYNTAX_ERROR
    assert raw.call("EXISTS", "k") == b":0\r\n"


@pytest.mark.parametrize(("args", "name"), [
    (("SET", "k"), "set"), (("GET",), "get"), (("GET", "a", "b"), "get"),
    (("SETNX", "k"), "setnx"), (("GETSET", "k"), "getset"),
    (("INCR", "k", "1"), "incr"), (("INCRBY", "k"), "incrby"),
    (("APPEND", "k"), "append"), (("GETRANGE", "k", "0"), "getrange"),
    (("SETRANGE", "k", "0"), "setrange"), (("MSET", "k"), "mset"),
])
def test_wrong_number_of_arguments(raw, args, name):
    assert raw.call(*args) == arity(name)


def test_setnx_sets_only_a_missing_key(raw):
    assert raw.call("SETNX", "k", "first") == b":1\r\n"
    assert raw.call("SETNX", "k", "second") == b":0\r\n"
    assert raw.call("GET", "k") == b"$5\r\nfirst\r\n"
    raw.call("SADD", "s", "m")
    assert raw.call("SETNX", "s", "x") == b":0\r\n"


def test_getset_replies_the_old_value(raw):
    assert raw.call("GETSET", "k", "one") == NULL
    assert raw.call("GETSET", "k", "two") == b"$3\r\none\r\n"
    assert raw.call("GET", "k") == b"$3\r\ntwo\r\n"


def test_getset_on_another_type_changes_nothing(raw):
    raw.call("SADD", "k", "m")
    assert raw.call("GETSET", "k", "v").startswith(b"-WRONGTYPE")
    assert raw.call("TYPE", "k") == b"+set\r\n"


def test_getdel_reads_then_deletes(raw):
    raw.call("SET", "k", "v")
    assert raw.call("GETDEL", "k") == b"$1\r\nv\r\n"
    assert raw.call("EXISTS", "k") == b":0\r\n"
    assert raw.call("GETDEL", "k") == NULL


# MGET, MSET, MSETNX

def test_mget_reads_null_for_missing_keys_and_other_types(raw):
    raw.call("SET", "a", "1")
    raw.call("RPUSH", "l", "x")
    assert raw.call("MGET", "a", "nokey", "l", "a") == (
        b"*4\r\n$1\r\n1\r\n$-1\r\n$-1\r\n$1\r\n1\r\n")
    raw.call("HELLO", "3")
    assert raw.call("MGET", "nokey", "l") == b"*2\r\n_\r\n_\r\n"


def test_mset_sets_every_pair_the_last_one_winning(r):
    assert r.execute_command("MSET", "a", "1", "b", "2", "a", "3") is True
    assert r.mget("a", "b") == [b"3", b"2"]


def test_mset_replaces_other_types(raw):
    raw.call("SADD", "k", "m")
    assert raw.call("MSET", "k", "v") == OK
    assert raw.call("TYPE", "k") == b"+string\r\n"


@pytest.mark.parametrize("command", ["MSET", "MSETNX"])
def test_mset_needs_whole_pairs(raw, command):
    assert raw.call(command, "a", "1", "b") == arity(command.lower())
    assert raw.call("EXISTS", "a") == b":0\r\n"


def test_msetnx_sets_all_or_nothing(raw):
    assert raw.call("MSETNX", "a", "1", "b", "2") == b":1\r\n"
    assert raw.call("MSETNX", "c", "3", "a", "x") == b":0\r\n"
    assert raw.call("MGET", "a", "b", "c") == b"*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n"
    raw.call("RPUSH", "l", "x")
    assert raw.call("MSETNX", "l", "v", "d", "4") == b":0\r\n"


# APPEND, STRLEN, GETRANGE, SETRANGE

def test_append_creates_then_extends(raw):
    assert raw.call("APPEND", "k", "hello") == b":5\r\n"
    assert raw.call("APPEND", "k", b" \x00world") == b":12\r\n"
    assert raw.call("GET", "k") == bulk(b"hello \x00world")
    assert raw.call("APPEND", "k", "") == b":12\r\n"


def test_append_to_a_number_appends_to_its_digits(raw):
    raw.call("SET", "k", "12")
    assert raw.call("APPEND", "k", "34") == b":4\r\n"
    assert raw.call("INCR", "k") == b":1235\r\n"


def test_strlen(raw):
    assert raw.call("STRLEN", "nokey") == b":0\r\n"
    raw.call("SET", "k", "12345")
    assert raw.call("STRLEN", "k") == b":5\r\n"


@pytest.mark.parametrize(("start", "end", "expected"), [
    (0, -1, b"Hello World"), (0, 4, b"Hello"), (-5, -1, b"World"),
    (6, 100, b"World"), (-100, 2, b"Hel"), (5, 5, b" "), (4, 2, b""),
    (-1, -5, b""), (11, 20, b""), (-100, -50, b"H"), (0, 0, b"H"),
    (LLONG_MIN, LLONG_MAX, b"Hello World"), (-3, 100, b"rld"),
])
def test_getrange(raw, start, end, expected):
    raw.call("SET", "k", "Hello World")
    assert raw.call("GETRANGE", "k", start, end) == bulk(expected)


def test_getrange_of_a_missing_key_or_empty_string_is_empty(raw):
    assert raw.call("GETRANGE", "nokey", "0", "-1") == EMPTY
    raw.call("SET", "k", "")
    assert raw.call("GETRANGE", "k", "0", "-1") == EMPTY


def test_getrange_reads_its_numbers_before_the_key(raw):
    assert raw.call("GETRANGE", "nokey", "x", "1") == NOT_AN_INTEGER
    assert raw.call("GETRANGE", "nokey", "0", "1.5") == NOT_AN_INTEGER


def test_setrange_overwrites_in_place(raw):
    raw.call("SET", "k", "Hello World")
    assert raw.call("SETRANGE", "k", "6", "Redis") == b":11\r\n"
    assert raw.call("GET", "k") == b"$11\r\nHello Redis\r\n"
    assert raw.call("SETRANGE", "k", "9", "xyz!") == b":13\r\n"
    assert raw.call("GET", "k") == b"$13\r\nHello Redxyz!\r\n"


def test_setrange_pads_with_zero_bytes(raw):
    assert raw.call("SETRANGE", "k", "3", "ab") == b":5\r\n"
    assert raw.call("GET", "k") == bulk(b"\x00\x00\x00ab")
    assert raw.call("SETRANGE", "k", "7", "c") == b":8\r\n"
    assert raw.call("GET", "k") == bulk(b"\x00\x00\x00ab\x00\x00c")


def test_setrange_with_an_empty_value_creates_nothing(raw):
    assert raw.call("SETRANGE", "nokey", "100", "") == b":0\r\n"
    assert raw.call("EXISTS", "nokey") == b":0\r\n"
    raw.call("SET", "k", "abc")
    assert raw.call("SETRANGE", "k", "100", "") == b":3\r\n"
    assert raw.call("GET", "k") == b"$3\r\nabc\r\n"


@pytest.mark.parametrize(("offset", "reply"), [
    ("-1", b"-ERR offset is out of range\r\n"), ("x", NOT_AN_INTEGER),
    ("536870912", TOO_BIG), ("9223372036854775807", TOO_BIG),
])
def test_setrange_errors(raw, offset, reply):
    assert raw.call("SETRANGE", "k", offset, "x") == reply
    assert raw.call("EXISTS", "k") == b":0\r\n"


def test_strings_cannot_outgrow_proto_max_bulk_len(start_server):
    proc = start_server(proto_max_bulk_len="1mb")
    with RawClient(proc.port) as raw:
        limit = 1024 * 1024
        assert raw.call("SETRANGE", "k", limit, "x") == TOO_BIG
        assert raw.call("SETRANGE", "k", limit - 1, "x") == b":%d\r\n" % limit
        assert raw.call("APPEND", "k", "y") == TOO_BIG
        assert raw.call("SETRANGE", "k", 0, "y") == b":%d\r\n" % limit
        assert raw.call("STRLEN", "k") == b":%d\r\n" % limit


# INCR, DECR, INCRBY, DECRBY

@pytest.mark.exercise("04-incr-decr")
def test_incr_and_decr_count_from_zero(raw):
    assert raw.call("INCR", "n") == b":1\r\n"
    assert raw.call("INCR", "n") == b":2\r\n"
    assert raw.call("DECR", "n") == b":1\r\n"
    assert raw.call("DECR", "m") == b":-1\r\n"
    assert raw.call("INCRBY", "n", "100") == b":101\r\n"
    assert raw.call("DECRBY", "n", "-9") == b":110\r\n"
    assert raw.call("GET", "n") == b"$3\r\n110\r\n"
    assert raw.call("TYPE", "n") == b"+string\r\n"


@pytest.mark.exercise("04-incr-decr")
@pytest.mark.parametrize("value", [
    " 1", "1 ", "01", "+1", "-0", "1.0", "1e3", "", "abc", "0x10",
    "9223372036854775808", "-9223372036854775809", "1" * 25, "1\x002"])
def test_incr_refuses_what_string2ll_refuses(raw, value):
    raw.call("SET", "n", value)
    assert raw.call("INCR", "n") == NOT_AN_INTEGER
    assert raw.call("INCRBY", "n", "1") == NOT_AN_INTEGER
    assert raw.call("GET", "n") == bulk(value.encode())


@pytest.mark.exercise("04-incr-decr")
@pytest.mark.parametrize(("value", "incr", "reply"), [
    (LLONG_MAX, 1, OVERFLOW), (LLONG_MAX - 1, 1, b":%d\r\n" % LLONG_MAX),
    (LLONG_MIN, -1, OVERFLOW), (1, LLONG_MIN, b":%d\r\n" % (LLONG_MIN + 1)),
    (-2, LLONG_MIN, OVERFLOW), (1, LLONG_MAX, OVERFLOW), (0, LLONG_MIN,
                                                          b":%d\r\n" % LLONG_MIN),
])
def test_incrby_overflow_is_an_error_and_changes_nothing(raw, value, incr,
                                                         reply):
    raw.call("SET", "n", value)
    assert raw.call("INCRBY", "n", incr) == reply
    if reply == OVERFLOW:
        assert raw.call("GET", "n") == bulk(b"%d" % value)


def test_decrby_of_the_smallest_integer_cannot_be_negated(raw):
    assert raw.call("DECRBY", "n", LLONG_MIN) == b"-ERR decrement would overflow\r\n"
    assert raw.call("DECRBY", "n", -LLONG_MAX) == b":%d\r\n" % LLONG_MAX
    assert raw.call("DECR", "n") == b":%d\r\n" % (LLONG_MAX - 1)


@pytest.mark.parametrize("incr", ["x", "1.5", " 1", "9223372036854775808", ""])
@pytest.mark.parametrize("command", ["INCRBY", "DECRBY"])
def test_incrby_needs_an_integer(raw, command, incr):
    assert raw.call(command, "n", incr) == NOT_AN_INTEGER
    assert raw.call("EXISTS", "n") == b":0\r\n"


# INCRBYFLOAT: C's long double (x87, 64-bit mantissa)

@pytest.mark.parametrize(("start", "incr", "result"), [
    (None, "10.5", b"10.5"), ("10.50", "0.1", b"10.6"), ("3", "1.5e3", b"1503"),
    ("1503", "-1503", b"0"), ("5.0e3", "2.0e2", b"5200"), (None, "-1e-20", b"0"),
    (None, "1234567.891", b"1234567.89099999999996271"),
    (None, "0.000003814697265625", b"0.00000381469726562"),  # a tie: to even
    (None, "0x1p-3", b"0.125"), (None, ".5", b"0.5"), (None, "5.", b"5"),
    ("-0", "0", b"0"), ("1e-4950", "0", b"0"), (None, "+7", b"7"),
    ("18446744073709551615", "1", b"18446744073709551616"),
])
def test_incrbyfloat(raw, start, incr, result):
    if start is not None:
        raw.call("SET", "f", start)
    assert raw.call("INCRBYFLOAT", "f", incr) == bulk(result)
    assert raw.call("GET", "f") == bulk(result)


def test_incrbyfloat_goes_far_beyond_a_double(raw):
    reply = decode(raw.call("INCRBYFLOAT", "f", "1e400"))
    assert len(reply) == 401
    assert reply.startswith(b"1000000000000000000028188068394")
    assert decode(raw.call("INCRBYFLOAT", "f", "-1e400")) == b"0"


@pytest.mark.parametrize(("start", "incr", "reply"), [
    (None, "abc", NOT_A_FLOAT), (None, " 1", NOT_A_FLOAT), (None, "1 ", NOT_A_FLOAT),
    (None, "nan", NOT_A_FLOAT), (None, "", NOT_A_FLOAT), (None, "1e5000", NOT_A_FLOAT),
    (None, "1e-5000", NOT_A_FLOAT), ("abc", "1", NOT_A_FLOAT), ("", "1", NOT_A_FLOAT),
    (None, "inf", NAN_OR_INF), (None, "-infinity", NAN_OR_INF),
    ("inf", "1", NAN_OR_INF), ("inf", "-inf", NAN_OR_INF),
    ("1e4932", "1e4932", NAN_OR_INF),
])
def test_incrbyfloat_errors_change_nothing(raw, start, incr, reply):
    if start is not None:
        raw.call("SET", "f", start)
    assert raw.call("INCRBYFLOAT", "f", incr) == reply
    expected = NULL if start is None else bulk(start.encode())
    assert raw.call("GET", "f") == expected


def test_incrbyfloat_replies_a_bulk_string_even_in_resp3(raw):
    raw.call("HELLO", "3")
    assert raw.call("INCRBYFLOAT", "f", "1.5") == b"$3\r\n1.5\r\n"


def long_double_texts():
    """Numbers as people and programs write them, near the edges too."""
    digits = st.text("0123456789", min_size=1, max_size=24)
    exponent = st.one_of(st.integers(-30, 30), st.integers(-4960, 4940))
    decimal = st.builds(
        lambda sign, whole, frac, exp: f"{sign}{whole}{frac}{exp}",
        st.sampled_from(["", "-", "+"]), digits,
        st.one_of(st.just(""), digits.map(lambda d: "." + d)),
        st.one_of(st.just(""), exponent.map(lambda e: f"e{e}")))
    floats = st.floats(allow_nan=False).map(repr)
    hexes = st.builds(lambda m, e: f"0x{m:x}p{e}", st.integers(1, 2**70),
                      st.integers(-16500, 16400))
    return st.one_of(decimal, floats, hexes, st.integers(-(2**70), 2**70).map(str))


@settings(max_examples=300)
@given(start=long_double_texts(), incrs=st.lists(long_double_texts(),
                                                  min_size=1, max_size=3))
def test_incrbyfloat_agrees_with_redis_on_any_numbers(raw, reference, start,
                                                      incrs):
    for client in (raw, reference):
        client.call("SET", "f", start)
    for incr in incrs:
        assert raw.call("INCRBYFLOAT", "f", incr) == reference.call(
            "INCRBYFLOAT", "f", incr)


# A model of the string commands, checked against the server.

KEYS = st.sampled_from([b"a", b"b", b"\x00c\r\n"])
VALUES = st.one_of(
    st.binary(max_size=12),
    st.sampled_from([b"0", b"-5", b"42", b"9223372036854775807",
                     b"-9223372036854775808", b"01", b" 1", b"1.5"]))
INTEGER = re.compile(rb"-?[1-9][0-9]*|0")


def as_integer(value: bytes) -> int | None:
    """Redis's strict reading of an integer (string2ll)."""
    if len(value) > 20 or not INTEGER.fullmatch(value):
        return None
    number = int(value)
    return number if LLONG_MIN <= number <= LLONG_MAX else None


def getrange(value: bytes, start: int, end: int) -> bytes:
    length = len(value)
    if start < 0 and end < 0 and start > end:
        return b""
    start = max(start + length, 0) if start < 0 else start
    end = min(max(end + length, 0) if end < 0 else end, length - 1)
    return value[start:end + 1] if start <= end else b""


class StringsMachine(ServerModelMachine):
    """The server against a dict of bytes, one command at a time."""

    def __init__(self, port: int):
        super().__init__(port)
        self.model: dict[bytes, bytes] = {}

    @rule(key=KEYS, value=VALUES)
    def set(self, key, value):
        assert self.call("SET", key, value) == "OK"
        self.model[key] = value

    @rule(key=KEYS)
    def get(self, key):
        assert self.call("GET", key) == self.model.get(key)

    @rule(key=KEYS, value=VALUES)
    def setnx(self, key, value):
        assert self.call("SETNX", key, value) == (key not in self.model)
        self.model.setdefault(key, value)

    @rule(key=KEYS, value=VALUES)
    def getset(self, key, value):
        assert self.call("GETSET", key, value) == self.model.get(key)
        self.model[key] = value

    @rule(key=KEYS)
    def getdel(self, key):
        assert self.call("GETDEL", key) == self.model.pop(key, None)

    @rule(pairs=st.lists(st.tuples(KEYS, VALUES), min_size=1, max_size=3))
    def mset(self, pairs):
        assert self.call("MSET", *[x for pair in pairs for x in pair]) == "OK"
        self.model.update(pairs)

    @rule(pairs=st.lists(st.tuples(KEYS, VALUES), min_size=1, max_size=3))
    def msetnx(self, pairs):
        free = not any(key in self.model for key, _ in pairs)
        assert self.call("MSETNX", *[x for pair in pairs for x in pair]) == free
        if free:
            self.model.update(pairs)

    @rule(keys=st.lists(KEYS, min_size=1, max_size=4))
    def mget(self, keys):
        assert self.call("MGET", *keys) == [self.model.get(k) for k in keys]

    @rule(key=KEYS, value=VALUES)
    def append(self, key, value):
        self.model[key] = self.model.get(key, b"") + value
        assert self.call("APPEND", key, value) == len(self.model[key])

    @rule(key=KEYS)
    def strlen(self, key):
        assert self.call("STRLEN", key) == len(self.model.get(key, b""))

    @rule(key=KEYS, start=st.integers(-20, 20), end=st.integers(-20, 20))
    def getrange(self, key, start, end):
        expected = getrange(self.model[key], start, end) \
            if key in self.model else b""
        assert self.call("GETRANGE", key, start, end) == expected

    @rule(key=KEYS, offset=st.integers(0, 20), value=VALUES)
    def setrange(self, key, offset, value):
        old = self.model.get(key)
        if value:
            padded = (old or b"").ljust(offset, b"\0")
            self.model[key] = padded[:offset] + value + padded[offset + len(value):]
        expected = len(self.model.get(key, b""))
        assert self.call("SETRANGE", key, offset, value) == expected

    @rule(key=KEYS, incr=st.one_of(st.integers(-100, 100),
                                   st.sampled_from([LLONG_MAX, LLONG_MIN])))
    def incrby(self, key, incr):
        value = as_integer(self.model.get(key, b"0"))
        reply = self.call("INCRBY", key, incr)
        if value is None:
            assert reply == "ERR value is not an integer or out of range"
        elif not LLONG_MIN <= value + incr <= LLONG_MAX:
            assert reply == "ERR increment or decrement would overflow"
        else:
            assert reply == value + incr
            self.model[key] = b"%d" % reply

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def delete(self, data):
        key = data.draw(st.sampled_from(sorted(self.model)))
        assert self.call("DEL", key, b"nokey") == 1
        del self.model[key]

    @rule(key=KEYS)
    def exists(self, key):
        assert self.call("EXISTS", key) == (key in self.model)


def test_string_commands_behave_like_a_dict_of_bytes(server):
    run_state_machine_as_test(lambda: StringsMachine(server.port), settings=settings(
        max_examples=60, stateful_step_count=30, deadline=None))
