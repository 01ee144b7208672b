"""t_list.py: lists. Redis: src/t_list.c.

A list is a sequence of binary strings that grows and shrinks at both
ends: LPUSH/RPUSH add, LPOP/RPOP remove, in O(1). The commands in the
middle (LINDEX, LSET, LINSERT, LREM, LPOS) walk the list. A list that
loses its last element is deleted, so a key never holds an empty list.

Every list is a quicklist (quicklist.py): a chain of listpack nodes of
list-max-listpack-size elements at most (if negative, 4 KB to 64 KB),
read when the list is made. The commands reach it through the
list_type_* functions, which make the quicklist calls t_list.c makes, so
a list's nodes end where Redis's would after the same commands.

Steps:
  04_datatypes  the list commands
  06_encodings  list objects (OBJ_LIST), every one a quicklist
  07_blocking   BLPOP, BRPOP, BRPOPLPUSH, BLMOVE, BLMPOP, and serving a
                client blocked on a list (blocked.py)
  09_pubsub     keyspace events: lpush, rpush, lpop, rpop, linsert, lset,
                ltrim, lrem, and del for a list emptied
  11_aof        the pops that choose their key (LMPOP, the blocking ones,
                served at once or later) are written to the AOF as the
                LPOP, RPOP, LMOVE or RPOPLPUSH they amount to
"""

from collections.abc import Callable

import resp
from blocked import SERVE_CLIENT_BLOCKED_ON_KEY, block_for_keys, get_timeout
from commands import (
    SYNTAX_ERROR,
    CommandError,
    after_error_reply,
    also_propagate,
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
    signal_modified_key,
)
from listpack import (
    LP_ENCODING_6BIT_STR,
    Element,
    lp_get_with_size,
    lp_seek,
)
from networking import BLOCKED_LIST, rewrite_client_command_vector
from notify import NOTIFY_GENERIC, NOTIFY_LIST, notify_keyspace_event
from object import (
    OBJ_ENCODING_QUICKLIST,
    OBJ_LIST,
    RedisObject,
    create_object,
    create_quicklist_object,
)
from quicklist import (
    AL_START_HEAD,
    AL_START_TAIL,
    QUICKLIST_HEAD,
    QUICKLIST_TAIL,
    QuicklistEntry,
    QuicklistIter,
    quicklist_compare,
    quicklist_del_entry,
    quicklist_del_range,
    quicklist_dup,
    quicklist_get_iterator_at_idx,
    quicklist_get_iterator_entry_at_idx,
    quicklist_insert_after,
    quicklist_insert_before,
    quicklist_next,
    quicklist_node_ranges,
    quicklist_pop,
    quicklist_push_head,
    quicklist_push_tail,
    quicklist_range,
    quicklist_replace_at_index,
    quicklist_set_options,
)

LIST_HEAD = 0  # the left end: LPUSH, LPOP, LEFT
LIST_TAIL = 1  # the right end: RPUSH, RPOP, RIGHT
POP_COMMANDS = (b"LPOP", b"RPOP")  # by where: what a pop propagates as
POSITION_NAMES = (b"left", b"right")  # getStringObjectFromListPosition()

PUSH_COMPLEXITY = ("O(1) for each element added, so O(N) to add N elements "
                   "when the command is called with multiple arguments.")


# The list API: what the commands call, and the quicklist calls behind
# each, as in t_list.c.

def element_string(value: Element) -> bytes:
    """An element as a string: a listpack hands back an int for an
    element it stores as an integer (Redis: longval), "12" for "12"."""
    return b"%d" % value if type(value) is int else value


def list_type_push(subject: RedisObject, value: bytes, where: int) -> None:
    """Add `value` at one end. Mirrors listTypePush(), which calls
    quicklistPush() and so quicklistPushHead() or quicklistPushTail()."""
    if where == LIST_HEAD:
        quicklist_push_head(subject.ptr, value)
    else:
        quicklist_push_tail(subject.ptr, value)


def list_type_pop(subject: RedisObject, where: int) -> bytes:
    """Remove and return the element at one end. Mirrors listTypePop()."""
    pos = QUICKLIST_HEAD if where == LIST_HEAD else QUICKLIST_TAIL
    return element_string(quicklist_pop(subject.ptr, pos))


def list_type_length(subject: RedisObject) -> int:
    """Mirrors listTypeLength(): quicklistCount()."""
    return subject.ptr.count


