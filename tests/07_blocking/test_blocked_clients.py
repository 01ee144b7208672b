"""A blocked client as the rest of the server sees it (networking.c,
blocked.c in Redis 7.0.15): CLIENT UNBLOCK ends its wait, CLIENT LIST shows
it, its later requests wait in its query buffer until it is served, and a
client that goes away while blocked leaves no trace."""

import pytest
from support.replies import (
    NULL3,
    NULL_ARRAY,
    OK,
    bulks,
    client_lines,
    error,
    int_reply,
    integer,
)
from support.servers import wait_until

BLPOP_L = b"*3\r\n$5\r\nBLPOP\r\n$1\r\nl\r\n$1\r\n0\r\n"
UNBLOCKED = b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"


def blocked_on_l(connect, blocked, count: int = 1):
    """A new connection, blocked in BLPOP l 0, and its id."""
    waiter = connect()
    waiter_id = int_reply(waiter.call("CLIENT", "ID"))
    waiter.send(BLPOP_L)
    blocked(count)
    return waiter, waiter_id


@pytest.mark.exercise("07-block-for-keys")
def test_client_unblock_gives_the_client_a_timeout_reply(raw, connect, blocked):
    waiter, waiter_id = blocked_on_l(connect, blocked)
    assert raw.call("CLIENT", "UNBLOCK", waiter_id) == integer(1)
    assert waiter.read_reply() == NULL_ARRAY
    blocked(0)


def test_client_unblock_timeout_replies_null_in_resp3(raw, connect, blocked):
    waiter = connect()
    waiter.call("HELLO", "3")
    waiter_id = int_reply(waiter.call("CLIENT", "ID"))
    waiter.send(BLPOP_L)
    blocked(1)
    assert raw.call("CLIENT", "UNBLOCK", waiter_id, "timeout") == integer(1)
    assert waiter.read_reply() == NULL3


def test_client_unblock_error_gives_the_client_an_unblocked_error(raw, connect, blocked):
    waiter, waiter_id = blocked_on_l(connect, blocked)
    assert raw.call("CLIENT", "UNBLOCK", waiter_id, "ERROR") == integer(1)
    assert waiter.read_reply() == UNBLOCKED
    assert raw.call("RPUSH", "l", "v") == integer(1)  # nobody takes it now
    assert raw.call("LLEN", "l") == integer(1)


def test_client_unblock_of_a_client_that_is_not_blocked_is_zero(raw):
    own_id = int_reply(raw.call("CLIENT", "ID"))
    assert raw.call("CLIENT", "UNBLOCK", own_id) == integer(0)
    assert raw.call("CLIENT", "UNBLOCK", "999999") == integer(0)
    assert raw.call("CLIENT", "UNBLOCK", "-5") == integer(0)


