"""t_set.py: sets. Redis: src/t_set.c.

A set is an unordered collection of distinct binary strings. Besides
adding, removing and testing members, sets combine: SINTER, SUNION and
SDIFF (and their STORE forms, which write the result to a key). A set
that loses its last member is deleted, and a missing key reads as the
empty set.

A set of integers is an intset (intset.py): the numbers sorted in one
array, 2, 4 or 8 bytes each, so SMEMBERS lists them in ascending order.
It becomes a hash table, a Python set, when it gets a member that is
not an integer (as string2ll() reads one: "12", not "012" or "+12") or
more than set-max-intset-entries members (512), and it never goes back.
The set_type_* functions hide which of the two a set is, as the
setType*() functions of t_set.c do, so each command is written once for
both. Results of SINTER, SUNION and SDIFF are built the same way, in a
set that starts as an intset: a result of integers is an intset too.

Steps:
  04_datatypes  the set commands
  06_encodings  set objects (OBJ_SET): an intset, then a Python set
  09_pubsub     keyspace events: sadd, srem, spop, sinterstore,
                sunionstore, sdiffstore, and del for a set emptied
  11_aof        SPOP is written to the AOF as the SREMs (or the DEL) it
                amounts to: the members it picked at random
"""

import random
from collections.abc import Callable, Iterable

import resp
from commands import (
    SYNTAX_ERROR,
    CommandError,
    also_propagate,
    command,
    get_positive_long,
    get_range_long,
    prevent_command_propagation,
)
from db import (
    DUP_FUNCTIONS,
    EMPTY_SCAN,
    add_reply_random_picks,
    db_add,
    db_delete,
    db_overwrite,
    lookup_key_read,
    lookup_key_write,
    parse_scan_cursor,
    parse_scan_options,
    random_element,
    scan_compact,
    scan_generic,
    set_key,
    signal_modified_key,
)
from intset import (
    intset_add,
    intset_find,
    intset_len,
    intset_random,
    intset_remove,
    intset_values,
)
from networking import rewrite_client_command_vector
from notify import NOTIFY_GENERIC, NOTIFY_SET, notify_keyspace_event
from object import (
    OBJ_ENCODING_HT,
    OBJ_ENCODING_INTSET,
    OBJ_SET,
    RedisObject,
    create_intset_object,
    create_object,
    create_set_object,
)

SET_OP_UNION, SET_OP_DIFF = 0, 1  # sunion_diff_generic_command()'s op
INTSET_MAX_ENTRIES = 1 << 30  # an intset never holds more
# SPOP with a count keeps the members left instead of picking the ones
# popped when they are fewer than count / 5. Mirrors
# SPOP_MOVE_STRATEGY_MUL.
SPOP_MOVE_STRATEGY_MUL = 5


# The set type API: every command reads and writes sets through it.

def set_type_create(value: bytes) -> RedisObject:
    """An empty set that can hold `value`: an intset if it is an
    integer, else a hash table. Mirrors setTypeCreate()."""
    if resp.string2ll(value) is not None:
        return create_intset_object()
    return create_set_object()


# --8<-- [start:set_type_add]
def set_type_add(server, o: RedisObject, value: bytes) -> bool:
    """Add `value`; True if it was not a member. Mirrors setTypeAdd().

    An intset takes an integer, then converts to a hash table if it has
    more than set-max-intset-entries members; a value that is not an
    integer converts it first.
    """
    # BEGIN EXERCISE 06-set-type-add
    if o.encoding == OBJ_ENCODING_HT:
        s = o.ptr
        if value in s:
            return False
        s.add(value)
        return True
    llval = resp.string2ll(value)  # isSdsRepresentableAsLongLong()
    if llval is None:
        set_type_convert(o)
        o.ptr.add(value)
        return True
    o.ptr, added = intset_add(o.ptr, llval)
    if added and intset_len(o.ptr) > min(server.set_max_intset_entries,
                                         INTSET_MAX_ENTRIES):
        set_type_convert(o)
    return added
    # END EXERCISE 06-set-type-add
