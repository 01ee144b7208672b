"""listpack.py: a packed list of strings and integers. Redis: src/listpack.c.

A small hash, a small sorted set and every node of a list live in a
listpack instead of in Python objects: one allocation, no pointers, each
element a few bytes. The layout is Redis's, byte for byte, so a listpack
built here is the blob Redis writes into an RDB file:

    <total bytes: uint32 LE> <count: uint16 LE> <entry> ... <entry> <0xFF>

Each entry is an encoding byte (with a length or an integer packed into
it, or following it), the data, and a backlen: the size of encoding plus
data written so it can be read from its last byte backwards, which is how
lp_prev() steps left. A string that is a canonical integer ("12", not
"012") is stored as an integer, in the fewest bytes that hold it. The
count saturates at 65535 (LP_HDR_NUMELE_UNKNOWN), after which only a
walk over the entries knows it.

Positions are byte offsets into the listpack, as Redis's are pointers:
lp_first() is 6 (just past the header), and None means "past the end".

Steps:
  06_encodings  the format, insert/delete/replace, seek, find, validate

Simplified: bytes are immutable, so every write returns a new listpack
where Redis reallocs and memmoves in place (also O(n) per write). The
offsets before the changed entry stay valid, and the new entry starts
where the old one did, so there is no `newp` out-parameter.
Simplified: Redis asserts that each entry lies inside the listpack as
it steps (lpAssertValidEntry()); here stepping trusts the listpack, and
lp_validate_integrity() is the one check, run on untrusted input.
Simplified: lp_length() cannot write a count it had to walk for back
into the header, as lpLength() does when it drops below 65535.
"""

from __future__ import annotations

import random
import struct
from collections.abc import Callable, Iterable

Element = bytes | int  # what an entry holds: Redis's sval/slen or lval

LP_HDR_SIZE = 6  # uint32 total bytes + uint16 number of elements
LP_HDR_NUMELE_UNKNOWN = 0xFFFF  # the count no longer fits: walk to count
LP_EOF = 0xFF
LP_BEFORE, LP_AFTER, LP_REPLACE = 0, 1, 2  # lp_insert()'s `where`
LISTPACK_MAX_SAFETY_SIZE = 1 << 30  # no listpack grows past 1 GB
LONG_STR_SIZE = 21  # longer strings cannot be a 64-bit integer
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

# The first byte of an entry says how it is encoded. Strings carry their
# length in 6, 12 or 32 bits; small integers sit in the byte itself.
LP_ENCODING_7BIT_UINT = 0x00  # 0xxxxxxx: 0..127
LP_ENCODING_6BIT_STR = 0x80  # 10xxxxxx: string of up to 63 bytes
LP_ENCODING_13BIT_INT = 0xC0  # 110xxxxx + 1 byte: -4096..4095
LP_ENCODING_12BIT_STR = 0xE0  # 1110xxxx + 1 byte: up to 4095 bytes
LP_ENCODING_32BIT_STR = 0xF0  # + uint32 LE length
LP_ENCODING_16BIT_INT = 0xF1  # + int16 LE
LP_ENCODING_24BIT_INT = 0xF2  # + int24 LE
LP_ENCODING_32BIT_INT = 0xF3  # + int32 LE
LP_ENCODING_64BIT_INT = 0xF4  # + int64 LE
# Bytes 0xF5..0xFE encode nothing: a listpack holding one is corrupt.

# Width of the integer that follows each multi-byte integer encoding.
INT_WIDTHS = {LP_ENCODING_16BIT_INT: 2, LP_ENCODING_24BIT_INT: 3,
              LP_ENCODING_32BIT_INT: 4, LP_ENCODING_64BIT_INT: 8}

HEADER = struct.Struct("<IH")  # lpSetTotalBytes(), lpSetNumElements()


