"""Sorted sets in their two encodings: OBJECT ENCODING after every command
that makes or changes one, and every sorted set command on both, byte
for byte as Redis 7.0.15.

A sorted set is a listpack until it would hold more than
zset-max-listpack-entries members (128) or a member longer than
zset-max-listpack-value bytes (64); then a skiplist, for good. Only the
STORE forms of ZUNION, ZINTER and ZDIFF make a small enough result into a
listpack again; ZRANGESTORE starts from a listpack unless it knows the
result will not fit; SORT converts its key to a skiplist. The limits are
read at each check, so CONFIG SET (or their old *-ziplist-* names)
applies at once.
"""

from math import inf

import pytest
from support.replies import (
    EMPTY_ARRAY,
    NULL,
    OK,
    bulk,
    bulks,
    integer,
    scan_all,
)
from support.wire import RawClient, decode

LISTPACK, SKIPLIST = bulk("listpack"), bulk("skiplist")
ENTRIES, VALUE = "zset-max-listpack-entries", "zset-max-listpack-value"
SORT_ERROR = b"-ERR One or more scores can't be converted into double\r\n"


@pytest.fixture(autouse=True)
def _thresholds_put_back(server):
    """Set the thresholds back to Redis's defaults after each test."""
    yield
    with RawClient(server.port) as client:
        assert client.call("CONFIG", "SET", ENTRIES, "128", VALUE, "64") == OK


def encoding(raw, key: str = "z") -> bytes:
    return raw.call("OBJECT", "ENCODING", key)


def members(count: int, start: int = 0) -> list[str]:
    """ZADD's arguments for `count` members m000, m001... scored 0, 1..."""
    return [x for i in range(start, start + count) for x in (str(i), f"m{i:03d}")]


def score_text(score: float) -> bytes:
    """A score as Redis 7.0 replies it: "%.17g", "inf", "-inf"."""
    if score in (inf, -inf):
        return b"inf" if score > 0 else b"-inf"
    return b"%.17g" % score


def with_scores(*pairs) -> bytes:
    """A RESP2 reply of members and scores: one flat array."""
    return bulks(*[x for member, score in pairs for x in (member, score_text(score))])


def with_scores3(*pairs) -> bytes:
    """The RESP3 one: an array of [member, score] pairs."""
    return b"*%d\r\n" % len(pairs) + b"".join(
        b"*2\r\n" + bulk(member) + b",%s\r\n" % score_text(score) for member, score in pairs)


# -- ZADD and ZINCRBY: by count, by member length ----------------------------

def test_a_new_sorted_set_is_a_listpack(raw):
    assert raw.call("ZADD", "z", "1", "a") == integer(1)
    assert encoding(raw) == LISTPACK


@pytest.mark.parametrize(("count", "expected"), [(127, LISTPACK), (128, LISTPACK),
                                                 (129, SKIPLIST), (300, SKIPLIST)])
def test_one_zadd_of_many_members_converts_past_128(raw, count, expected):
    assert raw.call("ZADD", "z", *members(count)) == integer(count)
    assert encoding(raw) == expected
    assert raw.call("ZCARD", "z") == integer(count)


def test_the_129th_member_converts_a_full_listpack(raw):
    raw.call("ZADD", "z", *members(128))
    assert encoding(raw) == LISTPACK
    assert raw.call("ZADD", "z", "500", "m128") == integer(1)
    assert encoding(raw) == SKIPLIST
    assert raw.call("ZRANGE", "z", "-2", "-1", "WITHSCORES") == with_scores(
        ("m127", 127), ("m128", 500))


def test_zincrby_of_a_new_member_converts_a_full_listpack(raw):
    raw.call("ZADD", "z", *members(128))
    assert raw.call("ZINCRBY", "z", "2.5", "new") == bulk("2.5")
    assert encoding(raw) == SKIPLIST


