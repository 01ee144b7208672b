"""rdb.py against real Redis's files: a dump.rdb that redis-server 7.0.15
saved is loaded by rdb_load() into the same keys, encodings and TTLs in
the same databases; a file rdb_save() writes is accepted by
redis-check-rdb and loaded by redis-server, every key equal to its
original (compared by DUMP where the layout is deterministic). Then the
pieces: the length encoding at its boundaries, rdbcompression and
rdbchecksum, and corrupt files, refused whole with Redis's log line."""

from __future__ import annotations

import os
import shutil

import pytest
import redis
from support.dump import ENCODINGS, build

pytestmark = pytest.mark.internal

HASH_ORDERED = {b"set:ht", b"set:ht:ints", b"hash:ht:many"}


@pytest.fixture
def rdb(step_module):
    return step_module("rdb")


@pytest.fixture
def create(step_module):
    """object.py's create_string_object()."""
    return step_module("object").create_string_object


@pytest.fixture
def redis_file(real_redis, tmp_path):
    """A dump.rdb real Redis saved: every encoding in db 0, a few keys in
    other databases, keys with a TTL, big values; and its client."""
    proc = real_redis(tmp_path, "redis.rdb")
    client = redis.Redis(port=proc.port, socket_timeout=30)
    for _, _, commands in ENCODINGS:
        build(client, commands)
    client.set("ttl:ms", "v", px=50_000_000)
    client.rpush("ttl:list", "a", "b")
    client.pexpireat("ttl:list", 4_000_000_000_000)
    client.set("big:compressible", b"abcdefgh" * 20_000)
    client.set("big:random", os.urandom(100_000))
    client.rpush("big:list", b"x" * 70_000, os.urandom(70_000))
    for db in (1, 9, 15):
        other = redis.Redis(port=proc.port, db=db, socket_timeout=10)
        other.set(f"in:{db}", db)
        other.hset(f"hash:{db}", "field", "value")
        other.close()
    assert client.save()
    yield client, tmp_path / "redis.rdb"
    client.close()


def every_key(client: redis.Redis, dbnum: int = 16):
    for db in range(dbnum):
        client.execute_command("SELECT", db)
        for key in sorted(client.keys()):
            yield db, key
    client.execute_command("SELECT", 0)


def test_redis_file_loads_with_every_key_encoding_and_ttl(
        rdb, step_server, redis_file, real_redis):
    client, path = redis_file
    server = step_server()
    rdb.rdb_load(server, str(path))
    # Redis loading its own file: the encodings loading gives (a string
    # APPEND left raw comes back as an int).
    reloaded = redis.Redis(port=real_redis(path.parent, path.name).port,
                           socket_timeout=30)
    keys = list(every_key(client))
    assert sum(len(db.dict) for db in server.db) == len(keys)
    for db, key in keys:
        client.execute_command("SELECT", db)
        reloaded.execute_command("SELECT", db)
        o = server.db[db].dict[key]
        assert ENCODING_NAMES[o.encoding] == reloaded.object(
            "encoding", key).decode(), key
        assert server.db[db].expires.get(key, -1) == client.execute_command(
            "PEXPIRETIME", key), key
        if key not in HASH_ORDERED:
            assert rdb.create_dump_payload(o, True) == client.dump(key), key
    client.execute_command("SELECT", 0)


def read_value(client: redis.Redis, key: bytes):
    kind = client.type(key)
    if kind == b"set":
        return kind, sorted(client.smembers(key))
    assert kind == b"hash"
    return kind, client.hgetall(key)


ENCODING_NAMES = {0: "raw", 1: "int", 2: "hashtable", 6: "intset",
                  7: "skiplist", 8: "embstr", 9: "quicklist", 11: "listpack"}


