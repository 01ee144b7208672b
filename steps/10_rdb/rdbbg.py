from rdb import rdb_load, rdb_save  # noqa: I001 -- temporary module

# Saving to disk: SAVE, BGSAVE, the child, and the parent reaping it.
# Mirrors the second half of rdb.c (rdbSave(), rdbSaveBackground(),
# backgroundSaveDoneHandler(), saveCommand(), bgsaveCommand()).

import gc
import logging
import os
import signal
import sys
import time

import resp
from childinfo import (
    close_child_info_pipe,
    open_child_info_pipe,
    receive_child_info,
    send_child_cow_info,
)
from commands import SYNTAX_ERROR, command

log = logging.getLogger(__name__)

C_OK, C_ERR = True, False  # server.lastbgsave_status
CHILD_TYPE_NONE, CHILD_TYPE_RDB = 0, 1  # server.child_type
CONFIG_BGSAVE_RETRY_DELAY = 5  # seconds before a failed BGSAVE is retried
SERVER_CHILD_NOERROR_RETVAL = 255  # a child that was told to stop
ERR = b"-ERR\r\n"  # shared.err: "the log says why"


# --8<-- [start:rdb_save_to_disk]
def rdb_save_to_disk(server, filename: bytes) -> bool:
    """Write the dataset to a temporary file, then rename it over
    `filename`; True on success. Mirrors rdbSave() in rdb.c.

    The rename is the commit: until it happens the old file is whole,
    and after it the new one is, whatever dies when. The temp file is
    named after the process that writes it, so a parent can find and
    remove the leftovers of a child that died.
    """
    tmpfile = f"temp-{os.getpid()}.rdb"
    try:
        open(tmpfile, "wb").close()
    except OSError as err:
        log.warning("Failed opening the temp RDB file %s (in server root "
                    "dir %s) for saving: %s", tmpfile, server_root_dir(),
                    err.strerror)
        return False
    try:
        rdb_key_save_delay(server)
        rdb_save(server, tmpfile)  # writes, flushes and fsyncs
        os.rename(tmpfile, filename)
    except OSError as err:
        log.warning("Write error saving DB on disk: %s", err.strerror)
        remove_quietly(tmpfile)
        return False
    log.info("DB saved on disk")
    server.dirty = 0
    server.lastsave = int(time.time())
    server.lastbgsave_status = C_OK
    return True
# --8<-- [end:rdb_save_to_disk]


def server_root_dir() -> str:
    try:
        return os.getcwd()
    except OSError:
        return "unknown"


def remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def rdb_key_save_delay(server) -> None:
    """Slow the save down on purpose, for tests that must catch a child
    at work (config rdb-key-save-delay, microseconds per key).

    Simplified: Redis sleeps after each key it writes; we sleep once,
    for every key, before writing any.
    """
    if server.rdb_key_save_delay > 0:
        keys = sum(len(db.dict) for db in server.db)
        time.sleep(server.rdb_key_save_delay * keys / 1e6)


# --8<-- [start:rdb_save_background]
def rdb_save_background(server, filename: bytes) -> bool:
    """Fork; the child saves while the parent goes on serving.

    Mirrors rdbSaveBackground() in rdb.c. Returns True if the child was
    started; the parent learns how it ended in server_cron
    (check_children_done). The child has a copy of everything as it
    stood at the fork, which is what makes the file a snapshot: the
    kernel copies a page only when one side writes to it.
    """
    if server.child_type != CHILD_TYPE_NONE:
        return False
    server.stat_rdb_saves += 1
    server.dirty_before_bgsave = server.dirty
    server.lastbgsave_try = int(time.time())
    open_child_info_pipe(server)
    sys.stdout.flush()  # or the child would write what is buffered again
    sys.stderr.flush()
    try:
        childpid = os.fork()
    except OSError as err:
        close_child_info_pipe(server)
        server.lastbgsave_status = C_ERR
        log.warning("Can't save in background: fork: %s", err.strerror)
        return False
    if childpid == 0:
        rdb_save_child(server, filename)  # never returns
    log.info("Background saving started by pid %d", childpid)
    server.rdb_save_time_start = int(time.time())
    server.child_type = CHILD_TYPE_RDB
    server.child_pid = childpid
    return True
# --8<-- [end:rdb_save_background]


# --8<-- [start:rdb_save_child]
def rdb_save_child(server, filename: bytes) -> None:
    """The child's whole life: save, report, exit with 0 or 1.

    It must never return into the parent's code: the event loop would
    run twice, serving the same sockets. os._exit() ends it without
    running atexit handlers or flushing buffers the parent owns.
    """
    status = 1
    try:
        set_up_child(server)
        if rdb_save_to_disk(server, filename):
            keys = sum(len(db.dict) for db in server.db)
            send_child_cow_info(server, keys, "RDB")
            status = 0
    finally:
        os._exit(status)  # exitFromChild()
# --8<-- [end:rdb_save_child]


def set_up_child(server) -> None:
    """What a child does first. Mirrors the child's half of redisFork():
    default signal handlers (the parent's would raise into our code),
    the listening socket closed (closeChildUnusedResourceAfterFork()),
    log lines marked C, not M.

    The garbage collector is turned off: a collection writes to every
    object it visits, and each write copies a page the parent shares.
    """
    gc.disable()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if server.listener is not None:
        server.listener.close()
    for handler in logging.getLogger().handlers:
        fmt = handler.formatter._fmt.replace(":M ", ":C ")
        handler.setFormatter(logging.Formatter(fmt, handler.formatter.datefmt))


