"""t_hash.py: hashes. Redis: src/t_hash.c.

A hash maps fields to values, both binary strings: an object with named
attributes in one key. HINCRBY and HINCRBYFLOAT read a field as a number
with the same rules as INCRBY and INCRBYFLOAT. A hash that loses its
last field is deleted.

A small hash is a listpack (listpack.py): field, value, field, value...
in the order the fields were first set, a few bytes each. It becomes a
hash table, a dict, when a write would give it more than
hash-max-listpack-entries fields (512) or a field or value longer than
hash-max-listpack-value bytes (64), and it never goes back, even when it
shrinks. The hash_type_* functions hide which of the two a hash is, as
the hashType*() functions of t_hash.c do, so each command is written
once for both.

Steps:
  04_datatypes  the hash commands
  06_encodings  hash objects (OBJ_HASH): a listpack, then a dict
  09_pubsub     keyspace events: hset, hdel, hincrby, hincrbyfloat, and
                del for a hash emptied
  11_aof        HINCRBYFLOAT is written to the AOF as HSET of the result
"""

import random

import resp
from commands import (
    SYNTAX_ERROR,
    CommandError,
    arity_error,
    command,
    get_long_double,
    get_long_long,
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
    scan_compact,
    scan_generic,
    signal_modified_key,
)
from listpack import (
    LP_HDR_SIZE,
    lp_append_entries,
    lp_delete_range_with_entry,
    lp_entries,
    lp_find,
    lp_find_value,
    lp_length,
    lp_random_pair,
    lp_random_pairs,
    lp_random_pairs_unique,
    lp_replace,
    lp_safe_to_add,
    lp_skip,
)
from networking import CLIENT_CLOSE_ASAP, rewrite_client_command_argument
from notify import NOTIFY_GENERIC, NOTIFY_HASH, notify_keyspace_event
from object import (
    OBJ_ENCODING_HT,
    OBJ_ENCODING_LISTPACK,
    OBJ_HASH,
    RedisObject,
    create_hash_object,
    create_object,
)
from util import ld2string, ld_add, string2ld

# What genericHgetallCommand() replies with. Mirrors OBJ_HASH_KEY and
# OBJ_HASH_VALUE in server.h.
OBJ_HASH_KEY, OBJ_HASH_VALUE = 1, 2

# Above this many picks, HRANDFIELD's random pairs are drawn from a
# listpack in batches. Mirrors HRANDFIELD_RANDOM_SAMPLE_LIMIT.
HRANDFIELD_RANDOM_SAMPLE_LIMIT = 1000
# For fewer distinct fields than this fraction of the hash, HRANDFIELD
# picks them one by one. Mirrors HRANDFIELD_SUB_STRATEGY_MUL.
HRANDFIELD_SUB_STRATEGY_MUL = 3


def lp_element_bytes(value: bytes | int) -> bytes:
    """A listpack element as a string: an integer in decimal, as Redis
    replies with one (addReplyBulkLongLong())."""
    return b"%d" % value if type(value) is int else value


# The hash type API: every command reads and writes hashes through it.

# --8<-- [start:hash_type_try_conversion]
def hash_type_try_conversion(server, o: RedisObject,
                             args: list[bytes]) -> None:
    """Convert a listpack hash to a hash table before `args` (the fields
    and values a command is about to write) would make it too long.
    Mirrors hashTypeTryConversion().

    Redis measures each argument that is a string (sds) object, and the
    arguments of a command always are; their total must also fit the
    1 GB a listpack may grow to. The count of fields is checked after
    each insert (hash_type_set()).
    """
    if o.encoding != OBJ_ENCODING_LISTPACK:
        return
    limit = server.hash_max_listpack_value
    total = 0
    for arg in args:
        if len(arg) > limit:
            hash_type_convert(o)
            return
        total += len(arg)
    if not lp_safe_to_add(o.ptr, total):
        hash_type_convert(o)
# --8<-- [end:hash_type_try_conversion]


def hash_type_get_value(o: RedisObject, field: bytes) -> bytes | None:
    """The value of `field`, or None. Mirrors hashTypeGetValue().

    In a listpack the field is found by walking the entries, comparing
    every other one (lpFind() with skip 1): O(N), but N is small.
    """
    if o.encoding == OBJ_ENCODING_LISTPACK:
        value = lp_find_value(o.ptr, field)
        return None if value is None else lp_element_bytes(value)
    return o.ptr.get(field)


