"""sort.py: SORT and SORT_RO. Redis: src/sort.c.

SORT reads the elements of a list, a set or a sorted set and replies
with them in order: as numbers (the default), or as strings (ALPHA).
It can sort by other keys instead of the elements themselves: BY w_*
sorts each element x by the number in key w_x, and BY h_*->f by field f
of hash h_x. GET patterns, read the same way, pick what to reply with
for each element ("#" is the element itself), LIMIT takes a slice, and
STORE writes the result to a list instead of replying with it.

Steps:
  04_datatypes  SORT and SORT_RO

Elements that compare equal (ALPHA BY keys holding the same string, or
none) keep the order they were read in: a list's own order; for a set or
a sorted set, the order of its hash table, which is not Redis's.

Simplified: with BY and LIMIT, Redis sorts only what the slice needs
(pqsort(), a partial quicksort, which is not stable), so elements that
compare equal may come out in another order than here.
"""

from collections import deque
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import islice
from math import isinf, isnan
from operator import itemgetter
from sys import float_info

import resp
from commands import (
    SYNTAX_ERROR,
    WRONGTYPE,
    CommandError,
    command,
    get_long_long,
)
from db import db_delete, lookup_key_read, set_key
from t_zset import C_WHITESPACE, ZSet, strtod, zrange_by_rank
from util import FLOAT_SYNTAX, exact_decimal, exact_hex

SORT_SCORE_ERROR = "One or more scores can't be converted into double"


@dataclass(slots=True)
class SortOptions:
    """What SORT was asked to do, read from its arguments."""

    desc: bool = False
    alpha: bool = False
    limit_start: int = 0
    limit_count: int = -1  # negative: to the end
    sortby: bytes | None = None  # the BY pattern
    dontsort: bool = False  # BY a pattern without "*": keep the order
    getops: list[bytes] = field(default_factory=list)  # the GET patterns
    storekey: bytes | None = None


def parse_sort_options(args: list[bytes], readonly: bool) -> SortOptions:
    """Read SORT's options, in any order. Mirrors the first loop of
    sortCommandGeneric(): an option missing its arguments, or STORE in
    SORT_RO, is a syntax error."""
    options = SortOptions()
    i = 0
    while i < len(args):
        option, leftargs = args[i].lower(), len(args) - i - 1
        if option in (b"asc", b"desc"):
            options.desc = option == b"desc"
        elif option == b"alpha":
            options.alpha = True
        elif option == b"limit" and leftargs >= 2:
            options.limit_start = get_long_long(args[i + 1])
            options.limit_count = get_long_long(args[i + 2])
            i += 2
        elif option == b"store" and leftargs >= 1 and not readonly:
            options.storekey = args[i + 1]
            i += 1
        elif option == b"by" and leftargs >= 1:
            options.sortby = args[i + 1]
            # A pattern without "*" names one key for every element:
            # there is nothing to sort by. Redis's docs write BY nosort.
            # Once set, a later BY with a "*" does not clear it.
            if b"*" not in resp.c_string(args[i + 1]):
                options.dontsort = True
            i += 1
        elif option == b"get" and leftargs >= 1:
            options.getops.append(args[i + 1])
            i += 1
        else:
            raise CommandError(SYNTAX_ERROR)
        i += 1
    return options


# --8<-- [start:lookup_key_by_pattern]
def lookup_key_by_pattern(db, pattern: bytes, subst: bytes) -> bytes | None:
    """The string a BY or GET pattern names for the element `subst`, or
    None. Mirrors lookupKeyByPattern().

    "#" is the element itself. Otherwise the first "*" is replaced by
    the element to make a key name, which must hold a string; with
    "->field" after the "*", the key must hold a hash, and the value is
    that field's. A pattern without "*" names nothing. Redis searches
    the pattern with strchr() and strstr(), which stop at a NUL byte.
    """
    spat = resp.c_string(pattern)
    if spat == b"#":
        return subst
    star = spat.find(b"*")
    if star < 0:
        return None
    arrow = spat.find(b"->", star + 1)
    if arrow < 0 or arrow + 2 == len(spat):  # no field, or an empty one
        value = lookup_key_read(db, pattern.replace(b"*", subst, 1))
        return value if type(value) is bytes else None
    keyname = pattern[:star] + subst + pattern[star + 1:arrow]
    value = lookup_key_read(db, keyname)
    return value.get(pattern[arrow + 2:]) if type(value) is dict else None