# --8<-- [end:set_type_add]


def set_type_add_all(server, o: RedisObject,
                     values: Iterable[bytes]) -> int:
    """set_type_add() of each value in turn; return how many were new.
    A hash table takes the values left in one update()."""
    values = iter(values)
    added = 0
    if o.encoding == OBJ_ENCODING_INTSET:
        for value in values:
            added += set_type_add(server, o, value)
            if o.encoding == OBJ_ENCODING_HT:
                break
    if o.encoding == OBJ_ENCODING_HT:
        before = len(o.ptr)
        o.ptr.update(values)
        added += len(o.ptr) - before
    return added


def set_type_remove(o: RedisObject, value: bytes) -> bool:
    """Remove `value`; True if it was a member. Mirrors setTypeRemove():
    an intset stays one, however few members it keeps."""
    if o.encoding == OBJ_ENCODING_HT:
        s = o.ptr
        if value not in s:
            return False
        s.remove(value)
        return True
    llval = resp.string2ll(value)
    if llval is None:
        return False
    o.ptr, removed = intset_remove(o.ptr, llval)
    return removed


def set_type_is_member(o: RedisObject, value: bytes) -> bool:
    """Mirrors setTypeIsMember(): an intset holds only integers."""
    if o.encoding == OBJ_ENCODING_HT:
        return value in o.ptr
    llval = resp.string2ll(value)
    return llval is not None and intset_find(o.ptr, llval)


def set_type_member_test(o: RedisObject) -> Callable[[bytes], bool]:
    """set_type_is_member() for `o`, as a function of the value: a hash
    table's own, faster `in` test when there is one."""
    if o.encoding == OBJ_ENCODING_HT:
        return o.ptr.__contains__
    return lambda value: set_type_is_member(o, value)


def set_type_members(o: RedisObject) -> Iterable[bytes]:
    """Every member, in the set's order: an intset's is ascending.
    Mirrors a loop of setTypeNextObject(), which writes an intset's
    integers as strings."""
    if o.encoding == OBJ_ENCODING_HT:
        return o.ptr
    return [b"%d" % value for value in intset_values(o.ptr)]


def set_type_random_element(o: RedisObject) -> bytes:
    """A random member. Mirrors setTypeRandomElement()."""
    if o.encoding == OBJ_ENCODING_HT:
        return random_element(o.ptr)
    return b"%d" % intset_random(o.ptr)


def set_type_size(o: RedisObject) -> int:
    """The number of members. Mirrors setTypeSize()."""
    if o.encoding == OBJ_ENCODING_HT:
        return len(o.ptr)
    return intset_len(o.ptr)


# --8<-- [start:set_type_convert]
def set_type_convert(o: RedisObject) -> None:
    """Turn an intset into a hash table of the same members as strings,
    for good. Mirrors setTypeConvert(), with the only conversion Redis
    makes: OBJ_ENCODING_INTSET to OBJ_ENCODING_HT."""
    o.ptr = {b"%d" % value for value in intset_values(o.ptr)}
    o.encoding = OBJ_ENCODING_HT
# --8<-- [end:set_type_convert]


def set_type_dup(o: RedisObject) -> RedisObject:
    """A copy of a set, in the same encoding (COPY). Mirrors setTypeDup().
    An intset is bytes, and every write makes new ones, so the copy can
    share them, as a set copy shares its members."""
    if o.encoding == OBJ_ENCODING_INTSET:
        new = create_object(OBJ_SET, o.ptr)
    else:
        new = create_object(OBJ_SET, set(o.ptr))
    new.encoding = o.encoding
    return new


DUP_FUNCTIONS[OBJ_SET] = set_type_dup


def set_reply(c, members: Iterable[bytes]) -> bytes:
    """Members as a RESP3 set (~), or an array in RESP2."""
    members = list(members)
    return resp.set_len(len(members), c.resp) + b"".join(
        map(resp.bulk, members))


@command("sadd", -3, "write denyoom fast", acl="set", group="set",
         since="1.0.0", synopsis="key member [member ...]", keys=(1, 1, 1),
         complexity="O(N) where N is the number of members",
         summary="Add members to a set; reply with how many are new")
