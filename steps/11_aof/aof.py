"""aof.py: the append-only file. Redis: src/aof.c.

A snapshot (rdb.py) loses every write since the last save. The
append-only file loses (almost) none: each write command, once it has
changed the dataset, is appended to server.aof_buf as the RESP array a
client would send (feed_append_only_file); before the event loop sleeps
again, and so before any reply of this turn goes out, the buffer is
written to the file (flush_append_only_file), then made durable as
appendfsync says:

    always    fsync() before the replies are sent: nothing acknowledged
              is ever lost, at the price of a disk flush per turn
    everysec  fsync() once a second, in a background thread (bio.py):
              a crash loses about the last second
    no        the kernel flushes when it likes (about every 30 s)

Since 7.0 the log is several files in a directory (appenddirname), listed
by a manifest:

    appendonlydir/appendonly.aof.1.base.rdb    the dataset at a point,
                                               as an RDB file (a "preamble")
    appendonlydir/appendonly.aof.1.incr.aof    the writes since, in RESP
    appendonlydir/appendonly.aof.manifest      "file appendonly.aof.1.base.rdb
                                                seq 1 type b" and so on

A rewrite (BGREWRITEAOF, or the cron when the files have doubled) forks
a child that writes a new base, while the parent opens a new incr file
for the writes that keep coming; the manifest, replaced atomically (a
temp file renamed over it), says which files are current: a crash at
any moment leaves a set of files that loads. Loading, at start-up, runs
the base (an RDB, or commands) and then each incr file's commands as a
fake client.

Steps:
  11_aof  the manifest; the base and incr files at start-up; feeding,
          flushing and the three fsync policies; write errors (MISCONF);
          loading (a torn tail cut with aof-load-truncated); BGREWRITEAOF
          and the automatic rewrite; appendonly turned on and off

Simplified: no aof-disable-auto-gc (history files are always deleted)
and no latency monitor samples. A file is loaded from memory, read
whole, where Redis streams it and answers -LOADING meanwhile. No upgrade
of a single appendonly.aof from before 7.0 (aofUpgradePrepare()).
"""

import copy
import errno
import logging
import os
import re
import signal
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import resp
from bio import (
    BIO_AOF_FSYNC,
    bg_unlink,
    bio_create_close_job,
    bio_create_fsync_job,
    bio_pending_jobs_of_type,
    redis_fsync,
)
from childinfo import (
    CHILD_INFO_TYPE_AOF_COW_SIZE,
    close_child_info_pipe,
    open_child_info_pipe,
    send_child_cow_info,
)
from commands import (
    AOF_FSYNC_ALWAYS,
    AOF_FSYNC_EVERYSEC,
    AOF_OFF,
    AOF_ON,
    AOF_WAIT_REWRITE,
    CLIENT_DENY_BLOCKING,
    CLIENT_MULTI,
    CommandError,
    command,
    lookup_command,
)
from expire import mstime
from listpack import lp_first
from multi import discard_transaction, queue_multi_command
from networking import Client
from object import (
    OBJ_ENCODING_INT,
    OBJ_ENCODING_LISTPACK,
    OBJ_HASH,
    OBJ_LIST,
    OBJ_SET,
    OBJ_STRING,
    OBJ_ZSET,
    RedisObject,
)
from quicklist import AL_START_HEAD, quicklist_get_iterator, quicklist_next
from rdb import (
    C_ERR,
    C_OK,
    CHILD_TYPE_AOF,
    CHILD_TYPE_NONE,
    RDBFLAGS_AOF_PREAMBLE,
    RIO_FLUSH_BYTES,
    RdbError,
    RioReader,
    rdb_install_loaded_dbs,
    rdb_key_save_delay,
    rdb_load_rio,
    rdb_save_rio,
    remove_quietly,
    reset_child_state,
    set_up_child,
)
from t_hash import hash_type_length, hash_type_pairs
from t_list import element_string, list_type_length
from t_set import set_type_members, set_type_size
from t_zset import zset_length, zzl_walk
from util import fsync_file_dir

log = logging.getLogger(__name__)


# The manifest: a line per file, "file NAME seq N type T".
AOF_FILE_TYPE_BASE = "b"  # the dataset at the last rewrite
AOF_FILE_TYPE_HIST = "h"  # replaced by a rewrite, to be deleted
AOF_FILE_TYPE_INCR = "i"  # the writes since
BASE_FILE_SUFFIX = b".base"
INCR_FILE_SUFFIX = b".incr"
RDB_FORMAT_SUFFIX = b".rdb"
AOF_FORMAT_SUFFIX = b".aof"
MANIFEST_NAME_SUFFIX = b".manifest"
TEMP_FILE_NAME_PREFIX = b"temp-"
MANIFEST_MAX_LINE = 1024

REDIS_AUTOSYNC_BYTES = 4 * 1024**2  # aof-rewrite-incremental-fsync step
AOF_WRITE_LOG_ERROR_RATE = 30  # seconds between two logs of write errors


# --8<-- [start:aof_manifest]
@dataclass(slots=True)
class AofInfo:
    """One file of the manifest. Mirrors aofInfo."""

    file_name: bytes
    file_seq: int
    file_type: str  # AOF_FILE_TYPE_BASE, _HIST or _INCR


@dataclass(slots=True)
class AofManifest:
    """The files of the AOF: at most one base, the incr files in order,
    and the history files a rewrite replaced. Mirrors aofManifest.

    A change is made on a copy (aof_manifest_dup), persisted, and only
    then put in server.aof_manifest, so that memory never says more than
    the disk does.
    """

    base_aof_info: AofInfo | None = None
    incr_aof_list: list[AofInfo] = field(default_factory=list)
    history_aof_list: list[AofInfo] = field(default_factory=list)
    curr_base_file_seq: int = 0
    curr_incr_file_seq: int = 0
    dirty: bool = False  # changed since it was last persisted
# --8<-- [end:aof_manifest]


def aof_manifest_dup(am: AofManifest) -> AofManifest:
    """A deep copy to change. Mirrors aofManifestDup()."""
    return copy.deepcopy(am)


def make_path(dirname: bytes, name: bytes) -> bytes:
    """Mirrors makePath() in util.c."""
    return os.path.join(dirname, name)


def get_aof_manifest_file_name(server) -> bytes:
    return server.aof_filename + MANIFEST_NAME_SUFFIX


def get_temp_aof_manifest_file_name(server) -> bytes:
    return (TEMP_FILE_NAME_PREFIX + server.aof_filename
            + MANIFEST_NAME_SUFFIX)


# --8<-- [start:get_aof_manifest_as_string]
def get_aof_manifest_as_string(am: AofManifest) -> bytes:
    """The manifest's text: the base first, then the history files, then
    the incr files, a line each. Mirrors getAofManifestAsString()."""
    infos = ([am.base_aof_info] if am.base_aof_info else []) + \
        am.history_aof_list + am.incr_aof_list
    return b"".join(aof_info_format(ai) for ai in infos)


def aof_info_format(ai: AofInfo) -> bytes:
    """Mirrors aofInfoFormat(): a name with spaces or unprintable bytes
    is quoted, as sdssplitargs() reads it back."""
    name = ai.file_name
    if sds_needs_repr(name):
        name = sds_cat_repr(name)
    return b"file %s seq %d type %s\n" % (name, ai.file_seq,
                                          ai.file_type.encode())
# --8<-- [end:get_aof_manifest_as_string]


PRINTABLE = frozenset(range(0x20, 0x7F))  # C's isprint() in the C locale
REPR_ESCAPES = {ord("\\"): b"\\\\", ord('"'): b'\\"', ord("\n"): b"\\n",
                ord("\r"): b"\\r", ord("\t"): b"\\t", 7: b"\\a", 8: b"\\b"}


def sds_needs_repr(s: bytes) -> bool:
    """Mirrors sdsneedsrepr() in sds.c: a space, a quote, a backslash or
    an unprintable byte."""
    return any(b in b'\\" ' or b not in PRINTABLE for b in s)


def sds_cat_repr(s: bytes) -> bytes:
    """Mirrors sdscatrepr() in sds.c: the bytes in double quotes, with C
    escapes."""
    out = bytearray(b'"')
    for b in s:
        if b in REPR_ESCAPES:
            out += REPR_ESCAPES[b]
        elif b in PRINTABLE:
            out.append(b)
        else:
            out += b"\\x%02x" % b
    return bytes(out + b'"')


class AofManifestError(Exception):
    """A manifest that can't be loaded: (message, line number, line)."""