def lp_string_to_int64(s: bytes) -> int | None:
    """Read `s` as a canonical 64-bit integer; None if it is not one.

    Mirrors lpStringToInt64() in listpack.c (a copy of util.c's
    string2ll()): digits only, an optional "-", no leading zeros, no
    "-0", no spaces, within int64. Exactly the strings that print back
    unchanged, so storing them as integers loses nothing.
    """
    if not 0 < len(s) < LONG_STR_SIZE:
        return None
    digits = s[1:] if s[0] == 0x2D else s  # after a leading "-"
    if not digits.isdigit() or (digits[0] == 0x30 and s != b"0"):
        return None
    value = int(s)
    return value if INT64_MIN <= value <= INT64_MAX else None


def lp_new() -> bytes:
    """Return an empty listpack: the header and the end byte.

    Mirrors lpNew() in listpack.c.
    """
    return HEADER.pack(LP_HDR_SIZE + 1, 0) + bytes((LP_EOF,))


def lp_bytes(lp: bytes) -> int:
    """Return the total size the header records. Mirrors lpBytes()."""
    return HEADER.unpack_from(lp)[0]


def lp_get_num_elements(lp: bytes) -> int:
    """Return the header's count (65535: unknown). lpGetNumElements()."""
    return lp[4] | lp[5] << 8


def lp_safe_to_add(lp: bytes | None, add: int) -> bool:
    """Whether `add` more bytes keep the listpack under 1 GB.

    Mirrors lpSafeToAdd() in listpack.c.
    """
    size = len(lp) if lp else 0
    return size + add <= LISTPACK_MAX_SAFETY_SIZE


# --8<-- [start:lp_encode_integer_get_type]
def lp_encode_integer_get_type(v: int) -> bytes:
    """Encode integer `v` in the fewest bytes that hold it.

    Mirrors lpEncodeIntegerGetType() in listpack.c. 0..127 fits in the
    encoding byte itself; -4096..4095 in its low 5 bits plus one byte;
    anything wider follows the encoding byte as a little-endian two's
    complement integer of 2, 3, 4 or 8 bytes.
    """
    # BEGIN EXERCISE 06-lp-encode-integer
    if 0 <= v <= 127:
        return bytes((v,))
    if -4096 <= v <= 4095:
        v &= 0x1FFF  # 13-bit two's complement
        return bytes((LP_ENCODING_13BIT_INT | v >> 8, v & 0xFF))
    if -32768 <= v <= 32767:
        width, encoding = 2, LP_ENCODING_16BIT_INT
    elif -8388608 <= v <= 8388607:
        width, encoding = 3, LP_ENCODING_24BIT_INT
    elif -2147483648 <= v <= 2147483647:
        width, encoding = 4, LP_ENCODING_32BIT_INT
    else:
        width, encoding = 8, LP_ENCODING_64BIT_INT
    return bytes((encoding,)) + v.to_bytes(width, "little", signed=True)
    # END EXERCISE 06-lp-encode-integer
# --8<-- [end:lp_encode_integer_get_type]


# --8<-- [start:lp_encode_string]
def lp_encode_string(s: bytes) -> bytes:
    """Encode string `s`: its length in 6, 12 or 32 bits, then `s`.

    Mirrors lpEncodeString() in listpack.c.
    """
    size = len(s)
    if size < 64:
        return bytes((LP_ENCODING_6BIT_STR | size,)) + s
    if size < 4096:
        return bytes((LP_ENCODING_12BIT_STR | size >> 8, size & 0xFF)) + s
    return bytes((LP_ENCODING_32BIT_STR,)) + size.to_bytes(4, "little") + s
# --8<-- [end:lp_encode_string]


# --8<-- [start:lp_encode_element]
def lp_encode_element(ele: Element) -> bytes:
    """Encode one element as it is stored, without its backlen.

    Mirrors lpEncodeGetType() with lpEncodeString() in listpack.c: a
    string that is a canonical integer is stored as that integer. An
    int is stored as lpAppendInteger() and friends store it.
    """
    if type(ele) is int:
        return lp_encode_integer_get_type(ele)
    value = lp_string_to_int64(ele)
    if value is not None:
        return lp_encode_integer_get_type(value)
    return lp_encode_string(ele)
