"""db.py: the keyspace. Redis: src/db.c.

A Redis server holds 16 numbered databases; each maps keys to values, and
a client works in one of them at a time (SELECT). Every command reaches
its keys through the lookups here, which is where the value's type is
checked: a list command on a string gets WRONGTYPE, from one place.

Values are RedisObjects (object.py): each knows its type, its encoding
and when it was last accessed. A lookup checks the type and, unless told
not to (LOOKUP_NOTOUCH), stamps the object with the LRU clock.

Beside the keyspace each database keeps its expires table: the keys with
a time to live, and when they die (Unix ms). A key whose time has come is
deleted by the first lookup that finds it (expire_if_needed, "lazy
expiry"), or by the active expiry cycle in expire.py, whichever is first.

Then come the commands about keys whatever their type (DEL, EXISTS,
TYPE, RENAME, COPY, KEYS, SCAN...) and about whole databases (DBSIZE,
FLUSHDB, SWAPDB...). SCAN's cursor is here too, shared by HSCAN, SSCAN
and ZSCAN.

Steps:
  04_datatypes  databases, lookups, type checks, the keyspace commands
  05_expiry     the expires table, expire_if_needed on every lookup
  06_encodings  values are RedisObjects: lookups check o.type and stamp
                o.lru; LOOKUP_NOTOUCH; a compact value scans in one call
  07_blocking   the keys clients block on; a key added where clients
                wait is signalled as ready (so is one SWAPDB brings in)
  08_multi      the keys clients WATCH; every write signals its key as
                modified, and so does expiry; FLUSHDB, FLUSHALL and
                SWAPDB touch the watched keys they change
  09_pubsub     keyspace events: keymiss from a read that finds nothing,
                new from db_add, expired, and those of the keyspace
                commands (del, rename_from, rename_to, move_from...)
  10_rdb        LASTSAVE; writes count as changes (server.dirty) for the
                save points; FLUSHALL saves when there are save points
  11_aof        an expired key's deletion is propagated as a DEL;
                FLUSHDB and FLUSHALL are, even of empty databases; no
                key expires while the AOF is loaded
"""

# The field named "dict" (Redis's name) would shadow the type in the
# annotations below: keep them as strings.
from __future__ import annotations

import itertools
import random
import re
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import resp
from commands import (
    SYNTAX_ERROR,
    WRONGTYPE,
    CommandError,
    also_propagate,
    command,
    force_command_propagation,
    get_int,
    get_long_long,
)
from networking import (
    BLOCKED_LIST,
    BLOCKED_ZSET,
    CLIENT_CLOSE_ASAP,
    Client,
)
from notify import (
    NOTIFY_EXPIRED,
    NOTIFY_GENERIC,
    NOTIFY_KEY_MISS,
    NOTIFY_NEW,
    notify_keyspace_event,
)
from util import stringmatchlen

if TYPE_CHECKING:  # object.py imports this module: no import at run time
    from object import RedisObject

# The name TYPE replies with, by type: OBJ_STRING (0) to OBJ_HASH (4).
TYPE_NAMES = ("string", "list", "set", "zset", "hash")

# How COPY duplicates a value, by type: object.py and each t_*.py add
# theirs. Mirrors the switch in copyCommand() (dupStringObject(),
# listTypeDup(), ...).
DUP_FUNCTIONS: dict[int, Callable[[RedisObject], RedisObject]] = {}

# Which blocked clients a new value may serve, by its type (object.py's
# OBJ_LIST, OBJ_ZSET). Mirrors getBlockedTypeByType() in blocked.c.
BLOCKED_TYPE_BY_TYPE = {TYPE_NAMES.index("list"): BLOCKED_LIST,
                        TYPE_NAMES.index("zset"): BLOCKED_ZSET}

# lookup_key()'s flags. Mirrors LOOKUP_* in server.h.
LOOKUP_NONE = 0
LOOKUP_NOTOUCH = 1 << 0  # leave the LRU clock of the value as it was
LOOKUP_NONOTIFY = 1 << 1  # a miss fires no keymiss event


@dataclass(slots=True)
class RedisDb:
    """One numbered database. Mirrors struct redisDb in server.h."""

    id: int
    server: object  # the Server, for its clock and its statistics
    expires: dict[bytes, int] = field(default_factory=dict)  # key -> Unix ms
    # The keys with a TTL, in the order active expiry visits them; entries
    # for keys that lost their TTL are dropped when their turn comes.
    # Simplified: Redis walks the buckets of its expires hash table with
    # db->expires_cursor; a Python dict hides its buckets, so a ring does.
    expire_ring: deque[bytes] = field(default_factory=deque)
    avg_ttl: int = 0  # ms, estimated by active expiry (INFO keyspace)
    # key -> the clients blocked on it, first come first (an ordered set)
    blocking_keys: dict[bytes, dict[Client, None]] = field(
        default_factory=dict)
    # The keys already in server.ready_keys, so none goes in twice.
    ready_keys: set[bytes] = field(default_factory=set)
    # key -> the WatchedKeys (multi.py) of the clients that WATCH it
    watched_keys: dict[bytes, list] = field(default_factory=dict)
    # Last: from here on in this class, "dict" names this field.
    dict: dict[bytes, RedisObject] = field(default_factory=dict)  # keyspace


