"""expire.py: keys with a time to live. Redis: src/expire.c.

A key with a TTL dies in one of two ways. Lazily: every lookup checks its
TTL first (db.expire_if_needed), so an expired key looks missing to every
command. Actively: server_cron calls active_expire_cycle() hz times a
second; it samples keys with a TTL and deletes the expired ones, so that
keys nobody reads again don't hold memory for ever. Then come the
commands that set, read and remove a TTL.

Steps:
  05_expiry     active expiry; EXPIRE, TTL, PERSIST and their variants
  06_encodings  TTL and its variants look without touching (NOTOUCH)
  09_pubsub     keyspace events: expire, persist, and del for a time
                already past
  11_aof        active expiry writes its DELs to the AOF, each alone;
                EXPIRE and its variants are written as PEXPIREAT <ms>,
                or DEL for a time already past (a time already past
                sets it all the same while the AOF is loaded)
"""

import time
from dataclasses import dataclass

import resp
from commands import (
    CommandError,
    command,
    get_long_long,
    propagate_pending_commands,
)
from db import (
    LOOKUP_NOTOUCH,
    db_delete,
    delete_expired_key,
    get_expire,
    lookup_key_read,
    lookup_key_write,
    remove_expire,
    set_expire,
    signal_modified_key,
)
from networking import (
    rewrite_client_command_argument,
    rewrite_client_command_vector,
)
from notify import NOTIFY_GENERIC, notify_keyspace_event

# Redis's constants, unchanged. Python deletes a key some ten times slower
# than C, but at these settings 100,000 keys that die together are still
# all reclaimed about a second after their deadline (make bench measures
# it against Redis): sampling adapts, and 25 ms per tick is a lot of keys.
ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP = 20  # keys sampled per round
ACTIVE_EXPIRE_CYCLE_FAST_DURATION = 1000  # µs a fast cycle may take
ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC = 25  # % of each cron period, at most
ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE = 10  # % expired in a sample: go on
ACTIVE_EXPIRE_CYCLE_SLOW = 0  # from server_cron
ACTIVE_EXPIRE_CYCLE_FAST = 1  # from before_sleep
CRON_DBS_PER_CALL = 16  # databases visited per cycle


def mstime() -> int:
    """The Unix time in milliseconds. Mirrors mstime() in server.c."""
    return time.time_ns() // 1_000_000


def ustime() -> int:
    """A clock in microseconds, to time the cycle (Redis: ustime())."""
    return time.monotonic_ns() // 1000


@dataclass(slots=True)
class ExpireCycleState:
    """What activeExpireCycle() keeps in static variables between calls."""

    current_db: int = 0  # the next database to visit
    timelimit_exit: bool = False  # the last cycle ran out of time
    last_fast_cycle: int = 0  # when the last fast cycle started, µs
    # Totals since the server started, for --trace: cycles run, keys
    # sampled, keys expired, µs spent.
    totals: tuple[int, int, int, int] = (0, 0, 0, 0)