def test_changing_members_of_a_full_listpack_keeps_it(raw):
    raw.call("ZADD", "z", *members(128))
    assert raw.call("ZADD", "z", "-5", "m100", "1000", "m001") == integer(0)
    assert raw.call("ZINCRBY", "z", "0.5", "m050") == bulk("50.5")
    assert raw.call("ZADD", "z", "XX", "1", "absent") == integer(0)  # not added
    assert raw.call("ZADD", "z", "NX", "7", "m007") == integer(0)
    assert raw.call("ZADD", "z", "GT", "CH", "9", "m009", "99", "m001") == integer(0)
    assert raw.call("ZREM", "z", "m000") == integer(1)
    assert raw.call("ZADD", "z", "0", "m000", "1", "other") == integer(2)  # 129
    assert encoding(raw) == SKIPLIST


@pytest.mark.parametrize(("length", "expected"), [(63, LISTPACK), (64, LISTPACK),
                                                  (65, SKIPLIST)])
def test_a_member_longer_than_64_bytes_makes_a_skiplist(raw, length, expected):
    raw.call("ZADD", "z", "1", "x" * length)
    assert encoding(raw) == expected
    raw.call("ZADD", "y", "1", "a", "2", "b")
    raw.call("ZADD", "y", "3", "x" * length)
    assert encoding(raw, "y") == expected
    raw.call("ZADD", "w", "1", "a", "2", "x" * length, "3", "c")  # in the middle
    assert encoding(raw, "w") == expected


def test_an_integer_member_counts_its_digits(raw):
    raw.call("ZADD", "z", "1", "1" * 64)  # not a 64-bit integer: 64 bytes
    assert encoding(raw) == LISTPACK
    raw.call("ZADD", "y", "1", "1" * 65)
    assert encoding(raw, "y") == SKIPLIST


def test_a_skiplist_stays_one_when_it_shrinks(raw):
    raw.call("ZADD", "z", *members(129))
    raw.call("ZADD", "y", "1", "a", "2", "b" * 65)
    assert raw.call("ZREMRANGEBYRANK", "z", "0", "-3") == integer(127)
    assert raw.call("ZPOPMIN", "z") == with_scores(("m127", 127))
    assert raw.call("ZREM", "y", "b" * 65) == integer(1)
    for key in ("z", "y"):
        assert raw.call("ZCARD", key) == integer(1)
        assert encoding(raw, key) == SKIPLIST
    raw.call("ZADD", "z", "1", "a")
    assert encoding(raw) == SKIPLIST


def test_an_emptied_sorted_set_is_gone_and_comes_back_as_a_listpack(raw):
    raw.call("ZADD", "z", *members(200))
    assert raw.call("ZREMRANGEBYSCORE", "z", "-inf", "+inf") == integer(200)
    assert encoding(raw) == NULL
    raw.call("ZADD", "z", "1", "a")
    assert encoding(raw) == LISTPACK


# -- CONFIG SET of the limits and their old names ------------------------------

@pytest.mark.parametrize("name", [ENTRIES, "zset-max-ziplist-entries"])
def test_config_set_of_the_entries_limit_applies_at_once(raw, name):
    assert raw.call("CONFIG", "SET", name, "3") == OK
    raw.call("ZADD", "z", *members(3))
    assert encoding(raw) == LISTPACK
    raw.call("ZADD", "z", "3", "m003")
    assert encoding(raw) == SKIPLIST
    raw.call("ZADD", "y", *members(4))
    assert encoding(raw, "y") == SKIPLIST


@pytest.mark.parametrize("name", [VALUE, "zset-max-ziplist-value"])
def test_config_set_of_the_value_limit_applies_at_once(raw, name):
    assert raw.call("CONFIG", "SET", name, "5") == OK
    raw.call("ZADD", "z", "1", "abcde")
    assert encoding(raw) == LISTPACK
    raw.call("ZADD", "z", "2", "abcdef")
    assert encoding(raw) == SKIPLIST


def test_no_listpack_at_all_with_an_entries_limit_of_0(raw):
    raw.call("CONFIG", "SET", ENTRIES, "0")
    raw.call("ZADD", "z", "1", "a")
    assert encoding(raw) == SKIPLIST


