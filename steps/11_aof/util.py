"""util.py: strict number parsing, long doubles, glob patterns. Redis: util.c.

Redis reads numbers from arguments with C's strtod(), then refuses
anything strtod() would quietly accept: leading spaces, trailing bytes,
overflow, NaN. Python's float() is looser in other ways (it takes
"1_000" and " 5 ") and stricter in one (no hex floats), so the accepted
shapes are spelled out here.

INCRBYFLOAT and HINCRBYFLOAT compute in C's long double, which on x86-64
is the x87 80-bit format: a 64-bit mantissa (11 more bits than a Python
float) and exponents up to 16383, so 1e400 is an ordinary number there.
Python has no such type, so string2ld(), ld_add() and ld2string() keep
the exact value as a Fraction and round it the way the FPU does.

KEYS and SCAN's MATCH use stringmatchlen(), Redis's own glob dialect.

Steps:
  04_datatypes  string2d, long doubles, stringmatchlen
"""

import errno
import math
import os
import re
from decimal import Decimal
from fractions import Fraction

# What strtod() reads: decimal, hexadecimal or infinity, with a sign.
FLOAT_SYNTAX = re.compile(
    rb"""[+-]?(?:
          (?P<dec>(?:\d+\.?\d*|\.\d+))(?:[eE][+-]?\d+)?
        | 0[xX](?P<hex>(?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+))
              (?:[pP][+-]?\d+)?
        | (?P<inf>inf(?:inity)?)
    )\Z""", re.VERBOSE | re.IGNORECASE)


# --8<-- [start:string2d]
def string2d(s: bytes) -> float | None:
    """Parse a float the way Redis does; None if `s` is not one.

    Mirrors string2d() in util.c: the whole argument must be the number;
    "inf" and "-inf" are fine, but NaN, and values that overflow to
    infinity or underflow to zero, are not.
    """
    if s.isdigit():  # the common case, a plain whole number: no regex
        value = float(s)
        return value if value != math.inf else None
    match = FLOAT_SYNTAX.match(s)
    if not match:
        return None
    if match["inf"]:
        return -math.inf if s.startswith(b"-") else math.inf
    try:
        value = float.fromhex(s.decode()) if match["hex"] else float(s)
    except OverflowError:
        return None
    mantissa = match["dec"] or match["hex"]
    if math.isinf(value) or (value == 0 and mantissa.strip(b"0.")):
        return None  # strtod() reports ERANGE: too big, or too small
    return value
# --8<-- [end:string2d]


# Long doubles. A finite value is the Fraction it stands for, exactly;
# the infinities are math.inf and -math.inf.
LDBL_MANT_DIG = 64  # mantissa bits of the x87 format, C's <float.h> name
LDBL_MAX_EXP = 16384  # every finite value is below 2**LDBL_MAX_EXP
LDBL_MIN_EXP = -16381  # the smallest normal value is 2**(LDBL_MIN_EXP - 1)
# The weight of the mantissa's last bit at the bottom of the range: below
# the smallest normal value, numbers lose precision ("subnormals").
LDBL_TINIEST_EXP = LDBL_MIN_EXP - LDBL_MANT_DIG  # 2**-16445
MAX_LONG_DOUBLE_CHARS = 5 * 1024  # string2ld() refuses longer input
MAX_EXPONENT_DIGITS = 9  # a longer exponent is far out of range


# --8<-- [start:round_to_long_double]
def round_to_long_double(x: Fraction) -> Fraction | None:
    """The long double nearest to `x`, ties to even; None if too big.

    This is what the FPU does after every operation: keep 64 significant
    bits (fewer for subnormals) and round the rest away.
    """
    if x == 0:
        return x
    magnitude = abs(x)
    # The exponent that puts the 64 significant bits before the point:
    # 2**63 <= magnitude / 2**exp < 2**64, then no lower than subnormals.
    exp = (magnitude.numerator.bit_length()
           - magnitude.denominator.bit_length() - LDBL_MANT_DIG)
    if magnitude >= Fraction(2) ** (exp + LDBL_MANT_DIG):
        exp += 1
    exp = max(exp, LDBL_TINIEST_EXP)
    mantissa = round(magnitude / Fraction(2) ** exp)  # ties to even
    rounded = mantissa * Fraction(2) ** exp
    if rounded >= Fraction(2) ** LDBL_MAX_EXP:
        return None
    return rounded if x > 0 else -rounded