# --8<-- [start:active_expire_cycle]
def active_expire_cycle(server, cycle_type: int) -> None:
    """Delete expired keys nobody looks up. Mirrors activeExpireCycle().

    Visit the databases in turn; in each, sample keys with a TTL and
    delete the expired ones, and sample again while more than 10% of a
    sample was expired: many are probably still waiting. Stop when the
    time is up: 25% of a cron period for the slow cycle, 1 ms for the
    fast one, which before_sleep runs only after a slow cycle ran out of
    time. The cost adapts to the work: few expired keys, little CPU.

    The DELs of the keys it deletes are written to the AOF at the end,
    each on its own: no MULTI ... EXEC (server.propagate_no_multi).
    """
    state, start = server.expire_cycle, ustime()
    if cycle_type == ACTIVE_EXPIRE_CYCLE_FAST and not fast_cycle_due(
            server, start):
        return
    timelimit = (ACTIVE_EXPIRE_CYCLE_FAST_DURATION
                 if cycle_type == ACTIVE_EXPIRE_CYCLE_FAST else
                 max(1, ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC * 1_000_000
                     // server.hz // 100))
    dbs_per_call = min(CRON_DBS_PER_CALL, len(server.db))
    if state.timelimit_exit:
        dbs_per_call = len(server.db)  # there is work: visit them all
    state.timelimit_exit = False
    sampled = expired = iteration = 0
    server.propagate_no_multi = True
    for _ in range(dbs_per_call):
        db = server.db[state.current_db % len(server.db)]
        state.current_db += 1
        while db.expires:
            iteration += 1
            s, e = expire_sample(db, mstime())
            sampled, expired = sampled + s, expired + e
            if iteration % 16 == 0 and ustime() - start > timelimit:
                state.timelimit_exit = True
                server.stat_expired_time_cap_reached_count += 1
                break
            if s and e * 100 // s <= ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE:
                break  # few stale keys left here: next database
        if not db.expires:
            db.avg_ttl = 0
            db.expire_ring.clear()
        if state.timelimit_exit:
            break
    propagate_pending_commands(server)
    server.propagate_no_multi = False
    record_expire_cycle(server, sampled, expired, ustime() - start)
# --8<-- [end:active_expire_cycle]


# --8<-- [start:fast_cycle_due]
def fast_cycle_due(server, start: int) -> bool:
    """Mirrors the guard at the top of activeExpireCycle() for a fast
    cycle: only if the last cycle ran out of time (Redis compares the
    stale fraction, 0..1, with 10, so that alone never starts one), and
    not twice within two fast-cycle durations."""
    state = server.expire_cycle
    if (not state.timelimit_exit and server.stat_expired_stale_perc
            < ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE):
        return False
    if start < state.last_fast_cycle + 2 * ACTIVE_EXPIRE_CYCLE_FAST_DURATION:
        return False
    state.last_fast_cycle = start
    return True
# --8<-- [end:fast_cycle_due]


def record_expire_cycle(server, sampled: int, expired: int,
                        elapsed: int) -> None:
    """Update the statistics INFO shows, as the end of the cycle does."""
    server.stat_expire_cycle_time_used += elapsed
    current = expired / sampled if sampled else 0
    server.stat_expired_stale_perc = (current * 0.05
                                      + server.stat_expired_stale_perc * 0.95)
    cycles, total_sampled, total_expired, total_us = server.expire_cycle.totals
    server.expire_cycle.totals = (cycles + 1, total_sampled + sampled,
                                  total_expired + expired, total_us + elapsed)


# --8<-- [start:expire_sample]
def expire_sample(db, now: int) -> tuple[int, int]:
    """Check up to 20 keys with a TTL, delete the expired ones; return
    (sampled, expired).

    Redis walks the buckets of db->expires from a cursor. We walk
    db.expire_ring, the keys with a TTL in a ring: a live key goes back
    to the end, an expired one is deleted, and an entry whose key has no
    TTL any more (PERSIST, DEL) is dropped. Like Redis's bucket walk, it
    gives up after looking at 20 entries per key it wanted.
    """
    # BEGIN EXERCISE 05-active-expire
    ring, expires = db.expire_ring, db.expires
    wanted = min(len(expires), ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP)
    sampled = expired = ttl_sum = 0
    for _ in range(wanted * 20):
        if sampled == wanted or not ring:
            break
        key = ring.popleft()
        when = expires.get(key)
        if when is None:
            continue  # it lost its TTL since it joined the ring
        sampled += 1
        if now > when:
            delete_expired_key(db, key)
            expired += 1
        else:
            ring.append(key)
            ttl_sum += when - now
    # END EXERCISE 05-active-expire
    update_avg_ttl(db, ttl_sum, sampled - expired)
    return sampled, expired
# --8<-- [end:expire_sample]


def update_avg_ttl(db, ttl_sum: int, ttl_samples: int) -> None:
    """A running average of the TTLs seen (INFO keyspace's avg_ttl),
    each sample weighing 2%, as activeExpireCycle() computes it."""
    if ttl_samples:
        avg = ttl_sum // ttl_samples
        if db.avg_ttl == 0:
            db.avg_ttl = avg
        db.avg_ttl = db.avg_ttl // 50 * 49 + avg // 50


def check_already_expired(server, when: int) -> bool:
    """Mirrors checkAlreadyExpired(): a time in the past deletes the key
    at once instead of setting a TTL; not while the AOF is loaded, where
    the key stays, with its time, for the file's later commands."""
    return when <= mstime() and not server.loading


# The commands. Mirrors the second half of expire.c.

EXPIRE_NX, EXPIRE_XX, EXPIRE_GT, EXPIRE_LT = 1, 2, 4, 8
EXPIRE_FLAGS = {b"nx": EXPIRE_NX, b"xx": EXPIRE_XX, b"gt": EXPIRE_GT,
                b"lt": EXPIRE_LT}


def parse_extended_expire_arguments(args: list[bytes]) -> int:
    """Read NX, XX, GT and LT. Mirrors
    parseExtendedExpireArgumentsOrReply()."""
    flags = 0
    for arg in args:
        flag = EXPIRE_FLAGS.get(arg.lower())
        if flag is None:
            raise CommandError(b"Unsupported option %s" % resp.c_string(arg))
        flags |= flag
    if flags & EXPIRE_NX and flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT):
        raise CommandError("NX and XX, GT or LT options at the same time "
                           "are not compatible")
    if flags & EXPIRE_GT and flags & EXPIRE_LT:
        raise CommandError("GT and LT options at the same time are not "
                           "compatible")
    return flags


# --8<-- [start:expire_generic_command]
def expire_generic_command(c, basetime: int, seconds: bool) -> None:
    """Mirrors expireGenericCommand(), for EXPIRE, PEXPIRE, EXPIREAT and
    PEXPIREAT: `basetime` is now for the relative ones, 0 for *AT.

    Replies 1 when the TTL was set, 0 when there is no key or NX/XX/GT/LT
    said no. A time already past deletes the key, and still replies 1.

    The AOF gets PEXPIREAT with the absolute time in ms (the options
    kept): a relative time would mean another moment when the file is
    loaded. A time already past is written as the DEL it did.
    """
    key = c.argv[1]
    flags = parse_extended_expire_arguments(c.argv[3:])
    when = get_long_long(c.argv[2])
    if seconds:
        if abs(when) > resp.LLONG_MAX // 1000:  # C's LLONG_MIN/1000 too
            raise CommandError(expire_time_error(c))
        when *= 1000
    if when > resp.LLONG_MAX - basetime:
        raise CommandError(expire_time_error(c))
    when += basetime
    if lookup_key_write(c.db, key) is None:
        c.add_reply(resp.integer(0))
        return
    if not expire_allowed(get_expire(c.db, key), when, flags):
        c.add_reply(resp.integer(0))
        return
    if check_already_expired(c.server, when):
        db_delete(c.db, key)
        c.server.dirty += 1
        rewrite_client_command_vector(c, b"DEL", key)
        signal_modified_key(c.db, key)
        notify_keyspace_event(c.server, NOTIFY_GENERIC, b"del", key, c.db.id)
        c.add_reply(resp.integer(1))
        return
    set_expire(c.db, key, when)
    c.add_reply(resp.integer(1))  # before the event, as in Redis
    if basetime or seconds:  # all but PEXPIREAT, whose argv says it
        rewrite_client_command_argument(c, 0, b"PEXPIREAT")
        rewrite_client_command_argument(c, 2, b"%d" % when)
    signal_modified_key(c.db, key)
    c.server.dirty += 1
    notify_keyspace_event(c.server, NOTIFY_GENERIC, b"expire", key, c.db.id)
# --8<-- [end:expire_generic_command]


def expire_allowed(current: int, when: int, flags: int) -> bool:
    """NX, XX, GT, LT against the key's current TTL (-1: none). No TTL
    counts as infinite: GT never beats it, LT always does."""
    if flags & EXPIRE_NX and current != -1:
        return False
    if flags & EXPIRE_XX and current == -1:
        return False
    if flags & EXPIRE_GT and (current == -1 or when <= current):
        return False
    return not (flags & EXPIRE_LT and current != -1 and when >= current)


def expire_time_error(c) -> str:
    """Mirrors addReplyErrorExpireTime()."""
    return f"invalid expire time in '{c.cmd.fullname}' command"


EXPIRE_SYNOPSIS = " [NX | XX | GT | LT]"


@command("expire", -3, "write fast", acl="keyspace", group="generic",
         since="1.0.0", synopsis="key seconds" + EXPIRE_SYNOPSIS,
         keys=(1, 1, 1), summary="Give a key a time to live, in seconds")
def expire_command(c) -> None:
    expire_generic_command(c, mstime(), seconds=True)


@command("pexpire", -3, "write fast", acl="keyspace", group="generic",
         since="2.6.0", synopsis="key milliseconds" + EXPIRE_SYNOPSIS,
         keys=(1, 1, 1), summary="Give a key a time to live, in ms")
def pexpire_command(c) -> None:
    expire_generic_command(c, mstime(), seconds=False)


@command("expireat", -3, "write fast", acl="keyspace", group="generic",
         since="1.2.0", synopsis="key unix-time-seconds" + EXPIRE_SYNOPSIS,
         keys=(1, 1, 1), summary="Make a key die at a Unix time in seconds")
def expireat_command(c) -> None:
    expire_generic_command(c, 0, seconds=True)


@command("pexpireat", -3, "write fast", acl="keyspace", group="generic",
         since="2.6.0", keys=(1, 1, 1),
         synopsis="key unix-time-milliseconds" + EXPIRE_SYNOPSIS,
         summary="Make a key die at a Unix time in milliseconds")
def pexpireat_command(c) -> None:
    expire_generic_command(c, 0, seconds=False)


# --8<-- [start:ttl_generic_command]
def ttl_generic_command(c, output_ms: bool, output_abs: bool) -> None:
    """Mirrors ttlGenericCommand(), for TTL, PTTL, EXPIRETIME and
    PEXPIRETIME: -2 if there is no key, -1 if it has no TTL. Seconds are
    rounded to the nearest one: 1.5 s left reads as TTL 2. Asking is no
    access: the key's LRU clock is left alone."""
    # BEGIN EXERCISE 05-ttl
    if lookup_key_read(c.db, c.argv[1], None, LOOKUP_NOTOUCH) is None:
        c.add_reply(resp.integer(-2))
        return
    when = get_expire(c.db, c.argv[1])
    if when == -1:
        c.add_reply(resp.integer(-1))
        return
    ttl = max(0, when if output_abs else when - mstime())
    c.add_reply(resp.integer(ttl if output_ms else (ttl + 500) // 1000))
    # END EXERCISE 05-ttl
# --8<-- [end:ttl_generic_command]


@command("ttl", 2, "readonly fast", acl="keyspace", group="generic",
         since="1.0.0", synopsis="key", keys=(1, 1, 1),
         summary="Seconds a key has left to live")
def ttl_command(c) -> None:
    ttl_generic_command(c, output_ms=False, output_abs=False)


@command("pttl", 2, "readonly fast", acl="keyspace", group="generic",
         since="2.6.0", synopsis="key", keys=(1, 1, 1),
         summary="Milliseconds a key has left to live")
def pttl_command(c) -> None:
    ttl_generic_command(c, output_ms=True, output_abs=False)


@command("expiretime", 2, "readonly fast", acl="keyspace",
         group="generic", since="7.0.0", synopsis="key", keys=(1, 1, 1),
         summary="The Unix time in seconds at which a key dies")
def expiretime_command(c) -> None:
    ttl_generic_command(c, output_ms=False, output_abs=True)


@command("pexpiretime", 2, "readonly fast", acl="keyspace",
         group="generic", since="7.0.0", synopsis="key", keys=(1, 1, 1),
         summary="The Unix time in milliseconds at which a key dies")
def pexpiretime_command(c) -> None:
    ttl_generic_command(c, output_ms=True, output_abs=True)


@command("persist", 2, "write fast", acl="keyspace", group="generic",
         since="2.2.0", synopsis="key", keys=(1, 1, 1),
         summary="Remove a key's time to live")
def persist_command(c) -> None:
    """Mirrors persistCommand(): 1 if a TTL was removed."""
    removed = (lookup_key_write(c.db, c.argv[1]) is not None
               and remove_expire(c.db, c.argv[1]))
    if removed:
        signal_modified_key(c.db, c.argv[1])
        c.server.dirty += 1
        notify_keyspace_event(c.server, NOTIFY_GENERIC, b"persist",
                              c.argv[1], c.db.id)
    c.add_reply(resp.integer(1 if removed else 0))
