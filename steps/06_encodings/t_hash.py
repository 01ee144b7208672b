"""t_hash.py: hashes. Redis: src/t_hash.c.

A hash maps fields to values, both binary strings: an object with named
attributes in one key. HINCRBY and HINCRBYFLOAT read a field as a number
with the same rules as INCRBY and INCRBYFLOAT. A hash that loses its
last field is deleted.

Steps:
  04_datatypes  the hash commands
  06_encodings  hash objects (OBJ_HASH)

Simplified: Redis keeps a small hash (up to 512 fields of up to 64
bytes) in a listpack, one packed array, and converts it to a hash table
when it grows; here every hash is a Python dict.
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
    scan_generic,
)
from object import OBJ_HASH, RedisObject, create_hash_object
from util import ld2string, ld_add, string2ld


def hash_type_lookup_write_or_create(c, key: bytes) -> dict:
    """The fields of the hash at `key`, created empty if missing.

    Mirrors hashTypeLookupWriteOrCreate(): callers check their arguments
    first and cannot fail afterwards, so no empty hash is left behind.
    """
    o = lookup_key_write(c.db, key, OBJ_HASH)
    if o is None:
        o = create_hash_object()
        db_add(c.db, key, o)
    return o.ptr


def hash_type_dup(o: RedisObject) -> RedisObject:
    """A copy of a hash (COPY). Mirrors hashTypeDup(): fields and values
    are bytes, which never change, so the copy can share them."""
    new = create_hash_object()
    new.ptr.update(o.ptr)
    return new


DUP_FUNCTIONS[OBJ_HASH] = hash_type_dup


def hash_fields(c, key: bytes) -> dict:
    """The fields of the hash at `key` to read, empty if it is missing."""
    o = lookup_key_read(c.db, key, OBJ_HASH)
    return {} if o is None else o.ptr


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
    c.add_reply(resp.integer(hash_set_pairs(c)))


def hash_set_pairs(c) -> int:
    """Set the field-value pairs of argv[2:]; return how many are new."""
    h = hash_type_lookup_write_or_create(c, c.argv[1])
    before = len(h)
    h.update(zip(c.argv[2::2], c.argv[3::2]))
    return len(h) - before
# --8<-- [end:hset_command]


@command("hmset", -4, "write denyoom fast", acl="hash", group="hash",
         since="2.0.0", synopsis="key field value [field value ...]",
         keys=(1, 1, 1), complexity="O(N) where N is the number of fields",
         summary="Set fields of a hash (the old HSET: replies OK)")
def hmset_command(c) -> None:
    if len(c.argv) % 2:
        c.add_reply(arity_error("hmset"))
        return
    hash_set_pairs(c)
    c.add_reply(resp.OK)


@command("hsetnx", 4, "write denyoom fast", acl="hash", group="hash",
         since="2.0.0", synopsis="key field value", keys=(1, 1, 1),
         summary="Set a field of a hash, only if it does not exist")
def hsetnx_command(c) -> None:
    h = hash_type_lookup_write_or_create(c, c.argv[1])
    if c.argv[2] in h:
        c.add_reply(resp.integer(0))
        return
    h[c.argv[2]] = c.argv[3]
    c.add_reply(resp.integer(1))


@command("hget", 3, "readonly fast", acl="hash", group="hash",
         since="2.0.0", synopsis="key field", keys=(1, 1, 1),
         summary="Read a field of a hash")
def hget_command(c) -> None:
    value = hash_fields(c, c.argv[1]).get(c.argv[2])
    c.add_reply(resp.null(c.resp) if value is None else resp.bulk(value))


@command("hmget", -3, "readonly fast", acl="hash", group="hash",
         since="2.0.0", synopsis="key field [field ...]", keys=(1, 1, 1),
         complexity="O(N) where N is the number of fields",
         summary="Read several fields of a hash")
def hmget_command(c) -> None:
    """Mirrors hmgetCommand(): a missing key is an empty hash."""
    h = hash_fields(c, c.argv[1])
    null = resp.null(c.resp)
    c.add_reply(resp.array_len(len(c.argv) - 2) + b"".join(
        null if (value := h.get(field)) is None else resp.bulk(value)
        for field in c.argv[2:]))


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
    h = o.ptr
    deleted = sum(h.pop(field, None) is not None for field in c.argv[2:])
    if not h:
        db_delete(c.db, c.argv[1])
    c.add_reply(resp.integer(deleted))


@command("hlen", 2, "readonly fast", acl="hash", group="hash",
         since="2.0.0", synopsis="key", keys=(1, 1, 1),
         summary="Count the fields of a hash")
def hlen_command(c) -> None:
    c.add_reply(resp.integer(len(hash_fields(c, c.argv[1]))))


@command("hstrlen", 3, "readonly fast", acl="hash", group="hash",
         since="3.2.0", synopsis="key field", keys=(1, 1, 1),
         summary="The length of a field's value (0 if missing)")
def hstrlen_command(c) -> None:
    h = hash_fields(c, c.argv[1])
    c.add_reply(resp.integer(len(h.get(c.argv[2], b""))))


@command("hexists", 3, "readonly fast", acl="hash", group="hash",
         since="2.0.0", synopsis="key field", keys=(1, 1, 1),
         summary="Whether a hash has a field")
def hexists_command(c) -> None:
    h = hash_fields(c, c.argv[1])
    c.add_reply(resp.integer(c.argv[2] in h))


@command("hkeys", 2, "readonly", acl="hash", group="hash", since="2.0.0",
         synopsis="key", keys=(1, 1, 1),
         complexity="O(N) where N is the size of the hash",
         summary="List the fields of a hash")
def hkeys_command(c) -> None:
    h = hash_fields(c, c.argv[1])
    c.add_reply(resp.bulk_array(list(h)))


@command("hvals", 2, "readonly", acl="hash", group="hash", since="2.0.0",
         synopsis="key", keys=(1, 1, 1),
         complexity="O(N) where N is the size of the hash",
         summary="List the values of a hash")
def hvals_command(c) -> None:
    h = hash_fields(c, c.argv[1])
    c.add_reply(resp.bulk_array(list(h.values())))


@command("hgetall", 2, "readonly", acl="hash", group="hash",
         since="2.0.0", synopsis="key", keys=(1, 1, 1),
         complexity="O(N) where N is the size of the hash",
         summary="Read every field and value of a hash")
def hgetall_command(c) -> None:
    """Mirrors genericHgetallCommand(): a map in RESP3, a flat array of
    field, value, field, value... in RESP2."""
    h = hash_fields(c, c.argv[1])
    c.add_reply(resp.map_len(len(h), c.resp) + b"".join(
        resp.bulk(field) + resp.bulk(value) for field, value in h.items()))


@command("hincrby", 4, "write denyoom fast", acl="hash", group="hash",
         since="2.0.0", synopsis="key field increment", keys=(1, 1, 1),
         summary="Add an integer to the integer in a field of a hash")
def hincrby_command(c) -> None:
    """Mirrors hincrbyCommand(): INCRBY's rules, for a field."""
    incr = get_long_long(c.argv[3])
    h = hash_type_lookup_write_or_create(c, c.argv[1])
    old = h.get(c.argv[2])
    value = 0 if old is None else resp.string2ll(old)
    if value is None:
        raise CommandError("hash value is not an integer")
    value += incr
    if not resp.LLONG_MIN <= value <= resp.LLONG_MAX:
        raise CommandError("increment or decrement would overflow")
    h[c.argv[2]] = b"%d" % value
    c.add_reply(resp.integer(value))


