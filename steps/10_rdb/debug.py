"""debug.py: the DEBUG command. Redis: src/debug.c.

Redis's DEBUG is a toolbox for its own test suite (crash the server,
change an encoding, sleep, populate...). Of its subcommands we have the
one the tests of persistence use: RELOAD, a save and a load in one call.

Steps:
  10_rdb        DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]

Simplified: Redis has about forty subcommands; any other than RELOAD is
unknown here.
"""

import logging
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
