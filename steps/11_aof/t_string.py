"""t_string.py: strings. Redis: src/t_string.c.

A string value is a run of bytes, binary-safe, up to proto-max-bulk-len
(512 MB). The same bytes can be a number: INCR and friends read them as a
signed 64-bit integer (strictly: "007" and " 7" are not integers) and
INCRBYFLOAT as a C long double, then store the result back as text.
LCS compares two strings: their longest common subsequence.

Steps:
  04_datatypes  the string commands
  05_expiry     SET's options (EX PX EXAT PXAT KEEPTTL NX XX GET), SETEX,
                PSETEX, GETEX
  06_encodings  string objects: SET and friends store the most compact
                encoding (int, embstr, raw); APPEND and SETRANGE make a
                string raw; INCR and DECR store an int
  09_pubsub     keyspace events: set, expire, setrange, append, incrby...
  11_aof        what the AOF gets: SET ... PXAT <ms> for every relative
                or absolute expire, SET without GET, GETEX as PEXPIREAT,
                PERSIST or DEL, GETDEL as DEL, GETSET and INCRBYFLOAT as
                SET (the float's final text, KEEPTTL)
"""

from array import array

import resp
from commands import (
    NOT_AN_INTEGER,
    SYNTAX_ERROR,
    CommandError,
    arity_error,
    command,
    get_long_double,
    get_long_long,
)
from db import (
    db_add,
    db_delete,
    db_overwrite,
    lookup_key_read,
    lookup_key_write,
    remove_expire,
    set_expire,
    set_key,
    signal_modified_key,
)
from expire import check_already_expired, expire_time_error, mstime
from networking import (
    replace_client_command_vector,
    rewrite_client_command_argument,
    rewrite_client_command_vector,
)
from notify import NOTIFY_GENERIC, NOTIFY_STRING, notify_keyspace_event
from object import (
    OBJ_ENCODING_INT,
    OBJ_SHARED_INTEGERS,
    OBJ_STRING,
    RedisObject,
    create_raw_string_object,
    create_string_object,
    create_string_object_from_long_long_for_value,
    db_unshare_string_value,
    get_long_long_from_object,
    is_shared,
    string_bytes,
    string_object_len,
    try_object_encoding,
)
from util import ld2string, ld_add

EMPTY_BULK = b"$0\r\n\r\n"


def check_string_length(c, size: int, append: int) -> None:
    """Refuse a string that would grow past proto-max-bulk-len.

    Mirrors checkStringLength(): no reply could ever carry a bigger one.
    """
    if size + append > c.server.proto_max_bulk_len:
        raise CommandError("string exceeds maximum allowed size "
                           "(proto-max-bulk-len)")


# SET's and GETEX's options, as bits. Mirrors the OBJ_* flags of t_string.c.
OBJ_SET_NX = 1 << 0  # only if the key does not exist
OBJ_SET_XX = 1 << 1  # only if it does
OBJ_EX = 1 << 2  # expire in seconds
OBJ_PX = 1 << 3  # expire in milliseconds
OBJ_KEEPTTL = 1 << 4  # keep the time to live the key had
OBJ_SET_GET = 1 << 5  # reply with the old value
OBJ_EXAT = 1 << 6  # expire at a Unix time in seconds
OBJ_PXAT = 1 << 7  # expire at a Unix time in milliseconds
OBJ_PERSIST = 1 << 8  # (GETEX) remove the time to live
OBJ_EXPIRE = OBJ_EX | OBJ_PX | OBJ_EXAT | OBJ_PXAT
EXPIRE_OPTIONS = {b"ex": OBJ_EX, b"px": OBJ_PX, b"exat": OBJ_EXAT,
                  b"pxat": OBJ_PXAT}


