"""Sets in two encodings, as Redis 7.0.15's t_set.c keeps them: an intset,
the integers sorted in one array, while every member is an integer as
string2ll() reads one and there are at most set-max-intset-entries of
them (512); then a hash table, for good.

OBJECT ENCODING is checked after every command that makes or converts a
set: SADD and SMOVE choose by the first member; SINTERSTORE, SUNIONSTORE
and SDIFFSTORE build their result in a set that starts as an intset; SPOP
with a count may replace a set by a new one. At the threshold and one
past it, with the threshold as it starts, changed by CONFIG SET and given
on the command line. Then every set command runs on the same data in
both encodings and its replies are compared with a real redis-server:
byte for byte where the order is defined (an intset's is ascending), as
sorted lists where it is not (a hash table's).
"""

import pytest
from support.replies import EMPTY_SCAN, OK, bulk, bulks, error, integer, scan_all
from support.servers import REAL_REDIS_STEP, ServerProcess, Target
from support.wire import RawClient, decode

DEFAULTS = ("set-max-intset-entries", "512")
INTSET, HASHTABLE = bulk("intset"), bulk("hashtable")


def encoding(raw, key: str = "s") -> bytes:
    return raw.call("OBJECT", "ENCODING", key)


def numbers(*values: int) -> list[str]:
    return [str(v) for v in values]


def set_of(*members: str) -> bytes:
    """A RESP2 reply listing `members` in this order."""
    return bulks(*members)


@pytest.fixture(autouse=True)
def _default_threshold(server):
    """Tests share a server: each starts and ends with the default limit."""
    with RawClient(server.port) as client:
        assert client.call("CONFIG", "SET", *DEFAULTS) == OK
        yield
        assert client.call("CONFIG", "SET", *DEFAULTS) == OK


# SADD: the first member chooses, and a member or a count converts

@pytest.mark.parametrize(("member", "expected"), [
    ("0", INTSET),
    ("-1", INTSET),
    ("9223372036854775807", INTSET),
    ("-9223372036854775808", INTSET),
    ("9223372036854775808", HASHTABLE),  # past a long long
    ("01", HASHTABLE),  # string2ll() reads only the one way to write it
    ("+1", HASHTABLE),
    ("-0", HASHTABLE),
    (" 1", HASHTABLE),
    ("1 ", HASHTABLE),
    ("1.0", HASHTABLE),
    ("", HASHTABLE),
    ("a", HASHTABLE),
])
def test_a_new_set_is_an_intset_if_its_first_member_is_an_integer(raw, member,
                                                                 expected):
    raw.call("SADD", "s", member)
    assert encoding(raw) == expected
    assert raw.call("SISMEMBER", "s", member) == integer(1)


@pytest.mark.exercise("06-set-type-add")
def test_a_member_that_is_not_an_integer_converts_an_intset(raw):
    raw.call("SADD", "s", "1", "2")
    assert raw.call("SADD", "s", "3", "x", "4") == integer(3)
    assert encoding(raw) == HASHTABLE
    raw.call("SADD", "t", "x", "1")  # the first member decides
    assert encoding(raw, "t") == HASHTABLE


@pytest.mark.exercise("06-set-type-add")
def test_512_integers_are_an_intset_and_the_513th_converts_it(raw):
    assert raw.call("SADD", "s", *numbers(*range(512))) == integer(512)
    assert encoding(raw) == INTSET
    assert raw.call("SADD", "s", "7") == integer(0)  # not new: no change
    assert encoding(raw) == INTSET
    assert raw.call("SADD", "s", "512") == integer(1)
    assert encoding(raw) == HASHTABLE
    assert raw.call("SCARD", "s") == integer(513)


@pytest.mark.exercise("06-set-type-add")
def test_one_sadd_past_the_limit_converts_and_keeps_every_member(raw):
    assert raw.call("SADD", "s", *numbers(*range(600))) == integer(600)
    assert encoding(raw) == HASHTABLE
    assert raw.call("SISMEMBER", "s", "599") == integer(1)


def test_a_hashtable_stays_one_when_only_integers_are_left(raw):
    raw.call("SADD", "s", "1", "x", "2")
    raw.call("SREM", "s", "x")
    assert encoding(raw) == HASHTABLE
    raw.call("SADD", "big", *numbers(*range(513)))
    raw.call("SREM", "big", *numbers(*range(510)))
    assert encoding(raw, "big") == HASHTABLE