# --8<-- [start:list_type_init_iterator]
def list_type_init_iterator(subject: RedisObject, index: int,
                            direction: int) -> QuicklistIter | None:
    """An iterator from element `index` (negative: from the tail) towards
    the tail (LIST_TAIL) or the head (LIST_HEAD); None if there is no
    such element. Mirrors listTypeInitIterator()."""
    iter_direction = AL_START_TAIL if direction == LIST_HEAD else AL_START_HEAD
    return quicklist_get_iterator_at_idx(subject.ptr, iter_direction, index)


def list_type_next(li: QuicklistIter | None) -> QuicklistEntry | None:
    """The next element, or None at the end. Mirrors listTypeNext()."""
    return None if li is None else quicklist_next(li)
# --8<-- [end:list_type_init_iterator]


def list_type_get(entry: QuicklistEntry) -> bytes:
    """The element `entry` holds, as a string. Mirrors listTypeGet()."""
    return element_string(entry.value)


def list_type_insert(li: QuicklistIter, entry: QuicklistEntry,
                     value: bytes, where: int) -> None:
    """Insert `value` after `entry` (LIST_TAIL) or before it (LIST_HEAD).
    Mirrors listTypeInsert()."""
    if where == LIST_TAIL:
        quicklist_insert_after(li, entry, value)
    else:
        quicklist_insert_before(li, entry, value)


def list_type_equal(entry: QuicklistEntry, value: bytes) -> bool:
    """Mirrors listTypeEqual(): quicklistCompare()."""
    return quicklist_compare(entry, value)


def list_type_delete(li: QuicklistIter, entry: QuicklistEntry) -> None:
    """Delete `entry`; `li` goes on after it. Mirrors listTypeDelete()."""
    quicklist_del_entry(li, entry)


def list_type_dup(o: RedisObject) -> RedisObject:
    """A copy of a list, node for node (COPY). Mirrors listTypeDup()."""
    new = create_object(OBJ_LIST, quicklist_dup(o.ptr))
    new.encoding = OBJ_ENCODING_QUICKLIST
    return new


DUP_FUNCTIONS[OBJ_LIST] = list_type_dup


def list_type_del_range(subject: RedisObject, start: int,
                        count: int) -> None:
    """Delete `count` elements from `start` (negative: from the tail).
    Mirrors listTypeDelRange(): quicklistDelRange()."""
    quicklist_del_range(subject.ptr, start, count)


# --8<-- [start:list_type_range]
def list_type_range(subject: RedisObject, start: int, end: int,
                    reverse: bool) -> list[bytes]:
    """The elements from `start` to `end` (valid indexes, start <= end
    or none), head to tail, or tail to head if `reverse`.

    Mirrors the loop of addListRangeReply(), which steps an iterator
    element by element; quicklist_range() decodes each node it needs
    in one pass instead, which costs less in Python.
    """
    elements = quicklist_range(subject.ptr, start, end - start + 1, True)
    if reverse:
        elements.reverse()
    return elements
# --8<-- [end:list_type_range]


PUSH_EVENTS = {LIST_HEAD: b"lpush", LIST_TAIL: b"rpush"}
POP_EVENTS = {LIST_HEAD: b"lpop", LIST_TAIL: b"rpop"}


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
        quicklist_set_options(lobj.ptr, c.server.list_max_listpack_size,
                              c.server.list_compress_depth)
        db_add(c.db, key, lobj)
    for value in c.argv[2:]:
        list_type_push(lobj, value, where)
    c.add_reply(resp.integer(list_type_length(lobj)))
    signal_modified_key(c.db, key)
    c.server.dirty += len(c.argv) - 2
    notify_keyspace_event(c.server, NOTIFY_LIST, PUSH_EVENTS[where], key,
                          c.db.id)
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
    if has_count and not count:
        c.add_reply(resp.EMPTY_ARRAY)
        return
    popped = 1
    if not has_count:
        c.add_reply(resp.bulk(list_type_pop(lobj, where)))
    else:
        popped = list_pop_range(c, lobj, where, count)
    list_elements_removed(c, key, where, lobj, popped)
# --8<-- [end:pop_generic_command]