def test_an_empty_member_fits_a_value_limit_of_0(raw):
    raw.call("CONFIG", "SET", VALUE, "0")
    raw.call("ZADD", "z", "1", "")
    assert encoding(raw) == LISTPACK
    raw.call("ZADD", "z", "2", "a")
    assert encoding(raw) == SKIPLIST


def test_lower_limits_leave_a_listpack_until_a_member_is_added(raw):
    raw.call("ZADD", "z", *members(10))
    raw.call("CONFIG", "SET", ENTRIES, "5", VALUE, "2")
    raw.call("ZADD", "z", "100", "m001")
    raw.call("ZREM", "z", "m002")
    assert encoding(raw) == LISTPACK
    raw.call("ZADD", "z", "1", "m002")
    assert encoding(raw) == SKIPLIST


# -- the STORE commands --------------------------------------------------------

@pytest.mark.parametrize(("start", "stop", "expected"), [
    ("0", "127", LISTPACK), ("0", "128", SKIPLIST), ("72", "-1", LISTPACK),
    ("71", "-1", SKIPLIST),
])
def test_zrangestore_by_rank_knows_the_length_before_it_stores(raw, start, stop, expected):
    raw.call("ZADD", "src", *members(200))
    count = int(decode(raw.call("ZRANGESTORE", "z", "src", start, stop)))
    assert count in (128, 129)
    assert encoding(raw) == expected


@pytest.mark.parametrize(("low", "high", "expected"), [
    ("0", "127", LISTPACK), ("0", "128", SKIPLIST), ("(71", "+inf", LISTPACK),
])
def test_zrangestore_by_score_converts_as_it_grows(raw, low, high, expected):
    raw.call("ZADD", "src", *members(200))
    raw.call("ZRANGESTORE", "z", "src", low, high, "BYSCORE")
    assert encoding(raw) == expected


def test_zrangestore_of_a_long_member_makes_a_skiplist(raw):
    raw.call("ZADD", "src", "1", "a", "2", "b" * 65)
    assert raw.call("ZRANGESTORE", "z", "src", "0", "0") == integer(1)
    assert encoding(raw) == LISTPACK
    assert raw.call("ZRANGESTORE", "z", "src", "0", "-1") == integer(2)
    assert encoding(raw) == SKIPLIST


def test_zrangestore_with_an_entries_limit_of_0(raw):
    raw.call("ZADD", "src", "1", "a", "2", "b")
    raw.call("CONFIG", "SET", ENTRIES, "0")
    raw.call("ZRANGESTORE", "z", "src", "0", "0")
    raw.call("ZRANGESTORE", "y", "src", "-inf", "+inf", "BYSCORE")
    assert encoding(raw, "z") == SKIPLIST
    assert encoding(raw, "y") == SKIPLIST


@pytest.mark.parametrize("command", [
    ("ZUNIONSTORE", "z", "2", "b", "nokey"),
    ("ZINTERSTORE", "z", "2", "a", "b"),
    ("ZDIFFSTORE", "z", "2", "a", "c"),
])
@pytest.mark.parametrize(("size", "expected"), [(128, LISTPACK), (129, SKIPLIST)])
def test_set_operations_store_a_small_result_as_a_listpack(raw, command, size, expected):
    raw.call("ZADD", "a", *members(300))
    raw.call("ZADD", "b", *members(300))
    raw.call("ZREMRANGEBYRANK", "b", str(size), "-1")
    raw.call("ZADD", "c", *members(300 - size, size))
    assert encoding(raw, "a") == encoding(raw, "b") == encoding(raw, "c") == SKIPLIST
    assert raw.call(*command) == integer(size)
    assert encoding(raw) == expected


