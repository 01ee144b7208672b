"""Unit tests of object.py and of the lookups in db.py (not run against
Redis): the robj's four slots, the shared integers, the rules of
try_object_encoding(), the LRU clock and its wrap-around, and how a lookup
stamps a value unless LOOKUP_NOTOUCH."""

import dataclasses
import sys
from types import SimpleNamespace

import pytest

pytestmark = pytest.mark.internal


@pytest.fixture
def obj(step_module):
    return step_module("object")


def test_a_redis_object_has_four_slots_and_takes_64_bytes(obj):
    names = [f.name for f in dataclasses.fields(obj.RedisObject)]
    assert names == ["type", "encoding", "lru", "ptr"]
    o = obj.RedisObject(obj.OBJ_STRING, obj.OBJ_ENCODING_EMBSTR, 0, b"v")
    assert not hasattr(o, "__dict__")
    assert sys.getsizeof(o) == 64


def test_types_and_encodings_have_redis_numbers(obj):
    assert (obj.OBJ_STRING, obj.OBJ_LIST, obj.OBJ_SET, obj.OBJ_ZSET,
            obj.OBJ_HASH) == (0, 1, 2, 3, 4)
    assert (obj.OBJ_ENCODING_RAW, obj.OBJ_ENCODING_INT, obj.OBJ_ENCODING_HT,
            obj.OBJ_ENCODING_INTSET, obj.OBJ_ENCODING_SKIPLIST,
            obj.OBJ_ENCODING_EMBSTR, obj.OBJ_ENCODING_QUICKLIST,
            obj.OBJ_ENCODING_LISTPACK) == (0, 1, 2, 6, 7, 8, 9, 11)
    assert obj.str_encoding(obj.OBJ_ENCODING_HT) == "hashtable"
    assert obj.str_encoding(5) == "unknown"  # 5 was the linked list


def test_the_shared_integers_are_made_once(obj):
    integers = obj.shared.integers
    assert len(integers) == obj.OBJ_SHARED_INTEGERS == 10000
    assert all(o.ptr == i and o.encoding == obj.OBJ_ENCODING_INT
               for i, o in enumerate(integers))
    assert obj.create_string_object_from_long_long(42) is integers[42]
    assert obj.create_string_object_from_long_long_for_value(9999) is \
        integers[9999]
    big = obj.create_string_object_from_long_long(10000)
    assert big.encoding == obj.OBJ_ENCODING_INT and not obj.is_shared(big)
    assert obj.object_refcount(integers[0]) == 2**31 - 1
    assert obj.object_refcount(big) == 1


@pytest.mark.exercise("06-try-object-encoding")
@pytest.mark.parametrize(("value", "encoding", "ptr"), [
    (b"42", "int", 42),
    (b"-42", "int", -42),
    (b"12345", "int", 12345),
    (b"-0", "embstr", b"-0"),
    (b"x" * 44, "embstr", b"x" * 44),
    (b"x" * 45, "raw", b"x" * 45),
    (b"9" * 20, "embstr", b"9" * 20),  # 20 digits, past a long
])
def test_try_object_encoding(obj, value, encoding, ptr):
    for create in (obj.create_string_object, obj.create_raw_string_object):
        o = obj.try_object_encoding(create(value))
        assert obj.str_encoding(o.encoding) == encoding
        assert o.ptr == ptr
        assert obj.string_bytes(o) == value


@pytest.mark.exercise("06-try-object-encoding")
def test_try_object_encoding_returns_the_shared_integer(obj):
    o = obj.try_object_encoding(obj.create_string_object(b"7"))
    assert o is obj.shared.integers[7]


def test_dup_of_a_shared_integer_is_a_new_int_object(obj):
    copy = obj.dup_string_object(obj.shared.integers[5])
    assert copy.encoding == obj.OBJ_ENCODING_INT and copy.ptr == 5
    assert not obj.is_shared(copy)


def test_the_lru_clock_counts_seconds_in_24_bits(obj):
    clock = obj.get_lru_clock()
    assert 0 <= clock <= obj.LRU_CLOCK_MAX == 2**24 - 1
    assert obj.LRU_CLOCK_RESOLUTION == 1000


@pytest.mark.parametrize(("now", "lru", "idle_ms"), [
    (100, 100, 0),
    (100, 40, 60_000),
    (5, 2**24 - 1 - 10, 15_000),  # the clock wrapped since
])
def test_idle_time_of_an_object(obj, now, lru, idle_ms):
    obj.use_server_clock(SimpleNamespace(lruclock=now))
    o = obj.RedisObject(obj.OBJ_STRING, obj.OBJ_ENCODING_EMBSTR, lru, b"v")
    assert obj.estimate_object_idle_time(o) == idle_ms


def test_new_objects_read_the_servers_clock(obj):
    obj.use_server_clock(SimpleNamespace(lruclock=1234))
    assert obj.create_string_object(b"v").lru == 1234
    assert obj.create_quicklist_object().lru == 1234


@pytest.fixture
def db_and_server(step_module):
    db = step_module("db")
    # notify_keyspace_events: from step 09 on, a lookup may publish
    # (none of its classes is on, as by default).
    server = SimpleNamespace(lruclock=50, mstime=0, stat_keyspace_hits=0,
                             stat_keyspace_misses=0, stat_expiredkeys=0,
                             notify_keyspace_events=0)
    return db, db.RedisDb(0, server), server


def test_a_lookup_stamps_the_value_unless_notouch(step_module, db_and_server):
    obj = step_module("object")
    db, redis_db, server = db_and_server
    o = obj.create_string_object(b"v")
    o.lru = 10
    db.db_add(redis_db, b"k", o)
    assert db.lookup_key_read(redis_db, b"k", None, db.LOOKUP_NOTOUCH) is o
    assert o.lru == 10
    assert db.lookup_key_read(redis_db, b"k", obj.OBJ_STRING) is o
    assert o.lru == 50
    assert server.stat_keyspace_hits == 2


def test_a_lookup_of_another_type_is_wrongtype(step_module, db_and_server):
    obj = step_module("object")
    commands = step_module("commands")
    db, redis_db, _ = db_and_server
    db.db_add(redis_db, b"k", obj.create_quicklist_object())
    with pytest.raises(commands.CommandError, match="WRONGTYPE"):
        db.lookup_key_write(redis_db, b"k", obj.OBJ_STRING)