# --8<-- [start:list_elements_removed]
def list_elements_removed(c, key: bytes, where: int, lobj: RedisObject,
                          count: int) -> bool:
    """What every pop does once its `count` elements are off the list:
    count them as changes, publish lpop or rpop, delete the list if it
    is now empty (and publish del), and signal the key. Mirrors
    listElementsRemoved(); returns whether the key was deleted."""
    c.server.dirty += count
    notify_keyspace_event(c.server, NOTIFY_LIST, POP_EVENTS[where], key,
                          c.db.id)
    deleted = list_type_length(lobj) == 0
    if deleted:
        db_delete(c.db, key)
        notify_keyspace_event(c.server, NOTIFY_GENERIC, b"del", key, c.db.id)
    signal_modified_key(c.db, key)
    return deleted
# --8<-- [end:list_elements_removed]


# --8<-- [start:list_pop_range]
def list_pop_range(c, lobj: RedisObject, where: int, count: int) -> int:
    """Pop up to `count` elements from one end and reply with them, in
    the order they come off (from the tail, the last element first);
    return how many.

    The lines popGenericCommand() and listPopRangeAndReplyWithKey()
    share: reply as LRANGE would, then delete the range, whole nodes at
    a time.
    """
    rangelen = min(count, list_type_length(lobj))
    if where == LIST_HEAD:
        rangestart, rangeend = 0, rangelen - 1
    else:
        rangestart, rangeend = -rangelen, -1
    add_list_range_reply(c, lobj, rangestart, rangeend, where == LIST_TAIL)
    list_type_del_range(lobj, rangestart, rangelen)
    return rangelen
# --8<-- [end:list_pop_range]


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
    c.add_reply(resp.integer(0 if lobj is None else list_type_length(lobj)))


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


@command("lrange", 4, "readonly", acl="list", group="list", since="1.0.0",
         synopsis="key start stop", keys=(1, 1, 1),
         complexity="O(S+N) where S is the distance of start offset from "
                    "HEAD for small lists, from nearest end (HEAD or TAIL) "
                    "for large lists; and N is the number of elements in "
                    "the specified range.",
         summary="A range of elements of a list")
def lrange_command(c) -> None:
    """Mirrors lrangeCommand()."""
    start = get_long_long(c.argv[2])
    end = get_long_long(c.argv[3])
    lobj = lookup_key_read(c.db, c.argv[1], OBJ_LIST)
    if lobj is None:
        c.add_reply(resp.EMPTY_ARRAY)
        return
    add_list_range_reply(c, lobj, start, end, False)


# --8<-- [start:add_list_range_reply]
def add_list_range_reply(c, lobj: RedisObject, start: int, end: int,
                         reverse: bool) -> None:
    """Reply with the elements from `start` to `end` (negative: from
    the tail), or from `end` to `start` if `reverse`; an empty array if
    the range holds none. Mirrors addListRangeReply().
    """
    indexes = sanitize_indexes(start, end, list_type_length(lobj))
    if indexes is None:
        c.add_reply(resp.EMPTY_ARRAY)
        return
    start, end = indexes
    if reverse:
        elements = list_type_range(lobj, start, end, True)
        c.add_reply(resp.bulk_array(elements))
        return
    reply = [resp.array_len(end - start + 1)]
    for lp, first, count in quicklist_node_ranges(lobj.ptr, start,
                                                  end - start + 1):
        add_reply_listpack_entries(reply, lp, first, count)
    c.add_reply(b"".join(reply))
# --8<-- [end:add_list_range_reply]


# "$<length>\r\n" for every length of a 6-bit string entry, made once:
# Redis keeps them for lengths under 32 (shared.bulkhdr).
BULK_HEADERS = [b"$%d\r\n" % length for length in range(64)]


# --8<-- [start:add_reply_listpack_entries]
def add_reply_listpack_entries(reply: list[bytes], lp: bytes, first: int,
                               count: int) -> None:
    """Append to `reply` the bulk strings of `count` entries of a node's
    listpack, from entry `first` on.

    Redis replies straight from the listpack: quicklistNext() gives a
    pointer to each string and its length, which addReplyBulkCBuffer()
    copies after a "$<length>\r\n" header. Here, likewise, a string of
    up to 63 bytes (the commonest entry) is cut out of the listpack and
    framed, without being decoded into an element first; any other
    entry is decoded by lp_get_with_size().
    """
    p = lp_seek(lp, first)
    for _ in range(count):
        byte = lp[p]
        if byte & 0xC0 == LP_ENCODING_6BIT_STR:  # 10xxxxxx
            size = byte & 0x3F
            p += 1
            reply += (BULK_HEADERS[size], lp[p:p + size], resp.CRLF)
            p += size + 1  # and the one-byte backlen
        else:
            value, size = lp_get_with_size(lp, p)
            reply.append(resp.bulk(element_string(value)))
            p += size