# --8<-- [start:check_children_done]
def check_children_done(server) -> None:
    """Reap a child that has exited, if any; never wait for one.

    Mirrors checkChildrenDone() in server.c, which server_cron calls
    while a child runs: waitpid() with WNOHANG returns at once, with the
    child's pid and how it ended, or with 0 if it is still at work.
    """
    try:
        pid, status = os.waitpid(-1, os.WNOHANG)
    except ChildProcessError as err:
        log.warning("waitpid() returned an error: %s. child_type: RDB, "
                    "child_pid = %d", err.strerror, server.child_pid)
        return
    if pid == 0:
        return
    exitcode = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
    bysignal = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
    if exitcode == SERVER_CHILD_NOERROR_RETVAL:
        bysignal, exitcode = signal.SIGUSR1, 1
    if pid != server.child_pid:
        log.warning("Warning, detected child with unmatched pid: %d", pid)
        return
    background_save_done_handler(server, exitcode, bysignal)
    if not bysignal and exitcode == 0:
        receive_child_info(server)
    reset_child_state(server)
# --8<-- [end:check_children_done]


# --8<-- [start:background_save_done_handler]
def background_save_done_handler(server, exitcode: int,
                                 bysignal: int) -> None:
    """Record how the BGSAVE ended. Mirrors backgroundSaveDoneHandler()
    and backgroundSaveDoneHandlerDisk() in rdb.c.

    On success, the writes made while the child worked are still unsaved
    (dirty minus what it was at the fork). A child killed by a signal
    left its temp file behind: the parent removes it.
    """
    if not bysignal and exitcode == 0:
        log.info("Background saving terminated with success")
        server.dirty -= server.dirty_before_bgsave
        server.lastsave = int(time.time())
        server.lastbgsave_status = C_OK
    elif not bysignal:
        log.warning("Background saving error")
        server.lastbgsave_status = C_ERR
    else:
        log.warning("Background saving terminated by signal %d", bysignal)
        rdb_remove_temp_file(server.child_pid)
        # SIGUSR1 is how Redis stops its own child: no error then.
        if bysignal != signal.SIGUSR1:
            server.lastbgsave_status = C_ERR
    server.rdb_save_time_last = int(time.time()) - server.rdb_save_time_start
    server.rdb_save_time_start = -1
# --8<-- [end:background_save_done_handler]


def reset_child_state(server) -> None:
    """Mirrors resetChildState() in server.c."""
    server.child_type = CHILD_TYPE_NONE
    server.child_pid = -1
    server.stat_current_cow_peak = 0
    close_child_info_pipe(server)


# --8<-- [start:rdb_remove_temp_file]
def rdb_remove_temp_file(childpid: int) -> None:
    """Remove the temp file a dead child left. Mirrors rdbRemoveTempFile().

    Simplified: Redis unlinks it in a background thread (bg_unlink()),
    as removing a big file can take the kernel a while.
    """
    remove_quietly(f"temp-{childpid}.rdb")
# --8<-- [end:rdb_remove_temp_file]


def kill_rdb_child(server) -> None:
    """Stop the child with SIGUSR1, which is no error. Mirrors
    killRDBChild(): check_children_done() cleans up later."""
    os.kill(server.child_pid, signal.SIGUSR1)


def rdb_load_at_startup(server) -> None:
    """Load the RDB file, if there is one. Mirrors the RDB half of
    loadDataFromDisk() in server.c: a missing file is an empty dataset,
    any other failure ends the process."""
    start = time.monotonic()
    try:
        server.loading = True
        rdb_load(server, os.fsdecode(server.rdb_filename))
    except FileNotFoundError:
        return
    except OSError as err:
        log.warning("Fatal error loading the DB: %s. Exiting.", err.strerror)
        sys.exit(1)
    finally:
        server.loading = False
    log.info("DB loaded from disk: %.3f seconds", time.monotonic() - start)


# --8<-- [start:save_command]
@command("save", 1, "admin noscript no_async_loading no_multi",
         group="server", since="1.0.0",
         complexity="O(N) where N is the total number of keys in all "
                    "databases",
         summary="Synchronously save the dataset to disk")
def save_command(c) -> None:
    """Save in the server's own process: every client waits. Mirrors
    saveCommand() in rdb.c."""
    server = c.server
    if server.child_type == CHILD_TYPE_RDB:
        c.add_reply(resp.error("Background save already in progress"))
        return
    server.stat_rdb_saves += 1
    if rdb_save_to_disk(server, server.rdb_filename):
        c.add_reply(resp.OK)
    else:
        c.add_reply(ERR)
# --8<-- [end:save_command]


# --8<-- [start:bgsave_command]
@command("bgsave", -1, "admin noscript no_async_loading",
         group="server", since="1.0.0", synopsis="[SCHEDULE]",
         summary="Asynchronously save the dataset to disk")
def bgsave_command(c) -> None:
    """Mirrors bgsaveCommand() in rdb.c. Inside MULTI/EXEC the fork
    waits (scheduled) until the transaction is over; server_cron starts
    it."""
    server = c.server
    if len(c.argv) > 1 and (len(c.argv) > 2
                            or c.argv[1].lower() != b"schedule"):
        c.add_reply(resp.error(SYNTAX_ERROR))
    elif server.child_type == CHILD_TYPE_RDB:
        c.add_reply(resp.error("Background save already in progress"))
    elif server.in_exec:
        server.rdb_bgsave_scheduled = True
        c.add_reply(b"+Background saving scheduled\r\n")
    elif rdb_save_background(server, server.rdb_filename):
        c.add_reply(b"+Background saving started\r\n")
    else:
        c.add_reply(ERR)
# --8<-- [end:bgsave_command]