# --8<-- [end:lookup_key_by_pattern]


# --8<-- [start:sort_score]
def sort_score(value: bytes) -> float | None:
    """The number SORT sorts `value` by; None if it can't be converted.

    Redis reads it with strtod(), which skips leading spaces and reads
    "" as 0, then refuses trailing bytes, NaN, and a number strtod()
    flags with ERANGE: too big for a double, or too small for one to
    hold exactly (1e-310).

    Simplified: Redis tests errno without clearing it first, so once a
    number has set ERANGE, later valid numbers can be refused too, until
    something else sets errno; each number is judged on its own here.
    """
    score = strtod(value)
    if score is None or isnan(score):
        return None
    text = resp.c_string(value).lstrip(C_WHITESPACE)
    if text and strtod_out_of_range(text, score):
        return None
    return score
# --8<-- [end:sort_score]


def strtod_out_of_range(text: bytes, score: float) -> bool:
    """Whether strtod() sets ERANGE when it reads `text` as `score`: an
    overflow to infinity, or a nonzero number below the smallest normal
    double (float_info.min) that it cannot represent exactly."""
    match = FLOAT_SYNTAX.match(text)
    if isinf(score):
        return not match["inf"]
    if abs(score) > float_info.min:
        return False
    exact = exact_hex(text) if match["hex"] else exact_decimal(text)
    return exact is None or (abs(exact) < float_info.min
                             and exact != Fraction(score))


# --8<-- [start:sort_command_generic]
def sort_command_generic(c, readonly: bool) -> None:
    """Sort, slice, then reply or store. Mirrors sortCommandGeneric()."""
    options = parse_sort_options(c.argv[2:], readonly)
    sortval = lookup_key_read(c.db, c.argv[1])
    if sortval is None:
        sortval = deque()  # a missing key sorts as an empty list
    elif type(sortval) not in (deque, set, ZSet):
        raise CommandError(WRONGTYPE)
    if options.dontsort and type(sortval) is set and options.storekey:
        # A set has no order of its own, but a stored list must be the
        # same on every replica: sort it as strings.
        options.dontsort, options.alpha, options.sortby = False, True, None
    start, end = sort_limits(options, len(sortval))
    if options.dontsort and type(sortval) is not set:
        # BY nosort on a list or sorted set: its own order, reversed by
        # DESC, and only the slice asked for is read.
        output = native_range(sortval, start, end, options.desc)
    else:
        vector = list(sortval.dict if type(sortval) is ZSet else sortval)
        if not options.dontsort:
            vector = sort_vector(c.db, vector, options)
        output = vector[start:end + 1] if end >= start else []
    if options.getops:
        output = [lookup_key_by_pattern(c.db, pattern, element)
                  for element in output for pattern in options.getops]
    if options.storekey is None:
        c.add_reply(resp.array_len(len(output)) + b"".join(
            resp.null(c.resp) if v is None else resp.bulk(v)
            for v in output))
    else:
        sort_store(c, options.storekey, output)
# --8<-- [end:sort_command_generic]


def sort_limits(options: SortOptions, vectorlen: int) -> tuple[int, int]:
    """The first and last index LIMIT selects; end < start for none.
    Mirrors sortCommandGeneric()'s checks: a negative offset is 0 and a
    negative count means all the rest."""
    start = min(max(options.limit_start, 0), vectorlen)
    count = min(max(options.limit_count, -1), vectorlen)
    end = vectorlen - 1 if count < 0 else start + count - 1
    if start >= vectorlen:
        start, end = vectorlen - 1, vectorlen - 2
    return start, min(end, vectorlen - 1)


