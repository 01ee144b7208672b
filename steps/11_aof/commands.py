"""commands.py: the command table. Redis: src/commands.c, src/server.c.

Every command is a row: its name, the function that runs it, its arity and
flags, and the facts that COMMAND INFO and COMMAND DOCS report. A command
registers itself with the @command decorator beside its code.
process_command() looks a request up here, makes the checks every command
shares (existence, arity, authentication) in one place, and runs it.

Steps:
  02_resp       the table, process_command, COMMAND and its subcommands
  04_datatypes  key positions; CommandError, the shared argument parsers
  05_expiry     the command's start time, for expiry; call() counts and
                times each command, and errors, for INFO
  06_encodings  authentication is required only while there is a password
  07_blocking   after a command, the clients blocked on the keys it
                signalled are served; the "blocking" flag; a call fails
                if it sent an error to any client
  08_multi      inside MULTI a command is queued, not run; a command
                refused there makes EXEC fail; the clock stands still
                for the commands EXEC runs
  09_pubsub     a RESP2 subscriber may only (un)subscribe, PING, QUIT
                and RESET; RESET is not queued in MULTI
  10_rdb        writes (and PING, and an EXEC that would write) are
                refused with MISCONF after a failed BGSAVE
  11_aof        ... and after a failed write or fsync of the AOF;
                call() propagates what a command changed: queued by
                also_propagate(), written to the AOF at the end of the
                outermost call (propagate_pending_commands), several
                commands wrapped in MULTI ... EXEC

Simplified: Redis generates its table from JSON files (src/commands/*.json)
and also reports key specs and command tips; we report neither.
"""

import logging
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import resp
from util import string2d, string2ld

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Command:
    """One row of the table. Mirrors struct redisCommand in server.h."""

    fullname: str  # "ping", or "client|setname" for a subcommand
    proc: Callable | None  # None for a container such as CLIENT
    arity: int  # N: exactly N argv entries; -N: at least N
    flags: tuple[str, ...]  # Redis's command flags: "fast", "no_auth", ...
    acl_categories: tuple[str, ...]  # "@fast", "@connection", ...
    group: str
    since: str
    summary: str
    synopsis: str  # the arguments as Redis's docs write them
    complexity: str
    keys: tuple[int, int, int]  # first key, last key (-1: the end), step
    subcommands: dict[bytes, "Command"] = field(default_factory=dict)
    calls: int = 0  # INFO commandstats: times it ran,
    microseconds: int = 0  # how long they took in all,
    rejected_calls: int = 0  # times it was refused (arity, NOAUTH),
    failed_calls: int = 0  # times it ran and replied an error


# A client's transaction flags (Redis: server.h). They are here because
# process_command() checks them; networking.py and multi.py import them.
CLIENT_MULTI = 1 << 6  # between MULTI and EXEC: commands are queued
CLIENT_DIRTY_CAS = 1 << 7  # a WATCHed key changed: EXEC will fail
CLIENT_DIRTY_EXEC = 1 << 8  # a command was refused: EXEC will abort
CLIENT_DENY_BLOCKING = 1 << 9  # EXEC runs: a blocking command times out
CLIENT_PUBSUB = 1 << 10  # subscribed to a channel, pattern or shard channel

# What a client in MULTI runs at once instead of queueing. Mirrors the
# list of procs in processCommand().
NOT_QUEUED = frozenset(("exec", "discard", "multi", "watch", "quit",
                        "reset"))
# What a subscriber in RESP2 may still send (the other list there).
PUBSUB_CONTEXT_COMMANDS = frozenset((
    "ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe",
    "psubscribe", "punsubscribe", "quit", "reset"))
QUEUED = b"+QUEUED\r\n"


COMMAND_TABLE: dict[bytes, Command] = {}  # lowercase name -> command
# Python: Redis's command dict hashes names ignoring case; a Python dict
# hashes them as they are. Clients send names in capitals, so lookups
# find each command under both spellings, and only a name in mixed case
# pays for lower().
COMMAND_LOOKUP: dict[bytes, Command] = {}

# The order Redis lists ACL categories in (acl.c ACLCommandCategories).
ACL_CATEGORY_ORDER = (
    "keyspace", "read", "write", "set", "sortedset", "list", "hash",
    "string", "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin",
    "fast", "slow", "blocking", "dangerous", "connection", "transaction",
    "scripting",
)


