"""t_zset.py: sorted sets. Redis: src/t_zset.c.

A sorted set maps members to scores and keeps its members in order: by
score, and members with the same score by their bytes (so a set whose
scores are all equal is sorted alphabetically, which BYLEX relies on).

A small sorted set is a listpack (listpack.py): member, score, member,
score... in that order, one packed blob. Finding a member walks it, which
for a few dozen pairs costs less than the pointers of anything faster.
When it grows past zset-max-listpack-entries members (128), or is given
a member longer than zset-max-listpack-value bytes (64), it is converted,
once and for good, to the general encoding.

That one has two structures holding the same pairs, as in Redis: a dict
answers "what is the score of m?" in O(1), and a skiplist answers
everything about order (ranks, ranges, the first and last members) in
O(log n). A skiplist is a sorted linked list with express lanes. Every
node is on level 0; about one in four is also on level 1, one in sixteen
on level 2, and so on. A search starts on the highest level and drops
down a level whenever the next node would overshoot. Each forward link
also records its span, the number of level-0 nodes it jumps over, so
adding up the spans along a search gives a member's rank.

Steps:
  04_datatypes  the skiplist and the sorted set commands
  06_encodings  sorted set objects (OBJ_ZSET), small ones in a listpack
                (the zzl_* functions) until they grow past the limits
  07_blocking   BZPOPMIN, BZPOPMAX, BZMPOP, and serving a client blocked
                on a sorted set (blocked.py)
  09_pubsub     keyspace events: zadd, zincr, zrem, zremrangeby*, zpopmin,
                zpopmax, the *store commands', and del for a set emptied
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from math import inf, isnan
from random import random, sample
from typing import NamedTuple

import object as objects  # objects.server: the Server and its config
import resp
from blocked import SERVE_CLIENT_BLOCKED_ON_KEY, block_for_keys, get_timeout
from commands import (
    SYNTAX_ERROR,
    WRONGTYPE,
    CommandError,
    command,
    get_double,
    get_long_long,
    get_positive_long,
    get_range_long,
)
from db import (
    DUP_FUNCTIONS,
    EMPTY_SCAN,
    add_reply_random_picks,
    db_add,
    db_delete,
    lookup_key_read,
    lookup_key_write,
    parse_scan_cursor,
    parse_scan_options,
    random_element,
    scan_generic,
    set_key,
    signal_modified_key,
)
from listpack import (
    LP_EOF,
    LP_HDR_SIZE,
    lp_delete_range,
    lp_delete_range_with_entry,
    lp_entries,
    lp_find,
    lp_from_entries,
    lp_get_with_size,
    lp_insert_entries,
    lp_length,
    lp_new,
    lp_prev,
    lp_random_pair,
    lp_random_pairs_unique,
    lp_safe_to_add,
    lp_seek,
)
from networking import BLOCKED_ZSET
from notify import NOTIFY_GENERIC, NOTIFY_ZSET, notify_keyspace_event
from object import (
    OBJ_ENCODING_LISTPACK,
    OBJ_ENCODING_SKIPLIST,
    OBJ_SET,
    OBJ_ZSET,
    RedisObject,
    create_object,
)
from t_list import parse_mpop_arguments, sanitize_indexes
from t_set import set_type_is_member, set_type_members, set_type_size
from util import FLOAT_SYNTAX, stringmatchlen

ZSKIPLIST_MAXLEVEL = 32  # enough for 4^32 elements
ZSKIPLIST_P = 0.25  # the chance that a node also goes on the next level


# --8<-- [start:skiplist_structs]
@dataclass(slots=True)
class ZSkiplistLevel:
    """One level of a node. Mirrors struct zskiplistLevel in server.h."""

    forward: ZSkiplistNode | None = field(default=None, repr=False)
    span: int = 0  # how many level-0 steps `forward` is ahead


@dataclass(slots=True, eq=False)
class ZSkiplistNode:
    """A member and its score. Mirrors struct zskiplistNode."""

    ele: bytes | None  # the member; None in the header node
    score: float
    level: list[ZSkiplistLevel] = field(repr=False)  # 1 to 32 levels
    backward: ZSkiplistNode | None = field(default=None, repr=False)


@dataclass(slots=True)
class ZSkiplist:
    """Mirrors struct zskiplist: a header node with every level, whose
    forward links are the entry points of each level."""

    header: ZSkiplistNode
    tail: ZSkiplistNode | None = field(default=None, repr=False)
    length: int = 0  # nodes, not counting the header
    level: int = 1  # levels in use: the tallest node's height
# --8<-- [end:skiplist_structs]


def zsl_create() -> ZSkiplist:
    """An empty skiplist. Mirrors zslCreate()."""
    levels = [ZSkiplistLevel() for _ in range(ZSKIPLIST_MAXLEVEL)]
    return ZSkiplist(ZSkiplistNode(None, 0.0, levels))


# --8<-- [start:zsl_random_level]
def zsl_random_level() -> int:
    """A height for a new node: 1, then one more level with probability
    ZSKIPLIST_P each time, at most ZSKIPLIST_MAXLEVEL. Mirrors
    zslRandomLevel(): heights follow a geometric distribution, so each
    level holds about a quarter of the nodes of the level below."""
    level = 1
    while random() < ZSKIPLIST_P:
        level += 1
    return min(level, ZSKIPLIST_MAXLEVEL)
# --8<-- [end:zsl_random_level]


# --8<-- [start:zsl_insert]
def zsl_insert(zsl: ZSkiplist, score: float, ele: bytes) -> ZSkiplistNode:
    """Insert a new node; `ele` must not be in the skiplist yet.

    Mirrors zslInsert(). Going down from the top level, update[i] is
    the last node on level i that sorts before (score, ele) and rank[i]
    its rank; the new node is linked in after each update[i], and the
    spans on both sides of it are set from those ranks.
    """
    # BEGIN EXERCISE 04-zsl-insert
    update = [zsl.header] * ZSKIPLIST_MAXLEVEL
    rank = [0] * ZSKIPLIST_MAXLEVEL
    x = zsl.header
    for i in range(zsl.level - 1, -1, -1):
        rank[i] = 0 if i == zsl.level - 1 else rank[i + 1]
        while ((nxt := x.level[i].forward) is not None
               and (nxt.score < score
                    or (nxt.score == score and nxt.ele < ele))):
            rank[i] += x.level[i].span
            x = nxt
        update[i] = x
    level = zsl_random_level()
    if level > zsl.level:  # new levels start at the header: rank 0
        for i in range(zsl.level, level):
            zsl.header.level[i].span = zsl.length
        zsl.level = level
    x = ZSkiplistNode(ele, score, [ZSkiplistLevel() for _ in range(level)])
    for i in range(level):
        before = update[i].level[i]
        x.level[i].forward = before.forward
        before.forward = x
        # update[i] is rank[0] - rank[i] steps before the new node's
        # predecessor: its span now ends at x, and x takes the rest.
        x.level[i].span = before.span - (rank[0] - rank[i])
        before.span = rank[0] - rank[i] + 1
    for i in range(level, zsl.level):
        update[i].level[i].span += 1  # these links now jump over x too
    x.backward = None if update[0] is zsl.header else update[0]
    if x.level[0].forward is not None:
        x.level[0].forward.backward = x
    else:
        zsl.tail = x
    zsl.length += 1
    return x
    # END EXERCISE 04-zsl-insert
# --8<-- [end:zsl_insert]


# --8<-- [start:zsl_delete]
def zsl_delete_node(zsl: ZSkiplist, x: ZSkiplistNode,
                    update: list[ZSkiplistNode]) -> None:
    """Unlink x, given the last node before it on every level.

    Mirrors zslDeleteNode(): a link that pointed at x now points where
    x pointed, spanning both jumps less x itself; a link that jumped over
    x gets one shorter.
    """
    for i in range(zsl.level):
        before = update[i].level[i]
        if before.forward is x:
            before.span += x.level[i].span - 1
            before.forward = x.level[i].forward
        else:
            before.span -= 1
    if x.level[0].forward is not None:
        x.level[0].forward.backward = x.backward
    else:
        zsl.tail = x.backward
    while zsl.level > 1 and zsl.header.level[zsl.level - 1].forward is None:
        zsl.level -= 1
    zsl.length -= 1


def zsl_find_update(zsl: ZSkiplist, score: float,
                    ele: bytes) -> list[ZSkiplistNode]:
    """The last node before (score, ele) on every level, as zslDelete()
    and zslUpdateScore() find it before they unlink a node."""
    update = [zsl.header] * ZSKIPLIST_MAXLEVEL
    x = zsl.header
    for i in range(zsl.level - 1, -1, -1):
        while ((nxt := x.level[i].forward) is not None
               and (nxt.score < score
                    or (nxt.score == score and nxt.ele < ele))):
            x = nxt
        update[i] = x
    return update


def zsl_delete(zsl: ZSkiplist, score: float,
               ele: bytes) -> ZSkiplistNode | None:
    """Remove the node of (score, ele); return it, or None if there is
    none. Mirrors zslDelete()."""
    update = zsl_find_update(zsl, score, ele)
    x = update[0].level[0].forward
    if x is not None and x.score == score and x.ele == ele:
        zsl_delete_node(zsl, x, update)
        return x
    return None
# --8<-- [end:zsl_delete]


def zsl_update_score(zsl: ZSkiplist, curscore: float, ele: bytes,
                     newscore: float) -> ZSkiplistNode:
    """Change the score of an existing node. Mirrors zslUpdateScore().

    If the node stays between the same neighbours its score is changed
    in place; otherwise it is removed and inserted again.
    """
    update = zsl_find_update(zsl, curscore, ele)
    x = update[0].level[0].forward
    assert x is not None and x.score == curscore and x.ele == ele
    nxt = x.level[0].forward
    if ((x.backward is None or x.backward.score < newscore)
            and (nxt is None or nxt.score > newscore)):
        x.score = newscore
        return x
    zsl_delete_node(zsl, x, update)
    return zsl_insert(zsl, newscore, ele)


# --8<-- [start:zsl_get_rank]
def zsl_get_rank(zsl: ZSkiplist, score: float, ele: bytes) -> int:
    """The 1-based rank of (score, ele), or 0 if it is not there.

    Mirrors zslGetRank(): search as for an insert, adding up the span of
    every link followed; the header is rank 0.
    """
    # BEGIN EXERCISE 04-zsl-get-rank
    rank = 0
    x = zsl.header
    for i in range(zsl.level - 1, -1, -1):
        while ((nxt := x.level[i].forward) is not None
               and (nxt.score < score
                    or (nxt.score == score and nxt.ele <= ele))):
            rank += x.level[i].span
            x = nxt
        if x is not zsl.header and x.score == score and x.ele == ele:
            return rank
    return 0
    # END EXERCISE 04-zsl-get-rank
# --8<-- [end:zsl_get_rank]


def zsl_get_element_by_rank(zsl: ZSkiplist,
                            rank: int) -> ZSkiplistNode | None:
    """The node of 1-based `rank`. Mirrors zslGetElementByRank()."""
    traversed = 0
    x = zsl.header
    for i in range(zsl.level - 1, -1, -1):
        while ((nxt := x.level[i].forward) is not None
               and traversed + x.level[i].span <= rank):
            traversed += x.level[i].span
            x = nxt
        if traversed == rank:
            return x
    return None


# Ranges. Redis has a score version and a lex version of each function
# below (zslFirstInRange, zslFirstInLexRange...); here both kinds of
# range answer the same two questions, so one function serves both.

@dataclass(slots=True)
class ZRangeSpec:
    """A score range, each end inclusive or exclusive. Mirrors
    zrangespec and zslValueGteMin() / zslValueLteMax()."""

    min: float
    max: float
    minex: bool  # min is exclusive: "(1.5"
    maxex: bool

    def is_empty(self) -> bool:
        return self.min > self.max or (
            self.min == self.max and (self.minex or self.maxex))

    def value_gte_min(self, node: ZSkiplistNode) -> bool:
        return node.score > self.min if self.minex else node.score >= self.min

    def value_lte_max(self, node: ZSkiplistNode) -> bool:
        return node.score < self.max if self.maxex else node.score <= self.max


# "-" and "+" in a lex range: below and above every string.
MINSTRING = object()
MAXSTRING = object()


def sdscmplex(a: bytes | object, b: bytes | object) -> int:
    """Compare two members or range ends. Mirrors sdscmplex()."""
    if a is b:
        return 0
    if a is MINSTRING or b is MAXSTRING:
        return -1
    if a is MAXSTRING or b is MINSTRING:
        return 1
    return (a > b) - (a < b)


@dataclass(slots=True)
class ZLexRangeSpec:
    """A range of members. Mirrors zlexrangespec.

    It is meant for a sorted set whose scores are all equal, where the
    members are in order. When scores differ the answer is unspecified:
    Redis walks a listpack from one end to the first member past the
    range's near end, and searches a skiplist as if the members were in
    order, an answer that then depends on its nodes' random heights. So
    do we.
    """

    min: bytes | object  # or MINSTRING / MAXSTRING
    max: bytes | object
    minex: bool  # "(a": exclusive; "[a": inclusive
    maxex: bool

    def is_empty(self) -> bool:
        cmp = sdscmplex(self.min, self.max)
        return cmp > 0 or (cmp == 0 and (self.minex or self.maxex))

    def value_gte_min(self, node: ZSkiplistNode) -> bool:
        cmp = sdscmplex(node.ele, self.min)
        return cmp > 0 if self.minex else cmp >= 0

    def value_lte_max(self, node: ZSkiplistNode) -> bool:
        cmp = sdscmplex(node.ele, self.max)
        return cmp < 0 if self.maxex else cmp <= 0


RangeSpec = ZRangeSpec | ZLexRangeSpec


def zsl_is_in_range(zsl: ZSkiplist, spec: RangeSpec) -> bool:
    """Whether some of the skiplist may be in range: a quick test on its
    two ends. Mirrors zslIsInRange() and zslIsInLexRange()."""
    if spec.is_empty():
        return False
    if zsl.tail is None or not spec.value_gte_min(zsl.tail):
        return False
    first = zsl.header.level[0].forward
    return first is not None and spec.value_lte_max(first)


# --8<-- [start:zsl_first_in_range]
def zsl_first_in_range(zsl: ZSkiplist,
                       spec: RangeSpec) -> ZSkiplistNode | None:
    """The first node in range, or None. Mirrors zslFirstInRange().

    Go forward on every level while the next node is still below the
    range; the node after the one reached is the first one in it.
    """
    if not zsl_is_in_range(zsl, spec):
        return None
    x = zsl.header
    for i in range(zsl.level - 1, -1, -1):
        while ((nxt := x.level[i].forward) is not None
               and not spec.value_gte_min(nxt)):
            x = nxt
    x = x.level[0].forward  # not None: the last node is >= min
    return x if spec.value_lte_max(x) else None
# --8<-- [end:zsl_first_in_range]


def zsl_last_in_range(zsl: ZSkiplist,
                      spec: RangeSpec) -> ZSkiplistNode | None:
    """The last node in range, or None. Mirrors zslLastInRange()."""
    if not zsl_is_in_range(zsl, spec):
        return None
    x = zsl.header
    for i in range(zsl.level - 1, -1, -1):
        while ((nxt := x.level[i].forward) is not None
               and spec.value_lte_max(nxt)):
            x = nxt
    return x if spec.value_gte_min(x) else None  # x: the first is <= max


def zsl_delete_range(zsl: ZSkiplist, spec: RangeSpec,
                     zdict: dict[bytes, float]) -> int:
    """Remove every node in range, from the skiplist and from the dict;
    return how many. Mirrors zslDeleteRangeByScore() and ...ByLex()."""
    update = [zsl.header] * ZSKIPLIST_MAXLEVEL
    x = zsl.header
    for i in range(zsl.level - 1, -1, -1):
        while ((nxt := x.level[i].forward) is not None
               and not spec.value_gte_min(nxt)):
            x = nxt
        update[i] = x
    x = x.level[0].forward
    removed = 0
    while x is not None and spec.value_lte_max(x):
        nxt = x.level[0].forward
        zsl_delete_node(zsl, x, update)
        del zdict[x.ele]
        removed += 1
        x = nxt
    return removed


def zsl_delete_range_by_rank(zsl: ZSkiplist, start: int, end: int,
                             zdict: dict[bytes, float]) -> int:
    """Remove the nodes of 1-based ranks start to end (inclusive);
    return how many. Mirrors zslDeleteRangeByRank()."""
    update = [zsl.header] * ZSKIPLIST_MAXLEVEL
    traversed = 0
    x = zsl.header
    for i in range(zsl.level - 1, -1, -1):
        while ((nxt := x.level[i].forward) is not None
               and traversed + x.level[i].span < start):
            traversed += x.level[i].span
            x = nxt
        update[i] = x
    traversed += 1  # the rank of x
    x = x.level[0].forward
    removed = 0
    while x is not None and traversed <= end:
        nxt = x.level[0].forward
        zsl_delete_node(zsl, x, update)
        del zdict[x.ele]
        removed += 1
        traversed += 1
        x = nxt
    return removed


C_WHITESPACE = b" \t\n\v\f\r"  # what strtod() skips before a number


def strtod(s: bytes) -> float | None:
    """The number C's strtod() reads, if it reads all of `s`; else None.

    Score ranges are parsed this way (zslParseRange), which is looser
    than the scores ZADD takes (string2d): leading spaces are skipped, an
    empty string reads as 0, and a number too big for a double becomes
    inf. C strings end at a NUL byte. NaN is refused.
    """
    s = resp.c_string(s)
    if not s:
        return 0.0  # no number at all, but nothing left over either
    number = s.lstrip(C_WHITESPACE)
    match = FLOAT_SYNTAX.match(number)
    if not match:
        return None
    if not match["hex"]:
        return float(number)  # "inf", and 1e999 becomes inf, as in C
    try:
        return float.fromhex(number.decode())
    except OverflowError:
        return -inf if number.startswith(b"-") else inf


def zsl_parse_range(min_arg: bytes, max_arg: bytes) -> ZRangeSpec | None:
    """Parse "1.5", "(1.5" (exclusive), "-inf"... Mirrors
    zslParseRange(); None means "min or max is not a float"."""
    ends = []
    for arg in (min_arg, max_arg):
        exclusive = arg.startswith(b"(")
        value = strtod(arg[1:] if exclusive else arg)
        if value is None:
            return None
        ends += (value, exclusive)
    return ZRangeSpec(ends[0], ends[2], ends[1], ends[3])


def zsl_parse_lex_range_item(item: bytes) -> tuple[object, bool] | None:
    """Parse "[a", "(a", "-" or "+" into (value, exclusive).
    Mirrors zslParseLexRangeItem()."""
    head = resp.c_string(item)  # "+" and "-" are compared as C strings
    if head == b"+":
        return MAXSTRING, True
    if head == b"-":
        return MINSTRING, True
    if item[:1] in (b"(", b"["):
        return item[1:], item[:1] == b"("
    return None


def zsl_parse_lex_range(min_arg: bytes,
                        max_arg: bytes) -> ZLexRangeSpec | None:
    """None means "min or max not valid string range item"."""
    low = zsl_parse_lex_range_item(min_arg)
    high = zsl_parse_lex_range_item(max_arg)
    if low is None or high is None:
        return None
    return ZLexRangeSpec(low[0], high[0], low[1], high[1])


# The listpack-backed sorted set. Mirrors the zzl* functions of t_zset.c.
# A position in the listpack is a byte offset (listpack.py): `eptr` is a
# member's entry, and its score is the entry after it.

class ZzlPair(NamedTuple):
    """A member and its score, read from a listpack. Its fields are named
    as a skiplist node's, so a range spec tests either the same way."""

    ele: bytes
    score: float