# --8<-- [end:lp_encode_element]


# --8<-- [start:lp_encode_backlen]
def lp_encode_backlen(size: int) -> bytes:
    """Encode an entry's size so that it reads from right to left.

    Mirrors lpEncodeBacklen() in listpack.c. Seven bits per byte, most
    significant first; every byte but the first has its high bit set,
    so a reader starting at the last byte knows when to stop. Redis's
    bounds are `<`, not `<=`: a size of exactly 16383 takes 3 bytes.
    """
    # BEGIN EXERCISE 06-lp-encode-backlen
    if size <= 127:
        return bytes((size,))
    if size < 16383:
        count = 2
    elif size < 2097151:
        count = 3
    elif size < 268435455:
        count = 4
    else:
        count = 5
    out = [size >> 7 * (count - 1)]
    for shift in range(7 * (count - 2), -1, -7):
        out.append(size >> shift & 127 | 128)
    return bytes(out)
    # END EXERCISE 06-lp-encode-backlen
# --8<-- [end:lp_encode_backlen]


def lp_backlen_size(size: int) -> int:
    """Bytes lp_encode_backlen(size) takes. lpEncodeBacklen(NULL, size)."""
    if size <= 127:
        return 1
    if size < 16383:
        return 2
    if size < 2097151:
        return 3
    return 4 if size < 268435455 else 5


# --8<-- [start:lp_decode_backlen]
def lp_decode_backlen(lp: bytes, p: int) -> int | None:
    """Read the backlen whose last byte is at `p`, walking left.

    Mirrors lpDecodeBacklen() in listpack.c; None (Redis: UINT64_MAX)
    when more than five bytes claim to continue.
    """
    value = shift = 0
    while True:
        byte = lp[p]
        value |= (byte & 127) << shift
        if not byte & 128:
            return value
        shift += 7
        p -= 1
        if shift > 28:
            return None
# --8<-- [end:lp_decode_backlen]


# Python: the encoding byte and the backlen of each string of up to 63
# bytes, made once; picking them costs less than formatting them.
SHORT_STRING_ENCODINGS = tuple(bytes((LP_ENCODING_6BIT_STR | size,))
                               for size in range(64))
SHORT_STRING_BACKLENS = tuple(bytes((size + 1,)) for size in range(64))


def lp_encode_entry(ele: Element) -> bytes:
    """Return the bytes lpInsert() writes for `ele`: element + backlen.

    The commonest element, a string of up to 63 bytes that is not an
    integer, is written right here: no integer ends in a non-digit, and
    its entry (64 bytes at most) has a backlen of one byte.
    """
    if type(ele) is bytes and len(ele) < 64 and not ele[-1:].isdigit():
        size = len(ele)
        return b"".join((SHORT_STRING_ENCODINGS[size], ele,
                         SHORT_STRING_BACKLENS[size]))
    encoded = lp_encode_element(ele)
    return encoded + lp_encode_backlen(len(encoded))


def lp_current_encoded_size_bytes(lp: bytes, p: int) -> int:
    """Bytes of encoding and length before the data; 0 if invalid.

    Mirrors lpCurrentEncodedSizeBytes() in listpack.c.
    """
    byte = lp[p]
    if byte < LP_ENCODING_12BIT_STR or byte in INT_WIDTHS or byte == LP_EOF:
        return 1
    if byte < LP_ENCODING_32BIT_STR:
        return 2
    return 5 if byte == LP_ENCODING_32BIT_STR else 0


