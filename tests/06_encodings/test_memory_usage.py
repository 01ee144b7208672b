"""MEMORY USAGE key [SAMPLES count]: a number of bytes that grows with the
value (how it is counted differs: Redis asks its allocator, we ask Python),
Redis's errors for its options, null for a missing key; and MEMORY HELP."""

import pytest
from support.replies import (
    NOT_AN_INTEGER,
    NULL,
    NULL3,
    SYNTAX_ERROR,
    arity,
    error,
    int_reply,
)

MEMORY_HELP = (
    b"*14\r\n"
    b"+MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
    b"+DOCTOR\r\n"
    b"+    Return memory problems reports.\r\n"
    b"+MALLOC-STATS\r\n"
    b"+    Return internal statistics report from the memory allocator.\r\n"
    b"+PURGE\r\n"
    b"+    Attempt to purge dirty pages for reclamation by the allocator.\r\n"
    b"+STATS\r\n"
    b"+    Return information about the memory usage of the server.\r\n"
    b"+USAGE <key> [SAMPLES <count>]\r\n"
    b"+    Return memory in bytes used by <key> and its value. Nested values "
    b"are\r\n"
    b"+    sampled up to <count> times (default: 5, 0 means sample all).\r\n"
    b"+HELP\r\n"
    b"+    Prints this help.\r\n"
)


def usage(raw, key: str = "k", *options: str) -> int:
    return int_reply(raw.call("MEMORY", "USAGE", key, *options))


def test_memory_help_is_redis_text(raw):
    assert raw.call("MEMORY", "HELP") == MEMORY_HELP


@pytest.mark.parametrize("value", ["1", "hello", "x" * 100])
def test_usage_of_a_string_is_a_positive_number_of_bytes(raw, value):
    raw.call("SET", "k", value)
    assert usage(raw) > len(value)


def test_usage_grows_with_the_string(raw):
    raw.call("SET", "small", "x" * 100)
    raw.call("SET", "large", "x" * 10_000)
    assert usage(raw, "large") - usage(raw, "small") >= 9_900


@pytest.mark.parametrize("fill", [
    lambda raw, n: raw.call("RPUSH", "k", *[f"e{i}" for i in range(n)]),
    lambda raw, n: raw.call("SADD", "k", *[f"m{i}" for i in range(n)]),
    lambda raw, n: raw.call("HSET", "k", *[f"f{i}" for i in range(2 * n)]),
    lambda raw, n: raw.call("ZADD", "k", *[str(x) for i in range(n)
                                           for x in (i, f"m{i}")]),
], ids=["list", "set", "hash", "zset"])
def test_usage_grows_with_the_collection(raw, fill):
    fill(raw, 10)
    small = usage(raw)
    raw.call("DEL", "k")
    fill(raw, 1000)
    assert usage(raw) > 10 * small
    assert usage(raw, "k", "SAMPLES", "0") > 10 * small  # every element


def test_usage_of_a_missing_key_is_null(raw):
    assert raw.call("MEMORY", "USAGE", "nokey") == NULL
    raw.call("HELLO", "3")
    assert raw.call("MEMORY", "USAGE", "nokey") == NULL3


@pytest.mark.parametrize(("options", "reply"), [
    (("SAMPLES",), SYNTAX_ERROR),
    (("SAMPLES", "-1"), SYNTAX_ERROR),
    (("SAMPLES", "x"), NOT_AN_INTEGER),
    (("FOO", "1"), SYNTAX_ERROR),
    (("SAMPLES", "1", "BAR"), SYNTAX_ERROR),
])
def test_usage_checks_its_options_before_the_key(raw, options, reply):
    assert raw.call("MEMORY", "USAGE", "nokey", *options) == reply


def test_usage_takes_samples_several_times(raw):
    raw.call("SET", "k", "v")
    assert usage(raw, "k", "SAMPLES", "3", "samples", "0") > 0


@pytest.mark.parametrize(("args", "reply"), [
    (("MEMORY",), arity("memory")),
    (("MEMORY", "USAGE"), arity("memory|usage")),
    (("MEMORY", "HELP", "x"), arity("memory|help")),
    (("MEMORY", "FOO"), error("unknown subcommand 'FOO'. Try MEMORY HELP.")),
])
def test_memory_checks_its_arguments_as_redis(raw, args, reply):
    assert raw.call(*args) == reply