def sadd_command(c) -> None:
    """Mirrors saddCommand(): a new set is an intset if its first member
    is an integer."""
    o = lookup_key_write(c.db, c.argv[1], OBJ_SET)
    if o is None:
        o = set_type_create(c.argv[2])
        db_add(c.db, c.argv[1], o)
    added = set_type_add_all(c.server, o, c.argv[2:])
    if added:
        signal_modified_key(c.db, c.argv[1])
        c.server.dirty += added
        notify_keyspace_event(c.server, NOTIFY_SET, b"sadd", c.argv[1],
                              c.db.id)
    c.add_reply(resp.integer(added))


@command("srem", -3, "write fast", acl="set", group="set", since="1.0.0",
         synopsis="key member [member ...]", keys=(1, 1, 1),
         complexity="O(N) where N is the number of members",
         summary="Remove members from a set; reply with how many were in")
def srem_command(c) -> None:
    """Mirrors sremCommand(): the key goes with the last member."""
    o = lookup_key_write(c.db, c.argv[1], OBJ_SET)
    if o is None:
        c.add_reply(resp.integer(0))
        return
    deleted = 0
    keyremoved = False
    for member in c.argv[2:]:
        if set_type_remove(o, member):
            deleted += 1
            if set_type_size(o) == 0:
                db_delete(c.db, c.argv[1])
                keyremoved = True
                break
    if deleted:
        signal_modified_key(c.db, c.argv[1])
        c.server.dirty += deleted
        notify_keyspace_event(c.server, NOTIFY_SET, b"srem", c.argv[1],
                              c.db.id)
        if keyremoved:
            notify_keyspace_event(c.server, NOTIFY_GENERIC, b"del",
                                  c.argv[1], c.db.id)
    c.add_reply(resp.integer(deleted))


@command("smove", 4, "write fast", acl="set", group="set", since="1.0.0",
         synopsis="source destination member", keys=(1, 2, 1),
         summary="Move a member from one set to another")
def smove_command(c) -> None:
    """Mirrors smoveCommand(): a missing source replies 0 before any
    type check; both sets are checked before anything moves. A new
    destination is made for the member, as SADD makes one."""
    src, dst, member = c.argv[1], c.argv[2], c.argv[3]
    if lookup_key_write(c.db, src) is None:
        c.add_reply(resp.integer(0))
        return
    srcset = lookup_key_write(c.db, src, OBJ_SET)
    dstset = lookup_key_write(c.db, dst, OBJ_SET)
    if srcset is dstset:  # the same key: nothing moves
        c.add_reply(resp.integer(set_type_is_member(srcset, member)))
        return
    if not set_type_remove(srcset, member):
        c.add_reply(resp.integer(0))
        return
    c.server.dirty += 1
    notify_keyspace_event(c.server, NOTIFY_SET, b"srem", src, c.db.id)
    if set_type_size(srcset) == 0:
        db_delete(c.db, src)
        notify_keyspace_event(c.server, NOTIFY_GENERIC, b"del", src, c.db.id)
    if dstset is None:
        dstset = set_type_create(member)
        db_add(c.db, dst, dstset)
    signal_modified_key(c.db, src)
    if set_type_add(c.server, dstset, member):
        signal_modified_key(c.db, dst)
        c.server.dirty += 1
        notify_keyspace_event(c.server, NOTIFY_SET, b"sadd", dst, c.db.id)
    c.add_reply(resp.integer(1))


@command("sismember", 3, "readonly fast", acl="set", group="set",
         since="1.0.0", synopsis="key member", keys=(1, 1, 1),
         summary="Whether a member is in a set")
def sismember_command(c) -> None:
    o = lookup_key_read(c.db, c.argv[1], OBJ_SET)
    c.add_reply(resp.integer(o is not None
                             and set_type_is_member(o, c.argv[2])))


@command("smismember", -3, "readonly fast", acl="set", group="set",
         since="6.2.0", synopsis="key member [member ...]", keys=(1, 1, 1),
         complexity="O(N) where N is the number of members",
         summary="Whether each member is in a set (1 or 0 each)")