LISTPACK_INT_LIMIT = 2**62  # double2ll() takes whole scores up to this


# --8<-- [start:zzl_score_element]
def zzl_score_element(score: float) -> int | bytes:
    """What zzlInsertAt() stores for a score: an integer when double2ll()
    says the score is one (so -0 is stored as 0), else the text of
    d2string(): "inf", "-inf", or 17 significant digits."""
    if -LISTPACK_INT_LIMIT <= score <= LISTPACK_INT_LIMIT and (
            score.is_integer()):
        return int(score)
    return b"%.17g" % score
# --8<-- [end:zzl_score_element]


def zzl_get_score(zl: bytes, sptr: int) -> float:
    """The score whose entry is at `sptr`. Mirrors zzlGetScore(): an
    integer entry, or text that strtod() reads (zzlStrtod())."""
    return float(lp_get_with_size(zl, sptr)[0])


def zzl_pair_of(ele: bytes | int, score: bytes | int) -> ZzlPair:
    """A member and its score from their listpack entries: an integer
    member in decimal (lpGetObject()), the score read as zzlGetScore()
    reads it."""
    return ZzlPair(b"%d" % ele if type(ele) is int else ele, float(score))


def zzl_read(zl: bytes, eptr: int) -> tuple[ZzlPair, int]:
    """The pair whose member is at `eptr`, and the offset after it (the
    next member's, or the end byte's)."""
    ele, size = lp_get_with_size(zl, eptr)
    score, size2 = lp_get_with_size(zl, eptr + size)
    return zzl_pair_of(ele, score), eptr + size + size2


def zzl_length(zl: bytes) -> int:
    """The number of members. Mirrors zzlLength()."""
    return lp_length(zl) // 2


def zzl_prev(zl: bytes, eptr: int) -> int | None:
    """The member before the one at `eptr`, or None. Mirrors zzlPrev()."""
    sptr = lp_prev(zl, eptr)
    return None if sptr is None else lp_prev(zl, sptr)


def zzl_walk(zl: bytes, eptr: int | None,
             reverse: bool) -> Iterator[ZzlPair]:
    """The pairs from the one at `eptr` on, towards the tail or (reverse)
    the head: zzlNext() or zzlPrev() in a loop (going forward, reading a
    pair tells where the next one starts)."""
    while eptr is not None:
        pair, after = zzl_read(zl, eptr)
        yield pair
        if reverse:
            eptr = zzl_prev(zl, eptr)
        else:
            eptr = None if zl[after] == LP_EOF else after


def zzl_is_in_range(zl: bytes, spec: RangeSpec) -> bool:
    """Whether some of the listpack may be in range: a quick test on its
    two ends. Mirrors zzlIsInRange() and zzlIsInLexRange()."""
    if spec.is_empty():
        return False
    last = lp_seek(zl, -2)
    if last is None or not spec.value_gte_min(zzl_read(zl, last)[0]):
        return False
    return spec.value_lte_max(zzl_read(zl, LP_HDR_SIZE)[0])


# --8<-- [start:zzl_first_in_range]
def zzl_first_in_range(zl: bytes, spec: RangeSpec) -> int | None:
    """The first member in range, or None. Mirrors zzlFirstInRange() and
    zzlFirstInLexRange(): walk from the head to the first pair that is
    not below the range; it is the answer if it is not above it either.

    For a lex range over members whose scores differ, this walk gives
    another answer than the skiplist's search: both are "unspecified".
    """
    if not zzl_is_in_range(zl, spec):
        return None
    eptr = LP_HDR_SIZE
    while zl[eptr] != LP_EOF:
        pair, after = zzl_read(zl, eptr)
        if spec.value_gte_min(pair):
            return eptr if spec.value_lte_max(pair) else None
        eptr = after
    return None
# --8<-- [end:zzl_first_in_range]


