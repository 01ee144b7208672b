"""COPY, which duplicates a key's value (to another database too), and
TOUCH, which counts the keys that exist, as Redis 7.0 does them."""

import pytest
from support.replies import (
    NOT_AN_INTEGER,
    OK,
    SYNTAX_ERROR,
    arity,
    bulk,
    bulks,
    error,
    integer,
)

SAME_OBJECT = error("source and destination objects are the same")
DB_OUT_OF_RANGE = error("DB index is out of range")

# A key of each type, and a command that reads all of a key ({}) back.
VALUES = {
    "string": (["SET", "src", "hello"], ["GET", "{}"]),
    "list": (["RPUSH", "src", "a", "b", "c"], ["LRANGE", "{}", "0", "-1"]),
    "hash": (["HSET", "src", "f", "1", "g", "2"], ["HGETALL", "{}"]),
    "set": (["SADD", "src", "x", "y"], ["SORT", "{}", "ALPHA"]),
    "zset": (["ZADD", "src", "1", "a", "2", "b"], ["ZRANGE", "{}", "0", "-1", "WITHSCORES"]),
}


@pytest.mark.parametrize("kind", VALUES)
def test_copy_duplicates_a_value_of_any_type(raw, kind):
    make, read = VALUES[kind]
    raw.call(*make)
    assert raw.call("COPY", "src", "dst") == integer(1)
    assert raw.call("TYPE", "dst") == b"+%s\r\n" % kind.encode()
    src, dst = ([arg.format(key) for arg in read] for key in ("src", "dst"))
    assert raw.call(*dst) == raw.call(*src)


# A change to the copy, and what the source must still hold after it.
CHANGES = {
    "list": (["RPUSH", "src", "a", "b"], ["LPUSH", "dst", "new"],
             ["LRANGE", "src", "0", "-1"], bulks("a", "b")),
    "hash": (["HSET", "src", "f", "1"], ["HSET", "dst", "f", "2"],
             ["HGET", "src", "f"], bulk("1")),
    "set": (["SADD", "src", "a"], ["SADD", "dst", "b"],
            ["SCARD", "src"], integer(1)),
    "zset": (["ZADD", "src", "1", "a"], ["ZINCRBY", "dst", "5", "a"],
             ["ZSCORE", "src", "a"], bulk("1")),
}


@pytest.mark.parametrize("kind", CHANGES)
def test_copy_is_deep_a_change_to_the_copy_leaves_the_source(raw, kind):
    make, change, read, expected = CHANGES[kind]
    raw.call(*make)
    raw.call("COPY", "src", "dst")
    raw.call(*change)
    assert raw.call(*read) == expected


def test_copy_is_deep_a_change_to_the_source_leaves_the_copy(raw):
    raw.call("RPUSH", "src", "a", "b")
    raw.call("COPY", "src", "dst")
    raw.call("RPOP", "src")
    raw.call("RPUSH", "src", "z")
    assert raw.call("LRANGE", "dst", "0", "-1") == bulks("a", "b")


def test_a_copied_sorted_set_has_a_skiplist_of_its_own(raw):
    members = [str(i) for i in range(200)]
    raw.call("ZADD", "src", *[arg for m in members for arg in (m, "m" + m)])
    raw.call("COPY", "src", "dst")
    raw.call("ZREMRANGEBYRANK", "src", "0", "99")
    raw.call("ZADD", "dst", "-1", "first")
    assert raw.call("ZCARD", "src") == integer(100)
    assert raw.call("ZCARD", "dst") == integer(201)
    assert raw.call("ZRANK", "dst", "m150") == integer(151)
    assert raw.call("ZRANGE", "dst", "0", "2") == bulks("first", "m0", "m1")
    assert raw.call("ZRANGE", "dst", "-1", "-1", "WITHSCORES") == bulks("m199", "199")
    assert raw.call("ZRANGE", "src", "0", "0") == bulks("m100")


def test_copy_to_an_existing_key_needs_replace(raw):
    raw.call("SET", "src", "new")
    raw.call("RPUSH", "dst", "old")
    assert raw.call("COPY", "src", "dst") == integer(0)
    assert raw.call("TYPE", "dst") == b"+list\r\n"
    assert raw.call("COPY", "src", "dst", "REPLACE") == integer(1)
    assert raw.call("GET", "dst") == bulk("new")


def test_copy_of_a_missing_key_copies_nothing(raw):
    raw.call("SET", "dst", "old")
    assert raw.call("COPY", "nokey", "dst", "REPLACE") == integer(0)
    assert raw.call("GET", "dst") == bulk("old")


def test_copy_to_another_database(raw):
    raw.call("SET", "src", "v")
    assert raw.call("COPY", "src", "src", "DB", "3") == integer(1)
    assert raw.call("COPY", "src", "src", "DB", "3") == integer(0)
    assert raw.call("COPY", "src", "src", "db", "3", "replace") == integer(1)
    assert raw.call("SELECT", "3") == OK
    assert raw.call("GET", "src") == bulk("v")


def test_copy_onto_itself_is_an_error_even_for_a_missing_key(raw):
    raw.call("SET", "k", "v")
    assert raw.call("COPY", "k", "k") == SAME_OBJECT
    assert raw.call("COPY", "nokey", "nokey", "REPLACE") == SAME_OBJECT
    assert raw.call("COPY", "k", "k", "DB", "0") == SAME_OBJECT


@pytest.mark.parametrize(("options", "reply"), [
    (["DB"], SYNTAX_ERROR),
    (["FOO"], SYNTAX_ERROR),
    (["REPLACE", "DB", "1", "EXTRA"], SYNTAX_ERROR),
    (["DB", "one"], NOT_AN_INTEGER),
    (["DB", "16"], DB_OUT_OF_RANGE),
    (["DB", "-1"], DB_OUT_OF_RANGE),
    (["DB", "99999999999"],
     error("value is out of range, value must between -2147483648 and 2147483647")),
])
def test_copy_option_errors_come_before_the_keys_are_checked(raw, options, reply):
    raw.call("SET", "k", "v")
    assert raw.call("COPY", "k", "k", *options) == reply
    assert raw.call("COPY", "nokey", "other", *options) == reply


def test_copy_needs_two_keys(raw):
    assert raw.call("COPY", "k") == arity("copy")


def test_touch_counts_the_keys_that_exist_repeats_again(raw):
    raw.call("SET", "s", "v")
    raw.call("RPUSH", "l", "a")
    assert raw.call("TOUCH", "s", "l", "nokey", "s") == integer(3)
    assert raw.call("TOUCH", "nokey") == integer(0)


def test_touch_needs_a_key(raw):
    assert raw.call("TOUCH") == arity("touch")


def test_redis_py_copy_and_touch(r):
    r.hset("src", mapping={"f": "1"})
    assert r.copy("src", "dst") is True
    assert r.copy("src", "dst") is False
    assert r.copy("src", "dst", replace=True) is True
    assert r.copy("src", "src", destination_db=2) is True
    assert r.hgetall("dst") == {b"f": b"1"}
    assert r.touch("src", "dst", "nokey") == 2