# --8<-- [start:aof_load_manifest_from_file]
def aof_load_manifest_from_file(data: bytes) -> AofManifest:
    """Parse a manifest's text. Mirrors aofLoadManifestFromFile(), whose
    checks and messages it keeps: lines starting with "#" are comments,
    keys may come in any order and case, unknown keys are allowed (for
    the versions to come), incr files must have rising numbers.
    """
    am = AofManifest()
    lines = data.splitlines(keepends=True)
    if not lines:
        raise AofManifestError("Found an empty AOF manifest", 0, None)
    for linenum, raw in enumerate(lines, 1):
        if raw.startswith(b"#"):
            continue
        # fgets() reads at most MANIFEST_MAX_LINE bytes: a longer line, or
        # a last line without its newline, has none.
        if not raw.endswith(b"\n") or len(raw) > MANIFEST_MAX_LINE:
            raise AofManifestError("The AOF manifest file contains too "
                                   "long line", linenum, None)
        line = raw.strip(b" \t\r\n")
        ai = parse_manifest_line(line, linenum)
        add_manifest_entry(am, ai, line, linenum)
    return am


def parse_manifest_line(line: bytes, linenum: int) -> AofInfo:
    """One line's file, sequence number and type."""
    argv = resp.sdssplitargs(line) if line else None
    if argv is None or len(argv) < 6 or len(argv) % 2:
        raise AofManifestError("Invalid AOF manifest file format",
                               linenum, line)
    name, seq, kind = None, 0, ""
    for key, value in zip(argv[::2], argv[1::2], strict=True):
        key = key.lower()
        if key == b"file":
            name = value
            if b"/" in name or b"\\" in name:  # pathIsBaseName()
                raise AofManifestError("File can't be a path, just a "
                                       "filename", linenum, line)
        elif key == b"seq":
            seq = atoll(value)
        elif key == b"type":
            kind = value[:1].decode("latin-1")
    if not name or not seq or not kind:
        raise AofManifestError("Invalid AOF manifest file format",
                               linenum, line)
    return AofInfo(name, seq, kind)


def add_manifest_entry(am: AofManifest, ai: AofInfo, line: bytes,
                       linenum: int) -> None:
    """File the entry by its type, refusing a second base and an incr
    file numbered out of order."""
    if ai.file_type == AOF_FILE_TYPE_BASE:
        if am.base_aof_info:
            raise AofManifestError("Found duplicate base file information",
                                   linenum, line)
        am.base_aof_info = ai
        am.curr_base_file_seq = ai.file_seq
    elif ai.file_type == AOF_FILE_TYPE_HIST:
        am.history_aof_list.append(ai)
    elif ai.file_type == AOF_FILE_TYPE_INCR:
        if ai.file_seq <= am.curr_incr_file_seq:
            raise AofManifestError("Found a non-monotonic sequence number",
                                   linenum, line)
        am.incr_aof_list.append(ai)
        am.curr_incr_file_seq = ai.file_seq
    else:
        raise AofManifestError("Unknown AOF file type", linenum, line)
# --8<-- [end:aof_load_manifest_from_file]


def atoll(text: bytes) -> int:
    """C's atoll(): the leading integer, 0 if there is none."""
    text = text.lstrip(b" \t\n\v\f\r")
    end = 1 if text[:1] in (b"+", b"-") else 0
    while end < len(text) and text[end:end + 1].isdigit():
        end += 1
    try:
        return int(text[:end])
    except ValueError:
        return 0


# --8<-- [start:aof_load_manifest_from_disk]
def aof_load_manifest_from_disk(server) -> None:
    """Read the manifest into server.aof_manifest at start-up. Mirrors
    aofLoadManifestFromDisk(): no directory or no manifest is an empty
    manifest (a first start, or an AOF from before 7.0); a manifest that
    can't be read ends the process, with Redis's lines."""
    server.aof_manifest = AofManifest()
    path = make_path(server.aof_dirname, get_aof_manifest_file_name(server))
    if not os.path.isdir(server.aof_dirname) or not os.path.isfile(path):
        return
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as err:
        log.warning("Fatal error: can't open the AOF manifest file %s for "
                    "reading: %s", os.fsdecode(path), err.strerror)
        sys.exit(1)
    try:
        server.aof_manifest = aof_load_manifest_from_file(data)
    except AofManifestError as err:
        message, linenum, line = err.args
        log.warning("\n*** FATAL AOF MANIFEST FILE ERROR ***\n")
        if line is not None:
            log.warning("Reading the manifest file, at line %d\n", linenum)
            log.warning(">>> '%s'\n", line.decode("latin-1"))
        log.warning("%s\n", message)
        sys.exit(1)
# --8<-- [end:aof_load_manifest_from_disk]


# --8<-- [start:get_new_base_file_name_and_mark_pre_as_history]
def get_new_base_file_name_and_mark_pre_as_history(
        server, am: AofManifest) -> bytes:
    """Name the next base file, and make the current one history.
    Mirrors getNewBaseFileNameAndMarkPreAsHistory(): the base is
    "appendonly.aof.N.base.rdb" with the RDB preamble, else ".base.aof".
    """
    if am.base_aof_info:
        am.base_aof_info.file_type = AOF_FILE_TYPE_HIST
        am.history_aof_list.insert(0, am.base_aof_info)
    suffix = (RDB_FORMAT_SUFFIX if server.aof_use_rdb_preamble
              else AOF_FORMAT_SUFFIX)
    am.curr_base_file_seq += 1
    name = b"%s.%d%s%s" % (server.aof_filename, am.curr_base_file_seq,
                           BASE_FILE_SUFFIX, suffix)
    am.base_aof_info = AofInfo(name, am.curr_base_file_seq,
                               AOF_FILE_TYPE_BASE)
    am.dirty = True
    return name


def get_new_incr_aof_name(server, am: AofManifest) -> bytes:
    """Add the next incr file, "appendonly.aof.N.incr.aof", to the list.
    Mirrors getNewIncrAofName()."""
    am.curr_incr_file_seq += 1
    name = b"%s.%d%s%s" % (server.aof_filename, am.curr_incr_file_seq,
                           INCR_FILE_SUFFIX, AOF_FORMAT_SUFFIX)
    am.incr_aof_list.append(AofInfo(name, am.curr_incr_file_seq,
                                    AOF_FILE_TYPE_INCR))
    am.dirty = True
    return name
# --8<-- [end:get_new_base_file_name_and_mark_pre_as_history]


def get_temp_incr_aof_name(server) -> bytes:
    """Mirrors getTempIncrAofName(): the incr file of AOF_WAIT_REWRITE."""
    return TEMP_FILE_NAME_PREFIX + server.aof_filename + INCR_FILE_SUFFIX


def get_last_incr_aof_name(server, am: AofManifest) -> bytes:
    """The incr file to append to: the last, or a new one if there is
    none. Mirrors getLastIncrAofName()."""
    if not am.incr_aof_list:
        return get_new_incr_aof_name(server, am)
    return am.incr_aof_list[-1].file_name


# --8<-- [start:persist_aof_manifest]
def persist_aof_manifest(server, am: AofManifest) -> bool:
    """Write the manifest if it changed; True on success. Mirrors
    persistAofManifest()."""
    if not am.dirty:
        return True
    if not write_aof_manifest_file(server, get_aof_manifest_as_string(am)):
        return False
    am.dirty = False
    return True


def write_aof_manifest_file(server, buf: bytes) -> bool:
    """Replace the manifest atomically. Mirrors writeAofManifestFile():
    a temp file written and fsynced, renamed over the manifest, then the
    directory fsynced, so that the rename, and the files just created
    in the directory, survive a power cut."""
    name = os.fsdecode(get_aof_manifest_file_name(server))
    tmp_name = os.fsdecode(get_temp_aof_manifest_file_name(server))
    path = os.path.join(os.fsdecode(server.aof_dirname), name)
    tmp_path = os.path.join(os.fsdecode(server.aof_dirname), tmp_name)
    try:
        fd = os.open(tmp_path, os.O_WRONLY | os.O_TRUNC | os.O_CREAT, 0o644)
    except OSError as err:
        log.warning("Can't open the AOF manifest file %s: %s", tmp_name,
                    err.strerror)
        return False
    try:
        aof_write_all(fd, buf)
    except OSError as err:
        log.warning("Error trying to write the temporary AOF manifest file "
                    "%s: %s", tmp_name, err.strerror)
        os.close(fd)
        return False
    try:
        redis_fsync(fd)
    except OSError as err:
        log.warning("Fail to fsync the temp AOF file %s: %s.", tmp_name,
                    err.strerror)
        return False
    finally:
        os.close(fd)
    return rename_manifest_into_place(tmp_path, path)


