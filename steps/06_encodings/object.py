"""object.py: values as objects. Redis: src/object.c (and robj in server.h,
the LRU clock in evict.c).

Every value in the keyspace is a RedisObject, Redis's robj: its type
(string, list, set, zset, hash), its encoding (how that type is laid out
in memory this time), the LRU clock of its last access, and ptr, the
payload. A type can have two encodings: a compact one for small values
and a general one for big ones, and OBJECT ENCODING tells which.

Strings have three. "int": a decimal integer that fits a long is kept as
a number, and 0 to 9999 are not even copied: every key holding 42 points
at the same shared object, made once at start-up. "embstr": up to 44
bytes, which Redis allocates in one block with the robj header (64 bytes
in all, one jemalloc size class). "raw": any other string, in a buffer
of its own; APPEND and SETRANGE make one, since they edit in place.

The LRU clock counts seconds in 24 bits (it wraps after 194 days);
server_cron reads the time into server.lruclock, each new object and
each lookup copies it, and OBJECT IDLETIME is the difference.

Here are also OBJECT, which shows all this, and MEMORY USAGE.

Steps:
  06_encodings  RedisObject, string encodings, shared integers, the LRU
                clock; OBJECT, MEMORY USAGE and MEMORY HELP

Simplified: Redis counts references in each robj (shared objects have
the count OBJ_SHARED_REFCOUNT and are never freed). Here only the shared
integers are shared, so the count is 1 for every other object and no
robj carries one; Python's own count frees what is no longer used.
(Redis says 2 for a value a command queued in MULTI wrote, until EXEC
returns: the queued command's argv still holds it.)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from types import SimpleNamespace

import resp
from commands import (
    SYNTAX_ERROR,
    CommandError,
    command,
    container,
    get_long_long,
)
from db import DUP_FUNCTIONS, LOOKUP_NOTOUCH, db_overwrite, lookup_key_read
from intset import intset_new
from listpack import lp_new
from quicklist import Quicklist, quicklist_create

# The types, as server.h numbers them (RDB files store these numbers).
OBJ_STRING, OBJ_LIST, OBJ_SET, OBJ_ZSET, OBJ_HASH = range(5)

# The encodings, with server.h's numbers; those Redis 7.0 no longer uses
# (zipmap, linkedlist, ziplist) keep their numbers, unlisted.
OBJ_ENCODING_RAW = 0  # a string in a buffer of its own
OBJ_ENCODING_INT = 1  # a string that is an integer, kept as a number
OBJ_ENCODING_HT = 2  # a hash table: sets and hashes
OBJ_ENCODING_INTSET = 6  # a sorted array of integers: small sets
OBJ_ENCODING_SKIPLIST = 7  # a dict plus a skiplist: sorted sets
OBJ_ENCODING_EMBSTR = 8  # a short string inside its object
OBJ_ENCODING_QUICKLIST = 9  # a linked list of listpacks: lists
OBJ_ENCODING_LISTPACK = 11  # one packed array: small hashes and zsets

ENCODING_NAMES = {
    OBJ_ENCODING_RAW: "raw", OBJ_ENCODING_INT: "int",
    OBJ_ENCODING_HT: "hashtable", OBJ_ENCODING_QUICKLIST: "quicklist",
    OBJ_ENCODING_LISTPACK: "listpack", OBJ_ENCODING_INTSET: "intset",
    OBJ_ENCODING_SKIPLIST: "skiplist", OBJ_ENCODING_EMBSTR: "embstr",
}

OBJ_SHARED_REFCOUNT = resp.INT_MAX  # the count of a shared object
OBJ_SHARED_INTEGERS = 10000  # integers 0..9999 are shared
OBJ_ENCODING_EMBSTR_SIZE_LIMIT = 44  # longest embstr string

LRU_BITS = 24
LRU_CLOCK_MAX = (1 << LRU_BITS) - 1  # the clock wraps after this
LRU_CLOCK_RESOLUTION = 1000  # ms per tick of the clock


# --8<-- [start:redis_object]
@dataclass(slots=True, eq=False)
class RedisObject:
    """A value and what it is. Mirrors struct redisObject (robj) in
    server.h: type and encoding are 4 bits each there, lru 24 bits.

    Python: an object with four slots takes 64 bytes, as one with three
    would (its size is rounded up to 16 bytes), so lru costs nothing.
    """

    type: int  # OBJ_STRING, OBJ_LIST, ...
    encoding: int  # OBJ_ENCODING_*: what ptr is
    lru: int  # the LRU clock when it was last accessed
    ptr: object  # the payload: bytes, int, Quicklist, set, dict, ZSet...
# --8<-- [end:redis_object]


# The LRU clock. Redis keeps these in evict.c.

def get_lru_clock() -> int:
    """The time in seconds, cut to 24 bits. Mirrors getLRUClock()."""
    return (time.time_ns() // 1_000_000 // LRU_CLOCK_RESOLUTION
            & LRU_CLOCK_MAX)


# Redis's objects read the LRU clock from its global `server` struct.
# Ours read server.lruclock from the Server that init_server() registers
# here; until then (a test that imports this module alone) from a
# stand-in that read the clock once.
server = SimpleNamespace(lruclock=get_lru_clock())


def use_server_clock(the_server) -> None:
    """Read the LRU clock from now on in `the_server`'s lruclock."""
    global server
    server = the_server


