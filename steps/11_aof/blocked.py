"""blocked.py: clients that wait for a key. Redis: src/blocked.c, and the
timeout table of src/timeout.c.

BLPOP on an empty list does not reply: the client is blocked. It goes
into the table of the keys it waits on (db.blocking_keys: key -> its
clients, first come first), and into the table of timeouts if it will
give up some day; its flag CLIENT_BLOCKED stops the input loop from
reading its next request. Nothing else happens to it, and the loop
serves every other client meanwhile: a waiting client costs a few table
entries, not a thread.

Three things end the wait:
  a key to serve it   a write creates the list or sorted set (db_add()
                      signals it, db.py); after that command,
                      handle_clients_blocked_on_keys() serves the clients
                      in the order they blocked
  its timeout         before_sleep() runs handle_blocked_clients_timeout()
                      every turn: a null reply. One timer, kept at the
                      earliest deadline, wakes the loop for it
  CLIENT UNBLOCK      from another client (networking.py): a null reply,
                      or an error
Once unblocked, a client is queued in server.unblocked_clients, and
before_sleep() runs the requests that waited in its query buffer.

Steps:
  07_blocking   BLPOP, BRPOP, BRPOPLPUSH, BLMOVE, BLMPOP (t_list.py),
                BZPOPMIN, BZPOPMAX, BZMPOP (t_zset.py); ready keys,
                timeouts (and the timer that wakes the loop for
                them), CLIENT UNBLOCK
  08_multi      a command EXEC runs cannot block: it times out at once
  11_aof        each client served has its pop written to the AOF, as the
                LPOP, RPOP, LMOVE or ZPOPMIN it amounts to (t_list.py,
                t_zset.py queue it; after_command() writes it)

Simplified: Redis keeps the timeouts in a radix tree ordered by deadline
(server.clients_timeout_table); a sorted Python list does here. Redis
also blocks clients on streams (XREAD), for replicas (WAIT) and for
modules, where we block only on lists and sorted sets.
"""

import math
import time
from bisect import bisect_left, insort
from collections.abc import Callable

import resp
from ae import AE_NOMORE, ae_create_time_event, ae_delete_time_event
from commands import (
    CLIENT_DENY_BLOCKING,
    CommandError,
    after_command,
    get_long_double,
    propagate_pending_commands,
)
from db import BLOCKED_TYPE_BY_TYPE, RedisDb, lookup_key
from expire import mstime
from networking import (
    BLOCKED_NONE,
    CLIENT_BLOCKED,
    CLIENT_UNBLOCKED,
    Client,
    process_input_buffer,
    reset_client,
)
from util import round_to_long_double

# How to serve one client blocked on a value of each type: t_list.py and
# t_zset.py add theirs. The function pops what the client waits for,
# replies, and returns True if that emptied (and so deleted) the key.
# Mirrors the choice by type in handleClientsBlockedOnKeys().
SERVE_CLIENT_BLOCKED_ON_KEY: dict[int, Callable[[Client, object, bytes],
                                                bool]] = {}


# --8<-- [start:get_timeout]
def get_timeout(arg: bytes) -> int:
    """Read a timeout in seconds; return when it expires, in Unix ms, or
    0 for never. Mirrors getTimeoutFromObjectOrReply() in timeout.c.

    The seconds are a long double, turned into whole milliseconds upwards
    (0.0001 waits 1 ms, -0.0001 forever). C's cast of a value too big for
    a long long, infinities included, gives a negative number, hence
    Redis's "timeout is negative" for 1e300 and inf.
    """
    # BEGIN EXERCISE 07-get-timeout
    seconds = get_long_double(arg, "timeout is not a float or out of range")
    ms = resp.LLONG_MIN
    if not isinstance(seconds, float):  # a float here is +-inf
        ms = math.ceil(round_to_long_double(seconds * 1000))
    if not resp.LLONG_MIN <= ms <= resp.LLONG_MAX:
        ms = resp.LLONG_MIN
    if ms < 0:
        raise CommandError("timeout is negative")
    return ms + mstime() if ms > 0 else 0
    # END EXERCISE 07-get-timeout
# --8<-- [end:get_timeout]


# --8<-- [start:block_for_keys]
def block_for_keys(c: Client, btype: int, keys: list[bytes], count: int,
                   timeout: int, target: bytes | None = None,
                   wherefrom: int = 0, whereto: int = 0) -> None:
    """Block the client until one of `keys` can serve it, or `timeout`.

    Mirrors blockForKeys(). The client is added at the end of each key's
    queue of waiting clients, so they are served first come first. A key
    named twice is waited on once.

    Inside EXEC a client cannot block (CLIENT_DENY_BLOCKING): it gets
    the reply of a timeout at once, a null for BLMOVE and BRPOPLPUSH, a
    null array for the others. Redis makes this check in each blocking
    command, just before it calls blockForKeys().
    """
    if c.flags & CLIENT_DENY_BLOCKING:
        c.add_reply(resp.null(c.resp) if target is not None
                    else resp.null_array(c.resp))
        return
    # BEGIN EXERCISE 07-block-for-keys
    bpop = c.bpop
    bpop.count, bpop.timeout, bpop.target = count, timeout, target
    bpop.wherefrom, bpop.whereto = wherefrom, whereto
    for key in keys:
        if key in bpop.keys:
            continue
        bpop.keys[key] = None
        c.db.blocking_keys.setdefault(key, {})[c] = None
    block_client(c, btype)
    # END EXERCISE 07-block-for-keys