def test_a_set_operation_result_with_a_long_member_is_a_skiplist(raw):
    raw.call("ZADD", "a", "1", "a", "2", "b" * 64)
    raw.call("SADD", "s", "c" * 65)
    assert raw.call("ZUNIONSTORE", "z", "1", "a") == integer(2)
    assert encoding(raw) == LISTPACK
    assert raw.call("ZUNIONSTORE", "z", "2", "a", "s") == integer(3)
    assert encoding(raw) == SKIPLIST


def test_a_set_operation_result_follows_the_limits_of_the_moment(raw):
    raw.call("SADD", "s", "a", "b", "c")
    raw.call("ZADD", "a", "1", "x")
    assert raw.call("ZUNIONSTORE", "z", "2", "s", "a") == integer(4)
    assert encoding(raw) == LISTPACK
    raw.call("CONFIG", "SET", ENTRIES, "3")
    assert raw.call("ZUNIONSTORE", "z", "2", "s", "a") == integer(4)
    assert encoding(raw) == SKIPLIST
    assert raw.call("ZINTERSTORE", "z", "1", "s") == integer(3)
    assert encoding(raw) == LISTPACK


# -- COPY, RENAME, MOVE keep the encoding; SORT converts -------------------------

@pytest.mark.parametrize(("count", "expected"), [(5, LISTPACK), (200, SKIPLIST)])
def test_copy_rename_and_move_keep_the_encoding(raw, count, expected):
    raw.call("ZADD", "z", *members(count))
    assert raw.call("COPY", "z", "copy") == integer(1)
    assert raw.call("RENAME", "z", "renamed") == OK
    assert raw.call("MOVE", "renamed", "1") == integer(1)
    assert encoding(raw, "copy") == expected
    raw.call("SELECT", "1")
    assert encoding(raw, "renamed") == expected
    raw.call("SELECT", "0")


def test_a_copy_is_a_sorted_set_of_its_own(raw):
    raw.call("ZADD", "z", "1", "a", "2", "b")
    raw.call("COPY", "z", "copy")
    raw.call("ZADD", "z", "3", "c")
    raw.call("ZINCRBY", "copy", "5", "a")
    assert raw.call("ZRANGE", "z", "0", "-1", "WITHSCORES") == with_scores(
        ("a", 1), ("b", 2), ("c", 3))
    assert raw.call("ZRANGE", "copy", "0", "-1", "WITHSCORES") == with_scores(
        ("b", 2), ("a", 6))


@pytest.mark.parametrize("command", [("SORT", "z", "ALPHA"), ("SORT_RO", "z", "ALPHA"),
                                     ("SORT", "z", "BY", "nosort")])
def test_sort_converts_a_listpack_to_a_skiplist(raw, command):
    raw.call("ZADD", "z", "1", "b", "2", "a", "3", "c")
    assert raw.call(*command) == bulks(*("abc" if "ALPHA" in command else "bac"))
    assert encoding(raw) == SKIPLIST


def test_sort_converts_even_when_it_fails(raw):
    raw.call("ZADD", "z", "1", "b", "2", "a")
    assert raw.call("SORT", "z") == SORT_ERROR
    assert encoding(raw) == SKIPLIST
    raw.call("ZADD", "y", "1", "b")
    assert raw.call("SORT", "y", "LIMIT", "x", "1").startswith(b"-ERR")
    assert encoding(raw, "y") == LISTPACK  # an option's error comes first


# -- what each encoding stores ---------------------------------------------------

def test_minus_zero_is_0_in_a_listpack_and_minus_0_in_a_skiplist(raw):
    raw.call("ZADD", "z", "-0", "a")
    assert raw.call("ZSCORE", "z", "a") == bulk("0")
    raw.call("CONFIG", "SET", ENTRIES, "0")
    raw.call("ZADD", "y", "-0", "a")
    assert raw.call("ZSCORE", "y", "a") == bulk("-0")
    assert raw.call("ZADD", "y", "INCR", "-0", "b") == bulk("-0")
    assert raw.call("ZSCORE", "y", "b") == bulk("-0")


