"""Read what real Redis's DUMP returns for a list: its quicklist's nodes;
build DUMP payloads (with_footer) and the dataset of every encoding that
step 10's tests save, load, dump and restore (ENCODINGS).

With `CONFIG SET rdbcompression no`, DUMP's payload for a list is the RDB
type byte 18 (RDB_TYPE_LIST_QUICKLIST_2), an RDB length (the number of
nodes), then per node an RDB length (its container: 2, PACKED) and an RDB
string (its listpack: a length, then the bytes); then 2 bytes of RDB
version (10) and 8 bytes of CRC64.
"""

from __future__ import annotations

RDB_TYPE_LIST_QUICKLIST_2 = 18
QUICKLIST_NODE_CONTAINER_PACKED = 2
RDB_VERSION = 10


def rdb_length(buf: bytes, pos: int) -> tuple[int, int]:
    """Read an RDB length at `pos`: (the length, the position after it)."""
    first = buf[pos]
    if first >> 6 == 0:
        return first & 0x3F, pos + 1
    if first >> 6 == 1:
        return (first & 0x3F) << 8 | buf[pos + 1], pos + 2
    if first == 0x80:
        return int.from_bytes(buf[pos + 1:pos + 5], "big"), pos + 5
    if first == 0x81:
        return int.from_bytes(buf[pos + 1:pos + 9], "big"), pos + 9
    raise AssertionError(f"not a plain RDB length: {first:#04x}")


def list_nodes(payload: bytes | None) -> list[bytes]:
    """The listpack of each node of a list, from its DUMP payload (none
    for a missing key)."""
    if payload is None:
        return []
    assert payload[0] == RDB_TYPE_LIST_QUICKLIST_2
    count, pos = rdb_length(payload, 1)
    nodes = []
    for _ in range(count):
        container, pos = rdb_length(payload, pos)
        assert container == QUICKLIST_NODE_CONTAINER_PACKED
        size, pos = rdb_length(payload, pos)
        nodes.append(payload[pos:pos + size])
        pos += size
    assert len(payload) == pos + 2 + 8  # version, CRC64
    assert int.from_bytes(payload[pos:pos + 2], "little") == RDB_VERSION
    return nodes


def crc64_reference(data: bytes) -> int:
    """CRC-64/Jones as Redis computes it, bit by bit: written apart from
    crc64.py so that black-box tests can build payloads of their own."""
    poly = 0x95AC9329AC4BC9B5  # 0xad93d23594c935a9 reflected
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
    return crc



def with_footer(body: bytes, version: int = 10) -> bytes:
    """A DUMP payload around `body` (type byte and value): the RDB
    version, then the CRC64 of everything before it, little-endian."""
    body += version.to_bytes(2, "little")
    return body + crc64_reference(body).to_bytes(8, "little")



# Every type in every encoding of step 06, with Redis's default
# thresholds, as (key, encoding, commands that build it).
ENCODINGS = [
    (b"str:int", "int", [("SET", "str:int", "123456")]),
    (b"str:int:shared", "int", [("SET", "str:int:shared", "42")]),
    (b"str:int:big", "int", [("SET", "str:int:big", "-9223372036854775808")]),
    (b"str:embstr", "embstr", [("SET", "str:embstr", "hello\r\n\x00world")]),
    (b"str:raw", "raw", [("SET", "str:raw", "r" * 45)]),
    (b"str:raw:random", "raw",
     [("SET", "str:raw:random", bytes(range(256)) * 3)]),
    (b"str:append", "raw", [("SET", "str:append", "1"),
                            ("APPEND", "str:append", "2")]),
    (b"list:small", "quicklist",
     [("RPUSH", "list:small", "a", "1", "-7", "x" * 70, "12345678901")]),
    (b"list:nodes", "quicklist",
     [("RPUSH", "list:nodes", *[f"element-{i}" for i in range(2000)])]),
    (b"set:intset", "intset", [("SADD", "set:intset", "1", "-5", "70000",
                                "5000000000")]),
    (b"set:ht", "hashtable", [("SADD", "set:ht", "a", "b", "c", "1")]),
    (b"set:ht:ints", "hashtable",
     [("SADD", "set:ht:ints", *range(600))]),
    (b"hash:lp", "listpack",
     [("HSET", "hash:lp", "f1", "v1", "n", "17", "neg", "-300000")]),
    (b"hash:ht", "hashtable", [("HSET", "hash:ht", "f", "v" * 65)]),
    (b"hash:ht:many", "hashtable",
     [("HSET", "hash:ht:many",
       *[x for i in range(600) for x in (f"f{i}", f"v{i}")])]),
    (b"zset:lp", "listpack",
     [("ZADD", "zset:lp", "1", "a", "2.5", "b", "-inf", "c", "1e300", "d")]),
    (b"zset:sl", "skiplist",
     [("ZADD", "zset:sl", *[x for i in range(200)
                             for x in (str(i / 7), f"m{i}")])]),
    (b"zset:sl:long", "skiplist", [("ZADD", "zset:sl:long", "3", "m" * 65,
                                    "inf", "x")]),
]



def build(client, commands) -> None:
    for args in commands:
        client.execute_command(*args)
