"""bitops.py: strings as arrays of bits. Redis: src/bitops.c.

Any string is also a bitmap. Bit 0 is the most significant bit of byte 0
and bit 7 its least significant; bit 8 is the top bit of byte 1, and so
on: the bits read left to right, as the string is written in binary.
SETBIT and GETBIT address one bit, BITCOUNT and BITPOS scan a range of
bytes or bits, BITOP combines whole strings, and BITFIELD reads and
writes integers of 1 to 64 bits at any bit offset, in the same order
(big endian, even when a field straddles bytes). A write past the end
grows the string with zero bytes; a read past the end sees zeros.

Steps:
  04_datatypes  SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO
  06_encodings  string objects: a write leaves a RAW string, an INT is
                read as its digits
  09_pubsub     keyspace events: setbit (SETBIT, BITFIELD), set and del
                (BITOP)

Simplified: Redis grows and edits its sds string in place, so SETBIT and
a BITFIELD write cost O(1). A bytes value cannot change: each write here
copies the string into a bytearray and stores a new bytes, O(N) in the
length of the string.
"""

import functools
import operator
from dataclasses import dataclass

import resp
from commands import SYNTAX_ERROR, CommandError, command, get_long_long
from db import (
    db_add,
    db_delete,
    lookup_key_read,
    lookup_key_write,
    set_key,
    signal_modified_key,
)
from notify import NOTIFY_GENERIC, NOTIFY_STRING, notify_keyspace_event
from object import (
    OBJ_STRING,
    RedisObject,
    create_object,
    create_raw_string_object,
    db_unshare_string_value,
    string_bytes,
)

BIT_OFFSET_ERROR = "bit offset is not an integer or out of range"
BIT_VALUE_ERROR = "bit is not an integer or out of range"
BITFIELD_TYPE_ERROR = ("Invalid bitfield type. Use something like i16 u8. "
                       "Note that u64 is not supported but i64 is.")

# BITFIELD's operations and overflow policies, as bitops.c numbers them.
BITFIELDOP_GET, BITFIELDOP_SET, BITFIELDOP_INCRBY = 0, 1, 2
BFOVERFLOW_WRAP, BFOVERFLOW_SAT, BFOVERFLOW_FAIL = 0, 1, 2
OVERFLOW_TYPES = {b"wrap": BFOVERFLOW_WRAP, b"sat": BFOVERFLOW_SAT,
                  b"fail": BFOVERFLOW_FAIL}

# Each byte's complement, for BITOP NOT: bytes.translate() maps a whole
# string through it in one pass in C.
INVERT = bytes(0xFF - byte for byte in range(256))
# Runs of the byte that holds no bit we look for: no 1 in 0x00, no 0 in
# 0xFF. BITPOS compares a string with them a chunk at a time.
BITPOS_CHUNK = 64 * 1024
SKIP_CHUNK = {1: bytes(BITPOS_CHUNK), 0: b"\xff" * BITPOS_CHUNK}


def keyword(arg: bytes) -> bytes:
    """An option as Redis's strcasecmp() sees it: lower case, and cut at
    a NUL byte (so "bit\\0x" is BIT)."""
    return resp.c_string(arg).lower()


def wrap_int64(value: int) -> int:
    """`value` as a C int64_t holds it: modulo 2**64, in two's complement.

    Redis computes offsets and limits in 64-bit arithmetic, where a
    result too big wraps around; where that shows on the wire, we copy it.
    """
    return (value + 2**63) % 2**64 - 2**63


def get_bit_offset_from_argument(c, arg: bytes, hash: bool = False,
                                 bits: int = 0) -> int:
    """Parse a bit offset. Mirrors getBitOffsetFromArgument().

    An offset must address a bit inside the longest string a client
    could send, proto-max-bulk-len bytes (512 MB: offsets below 2**32).
    BITFIELD (`hash`) also takes "#N", the N-th field of `bits` bits:
    offset N * bits, a product that wraps around in 64 bits as in C.
    """
    use_hash = hash and bits > 0 and arg[:1] == b"#"
    offset = resp.string2ll(arg[1:] if use_hash else arg)
    if offset is None:
        raise CommandError(BIT_OFFSET_ERROR)
    if use_hash:
        offset = wrap_int64(offset * bits)
    if offset < 0 or offset >> 3 >= c.server.proto_max_bulk_len:
        raise CommandError(BIT_OFFSET_ERROR)
    return offset


