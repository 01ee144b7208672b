"""multi.py: transactions, MULTI/EXEC and WATCH. Redis: src/multi.c.

After MULTI, a client's commands are not run: process_command()
(commands.py) checks each one as usual, then queues it and replies
+QUEUED. EXEC runs the queue in one go, and as the server runs one
command at a time, no other client's command can come in between: that
is all the atomicity there is. A command that fails at run time (INCR on
a list) fails alone, its error one of the replies in EXEC's array; the
others run (there is no rollback). A command refused while queueing (an
unknown name, a wrong number of arguments) flags the transaction
CLIENT_DIRTY_EXEC, and EXEC then runs nothing: EXECABORT.

WATCH is optimistic locking. The watched keys are in two tables: the
client's list, and db.watched_keys (key -> the clients watching it).
Every write to a key calls signal_modified_key() (db.py), which marks
each client watching it CLIENT_DIRTY_CAS; so do FLUSHDB, FLUSHALL and
SWAPDB, for every watched key they change, and a key's expiry. EXEC of
a dirty client runs nothing and replies a null array: the client reads
the keys again, and retries.

Steps:
  08_multi      MULTI, EXEC, DISCARD, WATCH, UNWATCH
  09_pubsub     RESET (networking.py) ends a transaction too
  11_aof        the commands EXEC runs are written to the AOF together,
                in MULTI ... EXEC if more than one changed anything
                (propagate_pending_commands, commands.py)

Simplified: Redis also checks the ACL of each queued command again at
EXEC; we have no ACL users. It refuses to queue (-OOM) when used memory
is over maxmemory, which we do not enforce.
"""

from dataclasses import dataclass

import resp
from commands import (
    CLIENT_DENY_BLOCKING,
    CLIENT_DIRTY_CAS,
    CLIENT_DIRTY_EXEC,
    CLIENT_MULTI,
    Command,
    call,
    command,
)
from db import RedisDb, key_is_expired
from networking import CLIENT_BLOCKED, Client

POINTER_SIZE = 8  # Redis counts a robj* per argument in multi-mem
EXECABORT = (b"-EXECABORT Transaction discarded because of previous "
             b"errors.\r\n")


@dataclass(slots=True, eq=False)
class WatchedKey:
    """One key one client watches. Mirrors struct watchedKey: it is in
    the client's list and in its database's list for the key."""

    key: bytes
    db: RedisDb
    client: Client
    expired: bool  # it had expired (but not gone) when WATCH came


# --8<-- [start:queue_multi_command]
def queue_multi_command(c: Client, cmd: Command) -> None:
    """Add the command to the client's transaction.

    Mirrors queueMultiCommand(). A transaction that is bound to fail
    queues nothing more: EXEC would throw it away anyway.
    """
    # BEGIN EXERCISE 08-queue-multi-command
    if c.flags & (CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC):
        return
    mstate = c.mstate
    mstate.commands.append((cmd, c.argv))
    mstate.argv_len_sums += (sum(map(len, c.argv))
                             + POINTER_SIZE * len(c.argv))
    # END EXERCISE 08-queue-multi-command
# --8<-- [end:queue_multi_command]


def discard_transaction(c: Client) -> None:
    """Forget the queue, the flags and the watched keys. Mirrors
    discardTransaction()."""
    c.mstate.commands = []
    c.mstate.argv_len_sums = 0
    c.flags &= ~(CLIENT_MULTI | CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC)
    unwatch_all_keys(c)


@command("multi", 1, "noscript loading stale fast allow_busy",
         acl="transaction", group="transactions", since="1.2.0",
         summary="Mark the start of a transaction block")
def multi_command(c: Client) -> None:
    """Mirrors multiCommand(): an error, not a refusal, so a nested MULTI
    leaves the transaction as it was."""
    if c.flags & CLIENT_MULTI:
        c.add_reply(resp.error("MULTI calls can not be nested"))
        return
    c.flags |= CLIENT_MULTI
    c.add_reply(resp.OK)


