"""intset.py: a sorted array of integers in one bytes. Redis: src/intset.c.

A set whose members are all integers (up to set-max-intset-entries of
them) is an intset rather than a hash table: a header, then the members
sorted and packed at one fixed width, the narrowest of 2, 4 or 8 bytes
that holds every one of them. The layout is Redis's, byte for byte, so
an intset built here is the blob Redis writes into an RDB file:

    <encoding: uint32 LE, 2/4/8> <length: uint32 LE> <slot> ... <slot>

Lookups are a binary search. Adding a member wider than the encoding
upgrades the whole set: every slot is rewritten at the new width, and
the new member, wider than all the others, goes first or last.

Steps:
  06_encodings  add with upgrade, remove, binary search, validate

Simplified: bytes are immutable, so every write returns a new intset
where Redis reallocs and moves the tail with memmove (intsetMoveTail());
both copy O(n) bytes.
"""

from __future__ import annotations

import random
import struct

INTSET_ENC_INT16 = 2  # the encodings are the slot widths, so they order
INTSET_ENC_INT32 = 4
INTSET_ENC_INT64 = 8

HEADER = struct.Struct("<II")  # encoding, length
# The struct codes of little-endian signed slots of each width.
SLOT_CODES = {INTSET_ENC_INT16: "h", INTSET_ENC_INT32: "i",
              INTSET_ENC_INT64: "q"}
SLOTS = {width: struct.Struct("<" + code) for width, code in
         SLOT_CODES.items()}


def intset_value_encoding(v: int) -> int:
    """The narrowest slot width that holds `v`.

    Mirrors _intsetValueEncoding() in intset.c.
    """
    if v < -2**31 or v > 2**31 - 1:
        return INTSET_ENC_INT64
    if v < -2**15 or v > 2**15 - 1:
        return INTSET_ENC_INT32
    return INTSET_ENC_INT16


def intset_new() -> bytes:
    """Return an empty intset of 16-bit slots. Mirrors intsetNew()."""
    return HEADER.pack(INTSET_ENC_INT16, 0)


def intset_len(is_: bytes) -> int:
    """Number of members. Mirrors intsetLen() in intset.c."""
    return HEADER.unpack_from(is_)[1]


def intset_blob_len(is_: bytes) -> int:
    """Size in bytes, header included. Mirrors intsetBlobLen()."""
    encoding, length = HEADER.unpack_from(is_)
    return HEADER.size + length * encoding


def intset_get_encoded(is_: bytes, pos: int, encoding: int) -> int:
    """The member in slot `pos`, read at width `encoding`.

    Mirrors _intsetGetEncoded() in intset.c.
    """
    return SLOTS[encoding].unpack_from(is_, HEADER.size + pos * encoding)[0]


def intset_values(is_: bytes) -> list[int]:
    """Every member in order, decoded in one unpack.

    A Python convenience for the commands that walk the whole set
    (SMEMBERS, the conversion to a hash table): one struct call instead
    of intsetGet() per slot.
    """
    encoding, length = HEADER.unpack_from(is_)
    layout = f"<{length}{SLOT_CODES[encoding]}"
    return list(struct.unpack_from(layout, is_, HEADER.size))


def intset_search(is_: bytes, value: int) -> tuple[bool, int]:
    """Binary search: (True, its slot), or (False, where it would go).

    Mirrors intsetSearch() in intset.c, including its shortcut for a
    value past either end, the common case of members added in order.
    """
    encoding, length = HEADER.unpack_from(is_)
    if length == 0:
        return False, 0
    if value > intset_get_encoded(is_, length - 1, encoding):
        return False, length
    if value < intset_get_encoded(is_, 0, encoding):
        return False, 0
    low, high = 0, length - 1
    while low <= high:
        mid = (low + high) // 2
        current = intset_get_encoded(is_, mid, encoding)
        if value > current:
            low = mid + 1
        elif value < current:
            high = mid - 1
        else:
            return True, mid
    return False, low