def zzl_last_in_range(zl: bytes, spec: RangeSpec) -> int | None:
    """The last member in range, or None: the same walk from the tail.
    Mirrors zzlLastInRange() and zzlLastInLexRange()."""
    if not zzl_is_in_range(zl, spec):
        return None
    eptr = lp_seek(zl, -2)
    while eptr is not None:
        pair = zzl_read(zl, eptr)[0]
        if spec.value_lte_max(pair):
            return eptr if spec.value_gte_min(pair) else None
        eptr = zzl_prev(zl, eptr)
    return None


def zzl_find(zl: bytes, ele: bytes) -> tuple[int, float] | None:
    """Where `ele` is and its score, or None. Mirrors zzlFind(): lpFind()
    compares every other entry, the members, and skips the scores."""
    eptr = lp_find(zl, LP_HDR_SIZE, ele, 1)
    if eptr is None:
        return None
    size = lp_get_with_size(zl, eptr)[1]
    return eptr, zzl_get_score(zl, eptr + size)


def zzl_delete(zl: bytes, eptr: int) -> bytes:
    """Remove the pair at `eptr`. Mirrors zzlDelete()."""
    return lp_delete_range_with_entry(zl, eptr, 2)


def zzl_insert_at(zl: bytes, eptr: int | None, ele: bytes,
                  score: float) -> bytes:
    """Insert a pair before the member at `eptr`, or at the tail if None.
    Mirrors zzlInsertAt(), which inserts the member, then the score after
    it: here both go in at once, which gives the same bytes."""
    if eptr is None:
        eptr = len(zl) - 1  # the end byte: appending
    return lp_insert_entries(zl, (ele, zzl_score_element(score)), eptr)


# --8<-- [start:zzl_insert]
def zzl_insert(zl: bytes, ele: bytes, score: float) -> bytes:
    """Insert a member that is not in the listpack yet, in order.
    Mirrors zzlInsert(): walk to the first pair that sorts after
    (score, ele), by score, then by member bytes, and insert before it.
    """
    eptr = LP_HDR_SIZE
    while zl[eptr] != LP_EOF:
        pair, after = zzl_read(zl, eptr)
        if pair.score > score or (pair.score == score and pair.ele > ele):
            return zzl_insert_at(zl, eptr, ele, score)
        eptr = after
    return zzl_insert_at(zl, None, ele, score)
# --8<-- [end:zzl_insert]


def zzl_delete_range(zl: bytes, spec: RangeSpec) -> tuple[bytes, int]:
    """Remove every pair in range; return the listpack and how many.
    Mirrors zzlDeleteRangeByScore() and zzlDeleteRangeByLex(): from the
    first pair in range, the pairs up to the first one past its end.
    Redis deletes them one by one; one cut gives the same bytes."""
    eptr = zzl_first_in_range(zl, spec)
    if eptr is None:
        return zl, 0
    end, deleted = eptr, 0
    while zl[end] != LP_EOF:
        pair, after = zzl_read(zl, end)
        if not spec.value_lte_max(pair):
            break
        end, deleted = after, deleted + 1
    return lp_delete_range_with_entry(zl, eptr, 2 * deleted), deleted


def zzl_delete_range_by_rank(zl: bytes, start: int,
                             end: int) -> tuple[bytes, int]:
    """Remove the pairs of 1-based ranks start to end (inclusive).
    Mirrors zzlDeleteRangeByRank()."""
    num = end - start + 1
    return lp_delete_range(zl, 2 * (start - 1), 2 * num), num


# --8<-- [start:zset]
@dataclass(slots=True)
class ZSet:
    """A sorted set in its skiplist encoding. Mirrors struct zset in
    server.h.

    Every member is in both structures: `dict` gives its score, `zsl`
    keeps the (score, member) pairs in order.
    """

    dict: dict[bytes, float] = field(default_factory=dict)
    zsl: ZSkiplist = field(default_factory=zsl_create)

    def __len__(self) -> int:
        return len(self.dict)
# --8<-- [end:zset]


# The common sorted set API: each function works on either encoding.

def create_zset_object() -> RedisObject:
    """An empty sorted set in a skiplist. Mirrors createZsetObject() in
    object.c, here beside ZSet: object.py cannot import this module,
    which imports it."""
    o = create_object(OBJ_ZSET, ZSet())
    o.encoding = OBJ_ENCODING_SKIPLIST
    return o


def create_zset_listpack_object() -> RedisObject:
    """An empty sorted set in a listpack. Mirrors
    createZsetListpackObject() in object.c."""
    o = create_object(OBJ_ZSET, lp_new())
    o.encoding = OBJ_ENCODING_LISTPACK
    return o


def zset_length(zobj: RedisObject) -> int:
    """The number of members. Mirrors zsetLength()."""
    if zobj.encoding == OBJ_ENCODING_LISTPACK:
        return zzl_length(zobj.ptr)
    return zobj.ptr.zsl.length


# --8<-- [start:zset_convert]
def zset_convert(zobj: RedisObject, encoding: int) -> None:
    """Change the encoding of a sorted set, in place. Mirrors
    zsetConvert(): a listpack's pairs are inserted into a new skiplist
    and dict; a skiplist's nodes, in order, are appended to a listpack.
    """
    if zobj.encoding == encoding:
        return
    if zobj.encoding == OBJ_ENCODING_LISTPACK:
        zs = ZSet()
        for ele, score in zset_pairs(zobj):
            zsl_insert(zs.zsl, score, ele)
            zs.dict[ele] = score
        zobj.ptr, zobj.encoding = zs, OBJ_ENCODING_SKIPLIST
    else:
        entries = []
        node = zobj.ptr.zsl.header.level[0].forward
        while node is not None:
            entries += (node.ele, zzl_score_element(node.score))
            node = node.level[0].forward
        zobj.ptr = lp_from_entries(entries)
        zobj.encoding = OBJ_ENCODING_LISTPACK
# --8<-- [end:zset_convert]


def zset_convert_to_listpack_if_needed(zobj: RedisObject, maxelelen: int,
                                       totelelen: int) -> None:
    """Make a skiplist small enough for a listpack into one: the STORE
    forms of ZUNION, ZINTER and ZDIFF build their result in a skiplist.
    Mirrors zsetConvertToListpackIfNeeded()."""
    if zobj.encoding == OBJ_ENCODING_LISTPACK:
        return
    server = objects.server
    if (zobj.ptr.zsl.length <= server.zset_max_listpack_entries
            and maxelelen <= server.zset_max_listpack_value
            and lp_safe_to_add(None, totelelen)):
        zset_convert(zobj, OBJ_ENCODING_LISTPACK)


def zset_score(zobj: RedisObject, ele: bytes) -> float | None:
    """The score of a member, or None. Mirrors zsetScore()."""
    if zobj.encoding == OBJ_ENCODING_LISTPACK:
        found = zzl_find(zobj.ptr, ele)
        return None if found is None else found[1]
    return zobj.ptr.dict.get(ele)


def zset_dup(zobj: RedisObject) -> RedisObject:
    """A copy of a sorted set, in the same encoding (COPY). Mirrors
    zsetDup(). A listpack is bytes, which never change: the copy can
    share them, and the first write to either key makes new ones.

    The members of a skiplist go in from the last to the first, so each
    one is inserted right after the header, without a search.
    """
    if zobj.encoding == OBJ_ENCODING_LISTPACK:
        new = create_object(OBJ_ZSET, zobj.ptr)
        new.encoding = OBJ_ENCODING_LISTPACK
        return new
    new = create_zset_object()
    ln = zobj.ptr.zsl.tail
    while ln is not None:
        zsl_insert(new.ptr.zsl, ln.score, ln.ele)
        new.ptr.dict[ln.ele] = ln.score
        ln = ln.backward
    return new


DUP_FUNCTIONS[OBJ_ZSET] = zset_dup

# zset_add() input flags (ZADD options) and output flags (what it did).
ZADD_IN_INCR = 1 << 0  # add the score to the current one
ZADD_IN_NX = 1 << 1  # only add new members
ZADD_IN_XX = 1 << 2  # only update existing members
ZADD_IN_GT = 1 << 3  # only update to a greater score
ZADD_IN_LT = 1 << 4  # only update to a lower score
ZADD_OUT_NOP = 1 << 0  # nothing done, because of an option
ZADD_OUT_NAN = 1 << 1  # the new score would be NaN
ZADD_OUT_ADDED = 1 << 2
ZADD_OUT_UPDATED = 1 << 3


# --8<-- [start:zset_add]
def zset_add(zobj: RedisObject, score: float, ele: bytes,
             flags: int) -> tuple[int, float]:
    """Add a member or update its score, as the ZADD_IN_* flags allow.

    Mirrors zsetAdd(). Returns the ZADD_OUT_* flags saying what happened
    and the member's new score. A listpack that a new member would take
    past zset-max-listpack-entries members, or a member longer than
    zset-max-listpack-value bytes, is first converted to a skiplist.
    """
    if isnan(score):
        return ZADD_OUT_NAN, score
    if zobj.encoding == OBJ_ENCODING_LISTPACK:
        found = zzl_find(zobj.ptr, ele)
        if found is not None:
            eptr, curscore = found
            retflags, score = zset_new_score(score, curscore, flags)
            if retflags & ZADD_OUT_UPDATED:  # move it: delete, insert
                zobj.ptr = zzl_insert(zzl_delete(zobj.ptr, eptr), ele, score)
            return retflags, score
        if flags & ZADD_IN_XX:
            return ZADD_OUT_NOP, score
        server = objects.server
        if (zzl_length(zobj.ptr) + 1 > server.zset_max_listpack_entries
                or len(ele) > server.zset_max_listpack_value
                or not lp_safe_to_add(zobj.ptr, len(ele))):
            zset_convert(zobj, OBJ_ENCODING_SKIPLIST)  # and go on below
        else:
            zobj.ptr = zzl_insert(zobj.ptr, ele, score)
            return ZADD_OUT_ADDED, score
    zs = zobj.ptr
    curscore = zs.dict.get(ele)
    if curscore is None:
        if flags & ZADD_IN_XX:
            return ZADD_OUT_NOP, score
        zsl_insert(zs.zsl, score, ele)
        zs.dict[ele] = score
        return ZADD_OUT_ADDED, score
    retflags, score = zset_new_score(score, curscore, flags)
    if retflags & ZADD_OUT_UPDATED:
        zsl_update_score(zs.zsl, curscore, ele, score)
        zs.dict[ele] = score
    return retflags, score
# --8<-- [end:zset_add]


def zset_new_score(score: float, curscore: float,
                   flags: int) -> tuple[int, float]:
    """What zsetAdd() does with a member that is already there, in either
    encoding: nothing (NX, GT, LT; the same score), an update, or an
    error when INCR makes NaN. Returns the flags and the new score."""
    if flags & ZADD_IN_NX:
        return ZADD_OUT_NOP, score
    if flags & ZADD_IN_INCR:
        score += curscore
        if isnan(score):
            return ZADD_OUT_NAN, score
    if ((flags & ZADD_IN_LT and score >= curscore)
            or (flags & ZADD_IN_GT and score <= curscore)):
        return ZADD_OUT_NOP, score
    return (0 if score == curscore else ZADD_OUT_UPDATED), score


def zset_del(zobj: RedisObject, ele: bytes) -> bool:
    """Remove a member; False if it was not there. Mirrors zsetDel()."""
    if zobj.encoding == OBJ_ENCODING_LISTPACK:
        found = zzl_find(zobj.ptr, ele)
        if found is None:
            return False
        zobj.ptr = zzl_delete(zobj.ptr, found[0])
        return True
    zs = zobj.ptr
    score = zs.dict.pop(ele, None)
    if score is None:
        return False
    zsl_delete(zs.zsl, score, ele)
    return True


