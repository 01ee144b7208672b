"""BZPOPMIN, BZPOPMAX and BZMPOP, as Redis 7.0.15 serves them (t_zset.c,
blocked.c): the reply of ZPOPMIN or ZMPOP with the key in front, the score
a bulk string in RESP2 and a double in RESP3."""

import pytest
from support.replies import NULL_ARRAY, WRONGTYPE, bulks, error

BZPOPMIN_Z = b"*3\r\n$8\r\nBZPOPMIN\r\n$1\r\nz\r\n$1\r\n0\r\n"


def test_bzpopmin_pops_at_once_from_the_first_non_empty_sorted_set(raw):
    raw.call("ZADD", "z2", "1", "a", "2", "b")
    assert raw.call("BZPOPMIN", "z1", "z2", "0") == bulks("z2", "a", "1")
    assert raw.call("BZPOPMAX", "z1", "z2", "0") == bulks("z2", "b", "2")
    assert raw.call("EXISTS", "z2") == b":0\r\n"


def test_bzpopmin_in_resp3_replies_the_score_as_a_double(raw3):
    raw3.call("ZADD", "z", "1.5", "a")
    assert raw3.call("BZPOPMIN", "z", "0") == b"*3\r\n$1\r\nz\r\n$1\r\na\r\n,1.5\r\n"


def test_bzpopmin_on_a_key_of_another_type_is_wrongtype(raw):
    raw.call("RPUSH", "l", "x")
    assert raw.call("BZPOPMIN", "l", "0") == WRONGTYPE


def test_bzpopmin_waits_until_a_sorted_set_is_added(raw, connect, blocked):
    waiter = connect()
    waiter.send(BZPOPMIN_Z)
    blocked(1)
    raw.call("ZADD", "z", "3", "c", "1", "a")
    assert waiter.read_reply() == bulks("z", "a", "1")
    assert raw.call("ZRANGE", "z", "0", "-1") == bulks("c")


@pytest.mark.exercise("07-serve-blocked-clients")
def test_bzpopmax_waiters_are_served_in_order_until_the_set_is_empty(raw, connect, blocked):
    waiters = [connect() for _ in range(3)]
    for n, waiter in enumerate(waiters, 1):
        waiter.send(b"*3\r\n$8\r\nBZPOPMAX\r\n$1\r\nz\r\n$1\r\n0\r\n")
        blocked(n)
    raw.call("ZADD", "z", "1", "a", "2", "b")
    assert waiters[0].read_reply() == bulks("z", "b", "2")
    assert waiters[1].read_reply() == bulks("z", "a", "1")
    blocked(1)
    assert waiters[2].nothing_within(0.05)
    raw.call("ZADD", "z", "5", "e")
    assert waiters[2].read_reply() == bulks("z", "e", "5")


def test_a_list_does_not_serve_a_sorted_set_waiter(raw, connect, blocked):
    waiter = connect()
    waiter.send(BZPOPMIN_Z)
    blocked(1)
    raw.call("RPUSH", "z", "x")
    assert waiter.nothing_within(0.05)
    raw.call("DEL", "z")
    raw.call("ZADD", "z", "1", "m")
    assert waiter.read_reply() == bulks("z", "m", "1")


def test_bzmpop_pops_up_to_count_at_once(raw):
    raw.call("ZADD", "z", "1", "a", "2", "b", "3", "c")
    assert raw.call("BZMPOP", "0", "1", "z", "MAX", "COUNT", "2") == (
        b"*2\r\n$1\r\nz\r\n*2\r\n" + bulks("c", "3") + bulks("b", "2"))


def test_bzmpop_waits_and_replies_nested_pairs(raw, connect, blocked, raw3):
    waiter = connect()
    waiter.call("HELLO", "3")
    waiter.send(b"*7\r\n$6\r\nBZMPOP\r\n$1\r\n0\r\n$1\r\n1\r\n$1\r\nz\r\n$3\r\nMIN\r\n"
                b"$5\r\nCOUNT\r\n$2\r\n10\r\n")
    blocked(1)
    raw.call("ZADD", "z", "1", "a", "2", "b")
    assert waiter.read_reply() == (b"*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\na\r\n,1\r\n"
                                   b"*2\r\n$1\r\nb\r\n,2\r\n")


def test_bzmpop_checks_its_arguments_before_its_timeout(raw):
    assert raw.call("BZMPOP", "x", "1", "z", "LOW") == b"-ERR syntax error\r\n"
    assert raw.call("BZMPOP", "x", "1", "z", "MIN") == error(
        "timeout is not a float or out of range")
    assert raw.call("BZMPOP", "0.01", "1", "z", "MIN") == NULL_ARRAY