def smismember_command(c) -> None:
    """Mirrors smismemberCommand(): a missing key is an empty set."""
    o = lookup_key_read(c.db, c.argv[1], OBJ_SET)
    c.add_reply(resp.array_len(len(c.argv) - 2) + b"".join(
        resp.integer(o is not None and set_type_is_member(o, member))
        for member in c.argv[2:]))


@command("scard", 2, "readonly fast", acl="set", group="set",
         since="1.0.0", synopsis="key", keys=(1, 1, 1),
         summary="Count the members of a set")
def scard_command(c) -> None:
    o = lookup_key_read(c.db, c.argv[1], OBJ_SET)
    c.add_reply(resp.integer(0 if o is None else set_type_size(o)))


@command("spop", -2, "write fast", acl="set", group="set", since="1.0.0",
         synopsis="key [count]", keys=(1, 1, 1),
         complexity="O(1) without a count, O(N) with one",
         summary="Remove random members from a set and reply with them")
def spop_command(c) -> None:
    """Mirrors spopCommand(): one member, or a set of `count`. The AOF
    gets SREM of the member picked: loading SPOP again would pick
    another."""
    if len(c.argv) == 3:
        spop_with_count_command(c)
        return
    if len(c.argv) > 3:
        raise CommandError(SYNTAX_ERROR)
    o = lookup_key_write(c.db, c.argv[1], OBJ_SET)
    if o is None:
        c.add_reply(resp.null(c.resp))
        return
    member = set_type_random_element(o)
    set_type_remove(o, member)
    rewrite_client_command_vector(c, b"SREM", c.argv[1], member)
    c.server.dirty += 1
    notify_keyspace_event(c.server, NOTIFY_SET, b"spop", c.argv[1], c.db.id)
    c.add_reply(resp.bulk(member))
    if set_type_size(o) == 0:
        db_delete(c.db, c.argv[1])
        notify_keyspace_event(c.server, NOTIFY_GENERIC, b"del", c.argv[1],
                              c.db.id)
    signal_modified_key(c.db, c.argv[1])


# --8<-- [start:spop_with_count_command]
def spop_with_count_command(c) -> None:
    """Mirrors spopWithCountCommand() and its three cases. A count of at
    least the set's size pops it all, replying as SUNION of the one set
    does (1). A count small next to the size pops random members (2).
    Otherwise it is cheaper to pick the few members that stay: they go
    into a new set, made as SADD makes one, which replaces the old set,
    and the old set's members are the reply (3).

    The AOF gets the DEL (1), or one SREM per member popped (2, 3), each
    queued with also_propagate(), and not the SPOP itself.

    Simplified: picking the members costs O(N) for a set of N (a Python
    set has no random access); Redis picks each one in O(1).
    """
    count = get_positive_long(c.argv[2])
    o = lookup_key_write(c.db, c.argv[1], OBJ_SET)
    if o is None or count == 0:
        c.add_reply(set_reply(c, ()))
        return
    size = set_type_size(o)
    c.server.dirty += min(count, size)
    notify_keyspace_event(c.server, NOTIFY_SET, b"spop", c.argv[1], c.db.id)
    if count >= size:  # CASE 1
        sunion_diff_generic_command(c, c.argv[1:2], None, SET_OP_UNION)
        db_delete(c.db, c.argv[1])
        notify_keyspace_event(c.server, NOTIFY_GENERIC, b"del", c.argv[1],
                              c.db.id)
        rewrite_client_command_vector(c, b"DEL", c.argv[1])
        signal_modified_key(c.db, c.argv[1])
        return
    remaining = size - count
    if remaining * SPOP_MOVE_STRATEGY_MUL > count:  # CASE 2
        popped = random.sample(list(set_type_members(o)), count)
        for member in popped:
            set_type_remove(o, member)
    else:  # CASE 3
        kept = random.sample(list(set_type_members(o)), remaining)
        newset = set_type_create(kept[0])
        set_type_add_all(c.server, newset, kept)
        for member in kept:
            set_type_remove(o, member)
        popped = list(set_type_members(o))
        db_overwrite(c.db, c.argv[1], newset)
    c.add_reply(set_reply(c, popped))
    for member in popped:
        also_propagate(c.server, c.db.id, [b"SREM", c.argv[1], member])
    prevent_command_propagation(c)
    signal_modified_key(c.db, c.argv[1])
