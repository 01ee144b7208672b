"""OBJECT ENCODING | REFCOUNT | IDLETIME | FREQ | HELP: Redis's replies and
errors, the encodings of the other types where both encodings agree (any
list is a quicklist in 7.0; big sets, hashes and sorted sets), and the LRU
clock behind IDLETIME: every access stamps the value, a look that is no
access (EXISTS, TYPE, TTL, OBJECT, SCAN's TYPE) leaves it as it was.

The LRU clock counts whole seconds, and server_cron reads it a few times
a second: idle times are asserted as bounds, and waited for by polling."""

import functools

import pytest
from support.replies import (
    NULL,
    arity,
    bulk,
    error,
    info_field,
    int_reply,
    integer,
)
from support.servers import wait_until

OBJECT_HELP = (
    b"*15\r\n"
    b"+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
    b"+ENCODING <key>\r\n"
    b"+    Return the kind of internal representation used in order to store"
    b" the value\r\n"
    b"+    associated with a <key>.\r\n"
    b"+FREQ <key>\r\n"
    b"+    Return the access frequency index of the <key>. The returned "
    b"integer is\r\n"
    b"+    proportional to the logarithm of the recent access frequency of "
    b"the key.\r\n"
    b"+IDLETIME <key>\r\n"
    b"+    Return the idle time of the <key>, that is the approximated number"
    b" of\r\n"
    b"+    seconds elapsed since the last access to the key.\r\n"
    b"+REFCOUNT <key>\r\n"
    b"+    Return the number of references of the value associated with the "
    b"specified\r\n"
    b"+    <key>.\r\n"
    b"+HELP\r\n"
    b"+    Prints this help.\r\n"
)
LFU_NOT_SELECTED = error(
    "An LFU maxmemory policy is not selected, access frequency not tracked. "
    "Please note that when switching between policies at runtime LRU and "
    "LFU data will take some time to adjust.")


def idletime(raw, key: str = "k") -> int:
    return int_reply(raw.call("OBJECT", "IDLETIME", key))


def wait_until_idle(raw, key: str = "k") -> None:
    """Poll until the clock has ticked since `key` was last accessed."""
    wait_until(lambda: idletime(raw, key) >= 1, timeout=5, interval=0.1)


def accessed_at_once(raw, command: list[str], key: str) -> bool:
    """Run `command`, then: is `key` idle for 0 seconds? (Not if the clock
    ticked in between; the caller asks again.)"""
    raw.call(*command)
    return idletime(raw, key) == 0


def test_object_help_is_redis_text(raw):
    assert raw.call("OBJECT", "HELP") == OBJECT_HELP
    assert raw.call("object", "help") == OBJECT_HELP
    raw.call("HELLO", "3")
    assert raw.call("OBJECT", "HELP") == OBJECT_HELP  # statuses in RESP3 too


@pytest.mark.parametrize(("args", "reply"), [
    (("OBJECT",), arity("object")),
    (("OBJECT", "ENCODING"), arity("object|encoding")),
    (("OBJECT", "ENCODING", "a", "b"), arity("object|encoding")),
    (("OBJECT", "REFCOUNT"), arity("object|refcount")),
    (("OBJECT", "IDLETIME", "a", "b"), arity("object|idletime")),
    (("OBJECT", "FREQ"), arity("object|freq")),
    (("OBJECT", "HELP", "x"), arity("object|help")),
    (("OBJECT", "FOO", "k"), error("unknown subcommand 'FOO'. Try OBJECT "
                                   "HELP.")),
])
def test_object_checks_its_arguments_as_redis(raw, args, reply):
    raw.call("SET", "k", "v")
    assert raw.call(*args) == reply


@pytest.mark.parametrize("subcommand", ["ENCODING", "REFCOUNT", "IDLETIME",
                                        "FREQ"])
def test_every_subcommand_of_a_missing_key_is_null(raw, subcommand):
    assert raw.call("OBJECT", subcommand, "nokey") == NULL


def test_freq_needs_an_lfu_policy(raw):
    raw.call("SET", "k", "v")
    assert raw.call("OBJECT", "FREQ", "k") == LFU_NOT_SELECTED


@pytest.mark.parametrize(("setup", "expected"), [
    (("RPUSH", "k", "a"), "quicklist"),
    (("LPUSH", "k", *[str(i) for i in range(1000)]), "quicklist"),
    (("SADD", "k", "a", "b"), "hashtable"),  # not all integers
    (("SADD", "k", *[str(i) for i in range(513)]), "hashtable"),
    (("HSET", "k", *[f"f{i}" for i in range(1026)]), "hashtable"),
    (("HSET", "k", "f", "v" * 65), "hashtable"),
    (("ZADD", "k", *[str(x) for i in range(129) for x in (i, i)]),
     "skiplist"),
    (("ZADD", "k", "1", "m" * 65), "skiplist"),
])
def test_encodings_of_big_collections(raw, setup, expected):
    raw.call(*setup)
    assert raw.call("OBJECT", "ENCODING", "k") == bulk(expected)