@command("discard", 1, "noscript loading stale fast allow_busy",
         acl="transaction", group="transactions", since="2.0.0",
         complexity="O(N), when N is the number of queued commands",
         summary="Discard all commands issued after MULTI")
def discard_command(c: Client) -> None:
    """Mirrors discardCommand()."""
    if not c.flags & CLIENT_MULTI:
        c.add_reply(resp.error("DISCARD without MULTI"))
        return
    discard_transaction(c)
    c.add_reply(resp.OK)


def exec_command_abort(c: Client, reply: bytes) -> bytes:
    """End the transaction of a client whose EXEC was refused (arity,
    NOAUTH), and return the error to send instead: EXECABORT with the
    reason. Mirrors execCommandAbort()."""
    discard_transaction(c)
    reason = reply.removeprefix(b"-ERR ").removeprefix(b"-")
    return b"-EXECABORT Transaction discarded because of: " + reason


# --8<-- [start:exec_command]
@command("exec", 1, "noscript loading stale skip_slowlog",
         acl="transaction", group="transactions", since="1.2.0",
         complexity="Depends on commands in the transaction",
         summary="Execute all commands issued after MULTI")
def exec_command(c: Client) -> None:
    """Run the queued commands, unless the transaction must fail.

    Mirrors execCommand(). A touched or expired WATCHed key makes it
    reply a null array (not an error: the client should retry); a
    command refused while queueing, EXECABORT. Each command goes
    through call(), so it is counted in INFO commandstats as if sent
    alone; a blocking command cannot block here, and times out at once.
    """
    # BEGIN EXERCISE 08-exec-command
    if not c.flags & CLIENT_MULTI:
        c.add_reply(resp.error("EXEC without MULTI"))
        return
    if is_watched_key_expired(c):
        c.flags |= CLIENT_DIRTY_CAS
    if c.flags & (CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC):
        failed = c.flags & CLIENT_DIRTY_EXEC
        c.add_reply(EXECABORT if failed else resp.null_array(c.resp))
        discard_transaction(c)
        return
    run_queued_commands(c)
    discard_transaction(c)
    # END EXERCISE 08-exec-command
# --8<-- [end:exec_command]


# --8<-- [start:run_queued_commands]
def run_queued_commands(c: Client) -> None:
    """The loop of execCommand(): reply an array, one call() per command.

    The keys are unwatched first: nothing the transaction writes should
    make it fail, and no write can come from anyone else meanwhile.
    """
    c.flags |= CLIENT_DENY_BLOCKING
    unwatch_all_keys(c)
    server = c.server
    server.in_exec = True
    exec_cmd, exec_argv = c.cmd, c.argv
    c.add_reply(resp.array_len(len(c.mstate.commands)))
    for cmd, argv in c.mstate.commands:
        c.cmd, c.argv = cmd, argv
        call(c, cmd)
        assert not c.flags & CLIENT_BLOCKED  # Redis: serverAssert()
    c.flags &= ~CLIENT_DENY_BLOCKING
    c.cmd, c.argv = exec_cmd, exec_argv
    server.in_exec = False
# --8<-- [end:run_queued_commands]


# --8<-- [start:watch_for_key]
def watch_for_key(c: Client, key: bytes) -> None:
    """Watch `key` in the client's database. Mirrors watchForKey().

    A key that has expired but is still stored is remembered as such:
    its deletion, when it comes, changes nothing a client could see.
    """
    db = c.db
    for wk in c.watched_keys:
        if wk.db is db and wk.key == key:
            return  # watched already
    wk = WatchedKey(key, db, c, key_is_expired(db, key))
    db.watched_keys.setdefault(key, []).append(wk)
    c.watched_keys.append(wk)
# --8<-- [end:watch_for_key]