def zset_rank(zobj: RedisObject, ele: bytes, reverse: bool) -> int:
    """The 0-based rank of a member (reverse: from the highest score),
    or -1. Mirrors zsetRank(): a listpack is walked from its head until
    the member is found; a skiplist adds up spans (zsl_get_rank())."""
    length = zset_length(zobj)
    if zobj.encoding == OBJ_ENCODING_LISTPACK:
        members = lp_entries(zobj.ptr, strings=True)[::2]
        try:
            rank = members.index(ele) + 1
        except ValueError:
            return -1
    else:
        zs = zobj.ptr
        score = zs.dict.get(ele)
        if score is None:
            return -1
        rank = zsl_get_rank(zs.zsl, score, ele)
    return length - rank if reverse else rank - 1


# Sorted set commands.

ZADD_OPTIONS = {b"nx": ZADD_IN_NX, b"xx": ZADD_IN_XX, b"gt": ZADD_IN_GT,
                b"lt": ZADD_IN_LT, b"incr": ZADD_IN_INCR}
NAN_ERROR = "resulting score is not a number (NaN)"


# --8<-- [start:zadd_generic_command]
def zadd_generic_command(c, flags: int) -> None:
    """ZADD, and ZINCRBY (flags: ZADD_IN_INCR). Mirrors
    zaddGenericCommand(): every argument is checked before anything is
    added, so the command runs fully or not at all."""
    argv = c.argv
    scoreidx, ch = 2, False
    while scoreidx < len(argv):
        option = argv[scoreidx].lower()
        if option == b"ch":
            ch = True  # reply with added + updated, not just added
        elif option in ZADD_OPTIONS:
            flags |= ZADD_OPTIONS[option]
        else:
            break
        scoreidx += 1
    pairs = check_zadd_arguments(argv, scoreidx, flags)
    zobj = lookup_key_write(c.db, argv[1], OBJ_ZSET)
    if zobj is None and flags & ZADD_IN_XX:
        pairs = []  # only updates, and nothing to update
    elif zobj is None:
        zobj = zset_type_create(pairs[0][1])
        db_add(c.db, argv[1], zobj)
    added = updated = processed = 0
    score = 0.0
    for score, ele in pairs:
        retflags, score = zset_add(zobj, score, ele, flags)
        if retflags & ZADD_OUT_NAN:
            raise CommandError(NAN_ERROR)
        added += bool(retflags & ZADD_OUT_ADDED)
        updated += bool(retflags & ZADD_OUT_UPDATED)
        processed += not (retflags & ZADD_OUT_NOP)
    if not flags & ZADD_IN_INCR:
        c.add_reply(resp.integer(added + updated if ch else added))
    elif processed:
        c.add_reply(resp.double(score, c.resp))
    else:
        c.add_reply(resp.null(c.resp))
    if added or updated:
        signal_modified_key(c.db, argv[1])
        event = b"zincr" if flags & ZADD_IN_INCR else b"zadd"
        c.server.dirty += added + updated
        notify_keyspace_event(c.server, NOTIFY_ZSET, event, argv[1], c.db.id)
# --8<-- [end:zadd_generic_command]


def zset_type_create(first_member: bytes) -> RedisObject:
    """A new sorted set for ZADD: a listpack, unless the limits make a
    skiplist of it at once (no listpack at all, or a first member too
    long). Mirrors the test in zaddGenericCommand(), which Redis 7.2
    moves into a zsetTypeCreate() of its own."""
    server = objects.server
    if (server.zset_max_listpack_entries == 0
            or server.zset_max_listpack_value < len(first_member)):
        return create_zset_object()
    return create_zset_listpack_object()


def check_zadd_arguments(argv: list[bytes], scoreidx: int,
                         flags: int) -> list[tuple[float, bytes]]:
    """The (score, member) pairs after the options, once the options
    are known to go together. Raises Redis's errors, in its order."""
    elements = len(argv) - scoreidx
    if elements % 2 or not elements:
        raise CommandError(SYNTAX_ERROR)
    nx, gt, lt = flags & ZADD_IN_NX, flags & ZADD_IN_GT, flags & ZADD_IN_LT
    if nx and flags & ZADD_IN_XX:
        raise CommandError(
            "XX and NX options at the same time are not compatible")
    if (gt and nx) or (lt and nx) or (gt and lt):
        raise CommandError("GT, LT, and/or NX options at the same time are "
                           "not compatible")
    if flags & ZADD_IN_INCR and elements > 2:
        raise CommandError(
            "INCR option supports a single increment-element pair")
    scores = [get_double(arg) for arg in argv[scoreidx::2]]
    return list(zip(scores, argv[scoreidx + 1::2]))


@command("zadd", -4, "write denyoom fast", acl="sortedset",
         group="sorted-set", since="1.2.0",
         synopsis="key [NX | XX] [GT | LT] [CH] [INCR] score member "
                  "[score member ...]",
         complexity="O(log(N)) for each item added, where N is the number "
                    "of elements in the sorted set.",
         keys=(1, 1, 1),
         summary="Add members to a sorted set, or update their scores")
def zadd_command(c) -> None:
    zadd_generic_command(c, 0)


@command("zincrby", 4, "write denyoom fast", acl="sortedset",
         group="sorted-set", since="1.2.0",
         synopsis="key increment member", keys=(1, 1, 1),
         complexity="O(log(N)) where N is the number of elements in the "
                    "sorted set.",
         summary="Add to the score of a member of a sorted set")
def zincrby_command(c) -> None:
    zadd_generic_command(c, ZADD_IN_INCR)


@command("zrem", -3, "write fast", acl="sortedset", group="sorted-set",
         since="1.2.0", synopsis="key member [member ...]", keys=(1, 1, 1),
         complexity="O(M*log(N)) with N being the number of elements in "
                    "the sorted set and M the number of elements to be "
                    "removed.",
         summary="Remove members from a sorted set")
def zrem_command(c) -> None:
    """Mirrors zremCommand()."""
    key = c.argv[1]
    zobj = lookup_key_write(c.db, key, OBJ_ZSET)
    deleted = 0
    keyremoved = False
    if zobj is not None:
        for ele in c.argv[2:]:
            deleted += zset_del(zobj, ele)
            if not zset_length(zobj):
                db_delete(c.db, key)
                keyremoved = True
                break
    if deleted:
        c.server.dirty += deleted
        notify_keyspace_event(c.server, NOTIFY_ZSET, b"zrem", key, c.db.id)
        if keyremoved:
            notify_keyspace_event(c.server, NOTIFY_GENERIC, b"del", key,
                                  c.db.id)
        signal_modified_key(c.db, key)
    c.add_reply(resp.integer(deleted))


ZRANGE_AUTO, ZRANGE_RANK, ZRANGE_SCORE, ZRANGE_LEX = range(4)
ZRANGE_DIRECTION_AUTO, ZRANGE_DIRECTION_FORWARD, ZRANGE_DIRECTION_REVERSE = (
    range(3))
NOT_A_FLOAT_RANGE = "min or max is not a float"
NOT_A_LEX_RANGE = "min or max not valid string range item"


def parse_range(rangetype: int, min_arg: bytes,
                max_arg: bytes) -> RangeSpec | tuple[int, int]:
    """A score or lex range, or (start, end) for a range of ranks."""
    if rangetype == ZRANGE_RANK:
        return get_long_long(min_arg), get_long_long(max_arg)
    if rangetype == ZRANGE_SCORE:
        spec = zsl_parse_range(min_arg, max_arg)
        if spec is None:
            raise CommandError(NOT_A_FLOAT_RANGE)
        return spec
    spec = zsl_parse_lex_range(min_arg, max_arg)
    if spec is None:
        raise CommandError(NOT_A_LEX_RANGE)
    return spec


REMRANGE_EVENTS = {ZRANGE_RANK: b"zremrangebyrank",
                   ZRANGE_SCORE: b"zremrangebyscore",
                   ZRANGE_LEX: b"zremrangebylex"}


def zremrange_generic_command(c, rangetype: int) -> None:
    """ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX. Mirrors
    zremrangeGenericCommand(): the range is checked before the key."""
    key = c.argv[1]
    bounds = parse_range(rangetype, c.argv[2], c.argv[3])
    zobj = lookup_key_write(c.db, key, OBJ_ZSET)
    deleted = 0
    if zobj is not None and rangetype == ZRANGE_RANK:
        indexes = sanitize_indexes(*bounds, zset_length(zobj))
        if indexes is not None:
            deleted = zset_delete_range_by_rank(zobj, *indexes)
    elif zobj is not None:
        deleted = zset_delete_range(zobj, bounds)
    keyremoved = zobj is not None and not zset_length(zobj)
    if keyremoved:
        db_delete(c.db, key)
    if deleted:
        signal_modified_key(c.db, key)
        notify_keyspace_event(c.server, NOTIFY_ZSET,
                              REMRANGE_EVENTS[rangetype], key, c.db.id)
        c.server.dirty += deleted
        if keyremoved:
            notify_keyspace_event(c.server, NOTIFY_GENERIC, b"del", key,
                                  c.db.id)
    c.add_reply(resp.integer(deleted))


def zset_delete_range_by_rank(zobj: RedisObject, start: int,
                              end: int) -> int:
    """Remove the members of 0-based ranks start to end, in either
    encoding; return how many."""
    if zobj.encoding == OBJ_ENCODING_LISTPACK:
        zobj.ptr, deleted = zzl_delete_range_by_rank(zobj.ptr, start + 1,
                                                     end + 1)
        return deleted
    zs = zobj.ptr
    return zsl_delete_range_by_rank(zs.zsl, start + 1, end + 1, zs.dict)


def zset_delete_range(zobj: RedisObject, spec: RangeSpec) -> int:
    """Remove the members in a score or lex range, in either encoding;
    return how many."""
    if zobj.encoding == OBJ_ENCODING_LISTPACK:
        zobj.ptr, deleted = zzl_delete_range(zobj.ptr, spec)
        return deleted
    return zsl_delete_range(zobj.ptr.zsl, spec, zobj.ptr.dict)


REMRANGE_COMPLEXITY = ("O(log(N)+M) with N being the number of elements in "
                       "the sorted set and M the number of elements removed "
                       "by the operation.")


@command("zremrangebyrank", 4, "write", acl="sortedset", group="sorted-set",
         since="2.0.0", synopsis="key start stop", keys=(1, 1, 1),
         complexity=REMRANGE_COMPLEXITY,
         summary="Remove the members of a sorted set in a range of ranks")
def zremrangebyrank_command(c) -> None:
    zremrange_generic_command(c, ZRANGE_RANK)


@command("zremrangebyscore", 4, "write", acl="sortedset",
         group="sorted-set", since="1.2.0", synopsis="key min max",
         keys=(1, 1, 1), complexity=REMRANGE_COMPLEXITY,
         summary="Remove the members of a sorted set in a range of scores")
def zremrangebyscore_command(c) -> None:
    zremrange_generic_command(c, ZRANGE_SCORE)


@command("zremrangebylex", 4, "write", acl="sortedset", group="sorted-set",
         since="2.8.9", synopsis="key min max", keys=(1, 1, 1),
         complexity=REMRANGE_COMPLEXITY,
         summary="Remove the members of a sorted set in a range of members")
def zremrangebylex_command(c) -> None:
    zremrange_generic_command(c, ZRANGE_LEX)


