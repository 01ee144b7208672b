"""WATCH: a key another client (or this one) changes before EXEC makes EXEC
reply a null array and run nothing; FLUSHDB, FLUSHALL, SWAPDB and expiry
count as changes as 7.0's touchAllWatchedKeysInDb() and
isWatchedKeyExpired() say; a write that changes nothing does not."""

import pytest
from support.replies import NULL3, NULL_ARRAY, OK
from support.servers import wait_until
from support.wire import decode


def watch_then_exec(raw, *keys: str) -> bytes:
    """MULTI, SET done, EXEC on a client that watched `keys` earlier."""
    raw.call("MULTI")
    raw.call("SET", "done", "1")
    return raw.call("EXEC")


@pytest.mark.exercise("08-touch-watched-key")
def test_a_write_by_another_client_makes_exec_fail(raw, connect):
    raw.call("SET", "k", "1")
    assert raw.call("WATCH", "k") == OK
    connect().call("SET", "k", "2")
    assert watch_then_exec(raw) == NULL_ARRAY
    assert raw.call("EXISTS", "done") == b":0\r\n"


@pytest.mark.exercise("08-touch-watched-key")
def test_a_failed_exec_is_null_in_resp3(raw3, connect):
    raw3.call("WATCH", "k")
    connect().call("SET", "k", "2")
    assert watch_then_exec(raw3) == NULL3


def test_an_untouched_watched_key_lets_exec_run(raw, connect):
    raw.call("WATCH", "k", "other")
    connect().call("SET", "unrelated", "1")
    assert watch_then_exec(raw) == b"*1\r\n" + OK


@pytest.mark.exercise("08-touch-watched-key")
def test_the_clients_own_write_before_multi_counts_too(raw):
    raw.call("WATCH", "k")
    raw.call("SET", "k", "mine")
    assert watch_then_exec(raw) == NULL_ARRAY


def test_the_transactions_own_writes_do_not_make_it_fail(raw):
    raw.call("WATCH", "k")
    raw.call("MULTI")
    raw.call("SET", "k", "1")
    raw.call("SET", "k", "2")
    assert raw.call("EXEC") == b"*2\r\n" + OK + OK


def test_unwatch_forgets_the_keys_and_a_touch_already_seen(raw, connect):
    raw.call("WATCH", "k")
    connect().call("SET", "k", "2")
    assert raw.call("UNWATCH") == OK
    assert watch_then_exec(raw) == b"*1\r\n" + OK


def test_exec_ends_the_watch_whether_it_ran_or_not(raw, connect):
    other = connect()
    raw.call("WATCH", "k")
    other.call("SET", "k", "1")
    assert watch_then_exec(raw) == NULL_ARRAY
    other.call("SET", "k", "2")
    assert watch_then_exec(raw) == b"*1\r\n" + OK


def test_discard_ends_the_watch(raw, connect):
    raw.call("WATCH", "k")
    raw.call("MULTI")
    raw.call("DISCARD")
    connect().call("SET", "k", "1")
    assert watch_then_exec(raw) == b"*1\r\n" + OK


def test_a_key_watched_in_another_database_is_another_key(raw, connect):
    raw.call("WATCH", "k")
    other = connect()
    other.call("SELECT", "1")
    other.call("SET", "k", "1")
    assert watch_then_exec(raw) == b"*1\r\n" + OK
    other.call("FLUSHDB")


WRITES = [
    ("SET", "k", "x"), ("APPEND", "k", "x"), ("INCR", "n"), ("DEL", "k"),
    ("EXPIRE", "k", "100"), ("PERSIST", "t"), ("RENAME", "k", "k2"), ("LPUSH", "l", "x"),
    ("RPOP", "l"), ("LSET", "l", "0", "y"), ("LTRIM", "l", "1", "0"), ("SADD", "s", "new"),
    ("SREM", "s", "a"), ("SPOP", "s"), ("HSET", "h", "f", "new"), ("HDEL", "h", "f"),
    ("HINCRBY", "h", "n", "1"), ("ZADD", "z", "5", "a"), ("ZREM", "z", "a"),
    ("ZPOPMIN", "z"), ("SETBIT", "k", "0", "1"), ("GETDEL", "k"),
    ("SINTERSTORE", "s", "s"), ("SORT", "l", "ALPHA", "STORE", "s"), ("COPY", "k", "s", "REPLACE"),
    ("BITFIELD", "k", "SET", "u8", "0", "1"), ("BITFIELD", "k", "SET", "u8", "8", "0"),
]


@pytest.mark.parametrize("write", WRITES, ids=[" ".join(w) for w in WRITES])
def test_each_kind_of_write_touches_its_key(raw, connect, write):
    raw.call("SET", "k", "v")
    raw.call("SET", "n", "1")
    raw.call("SET", "t", "v", "EX", "100")
    raw.call("RPUSH", "l", "a", "b")
    raw.call("SADD", "s", "a")
    raw.call("HSET", "h", "f", "v", "n", "1")
    raw.call("ZADD", "z", "1", "a")
    key = {"SORT": "s", "COPY": "s", "SINTERSTORE": "s"}.get(write[0], write[1])
    raw.call("WATCH", key)
    connect().call(*write)
    assert watch_then_exec(raw) == NULL_ARRAY