# --8<-- [end:spop_with_count_command]


@command("srandmember", -2, "readonly", acl="set", group="set",
         since="1.0.0", synopsis="key [count]", keys=(1, 1, 1),
         complexity="O(1) without a count, O(N) with one",
         summary="Pick random members of a set: distinct ones for a "
                 "positive count, maybe repeated for a negative one")
def srandmember_command(c) -> None:
    """Mirrors srandmemberCommand()."""
    if len(c.argv) == 3:
        srandmember_with_count_command(c)
        return
    if len(c.argv) > 3:
        raise CommandError(SYNTAX_ERROR)
    o = lookup_key_read(c.db, c.argv[1], OBJ_SET)
    c.add_reply(resp.null(c.resp) if o is None
                else resp.bulk(set_type_random_element(o)))


def srandmember_with_count_command(c) -> None:
    """Mirrors srandmemberWithCountCommand(): an array, not a set, since
    a negative count may repeat members. A count of at least the set's
    size is the whole set, in its order (an intset's: ascending)."""
    count = get_range_long(c.argv[2], -resp.LLONG_MAX, resp.LLONG_MAX)
    o = lookup_key_read(c.db, c.argv[1], OBJ_SET)
    if o is None or count == 0:
        c.add_reply(resp.EMPTY_ARRAY)
        return
    members = list(set_type_members(o))
    if count < 0 or count == 1:  # CASE 1: picks that may repeat
        c.add_reply(resp.array_len(abs(count)))
        add_reply_random_picks(c, members, abs(count),
                               lambda picks: b"".join(map(resp.bulk, picks)))
    elif count >= len(members):  # CASE 2
        c.add_reply(resp.bulk_array(members))
    else:  # CASES 3 and 4: distinct picks
        c.add_reply(resp.bulk_array(random.sample(members, count)))


# --8<-- [start:sinter_generic_command]
def sinter_generic_command(c, keys: list[bytes], dstkey: bytes | None = None,
                           cardinality_only: bool = False,
                           limit: int = 0) -> None:
    """Intersect the sets at `keys`. Mirrors sinterGenericCommand().

    Reply with the members (SINTER, SMEMBERS), store them at dstkey
    (SINTERSTORE), or only count them, up to `limit` if not 0
    (SINTERCARD). A missing key is an empty set, so the result is empty.
    The members of the smallest set are tested against each other set
    in turn, and those found in all keep the smallest set's order. A
    stored result starts as an intset, so integers stay one.

    Simplified: Redis tests each member against every set before the
    next member, and SINTERCARD stops at `limit`; testing a whole set at
    a time lets Python's filter() do the loop, and gives the same.
    """
    sets = [lookup_key_read(c.db, key, OBJ_SET) for key in keys]
    if None in sets:
        if dstkey is not None and db_delete(c.db, dstkey):
            signal_modified_key(c.db, dstkey)
            notify_keyspace_event(c.server, NOTIFY_GENERIC, b"del", dstkey,
                                  c.db.id)
            c.server.dirty += 1
        c.add_reply(resp.integer(0) if dstkey is not None
                    or cardinality_only else set_reply(c, ()))
        return
    sets.sort(key=set_type_size)
    result = set_type_members(sets[0])
    for o in sets[1:]:
        if o is not sets[0]:
            result = list(filter(set_type_member_test(o), result))
    if cardinality_only:
        cardinality = len(result)
        c.add_reply(resp.integer(min(cardinality, limit) if limit
                                 else cardinality))
    elif dstkey is not None:
        dstset = create_intset_object()
        set_type_add_all(c.server, dstset, result)
        store_set_result(c, dstkey, dstset, b"sinterstore")
    else:
        c.add_reply(set_reply(c, result))
