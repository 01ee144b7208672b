"""What other clients see of a transaction: CLIENT LIST's multi, multi-mem
and flags; and a client blocked on a key that a transaction pushes to is
served once, after EXEC, as handleClientsBlockedOnKeys() runs after the
whole EXEC."""

import pytest
from support.replies import OK, bulk, client_lines, info_field
from support.servers import wait_until


def client_entry(observer, client_id: bytes) -> dict[str, str]:
    lines = client_lines(observer.call("CLIENT", "LIST"))
    return next(line for line in lines if line["id"] == client_id.decode())


def client_id(raw) -> bytes:
    return raw.call("CLIENT", "ID")[1:-2]


@pytest.mark.exercise("08-queue-multi-command")
def test_client_list_shows_the_number_of_queued_commands(raw, connect):
    observer = connect()
    me = client_id(raw)
    assert client_entry(observer, me)["multi"] == "-1"
    raw.call("MULTI")
    assert client_entry(observer, me)["multi"] == "0"
    raw.call("SET", "a", "1")
    raw.call("CLIENT", "LIST")
    entry = client_entry(observer, me)
    assert entry["multi"] == "2"
    assert entry["flags"] == "x"
    # Redis counts each argument's bytes and a pointer (8 bytes) per argument.
    assert entry["multi-mem"] == str((3 + 1 + 1 + 8 * 3) + (6 + 4 + 8 * 2))
    assert entry["cmd"] == "client|list"
    raw.call("DISCARD")
    entry = client_entry(observer, me)
    assert (entry["multi"], entry["flags"], entry["multi-mem"]) == ("-1", "N", "0")


def test_client_list_inside_exec_shows_exec_running(raw):
    raw.call("MULTI")
    raw.call("CLIENT", "INFO")
    reply = raw.call("EXEC")
    assert b" flags=x " in reply and b" multi=1 " in reply and b" cmd=exec " in reply


def test_a_dirty_client_is_flagged_d_and_queues_nothing_more(raw, connect):
    observer = connect()
    me = client_id(raw)
    raw.call("WATCH", "k")
    observer.call("SET", "k", "1")
    assert client_entry(observer, me)["flags"] == "d"
    raw.call("MULTI")
    raw.call("SET", "a", "1")
    entry = client_entry(observer, me)
    assert (entry["flags"], entry["multi"]) == ("xd", "0")
    raw.call("DISCARD")


def test_a_refused_command_stops_the_queue(raw, connect):
    observer = connect()
    me = client_id(raw)
    raw.call("MULTI")
    raw.call("SET", "a", "1")
    raw.call("NOSUCH")
    raw.call("SET", "b", "1")
    assert client_entry(observer, me)["multi"] == "1"
    raw.call("DISCARD")


def test_a_push_inside_exec_serves_a_blocked_client_after_the_whole_exec(raw, connect):
    waiter = connect()
    waiter.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nl\r\n$1\r\n0\r\n")
    wait_until(lambda: info_field(raw, "clients", "blocked_clients") == "1", timeout=10)
    raw.call("MULTI")
    raw.call("RPUSH", "l", "a", "b")
    raw.call("LLEN", "l")
    raw.call("LRANGE", "l", "0", "-1")
    # Nothing was popped while EXEC ran: LLEN saw both elements.
    assert raw.call("EXEC") == (b"*3\r\n:2\r\n:2\r\n*2\r\n" + bulk("a") + bulk("b"))
    assert waiter.read_reply() == b"*2\r\n" + bulk("l") + bulk("a")
    assert raw.call("LRANGE", "l", "0", "-1") == b"*1\r\n" + bulk("b")


def test_watch_and_unwatch_reply_ok(raw):
    assert raw.call("WATCH", "a", "b", "a") == OK
    assert raw.call("UNWATCH") == OK
    assert raw.call("UNWATCH") == OK


def test_a_blocked_client_is_served_before_the_next_pipelined_command(raw, connect):
    waiter = connect()
    waiter.send(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nl\r\n$1\r\n0\r\n")
    wait_until(lambda: info_field(raw, "clients", "blocked_clients") == "1", timeout=10)
    raw.send(b"*1\r\n$5\r\nMULTI\r\n*3\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\na\r\n"
             b"*1\r\n$4\r\nEXEC\r\n*2\r\n$4\r\nLLEN\r\n$1\r\nl\r\n")
    assert raw.read_replies(4) == [OK, b"+QUEUED\r\n", b"*1\r\n:1\r\n", b":0\r\n"]
    assert waiter.read_reply() == b"*2\r\n" + bulk("l") + bulk("a")