NO_OPS = [
    ("SADD", "s", "a"), ("SREM", "s", "nope"), ("HDEL", "h", "nope"), ("DEL", "nope"),
    ("ZREM", "z", "nope"), ("LREM", "l", "0", "nope"), ("SET", "s", "x", "NX"),
    ("HSETNX", "h", "f", "other"), ("PERSIST", "s"), ("EXPIRE", "nope", "10"),
    ("SETBIT", "k", "1", "1"), ("BITFIELD", "k", "SET", "u8", "0", "118"),
    ("BITFIELD", "k", "INCRBY", "u8", "0", "0"),
    ("BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "200"),
]


@pytest.mark.parametrize("write", NO_OPS, ids=[" ".join(w) for w in NO_OPS])
def test_a_write_that_changes_nothing_does_not_touch(raw, connect, write):
    raw.call("SADD", "s", "a")
    raw.call("HSET", "h", "f", "v")
    raw.call("ZADD", "z", "1", "a")
    raw.call("RPUSH", "l", "a")
    raw.call("SET", "k", "v")  # 0x76 (118): bit 1 is set
    raw.call("WATCH", write[1])
    connect().call(*write)
    assert watch_then_exec(raw) == b"*1\r\n" + OK


def test_a_read_of_the_key_does_not_touch_it(raw, connect):
    raw.call("SET", "k", "v")
    raw.call("WATCH", "k")
    connect().call("GET", "k")
    assert watch_then_exec(raw) == b"*1\r\n" + OK


def test_the_source_keys_of_a_store_command_are_not_touched(raw, connect):
    raw.call("SADD", "a", "1")
    raw.call("WATCH", "a")
    connect().call("SUNIONSTORE", "dst", "a")
    assert watch_then_exec(raw) == b"*1\r\n" + OK


@pytest.mark.parametrize("flush", [("FLUSHDB",), ("FLUSHALL",)])
def test_a_flush_touches_a_watched_key_that_existed(raw, connect, flush):
    raw.call("SET", "k", "v")
    raw.call("WATCH", "k")
    connect().call(*flush)
    assert watch_then_exec(raw) == NULL_ARRAY


def test_a_flush_does_not_touch_a_watched_key_that_did_not_exist(raw, connect):
    raw.call("SET", "other", "v")
    raw.call("WATCH", "k")
    connect().call("FLUSHALL")
    assert watch_then_exec(raw) == b"*1\r\n" + OK


def test_swapdb_touches_a_watched_key_that_exists_on_either_side(raw, connect):
    other = connect()
    other.call("SELECT", "1")
    other.call("SET", "k", "in db 1")
    raw.call("WATCH", "k")  # missing in db 0, present in db 1
    other.call("SWAPDB", "0", "1")
    assert watch_then_exec(raw) == NULL_ARRAY
    other.call("FLUSHALL")


def test_swapdb_does_not_touch_a_key_missing_on_both_sides(raw, connect):
    other = connect()
    raw.call("WATCH", "k")
    other.call("SWAPDB", "0", "1")
    assert watch_then_exec(raw) == b"*1\r\n" + OK
    other.call("SWAPDB", "0", "1")
    other.call("FLUSHALL")


def test_a_watched_key_that_expires_before_exec_makes_it_fail(raw):
    raw.call("SET", "k", "v", "PX", "50")
    raw.call("WATCH", "k")
    wait_until(lambda: raw.call("PTTL", "k") == b":-2\r\n", timeout=5)
    assert watch_then_exec(raw) == NULL_ARRAY


def server_ms(raw) -> int:
    seconds, micros = (int(x) for x in decode(raw.call("TIME")))
    return seconds * 1000 + micros // 1000


def wait_past(raw, deadline_ms: int) -> None:
    """Wait until the server's clock passes `deadline_ms`, without reading
    any key (a read would delete an expired key, which touches it)."""
    wait_until(lambda: server_ms(raw) > deadline_ms, timeout=5)


def test_a_watched_key_expiring_while_queued_makes_exec_fail(raw, connect):
    clock = connect()
    raw.call("SET", "k", "v", "PX", "100")
    deadline = server_ms(clock) + 100
    raw.call("WATCH", "k")
    raw.call("MULTI")
    raw.call("SET", "done", "1")
    wait_past(clock, deadline + 1)
    assert raw.call("EXEC") == NULL_ARRAY
    assert raw.call("EXISTS", "done") == b":0\r\n"


def test_watching_a_key_already_expired_is_watching_a_missing_key(raw):
    raw.call("SET", "k", "v", "PX", "1")
    wait_past(raw, server_ms(raw) + 2)
    raw.call("WATCH", "k")  # expired, maybe not yet deleted
    assert watch_then_exec(raw) == b"*1\r\n" + OK


@pytest.mark.parametrize("write", [("SET", "k", "new"), ("MSET", "k", "new"),
                                   ("SUNIONSTORE", "k", "nope"), ("APPEND", "k", "x")])
def test_a_key_watched_after_it_expired_is_touched_when_written(raw, connect, write):
    raw.call("SADD", "k", "v") if write[0] == "SUNIONSTORE" else raw.call("SET", "k", "v")
    raw.call("PEXPIRE", "k", "1")
    wait_past(raw, server_ms(raw) + 2)
    raw.call("WATCH", "k")
    if write[0] == "SUNIONSTORE":
        connect().call("SADD", "nope", "1")
    connect().call(*write)
    assert watch_then_exec(raw) == NULL_ARRAY
