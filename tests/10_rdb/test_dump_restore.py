"""DUMP and RESTORE: the RDB serialisation of one value with a footer of
2 bytes of RDB version and a CRC64 (cluster.c's createDumpPayload() and
restoreCommand()). The target's DUMP of a value is compared byte for byte
with a real redis-server's DUMP of the same value built by the same
commands, for every encoding whose layout does not depend on a hash
table's order; payloads cross both ways; and bad payloads and options get
Redis's errors."""

from __future__ import annotations

import pytest
import redis
from hypothesis import given
from hypothesis import strategies as st
from support.dump import ENCODINGS, build, crc64_reference, with_footer
from support.keyspace_events import EventListener

# A set or hash in a hash table is saved in its table's order, which
# differs between any two servers: those are compared by content.
ORDERED = [e for e in ENCODINGS if e[0] not in
           (b"set:ht", b"set:ht:ints", b"hash:ht:many")]


@pytest.fixture
def redis_ref(real_redis, tmp_path):
    """A real redis-server beside the target, and a client to it."""
    proc = real_redis(tmp_path)
    client = redis.Redis(port=proc.port, socket_timeout=10)
    yield client
    client.close()


def test_dump_of_a_missing_key_is_null(raw):
    assert raw.call("DUMP", "nokey") == b"$-1\r\n"


@pytest.mark.exercise("10-rdb-save-len")
def test_dump_ends_with_the_rdb_version_and_a_crc64_of_the_rest(r):
    r.set("k", "bar")
    payload = r.dump("k")
    assert payload == with_footer(b"\x00\x03bar")
    assert int.from_bytes(payload[-8:], "little") == crc64_reference(
        payload[:-8])


@pytest.mark.exercise("10-rdb-save-len")
@pytest.mark.parametrize("key,encoding,commands", ORDERED,
                         ids=[e[0].decode() for e in ORDERED])
def test_dump_is_byte_identical_to_redis(r, redis_ref, key, encoding,
                                          commands):
    build(r, commands)
    build(redis_ref, commands)
    assert r.object("encoding", key) == encoding.encode()
    assert r.dump(key) == redis_ref.dump(key)


