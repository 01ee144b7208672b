"""Save points: "save 1 1" starts a BGSAVE once a change is more than a
second old; writes count as changes the way Redis counts them."""

import pytest
from support.persistence import info, wait_for_bgsave_end
from support.servers import wait_until
from support.wire import RawClient


@pytest.fixture
def client(start_server, tmp_path):
    proc = start_server(dir=str(tmp_path))
    with RawClient(proc.port) as raw:
        yield raw


def changes(client) -> int:
    return int(info(client)["rdb_changes_since_last_save"])


@pytest.mark.parametrize(("command", "count"), [
    (["SET", "k", "v"], 1),
    (["MSET", "a", "1", "b", "2", "c", "3"], 3),
    (["RPUSH", "l", "a", "b", "c"], 3),
    (["HSET", "h", "f", "1", "g", "2"], 2),
    (["SADD", "s", "a", "b", "a"], 2),
    (["ZADD", "z", "1", "a", "2", "b"], 2),
    (["INCR", "n"], 1),
    (["GET", "k"], 0),
])
def test_writes_count_as_changes_since_the_last_save(client, command, count):
    assert changes(client) == 0
    client.call(*command)
    assert changes(client) == count


@pytest.mark.parametrize(("setup", "command", "count"), [
    ([], ["SET", "k", "v", "EX", "100"], 1),
    ([], ["SETEX", "k", "100", "v"], 1),
    (["RPUSH", "l", "a", "b", "c", "d"], ["LPOP", "l", "2"], 2),
    (["RPUSH", "l", "a", "b", "c", "d"], ["LMPOP", "1", "l", "LEFT",
                                          "COUNT", "3"], 3),
    (["RPUSH", "l", "a", "b", "c", "d"], ["LTRIM", "l", "0", "-1"], 0),
    (["RPUSH", "l", "a", "b", "c", "d"], ["LTRIM", "l", "1", "1"], 3),
    (["RPUSH", "l", "a", "b"], ["LMOVE", "l", "m", "LEFT", "RIGHT"], 1),
    (["SADD", "s", "a", "b", "c"], ["SPOP", "s", "2"], 2),
    (["SADD", "s", "a", "b", "c"], ["SPOP", "s", "10"], 3),
    (["ZADD", "z", "1", "a", "2", "b", "3", "c"],
     ["ZREMRANGEBYSCORE", "z", "1", "2"], 2),
    (["ZADD", "z", "1", "a", "2", "b", "3", "c"],
     ["ZREMRANGEBYRANK", "z", "0", "-1"], 3),
    (["ZADD", "z", "1", "a", "2", "b", "3", "c"], ["ZPOPMIN", "z", "2"], 2),
    (["SET", "k", "v"], ["RENAME", "k", "n"], 1),
    (["SET", "k", "v"], ["MOVE", "k", "1"], 1),
    ([], ["SWAPDB", "0", "1"], 1),
    (["RPUSH", "l", "3", "1", "2"], ["SORT", "l", "STORE", "out"], 3),
    # An empty result deletes the destination: one change if it existed.
    (["SET", "d", "x"], ["SINTERSTORE", "d", "nokey"], 1),
    (["SET", "d", "x"], ["SUNIONSTORE", "d", "nokey"], 1),
    (["SET", "d", "x"], ["SDIFFSTORE", "d", "nokey"], 1),
    (["SET", "d", "x"], ["ZUNIONSTORE", "d", "1", "nokey"], 1),
    (["SET", "d", "x"], ["ZINTERSTORE", "d", "1", "nokey"], 1),
    (["SET", "d", "x"], ["ZDIFFSTORE", "d", "1", "nokey"], 1),
    (["SET", "d", "x"], ["ZRANGESTORE", "d", "nokey", "0", "-1"], 1),
    ([], ["SUNIONSTORE", "d", "nokey"], 0),
    ([], ["ZRANGESTORE", "d", "nokey", "0", "-1"], 0),
])
def test_a_write_counts_the_changes_redis_counts(client, setup, command,
                                                 count):
    if setup:
        client.call(*setup)
    client.call("SAVE")
    client.call(*command)
    assert changes(client) == count


def test_del_counts_each_key_deleted_and_save_resets_the_count(client):
    client.call("MSET", "a", "1", "b", "2")
    client.call("DEL", "a", "b", "missing")
    assert changes(client) == 4
    client.call("SAVE")
    assert changes(client) == 0


def test_config_set_save_sets_and_clears_the_save_points(client):
    assert client.call("CONFIG", "SET", "save", "1 1 60 10") == b"+OK\r\n"
    assert client.call("CONFIG", "GET", "save") == \
        b"*2\r\n$4\r\nsave\r\n$9\r\n1 1 60 10\r\n"
    assert client.call("CONFIG", "SET", "save", "") == b"+OK\r\n"
    assert client.call("CONFIG", "GET", "save") == \
        b"*2\r\n$4\r\nsave\r\n$0\r\n\r\n"
    assert client.call("CONFIG", "SET", "save", "1") == (
        b"-ERR CONFIG SET failed (possibly related to argument 'save') - "
        b"Invalid save parameters\r\n")


def test_a_reached_save_point_starts_a_bgsave(start_server, tmp_path):
    proc = start_server(dir=str(tmp_path), save="1 1")
    with RawClient(proc.port) as raw:
        raw.call("SET", "k", "v")
        wait_until(lambda: "1 changes in 1 seconds. Saving..."
                   in proc.log_text(), 10)
        fields = wait_until(lambda: (f := wait_for_bgsave_end(raw))[
            "rdb_changes_since_last_save"] == "0" and f, 10)
        assert fields["rdb_last_bgsave_status"] == "ok"
        assert (tmp_path / "dump.rdb").exists()
        raw.call("CONFIG", "SET", "save", "")