def lp_current_encoded_size_unsafe(lp: bytes, p: int) -> int:
    """Size of the entry at `p` without its backlen; 0 if invalid.

    Mirrors lpCurrentEncodedSizeUnsafe() in listpack.c. Unsafe because a
    string's length is read from bytes not yet known to exist.
    """
    byte = lp[p]
    if byte < LP_ENCODING_6BIT_STR:
        return 1
    if byte < LP_ENCODING_13BIT_INT:
        return 1 + (byte & 0x3F)
    if byte < LP_ENCODING_12BIT_STR:
        return 2
    if byte < LP_ENCODING_32BIT_STR:
        return 2 + ((byte & 0x0F) << 8 | lp[p + 1])
    if byte == LP_ENCODING_32BIT_STR:
        return 5 + int.from_bytes(lp[p + 1:p + 5], "little")
    if byte in INT_WIDTHS:
        return 1 + INT_WIDTHS[byte]
    return 1 if byte == LP_EOF else 0


def lp_skip(lp: bytes, p: int) -> int:
    """Offset of the entry after the one at `p` (maybe the end byte).

    Mirrors lpSkip() in listpack.c. The two commonest entries, an
    integer of 0..127 and a string of up to 63 bytes, are measured
    right here: each has a backlen of one byte.
    """
    byte = lp[p]
    if byte < LP_ENCODING_6BIT_STR:  # 0xxxxxxx
        return p + 2
    if byte < LP_ENCODING_13BIT_INT:  # 10xxxxxx
        return p + 2 + (byte & 0x3F)
    size = lp_current_encoded_size_unsafe(lp, p)
    return p + size + lp_backlen_size(size)


def lp_first(lp: bytes) -> int | None:
    """Offset of the first entry, None if empty. Mirrors lpFirst()."""
    return None if lp[LP_HDR_SIZE] == LP_EOF else LP_HDR_SIZE


def lp_last(lp: bytes) -> int | None:
    """Offset of the last entry, None if empty. Mirrors lpLast()."""
    return lp_prev(lp, len(lp) - 1)


def lp_next(lp: bytes, p: int) -> int | None:
    """Offset of the entry after `p`, None past the last. lpNext()."""
    p = lp_skip(lp, p)
    return None if lp[p] == LP_EOF else p


def lp_prev(lp: bytes, p: int) -> int | None:
    """Offset of the entry before `p`, None before the first.

    Mirrors lpPrev() in listpack.c: the byte left of `p` ends the
    previous entry's backlen, which says how far back that entry starts.
    `p` may be the end byte's offset, so lp_prev() of it is the last.
    """
    if p == LP_HDR_SIZE:
        return None
    if lp[p - 1] < 128:  # a backlen of one byte: an entry of <= 127
        return p - 1 - lp[p - 1]
    size = lp_decode_backlen(lp, p - 1)
    return p - size - lp_backlen_size(size)


def lp_get_with_size(lp: bytes, p: int) -> tuple[Element, int]:
    """Decode the entry at `p`: its value and its size with backlen.

    Mirrors lpGetWithSize() in listpack.c. Integers come back as int
    (Redis returns them through `count` with a NULL string).
    """
    byte = lp[p]
    if byte < LP_ENCODING_6BIT_STR:
        return byte, 2
    if byte < LP_ENCODING_13BIT_INT:
        end = p + 1 + (byte & 0x3F)
        return lp[p + 1:end], end + 1 - p  # a backlen of 1 byte
    if byte < LP_ENCODING_12BIT_STR:
        value = (byte & 0x1F) << 8 | lp[p + 1]
        return (value - 8192 if value >= 4096 else value), 3
    if byte < LP_ENCODING_32BIT_STR:
        start = p + 2
        size = (byte & 0x0F) << 8 | lp[p + 1]
    elif byte == LP_ENCODING_32BIT_STR:
        start = p + 5
        size = int.from_bytes(lp[p + 1:start], "little")
    elif byte in INT_WIDTHS:
        width = INT_WIDTHS[byte]
        value = int.from_bytes(lp[p + 1:p + 1 + width], "little", signed=True)
        return value, width + 2
    else:
        raise ValueError(f"corrupt listpack: encoding {byte:#x} at {p}")
    encoded = start - p + size
    return lp[start:start + size], encoded + lp_backlen_size(encoded)