def test_a_big_set_operation_result_keeps_minus_zero(raw):
    raw.call("ZADD", "a", *members(200))
    assert raw.call("ZUNIONSTORE", "z", "1", "a", "WEIGHTS", "-1") == integer(200)
    assert raw.call("ZSCORE", "z", "m000") == bulk("-0")
    assert raw.call("ZINTERSTORE", "z", "1", "a", "WEIGHTS", "-1") == integer(200)
    raw.call("ZREMRANGEBYRANK", "a", "10", "-1")
    assert raw.call("ZUNIONSTORE", "z", "1", "a", "WEIGHTS", "-1") == integer(10)
    assert raw.call("ZSCORE", "z", "m000") == bulk("0")


def test_zscan_sends_a_listpack_whole_with_scores_as_stored(raw):
    raw.call("ZADD", "z", *members(100))
    raw.call("ZADD", "z", "1.5", "frac", "1e17", "big", "-inf", "low")
    reply = decode(raw.call("ZSCAN", "z", "0", "COUNT", "1"))
    assert reply[0] == b"0"
    items = reply[1]
    assert items[:4] == [b"low", b"-inf", b"m000", b"0"]
    assert dict(zip(items[::2], items[1::2]))[b"big"] == b"100000000000000000"
    assert len(items) == 206
    assert raw.call("ZSCAN", "z", "0", "MATCH", "*r*") == (
        b"*2\r\n$1\r\n0\r\n" + bulks("frac", "1.5"))


def test_zscan_of_a_skiplist_writes_scores_with_17_digits(raw):
    raw.call("ZADD", "z", *members(200))
    raw.call("ZADD", "z", "1.5", "frac", "1e17", "big", "-inf", "low")
    found = scan_all(raw, "ZSCAN", "z", "COUNT", "20")
    scores = dict(zip(found[::2], found[1::2]))
    assert len(scores) == 203
    assert scores[b"big"] == b"1e+17"
    assert scores[b"frac"] == b"1.5"
    assert scores[b"low"] == b"-inf"
    assert scores[b"m123"] == b"123"


def test_bylex_walks_a_listpack_whose_scores_differ(raw):
    # The answer is unspecified when scores differ; a listpack's is found
    # by walking from one end to the first member past the range's near
    # end, a skiplist's by a search that depends on its nodes' heights.
    raw.call("ZADD", "z", "1", "a", "2", "z", "3", "b", "4", "d")
    assert raw.call("ZRANGEBYLEX", "z", "[c", "+") == bulks("z", "b", "d")
    assert raw.call("ZRANGEBYLEX", "z", "-", "[c") == bulks("a")
    assert raw.call("ZREVRANGEBYLEX", "z", "[c", "-") == bulks("b", "z", "a")
    assert raw.call("ZREVRANGEBYLEX", "z", "+", "(c") == bulks("d")
    assert raw.call("ZLEXCOUNT", "z", "[c", "+") == integer(3)
    assert raw.call("ZRANGESTORE", "y", "z", "[c", "+", "BYLEX") == integer(3)
    assert raw.call("ZREMRANGEBYLEX", "z", "[c", "+") == integer(3)
    assert raw.call("ZRANGE", "z", "0", "-1") == bulks("a")


# -- every command on both encodings ----------------------------------------------