# --8<-- [end:add_reply_listpack_entries]


@command("ltrim", 4, "write", acl="list", group="list", since="1.0.0",
         synopsis="key start stop", keys=(1, 1, 1),
         complexity="O(N) where N is the number of elements to be removed "
                    "by the operation.",
         summary="Keep only a range of elements of a list")
def ltrim_command(c) -> None:
    """Mirrors ltrimCommand(): delete a range at each end, in two
    quicklist_del_range() calls; an empty range empties (deletes) the
    list."""
    start = get_long_long(c.argv[2])
    end = get_long_long(c.argv[3])
    key = c.argv[1]
    lobj = lookup_key_write(c.db, key, OBJ_LIST)
    if lobj is not None:
        llen = list_type_length(lobj)
        indexes = sanitize_indexes(start, end, llen)
        if indexes is None:
            ltrim, rtrim = llen, 0
        else:
            ltrim, rtrim = indexes[0], llen - indexes[1] - 1
        quicklist_del_range(lobj.ptr, 0, ltrim)
        quicklist_del_range(lobj.ptr, -rtrim, rtrim)
        c.server.dirty += ltrim + rtrim
        notify_keyspace_event(c.server, NOTIFY_LIST, b"ltrim", key, c.db.id)
        if list_type_length(lobj) == 0:
            db_delete(c.db, key)
            notify_keyspace_event(c.server, NOTIFY_GENERIC, b"del", key,
                                  c.db.id)
        signal_modified_key(c.db, key)
    c.add_reply(resp.OK)


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
    found = quicklist_get_iterator_entry_at_idx(lobj.ptr, index)
    if found is None:
        c.add_reply(resp.null(c.resp))
    else:
        c.add_reply(resp.bulk(list_type_get(found[1])))


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
    if not quicklist_replace_at_index(lobj.ptr, index, c.argv[3]):
        raise CommandError("index out of range")
    c.add_reply(resp.OK)
    signal_modified_key(c.db, c.argv[1])
    c.server.dirty += 1
    notify_keyspace_event(c.server, NOTIFY_LIST, b"lset", c.argv[1], c.db.id)


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
    """Mirrors linsertCommand(): look for the pivot from the head, and
    insert next to the first match; -1 if there is none."""
    position = c.argv[2].lower()
    if position == b"after":
        where = LIST_TAIL
    elif position == b"before":
        where = LIST_HEAD
    else:
        raise CommandError(SYNTAX_ERROR)
    lobj = lookup_key_write(c.db, c.argv[1], OBJ_LIST)
    if lobj is None:
        c.add_reply(b":0\r\n")
        return
    li = list_type_init_iterator(lobj, 0, LIST_TAIL)
    while (entry := list_type_next(li)) is not None:
        if list_type_equal(entry, c.argv[3]):
            list_type_insert(li, entry, c.argv[4], where)
            signal_modified_key(c.db, c.argv[1])
            c.server.dirty += 1
            notify_keyspace_event(c.server, NOTIFY_LIST, b"linsert",
                                  c.argv[1], c.db.id)
            c.add_reply(resp.integer(list_type_length(lobj)))
            return
    c.add_reply(b":-1\r\n")


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
    found = lpos_search(lobj, c.argv[2], rank, wanted, maxlen)
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


def lpos_search(lobj: RedisObject, element: bytes, rank: int, wanted: int,
                maxlen: int) -> list[int]:
    """Indexes of matches, from the rank-th one on, at most `wanted`
    of them (0: no limit), among the first `maxlen` elements scanned
    (0: all), from the head, or from the tail for a negative rank.

    Simplified: Redis negates a negative RANK in C, where
    -(-9223372036854775808) overflows and stays negative, so that RANK
    finds every match from the tail; here it asks for the 2**63th match.
    """
    direction = LIST_HEAD if rank < 0 else LIST_TAIL
    li = list_type_init_iterator(lobj, -1 if rank < 0 else 0, direction)
    last = list_type_length(lobj) - 1
    skip = abs(rank) - 1
    found = []
    index = 0
    while (entry := list_type_next(li)) is not None and (
            maxlen == 0 or index < maxlen):
        if list_type_equal(entry, element):
            if skip:
                skip -= 1
            else:
                found.append(index if direction == LIST_TAIL
                             else last - index)
                if len(found) == wanted:
                    break
        index += 1
    return found


