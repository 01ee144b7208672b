"""Real Redis is the oracle for listpack.py and intset.py: build a hash, a
sorted set or a set of integers in a redis-server, DUMP it, and compare
the listpack or intset inside the payload with ours, byte for byte.

With rdbcompression off, DUMP's payload is one RDB type byte (16: a hash
listpack, 17: a zset listpack, 11: an intset), the blob as an RDB string
(an RDB length, then the bytes), then 2 bytes of RDB version and 8 bytes
of CRC64. These tests start their own redis-server and import the
modules of the target (a step, or a learner's workspace) in this
process."""

import math
from contextlib import contextmanager

import pytest
import redis
from support.dump import RDB_VERSION, rdb_length
from support.harness import modules_from
from support.servers import REAL_REDIS_STEP, ServerProcess, Target

pytestmark = pytest.mark.internal

RDB_TYPE_SET_INTSET = 11
RDB_TYPE_HASH_LISTPACK = 16
RDB_TYPE_ZSET_LISTPACK = 17
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


@pytest.fixture(scope="module")
def modules(target):
    with modules_from(target.directory) as load:
        yield load("listpack"), load("intset")


@pytest.fixture(scope="module")
def lp(modules):
    return modules[0]


@pytest.fixture(scope="module")
def iset(modules):
    return modules[1]


@pytest.fixture(scope="module")
def real_server():
    """A redis-server of our own, writing DUMPs uncompressed."""
    proc = ServerProcess(Target("redis", "redis", REAL_REDIS_STEP)).start()
    client = redis.Redis(port=proc.port, socket_timeout=30)
    client.config_set("rdbcompression", "no")
    yield client
    client.close()
    proc.stop()


@pytest.fixture
def real(real_server):
    """The real server, emptied for each test."""
    real_server.flushall()
    return real_server


@contextmanager
def configured(client, name: str, value: int):
    """Change one Redis config parameter for the duration of a block."""
    saved = client.config_get(name)[name]
    client.config_set(name, value)
    try:
        yield
    finally:
        client.config_set(name, saved)


def dumped(client, key: str, rdb_type: int) -> bytes:
    """The listpack or intset inside DUMP's payload for `key`."""
    payload = client.dump(key)
    assert payload[0] == rdb_type
    size, start = rdb_length(payload, 1)
    end = start + size
    assert len(payload) == end + 2 + 8  # version, CRC64
    assert int.from_bytes(payload[end:end + 2], "little") == RDB_VERSION
    return payload[start:end]


def flat(pairs) -> list[bytes]:
    return [x for pair in pairs for x in pair]


# -- hashes -------------------------------------------------------------------

INTEGER_TEXTS = [
    b"0", b"127", b"128", b"-1", b"4095", b"-4096", b"4096", b"-4097", b"32767",
    b"-32768", b"32768", b"8388607", b"-8388608", b"8388608", b"2147483647",
    b"-2147483648", b"2147483648", b"9223372036854775807", b"-9223372036854775808",
]
NOT_INTEGERS = [b"007", b"-0", b"+1", b" 1", b"9223372036854775808", b"1.5", b""]

HASHES = {
    "mixed": [(b"a", b"1"), (b"b", b"hello"), (b"c", b"-5"), (b"d", b"007")],
    "integer values": [(b"f%d" % i, v) for i, v in enumerate(INTEGER_TEXTS)],
    "integer fields": [(v, b"x") for v in INTEGER_TEXTS],
    "integer-looking strings": [(b"n%d" % i, v) for i, v in enumerate(NOT_INTEGERS)],
    "empty field": [(b"", b"empty"), (b"k", b"")],
    "63 and 64 bytes": [(b"f" * 63, b"v" * 64), (b"g" * 64, b"w" * 63)],
    "binary": [(b"\x00\xff\r\n", b"\xf5\xfe\xff"), (b"\xff", b"\x80")],
}


@pytest.mark.exercise("06-lp-encode-integer")
@pytest.mark.parametrize("pairs", HASHES.values(), ids=HASHES.keys())
def test_a_hash_listpack_is_byte_for_byte_redis(real, lp, pairs):
    real.hset("h", mapping=dict(pairs))
    assert real.object("encoding", "h") == b"listpack"
    blob = dumped(real, "h", RDB_TYPE_HASH_LISTPACK)
    assert lp.lp_from_entries(flat(pairs)) == blob
    built = lp.lp_new()
    for field, value in pairs:
        built = lp.lp_append(lp.lp_append(built, field), value)
    assert built == blob


