"""SSUBSCRIBE, SUNSUBSCRIBE and SPUBLISH as Redis 7.0 runs them without
cluster mode: shard channels are a table of their own, with a count of
their own, that patterns never match and plain PUBLISH never reaches."""

import pytest
from support.replies import EMPTY_ARRAY, OK, bulk, bulks, error, integer, push
from support.wire import decode

QUEUED = b"+QUEUED\r\n"


@pytest.mark.exercise("09-publish-message")
@pytest.mark.parametrize("protocol", [2, 3])
def test_ssubscribe_and_spublish_deliver_an_smessage(connect, raw, protocol):
    sub = connect(protocol)
    assert sub.call("SSUBSCRIBE", "s") == push("ssubscribe", "s", 1, resp=protocol)
    assert raw.call("SPUBLISH", "s", "hi") == integer(1)
    assert sub.read_reply() == push("smessage", "s", "hi", resp=protocol)


@pytest.mark.exercise("09-subscribe-channel")
def test_shard_channels_are_counted_apart_from_channels_and_patterns(connect):
    sub = connect()
    sub.call("SUBSCRIBE", "c")
    sub.call("PSUBSCRIBE", "p*")
    assert sub.call("SSUBSCRIBE", "s1") == push("ssubscribe", "s1", 1)
    assert sub.call("SSUBSCRIBE", "s2") == push("ssubscribe", "s2", 2)
    assert sub.call("SUBSCRIBE", "d") == push("subscribe", "d", 3)
    assert sub.call("SUNSUBSCRIBE", "s1") == push("sunsubscribe", "s1", 1)


@pytest.mark.exercise("09-publish-message")
def test_publish_and_spublish_do_not_cross(connect, raw):
    sub = connect()
    sub.call("SSUBSCRIBE", "x")
    sub.call("SUBSCRIBE", "y")
    assert raw.call("PUBLISH", "x", "m") == integer(0)
    assert raw.call("SPUBLISH", "y", "m") == integer(0)
    assert sub.nothing_within(0.2)


@pytest.mark.exercise("09-publish-message")
def test_patterns_never_match_a_shard_channel(connect, raw):
    sub = connect()
    sub.call("PSUBSCRIBE", "*")
    assert raw.call("SPUBLISH", "s", "m") == integer(0)
    assert sub.nothing_within(0.2)


@pytest.mark.exercise("09-subscribe-channel")
def test_sunsubscribe_without_arguments_leaves_every_shard_channel(connect):
    sub = connect()
    sub.call("SUBSCRIBE", "c")
    sub.call("SSUBSCRIBE", "s")
    assert sub.call("SUNSUBSCRIBE") == push("sunsubscribe", "s", 0)
    assert sub.call("SUNSUBSCRIBE") == push("sunsubscribe", None, 0)
    # Still subscribed to c: still in the subscriber context.
    assert sub.call("GET", "k").startswith(b"-ERR Can't execute 'get'")


def test_a_client_with_only_shard_channels_is_a_subscriber(connect):
    sub = connect()
    sub.call("SSUBSCRIBE", "s")
    assert sub.call("GET", "k").startswith(b"-ERR Can't execute 'get'")
    sub.call("SUNSUBSCRIBE", "s")
    assert sub.call("GET", "k") == b"$-1\r\n"


@pytest.mark.exercise("09-subscribe-channel")
def test_pubsub_shardchannels_and_shardnumsub(connect, raw):
    a, b = connect(), connect()
    a.call("SSUBSCRIBE", "s1")
    b.call("SSUBSCRIBE", "s1")
    b.call("SSUBSCRIBE", "t2")
    b.call("SUBSCRIBE", "s3")
    assert sorted(decode(raw.call("PUBSUB", "SHARDCHANNELS"))) == [b"s1", b"t2"]
    assert raw.call("PUBSUB", "SHARDCHANNELS", "s*") == bulks("s1")
    assert raw.call("PUBSUB", "SHARDNUMSUB", "s1", "s3") == (
        b"*4\r\n" + bulk("s1") + integer(2) + bulk("s3") + integer(0))
    assert raw.call("PUBSUB", "CHANNELS") == bulks("s3")


def test_ssubscribe_inside_multi_is_refused_when_exec_runs_it(connect):
    # Redis 7.0 lets SUBSCRIBE and PSUBSCRIBE run inside MULTI, but not
    # SSUBSCRIBE: EXEC runs its commands as a client that must not block.
    sub = connect()
    assert sub.call("MULTI") == OK
    assert sub.call("SSUBSCRIBE", "s") == QUEUED
    assert sub.call("EXEC") == b"*1\r\n" + error(
        "SSUBSCRIBE isn't allowed for a DENY BLOCKING client")
    assert sub.call("PUBSUB", "SHARDCHANNELS") == EMPTY_ARRAY