def test_our_file_passes_redis_check_rdb_and_loads_in_redis(
        rdb, step_server, redis_file, real_redis, tmp_path, check_rdb):
    client, path = redis_file
    server = step_server()
    rdb.rdb_load(server, str(path))
    ours = tmp_path / "ours"
    ours.mkdir()
    rdb.rdb_save(server, str(ours / "dump.rdb"))
    checked = check_rdb(ours / "dump.rdb")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "RDB looks OK!" in checked.stdout
    loaded = redis.Redis(port=real_redis(ours).port, socket_timeout=30)
    original = list(every_key(client))
    assert list(every_key(loaded)) == original
    for db, key in original:
        client.execute_command("SELECT", db)
        loaded.execute_command("SELECT", db)
        if key in HASH_ORDERED:
            assert read_value(loaded, key) == read_value(client, key), key
        else:
            assert loaded.dump(key) == client.dump(key), key
        assert loaded.execute_command("PEXPIRETIME", key) == (
            client.execute_command("PEXPIRETIME", key))
    loaded.close()


def test_our_file_is_as_big_as_redis_s_for_the_same_data(
        rdb, step_server, redis_file, tmp_path):
    _, path = redis_file
    server = step_server()
    rdb.rdb_load(server, str(path))
    rdb.rdb_save(server, str(tmp_path / "ours.rdb"))
    # The same bytes but for ctime and used-mem, and a hash table's order.
    assert abs(os.path.getsize(tmp_path / "ours.rdb")
               - os.path.getsize(path)) <= 4


def test_the_file_starts_with_magic_and_aux_fields_and_ends_with_crc64(
        rdb, step_server, tmp_path):
    server = step_server()
    rdb.rdb_save(server, str(tmp_path / "empty.rdb"))
    data = (tmp_path / "empty.rdb").read_bytes()
    assert data.startswith(b"REDIS0010\xfa\tredis-ver\x067.0.15"
                           b"\xfa\nredis-bits\xc0\x40\xfa\x05ctime\xc2")
    assert b"\xfa\x08aof-base\xc0\x00\xff" in data
    assert data[-9] == 0xFF  # EOF
    crc = rdb.crc64(0, data[:-8])
    assert data[-8:] == crc.to_bytes(8, "little")


@pytest.mark.exercise("10-rdb-save-len")
@pytest.mark.parametrize("length,encoded", [
    (0, b"\x00"), (63, b"\x3f"), (64, b"\x40\x40"), (16383, b"\x7f\xff"),
    (16384, b"\x80\x00\x00\x40\x00"), (2**32 - 1, b"\x80\xff\xff\xff\xff"),
    (2**32, b"\x81\x00\x00\x00\x01\x00\x00\x00\x00"),
])
def test_lengths_take_1_2_5_or_9_bytes(rdb, length, encoded):
    out = bytearray()
    rdb.rdb_save_len(out, length)
    assert bytes(out) == encoded
    assert rdb.rdb_load_len(rdb.RioReader(encoded)) == length


@pytest.mark.parametrize("string,encoded", [
    (b"0", b"\xc0\x00"), (b"-128", b"\xc0\x80"), (b"128", b"\xc1\x80\x00"),
    (b"-32769", b"\xc2\xff\x7f\xff\xff"), (b"2147483648",
                                          b"\x0a2147483648"),
    (b"007", b"\x03007"), (b"+1", b"\x02+1"),
])
def test_integer_strings_are_encoded_in_1_2_or_4_bytes(rdb, string, encoded):
    out = bytearray()
    rdb.rdb_save_raw_string(out, string, True)
    assert bytes(out) == encoded
    assert rdb.rdb_load_string(rdb.RioReader(encoded)) == string


def test_rdbcompression_no_writes_strings_as_they_are(
        rdb, step_server, tmp_path, real_redis, create):
    server = step_server(rdb_compression=False)
    db0 = server.db[0]
    value = b"abcabcabc" * 1000
    db0.dict[b"k"] = create(value)
    rdb.rdb_save(server, str(tmp_path / "dump.rdb"))
    assert value in (tmp_path / "dump.rdb").read_bytes()
    loaded = redis.Redis(port=real_redis(tmp_path).port, socket_timeout=30)
    assert loaded.get("k") == value
    loaded.close()


