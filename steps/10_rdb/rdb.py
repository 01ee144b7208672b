"""rdb.py: the snapshot file, dump.rdb, byte for byte as Redis 7.0 writes
it. Redis: src/rdb.c, src/rdb.h (and rio.c, its buffered I/O).

An RDB file is the whole dataset as one stream of opcodes and values:

    "REDIS0010"                           magic and version (RDB 10)
    AUX redis-ver 7.0.15, redis-bits 64,  facts about the writer, as
        ctime, used-mem, aof-base         pairs of strings
    SELECTDB n  RESIZEDB size expires     each non-empty database...
    [EXPIRETIME_MS t] type key value      ...and each of its keys
    EOF  <CRC64 of all the above, 8 bytes LE; 0 if rdbchecksum is off>

Numbers of things are "lengths": 1, 2, 5 or 9 bytes depending on size
(rdb_save_len). Strings are a length and the bytes, or, when the length
byte's top bits are 11, something special: an integer in 1, 2 or 4
bytes, or an LZF-compressed string (lzf.py). A value is written in the
encoding it has in memory: a listpack or an intset goes out as one
string, the very bytes of step 06's structures, so saving and loading
a small hash costs one copy; a hash table goes out one field at a time.

Loading checks everything it reads: a length past the end, an unknown
opcode, a listpack or intset that fails validation, a duplicate member,
a wrong checksum: each is refused with the line Redis logs, and nothing
of a corrupt file is kept (every database is built aside, and swapped in
only when the whole file has been read and checked).

DUMP and RESTORE (cluster.c in Redis) use the same serialisation for one
value, with a footer: the RDB version in 2 bytes and a CRC64.

Steps:
  10_rdb  rdb_save, rdb_load; every type in every encoding; DUMP and
          RESTORE; SAVE, BGSAVE (the forked child, its temp file and
          rename), the parent reaping it, loading at start-up

Simplified: Redis streams the file through a rio with a 4 KB stdio
buffer, computing the checksum as it writes; here a bytearray collects
about a megabyte before each write, and the checksum is computed on it.
Simplified: a file is read into memory whole before loading, where Redis
reads it in small pieces (and serves pings and INFO while it loads).
Simplified: no streams, modules or functions: their opcodes and types
are refused as unknown, where Redis loads them.
"""

from __future__ import annotations

import gc
import logging
import math
import os
import resource
import signal
import struct
import sys
import time
from collections import deque

import resp
from childinfo import (
    close_child_info_pipe,
    open_child_info_pipe,
    receive_child_info,
    send_child_cow_info,
)
from commands import SYNTAX_ERROR, CommandError, command, get_long_long
from config import MAXMEMORY_FLAG_LFU
from crc64 import crc64
from db import (
    db_add,
    db_delete,
    lookup_key_read,
    lookup_key_write,
    set_expire,
    signal_modified_key,
)
from expire import check_already_expired, mstime
from intset import (
    intset_add,
    intset_len,
    intset_validate_integrity,
)
from listpack import (
    lp_from_entries,
    lp_get,
    lp_length,
    lp_safe_to_add,
    lp_validate_integrity,
)
from lzf import LzfError, lzf_compress, lzf_decompress
from notify import NOTIFY_GENERIC, notify_keyspace_event
from object import (
    LRU_CLOCK_MAX,
    LRU_CLOCK_RESOLUTION,
    OBJ_ENCODING_HT,
    OBJ_ENCODING_INT,
    OBJ_ENCODING_INTSET,
    OBJ_ENCODING_LISTPACK,
    OBJ_ENCODING_QUICKLIST,
    OBJ_ENCODING_SKIPLIST,
    OBJ_HASH,
    OBJ_LIST,
    OBJ_SET,
    OBJ_STRING,
    OBJ_ZSET,
    RedisObject,
    create_hash_object,
    create_intset_object,
    create_quicklist_object,
    create_set_object,
    create_string_object,
    create_string_object_from_long_long,
    lru_clock,
    try_object_encoding,
)
from quicklist import QuicklistNode, quicklist_set_options
from t_hash import hash_type_convert
from t_set import set_type_convert
from t_zset import (
    ZSet,
    create_zset_object,
    zset_convert,
    zset_length,
    zsl_insert,
)
from util import fsync_file_dir

log = logging.getLogger(__name__)

REDIS_VERSION = "7.0.15"  # what the redis-ver AUX field says
RDB_VERSION = 10

# The top two bits of a length's first byte say how long it is.
RDB_6BITLEN = 0
RDB_14BITLEN = 1
RDB_32BITLEN = 0x80
RDB_64BITLEN = 0x81
RDB_ENCVAL = 3  # not a length: a special string encoding follows
RDB_ENC_INT8, RDB_ENC_INT16, RDB_ENC_INT32, RDB_ENC_LZF = range(4)

# The value types this server writes and reads, with rdb.h's numbers.
RDB_TYPE_STRING = 0
RDB_TYPE_LIST = 1  # a linked list, element by element (before 3.2)
RDB_TYPE_SET = 2
RDB_TYPE_ZSET_2 = 5  # a skiplist's members with binary doubles
RDB_TYPE_HASH = 4
RDB_TYPE_SET_INTSET = 11
RDB_TYPE_HASH_LISTPACK = 16
RDB_TYPE_ZSET_LISTPACK = 17
RDB_TYPE_LIST_QUICKLIST_2 = 18

# Opcodes: the byte before a key's type says what comes instead.
RDB_OPCODE_IDLE = 248  # LRU idle time, before a key
RDB_OPCODE_FREQ = 249  # LFU counter, before a key
RDB_OPCODE_AUX = 250
RDB_OPCODE_RESIZEDB = 251
RDB_OPCODE_EXPIRETIME_MS = 252
RDB_OPCODE_EXPIRETIME = 253  # seconds, in files before RDB 3
RDB_OPCODE_SELECTDB = 254
RDB_OPCODE_EOF = 255

QUICKLIST_NODE_CONTAINER_PLAIN = 1
QUICKLIST_NODE_CONTAINER_PACKED = 2

# sanitize-dump-payload: when a listpack or intset is checked entry by
# entry (deep) rather than only its header (shallow).
SANITIZE_DUMP_NO, SANITIZE_DUMP_YES, SANITIZE_DUMP_CLIENTS = range(3)
# How rdbLoad() treats what it reads (server.h's RDBFLAGS_*). ALLOW_DUP is
# DEBUG RELOAD MERGE's: a key read again replaces the one there.
RDBFLAGS_NONE = 0
RDBFLAGS_ALLOW_DUP = 1 << 2

RIO_FLUSH_BYTES = 1 << 20  # rdb_save writes the buffer out past this


class RdbError(Exception):
    """A file or payload that cannot be loaded. The message is the line
    Redis logs (rdbReportError()), or its "Short read" line."""


def rdb_report_corrupt_rdb(r: RioReader, line: int, reason: str) -> RdbError:
    """The error for corrupt data. Mirrors rdbReportCorruptRDB(): the
    message names the line in Redis 7.0.15's rdb.c that makes the same
    check, as Redis's own log line names its own."""
    return RdbError(f"Internal error in RDB reading offset {r.pos}, "
                    f"function at rdb.c:{line} -> {reason}")