def test_client_unblock_errors(raw):
    assert raw.call("CLIENT", "UNBLOCK", "abc") == error(
        "value is not an integer or out of range")
    assert raw.call("CLIENT", "UNBLOCK", "abc", "sometimes") == error(
        "CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
    assert raw.call("CLIENT", "UNBLOCK", "1", "timeout", "x") == error(
        "unknown subcommand or wrong number of arguments for 'UNBLOCK'. "
        "Try CLIENT HELP.")
    assert raw.call("CLIENT", "UNBLOCK") == error(
        "wrong number of arguments for 'client|unblock' command")


def test_client_unblock_counts_as_a_failed_call_of_the_blocked_command(
        raw, connect, blocked):
    raw.call("CONFIG", "RESETSTAT")
    waiter, waiter_id = blocked_on_l(connect, blocked)
    raw.call("CLIENT", "UNBLOCK", waiter_id, "ERROR")
    waiter.read_reply()
    (line,) = [line for line in raw.call("INFO", "commandstats").split(b"\r\n")
               if line.startswith(b"cmdstat_blpop:")]
    assert line.startswith(b"cmdstat_blpop:calls=1,")
    assert line.endswith(b",failed_calls=1")
    assert b"errorstat_UNBLOCKED:count=1" in raw.call("INFO", "errorstats")


def test_config_resetstat_after_an_error_is_not_a_failed_call(raw):
    # A failed call is one that raised the server's error count; RESETSTAT
    # lowers it to zero, which is not an error of its own.
    raw.call("NOSUCHCOMMAND")
    raw.call("CONFIG", "RESETSTAT")
    (line,) = [line for line in raw.call("INFO", "commandstats").split(b"\r\n")
               if line.startswith(b"cmdstat_config|resetstat:")]
    assert line.endswith(b",rejected_calls=0,failed_calls=0")

def test_client_list_shows_a_blocked_client_with_flag_b(raw, connect, blocked):
    waiter, waiter_id = blocked_on_l(connect, blocked)
    (line,) = client_lines(raw.call("CLIENT", "LIST", "ID", waiter_id))
    assert (line["flags"], line["cmd"]) == ("b", "blpop")
    raw.call("RPUSH", "l", "v")
    waiter.read_reply()
    (line,) = client_lines(raw.call("CLIENT", "LIST", "ID", waiter_id))
    assert line["flags"] == "N"


def test_requests_after_a_blocking_one_run_only_once_it_is_served(raw, connect, blocked):
    """BLPOP and two more requests in one write: the two wait in the query
    buffer, unread, until the BLPOP is served; then they run in order."""
    waiter = connect()
    waiter.send(BLPOP_L + b"*3\r\n$5\r\nRPUSH\r\n$5\r\nafter\r\n$1\r\nx\r\n"
                + b"*1\r\n$4\r\nPING\r\n")
    blocked(1)
    assert raw.call("EXISTS", "after") == integer(0)
    raw.call("RPUSH", "l", "v")
    assert waiter.read_replies(3) == [bulks("l", "v"), integer(1), b"+PONG\r\n"]
    assert raw.call("LRANGE", "after", "0", "-1") == bulks("x")


def test_a_blocking_request_after_others_in_one_write_blocks_in_turn(raw, connect, blocked):
    waiter = connect()
    waiter.send(b"*1\r\n$4\r\nPING\r\n" + BLPOP_L + b"*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n")
    assert waiter.read_reply() == b"+PONG\r\n"
    blocked(1)
    assert waiter.nothing_within(0.05)
    raw.call("RPUSH", "l", "v")
    assert waiter.read_replies(2) == [bulks("l", "v"), b"$2\r\nhi\r\n"]


def test_inline_requests_after_a_blocking_one_wait_too(raw, connect, blocked):
    waiter = connect()
    waiter.send(b"BLPOP l 0\r\nECHO inline\r\n")
    blocked(1)
    assert waiter.nothing_within(0.05)
    raw.call("RPUSH", "l", "v")
    assert waiter.read_replies(2) == [bulks("l", "v"), b"$6\r\ninline\r\n"]


def test_a_blocking_request_that_is_served_at_once_does_not_stop_the_pipeline(raw):
    raw.call("RPUSH", "l", "a", "b")
    raw.send(BLPOP_L + BLPOP_L + b"*1\r\n$4\r\nPING\r\n")
    assert raw.read_replies(3) == [bulks("l", "a"), bulks("l", "b"), b"+PONG\r\n"]


def test_input_sent_while_blocked_waits_in_the_query_buffer(raw, connect, blocked):
    waiter, waiter_id = blocked_on_l(connect, blocked)
    waiter.send(b"*2\r\n$4\r\nECHO\r\n$5\r\nlater\r\n")  # 25 bytes

    def qbuf() -> int:
        (line,) = client_lines(raw.call("CLIENT", "LIST", "ID", waiter_id))
        return int(line["qbuf"])

    wait_until(lambda: qbuf() == 25, timeout=10)
    raw.call("RPUSH", "l", "v")
    assert waiter.read_replies(2) == [bulks("l", "v"), b"$5\r\nlater\r\n"]


@pytest.mark.exercise("07-block-for-keys")
def test_a_client_that_disconnects_while_blocked_leaves_every_table(raw, connect, blocked):
    waiter, _ = blocked_on_l(connect, blocked)
    waiter.close()
    blocked(0)
    assert raw.call("RPUSH", "l", "v") == integer(1)
    assert raw.call("LRANGE", "l", "0", "-1") == bulks("v")  # nobody took it


def test_a_client_killed_while_blocked_is_not_served(raw, connect, blocked):
    first, first_id = blocked_on_l(connect, blocked)
    second, _ = blocked_on_l(connect, blocked, 2)
    assert raw.call("CLIENT", "KILL", "ID", first_id) == integer(1)
    blocked(1)
    raw.call("RPUSH", "l", "v")
    assert second.read_reply() == bulks("l", "v")


@pytest.mark.exercise("07-block-for-keys")
def test_a_thousand_clients_blocking_and_dropping_leave_nothing_behind(
        raw, connect, blocked):
    clients = 1000
    waiters = [connect() for _ in range(clients)]
    for i, waiter in enumerate(waiters):
        waiter.send(b"*4\r\n$5\r\nBLPOP\r\n$%d\r\nk%d\r\n$6\r\nshared\r\n$3\r\n100\r\n"
                    % (len(b"k%d" % i), i))
    blocked(clients)
    assert b"\r\nclients_in_timeout_table:%d\r\n" % clients in raw.call("INFO", "clients")
    for waiter in waiters:
        waiter.abort()
    blocked(0)
    assert b"\r\nclients_in_timeout_table:0\r\n" in raw.call("INFO", "clients")
    assert raw.call("RPUSH", "shared", "v") == integer(1)
    assert raw.call("LLEN", "shared") == integer(1)
    assert raw.call("FLUSHALL") == OK