def get_bitfield_type_from_argument(arg: bytes) -> tuple[bool, int]:
    """Parse "i8" or "u16": (signed, bits). Mirrors
    getBitfieldTypeFromArgument().

    Signed fields have 1 to 64 bits, unsigned ones 1 to 63: a u64 could
    not be replied as a RESP integer, which is a signed 64-bit number.
    Redis reads the width with strlen(), so a NUL byte ends the type.
    """
    text = resp.c_string(arg)
    signed = text[:1] == b"i"
    bits = resp.string2ll(text[1:])
    if text[:1] not in (b"i", b"u") or bits is None or not (
            1 <= bits <= (64 if signed else 63)):
        raise CommandError(BITFIELD_TYPE_ERROR)
    return signed, bits


def lookup_string_for_bit_command(c, maxbit: int) -> tuple[RedisObject,
                                                           bytearray]:
    """The string at argv[1], long enough to hold bit `maxbit`.

    Mirrors lookupStringForBitCommand(): WRONGTYPE for another type;
    a missing key is added, an existing string made RAW and the key's
    own; zero bytes are added as needed. Returns the string object and
    a bytearray of its bytes to edit; store_string_for_bit_command()
    saves them.
    """
    o = lookup_key_write(c.db, c.argv[1], OBJ_STRING)
    if o is None:
        o = create_raw_string_object(b"")
        db_add(c.db, c.argv[1], o)
    else:
        o = db_unshare_string_value(c.db, c.argv[1], o)
    buf = bytearray(o.ptr)
    size = (maxbit >> 3) + 1
    if len(buf) < size:
        buf.extend(bytes(size - len(buf)))
    return o, buf


def store_string_for_bit_command(o: RedisObject, buf: bytearray) -> None:
    """Store the edited bytes in the string object.

    Redis has no such step: it edits its string in place. We store the
    edited copy.
    """
    o.ptr = bytes(buf)


@command("setbit", 4, "write denyoom", acl="bitmap", group="bitmap",
         since="2.2.0", synopsis="key offset value", keys=(1, 1, 1),
         summary="Set or clear one bit of a string; reply with its old "
                 "value")
def set_bit_command(c) -> None:
    """Mirrors setbitCommand(): the arguments are checked before the key.

    Bit `offset` is bit 7 - offset % 8 of byte offset // 8, counting
    from the least significant bit: bit 0 is the byte's top bit.
    """
    offset = get_bit_offset_from_argument(c, c.argv[2])
    on = get_long_long(c.argv[3], BIT_VALUE_ERROR)
    if on not in (0, 1):
        raise CommandError(BIT_VALUE_ERROR)
    o, buf = lookup_string_for_bit_command(c, offset)
    byte, shift = offset >> 3, 7 - (offset & 7)
    old = buf[byte] >> shift & 1
    grown = len(buf) > len(o.ptr)  # or new: a change, whatever the bit
    buf[byte] = buf[byte] & ~(1 << shift) | on << shift
    store_string_for_bit_command(o, buf)
    if grown or old != on:
        signal_modified_key(c.db, c.argv[1])
        c.server.dirty += 1
        notify_keyspace_event(c.server, NOTIFY_STRING, b"setbit", c.argv[1],
                              c.db.id)
    c.add_reply(resp.integer(old))


@command("getbit", 3, "readonly fast", acl="bitmap", group="bitmap",
         since="2.2.0", synopsis="key offset", keys=(1, 1, 1),
         summary="Read one bit of a string (0 past its end)")