def type_name(value: RedisObject) -> str:
    return TYPE_NAMES[value.type]


# --8<-- [start:lookup_key]
def lookup_key(db: RedisDb, key: bytes, kind: int | None,
               flags: int = LOOKUP_NONE) -> RedisObject | None:
    """The value at `key`, or None. Mirrors lookupKey() and checkType().

    With `kind` (OBJ_STRING...), a value of another type raises
    WRONGTYPE: every command that expects a type checks it here, the
    same way. A value found is stamped with the LRU clock, its last
    access, unless `flags` has LOOKUP_NOTOUCH.
    """
    # BEGIN EXERCISE 04-lookup-key
    value = db.dict.get(key)
    if value is not None and db.expires and expire_if_needed(db, key):
        return None  # it was there, but its time had come
    if value is not None and not flags & LOOKUP_NOTOUCH:
        value.lru = db.server.lruclock  # LRU_CLOCK()
    if value is not None and kind is not None and value.type != kind:
        raise CommandError(WRONGTYPE)
    return value
    # END EXERCISE 04-lookup-key
# --8<-- [end:lookup_key]


def lookup_key_read(db: RedisDb, key: bytes, kind: int | None = None,
                    flags: int = LOOKUP_NONE) -> RedisObject | None:
    """Look up a key to read it. Mirrors lookupKeyReadWithFlags(), which
    also counts hits and misses for INFO, and publishes a miss as a
    keymiss event unless told not to (LOOKUP_NONOTIFY). A lookup to
    write (lookup_key_write()) does neither."""
    value = lookup_key(db, key, kind, flags)
    if value is None:
        if not flags & LOOKUP_NONOTIFY:
            notify_keyspace_event(db.server, NOTIFY_KEY_MISS, b"keymiss",
                                  key, db.id)
        db.server.stat_keyspace_misses += 1
    else:
        db.server.stat_keyspace_hits += 1
    return value


# --8<-- [start:expire_if_needed]
def expire_if_needed(db: RedisDb, key: bytes) -> bool:
    """Delete the key if its time has come; True if it did.

    Mirrors expireIfNeeded() in db.c: this is lazy expiry, run by every
    lookup, so an expired key looks missing to every command even before
    active expiry has reclaimed it.
    """
    # BEGIN EXERCISE 05-expire-if-needed
    if not key_is_expired(db, key):
        return False
    delete_expired_key(db, key)
    return True
    # END EXERCISE 05-expire-if-needed
# --8<-- [end:expire_if_needed]


# --8<-- [start:key_is_expired]
def key_is_expired(db: RedisDb, key: bytes) -> bool:
    """Mirrors keyIsExpired(): expired once now is strictly after `when`.

    "Now" is the time the current command started (server.mstime), as in
    Redis: a key cannot expire in the middle of a command.
    """
    when = db.expires.get(key)
    if when is None or db.server.loading:
        return False  # loading: the file's later commands may use it
    return db.server.mstime > when
# --8<-- [end:key_is_expired]


def delete_expired_key(db: RedisDb, key: bytes) -> None:
    """Mirrors deleteExpiredKeyAndPropagate(): delete, publish, count
    and propagate it; a key gone is a key modified, for WATCH. Lazy and
    active expiry both come here: either way the event is "expired"."""
    db_delete(db, key)
    notify_keyspace_event(db.server, NOTIFY_EXPIRED, b"expired", key, db.id)
    signal_modified_key(db, key)
    propagate_deletion(db, key)
    db.server.stat_expiredkeys += 1


# --8<-- [start:propagate_deletion]
def propagate_deletion(db: RedisDb, key: bytes) -> None:
    """Queue a DEL of the expired key for the AOF. Mirrors
    propagateDeletion() in db.c.

    The file never says when a key expires by itself: loading it again
    must not depend on the clock. So each expiry is written as the DEL
    it amounts to, where it happened among the writes. A lookup inside a
    command queues it before the command (call() writes both); active
    expiry writes its DELs at the end of its cycle.

    Simplified: with lazyfree-lazy-expire yes Redis writes UNLINK; we
    have no lazy freeing, and write DEL as Redis does by default.
    """
    also_propagate(db.server, db.id, [b"DEL", key])