# --8<-- [start:intset_upgrade_and_add]
def intset_upgrade_and_add(is_: bytes, value: int) -> bytes:
    """Widen every slot to fit `value`, then add it.

    Mirrors intsetUpgradeAndAdd() in intset.c. A value that needs a
    wider slot than every member is smaller or larger than all of them,
    so it goes first (negative) or last; no search needed. Redis moves
    the members back to front in place so none is overwritten; here one
    unpack and one pack rewrite them all.
    """
    # BEGIN EXERCISE 06-intset-upgrade
    encoding, length = HEADER.unpack_from(is_)
    new_encoding = intset_value_encoding(value)
    members = struct.unpack_from(f"<{length}{SLOT_CODES[encoding]}", is_,
                                 HEADER.size)
    ordered = (value, *members) if value < 0 else (*members, value)
    layout = f"<{length + 1}{SLOT_CODES[new_encoding]}"
    return HEADER.pack(new_encoding, length + 1) + struct.pack(layout,
                                                               *ordered)
    # END EXERCISE 06-intset-upgrade
# --8<-- [end:intset_upgrade_and_add]


# --8<-- [start:intset_add]
def intset_add(is_: bytes, value: int) -> tuple[bytes, bool]:
    """Add `value`; return the intset and whether it was new.

    Mirrors intsetAdd() in intset.c.
    """
    encoding, length = HEADER.unpack_from(is_)
    if intset_value_encoding(value) > encoding:
        return intset_upgrade_and_add(is_, value), True
    found, pos = intset_search(is_, value)
    if found:
        return is_, False
    # Open a slot at pos: Redis's intsetMoveTail(is, pos, pos + 1).
    offset = HEADER.size + pos * encoding
    return b"".join((HEADER.pack(encoding, length + 1),
                     is_[HEADER.size:offset], SLOTS[encoding].pack(value),
                     is_[offset:])), True
# --8<-- [end:intset_add]


def intset_remove(is_: bytes, value: int) -> tuple[bytes, bool]:
    """Remove `value`; return the intset and whether it was there.

    Mirrors intsetRemove() in intset.c. The encoding never narrows.
    """
    encoding, length = HEADER.unpack_from(is_)
    if intset_value_encoding(value) > encoding:
        return is_, False
    found, pos = intset_search(is_, value)
    if not found:
        return is_, False
    # Close the slot: Redis's intsetMoveTail(is, pos + 1, pos).
    offset = HEADER.size + pos * encoding
    return b"".join((HEADER.pack(encoding, length - 1),
                     is_[HEADER.size:offset],
                     is_[offset + encoding:])), True


def intset_find(is_: bytes, value: int) -> bool:
    """Whether `value` is a member. Mirrors intsetFind() in intset.c."""
    encoding = HEADER.unpack_from(is_)[0]
    return (intset_value_encoding(value) <= encoding
            and intset_search(is_, value)[0])


def intset_get(is_: bytes, pos: int) -> int | None:
    """The member in slot `pos`, None out of range. Mirrors intsetGet()."""
    encoding, length = HEADER.unpack_from(is_)
    if 0 <= pos < length:
        return intset_get_encoded(is_, pos, encoding)
    return None


def intset_random(is_: bytes) -> int:
    """A random member of a non-empty intset. Mirrors intsetRandom()."""
    encoding, length = HEADER.unpack_from(is_)
    return intset_get_encoded(is_, random.randrange(length), encoding)


# --8<-- [start:intset_validate_integrity]
def intset_validate_integrity(is_: bytes, deep: bool) -> bool:
    """Whether `is_` is a well-formed, non-empty intset.

    Mirrors intsetValidateIntegrity() in intset.c (the size is
    len(is_)). Shallow: a known encoding and a length that accounts for
    every byte. Deep: also members strictly increasing, so sorted and
    without duplicates. Redis refuses an empty intset: it never saves one.
    """
    if len(is_) < HEADER.size:
        return False
    encoding, length = HEADER.unpack_from(is_)
    if encoding not in SLOT_CODES:
        return False
    if HEADER.size + length * encoding != len(is_) or length == 0:
        return False
    if not deep:
        return True
    members = intset_values(is_)
    return all(a < b for a, b in zip(members, members[1:]))
# --8<-- [end:intset_validate_integrity]
