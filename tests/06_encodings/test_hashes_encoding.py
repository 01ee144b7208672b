"""Hashes in two encodings, as Redis 7.0.15's t_hash.c keeps them: a
listpack of field, value, field, value... in the order the fields were
first set, until a write would give the hash more than
hash-max-listpack-entries fields (512) or a field or value longer than
hash-max-listpack-value bytes (64); then a hash table, for good.

OBJECT ENCODING is checked after every command that can convert: at each
threshold and one past it, with the thresholds as they start, changed by
CONFIG SET (under their names and their old *-ziplist-* names) and given
on the command line. Then every hash command runs on the same data in
both encodings and its replies are compared with a real redis-server:
byte for byte where the order is defined (a listpack's is), as sorted
lists where it is not (a hash table's).
"""

import pytest
from support.replies import (
    EMPTY_SCAN,
    OK,
    arity,
    bulk,
    bulks,
    error,
    integer,
    scan_all,
)
from support.servers import REAL_REDIS_STEP, ServerProcess, Target
from support.wire import RawClient, decode

DEFAULTS = ("hash-max-listpack-entries", "512", "hash-max-listpack-value", "64")


def encoding(raw, key: str = "h") -> bytes:
    return raw.call("OBJECT", "ENCODING", key)


LISTPACK, HASHTABLE = bulk("listpack"), bulk("hashtable")


def fields(n: int, prefix: str = "f") -> list[str]:
    """Field-value pairs f0 v0 f1 v1 ... for HSET."""
    return [x for i in range(n) for x in (f"{prefix}{i}", f"v{i}")]


@pytest.fixture(autouse=True)
def _default_thresholds(server):
    """Tests share a server: each starts and ends with the default limits."""
    with RawClient(server.port) as client:
        assert client.call("CONFIG", "SET", *DEFAULTS) == OK
        yield
        assert client.call("CONFIG", "SET", *DEFAULTS) == OK


# Creating a hash, and the count of fields

@pytest.mark.parametrize("command", [
    ("HSET", "h", "f", "v"),
    ("HMSET", "h", "f", "v"),
    ("HSETNX", "h", "f", "v"),
    ("HINCRBY", "h", "f", "1"),
    ("HINCRBYFLOAT", "h", "f", "1.5"),
])
def test_every_command_that_creates_a_hash_makes_a_listpack(raw, command):
    raw.call(*command)
    assert encoding(raw) == LISTPACK


def test_512_fields_are_a_listpack_and_the_513th_converts_it(raw):
    assert raw.call("HSET", "h", *fields(512)) == integer(512)
    assert encoding(raw) == LISTPACK
    assert raw.call("HSET", "h", "f0", "again") == integer(0)  # an update
    assert encoding(raw) == LISTPACK
    assert raw.call("HSET", "h", "new", "v") == integer(1)
    assert encoding(raw) == HASHTABLE
    assert raw.call("HLEN", "h") == integer(513)
    assert raw.call("HGET", "h", "f0") == bulk("again")


def test_one_hset_past_the_limit_converts_and_keeps_every_field(raw):
    assert raw.call("HSET", "h", *fields(600)) == integer(600)
    assert encoding(raw) == HASHTABLE
    assert raw.call("HLEN", "h") == integer(600)
    assert raw.call("HGET", "h", "f599") == bulk("v599")


# Integers in a listpack: each in the narrowest of six encodings

# The edges of each listpack integer encoding (7-bit unsigned, 13, 16, 24,
# 32 and 64-bit signed), and strings that only look like integers.
EDGES = ["0", "127", "128", "-1", "4095", "-4096", "4096", "-4097", "32767",
         "-32768", "32768", "-32769", "8388607", "-8388608", "8388608",
         "2147483647", "-2147483648", "2147483648", "-2147483649",
         "9223372036854775807", "-9223372036854775808", "007", "-0", "+1"]


@pytest.mark.exercise("06-lp-encode-integer")
def test_integers_of_every_listpack_width_read_back_as_they_were_written(raw):
    pairs = [x for i, value in enumerate(EDGES) for x in (f"i{i}", value)]
    assert raw.call("HSET", "h", *pairs) == integer(len(EDGES))
    assert encoding(raw) == LISTPACK
    assert raw.call("HGETALL", "h") == bulks(*pairs)
    flipped = [x for i, value in enumerate(EDGES) for x in (value, f"v{i}")]
    assert raw.call("HSET", "k", *flipped) == integer(len(EDGES))
    assert raw.call("HGET", "k", "-4097") == bulk(f"v{EDGES.index('-4097')}")
    assert raw.call("HKEYS", "k") == bulks(*EDGES)