# --8<-- [end:sinter_generic_command]


def store_set_result(c, dstkey: bytes, dstset: RedisObject,
                     event: bytes) -> None:
    """Store a SINTERSTORE/SUNIONSTORE/SDIFFSTORE result, replacing any
    value, and publish `event`; an empty result deletes the key (del).
    Either way the reply goes out before that event (a "new" one comes
    before it, from set_key())."""
    size = set_type_size(dstset)
    if not size:
        c.add_reply(resp.integer(0))
        if db_delete(c.db, dstkey):
            c.server.dirty += 1
            signal_modified_key(c.db, dstkey)
            notify_keyspace_event(c.server, NOTIFY_GENERIC, b"del", dstkey,
                                  c.db.id)
        return
    set_key(c.db, dstkey, dstset)
    c.add_reply(resp.integer(size))
    c.server.dirty += 1
    notify_keyspace_event(c.server, NOTIFY_SET, event, dstkey, c.db.id)


@command("smembers", 2, "readonly", acl="set", group="set", since="1.0.0",
         synopsis="key", keys=(1, 1, 1),
         complexity="O(N) where N is the size of the set",
         summary="List the members of a set")
def smembers_command(c) -> None:
    """Redis runs SMEMBERS as SINTER of one set: the reply is a set."""
    sinter_generic_command(c, c.argv[1:])


@command("sinter", -2, "readonly", acl="set", group="set", since="1.0.0",
         synopsis="key [key ...]", keys=(1, -1, 1),
         complexity="O(N*M) where N is the size of the smallest set and M "
                    "the number of sets",
         summary="The members that all the sets have in common")
def sinter_command(c) -> None:
    sinter_generic_command(c, c.argv[1:])


@command("sinterstore", -3, "write denyoom", acl="set", group="set",
         since="1.0.0", synopsis="destination key [key ...]",
         keys=(1, -1, 1),
         complexity="O(N*M) where N is the size of the smallest set and M "
                    "the number of sets",
         summary="Store the intersection of sets at a key")
def sinterstore_command(c) -> None:
    sinter_generic_command(c, c.argv[2:], dstkey=c.argv[1])


@command("sintercard", -3, "readonly movablekeys", acl="set", group="set",
         since="7.0.0", synopsis="numkeys key [key ...] [LIMIT limit]",
         complexity="O(N*M) where N is the size of the smallest set and M "
                    "the number of sets",
         summary="Count the members the sets have in common, stopping at "
                 "LIMIT if given")
def sintercard_command(c) -> None:
    """Mirrors sinterCardCommand()."""
    numkeys = get_range_long(c.argv[1], 1, resp.LLONG_MAX,
                             "numkeys should be greater than 0")
    if numkeys > len(c.argv) - 2:
        raise CommandError("Number of keys can't be greater than number "
                           "of args")
    limit = 0
    options = c.argv[2 + numkeys:]
    for i in range(0, len(options), 2):
        if options[i].lower() != b"limit" or i + 1 == len(options):
            raise CommandError(SYNTAX_ERROR)
        limit = get_positive_long(options[i + 1], "LIMIT can't be negative")
    sinter_generic_command(c, c.argv[2:2 + numkeys], cardinality_only=True,
                           limit=limit)