def test_rdbchecksum_no_writes_zeros_which_redis_and_we_accept(
        rdb, step_server, tmp_path, real_redis, create):
    server = step_server(rdb_checksum=False)
    server.db[3].dict[b"k"] = create(b"v")
    rdb.rdb_save(server, str(tmp_path / "dump.rdb"))
    assert (tmp_path / "dump.rdb").read_bytes()[-8:] == b"\x00" * 8
    again = step_server()
    rdb.rdb_load(again, str(tmp_path / "dump.rdb"))
    assert again.db[3].dict[b"k"].ptr == b"v"
    loaded = redis.Redis(port=real_redis(tmp_path).port, db=3,
                         socket_timeout=30)
    assert loaded.get("k") == b"v"
    loaded.close()


def test_keys_already_expired_are_not_loaded(rdb, step_server, tmp_path,
                                             create):
    server = step_server()
    db0 = server.db[0]
    db0.dict[b"gone"], db0.expires[b"gone"] = create(b"v"), 1000
    db0.dict[b"kept"] = create(b"v")
    rdb.rdb_save(server, str(tmp_path / "dump.rdb"))
    again = step_server()
    rdb.rdb_load(again, str(tmp_path / "dump.rdb"))
    assert list(again.db[0].dict) == [b"kept"]


@pytest.fixture
def good_file(redis_file, tmp_path):
    _, path = redis_file
    copy = tmp_path / "copy.rdb"
    shutil.copy(path, copy)
    return copy


def corrupt(path, offset: int, data: bytes) -> None:
    content = bytearray(path.read_bytes())
    content[offset:offset + len(data)] = data
    path.write_bytes(bytes(content))


def flip_last_byte(path) -> None:
    """Change the checksum's last byte, whatever it was (a fixed value is
    already there once in 256 files)."""
    content = path.read_bytes()
    path.write_bytes(content[:-1] + bytes((content[-1] ^ 0xFF,)))


@pytest.mark.parametrize("name,change,message", [
    ("magic", lambda p: corrupt(p, 0, b"RIDES"),
     "Wrong signature trying to load DB from file"),
    ("version", lambda p: corrupt(p, 5, b"0011"),
     "Can't handle RDB format version 11"),
    ("cut short", lambda p: p.write_bytes(p.read_bytes()[:-1000]),
     "Short read or OOM loading DB. Unrecoverable error, aborting now."),
    ("checksum", flip_last_byte,
     "rdb.c:3216 -> RDB CRC error"),
])
def test_a_corrupt_file_is_refused_and_nothing_is_loaded(
        rdb, step_server, good_file, name, change, message, create):
    server = step_server()
    server.db[0].dict[b"before"] = create(b"v")
    change(good_file)
    with pytest.raises(rdb.RdbError) as refused:
        rdb.rdb_load(server, str(good_file))
    assert message in str(refused.value)
    assert list(server.db[0].dict) == [b"before"]


def test_a_corrupt_listpack_in_a_file_is_refused_with_redis_s_line(
        rdb, step_server, tmp_path, step_module):
    server = step_server()
    listpack = step_module("listpack")
    lp = bytearray(listpack.lp_from_entries([b"a", b"b"]))
    lp[-1] = 0  # the end byte is gone: even a shallow check sees it
    content = bytearray(b"REDIS0010\xfe\x00\x12\x01k\x01\x02")
    content += bytes([len(lp)]) + lp + b"\xff" + b"\x00" * 8
    (tmp_path / "bad.rdb").write_bytes(bytes(content))
    with pytest.raises(rdb.RdbError, match=r"Internal error in RDB reading "
                       r"offset \d+, function at rdb.c:2070 -> Listpack "
                       r"integrity check failed."):
        rdb.rdb_load(server, str(tmp_path / "bad.rdb"))


def test_a_file_with_more_databases_than_configured_is_refused(
        rdb, step_server, tmp_path):
    (tmp_path / "f.rdb").write_bytes(b"REDIS0010\xfe\x10\x00\x01k\x01v\xff"
                                     + b"\x00" * 8)
    with pytest.raises(rdb.RdbError, match="more than 16 databases"):
        rdb.rdb_load(step_server(), str(tmp_path / "f.rdb"))


def test_saving_to_a_directory_that_does_not_exist_raises_oserror(
        rdb, step_server, tmp_path):
    with pytest.raises(OSError):
        rdb.rdb_save(step_server(), str(tmp_path / "no" / "dump.rdb"))