@pytest.mark.parametrize("command", [
    ("HSET", "h", "{x}", "v"),
    ("HSET", "h", "f", "{x}"),
    ("HSET", "h", "a", "{x}"),  # an update of an existing field
    ("HMSET", "h", "f", "v", "g", "{x}"),
    ("HSETNX", "h", "{x}", "v"),
    ("HSETNX", "h", "f", "{x}"),
    ("HINCRBY", "h", "{x}", "1"),
    ("HINCRBYFLOAT", "h", "{x}", "1"),
], ids=lambda command: " ".join(command))
@pytest.mark.parametrize(("length", "expected"), [
    (64, LISTPACK), (65, HASHTABLE),
])
def test_a_field_or_value_of_64_bytes_fits_and_65_converts(raw, command,
                                                           length, expected):
    raw.call("HSET", "h", "a", "1")
    x = "7" * length  # digits: what HINCRBY's field may also be
    raw.call(*(arg.format(x=x) for arg in command))
    assert encoding(raw) == expected
    assert raw.call("HEXISTS", "h", "a") == integer(1)


def test_hset_measures_every_argument_before_it_writes_any(raw):
    raw.call("HSET", "h", "a", "1")
    long = "x" * 65
    assert raw.call("HSET", "h", "a", "2", "b", long) == integer(1)
    assert encoding(raw) == HASHTABLE
    assert raw.call("HMGET", "h", "a", "b") == bulks("2", long)


def test_hsetnx_of_an_existing_field_converts_nothing(raw):
    raw.call("HSET", "h", "f", "v")
    assert raw.call("HSETNX", "h", "f", "x" * 100) == integer(0)
    assert encoding(raw) == LISTPACK


def test_a_command_refused_for_its_arity_converts_nothing(raw):
    raw.call("HSET", "h", "a", "1")
    assert raw.call("HSET", "h", "b", "x" * 100, "c") == arity("hset")
    assert raw.call("HMSET", "h", "b", "x" * 100, "c") == arity("hmset")
    assert encoding(raw) == LISTPACK


def test_hincrby_refused_converts_nothing(raw):
    raw.call("HSET", "h", "a", "x")
    assert raw.call("HINCRBY", "h", "a", "y" * 100) == error(
        "value is not an integer or out of range")
    assert raw.call("HINCRBY", "h", "a", "1") == error(
        "hash value is not an integer")
    assert encoding(raw) == LISTPACK


@pytest.mark.parametrize(("increment", "result", "expected"), [
    ("1e64", "9999999999999999999830660035002966504798826279980126578522718208",
     LISTPACK),
    ("2e64",
     "19999999999999999999661320070005933009597652559960253157045436416",
     HASHTABLE),
])
def test_hincrbyfloat_converts_when_its_result_is_longer_than_64_bytes(
        raw, increment, result, expected):
    raw.call("HSET", "h", "f", "0")
    assert raw.call("HINCRBYFLOAT", "h", "f", increment) == bulk(result)
    assert encoding(raw) == expected


def test_a_hashtable_stays_one_when_it_shrinks(raw):
    raw.call("HSET", "h", *fields(513))
    raw.call("HDEL", "h", *[f"f{i}" for i in range(512)])
    assert raw.call("HLEN", "h") == integer(1)
    assert encoding(raw) == HASHTABLE
    raw.call("HSET", "h2", "f", "x" * 65)
    raw.call("HSET", "h2", "f", "short")
    assert encoding(raw, "h2") == HASHTABLE


def test_a_hash_that_loses_its_last_field_is_gone_in_either_encoding(raw):
    raw.call("HSET", "h", "a", "1", "b", "2")
    raw.call("HSET", "big", *fields(513))
    assert raw.call("HDEL", "h", "a", "b", "c") == integer(2)
    assert raw.call("HDEL", "big", *[f"f{i}" for i in range(514)]) == integer(513)
    assert raw.call("EXISTS", "h", "big") == integer(0)