def rename_manifest_into_place(tmp_path: str, path: str) -> bool:
    """The commit of write_aof_manifest_file: rename, then fsync the
    directory."""
    try:
        os.rename(tmp_path, path)
    except OSError as err:
        log.warning("Error trying to rename the temporary AOF manifest file "
                    "%s into %s: %s", os.path.basename(tmp_path),
                    os.path.basename(path), err.strerror)
        return False
    try:
        fsync_file_dir(path)
    except OSError as err:
        log.warning("Fail to fsync AOF directory %s: %s.", path,
                    err.strerror)
        return False
    return True
# --8<-- [end:persist_aof_manifest]


def aof_write_all(fd: int, buf: bytes) -> None:
    """write() until every byte is written; raises OSError."""
    with memoryview(buf) as view:
        written = 0
        while written < len(view):
            written += os.write(fd, view[written:])


# --8<-- [start:aof_open_if_needed_on_server_start]
def aof_open_if_needed_on_server_start(server) -> None:
    """With appendonly yes, make sure there is a base file and an incr
    file open for appending, and a manifest that lists them. Mirrors
    aofOpenIfNeededOnServerStart(), which runs after the dataset is
    loaded: on a first start the dataset is empty, and the base file
    made here is an RDB file with no keys. Any failure ends the process.
    """
    if server.aof_state != AOF_ON:
        return
    am = server.aof_manifest
    try:
        os.makedirs(server.aof_dirname, exist_ok=True)  # dirCreateIfMissing
    except OSError as err:
        log.warning("Can't open or create append-only dir %s: %s",
                    os.fsdecode(server.aof_dirname), err.strerror)
        sys.exit(1)
    had_incr = bool(am.incr_aof_list)
    if am.base_aof_info is None and not had_incr:
        base_name = get_new_base_file_name_and_mark_pre_as_history(server, am)
        if not rewrite_append_only_file(
                server, make_path(server.aof_dirname, base_name)):
            sys.exit(1)
        log.info("Creating AOF base file %s on server start",
                 os.fsdecode(base_name))
    aof_name = get_last_incr_aof_name(server, am)
    server.aof_fd = open_incr_aof_or_exit(server, aof_name, os.O_APPEND)
    if not persist_aof_manifest(server, am):
        sys.exit(1)
    server.aof_last_incr_size = get_append_only_file_size(server, aof_name)
    server.aof_last_incr_fsync_offset = server.aof_last_incr_size
    log.info("%s AOF incr file %s on server start",
             "Opening" if had_incr else "Creating", os.fsdecode(aof_name))
# --8<-- [end:aof_open_if_needed_on_server_start]


def open_incr_aof_or_exit(server, aof_name: bytes, mode: int) -> int:
    """Open an incr file for writing (O_APPEND or O_TRUNC), or exit."""
    path = make_path(server.aof_dirname, aof_name)
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | mode, 0o644)
    except OSError as err:
        log.warning("Can't open the append-only file %s: %s",
                    os.fsdecode(aof_name), err.strerror)
        sys.exit(1)


def get_append_only_file_size(server, filename: bytes) -> int:
    """The size of a file of the AOF directory; 0, with a log line, if it
    can't be read. Mirrors getAppendOnlyFileSize()."""
    size = aof_file_size_or_none(server, filename)
    return 0 if size is None else size


def aof_file_size_or_none(server, filename: bytes) -> int | None:
    """The size of a file of the AOF directory; None, with Redis's log
    line, if it can't be read (getAppendOnlyFileSize()'s status)."""
    try:
        return os.stat(make_path(server.aof_dirname, filename)).st_size
    except OSError as err:
        log.warning("Unable to obtain the AOF file %s length. stat: %s",
                    os.fsdecode(filename), err.strerror)
        return None


def aof_del_history_files(server) -> bool:
    """Delete the files a rewrite replaced, in the background, and drop
    them from the manifest. Mirrors aofDelHistoryFiles()."""
    am = server.aof_manifest
    if am is None or not am.history_aof_list:
        return True
    for ai in am.history_aof_list:
        log.info("Removing the history file %s in the background",
                 os.fsdecode(ai.file_name))
        bg_unlink(server, make_path(server.aof_dirname, ai.file_name))
    am.history_aof_list.clear()
    am.dirty = True
    return persist_aof_manifest(server, am)


# Writing the log.

def unixtime(server) -> int:
    """Redis's server.unixtime: the cached clock, in seconds."""
    return server.mstime // 1000


def aof_fsync_in_progress(server) -> bool:
    """Whether the fsync thread has a job queued or running. Mirrors
    aofFsyncInProgress()."""
    return bio_pending_jobs_of_type(server, BIO_AOF_FSYNC) != 0


def aof_background_fsync(server, fd: int) -> None:
    """Mirrors aof_background_fsync(): fsync `fd` in the bio thread."""
    bio_create_fsync_job(server, fd)


def aof_background_fsync_and_close(server, fd: int) -> None:
    """Mirrors aof_background_fsync_and_close(): for an incr file that a
    rewrite replaced, whose last writes must reach the disk all the same.
    """
    bio_create_close_job(server, fd, need_fsync=True)


# --8<-- [start:cat_append_only_generic_command]
def cat_append_only_generic_command(dst: bytearray,
                                    argv: list[bytes]) -> None:
    """Append the command as RESP: an array of bulk strings, as a client
    sends it. Mirrors catAppendOnlyGenericCommand()."""
    # BEGIN EXERCISE 11-cat-append-only-generic-command
    dst += b"*%d\r\n" % len(argv)
    for arg in argv:
        dst += b"$%d\r\n%s\r\n" % (len(arg), arg)
    # END EXERCISE 11-cat-append-only-generic-command
# --8<-- [end:cat_append_only_generic_command]


# --8<-- [start:feed_append_only_file]
def feed_append_only_file(server, dictid: int, argv: list[bytes]) -> None:
    """Log a write command that ran against database `dictid`.

    Mirrors feedAppendOnlyFile(). The file has no database per command:
    like a client, it SELECTs one, when the database changes. The bytes
    wait in server.aof_buf until before_sleep writes them, always before
    the client gets its reply. While AOF is being switched on at run time
    (AOF_WAIT_REWRITE), nothing is kept unless the rewrite that will make
    the first base file is running: its incr file starts with the writes
    made after its fork.
    """
    # BEGIN EXERCISE 11-feed-append-only-file
    buf = bytearray()
    if server.aof_timestamp_enabled:
        buf += gen_aof_timestamp_annotation_if_needed(server, False)
    if dictid != server.aof_selected_db:
        seldb = b"%d" % dictid
        buf += b"*2\r\n$6\r\nSELECT\r\n$%d\r\n%s\r\n" % (len(seldb), seldb)
        server.aof_selected_db = dictid
    cat_append_only_generic_command(buf, argv)
    if server.aof_state == AOF_ON or (
            server.aof_state == AOF_WAIT_REWRITE
            and server.child_type == CHILD_TYPE_AOF):
        server.aof_buf += buf
    # END EXERCISE 11-feed-append-only-file
# --8<-- [end:feed_append_only_file]


def gen_aof_timestamp_annotation_if_needed(server, force: bool) -> bytes:
    """A "#TS:<unix time>" line when the second changed since the last
    one (aof-timestamp-enabled): loading can then stop at a point in
    time. Mirrors genAofTimestampAnnotationIfNeeded()."""
    if not force and server.aof_cur_timestamp >= unixtime(server):
        return b""
    server.aof_cur_timestamp = int(time.time()) if force else unixtime(
        server)
    return b"#TS:%d\r\n" % server.aof_cur_timestamp


# --8<-- [start:flush_append_only_file]
def flush_append_only_file(server, force: bool) -> None:
    """Write aof_buf to the file, then fsync as appendfsync says.

    Mirrors flushAppendOnlyFile(), which before_sleep calls before it
    sends the turn's replies. With everysec, while the fsync thread is
    still busy a write(2) would block behind its fsync, so the write is
    postponed, for up to two seconds (server_cron retries); `force`
    writes anyway (at shutdown). A failed write keeps the buffer for the
    next try and refuses writes (MISCONF) until one succeeds; under
    always, where the reply may already be promised, it ends the process.
    """
    if not server.aof_buf:
        if fsync_due_with_empty_buffer(server):
            aof_fsync_if_needed(server, sync_in_progress=False)
        return
    # BEGIN EXERCISE 11-flush-append-only-file
    sync_in_progress = (server.aof_fsync == AOF_FSYNC_EVERYSEC
                        and aof_fsync_in_progress(server))
    if (server.aof_fsync == AOF_FSYNC_EVERYSEC and not force
            and sync_in_progress and postpone_flush(server)):
        return
    nwritten, err_no = aof_write(server.aof_fd, server.aof_buf)
    server.aof_flush_postponed_start = 0
    if nwritten != len(server.aof_buf):
        handle_aof_write_error(server, nwritten, err_no)
        return
    if server.aof_last_write_status == C_ERR:
        log.warning("AOF write error looks solved, Redis can write again.")
        server.aof_last_write_status = C_OK
    server.aof_current_size += nwritten
    server.aof_last_incr_size += nwritten
    server.aof_buf = bytearray()
    aof_fsync_if_needed(server, sync_in_progress)
    # END EXERCISE 11-flush-append-only-file