# --8<-- [start:zrange_generic_command]
def zrange_generic_command(c, argc_start: int, store: bool, rangetype: int,
                           direction: int) -> None:
    """ZRANGE and its older forms (ZREVRANGE, ZRANGEBYSCORE...), and
    ZRANGESTORE (store: the result goes to argv[1]).

    Mirrors zrangeGenericCommand(): argv[argc_start] is the source key,
    then two range ends, then options. ZRANGE works out the kind of range
    and its direction from BYSCORE, BYLEX and REV; the older commands
    pass them in. Every argument is checked before the key is read.
    """
    argv = c.argv
    key = argv[argc_start]
    rangetype, direction, withscores, offset, limit = parse_zrange_options(
        argv[argc_start + 3:], store, rangetype, direction)
    reverse = direction == ZRANGE_DIRECTION_REVERSE
    min_arg, max_arg = argv[argc_start + 1], argv[argc_start + 2]
    if reverse and rangetype != ZRANGE_RANK:
        min_arg, max_arg = max_arg, min_arg  # given as max, then min
    bounds = parse_range(rangetype, min_arg, max_arg)
    zobj = lookup_key_read(c.db, key, OBJ_ZSET)
    length = -1  # the result's length, when known before it is read
    if zobj is None:
        pairs = []
    elif rangetype == ZRANGE_RANK:
        pairs = zrange_by_rank(zobj, *bounds, reverse)
        length = len(pairs)
    else:
        pairs = zrange_in_range(zobj, bounds, offset, limit, reverse)
    if store:
        zrange_result_store(c, argv[1], pairs, length)
    else:
        zrange_result_reply(c, pairs, withscores)
# --8<-- [end:zrange_generic_command]


def parse_zrange_options(args: list[bytes], store: bool, rangetype: int,
                         direction: int) -> tuple[int, int, bool, int, int]:
    """The options after "key min max": (rangetype, direction,
    withscores, offset, limit). A LIMIT count of -1 means no limit."""
    withscores, offset, limit = False, 0, -1
    j = 0
    while j < len(args):
        option = args[j].lower()
        if not store and option == b"withscores":
            withscores = True
        elif option == b"limit" and len(args) - j - 1 >= 2:
            offset = get_long_long(args[j + 1])
            limit = get_long_long(args[j + 2])
            j += 2
        elif direction == ZRANGE_DIRECTION_AUTO and option == b"rev":
            direction = ZRANGE_DIRECTION_REVERSE
        elif rangetype == ZRANGE_AUTO and option == b"bylex":
            rangetype = ZRANGE_LEX
        elif rangetype == ZRANGE_AUTO and option == b"byscore":
            rangetype = ZRANGE_SCORE
        else:
            raise CommandError(SYNTAX_ERROR)
        j += 1
    if direction == ZRANGE_DIRECTION_AUTO:
        direction = ZRANGE_DIRECTION_FORWARD
    if rangetype == ZRANGE_AUTO:
        rangetype = ZRANGE_RANK
    if limit != -1 and rangetype == ZRANGE_RANK:
        raise CommandError("syntax error, LIMIT is only supported in "
                           "combination with either BYSCORE or BYLEX")
    if withscores and rangetype == ZRANGE_LEX:
        raise CommandError("syntax error, WITHSCORES not supported in "
                           "combination with BYLEX")
    return rangetype, direction, withscores, offset, limit


def zrange_by_rank(zobj: RedisObject, start: int, end: int,
                   reverse: bool) -> list[tuple[bytes, float]]:
    """The (member, score) pairs from rank start to end. Mirrors
    genericZrangebyrankCommand(): a listpack seeks the first pair's
    entry; a skiplist jumps to its node in O(log n). Both then walk."""
    length = zset_length(zobj)
    indexes = sanitize_indexes(start, end, length)
    if indexes is None:
        return []
    start, end = indexes
    if zobj.encoding == OBJ_ENCODING_LISTPACK:
        zl = zobj.ptr
        eptr = lp_seek(zl, -2 - 2 * start if reverse else 2 * start)
        return list(islice(zzl_walk(zl, eptr, reverse), end - start + 1))
    return zsl_range_by_rank(zobj.ptr.zsl, start, end, reverse)


def zsl_range_by_rank(zsl: ZSkiplist, start: int, end: int,
                      reverse: bool) -> list[tuple[bytes, float]]:
    """The pairs of 0-based ranks start to end (both valid) of a
    skiplist, the first found in O(log n) unless it is at an end."""
    if reverse:
        ln = zsl.tail if start == 0 else zsl_get_element_by_rank(
            zsl, zsl.length - start)
    else:
        ln = zsl.header.level[0].forward if start == 0 else (
            zsl_get_element_by_rank(zsl, start + 1))
    return [(node.ele, node.score)
            for node in islice(zsl_walk(ln, reverse), end - start + 1)]


def zsl_walk(ln: ZSkiplistNode | None,
             reverse: bool) -> Iterator[ZSkiplistNode]:
    """The nodes from `ln` on, along level 0 or (reverse) backwards."""
    while ln is not None:
        yield ln
        ln = ln.backward if reverse else ln.level[0].forward


# --8<-- [start:zrange_in_range]
def zrange_in_range(zobj: RedisObject, spec: RangeSpec, offset: int,
                    limit: int, reverse: bool) -> list[tuple[bytes, float]]:
    """The pairs in a score or lex range, after skipping `offset` of
    them, at most `limit` (negative: all). Mirrors
    genericZrangebyscoreCommand() and genericZrangebylexCommand():
    find the first (or last) member in range, then walk while in range.
    """
    if offset > 0 and offset >= zset_length(zobj):
        return []
    if zobj.encoding == OBJ_ENCODING_LISTPACK:
        zl = zobj.ptr
        first = zzl_last_in_range if reverse else zzl_first_in_range
        walk = zzl_walk(zl, first(zl, spec), reverse)
    else:
        zsl = zobj.ptr.zsl
        first = zsl_last_in_range if reverse else zsl_first_in_range
        walk = zsl_walk(first(zsl, spec), reverse)
    if offset < 0:
        return []  # C counts down from -1 and walks off the end
    in_range = spec.value_gte_min if reverse else spec.value_lte_max
    pairs = []
    for x in islice(walk, offset, None):
        if limit == 0 or not in_range(x):
            break
        limit -= 1
        pairs.append((x.ele, x.score))
    return pairs
# --8<-- [end:zrange_in_range]


def zset_reply_len(count: int, withscores: bool, proto: int) -> bytes:
    """The start of a reply of `count` members, or with WITHSCORES of
    member-score pairs: one flat array in RESP2, an array of [member,
    score] arrays in RESP3 (not a map: the order matters)."""
    return resp.array_len(2 * count if withscores and proto == 2 else count)


def zset_reply_items(pairs: Iterable[tuple[bytes, float]], withscores: bool,
                     proto: int) -> bytes:
    """The (member, score) pairs of such a reply, after its start."""
    pair = b"*2\r\n" if withscores and proto > 2 else b""
    out = []
    for ele, score in pairs:
        out.append(pair + resp.bulk(ele))
        if withscores:
            out.append(resp.double(score, proto))
    return b"".join(out)


def zrange_result_reply(c, pairs: list[tuple[bytes, float]],
                        withscores: bool) -> None:
    """Mirrors zrangeResultBeginClient() and the functions that emit
    each member to the client."""
    c.add_reply(zset_reply_len(len(pairs), withscores, c.resp)
                + zset_reply_items(pairs, withscores, c.resp))


# --8<-- [start:zrange_result_store]
def zrange_result_store(c, dstkey: bytes, pairs: list[tuple[bytes, float]],
                        length: int) -> None:
    """ZRANGESTORE's end: replace dstkey (any type) by the pairs, or
    delete it when there are none. Mirrors zrangeResultBeginStore(),
    which makes a skiplist if the result's length is known (a range of
    ranks) to be past zset-max-listpack-entries, else a listpack, and
    zrangeResultFinalizeStore(). Each pair goes in through zset_add(),
    which converts the listpack if the result outgrows it."""
    if not pairs:
        zset_store_nothing(c, dstkey)
        return
    if length > objects.server.zset_max_listpack_entries:
        dstobj = create_zset_object()
    else:
        dstobj = create_zset_listpack_object()
    for ele, score in pairs:
        zset_add(dstobj, score, ele, 0)
    set_key(c.db, dstkey, dstobj)
    c.add_reply(resp.integer(len(pairs)))
    c.server.dirty += 1
    notify_keyspace_event(c.server, NOTIFY_ZSET, b"zrangestore", dstkey,
                          c.db.id)
# --8<-- [end:zrange_result_store]


def zset_store_nothing(c, dstkey: bytes) -> None:
    """The end of a STORE form whose result is empty: reply 0, and
    delete dstkey, whatever it held (the del event comes after the
    reply)."""
    c.add_reply(b":0\r\n")
    if db_delete(c.db, dstkey):
        signal_modified_key(c.db, dstkey)
        notify_keyspace_event(c.server, NOTIFY_GENERIC, b"del", dstkey,
                              c.db.id)
        c.server.dirty += 1


RANGE_COMPLEXITY = ("O(log(N)+M) with N being the number of elements in the "
                    "sorted set and M the number of elements returned.")
LIMITED_RANGE_COMPLEXITY = (
    "O(log(N)+M) with N being the number of elements in the sorted set and "
    "M the number of elements being returned. If M is constant (e.g. always "
    "asking for the first 10 elements with LIMIT), you can consider it "
    "O(log(N)).")


@command("zrange", -4, "readonly", acl="sortedset", group="sorted-set",
         since="1.2.0", synopsis="key start stop [BYSCORE | BYLEX] [REV] "
                                 "[LIMIT offset count] [WITHSCORES]",
         complexity=RANGE_COMPLEXITY, keys=(1, 1, 1),
         summary="A range of members of a sorted set, by rank, score or "
                 "member")
def zrange_command(c) -> None:
    zrange_generic_command(c, 1, False, ZRANGE_AUTO, ZRANGE_DIRECTION_AUTO)


@command("zrangestore", -5, "write denyoom", acl="sortedset",
         group="sorted-set", since="6.2.0",
         synopsis="dst src min max [BYSCORE | BYLEX] [REV] "
                  "[LIMIT offset count]",
         complexity="O(log(N)+M) with N being the number of elements in the "
                    "sorted set and M the number of elements stored into the "
                    "destination key.",
         keys=(1, 2, 1),
         summary="Store a range of members of a sorted set in another key")
def zrangestore_command(c) -> None:
    zrange_generic_command(c, 2, True, ZRANGE_AUTO, ZRANGE_DIRECTION_AUTO)


@command("zrevrange", -4, "readonly", acl="sortedset", group="sorted-set",
         since="1.2.0", synopsis="key start stop [WITHSCORES]",
         complexity=RANGE_COMPLEXITY, keys=(1, 1, 1),
         summary="A range of members of a sorted set, by rank, highest "
                 "score first")
def zrevrange_command(c) -> None:
    zrange_generic_command(c, 1, False, ZRANGE_RANK,
                           ZRANGE_DIRECTION_REVERSE)


@command("zrangebyscore", -4, "readonly", acl="sortedset",
         group="sorted-set", since="1.0.5",
         synopsis="key min max [WITHSCORES] [LIMIT offset count]",
         complexity=LIMITED_RANGE_COMPLEXITY, keys=(1, 1, 1),
         summary="The members of a sorted set in a range of scores")
def zrangebyscore_command(c) -> None:
    zrange_generic_command(c, 1, False, ZRANGE_SCORE,
                           ZRANGE_DIRECTION_FORWARD)


@command("zrevrangebyscore", -4, "readonly", acl="sortedset",
         group="sorted-set", since="2.2.0",
         synopsis="key max min [WITHSCORES] [LIMIT offset count]",
         complexity=LIMITED_RANGE_COMPLEXITY, keys=(1, 1, 1),
         summary="The members of a sorted set in a range of scores, "
                 "highest first")
def zrevrangebyscore_command(c) -> None:
    zrange_generic_command(c, 1, False, ZRANGE_SCORE,
                           ZRANGE_DIRECTION_REVERSE)


@command("zrangebylex", -4, "readonly", acl="sortedset", group="sorted-set",
         since="2.8.9", synopsis="key min max [LIMIT offset count]",
         complexity=LIMITED_RANGE_COMPLEXITY, keys=(1, 1, 1),
         summary="The members of a sorted set in a range of members")