# The thresholds changed while the server runs, or on its command line

@pytest.mark.parametrize("name", ["hash-max-listpack-entries",
                                  "hash-max-ziplist-entries"])
def test_config_set_of_the_entries_limit_applies_to_the_next_write(raw, name):
    assert raw.call("CONFIG", "SET", name, "4") == OK
    raw.call("HSET", "h", *fields(4))
    assert encoding(raw) == LISTPACK
    raw.call("HSET", "h", "e", "5")
    assert encoding(raw) == HASHTABLE


@pytest.mark.parametrize("name", ["hash-max-listpack-value",
                                  "hash-max-ziplist-value"])
def test_config_set_of_the_value_limit_applies_to_the_next_write(raw, name):
    assert raw.call("CONFIG", "SET", name, "8") == OK
    raw.call("HSET", "h", "12345678", "abcdefgh")
    assert encoding(raw) == LISTPACK
    raw.call("HSET", "h", "f", "abcdefghi")
    assert encoding(raw) == HASHTABLE


def test_a_lower_limit_converts_a_listpack_at_its_next_write_even_an_update(raw):
    raw.call("HSET", "h", *fields(10))
    raw.call("CONFIG", "SET", "hash-max-listpack-entries", "4")
    assert raw.call("HGET", "h", "f9") == bulk("v9")
    assert raw.call("HDEL", "h", "f9") == integer(1)  # deleting never converts
    assert encoding(raw) == LISTPACK
    assert raw.call("HSET", "h", "f0", "new") == integer(0)
    assert encoding(raw) == HASHTABLE


def test_an_entries_limit_of_zero_makes_every_hash_a_hashtable(raw):
    raw.call("CONFIG", "SET", "hash-max-listpack-entries", "0")
    raw.call("HSET", "h", "f", "v")
    raw.call("HINCRBY", "h2", "f", "1")
    assert encoding(raw) == HASHTABLE
    assert encoding(raw, "h2") == HASHTABLE


def test_a_value_limit_of_zero_still_takes_empty_strings(raw):
    raw.call("CONFIG", "SET", "hash-max-listpack-value", "0")
    raw.call("HSET", "h", "", "")
    assert encoding(raw) == LISTPACK
    raw.call("HSET", "h", "a", "")
    assert encoding(raw) == HASHTABLE


def test_limits_given_on_the_command_line_apply(start_server):
    proc = start_server(hash_max_listpack_entries=4, hash_max_ziplist_value=8)
    with RawClient(proc.port) as raw:
        raw.call("HSET", "h", *fields(4))
        assert encoding(raw) == LISTPACK
        raw.call("HSET", "h", "e", "5")
        assert encoding(raw) == HASHTABLE
        raw.call("HSET", "h2", "f", "123456789")
        assert encoding(raw, "h2") == HASHTABLE


# COPY, RENAME, MOVE and SORT

@pytest.mark.parametrize("size", [3, 600])
def test_copy_rename_and_move_keep_the_encoding(raw, size):
    raw.call("HSET", "h", *fields(size))
    expected = encoding(raw)
    assert expected == (LISTPACK if size < 512 else HASHTABLE)
    assert raw.call("COPY", "h", "copy") == integer(1)
    assert encoding(raw, "copy") == expected
    assert unordered(decode(raw.call("HGETALL", "copy")), True) == unordered(
        decode(raw.call("HGETALL", "h")), True)
    raw.call("HSET", "copy", "f0", "changed")  # the copy is its own
    assert raw.call("HGET", "h", "f0") == bulk("v0")
    raw.call("RENAME", "copy", "renamed")
    assert encoding(raw, "renamed") == expected
    raw.call("MOVE", "renamed", "1")
    raw.call("SELECT", "1")
    assert encoding(raw, "renamed") == expected
    assert raw.call("HGET", "renamed", "f0") == bulk("changed")


def test_sort_reads_fields_of_listpack_hashes(raw):
    raw.call("RPUSH", "l", "1", "2", "3")
    for i, weight in (("1", "30"), ("2", "-10"), ("3", "20")):
        raw.call("HSET", f"w_{i}", "weight", weight, "name", f"n{i}")
    assert encoding(raw, "w_1") == LISTPACK
    assert raw.call("SORT", "l", "BY", "w_*->weight") == bulks("2", "3", "1")
    assert raw.call("SORT", "l", "BY", "w_*->weight", "GET", "w_*->name",
                    "GET", "w_*->weight") == bulks(
        "n2", "-10", "n3", "20", "n1", "30")