@pytest.mark.parametrize("pairs", HASHES.values(), ids=HASHES.keys())
def test_redis_hash_listpacks_decode_to_what_was_stored(real, lp, pairs):
    real.hset("h", mapping=dict(pairs))
    blob = dumped(real, "h", RDB_TYPE_HASH_LISTPACK)
    assert lp.lp_validate_integrity(blob, True)
    # A canonical integer prints back as the string it came from.
    assert lp.lp_entries(blob, strings=True) == flat(pairs)
    assert lp.lp_length(blob) == 2 * len(pairs)
    for field, value in pairs:
        found = lp.lp_find_value(blob, field)
        assert (b"%d" % found if isinstance(found, int) else found) == value


def hset(lp, blob: bytes, field: bytes, value: bytes) -> bytes:
    """HSET on a listpack, as hashTypeSet() does it."""
    p = lp.lp_first(blob)
    p = None if p is None else lp.lp_find(blob, p, field, 1)
    if p is None:
        return lp.lp_append_entries(blob, [field, value])
    return lp.lp_replace(blob, lp.lp_skip(blob, p), value)


def hdel(lp, blob: bytes, field: bytes) -> bytes:
    """HDEL on a listpack, as hashTypeDelete() does it."""
    p = lp.lp_find(blob, lp.lp_first(blob), field, 1)
    return lp.lp_delete_range_with_entry(blob, p, 2)


def test_hash_edits_in_the_middle_give_redis_bytes(real, lp):
    blob = lp.lp_new()
    steps = [("set", b"a", b"1"), ("set", b"b", b"2"), ("set", b"c", b"3"),
             ("set", b"b", b"twenty-two"), ("del", b"a", None), ("set", b"d", b"4"),
             ("set", b"c", b"-70000"), ("set", b"b", b"x" * 60), ("del", b"d", None),
             ("set", b"a", b"1")]
    for kind, field, value in steps:
        if kind == "set":
            real.hset("h", field, value)
            blob = hset(lp, blob, field, value)
        else:
            real.hdel("h", field)
            blob = hdel(lp, blob, field)
        assert blob == dumped(real, "h", RDB_TYPE_HASH_LISTPACK)