def lru_clock() -> int:
    """The clock as server_cron last read it. Mirrors LRU_CLOCK().

    Redis reads the clock itself instead when server_cron runs less than
    once per tick; at hz 1 to 500 it never does.
    """
    return server.lruclock


# --8<-- [start:estimate_object_idle_time]
def estimate_object_idle_time(o: RedisObject) -> int:
    """Milliseconds since `o` was last accessed, to the clock's second.
    Mirrors estimateObjectIdleTime(): a clock that wrapped past o.lru
    has gone round once."""
    now = lru_clock()
    if now >= o.lru:
        return (now - o.lru) * LRU_CLOCK_RESOLUTION
    return (now + LRU_CLOCK_MAX - o.lru) * LRU_CLOCK_RESOLUTION
# --8<-- [end:estimate_object_idle_time]


# Creating objects.

def create_object(type: int, ptr: object) -> RedisObject:
    """A new object, RAW until its caller says otherwise, stamped with
    the LRU clock. Mirrors createObject().

    The constructors read server.lruclock without calling lru_clock():
    SET makes an object per command, and in Python a call costs more
    than the rest of the work.
    """
    return RedisObject(type, OBJ_ENCODING_RAW, server.lruclock, ptr)


def create_raw_string_object(s: bytes) -> RedisObject:
    """Mirrors createRawStringObject()."""
    return RedisObject(OBJ_STRING, OBJ_ENCODING_RAW, server.lruclock, s)


def create_embedded_string_object(s: bytes) -> RedisObject:
    """Mirrors createEmbeddedStringObject().

    Simplified: Redis allocates the string right after its robj, in the
    same block; a Python bytes object is always a block of its own.
    """
    return RedisObject(OBJ_STRING, OBJ_ENCODING_EMBSTR, server.lruclock, s)


# --8<-- [start:create_string_object]
def create_string_object(s: bytes) -> RedisObject:
    """EMBSTR up to 44 bytes, RAW beyond. Mirrors createStringObject()."""
    if len(s) <= OBJ_ENCODING_EMBSTR_SIZE_LIMIT:
        return create_embedded_string_object(s)
    return create_raw_string_object(s)
# --8<-- [end:create_string_object]


def create_string_object_from_long_long(value: int) -> RedisObject:
    """An INT string: the shared one for 0..9999. Mirrors
    createStringObjectFromLongLongWithOptions()."""
    if 0 <= value < OBJ_SHARED_INTEGERS:
        return shared.integers[value]
    o = create_object(OBJ_STRING, value)
    o.encoding = OBJ_ENCODING_INT
    return o


def create_string_object_from_long_long_for_value(value: int) -> RedisObject:
    """Mirrors createStringObjectFromLongLongForValue(), for a value in
    the keyspace (INCR). Redis shares it unless maxmemory is set with a
    policy that needs an LRU clock per key; we have no maxmemory, so it
    is shared as above."""
    return create_string_object_from_long_long(value)


def dup_string_object(o: RedisObject) -> RedisObject:
    """A copy with the same encoding, never shared. Mirrors
    dupStringObject(), which COPY uses."""
    return RedisObject(OBJ_STRING, o.encoding, server.lruclock, o.ptr)


DUP_FUNCTIONS[OBJ_STRING] = dup_string_object


@dataclass(slots=True)
class SharedObjects:
    """The objects made once, at start-up. Mirrors struct
    sharedObjectsStruct in server.h; of its many members, only these."""

    integers: list[RedisObject] = field(default_factory=list)