# --8<-- [start:parse_extended_string_arguments]
def parse_extended_string_arguments(argv: list[bytes], for_set: bool
                                    ) -> tuple[int, bytes | None]:
    """Read SET's options (from argv[3]) or GETEX's (from argv[2]).

    Mirrors parseExtendedStringArgumentsOrReply(): returns the OBJ_* flags
    and the expire argument. An option that conflicts with one already
    read (NX after XX, PX after EX, KEEPTTL with any expire...), or an
    expire option with nothing after it, is a syntax error. The same
    option twice is fine: the last value wins.
    """
    flags, expire = 0, None
    j = 3 if for_set else 2
    while j < len(argv):
        option = argv[j].lower()
        if for_set and option == b"nx" and not flags & OBJ_SET_XX:
            flags |= OBJ_SET_NX
        elif for_set and option == b"xx" and not flags & OBJ_SET_NX:
            flags |= OBJ_SET_XX
        elif for_set and option == b"get":
            flags |= OBJ_SET_GET
        elif (for_set and option == b"keepttl"
              and not flags & (OBJ_PERSIST | OBJ_EXPIRE)):
            flags |= OBJ_KEEPTTL
        elif (not for_set and option == b"persist"
              and not flags & (OBJ_EXPIRE | OBJ_KEEPTTL)):
            flags |= OBJ_PERSIST
        elif option in EXPIRE_OPTIONS and j + 1 < len(argv) and not flags & (
                OBJ_KEEPTTL | OBJ_PERSIST
                | OBJ_EXPIRE & ~EXPIRE_OPTIONS[option]):
            flags |= EXPIRE_OPTIONS[option]
            expire = argv[j + 1]
            j += 1
        else:
            raise CommandError(SYNTAX_ERROR)
        j += 1
    return flags, expire
# --8<-- [end:parse_extended_string_arguments]