def native_range(sortval: deque | ZSet, start: int, end: int,
                 desc: bool) -> list[bytes]:
    """Elements start to end of a list or a sorted set, in its own order
    (from its end with DESC). A sorted set jumps to the first one in its
    skiplist, as ZRANGE does."""
    if end < start:
        return []
    if type(sortval) is ZSet:
        return [node.ele for node in zrange_by_rank(sortval, start, end,
                                                    desc)]
    elements = reversed(sortval) if desc else iter(sortval)
    return list(islice(elements, start, end + 1))


# --8<-- [start:sort_vector]
def sort_vector(db, vector: list[bytes],
                options: SortOptions) -> list[bytes]:
    """The elements in order. Mirrors sortCompare() and the loop that
    loads its scores.

    By number: the element's, or with BY the number in the key it
    names (0 if there is none); equal numbers in byte order of the
    elements. ALPHA: by the element, or with BY by the string it names,
    elements that name none first. DESC reverses the comparison, so
    equal elements keep their order either way, as in a stable sort.
    """
    if options.alpha:
        keys = [alpha_key(db, element, options) for element in vector]
    else:
        keys = [numeric_key(db, element, options.sortby)
                for element in vector]
        if any(key[0] is None for key in keys):
            raise CommandError(SORT_SCORE_ERROR)
    ordered = sorted(zip(keys, vector), key=itemgetter(0),
                     reverse=options.desc)
    return [element for _, element in ordered]
# --8<-- [end:sort_vector]


def numeric_key(db, element: bytes,
                sortby: bytes | None) -> tuple[float | None, bytes]:
    """(score, element); the score is None if it can't be converted."""
    if sortby is None:
        return sort_score(element), element
    byval = lookup_key_by_pattern(db, sortby, element)
    return (0.0 if byval is None else sort_score(byval)), element


def alpha_key(db, element: bytes, options: SortOptions) -> tuple:
    """What ALPHA compares for an element.

    Redis compares with strcoll() when it replies and with memcmp() when
    it stores, so that a stored list does not depend on the locale.
    Simplified: strcoll() follows the server's locale (LC_COLLATE); we
    compare bytes, as strcoll() does in the C locale, up to a NUL byte.
    """
    if options.sortby is None:
        value = element
    else:
        value = lookup_key_by_pattern(db, options.sortby, element)
        if value is None:
            return (False,)  # before every element that names a value
    return (True, value if options.storekey else resp.c_string(value))


def sort_store(c, storekey: bytes, output: list[bytes | None]) -> None:
    """STORE: replace the key (of any type) with the result as a list,
    a GET that found nothing stored as ""; an empty result deletes it.
    The reply is the length of the list."""
    if output:
        set_key(c.db, storekey, deque(v or b"" for v in output))
    else:
        db_delete(c.db, storekey)
    c.add_reply(resp.integer(len(output)))


SORT_SYNOPSIS = ("key [BY pattern] [LIMIT offset count] "
                 "[GET pattern [GET pattern ...]] [ASC | DESC] [ALPHA]")
SORT_COMPLEXITY = (
    "O(N+M*log(M)) where N is the number of elements in the list or set to "
    "sort, and M the number of returned elements. When the elements are "
    "not sorted, complexity is O(N).")


@command("sort", -2, "write denyoom movablekeys",
         acl="set sortedset list dangerous", group="generic", since="1.0.0",
         synopsis=SORT_SYNOPSIS + " [STORE destination]", keys=(1, 1, 1),
         complexity=SORT_COMPLEXITY,
         summary="Sort the elements of a list, set or sorted set")
def sort_command(c) -> None:
    sort_command_generic(c, readonly=False)


@command("sort_ro", -2, "readonly movablekeys",
         acl="set sortedset list dangerous", group="generic", since="7.0.0",
         synopsis=SORT_SYNOPSIS, keys=(1, 1, 1), complexity=SORT_COMPLEXITY,
         summary="Sort the elements of a list, set or sorted set, "
         "without STORE")
def sort_ro_command(c) -> None:
    sort_command_generic(c, readonly=True)
