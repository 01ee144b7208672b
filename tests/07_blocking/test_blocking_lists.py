"""BLPOP, BRPOP, BRPOPLPUSH, BLMOVE and BLMPOP, as Redis 7.0.15 serves them
(blocked.c, t_list.c): at once when a list is there, otherwise once another
client creates one, first blocked first served."""

import pytest
from support.replies import (
    NULL_ARRAY,
    SYNTAX_ERROR,
    WRONGTYPE,
    bulk,
    bulks,
    error,
    integer,
)


def test_blpop_pops_at_once_from_the_first_non_empty_list(raw):
    raw.call("RPUSH", "b", "1", "2")
    raw.call("RPUSH", "c", "3")
    assert raw.call("BLPOP", "a", "b", "c", "0") == bulks("b", "1")
    assert raw.call("BRPOP", "a", "b", "c", "0") == bulks("b", "2")
    assert raw.call("EXISTS", "b") == integer(0)  # emptied, so deleted


def test_blpop_on_a_key_of_another_type_is_wrongtype(raw):
    raw.call("SET", "s", "v")
    raw.call("RPUSH", "l", "x")
    assert raw.call("BLPOP", "missing", "s", "l", "0") == WRONGTYPE


@pytest.mark.exercise("07-serve-blocked-clients")
def test_blpop_waits_until_another_client_pushes(raw, connect, blocked):
    waiter = connect()
    waiter.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nl\r\n$1\r\n0\r\n")
    blocked(1)
    assert waiter.nothing_within(0.05)
    assert raw.call("RPUSH", "l", "a", "b") == integer(2)
    assert waiter.read_reply() == bulks("l", "a")
    assert raw.call("LRANGE", "l", "0", "-1") == bulks("b")
    blocked(0)


def test_brpop_is_served_from_the_tail(raw, connect, blocked):
    waiter = connect()
    waiter.send(b"*3\r\n$5\r\nBRPOP\r\n$1\r\nl\r\n$1\r\n0\r\n")
    blocked(1)
    raw.call("RPUSH", "l", "a", "b", "c")
    assert waiter.read_reply() == bulks("l", "c")


@pytest.mark.exercise("07-serve-blocked-clients")
def test_waiters_on_one_key_are_served_in_the_order_they_blocked(raw, connect, blocked):
    waiters = [connect() for _ in range(3)]
    for n, waiter in enumerate(waiters, 1):
        waiter.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n")
        blocked(n)
    raw.call("RPUSH", "q", "first", "second", "third")
    assert [w.read_reply() for w in waiters] == [
        bulks("q", "first"), bulks("q", "second"), bulks("q", "third")]


def test_a_push_of_one_element_serves_one_waiter_and_the_next_waits(raw, connect, blocked):
    first, second = connect(), connect()
    first.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n")
    blocked(1)
    second.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n")
    blocked(2)
    raw.call("RPUSH", "q", "only")
    assert first.read_reply() == bulks("q", "only")
    blocked(1)
    assert second.nothing_within(0.05)
    raw.call("RPUSH", "q", "next")
    assert second.read_reply() == bulks("q", "next")


def test_a_client_blocked_on_several_keys_is_served_by_whichever_comes(raw, connect, blocked):
    waiter = connect()
    waiter.send(b"*4\r\n$5\r\nBLPOP\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\n0\r\n")
    blocked(1)
    raw.call("RPUSH", "b", "x")
    assert waiter.read_reply() == bulks("b", "x")
    blocked(0)
    raw.call("RPUSH", "a", "y")  # no longer waited for: it stays
    assert raw.call("LRANGE", "a", "0", "-1") == bulks("y")


def test_a_key_named_twice_is_waited_on_once(raw, connect, blocked):
    waiter = connect()
    waiter.send(b"*4\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\nk\r\n$1\r\n0\r\n")
    blocked(1)
    raw.call("RPUSH", "k", "1", "2")
    assert waiter.read_reply() == bulks("k", "1")
    assert raw.call("LRANGE", "k", "0", "-1") == bulks("2")


def test_a_value_of_another_type_does_not_serve_a_list_waiter(raw, connect, blocked):
    waiter = connect()
    waiter.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n")
    blocked(1)
    raw.call("ZADD", "k", "1", "m")
    raw.call("SET", "k", "string")
    assert waiter.nothing_within(0.05)
    raw.call("DEL", "k")
    raw.call("LPUSH", "k", "v")
    assert waiter.read_reply() == bulks("k", "v")