class RioReader:
    """Bytes being loaded and the position reached. Mirrors a rio over a
    buffer (rioInitWithBuffer()): a read past the end is a short read.
    """

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def read(self, n: int) -> bytes:
        """The next `n` bytes. Mirrors rioRead(), which fails whole."""
        end = self.pos + n
        if end > len(self.data):
            raise RdbError("Short read or OOM loading DB. "
                           "Unrecoverable error, aborting now.")
        chunk = self.data[self.pos:end]
        self.pos = end
        return chunk

    def read_byte(self) -> int:
        if self.pos >= len(self.data):
            raise RdbError("Short read or OOM loading DB. "
                           "Unrecoverable error, aborting now.")
        self.pos += 1
        return self.data[self.pos - 1]


# Writing. Every rdb_save_* appends to `out`, a bytearray: Redis's
# rioWrite() on a buffer.

# --8<-- [start:rdb_save_len]
def rdb_save_len(out: bytearray, length: int) -> None:
    """Append a length in 1, 2, 5 or 9 bytes. Mirrors rdbSaveLen().

    00xxxxxx: up to 63. 01xxxxxx xxxxxxxx: up to 16383. Then 0x80 and
    4 bytes, or 0x81 and 8 bytes, big-endian (network order), the one
    place the format is not little-endian.
    """
    # BEGIN EXERCISE 10-rdb-save-len
    if length < 1 << 6:
        out.append(RDB_6BITLEN << 6 | length)
    elif length < 1 << 14:
        out += bytes((RDB_14BITLEN << 6 | length >> 8, length & 0xFF))
    elif length <= 0xFFFFFFFF:
        out.append(RDB_32BITLEN)
        out += length.to_bytes(4, "big")
    else:
        out.append(RDB_64BITLEN)
        out += length.to_bytes(8, "big")
    # END EXERCISE 10-rdb-save-len
# --8<-- [end:rdb_save_len]


# --8<-- [start:rdb_encode_integer]
def rdb_encode_integer(value: int) -> bytes | None:
    """An integer string in 1, 2 or 4 bytes after its encoding byte, or
    None if it needs more. Mirrors rdbEncodeInteger()."""
    for enc, width in ((RDB_ENC_INT8, 1), (RDB_ENC_INT16, 2),
                       (RDB_ENC_INT32, 4)):
        if -(1 << (8 * width - 1)) <= value < 1 << (8 * width - 1):
            return (bytes((RDB_ENCVAL << 6 | enc,))
                    + value.to_bytes(width, "little", signed=True))
    return None
# --8<-- [end:rdb_encode_integer]


def rdb_save_lzf_blob(out: bytearray, data: bytes, original_len: int) -> None:
    """Append compressed bytes. Mirrors rdbSaveLzfBlob(): the LZF
    encoding byte, the compressed and the original lengths, the data."""
    out.append(RDB_ENCVAL << 6 | RDB_ENC_LZF)
    rdb_save_len(out, len(data))
    rdb_save_len(out, original_len)
    out += data


# --8<-- [start:rdb_save_lzf_string_object]
def rdb_save_lzf_string_object(out: bytearray, s: bytes) -> bool:
    """Append `s` compressed if that saves at least 4 bytes (Redis's
    rule); False, having appended nothing, if not. Mirrors
    rdbSaveLzfStringObject()."""
    if len(s) <= 4:
        return False
    compressed = lzf_compress(s, len(s) - 4)
    if compressed is None:
        return False
    rdb_save_lzf_blob(out, compressed, len(s))
    return True
# --8<-- [end:rdb_save_lzf_string_object]


# --8<-- [start:rdb_save_raw_string]
def rdb_save_raw_string(out: bytearray, s: bytes, compress: bool) -> None:
    """Append a string: as an integer if it is one that fits 32 bits,
    else LZF-compressed if `compress` (rdbcompression) and it is over 20
    bytes and shrinks, else its length and its bytes. Mirrors
    rdbSaveRawString()."""
    if len(s) <= 11:
        value = resp.string2ll(s)  # rdbTryIntegerEncoding()
        if value is not None:
            encoded = rdb_encode_integer(value)
            if encoded is not None:
                out += encoded
                return
    if compress and len(s) > 20 and rdb_save_lzf_string_object(out, s):
        return
    rdb_save_len(out, len(s))
    out += s
# --8<-- [end:rdb_save_raw_string]


def rdb_save_long_long_as_string_object(out: bytearray, value: int) -> None:
    """An INT string: encoded if it fits 32 bits, else in decimal.
    Mirrors rdbSaveLongLongAsStringObject() (never compressed: at most
    20 bytes)."""
    encoded = rdb_encode_integer(value)
    if encoded is not None:
        out += encoded
        return
    digits = b"%d" % value
    rdb_save_len(out, len(digits))
    out += digits


def rdb_save_string_object(out: bytearray, o: RedisObject,
                           compress: bool) -> None:
    """Mirrors rdbSaveStringObject()."""
    if o.encoding == OBJ_ENCODING_INT:
        rdb_save_long_long_as_string_object(out, o.ptr)
    else:
        rdb_save_raw_string(out, o.ptr, compress)


# The type byte of each (type, encoding). Mirrors rdbSaveObjectType().
RDB_TYPE_OF = {
    (OBJ_LIST, OBJ_ENCODING_QUICKLIST): RDB_TYPE_LIST_QUICKLIST_2,
    (OBJ_SET, OBJ_ENCODING_INTSET): RDB_TYPE_SET_INTSET,
    (OBJ_SET, OBJ_ENCODING_HT): RDB_TYPE_SET,
    (OBJ_ZSET, OBJ_ENCODING_LISTPACK): RDB_TYPE_ZSET_LISTPACK,
    (OBJ_ZSET, OBJ_ENCODING_SKIPLIST): RDB_TYPE_ZSET_2,
    (OBJ_HASH, OBJ_ENCODING_LISTPACK): RDB_TYPE_HASH_LISTPACK,
    (OBJ_HASH, OBJ_ENCODING_HT): RDB_TYPE_HASH,
}


def rdb_save_object_type(out: bytearray, o: RedisObject) -> None:
    """Mirrors rdbSaveObjectType(): every string is RDB_TYPE_STRING."""
    if o.type == OBJ_STRING:
        out.append(RDB_TYPE_STRING)
    else:
        out.append(RDB_TYPE_OF[o.type, o.encoding])


# --8<-- [start:rdb_save_object]
def rdb_save_object(out: bytearray, o: RedisObject, compress: bool) -> None:
    """Append a value, in the layout of its encoding. Mirrors
    rdbSaveObject().

    A listpack (a small hash or sorted set, each node of a list) or an
    intset is saved as one string: its bytes as they are in memory. A
    hash table is saved entry by entry, a skiplist from its greatest
    member down, so that loading inserts each one at the head.

    Simplified: Redis saves a list node that list-compress-depth keeps
    compressed as the LZF blob it is in memory, even under rdbcompression
    no; our nodes are never compressed (quicklist.py), so that file holds
    the same list in other bytes.
    """
    if o.type == OBJ_STRING:
        rdb_save_string_object(out, o, compress)
    elif o.type == OBJ_LIST:
        rdb_save_len(out, len(o.ptr.nodes))
        for node in o.ptr.nodes:
            rdb_save_len(out, QUICKLIST_NODE_CONTAINER_PACKED)
            rdb_save_raw_string(out, node.lp, compress)
    elif o.encoding in (OBJ_ENCODING_INTSET, OBJ_ENCODING_LISTPACK):
        rdb_save_raw_string(out, o.ptr, compress)
    elif o.type == OBJ_SET:
        rdb_save_len(out, len(o.ptr))
        for member in o.ptr:
            rdb_save_raw_string(out, member, compress)
    elif o.type == OBJ_ZSET:
        rdb_save_len(out, o.ptr.zsl.length)
        node = o.ptr.zsl.tail
        while node is not None:
            rdb_save_raw_string(out, node.ele, compress)
            out += struct.pack("<d", node.score)  # rdbSaveBinaryDouble
            node = node.backward
    else:
        rdb_save_len(out, len(o.ptr))
        for field, value in o.ptr.items():
            rdb_save_raw_string(out, field, compress)
            rdb_save_raw_string(out, value, compress)