def test_srem_of_an_intset_leaves_an_intset(raw):
    raw.call("SADD", "s", "1", "2", "3")
    assert raw.call("SREM", "s", "x", "01", "2") == integer(1)
    assert encoding(raw) == INTSET
    assert raw.call("SMEMBERS", "s") == set_of("1", "3")


# SMOVE into a new key, and into an intset

@pytest.mark.parametrize(("member", "expected"), [
    ("7", INTSET), ("x", HASHTABLE),
])
def test_smove_makes_a_new_destination_for_its_member(raw, member, expected):
    raw.call("SADD", "src", "x", "7")  # a hash table
    assert raw.call("SMOVE", "src", "dst", member) == integer(1)
    assert encoding(raw, "dst") == expected


def test_smove_of_a_string_into_an_intset_converts_it(raw):
    raw.call("SADD", "src", "x", "7")
    raw.call("SADD", "dst", "1")
    assert raw.call("SMOVE", "src", "dst", "7") == integer(1)
    assert encoding(raw, "dst") == INTSET
    assert raw.call("SMOVE", "src", "dst", "x") == integer(1)
    assert encoding(raw, "dst") == HASHTABLE
    assert raw.call("EXISTS", "src") == integer(0)


def test_smove_of_a_string_from_an_intset_moves_nothing(raw):
    raw.call("SADD", "src", "1")
    assert raw.call("SMOVE", "src", "dst", "x") == integer(0)
    assert raw.call("SMOVE", "src", "dst", "01") == integer(0)
    assert raw.call("SMOVE", "src", "src", "1") == integer(1)
    assert raw.call("SMOVE", "src", "src", "x") == integer(0)


# Results built as Redis builds them: in a set that starts as an intset

def test_sinterstore_of_hashtables_stores_an_intset_of_integers(raw):
    raw.call("SADD", "a", "x", "1", "2", "3")
    raw.call("SADD", "b", "y", "3", "2", "4")
    assert raw.call("SINTERSTORE", "d", "a", "b") == integer(2)
    assert encoding(raw, "d") == INTSET
    assert raw.call("SMEMBERS", "d") == set_of("2", "3")
    raw.call("SADD", "b", "x")
    assert raw.call("SINTERSTORE", "d", "a", "b") == integer(3)
    assert encoding(raw, "d") == HASHTABLE


def test_sunionstore_of_integers_stores_an_intset_until_the_limit(raw):
    raw.call("SADD", "a", "x", "5", "1")
    raw.call("SREM", "a", "x")  # a hash table of integers
    raw.call("SADD", "b", "3")
    assert raw.call("SUNIONSTORE", "d", "a", "b") == integer(3)
    assert encoding(raw, "d") == INTSET
    assert raw.call("SMEMBERS", "d") == set_of("1", "3", "5")
    raw.call("SADD", "c", *numbers(*range(100, 610)))  # 510 integers
    assert raw.call("SUNIONSTORE", "d", "a", "b", "c") == integer(513)
    assert encoding(raw, "d") == HASHTABLE


def test_sdiffstore_keeps_the_encoding_its_algorithm_gives(raw):
    raw.call("SADD", "a", "x", "1", "2", "3", "4", "5")
    raw.call("SADD", "b", "x")
    raw.call("SADD", "c", "zz")
    # Against one set: add what the others lack (algorithm 1): integers.
    assert raw.call("SDIFFSTORE", "d", "a", "b") == integer(5)
    assert encoding(raw, "d") == INTSET
    # Against two small ones: copy the first, remove the others'
    # members (algorithm 2): a hash table once "x" went in.
    assert raw.call("SDIFFSTORE", "d", "a", "b", "c") == integer(5)
    assert encoding(raw, "d") == HASHTABLE
    assert sorted(decode(raw.call("SDIFF", "a", "b", "c"))) == [
        b"1", b"2", b"3", b"4", b"5"]  # a hash table's order


def test_store_commands_with_an_empty_result_delete_the_destination(raw):
    raw.call("SADD", "a", "1")
    raw.call("SADD", "b", "2")
    for command in ("SINTERSTORE", "SDIFFSTORE"):
        raw.call("SET", "d", "old")
        assert raw.call(command, "d", "a", "a" if command == "SDIFFSTORE"
                        else "b") == integer(0)
        assert raw.call("EXISTS", "d") == integer(0)
    raw.call("SET", "d", "old")
    assert raw.call("SUNIONSTORE", "d", "nokey") == integer(0)
    assert raw.call("EXISTS", "d") == integer(0)