@pytest.mark.parametrize("compression", ["yes", "no"])
@pytest.mark.parametrize("size", [21, 100, 70_000])
def test_dump_of_long_strings_is_byte_identical_with_compression_on_or_off(
        r, redis_ref, compression, size):
    r.config_set("rdbcompression", compression)
    redis_ref.config_set("rdbcompression", compression)
    compressible = (b"0123456789abcdef" * (size // 16 + 1))[:size]
    for value in (compressible, bytes(i * 7919 % 251 for i in range(size))):
        r.set("k", value)
        redis_ref.set("k", value)
        assert r.dump("k") == redis_ref.dump("k")
    r.config_set("rdbcompression", "yes")


@given(values=st.lists(st.binary(max_size=80) | st.integers(-2**63, 2**63 - 1)
                       .map(lambda i: str(i).encode()),
                       min_size=1, max_size=40))
def test_dump_of_any_list_and_listpack_hash_matches_redis(r, redis_ref,
                                                          values):
    for client in (r, redis_ref):
        client.delete("l", "h", "s")
        client.rpush("l", *values)
        client.hset("h", mapping={v: v for v in values})
        client.set("s", values[0])
    for key in ("l", "h", "s"):
        assert r.dump(key) == redis_ref.dump(key)


@pytest.mark.parametrize("key,encoding,commands", ENCODINGS,
                         ids=[e[0].decode() for e in ENCODINGS])
def test_a_payload_from_redis_restores_to_the_same_value(r, redis_ref, key,
                                                         encoding, commands):
    build(redis_ref, commands)
    payload = redis_ref.dump(key)
    assert r.restore(key, 0, payload)
    assert redis_ref.restore(b"copy", 0, payload)
    assert r.object("encoding", key) == redis_ref.object("encoding", b"copy")
    assert r.dump(key) == payload or encoding == "hashtable"
    assert_same_value(r, redis_ref, key)


@pytest.mark.parametrize("key,encoding,commands", ENCODINGS,
                         ids=[e[0].decode() for e in ENCODINGS])
def test_a_payload_from_the_target_restores_in_redis(r, redis_ref, key,
                                                     encoding, commands):
    build(r, commands)
    payload = r.dump(key)
    assert redis_ref.restore(key, 0, payload)
    assert r.restore(b"copy", 0, payload)
    assert redis_ref.object("encoding", key) == r.object("encoding", b"copy")
    assert_same_value(r, redis_ref, key)


def assert_same_value(a, b, key) -> None:
    kind = a.type(key)
    assert kind == b.type(key)
    read = {b"string": lambda c: c.get(key),
            b"list": lambda c: c.lrange(key, 0, -1),
            b"set": lambda c: sorted(c.smembers(key)),
            b"hash": lambda c: c.hgetall(key),
            b"zset": lambda c: c.zrange(key, 0, -1, withscores=True)}[kind]
    assert read(a) == read(b)


def test_restore_with_a_ttl_sets_it_from_now(r):
    r.set("src", "v")
    payload = r.dump("src")
    assert r.restore("k", 100_000, payload)
    assert 99_000 < r.pttl("k") <= 100_000


def test_restore_absttl_takes_a_unix_time_in_ms(r):
    r.set("src", "v")
    payload = r.dump("src")
    when = (r.time()[0] + 1000) * 1000
    assert r.restore("k", when, payload, absttl=True)
    assert r.execute_command("PEXPIRETIME", "k") == when


def test_restore_absttl_in_the_past_replies_ok_and_adds_nothing(r):
    r.set("src", "v")
    assert r.restore("k", 1, r.dump("src"), absttl=True)
    assert r.exists("k") == 0


def test_restore_replace_with_a_past_ttl_deletes_the_old_key(r):
    r.set("k", "old")
    assert r.restore("k", 1, r.dump("k"), replace=True, absttl=True)
    assert r.exists("k") == 0


def test_restore_onto_an_existing_key_is_busykey(raw):
    raw.call("SET", "k", "v")
    payload = raw.call("DUMP", "k")
    body = payload.split(b"\r\n", 1)[1][:-2]
    assert raw.call("RESTORE", "k", "0", body) == (
        b"-BUSYKEY Target key name already exists.\r\n")
    assert raw.call("RESTORE", "k", "0", body, "REPLACE") == b"+OK\r\n"


def test_restore_idletime_backdates_the_value(r):
    r.set("src", "v")
    assert r.restore("k", 0, r.dump("src"), idletime=1000)
    assert 1000 <= r.object("idletime", "k") <= 1002


@pytest.mark.parametrize("args,error", [
    (["0", "bad-payload"], b"-ERR DUMP payload version or checksum are "
                           b"wrong\r\n"),
    (["-1", "x"], b"-ERR Invalid TTL value, must be >= 0\r\n"),
    (["abc", "x"], b"-ERR value is not an integer or out of range\r\n"),
    (["0", "x", "FOO"], b"-ERR syntax error\r\n"),
    (["0", "x", "IDLETIME", "-1"],
     b"-ERR Invalid IDLETIME value, must be >= 0\r\n"),
    (["0", "x", "FREQ", "256"],
     b"-ERR Invalid FREQ value, must be >= 0 and <= 255\r\n"),
    (["0", "x", "IDLETIME", "1", "FREQ", "1"], b"-ERR syntax error\r\n"),
    (["0", "x", "IDLETIME"], b"-ERR syntax error\r\n"),
])
def test_restore_errors_are_redis_errors(raw, args, error):
    assert raw.call("RESTORE", "k", *args) == error


@pytest.mark.parametrize("name,payload", [
    ("too short", b"\x00\x01a\x0a\x00"),
    ("bad crc", b"\x00\x01a\x0a\x00" + b"\x00" * 8),
    ("newer version", with_footer(b"\x00\x01a", version=11)),
])
def test_a_payload_with_a_wrong_footer_is_refused(raw, name, payload):
    assert raw.call("RESTORE", "k", "0", payload) == (
        b"-ERR DUMP payload version or checksum are wrong\r\n")


@pytest.mark.parametrize("name,body", [
    ("unknown type", b"\x07\x01a"),
    ("string cut short", b"\x00\x20abc"),
    ("unknown string encoding", b"\x00\xc5"),
    ("bad lzf", b"\x00\xc3\x02\x10\x1f\x61"),
    ("empty list", b"\x12\x00"),
    ("listpack with a bad header", b"\x10\x07\x08\x00\x00\x00\x00\x00\xff"),
    ("intset with a bad encoding", b"\x0b\x0a\x03\x00\x00\x00\x01\x00\x00"
                                   b"\x00\x01\x00"),
    ("quicklist with an unknown container", b"\x12\x01\x03\x01a"),
    ("duplicate set member", b"\x02\x02\x01a\x01a"),
    ("duplicate zset member", b"\x05\x02\x01a" + b"\x00" * 8 + b"\x01a"
                              + b"\x00" * 8),
    ("nan score", b"\x05\x01\x01a\x00\x00\x00\x00\x00\x00\xf8\x7f"),
])
def test_a_corrupt_value_is_bad_data_format(raw, name, body):
    assert raw.call("RESTORE", "k", "0", with_footer(body)) == (
        b"-ERR Bad data format\r\n")
    assert raw.call("EXISTS", "k") == b":0\r\n"


def test_a_listpack_corrupt_inside_is_refused_when_sanitizing(raw):
    # A hash listpack whose one entry claims 5 bytes of string but holds
    # 1: the header and end byte are right, so only a deep check sees it.
    lp = b"\x0a\x00\x00\x00\x01\x00\x85a\x02\xff"
    payload = with_footer(b"\x10" + bytes([len(lp)]) + lp)
    assert raw.call("CONFIG", "SET", "sanitize-dump-payload", "yes") == (
        b"+OK\r\n")
    try:
        assert raw.call("RESTORE", "k", "0", payload) == (
            b"-ERR Bad data format\r\n")
    finally:
        raw.call("CONFIG", "SET", "sanitize-dump-payload", "no")


@pytest.mark.exercise("10-lp-pairs-validate")
def test_a_listpack_hash_with_a_duplicate_field_is_refused_when_sanitizing(
        raw):
    lp = b"\x11\x00\x00\x00\x04\x00\x81a\x02\x01\x01\x81a\x02\x02\x01\xff"
    payload = with_footer(b"\x10" + bytes([len(lp)]) + lp)
    raw.call("CONFIG", "SET", "sanitize-dump-payload", "clients")
    try:
        assert raw.call("RESTORE", "k", "0", payload) == (
            b"-ERR Bad data format\r\n")
    finally:
        raw.call("CONFIG", "SET", "sanitize-dump-payload", "no")
    assert raw.call("RESTORE", "k", "0", payload) == b"+OK\r\n"


@pytest.mark.exercise("10-lp-pairs-validate")
@pytest.mark.parametrize("rdbtype", [0x10, 0x11], ids=["hash", "zset"])
def test_a_listpack_of_pairs_with_a_key_short_of_its_value_is_refused(
        raw, rdbtype):
    # Three entries: "a", 1, then "b" without a value.
    lp = b"\x0f\x00\x00\x00\x03\x00\x81a\x02\x01\x01\x81b\x02\xff"
    payload = with_footer(bytes([rdbtype, len(lp)]) + lp)
    raw.call("CONFIG", "SET", "sanitize-dump-payload", "yes")
    try:
        assert raw.call("RESTORE", "k", "0", payload) == (
            b"-ERR Bad data format\r\n")
    finally:
        raw.call("CONFIG", "SET", "sanitize-dump-payload", "no")


@pytest.mark.exercise("10-lp-pairs-validate")
def test_listpack_hashes_and_zsets_from_redis_restore_when_sanitizing(
        r, redis_ref):
    redis_ref.hset("h", mapping={"a": "1", "b": "x", "7": "y"})
    redis_ref.zadd("z", {"a": 1, "b": 2.5, "c": -3})
    r.config_set("sanitize-dump-payload", "yes")
    try:
        for key in ("h", "z"):
            assert r.restore(key, 0, redis_ref.dump(key))
            assert r.object("encoding", key) == b"listpack"
    finally:
        r.config_set("sanitize-dump-payload", "no")
    assert r.hgetall("h") == redis_ref.hgetall("h")
    assert r.zrange("z", 0, -1, withscores=True) == redis_ref.zrange(
        "z", 0, -1, withscores=True)


@pytest.mark.exercise("10-lzf-decompress")
def test_strings_and_lists_redis_compressed_restore_to_their_values(
        r, redis_ref):
    value = b"0123456789abcdef" * 64
    redis_ref.set("s", value)
    redis_ref.rpush("l", *[b"element %d" % (i % 4) for i in range(40)])
    for key in ("s", "l"):
        payload = redis_ref.dump(key)
        assert b"\xc3" in payload[:8]  # RDB_ENC_LZF: a compressed string
        assert r.restore(key, 0, payload)
    assert r.get("s") == value
    assert r.lrange("l", 0, -1) == redis_ref.lrange("l", 0, -1)


def test_sanitize_dump_payload_takes_yes_no_or_clients(raw):
    for value in ("yes", "clients", "no"):
        assert raw.call("CONFIG", "SET", "sanitize-dump-payload",
                        value.upper()) == b"+OK\r\n"
        assert raw.call("CONFIG", "GET", "sanitize-dump-payload") == (
            b"*2\r\n$21\r\nsanitize-dump-payload\r\n$%d\r\n%s\r\n"
            % (len(value), value.encode()))
    assert raw.call("CONFIG", "SET", "sanitize-dump-payload", "maybe") == (
        b"-ERR CONFIG SET failed (possibly related to argument "
        b"'sanitize-dump-payload') - argument(s) must be one of the "
        b"following: no, yes, clients\r\n")


def test_restore_publishes_new_then_restore_and_touches_watchers(
        server, raw, connect):
    raw.call("SET", "src", "v")
    body = raw.call("DUMP", "src").split(b"\r\n", 1)[1][:-2]
    raw.call("CONFIG", "SET", "notify-keyspace-events", "KEAn")
    watcher = connect()
    watcher.call("WATCH", "k")
    try:
        with EventListener(server.port) as listener:
            assert raw.call("RESTORE", "k", "0", body) == b"+OK\r\n"
            assert listener.events(raw) == [
                (b"__keyspace@0__:k", b"new"), (b"__keyevent@0__:new", b"k"),
                (b"__keyspace@0__:k", b"restore"),
                (b"__keyevent@0__:restore", b"k")]
    finally:
        raw.call("CONFIG", "SET", "notify-keyspace-events", "")
    watcher.call("MULTI")
    watcher.call("SET", "k", "x")
    assert watcher.call("EXEC") == b"*-1\r\n"
