"""redis-py's default client (RESP3) on every data type: the replies its
response callbacks turn into Python values. Marked `clients`, so the newest
redis-py runs them too (tools/newest_clients.sh)."""

import pytest

pytestmark = pytest.mark.clients


def test_strings_through_redis_py(r):
    assert r.set("s", "v") is True
    assert r.get("s") == b"v"
    assert r.incrby("n", 5) == 5
    assert r.incrbyfloat("f", 1.5) == 1.5
    assert r.mget(["s", "missing", "n"]) == [b"v", None, b"5"]


def test_lists_through_redis_py(r):
    assert r.rpush("l", "a", "b", "c") == 3
    assert r.lrange("l", 0, -1) == [b"a", b"b", b"c"]
    assert r.lpop("l", 2) == [b"a", b"b"]
    assert r.lpos("l", "c") == 0


def test_hashes_through_redis_py(r):
    assert r.hset("h", mapping={"f1": "1", "f2": "2"}) == 2
    assert r.hgetall("h") == {b"f1": b"1", b"f2": b"2"}
    assert r.hincrbyfloat("h", "f1", 0.5) == 1.5
    assert dict(r.hscan_iter("h")) == {b"f1": b"1.5", b"f2": b"2"}


def test_sets_through_redis_py(r):
    assert r.sadd("a", "x", "y", "z") == 3
    assert r.sadd("b", "y") == 1
    assert r.smembers("a") == {b"x", b"y", b"z"}
    assert r.sinter("a", "b") == {b"y"}
    assert r.smismember("a", ["x", "q"]) == [1, 0]


def test_sorted_sets_through_redis_py(r):
    assert r.zadd("z", {"a": 1, "b": 2.5}) == 2
    assert r.zscore("z", "b") == 2.5
    assert r.zrange("z", 0, -1, withscores=True) == [(b"a", 1.0), (b"b", 2.5)]
    assert r.zpopmin("z") == [(b"a", 1.0)]
    assert r.zincrby("z", 1, "b") == 3.5


def test_keyspace_through_redis_py(r):
    r.mset({f"k{i}": i for i in range(30)})
    assert sorted(r.scan_iter(match="k1*")) == sorted(
        f"k{i}".encode() for i in range(30) if str(i).startswith("1"))
    assert r.type("k1") == b"string"
    assert r.exists("k1", "k2", "nope") == 2
    assert r.dbsize() == 30


def test_a_pipeline_of_every_type(r):
    pipe = r.pipeline(transaction=False)
    pipe.set("s", 1).rpush("l", 1).hset("h", "f", 1).sadd("st", 1).zadd("z", {"m": 1})
    pipe.get("s").lrange("l", 0, -1).hgetall("h").smembers("st").zrange("z", 0, -1,
                                                                        withscores=True)
    assert pipe.execute() == [True, 1, 1, 1, 1, b"1", [b"1"], {b"f": b"1"}, {b"1"},
                              [(b"m", 1.0)]]