# --8<-- [start:lrem_command]
@command("lrem", 4, "write", acl="list", group="list", since="1.0.0",
         synopsis="key count element", keys=(1, 1, 1),
         complexity="O(N+M) where N is the length of the list and M is the "
                    "number of elements removed.",
         summary="Remove elements equal to a value from a list")
def lrem_command(c) -> None:
    """Mirrors lremCommand(): remove the first `count` matches from the
    head (count > 0), from the tail (count < 0), or all of them (0),
    each deleted by the iterator that found it."""
    toremove = get_long_long(c.argv[2])
    key, element = c.argv[1], c.argv[3]
    lobj = lookup_key_write(c.db, key, OBJ_LIST)
    if lobj is None:
        c.add_reply(b":0\r\n")
        return
    if toremove < 0:
        toremove = -toremove
        li = list_type_init_iterator(lobj, -1, LIST_HEAD)
    else:
        li = list_type_init_iterator(lobj, 0, LIST_TAIL)
    removed = 0
    while (entry := list_type_next(li)) is not None:
        if list_type_equal(entry, element):
            list_type_delete(li, entry)
            removed += 1
            if removed == toremove:
                break
    if removed:
        signal_modified_key(c.db, key)
        c.server.dirty += 1
        notify_keyspace_event(c.server, NOTIFY_LIST, b"lrem", key, c.db.id)
    if list_type_length(lobj) == 0:
        db_delete(c.db, key)
        notify_keyspace_event(c.server, NOTIFY_GENERIC, b"del", key, c.db.id)
    c.add_reply(resp.integer(removed))
# --8<-- [end:lrem_command]


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
    value = list_type_pop(sobj, wherefrom)
    lmove_handle_push(c, destination, dobj, value, whereto)
    c.server.dirty += 1
    notify_keyspace_event(c.server, NOTIFY_LIST, POP_EVENTS[wherefrom],
                          source, c.db.id)
    if list_type_length(sobj) == 0:
        db_delete(c.db, source)
        notify_keyspace_event(c.server, NOTIFY_GENERIC, b"del", source,
                              c.db.id)
    signal_modified_key(c.db, source)
    # A blocking move that did not block is written as the plain one.
    if c.cmd.fullname == "blmove":
        rewrite_client_command_vector(c, b"LMOVE", *c.argv[1:5])
    elif c.cmd.fullname == "brpoplpush":
        rewrite_client_command_vector(c, b"RPOPLPUSH", *c.argv[1:3])
# --8<-- [end:lmove_generic_command]


def lmove_handle_push(c, dstkey: bytes, dstobj: RedisObject | None,
                      value: bytes, where: int) -> None:
    """Push `value` onto the destination, made if missing, and reply
    with it. Mirrors lmoveHandlePush(): the push is published before
    the pop it comes from."""
    if dstobj is None:
        dstobj = create_quicklist_object()
        quicklist_set_options(dstobj.ptr, c.server.list_max_listpack_size,
                              c.server.list_compress_depth)
        db_add(c.db, dstkey, dstobj)
    list_type_push(dstobj, value, where)
    signal_modified_key(c.db, dstkey)
    notify_keyspace_event(c.server, NOTIFY_LIST, PUSH_EVENTS[where], dstkey,
                          c.db.id)
    c.add_reply(resp.bulk(value))


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
                                      where: int, count: int) -> bool:
    """Pop up to `count` elements from one end of the list at `key` and
    reply [key, [element, ...]]; True if that deleted the list. Mirrors
    listPopRangeAndReplyWithKey()."""
    c.add_reply(resp.array_len(2) + resp.bulk(key))
    popped = list_pop_range(c, lobj, where, count)
    return list_elements_removed(c, key, where, lobj, popped)


# --8<-- [start:mpop_generic_command]
def mpop_generic_command(c, keys: list[bytes], where: int,
                         count: int) -> None:
    """Pop from the first of `keys` that holds a list; a null array if
    none does. Mirrors mpopGenericCommand().

    Only that key is type-checked: the keys after it are not read. The
    AOF gets the LPOP or RPOP with a count that it amounts to.
    """
    for key in keys:
        lobj = lookup_key_write(c.db, key, OBJ_LIST)
        if lobj is not None:
            llen = list_type_length(lobj)
            list_pop_range_and_reply_with_key(c, lobj, key, where, count)
            rewrite_client_command_vector(c, POP_COMMANDS[where], key,
                                          b"%d" % min(count, llen))
            return
    c.add_reply(resp.null_array(c.resp))