def create_shared_objects() -> SharedObjects:
    """Make the shared integers, 0 to 9999. Mirrors createSharedObjects()
    in server.c, which Redis calls as it starts; here the first import
    of this module does. (Redis also makes its shared replies there;
    resp.py keeps those as byte constants.)"""
    made = SharedObjects()
    for value in range(OBJ_SHARED_INTEGERS):
        o = create_object(OBJ_STRING, value)
        o.encoding = OBJ_ENCODING_INT
        made.integers.append(o)
    return made


shared = create_shared_objects()


def is_shared(o: RedisObject) -> bool:
    """Whether `o` is one of the shared integers."""
    return (o.encoding == OBJ_ENCODING_INT
            and 0 <= o.ptr < OBJ_SHARED_INTEGERS
            and shared.integers[o.ptr] is o)


def object_refcount(o: RedisObject) -> int:
    """What OBJECT REFCOUNT says. Simplified: see the module's header."""
    return OBJ_SHARED_REFCOUNT if is_shared(o) else 1


def create_quicklist_object() -> RedisObject:
    """An empty list, with quicklist_create()'s default options (fill
    -2, no compression): callers that make a list for a key set the
    server's options next. Mirrors createQuicklistObject()."""
    return RedisObject(OBJ_LIST, OBJ_ENCODING_QUICKLIST, server.lruclock,
                       quicklist_create())


def create_set_object() -> RedisObject:
    """An empty set in a hash table. Mirrors createSetObject()."""
    return RedisObject(OBJ_SET, OBJ_ENCODING_HT, server.lruclock, set())


def create_intset_object() -> RedisObject:
    """An empty set of integers. Mirrors createIntsetObject()."""
    return RedisObject(OBJ_SET, OBJ_ENCODING_INTSET, server.lruclock,
                       intset_new())


def create_hash_object() -> RedisObject:
    """An empty hash: a listpack, until it grows. Mirrors
    createHashObject()."""
    return RedisObject(OBJ_HASH, OBJ_ENCODING_LISTPACK, server.lruclock,
                       lp_new())


# --8<-- [start:try_object_encoding]
def try_object_encoding(o: RedisObject) -> RedisObject:
    """The most compact form of a string object. Mirrors
    tryObjectEncoding(), which SET and its kind apply to the value.

    A string of at most 20 bytes that string2l() reads as an integer
    becomes INT: the shared object for 0..9999, else a number of its
    own. Otherwise a short string becomes EMBSTR, a long one stays RAW.
    An INT object is left as it is. Redis also trims the spare room of
    a long RAW string's buffer; a bytes object has none.
    """
    # BEGIN EXERCISE 06-try-object-encoding
    s = o.ptr
    if o.encoding == OBJ_ENCODING_INT:
        return o
    length = len(s)
    # Every integer ends in a digit: most strings are turned down here,
    # without the cost of string2ll() failing.
    if length <= 20 and s[-1:].isdigit():
        value = resp.string2ll(s)  # string2l(): a long is 64 bits here
        if value is not None:
            if 0 <= value < OBJ_SHARED_INTEGERS:
                return shared.integers[value]
            o.encoding, o.ptr = OBJ_ENCODING_INT, value
            return o
    if length <= OBJ_ENCODING_EMBSTR_SIZE_LIMIT:
        o.encoding = OBJ_ENCODING_EMBSTR
    return o
    # END EXERCISE 06-try-object-encoding
# --8<-- [end:try_object_encoding]


# Reading string objects.

def string_bytes(o: RedisObject) -> bytes:
    """The bytes of a string object, whatever its encoding (an INT is
    formatted, as Redis does with ll2string() where it needs them)."""
    if o.encoding == OBJ_ENCODING_INT:
        return b"%d" % o.ptr
    return o.ptr


# --8<-- [start:db_unshare_string_value]
def db_unshare_string_value(db, key: bytes, o: RedisObject) -> RedisObject:
    """The string object at `key`, made RAW and the key's own, ready to
    be edited (APPEND, SETRANGE, SETBIT...). Mirrors
    dbUnshareStringValue() in db.c, here beside the objects it makes.

    A RAW string is returned as it is; a shared integer, any INT or an
    EMBSTR is replaced at `key` by a RAW copy of its bytes.
    """
    if o.encoding == OBJ_ENCODING_RAW:
        return o
    o = create_raw_string_object(string_bytes(o))
    db_overwrite(db, key, o)
    return o
# --8<-- [end:db_unshare_string_value]


def string_object_len(o: RedisObject) -> int:
    """Mirrors stringObjectLen(): an INT's length is its digits'."""
    return len(string_bytes(o))