def zrangebylex_command(c) -> None:
    zrange_generic_command(c, 1, False, ZRANGE_LEX, ZRANGE_DIRECTION_FORWARD)


@command("zrevrangebylex", -4, "readonly", acl="sortedset",
         group="sorted-set", since="2.8.9",
         synopsis="key max min [LIMIT offset count]",
         complexity=LIMITED_RANGE_COMPLEXITY, keys=(1, 1, 1),
         summary="The members of a sorted set in a range of members, "
                 "highest first")
def zrevrangebylex_command(c) -> None:
    zrange_generic_command(c, 1, False, ZRANGE_LEX, ZRANGE_DIRECTION_REVERSE)


def zcount_generic_command(c, spec: RangeSpec) -> None:
    """ZCOUNT and ZLEXCOUNT, in O(log n): the difference of the ranks of
    the first and last members in range. Mirrors zcountCommand()."""
    zobj = lookup_key_read(c.db, c.argv[1], OBJ_ZSET)
    if zobj is None:
        count = 0
    elif zobj.encoding == OBJ_ENCODING_LISTPACK:
        count = zzl_count_in_range(zobj.ptr, spec)
    else:
        count = zsl_count_in_range(zobj.ptr.zsl, spec)
    c.add_reply(resp.integer(count))


def zzl_count_in_range(zl: bytes, spec: RangeSpec) -> int:
    """The pairs from the first in range while still in range: a walk,
    where a skiplist has ranks to subtract."""
    count = 0
    for pair in zzl_walk(zl, zzl_first_in_range(zl, spec), False):
        if not spec.value_lte_max(pair):
            break
        count += 1
    return count


def zsl_count_in_range(zsl: ZSkiplist, spec: RangeSpec) -> int:
    """The rank of the last node in range, less the first's, plus one."""
    zn = zsl_first_in_range(zsl, spec)
    if zn is None:
        return 0
    count = zsl.length - (zsl_get_rank(zsl, zn.score, zn.ele) - 1)
    zn = zsl_last_in_range(zsl, spec)
    if zn is not None:
        count -= zsl.length - zsl_get_rank(zsl, zn.score, zn.ele)
    return count


@command("zcount", 4, "readonly fast", acl="sortedset", group="sorted-set",
         since="2.0.0", synopsis="key min max", keys=(1, 1, 1),
         complexity="O(log(N)) with N being the number of elements in the "
                    "sorted set.",
         summary="Count the members of a sorted set in a range of scores")
def zcount_command(c) -> None:
    zcount_generic_command(c, parse_range(ZRANGE_SCORE, *c.argv[2:4]))


@command("zlexcount", 4, "readonly fast", acl="sortedset",
         group="sorted-set", since="2.8.9", synopsis="key min max",
         keys=(1, 1, 1),
         complexity="O(log(N)) with N being the number of elements in the "
                    "sorted set.",
         summary="Count the members of a sorted set in a range of members")
def zlexcount_command(c) -> None:
    zcount_generic_command(c, parse_range(ZRANGE_LEX, *c.argv[2:4]))


@command("zcard", 2, "readonly fast", acl="sortedset", group="sorted-set",
         since="1.2.0", synopsis="key", keys=(1, 1, 1),
         summary="The number of members of a sorted set")
def zcard_command(c) -> None:
    zobj = lookup_key_read(c.db, c.argv[1], OBJ_ZSET)
    c.add_reply(resp.integer(0 if zobj is None else zset_length(zobj)))


@command("zscore", 3, "readonly fast", acl="sortedset", group="sorted-set",
         since="1.2.0", synopsis="key member", keys=(1, 1, 1),
         summary="The score of a member of a sorted set")
def zscore_command(c) -> None:
    zobj = lookup_key_read(c.db, c.argv[1], OBJ_ZSET)
    score = None if zobj is None else zset_score(zobj, c.argv[2])
    c.add_reply(resp.null(c.resp) if score is None
                else resp.double(score, c.resp))


@command("zmscore", -3, "readonly fast", acl="sortedset",
         group="sorted-set", since="6.2.0", synopsis="key member [member ...]",
         complexity="O(N) where N is the number of members being requested.",
         keys=(1, 1, 1),
         summary="The scores of members of a sorted set")
def zmscore_command(c) -> None:
    """A missing key is answered like an empty sorted set."""
    zobj = lookup_key_read(c.db, c.argv[1], OBJ_ZSET)
    out = [resp.array_len(len(c.argv) - 2)]
    for ele in c.argv[2:]:
        score = None if zobj is None else zset_score(zobj, ele)
        out.append(resp.null(c.resp) if score is None
                   else resp.double(score, c.resp))
    c.add_reply(b"".join(out))


def zrank_generic_command(c, reverse: bool) -> None:
    """Mirrors zrankGenericCommand()."""
    zobj = lookup_key_read(c.db, c.argv[1], OBJ_ZSET)
    rank = -1 if zobj is None else zset_rank(zobj, c.argv[2], reverse)
    c.add_reply(resp.null(c.resp) if rank < 0 else resp.integer(rank))


@command("zrank", 3, "readonly fast", acl="sortedset", group="sorted-set",
         since="2.0.0", synopsis="key member", complexity="O(log(N))",
         keys=(1, 1, 1),
         summary="The rank of a member of a sorted set, lowest score first")
def zrank_command(c) -> None:
    zrank_generic_command(c, False)


@command("zrevrank", 3, "readonly fast", acl="sortedset",
         group="sorted-set", since="2.0.0", synopsis="key member",
         complexity="O(log(N))", keys=(1, 1, 1),
         summary="The rank of a member of a sorted set, highest score first")
def zrevrank_command(c) -> None:
    zrank_generic_command(c, True)


ZSET_MIN, ZSET_MAX = 0, 1
ZPOP_EVENTS = {ZSET_MIN: b"zpopmin", ZSET_MAX: b"zpopmax"}


# --8<-- [start:generic_zpop_command]
def generic_zpop_command(c, keys: list[bytes], where: int, emitkey: bool,
                         count: int, use_nested_array: bool,
                         reply_nil_when_empty: bool) -> None:
    """Remove and reply with the `count` lowest (or highest) members and
    their scores, from the first of `keys` that holds a sorted set;
    count -1 means one, without COUNT. Mirrors genericZpopCommand().

    ZPOPMIN/ZPOPMAX pass one key. ZMPOP passes several: its reply names
    the key the members came from (emitkey), and is a null array when
    none of the keys exists (reply_nil_when_empty). Only that key is
    type-checked: the keys after it are not read.
    """
    zobj = None
    for key in keys:
        zobj = lookup_key_write(c.db, key, OBJ_ZSET)
        if zobj is not None:
            break
    if zobj is None:
        c.add_reply(resp.null_array(c.resp) if reply_nil_when_empty
                    else resp.EMPTY_ARRAY)
        return
    if count == 0:
        c.add_reply(resp.EMPTY_ARRAY)
        return
    rangelen = min(1 if count == -1 else count, zset_length(zobj))
    out = [zpop_reply_header(key, rangelen, emitkey, use_nested_array)]
    for _ in range(rangelen):
        ele, score = zset_end_pair(zobj, where)
        zset_del(zobj, ele)
        if use_nested_array:
            out.append(b"*2\r\n")
        out += (resp.bulk(ele), resp.double(score, c.resp))
    c.add_reply(b"".join(out))
    # Simplified: Redis publishes zpopmin/zpopmax once the first member
    # is gone, when the reply holds its header only: a RESP3 client that
    # follows its own keys gets the event inside its reply. Here it comes
    # after the whole reply.
    c.server.dirty += rangelen
    notify_keyspace_event(c.server, NOTIFY_ZSET, ZPOP_EVENTS[where], key,
                          c.db.id)
    signal_modified_key(c.db, key)
    if not zset_length(zobj):
        db_delete(c.db, key)
        notify_keyspace_event(c.server, NOTIFY_GENERIC, b"del", key, c.db.id)
# --8<-- [end:generic_zpop_command]


def zset_end_pair(zobj: RedisObject, where: int) -> tuple[bytes, float]:
    """The member with the lowest (ZSET_MIN) or highest score, and the
    score: the first or last pair of a listpack or node of a skiplist."""
    if zobj.encoding == OBJ_ENCODING_LISTPACK:
        zl = zobj.ptr
        return zzl_read(zl, lp_seek(zl, -2 if where == ZSET_MAX else 0))[0]
    zsl = zobj.ptr.zsl
    node = zsl.tail if where == ZSET_MAX else zsl.header.level[0].forward
    return node.ele, node.score


def zpop_reply_header(key: bytes, rangelen: int, emitkey: bool,
                      use_nested_array: bool) -> bytes:
    """The start of genericZpopCommand()'s reply, in its four shapes:
    member, score, ... (flat) or [[member, score], ...] (nested), and
    with emitkey the key first: key, member, score, ... (the blocking
    pops) or [key, [[member, score], ...]] (ZMPOP)."""
    if use_nested_array:
        header = resp.array_len(rangelen)
        if emitkey:
            header = resp.array_len(2) + resp.bulk(key) + header
        return header
    header = resp.array_len(2 * rangelen + emitkey)
    return header + resp.bulk(key) if emitkey else header


def zpop_min_max_command(c, where: int) -> None:
    """ZPOPMIN/ZPOPMAX key [count]: a flat array, or with a count in
    RESP3, an array of [member, score] pairs."""
    if len(c.argv) > 3:
        raise CommandError(SYNTAX_ERROR)
    count = get_positive_long(c.argv[2]) if len(c.argv) == 3 else -1
    generic_zpop_command(c, c.argv[1:2], where, False, count,
                         c.resp > 2 and count != -1, False)


ZPOP_COMPLEXITY = ("O(log(N)*M) with N being the number of elements in the "
                   "sorted set, and M being the number of elements popped.")


@command("zpopmin", -2, "write fast", acl="sortedset", group="sorted-set",
         since="5.0.0", synopsis="key [count]", complexity=ZPOP_COMPLEXITY,
         keys=(1, 1, 1),
         summary="Remove and return the members with the lowest scores")
def zpopmin_command(c) -> None:
    zpop_min_max_command(c, ZSET_MIN)


@command("zpopmax", -2, "write fast", acl="sortedset", group="sorted-set",
         since="5.0.0", synopsis="key [count]", complexity=ZPOP_COMPLEXITY,
         keys=(1, 1, 1),
         summary="Remove and return the members with the highest scores")
def zpopmax_command(c) -> None:
    zpop_min_max_command(c, ZSET_MAX)


def get_zset_position(arg: bytes) -> int:
    """MIN or MAX, in any case; a syntax error otherwise."""
    position = arg.lower()
    if position == b"min":
        return ZSET_MIN
    if position == b"max":
        return ZSET_MAX
    raise CommandError(SYNTAX_ERROR)


def zmpop_generic_command(c, numkeys_idx: int, is_block: bool) -> None:
    """Pop from the first of the keys that holds a sorted set. Mirrors
    zmpopGenericCommand(): every argument is checked before any key is
    read (BZMPOP's timeout last), and the reply is [key, [[member,
    score], ...]] in RESP2 too."""
    keys, where, count = parse_mpop_arguments(c.argv, numkeys_idx,
                                              get_zset_position)
    if is_block:
        blocking_generic_zpop_command(c, keys, where, 1, count, True)
    else:
        generic_zpop_command(c, keys, where, True, count, True, True)


@command("zmpop", -4, "write movablekeys", acl="sortedset",
         group="sorted-set", since="7.0.0",
         synopsis="numkeys key [key ...] MIN | MAX [COUNT count]",
         complexity="O(K) + O(M*log(N)) where K is the number of provided "
                    "keys, N being the number of elements in the sorted "
                    "set, and M being the number of elements popped.",
         summary="Remove and return the lowest or highest members of the "
                 "first non-empty sorted set of several")