# --8<-- [end:mpop_generic_command]


def lmpop_generic_command(c, numkeys_idx: int, is_block: bool) -> None:
    """Mirrors lmpopGenericCommand(): every argument is checked before
    any key is read (BLMPOP's timeout last)."""
    keys, where, count = parse_mpop_arguments(c.argv, numkeys_idx,
                                              get_list_position)
    if is_block:
        blocking_pop_generic_command(c, keys, where, 1, count)
    else:
        mpop_generic_command(c, keys, where, count)


@command("lmpop", -4, "write movablekeys", acl="list", group="list",
         since="7.0.0", synopsis="numkeys key [key ...] LEFT | RIGHT "
                                 "[COUNT count]",
         complexity="O(N+M) where N is the number of provided keys and M "
                    "is the number of elements returned.",
         summary="Pop elements from the first non-empty list of several")
def lmpop_command(c) -> None:
    lmpop_generic_command(c, 1, False)


# Blocking pops: the commands, and how a blocked client is served.

# --8<-- [start:blocking_pop_generic_command]
def blocking_pop_generic_command(c, keys: list[bytes], where: int,
                                 timeout_idx: int, count: int) -> None:
    """Pop from the first of `keys` that holds a list, as LPOP/RPOP (or
    LMPOP, with a count) would; if none does, block on all of them.

    Mirrors blockingPopGenericCommand(). The timeout is read first, and
    each key is type-checked until one holds a list. `count` is -1 for
    BLPOP/BRPOP, whose reply is [key, element]. A pop that did not
    block is written to the AOF as the LPOP or RPOP it amounts to.
    """
    timeout = get_timeout(c.argv[timeout_idx])
    for key in keys:
        lobj = lookup_key_write(c.db, key, OBJ_LIST)
        if lobj is None:
            continue
        if count != -1:
            llen = list_type_length(lobj)
            list_pop_range_and_reply_with_key(c, lobj, key, where, count)
            rewrite_client_command_vector(c, POP_COMMANDS[where], key,
                                          b"%d" % min(count, llen))
            return
        c.add_reply(resp.array_len(2) + resp.bulk(key)
                    + resp.bulk(list_type_pop(lobj, where)))
        list_elements_removed(c, key, where, lobj, 1)
        rewrite_client_command_vector(c, POP_COMMANDS[where], key)
        return
    block_for_keys(c, BLOCKED_LIST, keys, count, timeout, wherefrom=where)
# --8<-- [end:blocking_pop_generic_command]


BLOCKING_POP_COMPLEXITY = "O(N) where N is the number of provided keys."


@command("blpop", -3, "write noscript blocking", acl="list", group="list",
         since="2.0.0", synopsis="key [key ...] timeout",
         complexity=BLOCKING_POP_COMPLEXITY, keys=(1, -2, 1),
         summary="Pop the first element of the first non-empty list, or "
                 "wait for one")
def blpop_command(c) -> None:
    blocking_pop_generic_command(c, c.argv[1:-1], LIST_HEAD, -1, -1)


@command("brpop", -3, "write noscript blocking", acl="list", group="list",
         since="2.0.0", synopsis="key [key ...] timeout",
         complexity=BLOCKING_POP_COMPLEXITY, keys=(1, -2, 1),
         summary="Pop the last element of the first non-empty list, or "
                 "wait for one")
def brpop_command(c) -> None:
    blocking_pop_generic_command(c, c.argv[1:-1], LIST_TAIL, -1, -1)


def blmove_generic_command(c, wherefrom: int, whereto: int,
                           timeout: int) -> None:
    """LMOVE if the source holds a list, else block on the source.
    Mirrors blmoveGenericCommand()."""
    if lookup_key_write(c.db, c.argv[1], OBJ_LIST) is None:
        block_for_keys(c, BLOCKED_LIST, c.argv[1:2], -1, timeout,
                       c.argv[2], wherefrom, whereto)
    else:
        lmove_generic_command(c, wherefrom, whereto)


@command("blmove", 6, "write denyoom noscript blocking", acl="list",
         group="list", since="6.2.0",
         synopsis="source destination LEFT | RIGHT LEFT | RIGHT timeout",
         keys=(1, 2, 1),
         summary="Move an element from one list to another, or wait for "
                 "one")