@command("hincrbyfloat", 4, "write denyoom fast", acl="hash",
         group="hash", since="2.6.0", synopsis="key field increment",
         keys=(1, 1, 1), summary="Add a decimal number to the number in "
         "a field of a hash, in long double precision")
def hincrbyfloat_command(c) -> None:
    """Mirrors hincrbyfloatCommand(): INCRBYFLOAT's rules, for a field,
    except that an infinite increment is refused before anything else."""
    incr = get_long_double(c.argv[3])
    if isinstance(incr, float):  # util.string2ld(): only inf is a float
        raise CommandError("value is NaN or Infinity")
    h = hash_type_lookup_write_or_create(c, c.argv[1])
    old = h.get(c.argv[2], b"0")
    value = string2ld(old)
    if value is None:
        raise CommandError("hash value is not a float")
    total = ld_add(value, incr)
    if total is None:
        raise CommandError("increment would produce NaN or Infinity")
    h[c.argv[2]] = ld2string(total)
    c.add_reply(resp.bulk(h[c.argv[2]]))


@command("hscan", -3, "readonly", acl="hash", group="hash",
         since="2.8.0", synopsis="key cursor [MATCH pattern] [COUNT count]",
         keys=(1, 1, 1), complexity="O(1) for every call, O(N) in all",
         summary="Iterate over the fields and values of a hash")
def hscan_command(c) -> None:
    """Mirrors hscanCommand(): the options are read only if the key
    exists."""
    cursor = parse_scan_cursor(c.argv[2])
    o = lookup_key_read(c.db, c.argv[1], OBJ_HASH)
    if o is None:
        c.add_reply(EMPTY_SCAN)
        return
    h = o.ptr
    options = parse_scan_options(c.argv[3:], keyspace=False)

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
                else resp.bulk(random_element(o.ptr)))


def hrandfield_with_count_command(c, count: int, withvalues: bool) -> None:
    """Mirrors hrandfieldWithCountCommand(). A negative count may repeat
    fields; a positive one gives distinct fields, all of them at most.
    With values, RESP3 pairs each field with its value in an array."""
    o = lookup_key_read(c.db, c.argv[1], OBJ_HASH)
    if o is None or count == 0:
        c.add_reply(resp.EMPTY_ARRAY)
        return
    h = o.ptr

    def reply_for(fields: list[bytes]) -> bytes:
        if not withvalues:
            return b"".join(map(resp.bulk, fields))
        pair = b"*2\r\n" if c.resp == 3 else b""
        return b"".join(pair + resp.bulk(field) + resp.bulk(h[field])
                        for field in fields)

    size = min(count, len(h)) if count > 0 else -count
    c.add_reply(resp.array_len(2 * size if withvalues and c.resp == 2
                               else size))
    if count > 0:
        c.add_reply(reply_for(random.sample(list(h), size)))
    else:
        add_reply_random_picks(c, list(h), size, reply_for)
# --8<-- [end:hrandfield_command]