# --8<-- [end:round_to_long_double]


# --8<-- [start:string2ld]
def string2ld(s: bytes) -> Fraction | float | None:
    """Parse a long double as Redis does; None if `s` is not one.

    Mirrors string2ld() in util.c, which calls strtold(): the syntax of
    string2d(), at most MAX_LONG_DOUBLE_CHARS bytes, and the value is
    rounded to a long double. "inf" gives math.inf; NaN, a value too big
    for a long double, or one so small it rounds to 0, gives None.
    """
    if len(s) >= MAX_LONG_DOUBLE_CHARS:
        return None
    match = FLOAT_SYNTAX.match(s)
    if not match:
        return None
    if match["inf"]:
        return -math.inf if s.startswith(b"-") else math.inf
    exact = exact_hex(s) if match["hex"] else exact_decimal(s)
    value = None if exact is None else round_to_long_double(exact)
    if value is None or (value == 0 and exact != 0):
        return None  # strtold() reports ERANGE: too big, or too small
    return value
# --8<-- [end:string2ld]


def exact_decimal(s: bytes) -> Fraction | None:
    """The exact value of "-12.5e3"; None if far outside the range."""
    mantissa, _, exponent = s.lower().partition(b"e")
    digits = Decimal(mantissa.decode())  # Decimal: any number of digits
    if not digits:
        return Fraction(0)
    exp10 = parse_exponent(exponent)
    # |value| < 10**(magnitude + 1): cheap to check, and it keeps us from
    # computing 10**1000000000 for "1e1000000000".
    if exp10 is None or not -4960 < digits.adjusted() + exp10 < 4940:
        return None
    return Fraction(digits) * Fraction(10) ** exp10


def exact_hex(s: bytes) -> Fraction | None:
    """The exact value of "-0x1.8p3"; None if far outside the range."""
    mantissa, _, exponent = s.lower().partition(b"p")
    whole, _, fraction = mantissa.lstrip(b"+-")[2:].partition(b".")
    digits = int(whole + fraction, 16)
    if not digits:
        return Fraction(0)
    exp2 = parse_exponent(exponent)
    if exp2 is None:
        return None
    exp2 -= 4 * len(fraction)
    if not -16500 < digits.bit_length() + exp2 < 16500:
        return None
    value = digits * Fraction(2) ** exp2
    return -value if s.startswith(b"-") else value


def parse_exponent(text: bytes) -> int | None:
    """The exponent after "e" or "p" (0 if none); None if absurdly long."""
    digits = text.lstrip(b"+-").lstrip(b"0")
    if len(digits) > MAX_EXPONENT_DIGITS:
        return None
    value = int(digits or b"0")
    return -value if text.startswith(b"-") else value


def ld_add(a: Fraction | float, b: Fraction | float) -> Fraction | None:
    """a + b in long double arithmetic; None if that is NaN or infinite."""
    if isinstance(a, float) or isinstance(b, float):
        return None  # an infinity: inf + x is inf, inf - inf is NaN
    return round_to_long_double(a + b)


# --8<-- [start:ld2string]
def ld2string(value: Fraction) -> bytes:
    """Format a long double for INCRBYFLOAT. Mirrors ld2string() in util.c
    with LD_STR_HUMAN: printf("%.17Lf"), then trailing zeros (and a
    trailing point) removed, and "-0" written "0".

    printf rounds the exact binary value to 17 decimals, ties to even.
    """
    scaled = round(abs(value) * 10**17)
    # Decimal prints any number of digits (int -> str stops at 4300).
    digits = format(Decimal(scaled), "018f")
    text = (digits[:-17] + "." + digits[-17:]).rstrip("0").rstrip(".")
    if value < 0 and text != "0":
        text = "-" + text
    return text.encode()
# --8<-- [end:ld2string]