def get_bit_command(c) -> None:
    """Mirrors getbitCommand(): a missing key is all zeros."""
    offset = get_bit_offset_from_argument(c, c.argv[2])
    o = lookup_key_read(c.db, c.argv[1], OBJ_STRING)
    value = b"" if o is None else string_bytes(o)
    byte = offset >> 3
    bit = 0
    if byte < len(value):
        bit = value[byte] >> (7 - (offset & 7)) & 1
    c.add_reply(resp.integer(bit))


@command("bitop", -4, "write denyoom", acl="bitmap", group="bitmap",
         since="2.6.0", synopsis="operation destkey key [key ...]",
         keys=(2, -1, 1), complexity="O(N)",
         summary="Store the AND, OR, XOR of strings, or the NOT of one")
def bitop_command(c) -> None:
    """Mirrors bitopCommand(): a missing key, and the bytes past the end
    of a shorter string, count as zeros. The result is as long as the
    longest source, a RAW string whatever its length; an empty result
    deletes the destination."""
    op = keyword(c.argv[1])
    if op not in (b"and", b"or", b"xor", b"not"):
        raise CommandError(SYNTAX_ERROR)
    if op == b"not" and len(c.argv) != 4:
        raise CommandError("BITOP NOT must be called with a single source "
                           "key.")
    objects = [lookup_key_read(c.db, key, OBJ_STRING) for key in c.argv[3:]]
    sources = [b"" if o is None else string_bytes(o) for o in objects]
    maxlen = max(map(len, sources))
    if maxlen == 0:
        if db_delete(c.db, c.argv[2]):
            signal_modified_key(c.db, c.argv[2])
            c.server.dirty += 1
            notify_keyspace_event(c.server, NOTIFY_GENERIC, b"del",
                                  c.argv[2], c.db.id)
        c.add_reply(resp.integer(0))
        return
    if op == b"not":
        result = sources[0].translate(INVERT)
    else:
        result = bitop(op, sources, maxlen)
    set_key(c.db, c.argv[2], create_object(OBJ_STRING, result))
    c.server.dirty += 1
    notify_keyspace_event(c.server, NOTIFY_STRING, b"set", c.argv[2],
                          c.db.id)
    c.add_reply(resp.integer(maxlen))


def bitop(op: bytes, sources: list[bytes], maxlen: int) -> bytes:
    """AND, OR or XOR `sources` together, as one big integer each.

    Read little endian, a string is the same number as that string
    padded with zero bytes at its end, which is exactly how BITOP reads
    a shorter source. Redis combines a machine word at a time; a Python
    int combines all of it in one C loop.
    """
    combine = {b"and": operator.and_, b"or": operator.or_,
               b"xor": operator.xor}[op]
    numbers = (int.from_bytes(source, "little") for source in sources)
    return functools.reduce(combine, numbers).to_bytes(maxlen, "little")


# BITCOUNT and BITPOS look at a range of a string: [start, end], both
# included, in bytes or (7.0's BIT) in bits, negative counting from the
# end. Both turn it into a range of bits, [lo, hi]. Whole bytes are then
# handled in bulk by Python's own C loops (int.bit_count(), a comparison
# of bytes): a Python loop over the bytes of a 512 MB string takes about
# 20 seconds, over its bits minutes. Only the first and last byte may
# hold bits outside the range: they are looked at alone, those bits
# masked out.

def get_index_unit(arg: bytes) -> bool:
    """Read BYTE or BIT; True for BIT."""
    unit = keyword(arg)
    if unit not in (b"bit", b"byte"):
        raise CommandError(SYNTAX_ERROR)
    return unit == b"bit"


def bit_range(start: int, end: int, length: int,
              isbit: bool) -> tuple[int, int]:
    """The range [start, end] of a `length`-byte string, clamped to it,
    as bit positions [lo, hi]; empty when lo > hi. Mirrors the index
    arithmetic shared by bitcountCommand() and bitposCommand()."""
    total = length * 8 if isbit else length
    if start < 0:
        start = max(start + total, 0)
    if end < 0:
        end = max(end + total, 0)
    end = min(end, total - 1)
    return (start, end) if isbit else (start * 8, end * 8 + 7)


