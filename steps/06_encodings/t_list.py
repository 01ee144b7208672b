"""t_list.py: lists. Redis: src/t_list.c.

A list is a sequence of binary strings that grows and shrinks at both
ends: LPUSH/RPUSH add, LPOP/RPOP remove, in O(1). The commands in the
middle (LINDEX, LSET, LINSERT, LREM, LPOS) walk the list. A list that
loses its last element is deleted, so a key never holds an empty list.

Steps:
  04_datatypes  the list commands
  06_encodings  list objects (OBJ_LIST, encoding quicklist)

Simplified: Redis stores a list as a quicklist, a linked list of
listpacks (packed arrays of up to 8 KiB); a collections.deque (a linked
list of 64-slot blocks) is the same idea, ready-made.
"""

from collections import deque
from collections.abc import Callable
from itertools import islice

import resp
from commands import (
    SYNTAX_ERROR,
    CommandError,
    arity_error,
    command,
    get_long_long,
    get_positive_long,
    get_range_long,
)
from db import (
    DUP_FUNCTIONS,
    db_add,
    db_delete,
    lookup_key_read,
    lookup_key_write,
)
from object import (
    OBJ_LIST,
    RedisObject,
    create_quicklist_object,
)

LIST_HEAD = 0  # the left end: LPUSH, LPOP, LEFT
LIST_TAIL = 1  # the right end: RPUSH, RPOP, RIGHT

PUSH_COMPLEXITY = ("O(1) for each element added, so O(N) to add N elements "
                   "when the command is called with multiple arguments.")


def list_type_dup(o: RedisObject) -> RedisObject:
    """A copy of a list (COPY). Mirrors listTypeDup(): the elements are
    bytes, which never change, so the copy can share them."""
    new = create_quicklist_object()
    new.ptr.extend(o.ptr)
    return new


DUP_FUNCTIONS[OBJ_LIST] = list_type_dup


# --8<-- [start:push_generic_command]
def push_generic_command(c, where: int, xx: bool) -> None:
    """LPUSH/RPUSH, and LPUSHX/RPUSHX (xx: only onto an existing list).

    Mirrors pushGenericCommand(). Each element is pushed in turn, so
    LPUSH k a b c leaves c at the head.
    """
    key = c.argv[1]
    lobj = lookup_key_write(c.db, key, OBJ_LIST)
    if lobj is None:
        if xx:
            c.add_reply(b":0\r\n")
            return
        lobj = create_quicklist_object()
        db_add(c.db, key, lobj)
    if where == LIST_HEAD:
        lobj.ptr.extendleft(c.argv[2:])
    else:
        lobj.ptr.extend(c.argv[2:])
    c.add_reply(resp.integer(len(lobj.ptr)))
# --8<-- [end:push_generic_command]


@command("lpush", -3, "write denyoom fast", acl="list", group="list",
         since="1.0.0", synopsis="key element [element ...]",
         complexity=PUSH_COMPLEXITY, keys=(1, 1, 1),
         summary="Prepend one or more elements to a list")
def lpush_command(c) -> None:
    push_generic_command(c, LIST_HEAD, False)


@command("rpush", -3, "write denyoom fast", acl="list", group="list",
         since="1.0.0", synopsis="key element [element ...]",
         complexity=PUSH_COMPLEXITY, keys=(1, 1, 1),
         summary="Append one or more elements to a list")
def rpush_command(c) -> None:
    push_generic_command(c, LIST_TAIL, False)


@command("lpushx", -3, "write denyoom fast", acl="list", group="list",
         since="2.2.0", synopsis="key element [element ...]",
         complexity=PUSH_COMPLEXITY, keys=(1, 1, 1),
         summary="Prepend elements to a list, only if the list exists")
def lpushx_command(c) -> None:
    push_generic_command(c, LIST_HEAD, True)


@command("rpushx", -3, "write denyoom fast", acl="list", group="list",
         since="2.2.0", synopsis="key element [element ...]",
         complexity=PUSH_COMPLEXITY, keys=(1, 1, 1),
         summary="Append elements to a list, only if the list exists")
def rpushx_command(c) -> None:
    push_generic_command(c, LIST_TAIL, True)