# --8<-- [end:flush_append_only_file]


def fsync_due_with_empty_buffer(server) -> bool:
    """Whether written bytes still wait for an fsync, though nothing new
    is to be written: the writes stopped less than a second after the
    last everysec fsync, or appendfsync was just set to always."""
    unsynced = (server.aof_last_incr_fsync_offset
                != server.aof_last_incr_size)
    if server.aof_fsync == AOF_FSYNC_EVERYSEC:
        return (unsynced and unixtime(server) > server.aof_last_fsync
                and not aof_fsync_in_progress(server))
    return server.aof_fsync == AOF_FSYNC_ALWAYS and unsynced


def postpone_flush(server) -> bool:
    """True to skip this write while the background fsync runs; after
    two seconds of that, write anyway, and say so."""
    now = unixtime(server)
    if server.aof_flush_postponed_start == 0:
        server.aof_flush_postponed_start = now
        return True
    if now - server.aof_flush_postponed_start < 2:
        return True
    server.aof_delayed_fsync += 1
    log.info("Asynchronous AOF fsync is taking too long (disk is busy?). "
             "Writing the AOF buffer without waiting for fsync to complete, "
             "this may slow down Redis.")
    return False


def aof_write(fd: int, buf: bytearray) -> tuple[int, int]:
    """Write `buf`, retrying short writes: (bytes written, errno). Mirrors
    aofWrite(): -1 only if nothing at all was written."""
    written = 0
    with memoryview(buf) as view:
        while written < len(view):
            try:
                written += os.write(fd, view[written:])
            except OSError as err:
                return (written or -1), err.errno
    return written, 0


# --8<-- [start:handle_aof_write_error]
def handle_aof_write_error(server, nwritten: int, err_no: int) -> None:
    """Record a failed or short write; the buffer stays for the next try.

    The middle of flushAppendOnlyFile(). A short write is cut off the
    file again (ftruncate), so that the file never ends in half a
    command, unless that fails too. Under appendfsync always the process
    exits: the client may already have seen what it wrote (the reply of
    a read after it), and there is no way to take that back.
    """
    now = unixtime(server)
    can_log = now - server.aof_last_write_error_log > AOF_WRITE_LOG_ERROR_RATE
    if can_log:
        server.aof_last_write_error_log = now
    if nwritten == -1:
        if can_log:
            log.warning("Error writing to the AOF file: %s",
                        os.strerror(err_no))
        server.aof_last_write_errno = err_no
    else:
        nwritten = remove_short_write(server, nwritten, can_log)
        server.aof_last_write_errno = errno.ENOSPC  # Redis's guess
    if server.aof_fsync == AOF_FSYNC_ALWAYS:
        log.warning("Can't recover from AOF write error when the AOF fsync "
                    "policy is 'always'. Exiting...")
        sys.exit(1)
    server.aof_last_write_status = C_ERR
    if nwritten > 0:  # a partial write that could not be undone
        server.aof_current_size += nwritten
        server.aof_last_incr_size += nwritten
        del server.aof_buf[:nwritten]
# --8<-- [end:handle_aof_write_error]


def remove_short_write(server, nwritten: int, can_log: bool) -> int:
    """Truncate a short write away; -1 if it worked, else nwritten."""
    if can_log:
        log.warning("Short write while writing to the AOF file: "
                    "(nwritten=%d, expected=%d)", nwritten,
                    len(server.aof_buf))
    try:
        os.ftruncate(server.aof_fd, server.aof_last_incr_size)
    except OSError as err:
        if can_log:
            log.warning("Could not remove short write from the append-only "
                        "file.  Redis may refuse to load the AOF the next "
                        "time it starts.  ftruncate: %s", err.strerror)
        return nwritten
    return -1


# --8<-- [start:aof_fsync_if_needed]
def aof_fsync_if_needed(server, sync_in_progress: bool) -> None:
    """The end of flushAppendOnlyFile() (its try_fsync label).

    always: fdatasync() now, in the event loop, before before_sleep
    sends the replies; if it fails, exit, as for a failed write.
    everysec: at most once a second, a job for the fsync thread, unless
    one is still running. no: nothing; the kernel flushes on its own.
    With no-appendfsync-on-rewrite, no fsync while a child writes.
    """
    # BEGIN EXERCISE 11-aof-fsync-if-needed
    if server.aof_no_fsync_on_rewrite and \
            server.child_type != CHILD_TYPE_NONE:
        return
    now = unixtime(server)
    if server.aof_fsync == AOF_FSYNC_ALWAYS:
        try:
            redis_fsync(server.aof_fd)
        except OSError as err:
            log.warning("Can't persist AOF for fsync error when the AOF "
                        "fsync policy is 'always': %s. Exiting...",
                        err.strerror)
            sys.exit(1)
        server.aof_last_incr_fsync_offset = server.aof_last_incr_size
        server.aof_last_fsync = now
    elif server.aof_fsync == AOF_FSYNC_EVERYSEC and \
            now > server.aof_last_fsync:
        if not sync_in_progress:
            aof_background_fsync(server, server.aof_fd)
            server.aof_last_incr_fsync_offset = server.aof_last_incr_size
        server.aof_last_fsync = now
    # END EXERCISE 11-aof-fsync-if-needed
# --8<-- [end:aof_fsync_if_needed]


# Rewriting: the base file.

class AutoSyncFile:
    """A file that fsyncs every REDIS_AUTOSYNC_BYTES it is given, so that
    a big rewrite reaches the disk steadily instead of in one burst at
    the end. Mirrors rio's autosync (rioSetAutoSync())."""

    def __init__(self, f, every: int) -> None:
        self.f, self.every, self.unsynced = f, every, 0

    def write(self, data) -> None:
        self.f.write(data)
        self.unsynced += len(data)
        if self.unsynced >= self.every:
            self.f.flush()
            redis_fsync(self.f.fileno())
            self.unsynced = 0


# --8<-- [start:rewrite_append_only_file]
def rewrite_append_only_file(server, filename: bytes) -> bool:
    """Write the whole dataset to `filename`, as a new base file; True on
    success. Mirrors rewriteAppendOnlyFile(): a temp file, fsynced, then
    renamed into place, so `filename` is whole or absent. With
    aof-use-rdb-preamble (the default) the base is an RDB file, else
    the commands that rebuild the dataset.
    """
    tmpfile = f"temp-rewriteaof-{os.getpid()}.aof"
    try:
        f = open(tmpfile, "wb")  # noqa: SIM115 (closed below)
    except OSError as err:
        log.warning("Opening the temp file for AOF rewrite in "
                    "rewriteAppendOnlyFile(): %s", err.strerror)
        return False
    try:
        with f:
            out = f
            if server.aof_rewrite_incremental_fsync:
                out = AutoSyncFile(f, REDIS_AUTOSYNC_BYTES)
            if server.aof_use_rdb_preamble:
                rdb_save_rio(out, server, RDBFLAGS_AOF_PREAMBLE)
            else:
                rewrite_append_only_file_rio(out, server)
            f.flush()
            os.fsync(f.fileno())
    except OSError as err:
        log.warning("Write error writing append only file on disk: %s",
                    err.strerror)
        remove_quietly(tmpfile)
        return False
    try:
        os.rename(tmpfile, filename)
    except OSError as err:
        log.warning("Error moving temp append only file on the final "
                    "destination: %s", err.strerror)
        remove_quietly(tmpfile)
        return False
    return True
# --8<-- [end:rewrite_append_only_file]

# Loading. What load_single_append_only_file() returns (aof.c's AOF_*).
AOF_OK, AOF_NOT_EXIST, AOF_EMPTY, AOF_OPEN_ERR, AOF_FAILED, AOF_TRUNCATED = (
    range(6))
CLIENT_ID_AOF = 2**64 - 1  # the fake client's id (UINT64_MAX)


class AofFormatError(Exception):
    """A line that is not the protocol: fmterr in aof.c."""


class AofShortRead(Exception):
    """The file ends inside a command: uxeof in aof.c."""


def create_aof_client(server) -> Client:
    """The client the file's commands run as. Mirrors createAOFClient():
    no connection, so its replies go nowhere (add_reply() drops them),
    and it may never block: nothing would ever wake it up."""
    return Client(None, -1, server, CLIENT_ID_AOF, authenticated=True,
                  db=server.db[0], flags=CLIENT_DENY_BLOCKING)