def bits_before(pos: int) -> int:
    """The mask of the bits of pos's byte that come before bit `pos`."""
    return 0xFF00 >> (pos & 7) & 0xFF


def bits_after(pos: int) -> int:
    """The mask of the bits of pos's byte that come after bit `pos`."""
    return 0xFF >> ((pos & 7) + 1)


def redis_popcount(s: bytes) -> int:
    """How many bits of `s` are 1. Mirrors redisPopcount(), which counts
    28 bytes per step with bit tricks; int.bit_count() counts them all
    in C, once the bytes are read as one big integer."""
    return int.from_bytes(s, "little").bit_count()


@command("bitcount", -2, "readonly", acl="bitmap", group="bitmap",
         since="2.6.0", synopsis="key [start end [BYTE | BIT]]",
         keys=(1, 1, 1), complexity="O(N)",
         summary="Count the bits set to 1 in a string, or part of it")
def bitcount_command(c) -> None:
    """Mirrors bitcountCommand(), in its order: a missing key counts 0
    before any argument is read, and an empty negative range counts 0
    before BYTE or BIT is read."""
    o = lookup_key_read(c.db, c.argv[1], OBJ_STRING)
    if o is None:
        c.add_reply(resp.integer(0))
        return
    value = string_bytes(o)
    if len(c.argv) == 2:
        lo, hi = bit_range(0, -1, len(value), False)
    elif len(c.argv) in (4, 5):
        start, end = get_long_long(c.argv[2]), get_long_long(c.argv[3])
        if start < 0 and end < 0 and start > end:
            c.add_reply(resp.integer(0))
            return
        isbit = len(c.argv) == 5 and get_index_unit(c.argv[4])
        lo, hi = bit_range(start, end, len(value), isbit)
    else:
        raise CommandError(SYNTAX_ERROR)
    count = 0
    if lo <= hi:
        first, last = lo >> 3, hi >> 3
        count = (redis_popcount(value[first:last + 1])
                 - (value[first] & bits_before(lo)).bit_count()
                 - (value[last] & bits_after(hi)).bit_count())
    c.add_reply(resp.integer(count))


@command("bitpos", -3, "readonly", acl="bitmap", group="bitmap",
         since="2.8.7", synopsis="key bit [start [end [BYTE | BIT]]]",
         keys=(1, 1, 1), complexity="O(N)",
         summary="Find the first bit set to 1, or to 0, in a string")
def bitpos_command(c) -> None:
    """Mirrors bitposCommand(). A missing key is an endless run of
    zeros: the first 0 is at 0, and there is no 1 (-1). Without an end,
    a string is followed by zeros too, so BITPOS of 0 in "\\xff" is 8;
    with an end, the search stops there, and finds no 0 (-1)."""
    bit = get_long_long(c.argv[2])
    if bit not in (0, 1):
        raise CommandError("The bit argument must be 1 or 0.")
    o = lookup_key_read(c.db, c.argv[1], OBJ_STRING)
    if o is None:
        c.add_reply(resp.integer(-1 if bit else 0))
        return
    value = string_bytes(o)
    if len(c.argv) > 6:
        raise CommandError(SYNTAX_ERROR)
    end_given = len(c.argv) >= 5
    start = get_long_long(c.argv[3]) if len(c.argv) > 3 else 0
    isbit = len(c.argv) == 6 and get_index_unit(c.argv[5])
    end = get_long_long(c.argv[4]) if end_given else -1
    lo, hi = bit_range(start, end, len(value), isbit)
    if lo > hi:
        c.add_reply(resp.integer(-1))  # an empty range has no 0 and no 1
        return
    pos = first_bit_in_range(value, bit, lo, hi)
    if pos == -1 and bit == 0 and not end_given:
        pos = hi + 1  # the first of the zeros after the string
    c.add_reply(resp.integer(pos))