def hash_type_exists(o: RedisObject, field: bytes) -> bool:
    """Mirrors hashTypeExists()."""
    return hash_type_get_value(o, field) is not None


# --8<-- [start:hash_type_set]
def hash_type_set(server, o: RedisObject, field: bytes,
                  value: bytes) -> bool:
    """Set `field` to `value`; True if the field existed (an update).
    Mirrors hashTypeSet().

    A field or value too long for a listpack converts the hash first
    (HINCRBY and HINCRBYFLOAT come here without hash_type_try_conversion()).
    A listpack replaces the value in place, or appends the new pair at
    its tail; then it converts if it has too many fields. (lp_find() from
    the header's end is lpFirst() then lpFind(): an empty listpack has
    its end byte there, where the search stops.)
    """
    if o.encoding == OBJ_ENCODING_LISTPACK:
        limit = server.hash_max_listpack_value
        if len(field) > limit or len(value) > limit:
            hash_type_convert(o)
    if o.encoding == OBJ_ENCODING_HT:
        h = o.ptr
        update = field in h
        h[field] = value
        return update
    lp = o.ptr
    p = lp_find(lp, LP_HDR_SIZE, field, 1)  # lpFirst(): from the header
    if p is not None:
        o.ptr = lp_replace(lp, lp_skip(lp, p), value)  # lpNext(): the value
    else:
        o.ptr = lp_append_entries(lp, (field, value))
    if lp_length(o.ptr) // 2 > server.hash_max_listpack_entries:
        hash_type_convert(o)
    return p is not None
# --8<-- [end:hash_type_set]


def hash_type_delete(o: RedisObject, field: bytes) -> bool:
    """Delete `field`; True if it was there. Mirrors hashTypeDelete():
    a listpack loses the field and its value, two entries."""
    if o.encoding == OBJ_ENCODING_HT:
        return o.ptr.pop(field, None) is not None
    p = lp_find(o.ptr, LP_HDR_SIZE, field, 1)
    if p is None:
        return False
    o.ptr = lp_delete_range_with_entry(o.ptr, p, 2)
    return True


def hash_type_length(o: RedisObject) -> int:
    """The number of fields. Mirrors hashTypeLength()."""
    if o.encoding == OBJ_ENCODING_LISTPACK:
        return lp_length(o.ptr) // 2
    return len(o.ptr)


def hash_type_pairs(o: RedisObject):
    """Every (field, value), in the hash's order: a listpack's is the
    order the fields were added. Mirrors a hashTypeIterator loop."""
    if o.encoding == OBJ_ENCODING_HT:
        return o.ptr.items()
    entries = lp_entries(o.ptr, strings=True)
    return zip(entries[::2], entries[1::2])


# --8<-- [start:hash_type_convert]
def hash_type_convert(o: RedisObject) -> None:
    """Turn a listpack hash into a hash table, for good. Mirrors
    hashTypeConvert() and hashTypeConvertListpack(), with the only
    conversion Redis makes: OBJ_ENCODING_LISTPACK to OBJ_ENCODING_HT."""
    entries = lp_entries(o.ptr, strings=True)
    o.ptr = dict(zip(entries[::2], entries[1::2]))
    o.encoding = OBJ_ENCODING_HT
# --8<-- [end:hash_type_convert]


def hash_type_lookup_write_or_create(c, key: bytes) -> RedisObject:
    """The hash at `key`, created empty (a listpack) if missing.

    Mirrors hashTypeLookupWriteOrCreate(): callers check their arguments
    first and cannot fail afterwards, so no empty hash is left behind.
    """
    o = lookup_key_write(c.db, key, OBJ_HASH)
    if o is None:
        o = create_hash_object()
        db_add(c.db, key, o)
    return o


def hash_type_dup(o: RedisObject) -> RedisObject:
    """A copy of a hash, in the same encoding (COPY). Mirrors
    hashTypeDup(). A listpack is bytes, and every write makes new ones,
    so the copy can share them, as a dict copy shares its fields and
    values."""
    if o.encoding == OBJ_ENCODING_LISTPACK:
        new = create_object(OBJ_HASH, o.ptr)
    else:
        new = create_object(OBJ_HASH, dict(o.ptr))
    new.encoding = o.encoding
    return new