@pytest.mark.parametrize("copy", [("COPY", "k", "dst"),
                                  ("SORT", "k", "STORE", "dst")])
def test_a_copied_or_stored_list_is_a_quicklist(raw, copy):
    raw.call("RPUSH", "k", "3", "1", "2")
    raw.call(*copy)
    assert raw.call("OBJECT", "ENCODING", "dst") == bulk("quicklist")


def test_idletime_is_zero_right_after_a_write(raw):
    raw.call("SET", "k", "hello")
    assert idletime(raw) <= 1


def test_idletime_grows_in_seconds_until_the_key_is_accessed(raw):
    raw.call("SET", "k", "hello")
    wait_until_idle(raw)
    assert 1 <= idletime(raw) <= 3
    wait_until(lambda: accessed_at_once(raw, ["GET", "k"], "k"),
               timeout=5, interval=0.1)


LOOKS = [
    ("EXISTS", "k"), ("TYPE", "k"), ("TTL", "k"), ("PTTL", "k"),
    ("EXPIRETIME", "k"), ("PEXPIRETIME", "k"),
    ("OBJECT", "ENCODING", "k"), ("OBJECT", "REFCOUNT", "k"),
    ("OBJECT", "FREQ", "k"), ("MEMORY", "USAGE", "k"),
    ("SCAN", "0", "TYPE", "string"), ("KEYS", "*"), ("DBSIZE",),
]


def test_a_look_that_is_no_access_leaves_the_idle_time(raw):
    raw.call("SET", "k", "hello")
    wait_until_idle(raw)
    for look in LOOKS:
        raw.call(*look)
        assert idletime(raw) >= 1, look


ACCESSES = [
    ("GET", "{}"), ("TOUCH", "{}"), ("STRLEN", "{}"), ("APPEND", "{}", "!"),
    ("EXPIRE", "{}", "100"), ("PERSIST", "{}"), ("RENAME", "{}", "{}"),
    ("MGET", "{}"), ("GETRANGE", "{}", "0", "1"), ("LCS", "{}", "x"),
]


def test_an_access_stamps_the_value_with_the_clock(raw):
    keys = [f"k{i}" for i in range(len(ACCESSES))]
    for key in keys:
        raw.call("SET", key, "hello")
    wait_until_idle(raw, keys[-1])
    for key, access in zip(keys, ACCESSES):
        command = [arg.format(key) for arg in access]
        assert idletime(raw, key) >= 1, command
        wait_until(functools.partial(accessed_at_once, raw, command, key),
                   timeout=5, interval=0.1)


def test_keys_holding_the_same_small_integer_share_its_clock(raw):
    """SET stores the shared object without stamping it, and any access
    to one of the keys stamps it for all of them."""
    raw.call("SET", "a", "7777")
    wait_until_idle(raw, "a")
    raw.call("SET", "b", "7777")
    assert idletime(raw, "b") >= 1
    wait_until(lambda: accessed_at_once(raw, ["GET", "b"], "a"),
               timeout=5, interval=0.1)


def test_a_copy_is_a_new_value_with_its_own_clock(raw):
    raw.call("SET", "k", "hello")
    wait_until_idle(raw)
    raw.call("COPY", "k", "copy")
    assert idletime(raw, "copy") <= 1


def keyspace_hits(raw) -> int:
    return int(info_field(raw, "stats", "keyspace_hits"))


@pytest.mark.parametrize(("command", "hits"), [
    (("OBJECT", "ENCODING", "k"), 1),
    (("OBJECT", "IDLETIME", "k"), 1),
    (("TYPE", "k"), 1),
    (("EXISTS", "k"), 1),
    (("MEMORY", "USAGE", "k"), 0),  # it reads the dict, no lookup
])
def test_a_look_without_access_still_counts_as_a_keyspace_hit(raw, command,
                                                              hits):
    raw.call("SET", "k", "v")
    before = keyspace_hits(raw)
    assert raw.call(*command) != NULL
    assert keyspace_hits(raw) == before + hits


def test_object_encoding_sees_an_expired_key_as_missing(raw):
    raw.call("SET", "k", "v", "PX", "1")
    wait_until(lambda: raw.call("OBJECT", "ENCODING", "k") == NULL,
               timeout=5)
    assert raw.call("EXISTS", "k") == integer(0)