def blmove_command(c) -> None:
    wherefrom = get_list_position(c.argv[3])
    whereto = get_list_position(c.argv[4])
    blmove_generic_command(c, wherefrom, whereto, get_timeout(c.argv[5]))


@command("brpoplpush", 4, "write denyoom noscript blocking", acl="list",
         group="list", since="2.2.0", synopsis="source destination timeout",
         keys=(1, 2, 1),
         summary="Move a list's last element to another's head, or wait "
                 "for one")
def brpoplpush_command(c) -> None:
    timeout = get_timeout(c.argv[3])
    blmove_generic_command(c, LIST_TAIL, LIST_HEAD, timeout)


@command("blmpop", -5, "write blocking movablekeys", acl="list",
         group="list", since="7.0.0",
         synopsis="timeout numkeys key [key ...] LEFT | RIGHT "
                  "[COUNT count]",
         complexity="O(N+M) where N is the number of provided keys and M "
                    "is the number of elements returned.",
         summary="Pop elements from the first non-empty list of several, "
                 "or wait for one")
def blmpop_command(c) -> None:
    lmpop_generic_command(c, 2, True)


# --8<-- [start:serve_client_blocked_on_list]
def serve_client_blocked_on_list(receiver, o: RedisObject,
                                 key: bytes) -> bool:
    """Give a client blocked on `key` what its command asked for, from
    the list `o`; True if that emptied the list, now deleted.

    Mirrors serveClientBlockedOnList(): BLPOP/BRPOP get [key, element],
    BLMPOP [key, [element, ...]], and BLMOVE/BRPOPLPUSH push the element
    onto their target and get it, unless the target holds another type:
    then they get WRONGTYPE, and the element stays where it is.

    The client's command was not propagated when it blocked: what it
    does now is queued for the AOF, as the LPOP, RPOP (with a count for
    BLMPOP), LMOVE or RPOPLPUSH it amounts to.
    """
    bpop = receiver.bpop
    server, dbid = receiver.server, receiver.db.id
    if bpop.target is not None:
        serve_blmove(receiver, o, key, bpop.target)
    elif receiver.cmd.proc is blmpop_command:
        count = min(bpop.count, list_type_length(o))
        also_propagate(server, dbid, [POP_COMMANDS[bpop.wherefrom], key,
                                      b"%d" % count])
        return list_pop_range_and_reply_with_key(
            receiver, o, key, bpop.wherefrom, bpop.count)
    else:
        also_propagate(server, dbid, [POP_COMMANDS[bpop.wherefrom], key])
        receiver.add_reply(resp.array_len(2) + resp.bulk(key)
                           + resp.bulk(list_type_pop(o, bpop.wherefrom)))
        notify_keyspace_event(receiver.server, NOTIFY_LIST,
                              POP_EVENTS[bpop.wherefrom], key,
                              receiver.db.id)
    if list_type_length(o):
        return False
    db_delete(receiver.db, key)
    notify_keyspace_event(receiver.server, NOTIFY_GENERIC, b"del", key,
                          receiver.db.id)
    return True
# --8<-- [end:serve_client_blocked_on_list]


def serve_blmove(receiver, o: RedisObject, key: bytes, target: bytes) -> None:
    """The BLMOVE branch of serveClientBlockedOnList()."""
    try:
        dstobj = lookup_key_write(receiver.db, target, OBJ_LIST)
    except CommandError as err:
        reply = resp.error(err.args[0])
        receiver.add_reply(reply)
        after_error_reply(receiver.server, reply)
        return
    wherefrom, whereto = receiver.bpop.wherefrom, receiver.bpop.whereto
    value = list_type_pop(o, wherefrom)
    lmove_handle_push(receiver, target, dstobj, value, whereto)
    if receiver.cmd.fullname == "brpoplpush":
        argv = [b"RPOPLPUSH", key, target]
    else:
        argv = [b"LMOVE", key, target, POSITION_NAMES[wherefrom],
                POSITION_NAMES[whereto]]
    also_propagate(receiver.server, receiver.db.id, argv)
    notify_keyspace_event(receiver.server, NOTIFY_LIST, POP_EVENTS[wherefrom],
                          key, receiver.db.id)


SERVE_CLIENT_BLOCKED_ON_KEY[OBJ_LIST] = serve_client_blocked_on_list