# --8<-- [start:pop_generic_command]
def pop_generic_command(c, where: int) -> None:
    """LPOP/RPOP key [count]. Mirrors popGenericCommand().

    Without a count the reply is one element (or a null); with one it is
    an array, even of a single element (or a null array).
    """
    if len(c.argv) > 3:
        c.add_reply(arity_error("lpop" if where == LIST_HEAD else "rpop"))
        return
    has_count = len(c.argv) == 3
    count = get_positive_long(c.argv[2]) if has_count else 0
    key = c.argv[1]
    lobj = lookup_key_write(c.db, key, OBJ_LIST)
    if lobj is None:
        c.add_reply(resp.null_array(c.resp) if has_count
                    else resp.null(c.resp))
        return
    pop = lobj.ptr.popleft if where == LIST_HEAD else lobj.ptr.pop
    if not has_count:
        reply = resp.bulk(pop())
    else:
        reply = resp.bulk_array(list_pop_range(lobj, where, count))
    if not lobj.ptr:
        db_delete(c.db, key)
    c.add_reply(reply)
# --8<-- [end:pop_generic_command]


def list_pop_range(lobj: RedisObject, where: int,
                   count: int) -> list[bytes]:
    """Pop up to `count` elements from one end, in the order they come
    off (so from the tail, the last element first)."""
    ql = lobj.ptr
    pop = ql.popleft if where == LIST_HEAD else ql.pop
    return [pop() for _ in range(min(count, len(ql)))]


@command("lpop", -2, "write fast", acl="list", group="list", since="1.0.0",
         synopsis="key [count]", keys=(1, 1, 1),
         complexity="O(N) where N is the number of elements returned",
         summary="Remove and return the first elements of a list")
def lpop_command(c) -> None:
    pop_generic_command(c, LIST_HEAD)


@command("rpop", -2, "write fast", acl="list", group="list", since="1.0.0",
         synopsis="key [count]", keys=(1, 1, 1),
         complexity="O(N) where N is the number of elements returned",
         summary="Remove and return the last elements of a list")
def rpop_command(c) -> None:
    pop_generic_command(c, LIST_TAIL)


@command("llen", 2, "readonly fast", acl="list", group="list", since="1.0.0",
         synopsis="key", keys=(1, 1, 1), summary="The length of a list")
def llen_command(c) -> None:
    lobj = lookup_key_read(c.db, c.argv[1], OBJ_LIST)
    c.add_reply(resp.integer(0 if lobj is None else len(lobj.ptr)))


# --8<-- [start:sanitize_indexes]
def sanitize_indexes(start: int, end: int,
                     length: int) -> tuple[int, int] | None:
    """Turn LRANGE-style indexes into 0 <= start <= end < length.

    Negative indexes count from the end (-1 is the last element); an end
    past the last element means the last element. Returns None when the
    range holds no element. Mirrors the "Sanitize indexes" lines of
    addListRangeReply() and ltrimCommand().
    """
    # BEGIN EXERCISE 04-list-range
    if start < 0:
        start += length
    if end < 0:
        end += length
    if start < 0:
        start = 0
    # start is now >= 0, so this is also true when end is still < 0.
    if start > end or start >= length:
        return None
    return start, min(end, length - 1)
    # END EXERCISE 04-list-range
# --8<-- [end:sanitize_indexes]


def list_range(lobj: deque, start: int, end: int) -> list[bytes]:
    """The elements from start to end (inclusive, both valid indexes).

    Like Redis's quicklist, walk from the nearer end of the list.
    """
    if start <= len(lobj) - 1 - end:
        return list(islice(lobj, start, end + 1))
    tail_first = islice(reversed(lobj), len(lobj) - 1 - end, len(lobj) - start)
    return list(tail_first)[::-1]


@command("lrange", 4, "readonly", acl="list", group="list", since="1.0.0",
         synopsis="key start stop", keys=(1, 1, 1),
         complexity="O(S+N) where S is the distance of start offset from "
                    "HEAD for small lists, from nearest end (HEAD or TAIL) "
                    "for large lists; and N is the number of elements in "
                    "the specified range.",
         summary="A range of elements of a list")
def lrange_command(c) -> None:
    """Mirrors lrangeCommand() and addListRangeReply()."""
    start = get_long_long(c.argv[2])
    end = get_long_long(c.argv[3])
    lobj = lookup_key_read(c.db, c.argv[1], OBJ_LIST)
    indexes = None if lobj is None else sanitize_indexes(start, end,
                                                         len(lobj.ptr))
    if indexes is None:
        c.add_reply(resp.EMPTY_ARRAY)
        return
    c.add_reply(resp.bulk_array(list_range(lobj.ptr, *indexes)))


@command("ltrim", 4, "write", acl="list", group="list", since="1.0.0",
         synopsis="key start stop", keys=(1, 1, 1),
         complexity="O(N) where N is the number of elements to be removed "
                    "by the operation.",
         summary="Keep only a range of elements of a list")