def implicit_acl_categories(flags: tuple[str, ...],
                            explicit: list[str]) -> tuple[str, ...]:
    """Add the categories flags imply. Mirrors setImplicitACLCategories()."""
    found = set(explicit)
    for flag, category in (("write", "write"), ("readonly", "read"),
                           ("admin", "admin"), ("admin", "dangerous"),
                           ("fast", "fast"), ("blocking", "blocking")):
        if flag in flags:
            found.add(category)
    if "fast" not in found:
        found.add("slow")  # "if it's not @fast it is @slow"
    return tuple("@" + c for c in ACL_CATEGORY_ORDER if c in found)


def command(fullname: str, arity: int, flags: str = "", *, acl: str = "",
            group: str, since: str, summary: str, synopsis: str = "",
            complexity: str = "O(1)",
            keys: tuple[int, int, int] = (0, 0, 0)) -> Callable:
    """Register the decorated function as the command `fullname`."""
    flag_tuple = tuple(flags.split())
    parse_synopsis(synopsis)  # a bad synopsis fails at start-up, not later

    def register(proc: Callable | None) -> Callable | None:
        row = Command(fullname, proc, arity, flag_tuple,
                      implicit_acl_categories(flag_tuple, acl.split()),
                      group, since, summary, synopsis, complexity, keys)
        name, _, sub = fullname.partition("|")
        if sub:
            COMMAND_TABLE[name.encode()].subcommands[sub.encode()] = row
        else:
            COMMAND_TABLE[name.encode()] = row
            COMMAND_LOOKUP[name.encode()] = row
            COMMAND_LOOKUP[name.upper().encode()] = row
        return proc
    return register


def container(name: str, arity: int, **docs) -> None:
    """Register a command that only holds subcommands, like CLIENT."""
    command(name, arity, **docs)(None)


# --8<-- [start:lookup_command]
def lookup_command(argv: list[bytes]) -> Command | None:
    """Find the command for argv, or None. Mirrors lookupCommandLogic().

    A container with arguments resolves argv[1] as its subcommand;
    alone, it is the command itself (so "CLIENT" is an arity error).
    """
    base = COMMAND_LOOKUP.get(argv[0]) or COMMAND_LOOKUP.get(argv[0].lower())
    if base is None or not base.subcommands or len(argv) == 1:
        return base
    return base.subcommands.get(argv[1].lower())
# --8<-- [end:lookup_command]


def is_container(name: bytes) -> bool:
    base = COMMAND_TABLE.get(name.lower())
    return base is not None and bool(base.subcommands)


# --8<-- [start:process_command]
def process_command(c) -> bool:
    """Check the command in c.argv, then run it. Mirrors processCommand().

    Each check replies with Redis's exact error and leaves the connection
    open: a wrong command is the client's mistake, not a protocol error.
    Returns False when the client must be dropped (Redis: C_ERR).
    """
    # BEGIN EXERCISE 02-process-command
    cmd = lookup_command(c.argv)
    c.cmd = c.lastcmd = cmd  # CLIENT LIST shows it, even if refused
    if cmd is None:
        if c.argv[0].lower() in (b"host:", b"post"):
            log.warning("Possible cross-protocol attack: a client sent "
                        "POST or Host:, as a browser talking HTTP would.")
            return False
        reject_command(c, None, resp.error(unknown_command_message(c.argv)))
        return True
    argc = len(c.argv)
    if (cmd.arity > 0 and cmd.arity != argc) or argc < -cmd.arity:
        reject_command(c, cmd, arity_error(cmd.fullname))
        return True
    if (cmd.fullname == "debug"  # a protected command, as Redis flags it
            and c.server.enable_debug_cmd == PROTECTED_ACTION_ALLOWED_NO):
        reject_command(c, cmd, resp.error(DEBUG_NOT_ALLOWED))
        return True
    # auth_required(c), spelled out because it runs for every command
    if (not c.authenticated and c.server.requirepass is not None
            and "no_auth" not in cmd.flags):
        reject_command(c, cmd, b"-NOAUTH Authentication required.\r\n")
        return True
    deny_write_type = write_commands_denied_by_disk_error(c.server)
    if (deny_write_type != DISK_ERROR_TYPE_NONE
            and (is_write_command(c, cmd) or cmd.fullname == "ping")):
        reject_command(c, cmd, write_commands_get_disk_error_message(
            c.server, deny_write_type))
        return True
    if c.flags & CLIENT_PUBSUB and not pubsub_context_allows(c, cmd):
        return True
    if c.flags & CLIENT_MULTI and cmd.fullname not in NOT_QUEUED:
        process_command_in_multi(c, cmd)
        return True
    call(c, cmd)
    if c.server.ready_keys:
        # Imported here: blocked.py imports this module.
        from blocked import handle_clients_blocked_on_keys
        handle_clients_blocked_on_keys(c.server)
    return True
    # END EXERCISE 02-process-command