class AofReader:
    """The file's bytes and how far they have been read, read as fgets()
    and fread() read a FILE: a line, or exactly n bytes."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    def at_eof(self) -> bool:
        return self.pos >= len(self.data)

    def gets(self) -> bytes:
        """The next line with its newline (or the rest of the file).
        Mirrors fgets(): at the end of the file, a short read."""
        if self.at_eof():
            raise AofShortRead
        end = self.data.find(b"\n", self.pos)
        end = len(self.data) if end == -1 else end + 1
        line = self.data[self.pos:end]
        self.pos = end
        return line

    def read(self, n: int) -> bytes:
        """Exactly n bytes, or a short read. Mirrors fread(buf, n, 1)."""
        end = self.pos + n
        if end > len(self.data):
            self.pos = len(self.data)
            raise AofShortRead
        chunk = self.data[self.pos:end]
        self.pos = end
        return chunk


# --8<-- [start:read_aof_command]
def read_aof_command(reader: AofReader) -> list[bytes] | None:
    """The next command's arguments; None for an annotation line
    ("#TS:..."), which is skipped. Mirrors the loop body of
    loadSingleAppendOnlyFile(): "*<argc>", then "$<len>" and the bytes
    of each argument. Raises AofFormatError for a line that is not the
    protocol, AofShortRead for a file that ends inside the command."""
    line = reader.gets()
    if line.startswith(b"#"):
        return None
    if not line.startswith(b"*"):
        raise AofFormatError
    if len(line) == 1:
        raise AofShortRead  # "*" was the last byte of the file
    argc = c_atoi(line[1:])
    if argc < 1:
        raise AofFormatError
    argv = []
    for _ in range(argc):
        line = reader.gets()
        if not line.startswith(b"$"):
            raise AofFormatError
        length = c_atoi(line[1:])
        if length < 0:
            raise AofShortRead  # Redis reads that much: till the end
        argv.append(reader.read(length))
        reader.read(2)  # the CRLF, not checked
    return argv
# --8<-- [end:read_aof_command]


def c_atoi(text: bytes) -> int:
    """The number at the start of `text` (spaces, a sign, digits), 0 if
    there is none. Mirrors atoi() and strtol(..., 10)."""
    match = re.match(rb"\s*([+-]?\d+)", text)
    return int(match.group(1)) if match else 0


# --8<-- [start:load_single_append_only_file]
def load_single_append_only_file(server, filename: bytes) -> int:
    """Replay one file of the manifest into the databases; an AOF_*
    status. Mirrors loadSingleAppendOnlyFile() in aof.c.

    A file whose first five bytes say "REDIS" starts with an RDB (a
    base file written with aof-use-rdb-preamble): it is loaded as one,
    and what follows is read as commands. Each command runs as a fake
    client, MULTI and EXEC included. While it runs, the AOF is off:
    the commands replayed must not be written again.

    Simplified: the file is read into memory whole; Redis reads it as a
    stream, and answers -LOADING to clients every 1024 commands.
    """
    data = read_aof_file(server, filename)
    if isinstance(data, int):
        return data  # an AOF_* status: it could not be read
    if not data:
        return AOF_EMPTY
    old_aof_state = server.aof_state
    server.aof_state = AOF_OFF
    fake = create_aof_client(server)
    reader = AofReader(data)
    try:
        if data.startswith(b"REDIS") and not load_aof_rdb_part(
                server, reader, filename):
            return AOF_FAILED
        status = replay_aof_commands(server, fake, reader, filename)
    finally:
        free_aof_client(fake)
    if status in (AOF_OK, AOF_TRUNCATED):
        server.aof_state = old_aof_state
    return status
# --8<-- [end:load_single_append_only_file]


def read_aof_file(server, filename: bytes) -> bytes | int:
    """The file's bytes, or AOF_NOT_EXIST or AOF_OPEN_ERR with the line
    Redis logs. Mirrors the fopen() of loadSingleAppendOnlyFile()."""
    name = os.fsdecode(filename)
    try:
        with open(make_path(server.aof_dirname, filename), "rb") as f:
            return f.read()
    except FileNotFoundError as err:
        log.warning("The append log file %s doesn't exist: %s", name,
                    err.strerror)
        return AOF_NOT_EXIST
    except OSError as err:
        log.warning("Fatal error: can't open the append log file %s for "
                    "reading: %s", name, err.strerror)
        return AOF_OPEN_ERR


def load_aof_rdb_part(server, reader: AofReader, filename: bytes) -> bool:
    """Load the RDB a file starts with; False if it is corrupt. Keys
    already expired are kept: a command later in the file may use them,
    and active expiry deletes them once loading is over."""
    name = os.fsdecode(filename)
    old_style = filename == server.aof_filename
    log.info("Reading RDB preamble from AOF file..." if old_style
             else "Reading RDB base file on AOF loading...")
    rdb_reader = RioReader(reader.data)
    try:
        dbs = rdb_load_rio(rdb_reader, server, rdbflags=RDBFLAGS_AOF_PREAMBLE)
    except RdbError as err:
        log.warning("%s", err)
        if old_style:
            log.warning("Error reading the RDB preamble of the AOF file "
                        "%s, AOF loading aborted", name)
        else:
            log.warning("Error reading the RDB base file %s, AOF loading "
                        "aborted", name)
        return False
    rdb_install_loaded_dbs(server, dbs)
    reader.pos = rdb_reader.pos
    if old_style:
        log.info("Reading the remaining AOF tail...")
    return True


# --8<-- [start:replay_aof_commands]
def replay_aof_commands(server, fake: Client, reader: AofReader,
                        filename: bytes) -> int:
    """Run the file's commands one by one, as the fake client; an AOF_*
    status. The loop of loadSingleAppendOnlyFile().

    valid_up_to is where the last whole command ended, kept only when
    aof-load-truncated may need it: a file that ends inside a command,
    or inside a transaction (MULTI with no EXEC), is cut back to there.
    """
    name = os.fsdecode(filename)
    valid_up_to = valid_before_multi = 0
    server.mstime = mstime()
    try:
        while not reader.at_eof():
            argv = read_aof_command(reader)
            if argv is None:
                continue  # an annotation
            cmd = lookup_command(argv)
            if cmd is None:
                log.warning("Unknown command '%s' reading the append only "
                            "file %s", resp.c_string(argv[0]).decode(
                                errors="replace"), name)
                return AOF_FAILED
            if cmd.fullname == "multi":
                valid_before_multi = valid_up_to
            run_aof_command(fake, cmd, argv)
            if server.aof_load_truncated:
                valid_up_to = reader.pos
    except AofFormatError:
        log.warning("Bad file format reading the append only file %s: "
                    "make a backup of your AOF file, then use "
                    "./redis-check-aof --fix <filename.manifest>", name)
        return AOF_FAILED
    except AofShortRead:
        return aof_short_read(server, filename, valid_up_to)
    if fake.flags & CLIENT_MULTI:
        log.warning("Revert incomplete MULTI/EXEC transaction in AOF file "
                    "%s", name)
        return aof_short_read(server, filename, valid_before_multi)
    return AOF_OK
# --8<-- [end:replay_aof_commands]


def run_aof_command(fake: Client, cmd, argv: list[bytes]) -> None:
    """Run one command as the fake client, or queue it inside MULTI.
    Its reply, an error included, goes nowhere."""
    fake.argv = argv
    fake.cmd = fake.lastcmd = cmd
    if fake.flags & CLIENT_MULTI and cmd.fullname != "exec":
        queue_multi_command(fake, cmd)
        return
    try:
        cmd.proc(fake)
    except CommandError:
        pass


def free_aof_client(fake: Client) -> None:
    """Mirrors freeClient() of the fake client: its transaction, if the
    file ended inside one, is dropped."""
    if fake.flags & CLIENT_MULTI:
        discard_transaction(fake)


# --8<-- [start:aof_short_read]
def aof_short_read(server, filename: bytes, valid_up_to: int) -> int:
    """The file ends inside a command (a torn write, say, from a server
    killed while writing). With aof-load-truncated the file is cut at
    the end of the last whole command and loaded; without, refused.
    Mirrors the uxeof label of loadSingleAppendOnlyFile()."""
    # BEGIN EXERCISE 11-load-truncated
    name = os.fsdecode(filename)
    if server.aof_load_truncated:
        log.warning("!!! Warning: short read while loading the AOF file "
                    "%s!!!", name)
        log.warning("!!! Truncating the AOF %s at offset %d !!!", name,
                    valid_up_to)
        try:
            os.truncate(make_path(server.aof_dirname, filename), valid_up_to)
        except OSError as err:
            log.warning("Error truncating the AOF file %s: %s", name,
                        err.strerror)
        else:
            log.warning("AOF %s loaded anyway because aof-load-truncated "
                        "is enabled", name)
            return AOF_TRUNCATED
    log.warning("Unexpected end of file reading the append only file %s. "
                "You can: 1) Make a backup of your AOF file, then use "
                "./redis-check-aof --fix <filename.manifest>. 2) "
                "Alternatively you can set the 'aof-load-truncated' "
                "configuration option to yes and restart the server.", name)
    return AOF_FAILED
    # END EXERCISE 11-load-truncated
# --8<-- [end:aof_short_read]


# --8<-- [start:load_append_only_files]
def load_append_only_files(server, am) -> int:
    """Load the base file, then each incr file, as the manifest lists
    them; an AOF_* status. Mirrors loadAppendOnlyFiles() in aof.c.

    Only the last file may be truncated: a torn tail can only be where
    the server was writing when it died. A file the manifest names but
    the directory lacks is fatal.
    """
    files = ([am.base_aof_info] if am.base_aof_info else []) + list(
        am.incr_aof_list)
    if not files:
        return AOF_NOT_EXIST
    sizes = [aof_file_size_or_none(server, ai.file_name) for ai in files]
    if None in sizes:
        return AOF_FAILED
    if sum(sizes) == 0:
        return AOF_EMPTY
    server.loading = True
    try:
        for ai in files:
            status = load_one_of_the_aof_files(server, ai,
                                               last=ai is files[-1])
            if status in (AOF_OPEN_ERR, AOF_FAILED):
                return status
    finally:
        server.loading = False
    server.aof_current_size = sum(sizes)
    # Redis does not keep the size the files had after the last rewrite;
    # the base's size stands for it, so the first rewrite may come early.
    server.aof_rewrite_base_size = sizes[0] if am.base_aof_info else 0
    return status
# --8<-- [end:load_append_only_files]


def load_one_of_the_aof_files(server, ai, last: bool) -> int:
    """Load one file and log it as Redis does; a truncated file that is
    not the last one is a failure."""
    kind = "base" if ai.file_type == AOF_FILE_TYPE_BASE else "incr"
    start = time.monotonic()
    status = load_single_append_only_file(server, ai.file_name)
    if status == AOF_OK or (status == AOF_TRUNCATED and last):
        log.info("DB loaded from %s file %s: %.3f seconds", kind,
                 os.fsdecode(ai.file_name), time.monotonic() - start)
    if status == AOF_TRUNCATED and not last:
        log.warning("Fatal error: the truncated file is not the last file")
        return AOF_FAILED
    if status == AOF_EMPTY and kind == "incr":
        return AOF_OK  # some file has data: an empty incr file is fine
    return status


# --8<-- [start:open_new_incr_aof_for_append]
def open_new_incr_aof_for_append(server) -> bool:
    """Start a new incr file for the writes to come; False if it could
    not be opened or recorded. Mirrors openNewIncrAofForAppend().

    With AOF on, the file is added to a copy of the manifest, which is
    persisted before anything else changes: either both happen or
    neither. While AOF waits for its first rewrite, the writes go to a
    temp file that the manifest does not name yet. The old file is
    closed in the background, after its last fsync.
    """
    if server.aof_state == AOF_OFF:
        return True
    temp_am = None
    if server.aof_state == AOF_WAIT_REWRITE:
        new_name = get_temp_incr_aof_name(server)
    else:
        temp_am = aof_manifest_dup(server.aof_manifest)
        new_name = get_new_incr_aof_name(server, temp_am)
    try:
        newfd = os.open(make_path(server.aof_dirname, new_name),
                        os.O_WRONLY | os.O_TRUNC | os.O_CREAT, 0o644)
    except OSError as err:
        log.warning("Can't open the append-only file %s: %s",
                    os.fsdecode(new_name), err.strerror)
        return False
    if temp_am is not None and not persist_aof_manifest(server, temp_am):
        os.close(newfd)
        return False
    log.info("Creating AOF incr file %s on background rewrite",
             os.fsdecode(new_name))
    if server.aof_fd != -1:
        aof_background_fsync_and_close(server, server.aof_fd)
        server.aof_last_fsync = unixtime(server)
    server.aof_fd = newfd
    server.aof_last_incr_size = 0
    server.aof_last_incr_fsync_offset = 0
    if temp_am is not None:
        server.aof_manifest = temp_am
    return True
# --8<-- [end:open_new_incr_aof_for_append]




# Rewriting: a new base file, written by a forked child.

AOF_REWRITE_ITEMS_PER_CMD = 64  # elements per RPUSH, SADD, ZADD, HMSET


def rio_write_bulk_count(out: bytearray, prefix: bytes, count: int) -> None:
    """Mirrors rioWriteBulkCount(): "*3\\r\\n"."""
    out += b"%s%d\r\n" % (prefix, count)


def rio_write_bulk_string(out: bytearray, s: bytes) -> None:
    """Mirrors rioWriteBulkString(): "$5\\r\\nhello\\r\\n"."""
    out += b"$%d\r\n%s\r\n" % (len(s), s)


def rio_write_bulk_double(out: bytearray, d: float) -> None:
    """Mirrors rioWriteBulkDouble(): 17 significant digits (%.17g),
    which a score read back as a double gives back exactly."""
    rio_write_bulk_string(out, b"%.17g" % d)


def write_variadic_commands(out: bytearray, name: bytes, key: bytes,
                            items: Iterable[list[bytes]],
                            count: int) -> None:
    """`name key item...` as many times as it takes, with at most
    AOF_REWRITE_ITEMS_PER_CMD items (an item is one element, or a pair)
    per command. The loop that rewriteListObject() and the others share:
    a huge list is not one huge command, which loading would have to
    hold whole in memory."""
    in_command = 0
    for item in items:
        if in_command == 0:
            batch = min(count, AOF_REWRITE_ITEMS_PER_CMD)
            rio_write_bulk_count(out, b"*", 2 + batch * len(item))
            rio_write_bulk_string(out, name)
            rio_write_bulk_string(out, key)
        for part in item:
            rio_write_bulk_string(out, part)
        in_command += 1
        count -= 1
        if in_command == AOF_REWRITE_ITEMS_PER_CMD:
            in_command = 0


# --8<-- [start:rewrite_list_object]
def rewrite_list_object(out: bytearray, key: bytes, o: RedisObject) -> None:
    """RPUSH commands that rebuild the list. Mirrors rewriteListObject():
    the elements from head to tail, integers in decimal."""
    it = quicklist_get_iterator(o.ptr, AL_START_HEAD)
    elements = iter(lambda: quicklist_next(it), None)
    write_variadic_commands(
        out, b"RPUSH", key,
        ([element_string(entry.value)] for entry in elements),
        list_type_length(o))
# --8<-- [end:rewrite_list_object]


def rewrite_set_object(out: bytearray, key: bytes, o: RedisObject) -> None:
    """SADD commands. Mirrors rewriteSetObject()."""
    write_variadic_commands(out, b"SADD", key,
                            ([m] for m in set_type_members(o)),
                            set_type_size(o))


def rewrite_sorted_set_object(out: bytearray, key: bytes,
                              o: RedisObject) -> None:
    """ZADD commands, each score before its member. Mirrors
    rewriteSortedSetObject(): a listpack in order, a skiplist's members
    in the order of its dict."""
    if o.encoding == OBJ_ENCODING_LISTPACK:
        pairs = ((p.ele, p.score)
                 for p in zzl_walk(o.ptr, lp_first(o.ptr), False))
    else:
        pairs = o.ptr.dict.items()
    write_variadic_commands(
        out, b"ZADD", key,
        ([b"%.17g" % score, ele] for ele, score in pairs), zset_length(o))


def rewrite_hash_object(out: bytearray, key: bytes, o: RedisObject) -> None:
    """HMSET commands, field then value. Mirrors rewriteHashObject()."""
    write_variadic_commands(out, b"HMSET", key,
                            ([f, v] for f, v in hash_type_pairs(o)),
                            hash_type_length(o))


REWRITE_OBJECT = {OBJ_LIST: rewrite_list_object, OBJ_SET: rewrite_set_object,
                  OBJ_ZSET: rewrite_sorted_set_object,
                  OBJ_HASH: rewrite_hash_object}


# --8<-- [start:rewrite_append_only_file_rio]
def rewrite_append_only_file_rio(f, server) -> None:
    """Write the commands that rebuild the whole dataset to the binary
    file `f`. Mirrors rewriteAppendOnlyFileRio(): for each database with
    keys, SELECT, then one key after another, a SET or the variadic
    commands of its type, and PEXPIREAT with the absolute time when it
    has one. This is the base file with aof-use-rdb-preamble no.
    """
    out = bytearray()
    for db in server.db:
        if not db.dict:
            continue
        out += b"*2\r\n$6\r\nSELECT\r\n"
        rio_write_bulk_string(out, b"%d" % db.id)
        for key, o in db.dict.items():
            if o.type == OBJ_STRING:
                out += b"*3\r\n$3\r\nSET\r\n"
                rio_write_bulk_string(out, key)
                rio_write_bulk_string(out, string_object_bytes(o))
            else:
                REWRITE_OBJECT[o.type](out, key, o)
            expiretime = db.expires.get(key)
            if expiretime is not None:
                out += b"*3\r\n$9\r\nPEXPIREAT\r\n"
                rio_write_bulk_string(out, key)
                rio_write_bulk_string(out, b"%d" % expiretime)
            if len(out) > RIO_FLUSH_BYTES:
                f.write(out)
                out.clear()
    f.write(out)
# --8<-- [end:rewrite_append_only_file_rio]


def string_object_bytes(o: RedisObject) -> bytes:
    """A string value's bytes; an int-encoded one in decimal. Mirrors
    rioWriteBulkObject()."""
    return b"%d" % o.ptr if o.encoding == OBJ_ENCODING_INT else o.ptr


# --8<-- [start:rewrite_append_only_file_background]
def rewrite_append_only_file_background(server) -> bool:
    """Fork a child that writes a new base file; True if it started.
    Mirrors rewriteAppendOnlyFileBackground() in aof.c.

    Before the fork the parent flushes what it has buffered and opens a
    new incr file, recorded in the manifest: every write from now on
    goes there, so the child's snapshot (the dataset as it is at the
    fork) and the new incr file together are the whole dataset, and
    nothing has to be copied from parent to child. The old base and
    incr files become history once the child is done.
    """
    if server.child_type != CHILD_TYPE_NONE:
        return False
    dirname = os.fsdecode(server.aof_dirname)
    try:
        os.makedirs(dirname, exist_ok=True)
    except OSError as err:
        log.warning("Can't open or create append-only dir %s: %s", dirname,
                    err.strerror)
        server.aof_lastbgrewrite_status = C_ERR
        return False
    server.aof_selected_db = -1  # the new incr file starts with SELECT
    flush_append_only_file(server, True)
    if not open_new_incr_aof_for_append(server):
        server.aof_lastbgrewrite_status = C_ERR
        return False
    server.stat_aof_rewrites += 1
    open_child_info_pipe(server)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        childpid = os.fork()
    except OSError as err:
        close_child_info_pipe(server)
        server.aof_lastbgrewrite_status = C_ERR
        log.warning("Can't rewrite append only file in background: fork: "
                    "%s", err.strerror)
        return False
    if childpid == 0:
        rewrite_append_only_file_child(server)  # never returns
    log.info("Background append only file rewriting started by pid %d",
             childpid)
    server.aof_rewrite_scheduled = False
    server.aof_rewrite_time_start = int(time.time())
    server.child_type = CHILD_TYPE_AOF
    server.child_pid = childpid
    return True
# --8<-- [end:rewrite_append_only_file_background]


def rewrite_append_only_file_child(server) -> None:
    """The child's whole life: write the temp base file, report, exit.
    The child's half of rewriteAppendOnlyFileBackground()."""
    status = 1
    try:
        set_up_child(server)
        tmpfile = f"temp-rewriteaof-bg-{os.getpid()}.aof"
        rdb_key_save_delay(server)
        if rewrite_append_only_file(server, tmpfile):
            log.info("Successfully created the temporary AOF base file %s",
                     tmpfile)
            keys = sum(len(db.dict) for db in server.db)
            send_child_cow_info(server, keys, "AOF rewrite",
                                CHILD_INFO_TYPE_AOF_COW_SIZE)
            status = 0
    except Exception:
        log.warning("Background AOF rewrite failed", exc_info=True)
    finally:
        os._exit(status)  # exitFromChild()


