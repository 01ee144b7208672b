"""notify.py: keyspace events, told through pub/sub. Redis: src/notify.c.

A command that changes a key can tell the world: each place in the
server that changes a key calls notify_keyspace_event() with what
happened ("set", "lpush", "del", "expired"...) and the event's class
(a string command, a list command, a generic one...). If the class is
on in notify-keyspace-events, the event is published on two channels:

    __keyspace@<db>__:<key>    message: the event    (class K)
    __keyevent@<db>__:<event>  message: the key      (class E)

so a client can follow one key, or one kind of event, with SUBSCRIBE
or PSUBSCRIBE. Nothing is kept for a client that is not listening: an
event with no subscriber is lost, as any pub/sub message is.

The configuration is a string of class letters (CONFIG SET
notify-keyspace-events KEA), kept as bit flags, so that the test each
call site makes when the class is off costs one AND of two integers.

Steps:
  09_pubsub     the classes of notify-keyspace-events, and the events of
                every command (keymiss, new, expired included)

Simplified: Redis also hands each event to the modules that asked for
it, whatever the configuration says; there are no modules here. The
classes of streams (t), of modules (d) and of evicted keys (e) can be
set, but nothing here fires them: there are no streams, no modules,
and nothing is ever evicted.
"""

import resp
from pubsub import pubsub_publish_message

# The classes, as bits. Mirrors NOTIFY_* in server.h (Redis also has
# NOTIFY_LOADED, 1 << 12, which only modules see: it has no letter).
NOTIFY_KEYSPACE = 1 << 0  # K: publish on __keyspace@<db>__:<key>
NOTIFY_KEYEVENT = 1 << 1  # E: publish on __keyevent@<db>__:<event>
NOTIFY_GENERIC = 1 << 2  # g: DEL, EXPIRE, RENAME... whatever the type
NOTIFY_STRING = 1 << 3  # $
NOTIFY_LIST = 1 << 4  # l
NOTIFY_SET = 1 << 5  # s
NOTIFY_HASH = 1 << 6  # h
NOTIFY_ZSET = 1 << 7  # z
NOTIFY_EXPIRED = 1 << 8  # x: a key deleted because its time came
NOTIFY_EVICTED = 1 << 9  # e: a key deleted to free memory
NOTIFY_STREAM = 1 << 10  # t
NOTIFY_KEY_MISS = 1 << 11  # m: a read that found no key (not in A)
NOTIFY_MODULE = 1 << 13  # d: events of module types
NOTIFY_NEW = 1 << 14  # n: a key created (not in A either)
# A: every class of event, but for keymiss and new, which fire so often
# (every read of a missing key, every key created) that they must be
# asked for by name.
NOTIFY_ALL = (NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET
              | NOTIFY_HASH | NOTIFY_ZSET | NOTIFY_EXPIRED | NOTIFY_EVICTED
              | NOTIFY_STREAM | NOTIFY_MODULE)

# The letter of each class, in the order keyspace_events_flags_to_string()
# prints them: the event classes first, then K, E and m.
CLASS_LETTERS = {
    ord("A"): NOTIFY_ALL, ord("g"): NOTIFY_GENERIC, ord("$"): NOTIFY_STRING,
    ord("l"): NOTIFY_LIST, ord("s"): NOTIFY_SET, ord("h"): NOTIFY_HASH,
    ord("z"): NOTIFY_ZSET, ord("x"): NOTIFY_EXPIRED,
    ord("e"): NOTIFY_EVICTED, ord("K"): NOTIFY_KEYSPACE,
    ord("E"): NOTIFY_KEYEVENT, ord("t"): NOTIFY_STREAM,
    ord("m"): NOTIFY_KEY_MISS, ord("d"): NOTIFY_MODULE,
    ord("n"): NOTIFY_NEW,
}
EVENT_CLASSES = (  # what A stands for, and n, in Redis's order
    (b"g", NOTIFY_GENERIC), (b"$", NOTIFY_STRING), (b"l", NOTIFY_LIST),
    (b"s", NOTIFY_SET), (b"h", NOTIFY_HASH), (b"z", NOTIFY_ZSET),
    (b"x", NOTIFY_EXPIRED), (b"e", NOTIFY_EVICTED), (b"t", NOTIFY_STREAM),
    (b"d", NOTIFY_MODULE), (b"n", NOTIFY_NEW),
)
CHANNEL_CLASSES = ((b"K", NOTIFY_KEYSPACE), (b"E", NOTIFY_KEYEVENT),
                   (b"m", NOTIFY_KEY_MISS))


# --8<-- [start:keyspace_events_string_to_flags]
def keyspace_events_string_to_flags(classes: bytes) -> int | None:
    """The flags of a string of class letters, or None if a character
    is no class. Mirrors keyspaceEventsStringToFlags(): the letters may
    come in any order and any number of times, and, as in C, the string
    ends at a NUL byte."""
    flags = 0
    for char in resp.c_string(classes):
        flag = CLASS_LETTERS.get(char)
        if flag is None:
            return None
        flags |= flag
    return flags
# --8<-- [end:keyspace_events_string_to_flags]


# --8<-- [start:keyspace_events_flags_to_string]
def keyspace_events_flags_to_string(flags: int) -> bytes:
    """The letters CONFIG GET shows for the flags. Mirrors
    keyspaceEventsFlagsToString(): "A" when every class A stands for is
    on (then "n" is not shown, even if it is on), else one letter per
    class; then K, E and m. So "KEA" reads back as "AKE", "Ex" as "xE"."""
    if flags & NOTIFY_ALL == NOTIFY_ALL:
        letters = [b"A"]
    else:
        letters = [letter for letter, flag in EVENT_CLASSES if flags & flag]
    letters += [letter for letter, flag in CHANNEL_CLASSES if flags & flag]
    return b"".join(letters)
# --8<-- [end:keyspace_events_flags_to_string]


# --8<-- [start:notify_keyspace_event]
def notify_keyspace_event(server, type: int, event: bytes, key: bytes,
                          dbid: int) -> None:
    """Publish `event` on `key` of database `dbid`, if its class `type`
    is on. Mirrors notifyKeyspaceEvent().

    Every command that writes calls this, so the common case, the class
    off (the default: no class is on), returns after one test. The
    keyspace channel carries the event, the keyevent channel the key.
    """
    # BEGIN EXERCISE 09-notify-keyspace-event
    flags = server.notify_keyspace_events
    if not flags & type:
        return
    if flags & NOTIFY_KEYSPACE:
        pubsub_publish_message(
            server, b"__keyspace@%d__:%s" % (dbid, key), event)
    if flags & NOTIFY_KEYEVENT:
        pubsub_publish_message(
            server, b"__keyevent@%d__:%s" % (dbid, event), key)
    # END EXERCISE 09-notify-keyspace-event
# --8<-- [end:notify_keyspace_event]
