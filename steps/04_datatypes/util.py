"""util.py: strict number parsing. Redis: src/util.c.

Redis reads numbers from arguments with C's strtod(), then refuses
anything strtod() would quietly accept: leading spaces, trailing bytes,
overflow, NaN. Python's float() is looser in other ways (it takes
"1_000" and " 5 ") and stricter in one (no hex floats), so the accepted
shapes are spelled out here.

Steps:
  04_datatypes  string2d
"""

import math
import re

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
