"""db.py: the keyspace. Redis: src/db.c.

A Redis server holds 16 numbered databases; each maps keys to values, and
a client works in one of them at a time (SELECT). Every command reaches
its keys through the lookups here, which is where the value's type is
checked: a list command on a string gets WRONGTYPE, from one place.

Values are plain Python objects, one type per Redis type:
  string  bytes         list  collections.deque     hash  dict
  set     set           zset  t_zset.ZSet (a dict plus a skiplist)

Steps:
  04_datatypes  databases, lookups, type checks, the keyspace commands

Simplified: Redis wraps every value in a robj (type, encoding, LRU clock,
refcount) and picks a compact encoding for small ones (listpack, intset);
here the Python object is the value, and its class is its type.
"""

# The field named "dict" (Redis's name) would shadow the type in the
# annotations below: keep them as strings.
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import resp
from commands import WRONGTYPE, CommandError, command, get_int

# The name TYPE replies with, by Python class; t_zset.py adds ZSet.
TYPE_NAMES: dict[type, str] = {bytes: "string", deque: "list", dict: "hash",
                               set: "set"}


@dataclass(slots=True)
class RedisDb:
    """One numbered database. Mirrors struct redisDb in server.h."""

    id: int
    dict: dict[bytes, object] = field(default_factory=dict)  # the keyspace


def type_name(value: object) -> str:
    return TYPE_NAMES[type(value)]


# --8<-- [start:lookup_key]
def lookup_key(db: RedisDb, key: bytes, kind: type | None) -> object | None:
    """The value at `key`, or None. Mirrors lookupKey() and checkType().

    With `kind`, a value of another type raises WRONGTYPE: every command
    that expects a type checks it here, the same way.
    """
    value = db.dict.get(key)
    if value is not None and kind is not None and type(value) is not kind:
        raise CommandError(WRONGTYPE)
    return value
# --8<-- [end:lookup_key]


def lookup_key_read(db: RedisDb, key: bytes,
                    kind: type | None = None) -> object | None:
    """Look up a key to read it. Mirrors lookupKeyRead()."""
    return lookup_key(db, key, kind)


def lookup_key_write(db: RedisDb, key: bytes,
                     kind: type | None = None) -> object | None:
    """Look up a key about to be changed. Mirrors lookupKeyWrite()."""
    return lookup_key(db, key, kind)


def db_add(db: RedisDb, key: bytes, value: object) -> None:
    """Add a key that does not exist yet. Mirrors dbAdd()."""
    db.dict[key] = value


def set_key(db: RedisDb, key: bytes, value: object) -> None:
    """Add a key or replace its value, whatever its type. Mirrors setKey()."""
    db.dict[key] = value


def db_delete(db: RedisDb, key: bytes) -> bool:
    """Remove a key; True if it existed. Mirrors dbDelete()."""
    return db.dict.pop(key, None) is not None


@command("select", 2, "loading stale fast", acl="connection",
         group="connection", since="1.0.0", synopsis="index",
         summary="Switch this connection to another database")
def select_command(c) -> None:
    """Mirrors selectCommand() in db.c."""
    index = get_int(c.argv[1])
    if not 0 <= index < len(c.server.db):
        raise CommandError("DB index is out of range")
    c.db = c.server.db[index]
    c.add_reply(resp.OK)