def aof_remove_temp_file(server, childpid: int) -> None:
    """Remove what a dead child left. Mirrors aofRemoveTempFile()."""
    bg_unlink(server, b"temp-rewriteaof-bg-%d.aof" % childpid)
    bg_unlink(server, b"temp-rewriteaof-%d.aof" % childpid)


# --8<-- [start:bgrewriteaof_command]
@command("bgrewriteaof", 1, "admin noscript no_async_loading",
         group="server", since="1.0.0", complexity="O(1)",
         summary="Asynchronously rewrite the append-only file")
def bgrewriteaof_command(c) -> None:
    """Mirrors bgrewriteaofCommand() in aof.c. With another child at
    work (a BGSAVE), or inside a transaction, the rewrite is scheduled:
    server_cron starts it as soon as it can."""
    server = c.server
    if server.child_type == CHILD_TYPE_AOF:
        c.add_reply(resp.error("Background append only file rewriting "
                               "already in progress"))
    elif server.child_type != CHILD_TYPE_NONE or server.in_exec:
        server.aof_rewrite_scheduled = True
        # Asked for by hand: no waiting for the limit of failed tries.
        server.stat_aofrw_consecutive_failures = 0
        c.add_reply(b"+Background append only file rewriting scheduled"
                    b"\r\n")
    elif rewrite_append_only_file_background(server):
        c.add_reply(b"+Background append only file rewriting started\r\n")
    else:
        c.add_reply(resp.error("Can't execute an AOF background rewriting. "
                               "Please check the server logs for more "
                               "information."))