def zmpop_command(c) -> None:
    zmpop_generic_command(c, 1, False)


# Blocking pops: the commands, and how a blocked client is served.

# --8<-- [start:blocking_generic_zpop_command]
def blocking_generic_zpop_command(c, keys: list[bytes], where: int,
                                  timeout_idx: int, count: int,
                                  use_nested_array: bool) -> None:
    """Pop from the first of `keys` that holds a sorted set; if none
    does, block on all of them. Mirrors blockingGenericZpopCommand().

    BZPOPMIN/BZPOPMAX reply key, member, score (count -1); BZMPOP
    [key, [[member, score], ...]] (use_nested_array).
    """
    timeout = get_timeout(c.argv[timeout_idx])
    for key in keys:
        if lookup_key_write(c.db, key, OBJ_ZSET) is not None:
            generic_zpop_command(c, [key], where, True, count,
                                 use_nested_array, use_nested_array)
            return
    block_for_keys(c, BLOCKED_ZSET, keys, count, timeout, wherefrom=where)
# --8<-- [end:blocking_generic_zpop_command]


BZPOP_COMPLEXITY = ("O(log(N)) with N being the number of elements in the "
                    "sorted set.")


@command("bzpopmin", -3, "write noscript blocking fast", acl="sortedset",
         group="sorted-set", since="5.0.0", synopsis="key [key ...] timeout",
         complexity=BZPOP_COMPLEXITY, keys=(1, -2, 1),
         summary="Pop the member with the lowest score of the first "
                 "non-empty sorted set, or wait for one")
def bzpopmin_command(c) -> None:
    blocking_generic_zpop_command(c, c.argv[1:-1], ZSET_MIN, -1, -1, False)


@command("bzpopmax", -3, "write noscript blocking fast", acl="sortedset",
         group="sorted-set", since="5.0.0", synopsis="key [key ...] timeout",
         complexity=BZPOP_COMPLEXITY, keys=(1, -2, 1),
         summary="Pop the member with the highest score of the first "
                 "non-empty sorted set, or wait for one")
def bzpopmax_command(c) -> None:
    blocking_generic_zpop_command(c, c.argv[1:-1], ZSET_MAX, -1, -1, False)


@command("bzmpop", -5, "write blocking movablekeys", acl="sortedset",
         group="sorted-set", since="7.0.0",
         synopsis="timeout numkeys key [key ...] MIN | MAX [COUNT count]",
         complexity="O(K) + O(M*log(N)) where K is the number of provided "
                    "keys, N being the number of elements in the sorted "
                    "set, and M being the number of elements popped.",
         summary="Pop the lowest or highest members of the first "
                 "non-empty sorted set of several, or wait for one")
def bzmpop_command(c) -> None:
    zmpop_generic_command(c, 2, True)


# --8<-- [start:serve_client_blocked_on_sorted_set]
def serve_client_blocked_on_sorted_set(receiver, o: RedisObject,
                                       key: bytes) -> bool:
    """Pop what the client blocked on `key` waits for, and reply; True
    if that emptied the sorted set, now deleted. The body of the loop
    of serveClientsBlockedOnSortedSetKey(), as BZMPOP or BZPOPMIN/MAX
    would have replied had the set been there."""
    nested = receiver.cmd.proc is bzmpop_command
    generic_zpop_command(receiver, [key], receiver.bpop.wherefrom, True,
                         receiver.bpop.count, nested, nested)
    return key not in receiver.db.dict
# --8<-- [end:serve_client_blocked_on_sorted_set]


SERVE_CLIENT_BLOCKED_ON_KEY[OBJ_ZSET] = serve_client_blocked_on_sorted_set


@command("zrandmember", -2, "readonly", acl="sortedset",
         group="sorted-set", since="6.2.0",
         synopsis="key [count [WITHSCORES]]", keys=(1, 1, 1),
         complexity="O(N) where N is the number of elements returned",
         summary="Pick random members of a sorted set: distinct ones for a "
                 "positive count, maybe repeated for a negative one")
def zrandmember_command(c) -> None:
    """Mirrors zrandmemberCommand(): the count and the options are
    checked before the key is read."""
    if len(c.argv) >= 3:
        count = get_range_long(c.argv[2], -resp.LLONG_MAX, resp.LLONG_MAX)
        if len(c.argv) > 4 or (len(c.argv) == 4
                               and c.argv[3].lower() != b"withscores"):
            raise CommandError(SYNTAX_ERROR)
        withscores = len(c.argv) == 4
        # C's LONG_MAX/2 truncates: the bound is the same both ways.
        if withscores and abs(count) > resp.LLONG_MAX // 2:
            raise CommandError("value is out of range")
        zrandmember_with_count_command(c, count, withscores)
        return
    zobj = lookup_key_read(c.db, c.argv[1], OBJ_ZSET)
    c.add_reply(resp.null(c.resp) if zobj is None
                else resp.bulk(zset_type_random_element(zobj)))


def zset_type_random_element(zobj: RedisObject) -> bytes:
    """A random member. Mirrors zsetTypeRandomElement()."""
    if zobj.encoding == OBJ_ENCODING_LISTPACK:
        ele = lp_random_pair(zobj.ptr, zset_length(zobj))[0]
        return b"%d" % ele if type(ele) is int else ele
    return random_element(zobj.ptr.dict)


ZRANDMEMBER_SUB_STRATEGY_MUL = 3  # "a few" members: see below


# --8<-- [start:zrandmember_with_count_command]
def zrandmember_with_count_command(c, count: int, withscores: bool) -> None:
    """Mirrors zrandmemberWithCountCommand(). A negative count may repeat
    members; a positive one gives distinct members, all of them at most.
    With scores, RESP3 pairs each member with its score in an array.

    Distinct members are, in Redis: everything, in the order zuiNext()
    walks a sorted set (from the highest score down) when the count
    covers it; picked out of a copy when the count is more than a third
    of the set; else, from a listpack, picked in one walk, so they come
    in the listpack's order (lpRandomPairsUnique()). A skiplist's are
    drawn one by one, in random order, as those of a copy come out.
    """
    zobj = lookup_key_read(c.db, c.argv[1], OBJ_ZSET)
    if zobj is None or count == 0:
        c.add_reply(resp.EMPTY_ARRAY)
        return
    size, proto = zset_length(zobj), c.resp

    def reply_for(pairs: list[tuple[bytes, float]]) -> bytes:
        return zset_reply_items(pairs, withscores, proto)

    if count < 0 or count == 1:  # picks that may repeat
        c.add_reply(zset_reply_len(abs(count), withscores, proto))
        add_reply_random_picks(c, zset_pairs(zobj), abs(count), reply_for)
        return
    count = min(count, size)
    if count == size:
        pairs = list(zui_items(zobj))
    elif (zobj.encoding == OBJ_ENCODING_LISTPACK
          and count * ZRANDMEMBER_SUB_STRATEGY_MUL <= size):
        pairs = [zzl_pair_of(ele, score)
                 for ele, score in lp_random_pairs_unique(zobj.ptr, count)]
    else:
        pairs = sample(zset_pairs(zobj), count)
    c.add_reply(zset_reply_len(count, withscores, proto) + reply_for(pairs))
# --8<-- [end:zrandmember_with_count_command]


def zset_pairs(zobj: RedisObject) -> list[tuple[bytes, float]]:
    """Every (member, score) of a sorted set: a listpack's in order, in
    one pass over its entries; a skiplist's in its dict's order."""
    if zobj.encoding == OBJ_ENCODING_LISTPACK:
        entries = lp_entries(zobj.ptr)
        return list(map(zzl_pair_of, entries[::2], entries[1::2]))
    return list(zobj.ptr.dict.items())


# ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD take sorted sets
# and sets (whose members count as score 1) as inputs.
SET_OP_UNION, SET_OP_DIFF, SET_OP_INTER = 0, 1, 2
STORE_EVENTS = {SET_OP_UNION: b"zunionstore", SET_OP_INTER: b"zinterstore",
                SET_OP_DIFF: b"zdiffstore"}
REDIS_AGGR_SUM, REDIS_AGGR_MIN, REDIS_AGGR_MAX = 1, 2, 3
AGGREGATES = {b"sum": REDIS_AGGR_SUM, b"min": REDIS_AGGR_MIN,
              b"max": REDIS_AGGR_MAX}


def zui_lookup_inputs(db, keys: list[bytes]) -> list[RedisObject | None]:
    """The inputs at `keys` (None for a missing key), each type-checked
    as it is read, so the first one of another type is the error."""
    inputs = []
    for key in keys:
        obj = lookup_key_read(db, key)
        if obj is not None and obj.type not in (OBJ_ZSET, OBJ_SET):
            raise CommandError(WRONGTYPE)
        inputs.append(obj)
    return inputs


def zui_length(obj: RedisObject | None) -> int:
    """Mirrors zuiLength(): a missing input is empty."""
    if obj is None:
        return 0
    if obj.type == OBJ_ZSET:
        return zset_length(obj)
    return set_type_size(obj)


def zui_items(obj: RedisObject | None) -> Iterable[tuple[bytes, float]]:
    """The (member, score) pairs of an input, a set's members with score
    1. Mirrors zuiInitIterator() and zuiNext(): a sorted set is walked
    from its highest score down, which suits inserting into a new
    skiplist."""
    if obj is None:
        return ()
    if obj.encoding == OBJ_ENCODING_LISTPACK:
        return zzl_walk(obj.ptr, lp_seek(obj.ptr, -2), True)
    if obj.type == OBJ_ZSET:
        return ((node.ele, node.score)
                for node in zsl_walk(obj.ptr.zsl.tail, True))
    return ((ele, 1.0) for ele in set_type_members(obj))


def zui_find(obj: RedisObject, ele: bytes) -> float | None:
    """The score of a member of an input, or None. Mirrors zuiFind(): an
    intset can only hold a member that reads as an integer."""
    if obj.type == OBJ_ZSET:
        return zset_score(obj, ele)
    return 1.0 if set_type_is_member(obj, ele) else None


def zunion_inter_aggregate(target: float, val: float,
                           aggregate: int) -> float:
    """Mirrors zunionInterAggregate(): inf + -inf counts as 0."""
    if aggregate == REDIS_AGGR_SUM:
        target += val
        return 0.0 if isnan(target) else target
    if aggregate == REDIS_AGGR_MIN:
        return val if val < target else target
    return val if val > target else target


# --8<-- [start:zunion_inter_diff_generic_command]
def zunion_inter_diff_generic_command(c, dstkey: bytes | None,
                                      numkeys_index: int, op: int,
                                      cardinality_only: bool) -> None:
    """ZUNION, ZINTER and ZDIFF; with a dstkey, their STORE forms; with
    cardinality_only, ZINTERCARD.

    Mirrors zunionInterDiffGenericCommand(): numkeys is argv[numkeys_index]
    (1, or 2 after a destination); the inputs are looked up (and
    type-checked) before the options are read. The result is stored,
    counted or sent, ordered by score.
    """
    argv = c.argv
    setnum = get_long_long(argv[numkeys_index])
    if setnum < 1:  # argv[0] in lower case: the command's name
        raise CommandError(b"at least 1 input key is needed for '%s' "
                           b"command" % argv[0].lower())
    first = numkeys_index + 1
    if setnum > len(argv) - first:
        raise CommandError(SYNTAX_ERROR)
    inputs = zui_lookup_inputs(c.db, argv[first:first + setnum])
    weights, aggregate, withscores, limit = parse_zsetop_options(
        argv[first + setnum:], setnum, op, dstkey is not None,
        cardinality_only)
    if op == SET_OP_DIFF:
        result = zdiff(inputs)
    else:  # smallest first: an intersection walks the smallest input
        sources = sorted(zip(inputs, weights),
                         key=lambda src: zui_length(src[0]))
        if op == SET_OP_UNION:
            result = zunion(sources, aggregate)
        else:
            result = zinter(sources, aggregate, limit)
    if dstkey is not None:
        zsetop_store(c, dstkey, result, STORE_EVENTS[op])
    elif cardinality_only:
        c.add_reply(resp.integer(len(result)))
    else:
        zsetop_reply(c, result, withscores)