def ltrim_command(c) -> None:
    """Mirrors ltrimCommand(): an empty range empties (deletes) the list."""
    start = get_long_long(c.argv[2])
    end = get_long_long(c.argv[3])
    key = c.argv[1]
    lobj = lookup_key_write(c.db, key, OBJ_LIST)
    if lobj is not None:
        ql = lobj.ptr
        indexes = sanitize_indexes(start, end, len(ql))
        if indexes is None:
            db_delete(c.db, key)
        else:
            for _ in range(indexes[0]):
                ql.popleft()
            for _ in range(len(ql) - 1 - (indexes[1] - indexes[0])):
                ql.pop()
    c.add_reply(resp.OK)


def check_list_index(lobj: deque, index: int) -> bool:
    """Whether `index` (negative: from the end) names an element."""
    return -len(lobj) <= index < len(lobj)


@command("lindex", 3, "readonly", acl="list", group="list", since="1.0.0",
         synopsis="key index", keys=(1, 1, 1),
         complexity="O(N) where N is the number of elements to traverse to "
                    "get to the element at index. This makes asking for the "
                    "first or the last element of the list O(1).",
         summary="An element of a list, by its index")
def lindex_command(c) -> None:
    """Mirrors lindexCommand(): the key is looked up before the index."""
    lobj = lookup_key_read(c.db, c.argv[1], OBJ_LIST)
    if lobj is None:
        c.add_reply(resp.null(c.resp))
        return
    index = get_long_long(c.argv[2])
    if check_list_index(lobj.ptr, index):
        c.add_reply(resp.bulk(lobj.ptr[index]))
    else:
        c.add_reply(resp.null(c.resp))


@command("lset", 4, "write denyoom", acl="list", group="list",
         since="1.0.0", synopsis="key index element", keys=(1, 1, 1),
         complexity="O(N) where N is the length of the list. Setting either "
                    "the first or the last element of the list is O(1).",
         summary="Replace an element of a list, by its index")
def lset_command(c) -> None:
    """Mirrors lsetCommand(): the key is looked up before the index."""
    lobj = lookup_key_write(c.db, c.argv[1], OBJ_LIST)
    if lobj is None:
        raise CommandError("no such key")
    index = get_long_long(c.argv[2])
    if not check_list_index(lobj.ptr, index):
        raise CommandError("index out of range")
    lobj.ptr[index] = c.argv[3]
    c.add_reply(resp.OK)


@command("linsert", 5, "write denyoom", acl="list", group="list",
         since="2.2.0", synopsis="key BEFORE | AFTER pivot element",
         keys=(1, 1, 1),
         complexity="O(N) where N is the number of elements to traverse "
                    "before seeing the value pivot. This means that "
                    "inserting somewhere on the left end on the list (head) "
                    "can be considered O(1) and inserting somewhere on the "
                    "right end (tail) is O(N).",
         summary="Insert an element before or after another one")
def linsert_command(c) -> None:
    """Mirrors linsertCommand(): -1 if the pivot is not in the list."""
    where = c.argv[2].lower()
    if where not in (b"before", b"after"):
        raise CommandError(SYNTAX_ERROR)
    lobj = lookup_key_write(c.db, c.argv[1], OBJ_LIST)
    if lobj is None:
        c.add_reply(b":0\r\n")
        return
    try:
        index = lobj.ptr.index(c.argv[3])
    except ValueError:
        c.add_reply(b":-1\r\n")
        return
    lobj.ptr.insert(index + (where == b"after"), c.argv[4])
    c.add_reply(resp.integer(len(lobj.ptr)))


# --8<-- [start:lpos_command]
@command("lpos", -3, "readonly", acl="list", group="list", since="6.0.6",
         synopsis="key element [RANK rank] [COUNT num-matches] "
                  "[MAXLEN len]",
         keys=(1, 1, 1),
         complexity="O(N) where N is the number of elements in the list, "
                    "for the average case. When searching for elements near "
                    "the head or the tail of the list, or when the MAXLEN "
                    "option is provided, the command may run in constant "
                    "time.",
         summary="The indexes of the elements equal to a value")