# --8<-- [end:process_command]


# DEBUG is refused unless enable-debug-command is yes or local (config
# numbers: no 0, yes 1, local 2). Every client of ours comes over TCP, so
# local is yes only on loopback; we let it through, as our server binds
# to 127.0.0.1 by default.
PROTECTED_ACTION_ALLOWED_NO = 0
DEBUG_NOT_ALLOWED = (
    "DEBUG command not allowed. If the enable-debug-command option is set "
    'to "local", you can run it from a local connection, otherwise you '
    "need to set this option in the configuration file, and then restart "
    "the server.")


MISCONF_ERROR = (  # shared.bgsaveerr
    b"-MISCONF Redis is configured to save RDB snapshots, but it's "
    b"currently unable to persist to disk. Commands that may modify the "
    b"data set are disabled, because this instance is configured to "
    b"report errors during writes if RDB snapshotting fails "
    b"(stop-writes-on-bgsave-error option). Please check the Redis logs "
    b"for details about the RDB error.\r\n")


DISK_ERROR_TYPE_NONE = 0  # writes are accepted
DISK_ERROR_TYPE_AOF = 1  # refused: the AOF could not be written
DISK_ERROR_TYPE_RDB = 2  # refused: the last BGSAVE failed


# --8<-- [start:write_commands_denied_by_disk_error]
def write_commands_denied_by_disk_error(server) -> int:
    """Whether writes must wait, and why: DISK_ERROR_TYPE_*. Mirrors
    writeCommandsDeniedByDiskError() in server.c.

    A failed BGSAVE counts only while there are save points and
    stop-writes-on-bgsave-error is on; a SAVE or BGSAVE that works lifts
    it. A failed write of the AOF, or a failed fsync in the background
    thread, counts while AOF is on; the next write or fsync that works
    lifts it (server_cron retries the write every second).
    """
    if (server.stop_writes_on_bgsave_err and server.saveparams
            and not server.lastbgsave_status):
        return DISK_ERROR_TYPE_RDB
    if server.aof_state != AOF_OFF:
        if not server.aof_last_write_status:
            return DISK_ERROR_TYPE_AOF
        if not server.aof_bio_fsync_status:
            server.aof_last_write_errno = server.aof_bio_fsync_errno
            return DISK_ERROR_TYPE_AOF
    return DISK_ERROR_TYPE_NONE


def write_commands_get_disk_error_message(server, error_type: int) -> bytes:
    """Mirrors writeCommandsGetDiskErrorMessage()."""
    if error_type == DISK_ERROR_TYPE_RDB:
        return MISCONF_ERROR
    return (b"-MISCONF Errors writing to the AOF file: %s\r\n"
            % os.strerror(server.aof_last_write_errno).encode())
# --8<-- [end:write_commands_denied_by_disk_error]


# --8<-- [start:is_write_command]
def is_write_command(c, cmd: Command) -> bool:
    """Whether the command writes; EXEC does if a queued command does.
    processCommand() reads the queue's flags from mstate.cmd_flags, which
    queueMultiCommand() keeps; we look at the queue when it matters."""
    if "write" in cmd.flags:
        return True
    return cmd.fullname == "exec" and any(
        "write" in queued.flags for queued, _ in c.mstate.commands)
# --8<-- [end:is_write_command]


# --8<-- [start:pubsub_context_allows]
def pubsub_context_allows(c, cmd: Command) -> bool:
    """Whether a subscribed client may run `cmd`; if not, refuse it.

    The check of processCommand() for a client flagged CLIENT_PUBSUB. In
    RESP2 a subscriber's connection carries messages as plain arrays, so
    a reply to, say, GET could not be told from a message: only what
    manages subscriptions, PING, QUIT and RESET may run. RESP3 messages
    are push frames, and a RESP3 subscriber may send anything.
    """
    if c.resp != 2 or cmd.fullname in PUBSUB_CONTEXT_COMMANDS:
        return True
    reject_command(c, cmd, resp.error(
        f"Can't execute '{cmd.fullname}': only (P|S)SUBSCRIBE / "
        "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this "
        "context"))
    return False
# --8<-- [end:pubsub_context_allows]


