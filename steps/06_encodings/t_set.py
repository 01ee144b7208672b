"""t_set.py: sets. Redis: src/t_set.c.

A set is an unordered collection of distinct binary strings. Besides
adding, removing and testing members, sets combine: SINTER, SUNION and
SDIFF (and their STORE forms, which write the result to a key). A set
that loses its last member is deleted, and a missing key reads as the
empty set.

Steps:
  04_datatypes  the set commands
  06_encodings  set objects (OBJ_SET)

Simplified: Redis keeps a set of up to 512 integers in an intset, a
sorted array, and converts it to a hash table when it grows or gets a
member that is not an integer; here every set is a Python set.
"""

import random

import resp
from commands import (
    SYNTAX_ERROR,
    CommandError,
    command,
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
)
from object import OBJ_SET, RedisObject, create_set_object


def set_type_dup(o: RedisObject) -> RedisObject:
    """A copy of a set (COPY). Mirrors setTypeDup(): the members are
    bytes, which never change, so the copy can share them."""
    new = create_set_object()
    new.ptr.update(o.ptr)
    return new


DUP_FUNCTIONS[OBJ_SET] = set_type_dup


def set_members(c, key: bytes) -> set:
    """The members of the set at `key` to read, none if it is missing."""
    o = lookup_key_read(c.db, key, OBJ_SET)
    return set() if o is None else o.ptr


def set_reply(c, members) -> bytes:
    """Members as a RESP3 set (~), or an array in RESP2."""
    return resp.set_len(len(members), c.resp) + b"".join(
        map(resp.bulk, members))


@command("sadd", -3, "write denyoom fast", acl="set", group="set",
         since="1.0.0", synopsis="key member [member ...]", keys=(1, 1, 1),
         complexity="O(N) where N is the number of members",
         summary="Add members to a set; reply with how many are new")
def sadd_command(c) -> None:
    o = lookup_key_write(c.db, c.argv[1], OBJ_SET)
    if o is None:
        o = create_set_object()
        db_add(c.db, c.argv[1], o)
    s = o.ptr
    before = len(s)
    s.update(c.argv[2:])
    c.add_reply(resp.integer(len(s) - before))


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
    s = o.ptr
    before = len(s)
    s.difference_update(c.argv[2:])
    if not s:
        db_delete(c.db, c.argv[1])
    c.add_reply(resp.integer(before - len(s)))


@command("smove", 4, "write fast", acl="set", group="set", since="1.0.0",
         synopsis="source destination member", keys=(1, 2, 1),
         summary="Move a member from one set to another")
def smove_command(c) -> None:
    """Mirrors smoveCommand(): a missing source replies 0 before any
    type check; both sets are checked before anything moves."""
    src, dst, member = c.argv[1], c.argv[2], c.argv[3]
    if lookup_key_write(c.db, src) is None:
        c.add_reply(resp.integer(0))
        return
    srcset = lookup_key_write(c.db, src, OBJ_SET)
    dstset = lookup_key_write(c.db, dst, OBJ_SET)
    if srcset is dstset:  # the same key: nothing moves
        c.add_reply(resp.integer(member in srcset.ptr))
        return
    if member not in srcset.ptr:
        c.add_reply(resp.integer(0))
        return
    srcset.ptr.remove(member)
    if not srcset.ptr:
        db_delete(c.db, src)
    if dstset is None:
        dstset = create_set_object()
        db_add(c.db, dst, dstset)
    dstset.ptr.add(member)
    c.add_reply(resp.integer(1))


@command("sismember", 3, "readonly fast", acl="set", group="set",
         since="1.0.0", synopsis="key member", keys=(1, 1, 1),
         summary="Whether a member is in a set")
def sismember_command(c) -> None:
    s = set_members(c, c.argv[1])
    c.add_reply(resp.integer(c.argv[2] in s))


@command("smismember", -3, "readonly fast", acl="set", group="set",
         since="6.2.0", synopsis="key member [member ...]", keys=(1, 1, 1),
         complexity="O(N) where N is the number of members",
         summary="Whether each member is in a set (1 or 0 each)")
def smismember_command(c) -> None:
    s = set_members(c, c.argv[1])
    c.add_reply(resp.array_len(len(c.argv) - 2) + b"".join(
        resp.integer(member in s) for member in c.argv[2:]))


@command("scard", 2, "readonly fast", acl="set", group="set",
         since="1.0.0", synopsis="key", keys=(1, 1, 1),
         summary="Count the members of a set")
def scard_command(c) -> None:
    s = set_members(c, c.argv[1])
    c.add_reply(resp.integer(len(s)))


@command("spop", -2, "write fast", acl="set", group="set", since="1.0.0",
         synopsis="key [count]", keys=(1, 1, 1),
         complexity="O(1) without a count, O(N) with one",
         summary="Remove random members from a set and reply with them")
def spop_command(c) -> None:
    """Mirrors spopCommand(): one member, or a set of `count`."""
    if len(c.argv) == 3:
        spop_with_count_command(c)
        return
    if len(c.argv) > 3:
        raise CommandError(SYNTAX_ERROR)
    o = lookup_key_write(c.db, c.argv[1], OBJ_SET)
    if o is None:
        c.add_reply(resp.null(c.resp))
        return
    s = o.ptr
    member = random_element(s)
    s.remove(member)
    if not s:
        db_delete(c.db, c.argv[1])
    c.add_reply(resp.bulk(member))