def lp_get(lp: bytes, p: int) -> Element:
    """The value of the entry at `p`: bytes, or int for an integer.

    Mirrors lpGetValue() in listpack.c (lpGet() without an intbuf).
    Simplified: Redis points into the listpack; a string is copied out.
    """
    return lp_get_with_size(lp, p)[0]


# --8<-- [start:lp_entries]
def lp_entries(lp: bytes, strings: bool = False) -> list[Element]:
    """Decode every entry in one pass, first to last.

    A Python convenience: a loop of lp_next() and lp_get() per entry
    costs more here than in C. The two commonest entries are decoded
    right here: a string of up to 63 bytes (a slice) and an integer of
    0..127 (the byte itself), each followed by a backlen of one byte.
    With `strings`, integers come back as their decimal bytes, as
    lpGet() with an intbuf returns them.
    """
    entries = []
    p = LP_HDR_SIZE
    while (byte := lp[p]) != LP_EOF:
        if byte & 0xC0 == LP_ENCODING_6BIT_STR:  # 10xxxxxx
            p += 1
            end = p + (byte & 0x3F)
            entries.append(lp[p:end])
            p = end + 1
        elif byte < LP_ENCODING_6BIT_STR:  # 0xxxxxxx
            entries.append(b"%d" % byte if strings else byte)
            p += 2
        else:
            value, size = lp_get_with_size(lp, p)
            if strings and type(value) is int:
                value = b"%d" % value
            entries.append(value)
            p += size
    return entries
# --8<-- [end:lp_entries]


def lp_from_entries(entries: Iterable[Element]) -> bytes:
    """Build a listpack of `entries` in one join.

    A Python convenience with the bytes that lp_append() of each entry
    in turn would give, without copying the listpack once per entry.
    """
    encoded = [lp_encode_entry(ele) for ele in entries]
    body = b"".join(encoded)
    count = min(len(encoded), LP_HDR_NUMELE_UNKNOWN)
    total = LP_HDR_SIZE + len(body) + 1
    return HEADER.pack(total, count) + body + bytes((LP_EOF,))


def lp_length(lp: bytes) -> int:
    """Number of entries: the header's count, or a walk if unknown.

    Mirrors lpLength() in listpack.c.
    """
    count = lp_get_num_elements(lp)
    if count != LP_HDR_NUMELE_UNKNOWN:
        return count
    count = 0
    p = LP_HDR_SIZE
    while lp[p] != LP_EOF:
        p = lp_skip(lp, p)
        count += 1
    return count


# --8<-- [start:lp_insert]
def lp_insert(lp: bytes, entry: bytes, p: int, where: int) -> bytes:
    """Insert the encoded `entry` before, after or in place of `p`.

    Mirrors lpInsert() in listpack.c, given what lp_encode_entry()
    returns; an empty `entry` deletes the entry at `p`. The new entry
    starts at `p` (after: at lp_skip(lp, p)); nothing left of it moves.
    """
    if where == LP_AFTER:
        p = lp_skip(lp, p)
        where = LP_BEFORE
    replaced = added = 0
    if where == LP_REPLACE:
        replaced = lp_skip(lp, p) - p
        if len(entry) == replaced:  # Python: the header stays as it is
            return b"".join((lp[:p], entry, lp[p + replaced:]))
        if not entry:
            added = -1
    else:
        added = 1
    header = lp_resized_header(lp, len(entry) - replaced, added)
    return b"".join((header, lp[LP_HDR_SIZE:p], entry, lp[p + replaced:]))
# --8<-- [end:lp_insert]


def lp_resized_header(lp: bytes, grown: int, added: int) -> bytes:
    """The header of `lp` once it has `grown` more bytes (fewer if
    negative) and `added` more entries. Mirrors lpSetTotalBytes() and
    lpSetNumElements() as lpInsert() calls them: a count that stopped
    fitting stays unknown.
    """
    count = lp[4] | lp[5] << 8  # lp_get_num_elements()
    if count != LP_HDR_NUMELE_UNKNOWN:
        count += added
    return HEADER.pack(len(lp) + grown, count)