def get_long_long_from_object(o: RedisObject | None) -> int | None:
    """The integer in a string object (0 for None), or None if it holds
    none. Mirrors getLongLongFromObject()."""
    if o is None:
        return 0
    if o.encoding == OBJ_ENCODING_INT:
        return o.ptr
    return resp.string2ll(o.ptr)


def str_encoding(encoding: int) -> str:
    """Mirrors strEncoding(): the name OBJECT ENCODING replies with."""
    return ENCODING_NAMES.get(encoding, "unknown")


# The OBJECT command.

container("object", -2, group="generic", since="2.2.3",
          complexity="Depends on subcommand.",
          summary="Inspect the internals of values")
OBJECT_SUBCOMMAND = dict(flags="readonly", acl="keyspace", group="generic",
                         synopsis="key", keys=(2, 2, 1))
LFU_NOT_SELECTED = (
    "An LFU maxmemory policy is not selected, access frequency not "
    "tracked. Please note that when switching between policies at "
    "runtime LRU and LFU data will take some time to adjust.")


def object_command_lookup(c) -> RedisObject | None:
    """The value at argv[2], without touching its LRU clock (counted in
    INFO's keyspace_hits though). Mirrors objectCommandLookup()."""
    return lookup_key_read(c.db, c.argv[2], None, LOOKUP_NOTOUCH)


@command("object|encoding", 3, **OBJECT_SUBCOMMAND, since="2.2.3",
         summary="Name the encoding of the value at a key")
def object_encoding_command(c) -> None:
    """Mirrors objectCommand(): null for a missing key."""
    o = object_command_lookup(c)
    c.add_reply(resp.null(c.resp) if o is None
                else resp.bulk(str_encoding(o.encoding).encode()))


@command("object|refcount", 3, **OBJECT_SUBCOMMAND, since="2.2.3",
         summary="Count the references to the value at a key")
def object_refcount_command(c) -> None:
    o = object_command_lookup(c)
    c.add_reply(resp.null(c.resp) if o is None
                else resp.integer(object_refcount(o)))


@command("object|idletime", 3, **OBJECT_SUBCOMMAND, since="2.2.3",
         summary="Seconds since the value at a key was last accessed")