def spop_with_count_command(c) -> None:
    """Mirrors spopWithCountCommand().

    Simplified: picking the members costs O(N) for a set of N (a Python
    set has no random access); Redis picks each one in O(1).
    """
    count = get_positive_long(c.argv[2])
    o = lookup_key_write(c.db, c.argv[1], OBJ_SET)
    if o is None or count == 0:
        c.add_reply(set_reply(c, ()))
        return
    s = o.ptr
    if count >= len(s):
        db_delete(c.db, c.argv[1])
        c.add_reply(set_reply(c, s))
        return
    popped = random.sample(list(s), count)
    s.difference_update(popped)
    c.add_reply(set_reply(c, popped))


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
                else resp.bulk(random_element(o.ptr)))


def srandmember_with_count_command(c) -> None:
    """Mirrors srandmemberWithCountCommand(): an array, not a set, since
    a negative count may repeat members."""
    count = get_range_long(c.argv[2], -resp.LLONG_MAX, resp.LLONG_MAX)
    o = lookup_key_read(c.db, c.argv[1], OBJ_SET)
    if o is None or count == 0:
        c.add_reply(resp.EMPTY_ARRAY)
        return
    s = o.ptr
    if count > 0:
        c.add_reply(resp.bulk_array(random.sample(list(s),
                                                  min(count, len(s)))))
        return
    c.add_reply(resp.array_len(-count))
    add_reply_random_picks(c, list(s), -count,
                           lambda picks: b"".join(map(resp.bulk, picks)))


# --8<-- [start:sinter_generic_command]
def sinter_generic_command(c, keys: list[bytes], dstkey: bytes | None = None,
                           cardinality_only: bool = False,
                           limit: int = 0) -> None:
    """Intersect the sets at `keys`. Mirrors sinterGenericCommand().

    Reply with the members (SINTER, SMEMBERS), store them at dstkey
    (SINTERSTORE), or only count them, up to `limit` if not 0
    (SINTERCARD). A missing key is an empty set, so the result is empty.
    """
    objects = [lookup_key_read(c.db, key, OBJ_SET) for key in keys]
    sets = [None if o is None else o.ptr for o in objects]
    if None in sets:
        result = set()
    elif cardinality_only:
        # Walk the smallest set, testing each member against the others.
        smallest, *others = sorted(sets, key=len)
        result = set()
        for member in smallest:
            if all(member in other for other in others):
                result.add(member)
                if len(result) == limit:
                    break
    else:
        result = set.intersection(*sets)
    if cardinality_only:
        c.add_reply(resp.integer(len(result)))
    elif dstkey is not None:
        store_set_result(c, dstkey, result)
    else:
        c.add_reply(set_reply(c, result))
# --8<-- [end:sinter_generic_command]


def store_set_result(c, dstkey: bytes, result: set) -> None:
    """Store a SINTERSTORE/SUNIONSTORE/SDIFFSTORE result, replacing any
    value; an empty result deletes the key."""
    if result:
        o = create_set_object()
        o.ptr = result
        set_key(c.db, dstkey, o)
    else:
        db_delete(c.db, dstkey)
    c.add_reply(resp.integer(len(result)))


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


def sunion_diff_generic_command(c, keys: list[bytes], dstkey: bytes | None,
                                diff: bool) -> None:
    """Mirrors sunionDiffGenericCommand(): the union of the sets, or the
    members of the first that none of the others has."""
    sets = [set_members(c, key) for key in keys]
    result = sets[0].difference(*sets[1:]) if diff else set().union(*sets)
    if dstkey is None:
        c.add_reply(set_reply(c, result))
    else:
        store_set_result(c, dstkey, result)


@command("sunion", -2, "readonly", acl="set", group="set", since="1.0.0",
         synopsis="key [key ...]", keys=(1, -1, 1),
         complexity="O(N) where N is the total size of the sets",
         summary="The members of any of the sets")
def sunion_command(c) -> None:
    sunion_diff_generic_command(c, c.argv[1:], None, diff=False)


@command("sunionstore", -3, "write denyoom", acl="set", group="set",
         since="1.0.0", synopsis="destination key [key ...]",
         keys=(1, -1, 1),
         complexity="O(N) where N is the total size of the sets",
         summary="Store the union of sets at a key")
def sunionstore_command(c) -> None:
    sunion_diff_generic_command(c, c.argv[2:], c.argv[1], diff=False)


@command("sdiff", -2, "readonly", acl="set", group="set", since="1.0.0",
         synopsis="key [key ...]", keys=(1, -1, 1),
         complexity="O(N) where N is the total size of the sets",
         summary="The members of the first set that no other set has")
def sdiff_command(c) -> None:
    sunion_diff_generic_command(c, c.argv[1:], None, diff=True)


@command("sdiffstore", -3, "write denyoom", acl="set", group="set",
         since="1.0.0", synopsis="destination key [key ...]",
         keys=(1, -1, 1),
         complexity="O(N) where N is the total size of the sets",
         summary="Store the difference of sets at a key")
def sdiffstore_command(c) -> None:
    sunion_diff_generic_command(c, c.argv[2:], c.argv[1], diff=True)


@command("sscan", -3, "readonly", acl="set", group="set", since="2.8.0",
         synopsis="key cursor [MATCH pattern] [COUNT count]",
         keys=(1, 1, 1), complexity="O(1) for every call, O(N) in all",
         summary="Iterate over the members of a set")
def sscan_command(c) -> None:
    """Mirrors sscanCommand(): the options are read only if the key
    exists."""
    cursor = parse_scan_cursor(c.argv[2])
    o = lookup_key_read(c.db, c.argv[1], OBJ_SET)
    if o is None:
        c.add_reply(EMPTY_SCAN)
        return
    s = o.ptr
    options = parse_scan_options(c.argv[3:], keyspace=False)
    scan_generic(c, cursor, s, options,
                 lambda member: (member,) if member in s else ())