# --8<-- [end:zunion_inter_diff_generic_command]


def parse_zsetop_options(args: list[bytes], setnum: int, op: int,
                         store: bool, cardinality_only: bool
                         ) -> tuple[list[float], int, bool, int]:
    """The options after the keys, in any order: WEIGHTS (one per input)
    and AGGREGATE for a union or an intersection, WITHSCORES when the
    result is sent, LIMIT for ZINTERCARD. Returns (weights, aggregate,
    withscores, limit); a limit of 0 is no limit."""
    weights, aggregate = [1.0] * setnum, REDIS_AGGR_SUM
    withscores, limit = False, 0
    combines = op != SET_OP_DIFF and not cardinality_only
    j = 0
    while j < len(args):
        option, remaining = args[j].lower(), len(args) - j
        if combines and option == b"weights" and remaining >= setnum + 1:
            weights = [get_double(arg, "weight value is not a float")
                       for arg in args[j + 1:j + 1 + setnum]]
            j += 1 + setnum
        elif combines and option == b"aggregate" and remaining >= 2:
            aggregate = AGGREGATES.get(args[j + 1].lower())
            if aggregate is None:
                raise CommandError(SYNTAX_ERROR)
            j += 2
        elif option == b"withscores" and not (store or cardinality_only):
            withscores = True
            j += 1
        elif option == b"limit" and cardinality_only and remaining >= 2:
            limit = get_positive_long(args[j + 1], "LIMIT can't be negative")
            j += 2
        else:
            raise CommandError(SYNTAX_ERROR)
    return weights, aggregate, withscores, limit


def weighted(score: float, weight: float) -> float:
    """score * weight, where NaN (inf * 0) counts as 0."""
    value = score * weight
    return 0.0 if isnan(value) else value


def zunion(sources: list, aggregate: int) -> dict[bytes, float]:
    """Every member of any input, its weighted scores aggregated."""
    accumulator: dict[bytes, float] = {}
    for obj, weight in sources:
        for ele, score in zui_items(obj):
            value = weighted(score, weight)
            if ele in accumulator:
                value = zunion_inter_aggregate(accumulator[ele], value,
                                               aggregate)
            accumulator[ele] = value
    return accumulator


def zinter(sources: list, aggregate: int,
           limit: int = 0) -> dict[bytes, float]:
    """The members of the smallest input that are in every other one;
    only the first `limit` found, if not 0 (ZINTERCARD's LIMIT)."""
    (first, weight), others = sources[0], sources[1:]
    result: dict[bytes, float] = {}
    for ele, score in zui_items(first):
        total = weighted(score, weight)
        for obj, other_weight in others:
            value = None if obj is None else zui_find(obj, ele)
            if value is None:
                break
            total = zunion_inter_aggregate(total, value * other_weight,
                                           aggregate)
        else:
            result[ele] = total
            if len(result) == limit:
                break
    return result


def zdiff(inputs: list) -> dict[bytes, float]:
    """The members of the first input that no other input has, with
    their scores in the first. Mirrors zdiff().

    Simplified: Redis estimates the work of two algorithms and runs the
    cheaper: test each member of the first input against the others, or
    copy the first input and remove the others' members. Both give this
    result; we always test.
    """
    first = inputs[0]
    others = [obj for obj in inputs[1:] if obj is not None]
    return {ele: score for ele, score in zui_items(first)
            if all(zui_find(obj, ele) is None for obj in others)}


# --8<-- [start:zsetop_store]
def zsetop_store(c, dstkey: bytes, result: dict[bytes, float],
                 event: bytes) -> None:
    """The STORE forms' end: replace dstkey (any type) by the result, or
    delete it when the result is empty; reply with the result's size.

    As in Redis, the result is built in a skiplist, then converted to a
    listpack if it is small enough (zsetConvertToListpackIfNeeded()):
    a score of -0 stays -0 in the one, and is stored as 0 in the other.
    """
    if not result:
        zset_store_nothing(c, dstkey)
        return
    dstobj = create_zset_object()
    zs = dstobj.ptr
    for ele, score in result.items():
        zsl_insert(zs.zsl, score, ele)
        zs.dict[ele] = score
    lengths = list(map(len, result))
    zset_convert_to_listpack_if_needed(dstobj, max(lengths), sum(lengths))
    set_key(c.db, dstkey, dstobj)
    c.add_reply(resp.integer(len(result)))
    c.server.dirty += 1
    notify_keyspace_event(c.server, NOTIFY_ZSET, event, dstkey, c.db.id)
# --8<-- [end:zsetop_store]


def zsetop_reply(c, result: dict[bytes, float], withscores: bool) -> None:
    """ZUNION, ZINTER and ZDIFF's reply: the result by score, then by
    member. Redis puts it in a new skiplist and walks that; sorting the
    pairs gives the same order. A score stays as computed: a weight of
    -1 makes a score of 0 into -0, sent as "-0" (a STORE form keeps it
    in a skiplist and stores 0 in a listpack, see zsetop_store())."""
    pairs = sorted(result.items(), key=lambda pair: (pair[1], pair[0]))
    c.add_reply(zset_reply_len(len(pairs), withscores, c.resp)
                + zset_reply_items(pairs, withscores, c.resp))


SETOP_SYNOPSIS = ("numkeys key [key ...] [WEIGHTS weight [weight ...]] "
                  "[AGGREGATE aggregate]")
ZUNION_COMPLEXITY = ("O(N)+O(M*log(M)) with N being the sum of the sizes of "
                     "the input sorted sets, and M being the number of "
                     "elements in the resulting sorted set.")
ZINTER_COMPLEXITY = ("O(N*K)+O(M*log(M)) worst case with N being the "
                     "smallest input sorted set, K being the number of input "
                     "sorted sets and M being the number of elements in the "
                     "resulting sorted set.")
ZDIFF_COMPLEXITY = ("O(L + (N-K)log(N)) worst case where L is the total "
                    "number of elements in all the sets, N is the size of "
                    "the first set, and K is the size of the result set.")


@command("zunion", -3, "readonly movablekeys", acl="sortedset",
         group="sorted-set", since="6.2.0",
         synopsis=SETOP_SYNOPSIS + " [WITHSCORES]",
         complexity=ZUNION_COMPLEXITY,
         summary="The union of sorted sets (or sets)")
def zunion_command(c) -> None:
    zunion_inter_diff_generic_command(c, None, 1, SET_OP_UNION, False)


@command("zinter", -3, "readonly movablekeys", acl="sortedset",
         group="sorted-set", since="6.2.0",
         synopsis=SETOP_SYNOPSIS + " [WITHSCORES]",
         complexity=ZINTER_COMPLEXITY,
         summary="The intersection of sorted sets (or sets)")
def zinter_command(c) -> None:
    zunion_inter_diff_generic_command(c, None, 1, SET_OP_INTER, False)


@command("zintercard", -3, "readonly movablekeys", acl="sortedset",
         group="sorted-set", since="7.0.0",
         synopsis="numkeys key [key ...] [LIMIT limit]",
         complexity="O(N*K) worst case with N being the smallest input "
                    "sorted set, K being the number of input sorted sets.",
         summary="Count the members the sorted sets (or sets) have in "
                 "common, stopping at LIMIT if given")
def zintercard_command(c) -> None:
    zunion_inter_diff_generic_command(c, None, 1, SET_OP_INTER, True)


@command("zdiff", -3, "readonly movablekeys", acl="sortedset",
         group="sorted-set", since="6.2.0",
         synopsis="numkeys key [key ...] [WITHSCORES]",
         complexity=ZDIFF_COMPLEXITY,
         summary="The members of the first sorted set (or set) that no "
                 "other one has")
def zdiff_command(c) -> None:
    zunion_inter_diff_generic_command(c, None, 1, SET_OP_DIFF, False)


@command("zunionstore", -4, "write denyoom movablekeys", acl="sortedset",
         group="sorted-set", since="2.0.0",
         synopsis="destination " + SETOP_SYNOPSIS,
         complexity="O(N)+O(M log(M)) with N being the sum of the sizes of "
                    "the input sorted sets, and M being the number of "
                    "elements in the resulting sorted set.",
         keys=(1, 1, 1),
         summary="Store the union of sorted sets (or sets) in a key")
def zunionstore_command(c) -> None:
    zunion_inter_diff_generic_command(c, c.argv[1], 2, SET_OP_UNION, False)


@command("zinterstore", -4, "write denyoom movablekeys", acl="sortedset",
         group="sorted-set", since="2.0.0",
         synopsis="destination " + SETOP_SYNOPSIS,
         complexity=ZINTER_COMPLEXITY, keys=(1, 1, 1),
         summary="Store the intersection of sorted sets (or sets) in a key")
def zinterstore_command(c) -> None:
    zunion_inter_diff_generic_command(c, c.argv[1], 2, SET_OP_INTER, False)


@command("zdiffstore", -4, "write denyoom movablekeys", acl="sortedset",
         group="sorted-set", since="6.2.0",
         synopsis="destination numkeys key [key ...]",
         complexity=ZDIFF_COMPLEXITY, keys=(1, 1, 1),
         summary="Store the members of the first sorted set (or set) that "
                 "no other one has in a key")
def zdiffstore_command(c) -> None:
    zunion_inter_diff_generic_command(c, c.argv[1], 2, SET_OP_DIFF, False)


@command("zscan", -3, "readonly", acl="sortedset", group="sorted-set",
         since="2.8.0", synopsis="key cursor [MATCH pattern] [COUNT count]",
         complexity="O(1) for every call. O(N) for a complete iteration, "
                    "including enough command calls for the cursor to "
                    "return back to 0. N is the number of elements inside "
                    "the collection..",
         keys=(1, 1, 1),
         summary="Iterate over the members of a sorted set and their scores")
def zscan_command(c) -> None:
    """Mirrors zscanCommand(): the cursor is checked before the key, the
    options after it (scanGenericCommand()).

    A listpack is sent whole, whatever the COUNT, with cursor 0: its
    entries as they are stored, so a whole score is written as an
    integer. A skiplist's dict is scanned, its scores written as
    createStringObjectFromLongDouble() does ("%.17Lg": 1e+17).
    """
    cursor = parse_scan_cursor(c.argv[2])
    zobj = lookup_key_read(c.db, c.argv[1], OBJ_ZSET)
    if zobj is None:
        c.add_reply(EMPTY_SCAN)
        return
    options = parse_scan_options(c.argv[3:], keyspace=False)
    if zobj.encoding == OBJ_ENCODING_LISTPACK:
        entries = lp_entries(zobj.ptr, strings=True)
        items = [x for ele, score in zip(entries[::2], entries[1::2])
                 if options.pattern is None
                 or stringmatchlen(options.pattern, ele)
                 for x in (ele, score)]
        c.add_reply(b"*2\r\n$1\r\n0\r\n" + resp.bulk_array(items))
        return
    scores = zobj.ptr.dict

    def member_and_score(ele: bytes) -> tuple[bytes, ...]:
        score = scores.get(ele)
        return () if score is None else (ele, ld2string(score))
    scan_generic(c, cursor, scores, options, member_and_score)


def ld2string(score: float) -> bytes:
    """A score as createStringObjectFromLongDouble() writes it: "%.17Lg",
    which for a double's exact value gives what "%.17g" gives, and
    "inf" or "-inf". Mirrors ld2string() in util.c (LD_STR_AUTO)."""
    return b"%.17g" % score