# --8<-- [start:sunion_diff_generic_command]
def sunion_diff_generic_command(c, keys: list[bytes], dstkey: bytes | None,
                                op: int) -> None:
    """The union of the sets, or the members of the first that none of
    the others has. Mirrors sunionDiffGenericCommand().

    The result is built by adding members to a set that starts as an
    intset, so it may be one, and then a reply lists it in ascending
    order. SDIFF picks one of two ways, as Redis does, and they can end
    in different encodings: (1) add each member of the first set that no
    other set has, or (2) add the whole first set, then remove the
    others' members from it.
    """
    sets = [lookup_key_read(c.db, key, OBJ_SET) for key in keys]
    first = sets[0]
    sameset = first is not None and any(o is first for o in sets[1:])
    dstset = create_intset_object()
    if op == SET_OP_UNION:
        for o in sets:
            if o is not None:
                set_type_add_all(c.server, dstset, set_type_members(o))
    elif first is not None and not sameset:
        others = [o for o in sets[1:] if o is not None]
        if sdiff_algorithm(first, others) == 1:
            tests = [set_type_member_test(o) for o in others]
            set_type_add_all(c.server, dstset, (
                member for member in set_type_members(first)
                if not any(test(member) for test in tests)))
        else:
            set_type_add_all(c.server, dstset, set_type_members(first))
            for o in others:
                if set_type_size(dstset) == 0:
                    break
                for member in set_type_members(o):
                    set_type_remove(dstset, member)
    if dstkey is None:
        c.add_reply(set_reply(c, set_type_members(dstset)))
    else:
        event = b"sunionstore" if op == SET_OP_UNION else b"sdiffstore"
        store_set_result(c, dstkey, dstset, event)
# --8<-- [end:sunion_diff_generic_command]


def sdiff_algorithm(first: RedisObject, others: list[RedisObject]) -> int:
    """Which way SDIFF goes: 1 costs the first set's size per set, 2 the
    sum of their sizes, and 1 gets a head start of half. Mirrors the
    choice in sunionDiffGenericCommand()."""
    algo_one_work = set_type_size(first) * (1 + len(others)) // 2
    algo_two_work = set_type_size(first) + sum(map(set_type_size, others))
    return 1 if algo_one_work <= algo_two_work else 2


@command("sunion", -2, "readonly", acl="set", group="set", since="1.0.0",
         synopsis="key [key ...]", keys=(1, -1, 1),
         complexity="O(N) where N is the total size of the sets",
         summary="The members of any of the sets")
def sunion_command(c) -> None:
    sunion_diff_generic_command(c, c.argv[1:], None, SET_OP_UNION)


@command("sunionstore", -3, "write denyoom", acl="set", group="set",
         since="1.0.0", synopsis="destination key [key ...]",
         keys=(1, -1, 1),
         complexity="O(N) where N is the total size of the sets",
         summary="Store the union of sets at a key")
def sunionstore_command(c) -> None:
    sunion_diff_generic_command(c, c.argv[2:], c.argv[1], SET_OP_UNION)


@command("sdiff", -2, "readonly", acl="set", group="set", since="1.0.0",
         synopsis="key [key ...]", keys=(1, -1, 1),
         complexity="O(N) where N is the total size of the sets",
         summary="The members of the first set that no other set has")
def sdiff_command(c) -> None:
    sunion_diff_generic_command(c, c.argv[1:], None, SET_OP_DIFF)


@command("sdiffstore", -3, "write denyoom", acl="set", group="set",
         since="1.0.0", synopsis="destination key [key ...]",
         keys=(1, -1, 1),
         complexity="O(N) where N is the total size of the sets",
         summary="Store the difference of sets at a key")
def sdiffstore_command(c) -> None:
    sunion_diff_generic_command(c, c.argv[2:], c.argv[1], SET_OP_DIFF)


@command("sscan", -3, "readonly", acl="set", group="set", since="2.8.0",
         synopsis="key cursor [MATCH pattern] [COUNT count]",
         keys=(1, 1, 1), complexity="O(1) for every call, O(N) in all",
         summary="Iterate over the members of a set")
def sscan_command(c) -> None:
    """Mirrors sscanCommand(): the options are read only if the key
    exists. An intset comes whole, in one reply."""
    cursor = parse_scan_cursor(c.argv[2])
    o = lookup_key_read(c.db, c.argv[1], OBJ_SET)
    if o is None:
        c.add_reply(EMPTY_SCAN)
        return
    options = parse_scan_options(c.argv[3:], keyspace=False)
    if o.encoding == OBJ_ENCODING_INTSET:
        scan_compact(c, set_type_members(o), options, pairs=False)
        return
    s = o.ptr
    scan_generic(c, cursor, s, options,
                 lambda member: (member,) if member in s else ())