# Glob-style patterns, as KEYS and SCAN ... MATCH read them.
STAR, QUESTION, BACKSLASH = ord("*"), ord("?"), ord("\\")
OPEN, CLOSE, CARET, DASH = ord("["), ord("]"), ord("^"), ord("-")
# Redis recurses once per "*" and, since the fix for CVE-2024-31228 (in
# the 7.0.15 that Debian ships), gives up past this depth: no match.
STRINGMATCH_MAX_NESTING = 1000


# --8<-- [start:stringmatchlen]
def stringmatchlen(pattern: bytes, string: bytes) -> bool:
    """Whether `string` matches the glob `pattern`. Mirrors stringmatchlen().

    "*" matches any run of bytes, "?" any one byte, "[a-z]" and "[^abc]"
    one byte in (or not in) a set, and a backslash makes the next byte
    literal. Redis recurses at each "*"; after a failure only the latest
    "*" is worth retrying at the next byte (Redis's skipLongerMatches), so
    a loop with one saved position does the same work. Counting the stars
    gives Redis's depth limit.
    """
    # BEGIN EXERCISE 04-stringmatchlen
    p = s = nesting = 0
    retry = None  # (pattern, string) positions after the latest "*"
    while True:
        if p < len(pattern) and s < len(string):
            if pattern[p] == STAR:
                while p + 1 < len(pattern) and pattern[p + 1] == STAR:
                    p += 1
                if p + 1 == len(pattern):
                    return True  # a final "*" matches whatever is left
                nesting += 1
                if nesting > STRINGMATCH_MAX_NESTING:
                    return False
                p += 1
                retry = (p, s)
                continue
            matched, p = match_one_byte(pattern, p, string[s])
            if matched:
                p, s = p + 1, s + 1
                if s == len(string):  # trailing stars match nothing
                    while p < len(pattern) and pattern[p] == STAR:
                        p += 1
                continue
        elif p == len(pattern) and s == len(string):
            return True
        # No match from here: let the latest "*" swallow one more byte.
        if retry is None or retry[1] + 1 == len(string):
            return False
        p, s = retry[0], retry[1] + 1
        retry = (p, s)
    # END EXERCISE 04-stringmatchlen
# --8<-- [end:stringmatchlen]


def match_one_byte(pattern: bytes, p: int, byte: int) -> tuple[bool, int]:
    """Match one byte against the element at pattern[p] ("?", "[...]",
    "\\x" or a literal); return the result and the element's last index."""
    if pattern[p] == QUESTION:
        return True, p
    if pattern[p] == OPEN:
        return match_class(pattern, p + 1, byte)
    if pattern[p] == BACKSLASH and p + 1 < len(pattern):
        p += 1
    return pattern[p] == byte, p


def match_class(pattern: bytes, p: int, byte: int) -> tuple[bool, int]:
    """Match a "[...]" whose first byte is pattern[p]; return the result
    and the index of its "]" (or of the last byte, if it is unclosed)."""
    negate = p < len(pattern) and pattern[p] == CARET
    p += negate
    found = False
    while True:
        left = len(pattern) - p
        if left == 0:  # no "]": the set runs to the end of the pattern
            p -= 1
            break
        if pattern[p] == BACKSLASH and left >= 2:
            p += 1
            found |= pattern[p] == byte
        elif pattern[p] == CLOSE:
            break
        elif left >= 3 and pattern[p + 1] == DASH:
            low, high = sorted((signed_char(pattern[p]),
                                signed_char(pattern[p + 2])))
            found |= low <= signed_char(byte) <= high
            p += 2
        else:
            found |= pattern[p] == byte
        p += 1
    return found != negate, p


def signed_char(byte: int) -> int:
    """C's char is signed on x86: ranges see bytes >= 0x80 as negative."""
    return byte - 256 if byte >= 0x80 else byte


def fsync_file_dir(filename: str | bytes) -> None:
    """Flush the directory that holds `filename`, so that a rename into
    it is on disk too, not only in the kernel's cache. Mirrors
    fsyncFileDir() in util.c, which lets pass the systems that cannot
    fsync a directory (EBADF, EINVAL)."""
    fd = os.open(os.path.dirname(os.fsdecode(filename)) or ".", os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as err:
        if err.errno not in (errno.EBADF, errno.EINVAL):
            raise
    finally:
        os.close(fd)