def first_bit_in_range(value: bytes, bit: int, lo: int, hi: int) -> int:
    """The position of the first `bit` among bits lo..hi; -1 if none."""
    first, last = lo >> 3, hi >> 3
    if first == last:
        return bit_in_byte(value, first, bit, bits_before(lo)
                           | bits_after(hi))
    pos = bit_in_byte(value, first, bit, bits_before(lo))
    if pos == -1:
        pos = redis_bitpos(value, first + 1, last, bit)
    if pos == -1:
        pos = bit_in_byte(value, last, bit, bits_after(hi))
    return pos


def bit_in_byte(value: bytes, index: int, bit: int, outside: int) -> int:
    """The position of the first `bit` in value[index], not counting
    the bits of the mask `outside`; -1 if there is none."""
    byte = value[index] if bit else value[index] ^ 0xFF
    byte &= ~outside
    if byte == 0:
        return -1
    return index * 8 + 8 - byte.bit_length()  # the top 1 comes first


def redis_bitpos(s: bytes, start: int, end: int, bit: int) -> int:
    """The position (from the start of `s`) of the first `bit` in the
    bytes s[start:end]; -1 if there is none.

    Mirrors redisBitpos(), which skips whole machine words that hold no
    such bit (all zeros when it looks for a 1), then looks into one word.
    Here the words are chunks of 64 KB, each compared with a chunk of
    skip bytes by one memcmp() in C; in the first chunk that differs,
    lstrip() finds the byte. Redis's returns end * 8 for a 0 it cannot
    find, as if zeros followed the bytes; here bitpos_command() decides
    what a missing 0 means.
    """
    skip = SKIP_CHUNK[bit]
    for pos in range(start, end, BITPOS_CHUNK):
        chunk = s[pos:min(pos + BITPOS_CHUNK, end)]
        if chunk != skip[:len(chunk)]:
            index = pos + len(chunk) - len(chunk.lstrip(skip[:1]))
            return bit_in_byte(s, index, bit, 0)
    return -1


# BITFIELD: integers of any width at any bit offset.

@dataclass(slots=True)
class BitfieldOp:
    """One operation of a BITFIELD call. Mirrors struct bitfieldOp."""

    offset: int  # bit offset of the field's most significant bit
    i64: int  # the value to SET, or the INCRBY increment
    opcode: int  # BITFIELDOP_GET, _SET or _INCRBY
    owtype: int  # BFOVERFLOW_WRAP, _SAT or _FAIL
    bits: int  # width, 1 to 64
    sign: bool  # a signed (i) or unsigned (u) integer


# --8<-- [start:get_unsigned_bitfield]
def get_unsigned_bitfield(s: bytes | bytearray, offset: int,
                          bits: int) -> int:
    """Read the `bits`-bit unsigned integer that starts at bit `offset`.

    Mirrors getUnsignedBitfield(), which reads it one bit at a time, most
    significant first. Here the bytes the field touches are read as one
    big-endian integer, whose low bits past the field are shifted out
    and high bits before it masked off. Bytes past the end read as zeros.
    """
    first, last = offset >> 3, (offset + bits - 1) >> 3
    span = s[first:last + 1].ljust(last - first + 1, b"\0")
    after = (last + 1) * 8 - (offset + bits)  # bits after the field
    return int.from_bytes(span, "big") >> after & ((1 << bits) - 1)
# --8<-- [end:get_unsigned_bitfield]


# --8<-- [start:get_signed_bitfield]
def get_signed_bitfield(s: bytes | bytearray, offset: int,
                        bits: int) -> int:
    """Read a `bits`-bit two's complement integer. Mirrors
    getSignedBitfield(): if the field's top bit is 1, the number is
    negative, and its value is the unsigned one minus 2**bits."""
    value = get_unsigned_bitfield(s, offset, bits)
    return value - (1 << bits) if value >> (bits - 1) else value
# --8<-- [end:get_signed_bitfield]