@pytest.fixture(params=["listpack", "skiplist"])
def zset(request, raw):
    """Make sorted sets in one encoding or the other: `zset(key, *args)`
    runs ZADD key *args and checks the key's encoding (a skiplist because
    zset-max-listpack-entries is 0 while it is made)."""
    wanted = bulk(request.param)

    def make(key: str, *args) -> None:
        if request.param == "skiplist":
            raw.call("CONFIG", "SET", ENTRIES, "0")
        assert raw.call("ZADD", key, *args) == integer(len(args) // 2)
        raw.call("CONFIG", "SET", ENTRIES, "128")
        assert encoding(raw, key) == wanted

    return make


ABCDE = ("1", "a", "2", "b", "3", "c", "4", "d", "5", "e")


def test_zadd_options(raw, zset):
    zset("z", *ABCDE)
    assert raw.call("ZADD", "z", "NX", "10", "a", "6", "f") == integer(1)
    assert raw.call("ZADD", "z", "XX", "CH", "10", "a", "7", "g") == integer(1)
    assert raw.call("ZADD", "z", "GT", "CH", "1", "b", "20", "c") == integer(1)
    assert raw.call("ZADD", "z", "LT", "CH", "0", "d", "30", "e") == integer(1)
    assert raw.call("ZADD", "z", "INCR", "0.5", "f") == bulk("6.5")
    assert raw.call("ZADD", "z", "XX", "INCR", "1", "nope") == NULL
    assert raw.call("ZADD", "z", "GT", "INCR", "-1", "f") == NULL
    assert raw.call("ZADD", "z", "2", "b") == integer(0)
    assert raw.call("ZRANGE", "z", "0", "-1", "WITHSCORES") == with_scores(
        ("d", 0), ("b", 2), ("e", 5), ("f", 6.5), ("a", 10), ("c", 20))


def test_zincrby_zscore_zmscore(raw, zset):
    zset("z", *ABCDE)
    assert raw.call("ZINCRBY", "z", "1e17", "a") == bulk("1e+17")
    assert raw.call("ZINCRBY", "z", "0.1", "new") == bulk("0.10000000000000001")
    assert raw.call("ZINCRBY", "z", "-inf", "b") == bulk("-inf")
    assert raw.call("ZINCRBY", "z", "+inf", "b").startswith(b"-ERR resulting score")
    assert raw.call("ZSCORE", "z", "a") == bulk("1e+17")
    assert raw.call("ZSCORE", "z", "nope") == NULL
    assert raw.call("ZMSCORE", "z", "b", "nope", "new", "c") == (
        b"*4\r\n$4\r\n-inf\r\n$-1\r\n$19\r\n0.10000000000000001\r\n$1\r\n3\r\n")


def test_zrem_zcard_and_the_key_going_away(raw, zset):
    zset("z", *ABCDE)
    assert raw.call("ZREM", "z", "a", "nope", "c") == integer(2)
    assert raw.call("ZCARD", "z") == integer(3)
    assert raw.call("ZREM", "z", "b", "d", "e", "b") == integer(3)
    assert raw.call("EXISTS", "z") == integer(0)


def test_zrank_zrevrank(raw, zset):
    zset("z", *ABCDE, "2", "10")  # "10" sorts before "b" at score 2
    assert [raw.call("ZRANK", "z", m) for m in ("a", "10", "b", "e")] == [
        integer(0), integer(1), integer(2), integer(5)]
    assert raw.call("ZREVRANK", "z", "a") == integer(5)
    assert raw.call("ZREVRANK", "z", "10") == integer(4)
    assert raw.call("ZRANK", "z", "nope") == NULL


def test_zcount_and_zlexcount(raw, zset):
    zset("z", *ABCDE)
    zset("l", *[x for m in "abcdefg" for x in ("0", m)])
    assert raw.call("ZCOUNT", "z", "2", "4") == integer(3)
    assert raw.call("ZCOUNT", "z", "(2", "(4") == integer(1)
    assert raw.call("ZCOUNT", "z", "-inf", "+inf") == integer(5)
    assert raw.call("ZCOUNT", "z", "6", "7") == integer(0)
    assert raw.call("ZLEXCOUNT", "l", "[b", "(f") == integer(4)
    assert raw.call("ZLEXCOUNT", "l", "-", "+") == integer(7)
    assert raw.call("ZLEXCOUNT", "l", "(g", "+") == integer(0)


def test_zrange_in_every_form(raw, zset):
    zset("z", *ABCDE)
    zset("l", *[x for m in "abcdefg" for x in ("0", m)])
    assert raw.call("ZRANGE", "z", "1", "-2") == bulks("b", "c", "d")
    assert raw.call("ZRANGE", "z", "0", "1", "REV", "WITHSCORES") == with_scores(
        ("e", 5), ("d", 4))
    assert raw.call("ZREVRANGE", "z", "-1", "-1") == bulks("a")
    assert raw.call("ZRANGE", "z", "5", "10") == EMPTY_ARRAY
    assert raw.call("ZRANGE", "z", "(1", "4", "BYSCORE", "LIMIT", "1", "2") == bulks("c", "d")
    assert raw.call("ZRANGE", "z", "+inf", "(2", "BYSCORE", "REV", "WITHSCORES") == (
        with_scores(("e", 5), ("d", 4), ("c", 3)))
    assert raw.call("ZRANGEBYSCORE", "z", "2", "3", "WITHSCORES") == with_scores(
        ("b", 2), ("c", 3))
    assert raw.call("ZREVRANGEBYSCORE", "z", "4", "-inf", "LIMIT", "2", "-1") == (
        bulks("b", "a"))
    assert raw.call("ZRANGEBYSCORE", "z", "0", "9", "LIMIT", "-1", "2") == EMPTY_ARRAY
    assert raw.call("ZRANGE", "l", "[c", "(f", "BYLEX") == bulks("c", "d", "e")
    assert raw.call("ZRANGE", "l", "+", "[e", "BYLEX", "REV", "LIMIT", "1", "1") == bulks("f")
    assert raw.call("ZRANGEBYLEX", "l", "-", "(b") == bulks("a")
    assert raw.call("ZREVRANGEBYLEX", "l", "+", "-", "LIMIT", "0", "2") == bulks("g", "f")


def test_zrange_withscores_in_resp3(raw, zset):
    zset("z", *ABCDE)
    raw.call("HELLO", "3")
    assert raw.call("ZRANGE", "z", "0", "1", "WITHSCORES") == with_scores3(("a", 1), ("b", 2))
    assert raw.call("ZRANGEBYSCORE", "z", "(4", "+inf", "WITHSCORES") == with_scores3(
        ("e", 5))


def test_zrangestore(raw, zset):
    zset("z", *ABCDE)
    assert raw.call("ZRANGESTORE", "d", "z", "1", "2") == integer(2)
    assert raw.call("ZRANGE", "d", "0", "-1", "WITHSCORES") == with_scores(("b", 2), ("c", 3))
    assert raw.call("ZRANGESTORE", "d", "z", "4", "(1", "BYSCORE", "REV") == integer(3)
    assert raw.call("ZRANGE", "d", "0", "-1") == bulks("b", "c", "d")
    assert raw.call("ZRANGESTORE", "d", "z", "9", "10", "BYSCORE") == integer(0)
    assert raw.call("EXISTS", "d") == integer(0)


def test_zpopmin_zpopmax_zmpop(raw, zset):
    zset("z", *ABCDE)
    assert raw.call("ZPOPMIN", "z") == with_scores(("a", 1))
    assert raw.call("ZPOPMAX", "z", "2") == with_scores(("e", 5), ("d", 4))
    assert raw.call("ZMPOP", "2", "nokey", "z", "MIN", "COUNT", "5") == (
        b"*2\r\n$1\r\nz\r\n*2\r\n" + b"*2\r\n" + bulks("b", "2")[4:]
        + b"*2\r\n" + bulks("c", "3")[4:])
    assert raw.call("EXISTS", "z") == integer(0)


def test_zpop_in_resp3(raw, zset):
    zset("z", *ABCDE)
    raw.call("HELLO", "3")
    assert raw.call("ZPOPMAX", "z", "2") == with_scores3(("e", 5), ("d", 4))
    assert raw.call("ZPOPMIN", "z") == b"*2\r\n$1\r\na\r\n,1\r\n"


def test_zrandmember_deterministic_forms(raw, zset):
    zset("z", *ABCDE)
    assert raw.call("ZRANDMEMBER", "z", "5") == bulks("e", "d", "c", "b", "a")
    assert raw.call("ZRANDMEMBER", "z", "9", "WITHSCORES") == with_scores(
        ("e", 5), ("d", 4), ("c", 3), ("b", 2), ("a", 1))
    assert raw.call("ZRANDMEMBER", "z", "0") == EMPTY_ARRAY
    assert decode(raw.call("ZRANDMEMBER", "z")) in (b"a", b"b", b"c", b"d", b"e")
    picks = decode(raw.call("ZRANDMEMBER", "z", "-20", "WITHSCORES"))
    assert len(picks) == 40
    assert all(int(score) == b"abcde".index(m) + 1 for m, score in zip(picks[::2], picks[1::2]))
    picks = decode(raw.call("ZRANDMEMBER", "z", "3"))
    assert len(set(picks)) == 3 and set(picks) <= {b"a", b"b", b"c", b"d", b"e"}


def test_zrandmember_of_a_listpack_picks_in_its_order(raw):
    raw.call("ZADD", "z", *members(100))
    for _ in range(5):
        picks = decode(raw.call("ZRANDMEMBER", "z", "10"))
        assert len(set(picks)) == 10 and picks == sorted(picks)


def test_zremrangeby(raw, zset):
    zset("z", *ABCDE)
    zset("l", *[x for m in "abcdefg" for x in ("0", m)])
    assert raw.call("ZREMRANGEBYSCORE", "z", "(1", "2") == integer(1)
    assert raw.call("ZREMRANGEBYRANK", "z", "-1", "-1") == integer(1)
    assert raw.call("ZRANGE", "z", "0", "-1") == bulks("a", "c", "d")
    assert raw.call("ZREMRANGEBYLEX", "l", "(a", "[c") == integer(2)
    assert raw.call("ZREMRANGEBYLEX", "l", "[x", "+") == integer(0)
    assert raw.call("ZRANGE", "l", "0", "-1") == bulks("a", "d", "e", "f", "g")


def test_set_operations(raw, zset):
    zset("a", "1", "x", "2", "y", "3", "z")
    zset("b", "10", "y", "20", "z", "30", "w")
    raw.call("SADD", "s", "x", "w")
    assert raw.call("ZUNION", "3", "a", "b", "s", "WITHSCORES") == with_scores(
        ("x", 2), ("y", 12), ("z", 23), ("w", 31))
    assert raw.call("ZINTER", "2", "a", "b", "AGGREGATE", "MAX", "WITHSCORES") == (
        with_scores(("y", 10), ("z", 20)))
    assert raw.call("ZDIFF", "2", "a", "s", "WITHSCORES") == with_scores(("y", 2), ("z", 3))
    assert raw.call("ZINTERCARD", "2", "a", "b", "LIMIT", "1") == integer(1)
    assert raw.call("ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "2", "0.5") == integer(4)
    assert raw.call("ZRANGE", "d", "0", "-1", "WITHSCORES") == with_scores(
        ("x", 2), ("y", 9), ("w", 15), ("z", 16))
    assert raw.call("ZINTERSTORE", "d", "2", "b", "s") == integer(1)
    assert raw.call("ZDIFFSTORE", "d", "2", "b", "a") == integer(1)
    assert encoding(raw, "d") == LISTPACK


def test_zscan_on_both(raw, zset):
    zset("z", *ABCDE, "1.5", "half")
    found = scan_all(raw, "ZSCAN", "z")
    assert dict(zip(found[::2], found[1::2])) == {
        b"a": b"1", b"b": b"2", b"c": b"3", b"d": b"4", b"e": b"5", b"half": b"1.5"}


def test_sort_and_copy_on_both(raw, zset):
    zset("z", "3", "1", "1", "20", "2", "3")
    assert raw.call("SORT", "z") == bulks("1", "3", "20")
    assert raw.call("SORT", "z", "BY", "nosort", "DESC", "LIMIT", "0", "2") == bulks("1", "3")
    assert raw.call("COPY", "z", "c") == integer(1)
    assert raw.call("ZRANGE", "c", "0", "-1", "WITHSCORES") == with_scores(
        ("20", 1), ("3", 2), ("1", 3))