# --8<-- [end:block_for_keys]


def block_client(c: Client, btype: int) -> None:
    """Flag the client as blocked and count it. Mirrors blockClient()."""
    c.flags |= CLIENT_BLOCKED
    c.btype = btype
    c.server.blocked_clients += 1
    c.server.blocked_clients_by_type[btype] += 1
    add_client_to_timeout_table(c)


# --8<-- [start:unblock_client]
def unblock_client(c: Client) -> None:
    """Take the client out of every table and queue it to read its input
    again. Mirrors unblockClient() and unblockClientWaitingData().

    Whoever calls this has already replied: with what it waited for, a
    null for a timeout, or an error.
    """
    for key in c.bpop.keys:
        waiting = c.db.blocking_keys[key]
        del waiting[c]
        if not waiting:  # no empty queues left behind
            del c.db.blocking_keys[key]
    c.bpop.keys.clear()
    c.bpop.target = None
    c.server.blocked_clients -= 1
    c.server.blocked_clients_by_type[c.btype] -= 1
    c.flags &= ~CLIENT_BLOCKED
    c.btype = BLOCKED_NONE
    reset_client(c)  # its command is over only now
    remove_client_from_timeout_table(c)
    queue_client_for_reprocessing(c)
# --8<-- [end:unblock_client]


def queue_client_for_reprocessing(c: Client) -> None:
    """Have before_sleep() read what waited in the client's query buffer.
    Mirrors queueClientForReprocessing(): without it, those requests
    would wait for the client to send something more."""
    if not c.flags & CLIENT_UNBLOCKED:
        c.flags |= CLIENT_UNBLOCKED
        c.server.unblocked_clients.append(c)


def process_unblocked_clients(server) -> None:
    """Run the requests that waited behind a blocking command. Mirrors
    processUnblockedClients(), called by before_sleep()."""
    while server.unblocked_clients:
        c = server.unblocked_clients.pop(0)
        c.flags &= ~CLIENT_UNBLOCKED
        if not c.flags & CLIENT_BLOCKED:  # it may have blocked again
            process_input_buffer(c)


def reply_to_blocked_client_timed_out(c: Client) -> None:
    """Mirrors replyToBlockedClientTimedOut(): a null array, for lists
    and sorted sets alike, even for BLMOVE, whose data reply is a bulk."""
    c.add_reply(resp.null_array(c.resp))


def update_stats_on_unblock(c: Client, reply_us: int,
                            had_errors: bool) -> None:
    """Add the time its reply took to the command's INFO commandstats,
    and count an error. Mirrors updateStatsOnUnblock(); the call itself
    was counted when the command blocked."""
    c.cmd.microseconds += reply_us
    if had_errors:
        c.cmd.failed_calls += 1


# The table of timeouts. Mirrors timeout.c.

def add_client_to_timeout_table(c: Client) -> None:
    """Mirrors addClientToTimeoutTable(): only a client with a timeout.
    Entries are (deadline, client id), in order, so the ones due first
    are at the front. A new earliest deadline moves the timer."""
    if not c.bpop.timeout:
        return
    table = c.server.clients_timeout_table
    entry = (c.bpop.timeout, c.id)
    insort(table, entry)
    if table[0] == entry or c.server.clients_timeout_timer == -1:
        set_clients_timeout_timer(c.server)


def remove_client_from_timeout_table(c: Client) -> None:
    """Mirrors removeClientFromTimeoutTable(). If the client had the
    earliest deadline, the timer moves to the next one, or goes."""
    table = c.server.clients_timeout_table
    entry = (c.bpop.timeout, c.id)
    i = bisect_left(table, entry)
    if i < len(table) and table[i] == entry:
        del table[i]
        if i == 0:
            set_clients_timeout_timer(c.server)


# --8<-- [start:set_clients_timeout_timer]
def set_clients_timeout_timer(server) -> None:
    """Put the one timer for every blocked client at the earliest
    deadline in the table, or delete it if the table is empty.

    Mirrors how RM_CreateTimer() in module.c keeps a single time event
    for all the modules' timers: a timer is never moved, but deleted and
    created again. One timer, not one per client, because the loop scans
    every timer each turn (us_until_earliest_timer, ae.py).

    Differs: Redis 7.0 (and 7.2, 7.4) has no such timer: a deadline
    waits for the next turn, which server_cron's starts at the latest,
    so a timeout is up to 1000/hz ms late. This timer makes the lesson
    of the loop visible: its poll sleeps until the nearest thing due.
    One case still waits for server_cron: a client that blocks inside
    before_sleep (a command that waited in its query buffer), since the
    loop chose how long to sleep before it ran before_sleep (7.0's
    order, ae.py; 7.2 swapped the two).
    """
    if server.clients_timeout_timer != -1:
        ae_delete_time_event(server.el, server.clients_timeout_timer)
        server.clients_timeout_timer = -1
    if server.clients_timeout_table:
        deadline = server.clients_timeout_table[0][0]
        server.clients_timeout_timer = ae_create_time_event(
            server.el, ms_until_timed_out(deadline), clients_timeout_timer,
            server)