@pytest.mark.parametrize("size", [125, 126, 4095, 4096, 16377, 16378])
def test_long_hash_values_have_redis_headers_and_backlens(real, lp, size):
    value = bytes(range(256)) * (size // 256) + b"v" * (size % 256)
    with configured(real, "hash-max-listpack-value", 20000):
        real.hset("h", mapping={b"before": b"1", b"long": value, b"after": b"2"})
        assert real.object("encoding", "h") == b"listpack"
        blob = dumped(real, "h", RDB_TYPE_HASH_LISTPACK)
    assert lp.lp_from_entries([b"before", b"1", b"long", value, b"after", b"2"]) == blob
    p = lp.lp_last(blob)
    assert lp.lp_get(blob, lp.lp_prev(blob, lp.lp_prev(blob, p))) == value


def test_a_hash_of_more_than_65534_entries_has_an_unknown_count(real, lp):
    pairs = [(b"f%d" % i, b"%d" % (i * 7)) for i in range(33000)]
    with configured(real, "hash-max-listpack-entries", 40000):
        real.hset("h", mapping=dict(pairs))
        assert real.object("encoding", "h") == b"listpack"
        blob = dumped(real, "h", RDB_TYPE_HASH_LISTPACK)
    assert blob[4:6] == b"\xff\xff"
    assert lp.lp_from_entries(flat(pairs)) == blob
    assert lp.lp_length(blob) == 66000
    assert lp.lp_validate_integrity(blob, True)


# -- sorted sets --------------------------------------------------------------

def score_entry(score: float):
    """How zzlInsertAt() stores a score: an integer when double2ll() takes
    it, else d2string()'s text."""
    if -(2.0**62) <= score <= 2.0**62 and score == int(score):
        return int(score)
    if math.isinf(score):
        return b"inf" if score > 0 else b"-inf"
    return b"%.17g" % score


def zset_entries(members: dict[bytes, float]) -> list:
    """Member, score, ...: in score order, equal scores by member bytes."""
    ordered = sorted(members.items(), key=lambda item: (item[1], item[0]))
    return [x for member, score in ordered for x in (member, score_entry(score))]


ZSETS = {
    "integer scores": {b"a": 1, b"b": 2, b"c": -3, b"d": 0, b"e": 100000},
    "fractions": {b"a": 1.5, b"b": -2.25, b"c": 0.1, b"d": 1 / 3},
    "wide scores": {b"big": 1e20, b"small": -1e-20, b"edge": 2.0**62, b"past": 2.0**63,
                    b"pinf": math.inf, b"ninf": -math.inf, b"negzero": -0.0},
    "ties by member": {b"b": 5, b"a": 5, b"10": 5, b"9": 5, b"007": 5, b"": 5},
    "integer members": {b"1": 3.5, b"-1": 2, b"4096": 1, b"9223372036854775807": 0},
}


@pytest.mark.exercise("06-lp-encode-integer")
@pytest.mark.parametrize("members", ZSETS.values(), ids=ZSETS.keys())
def test_a_zset_listpack_is_byte_for_byte_redis(real, lp, members):
    real.zadd("z", members)
    assert real.object("encoding", "z") == b"listpack"
    blob = dumped(real, "z", RDB_TYPE_ZSET_LISTPACK)
    entries = zset_entries(members)
    assert lp.lp_from_entries(entries) == blob
    assert lp.lp_validate_integrity(blob, True)
    assert lp.lp_entries(blob, strings=True) == [
        b"%d" % e if isinstance(e, int) else e for e in entries
    ]


def zadd(lp, blob: bytes, member: bytes, score: float) -> bytes:
    """ZADD on a listpack, as zsetAdd() does: delete, then zzlInsert()."""
    p = lp.lp_first(blob)
    p = None if p is None else lp.lp_find(blob, p, member, 1)
    if p is not None:
        blob = lp.lp_delete_range_with_entry(blob, p, 2)
    entries = lp.lp_entries(blob, strings=True)
    index = 0
    while index < len(entries):
        other = (float(entries[index + 1]), entries[index])
        if other > (score, member):
            break
        index += 2
    where = lp.lp_seek(blob, index) if index < len(entries) else len(blob) - 1
    return lp.lp_insert_entries(blob, [member, score_entry(score)], where)


def test_zset_edits_insert_in_score_order_as_redis_does(real, lp):
    blob = lp.lp_new()
    for member, score in [(b"m", 5), (b"a", 9), (b"z", 1), (b"b", 5), (b"m", 0.5),
                          (b"z", 100), (b"q", -1e9), (b"a", 5), (b"n", 2.5)]:
        real.zadd("z", {member: score})
        blob = zadd(lp, blob, member, score)
        assert blob == dumped(real, "z", RDB_TYPE_ZSET_LISTPACK)
    real.zrem("z", "b")
    p = lp.lp_find(blob, lp.lp_first(blob), b"b", 1)
    blob = lp.lp_delete_range_with_entry(blob, p, 2)
    assert blob == dumped(real, "z", RDB_TYPE_ZSET_LISTPACK)


# -- intsets ------------------------------------------------------------------

INTSETS = {
    "16-bit": [[3, 1, 2], [-32768, 32767]],
    "32-bit": [[32768, -32769, 0], [2147483647, -2147483648]],
    "64-bit": [[INT64_MAX, INT64_MIN, 1], [2147483648]],
    "upgrade 16 to 64 at the end": [[1, 2, 3], [5000000000]],
    "upgrade 16 to 64 at the start": [[1, 2, 3], [-5000000000]],
    "upgrade 16 to 32 to 64": [[-5, 5], [70000], [2**40, 6], [-7]],
}


@pytest.mark.exercise("06-intset-upgrade")
@pytest.mark.parametrize("batches", INTSETS.values(), ids=INTSETS.keys())
def test_an_intset_is_byte_for_byte_redis(real, iset, batches):
    blob = iset.intset_new()
    for batch in batches:
        real.sadd("s", *batch)
        for value in batch:
            blob, _ = iset.intset_add(blob, value)
        assert real.object("encoding", "s") == b"intset"
        assert blob == dumped(real, "s", RDB_TYPE_SET_INTSET)


def test_intset_removal_keeps_the_wide_encoding_as_redis_does(real, iset):
    real.sadd("s", 1, 2, 3, 2**40)
    real.srem("s", 2**40, 2)
    blob = iset.intset_new()
    for value in (1, 2, 3, 2**40):
        blob, _ = iset.intset_add(blob, value)
    for value in (2**40, 2):
        blob, _ = iset.intset_remove(blob, value)
    assert blob == dumped(real, "s", RDB_TYPE_SET_INTSET)
    assert blob[:4] == b"\x08\x00\x00\x00"


def test_redis_intsets_decode_and_validate(real, iset):
    members = [9, -300000, 17, 2**50, 0]
    real.sadd("s", *members)
    blob = dumped(real, "s", RDB_TYPE_SET_INTSET)
    assert iset.intset_validate_integrity(blob, True)
    assert iset.intset_values(blob) == sorted(members)
    assert all(iset.intset_find(blob, m) for m in members)