def lp_insert_string(lp: bytes, ele: Element, p: int, where: int) -> bytes:
    """Insert `ele` before or after the entry at `p`, or replace it.

    Mirrors lpInsertString() in listpack.c, and lpInsertInteger() when
    `ele` is an int.
    """
    return lp_insert(lp, lp_encode_entry(ele), p, where)


def lp_append(lp: bytes, ele: Element) -> bytes:
    """Add `ele` at the tail. Mirrors lpAppend() / lpAppendInteger():
    lp_insert() before the end byte, written out because every push
    onto a list comes here."""
    entry = lp_encode_entry(ele)
    return b"".join((lp_resized_header(lp, len(entry), 1),
                     lp[LP_HDR_SIZE:-1], entry, lp[-1:]))


def lp_prepend(lp: bytes, ele: Element) -> bytes:
    """Add `ele` at the head. Mirrors lpPrepend() / lpPrependInteger():
    lp_insert() before the first entry, written out as lp_append()."""
    entry = lp_encode_entry(ele)
    return b"".join((lp_resized_header(lp, len(entry), 1), entry,
                     lp[LP_HDR_SIZE:]))


def lp_insert_entries(lp: bytes, entries: Iterable[Element],
                      p: int) -> bytes:
    """Insert several elements, in order, before the entry at `p`.

    A Python convenience: one copy of the listpack instead of one per
    element (a field and its value, a member and its score). `p` may be
    the end byte's offset, len(lp) - 1, to append.
    """
    encoded = [lp_encode_entry(ele) for ele in entries]
    count = lp_get_num_elements(lp)
    if count != LP_HDR_NUMELE_UNKNOWN:
        count = min(count + len(encoded), LP_HDR_NUMELE_UNKNOWN)
    body = b"".join(encoded)
    total = len(lp) + len(body)
    return b"".join((HEADER.pack(total, count), lp[LP_HDR_SIZE:p], body,
                     lp[p:]))


def lp_append_entries(lp: bytes, entries: Iterable[Element]) -> bytes:
    """Add several elements at the tail, in one copy."""
    return lp_insert_entries(lp, entries, len(lp) - 1)


def lp_replace(lp: bytes, p: int, ele: Element) -> bytes:
    """Put `ele` in place of the entry at `p`, which then holds it.

    Mirrors lpReplace() / lpReplaceInteger() in listpack.c.
    """
    return lp_insert(lp, lp_encode_entry(ele), p, LP_REPLACE)


def lp_delete(lp: bytes, p: int) -> bytes:
    """Remove the entry at `p`. Mirrors lpDelete() in listpack.c: an
    lp_insert() of nothing in its place, written out because every pop
    from a list comes here.

    The next entry then starts at `p` (None if lp[p] is the end byte).
    """
    end = lp_skip(lp, p)
    return b"".join((lp_resized_header(lp, p - end, -1), lp[LP_HDR_SIZE:p],
                     lp[end:]))


def lp_delete_range_with_entry(lp: bytes, p: int, num: int) -> bytes:
    """Remove `num` entries (fewer if the end comes first) from `p` on.

    Mirrors lpDeleteRangeWithEntry() in listpack.c.
    """
    tail = p
    deleted = 0
    while deleted < num and lp[tail] != LP_EOF:
        tail = lp_skip(lp, tail)
        deleted += 1
    count = lp_get_num_elements(lp)
    if count != LP_HDR_NUMELE_UNKNOWN:
        count -= deleted
    total = len(lp) - (tail - p)
    return b"".join((HEADER.pack(total, count), lp[LP_HDR_SIZE:p],
                     lp[tail:]))


