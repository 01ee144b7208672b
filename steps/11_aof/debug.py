"""debug.py: the DEBUG command. Redis: src/debug.c.

Redis's DEBUG is a toolbox for its own test suite (crash the server,
change an encoding, sleep, populate...). Of its subcommands we have the
ones the tests of persistence use: RELOAD, a save and a load in one
call, LOADAOF, the same from the append-only files, and
SET-ACTIVE-EXPIRE, which stops active expiry so that a test
can watch a key expire lazily.

Steps:
  10_rdb        DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]
  11_aof        DEBUG SET-ACTIVE-EXPIRE 0|1, DEBUG LOADAOF

Simplified: Redis has about forty subcommands; any other than these is
unknown here.
"""

import logging
import re
import sys

import resp
from commands import command
from db import empty_db

log = logging.getLogger(__name__)

RELOAD_OPTIONS = (b"merge", b"noflush", b"nosave")


# --8<-- [start:debug_command]
@command("debug", -2, "admin noscript loading stale", group="server",
         since="1.0.0", complexity="Depends on subcommand.",
         summary="A container for debugging commands")
def debug_command(c) -> None:
    """Mirrors debugCommand() in debug.c, for RELOAD: save the dataset
    (unless NOSAVE), empty it (unless NOFLUSH), load the file again.
    With NOFLUSH, a key both in memory and in the file ends the process,
    as Redis's panic does, unless MERGE lets the file's replace it.

    Simplified: Redis's panic logs a bug report and aborts; we log the
    duplicated key and exit with status 1.
    """
    # Imported here: rdb.py imports the modules this one is loaded with.
    from rdb import (
        RDBFLAGS_ALLOW_DUP,
        RDBFLAGS_NONE,
        RdbError,
        rdb_load,
        rdb_save_to_disk,
    )
    if c.argv[1].lower() == b"set-active-expire" and len(c.argv) == 3:
        debug_set_active_expire(c)
        return
    if c.argv[1].lower() == b"loadaof":
        debug_loadaof(c)
        return
    if c.argv[1].lower() != b"reload":
        c.add_reply(resp.error(
            b"unknown subcommand or wrong number of arguments for '%s'. "
            b"Try DEBUG HELP." % c.argv[1]))
        return
    options = [arg.lower() for arg in c.argv[2:]]
    if any(option not in RELOAD_OPTIONS for option in options):
        c.add_reply(resp.error("DEBUG RELOAD only supports the MERGE, "
                               "NOFLUSH and NOSAVE options."))
        return
    server = c.server
    if b"nosave" not in options and not rdb_save_to_disk(
            server, server.rdb_filename):
        c.add_reply(b"-ERR\r\n")
        return
    if b"noflush" not in options:
        for db in server.db:
            empty_db(db)
    rdbflags = RDBFLAGS_ALLOW_DUP if b"merge" in options else RDBFLAGS_NONE
    try:
        rdb_load(server, server.rdb_filename.decode(), rdbflags)
    except OSError:
        c.add_reply(resp.error("Error trying to load the RDB dump"))
        return
    except RdbError as err:
        log.warning("%s", err)
        sys.exit(1)
    log.warning("DB reloaded by DEBUG RELOAD")
    c.add_reply(resp.OK)
# --8<-- [end:debug_command]


def debug_loadaof(c) -> None:
    """DEBUG LOADAOF: write what the AOF buffer holds, empty the dataset
    and load it again from the AOF's files. Mirrors its branch of
    debugCommand(): a file that does not load whole (even one cut short)
    ends the process, as Redis does."""
    # Imported here: aof.py imports the modules this one is loaded with.
    from aof import (
        AOF_EMPTY,
        AOF_OFF,
        AOF_OK,
        aof_del_history_files,
        aof_load_manifest_from_disk,
        flush_append_only_file,
        load_append_only_files,
    )
    server = c.server
    if server.aof_state != AOF_OFF:
        flush_append_only_file(server, True)
    for db in server.db:
        empty_db(db)
    aof_load_manifest_from_disk(server)
    aof_del_history_files(server)
    if load_append_only_files(server, server.aof_manifest) not in (
            AOF_OK, AOF_EMPTY):
        sys.exit(1)
    server.dirty = 0  # what was loaded must not be written again
    log.warning("Append Only File loaded by DEBUG LOADAOF")
    c.add_reply(resp.OK)


def debug_set_active_expire(c) -> None:
    """DEBUG SET-ACTIVE-EXPIRE 0|1: stop or restart active expiry (the
    branch of debugCommand()). The number is read as C's atoi() reads
    it: its leading digits, 0 if none."""
    number = re.match(rb"\s*([+-]?\d+)", c.argv[2])
    c.server.active_expire_enabled = bool(number and int(number.group(1)))
    c.add_reply(resp.OK)