# --8<-- [start:process_command_in_multi]
def process_command_in_multi(c, cmd: Command) -> None:
    """Queue the command for EXEC and reply +QUEUED, or refuse it.

    The end of processCommand() for a client flagged CLIENT_MULTI; the
    commands that drive the transaction (NOT_QUEUED) do not come here.
    """
    if "no_multi" in cmd.flags:
        reject_command(c, cmd, resp.error(
            "Command not allowed inside a transaction"))
        return
    # Imported here: multi.py imports this module.
    from multi import queue_multi_command
    queue_multi_command(c, cmd)
    c.add_reply(QUEUED)
# --8<-- [end:process_command_in_multi]


def auth_required(c) -> bool:
    """Whether the client must AUTH before it runs commands. Mirrors
    authRequired() in networking.c (here because networking.py imports
    this module): a client that connected while there was no password
    stays authenticated when one is set, and with no password nobody
    needs one."""
    return not c.authenticated and c.server.requirepass is not None


# --8<-- [start:call]
def call(c, cmd: Command) -> None:
    """Run the command, count and time it, and propagate what it changed.
    Mirrors call() in server.c.

    One reading of the clock serves twice, as in Redis. It is the time
    that lookups compare TTLs with, so that no key expires in the middle
    of a command; and it starts the timer of INFO commandstats, which a
    second reading stops. A call that sent an error reply failed.

    EXEC calls this for each command it runs. Those keep EXEC's time, so
    no key expires in the middle of a transaction either; and an error
    of theirs is theirs, not EXEC's (Redis: incrCommandStatsOnError()).

    A command that changed the dataset (server.dirty grew) is queued for
    the append-only file with its argv, as the command rewrote it (SET
    ... EX 10 becomes SET ... PXAT <ms>). What it queued itself comes
    first (the DEL of a key found expired, SPOP's SREMs). At the end of
    the outermost call, the queue is written (after_command()).
    """
    server = c.server
    old_flags = c.flags
    c.flags &= ~(CLIENT_FORCE_AOF | CLIENT_PREVENT_PROP)
    start = time.time_ns()
    if not server.in_exec:
        server.mstime = start // 1_000_000
    replied = len(c.buf)
    dirty = server.dirty
    server.prev_err_count = server.stat_total_error_replies
    server.in_nested_call += 1
    try:
        cmd.proc(c)
    except CommandError as err:
        c.add_reply(resp.error(err.args[0]))
    finally:
        server.in_nested_call -= 1
    dirty = server.dirty - dirty  # negative after SAVE: nothing changed
    cmd.microseconds += (time.time_ns() - start) // 1000
    cmd.calls += 1
    if len(c.buf) > replied and c.buf[replied] == ERROR_MARK:
        after_error_reply(server, c.buf[replied:replied + 32])
    # Any error reply counts, even one sent to another client (CLIENT
    # UNBLOCK ... ERROR), as Redis compares the server's error count; a
    # count that dropped (CONFIG RESETSTAT) is no failure.
    if server.stat_total_error_replies > server.prev_err_count:
        cmd.failed_calls += 1
    server.prev_err_count = server.stat_total_error_replies
    # EXEC is never propagated itself: its commands were, and
    # propagate_pending_commands() wraps them in MULTI ... EXEC.
    # Python: with the AOF off, also_propagate() would drop the command
    # (should_propagate()); the test here saves two calls per write.
    if (server.aof_state != AOF_OFF
            and (dirty > 0 or c.flags & CLIENT_FORCE_AOF)
            and not c.flags & CLIENT_PREVENT_PROP and cmd.fullname != "exec"):
        also_propagate(server, c.db.id, c.argv)
    # A nested call (in EXEC) must not clear the flags of its caller.
    c.flags &= ~(CLIENT_FORCE_AOF | CLIENT_PREVENT_PROP)
    c.flags |= old_flags & (CLIENT_FORCE_AOF | CLIENT_PREVENT_PROP)
    server.stat_numcommands += 1
    if server.also_propagate:  # Python: most calls queue nothing
        after_command(c)
# --8<-- [end:call]


# --8<-- [start:after_command]
def after_command(c) -> None:
    """Mirrors afterCommand() in server.c: once the outermost call() is
    over (EXEC's, not those of the commands it runs), or a blocked
    client has been served, write what was queued for propagation."""
    if not c.server.in_nested_call:
        propagate_pending_commands(c.server, c)
# --8<-- [end:after_command]


# Propagation: what reaches the append-only file. Redis keeps these
# functions in server.c; they are here, beside call(), because every
# command module imports this one, and none can import server.py.
#
# Simplified: Redis propagates each operation to the AOF and to the
# replicas (PROPAGATE_AOF, PROPAGATE_REPL); there are no replicas in
# this book, so an operation here goes to the AOF or nowhere. Commands
# that Redis propagates to replicas only (PUBLISH) are not propagated.