# --8<-- [end:rdb_save_object]


def rdb_save_key_value_pair(out: bytearray, key: bytes, o: RedisObject,
                            expiretime: int, server) -> None:
    """Append one key: its expiry if it has one, its type, its name and
    its value. Mirrors rdbSaveKeyValuePair().

    Simplified: Redis also saves the idle time (RDB_OPCODE_IDLE) under
    an LRU maxmemory-policy and the LFU counter (RDB_OPCODE_FREQ) under
    an LFU one; nothing is evicted here, so neither is saved.
    """
    if expiretime != -1:
        out.append(RDB_OPCODE_EXPIRETIME_MS)
        out += expiretime.to_bytes(8, "little", signed=True)
    rdb_save_object_type(out, o)
    rdb_save_raw_string(out, key, server.rdb_compression)
    rdb_save_object(out, o, server.rdb_compression)


def rdb_save_aux_field(out: bytearray, key: bytes, value: bytes,
                       compress: bool) -> None:
    """Mirrors rdbSaveAuxField(): the opcode, then two strings."""
    out.append(RDB_OPCODE_AUX)
    rdb_save_raw_string(out, key, compress)
    rdb_save_raw_string(out, value, compress)


def rdb_save_info_aux_fields(out: bytearray, server) -> None:
    """Facts about the writer. Mirrors rdbSaveInfoAuxFields(). The
    numbers go as decimal strings, which rdb_save_raw_string() then
    stores as integers.

    Simplified: used-mem is this process's peak resident size (Redis:
    the bytes its allocator has handed out); no repl-* fields, which
    Redis adds when it has a replication backlog.
    """
    compress = server.rdb_compression
    fields = ((b"redis-ver", REDIS_VERSION.encode()),
              (b"redis-bits", b"64"),
              (b"ctime", b"%d" % int(time.time())),
              (b"used-mem", b"%d" % used_memory()),
              (b"aof-base", b"0"))
    for key, value in fields:
        rdb_save_aux_field(out, key, value, compress)


