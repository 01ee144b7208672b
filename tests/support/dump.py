"""Read what real Redis's DUMP returns for a list: its quicklist's nodes.

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