# --8<-- [end:bgrewriteaof_command]


# --8<-- [start:background_rewrite_done_handler]
def background_rewrite_done_handler(server, exitcode: int,
                                    bysignal: int) -> None:
    """The rewrite child has exited. Mirrors backgroundRewriteDoneHandler()
    in aof.c.

    On success the temp file becomes the new base, and the manifest,
    written to a temp file and renamed over the old one, names it, and
    the incr file opened at the fork, as the whole dataset; the old base
    and incr files become history and are deleted. Until that rename the
    old manifest holds, and it names only whole files: a crash at any
    point loads either the old set or the new one.
    """
    if not bysignal and exitcode == 0:
        log.info("Background AOF rewrite terminated with success")
        if install_rewritten_base(server):
            server.aof_lastbgrewrite_status = C_OK
            server.stat_aofrw_consecutive_failures = 0
            log.info("Background AOF rewrite finished successfully")
            if server.aof_state == AOF_WAIT_REWRITE:
                server.aof_state = AOF_ON
        else:
            server.aof_lastbgrewrite_status = C_ERR
            server.stat_aofrw_consecutive_failures += 1
    elif not bysignal:
        server.aof_lastbgrewrite_status = C_ERR
        server.stat_aofrw_consecutive_failures += 1
        log.warning("Background AOF rewrite terminated with error")
    else:
        # SIGUSR1 is how Redis stops its own child: no error then.
        if bysignal != signal.SIGUSR1:
            server.aof_lastbgrewrite_status = C_ERR
            server.stat_aofrw_consecutive_failures += 1
        log.warning("Background AOF rewrite terminated by signal %d",
                    bysignal)
    rewrite_done_cleanup(server)
# --8<-- [end:background_rewrite_done_handler]


# --8<-- [start:install_rewritten_base]
def install_rewritten_base(server) -> bool:
    """Rename the child's file into the new base, and persist a manifest
    that names it; False, with the old manifest still in force, if a
    step fails. The success branch of backgroundRewriteDoneHandler()."""
    tmpfile = f"temp-rewriteaof-bg-{server.child_pid}.aof"
    temp_am = aof_manifest_dup(server.aof_manifest)
    new_base = get_new_base_file_name_and_mark_pre_as_history(server,
                                                              temp_am)
    new_base_path = make_path(server.aof_dirname, new_base)
    try:
        os.rename(tmpfile, new_base_path)
    except OSError as err:
        log.warning("Error trying to rename the temporary AOF base file %s "
                    "into %s: %s", tmpfile, os.fsdecode(new_base_path),
                    err.strerror)
        return False
    log.info("Successfully renamed the temporary AOF base file %s into %s",
             tmpfile, os.fsdecode(new_base))
    new_incr_path = None
    if server.aof_state == AOF_WAIT_REWRITE:
        new_incr_path = rename_temp_incr_aof(server, temp_am)
        if new_incr_path is None:
            bg_unlink(server, new_base_path)
            return False
    mark_rewritten_incr_aof_as_history(server, temp_am)
    if not persist_aof_manifest(server, temp_am):
        bg_unlink(server, new_base_path)
        if new_incr_path is not None:
            bg_unlink(server, new_incr_path)
        return False
    server.aof_manifest = temp_am
    if server.aof_state != AOF_OFF:
        server.aof_current_size = (get_append_only_file_size(
            server, new_base) + server.aof_last_incr_size)
        server.aof_rewrite_base_size = server.aof_current_size
    aof_del_history_files(server)
    return True