CLIENT_FORCE_AOF = 1 << 11  # propagate the command, changes or not
CLIENT_PREVENT_PROP = 1 << 12  # do not propagate the command itself

# server.aof_state, and server.aof_fsync (config.py's APPENDFSYNC_ENUM):
# here, as in Redis's server.h, so that call() reads them without
# importing aof.py, which imports this module.
AOF_OFF, AOF_ON, AOF_WAIT_REWRITE = 0, 1, 2
AOF_FSYNC_NO, AOF_FSYNC_ALWAYS, AOF_FSYNC_EVERYSEC = 0, 1, 2

# The commands of Redis's hidden flag CMD_TOUCHES_ARBITRARY_KEYS: the
# expired keys they come across are deleted, and their DELs are
# propagated each alone, not wrapped in MULTI ... EXEC.
TOUCHES_ARBITRARY_KEYS = frozenset(("scan", "randomkey"))


# --8<-- [start:also_propagate]
def also_propagate(server, dbid: int, argv: list[bytes]) -> None:
    """Queue a command for the AOF, in database `dbid`, to be written
    after the current command. Mirrors alsoPropagate() in server.c.

    call() queues each command that changed the dataset; a command that
    does more than its argv says queues what it did (SPOP with a count,
    one SREM per member), and so does expiry (a DEL).
    """
    if should_propagate(server):
        server.also_propagate.append((dbid, list(argv)))
# --8<-- [end:also_propagate]


def should_propagate(server) -> bool:
    """Mirrors shouldPropagate() in server.c: only while the AOF is on,
    and never what the AOF itself is loading."""
    return server.aof_state != AOF_OFF and not server.loading


def prevent_command_propagation(c) -> None:
    """Do not propagate the command itself: it queued what it did with
    also_propagate(). Mirrors preventCommandPropagation() in server.c."""
    c.flags |= CLIENT_PREVENT_PROP


def force_command_propagation(c) -> None:
    """Propagate the command even if it changed nothing. Mirrors
    forceCommandPropagation() in server.c (with PROPAGATE_AOF)."""
    c.flags |= CLIENT_FORCE_AOF


# --8<-- [start:propagate_pending_commands]
def propagate_pending_commands(server, c=None) -> None:
    """Write the queued commands to the AOF. Mirrors
    propagatePendingCommands() in server.c.

    Several commands from one call (EXEC's; a write and the DEL of a key
    it found expired) go in MULTI ... EXEC, so that loading the file
    applies all of them or none. Not so when the server propagates
    deletions of its own (active expiry: server.propagate_no_multi), nor
    for SCAN and RANDOMKEY, which may delete any number of expired keys.
    `c` is the client whose command ran (Redis: server.current_client).
    """
    if not server.also_propagate:
        return
    ops, server.also_propagate = server.also_propagate, []
    if len(ops) == 1:  # one write, the common case: it goes alone
        dbid, argv = ops[0]
        propagate_now(server, dbid, argv)
        return
    # BEGIN EXERCISE 11-propagate-pending-commands
    transaction = not server.propagate_no_multi
    if c is not None and c.cmd.fullname in TOUCHES_ARBITRARY_KEYS:
        transaction = False
    if transaction:  # in the first command's database, SELECT before
        propagate_now(server, ops[0][0], [b"MULTI"])
    for dbid, argv in ops:
        propagate_now(server, dbid, argv)
    if transaction:  # in the last one's, so that no SELECT comes between
        propagate_now(server, ops[-1][0], [b"EXEC"])
    # END EXERCISE 11-propagate-pending-commands
# --8<-- [end:propagate_pending_commands]


def propagate_now(server, dbid: int, argv: list[bytes]) -> None:
    """Append one command to the AOF. Mirrors propagateNow() in
    server.c (which would also feed the replicas)."""
    if should_propagate(server):
        # Python: aof.py imports this module, so this one cannot import
        # aof.py at the top; an import statement here would cost about
        # 0.7 µs per write, where sys.modules is one dict lookup.
        sys.modules["aof"].feed_append_only_file(server, dbid, argv)


ERROR_MARK = ord("-")  # the first byte of an error reply