# A listpack keeps the order fields were added in

def test_a_listpack_lists_fields_in_the_order_they_were_first_set(raw):
    raw.call("HSET", "h", "z", "1", "a", "2", "m", "3")
    raw.call("HSET", "h", "a", "two")  # an update keeps its place
    raw.call("HDEL", "h", "z")
    raw.call("HSET", "h", "z", "again")  # set again: now the last
    assert raw.call("HKEYS", "h") == bulks("a", "m", "z")
    assert raw.call("HVALS", "h") == bulks("two", "3", "again")
    assert raw.call("HGETALL", "h") == bulks("a", "two", "m", "3", "z", "again")


def test_hscan_of_a_listpack_returns_it_all_at_once_whatever_cursor_and_count(raw):
    raw.call("HSET", "h", *fields(20))
    everything = b"*2\r\n$1\r\n0\r\n" + bulks(*fields(20))
    assert raw.call("HSCAN", "h", "0", "COUNT", "1") == everything
    assert raw.call("HSCAN", "h", "12345") == everything
    assert raw.call("HSCAN", "h", "0", "MATCH", "f1*") == (
        b"*2\r\n$1\r\n0\r\n" + bulks(*fields(20)[2:4], *fields(20)[20:40]))
    assert raw.call("HSCAN", "h", "0", "MATCH", "v*") == EMPTY_SCAN
    assert raw.call("HSCAN", "h", "0", "COUNT", "0") == error("syntax error")


def test_hrandfield_with_a_small_count_picks_fields_in_listpack_order(raw):
    raw.call("HSET", "h", *fields(30))
    order = [f"f{i}".encode() for i in range(30)]
    for _ in range(20):
        picked = decode(raw.call("HRANDFIELD", "h", "5"))
        assert len(set(picked)) == 5
        assert picked == sorted(picked, key=order.index)


# Every command, in both encodings, against real Redis

DATA = ["f1", "v1", "n", "12", "neg", "-5", "big", "12345678901",
        "zero", "0", "lead", "007", "float", "1.5", "empty", "",
        "bin", "a\x00b\r\n", "max", "9223372036854775807"]


@pytest.fixture(scope="module")
def reference_server():
    """A real redis-server of this module's own."""
    proc = ServerProcess(Target("redis", "redis", REAL_REDIS_STEP)).start()
    yield proc
    proc.stop()


@pytest.fixture
def reference(reference_server):
    with RawClient(reference_server.port) as client:
        assert client.call("FLUSHALL") == OK
        assert client.call("CONFIG", "SET", *DEFAULTS) == OK
        yield client