def test_spop_of_nearly_all_members_keeps_the_rest_in_a_new_set(raw):
    raw.call("SADD", "s", "x", *numbers(1, 2, 3, 4, 5, 6))
    raw.call("SREM", "s", "x")  # a hash table of six integers
    popped = decode(raw.call("SPOP", "s", "5"))
    assert len(set(popped)) == 5
    assert encoding(raw) == INTSET  # the one left, in a new set
    (left,) = decode(raw.call("SMEMBERS", "s"))
    assert {*popped, left} == {b"1", b"2", b"3", b"4", b"5", b"6"}


def test_spop_of_every_member_replies_as_sunion_does(raw):
    raw.call("SADD", "s", "x", "30", "-2", "10")
    raw.call("SREM", "s", "x")  # a hash table; the reply goes through an intset
    assert raw.call("SPOP", "s", "3") == set_of("-2", "10", "30")
    assert raw.call("EXISTS", "s") == integer(0)
    raw.call("SADD", "s", "30", "-2", "10")
    raw.call("HELLO", "3")
    assert raw.call("SPOP", "s", "10") == (
        b"~3\r\n" + bulk("-2") + bulk("10") + bulk("30"))


# The threshold changed while the server runs, or on its command line

@pytest.mark.exercise("06-set-type-add")
def test_config_set_of_the_limit_applies_to_the_next_write(raw):
    assert raw.call("CONFIG", "SET", "set-max-intset-entries", "4") == OK
    raw.call("SADD", "s", *numbers(1, 2, 3, 4))
    assert encoding(raw) == INTSET
    raw.call("SADD", "s", "5")
    assert encoding(raw) == HASHTABLE


@pytest.mark.exercise("06-set-type-add")
def test_a_lower_limit_converts_an_intset_when_it_next_gains_a_member(raw):
    raw.call("SADD", "s", *numbers(*range(10)))
    raw.call("CONFIG", "SET", "set-max-intset-entries", "4")
    assert raw.call("SADD", "s", "5") == integer(0)
    assert raw.call("SREM", "s", "9") == integer(1)
    assert encoding(raw) == INTSET
    assert raw.call("SADD", "s", "100") == integer(1)
    assert encoding(raw) == HASHTABLE


def test_a_limit_of_zero_makes_every_set_a_hashtable(raw):
    raw.call("CONFIG", "SET", "set-max-intset-entries", "0")
    raw.call("SADD", "s", "1")
    assert encoding(raw) == HASHTABLE
    raw.call("SADD", "a", "1")
    assert raw.call("SINTERSTORE", "d", "a", "a") == integer(1)
    assert encoding(raw, "d") == HASHTABLE


def test_the_limit_given_on_the_command_line_applies(start_server):
    proc = start_server(set_max_intset_entries=4)
    with RawClient(proc.port) as raw:
        raw.call("SADD", "s", *numbers(1, 2, 3, 4))
        assert encoding(raw) == INTSET
        raw.call("SADD", "s", "5")
        assert encoding(raw) == HASHTABLE
        raw.call("SADD", "a", *numbers(1, 2, 3))
        raw.call("SADD", "b", *numbers(4, 5))
        assert raw.call("SUNIONSTORE", "d", "a", "b") == integer(5)
        assert encoding(raw, "d") == HASHTABLE


# COPY, RENAME, MOVE and SORT

@pytest.mark.parametrize("members", [numbers(3, 1, 2), ["a", "1", "2"]],
                         ids=["intset", "hashtable"])
def test_copy_rename_and_move_keep_the_encoding(raw, members):
    raw.call("SADD", "s", *members)
    expected = encoding(raw)
    assert raw.call("COPY", "s", "copy") == integer(1)
    assert encoding(raw, "copy") == expected
    raw.call("SADD", "copy", "99")  # the copy is its own
    assert raw.call("SISMEMBER", "s", "99") == integer(0)
    raw.call("RENAME", "copy", "renamed")
    assert encoding(raw, "renamed") == expected
    raw.call("MOVE", "renamed", "1")
    raw.call("SELECT", "1")
    assert encoding(raw, "renamed") == expected
    assert raw.call("SCARD", "renamed") == integer(4)