def lp_delete_range(lp: bytes, index: int, num: int) -> bytes:
    """Remove `num` entries starting at `index` (negative from the end).

    Mirrors lpDeleteRange() in listpack.c: when the range runs past the
    end and the count is known, the end byte just moves up.
    """
    if num == 0:
        return lp
    p = lp_seek(lp, index)
    if p is None:
        return lp
    count = lp_get_num_elements(lp)
    if count == LP_HDR_NUMELE_UNKNOWN:
        return lp_delete_range_with_entry(lp, p, num)
    if index < 0:
        index += count
    if count - index > num:
        return lp_delete_range_with_entry(lp, p, num)
    return HEADER.pack(p + 1, index) + lp[LP_HDR_SIZE:p] + bytes((LP_EOF,))


def lp_merge(first: bytes, second: bytes) -> bytes:
    """Return `first`'s entries followed by `second`'s.

    Mirrors lpMerge() in listpack.c (which grows the larger of the two
    in place and frees the other).
    """
    count = min(lp_length(first) + lp_length(second), LP_HDR_NUMELE_UNKNOWN)
    total = len(first) + len(second) - LP_HDR_SIZE - 1
    return b"".join((HEADER.pack(total, count), first[LP_HDR_SIZE:-1],
                     second[LP_HDR_SIZE:]))


def lp_seek(lp: bytes, index: int) -> int | None:
    """Offset of the entry at `index` (-1 is the last); None if none.

    Mirrors lpSeek() in listpack.c: it walks from whichever end is
    nearer, or, with an unknown count, from the end the sign names.
    """
    count = lp_get_num_elements(lp)
    forward = True
    if count != LP_HDR_NUMELE_UNKNOWN:
        if index < 0:
            index += count
        if not 0 <= index < count:
            return None
        if index > count // 2:
            forward = False
            index -= count
    elif index < 0:
        forward = False
    if forward:
        p = lp_first(lp)
        while index > 0 and p is not None:
            p = lp_next(lp, p)
            index -= 1
        return p
    p = lp_last(lp)
    while index < -1 and p is not None:
        p = lp_prev(lp, p)
        index += 1
    return p


def lp_compare(lp: bytes, p: int, s: bytes) -> bool:
    """Whether the entry at `p` equals string `s`. Mirrors lpCompare()."""
    if lp[p] == LP_EOF:
        return False
    value = lp_get(lp, p)
    if type(value) is bytes:
        return value == s
    return value == lp_string_to_int64(s)


# --8<-- [start:lp_find]
UNREAD = object()  # lp_find()'s mark: `s` not read as an integer yet


def lp_find(lp: bytes, p: int, s: bytes, skip: int = 0) -> int | None:
    """Offset of the first entry from `p` on that equals `s`, or None.

    Mirrors lpFind() in listpack.c: only every (skip + 1)th entry is
    compared, so skip=1 looks at the fields of a field/value listpack.
    A string entry compares its length, then its bytes; an integer entry
    compares with `s` read as an integer, which is done once, at the
    first integer entry (Redis: vencoding), and only if `s` is a
    canonical integer. A string of up to 63 bytes is compared right here.
    """
    size = len(s)
    wanted = UNREAD
    skipcnt = 0
    while (byte := lp[p]) != LP_EOF:
        if byte & 0xC0 == LP_ENCODING_6BIT_STR:  # 10xxxxxx: the commonest
            length = byte & 0x3F
            if (not skipcnt and length == size
                    and lp[p + 1:p + 1 + length] == s):
                return p
            p += length + 2  # with a backlen of one byte
        elif skipcnt:
            p = lp_skip(lp, p)
        else:
            value, entry_size = lp_get_with_size(lp, p)
            if type(value) is bytes:
                if value == s:
                    return p
            else:
                if wanted is UNREAD:
                    wanted = lp_string_to_int64(s)
                if value == wanted:
                    return p
            p += entry_size
        skipcnt = skipcnt - 1 if skipcnt else skip
    return None
# --8<-- [end:lp_find]