def used_memory() -> int:
    """The peak resident size of this process, in bytes."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# --8<-- [start:rdb_save_db]
def rdb_save_db(out: bytearray, db, flush) -> None:
    """Append one database, if it has keys: SELECTDB, RESIZEDB, then
    every key. Mirrors rdbSaveDb(). `flush(out)` writes the buffer out
    whenever it has grown past RIO_FLUSH_BYTES.

    Like Redis, it saves keys whose time has passed but that no lookup
    or expiry cycle has deleted yet; loading skips them.
    """
    if not db.dict:
        return
    out.append(RDB_OPCODE_SELECTDB)
    rdb_save_len(out, db.id)
    out.append(RDB_OPCODE_RESIZEDB)
    rdb_save_len(out, len(db.dict))
    rdb_save_len(out, len(db.expires))
    expires = db.expires
    for key, o in db.dict.items():
        rdb_save_key_value_pair(out, key, o, expires.get(key, -1),
                                db.server)
        if len(out) > RIO_FLUSH_BYTES:
            flush(out)
# --8<-- [end:rdb_save_db]


# --8<-- [start:rdb_save_rio]
def rdb_save_rio(f, server) -> None:
    """Write the whole dataset to the open binary file `f`. Mirrors
    rdbSaveRio(): magic, AUX fields, each database, EOF, checksum.

    The checksum is updated as each chunk goes out, as rio's
    update_cksum does; with rdbchecksum off it stays 0, which tells the
    loader not to check.
    """
    cksum = 0
    checksum = server.rdb_checksum

    def flush(out: bytearray) -> None:
        nonlocal cksum
        if checksum:
            cksum = crc64(cksum, out)
        f.write(out)
        out.clear()

    out = bytearray(b"REDIS%04d" % RDB_VERSION)
    rdb_save_info_aux_fields(out, server)
    for db in server.db:
        rdb_save_db(out, db, flush)
    out.append(RDB_OPCODE_EOF)
    flush(out)
    f.write(cksum.to_bytes(8, "little"))
# --8<-- [end:rdb_save_rio]


def rdb_save(server, filename: str) -> None:
    """Write the dataset to `filename`, and fsync it. Raises OSError.

    The core of rdbSave(): the temporary file, the rename and the log
    lines are the caller's (F's machinery around the file).
    """
    with open(filename, "wb") as f:
        rdb_save_rio(f, server)
        f.flush()
        os.fsync(f.fileno())


# Reading.

# --8<-- [start:rdb_load_len]
def rdb_load_len_by_ref(r: RioReader) -> tuple[int, bool]:
    """Read a length, or a special string encoding: (value, isencoded).
    Mirrors rdbLoadLenByRef(); isencoded means `value` is an RDB_ENC_*.
    """
    first = r.read_byte()
    kind = first >> 6
    if kind == RDB_ENCVAL:
        return first & 0x3F, True
    if kind == RDB_6BITLEN:
        return first & 0x3F, False
    if kind == RDB_14BITLEN:
        return (first & 0x3F) << 8 | r.read_byte(), False
    if first == RDB_32BITLEN:
        return int.from_bytes(r.read(4), "big"), False
    if first == RDB_64BITLEN:
        return int.from_bytes(r.read(8), "big"), False
    raise rdb_report_corrupt_rdb(
        r, 236, f"Unknown length encoding {kind} in rdbLoadLen()")


def rdb_load_len(r: RioReader) -> int:
    """A plain length. Mirrors rdbLoadLen() where the caller passes no
    isencoded: an encoding byte reads as its 6-bit value."""
    return rdb_load_len_by_ref(r)[0]
# --8<-- [end:rdb_load_len]


def rdb_load_integer(r: RioReader, enctype: int) -> int:
    """An integer-encoded string's value. Mirrors rdbLoadIntegerObject().
    """
    widths = {RDB_ENC_INT8: 1, RDB_ENC_INT16: 2, RDB_ENC_INT32: 4}
    if enctype not in widths:
        raise rdb_report_corrupt_rdb(
            r, 308, f"Unknown RDB integer encoding type {enctype}")
    return int.from_bytes(r.read(widths[enctype]), "little", signed=True)


def rdb_load_lzf_string(r: RioReader) -> bytes:
    """Mirrors rdbLoadLzfStringObject(): both lengths, then the data,
    which must expand to exactly the length announced."""
    clen = rdb_load_len(r)
    length = rdb_load_len(r)
    compressed = r.read(clen)
    try:
        s = lzf_decompress(compressed, length)
    except LzfError:
        s = None
    if s is None or len(s) != length:
        raise rdb_report_corrupt_rdb(r, 413, "Invalid LZF compressed string")
    return s


# --8<-- [start:rdb_generic_load_string_object]
def rdb_generic_load_string_object(r: RioReader) -> bytes | int:
    """A string as the file holds it: bytes, or an int for an
    integer-encoded one. Mirrors rdbGenericLoadStringObject()."""
    length, isencoded = rdb_load_len_by_ref(r)
    if not isencoded:
        return r.read(length)
    if length == RDB_ENC_LZF:
        return rdb_load_lzf_string(r)
    if length in (RDB_ENC_INT8, RDB_ENC_INT16, RDB_ENC_INT32):
        return rdb_load_integer(r, length)
    raise rdb_report_corrupt_rdb(
        r, 529, f"Unknown RDB string encoding type {length}")
# --8<-- [end:rdb_generic_load_string_object]


def rdb_load_string(r: RioReader) -> bytes:
    """A string's bytes. Mirrors RDB_LOAD_SDS / RDB_LOAD_PLAIN loads,
    which write an integer in decimal."""
    s = rdb_generic_load_string_object(r)
    return b"%d" % s if type(s) is int else s


def rdb_load_string_value(r: RioReader) -> RedisObject:
    """A string value, in the encoding SET would give it. Mirrors
    rdbLoadEncodedStringObject() then tryObjectEncoding()."""
    s = rdb_generic_load_string_object(r)
    if type(s) is int:
        return create_string_object_from_long_long(s)
    return try_object_encoding(create_string_object(s))


# --8<-- [start:rdb_load_object]
def rdb_load_object(rdbtype: int, r: RioReader, server,
                    deep: bool) -> RedisObject | None:
    """Read a value of type `rdbtype`; None for an empty one, which the
    caller skips. Mirrors rdbLoadObject(). `deep`: validate listpacks
    and intsets entry by entry (sanitize-dump-payload), not only their
    headers. A value is given the encoding the server's thresholds
    call for, as Redis converts after loading."""
    loader = RDB_LOADERS.get(rdbtype)
    if loader is None:
        raise rdb_report_corrupt_rdb(
            r, 2672, f"Unknown RDB encoding type {rdbtype}")
    return loader(r, server, deep)
# --8<-- [end:rdb_load_object]


def rdb_load_string_object(r: RioReader, server, deep: bool) -> RedisObject:
    return rdb_load_string_value(r)


# --8<-- [start:rdb_load_quicklist]
def rdb_load_quicklist(r: RioReader, server,
                       deep: bool) -> RedisObject | None:
    """A list: its nodes' listpacks, each validated, kept as they were
    (no node is split or merged). Mirrors the RDB_TYPE_LIST_QUICKLIST_2
    branch of rdbLoadObject(); an empty listpack is skipped.

    Simplified: a PLAIN node (one element of 1 GB or more in Redis) is
    put in a listpack of its own, as step 06 does with such elements.
    """
    count = rdb_load_len(r)
    if count == 0:
        return None
    o = create_quicklist_object()
    ql = o.ptr
    quicklist_set_options(ql, server.list_max_listpack_size,
                          server.list_compress_depth)
    for _ in range(count):
        container = rdb_load_len(r)
        if container not in (QUICKLIST_NODE_CONTAINER_PLAIN,
                             QUICKLIST_NODE_CONTAINER_PACKED):
            raise rdb_report_corrupt_rdb(
                r, 2047, "Quicklist integrity check failed.")
        data = rdb_load_string(r)
        if not data:
            raise RdbError("Short read or OOM loading DB. "
                           "Unrecoverable error, aborting now.")
        if container == QUICKLIST_NODE_CONTAINER_PLAIN:
            data = lp_from_entries([data])
        elif not lp_validate_integrity(data, deep):
            raise rdb_report_corrupt_rdb(
                r, 2070, "Listpack integrity check failed.")
        length = lp_length_checked(r, data, 2070)
        if length:
            ql.nodes.append(QuicklistNode(data, length))
            ql.count += length
    return o if ql.count else None
# --8<-- [end:rdb_load_quicklist]


def lp_length_checked(r: RioReader, lp: bytes, line: int) -> int:
    """lp_length() of a listpack that passed a shallow check only: a
    count of 65535 makes it walk entries that may be corrupt. Redis
    would assert and crash there; here the load is refused."""
    try:
        return lp_length(lp)
    except (IndexError, KeyError, ValueError, struct.error):
        raise rdb_report_corrupt_rdb(
            r, line, "Listpack integrity check failed.") from None


def rdb_load_set(r: RioReader, server, deep: bool) -> RedisObject | None:
    """A set saved member by member: an intset while every member is an
    integer and they are not too many, else a hash table. Mirrors the
    RDB_TYPE_SET branch of rdbLoadObject()."""
    count = rdb_load_len(r)
    if count == 0:
        return None
    if count > min(server.set_max_intset_entries, 1 << 30):
        o = create_set_object()
    else:
        o = create_intset_object()
    for _ in range(count):
        member = rdb_load_string(r)
        if o.encoding == OBJ_ENCODING_INTSET:
            value = resp.string2ll(member)
            if value is not None:
                o.ptr, added = intset_add(o.ptr, value)
                if not added:
                    raise rdb_report_corrupt_rdb(
                        r, 1808, "Duplicate set members detected")
                continue
            set_type_convert(o)
        if member in o.ptr:
            raise rdb_report_corrupt_rdb(
                r, 1828, "Duplicate set members detected")
        o.ptr.add(member)
    return o


def rdb_load_intset(r: RioReader, server, deep: bool) -> RedisObject:
    """Mirrors the RDB_TYPE_SET_INTSET branch: validate, then convert if
    the server's set-max-intset-entries is lower than the writer's."""
    blob = rdb_load_string(r)
    if not intset_validate_integrity(blob, deep):
        raise rdb_report_corrupt_rdb(
            r, 2212, "Intset integrity check failed.")
    o = create_intset_object()
    o.ptr = blob
    if intset_len(blob) > server.set_max_intset_entries:
        set_type_convert(o)
    return o


# --8<-- [start:rdb_load_zset]
def rdb_load_zset(r: RioReader, server, deep: bool) -> RedisObject | None:
    """A sorted set saved member by member with binary doubles. Mirrors
    the RDB_TYPE_ZSET_2 branch: into a skiplist, then into a listpack if
    it is small enough (it was saved sorted, but the thresholds are this
    server's)."""
    count = rdb_load_len(r)
    if count == 0:
        return None
    o = create_zset_object()
    zs: ZSet = o.ptr
    maxelelen = totelelen = 0
    for _ in range(count):
        member = rdb_load_string(r)
        (score,) = struct.unpack("<d", r.read(8))
        if math.isnan(score):
            raise rdb_report_corrupt_rdb(
                r, 1881, "Zset with NAN score detected")
        if member in zs.dict:
            raise rdb_report_corrupt_rdb(
                r, 1893, "Duplicate zset fields detected")
        maxelelen = max(maxelelen, len(member))
        totelelen += len(member)
        zsl_insert(zs.zsl, score, member)
        zs.dict[member] = score
    if (zset_length(o) <= server.zset_max_listpack_entries
            and maxelelen <= server.zset_max_listpack_value
            and lp_safe_to_add(None, totelelen)):
        zset_convert(o, OBJ_ENCODING_LISTPACK)
    return o
# --8<-- [end:rdb_load_zset]


def lp_pairs_validate_integrity_and_dups(lp: bytes, deep: bool) -> bool:
    """A listpack of pairs (a hash's, a sorted set's) is well formed,
    and, deep, has an even count of entries and no key twice. Mirrors
    lpPairsValidateIntegrityAndDups()."""
    # BEGIN EXERCISE 10-lp-pairs-validate
    if not deep:
        return lp_validate_integrity(lp, False)
    seen: set[bytes | int] = set()
    count = 0

    def entry_ok(lp: bytes, p: int, numele: int) -> bool:
        nonlocal count
        count += 1
        if count % 2 == 0:
            return True
        key = lp_get(lp, p)
        key = b"%d" % key if type(key) is int else key
        if key in seen:
            return False
        seen.add(key)
        return True

    return lp_validate_integrity(lp, True, entry_ok) and count % 2 == 0
    # END EXERCISE 10-lp-pairs-validate


def rdb_load_pairs_listpack(r: RioReader, deep: bool,
                            line: int, what: str) -> bytes:
    """The listpack of a hash or sorted set, validated."""
    lp = rdb_load_string(r)
    if not lp_pairs_validate_integrity_and_dups(lp, deep):
        raise rdb_report_corrupt_rdb(r, line,
                                     f"{what} listpack integrity check "
                                     "failed.")
    return lp


def rdb_load_zset_listpack(r: RioReader, server,
                           deep: bool) -> RedisObject | None:
    """Mirrors the RDB_TYPE_ZSET_LISTPACK branch."""
    lp = rdb_load_pairs_listpack(r, deep, 2253, "Zset")
    length = lp_length_checked(r, lp, 2253) // 2
    if length == 0:
        return None
    o = create_zset_object()
    o.ptr, o.encoding = lp, OBJ_ENCODING_LISTPACK
    if length > server.zset_max_listpack_entries:
        zset_convert(o, OBJ_ENCODING_SKIPLIST)
    return o


def rdb_load_hash_listpack(r: RioReader, server,
                           deep: bool) -> RedisObject | None:
    """Mirrors the RDB_TYPE_HASH_LISTPACK branch."""
    lp = rdb_load_pairs_listpack(r, deep, 2299, "Hash")
    length = lp_length_checked(r, lp, 2299) // 2
    if length == 0:
        return None
    o = create_hash_object()
    o.ptr = lp
    if length > server.hash_max_listpack_entries:
        hash_type_convert(o)
    return o


# --8<-- [start:rdb_load_hash]
def rdb_load_hash(r: RioReader, server, deep: bool) -> RedisObject | None:
    """A hash saved field by field: into a listpack while each pair
    fits, else a hash table. Mirrors the RDB_TYPE_HASH branch.

    As in Redis, a duplicate field is caught in a hash table always,
    but in a listpack only with deep sanitization.
    """
    count = rdb_load_len(r)
    if count == 0:
        return None
    o = create_hash_object()
    if count > server.hash_max_listpack_entries:
        hash_type_convert(o)
    seen: set[bytes] | None = set() if deep else None
    pairs: list[bytes] = []
    total = 0  # the bytes of the strings in pairs: lpSafeToAdd()'s bound
    for _ in range(count):
        field, value = rdb_load_string(r), rdb_load_string(r)
        if o.encoding == OBJ_ENCODING_LISTPACK:
            if seen is not None:
                if field in seen:
                    raise rdb_report_corrupt_rdb(
                        r, 1950, "Hash with dup elements")
                seen.add(field)
            limit = server.hash_max_listpack_value
            total += len(field) + len(value)
            if (len(field) <= limit and len(value) <= limit
                    and lp_safe_to_add(None, total)):
                pairs += (field, value)
                continue
            o.ptr = lp_from_entries(pairs)
            hash_type_convert(o)
        if field in o.ptr:
            raise rdb_report_corrupt_rdb(
                r, 2018, "Duplicate hash fields detected")
        o.ptr[field] = value
    if o.encoding == OBJ_ENCODING_LISTPACK:
        o.ptr = lp_from_entries(pairs)
    return o
# --8<-- [end:rdb_load_hash]


RDB_LOADERS = {
    RDB_TYPE_STRING: rdb_load_string_object,
    RDB_TYPE_LIST_QUICKLIST_2: rdb_load_quicklist,
    RDB_TYPE_SET: rdb_load_set,
    RDB_TYPE_SET_INTSET: rdb_load_intset,
    RDB_TYPE_ZSET_2: rdb_load_zset,
    RDB_TYPE_ZSET_LISTPACK: rdb_load_zset_listpack,
    RDB_TYPE_HASH: rdb_load_hash,
    RDB_TYPE_HASH_LISTPACK: rdb_load_hash_listpack,
}


class LoadedDb:
    """A database being loaded, kept aside until the file checks out."""

    __slots__ = ("id", "dict", "expires")

    def __init__(self, dbid: int) -> None:
        self.id = dbid
        self.dict: dict[bytes, RedisObject] = {}
        self.expires: dict[bytes, int] = {}


def rdb_load_aux_field(r: RioReader, server) -> None:
    """Read an AUX pair and log what Redis logs of it. Mirrors the
    RDB_OPCODE_AUX branch of rdbLoadRio(): unknown fields are skipped."""
    key = rdb_load_string(r).lower()
    value = rdb_load_string(r)
    if key.startswith(b"%"):
        log.info("RDB '%s': %s", key.decode(errors="replace"),
                 value.decode(errors="replace"))
    elif key == b"redis-ver":
        log.info("Loading RDB produced by version %s",
                 value.decode(errors="replace"))
    elif key == b"ctime":
        age = max(int(time.time()) - (resp.string2ll(value) or 0), 0)
        log.info("RDB age %d seconds", age)
    elif key == b"used-mem":
        used = resp.string2ll(value) or 0
        log.info("RDB memory usage when created %.2f Mb", used / 1024**2)
    elif key == b"aof-base" and resp.string2ll(value):
        log.info("RDB is base AOF")


# --8<-- [start:rdb_load_rio]
def rdb_load_rio(r: RioReader, server, deep: bool = False,
                 rdbflags: int = RDBFLAGS_NONE) -> list[LoadedDb]:
    """Read a whole RDB stream into new databases. Mirrors rdbLoadRio():
    the magic, then opcodes until EOF, then the checksum. Keys already
    expired are dropped, as a master does. Raises RdbError."""
    magic = r.read(9)
    if magic[:5] != b"REDIS":
        raise RdbError("Wrong signature trying to load DB from file")
    digits = magic[5:]
    version = int(digits) if digits.isdigit() else 0  # atoi()
    if not 1 <= version <= RDB_VERSION:
        raise RdbError(f"Can't handle RDB format version {version}")
    dbs = [LoadedDb(i) for i in range(server.dbnum)]
    db = dbs[0]
    expiretime, now = -1, mstime()
    loaded = expired = 0
    while True:
        rdbtype = r.read_byte()
        if rdbtype == RDB_OPCODE_EXPIRETIME_MS:
            expiretime = int.from_bytes(r.read(8), "little", signed=True)
            continue
        if rdbtype == RDB_OPCODE_EXPIRETIME:
            expiretime = int.from_bytes(r.read(4), "little",
                                        signed=True) * 1000
            continue
        if rdbtype in (RDB_OPCODE_FREQ, RDB_OPCODE_IDLE):
            r.read_byte() if rdbtype == RDB_OPCODE_FREQ else rdb_load_len(r)
            continue
        if rdbtype == RDB_OPCODE_EOF:
            break
        if rdbtype == RDB_OPCODE_SELECTDB:
            db = select_loaded_db(dbs, rdb_load_len(r))
            continue
        if rdbtype == RDB_OPCODE_RESIZEDB:
            rdb_load_len(r), rdb_load_len(r)  # a size hint: no use here
            continue
        if rdbtype == RDB_OPCODE_AUX:
            rdb_load_aux_field(r, server)
            continue
        key = rdb_load_string(r)
        value = rdb_load_object(rdbtype, r, server, deep)
        if value is None:
            log.warning("rdbLoadObject skipping empty key: %s",
                        key.decode(errors="replace"))
        elif expiretime != -1 and expiretime < now:
            expired += 1
        else:
            add_loaded_key(db, key, value, expiretime, rdbflags)
            loaded += 1
        expiretime = -1
    rdb_load_check_checksum(r, server, version)
    log.info("Done loading RDB, keys loaded: %d, keys expired: %d.",
             loaded, expired)
    return dbs
# --8<-- [end:rdb_load_rio]


def select_loaded_db(dbs: list[LoadedDb], dbid: int) -> LoadedDb:
    """Mirrors the SELECTDB branch. Redis exits the server here."""
    if dbid >= len(dbs):
        raise RdbError("FATAL: Data file was created with a Redis server "
                       f"configured to handle more than {len(dbs)} "
                       "databases. Exiting\n")
    return dbs[dbid]


def add_loaded_key(db: LoadedDb, key: bytes, value: RedisObject,
                   expiretime: int, rdbflags: int) -> None:
    """Mirrors dbAddRDBLoad() and setExpire() in rdbLoadRio()."""
    if key in db.dict:
        if not rdbflags & RDBFLAGS_ALLOW_DUP:
            raise duplicated_key_error(key, db.id)
        db.expires.pop(key, None)  # dbSyncDelete(): the value and its TTL
    db.dict[key] = value
    if expiretime != -1:
        db.expires[key] = expiretime


def duplicated_key_error(key: bytes, dbid: int) -> RdbError:
    return RdbError(f"RDB has duplicated key '{key.decode('latin-1')}' in "
                    f"DB {dbid}: Duplicated key found in RDB file")


# --8<-- [start:rdb_load_check_checksum]
def rdb_load_check_checksum(r: RioReader, server, version: int) -> None:
    """The 8 bytes after EOF, from RDB 5 on. Mirrors the end of
    rdbLoadRio(): 0 means the writer did not compute one, and a reader
    with rdbchecksum off does not check."""
    if version < 5:
        return
    expected = crc64(0, r.data[:r.pos]) if server.rdb_checksum else 0
    cksum = int.from_bytes(r.read(8), "little")
    if not server.rdb_checksum:
        return
    if cksum == 0:
        log.warning("RDB file was saved with checksum disabled: "
                    "no check performed.")
    elif cksum != expected:
        log.warning("Wrong RDB checksum expected: (%x) but got (%x). "
                    "Aborting now.", expected, cksum)
        raise rdb_report_corrupt_rdb(r, 3216, "RDB CRC error")
# --8<-- [end:rdb_load_check_checksum]


# --8<-- [start:rdb_load]
def rdb_load(server, filename: str, rdbflags: int = RDBFLAGS_NONE) -> None:
    """Add the keys in `filename` to the databases, which the caller has
    emptied (but for DEBUG RELOAD NOFLUSH). Mirrors rdbLoad(). Raises
    OSError if the file cannot be read, RdbError if it is corrupt or
    holds a key already in memory (and RDBFLAGS_ALLOW_DUP is not set):
    then no database has changed.

    Simplified: Redis loads key by key into the databases; on a corrupt
    file it runs redis-check-rdb and exits, on a duplicated key it
    panics, half loaded. We load aside, check, then install; the caller
    decides what a failure means.
    """
    with open(filename, "rb") as f:
        data = f.read()
    dbs = rdb_load_rio(RioReader(data), server,
                       server.sanitize_dump_payload == SANITIZE_DUMP_YES,
                       rdbflags)
    rdb_install_loaded_dbs(server, dbs, rdbflags)
# --8<-- [end:rdb_load]


def rdb_install_loaded_dbs(server, dbs: list[LoadedDb],
                           rdbflags: int = RDBFLAGS_NONE) -> None:
    """Add the databases loaded aside to the server's. An empty one (the
    usual case) takes the loaded tables whole; into keys already there,
    a key loaded again is an error, or replaces the one in memory under
    RDBFLAGS_ALLOW_DUP, as in rdbLoadRio()."""
    if not rdbflags & RDBFLAGS_ALLOW_DUP:
        for db, loaded in zip(server.db, dbs):
            if db.dict:  # only DEBUG RELOAD NOFLUSH loads into keys
                for key in loaded.dict:
                    if key in db.dict:
                        raise duplicated_key_error(key, db.id)
    for db, loaded in zip(server.db, dbs):
        if not db.dict:
            db.dict = loaded.dict
            db.expires = loaded.expires
            db.expire_ring = deque(loaded.expires)
            continue
        for key, value in loaded.dict.items():
            db_delete(db, key)  # dbSyncDelete(): the value and its TTL
            db.dict[key] = value
            if key in loaded.expires:
                set_expire(db, key, loaded.expires[key])


# DUMP and RESTORE. Redis keeps them in cluster.c, for MIGRATE.

# --8<-- [start:create_dump_payload]
def create_dump_payload(o: RedisObject, compress: bool) -> bytes:
    """A value's type and serialisation, then the RDB version (2 bytes)
    and a CRC64 of all that (8 bytes), both little-endian. Mirrors
    createDumpPayload() in cluster.c."""
    out = bytearray()
    rdb_save_object_type(out, o)
    rdb_save_object(out, o, compress)
    out += RDB_VERSION.to_bytes(2, "little")
    out += crc64(0, out).to_bytes(8, "little")
    return bytes(out)
# --8<-- [end:create_dump_payload]


# --8<-- [start:verify_dump_payload]
def verify_dump_payload(p: bytes) -> bool:
    """Whether the footer is right: a version this server reads, and a
    matching CRC64. Mirrors verifyDumpPayload()."""
    if len(p) < 10:
        return False
    if int.from_bytes(p[-10:-8], "little") > RDB_VERSION:
        return False
    return crc64(0, p[:-8]) == int.from_bytes(p[-8:], "little")
# --8<-- [end:verify_dump_payload]


@command("dump", 2, "readonly", acl="keyspace", group="generic",
         since="2.6.0", synopsis="key", keys=(1, 1, 1),
         complexity="O(1) to access the key and additional O(N*M) to "
         "serialize it, where N is the number of Redis objects composing "
         "the value and M their average size. For small string values "
         "the time complexity is thus O(1)+O(1*M) where M is small, so "
         "simply O(1).",
         summary="Return a serialized version of the value stored at "
         "the specified key.")
def dump_command(c) -> None:
    """Mirrors dumpCommand(): null for a missing key."""
    o = lookup_key_read(c.db, c.argv[1])
    if o is None:
        c.add_reply(resp.null(c.resp))
        return
    payload = create_dump_payload(o, c.server.rdb_compression)
    c.add_reply(resp.bulk(payload))


class RestoreOptions:
    """RESTORE's options after key ttl payload."""

    __slots__ = ("replace", "absttl", "lru_idle", "lfu_freq")

    def __init__(self) -> None:
        self.replace = self.absttl = False
        self.lru_idle = self.lfu_freq = -1


def parse_restore_options(argv: list[bytes]) -> RestoreOptions:
    """Mirrors the option loop of restoreCommand(): IDLETIME and FREQ
    exclude each other (the second is a syntax error)."""
    opts = RestoreOptions()
    j = 4
    while j < len(argv):
        option = argv[j].lower()
        more = j + 1 < len(argv)
        if option == b"replace":
            opts.replace = True
        elif option == b"absttl":
            opts.absttl = True
        elif option == b"idletime" and more and opts.lfu_freq == -1:
            opts.lru_idle = get_long_long(argv[j + 1])
            if opts.lru_idle < 0:
                raise CommandError("Invalid IDLETIME value, must be >= 0")
            j += 1
        elif option == b"freq" and more and opts.lru_idle == -1:
            opts.lfu_freq = get_long_long(argv[j + 1])
            if not 0 <= opts.lfu_freq <= 255:
                raise CommandError(
                    "Invalid FREQ value, must be >= 0 and <= 255")
            j += 1
        else:
            raise CommandError(SYNTAX_ERROR)
        j += 1
    return opts


def restore_deep_sanitize(c) -> bool:
    """Whether RESTORE checks every entry of a listpack or intset:
    sanitize-dump-payload yes, or clients (RESTORE always comes from a
    client here: no replication, no ACL skip flag)."""
    return c.server.sanitize_dump_payload in (SANITIZE_DUMP_YES,
                                              SANITIZE_DUMP_CLIENTS)


def restore_load_payload(c, payload: bytes) -> RedisObject:
    """The value in a verified payload, or "Bad data format". Reads may
    run into the footer, as Redis's do: the rio covers the payload."""
    r = RioReader(payload)
    try:
        rdbtype = r.read_byte()
        o = rdb_load_object(rdbtype, r, c.server, restore_deep_sanitize(c))
    except RdbError as e:
        log.debug("%s", e)
        o = None
    if o is None:
        raise CommandError("Bad data format")
    return o


# --8<-- [start:restore_command]
@command("restore", -4, "write denyoom", acl="keyspace dangerous",
         group="generic", since="2.6.0",
         synopsis="key ttl serialized-value [REPLACE] [ABSTTL] "
         "[IDLETIME seconds] [FREQ frequency]", keys=(1, 1, 1),
         complexity="O(1) to create the new key and additional O(N*M) "
         "to reconstruct the serialized value, where N is the number of "
         "Redis objects composing the value and M their average size. "
         "For small string values the time complexity is thus "
         "O(1)+O(1*M) where M is small, so simply O(1). However for "
         "sorted set values the complexity is O(N*M*log(N)) because "
         "inserting values into sorted sets is O(log(N)).",
         summary="Create a key using the provided serialized value, "
         "previously obtained using DUMP.")
def restore_command(c) -> None:
    """Mirrors restoreCommand(): options, then BUSYKEY, the TTL, the
    footer, the value; a TTL already past deletes instead of adding."""
    opts = parse_restore_options(c.argv)
    key = c.argv[1]
    if not opts.replace and lookup_key_write(c.db, key) is not None:
        raise CommandError("-BUSYKEY Target key name already exists.")
    ttl = get_long_long(c.argv[2])
    if ttl < 0:
        raise CommandError("Invalid TTL value, must be >= 0")
    if not verify_dump_payload(c.argv[3]):
        raise CommandError("DUMP payload version or checksum are wrong")
    o = restore_load_payload(c, c.argv[3])
    deleted = opts.replace and db_delete(c.db, key)
    if ttl and not opts.absttl:
        ttl += mstime()
    if ttl and check_already_expired(ttl):
        if deleted:
            signal_modified_key(c.db, key)
            notify_keyspace_event(c.server, NOTIFY_GENERIC, b"del", key,
                                  c.db.id)
            c.server.dirty += 1
        c.add_reply(resp.OK)
        return
    db_add(c.db, key, o)
    if ttl:
        set_expire(c.db, key, ttl)
    object_set_lru_or_lfu(c.server, o, opts.lru_idle)
    signal_modified_key(c.db, key)
    notify_keyspace_event(c.server, NOTIFY_GENERIC, b"restore", key,
                          c.db.id)
    c.add_reply(resp.OK)
    c.server.dirty += 1
# --8<-- [end:restore_command]


def object_set_lru_or_lfu(server, o: RedisObject, lru_idle: int) -> None:
    """Backdate the object's clock by `lru_idle` seconds, unless the
    maxmemory-policy is an LFU one. Mirrors objectSetLRUOrLFU(); a
    clock that would go below 0 wraps, as the 24-bit field does.

    Simplified: FREQ is parsed and checked, then dropped: there is no
    LFU counter (Redis sets one under an LFU policy).
    """
    if lru_idle < 0 or server.maxmemory_policy & MAXMEMORY_FLAG_LFU:
        return
    lru_abs = lru_clock() - lru_idle * 1000 // LRU_CLOCK_RESOLUTION
    if lru_abs < 0:
        lru_abs += LRU_CLOCK_MAX
    o.lru = lru_abs & LRU_CLOCK_MAX


# ----------------------------------------------------------------------
# Saving to disk: SAVE, BGSAVE, the child, and the parent reaping it.
# Mirrors the second half of rdb.c (rdbSave(), rdbSaveBackground(),
# backgroundSaveDoneHandler(), saveCommand(), bgsaveCommand()).


C_OK, C_ERR = True, False  # server.lastbgsave_status
CHILD_TYPE_NONE, CHILD_TYPE_RDB = 0, 1  # server.child_type
CONFIG_BGSAVE_RETRY_DELAY = 5  # seconds before a failed BGSAVE is retried
SERVER_CHILD_NOERROR_RETVAL = 255  # a child that was told to stop
ERR = b"-ERR\r\n"  # shared.err: "the log says why"


# --8<-- [start:rdb_save_to_disk]
def rdb_save_to_disk(server, filename: bytes) -> bool:
    """Write the dataset to a temporary file, then rename it over
    `filename`; True on success. Mirrors rdbSave() in rdb.c.

    The rename is the commit: until it happens the old file is whole,
    and after it the new one is, whatever dies when. The temp file is
    named after the process that writes it, so a parent can find and
    remove the leftovers of a child that died.
    """
    tmpfile = f"temp-{os.getpid()}.rdb"
    try:
        open(tmpfile, "wb").close()
    except OSError as err:
        log.warning("Failed opening the temp RDB file %s (in server root "
                    "dir %s) for saving: %s", tmpfile, server_root_dir(),
                    err.strerror)
        return False
    try:
        rdb_key_save_delay(server)
        rdb_save(server, tmpfile)  # writes, flushes and fsyncs
        os.rename(tmpfile, filename)
        fsync_file_dir(filename)
    except OSError as err:
        log.warning("Write error saving DB on disk: %s", err.strerror)
        remove_quietly(tmpfile)
        return False
    log.info("DB saved on disk")
    server.dirty = 0
    server.lastsave = int(time.time())
    server.lastbgsave_status = C_OK
    return True
# --8<-- [end:rdb_save_to_disk]


def server_root_dir() -> str:
    try:
        return os.getcwd()
    except OSError:
        return "unknown"


def remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def rdb_key_save_delay(server) -> None:
    """Slow the save down on purpose, for tests that must catch a child
    at work (config rdb-key-save-delay, microseconds per key).

    Simplified: Redis sleeps after each key it writes; we sleep once,
    for every key, before writing any.
    """
    if server.rdb_key_save_delay > 0:
        keys = sum(len(db.dict) for db in server.db)
        time.sleep(server.rdb_key_save_delay * keys / 1e6)


# --8<-- [start:rdb_save_background]
def rdb_save_background(server, filename: bytes) -> bool:
    """Fork; the child saves while the parent goes on serving.

    Mirrors rdbSaveBackground() in rdb.c. Returns True if the child was
    started; the parent learns how it ended in server_cron
    (check_children_done). The child has a copy of everything as it
    stood at the fork, which is what makes the file a snapshot: the
    kernel copies a page only when one side writes to it.
    """
    if server.child_type != CHILD_TYPE_NONE:
        return False
    server.stat_rdb_saves += 1
    server.dirty_before_bgsave = server.dirty
    server.lastbgsave_try = int(time.time())
    open_child_info_pipe(server)
    sys.stdout.flush()  # or the child would write what is buffered again
    sys.stderr.flush()
    try:
        childpid = os.fork()
    except OSError as err:
        close_child_info_pipe(server)
        server.lastbgsave_status = C_ERR
        log.warning("Can't save in background: fork: %s", err.strerror)
        return False
    if childpid == 0:
        rdb_save_child(server, filename)  # never returns
    log.info("Background saving started by pid %d", childpid)
    server.rdb_save_time_start = int(time.time())
    server.child_type = CHILD_TYPE_RDB
    server.child_pid = childpid
    return True
# --8<-- [end:rdb_save_background]


# --8<-- [start:rdb_save_child]
def rdb_save_child(server, filename: bytes) -> None:
    """The child's whole life: save, report, exit with 0 or 1.

    It must never return into the parent's code: the event loop would
    run twice, serving the same sockets. os._exit() ends it without
    running atexit handlers or flushing buffers the parent owns, and
    without printing an exception: one is logged first, or a bug in
    the saving code would show only as "Background saving error".
    """
    status = 1
    try:
        set_up_child(server)
        if rdb_save_to_disk(server, filename):
            keys = sum(len(db.dict) for db in server.db)
            send_child_cow_info(server, keys, "RDB")
            status = 0
    except Exception:
        log.warning("Background saving failed", exc_info=True)
    finally:
        os._exit(status)  # exitFromChild()
# --8<-- [end:rdb_save_child]


# --8<-- [start:set_up_child]
def set_up_child(server) -> None:
    """What a child does first. Mirrors the child's half of redisFork():
    default signal handlers (the parent's would raise into our code),
    the listening socket closed (closeChildUnusedResourceAfterFork()),
    log lines marked C, not M.

    The garbage collector is turned off: a collection writes to every
    object it visits, and each write copies a page the parent shares.
    """
    gc.disable()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if server.listener is not None:
        server.listener.close()
    for handler in logging.getLogger().handlers:
        fmt = handler.formatter._fmt.replace(":M ", ":C ")
        handler.setFormatter(logging.Formatter(fmt, handler.formatter.datefmt))
# --8<-- [end:set_up_child]


# --8<-- [start:check_children_done]
def check_children_done(server) -> None:
    """Reap a child that has exited, if any; never wait for one.

    Mirrors checkChildrenDone() in server.c, which server_cron calls
    while a child runs: waitpid() with WNOHANG returns at once, with the
    child's pid and how it ended, or with 0 if it is still at work.
    """
    # BEGIN EXERCISE 10-check-children-done
    try:
        pid, status = os.waitpid(-1, os.WNOHANG)
    except ChildProcessError as err:
        log.warning("waitpid() returned an error: %s. child_type: RDB, "
                    "child_pid = %d", err.strerror, server.child_pid)
        return
    if pid == 0:
        return
    exitcode = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    bysignal = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
    if exitcode == SERVER_CHILD_NOERROR_RETVAL:
        bysignal, exitcode = signal.SIGUSR1, 1
    if pid != server.child_pid:
        log.warning("Warning, detected child with unmatched pid: %d", pid)
        return
    background_save_done_handler(server, exitcode, bysignal)
    if not bysignal and exitcode == 0:
        receive_child_info(server)
    reset_child_state(server)
    # END EXERCISE 10-check-children-done
# --8<-- [end:check_children_done]


# --8<-- [start:background_save_done_handler]
def background_save_done_handler(server, exitcode: int,
                                 bysignal: int) -> None:
    """Record how the BGSAVE ended. Mirrors backgroundSaveDoneHandler()
    and backgroundSaveDoneHandlerDisk() in rdb.c.

    On success, the writes made while the child worked are still unsaved
    (dirty minus what it was at the fork). A child killed by a signal
    left its temp file behind: the parent removes it.
    """
    if not bysignal and exitcode == 0:
        log.info("Background saving terminated with success")
        server.dirty -= server.dirty_before_bgsave
        server.lastsave = int(time.time())
        server.lastbgsave_status = C_OK
    elif not bysignal:
        log.warning("Background saving error")
        server.lastbgsave_status = C_ERR
    else:
        log.warning("Background saving terminated by signal %d", bysignal)
        rdb_remove_temp_file(server.child_pid)
        # SIGUSR1 is how Redis stops its own child: no error then.
        if bysignal != signal.SIGUSR1:
            server.lastbgsave_status = C_ERR
    server.rdb_save_time_last = int(time.time()) - server.rdb_save_time_start
    server.rdb_save_time_start = -1
# --8<-- [end:background_save_done_handler]


def reset_child_state(server) -> None:
    """Mirrors resetChildState() in server.c."""
    server.child_type = CHILD_TYPE_NONE
    server.child_pid = -1
    server.stat_current_cow_peak = 0
    close_child_info_pipe(server)


# --8<-- [start:rdb_remove_temp_file]
def rdb_remove_temp_file(childpid: int) -> None:
    """Remove the temp file a dead child left. Mirrors rdbRemoveTempFile().

    Simplified: Redis unlinks it in a background thread (bg_unlink()),
    as removing a big file can take the kernel a while.
    """
    remove_quietly(f"temp-{childpid}.rdb")
# --8<-- [end:rdb_remove_temp_file]


def kill_rdb_child(server) -> None:
    """Stop the child with SIGUSR1, which is no error. Mirrors
    killRDBChild(): check_children_done() cleans up later."""
    os.kill(server.child_pid, signal.SIGUSR1)


def rdb_load_at_startup(server) -> None:
    """Load the RDB file, if there is one. Mirrors the RDB half of
    loadDataFromDisk() in server.c: a missing file is an empty dataset,
    any other failure ends the process."""
    start = time.monotonic()
    try:
        server.loading = True
        rdb_load(server, os.fsdecode(server.rdb_filename))
    except FileNotFoundError:
        return
    except OSError as err:
        log.warning("Fatal error loading the DB: %s. Exiting.", err.strerror)
        sys.exit(1)
    except RdbError as err:
        log.warning("%s", err)
        log.warning("Terminating server after rdb file reading failure.")
        sys.exit(1)
    finally:
        server.loading = False
    log.info("DB loaded from disk: %.3f seconds", time.monotonic() - start)


# --8<-- [start:save_command]
@command("save", 1, "admin noscript no_async_loading no_multi",
         group="server", since="1.0.0",
         complexity="O(N) where N is the total number of keys in all "
                    "databases",
         summary="Synchronously save the dataset to disk")
def save_command(c) -> None:
    """Save in the server's own process: every client waits. Mirrors
    saveCommand() in rdb.c."""
    server = c.server
    if server.child_type == CHILD_TYPE_RDB:
        c.add_reply(resp.error("Background save already in progress"))
        return
    server.stat_rdb_saves += 1
    if rdb_save_to_disk(server, server.rdb_filename):
        c.add_reply(resp.OK)
    else:
        c.add_reply(ERR)
# --8<-- [end:save_command]


# --8<-- [start:bgsave_command]
@command("bgsave", -1, "admin noscript no_async_loading",
         group="server", since="1.0.0", synopsis="[SCHEDULE]",
         summary="Asynchronously save the dataset to disk")
def bgsave_command(c) -> None:
    """Mirrors bgsaveCommand() in rdb.c. Inside MULTI/EXEC the fork
    waits (scheduled) until the transaction is over; server_cron starts
    it."""
    server = c.server
    if len(c.argv) > 1 and (len(c.argv) > 2
                            or c.argv[1].lower() != b"schedule"):
        c.add_reply(resp.error(SYNTAX_ERROR))
    elif server.child_type == CHILD_TYPE_RDB:
        c.add_reply(resp.error("Background save already in progress"))
    elif server.in_exec:
        server.rdb_bgsave_scheduled = True
        c.add_reply(b"+Background saving scheduled\r\n")
    elif rdb_save_background(server, server.rdb_filename):
        c.add_reply(b"+Background saving started\r\n")
    else:
        c.add_reply(ERR)
# --8<-- [end:bgsave_command]