def unwatch_all_keys(c: Client) -> None:
    """Leave the tables of every key the client watches. Mirrors
    unwatchAllKeys(); clearing CLIENT_DIRTY_CAS is the caller's job."""
    for wk in c.watched_keys:
        clients = wk.db.watched_keys[wk.key]
        clients.remove(wk)
        if not clients:
            del wk.db.watched_keys[wk.key]
    c.watched_keys = []


def is_watched_key_expired(c: Client) -> bool:
    """Whether a key the client watches has expired since WATCH, even if
    nothing has deleted it yet. Mirrors isWatchedKeyExpired()."""
    return any(not wk.expired and key_is_expired(wk.db, wk.key)
               for wk in c.watched_keys)


# --8<-- [start:touch_watched_key]
def touch_watched_key(db: RedisDb, key: bytes) -> None:
    """Make EXEC fail for every client watching `key`: it has changed.

    Mirrors touchWatchedKey(). A dirty client stops watching at once,
    as nothing can save its transaction now. A key watched after it
    had expired is the exception: its deletion is no change, so the
    client watches on, the key now counted as missing.
    """
    # BEGIN EXERCISE 08-touch-watched-key
    clients = db.watched_keys.get(key)
    if not clients:
        return
    for wk in list(clients):
        if wk.expired:
            if key not in db.dict:
                wk.expired = False
                continue
            break  # sic: Redis 7.0 leaves the loop here
        wk.client.flags |= CLIENT_DIRTY_CAS
        unwatch_all_keys(wk.client)
    # END EXERCISE 08-touch-watched-key
# --8<-- [end:touch_watched_key]


# --8<-- [start:touch_all_watched_keys_in_db]
def touch_all_watched_keys_in_db(emptied: RedisDb,
                                 replaced_with: RedisDb | None) -> None:
    """Touch the watched keys of a database about to be emptied
    (FLUSHDB, FLUSHALL) or swapped with `replaced_with` (SWAPDB).

    Mirrors touchAllWatchedKeysInDb(). Only a key that exists before or
    after counts as changed; a missing key stays missing. An expired key
    is treated as the missing key it looks like.
    """
    for key, clients in emptied.watched_keys.items():
        exists_before = key in emptied.dict
        exists_after = (replaced_with is not None
                        and key in replaced_with.dict)
        if not exists_before and not exists_after:
            continue
        for wk in clients:
            if wk.expired:
                if not exists_after:
                    wk.expired = False  # the expired key is gone
                    continue
                if key_is_expired(replaced_with, key):
                    continue  # still an expired key
            elif not exists_before and key_is_expired(replaced_with, key):
                wk.expired = True  # missing, now an expired key
                continue
            wk.client.flags |= CLIENT_DIRTY_CAS
# --8<-- [end:touch_all_watched_keys_in_db]


@command("watch", -2, "noscript loading stale fast allow_busy",
         acl="transaction", group="transactions", since="2.2.0",
         synopsis="key [key ...]", complexity="O(1) for every key.",
         keys=(1, -1, 1),
         summary="Watch the given keys to determine execution of the "
                 "MULTI/EXEC block")
def watch_command(c: Client) -> None:
    """Mirrors watchCommand(). A client already dirty need not watch
    more: its next EXEC fails whatever happens."""
    if c.flags & CLIENT_MULTI:
        c.add_reply(resp.error("WATCH inside MULTI is not allowed"))
        return
    if not c.flags & CLIENT_DIRTY_CAS:
        for key in c.argv[1:]:
            watch_for_key(c, key)
    c.add_reply(resp.OK)


@command("unwatch", 1, "noscript loading stale fast allow_busy",
         acl="transaction", group="transactions", since="2.2.0",
         summary="Forget about all watched keys")
def unwatch_command(c: Client) -> None:
    """Mirrors unwatchCommand(): a touch already seen is forgotten too."""
    unwatch_all_keys(c)
    c.flags &= ~CLIENT_DIRTY_CAS
    c.add_reply(resp.OK)