def test_sort_of_an_intset_without_sorting_lists_it_ascending(raw):
    raw.call("SADD", "s", *numbers(30, -5, 7, 1000))
    assert raw.call("SORT", "s", "BY", "nosort") == set_of("-5", "7", "30", "1000")
    assert raw.call("SORT", "s", "BY", "nosort", "DESC", "LIMIT", "1", "2") == (
        set_of("7", "30"))
    assert raw.call("SORT", "s", "DESC") == set_of("1000", "30", "7", "-5")
    assert raw.call("SORT", "s", "ALPHA") == set_of("-5", "1000", "30", "7")
    assert raw.call("SORT", "s", "BY", "nosort", "STORE", "l") == integer(4)
    assert raw.call("LRANGE", "l", "0", "-1") == set_of("-5", "1000", "30", "7")


def test_zunionstore_reads_an_intset_as_members_of_score_1(raw):
    raw.call("SADD", "s", "3", "1")
    raw.call("ZADD", "z", "5", "1", "2", "x")
    assert raw.call("ZUNIONSTORE", "d", "2", "s", "z") == integer(3)
    assert raw.call("ZRANGE", "d", "0", "-1", "WITHSCORES") == bulks(
        "3", "1", "x", "2", "1", "6")
    assert raw.call("ZINTER", "2", "s", "z") == bulks("1")
    assert raw.call("ZDIFF", "2", "s", "z") == bulks("3")


# An intset keeps its members sorted

@pytest.mark.exercise("06-intset-upgrade")
def test_an_intset_lists_its_members_in_ascending_order(raw):
    raw.call("SADD", "s", *numbers(5, -3, 100000, -2147483649, 0, 42))
    ascending = numbers(-2147483649, -3, 0, 5, 42, 100000)
    assert raw.call("SMEMBERS", "s") == set_of(*ascending)
    assert raw.call("SRANDMEMBER", "s", "6") == set_of(*ascending)
    assert raw.call("SSCAN", "s", "0") == b"*2\r\n$1\r\n0\r\n" + set_of(*ascending)


def test_sscan_of_an_intset_returns_it_all_at_once_whatever_cursor_and_count(raw):
    raw.call("SADD", "s", *numbers(*range(30)))
    everything = b"*2\r\n$1\r\n0\r\n" + set_of(*numbers(*range(30)))
    assert raw.call("SSCAN", "s", "0", "COUNT", "1") == everything
    assert raw.call("SSCAN", "s", "777") == everything
    assert raw.call("SSCAN", "s", "0", "MATCH", "2?") == (
        b"*2\r\n$1\r\n0\r\n" + set_of(*numbers(*range(20, 30))))
    assert raw.call("SSCAN", "s", "0", "MATCH", "x*") == EMPTY_SCAN
    assert raw.call("SSCAN", "s", "0", "COUNT", "0") == error("syntax error")


def test_sinter_lists_members_in_the_order_of_the_smallest_set(raw):
    raw.call("SADD", "small", *numbers(9, 3, 6))  # an intset
    raw.call("SADD", "big", "x", *numbers(*range(10)))  # a hash table
    assert raw.call("SINTER", "big", "small") == set_of("3", "6", "9")
    assert raw.call("SINTERCARD", "2", "big", "small", "LIMIT", "2") == integer(2)


# Every command, in both encodings, against real Redis

DATA = numbers(5, -3, 100000, -2147483649, 9223372036854775807, 0, 42)
OTHER = numbers(42, 7, -3, 8)


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


@pytest.fixture(params=["intset", "hashtable"])
def both(request, raw, reference):
    """The target and real Redis with the same sets `s` (DATA) and `o`
    (OTHER), in one encoding: set-max-intset-entries 0 makes a hash table
    of every set, results too."""
    for client in (raw, reference):
        if request.param == "hashtable":
            client.call("CONFIG", "SET", "set-max-intset-entries", "0")
        assert client.call("SADD", "s", *DATA) == integer(len(DATA))
        assert client.call("SADD", "o", *OTHER) == integer(len(OTHER))
        assert encoding(client) == bulk(request.param)
    return Agreement(raw, reference, ordered=request.param == "intset")


class Agreement:
    """Runs a command on the target and on real Redis: the replies must be
    the same bytes, or with `ordered` False the same once sorted."""

    def __init__(self, raw, reference, ordered: bool):
        self.raw, self.reference, self.ordered = raw, reference, ordered

    def call(self, *args):
        ours, theirs = self.raw.call(*args), self.reference.call(*args)
        if self.ordered:
            assert ours == theirs, args
        else:
            assert unordered(decode(ours)) == unordered(decode(theirs)), args
        return ours