# --8<-- [start:get_expire_milliseconds]
def get_expire_milliseconds(c, expire: bytes, flags: int) -> int:
    """When the key must die, in Unix ms. Mirrors
    getExpireMillisecondsOrReply(): the number must be positive, and
    EX/PX count from now, EXAT/PXAT from the Unix epoch."""
    when = get_long_long(expire)
    seconds = flags & (OBJ_EX | OBJ_EXAT)
    if when <= 0 or (seconds and when > resp.LLONG_MAX // 1000):
        raise CommandError(expire_time_error(c))
    if seconds:
        when *= 1000
    if flags & (OBJ_EX | OBJ_PX):
        when += mstime()
    if when > resp.LLONG_MAX:  # Redis detects the overflow of a C long long
        raise CommandError(expire_time_error(c))
    return when
# --8<-- [end:get_expire_milliseconds]


# --8<-- [start:set_generic_command]
def set_generic_command(c, flags: int, key: bytes, value: bytes,
                        expire: bytes | None = None,
                        ok_reply: bytes = resp.OK,
                        abort_reply: bytes | None = None) -> None:
    """Store a string, if NX or XX allow it. Mirrors setGenericCommand(),
    shared by SET, SETNX, SETEX and PSETEX.

    The order of the checks is Redis's: a bad expire time first, then GET
    (WRONGTYPE here sets nothing), then NX/XX. A new value starts with no
    TTL (set_key), unless KEEPTTL; an expire option then sets one. The
    value is stored in its most compact encoding (try_object_encoding).

    What the AOF gets is rewritten (propagate_set()).
    """
    when = None
    if expire is not None:
        when = get_expire_milliseconds(c, expire, flags)
    if flags & OBJ_SET_GET:
        get_generic_command(c)
    found = lookup_key_write(c.db, key) is not None
    if (flags & OBJ_SET_NX and found) or (flags & OBJ_SET_XX and not found):
        if not flags & OBJ_SET_GET:
            c.add_reply(abort_reply or resp.null(c.resp))
        return
    set_key(c.db, key, try_object_encoding(create_string_object(value)),
            keep_ttl=bool(flags & OBJ_KEEPTTL))
    c.server.dirty += 1
    notify_keyspace_event(c.server, NOTIFY_STRING, b"set", key, c.db.id)
    if when is not None:
        set_expire(c.db, key, when)
        notify_keyspace_event(c.server, NOTIFY_GENERIC, b"expire", key,
                              c.db.id)
    if not flags & OBJ_SET_GET:
        c.add_reply(ok_reply)
    propagate_set(c, flags, key, value, when)
# --8<-- [end:set_generic_command]


# --8<-- [start:propagate_set]
def propagate_set(c, flags: int, key: bytes, value: bytes,
                  when: int | None) -> None:
    """Rewrite the argv of SET, SETEX or PSETEX for the AOF: the end of
    setGenericCommand().

    An expire becomes SET key value PXAT <ms>, the absolute time it
    computed: EX 10 read from the file an hour later would mean another
    moment. (NX, XX and GET go too: they were decided already.) GET
    alone is dropped, as the file has no one to reply to.
    """
    if when is not None:
        rewrite_client_command_vector(c, b"SET", key, value, b"PXAT",
                                      b"%d" % when)
    elif flags & OBJ_SET_GET:
        replace_client_command_vector(c, [
            arg for j, arg in enumerate(c.argv)
            if j < 3 or arg.lower() != b"get"])
# --8<-- [end:propagate_set]


@command("set", -3, "write denyoom", acl="string", group="string",
         since="1.0.0", keys=(1, 1, 1),
         synopsis="key value [NX | XX] [GET] [EX seconds | PX milliseconds "
                  "| EXAT unix-time-seconds | PXAT unix-time-milliseconds "
                  "| KEEPTTL]",
         summary="Store a string at a key, replacing any value")
def set_command(c) -> None:
    """Mirrors setCommand()."""
    flags, expire = parse_extended_string_arguments(c.argv, for_set=True)
    set_generic_command(c, flags, c.argv[1], c.argv[2], expire)


@command("setnx", 3, "write denyoom fast", acl="string", group="string",
         since="1.0.0", synopsis="key value", keys=(1, 1, 1),
         summary="Store a string, only if the key does not exist")
def setnx_command(c) -> None:
    set_generic_command(c, OBJ_SET_NX, c.argv[1], c.argv[2],
                        ok_reply=resp.integer(1),
                        abort_reply=resp.integer(0))


@command("setex", 4, "write denyoom", acl="string", group="string",
         since="2.0.0", synopsis="key seconds value", keys=(1, 1, 1),
         summary="Store a string with a time to live in seconds")
def setex_command(c) -> None:
    set_generic_command(c, OBJ_EX, c.argv[1], c.argv[3], c.argv[2])


@command("psetex", 4, "write denyoom", acl="string", group="string",
         since="2.6.0", synopsis="key milliseconds value", keys=(1, 1, 1),
         summary="Store a string with a time to live in milliseconds")
def psetex_command(c) -> None:
    set_generic_command(c, OBJ_PX, c.argv[1], c.argv[3], c.argv[2])


def get_generic_command(c) -> RedisObject | None:
    """Reply with the string at argv[1] (null if missing); return it.

    Mirrors getGenericCommand(): another type is WRONGTYPE.
    """
    o = lookup_key_read(c.db, c.argv[1], OBJ_STRING)
    c.add_reply(resp.null(c.resp) if o is None
                else resp.bulk(string_bytes(o)))
    return o


@command("get", 2, "readonly fast", acl="string", group="string",
         since="1.0.0", synopsis="key", keys=(1, 1, 1),
         summary="Read the string at a key")
def get_command(c) -> None:
    get_generic_command(c)


# --8<-- [start:getex_command]
@command("getex", -2, "write fast", acl="string", group="string",
         since="6.2.0", keys=(1, 1, 1),
         synopsis="key [EX seconds | PX milliseconds | EXAT unix-time-seconds"
                  " | PXAT unix-time-milliseconds | PERSIST]",
         summary="Read the string at a key, and set or remove its TTL")
def getex_command(c) -> None:
    """Mirrors getexCommand(): with no option it is GET; an EXAT/PXAT
    already in the past deletes the key, after its value is sent."""
    flags, expire = parse_extended_string_arguments(c.argv, for_set=False)
    key = c.argv[1]
    value = lookup_key_read(c.db, key, OBJ_STRING)
    if value is None:
        c.add_reply(resp.null(c.resp))
        return
    when = None
    if expire is not None:
        when = get_expire_milliseconds(c, expire, flags)
    c.add_reply(resp.bulk(string_bytes(value)))
    # GETEX is never written as it came: as the DEL, PEXPIREAT <ms> or
    # PERSIST it amounts to.
    if (flags & (OBJ_EXAT | OBJ_PXAT)
            and check_already_expired(c.server, when)):
        db_delete(c.db, key)
        rewrite_client_command_vector(c, b"DEL", key)
        event = b"del"
    elif when is not None:
        set_expire(c.db, key, when)
        rewrite_client_command_vector(c, b"PEXPIREAT", key, b"%d" % when)
        event = b"expire"
    elif flags & OBJ_PERSIST and remove_expire(c.db, key):
        rewrite_client_command_vector(c, b"PERSIST", key)
        event = b"persist"
    else:
        return  # nothing changed
    signal_modified_key(c.db, key)
    c.server.dirty += 1
    notify_keyspace_event(c.server, NOTIFY_GENERIC, event, key, c.db.id)
# --8<-- [end:getex_command]


@command("getdel", 2, "write fast", acl="string", group="string",
         since="6.2.0", synopsis="key", keys=(1, 1, 1),
         summary="Read the string at a key, then delete the key")
def getdel_command(c) -> None:
    if get_generic_command(c) is not None:
        db_delete(c.db, c.argv[1])
        rewrite_client_command_vector(c, b"DEL", c.argv[1])
        signal_modified_key(c.db, c.argv[1])
        c.server.dirty += 1
        notify_keyspace_event(c.server, NOTIFY_GENERIC, b"del", c.argv[1],
                              c.db.id)


@command("getset", 3, "write denyoom fast", acl="string", group="string",
         since="1.0.0", synopsis="key value", keys=(1, 1, 1),
         summary="Store a string at a key and reply with the old one")
def getset_command(c) -> None:
    """Mirrors getsetCommand(): the old value must be a string too."""
    get_generic_command(c)
    set_key(c.db, c.argv[1], try_object_encoding(create_string_object(
        c.argv[2])))
    c.server.dirty += 1
    notify_keyspace_event(c.server, NOTIFY_STRING, b"set", c.argv[1],
                          c.db.id)
    rewrite_client_command_argument(c, 0, b"SET")  # the AOF gets SET


@command("mget", -2, "readonly fast", acl="string", group="string",
         since="1.0.0", synopsis="key [key ...]", keys=(1, -1, 1),
         complexity="O(N) where N is the number of keys",
         summary="Read the strings at several keys")
def mget_command(c) -> None:
    """Mirrors mgetCommand(): a missing key, or one that holds another
    type, reads as null (never WRONGTYPE).

    Simplified: Redis sends the array's length first and publishes each
    keymiss as it reads that key, so a RESP3 client that follows its own
    keys gets those pushes inside this reply; here they all come first.
    """
    replies = [resp.array_len(len(c.argv) - 1)]
    for key in c.argv[1:]:
        o = lookup_key_read(c.db, key)
        replies.append(resp.bulk(string_bytes(o))
                       if o is not None and o.type == OBJ_STRING
                       else resp.null(c.resp))
    c.add_reply(b"".join(replies))


@command("mset", -3, "write denyoom", acl="string", group="string",
         since="1.0.1", synopsis="key value [key value ...]",
         keys=(1, -1, 2), complexity="O(N) where N is the number of keys",
         summary="Store strings at several keys")
def mset_command(c) -> None:
    mset_generic_command(c, nx=False)


@command("msetnx", -3, "write denyoom", acl="string", group="string",
         since="1.0.1", synopsis="key value [key value ...]",
         keys=(1, -1, 2), complexity="O(N) where N is the number of keys",
         summary="Store strings at several keys, only if none exists")
def msetnx_command(c) -> None:
    mset_generic_command(c, nx=True)


def mset_generic_command(c, nx: bool) -> None:
    """Mirrors msetGenericCommand(): with nx, all the keys or none."""
    if len(c.argv) % 2 == 0:
        c.add_reply(arity_error("msetnx" if nx else "mset"))
        return
    pairs = list(zip(c.argv[1::2], c.argv[2::2]))
    if nx and any(lookup_key_write(c.db, key) is not None
                  for key, _ in pairs):
        c.add_reply(resp.integer(0))
        return
    for key, value in pairs:
        set_key(c.db, key, try_object_encoding(create_string_object(value)))
        c.server.dirty += 1
        notify_keyspace_event(c.server, NOTIFY_STRING, b"set", key, c.db.id)
    c.add_reply(resp.integer(1) if nx else resp.OK)


@command("append", 3, "write denyoom fast", acl="string", group="string",
         since="2.0.0", synopsis="key value", keys=(1, 1, 1),
         summary="Add bytes at the end of a string; reply with its length")
def append_command(c) -> None:
    """Mirrors appendCommand(): a new key is stored as SET would store
    it; an existing string becomes RAW, the key's own, and grows.

    Simplified: bytes cannot grow in place, so each APPEND copies the
    string; Redis's sds keeps spare room at its end and appends in
    amortised O(1).
    """
    key, tail = c.argv[1], c.argv[2]
    o = lookup_key_write(c.db, key, OBJ_STRING)
    if o is None:
        o = try_object_encoding(create_string_object(tail))
        db_add(c.db, key, o)
    else:
        check_string_length(c, string_object_len(o), len(tail))
        o = db_unshare_string_value(c.db, key, o)
        o.ptr += tail
    signal_modified_key(c.db, key)
    c.server.dirty += 1
    notify_keyspace_event(c.server, NOTIFY_STRING, b"append", key, c.db.id)
    c.add_reply(resp.integer(string_object_len(o)))


@command("strlen", 2, "readonly fast", acl="string", group="string",
         since="2.2.0", synopsis="key", keys=(1, 1, 1),
         summary="The length of the string at a key (0 if missing)")
def strlen_command(c) -> None:
    o = lookup_key_read(c.db, c.argv[1], OBJ_STRING)
    c.add_reply(resp.integer(0 if o is None else string_object_len(o)))


@command("getrange", 4, "readonly", acl="string", group="string",
         since="2.4.0", synopsis="key start end", keys=(1, 1, 1),
         complexity="O(N) where N is the length of the part returned",
         summary="Read part of a string, by byte offsets (may be negative)")
def getrange_command(c) -> None:
    """Mirrors getrangeCommand(): both ends inclusive, clamped to the
    string; negative offsets count from its end."""
    start = get_long_long(c.argv[2])
    end = get_long_long(c.argv[3])
    o = lookup_key_read(c.db, c.argv[1], OBJ_STRING)
    if o is None or (start < 0 and end < 0 and start > end):
        c.add_reply(EMPTY_BULK)
        return
    value = string_bytes(o)
    length = len(value)
    if start < 0:
        start = max(length + start, 0)
    if end < 0:
        end = max(length + end, 0)
    end = min(end, length - 1)
    if start > end or length == 0:
        c.add_reply(EMPTY_BULK)
    else:
        c.add_reply(resp.bulk(value[start:end + 1]))


@command("setrange", 4, "write denyoom", acl="string", group="string",
         since="2.2.0", synopsis="key offset value", keys=(1, 1, 1),
         complexity="O(M) where M is the length of the value written",
         summary="Overwrite part of a string at an offset, padding with "
                 "zero bytes; reply with the new length")
def setrange_command(c) -> None:
    """Mirrors setrangeCommand(): the string it writes to is RAW, a new
    one or the key's own (db_unshare_string_value()).

    Simplified: the string is copied, as in APPEND; Redis writes in place.
    """
    key, patch = c.argv[1], c.argv[3]
    offset = get_long_long(c.argv[2])
    if offset < 0:
        raise CommandError("offset is out of range")
    o = lookup_key_write(c.db, key, OBJ_STRING)
    if not patch:  # writing nothing changes nothing, creates nothing
        c.add_reply(resp.integer(0 if o is None else string_object_len(o)))
        return
    check_string_length(c, offset, len(patch))
    if o is None:
        o = create_raw_string_object(b"")
        db_add(c.db, key, o)
    else:
        o = db_unshare_string_value(c.db, key, o)
    padded = o.ptr.ljust(offset, b"\0")
    o.ptr = padded[:offset] + patch + padded[offset + len(patch):]
    signal_modified_key(c.db, key)
    c.server.dirty += 1
    notify_keyspace_event(c.server, NOTIFY_STRING, b"setrange", key,
                          c.db.id)
    c.add_reply(resp.integer(len(o.ptr)))


# --8<-- [start:incr_decr_command]
def incr_decr_command(c, incr: int) -> None:
    """Add `incr` to the integer at argv[1]. Mirrors incrDecrCommand().

    A missing key counts as 0. The value must be a string that
    string2ll() reads, and the result must fit a signed 64-bit integer.
    The key keeps its time to live: db_overwrite(), not set_key(). An
    INT object of the key's own takes a result outside the shared range
    in place; any other result is a new INT object, maybe shared.
    """
    # BEGIN EXERCISE 04-incr-decr
    key = c.argv[1]
    o = lookup_key_write(c.db, key, OBJ_STRING)
    value = get_long_long_from_object(o)
    if value is None:
        raise CommandError(NOT_AN_INTEGER)
    value += incr
    if not resp.LLONG_MIN <= value <= resp.LLONG_MAX:
        raise CommandError("increment or decrement would overflow")
    if (o is not None and o.encoding == OBJ_ENCODING_INT and not is_shared(o)
            and not 0 <= value < OBJ_SHARED_INTEGERS):
        o.ptr = value
    elif o is None:
        db_add(c.db, key, create_string_object_from_long_long_for_value(
            value))
    else:
        db_overwrite(c.db, key,
                     create_string_object_from_long_long_for_value(value))
    signal_modified_key(c.db, key)
    c.server.dirty += 1
    notify_keyspace_event(c.server, NOTIFY_STRING, b"incrby", key, c.db.id)
    c.add_reply(resp.integer(value))
    # END EXERCISE 04-incr-decr
# --8<-- [end:incr_decr_command]


@command("incr", 2, "write denyoom fast", acl="string", group="string",
         since="1.0.0", synopsis="key", keys=(1, 1, 1),
         summary="Add 1 to the integer at a key")
def incr_command(c) -> None:
    incr_decr_command(c, 1)


@command("decr", 2, "write denyoom fast", acl="string", group="string",
         since="1.0.0", synopsis="key", keys=(1, 1, 1),
         summary="Subtract 1 from the integer at a key")
def decr_command(c) -> None:
    incr_decr_command(c, -1)


@command("incrby", 3, "write denyoom fast", acl="string", group="string",
         since="1.0.0", synopsis="key increment", keys=(1, 1, 1),
         summary="Add an integer to the integer at a key")
def incrby_command(c) -> None:
    incr_decr_command(c, get_long_long(c.argv[2]))


@command("decrby", 3, "write denyoom fast", acl="string", group="string",
         since="1.0.0", synopsis="key decrement", keys=(1, 1, 1),
         summary="Subtract an integer from the integer at a key")
def decrby_command(c) -> None:
    decrement = get_long_long(c.argv[2])
    if decrement == resp.LLONG_MIN:  # its negation does not fit
        raise CommandError("decrement would overflow")
    incr_decr_command(c, -decrement)


# --8<-- [start:incrbyfloat_command]
@command("incrbyfloat", 3, "write denyoom fast", acl="string",
         group="string", since="2.6.0", synopsis="key increment",
         keys=(1, 1, 1), summary="Add a decimal number to the number at a "
         "key, in long double precision")
def incrbyfloat_command(c) -> None:
    """Mirrors incrbyfloatCommand(): read both numbers as long doubles,
    add, and store the sum as text, in ld2string()'s human form: an
    EMBSTR or RAW string (createStringObjectFromLongDouble()), never an
    INT, even when the sum is a whole number."""
    key = c.argv[1]
    old = lookup_key_write(c.db, key, OBJ_STRING)
    value = get_long_double(b"0" if old is None else string_bytes(old))
    total = ld_add(value, get_long_double(c.argv[2]))
    if total is None:
        raise CommandError("increment would produce NaN or Infinity")
    new = ld2string(total)
    if old is None:
        db_add(c.db, key, create_string_object(new))
    else:
        db_overwrite(c.db, key, create_string_object(new))
    signal_modified_key(c.db, key)
    c.server.dirty += 1
    notify_keyspace_event(c.server, NOTIFY_STRING, b"incrbyfloat", key,
                          c.db.id)
    c.add_reply(resp.bulk(new))
    # The AOF gets the sum as text, not the increment: adding again when
    # the file is loaded could round differently.
    rewrite_client_command_vector(c, b"SET", key, new, b"KEEPTTL")
# --8<-- [end:incrbyfloat_command]


# LCS: the longest common subsequence of two strings, the bytes both
# hold in the same order, not necessarily side by side ("mytext" for
# "ohmytext" and "mynewtext").

LCS_NOT_STRINGS = "The specified keys must contain string values"
LCS_LEN_AND_IDX = ("If you want both the length and indexes, please just "
                   "use IDX.")
LCS_TOO_BIG = ("Insufficient memory, transient memory for LCS exceeds "
               "proto-max-bulk-len")
LCS_CELL_BYTES = 4  # a uint32_t per cell of the table, in Redis and here


# --8<-- [start:lcs_command]
@command("lcs", -3, "readonly", acl="string", group="string",
         since="7.0.0", synopsis="key1 key2 [LEN] [IDX] "
         "[MINMATCHLEN min-match-len] [WITHMATCHLEN]", keys=(1, 2, 1),
         complexity="O(N*M) where N and M are the lengths of s1 and s2, "
         "respectively", summary="Find the longest common subsequence of "
         "the strings at two keys")
def lcs_command(c) -> None:
    """Mirrors lcsCommand(): a missing key is an empty string; the
    reply is the subsequence, its length (LEN), or where its runs of
    matching bytes are in both strings (IDX)."""
    objects = [lookup_key_read(c.db, key) for key in c.argv[1:3]]
    if any(o is not None and o.type != OBJ_STRING for o in objects):
        raise CommandError(LCS_NOT_STRINGS)  # checked before the options
    a, b = (b"" if o is None else string_bytes(o) for o in objects)
    getlen, getidx, minmatchlen, withmatchlen = parse_lcs_options(c.argv)
    if getlen and getidx:
        raise CommandError(LCS_LEN_AND_IDX)
    if (len(a) + 1) * (len(b) + 1) * LCS_CELL_BYTES > \
            c.server.proto_max_bulk_len:
        raise CommandError(LCS_TOO_BIG)
    table = lcs_table(a, b)
    if getlen:
        c.add_reply(resp.integer(table[len(a)][len(b)]))
        return
    result, ranges = lcs_backtrack(a, b, table)
    if not getidx:
        c.add_reply(resp.bulk(result))
        return
    ranges = [r for r in ranges if r[1] - r[0] + 1 >= minmatchlen]
    c.add_reply(lcs_idx_reply(ranges, len(result), withmatchlen, c.resp))
# --8<-- [end:lcs_command]


def parse_lcs_options(argv: list[bytes]) -> tuple[bool, bool, int, bool]:
    """LEN, IDX, MINMATCHLEN (a negative one is 0) and WITHMATCHLEN."""
    getlen = getidx = withmatchlen = False
    minmatchlen = 0
    i = 3
    while i < len(argv):
        option = argv[i].lower()
        if option == b"idx":
            getidx = True
        elif option == b"len":
            getlen = True
        elif option == b"withmatchlen":
            withmatchlen = True
        elif option == b"minmatchlen" and i + 1 < len(argv):
            minmatchlen = max(get_long_long(argv[i + 1]), 0)
            i += 1
        else:
            raise CommandError(SYNTAX_ERROR)
        i += 1
    return getlen, getidx, minmatchlen, withmatchlen


# --8<-- [start:lcs_table]
def lcs_table(a: bytes, b: bytes) -> list[array]:
    """The dynamic programming table: table[i][j] is the length of the
    LCS of a[:i] and b[:j].

    If a[i-1] == b[j-1], that byte ends the LCS of a[:i] and b[:j], so
    it is one longer than the LCS of a[:i-1] and b[:j-1] (the cell up
    and left, `diag`). Otherwise one of the two bytes is not in it: take
    the longer of the LCS without a[i-1] (the cell above, `up`) and the
    LCS without b[j-1] (the cell to the left, `left`). Mirrors the first
    loop of lcsCommand(). Each row is an array of 4-byte cells, as in
    Redis: a list would spend 8 bytes a cell, plus an object for most
    numbers.
    """
    table = [array("I", bytes(LCS_CELL_BYTES * (len(b) + 1)))]
    for byte in a:
        above = table[-1]
        row, left = [0], 0
        for diag, up, other in zip(above, above[1:], b):
            if byte == other:
                left = diag + 1
            elif up > left:
                left = up
            row.append(left)
        table.append(array("I", row))
    return table
# --8<-- [end:lcs_table]


# --8<-- [start:lcs_backtrack]
def lcs_backtrack(a: bytes, b: bytes, table: list[array]) -> tuple[
        bytes, list[tuple[int, int, int, int]]]:
    """Walk the table back from its last cell to read the LCS, and the
    ranges of bytes that match side by side.

    Mirrors the second loop of lcsCommand(). A match steps back
    diagonally; otherwise the walk goes up (i - 1) if that keeps a
    longer LCS, else left (j - 1). A run of diagonal steps is one range,
    (a_start, a_end, b_start, b_end), inclusive: the ranges come out
    from the end of the strings to their start, as Redis replies them.
    """
    result = bytearray()
    ranges = []
    run = None  # the range being extended backwards, as a list
    i, j = len(a), len(b)
    while i > 0 and j > 0:
        if a[i - 1] == b[j - 1]:
            i, j = i - 1, j - 1
            result.append(a[i])
            if run is None:
                run = [i, i, j, j]
            else:
                run[0], run[2] = i, j
            if i == 0 or j == 0:  # the start of a string: the walk ends
                ranges.append(tuple(run))
            continue
        if table[i - 1][j] > table[i][j - 1]:
            i -= 1
        else:
            j -= 1
        if run is not None:
            ranges.append(tuple(run))
            run = None
    result.reverse()
    return bytes(result), ranges
# --8<-- [end:lcs_backtrack]


def lcs_idx_reply(ranges: list[tuple[int, int, int, int]], length: int,
                  withmatchlen: bool, proto: int) -> bytes:
    """LCS ... IDX: a map (a flat array in RESP2) of "matches", each
    [[a_start, a_end], [b_start, b_end]] plus, WITHMATCHLEN, the length
    of the range; and "len", the length of the whole LCS."""
    out = [resp.map_len(2, proto), resp.bulk(b"matches"),
           resp.array_len(len(ranges))]
    for a_start, a_end, b_start, b_end in ranges:
        out += [resp.array_len(3 if withmatchlen else 2),
                resp.array_len(2), resp.integer(a_start),
                resp.integer(a_end),
                resp.array_len(2), resp.integer(b_start),
                resp.integer(b_end)]
        if withmatchlen:
            out.append(resp.integer(a_end - a_start + 1))
    out += [resp.bulk(b"len"), resp.integer(length)]
    return b"".join(out)