# --8<-- [end:propagate_deletion]


# --8<-- [start:signal_modified_key]
def signal_modified_key(db: RedisDb, key: bytes) -> None:
    """Tell the clients that WATCH `key` it has changed. Mirrors
    signalModifiedKey(): every command calls it for each key it writes,
    once the write is done, and only if it wrote."""
    if db.watched_keys:
        # Imported here: multi.py imports this module.
        from multi import touch_watched_key
        touch_watched_key(db, key)
# --8<-- [end:signal_modified_key]


def signal_flushed_db(db: RedisDb, replaced_with: RedisDb | None) -> None:
    """Touch the watched keys of a database about to be emptied, or
    swapped. Mirrors signalFlushedDb() and the start of
    dbSwapDatabases()."""
    if db.watched_keys:
        from multi import touch_all_watched_keys_in_db
        touch_all_watched_keys_in_db(db, replaced_with)


def get_expire(db: RedisDb, key: bytes) -> int:
    """When the key dies (Unix ms), -1 if never. Mirrors getExpire()."""
    return db.expires.get(key, -1)


def set_expire(db: RedisDb, key: bytes, when: int) -> None:
    """Give an existing key a time to live. Mirrors setExpire().

    A key that gains a TTL joins the ring active expiry walks. Entries
    left by keys that lost theirs (or by a key that lost and regained
    one) are dropped when their turn comes; should they ever outnumber
    the live ones, the ring is rebuilt, so it stays within twice the size
    of the expires table.
    """
    new = key not in db.expires
    db.expires[key] = when
    if new:
        db.expire_ring.append(key)
        if len(db.expire_ring) > 2 * len(db.expires) + 64:
            db.expire_ring = deque(db.expires)


def remove_expire(db: RedisDb, key: bytes) -> bool:
    """Make the key persistent; True if it had a TTL. Mirrors
    removeExpire(). Its ring entry goes when active expiry reaches it."""
    return db.expires.pop(key, None) is not None


def lookup_key_write(db: RedisDb, key: bytes,
                     kind: int | None = None) -> RedisObject | None:
    """Look up a key about to be changed. Mirrors lookupKeyWrite()."""
    return lookup_key(db, key, kind)


# --8<-- [start:db_add]
def db_add(db: RedisDb, key: bytes, value: RedisObject) -> None:
    """Add a key that does not exist yet. Mirrors dbAdd().

    Redis deletes a list or sorted set when it empties, so a client can
    only be blocked on a missing key, and the key coming into being is
    the one event that can serve it: this is where it is signalled.
    Every key is born here, so here too the "new" event is published,
    before the event of the command that made it.
    """
    db.dict[key] = value
    signal_key_as_ready(db, key, value.type)
    notify_keyspace_event(db.server, NOTIFY_NEW, b"new", key, db.id)
# --8<-- [end:db_add]


# --8<-- [start:signal_key_as_ready]
def signal_key_as_ready(db: RedisDb, key: bytes, type: int) -> None:
    """Queue `key` for handle_clients_blocked_on_keys() if clients wait
    on it for this type of value. Mirrors signalKeyAsReady() in
    blocked.c (it is here because blocked.py imports this module).

    A key goes into server.ready_keys once however often it changes
    before the clients are served: db.ready_keys remembers which are in.
    """
    if key not in db.blocking_keys or key in db.ready_keys:
        return  # nobody waits on it, or it is queued already
    btype = BLOCKED_TYPE_BY_TYPE.get(type)
    if btype is None or not db.server.blocked_clients_by_type[btype]:
        return  # no client blocks on this type of value
    db.server.ready_keys.append((db, key))
    db.ready_keys.add(key)
# --8<-- [end:signal_key_as_ready]


def db_overwrite(db: RedisDb, key: bytes, value: RedisObject) -> None:
    """Give an existing key a new value. Mirrors dbOverwrite().

    For commands that change a value (INCR, APPEND...): unlike set_key(),
    the key keeps its time to live.
    """
    db.dict[key] = value


# --8<-- [start:set_key]
def set_key(db: RedisDb, key: bytes, value: RedisObject,
            keep_ttl: bool = False) -> None:
    """Add a key or replace its value, whatever its type. Mirrors setKey():
    a new value starts with no TTL, unless keep_ttl (SET ... KEEPTTL).

    The key is looked up first, as in Redis, so an expired one is deleted
    (and that deletion signalled) before the new value comes.
    """
    if lookup_key_write(db, key) is not None:
        db.dict[key] = value  # dbOverwrite()
    else:
        db_add(db, key, value)
    if not keep_ttl and db.expires:
        remove_expire(db, key)
    signal_modified_key(db, key)
# --8<-- [end:set_key]