# --8<-- [start:reject_command]
def reject_command(c, cmd: Command | None, reply: bytes) -> None:
    """Refuse to run the command. Mirrors rejectCommand() in server.c:
    the error counts as a rejected call of the command, when there is
    one (an unknown subcommand has none), and in INFO errorstats.

    A transaction that had a command refused is doomed (EXECABORT); and
    EXEC itself refused ends the transaction, with the reason.
    """
    if c.flags & CLIENT_MULTI:  # flagTransaction() in multi.c
        c.flags |= CLIENT_DIRTY_EXEC
    if cmd:
        cmd.rejected_calls += 1
    if cmd and cmd.fullname == "exec":
        # Imported here: multi.py imports this module.
        from multi import exec_command_abort
        reply = exec_command_abort(c, reply)
    c.add_reply(reply)
    after_error_reply(c.server, reply)
# --8<-- [end:reject_command]


def after_error_reply(server, reply: bytes) -> None:
    """Count an error reply for INFO. Mirrors afterErrorReply() in
    networking.c (it lives here, beside call(), because networking.py
    imports this module). Errors are counted by their code, the word
    after "-" ("ERR", "WRONGTYPE"), looked for in the first 32 bytes."""
    server.stat_total_error_replies += 1
    space = reply.find(b" ", 0, 32)
    code = bytes(reply[1:space]) if space > 0 else b"ERR"
    server.errors[code] = server.errors.get(code, 0) + 1


class CommandError(Exception):
    """A command's error reply, e.g. CommandError(WRONGTYPE).

    process_command() turns it into the reply, so a command can stop at
    any depth. Raise it before the command has added any reply.
    """


WRONGTYPE = ("-WRONGTYPE Operation against a key holding the wrong kind "
             "of value")
SYNTAX_ERROR = "syntax error"
NOT_AN_INTEGER = "value is not an integer or out of range"


def get_long_long(arg: bytes, message: str = NOT_AN_INTEGER) -> int:
    """The integer in `arg`, or CommandError. Mirrors
    getLongLongFromObjectOrReply() in object.c."""
    value = resp.string2ll(arg)
    if value is None:
        raise CommandError(message)
    return value


def get_range_long(arg: bytes, low: int, high: int,
                   message: str | None = None) -> int:
    """An integer in [low, high], or CommandError. Mirrors
    getRangeLongFromObjectOrReply(): a custom `message` replaces both
    of its errors, "not an integer" and "out of range"."""
    value = get_long_long(arg, message or NOT_AN_INTEGER)
    if not low <= value <= high:
        raise CommandError(message or "value is out of range, value must "
                           f"between {low} and {high}")  # sic
    return value


def get_int(arg: bytes, message: str | None = None) -> int:
    """A C int. Mirrors getIntFromObjectOrReply() (SELECT's index...)."""
    return get_range_long(arg, -(2**31), 2**31 - 1, message)


NOT_A_FLOAT = "value is not a valid float"


def get_double(arg: bytes, message: str = NOT_A_FLOAT) -> float:
    """The float in `arg`, or CommandError. Mirrors
    getDoubleFromObjectOrReply(): strict, see util.string2d()."""
    value = string2d(arg)
    if value is None:
        raise CommandError(message)
    return value


def get_long_double(arg: bytes, message: str = NOT_A_FLOAT):
    """A long double (a Fraction, or an infinite float), or CommandError.
    Mirrors getLongDoubleFromObjectOrReply(); see util.string2ld()."""
    value = string2ld(arg)
    if value is None:
        raise CommandError(message)
    return value


def get_positive_long(arg: bytes, message: str = "value is out of range, "
                      "must be positive") -> int:
    """Mirrors getPositiveLongFromObjectOrReply() (LPOP's count...): one
    message, for a negative number and for one that is not a number."""
    return get_range_long(arg, 0, resp.LLONG_MAX, message)


def unknown_command_message(argv: list[bytes]) -> bytes:
    """Redis's "unknown command" text. Mirrors commandCheckExistence().

    It quotes the start of the arguments, about 128 bytes in all; each
    one is cut at a NUL byte because Redis formats them with "%s".
    """
    if is_container(argv[0]):
        return b"unknown subcommand '%s'. Try %s HELP." % (
            resp.c_string(argv[1])[:128], resp.c_string(argv[0]).upper())
    args = b""
    for arg in argv[1:]:
        if len(args) >= 128:
            break
        args += b"'%s' " % resp.c_string(arg)[:128 - len(args)]
    return b"unknown command '%s', with args beginning with: %s" % (
        resp.c_string(argv[0])[:128], args)


def arity_error(fullname: str) -> bytes:
    return resp.error(f"wrong number of arguments for '{fullname}' command")


# COMMAND and its subcommands. Mirrors commandCommand() and friends in
# server.c; the replies are built from the table above.