DUP_FUNCTIONS[OBJ_HASH] = hash_type_dup


def hash_type_random_element(o: RedisObject) -> bytes:
    """A random field. Mirrors hashTypeRandomElement() without the value
    (lpRandomPair() in a listpack)."""
    if o.encoding == OBJ_ENCODING_HT:
        return random_element(o.ptr)
    field, _ = lp_random_pair(o.ptr, hash_type_length(o))
    return lp_element_bytes(field)


# --8<-- [start:hset_command]
@command("hset", -4, "write denyoom fast", acl="hash", group="hash",
         since="2.0.0", synopsis="key field value [field value ...]",
         keys=(1, 1, 1), complexity="O(N) where N is the number of fields",
         summary="Set fields of a hash; reply with how many are new")
def hset_command(c) -> None:
    """Mirrors hsetCommand()."""
    if len(c.argv) % 2:
        c.add_reply(arity_error("hset"))
        return
    hash_set_pairs(c, hmset=False)


def hash_set_pairs(c, hmset: bool) -> None:
    """Set the field-value pairs of argv[2:], and reply: HSET with how
    many are new, HMSET with OK. Every argument is measured before the
    first is written."""
    o = hash_type_lookup_write_or_create(c, c.argv[1])
    hash_type_try_conversion(c.server, o, c.argv[2:])
    argv = c.argv
    created = 0
    for i in range(2, len(argv), 2):
        created += not hash_type_set(c.server, o, argv[i], argv[i + 1])
    c.add_reply(resp.OK if hmset else resp.integer(created))
    signal_modified_key(c.db, c.argv[1])
    c.server.dirty += (len(argv) - 2) // 2
    notify_keyspace_event(c.server, NOTIFY_HASH, b"hset", c.argv[1], c.db.id)
# --8<-- [end:hset_command]


@command("hmset", -4, "write denyoom fast", acl="hash", group="hash",
         since="2.0.0", synopsis="key field value [field value ...]",
         keys=(1, 1, 1), complexity="O(N) where N is the number of fields",
         summary="Set fields of a hash (the old HSET: replies OK)")
def hmset_command(c) -> None:
    if len(c.argv) % 2:
        c.add_reply(arity_error("hmset"))
        return
    hash_set_pairs(c, hmset=True)


@command("hsetnx", 4, "write denyoom fast", acl="hash", group="hash",
         since="2.0.0", synopsis="key field value", keys=(1, 1, 1),
         summary="Set a field of a hash, only if it does not exist")
def hsetnx_command(c) -> None:
    """Mirrors hsetnxCommand(): a field that exists converts nothing."""
    o = hash_type_lookup_write_or_create(c, c.argv[1])
    if hash_type_exists(o, c.argv[2]):
        c.add_reply(resp.integer(0))
        return
    hash_type_try_conversion(c.server, o, c.argv[2:4])
    hash_type_set(c.server, o, c.argv[2], c.argv[3])
    c.add_reply(resp.integer(1))
    signal_modified_key(c.db, c.argv[1])
    c.server.dirty += 1
    notify_keyspace_event(c.server, NOTIFY_HASH, b"hset", c.argv[1], c.db.id)


@command("hget", 3, "readonly fast", acl="hash", group="hash",
         since="2.0.0", synopsis="key field", keys=(1, 1, 1),
         summary="Read a field of a hash")
def hget_command(c) -> None:
    o = lookup_key_read(c.db, c.argv[1], OBJ_HASH)
    value = None if o is None else hash_type_get_value(o, c.argv[2])
    c.add_reply(resp.null(c.resp) if value is None else resp.bulk(value))


@command("hmget", -3, "readonly fast", acl="hash", group="hash",
         since="2.0.0", synopsis="key field [field ...]", keys=(1, 1, 1),
         complexity="O(N) where N is the number of fields",
         summary="Read several fields of a hash")
def hmget_command(c) -> None:
    """Mirrors hmgetCommand(): a missing key is an empty hash."""
    o = lookup_key_read(c.db, c.argv[1], OBJ_HASH)
    null = resp.null(c.resp)
    values = ([None] * (len(c.argv) - 2) if o is None else
              [hash_type_get_value(o, field) for field in c.argv[2:]])
    c.add_reply(resp.array_len(len(values)) + b"".join(
        null if value is None else resp.bulk(value) for value in values))


