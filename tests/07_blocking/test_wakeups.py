"""Which changes to the keyspace wake a blocked client, as in Redis 7.0.15:
only a key being added (dbAdd() calls signalKeyAsReady()), whatever command
adds it, and SWAPDB, which looks for the keys clients wait on
(scanDatabaseForReadyKeys()). Emptying a database wakes nobody."""

from support.replies import OK, bulks, integer

BLPOP_L = b"*3\r\n$5\r\nBLPOP\r\n$1\r\nl\r\n$1\r\n0\r\n"


def test_rename_onto_the_key_serves_the_waiter(raw, connect, blocked):
    waiter = connect()
    waiter.send(BLPOP_L)
    blocked(1)
    raw.call("RPUSH", "other", "v")
    assert raw.call("RENAME", "other", "l") == OK
    assert waiter.read_reply() == bulks("l", "v")


def test_move_into_the_waiters_database_serves_it(raw, connect, blocked):
    waiter = connect()
    waiter.send(BLPOP_L)
    blocked(1)
    raw.call("SELECT", "1")
    raw.call("RPUSH", "l", "v")
    assert raw.call("MOVE", "l", "0") == integer(1)
    assert waiter.read_reply() == bulks("l", "v")
    raw.call("FLUSHALL")


def test_a_push_in_another_database_does_not_serve_the_waiter(raw, connect, blocked):
    waiter = connect()
    waiter.send(BLPOP_L)
    blocked(1)
    raw.call("SELECT", "1")
    raw.call("RPUSH", "l", "v")
    assert waiter.nothing_within(0.05)
    raw.call("SELECT", "0")
    raw.call("RPUSH", "l", "w")
    assert waiter.read_reply() == bulks("l", "w")
    raw.call("FLUSHALL")


def test_swapdb_bringing_the_key_in_serves_the_waiter(raw, connect, blocked):
    waiter = connect()
    waiter.send(BLPOP_L)
    blocked(1)
    raw.call("SELECT", "1")
    raw.call("RPUSH", "l", "v")
    assert raw.call("SWAPDB", "0", "1") == OK
    assert waiter.read_reply() == bulks("l", "v")
    raw.call("FLUSHALL")


def test_copy_and_sort_store_create_keys_that_serve_waiters(raw, connect, blocked):
    first, second = connect(), connect()
    first.send(BLPOP_L)
    blocked(1)
    second.send(b"*3\r\n$5\r\nBLPOP\r\n$6\r\nsorted\r\n$1\r\n0\r\n")
    blocked(2)
    raw.call("RPUSH", "src", "3", "1", "2")
    assert raw.call("COPY", "src", "l") == integer(1)
    assert first.read_reply() == bulks("l", "3")
    assert raw.call("SORT", "src", "STORE", "sorted") == integer(3)
    assert second.read_reply() == bulks("sorted", "1")


def test_zunionstore_creates_a_set_that_serves_a_bzpopmin_waiter(raw, connect, blocked):
    waiter = connect()
    waiter.send(b"*3\r\n$8\r\nBZPOPMIN\r\n$3\r\ndst\r\n$1\r\n0\r\n")
    blocked(1)
    raw.call("ZADD", "a", "1", "x")
    assert raw.call("ZUNIONSTORE", "dst", "1", "a") == integer(1)
    assert waiter.read_reply() == bulks("dst", "x", "1")


def test_flushall_leaves_clients_blocked(raw, connect, blocked):
    waiter = connect()
    waiter.send(BLPOP_L)
    blocked(1)
    assert raw.call("FLUSHALL") == OK
    blocked(1)
    raw.call("LPUSH", "l", "v")
    assert waiter.read_reply() == bulks("l", "v")


def test_lpushx_and_a_key_already_there_never_signal(raw, connect, blocked):
    """Only a new key signals: LPUSHX on a missing key adds nothing."""
    waiter = connect()
    waiter.send(BLPOP_L)
    blocked(1)
    assert raw.call("LPUSHX", "l", "v") == integer(0)
    assert waiter.nothing_within(0.05)
    raw.call("RPUSH", "l", "v")
    assert waiter.read_reply() == bulks("l", "v")
