"""WRONGTYPE: every string, hash and set command on a key of every other
type gets Redis's error, and the key is left as it was."""

import pytest
from support.replies import WRONGTYPE

# One key of each type, and the command that creates it.
MAKERS = {
    "string": ("SET", "k", "v"),
    "list": ("RPUSH", "k", "a"),
    "hash": ("HSET", "k", "f", "v"),
    "set": ("SADD", "k", "m"),
    "zset": ("ZADD", "k", "1", "m"),
}

# How to read each back, to see that a failed command changed nothing.
READERS = {
    "string": ("GET", "k"),
    "list": ("LRANGE", "k", "0", "-1"),
    "hash": ("HGETALL", "k"),
    "set": ("SMEMBERS", "k"),
    "zset": ("ZRANGE", "k", "0", "-1", "WITHSCORES"),
}

# Commands whose key must hold the given type; "k" is the key.
COMMANDS = {
    "string": [
        ("GET", "k"), ("GETSET", "k", "v"), ("GETDEL", "k"), ("APPEND", "k", "x"),
        ("STRLEN", "k"), ("GETRANGE", "k", "0", "1"), ("SETRANGE", "k", "0", "x"),
        ("INCR", "k"), ("DECR", "k"), ("INCRBY", "k", "1"), ("DECRBY", "k", "1"),
        ("INCRBYFLOAT", "k", "1.5"),
    ],
    "hash": [
        ("HSET", "k", "f", "v"), ("HMSET", "k", "f", "v"), ("HSETNX", "k", "f", "v"),
        ("HGET", "k", "f"), ("HMGET", "k", "f"), ("HDEL", "k", "f"),
        ("HEXISTS", "k", "f"), ("HLEN", "k"), ("HKEYS", "k"), ("HVALS", "k"),
        ("HGETALL", "k"), ("HINCRBY", "k", "f", "1"),
        ("HINCRBYFLOAT", "k", "f", "1"), ("HSTRLEN", "k", "f"),
        ("HRANDFIELD", "k"), ("HRANDFIELD", "k", "2"),
        ("HRANDFIELD", "k", "-2", "WITHVALUES"), ("HSCAN", "k", "0"),
    ],
    "set": [
        ("SADD", "k", "m"), ("SREM", "k", "m"), ("SMEMBERS", "k"),
        ("SISMEMBER", "k", "m"), ("SMISMEMBER", "k", "m"), ("SCARD", "k"),
        ("SPOP", "k"), ("SPOP", "k", "1"), ("SRANDMEMBER", "k"),
        ("SRANDMEMBER", "k", "-1"), ("SMOVE", "k", "other", "m"),
        ("SMOVE", "other", "k", "m"), ("SINTER", "k"), ("SINTER", "other", "k"),
        ("SINTERCARD", "1", "k"), ("SUNION", "other", "k"), ("SDIFF", "k"),
        ("SDIFF", "other", "k"), ("SINTERSTORE", "dst", "k"),
        ("SUNIONSTORE", "dst", "other", "k"), ("SDIFFSTORE", "dst", "k"),
        ("SSCAN", "k", "0"),
    ],
}

CASES = [(kind, held, command)
         for kind, commands in COMMANDS.items()
         for command in commands
         for held in MAKERS if held != kind]


@pytest.mark.exercise("04-lookup-key")
@pytest.mark.parametrize(("kind", "held", "command"), CASES,
                         ids=[f"{' '.join(c)}-on-{h}" for _, h, c in CASES])
def test_a_command_on_another_type_is_wrongtype(raw, kind, held, command):
    raw.call(*MAKERS[held])
    raw.call("SADD", "other", "m")  # for the commands that take two sets
    before = raw.call(*READERS[held])
    assert raw.call(*command) == WRONGTYPE
    assert raw.call(*READERS[held]) == before
    assert raw.call("EXISTS", "dst") == b":0\r\n"
    assert raw.call("SCARD", "other") == b":1\r\n"


@pytest.mark.parametrize("held", [h for h in MAKERS if h != "string"])
def test_commands_that_replace_any_type(raw, held):
    for command, expected_type in [(("SET", "k", "v"), b"string"),
                                   (("MSET", "k", "v"), b"string"),
                                   (("SINTERSTORE", "k", "other"), b"set"),
                                   (("SUNIONSTORE", "k", "other"), b"set")]:
        raw.call("DEL", "k")
        raw.call(*MAKERS[held])
        raw.call("SADD", "other", "m")
        assert not raw.call(*command).startswith(b"-")
        assert raw.call("TYPE", "k") == b"+" + expected_type + b"\r\n"


@pytest.mark.parametrize("held", [h for h in MAKERS if h != "string"])
def test_mget_reads_other_types_as_null(raw, held):
    raw.call(*MAKERS[held])
    assert raw.call("MGET", "k") == b"*1\r\n$-1\r\n"