@command("hdel", -3, "write fast", acl="hash", group="hash",
         since="2.0.0", synopsis="key field [field ...]", keys=(1, 1, 1),
         complexity="O(N) where N is the number of fields",
         summary="Delete fields of a hash; reply with how many existed")
def hdel_command(c) -> None:
    """Mirrors hdelCommand(): the key goes with the last field."""
    o = lookup_key_write(c.db, c.argv[1], OBJ_HASH)
    if o is None:
        c.add_reply(resp.integer(0))
        return
    deleted = 0
    keyremoved = False
    for field in c.argv[2:]:
        if hash_type_delete(o, field):
            deleted += 1
            if hash_type_length(o) == 0:
                db_delete(c.db, c.argv[1])
                keyremoved = True
                break
    if deleted:
        signal_modified_key(c.db, c.argv[1])
        c.server.dirty += deleted
        notify_keyspace_event(c.server, NOTIFY_HASH, b"hdel", c.argv[1],
                              c.db.id)
        if keyremoved:
            notify_keyspace_event(c.server, NOTIFY_GENERIC, b"del",
                                  c.argv[1], c.db.id)
    c.add_reply(resp.integer(deleted))


@command("hlen", 2, "readonly fast", acl="hash", group="hash",
         since="2.0.0", synopsis="key", keys=(1, 1, 1),
         summary="Count the fields of a hash")
def hlen_command(c) -> None:
    o = lookup_key_read(c.db, c.argv[1], OBJ_HASH)
    c.add_reply(resp.integer(0 if o is None else hash_type_length(o)))


@command("hstrlen", 3, "readonly fast", acl="hash", group="hash",
         since="3.2.0", synopsis="key field", keys=(1, 1, 1),
         summary="The length of a field's value (0 if missing)")
def hstrlen_command(c) -> None:
    """Mirrors hstrlenCommand(): an integer in a listpack counts its
    digits (and sign)."""
    o = lookup_key_read(c.db, c.argv[1], OBJ_HASH)
    value = None if o is None else hash_type_get_value(o, c.argv[2])
    c.add_reply(resp.integer(0 if value is None else len(value)))


@command("hexists", 3, "readonly fast", acl="hash", group="hash",
         since="2.0.0", synopsis="key field", keys=(1, 1, 1),
         summary="Whether a hash has a field")
def hexists_command(c) -> None:
    o = lookup_key_read(c.db, c.argv[1], OBJ_HASH)
    c.add_reply(resp.integer(o is not None
                             and hash_type_exists(o, c.argv[2])))


# --8<-- [start:generic_hgetall_command]
def generic_hgetall_command(c, flags: int) -> None:
    """HKEYS, HVALS and HGETALL. Mirrors genericHgetallCommand(): fields
    and values come in the hash's order (a listpack's: the order the
    fields were added). HGETALL replies with a map in RESP3, a flat
    array of field, value, field, value... in RESP2."""
    o = lookup_key_read(c.db, c.argv[1], OBJ_HASH)
    both = flags == OBJ_HASH_KEY | OBJ_HASH_VALUE
    if o is None:
        c.add_reply(resp.map_len(0, c.resp) if both else resp.EMPTY_ARRAY)
        return
    pairs = hash_type_pairs(o)
    if both:
        c.add_reply(resp.map_len(hash_type_length(o), c.resp) + b"".join(
            resp.bulk(field) + resp.bulk(value) for field, value in pairs))
    elif flags == OBJ_HASH_KEY:
        c.add_reply(resp.bulk_array([field for field, _ in pairs]))
    else:
        c.add_reply(resp.bulk_array([value for _, value in pairs]))
# --8<-- [end:generic_hgetall_command]


@command("hkeys", 2, "readonly", acl="hash", group="hash", since="2.0.0",
         synopsis="key", keys=(1, 1, 1),
         complexity="O(N) where N is the size of the hash",
         summary="List the fields of a hash")
def hkeys_command(c) -> None:
    generic_hgetall_command(c, OBJ_HASH_KEY)


@command("hvals", 2, "readonly", acl="hash", group="hash", since="2.0.0",
         synopsis="key", keys=(1, 1, 1),
         complexity="O(N) where N is the size of the hash",
         summary="List the values of a hash")
