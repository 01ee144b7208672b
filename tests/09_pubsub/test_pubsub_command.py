"""PUBSUB: what is subscribed, server-wide. CHANNELS lists the channels
with a subscriber (patterns are not channels), NUMSUB counts a channel's
subscribers (pattern subscribers not counted), NUMPAT counts the patterns
with a subscriber; the SHARD forms read the shard channels."""

import pytest
from support.replies import EMPTY_ARRAY, arity, bulk, bulks, integer
from support.wire import decode


def channels(raw, *pattern: str) -> list[bytes]:
    return sorted(decode(raw.call("PUBSUB", "CHANNELS", *pattern)))


def test_nothing_subscribed_means_empty_replies(raw):
    assert raw.call("PUBSUB", "CHANNELS") == EMPTY_ARRAY
    assert raw.call("PUBSUB", "SHARDCHANNELS") == EMPTY_ARRAY
    assert raw.call("PUBSUB", "NUMPAT") == integer(0)
    assert raw.call("PUBSUB", "NUMSUB") == EMPTY_ARRAY
    assert raw.call("PUBSUB", "SHARDNUMSUB") == EMPTY_ARRAY


@pytest.mark.exercise("09-subscribe-channel")
def test_channels_lists_each_channel_with_a_subscriber_once(connect, raw):
    a, b = connect(), connect()
    a.call("SUBSCRIBE", "news")
    b.call("SUBSCRIBE", "news")
    b.call("SUBSCRIBE", "sport")
    b.call("PSUBSCRIBE", "n*")
    assert channels(raw) == [b"news", b"sport"]


@pytest.mark.exercise("09-subscribe-channel")
def test_channels_filters_with_a_glob(connect, raw):
    sub = connect()
    sub.send(b"*4\r\n$9\r\nSUBSCRIBE\r\n$6\r\nnews.1\r\n$6\r\nnews.2\r\n$5\r\nsport\r\n")
    sub.read_replies(3)
    assert channels(raw, "news.*") == [b"news.1", b"news.2"]
    assert raw.call("PUBSUB", "CHANNELS", "*t") == bulks("sport")
    assert raw.call("PUBSUB", "CHANNELS", "x*") == EMPTY_ARRAY


@pytest.mark.exercise("09-subscribe-channel")
def test_a_channel_without_subscribers_is_gone(connect, raw):
    sub = connect()
    sub.call("SUBSCRIBE", "c")
    sub.call("UNSUBSCRIBE", "c")
    assert raw.call("PUBSUB", "CHANNELS") == EMPTY_ARRAY


@pytest.mark.exercise("09-subscribe-channel")
@pytest.mark.parametrize("protocol", [2, 3])
def test_numsub_pairs_each_channel_with_its_subscriber_count(connect, raw, protocol):
    a, b = connect(), connect()
    a.call("SUBSCRIBE", "c1")
    b.call("SUBSCRIBE", "c1")
    b.call("PSUBSCRIBE", "c*")
    if protocol == 3:
        raw.call("HELLO", "3")
    # A flat array in RESP3 too, not a map.
    assert raw.call("PUBSUB", "NUMSUB", "c1", "c2", "c1") == (
        b"*6\r\n" + bulk("c1") + integer(2) + bulk("c2") + integer(0)
        + bulk("c1") + integer(2))


def test_numpat_counts_patterns_not_subscribers(connect, raw):
    a, b = connect(), connect()
    a.call("PSUBSCRIBE", "a*")
    b.call("PSUBSCRIBE", "a*")
    b.call("PSUBSCRIBE", "b*")
    assert raw.call("PUBSUB", "NUMPAT") == integer(2)
    b.call("PUNSUBSCRIBE")
    b.read_reply()
    assert raw.call("PUBSUB", "NUMPAT") == integer(1)


@pytest.mark.exercise("09-subscribe-channel")
def test_pubsub_commands_are_allowed_to_a_resp2_subscriber_only_through_unsubscribing(connect):
    sub = connect()
    sub.call("SUBSCRIBE", "c")
    assert sub.call("PUBSUB", "NUMSUB", "c").startswith(b"-ERR Can't execute 'pubsub|numsub'")


def test_pubsub_help_lists_the_subcommands(raw):
    lines = decode(raw.call("PUBSUB", "HELP"))
    assert lines[0] == "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert [line.split()[0] for line in lines[1:] if not line.startswith(" ")] == [
        "CHANNELS", "NUMPAT", "NUMSUB", "SHARDCHANNELS", "SHARDNUMSUB", "HELP"]


@pytest.mark.parametrize("args, reply", [
    (["PUBSUB"], arity("pubsub")),
    (["PUBSUB", "NOPE"], b"-ERR unknown subcommand 'NOPE'. Try PUBSUB HELP.\r\n"),
    (["PUBSUB", "NUMPAT", "x"], arity("pubsub|numpat")),
    (["PUBSUB", "HELP", "x"], arity("pubsub|help")),
    (["PUBSUB", "CHANNELS", "a", "b"],
     b"-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. "
     b"Try PUBSUB HELP.\r\n"),
    (["PUBSUB", "shardchannels", "a", "b"],
     b"-ERR unknown subcommand or wrong number of arguments for 'shardchannels'. "
     b"Try PUBSUB HELP.\r\n"),
])
def test_pubsub_errors(raw, args, reply):
    assert raw.call(*args) == reply