def lpos_command(c) -> None:
    """Mirrors lposCommand().

    RANK n skips to the nth match (negative: searching from the tail),
    COUNT n returns up to n matches as an array (0: all of them), MAXLEN n
    compares only the first n elements. Indexes are always from the head.
    """
    rank, count, maxlen = parse_lpos_options(c.argv[3:])
    lobj = lookup_key_read(c.db, c.argv[1], OBJ_LIST)
    if lobj is None:
        c.add_reply(resp.EMPTY_ARRAY if count != -1 else resp.null(c.resp))
        return
    wanted = 1 if count == -1 else count  # COUNT 0 means "all"
    found = lpos_search(lobj.ptr, c.argv[2], rank, wanted, maxlen)
    if count != -1:
        c.add_reply(resp.array_len(len(found))
                    + b"".join(map(resp.integer, found)))
    elif found:
        c.add_reply(resp.integer(found[0]))
    else:
        c.add_reply(resp.null(c.resp))
# --8<-- [end:lpos_command]


LPOS_RANK_ZERO = ("RANK can't be zero: use 1 to start from the first match, "
                  "2 from the second ... or use negative to start from the "
                  "end of the list")


def parse_lpos_options(args: list[bytes]) -> tuple[int, int, int]:
    """RANK, COUNT and MAXLEN, with their defaults (COUNT -1: not given)."""
    rank, count, maxlen = 1, -1, 0
    i = 0
    while i < len(args):
        option = args[i].lower()
        if i + 1 == len(args) or option not in (b"rank", b"count",
                                                 b"maxlen"):
            raise CommandError(SYNTAX_ERROR)
        value = args[i + 1]
        if option == b"rank":
            rank = get_long_long(value)
            if rank == 0:
                raise CommandError(LPOS_RANK_ZERO)
        elif option == b"count":
            count = get_positive_long(value, "COUNT can't be negative")
        else:
            maxlen = get_positive_long(value, "MAXLEN can't be negative")
        i += 2
    return rank, count, maxlen


def lpos_search(lobj: deque, element: bytes, rank: int, wanted: int,
                maxlen: int) -> list[int]:
    """Indexes of matches, from the rank-th one on, at most `wanted`
    of them (0: no limit), among the first `maxlen` elements scanned.

    Simplified: Redis negates a negative RANK in C, where
    -(-9223372036854775808) overflows and stays negative, so that RANK
    finds every match from the tail; here it asks for the 2**63th match.
    """
    from_tail = rank < 0
    items = reversed(lobj) if from_tail else iter(lobj)
    if maxlen:
        items = islice(items, maxlen)
    skip = abs(rank) - 1
    found = []
    for i, item in enumerate(items):
        if item != element:
            continue
        if skip:
            skip -= 1
            continue
        found.append(len(lobj) - 1 - i if from_tail else i)
        if len(found) == wanted:
            break
    return found


@command("lrem", 4, "write", acl="list", group="list", since="1.0.0",
         synopsis="key count element", keys=(1, 1, 1),
         complexity="O(N+M) where N is the length of the list and M is the "
                    "number of elements removed.",
         summary="Remove elements equal to a value from a list")
def lrem_command(c) -> None:
    """Mirrors lremCommand(): remove the first `count` matches from the
    head (count > 0), from the tail (count < 0), or all of them (0)."""
    count = get_long_long(c.argv[2])
    key, element = c.argv[1], c.argv[3]
    lobj = lookup_key_write(c.db, key, OBJ_LIST)
    if lobj is None:
        c.add_reply(b":0\r\n")
        return
    ql = lobj.ptr
    items = reversed(ql) if count < 0 else ql
    limit = abs(count)
    kept, removed = [], 0
    for item in items:
        if item == element and (not limit or removed < limit):
            removed += 1
        else:
            kept.append(item)
    if removed:
        ql.clear()
        ql.extend(reversed(kept) if count < 0 else kept)
    if not ql:
        db_delete(c.db, key)
    c.add_reply(resp.integer(removed))


# --8<-- [start:lmove_generic_command]
def lmove_generic_command(c, wherefrom: int, whereto: int) -> None:
    """Pop from one list and push onto another, atomically.

    Mirrors lmoveGenericCommand(). Both keys are type-checked before
    anything moves; source and destination may be the same list (a
    rotation).
    """
    source, destination = c.argv[1], c.argv[2]
    sobj = lookup_key_write(c.db, source, OBJ_LIST)
    if sobj is None:
        c.add_reply(resp.null(c.resp))
        return
    dobj = lookup_key_write(c.db, destination, OBJ_LIST)
    value = sobj.ptr.popleft() if wherefrom == LIST_HEAD else sobj.ptr.pop()
    if dobj is None:
        dobj = create_quicklist_object()
        db_add(c.db, destination, dobj)
    if whereto == LIST_HEAD:
        dobj.ptr.appendleft(value)
    else:
        dobj.ptr.append(value)
    if not sobj.ptr:
        db_delete(c.db, source)
    c.add_reply(resp.bulk(value))