def unordered(value):
    """A reply with its order forgotten."""
    return sorted(value) if isinstance(value, list) else value


COMMANDS = [
    ("SMEMBERS", "s"), ("SMEMBERS", "nokey"),
    ("SISMEMBER", "s", "5"), ("SISMEMBER", "s", "05"),
    ("SISMEMBER", "s", "+5"), ("SISMEMBER", "s", "x"),
    ("SISMEMBER", "s", "9223372036854775808"),
    ("SMISMEMBER", "s", "0", "-0", "42", "nope", "-2147483649"),
    ("SCARD", "s"), ("SCARD", "nokey"),
    ("SRANDMEMBER", "s", "7"), ("SRANDMEMBER", "s", "100"),
    ("SINTER", "s", "o"), ("SINTER", "o", "s", "nokey"),
    ("SINTERCARD", "2", "s", "o"), ("SINTERCARD", "2", "s", "o", "LIMIT", "1"),
    ("SUNION", "s", "o"), ("SUNION", "nokey", "o"),
    ("SDIFF", "s", "o"), ("SDIFF", "o", "s"), ("SDIFF", "s", "s"),
    ("SDIFF", "nokey", "s"),
    ("SORT", "s"), ("SORT", "s", "DESC", "LIMIT", "1", "3"),
    ("SORT", "s", "BY", "nosort", "STORE", "l"), ("LRANGE", "l", "0", "-1"),
    ("SINTERSTORE", "d", "s", "o"), ("SMEMBERS", "d"),
    ("SUNIONSTORE", "d", "s", "o"), ("SMEMBERS", "d"),
    ("SDIFFSTORE", "d", "s", "o"), ("SMEMBERS", "d"),
    ("SREM", "s", "05", "x", "5", "5"), ("SMEMBERS", "s"),
    ("SADD", "s", "6", "5", "-3"), ("SMEMBERS", "s"),
    ("SMOVE", "s", "o", "-3"), ("SMOVE", "s", "new", "100000"),
    ("SMOVE", "s", "o", "05"), ("SMEMBERS", "o"), ("SMEMBERS", "new"),
    ("SPOP", "o", "100"), ("EXISTS", "o"),
]


@pytest.mark.parametrize("proto", ["2", "3"])
def test_every_command_agrees_with_redis_in_both_encodings(both, proto):
    for client in (both.raw, both.reference):
        client.call("HELLO", proto)
    for command in COMMANDS:
        both.call(*command)
    for key in ("s", "d", "new"):
        assert encoding(both.raw, key) == encoding(both.reference, key), key


def test_sscan_agrees_with_redis_in_both_encodings(both):
    for options in ((), ("MATCH", "-*"), ("MATCH", "*0*", "COUNT", "2")):
        if both.ordered:
            both.call("SSCAN", "s", "0", *options)
        ours = scan_all(both.raw, "SSCAN", "s", *options)
        assert sorted(ours) == sorted(scan_all(both.reference, "SSCAN", "s",
                                               *options))


@pytest.mark.parametrize("proto", ["2", "3"])
def test_random_members_are_members_in_both_encodings(both, proto):
    raw = both.raw
    raw.call("HELLO", proto)
    members = {m.encode() for m in DATA}
    assert decode(raw.call("SRANDMEMBER", "s")) in members
    for count in (-20, 1, 3, 6):
        picked = decode(raw.call("SRANDMEMBER", "s", count))
        assert len(picked) == abs(count)
        assert set(picked) <= members
        if count > 0:
            assert len(set(picked)) == count
    popped = {decode(raw.call("SPOP", "s"))}
    assert popped <= members
    # Of 6 members, 5: SPOP's third case (one is kept); then 1 of 1: its
    # first. Of the 4 in o, 1: its second (one is popped).
    for key, count, pool in (("s", 5, members - popped), ("s", 1, None),
                             ("o", 1, {m.encode() for m in OTHER})):
        pool = pool or members - popped
        more = set(decode(raw.call("SPOP", key, count)))
        assert len(more) == count and more <= pool
        popped |= more
        assert raw.call("SMISMEMBER", key, *more) == b"*%d\r\n" % count + (
            integer(0) * count)
    assert raw.call("EXISTS", "s") == integer(0)
    assert raw.call("SCARD", "o") == integer(3)
