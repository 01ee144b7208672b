"""The file format end to end, black-box: the target SAVEs every type in
every encoding, with TTLs, in several databases, and a real
redis-server 7.0.15 started on that file holds the same keys (the same
DUMP where the layout is deterministic); and the target started on a
file real Redis saved holds the same keys as Redis."""

from __future__ import annotations

import os

import redis
from support.dump import ENCODINGS, build

HASH_ORDERED = {b"set:ht", b"set:ht:ints", b"hash:ht:many"}


def fill(client: redis.Redis, port: int) -> None:
    for key, _, commands in ENCODINGS:
        # Loading gives a string the encoding SET would: APPEND's raw
        # "12" comes back an int, in Redis as here.
        if key != b"str:append":
            build(client, commands)
    client.set("ttl", "v", px=50_000_000)
    client.set("big:compressible", b"abcdefgh" * 20_000)
    client.set("big:random", os.urandom(100_000))
    for db in (1, 15):
        with redis.Redis(port=port, db=db, socket_timeout=10) as other:
            other.set(f"in:{db}", db)


def snapshot(port: int) -> dict:
    """Every key of every database: its DUMP (or value), TTL, encoding."""
    found = {}
    for db in range(16):
        with redis.Redis(port=port, db=db, socket_timeout=30) as client:
            for key in client.scan_iter(count=1000):
                if key in HASH_ORDERED:
                    value = sorted(client.smembers(key)) if client.type(
                        key) == b"set" else client.hgetall(key)
                else:
                    value = client.dump(key)
                found[db, key] = (value, client.object("encoding", key),
                                  client.execute_command("PEXPIRETIME", key))
    return found


def test_a_file_the_target_saves_loads_in_redis(start_server, real_redis,
                                                tmp_path):
    ours = start_server(dir=tmp_path, dbfilename="ours.rdb")
    with redis.Redis(port=ours.port, socket_timeout=30) as client:
        fill(client, ours.port)
        assert client.save()
    expected = snapshot(ours.port)
    loaded = real_redis(tmp_path, "ours.rdb")
    assert snapshot(loaded.port) == expected


def test_a_file_redis_saves_loads_in_the_target(start_server, real_redis,
                                                tmp_path):
    theirs = real_redis(tmp_path, "theirs.rdb")
    with redis.Redis(port=theirs.port, socket_timeout=30) as client:
        fill(client, theirs.port)
        assert client.save()
    expected = snapshot(theirs.port)
    theirs.stop()
    ours = start_server(dir=tmp_path, dbfilename="theirs.rdb")
    assert snapshot(ours.port) == expected