# --8<-- [end:lmove_generic_command]


def get_list_position(arg: bytes) -> int:
    """LEFT or RIGHT. Mirrors getListPositionFromObjectOrReply()."""
    position = arg.lower()
    if position == b"left":
        return LIST_HEAD
    if position == b"right":
        return LIST_TAIL
    raise CommandError(SYNTAX_ERROR)


@command("lmove", 5, "write denyoom", acl="list", group="list",
         since="6.2.0", synopsis="source destination LEFT | RIGHT "
                                 "LEFT | RIGHT",
         keys=(1, 2, 1),
         summary="Pop an element from a list and push it onto another")
def lmove_command(c) -> None:
    wherefrom = get_list_position(c.argv[3])
    whereto = get_list_position(c.argv[4])
    lmove_generic_command(c, wherefrom, whereto)


@command("rpoplpush", 3, "write denyoom", acl="list", group="list",
         since="1.2.0", synopsis="source destination", keys=(1, 2, 1),
         summary="Pop the last element of a list, push it onto another's "
                 "head")
def rpoplpush_command(c) -> None:
    lmove_generic_command(c, LIST_TAIL, LIST_HEAD)


# --8<-- [start:parse_mpop_arguments]
def parse_mpop_arguments(argv: list[bytes], numkeys_idx: int,
                         get_where: Callable[[bytes], int]
                         ) -> tuple[list[bytes], int, int]:
    """Read "numkeys key [key ...] where [COUNT count]" from
    argv[numkeys_idx] on (1, or 2 in the blocking forms, whose timeout
    comes first); return the keys, where and the count (1 by default).

    Redis writes this parser twice, in lmpopGenericCommand() and in
    zmpopGenericCommand(); they differ only in the words for `where`,
    LEFT | RIGHT or MIN | MAX, which get_where reads.
    """
    numkeys = get_range_long(argv[numkeys_idx], 1, resp.LLONG_MAX,
                             "numkeys should be greater than 0")
    where_idx = numkeys_idx + numkeys + 1
    if where_idx >= len(argv):
        raise CommandError(SYNTAX_ERROR)
    where = get_where(argv[where_idx])
    count = -1  # no COUNT yet: a second one is a syntax error
    j = where_idx + 1
    while j < len(argv):
        if count != -1 or argv[j].lower() != b"count" or j + 1 == len(argv):
            raise CommandError(SYNTAX_ERROR)
        count = get_range_long(argv[j + 1], 1, resp.LLONG_MAX,
                               "count should be greater than 0")
        j += 2
    return (argv[numkeys_idx + 1:where_idx], where,
            1 if count == -1 else count)
# --8<-- [end:parse_mpop_arguments]


def list_pop_range_and_reply_with_key(c, lobj: RedisObject, key: bytes,
                                      where: int, count: int) -> None:
    """Pop up to `count` elements from one end of the list at `key` and
    reply [key, [element, ...]]. Mirrors listPopRangeAndReplyWithKey()."""
    elements = list_pop_range(lobj, where, count)
    if not lobj.ptr:
        db_delete(c.db, key)
    c.add_reply(resp.array_len(2) + resp.bulk(key)
                + resp.bulk_array(elements))


# --8<-- [start:mpop_generic_command]
def mpop_generic_command(c, keys: list[bytes], where: int,
                         count: int) -> None:
    """Pop from the first of `keys` that holds a list; a null array if
    none does. Mirrors mpopGenericCommand().

    Only that key is type-checked: the keys after it are not read.
    """
    for key in keys:
        lobj = lookup_key_write(c.db, key, OBJ_LIST)
        if lobj is not None:
            list_pop_range_and_reply_with_key(c, lobj, key, where, count)
            return
    c.add_reply(resp.null_array(c.resp))
# --8<-- [end:mpop_generic_command]


def lmpop_generic_command(c, numkeys_idx: int) -> None:
    """Mirrors lmpopGenericCommand(): every argument is checked before
    any key is read."""
    keys, where, count = parse_mpop_arguments(c.argv, numkeys_idx,
                                              get_list_position)
    mpop_generic_command(c, keys, where, count)


@command("lmpop", -4, "write movablekeys", acl="list", group="list",
         since="7.0.0", synopsis="numkeys key [key ...] LEFT | RIGHT "
                                 "[COUNT count]",
         complexity="O(N+M) where N is the number of provided keys and M "
                    "is the number of elements returned.",
         summary="Pop elements from the first non-empty list of several")
def lmpop_command(c) -> None:
    lmpop_generic_command(c, 1)
