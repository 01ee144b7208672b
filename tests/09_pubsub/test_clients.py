"""Subscribers as other clients see them: CLIENT LIST's sub, psub, ssub
and flag P, the client type pubsub (CLIENT LIST TYPE, CLIENT KILL TYPE),
INFO's counts; and a subscriber that disconnects leaves every table."""

import pytest
from support.replies import client_lines, info_field, integer
from support.servers import wait_until
from support.wire import decode


def client_id(client) -> int:
    return int(client.call("CLIENT", "ID")[1:-2])


def entry(observer, cid: int) -> dict[str, str]:
    (line,) = client_lines(observer.call("CLIENT", "LIST", "ID", cid))
    return line


@pytest.mark.exercise("09-subscribe-channel")
def test_client_list_counts_channels_patterns_and_shard_channels(connect, raw):
    sub = connect()
    cid = client_id(sub)
    assert entry(raw, cid)["flags"] == "N"
    sub.send(b"*3\r\n$9\r\nSUBSCRIBE\r\n$1\r\na\r\n$1\r\nb\r\n")
    sub.read_replies(2)
    sub.call("PSUBSCRIBE", "p*")
    sub.call("SSUBSCRIBE", "s")
    line = entry(raw, cid)
    assert (line["sub"], line["psub"], line["ssub"], line["flags"]) == ("2", "1", "1", "P")
    assert line["cmd"] == "ssubscribe"
    assert list(line)[8:12] == ["db", "sub", "psub", "ssub"]


@pytest.mark.exercise("09-subscribe-channel")
def test_the_p_flag_goes_when_the_last_subscription_does(connect, raw):
    sub = connect()
    cid = client_id(sub)
    sub.call("SUBSCRIBE", "a")
    sub.call("UNSUBSCRIBE")
    line = entry(raw, cid)
    assert (line["sub"], line["flags"]) == ("0", "N")


@pytest.mark.exercise("09-subscribe-channel")
def test_a_subscriber_in_multi_shows_p_before_x(connect, raw):
    sub = connect(3)
    cid = client_id(sub)
    sub.call("SUBSCRIBE", "a")
    sub.call("MULTI")
    assert entry(raw, cid)["flags"] == "Px"
    sub.call("DISCARD")


def test_client_list_type_pubsub_lists_the_subscribers(connect, raw):
    a, b, plain = connect(), connect(3), connect()
    ids = {client_id(a), client_id(b)}
    a.call("PSUBSCRIBE", "x*")
    b.call("SSUBSCRIBE", "s")
    listed = client_lines(raw.call("CLIENT", "LIST", "TYPE", "pubsub"))
    assert {int(line["id"]) for line in listed} == ids
    normal = client_lines(raw.call("CLIENT", "LIST", "TYPE", "normal"))
    assert client_id(plain) in {int(line["id"]) for line in normal}
    assert not ids & {int(line["id"]) for line in normal}


@pytest.mark.exercise("09-publish-message")
def test_client_kill_type_pubsub_closes_every_subscriber(connect, raw):
    a, b, plain = connect(), connect(), connect()
    a.call("SUBSCRIBE", "c")
    b.call("PSUBSCRIBE", "c*")
    assert raw.call("CLIENT", "KILL", "TYPE", "pubsub") == integer(2)
    assert a.read_until_closed() == b"" and b.read_until_closed() == b""
    assert plain.call("PING") == b"+PONG\r\n"
    wait_until(lambda: raw.call("PUBLISH", "c", "m") == integer(0), timeout=10,
               message="killed subscribers still receive")


@pytest.mark.exercise("09-publish-message")
def test_a_subscriber_that_disconnects_leaves_every_table(connect, raw):
    sub = connect()
    sub.call("SUBSCRIBE", "gone")
    sub.call("PSUBSCRIBE", "gone*")
    sub.call("SSUBSCRIBE", "gone")
    sub.close()
    wait_until(lambda: decode(raw.call("PUBSUB", "NUMPAT")) == 0, timeout=10,
               message="the pattern outlived its subscriber")
    assert raw.call("PUBLISH", "gone", "m") == integer(0)
    assert raw.call("SPUBLISH", "gone", "m") == integer(0)
    assert decode(raw.call("PUBSUB", "NUMSUB", "gone")) == [b"gone", 0]


@pytest.mark.exercise("09-publish-message")
def test_a_subscriber_reset_by_its_peer_leaves_every_table(connect, raw):
    sub = connect()
    sub.call("SUBSCRIBE", "c")
    sub.abort()
    wait_until(lambda: raw.call("PUBLISH", "c", "m") == integer(0), timeout=10,
               message="the channel outlived its subscriber")


@pytest.mark.exercise("09-publish-message")
def test_other_subscribers_of_the_channel_stay(connect, raw):
    leaving, staying = connect(), connect()
    leaving.call("SUBSCRIBE", "c")
    staying.call("SUBSCRIBE", "c")
    leaving.close()
    wait_until(lambda: raw.call("PUBLISH", "c", "m") == integer(1), timeout=10)
    assert staying.read_reply().endswith(b"$1\r\nm\r\n")


@pytest.mark.exercise("09-subscribe-channel")
def test_info_stats_counts_channels_patterns_and_shard_channels(connect, raw):
    a, b = connect(), connect()
    a.send(b"*3\r\n$9\r\nSUBSCRIBE\r\n$1\r\na\r\n$1\r\nb\r\n")
    a.read_replies(2)
    b.call("SUBSCRIBE", "a")
    b.call("PSUBSCRIBE", "p*")
    b.call("SSUBSCRIBE", "s")
    assert info_field(raw, "stats", "pubsub_channels") == "2"
    assert info_field(raw, "stats", "pubsub_patterns") == "1"
    assert info_field(raw, "stats", "pubsubshard_channels") == "1"
    stats = decode(raw.call("INFO", "stats")).decode()
    names = [line.split(":")[0] for line in stats.split("\r\n")]
    at = names.index("keyspace_misses")
    assert names[at + 1:at + 4] == [
        "pubsub_channels", "pubsub_patterns", "pubsubshard_channels"]
