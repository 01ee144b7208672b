"""Real Redis is the oracle for keyspace events: every command of steps 04
to 08, run on the server under test and on a redis-server of this
module's own, must publish the same events, in the same order, on the
same channels, class by class.

A scenario is a list of steps, mostly commands, run on one connection
while an EventListener (support/keyspace_events.py) hears every
keyspace and keyevent channel. After each step the events it caused are
collected, with the command's reply; the two servers' records must be
equal. The batteries cover every type and command: ones that write,
that fail, that miss, that empty a key; blocked clients served; MULTI
and EXEC; keys that expire, found expired by a command (lazy expiry) or
by the server's own cycle (active expiry). A few steps are not commands:

  Block(name, *command)  another connection sends a blocking command,
                         and the step waits until it is blocked;
  Served(name)           that connection's reply, once it is served;
  SOON                   in a command, a Unix time in ms a little ahead
                         (as PXAT's value); AFTER_DEADLINE waits, polling
                         the server's TIME, until that time is past;
  ALL_EXPIRED            waits, polling DBSIZE, until the active cycle
                         has deleted every key of database 0.

A key that expires is the only one that expires at that point, and is
read by the first command after the deadline, first of its keys: then
lazy and active expiry publish the same sequence, whichever comes first.
(Not so for SCAN with TYPE, which reads, and misses, only a key still
there: it meets dead keys inside a transaction, where no active expiry
can come first.)
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
from support.keyspace_events import EventListener
from support.replies import info_field
from support.servers import REAL_REDIS_STEP, ServerProcess, Target, wait_until
from support.wire import RawClient, command, decode


@dataclass(frozen=True)
class Block:
    """Send a blocking command on connection `name`; wait till it blocks."""

    name: str
    args: tuple


def block(name: str, *args: str) -> Block:
    return Block(name, args)


@dataclass(frozen=True)
class Served:
    """Read connection `name`'s reply to its blocking command."""

    name: str


SOON = object()  # replaced, in a command, by a Unix time in ms ahead
AFTER_DEADLINE = object()  # wait until that time is past
ALL_EXPIRED = object()  # wait until database 0 is empty
DEADLINE_AHEAD_MS = 100  # ample for the command to arrive first


@dataclass(frozen=True)
class Random:
    """A command whose reply is random (SPOP...): only its events count."""

    args: tuple


def random_reply(*args: str) -> Random:
    return Random(args)


# -- the batteries --------------------------------------------------------