# --8<-- [end:set_clients_timeout_timer]


def ms_until_timed_out(deadline: int) -> int:
    """Milliseconds until a client with this deadline counts as timed
    out: once the clock has passed the deadline, so 1 ms after it."""
    return max(0, deadline + 1 - mstime())


# --8<-- [start:clients_timeout_timer]
def clients_timeout_timer(el, id: int, server) -> int:
    """The time event that wakes the loop for the earliest deadline.

    It replies to no one: its turn ends, and the next turn's
    before_sleep() times the clients out, as in Redis. It only returns
    when to run again, for the first deadline still to come, or
    AE_NOMORE when every deadline left has passed. Modelled on
    moduleTimerHandler() in module.c; Redis 7.0 has no such timer.
    """
    server.clients_timeout_timer_runs += 1  # for --trace
    table = server.clients_timeout_table
    next_due = bisect_left(table, (mstime(),))  # skip the deadlines past
    if next_due == len(table):
        server.clients_timeout_timer = -1
        return AE_NOMORE
    return ms_until_timed_out(table[next_due][0])
# --8<-- [end:clients_timeout_timer]


# --8<-- [start:handle_blocked_clients_timeout]
def handle_blocked_clients_timeout(server) -> None:
    """Reply a null to every client whose timeout has passed, and unblock
    it. Mirrors handleBlockedClientsTimeout(), run by before_sleep().

    The table is in deadline order, so the first entry still in the
    future ends the walk. The timer (clients_timeout_timer()) has woken
    the loop for the first deadline; server_cron or a socket may wake it
    earlier, and then this walk finds the deadline past before the timer
    does.
    """
    table = server.clients_timeout_table
    if not table:
        return
    now = mstime()
    while table and table[0][0] < now:
        _, client_id = table.pop(0)
        c = server.clients[client_id]
        if c.flags & CLIENT_BLOCKED and c.bpop.timeout < now:
            reply_to_blocked_client_timed_out(c)
            unblock_client(c)
# --8<-- [end:handle_blocked_clients_timeout]


# --8<-- [start:handle_clients_blocked_on_keys]
def handle_clients_blocked_on_keys(server) -> None:
    """Serve the clients blocked on the keys signalled as ready.

    Mirrors handleClientsBlockedOnKeys(), which runs after every command
    that signalled a key, and in before_sleep(). Each key is looked up
    again, since the command may also have deleted it or changed its
    type. Serving BLMOVE pushes onto its target, which may make another
    key ready: the outer loop goes on until no key is left.
    """
    while server.ready_keys:
        ready, server.ready_keys = server.ready_keys, []
        for db, key in ready:
            db.ready_keys.discard(key)
            # Every lookup of this key compares TTLs with one clock.
            server.mstime = mstime()
            o = lookup_key(db, key, None)
            if o is not None and o.type in SERVE_CLIENT_BLOCKED_ON_KEY:
                serve_clients_blocked_on_key(db, key, o)
            elif o is None:  # it expired: write its DEL, no call() will
                propagate_pending_commands(server)
# --8<-- [end:handle_clients_blocked_on_keys]


# --8<-- [start:serve_clients_blocked_on_key]
def serve_clients_blocked_on_key(db: RedisDb, key: bytes, o) -> None:
    """Serve the clients waiting on `key` for its type of value, in the
    order they blocked, until the value runs out.

    Mirrors serveClientsBlockedOnListKey() and ...OnSortedSetKey(), one
    loop for both. A client waiting for the other type is passed over.
    """
    # BEGIN EXERCISE 07-serve-blocked-clients
    server = db.server
    btype = BLOCKED_TYPE_BY_TYPE[o.type]
    if not server.blocked_clients_by_type[btype] or (
            key not in db.blocking_keys):
        return
    serve = SERVE_CLIENT_BLOCKED_ON_KEY[o.type]
    for receiver in list(db.blocking_keys[key]):
        if receiver.btype != btype:
            continue
        errors = server.stat_total_error_replies
        start = time.perf_counter_ns()
        deleted = serve(receiver, o, key)
        update_stats_on_unblock(
            receiver, (time.perf_counter_ns() - start) // 1000,
            server.stat_total_error_replies != errors)
        unblock_client(receiver)
        after_command(receiver)  # the pop it was served goes to the AOF
        if deleted:
            break
    # END EXERCISE 07-serve-blocked-clients
# --8<-- [end:serve_clients_blocked_on_key]
