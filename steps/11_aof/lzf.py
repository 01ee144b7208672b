"""lzf.py: the compression of long strings in RDB files. Redis:
src/lzf_c.c, src/lzf_d.c, src/lzfP.h (liblzf 3.6 by Marc Lehmann).

LZF is a small LZ77 compressor: the output is a series of literal runs
(bytes copied as they are) and back references (copy `len` bytes from
`off` bytes back in what was already produced):

    000LLLLL <L+1 bytes>          a literal run of 1 to 32 bytes
    LLLooooo oooooooo             copy L+2 bytes (L < 7) from o+1 back
    111ooooo LLLLLLLL oooooooo    copy L+9 bytes from o+1 back

The compressor finds its references with a hash table of the last place
each 3-byte sequence was seen (HLOG 16: 65536 slots), hashed by Redis's
VERY_FAST variant of IDX(). It keeps no history beyond that table, so
each position costs one lookup: fast, and the matches it misses make it
compress less than zlib would. The choices below (which slot, when a
match counts, how far it extends, which positions are hashed after a
match) follow lzf_c.c exactly, so the same input gives Redis's bytes.

Steps:
  10_rdb  lzf_compress, lzf_decompress

Simplified: Redis's table lives on the C stack, not cleared between
calls (INIT_HTAB 0): a stale slot may point into the new input and
offer a match a clean table would not. Ours starts empty each time, so
in that rare case our output is a different, equally valid stream.
"""

from __future__ import annotations

HLOG = 16
HSIZE = 1 << HLOG
MAX_LIT = 1 << 5  # the longest literal run
MAX_OFF = 1 << 13  # the farthest back a reference reaches
MAX_REF = (1 << 8) + (1 << 3)  # the longest reference, less 2


def lzf_idx(hval: int) -> int:
    """The table slot of a 3-byte hash (IDX() with VERY_FAST). The C
    unsigned arithmetic wraps; only the low 16 bits matter."""
    return ((hval >> (3 * 8 - HLOG)) - hval * 5) & (HSIZE - 1)


def lzf_match_length(data: bytes, ref: int, ip: int, maxlen: int) -> int:
    """How many bytes from `ip` equal those from `ref`, counted as
    lzf_compress() counts them: 3 are known to match; past 16 it checks
    16 at a time first, and may so step one past maxlen."""
    length = 2
    if maxlen > 16:
        for _ in range(16):
            length += 1
            if data[ref + length] != data[ip + length]:
                return length
    while True:
        length += 1
        if length >= maxlen or data[ref + length] != data[ip + length]:
            return length


# --8<-- [start:lzf_compress]
def lzf_compress(data: bytes, out_len: int) -> bytes | None:
    """`data` compressed into at most `out_len` bytes, or None if it does
    not fit. Mirrors lzf_compress() in lzf_c.c, step for step."""
    in_end = len(data)
    if not in_end or not out_len:
        return None
    htab: dict[int, int] = {}  # slot -> last position with that hash
    out = bytearray(out_len + 3)  # the C buffer's slack, for the tail
    op, lit, ip = 1, 0, 0  # out[op - lit - 1] is the run's length byte
    hval = data[0] << 8 | data[1] if in_end > 1 else data[0] << 8
    while ip < in_end - 2:
        hval = (hval << 8 | data[ip + 2]) & 0xFFFFFFFF
        slot = lzf_idx(hval)
        ref = htab.get(slot)
        htab[slot] = ip
        # A match at position 0 is never taken: lzf_c.c wants ref > in.
        if (ref is not None and ref > 0 and ip - ref - 1 < MAX_OFF
                and data[ref:ref + 3] == data[ip:ip + 3]):
            if op + 4 >= out_len and op - (not lit) + 4 >= out_len:
                return None
            out[op - lit - 1] = (lit - 1) & 0xFF  # end the literal run
            op -= not lit  # drop it if it is empty
            maxlen = min(in_end - ip - 2, MAX_REF)
            length = lzf_match_length(data, ref, ip, maxlen) - 2
            off = ip - ref - 1
            if length < 7:
                out[op] = (off >> 8) + (length << 5)
                op += 1
            else:
                out[op] = (off >> 8) + (7 << 5)
                out[op + 1] = length - 7
                op += 2
            out[op] = off & 0xFF
            op += 2  # and a new run begins
            lit = 0
            ip += length + 2
            if ip >= in_end - 2:
                break
            # VERY_FAST: hash the last two positions of the match.
            ip -= 2
            hval = data[ip] << 8 | data[ip + 1]
            for _ in range(2):
                hval = (hval << 8 | data[ip + 2]) & 0xFFFFFFFF
                htab[lzf_idx(hval)] = ip
                ip += 1
        else:
            if op >= out_len:
                return None
            op, lit = lzf_literal(out, op, lit, data[ip])
            ip += 1
    if op + 3 > out_len:  # at most 3 bytes can be missing here
        return None
    for byte in data[ip:]:
        op, lit = lzf_literal(out, op, lit, byte)
    out[op - lit - 1] = (lit - 1) & 0xFF  # end the last run
    op -= not lit
    return bytes(out[:op])
# --8<-- [end:lzf_compress]


def lzf_literal(out: bytearray, op: int, lit: int,
                byte: int) -> tuple[int, int]:
    """Copy one byte into the current literal run, and end the run when
    it is full (its length byte was reserved when it began). Returns
    the new op and lit."""
    out[op] = byte
    op, lit = op + 1, lit + 1
    if lit == MAX_LIT:
        out[op - lit - 1] = lit - 1
        op, lit = op + 1, 0
    return op, lit


class LzfError(ValueError):
    """Corrupt LZF data. lzf_decompress() sets errno EINVAL (a reference
    before the start, input cut short) or E2BIG (output too long)."""


# --8<-- [start:lzf_decompress]
def lzf_decompress(data: bytes, out_len: int) -> bytes:
    """Expand `data`, which must produce at most `out_len` bytes.
    Mirrors lzf_decompress() in lzf_d.c; raises LzfError where it
    returns 0."""
    # BEGIN EXERCISE 10-lzf-decompress
    out = bytearray()
    ip, in_end = 0, len(data)
    while ip < in_end:
        ctrl = data[ip]
        ip += 1
        if ctrl < 1 << 5:  # a literal run of ctrl + 1 bytes
            ctrl += 1
            if len(out) + ctrl > out_len:
                raise LzfError("E2BIG: output longer than expected")
            if ip + ctrl > in_end:
                raise LzfError("EINVAL: literal run past the input")
            out += data[ip:ip + ctrl]
            ip += ctrl
            continue
        length = ctrl >> 5
        if ip >= in_end:
            raise LzfError("EINVAL: back reference cut short")
        if length == 7:
            length += data[ip]
            ip += 1
            if ip >= in_end:
                raise LzfError("EINVAL: back reference cut short")
        ref = len(out) - ((ctrl & 0x1F) << 8) - 1 - data[ip]
        ip += 1
        length += 2
        if len(out) + length > out_len:
            raise LzfError("E2BIG: output longer than expected")
        if ref < 0:
            raise LzfError("EINVAL: back reference before the start")
        if ref + length <= len(out):  # disjoint: one slice
            out += out[ref:ref + length]
        else:  # overlapping: a run that repeats its own output
            for i in range(length):
                out.append(out[ref + i])
    return bytes(out)
    # END EXERCISE 10-lzf-decompress
# --8<-- [end:lzf_decompress]