@pytest.fixture(params=["listpack", "hashtable"])
def both(request, raw, reference):
    """The target and real Redis with the same hash `h` of DATA, in one
    encoding: hash-max-listpack-entries 0 makes a hash table of it."""
    clients = (raw, reference)
    for client in clients:
        if request.param == "hashtable":
            client.call("CONFIG", "SET", "hash-max-listpack-entries", "0")
        assert client.call("HSET", "h", *DATA) == integer(len(DATA) // 2)
        assert encoding(client) == bulk(request.param)
    return Agreement(raw, reference, ordered=request.param == "listpack")


class Agreement:
    """Runs a command on the target and on real Redis: the replies must be
    the same bytes, or with `ordered` False the same once sorted."""

    def __init__(self, raw, reference, ordered: bool):
        self.raw, self.reference, self.ordered = raw, reference, ordered

    def call(self, *args, pairs: bool = False):
        ours, theirs = self.raw.call(*args), self.reference.call(*args)
        if self.ordered:
            assert ours == theirs, args
        else:
            assert unordered(decode(ours), pairs) == unordered(
                decode(theirs), pairs), args
        return ours

    def scan(self, command: str, key: str, *options: str) -> None:
        """A whole scan from cursor 0: a listpack's is one call, the same
        bytes; a hash table's may take more calls here than in Redis,
        but must return the same pairs."""
        if self.ordered:
            self.call(command, key, "0", *options)
            return
        ours = scan_all(self.raw, command, key, *options)
        theirs = scan_all(self.reference, command, key, *options)
        assert unordered(ours, True) == unordered(theirs, True)


def unordered(value, pairs: bool):
    """A reply with its order forgotten: a list sorted (as pairs when
    `pairs`: field and value stay together), a map as a dict."""
    if isinstance(value, list):
        items = [repr(item) for item in value]
        if pairs:
            items = list(zip(items[::2], items[1::2]))
        return sorted(items)
    return value


READS = [
    ("HGET", "h", "f1"), ("HGET", "h", "n"), ("HGET", "h", "neg"),
    ("HGET", "h", "max"), ("HGET", "h", "lead"), ("HGET", "h", "empty"),
    ("HGET", "h", "bin"), ("HGET", "h", "nope"), ("HGET", "nokey", "f"),
    ("HMGET", "h", "f1", "n", "nope", "big", "zero"),
    ("HMGET", "nokey", "a", "b"),
    ("HEXISTS", "h", "n"), ("HEXISTS", "h", "nope"), ("HEXISTS", "h", "12"),
    ("HSTRLEN", "h", "neg"), ("HSTRLEN", "h", "big"), ("HSTRLEN", "h", "max"),
    ("HSTRLEN", "h", "empty"), ("HSTRLEN", "h", "nope"),
    ("HLEN", "h"), ("HLEN", "nokey"),
]


@pytest.mark.parametrize("command", READS, ids=" ".join)
def test_reads_agree_with_redis_in_both_encodings(both, command):
    both.call(*command)


@pytest.mark.parametrize("proto", ["2", "3"])
def test_whole_hash_replies_agree_with_redis_in_both_encodings(both, proto):
    for client in (both.raw, both.reference):
        client.call("HELLO", proto)
    both.call("HKEYS", "h")
    both.call("HVALS", "h")
    both.call("HGETALL", "h", pairs=True)
    both.call("HRANDFIELD", "h", "100", pairs=False)
    both.call("HGETALL", "nokey")
    both.call("HKEYS", "nokey")


def test_writes_agree_with_redis_in_both_encodings(both):
    for command in [
        ("HSET", "h", "f1", "again", "new", "1"),
        ("HSETNX", "h", "n", "x"), ("HSETNX", "h", "new2", "-7"),
        ("HINCRBY", "h", "n", "3"), ("HINCRBY", "h", "neg", "-10"),
        ("HINCRBY", "h", "max", "1"), ("HINCRBY", "h", "lead", "1"),
        ("HINCRBY", "h", "float", "1"), ("HINCRBY", "h", "fresh", "5"),
        ("HINCRBYFLOAT", "h", "float", "0.25"),
        ("HINCRBYFLOAT", "h", "big", "1.5"),
        ("HINCRBYFLOAT", "h", "n", "1"), ("HINCRBYFLOAT", "h", "f1", "1"),
        ("HDEL", "h", "zero", "nope", "bin"),
        ("HMSET", "h", "n", "0", "last", "x"),
    ]:
        both.call(*command)
    both.call("HGETALL", "h", pairs=True)
    assert encoding(both.raw) == encoding(both.reference)


def test_hscan_agrees_with_redis_in_both_encodings(both):
    both.scan("HSCAN", "h")
    both.scan("HSCAN", "h", "MATCH", "*e*")
    both.scan("HSCAN", "nokey")


@pytest.mark.parametrize("proto", ["2", "3"])
def test_hrandfield_gives_fields_of_the_hash_in_both_encodings(both, proto):
    raw = both.raw
    raw.call("HELLO", proto)
    pairs = {f.encode(): v.encode() for f, v in zip(DATA[::2], DATA[1::2])}
    assert decode(raw.call("HRANDFIELD", "h")) in pairs
    for count in (-25, 1, 3, 8, 10, 11):
        reply = decode(raw.call("HRANDFIELD", "h", count, "WITHVALUES"))
        if proto == "2":
            reply = list(zip(reply[::2], reply[1::2]))
        assert len(reply) == (-count if count < 0 else min(count, 10))
        assert all(pairs[field] == value for field, value in reply)
        if count > 0:  # distinct fields
            assert len({field for field, _ in reply}) == len(reply)
    assert len(decode(raw.call("HRANDFIELD", "h", "-3"))) == 3
