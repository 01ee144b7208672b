"""What a subscriber may send. In RESP2 its messages are plain arrays, so
only (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PING, QUIT and RESET may run, and
PING answers in the shape of a message. In RESP3 messages are push frames
and anything may run; replies and pushes come in the order Redis writes
them, even inside EXEC's array."""

import pytest
from support.replies import NULL3, OK, bulk, integer, push
from support.wire import command

QUEUED = b"+QUEUED\r\n"


def not_allowed(name: str) -> bytes:
    return (b"-ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE "
            b"/ PING / QUIT / RESET are allowed in this context\r\n" % name.encode())


@pytest.mark.exercise("09-subscribe-channel")
@pytest.mark.parametrize("args, name", [
    (["GET", "k"], "get"),
    (["PUBLISH", "c", "m"], "publish"),
    (["MULTI"], "multi"),
    (["HELLO", "3"], "hello"),
    (["CLIENT", "INFO"], "client|info"),
    (["PUBSUB", "CHANNELS"], "pubsub|channels"),
])
def test_a_resp2_subscriber_may_not_run_other_commands(connect, args, name):
    sub = connect()
    sub.call("SUBSCRIBE", "c")
    assert sub.call(*args) == not_allowed(name)


def test_the_context_check_comes_after_the_command_lookup_and_arity(connect):
    sub = connect()
    sub.call("PSUBSCRIBE", "p*")
    assert sub.call("NOSUCH").startswith(b"-ERR unknown command 'NOSUCH'")
    assert sub.call("GET") == b"-ERR wrong number of arguments for 'get' command\r\n"


def test_a_refused_command_counts_as_rejected(connect, raw):
    raw.call("CONFIG", "RESETSTAT")
    sub = connect()
    sub.call("SUBSCRIBE", "c")
    sub.call("GET", "k")
    stats = raw.call("INFO", "commandstats")
    assert b"cmdstat_get:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0" in stats


@pytest.mark.exercise("09-subscribe-channel")
def test_ping_in_the_resp2_context_answers_like_a_message(connect):
    sub = connect()
    sub.call("SUBSCRIBE", "c")
    assert sub.call("PING") == push("pong", "")
    assert sub.call("PING", "hi") == push("pong", "hi")


@pytest.mark.exercise("09-subscribe-channel")
def test_ping_in_resp3_answers_as_usual(connect):
    sub = connect(3)
    sub.call("SUBSCRIBE", "c")
    assert sub.call("PING") == b"+PONG\r\n"
    assert sub.call("PING", "hi") == bulk("hi")


@pytest.mark.exercise("09-subscribe-channel")
def test_quit_closes_a_subscriber(connect, raw):
    sub = connect()
    sub.call("SUBSCRIBE", "c")
    assert sub.call("QUIT") == OK
    assert sub.read_until_closed() == b""


def test_a_resp3_subscriber_may_run_any_command(connect):
    sub = connect(3)
    sub.call("SUBSCRIBE", "c")
    assert sub.call("SET", "k", "v") == OK
    assert sub.call("GET", "k") == bulk("v")
    assert sub.call("PUBSUB", "NUMSUB", "c") == b"*2\r\n" + bulk("c") + integer(1)


@pytest.mark.exercise("09-publish-message")
def test_a_resp3_subscriber_publishing_to_itself_reads_the_push_before_the_reply(connect):
    sub = connect(3)
    sub.call("SUBSCRIBE", "c")
    sub.send(command("PUBLISH", "c", "m"))
    # PUBLISH writes the message to each subscriber, then replies.
    assert sub.read_replies(2) == [push("message", "c", "m", resp=3), integer(1)]


def test_pushes_and_replies_interleave_in_the_order_they_were_written(connect, raw):
    sub = connect(3)
    sub.call("SUBSCRIBE", "c")
    sub.send(command("GET", "missing"))
    assert sub.read_reply() == NULL3
    raw.call("PUBLISH", "c", "1")
    sub.send(command("ECHO", "e"))
    assert sub.read_replies(2) == [push("message", "c", "1", resp=3), bulk("e")]


@pytest.mark.exercise("09-publish-message")
def test_subscribe_inside_multi_runs_at_exec(connect, raw):
    sub = connect()
    assert sub.call("MULTI") == OK
    assert sub.call("SUBSCRIBE", "c") == QUEUED
    assert sub.call("PING") == QUEUED
    # The client became a subscriber inside EXEC: PING answers as one.
    assert sub.call("EXEC") == (b"*2\r\n" + push("subscribe", "c", 1)
                                + push("pong", ""))
    assert raw.call("PUBLISH", "c", "m") == integer(1)
    assert sub.read_reply() == push("message", "c", "m")


@pytest.mark.exercise("09-subscribe-channel")
def test_in_resp3_exec_counts_subscribe_though_its_confirmation_is_a_push(connect):
    # Redis 7.0 writes EXEC's array length first, then each command's
    # output: SUBSCRIBE's is a push frame, not an element of the array,
    # so the array is one element short of the length it announced.
    sub = connect(3)
    sub.call("MULTI")
    sub.call("SUBSCRIBE", "c")
    sub.call("ECHO", "e")
    sub.send(command("EXEC"))
    expected = b"*2\r\n" + push("subscribe", "c", 1, resp=3) + bulk("e")
    assert sub.read_exactly(len(expected)) == expected
    assert sub.nothing_within(0.2)


@pytest.mark.exercise("09-publish-message")
def test_a_push_written_during_exec_lands_inside_its_array(connect):
    sub = connect(3)
    sub.call("SUBSCRIBE", "c")
    sub.call("MULTI")
    sub.call("PUBLISH", "c", "m")
    sub.call("ECHO", "e")
    sub.send(command("EXEC"))
    expected = (b"*2\r\n" + push("message", "c", "m", resp=3) + integer(1)
                + bulk("e"))
    assert sub.read_exactly(len(expected)) == expected
