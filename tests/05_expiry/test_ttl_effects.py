"""Which commands keep a key's time to live, which clear it, which move it."""

import pytest
from support.replies import ttl


@pytest.mark.parametrize(("setup", "command"), [
    (["SET", "k", "1"], ["INCR", "k"]),
    (["SET", "k", "1"], ["INCRBY", "k", "5"]),
    (["SET", "k", "1"], ["DECR", "k"]),
    (["SET", "k", "1.5"], ["INCRBYFLOAT", "k", "1"]),
    (["SET", "k", "ab"], ["APPEND", "k", "cd"]),
    (["SET", "k", "abc"], ["SETRANGE", "k", "1", "X"]),
    (["SET", "k", "abc"], ["SETBIT", "k", "100", "1"]),
    (["SET", "k", "abc"], ["BITFIELD", "k", "INCRBY", "u8", "0", "1"]),
    (["SET", "k", "v"], ["SET", "k", "w", "KEEPTTL"]),
    (["SET", "k", "v"], ["GETEX", "k"]),
    (["RPUSH", "k", "a", "b"], ["LPUSH", "k", "x"]),
    (["RPUSH", "k", "a", "b"], ["LPOP", "k"]),
    (["HSET", "k", "f", "v"], ["HSET", "k", "g", "w"]),
    (["HSET", "k", "f", "1"], ["HINCRBY", "k", "f", "2"]),
    (["SADD", "k", "a", "b"], ["SREM", "k", "a"]),
    (["ZADD", "k", "1", "a"], ["ZINCRBY", "k", "2", "a"]),
])
def test_commands_that_change_a_value_keep_its_ttl(raw, setup, command):
    raw.call(*setup)
    raw.call("EXPIRE", "k", "100")
    raw.call(*command)
    assert ttl(raw, "k") == 100


@pytest.mark.parametrize("command", [
    ["SET", "k", "w"], ["GETSET", "k", "w"], ["MSET", "k", "w"], ["SET", "k", "w", "GET"],
    ["SET", "k", "w", "XX"],
])
def test_commands_that_store_a_new_value_clear_the_ttl(raw, command):
    raw.call("SET", "k", "v")
    raw.call("EXPIRE", "k", "100")
    raw.call(*command)
    assert ttl(raw, "k") == -1


@pytest.mark.parametrize("command", [
    ["SINTERSTORE", "k", "s1", "s2"], ["SUNIONSTORE", "k", "s1"], ["SDIFFSTORE", "k", "s1"],
    ["ZUNIONSTORE", "k", "1", "z1"], ["ZINTERSTORE", "k", "1", "z1"],
    ["ZDIFFSTORE", "k", "1", "z1"], ["ZRANGESTORE", "k", "z1", "0", "-1"],
    ["BITOP", "OR", "k", "k"],
])
def test_store_commands_give_the_destination_a_fresh_value_without_ttl(raw, command):
    raw.call("SADD", "s1", "a")
    raw.call("SADD", "s2", "a")
    raw.call("ZADD", "z1", "1", "a")
    raw.call("SET", "k", "old")
    raw.call("EXPIRE", "k", "100")
    raw.call(*command)
    assert ttl(raw, "k") == -1


def test_rename_moves_the_ttl_and_drops_the_destinations(raw):
    raw.call("SET", "src", "v")
    raw.call("EXPIRE", "src", "100")
    raw.call("SET", "dst", "x")
    raw.call("EXPIRE", "dst", "999")
    assert raw.call("RENAME", "src", "dst") == b"+OK\r\n"
    assert ttl(raw, "dst") == 100
    assert ttl(raw, "src") == -2


def test_rename_of_a_key_without_ttl_leaves_the_destination_without_one(raw):
    raw.call("SET", "src", "v")
    raw.call("SET", "dst", "x")
    raw.call("EXPIRE", "dst", "999")
    raw.call("RENAME", "src", "dst")
    assert ttl(raw, "dst") == -1


def test_renamenx_moves_the_ttl(raw):
    raw.call("SET", "src", "v")
    raw.call("EXPIRE", "src", "100")
    assert raw.call("RENAMENX", "src", "new") == b":1\r\n"
    assert ttl(raw, "new") == 100


def test_move_keeps_the_ttl_in_the_other_database(raw):
    raw.call("SET", "k", "v")
    raw.call("EXPIRE", "k", "100")
    assert raw.call("MOVE", "k", "1") == b":1\r\n"
    raw.call("SELECT", "1")
    assert ttl(raw, "k") == 100
    raw.call("FLUSHDB")


def test_swapdb_swaps_the_ttls_too(raw):
    raw.call("SET", "k", "v")
    raw.call("EXPIRE", "k", "100")
    assert raw.call("SWAPDB", "0", "2") == b"+OK\r\n"
    assert ttl(raw, "k") == -2
    raw.call("SELECT", "2")
    assert ttl(raw, "k") == 100
    raw.call("FLUSHDB")


def test_a_collection_emptied_loses_its_ttl_with_its_key(raw):
    raw.call("RPUSH", "k", "a")
    raw.call("EXPIRE", "k", "100")
    raw.call("LPOP", "k")
    raw.call("RPUSH", "k", "b")
    assert ttl(raw, "k") == -1


def test_delete_then_recreate_has_no_ttl(raw):
    raw.call("SET", "k", "v", "EX", "100")
    raw.call("DEL", "k")
    raw.call("SET", "k", "v")
    assert ttl(raw, "k") == -1


def test_flushall_forgets_ttls(raw):
    raw.call("SET", "k", "v", "EX", "100")
    raw.call("FLUSHALL")
    raw.call("SET", "k", "v")
    assert ttl(raw, "k") == -1
