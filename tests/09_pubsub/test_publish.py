"""PUBLISH: every subscriber of the channel gets the message, then every
subscriber of each pattern that matches it, once per pattern; the reply
counts the frames sent. Patterns are Redis's globs (stringmatchlen)."""

import pytest
from support.replies import integer, push
from support.wire import decode


@pytest.mark.exercise("09-publish-message")
@pytest.mark.parametrize("protocol", [2, 3])
def test_a_subscriber_receives_what_is_published_to_its_channel(connect, raw, protocol):
    sub = connect(protocol)
    sub.call("SUBSCRIBE", "news")
    assert raw.call("PUBLISH", "news", "hello") == integer(1)
    assert sub.read_reply() == push("message", "news", "hello", resp=protocol)


@pytest.mark.exercise("09-publish-message")
def test_publish_to_a_channel_nobody_listens_to_reaches_nobody(raw):
    assert raw.call("PUBLISH", "nobody", "hello") == integer(0)


@pytest.mark.exercise("09-publish-message")
def test_publish_counts_every_subscriber(connect, raw):
    subs = [connect() for _ in range(3)]
    for sub in subs:
        sub.call("SUBSCRIBE", "c")
    assert raw.call("PUBLISH", "c", "m") == integer(3)
    for sub in subs:
        assert sub.read_reply() == push("message", "c", "m")


@pytest.mark.exercise("09-publish-message")
def test_messages_arrive_in_the_order_they_were_published(connect, raw):
    sub = connect()
    sub.call("SUBSCRIBE", "c")
    for i in range(50):
        raw.call("PUBLISH", "c", str(i))
    assert sub.read_replies(50) == [push("message", "c", str(i)) for i in range(50)]


@pytest.mark.exercise("09-publish-message")
def test_other_channels_are_not_received(connect, raw):
    sub = connect()
    sub.call("SUBSCRIBE", "a")
    assert raw.call("PUBLISH", "b", "x") == integer(0)
    assert sub.nothing_within(0.2)


@pytest.mark.exercise("09-publish-message")
@pytest.mark.parametrize("protocol", [2, 3])
def test_a_pattern_subscriber_receives_a_pmessage_naming_the_pattern(connect, raw, protocol):
    sub = connect(protocol)
    sub.call("PSUBSCRIBE", "news.*")
    assert raw.call("PUBLISH", "news.tech", "hi") == integer(1)
    assert sub.read_reply() == push("pmessage", "news.*", "news.tech", "hi", resp=protocol)


@pytest.mark.exercise("09-publish-message")
def test_a_message_matching_several_patterns_is_delivered_once_per_pattern(connect, raw):
    sub = connect()
    for pattern in ("n*", "*s", "news"):
        sub.call("PSUBSCRIBE", pattern)
    assert raw.call("PUBLISH", "news", "x") == integer(3)
    frames = sub.read_replies(3)
    # Redis walks its hash table of patterns: in any order.
    assert sorted(frames) == sorted(push("pmessage", p, "news", "x")
                                    for p in ("n*", "*s", "news"))
    assert sub.nothing_within(0.2)


@pytest.mark.exercise("09-publish-message")
def test_a_channel_and_a_pattern_both_deliver_the_channel_first(connect, raw):
    sub = connect()
    sub.call("PSUBSCRIBE", "c*")
    sub.call("SUBSCRIBE", "c1")
    assert raw.call("PUBLISH", "c1", "m") == integer(2)
    assert sub.read_replies(2) == [push("message", "c1", "m"),
                                   push("pmessage", "c*", "c1", "m")]


@pytest.mark.exercise("09-publish-message")
def test_one_pattern_with_several_subscribers_counts_each(connect, raw):
    a, b = connect(), connect(3)
    a.call("PSUBSCRIBE", "c?")
    b.call("PSUBSCRIBE", "c?")
    assert raw.call("PUBLISH", "c1", "m") == integer(2)
    assert a.read_reply() == push("pmessage", "c?", "c1", "m")
    assert b.read_reply() == push("pmessage", "c?", "c1", "m", resp=3)


@pytest.mark.exercise("09-publish-message")
@pytest.mark.parametrize("pattern, matches, misses", [
    ("h?llo", ["hello", "hallo"], ["hllo", "heello"]),
    ("h*llo", ["hllo", "heeello"], ["hell"]),
    ("h[ae]llo", ["hello", "hallo"], ["hillo"]),
    ("h[^e]llo", ["hallo"], ["hello"]),
    ("h[a-b]llo", ["hallo", "hbllo"], ["hcllo"]),
    ("h\\*llo", ["h*llo"], ["hello"]),
])
def test_patterns_are_globs(connect, raw, pattern, matches, misses):
    sub = connect()
    sub.call("PSUBSCRIBE", pattern)
    for channel in matches:
        assert raw.call("PUBLISH", channel, "m") == integer(1), channel
        assert decode(sub.read_reply()) == [b"pmessage", pattern.encode(),
                                            channel.encode(), b"m"]
    for channel in misses:
        assert raw.call("PUBLISH", channel, "m") == integer(0), channel


@pytest.mark.exercise("09-output-buffer-limits")
def test_a_big_message_arrives_whole(connect, raw):
    sub = connect()
    sub.call("SUBSCRIBE", "c")
    message = bytes(range(256)) * 4096  # 1 MiB, every byte value
    assert raw.call("PUBLISH", "c", message) == integer(1)
    assert sub.read_reply() == push("message", "c", message)


@pytest.mark.exercise("09-publish-message")
def test_after_unsubscribing_nothing_more_arrives(connect, raw):
    sub = connect()
    sub.call("SUBSCRIBE", "c", "d")
    sub.read_reply()
    sub.call("UNSUBSCRIBE", "c")
    assert raw.call("PUBLISH", "c", "m") == integer(0)
    assert raw.call("PUBLISH", "d", "m") == integer(1)
    assert sub.read_reply() == push("message", "d", "m")