def set_unsigned_bitfield(buf: bytearray, offset: int, bits: int,
                          value: int) -> None:
    """Write the low `bits` bits of `value` at bit `offset`. Mirrors
    setUnsignedBitfield() and setSignedBitfield(): a negative value's
    low bits are its two's complement, as Python's & sees it too."""
    first, last = offset >> 3, (offset + bits - 1) >> 3
    after = (last + 1) * 8 - (offset + bits)
    mask = ((1 << bits) - 1) << after
    span = int.from_bytes(buf[first:last + 1], "big")
    span = span & ~mask | (value << after) & mask
    buf[first:last + 1] = span.to_bytes(last - first + 1, "big")


def check_unsigned_bitfield_overflow(value: int, incr: int, bits: int,
                                     owtype: int) -> int | None:
    """None if value + incr fits `bits` unsigned bits; if not, what to
    store instead. Mirrors checkUnsignedBitfieldOverflow(): WRAP keeps
    the low bits, SAT the nearest limit (FAIL stores nothing)."""
    total, limit = value + incr, (1 << bits) - 1
    if 0 <= total <= limit:
        return None
    if owtype == BFOVERFLOW_WRAP:
        return total & limit
    return limit if total > limit else 0


def check_signed_bitfield_overflow(value: int, incr: int, bits: int,
                                   owtype: int) -> int | None:
    """None if value + incr fits `bits` signed bits; if not, what to
    store instead. Mirrors checkSignedBitfieldOverflow().

    Redis computes the room left above and below the value in 64-bit
    arithmetic. For a SET (incr 0) of a value within 2**(bits-1) of
    -2**63 (for i63: any value below its minimum), the room above wraps
    around, the value counts as too big, and SAT stores the maximum,
    not the minimum. We wrap the same way, so the replies match.
    """
    high, low = 2**(bits - 1) - 1, -2**(bits - 1)
    room_up, room_down = wrap_int64(high - value), wrap_int64(low - value)
    if value > high or (bits != 64 and incr > room_up) or (
            value >= 0 and incr > 0 and incr > room_up):
        limit = high
    elif value < low or (bits != 64 and incr < room_down) or (
            value < 0 and incr < 0 and incr < room_down):
        limit = low
    else:
        return None
    if owtype == BFOVERFLOW_WRAP:
        wrapped = (value + incr) & ((1 << bits) - 1)
        return wrapped - (1 << bits) if wrapped > high else wrapped
    return limit


def parse_bitfield_ops(c) -> list[BitfieldOp]:
    """Read BITFIELD's subcommands, in order; OVERFLOW applies to the
    SET and INCRBY after it. Mirrors the parsing loop of
    bitfieldGeneric(): every argument is checked before any is run."""
    ops, owtype, j = [], BFOVERFLOW_WRAP, 2
    while j < len(c.argv):
        remaining = len(c.argv) - j - 1
        name = keyword(c.argv[j])
        if name == b"overflow" and remaining >= 1:
            owtype = OVERFLOW_TYPES.get(keyword(c.argv[j + 1]))
            if owtype is None:
                raise CommandError("Invalid OVERFLOW type specified")
            j += 2
            continue
        opcode = {b"get": BITFIELDOP_GET, b"set": BITFIELDOP_SET,
                  b"incrby": BITFIELDOP_INCRBY}.get(name)
        if opcode is None or remaining < (2 if opcode == BITFIELDOP_GET
                                          else 3):
            raise CommandError(SYNTAX_ERROR)
        sign, bits = get_bitfield_type_from_argument(c.argv[j + 1])
        offset = get_bit_offset_from_argument(c, c.argv[j + 2], True, bits)
        i64 = 0
        if opcode != BITFIELDOP_GET:
            i64 = get_long_long(c.argv[j + 3])
        ops.append(BitfieldOp(offset, i64, opcode, owtype, bits, sign))
        j += 3 if opcode == BITFIELDOP_GET else 4
    return ops