def object_idletime_command(c) -> None:
    """Mirrors objectCommand(): whole seconds, rounded down."""
    o = object_command_lookup(c)
    c.add_reply(resp.null(c.resp) if o is None
                else resp.integer(estimate_object_idle_time(o) // 1000))


@command("object|freq", 3, **OBJECT_SUBCOMMAND, since="4.0.0",
         summary="The access frequency of the value at a key, under an "
                 "LFU maxmemory policy")
def object_freq_command(c) -> None:
    """Mirrors objectCommand(): a missing key is null, else an error.

    Simplified: Redis counts accesses (LFU) instead of stamping the
    LRU clock when maxmemory-policy is an LFU one; our only policy is
    noeviction, so FREQ always has this answer.
    """
    if object_command_lookup(c) is None:
        c.add_reply(resp.null(c.resp))
        return
    raise CommandError(LFU_NOT_SELECTED)


OBJECT_HELP = (
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store "
    "the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned "
    "integer is",
    "    proportional to the logarithm of the recent access frequency of "
    "the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number "
    "of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the "
    "specified",
    "    <key>.",
)


@command("object|help", 2, "loading stale", acl="keyspace",
         group="generic", since="6.2.0",
         summary="Show helpful text about the different subcommands")
def object_help_command(c) -> None:
    c.add_reply(resp.help_reply(c.argv[0], OBJECT_HELP))


# The MEMORY command: USAGE and HELP.

OBJ_COMPUTE_SIZE_DEF_SAMPLES = 5  # elements sampled by default
container("memory", -2, group="server", since="4.0.0",
          complexity="Depends on subcommand.",
          summary="Inspect the server's memory")


# --8<-- [start:memory_usage_command]
@command("memory|usage", -3, "readonly", group="server", since="4.0.0",
         synopsis="key [SAMPLES count]", keys=(2, 2, 1),
         complexity="O(N) where N is the number of samples.",
         summary="Estimate the bytes a key and its value take")
def memory_usage_command(c) -> None:
    """Mirrors memoryCommand(): the options first; then the key is
    looked for as it is, neither expired nor touched (null if missing).

    Simplified: Redis counts what its allocator handed out for the key,
    the dict entry, the robj and the value's parts. We count what Python
    says each object takes (sys.getsizeof()): the key, a dict entry, the
    RedisObject and its payload; for a collection, the container plus
    the average of `samples` elements times their number, as Redis does.
    """
    samples = OBJ_COMPUTE_SIZE_DEF_SAMPLES
    j = 3
    while j < len(c.argv):
        if c.argv[j].lower() != b"samples" or j + 1 == len(c.argv):
            raise CommandError(SYNTAX_ERROR)
        samples = get_long_long(c.argv[j + 1])
        if samples < 0:
            raise CommandError(SYNTAX_ERROR)
        samples = samples or resp.LLONG_MAX  # 0: every element
        j += 2
    o = c.db.dict.get(c.argv[2])
    if o is None:
        c.add_reply(resp.null(c.resp))
        return
    usage = object_compute_size(o, samples)
    usage += sys.getsizeof(c.argv[2]) + PYDICT_ENTRY_SIZE
    c.add_reply(resp.integer(usage))
# --8<-- [end:memory_usage_command]


# A key in a Python dict takes an entry (its hash, key and value: three
# words) and at least one index slot; one word of slots per entry is about
# what a dict two thirds full spends.
PYDICT_ENTRY_SIZE = 4 * 8


# --8<-- [start:object_compute_size]
def object_compute_size(o: RedisObject, sample_size: int) -> int:
    """The bytes a value takes, estimated from `sample_size` elements of
    a collection. Mirrors objectComputeSize()."""
    size = sys.getsizeof(o) + sys.getsizeof(o.ptr)
    if o.type == OBJ_STRING or isinstance(o.ptr, bytes):
        return size  # one payload: a string, a listpack or an intset
    if o.type == OBJ_LIST:
        return size + quicklist_nodes_size(o.ptr, sample_size)
    if o.type == OBJ_ZSET:
        zsl = o.ptr.zsl
        size += (sys.getsizeof(o.ptr.dict) + sys.getsizeof(zsl)
                 + skiplist_node_size(zsl.header))
        elements = (sys.getsizeof(node.ele) + skiplist_node_size(node)
                    for node in skiplist_nodes(zsl))
    elif o.type == OBJ_HASH:
        elements = (sys.getsizeof(f) + sys.getsizeof(v)
                    for f, v in o.ptr.items())
    else:
        elements = map(sys.getsizeof, o.ptr)
    sizes = list(islice(elements, sample_size))
    if sizes:
        size += int(sum(sizes) / len(sizes) * len(o.ptr))
    return size
# --8<-- [end:object_compute_size]


def quicklist_nodes_size(ql: Quicklist, sample_size: int) -> int:
    """The nodes of a list: Redis samples nodes, not elements, each a
    quicklistNode and its listpack, and counts their average times the
    number of nodes."""
    sizes = [sys.getsizeof(node) + sys.getsizeof(node.lp)
             for node in islice(ql.nodes, sample_size)]
    return (sys.getsizeof(ql.nodes)
            + int(sum(sizes) / len(sizes) * len(ql.nodes)))


def skiplist_node_size(node) -> int:
    """A skiplist node, its score and its levels."""
    return (sys.getsizeof(node) + sys.getsizeof(node.score)
            + sys.getsizeof(node.level)
            + sum(map(sys.getsizeof, node.level)))


def skiplist_nodes(zsl) -> Iterator:
    """The nodes of a skiplist, from the first, along level 0."""
    node = zsl.header.level[0].forward
    while node is not None:
        yield node
        node = node.level[0].forward


MEMORY_HELP = (
    "DOCTOR",
    "    Return memory problems reports.",
    "MALLOC-STATS",
    "    Return internal statistics report from the memory allocator.",
    "PURGE",
    "    Attempt to purge dirty pages for reclamation by the allocator.",
    "STATS",
    "    Return information about the memory usage of the server.",
    "USAGE <key> [SAMPLES <count>]",
    "    Return memory in bytes used by <key> and its value. Nested values "
    "are",
    "    sampled up to <count> times (default: 5, 0 means sample all).",
)


@command("memory|help", 2, "loading stale", group="server", since="4.0.0",
         summary="Show helpful text about the different subcommands")
def memory_help_command(c) -> None:
    """Mirrors memoryCommand(): Redis's text as it is.

    Simplified: of MEMORY's subcommands we have USAGE and HELP; Redis's
    DOCTOR, MALLOC-STATS, PURGE and STATS report on its allocator.
    """
    c.add_reply(resp.help_reply(c.argv[0], MEMORY_HELP))