def db_delete(db: RedisDb, key: bytes) -> bool:
    """Remove a key and its TTL; True if it existed. Mirrors dbDelete()."""
    if db.expires:
        db.expires.pop(key, None)
    return db.dict.pop(key, None) is not None


@command("select", 2, "loading stale fast", acl="connection",
         group="connection", since="1.0.0", synopsis="index",
         summary="Switch this connection to another database")
def select_command(c) -> None:
    """Mirrors selectCommand() in db.c."""
    c.db = select_db(c, get_int(c.argv[1]))
    c.add_reply(resp.OK)


def select_db(c, index: int) -> RedisDb:
    """The database numbered `index`. Mirrors the check of selectDb()."""
    if not 0 <= index < len(c.server.db):
        raise CommandError("DB index is out of range")
    return c.server.db[index]


def empty_db(db: RedisDb) -> None:
    """Remove every key of a database. Mirrors emptyDbStructure()."""
    db.dict.clear()
    db.expires.clear()
    db.expire_ring.clear()
    db.avg_ttl = 0


def random_element(collection: dict | set) -> object:
    """A random key of a dict, or member of a set, each equally likely.

    Simplified: a Python dict or set has no random access, so this walks
    half the collection on average; Redis picks a random bucket in O(1).
    """
    return next(itertools.islice(collection, random.randrange(
        len(collection)), None))


RANDOM_PICKS_BATCH = 1000  # random picks per reply chunk


def add_reply_random_picks(c, population: list, count: int,
                           reply_for: Callable[[list], bytes]) -> None:
    """Reply with `count` random picks from `population`, repeats allowed
    (SRANDMEMBER, HRANDFIELD and ZRANDMEMBER with a negative count).

    A count can be huge: the reply is built in batches, and stops when
    the client is dropped for the size of its replies, as Redis does.
    """
    while count and not c.flags & CLIENT_CLOSE_ASAP:
        batch = random.choices(population, k=min(count, RANDOM_PICKS_BATCH))
        c.add_reply(reply_for(batch))
        count -= len(batch)


# The keyspace commands. Mirrors the commands of db.c, in its order.

@command("flushdb", -1, "write", acl="keyspace dangerous", group="server",
         since="1.0.0", synopsis="[ASYNC | SYNC]",
         complexity="O(N) where N is the number of keys in the database",
         summary="Delete every key of the current database")
def flushdb_command(c) -> None:
    """Mirrors flushdbCommand()."""
    get_flush_command_flags(c)
    c.server.dirty += len(c.db.dict)
    signal_flushed_db(c.db, None)
    empty_db(c.db)
    force_command_propagation(c)  # into the AOF even if it was empty
    c.add_reply(resp.OK)


@command("flushall", -1, "write", acl="keyspace dangerous", group="server",
         since="1.0.0", synopsis="[ASYNC | SYNC]",
         complexity="O(N) where N is the number of keys in all databases",
         summary="Delete every key of every database")
def flushall_command(c) -> None:
    """Mirrors flushallCommand() and flushAllDataAndResetRDB(): with
    save points, the empty dataset is saved at once, so that a restart
    does not bring the old one back; a BGSAVE under way is stopped."""
    # Imported here: rdb.py imports this module.
    from rdb import CHILD_TYPE_RDB, kill_rdb_child, rdb_save_to_disk
    get_flush_command_flags(c)
    server = c.server
    for db in server.db:
        server.dirty += len(db.dict)
        signal_flushed_db(db, None)
        empty_db(db)
    if server.child_type == CHILD_TYPE_RDB:
        kill_rdb_child(server)
    if server.saveparams:
        rdb_save_to_disk(server, server.rdb_filename)
    force_command_propagation(c)  # into the AOF even if all was empty
    c.add_reply(resp.OK)


@command("lastsave", 1, "loading stale fast", acl="admin dangerous",
         group="server", since="1.0.0",
         summary="Get the UNIX time stamp of the last successful save to "
                 "disk")
def lastsave_command(c) -> None:
    """Mirrors lastsaveCommand(): when the RDB file was last written
    (or the server started, which counts as a save)."""
    c.add_reply(resp.integer(c.server.lastsave))


def get_flush_command_flags(c) -> None:
    """Accept FLUSHDB's and FLUSHALL's only option. Mirrors
    getFlushCommandFlags().

    Simplified: we always free at once (SYNC); Redis can free in a
    background thread (ASYNC).
    """
    if len(c.argv) > 2 or (
            len(c.argv) == 2 and c.argv[1].lower() not in (b"async", b"sync")):
        raise CommandError(SYNTAX_ERROR)


@command("del", -2, "write", acl="keyspace", group="generic", since="1.0.0",
         synopsis="key [key ...]", keys=(1, -1, 1),
         complexity="O(N) where N is the number of keys to delete",
         summary="Delete keys")