STRINGS = [
    ("SET", "s1", "v"), ("SET", "s1", "v2"), ("SET", "s1", "x", "NX"),
    ("SET", "s2", "v", "XX"), ("SET", "s2", "v", "XX", "GET"),
    ("SET", "s3", "5", "EX", "100"), ("SET", "s3", "6", "KEEPTTL"),
    ("SET", "s3", "7", "GET"), ("SET", "s3", "8", "PX", "0"),
    ("SET", "s3", "8", "EX", "100", "NX", "GET"),
    ("SETNX", "s4", "a"), ("SETNX", "s4", "b"),
    ("SETEX", "s5", "100", "v"), ("PSETEX", "s6", "100000", "v"),
    ("SETEX", "s5", "0", "v"),
    ("GET", "s1"), ("GET", "nope"),
    ("GETEX", "s1", "EX", "100"), ("GETEX", "s1", "PERSIST"),
    ("GETEX", "s1", "PERSIST"), ("GETEX", "s1"), ("GETEX", "nope", "EX", "1"),
    ("GETEX", "s1", "PXAT", "1"), ("GETEX", "s6", "EX", "-1"),
    ("GETDEL", "s4"), ("GETDEL", "nope"),
    ("GETSET", "s7", "a"), ("GETSET", "s7", "b"),
    ("MGET", "s1", "s7", "nope"),
    ("MSET", "a", "1", "b", "2"), ("MSETNX", "a", "1", "c", "3"),
    ("MSETNX", "c", "3", "d", "4"), ("MSET", "a"),
    ("APPEND", "s8", "ab"), ("APPEND", "s8", "cd"),
    ("STRLEN", "nope"), ("STRLEN", "s8"), ("GETRANGE", "nope", "0", "1"),
    ("GETRANGE", "s8", "x", "1"),
    ("SETRANGE", "s9", "0", ""), ("SETRANGE", "s9", "3", "x"),
    ("SETRANGE", "s9", "0", ""), ("SETRANGE", "s9", "-1", "x"),
    ("INCR", "n"), ("INCRBY", "n", "5"), ("DECR", "n"), ("DECRBY", "n", "2"),
    ("INCRBY", "n", "9223372036854775807"), ("INCRBY", "n", "x"),
    ("SET", "t", "hello"), ("INCR", "t"),
    ("INCRBYFLOAT", "f", "1.5"), ("INCRBYFLOAT", "f", "abc"),
    ("INCRBYFLOAT", "t", "1"),
    ("LCS", "a", "b"), ("LCS", "nope1", "nope2"),
    ("RPUSH", "l", "x"), ("GET", "l"), ("APPEND", "l", "x"),
    ("SETBIT", "bits", "7", "1"), ("SETBIT", "bits", "7", "1"),
    ("SETBIT", "bits", "100", "0"), ("SETBIT", "bits", "7", "0"),
    ("SETBIT", "bits", "7", "2"), ("GETBIT", "nope", "0"),
    ("BITCOUNT", "nope"), ("BITPOS", "nope", "1"),
    ("BITOP", "AND", "dest", "bits", "nope"),
    ("BITOP", "OR", "dest", "nope1", "nope2"),
    ("BITOP", "OR", "dest", "nope1", "l"),
    ("BITFIELD", "bf", "SET", "u8", "0", "255"),
    ("BITFIELD", "bf", "SET", "u8", "0", "255"),
    ("BITFIELD", "bf", "INCRBY", "u8", "0", "1"),
    ("BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "-1"),
    ("BITFIELD", "bf", "GET", "u8", "0"), ("BITFIELD_RO", "nope", "GET", "u8",
                                           "0"),
    ("BITFIELD", "bf2", "OVERFLOW", "FAIL", "INCRBY", "u2", "100", "10"),
    ("BITFIELD", "bf", "SET", "u8", "0", "0", "GET", "u8", "8"),
]

LISTS = [
    ("LPUSH", "l", "a", "b", "c"), ("RPUSH", "l", "d"),
    ("LPUSHX", "nope", "x"), ("RPUSHX", "l", "e"),
    ("LINSERT", "l", "BEFORE", "a", "z"), ("LINSERT", "l", "AFTER", "q", "z"),
    ("LINSERT", "nope", "BEFORE", "a", "b"), ("LINSERT", "l", "IN", "a", "b"),
    ("LSET", "l", "0", "q"), ("LSET", "l", "100", "q"), ("LSET", "nope", "0",
                                                         "q"),
    ("LINDEX", "l", "0"), ("LINDEX", "nope", "0"), ("LLEN", "nope"),
    ("LRANGE", "nope", "0", "-1"), ("LRANGE", "l", "0", "-1"),
    ("LPOS", "nope", "a"), ("LPOS", "l", "a"),
    ("LPOP", "l"), ("RPOP", "l", "2"), ("LPOP", "l", "0"), ("LPOP", "nope"),
    ("RPOP", "nope", "3"), ("LTRIM", "l", "0", "0"), ("LTRIM", "l", "5", "10"),
    ("LTRIM", "nope", "0", "1"),
    ("RPUSH", "r", "1", "2", "1", "3", "1"), ("LREM", "r", "2", "1"),
    ("LREM", "r", "0", "9"), ("LREM", "r", "-1", "1"),
    ("RPUSH", "r2", "x"), ("LREM", "r2", "0", "x"), ("LREM", "nope", "0", "x"),
    ("RPUSH", "src", "1", "2"), ("LMOVE", "src", "dst", "LEFT", "RIGHT"),
    ("LMOVE", "src", "dst", "RIGHT", "LEFT"),
    ("RPUSH", "rot", "a", "b"), ("LMOVE", "rot", "rot", "LEFT", "RIGHT"),
    ("RPOPLPUSH", "nope", "dst"), ("SET", "str", "x"),
    ("RPOPLPUSH", "dst", "str"), ("RPOPLPUSH", "dst", "dst2"),
    ("LMOVE", "dst", "dst2", "UP", "LEFT"),
    ("RPUSH", "m", "1", "2", "3"), ("LMPOP", "2", "nope", "m", "LEFT", "COUNT",
                                    "2"),
    ("LMPOP", "2", "nope", "m", "RIGHT", "COUNT", "5"),
    ("LMPOP", "1", "nope", "LEFT"),
    ("RPUSH", "bq", "1", "2"), ("BLPOP", "nope", "bq", "0"),
    ("BRPOP", "bq", "0"), ("BLPOP", "str", "0"),
    ("RPUSH", "bq", "1"), ("BLMOVE", "bq", "bq2", "LEFT", "LEFT", "0"),
    ("RPUSH", "bq", "1", "2", "3"), ("BRPOPLPUSH", "bq", "bq2", "0"),
    ("BLMPOP", "0", "1", "bq", "RIGHT", "COUNT", "9"),
]

HASHES = [
    ("HSET", "h", "f", "v"), ("HSET", "h", "f", "v2", "g", "w"),
    ("HSET", "h", "f"), ("HSETNX", "h", "f", "x"), ("HSETNX", "h", "n", "y"),
    ("HSETNX", "h2", "n", "y"), ("HMSET", "h", "a", "1"),
    ("HMSET", "h3", "a", "1", "b", "2"),
    ("HGET", "nope", "f"), ("HGET", "h", "f"), ("HMGET", "nope", "a"),
    ("HLEN", "nope"), ("HSTRLEN", "nope", "f"), ("HEXISTS", "nope", "f"),
    ("HKEYS", "nope"), ("HVALS", "nope"), ("HGETALL", "nope"),
    ("HINCRBY", "h", "cnt", "5"), ("HINCRBY", "h", "f", "1"),
    ("HINCRBY", "newh", "c", "1"), ("HINCRBY", "newh", "c", "x"),
    ("HINCRBY", "newh", "c", "9223372036854775807"),
    ("HINCRBYFLOAT", "h", "fl", "1.5"), ("HINCRBYFLOAT", "h", "f", "1"),
    ("HINCRBYFLOAT", "newh2", "c", "inf"),
    ("HDEL", "h", "nope"), ("HDEL", "h", "f", "g"), ("HDEL", "newh", "c"),
    ("HDEL", "nope", "c"), ("HSCAN", "nope", "0"), ("HRANDFIELD", "nope"),
    ("HSET", "s", "a", "b"), ("SET", "str", "x"), ("HSET", "str", "a", "b"),
    ("HGET", "str", "a"), ("HDEL", "h2", "n", "x"),
]

SETS = [
    ("SADD", "s", "a", "b"), ("SADD", "s", "a"), ("SREM", "s", "nope"),
    ("SREM", "s", "a"), ("SREM", "s", "b", "c"), ("SREM", "nope", "a"),
    ("SADD", "src", "a", "b", "c"), ("SMOVE", "nope", "dst", "a"),
    ("SMOVE", "src", "src", "a"), ("SMOVE", "src", "dst", "x"),
    ("SMOVE", "src", "dst", "a"), ("SADD", "dst", "b"),
    ("SMOVE", "src", "dst", "b"), ("SMOVE", "src", "dst", "c"),
    ("SISMEMBER", "nope", "a"), ("SMISMEMBER", "nope", "a"),
    ("SCARD", "nope"), ("SMEMBERS", "nope"), ("SRANDMEMBER", "nope"),
    ("SSCAN", "nope", "0"),
    ("SADD", "one", "x"), ("SPOP", "one"), ("SPOP", "nope"),
    ("SADD", "few", "1", "2"), ("SPOP", "few", "0"), ("SPOP", "few", "10"),
    ("SADD", "big", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"),
    random_reply("SPOP", "big", "1"), random_reply("SPOP", "big", "8"),
    random_reply("SPOP", "big"),
    ("SADD", "a", "1", "2", "3"), ("SADD", "b", "2", "3", "4"),
    ("SADD", "c", "9"),
    ("SINTER", "a", "nope"), ("SINTERSTORE", "dst", "a", "b"),
    ("SINTERSTORE", "dst", "a", "nope"), ("SINTERSTORE", "dst", "a", "b"),
    ("SINTERSTORE", "dst", "a", "c"), ("SINTERSTORE", "dst", "a", "c"),
    ("SUNIONSTORE", "u", "a", "nope", "b"), ("SUNIONSTORE", "u", "nope"),
    ("SDIFFSTORE", "d", "a", "b"), ("SDIFFSTORE", "d", "a", "a"),
    ("SDIFF", "nope", "a"), ("SUNION", "nope", "a"),
    ("SINTERCARD", "2", "a", "nope"), ("SET", "str", "x"),
    ("SINTERSTORE", "dst", "nope", "str"), ("SADD", "str", "x"),
]

ZSETS = [
    ("ZADD", "z", "1", "a", "2", "b"), ("ZADD", "z", "1", "a"),
    ("ZADD", "z", "XX", "5", "nope"), ("ZADD", "z", "NX", "3", "c"),
    ("ZADD", "z", "CH", "10", "a"), ("ZADD", "z", "INCR", "1", "a"),
    ("ZINCRBY", "z", "1", "b"), ("ZADD", "nope", "XX", "1", "a"),
    ("ZADD", "z", "GT", "0", "a"), ("ZADD", "z", "1", "x", "2"),
    ("ZADD", "z", "NX", "XX", "1", "a"), ("ZADD", "z", "x", "a"),
    ("ZINCRBY", "z", "+inf", "c"), ("ZINCRBY", "z", "-inf", "c"),
    ("ZADD", "z", "INCR", "XX", "1", "nope"),
    ("ZREM", "z", "nope"), ("ZREM", "z", "a"), ("ZREM", "nope", "a"),
    ("ZREMRANGEBYSCORE", "z", "100", "200"), ("ZREMRANGEBYRANK", "z", "0", "0"),
    ("ZREMRANGEBYRANK", "nope", "0", "1"), ("ZREMRANGEBYSCORE", "z", "x", "1"),
    ("ZADD", "zl", "0", "a", "0", "b", "0", "c"),
    ("ZREMRANGEBYLEX", "zl", "[a", "[b"), ("ZREMRANGEBYLEX", "zl", "-", "+"),
    ("ZADD", "z2", "1", "a"), ("ZREM", "z2", "a", "b"),
    ("ZADD", "z", "5", "d", "6", "e"),
    ("ZRANGE", "nope", "0", "-1"), ("ZRANGESTORE", "zd", "z", "0", "-1"),
    ("ZRANGESTORE", "zd", "z", "0", "0"),
    ("ZRANGESTORE", "zd", "nope", "0", "-1"),
    ("ZRANGESTORE", "zd", "nope", "0", "-1"),
    ("ZSCORE", "nope", "a"), ("ZMSCORE", "nope", "a"), ("ZCARD", "nope"),
    ("ZCOUNT", "nope", "0", "1"), ("ZLEXCOUNT", "nope", "-", "+"),
    ("ZRANK", "nope", "a"), ("ZREVRANK", "nope", "a"),
    ("ZRANDMEMBER", "nope"), ("ZSCAN", "nope", "0"),
    ("ZPOPMIN", "z"), ("ZPOPMAX", "z", "2"), ("ZPOPMIN", "nope"),
    ("ZPOPMIN", "z", "0"), ("ZADD", "z", "7", "f"),
    ("ZMPOP", "2", "nope", "z", "MIN", "COUNT", "10"),
    ("ZADD", "y", "1", "a", "2", "b", "3", "c"), ("SADD", "s", "a", "x"),
    ("BZPOPMIN", "nope", "y", "0"), ("BZPOPMAX", "y", "0"),
    ("BZMPOP", "0", "1", "y", "MAX", "COUNT", "5"),
    ("ZADD", "y", "1", "a", "2", "b"),
    ("ZUNIONSTORE", "dst", "2", "y", "nope"),
    ("ZINTERSTORE", "dst", "2", "y", "nope"),
    ("ZINTERSTORE", "dst", "2", "y", "nope"),
    ("ZUNIONSTORE", "dst", "2", "y", "s"), ("ZINTERSTORE", "dst", "2", "y", "s"),
    ("ZDIFFSTORE", "dst", "1", "y"), ("ZDIFFSTORE", "dst", "2", "y", "y"),
    ("ZUNION", "2", "y", "nope"), ("ZINTER", "2", "nope", "y"),
    ("ZINTERCARD", "2", "nope", "y"), ("ZDIFF", "2", "nope", "y"),
    ("SET", "str", "x"), ("ZUNIONSTORE", "dst", "3", "nope", "str", "y"),
    ("ZUNIONSTORE", "dst", "1", "y", "WEIGHTS", "x"),
    ("ZADD", "str", "1", "a"),
]

KEYSPACE = [
    ("SET", "a", "1"), ("SET", "b", "2"), ("SET", "c", "3"),
    ("DEL", "a", "nope", "b"), ("UNLINK", "c", "nope"),
    ("SET", "a", "1"), ("EXISTS", "nope", "a"), ("TOUCH", "nope", "a"),
    ("TYPE", "nope"), ("TYPE", "a"), ("RANDOMKEY",), ("KEYS", "*"),
    ("SCAN", "0"), ("SCAN", "0", "TYPE", "string"), ("DBSIZE",),
    ("RENAME", "a", "b"), ("SET", "a", "x"), ("RENAME", "a", "b"),
    ("RENAME", "b", "b"), ("RENAME", "nope", "x"), ("SET", "a", "y"),
    ("RENAMENX", "a", "b"), ("RENAMENX", "a", "c"), ("RENAMENX", "nope", "d"),
    ("MOVE", "c", "1"), ("SET", "c", "again"), ("MOVE", "c", "1"),
    ("MOVE", "nope", "1"), ("MOVE", "c", "0"), ("MOVE", "c", "99"),
    ("COPY", "b", "e"), ("COPY", "nope", "e"), ("COPY", "b", "e"),
    ("COPY", "b", "e", "REPLACE"), ("COPY", "b", "x", "DB", "2"),
    ("COPY", "b", "b"), ("COPY", "b", "x", "DB", "2", "REPLACE"),
    ("SELECT", "1"), ("SET", "k1", "v"), ("DEL", "c"), ("SELECT", "0"),
    ("SWAPDB", "0", "1"), ("SET", "k1", "w"), ("SWAPDB", "0", "1"),
    ("SELECT", "2"), ("FLUSHDB",), ("SELECT", "0"),
    ("EXPIRE", "b", "100"), ("EXPIRE", "b", "100", "NX"),
    ("EXPIRE", "b", "200", "GT"), ("PEXPIRE", "b", "100000"),
    ("EXPIREAT", "b", "99999999999"), ("PEXPIREAT", "b", "99999999999999"),
    ("EXPIRE", "nope", "100"), ("EXPIRE", "b", "x"),
    ("TTL", "nope"), ("PTTL", "nope"), ("EXPIRETIME", "nope"),
    ("PEXPIRETIME", "nope"), ("EXPIRETIME", "b"),
    ("PERSIST", "b"), ("PERSIST", "b"), ("PERSIST", "nope"),
    ("EXPIREAT", "b", "1"), ("SET", "b", "x"), ("PEXPIRE", "b", "0"),
    ("SET", "b", "x"), ("EXPIRE", "b", "-1"),
    ("OBJECT", "ENCODING", "nope"), ("OBJECT", "REFCOUNT", "nope"),
    ("OBJECT", "IDLETIME", "nope"), ("OBJECT", "ENCODING", "e"),
    ("MEMORY", "USAGE", "nope"),
    ("RPUSH", "sl", "3", "1", "2"), ("SORT", "sl", "STORE", "out"),
    ("SORT", "sl", "STORE", "out"), ("SORT", "nope", "STORE", "out"),
    ("SORT", "nope", "STORE", "out"), ("SET", "w_1", "3"),
    ("SORT", "sl", "BY", "w_*", "GET", "o_*", "GET", "#"),
    ("SORT_RO", "nope"), ("SORT", "sl", "BY", "nosort", "STORE", "out"),
    ("SET", "str", "x"), ("SORT", "str"), ("SORT", "sl", "LIMIT", "x"),
    ("FLUSHALL",), ("SET", "a", "1"), ("FLUSHDB",),
]

EXPIRY = [
    ("SET", "e", "v", "PXAT", SOON), AFTER_DEADLINE, ("GET", "e"),
    ("SET", "e", "v", "PXAT", SOON), AFTER_DEADLINE, ("LPUSH", "e", "x"),
    ("SET", "e", "v", "PXAT", SOON), AFTER_DEADLINE, ("DEL", "e"),
    ("SET", "e", "v", "PXAT", SOON), AFTER_DEADLINE, ("EXISTS", "e"),
    ("SET", "e", "v", "PXAT", SOON), AFTER_DEADLINE, ("SET", "e", "w"),
    ("DEL", "e"),
    ("SET", "e", "v", "PXAT", SOON), AFTER_DEADLINE, ("RANDOMKEY",),
    ("SET", "e", "v", "PXAT", SOON), AFTER_DEADLINE, ("SCAN", "0"),
    ("SET", "e", "v", "PXAT", SOON), AFTER_DEADLINE, ("TTL", "e"),
    ("SET", "e", "v", "PXAT", SOON), AFTER_DEADLINE,
    ("OBJECT", "ENCODING", "e"),
    ("SET", "e", "v", "PXAT", SOON), AFTER_DEADLINE, ("RENAME", "e", "f"),
    ("SET", "e", "v", "PXAT", SOON), AFTER_DEADLINE, ("INCR", "e"),
    ("DEL", "e"),
    ("RPUSH", "e", "a"), ("PEXPIREAT", "e", SOON), AFTER_DEADLINE,
    ("RPUSH", "e", "b"), ("DEL", "e"),
    ("SET", "e", "v", "PXAT", SOON), ALL_EXPIRED,
    ("HSET", "e", "f", "v"), ("PEXPIREAT", "e", SOON), ALL_EXPIRED,
    ("SET", "k", "v"), ("SET", "e", "v", "PXAT", SOON), AFTER_DEADLINE,
    ("COPY", "k", "e"),
    ("SELECT", "5"), ("SET", "e", "v", "PXAT", SOON), AFTER_DEADLINE,
    ("GET", "e"), ("SELECT", "0"),
]

TRANSACTIONS = [
    ("MULTI",), ("SET", "m", "1"), ("INCR", "m"), ("LPUSH", "m", "x"),
    ("GET", "nope"), ("DEL", "m"), ("EXEC",),
    ("MULTI",), ("SET", "m", "1"), ("NOSUCHCOMMAND",), ("EXEC",),
    ("MULTI",), ("SET", "m", "1"), ("DISCARD",),
    ("SET", "w", "1"), ("WATCH", "w"), ("SET", "w", "2"), ("MULTI",),
    ("SET", "m", "1"), ("EXEC",),
    ("WATCH", "w"), ("MULTI",), ("SET", "m", "1"), ("EXPIRE", "m", "100"),
    ("EXEC",),
    # A time in the past: the key is dead at once. In a transaction, so
    # that active expiry cannot come between.
    ("MULTI",), ("SET", "past", "v", "PXAT", "1"), ("GET", "past"),
    ("SET", "past", "v", "EXAT", "1"), ("LPUSH", "past", "x"),
    ("EXPIRE", "past", "-5"), ("SET", "past", "v"), ("GETEX", "past", "EXAT",
                                                      "1"),
    ("EXISTS", "past"), ("SET", "past", "v", "PXAT", "1"),
    ("SCAN", "0", "MATCH", "past", "TYPE", "string"), ("EXEC",),
]

BLOCKING = [
    block("b1", "BLPOP", "bq", "0"), ("RPUSH", "bq", "x"), Served("b1"),
    block("b2", "BRPOP", "bq", "0"), ("RPUSH", "bq", "x", "y"), Served("b2"),
    ("DEL", "bq"),
    block("b3", "BLMOVE", "bsrc", "bdst", "LEFT", "RIGHT", "0"),
    ("LPUSH", "bsrc", "a", "b"), Served("b3"),
    block("b4", "BLMPOP", "0", "2", "nope", "bm", "LEFT", "COUNT", "5"),
    ("RPUSH", "bm", "1", "2"), Served("b4"),
    block("b5", "BZPOPMIN", "bz", "0"), ("ZADD", "bz", "1", "a", "2", "b"),
    Served("b5"),
    block("b6", "BZMPOP", "0", "1", "bz2", "MAX", "COUNT", "10"),
    ("ZADD", "bz2", "1", "a"), Served("b6"),
    block("b7", "BLPOP", "t1", "0"), block("b8", "BLPOP", "t1", "0"),
    ("MULTI",), ("RPUSH", "t1", "1"), ("RPUSH", "t1", "2", "3"), ("EXEC",),
    Served("b7"), Served("b8"), ("DEL", "t1"),
    ("SET", "str", "x"),
    block("b9", "BRPOPLPUSH", "q9", "str", "0"), ("RPUSH", "q9", "v"),
    Served("b9"),
    block("b10", "BLMOVE", "q10", "q10", "RIGHT", "LEFT", "0"),
    ("RPUSH", "q10", "v", "w"), Served("b10"),
    block("b11", "BLPOP", "q11", "0"), ("MULTI",), ("RPUSH", "q11", "v"),
    ("DEL", "q11"), ("SET", "q11", "s"), ("EXEC",),
    ("DEL", "q11"), ("RPUSH", "q11", "w"), Served("b11"),
]

# Reads of missing keys with a bad argument: whether the keymiss comes
# depends on which Redis checks first, the argument or the key.
MISSES = [
    ("BITCOUNT", "nope", "x", "1"), ("BITPOS", "nope", "1", "x"),
    ("BITPOS", "nope", "2"), ("GETBIT", "nope", "x"),
    ("GETRANGE", "nope", "x", "1"), ("LRANGE", "nope", "x", "1"),
    ("LINDEX", "nope", "x"), ("LPOS", "nope", "a", "RANK", "0"),
    ("LPOS", "nope", "a", "FOO"), ("ZRANGE", "nope", "x", "1"),
    ("ZRANGE", "nope", "0", "1", "BYSCORE", "LIMIT", "x", "1"),
    ("ZRANGEBYSCORE", "nope", "x", "1"), ("ZCOUNT", "nope", "x", "1"),
    ("ZLEXCOUNT", "nope", "x", "y"), ("ZRANGEBYLEX", "nope", "x", "y"),
    ("ZREVRANGE", "nope", "0", "1", "FOO"), ("ZSCORE", "nope", "a"),
    ("SRANDMEMBER", "nope", "x"), ("SRANDMEMBER", "nope", "2"),
    ("HRANDFIELD", "nope", "x"), ("HRANDFIELD", "nope", "2", "WITHVALUES"),
    ("ZRANDMEMBER", "nope", "x"), ("ZRANDMEMBER", "nope", "2", "WITHSCORES"),
    ("SSCAN", "nope", "x"), ("SSCAN", "nope", "0", "COUNT", "x"),
    ("HSCAN", "nope", "0", "FOO"), ("ZSCAN", "nope", "x"),
    ("GETEX", "nope", "EX", "x"), ("GETEX", "nope", "FOO"),
    ("SORT", "nope", "FOO"), ("SORT", "nope", "LIMIT", "0", "x"),
    ("LCS", "nope1", "nope2", "FOO"), ("LCS", "nope1", "nope2", "LEN", "IDX"),
    ("BITFIELD_RO", "nope", "GET", "x", "0"), ("BITFIELD", "nope", "GET",
                                               "u8", "0"),
    ("OBJECT", "FREQ", "nope"), ("SINTERCARD", "1", "nope", "LIMIT", "x"),
    ("ZINTERCARD", "1", "nope", "LIMIT", "x"), ("ZUNION", "1", "nope", "FOO"),
    ("ZDIFF", "2", "nope", "nope2", "WITHSCORES"),
    ("SMISMEMBER", "nope", "a", "b"), ("HMGET", "nope", "a", "b"),
    ("ZMSCORE", "nope", "a", "b"), ("EXISTS", "nope", "nope"),
    ("MGET", "nope", "nope"), ("SUNION", "nope", "nope"),
    ("SET", "k", "v", "GET", "EX", "x"), ("SET", "nope", "v", "GET", "NX"),
    ("SORT", "nope", "BY", "w_*", "GET", "x_*"), ("GETDEL", "nope"),
    ("SET", "str", "v"), ("SINTER", "nope", "str"), ("SUNION", "nope", "str"),
    ("ZUNIONSTORE", "d", "2", "nope", "str"), ("LCS", "nope", "str"),
    ("RPUSH", "l", "x"), ("LCS", "l", "nope"), ("MGET", "l", "nope"),
]

BATTERIES = {"strings": STRINGS, "lists": LISTS, "hashes": HASHES,
             "sets": SETS, "zsets": ZSETS, "keyspace": KEYSPACE,
             "misses": MISSES, "expiry": EXPIRY,
             "transactions": TRANSACTIONS, "blocking": BLOCKING}

# Every class and every channel, then subsets: each class filters alone.
CLASSES = ["KEAmn", "KEA", "Km", "En", "Ex", "Kd", "Eg$", "Klshz"]


# -- running a scenario ---------------------------------------------------

def mstime() -> int:
    return time.time_ns() // 1_000_000


def server_mstime(raw: RawClient) -> int:
    seconds, micros = decode(raw.call("TIME"))
    return int(seconds) * 1000 + int(micros) // 1000


def blocked_clients(raw: RawClient) -> int:
    return int(info_field(raw, "clients", "blocked_clients"))


class ScenarioRun:
    """One scenario on one server: its connections and what it saw."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.control = RawClient(port)  # DB 0; never in a transaction
        self.main = RawClient(port)
        self.waiting: dict[str, RawClient] = {}
        self.listener = EventListener(port)
        self.deadline = 0
        self.in_multi = False

    def close(self) -> None:
        for client in (self.control, self.main, self.listener,
                       *self.waiting.values()):
            client.close()

    def step(self, step) -> tuple:
        """Run one step; return what it did, as it is compared."""
        if step is AFTER_DEADLINE:
            wait_until(lambda: server_mstime(self.control) > self.deadline,
                       timeout=10, message="the deadline never passed")
            return ("after deadline",)
        if step is ALL_EXPIRED:
            wait_until(lambda: self.control.call("DBSIZE") == b":0\r\n",
                       timeout=10, message="active expiry never came")
            return ("all expired",)
        if isinstance(step, Block):
            return self.block(step)
        if isinstance(step, Served):
            return ("served", step.name,
                    decode(self.waiting.pop(step.name).read_reply()))
        if isinstance(step, Random):
            self.command(step.args)
            return (step.args, "random reply")
        return (step, decode(self.command(step)))

    def command(self, args: tuple) -> bytes:
        if SOON in args:
            self.deadline = mstime() + DEADLINE_AHEAD_MS
            args = tuple(str(self.deadline) if arg is SOON else arg
                         for arg in args)
        reply = self.main.call(*args)
        name = args[0].upper()
        if name == "MULTI" and reply == b"+OK\r\n":
            self.in_multi = True
        elif name in ("EXEC", "DISCARD"):
            self.in_multi = False
        return reply

    def block(self, step: Block) -> tuple:
        before = blocked_clients(self.control)
        client = self.waiting[step.name] = RawClient(self.port)
        client.send(command(*step.args))
        wait_until(lambda: blocked_clients(self.control) == before + 1,
                   timeout=10, message=f"{step.args} never blocked")
        return ("blocked", step.name, step.args)

    def events(self, step) -> list:
        """The events since the last call, unless a transaction is open
        (then they are collected once it ends) or the step waited for a
        deadline: active expiry may delete the key while it waits, or
        not, so its "expired" counts with the next step's events."""
        if self.in_multi or step is AFTER_DEADLINE:
            return []
        return self.listener.events(self.control)


def run_scenario(port: int, steps: list, classes: str) -> list:
    """Each step with what it replied and the events it caused."""
    run = ScenarioRun(port)
    try:
        assert run.control.call("FLUSHALL") == b"+OK\r\n"
        assert run.control.call("CONFIG", "SET", "notify-keyspace-events",
                                classes) == b"+OK\r\n"
        return [(index, run.step(step), run.events(step))
                for index, step in enumerate(steps)]
    finally:
        run.control.call("CONFIG", "SET", "notify-keyspace-events", "")
        run.close()


@pytest.fixture(scope="module")
def real_redis():
    """A redis-server of this module's own: the oracle."""
    proc = ServerProcess(Target("redis", "redis", REAL_REDIS_STEP)).start()
    yield proc
    proc.stop()


@pytest.mark.parametrize("classes", CLASSES)
@pytest.mark.parametrize("battery", BATTERIES)
def test_events_are_those_of_redis(server, real_redis, battery, classes):
    steps = BATTERIES[battery]
    expected = run_scenario(real_redis.port, steps, classes)
    got = run_scenario(server.port, steps, classes)
    for want, have in zip(expected, got, strict=True):
        assert have == want


# -- a client that follows its own keys -----------------------------------

# In RESP3 a subscribed client may run any command, so it can hear the
# events of its own commands: then the order of a reply and of the pushes
# its command caused shows. Redis publishes some events before it replies
# (SET), some after (LPUSH), some in between (SPOP: spop, the reply, del).
# Left out: transactions, whose events come inside EXEC's reply, and the
# commands whose events Redis pushes inside their reply, between its
# parts: the sorted set pops, MGET, and SORT ... GET (see the Simplified
# notes of generic_zpop_command(), mget_command() and sort_command_generic()).
INSIDE_THE_REPLY = {"ZPOPMIN", "ZPOPMAX", "ZMPOP", "BZPOPMIN", "BZPOPMAX",
                    "BZMPOP", "MGET"}


def events_inside_the_reply(args: tuple) -> bool:
    name = args[0].upper()
    return name in INSIDE_THE_REPLY or (
        name in ("SORT", "SORT_RO") and "GET" in args and "STORE" not in args)


OWN_KEYS_STEPS = [
    step.args if isinstance(step, Random) else step
    for name, battery in BATTERIES.items()
    if name not in ("transactions", "blocking", "expiry")
    for step in battery if isinstance(step, tuple | Random)
    and not events_inside_the_reply(
        step.args if isinstance(step, Random) else step)
]


def frames_of_own_commands(port: int, steps: list) -> list:
    """For each command, the frames it brought: each push as it is,
    each reply as "reply" (replies are compared elsewhere, and some are
    random)."""
    record = []
    with RawClient(port) as control, RawClient(port) as me:
        assert control.call("FLUSHALL") == b"+OK\r\n"
        assert control.call("CONFIG", "SET", "notify-keyspace-events",
                            "KEAmn") == b"+OK\r\n"
        try:
            assert me.call("HELLO", "3").startswith(b"%")
            assert me.call("PSUBSCRIBE", "__key*__:*").startswith(b">3\r\n")
            for index, args in enumerate(steps):
                mark = b"mark %d" % index
                me.send(command(*args) + command("PING", mark))
                frames = []
                while (frame := me.read_reply()) != b"$%d\r\n%s\r\n" % (
                        len(mark), mark):
                    frames.append(frame if frame.startswith(b">")
                                  else b"reply")
                record.append((args, frames))
        finally:
            control.call("CONFIG", "SET", "notify-keyspace-events", "")
    return record


def test_a_client_hears_its_own_events_before_or_after_its_reply_as_in_redis(
        server, real_redis):
    expected = frames_of_own_commands(real_redis.port, OWN_KEYS_STEPS)
    got = frames_of_own_commands(server.port, OWN_KEYS_STEPS)
    for want, have in zip(expected, got, strict=True):
        assert have == want