def bitfield_generic(c, readonly_command: bool) -> None:
    """Run BITFIELD's (or BITFIELD_RO's) operations, one reply each.

    Mirrors bitfieldGeneric(). Only GETs: the key is read, and a missing
    one reads as zeros. Any SET or INCRBY: the string is grown once, up
    to the farthest bit written, even if every write then fails.
    """
    ops = parse_bitfield_ops(c)
    writes = [op for op in ops if op.opcode != BITFIELDOP_GET]
    if not writes:
        o = lookup_key_read(c.db, c.argv[1], OBJ_STRING)
        value = b"" if o is None else string_bytes(o)
        c.add_reply(resp.array_len(len(ops)) + b"".join(
            bitfield_get(value, op) for op in ops))
        return
    if readonly_command:
        raise CommandError("BITFIELD_RO only supports the GET subcommand")
    o, buf = lookup_string_for_bit_command(
        c, max(op.offset + op.bits - 1 for op in writes))
    dirty = len(buf) > len(o.ptr)  # a new key, or a longer string
    replies, changes = [], 0
    for op in ops:
        if op.opcode == BITFIELDOP_GET:
            replies.append(bitfield_get(buf, op))
            continue
        reply, changed = bitfield_write(c, buf, op, dirty)
        replies.append(reply)
        changes += changed
    store_string_for_bit_command(o, buf)
    c.add_reply(resp.array_len(len(ops)) + b"".join(replies))
    if changes:
        signal_modified_key(c.db, c.argv[1])
        c.server.dirty += 1
        notify_keyspace_event(c.server, NOTIFY_STRING, b"setbit", c.argv[1],
                              c.db.id)


def bitfield_get(s: bytes | bytearray, op: BitfieldOp) -> bytes:
    get = get_signed_bitfield if op.sign else get_unsigned_bitfield
    return resp.integer(get(s, op.offset, op.bits))


def bitfield_write(c, buf: bytearray, op: BitfieldOp,
                   dirty: bool) -> tuple[bytes, bool]:
    """Run a SET (reply: the old value) or an INCRBY (reply: the new
    one), and say whether it counts as a change: the string was made or
    grown (dirty), or the field's value is new. An overflow under FAIL
    writes nothing, changes nothing, and replies null."""
    if op.sign:
        get, check = get_signed_bitfield, check_signed_bitfield_overflow
    else:
        get, check = get_unsigned_bitfield, check_unsigned_bitfield_overflow
    old = get(buf, op.offset, op.bits)
    if op.opcode == BITFIELDOP_INCRBY:
        limit = check(old, op.i64, op.bits, op.owtype)
        new = old + op.i64 if limit is None else limit
        reply = new
    else:
        # C hands an unsigned field the value cast to uint64_t: there,
        # -1 is 2**64 - 1, too big for any width.
        new = op.i64 if op.sign else op.i64 % 2**64
        limit = check(new, 0, op.bits, op.owtype)
        new = new if limit is None else limit
        reply = old
    if limit is not None and op.owtype == BFOVERFLOW_FAIL:
        return resp.null(c.resp), False
    set_unsigned_bitfield(buf, op.offset, op.bits, new)
    return resp.integer(reply), dirty or new != old


@command("bitfield", -2, "write denyoom", acl="bitmap", group="bitmap",
         since="3.2.0", synopsis="key [GET encoding offset | OVERFLOW "
         "wrap-sat-fail | SET encoding offset value | INCRBY encoding "
         "offset increment] ...", keys=(1, 1, 1),
         complexity="O(1) for each subcommand specified",
         summary="Read, set and increment integers of any width at any "
                 "bit offset of a string")
def bitfield_command(c) -> None:
    bitfield_generic(c, readonly_command=False)


@command("bitfield_ro", -2, "readonly fast", acl="bitmap", group="bitmap",
         since="6.0.0", synopsis="key [GET encoding offset ...]",
         keys=(1, 1, 1), complexity="O(1) for each subcommand specified",
         summary="Read integers of any width at any bit offset of a "
                 "string (BITFIELD's GET only)")
def bitfield_ro_command(c) -> None:
    bitfield_generic(c, readonly_command=True)