# --8<-- [end:install_rewritten_base]


def rename_temp_incr_aof(server, am) -> bytes | None:
    """AOF just turned on: the temp incr file that collected the writes
    since the fork becomes the manifest's first incr file. Its path, or
    None if the rename failed."""
    temp_name = get_temp_incr_aof_name(server)
    temp_path = make_path(server.aof_dirname, temp_name)
    new_name = get_new_incr_aof_name(server, am)
    new_path = make_path(server.aof_dirname, new_name)
    try:
        os.rename(temp_path, new_path)
    except OSError as err:
        log.warning("Error trying to rename the temporary AOF incr file %s "
                    "into %s: %s", os.fsdecode(temp_path),
                    os.fsdecode(new_path), err.strerror)
        return None
    log.info("Successfully renamed the temporary AOF incr file %s into %s",
             os.fsdecode(temp_name), os.fsdecode(new_name))
    return new_path


def rewrite_done_cleanup(server) -> None:
    """Whatever the outcome. The cleanup label of
    backgroundRewriteDoneHandler(): with AOF still waiting to turn on
    (the rewrite failed), its buffer and temp incr file are dropped and
    a new rewrite is scheduled."""
    aof_remove_temp_file(server, server.child_pid)
    if server.aof_state == AOF_WAIT_REWRITE:
        server.aof_buf = bytearray()
        aof_del_temp_incr_aof_file(server)
    server.aof_rewrite_time_last = (int(time.time())
                                    - server.aof_rewrite_time_start)
    server.aof_rewrite_time_start = -1
    if server.aof_state == AOF_WAIT_REWRITE:
        server.aof_rewrite_scheduled = True


def mark_rewritten_incr_aof_as_history(server, am) -> None:
    """Every incr file but the one being written (if AOF is on) becomes
    history, newest first. Mirrors markRewrittenIncrAofAsHistory()."""
    keep = 1 if server.aof_fd != -1 else 0
    cut = len(am.incr_aof_list) - keep
    for ai in reversed(am.incr_aof_list[:cut]):
        ai.file_type = AOF_FILE_TYPE_HIST
        am.history_aof_list.insert(0, ai)
    del am.incr_aof_list[:cut]
    am.dirty = True


def aof_del_temp_incr_aof_file(server) -> None:
    """Mirrors aofDelTempIncrAofFile()."""
    name = get_temp_incr_aof_name(server)
    log.info("Removing the temp incr aof file %s in the background",
             os.fsdecode(name))
    bg_unlink(server, make_path(server.aof_dirname, name))


# Start-up, run-time switching and the cron.

AOF_REWRITE_LIMITE_THRESHOLD = 3  # failures in a row before waiting
AOF_REWRITE_LIMITE_MAX_MINUTES = 60


def aof_rewrite_limited(server) -> bool:
    """After 3 failed rewrites in a row, wait 1, 2, 4... up to 60 minutes
    before the next automatic one, or every failure would leave one more
    small incr file. Mirrors aofRewriteLimited(); BGREWRITEAOF by hand
    resets the count."""
    if server.stat_aofrw_consecutive_failures < AOF_REWRITE_LIMITE_THRESHOLD:
        server.aof_rewrite_next_delay = 0
        server.aof_rewrite_next_time = 0
        return False
    now = int(time.time())
    if server.aof_rewrite_next_time:
        if now < server.aof_rewrite_next_time:
            return True
        server.aof_rewrite_next_time = 0
        return False
    server.aof_rewrite_next_delay = min(
        server.aof_rewrite_next_delay * 2 or 1,
        AOF_REWRITE_LIMITE_MAX_MINUTES)
    server.aof_rewrite_next_time = now + server.aof_rewrite_next_delay * 60
    log.warning("Background AOF rewrite has repeatedly failed and "
                "triggered the limit, will retry in %d minutes",
                server.aof_rewrite_next_delay)
    return True


# --8<-- [start:rewrite_if_the_aof_has_grown]
def rewrite_if_the_aof_has_grown(server) -> None:
    """Start a rewrite when the files have grown enough since the last
    one: auto-aof-rewrite-percentage (100: doubled) of the size after
    it, once they are over auto-aof-rewrite-min-size. The AOF part of
    serverCron()."""
    if (server.aof_state != AOF_ON or server.child_type != CHILD_TYPE_NONE
            or not server.aof_rewrite_perc
            or server.aof_current_size <= server.aof_rewrite_min_size):
        return
    base = server.aof_rewrite_base_size or 1
    growth = server.aof_current_size * 100 // base - 100
    if growth >= server.aof_rewrite_perc and not aof_rewrite_limited(server):
        log.info("Starting automatic rewriting of AOF on %d%% growth",
                 growth)
        rewrite_append_only_file_background(server)
# --8<-- [end:rewrite_if_the_aof_has_grown]


def start_scheduled_aof_rewrite(server) -> None:
    """A rewrite BGREWRITEAOF asked for while a child was at work, or
    that turning AOF on needs. Mirrors the part of serverCron() before
    checkChildrenDone()."""
    if (server.child_type == CHILD_TYPE_NONE and server.aof_rewrite_scheduled
            and not aof_rewrite_limited(server)):
        rewrite_append_only_file_background(server)


def kill_append_only_child(server) -> None:
    """Stop a rewrite child and wait for it. Mirrors
    killAppendOnlyChild()."""
    if server.child_type != CHILD_TYPE_AOF:
        return
    log.info("Killing running AOF rewrite child: %d", server.child_pid)
    try:
        os.kill(server.child_pid, signal.SIGUSR1)
        os.waitpid(server.child_pid, 0)
    except OSError:
        pass
    aof_remove_temp_file(server, server.child_pid)
    reset_child_state(server)
    server.aof_rewrite_time_start = -1


# --8<-- [start:stop_append_only]
def stop_append_only(server) -> None:
    """CONFIG SET appendonly no. Mirrors stopAppendOnly(): what is
    buffered is written and fsynced, the file closed, and a rewrite in
    progress stopped. The files stay: turning AOF on again rewrites."""
    flush_append_only_file(server, True)
    try:
        if server.aof_fd == -1:  # waiting for a rewrite not yet started
            raise OSError(errno.EBADF, os.strerror(errno.EBADF))
        redis_fsync(server.aof_fd)
        server.aof_last_fsync = unixtime(server)
    except OSError as err:
        log.warning("Fail to fsync the AOF file: %s", err.strerror)
    if server.aof_fd != -1:
        os.close(server.aof_fd)
    server.aof_fd = -1
    server.aof_selected_db = -1
    server.aof_state = AOF_OFF
    server.aof_rewrite_scheduled = False
    server.aof_last_incr_size = 0
    server.aof_last_incr_fsync_offset = 0
    kill_append_only_child(server)
    server.aof_buf = bytearray()
# --8<-- [end:stop_append_only]


# --8<-- [start:start_append_only]
def start_append_only(server) -> bool:
    """CONFIG SET appendonly yes. Mirrors startAppendOnly().

    The files must first hold the whole dataset, so a rewrite starts
    (or is scheduled, if another child is at work); until it is done,
    the state is AOF_WAIT_REWRITE: writes go to a temp incr file, and
    only the done handler turns AOF on, in the manifest and here.
    """
    server.aof_state = AOF_WAIT_REWRITE
    if server.child_type not in (CHILD_TYPE_NONE, CHILD_TYPE_AOF):
        server.aof_rewrite_scheduled = True
        log.warning("AOF was enabled but there is already another "
                    "background operation. An AOF background was "
                    "scheduled to start when possible.")
    elif server.in_exec:
        server.aof_rewrite_scheduled = True
        log.warning("AOF was enabled during a transaction. An AOF "
                    "background was scheduled to start when possible.")
    else:
        if server.child_type == CHILD_TYPE_AOF:
            log.warning("AOF was enabled but there is already an AOF "
                        "rewriting in background. Stopping background AOF "
                        "and starting a rewrite now.")
            kill_append_only_child(server)
        if not rewrite_append_only_file_background(server):
            server.aof_state = AOF_OFF
            log.warning("Redis needs to enable the AOF but can't trigger a "
                        "background AOF rewrite operation. Check the above "
                        "logs for more info about the error.")
            return False
    server.aof_last_fsync = unixtime(server)
    if server.aof_bio_fsync_status == C_ERR:
        log.warning("AOF reopen, just ignore the AOF fsync error in bio job")
        server.aof_bio_fsync_status = C_OK
    if server.aof_last_write_status == C_ERR:
        log.warning("AOF reopen, just ignore the last error.")
        server.aof_last_write_status = C_OK
    return True
# --8<-- [end:start_append_only]
