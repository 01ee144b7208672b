"""SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE and PUNSUBSCRIBE, byte for byte: one
confirmation per channel or pattern, each with the count of the client's
channels and patterns together, as a RESP2 array or a RESP3 push."""

import pytest
from support.replies import arity, push
from support.wire import decode


@pytest.mark.exercise("09-subscribe-channel")
@pytest.mark.parametrize("protocol", [2, 3])
def test_subscribe_confirms_each_channel_with_a_running_count(connect, protocol):
    sub = connect(protocol)
    sub.send(b"*3\r\n$9\r\nSUBSCRIBE\r\n$2\r\nc1\r\n$2\r\nc2\r\n")
    assert sub.read_replies(2) == [push("subscribe", "c1", 1, resp=protocol),
                                   push("subscribe", "c2", 2, resp=protocol)]


@pytest.mark.exercise("09-subscribe-channel")
def test_subscribing_twice_to_a_channel_confirms_again_without_counting_it(connect):
    sub = connect()
    sub.call("SUBSCRIBE", "c")
    assert sub.call("SUBSCRIBE", "c") == push("subscribe", "c", 1)


@pytest.mark.exercise("09-subscribe-channel")
def test_channels_and_patterns_share_one_count(connect):
    sub = connect()
    sub.call("SUBSCRIBE", "c")
    assert sub.call("PSUBSCRIBE", "c*") == push("psubscribe", "c*", 2)
    assert sub.call("PSUBSCRIBE", "c*") == push("psubscribe", "c*", 2)
    assert sub.call("UNSUBSCRIBE", "c") == push("unsubscribe", "c", 1)
    assert sub.call("PUNSUBSCRIBE", "c*") == push("punsubscribe", "c*", 0)


@pytest.mark.exercise("09-subscribe-channel")
@pytest.mark.parametrize("protocol", [2, 3])
def test_unsubscribe_from_a_channel_not_subscribed_still_confirms(connect, protocol):
    sub = connect(protocol)
    sub.call("SUBSCRIBE", "a")
    assert sub.call("UNSUBSCRIBE", "zz") == push("unsubscribe", "zz", 1, resp=protocol)


@pytest.mark.exercise("09-subscribe-channel")
def test_unsubscribe_without_arguments_leaves_every_channel(connect):
    sub = connect()
    sub.send(b"*4\r\n$9\r\nSUBSCRIBE\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n")
    sub.read_replies(3)
    sub.send(b"*1\r\n$11\r\nUNSUBSCRIBE\r\n")
    frames = [decode(frame) for frame in sub.read_replies(3)]
    # Redis walks its hash table of the client's channels: in any order.
    assert sorted(channel for _, channel, _ in frames) == [b"a", b"b", b"c"]
    assert [(kind, count) for kind, _, count in frames] == [
        (b"unsubscribe", 2), (b"unsubscribe", 1), (b"unsubscribe", 0)]


def test_punsubscribe_without_arguments_leaves_patterns_in_the_order_given(connect):
    sub = connect()
    sub.call("PSUBSCRIBE", "b*")
    sub.call("PSUBSCRIBE", "a*")
    sub.send(b"*1\r\n$12\r\nPUNSUBSCRIBE\r\n")
    assert sub.read_replies(2) == [push("punsubscribe", "b*", 1),
                                   push("punsubscribe", "a*", 0)]


@pytest.mark.exercise("09-subscribe-channel")
def test_unsubscribe_without_arguments_keeps_the_patterns(connect):
    sub = connect()
    sub.call("PSUBSCRIBE", "p*")
    sub.call("SUBSCRIBE", "c")
    assert sub.call("UNSUBSCRIBE") == push("unsubscribe", "c", 1)


@pytest.mark.parametrize("protocol", [2, 3])
def test_unsubscribe_with_no_subscription_replies_a_null_channel(connect, protocol):
    sub = connect(protocol)
    assert sub.call("UNSUBSCRIBE") == push("unsubscribe", None, 0, resp=protocol)
    assert sub.call("PUNSUBSCRIBE") == push("punsubscribe", None, 0, resp=protocol)
    assert sub.call("SUNSUBSCRIBE") == push("sunsubscribe", None, 0, resp=protocol)


@pytest.mark.exercise("09-subscribe-channel")
def test_unsubscribing_from_the_last_channel_leaves_the_subscriber_context(connect):
    sub = connect()
    sub.call("SUBSCRIBE", "c")
    sub.call("UNSUBSCRIBE", "c")
    assert sub.call("ECHO", "back") == b"$4\r\nback\r\n"


@pytest.mark.exercise("09-publish-message")
def test_channel_names_are_binary_safe(connect, raw):
    sub = connect()
    name = b"a\r\nb\x00c"
    assert sub.call("SUBSCRIBE", name) == push("subscribe", name, 1)
    assert raw.call("PUBLISH", name, b"\x00\xff") == b":1\r\n"
    assert sub.read_reply() == push("message", name, b"\x00\xff")


@pytest.mark.parametrize("name", ["SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE"])
def test_subscribe_commands_need_a_channel(raw, name):
    assert raw.call(name) == arity(name.lower())
