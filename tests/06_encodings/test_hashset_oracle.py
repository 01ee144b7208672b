"""Real Redis is the oracle for t_hash.py's and t_set.py's type API: the
same random writes go to a redis-server (HSET, HDEL; SADD, SREM) and to
hash_type_set(), hash_type_delete(), set_type_add() and set_type_remove()
in this process, with thresholds low enough to cross. After each write
the encodings must agree, and while the value is compact, its listpack or
intset must be the one inside Redis's DUMP payload, byte for byte (so
step 10 can write it into an RDB file as it is)."""

import random
from types import SimpleNamespace

import pytest
import redis
from support.harness import modules_from
from support.servers import REAL_REDIS_STEP, ServerProcess, Target

pytestmark = pytest.mark.internal

RDB_TYPE_SET_INTSET, RDB_TYPE_HASH_LISTPACK = 11, 16
LIMITS = SimpleNamespace(hash_max_listpack_entries=16,
                         hash_max_listpack_value=20,
                         set_max_intset_entries=8)


@pytest.fixture(scope="module")
def step(target):
    with modules_from(target.directory) as load:
        load("server")  # every module, in the order the server loads them
        yield SimpleNamespace(object=load("object"), t_hash=load("t_hash"),
                              t_set=load("t_set"))


@pytest.fixture(scope="module")
def real():
    """A redis-server of our own, with our limits, writing DUMPs
    uncompressed."""
    proc = ServerProcess(Target("redis", "redis", REAL_REDIS_STEP)).start()
    client = redis.Redis(port=proc.port, socket_timeout=30)
    client.config_set("rdbcompression", "no")
    for name, value in vars(LIMITS).items():
        client.config_set(name.replace("_", "-"), value)
    yield client
    client.close()
    proc.stop()


def dumped_blob(client, key: str, rdb_type: int) -> bytes:
    """The listpack or intset inside DUMP's payload: after the type byte,
    an RDB length (short ones only: 6 or 14 bits) and the bytes."""
    payload = client.dump(key)
    assert payload[0] == rdb_type
    if payload[1] >> 6 == 0:
        size, start = payload[1] & 0x3F, 2
    else:
        assert payload[1] >> 6 == 1
        size, start = (payload[1] & 0x3F) << 8 | payload[2], 3
    return payload[start:start + size]


def random_string(rng: random.Random) -> bytes:
    """Short strings, integers of every listpack width, strings that only
    look like integers; now and then one a byte too long (21)."""
    if rng.random() < 0.005:
        return b"y" * 21
    return rng.choice([
        b"a", b"b", b"field", b"", b"007", b"-0", b"1.5", b"x" * 20,
        b"%d" % rng.choice([0, 5, 127, 128, -1, 4095, -4096, 70000,
                            -2**31, 2**40, -2**63, 2**63 - 1]),
    ])


@pytest.mark.parametrize("seed", range(8))
def test_hash_writes_give_redis_encodings_and_bytes(real, step, seed):
    rng = random.Random(seed)
    real.delete("h")
    o = step.object.create_hash_object()
    for _ in range(200):
        field = random_string(rng)
        if rng.random() < 0.6:
            value = random_string(rng)
            real.hset("h", field, value)
            step.t_hash.hash_type_set(LIMITS, o, field, value)
        else:
            real.hdel("h", field)
            step.t_hash.hash_type_delete(o, field)
        if not real.exists("h"):
            assert step.t_hash.hash_type_length(o) == 0
            o = step.object.create_hash_object()
            continue
        assert step.object.str_encoding(o.encoding).encode() == real.object(
            "encoding", "h")
        if o.encoding == step.object.OBJ_ENCODING_LISTPACK:
            assert o.ptr == dumped_blob(real, "h", RDB_TYPE_HASH_LISTPACK)
        assert dict(step.t_hash.hash_type_pairs(o)) == real.hgetall("h")


@pytest.mark.parametrize("seed", range(8))
def test_set_writes_give_redis_encodings_and_bytes(real, step, seed):
    rng = random.Random(seed)
    real.delete("s")
    o = None
    for _ in range(200):
        member = (random_string(rng) if rng.random() < 0.02 else b"%d" %
                  rng.choice([0, 1, 5, -7, 127, 300, -32769, 70000, 2**31,
                              -2**40, 2**63 - 1]))  # each intset width
        if rng.random() < 0.6:
            real.sadd("s", member)
            if o is None:
                o = step.t_set.set_type_create(member)
            step.t_set.set_type_add(LIMITS, o, member)
        elif o is not None:
            real.srem("s", member)
            step.t_set.set_type_remove(o, member)
        if not real.exists("s"):
            o = None
            continue
        assert step.object.str_encoding(o.encoding).encode() == real.object(
            "encoding", "s")
        if o.encoding == step.object.OBJ_ENCODING_INTSET:
            assert o.ptr == dumped_blob(real, "s", RDB_TYPE_SET_INTSET)
        assert set(step.t_set.set_type_members(o)) == real.smembers("s")