def hvals_command(c) -> None:
    generic_hgetall_command(c, OBJ_HASH_VALUE)


@command("hgetall", 2, "readonly", acl="hash", group="hash",
         since="2.0.0", synopsis="key", keys=(1, 1, 1),
         complexity="O(N) where N is the size of the hash",
         summary="Read every field and value of a hash")
def hgetall_command(c) -> None:
    generic_hgetall_command(c, OBJ_HASH_KEY | OBJ_HASH_VALUE)


@command("hincrby", 4, "write denyoom fast", acl="hash", group="hash",
         since="2.0.0", synopsis="key field increment", keys=(1, 1, 1),
         summary="Add an integer to the integer in a field of a hash")
def hincrby_command(c) -> None:
    """Mirrors hincrbyCommand(): INCRBY's rules, for a field."""
    incr = get_long_long(c.argv[3])
    o = hash_type_lookup_write_or_create(c, c.argv[1])
    old = hash_type_get_value(o, c.argv[2])
    value = 0 if old is None else resp.string2ll(old)
    if value is None:
        raise CommandError("hash value is not an integer")
    value += incr
    if not resp.LLONG_MIN <= value <= resp.LLONG_MAX:
        raise CommandError("increment or decrement would overflow")
    hash_type_set(c.server, o, c.argv[2], b"%d" % value)
    c.add_reply(resp.integer(value))
    signal_modified_key(c.db, c.argv[1])
    c.server.dirty += 1
    notify_keyspace_event(c.server, NOTIFY_HASH, b"hincrby", c.argv[1],
                          c.db.id)


@command("hincrbyfloat", 4, "write denyoom fast", acl="hash",
         group="hash", since="2.6.0", synopsis="key field increment",
         keys=(1, 1, 1), summary="Add a decimal number to the number in "
         "a field of a hash, in long double precision")
def hincrbyfloat_command(c) -> None:
    """Mirrors hincrbyfloatCommand(): INCRBYFLOAT's rules, for a field,
    except that an infinite increment is refused before anything else.
    A result longer than hash-max-listpack-value converts the hash."""
    incr = get_long_double(c.argv[3])
    if isinstance(incr, float):  # util.string2ld(): only inf is a float
        raise CommandError("value is NaN or Infinity")
    o = hash_type_lookup_write_or_create(c, c.argv[1])
    old = hash_type_get_value(o, c.argv[2])
    value = string2ld(b"0" if old is None else old)
    if value is None:
        raise CommandError("hash value is not a float")
    total = ld_add(value, incr)
    if total is None:
        raise CommandError("increment would produce NaN or Infinity")
    new = ld2string(total)
    hash_type_set(c.server, o, c.argv[2], new)
    c.add_reply(resp.bulk(new))
    signal_modified_key(c.db, c.argv[1])
    c.server.dirty += 1
    notify_keyspace_event(c.server, NOTIFY_HASH, b"hincrbyfloat", c.argv[1],
                          c.db.id)
    # The AOF gets the result, not the increment (INCRBYFLOAT's reason).
    rewrite_client_command_argument(c, 0, b"HSET")
    rewrite_client_command_argument(c, 3, new)


@command("hscan", -3, "readonly", acl="hash", group="hash",
         since="2.8.0", synopsis="key cursor [MATCH pattern] [COUNT count]",
         keys=(1, 1, 1), complexity="O(1) for every call, O(N) in all",
         summary="Iterate over the fields and values of a hash")
def hscan_command(c) -> None:
    """Mirrors hscanCommand(): the options are read only if the key
    exists. A listpack comes whole, in one reply."""
    cursor = parse_scan_cursor(c.argv[2])
    o = lookup_key_read(c.db, c.argv[1], OBJ_HASH)
    if o is None:
        c.add_reply(EMPTY_SCAN)
        return
    options = parse_scan_options(c.argv[3:], keyspace=False)
    if o.encoding == OBJ_ENCODING_LISTPACK:
        scan_compact(c, lp_entries(o.ptr, strings=True), options,
                     pairs=True)
        return
    h = o.ptr

    def field_and_value(field: bytes) -> tuple[bytes, ...]:
        value = h.get(field)
        return () if value is None else (field, value)
    scan_generic(c, cursor, h, options, field_and_value)