def command_info_reply(cmd: Command, proto: int) -> bytes:
    """One entry of COMMAND INFO: name, arity, flags, keys, categories..."""
    subs = [command_info_reply(s, proto) for s in cmd.subcommands.values()]
    return b"".join([
        resp.array_len(10),
        resp.bulk(cmd.fullname.encode()),
        resp.integer(cmd.arity),
        status_set(cmd.flags, proto),
        *map(resp.integer, cmd.keys),
        status_set(cmd.acl_categories, proto),
        resp.set_len(0, proto),  # command tips
        resp.array_len(0),  # key specs
        resp.array_len(len(subs)), *subs,
    ])


def status_set(words: tuple[str, ...], proto: int) -> bytes:
    return resp.set_len(len(words), proto) + b"".join(
        resp.simple(w) for w in words)


def docs_reply(cmd: Command, proto: int) -> bytes:
    """The COMMAND DOCS map for one command (what redis-cli's help shows)."""
    fields = [(b"summary", resp.bulk(cmd.summary.encode())),
              (b"since", resp.bulk(cmd.since.encode())),
              (b"group", resp.bulk(cmd.group.encode())),
              (b"complexity", resp.bulk(cmd.complexity.encode()))]
    if cmd.synopsis:
        arguments = parse_synopsis(cmd.synopsis)
        fields.append((b"arguments", args_reply(arguments, proto)))
    if cmd.subcommands:
        subs = cmd.subcommands.values()
        fields.append((b"subcommands", resp.map_len(len(subs), proto)
                       + b"".join(resp.bulk(s.fullname.encode())
                                  + docs_reply(s, proto) for s in subs)))
    return resp.map_len(len(fields), proto) + b"".join(
        resp.bulk(k) + v for k, v in fields)


# Synopses are written as in Redis's docs: "key value [NX | XX]",
# "[protover [AUTH username password]]", "key [key ...]". parse_synopsis()
# turns one into the argument maps COMMAND DOCS replies with.
SYNOPSIS_TOKEN = re.compile(r"\[|\]|\||\.\.\.|[^\s\[\]|]+")


def parse_synopsis(synopsis: str) -> list[dict]:
    words = SYNOPSIS_TOKEN.findall(synopsis)
    arguments = parse_sequence(words)
    while words and words[0] == "|":  # "key BEFORE | AFTER pivot element"
        words.pop(0)
        arguments.append(required_choice(arguments.pop(), words.pop(0)))
        arguments += parse_sequence(words)
    if words:
        raise ValueError(f"unbalanced synopsis: {synopsis!r}")
    return arguments


def required_choice(left: dict, word: str) -> dict:
    """Join `word` to the choice on its left: outside brackets, "|" is
    a choice between the single words either side (Redis's docs write
    "<BEFORE | AFTER>")."""
    right = token_argument(word, []) if word.isupper() else {
        "name": word, "type": arg_type(word)}
    if left["type"] == "oneof" and "flags" not in left:
        return {**left, "arguments": [*left["arguments"], right]}
    return {"name": "choice", "type": "oneof", "arguments": [left, right]}


def parse_sequence(words: list[str]) -> list[dict]:
    """Parse arguments until "]", "|" or the end; consume what was read."""
    out: list[dict] = []
    while words and words[0] not in ("]", "|"):
        word = words.pop(0)
        if word == "...":
            out[-1].setdefault("flags", []).append("multiple")
        elif word == "[":
            node = parse_optional(words)
            if not fold_repeat(out, node):
                out.append(node)
        elif word.isupper():
            out.append(token_argument(word, words))
        else:
            out.append({"name": word, "type": arg_type(word)})
    return out


def fold_repeat(out: list[dict], node: dict) -> bool:
    """Fold "key [key ...]" into one argument flagged "multiple"."""
    if "multiple" not in node.get("flags", []):
        return False
    inner = node["arguments"] if node["type"] == "block" else [node]
    names = [arg["name"] for arg in inner]
    if [arg["name"] for arg in out[-len(names):]] != names:
        return False
    repeated = as_one(out[-len(names):])
    del out[-len(names):]
    out.append({**repeated, "flags": ["multiple"]})
    return True


def parse_optional(words: list[str]) -> dict:
    """Parse "[a | b]" or "[a b ...]" after its "[" has been read."""
    choices = [parse_sequence(words)]
    while words and words.pop(0) == "|":
        choices.append(parse_sequence(words))
    if len(choices) > 1:
        node = {"name": "choice", "type": "oneof",
                "arguments": [as_one(c) for c in choices]}
        node["flags"] = ["optional"]
        return node
    sequence = choices[0]
    last_flags = sequence[-1].get("flags", [])
    group_repeats = len(sequence) > 1 and "multiple" in last_flags
    if group_repeats:  # "[field value ...]": the "..." is the group's
        last_flags.remove("multiple")
        if not last_flags:
            del sequence[-1]["flags"]
    node = as_one(sequence)
    repeat = ["multiple"] if group_repeats else []
    node["flags"] = ["optional", *node.get("flags", []), *repeat]
    return node