def del_command(c) -> None:
    """Mirrors delGenericCommand(): a key whose time has come is expired
    first, so it is not counted as deleted."""
    deleted = 0
    for key in c.argv[1:]:
        if c.db.expires and expire_if_needed(c.db, key):
            continue
        if db_delete(c.db, key):
            signal_modified_key(c.db, key)
            c.server.dirty += 1
            notify_keyspace_event(c.server, NOTIFY_GENERIC, b"del", key,
                                  c.db.id)
            deleted += 1
    c.add_reply(resp.integer(deleted))


@command("unlink", -2, "write fast", acl="keyspace", group="generic",
         since="4.0.0", synopsis="key [key ...]", keys=(1, -1, 1),
         complexity="O(1) for each key",
         summary="Delete keys, freeing their memory later")
def unlink_command(c) -> None:
    """Simplified: the same as DEL; Redis frees big values in a thread."""
    del_command(c)


@command("exists", -2, "readonly fast", acl="keyspace", group="generic",
         since="1.0.0", synopsis="key [key ...]", keys=(1, -1, 1),
         complexity="O(N) where N is the number of keys",
         summary="Count how many of the keys exist (repeats count again)")
def exists_command(c) -> None:
    """Mirrors existsCommand(): a look that is no access (NOTOUCH)."""
    count = sum(lookup_key_read(c.db, key, None, LOOKUP_NOTOUCH) is not None
                for key in c.argv[1:])
    c.add_reply(resp.integer(count))


@command("touch", -2, "readonly fast", acl="keyspace", group="generic",
         since="3.2.1", synopsis="key [key ...]", keys=(1, -1, 1),
         complexity="O(N) where N is the number of keys that will be "
         "touched.", summary="Count how many of the keys exist, as an "
         "access to each")
def touch_command(c) -> None:
    """Mirrors touchCommand() in expire.c: EXISTS, but each lookup counts
    as an access, which stamps the value's LRU clock."""
    count = sum(lookup_key_read(c.db, key) is not None for key in c.argv[1:])
    c.add_reply(resp.integer(count))


@command("randomkey", 1, "readonly", acl="keyspace", group="generic",
         since="1.0.0", summary="Return a random key of the database")
def randomkey_command(c) -> None:
    """Mirrors randomkeyCommand() and dbRandomKey(): a key picked that
    turns out to be expired is deleted, and another one picked."""
    while c.db.dict:
        key = random_element(c.db.dict)
        if not (c.db.expires and expire_if_needed(c.db, key)):
            c.add_reply(resp.bulk(key))
            return
    c.add_reply(resp.null(c.resp))


# --8<-- [start:keys_command]
@command("keys", 2, "readonly", acl="keyspace dangerous", group="generic",
         since="1.0.0", synopsis="pattern",
         complexity="O(N) where N is the number of keys in the database",
         summary="List the keys that match a glob-style pattern")
def keys_command(c) -> None:
    """Mirrors keysCommand(): test every key of the database. Expired keys
    are left out, but not deleted (keyIsExpired, not expireIfNeeded)."""
    pattern = c.argv[1]
    if pattern == b"*":
        keys = list(c.db.dict)
    else:
        keys = [key for key in c.db.dict if stringmatchlen(pattern, key)]
    if c.db.expires:
        keys = [key for key in keys if not key_is_expired(c.db, key)]
    c.add_reply(resp.bulk_array(keys))
# --8<-- [end:keys_command]


# SCAN walks a collection a few elements per call, so that a big one never
# blocks the server for long. Redis walks its hash table's buckets in
# reverse-binary order (dictScan), a cursor that stays valid while the
# table grows or shrinks. A Python dict hides its buckets, so here the
# first call takes a snapshot of the names (keys, fields or members) and
# the cursor says which snapshot and where in it the next call starts.
# A name present for the whole scan is in the snapshot, so it is returned;
# one deleted meanwhile is skipped when its turn comes.
# Simplified: the snapshot costs O(N) when the scan starts, and the
# snapshots kept hold SCAN_SNAPSHOT_NAMES_MAX names in all: the least
# recently used go first, and a cursor whose snapshot is gone starts its
# scan again. SCAN may return an element twice, but never misses one.

SCAN_SNAPSHOT_NAMES_MAX = 10_000_000  # about 80 MB of references
SCAN_POSITION_BITS = 32  # cursor = snapshot id << 32 | position in it
SCAN_CURSOR = re.compile(rb"(?:([+-]?)(\d+))?")  # what strtoul() reads
ULONG_MAX = 2**64 - 1
EMPTY_SCAN = b"*2\r\n$1\r\n0\r\n*0\r\n"  # cursor 0, no elements


