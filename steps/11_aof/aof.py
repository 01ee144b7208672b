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

A rewrite makes a new base and starts a new incr file; the manifest,
replaced atomically (a temp file renamed over it), says which files are
current: a crash at any moment leaves a set of files that loads.

Steps:
  11_aof  the manifest; the base and incr files at start-up; feeding,
          flushing and the three fsync policies; write errors (MISCONF)

Simplified: no aof-disable-auto-gc (history files are always deleted)
and no latency monitor samples.
"""

import copy
import errno
import logging
import os
import sys
import time
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
from rdb import (
    C_ERR,
    C_OK,
    CHILD_TYPE_AOF,
    CHILD_TYPE_NONE,
    RDBFLAGS_AOF_PREAMBLE,
    rdb_save_rio,
    remove_quietly,
)
from util import fsync_file_dir

log = logging.getLogger(__name__)

AOF_OFF, AOF_ON, AOF_WAIT_REWRITE = 0, 1, 2  # server.aof_state
# server.aof_fsync; config.py's APPENDFSYNC_ENUM (aof.py imports config
# through rdb.py, so it can't import these)
AOF_FSYNC_NO, AOF_FSYNC_ALWAYS, AOF_FSYNC_EVERYSEC = 0, 1, 2

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
    try:
        return os.stat(make_path(server.aof_dirname, filename)).st_size
    except OSError as err:
        log.warning("Unable to obtain the AOF file %s length. stat: %s",
                    os.fsdecode(filename), err.strerror)
        return 0


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
    dst += b"*%d\r\n" % len(argv)
    for arg in argv:
        dst += b"$%d\r\n%s\r\n" % (len(arg), arg)
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
    aof-use-rdb-preamble (the default) the base is an RDB file.
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
            rdb_save_rio(out, server, RDBFLAGS_AOF_PREAMBLE)
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