# --8<-- [start:hrandfield_command]
@command("hrandfield", -2, "readonly", acl="hash", group="hash",
         since="6.2.0", synopsis="key [count [WITHVALUES]]", keys=(1, 1, 1),
         complexity="O(N) where N is the number of fields returned",
         summary="Pick random fields of a hash: distinct ones for a "
                 "positive count, maybe repeated for a negative one")
def hrandfield_command(c) -> None:
    """Mirrors hrandfieldCommand()."""
    if len(c.argv) >= 3:
        count = get_range_long(c.argv[2], -resp.LLONG_MAX, resp.LLONG_MAX)
        if len(c.argv) > 4 or (len(c.argv) == 4
                               and c.argv[3].lower() != b"withvalues"):
            raise CommandError(SYNTAX_ERROR)
        withvalues = len(c.argv) == 4
        # C's LONG_MAX/2 truncates: the bound is the same both ways.
        if withvalues and abs(count) > resp.LLONG_MAX // 2:
            raise CommandError("value is out of range")
        hrandfield_with_count_command(c, count, withvalues)
        return
    o = lookup_key_read(c.db, c.argv[1], OBJ_HASH)
    c.add_reply(resp.null(c.resp) if o is None
                else resp.bulk(hash_type_random_element(o)))


def hrandfield_with_count_command(c, count: int, withvalues: bool) -> None:
    """Mirrors hrandfieldWithCountCommand() and its four cases. A
    negative count may repeat fields (1: random pairs); a count of at
    least the hash's size is the whole hash, in its order (2); a count
    close to it drops random fields from a copy (3); a small one picks
    distinct fields (4), in a listpack's order for a listpack. With
    values, RESP3 pairs each field with its value in an array."""
    o = lookup_key_read(c.db, c.argv[1], OBJ_HASH)
    if o is None or count == 0:
        c.add_reply(resp.EMPTY_ARRAY)
        return
    size = hash_type_length(o)
    pair_header = b"*2\r\n" if c.resp == 3 else b""

    def reply_for(pairs) -> bytes:
        if not withvalues:
            return b"".join(resp.bulk(lp_element_bytes(field))
                            for field, _ in pairs)
        return b"".join(pair_header + resp.bulk(lp_element_bytes(field))
                        + resp.bulk(lp_element_bytes(value))
                        for field, value in pairs)

    def reply_len(n: int) -> bytes:
        return resp.array_len(2 * n if withvalues and c.resp == 2 else n)

    if count < 0 or count == 1:  # CASE 1
        c.add_reply(reply_len(abs(count)))
        hrandfield_repeating_pairs(c, o, abs(count), reply_for)
        return
    c.add_reply(reply_len(min(count, size)))
    if count >= size:  # CASE 2
        c.add_reply(reply_for(hash_type_pairs(o)))
    elif count * HRANDFIELD_SUB_STRATEGY_MUL > size:  # CASE 3
        c.add_reply(reply_for(random.sample(list(hash_type_pairs(o)),
                                            count)))
    elif o.encoding == OBJ_ENCODING_LISTPACK:  # CASE 4
        c.add_reply(reply_for(lp_random_pairs_unique(o.ptr, count)))
    else:
        h = o.ptr
        c.add_reply(reply_for((field, h[field])
                              for field in random.sample(list(h), count)))
# --8<-- [end:hrandfield_command]


def hrandfield_repeating_pairs(c, o: RedisObject, count: int,
                               reply_for) -> None:
    """Reply with `count` random (field, value) pairs, repeats allowed:
    HRANDFIELD's CASE 1. A listpack draws them with lpRandomPairs(), in
    batches of HRANDFIELD_RANDOM_SAMPLE_LIMIT; either way the reply stops
    when the client is dropped for the size of its replies."""
    if o.encoding == OBJ_ENCODING_HT:
        h = o.ptr
        add_reply_random_picks(c, list(h), count, lambda fields: reply_for(
            (field, h[field]) for field in fields))
        return
    while count and not c.flags & CLIENT_CLOSE_ASAP:
        batch = min(count, HRANDFIELD_RANDOM_SAMPLE_LIMIT)
        c.add_reply(reply_for(lp_random_pairs(o.ptr, batch)))
        count -= batch
