"""crc64.py: the checksum at the end of an RDB file and of a DUMP payload.
Redis: src/crc64.c (and crcspeed.c, which makes it fast).

A CRC is the remainder of a polynomial division of the data, read as one
huge binary number, by a fixed polynomial: change any bit, or a burst of
them, and the remainder changes. Redis uses the 64-bit "Jones" polynomial
0xad93d23594c935a9, reflected (bits are read least significant first),
starting from 0, with no final XOR: crc64(0, b"123456789") is
0xe9c6d914c4b8d9ca.

The table holds the remainder of each possible byte, so the division
steps a byte at a time: CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >> 8).

Steps:
  10_rdb  crc64

Simplified: Redis's crcspeed builds eight tables and folds eight bytes
per step ("slicing by 8"); in Python one table and one byte per step is
as fast as anything, since the loop's overhead dwarfs the lookups.
"""

from __future__ import annotations

POLY = 0xAD93D23594C935A9  # Jones's polynomial, as crc64.c defines it
POLY_REFLECTED = int(f"{POLY:064b}"[::-1], 2)  # read bits LSB first


def crc64_make_table() -> list[int]:
    """The remainder of every byte value. Mirrors crcspeed64little_init()
    (its first table, the one a byte-at-a-time loop needs)."""
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ POLY_REFLECTED if crc & 1 else crc >> 1
        table.append(crc)
    return table


CRC_TABLE = crc64_make_table()


# --8<-- [start:crc64]
def crc64(crc: int, data: bytes) -> int:
    """Fold `data` into the running CRC `crc` (0 to start). Mirrors
    crc64() in crc64.c: crc64(crc64(0, a), b) == crc64(0, a + b)."""
    table = CRC_TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc
# --8<-- [end:crc64]