def test_blmove_waits_then_moves_the_element_and_replies_it(raw, connect, blocked):
    waiter = connect()
    waiter.send(b"*6\r\n$6\r\nBLMOVE\r\n$3\r\nsrc\r\n$3\r\ndst\r\n$5\r\nRIGHT\r\n"
                b"$4\r\nLEFT\r\n$1\r\n0\r\n")
    blocked(1)
    raw.call("RPUSH", "dst", "old")
    raw.call("RPUSH", "src", "a", "b")
    assert waiter.read_reply() == bulk("b")
    assert raw.call("LRANGE", "src", "0", "-1") == bulks("a")
    assert raw.call("LRANGE", "dst", "0", "-1") == bulks("b", "old")


@pytest.mark.exercise("07-serve-blocked-clients")
def test_blmove_chains_serve_each_other_in_one_turn(raw, connect, blocked):
    """A's push onto b makes b ready: B is served from it, and so on."""
    a, b = connect(), connect()
    a.send(b"*6\r\n$6\r\nBLMOVE\r\n$2\r\nl1\r\n$2\r\nl2\r\n$4\r\nLEFT\r\n$4\r\nLEFT\r\n$1\r\n0\r\n")
    blocked(1)
    b.send(b"*4\r\n$10\r\nBRPOPLPUSH\r\n$2\r\nl2\r\n$2\r\nl3\r\n$1\r\n0\r\n")
    blocked(2)
    raw.call("RPUSH", "l1", "v")
    assert a.read_reply() == bulk("v")
    assert b.read_reply() == bulk("v")
    assert raw.call("EXISTS", "l1", "l2") == integer(0)
    assert raw.call("LRANGE", "l3", "0", "-1") == bulks("v")


def test_blmove_onto_a_key_of_another_type_gets_wrongtype_and_moves_nothing(
        raw, connect, blocked):
    waiter = connect()
    waiter.send(b"*4\r\n$10\r\nBRPOPLPUSH\r\n$3\r\nsrc\r\n$3\r\ndst\r\n$1\r\n0\r\n")
    blocked(1)
    raw.call("SET", "dst", "string")
    raw.call("RPUSH", "src", "v")
    assert waiter.read_reply() == WRONGTYPE
    assert raw.call("LRANGE", "src", "0", "-1") == bulks("v")


@pytest.mark.exercise("07-get-timeout")
def test_blmove_checks_its_directions_before_its_timeout(raw):
    assert raw.call("BLMOVE", "s", "d", "UP", "LEFT", "x") == SYNTAX_ERROR
    assert raw.call("BLMOVE", "s", "d", "LEFT", "LEFT", "x") == error(
        "timeout is not a float or out of range")


def test_blmpop_pops_up_to_count_at_once(raw):
    raw.call("RPUSH", "l", "a", "b", "c")
    assert raw.call("BLMPOP", "0", "2", "none", "l", "RIGHT", "COUNT", "2") == (
        b"*2\r\n$1\r\nl\r\n" + bulks("c", "b"))


def test_blmpop_waits_and_is_served_up_to_its_count(raw, connect, blocked):
    waiter = connect()
    waiter.send(b"*7\r\n$6\r\nBLMPOP\r\n$1\r\n0\r\n$1\r\n1\r\n$1\r\nl\r\n$4\r\nLEFT\r\n"
                b"$5\r\nCOUNT\r\n$1\r\n5\r\n")
    blocked(1)
    raw.call("RPUSH", "l", "a", "b")
    assert waiter.read_reply() == b"*2\r\n$1\r\nl\r\n" + bulks("a", "b")


@pytest.mark.exercise("07-get-timeout")
def test_blmpop_checks_numkeys_where_and_count_before_the_timeout(raw):
    assert raw.call("BLMPOP", "x", "0", "l", "LEFT") == error(
        "numkeys should be greater than 0")
    assert raw.call("BLMPOP", "x", "1", "l", "UP") == SYNTAX_ERROR
    assert raw.call("BLMPOP", "x", "1", "l", "LEFT", "COUNT", "0") == error(
        "count should be greater than 0")
    assert raw.call("BLMPOP", "x", "1", "l", "LEFT") == error(
        "timeout is not a float or out of range")


@pytest.mark.exercise("07-block-for-keys")
def test_timeouts_reply_a_null_array_even_for_blmove(raw):
    assert raw.call("BLPOP", "l", "0.01") == NULL_ARRAY
    assert raw.call("BRPOP", "l", "0.01") == NULL_ARRAY
    assert raw.call("BLMOVE", "l", "d", "LEFT", "LEFT", "0.01") == NULL_ARRAY
    assert raw.call("BRPOPLPUSH", "l", "d", "0.01") == NULL_ARRAY
    assert raw.call("BLMPOP", "0.01", "1", "l", "LEFT") == NULL_ARRAY