@dataclass(slots=True)
class ScanOptions:
    """SCAN's options: MATCH, COUNT and (SCAN only) TYPE."""

    count: int = 10  # how many names to look at per call
    pattern: bytes | None = None  # MATCH, None for "*"
    type: bytes | None = None  # TYPE, lowercase


@dataclass(slots=True)
class ScanSnapshot:
    """The names of a collection, taken by the first call of a scan."""

    source: int  # id() of the collection scanned: keyspace, hash, set...
    names: list[bytes]


class ScanTable:
    """The snapshots of the scans in progress, least recently used first."""

    def __init__(self) -> None:
        self.snapshots: OrderedDict[int, ScanSnapshot] = OrderedDict()
        self.names = 0  # the names all the snapshots hold
        self.ids = itertools.count()

    def find(self, scan_id: int, source: dict | set) -> ScanSnapshot | None:
        snapshot = self.snapshots.get(scan_id)
        if snapshot is None or snapshot.source != id(source):
            return None  # unknown, or the cursor of another collection
        self.snapshots.move_to_end(scan_id)
        return snapshot

    def add(self, source: dict | set) -> int:
        """Take a snapshot of `source`; return its id, never 0."""
        scan_id = next(self.ids) % (2**SCAN_POSITION_BITS - 1) + 1
        self.snapshots[scan_id] = ScanSnapshot(id(source), list(source))
        self.names += len(source)
        while (self.names > SCAN_SNAPSHOT_NAMES_MAX
               and len(self.snapshots) > 1):
            self.remove(next(iter(self.snapshots)))
        return scan_id

    def remove(self, scan_id: int) -> None:
        self.names -= len(self.snapshots.pop(scan_id).names)


scan_table = ScanTable()


def parse_scan_cursor(arg: bytes) -> int:
    """Mirrors parseScanCursorOrReply(): what strtoul() accepts, so a
    sign, leading zeros and an empty string (0) are fine."""
    match = SCAN_CURSOR.fullmatch(resp.c_string(arg))
    if not match:
        raise CommandError("invalid cursor")
    digits = (match[2] or b"0").lstrip(b"0") or b"0"
    if len(digits) > 20 or int(digits) > ULONG_MAX:  # strtoul(): ERANGE
        raise CommandError("invalid cursor")
    value = int(digits)
    return -value % 2**64 if match[1] == b"-" else value


def parse_scan_options(args: list[bytes], keyspace: bool) -> ScanOptions:
    """Read MATCH, COUNT and TYPE. Mirrors step 1 of scanGenericCommand()."""
    options = ScanOptions()
    for i in range(0, len(args), 2):
        option = args[i].lower()
        if i + 1 == len(args):
            raise CommandError(SYNTAX_ERROR)  # every option takes a value
        if option == b"count":
            options.count = get_long_long(args[i + 1])
            if options.count < 1:
                raise CommandError(SYNTAX_ERROR)
        elif option == b"match":
            options.pattern = None if args[i + 1] == b"*" else args[i + 1]
        elif option == b"type" and keyspace:
            options.type = args[i + 1].lower()
        else:
            raise CommandError(SYNTAX_ERROR)
    return options


# --8<-- [start:scan_generic]
def scan_generic(c, cursor: int, source: dict | set, options: ScanOptions,
                 reply_for: Callable[[bytes], tuple[bytes, ...]]) -> None:
    """Reply with the next part of a scan. Mirrors scanGenericCommand().

    `source` is the collection whose names are scanned (the keyspace's
    dict, a hash, a set, a zset's dict); reply_for(name) gives the
    bulk strings to send for a name still there (the key; the field and
    its value; ...) and () for one that is gone or filtered out.
    """
    names, cursor = scan_next_names(cursor, source, options.count)
    if options.pattern is not None:
        names = [n for n in names if stringmatchlen(options.pattern, n)]
    items = [item for name in names for item in reply_for(name)]
    c.add_reply(b"*2\r\n" + resp.bulk(b"%d" % cursor)
                + resp.bulk_array(items))
# --8<-- [end:scan_generic]


# --8<-- [start:scan_compact]
def scan_compact(c, elements: list[bytes], options: ScanOptions,
                 pairs: bool) -> None:
    """Reply with every element of a compact value and cursor 0, whatever
    the cursor and COUNT. Mirrors scanGenericCommand() for a value that
    is not a hash table (a listpack, an intset): it is small, so one call
    returns it all and no cursor needs to be kept.

    With `pairs`, `elements` is field, value, field, value...: MATCH
    tests the field, and a value goes or stays with its field.
    """
    pattern = options.pattern
    if pattern is not None and pairs:
        kept = []
        for name, value in zip(elements[::2], elements[1::2]):
            if stringmatchlen(pattern, name):
                kept += (name, value)
        elements = kept
    elif pattern is not None:
        elements = [name for name in elements
                    if stringmatchlen(pattern, name)]
    c.add_reply(b"*2\r\n$1\r\n0\r\n" + resp.bulk_array(elements))