def as_one(sequence: list[dict]) -> dict:
    if len(sequence) == 1:
        return sequence[0]
    return {"name": "arguments", "type": "block", "arguments": sequence}


def token_argument(token: str, words: list[str]) -> dict:
    """An upper-case word: a keyword alone, or one that takes arguments."""
    values = []
    while words and words[0] not in ("[", "]", "|", "...") \
            and not words[0].isupper():
        values.append(words.pop(0))
    if not values:
        return {"name": token.lower(), "type": "pure-token", "token": token}
    if len(values) == 1:
        return {"name": values[0], "type": arg_type(values[0]),
                "token": token}
    return {"name": token.lower(), "type": "block", "token": token,
            "arguments": [{"name": v, "type": arg_type(v)} for v in values]}


def arg_type(name: str) -> str:
    return "key" if name.endswith("key") else "string"


def args_reply(arguments: list[dict], proto: int) -> bytes:
    out = [resp.array_len(len(arguments))]
    for arg in arguments:
        out.append(resp.map_len(len(arg), proto))
        for key, value in arg.items():
            out.append(resp.bulk(key.encode()))
            if key == "flags":
                out.append(status_set(tuple(value), proto))
            elif key == "arguments":
                out.append(args_reply(value, proto))
            else:
                out.append(resp.bulk(value.encode()))
    return b"".join(out)


@command("command", -1, "loading stale", acl="connection", group="server",
         since="2.8.13", complexity="O(N) where N is the number of commands",
         summary="Describe every command this server knows")
def command_command(c) -> None:
    rows = COMMAND_TABLE.values()
    c.add_reply(resp.array_len(len(rows)) + b"".join(
        command_info_reply(cmd, c.resp) for cmd in rows))


@command("command|count", 2, "loading stale", acl="connection",
         group="server", since="2.8.13",
         summary="Count the commands this server knows")
def command_count_command(c) -> None:
    c.add_reply(resp.integer(len(COMMAND_TABLE)))


@command("command|info", -2, "loading stale", acl="connection",
         group="server", since="2.8.13", synopsis="[command-name ...]",
         complexity="O(N) where N is the number of commands to look up",
         summary="Describe the named commands")
def command_info_command(c) -> None:
    names = c.argv[2:] or list(COMMAND_TABLE)
    rows = [COMMAND_TABLE.get(name.lower()) for name in names]
    c.add_reply(resp.array_len(len(rows)) + b"".join(
        command_info_reply(cmd, c.resp) if cmd else resp.null(c.resp)
        for cmd in rows))


@command("command|docs", -2, "loading stale", acl="connection",
         group="server", since="7.0.0", synopsis="[command-name ...]",
         complexity="O(N) where N is the number of commands to look up",
         summary="Document the named commands, or all of them")
def command_docs_command(c) -> None:
    names = c.argv[2:] or list(COMMAND_TABLE)
    rows = [COMMAND_TABLE[n.lower()] for n in names
            if n.lower() in COMMAND_TABLE]
    c.add_reply(resp.map_len(len(rows), c.resp) + b"".join(
        resp.bulk(cmd.fullname.encode()) + docs_reply(cmd, c.resp)
        for cmd in rows))


COMMAND_HELP = (
    "(no subcommand)",
    "    Return details about all Redis commands.",
    "COUNT",
    "    Return the total number of commands in this Redis server.",
    "LIST",
    "    Return a list of all commands in this Redis server.",
    "INFO [<command-name> ...]",
    "    Return details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "DOCS [<command-name> ...]",
    "    Return documentation details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "GETKEYS <full-command>",
    "    Return the keys from a full Redis command.",
    "GETKEYSANDFLAGS <full-command>",
    "    Return the keys and the access flags from a full Redis command.",
)


@command("command|help", 2, "loading stale", acl="connection",
         group="server", since="5.0.0",
         summary="Show helpful text about the different subcommands")
def command_help_command(c) -> None:
    """Mirrors commandHelpCommand() in server.c: Redis's text as it is,
    LIST and GETKEYS included, which we do not have."""
    c.add_reply(resp.help_reply(c.argv[0], COMMAND_HELP))
