"""Hashes: HSET HSETNX HGET HMGET HMSET HDEL HEXISTS HLEN HKEYS HVALS
HGETALL HINCRBY HINCRBYFLOAT HSTRLEN HRANDFIELD HSCAN, as Redis 7.0."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import rule, run_state_machine_as_test
from support.machines import ServerModelMachine
from support.replies import (
    EMPTY_SCAN,
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
    scan_all,
)
from support.wire import RawClient, decode

# HSET, HMSET, HSETNX, HGET, HMGET

def test_hset_counts_only_new_fields(raw):
    assert raw.call("HSET", "h", "a", "1", "b", "2") == b":2\r\n"
    assert raw.call("HSET", "h", "a", "10", "c", "3") == b":1\r\n"
    assert raw.call("HGET", "h", "a") == b"$2\r\n10\r\n"
    assert raw.call("HSET", "h", "d", "4", "d", "5") == b":1\r\n"
    assert raw.call("HGET", "h", "d") == b"$1\r\n5\r\n"


@pytest.mark.parametrize("command", ["HSET", "HMSET"])
def test_hset_needs_whole_pairs(raw, command):
    assert raw.call(command, "h", "a") == arity(command.lower())
    assert raw.call(command, "h", "a", "1", "b") == arity(command.lower())
    assert raw.call("EXISTS", "h") == b":0\r\n"


def test_hmset_replies_ok(raw):
    assert raw.call("HMSET", "h", "a", "1", "b", "2") == OK
    assert raw.call("HLEN", "h") == b":2\r\n"


def test_hsetnx_sets_only_a_missing_field(raw):
    assert raw.call("HSETNX", "h", "f", "1") == b":1\r\n"
    assert raw.call("HSETNX", "h", "f", "2") == b":0\r\n"
    assert raw.call("HGET", "h", "f") == b"$1\r\n1\r\n"


def test_hget_of_a_missing_key_or_field_is_null(raw):
    raw.call("HSET", "h", "f", "v")
    assert raw.call("HGET", "h", "nofield") == NULL
    assert raw.call("HGET", "nokey", "f") == NULL
    raw.call("HELLO", "3")
    assert raw.call("HGET", "h", "nofield") == NULL3


def test_hmget_reads_null_for_missing_fields(raw):
    raw.call("HSET", "h", "a", "1", "b", "")
    assert raw.call("HMGET", "h", "a", "x", "b") == (
        b"*3\r\n$1\r\n1\r\n$-1\r\n$0\r\n\r\n")
    assert raw.call("HMGET", "nokey", "a", "b") == b"*2\r\n$-1\r\n$-1\r\n"
    raw.call("HELLO", "3")
    assert raw.call("HMGET", "h", "x", "a") == b"*2\r\n_\r\n$1\r\n1\r\n"


def test_fields_and_values_are_binary_safe(raw):
    field, value = b"f\x00\r\n\xff", b"v\r\n\x00"
    assert raw.call("HSET", b"k\x00", field, value) == b":1\r\n"
    assert raw.call("HGET", b"k\x00", field) == bulk(value)
    assert raw.call("HGETALL", b"k\x00") == b"*2\r\n" + bulk(field) + bulk(value)
    assert raw.call("HSTRLEN", b"k\x00", field) == b":4\r\n"


# HDEL, HLEN, HSTRLEN, HEXISTS

def test_hdel_counts_and_the_last_field_takes_the_key(raw):
    raw.call("HSET", "h", "a", "1", "b", "2")
    assert raw.call("HDEL", "h", "a", "x", "a") == b":1\r\n"
    assert raw.call("HLEN", "h") == b":1\r\n"
    assert raw.call("HDEL", "h", "b") == b":1\r\n"
    assert raw.call("EXISTS", "h") == b":0\r\n"
    assert raw.call("HDEL", "h", "b") == b":0\r\n"


def test_hlen_hstrlen_hexists(raw):
    raw.call("HSET", "h", "f", "hello")
    assert raw.call("HLEN", "h") == b":1\r\n"
    assert raw.call("HLEN", "nokey") == b":0\r\n"
    assert raw.call("HSTRLEN", "h", "f") == b":5\r\n"
    assert raw.call("HSTRLEN", "h", "nofield") == b":0\r\n"
    assert raw.call("HSTRLEN", "nokey", "f") == b":0\r\n"
    assert raw.call("HEXISTS", "h", "f") == b":1\r\n"
    assert raw.call("HEXISTS", "h", "nofield") == b":0\r\n"
    assert raw.call("HEXISTS", "nokey", "f") == b":0\r\n"


# HKEYS, HVALS, HGETALL

def test_hkeys_hvals_hgetall_agree(raw):
    fields = {b"f%d" % i: b"v%d" % i for i in range(20)}
    raw.call("HSET", "h", *[x for pair in fields.items() for x in pair])
    keys = decode(raw.call("HKEYS", "h"))
    values = decode(raw.call("HVALS", "h"))
    flat = decode(raw.call("HGETALL", "h"))
    assert dict(zip(flat[::2], flat[1::2])) == fields
    assert keys == flat[::2] and values == flat[1::2]  # one order for all


def test_hgetall_is_a_map_in_resp3(raw):
    raw.call("HSET", "h", "f", "v")
    assert raw.call("HGETALL", "h") == b"*2\r\n$1\r\nf\r\n$1\r\nv\r\n"
    raw.call("HELLO", "3")
    assert raw.call("HGETALL", "h") == b"%1\r\n$1\r\nf\r\n$1\r\nv\r\n"
    assert raw.call("HGETALL", "nokey") == b"%0\r\n"
    assert raw.call("HKEYS", "h") == b"*1\r\n$1\r\nf\r\n"  # still an array


def test_missing_hash_reads_empty(raw):
    assert raw.call("HGETALL", "nokey") == b"*0\r\n"
    assert raw.call("HKEYS", "nokey") == b"*0\r\n"
    assert raw.call("HVALS", "nokey") == b"*0\r\n"


def test_hgetall_with_redis_py(r):
    r.hset("h", mapping={"a": "1", "b": "2"})
    assert r.hgetall("h") == {b"a": b"1", b"b": b"2"}


# HINCRBY, HINCRBYFLOAT

def test_hincrby(raw):
    assert raw.call("HINCRBY", "h", "n", "5") == b":5\r\n"
    assert raw.call("HINCRBY", "h", "n", "-7") == b":-2\r\n"
    assert raw.call("HGET", "h", "n") == b"$2\r\n-2\r\n"


@pytest.mark.parametrize(("value", "incr", "reply"), [
    ("x", "1", b"-ERR hash value is not an integer\r\n"),
    ("01", "1", b"-ERR hash value is not an integer\r\n"),
    ("", "1", b"-ERR hash value is not an integer\r\n"),
    ("1", "x", NOT_AN_INTEGER),
    (str(LLONG_MAX), "1", OVERFLOW),
    (str(LLONG_MIN), "-1", OVERFLOW),
])
def test_hincrby_errors_change_nothing(raw, value, incr, reply):
    raw.call("HSET", "h", "n", value)
    assert raw.call("HINCRBY", "h", "n", incr) == reply
    assert raw.call("HGET", "h", "n") == bulk(value.encode())


def test_hincrby_reads_its_increment_before_the_key(raw):
    raw.call("SET", "s", "v")
    assert raw.call("HINCRBY", "s", "n", "x") == NOT_AN_INTEGER
    assert raw.call("HINCRBY", "nokey", "n", "x") == NOT_AN_INTEGER
    assert raw.call("EXISTS", "nokey") == b":0\r\n"


@pytest.mark.parametrize(("start", "incr", "result"), [
    (None, "10.5", b"10.5"), ("10.50", "0.1", b"10.6"), ("5.0e3", "2.0e2", b"5200"),
    (None, "1234567.891", b"1234567.89099999999996271"), ("3", "-3", b"0"),
])
def test_hincrbyfloat(raw, start, incr, result):
    if start is not None:
        raw.call("HSET", "h", "f", start)
    assert raw.call("HINCRBYFLOAT", "h", "f", incr) == bulk(result)
    assert raw.call("HGET", "h", "f") == bulk(result)


@pytest.mark.parametrize(("start", "incr", "reply"), [
    (None, "abc", NOT_A_FLOAT), (None, "nan", NOT_A_FLOAT),
    (None, "inf", b"-ERR value is NaN or Infinity\r\n"),
    (None, "-inf", b"-ERR value is NaN or Infinity\r\n"),
    ("abc", "1", b"-ERR hash value is not a float\r\n"),
    ("", "1", b"-ERR hash value is not a float\r\n"),
    ("inf", "1", NAN_OR_INF),
    ("1e4932", "1e4932", NAN_OR_INF),
])
def test_hincrbyfloat_errors_change_nothing(raw, start, incr, reply):
    if start is not None:
        raw.call("HSET", "h", "f", start)
    assert raw.call("HINCRBYFLOAT", "h", "f", incr) == reply
    assert raw.call("HGET", "h", "f") == (
        NULL if start is None else bulk(start.encode()))


def test_hincrbyfloat_checks_an_infinite_increment_before_the_key(raw):
    raw.call("SET", "s", "v")
    assert raw.call("HINCRBYFLOAT", "s", "f", "inf") == (
        b"-ERR value is NaN or Infinity\r\n")
    assert raw.call("HINCRBYFLOAT", "s", "f", "1").startswith(b"-WRONGTYPE")


numbers = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.integers(-(2**70), 2**70).map(str),
    st.builds(lambda m, e: f"{m}e{e}", st.integers(-(10**20), 10**20),
              st.integers(-4960, 4940)))


@settings(max_examples=150)
@given(start=numbers, incr=numbers)
def test_hincrbyfloat_agrees_with_redis_on_any_numbers(raw, reference, start,
                                                       incr):
    for client in (raw, reference):
        client.call("HSET", "h", "f", start)
    assert raw.call("HINCRBYFLOAT", "h", "f", incr) == reference.call(
        "HINCRBYFLOAT", "h", "f", incr)


# HRANDFIELD

def load_hash(raw, size: int) -> dict[bytes, bytes]:
    fields = {b"f%d" % i: b"v%d" % i for i in range(size)}
    raw.call("HSET", "h", *[x for pair in fields.items() for x in pair])
    return fields


def test_hrandfield_without_count_is_one_field(raw):
    fields = load_hash(raw, 5)
    picks = {decode(raw.call("HRANDFIELD", "h")) for _ in range(100)}
    assert picks <= set(fields) and len(picks) > 1
    assert raw.call("HRANDFIELD", "nokey") == NULL
    raw.call("HELLO", "3")
    assert raw.call("HRANDFIELD", "nokey") == NULL3


@pytest.mark.parametrize("count", [1, 3, 5, 10, 1000])
def test_hrandfield_positive_count_gives_distinct_fields(raw, count):
    fields = load_hash(raw, 5)
    picks = decode(raw.call("HRANDFIELD", "h", count))
    assert len(picks) == min(count, 5)
    assert len(set(picks)) == len(picks) and set(picks) <= set(fields)


@pytest.mark.parametrize("count", [-1, -3, -20])
def test_hrandfield_negative_count_may_repeat(raw, count):
    fields = load_hash(raw, 3)
    picks = decode(raw.call("HRANDFIELD", "h", count))
    assert len(picks) == -count and set(picks) <= set(fields)


def test_hrandfield_negative_count_repeats_from_a_small_hash(raw):
    load_hash(raw, 2)
    picks = decode(raw.call("HRANDFIELD", "h", "-50"))
    assert len(picks) == 50 and len(set(picks)) == 2


@pytest.mark.parametrize("count", [2, -4])
def test_hrandfield_withvalues_resp2_is_flat(raw, count):
    fields = load_hash(raw, 3)
    flat = decode(raw.call("HRANDFIELD", "h", count, "WITHVALUES"))
    assert len(flat) == 2 * abs(count)
    for field, value in zip(flat[::2], flat[1::2]):
        assert fields[field] == value


@pytest.mark.parametrize("count", [2, -4])
def test_hrandfield_withvalues_resp3_is_pairs(raw, count):
    fields = load_hash(raw, 3)
    raw.call("HELLO", "3")
    reply = raw.call("HRANDFIELD", "h", count, "withvalues")
    assert reply.startswith(b"*%d\r\n*2\r\n$" % abs(count))
    pairs = decode(reply)
    assert len(pairs) == abs(count)
    assert all(fields[field] == value for field, value in pairs)


def test_hrandfield_withvalues_with_redis_py(r):
    r.hset("h", mapping={"a": "1"})
    assert r.hrandfield("h", 1, withvalues=True) in ([b"a", b"1"], [[b"a", b"1"]])


@pytest.mark.parametrize(("args", "reply"), [
    (("0",), b"*0\r\n"), (("0", "WITHVALUES"), b"*0\r\n"),
    (("x",), NOT_AN_INTEGER), (("1", "FOO"), SYNTAX_ERROR),
    (("1", "WITHVALUES", "x"), SYNTAX_ERROR),
    (("-9223372036854775808",), b"-ERR value is out of range, value must between "
     b"-9223372036854775807 and 9223372036854775807\r\n"),
    (("4611686018427387904", "WITHVALUES"), b"-ERR value is out of range\r\n"),
    (("-4611686018427387904", "WITHVALUES"), b"-ERR value is out of range\r\n"),
])
def test_hrandfield_count_checks(raw, args, reply):
    load_hash(raw, 3)
    assert raw.call("HRANDFIELD", "h", *args) == reply


def test_hrandfield_on_a_missing_key_with_count_is_empty(raw):
    assert raw.call("HRANDFIELD", "nokey", "5") == b"*0\r\n"
    assert raw.call("HRANDFIELD", "nokey", "-5", "WITHVALUES") == b"*0\r\n"


def test_hrandfield_huge_negative_count_closes_the_client_not_the_server(
        start_server):
    """Redis streams such a reply until the output buffer limit drops the
    client; the server keeps serving the others."""
    proc = start_server(client_output_buffer_limit="normal 1mb 0 0")
    with RawClient(proc.port) as raw:
        raw.call("HSET", "h", "f", "v")
        raw.send(b"*3\r\n$10\r\nHRANDFIELD\r\n$1\r\nh\r\n$19\r\n"
                 b"-999999999999999999\r\n")
        raw.read_until_closed()
    with RawClient(proc.port) as raw:
        assert raw.call("HGET", "h", "f") == b"$1\r\nv\r\n"


# HSCAN

def test_hscan_returns_every_field_with_its_value(raw):
    fields = load_hash(raw, 1000)
    flat = scan_all(raw, "HSCAN", "h", "COUNT", "17")
    assert dict(zip(flat[::2], flat[1::2])) == fields


def test_hscan_match_filters_on_the_field(raw):
    load_hash(raw, 30)
    flat = scan_all(raw, "HSCAN", "h", "MATCH", "f1*")
    assert sorted(flat[::2]) == sorted(b"f1%s" % d for d in [b""] + [
        str(i).encode() for i in range(10)])
    assert all(value == b"v" + field[1:] for field, value in zip(flat[::2],
                                                                 flat[1::2]))


def test_hscan_of_a_missing_key_ignores_its_options(raw):
    assert raw.call("HSCAN", "nokey", "0") == EMPTY_SCAN
    assert raw.call("HSCAN", "nokey", "0", "BAD", "OPTION") == EMPTY_SCAN


@pytest.mark.parametrize(("options", "reply"), [
    (("COUNT", "0"), SYNTAX_ERROR), (("COUNT", "x"), NOT_AN_INTEGER),
    (("TYPE", "string"), SYNTAX_ERROR), (("MATCH",), SYNTAX_ERROR),
])
def test_hscan_option_errors(raw, options, reply):
    raw.call("HSET", "h", "f", "v")
    assert raw.call("HSCAN", "h", "0", *options) == reply


def test_hscan_with_redis_py(r):
    r.hset("h", mapping={f"f{i}": i for i in range(100)})
    assert dict(r.hscan_iter("h", count=7)) == {
        b"f%d" % i: b"%d" % i for i in range(100)}


# A model of the hash commands, checked against the server.

FIELDS = st.sampled_from([b"a", b"b", b"c", b"\x00\r\n"])
VALUES = st.one_of(st.binary(max_size=8), st.sampled_from([b"1", b"-20", b"x"]))


class HashesMachine(ServerModelMachine):
    """One hash key on the server against a dict in Python."""

    def __init__(self, port: int):
        super().__init__(port)
        self.model: dict[bytes, bytes] = {}

    @rule(pairs=st.lists(st.tuples(FIELDS, VALUES), min_size=1, max_size=3))
    def hset(self, pairs):
        new = len({f for f, _ in pairs} - set(self.model))
        assert self.call("HSET", "h", *[x for p in pairs for x in p]) == new
        self.model.update(pairs)

    @rule(field=FIELDS, value=VALUES)
    def hsetnx(self, field, value):
        assert self.call("HSETNX", "h", field, value) == (field not in self.model)
        self.model.setdefault(field, value)

    @rule(fields=st.lists(FIELDS, min_size=1, max_size=3))
    def hdel(self, fields):
        gone = set(fields) & set(self.model)
        assert self.call("HDEL", "h", *fields) == len(gone)
        for field in gone:
            del self.model[field]

    @rule(fields=st.lists(FIELDS, min_size=1, max_size=3))
    def hmget(self, fields):
        assert self.call("HMGET", "h", *fields) == [self.model.get(f)
                                                   for f in fields]

    @rule(field=FIELDS, incr=st.integers(-50, 50))
    def hincrby(self, field, incr):
        reply = self.call("HINCRBY", "h", field, incr)
        old = self.model.get(field, b"0")
        if old.lstrip(b"-").isdigit() and old == b"%d" % int(old):
            assert reply == int(old) + incr
            self.model[field] = b"%d" % reply
        else:
            assert reply == "ERR hash value is not an integer"

    @rule()
    def whole_hash(self):
        flat = self.call("HGETALL", "h")
        assert dict(zip(flat[::2], flat[1::2])) == self.model
        assert len(flat) == 2 * len(self.model)
        assert sorted(self.call("HKEYS", "h")) == sorted(self.model)
        assert sorted(self.call("HVALS", "h")) == sorted(self.model.values())
        assert self.call("HLEN", "h") == len(self.model)
        assert self.call("EXISTS", "h") == bool(self.model)

    @rule(field=FIELDS)
    def one_field(self, field):
        assert self.call("HGET", "h", field) == self.model.get(field)
        assert self.call("HEXISTS", "h", field) == (field in self.model)
        assert self.call("HSTRLEN", "h", field) == len(self.model.get(field, b""))


def test_hash_commands_behave_like_a_dict(server):
    run_state_machine_as_test(lambda: HashesMachine(server.port), settings=settings(
        max_examples=60, stateful_step_count=30, deadline=None))