def lp_find_value(lp: bytes, field: bytes) -> Element | None:
    """The value after `field` in a field/value listpack, or None.

    A Python convenience for hashTypeGetFromListpack() in t_hash.c and
    zzlFind() in t_zset.c (member, then score): lpFind() with skip 1,
    then lpNext() and lpGetValue().
    """
    p = lp_first(lp)
    if p is not None:
        p = lp_find(lp, p, field, 1)
    return None if p is None else lp_get(lp, lp_skip(lp, p))


def lp_random_pair(lp: bytes, total_count: int) -> tuple[Element, Element]:
    """A random field and its value, from `total_count` pairs.

    Mirrors lpRandomPair() in listpack.c.
    """
    p = lp_seek(lp, random.randrange(total_count) * 2)
    return lp_get(lp, p), lp_get(lp, lp_skip(lp, p))


def lp_random_pairs(lp: bytes, count: int) -> list[tuple[Element, Element]]:
    """`count` random pairs, repeats allowed, in random order.

    Mirrors lpRandomPairs() in listpack.c. Simplified: Redis sorts the
    picks and fetches them in one walk; here one decode pass does.
    """
    entries = lp_entries(lp)
    pairs = list(zip(entries[::2], entries[1::2]))
    return random.choices(pairs, k=count)


def lp_random_pairs_unique(lp: bytes,
                           count: int) -> list[tuple[Element, Element]]:
    """Up to `count` distinct random pairs, in listpack order.

    Mirrors lpRandomPairsUnique() in listpack.c. Simplified: Redis picks
    each pair with probability remaining/left in one walk; here
    random.sample() picks the positions.
    """
    entries = lp_entries(lp)
    total = len(entries) // 2
    picked = sorted(random.sample(range(total), min(count, total)))
    return [(entries[2 * i], entries[2 * i + 1]) for i in picked]


# --8<-- [start:lp_validate_next]
def lp_validate_next(lp: bytes, p: int, lpbytes: int) -> int | None:
    """Check the entry at `p`; return where the next one starts.

    Mirrors lpValidateNext() in listpack.c. None if the entry is corrupt:
    an unknown encoding, a length that runs past the listpack, or a
    backlen that disagrees with the entry's size. Every read is checked
    against `lpbytes` before it happens.
    """
    last = lpbytes - 1  # the end byte: an entry must stop before it
    header = lp_current_encoded_size_bytes(lp, p)
    if not header or p + header > last:
        return None
    size = lp_current_encoded_size_unsafe(lp, p)
    backlen = lp_backlen_size(size)
    nxt = p + size + backlen
    if nxt > last:
        return None
    if lp_decode_backlen(lp, nxt - 1) != size:
        return None
    return nxt
# --8<-- [end:lp_validate_next]


# --8<-- [start:lp_validate_integrity]
def lp_validate_integrity(
    lp: bytes, deep: bool,
    entry_cb: Callable[[bytes, int, int], bool] | None = None,
) -> bool:
    """Whether `lp` is a well-formed listpack; never reads past its end.

    Mirrors lpValidateIntegrity() in listpack.c (the size is len(lp)).
    Shallow: the header's size matches and the last byte is the end
    byte. Deep: also every entry in turn, that they end exactly at the
    end byte, and the header's count. `entry_cb(lp, p, count)` may
    refuse an entry, as rdb.c's duplicate check does.
    """
    size = len(lp)
    if size < LP_HDR_SIZE + 1 or lp_bytes(lp) != size or lp[-1] != LP_EOF:
        return False
    if not deep:
        return True
    numele = lp_get_num_elements(lp)
    count = 0
    p = LP_HDR_SIZE
    while lp[p] != LP_EOF:
        nxt = lp_validate_next(lp, p, size)
        if nxt is None:
            return False
        if entry_cb is not None and not entry_cb(lp, p, numele):
            return False
        count += 1
        p = nxt
    if p != size - 1:  # an end byte before the end
        return False
    return numele in (LP_HDR_NUMELE_UNKNOWN, count)
# --8<-- [end:lp_validate_integrity]