# --8<-- [end:scan_compact]


# --8<-- [start:scan_next_names]
def scan_next_names(cursor: int, source: dict | set,
                    count: int) -> tuple[list[bytes], int]:
    """The names this call looks at, and the cursor for the next call
    (0 when the scan is complete)."""
    scan_id, position = divmod(cursor, 2**SCAN_POSITION_BITS)
    snapshot = scan_table.find(scan_id, source)
    if snapshot is None:  # a new scan, or one whose snapshot is gone
        if len(source) <= count:
            return list(source), 0  # small: all of it in one reply
        scan_id, position = scan_table.add(source), 0
        snapshot = scan_table.snapshots[scan_id]
    end = position + count
    if end >= len(snapshot.names):
        scan_table.remove(scan_id)
        return snapshot.names[position:], 0
    return snapshot.names[position:end], scan_id << SCAN_POSITION_BITS | end
# --8<-- [end:scan_next_names]


@command("scan", -2, "readonly", acl="keyspace", group="generic",
         since="2.8.0", synopsis="cursor [MATCH pattern] [COUNT count] "
         "[TYPE type]", complexity="O(1) for every call, O(N) in all",
         summary="Iterate over the keys, a few per call")
def scan_command(c) -> None:
    """Mirrors scanCommand()."""
    cursor = parse_scan_cursor(c.argv[1])
    options = parse_scan_options(c.argv[2:], keyspace=True)
    db = c.db

    def key_if_wanted(key: bytes) -> tuple[bytes, ...]:
        # Only TYPE reads the value: a lookup that INFO counts. Without
        # it, the key is just expired if its time has come. Neither is an
        # access: the value's LRU clock is left alone.
        if options.type is None:
            value = lookup_key(db, key, None, LOOKUP_NOTOUCH)
        else:
            value = lookup_key_read(db, key, None, LOOKUP_NOTOUCH)
        if value is None or options.type not in (
                None, type_name(value).encode()):
            return ()
        return (key,)
    scan_generic(c, cursor, db.dict, options, key_if_wanted)


@command("dbsize", 1, "readonly fast", acl="keyspace", group="server",
         since="1.0.0", summary="Count the keys of the current database")
def dbsize_command(c) -> None:
    c.add_reply(resp.integer(len(c.db.dict)))


@command("type", 2, "readonly fast", acl="keyspace", group="generic",
         since="1.0.0", synopsis="key", keys=(1, 1, 1),
         summary="Name the type of the value at a key")
def type_command(c) -> None:
    """Mirrors typeCommand(): "none" for a missing key. No access."""
    value = lookup_key_read(c.db, c.argv[1], None, LOOKUP_NOTOUCH)
    c.add_reply(resp.simple("none" if value is None else type_name(value)))


@command("rename", 3, "write", acl="keyspace", group="generic",
         since="1.0.0", synopsis="key newkey", keys=(1, 2, 1),
         summary="Give a key another name, replacing any key there")
def rename_command(c) -> None:
    rename_generic_command(c, nx=False)


@command("renamenx", 3, "write fast", acl="keyspace", group="generic",
         since="1.0.0", synopsis="key newkey", keys=(1, 2, 1),
         summary="Give a key another name, if that name is free")
def renamenx_command(c) -> None:
    rename_generic_command(c, nx=True)


# --8<-- [start:rename_generic_command]
def rename_generic_command(c, nx: bool) -> None:
    """Mirrors renameGenericCommand(): the key must exist, even when the
    new name is the same. The TTL moves with the value; the one the new
    name had goes with its old value."""
    key, newkey = c.argv[1], c.argv[2]
    value = lookup_key_write(c.db, key)
    if value is None:
        raise CommandError("no such key")
    if key == newkey:
        c.add_reply(resp.integer(0) if nx else resp.OK)
        return
    if lookup_key_write(c.db, newkey) is not None:
        if nx:
            c.add_reply(resp.integer(0))
            return
        db_delete(c.db, newkey)
    when = get_expire(c.db, key)
    db_add(c.db, newkey, value)
    if when != -1:
        set_expire(c.db, newkey, when)
    db_delete(c.db, key)
    signal_modified_key(c.db, key)
    signal_modified_key(c.db, newkey)
    c.server.dirty += 1
    notify_keyspace_event(c.server, NOTIFY_GENERIC, b"rename_from", key,
                          c.db.id)
    notify_keyspace_event(c.server, NOTIFY_GENERIC, b"rename_to", newkey,
                          c.db.id)
    c.add_reply(resp.integer(1) if nx else resp.OK)
# --8<-- [end:rename_generic_command]


@command("move", 3, "write fast", acl="keyspace", group="generic",
         since="1.0.0", synopsis="key db", keys=(1, 1, 1),
         summary="Move a key to another database, if the name is free there")
def move_command(c) -> None:
    """Mirrors moveCommand()."""
    dst = select_db(c, get_int(c.argv[2]))
    if dst is c.db:
        raise CommandError("source and destination objects are the same")
    key = c.argv[1]
    value = lookup_key_write(c.db, key)
    if value is None or lookup_key_write(dst, key) is not None:
        c.add_reply(resp.integer(0))
        return
    when = get_expire(c.db, key)
    db_add(dst, key, value)
    if when != -1:
        set_expire(dst, key, when)
    db_delete(c.db, key)
    signal_modified_key(c.db, key)
    signal_modified_key(dst, key)
    c.server.dirty += 1
    notify_keyspace_event(c.server, NOTIFY_GENERIC, b"move_from", key,
                          c.db.id)
    notify_keyspace_event(c.server, NOTIFY_GENERIC, b"move_to", key, dst.id)
    c.add_reply(resp.integer(1))


# --8<-- [start:copy_command]
@command("copy", -3, "write denyoom", acl="keyspace", group="generic",
         since="6.2.0", synopsis="source destination [DB destination-db] "
         "[REPLACE]", keys=(1, 2, 1), complexity="O(N) worst case for "
         "collections, where N is the number of nested items. O(1) for "
         "string values.", summary="Copy a key's value to another key")
def copy_command(c) -> None:
    """Mirrors copyCommand(): the options first, then the keys. The copy
    shares nothing with the source, so a later change to one never
    shows in the other. It dies when the source does: same TTL."""
    dst, replace = parse_copy_options(c)
    key, newkey = c.argv[1], c.argv[2]
    if dst is c.db and key == newkey:
        raise CommandError("source and destination objects are the same")
    value = lookup_key_read(c.db, key)
    if value is None:
        c.add_reply(resp.integer(0))
        return
    when = get_expire(c.db, key)
    if lookup_key_write(dst, newkey) is not None:
        if not replace:
            c.add_reply(resp.integer(0))
            return
        db_delete(dst, newkey)
    db_add(dst, newkey, DUP_FUNCTIONS[value.type](value))
    if when != -1:
        set_expire(dst, newkey, when)
    signal_modified_key(dst, newkey)
    c.server.dirty += 1
    notify_keyspace_event(c.server, NOTIFY_GENERIC, b"copy_to", newkey,
                          dst.id)
    c.add_reply(resp.integer(1))
# --8<-- [end:copy_command]


def parse_copy_options(c) -> tuple[RedisDb, bool]:
    """COPY's destination database and whether to REPLACE."""
    dst, replace = c.db, False
    i = 3
    while i < len(c.argv):
        option = c.argv[i].lower()
        if option == b"replace":
            replace = True
        elif option == b"db" and i + 1 < len(c.argv):
            dst = select_db(c, get_int(c.argv[i + 1]))
            i += 1
        else:
            raise CommandError(SYNTAX_ERROR)
        i += 1
    return dst, replace


@command("swapdb", 3, "write fast", acl="keyspace dangerous",
         group="server", since="4.0.0", synopsis="index1 index2",
         complexity="O(1)", summary="Swap the contents of two databases")
def swapdb_command(c) -> None:
    """Mirrors swapdbCommand() and dbSwapDatabases(): the clients stay
    where they are and see the other database's keys."""
    id1 = get_int(c.argv[1], "invalid first DB index")
    id2 = get_int(c.argv[2], "invalid second DB index")
    db1, db2 = select_db(c, id1), select_db(c, id2)
    if db1 is not db2:
        signal_flushed_db(db1, db2)
        signal_flushed_db(db2, db1)
    db1.dict, db2.dict = db2.dict, db1.dict
    db1.expires, db2.expires = db2.expires, db1.expires
    db1.expire_ring, db2.expire_ring = db2.expire_ring, db1.expire_ring
    db1.avg_ttl, db2.avg_ttl = db2.avg_ttl, db1.avg_ttl
    # The blocked clients stay in their database, which now may hold the
    # key they wait for: dbAdd() never saw it added.
    scan_database_for_ready_keys(db1)
    scan_database_for_ready_keys(db2)
    c.server.dirty += 1
    c.add_reply(resp.OK)


def scan_database_for_ready_keys(db: RedisDb) -> None:
    """Signal every key clients block on that holds a value. Mirrors
    scanDatabaseForReadyKeys()."""
    for key in db.blocking_keys:
        value = db.dict.get(key)
        if value is not None:
            signal_key_as_ready(db, key, value.type)
