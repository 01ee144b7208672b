"""config.py: the configuration, and the CONFIG command. Redis: src/config.c.

Every parameter is a row of one table (STATIC_CONFIGS, Redis's
static_configs[]): its name and the old name it also answers to, its
flags, the Server field that holds its value, its type (yes/no, integer,
memory size, enum, string, or special with a parser of its own), and an
apply step for when setting the field is not enough (hz is clamped,
maxclients must fit the open-files limit). The command line, CONFIG GET
and CONFIG SET all go through the table, so a value is checked the same
way wherever it comes from.

CONFIG SET takes several parameters and sets all of them or none. It
checks every name first (unknown, immutable, named twice), saves each
old value as CONFIG GET would print it, sets the new values, then runs
each apply step once; if any value is refused or any apply step fails,
the old values are set back from their printed form and applied again.

Steps:
  06_encodings  the table, CONFIG SET, RESETSTAT and REWRITE (CONFIG GET
                and HELP were in server.py); the thresholds of the compact
                encodings are its first parameters that change behaviour
  09_pubsub     notify-keyspace-events
  10_rdb        dir (CONFIG SET changes the working directory),
                dbfilename, stop-writes-on-bgsave-error,
                rdb-key-save-delay, enable-debug-command; save points
                now save; dir and dbfilename are protected

Simplified: Redis has about 200 parameters; we have those the step uses,
plus those that clients and redis-benchmark read. Of Redis's config
flags we keep the ones that change what CONFIG SET does here: no
parameter is hidden or refused while loading a file. A protected one
(dir, dbfilename) is always refused by CONFIG SET: Redis allows it when
enable-protected-configs says so, a parameter we do not have.
"""

import dataclasses
import logging
import os
import re
import resource
from collections.abc import Callable
from dataclasses import dataclass, field

import resp
from commands import (
    COMMAND_TABLE,
    SYNTAX_ERROR,
    CommandError,
    command,
    container,
)
from networking import (
    CLIENT_TYPE_MASTER,
    CLIENT_TYPE_NAMES,
    REDIS_VERSION,
    Client,
    ClientBufferLimits,
    get_client_type_by_name,
)
from notify import (
    keyspace_events_flags_to_string,
    keyspace_events_string_to_flags,
)
from util import stringmatchlen

log = logging.getLogger(__name__)

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
UINT_MAX = 2**32 - 1
LONG_MAX = LLONG_MAX = 2**63 - 1  # a C long is 64 bits where Redis runs
ULLONG_MAX = 2**64 - 1

CONFIG_MIN_HZ, CONFIG_MAX_HZ = 1, 500
CONFIG_MIN_RESERVED_FDS = 32  # fds kept for the listener, logs, files

# Flags of a parameter (server.h).
MODIFIABLE_CONFIG = 0  # the default: CONFIG SET may change it
IMMUTABLE_CONFIG = 1 << 0  # set only at startup
# A secret, which Redis keeps out of SLOWLOG and MONITOR
# (redactClientCommandArgument()); with neither here, it is only a label.
SENSITIVE_CONFIG = 1 << 1
MULTI_ARG_CONFIG = 1 << 3  # its value is several words
PROTECTED_CONFIG = 1 << 4  # CONFIG SET may not change it

# Flags of a numeric parameter.
INTEGER_CONFIG = 0  # a plain integer
MEMORY_CONFIG = 1 << 0  # a size: "64", "64b", "1k", "1kb", "5mb", "1gb"

UNSIGNED_TYPES = ("unsigned int", "unsigned long long", "size_t")

# maxmemory-policy (server.h): what goes when memory is full, as flags
# that tell which keys are candidates and how they are chosen.
MAXMEMORY_FLAG_LRU = 1 << 0
MAXMEMORY_FLAG_LFU = 1 << 1
MAXMEMORY_FLAG_ALLKEYS = 1 << 2
MAXMEMORY_VOLATILE_LRU = (0 << 8) | MAXMEMORY_FLAG_LRU
MAXMEMORY_VOLATILE_LFU = (1 << 8) | MAXMEMORY_FLAG_LFU
MAXMEMORY_VOLATILE_TTL = 2 << 8
MAXMEMORY_VOLATILE_RANDOM = 3 << 8
MAXMEMORY_ALLKEYS_LRU = (4 << 8) | MAXMEMORY_FLAG_LRU | MAXMEMORY_FLAG_ALLKEYS
MAXMEMORY_ALLKEYS_LFU = (5 << 8) | MAXMEMORY_FLAG_LFU | MAXMEMORY_FLAG_ALLKEYS
MAXMEMORY_ALLKEYS_RANDOM = (6 << 8) | MAXMEMORY_FLAG_ALLKEYS
MAXMEMORY_NO_EVICTION = 7 << 8
MAXMEMORY_POLICY_ENUM = {  # in Redis's order, which its error lists
    "volatile-lru": MAXMEMORY_VOLATILE_LRU,
    "volatile-lfu": MAXMEMORY_VOLATILE_LFU,
    "volatile-random": MAXMEMORY_VOLATILE_RANDOM,
    "volatile-ttl": MAXMEMORY_VOLATILE_TTL,
    "allkeys-lru": MAXMEMORY_ALLKEYS_LRU,
    "allkeys-lfu": MAXMEMORY_ALLKEYS_LFU,
    "allkeys-random": MAXMEMORY_ALLKEYS_RANDOM,
    "noeviction": MAXMEMORY_NO_EVICTION,
}


# sanitize-dump-payload: rdb.py's SANITIZE_DUMP_* (rdb.py imports this
# module). Mirrors sanitize_dump_payload_enum.
SANITIZE_DUMP_PAYLOAD_ENUM = {"no": 0, "yes": 1, "clients": 2}

# appendfsync: aof.py's AOF_FSYNC_* (aof.py imports this module, through
# rdb.py). Mirrors aof_fsync_enum, in its order.
APPENDFSYNC_ENUM = {"everysec": 2, "always": 1, "no": 0}


def client_buffer_limits_defaults() -> list[ClientBufferLimits]:
    """Redis's defaults: normal clients have no limit, replicas 256 MB
    (64 MB for a minute), pub/sub clients 32 MB (8 MB for a minute).
    Mirrors clientBufferLimitsDefaults[]."""
    return [ClientBufferLimits(0, 0, 0),
            ClientBufferLimits(256 * 1024**2, 64 * 1024**2, 60),
            ClientBufferLimits(32 * 1024**2, 8 * 1024**2, 60)]


class ConfigError(Exception):
    """A value refused, or a change that could not be applied. The text
    is Redis's, for the tail of CONFIG SET's error."""


# --8<-- [start:standard_config]
@dataclass(slots=True, eq=False)
class StandardConfig:
    """One parameter. Mirrors struct standardConfig.

    Redis gives each type a set of functions (typeInterface) and its own
    data (typeData); here each type is a subclass, whose parse() and
    format() turn the words of a value into what the Server field holds,
    and back. eq=False: two rows are the same row only if they are one
    object, as CONFIG SET's duplicate check compares pointers in Redis.

    Simplified: Redis's rows also hold each default, which it stores at
    startup and CONFIG REWRITE compares with; the Server dataclass holds
    the defaults here, and there is no REWRITE.
    """

    name: str
    alias: str | None  # the name it had before, e.g. hash-max-ziplist-...
    flags: int  # IMMUTABLE_CONFIG | SENSITIVE_CONFIG | MULTI_ARG_CONFIG
    apply: Callable | None = field(default=None, kw_only=True)

    def set(self, server, argv: list[bytes]) -> bool:
        """Store the value in argv; True if it changed, so that its
        apply step must run. Raises ConfigError for a bad value."""
        value = self.parse(argv)
        if getattr(server, self.field) == value:
            return False
        setattr(server, self.field, value)
        return True

    def get(self, server) -> bytes:
        """The value as CONFIG GET prints it."""
        return self.format(getattr(server, self.field))
# --8<-- [end:standard_config]


@dataclass(slots=True, eq=False)
class BoolConfig(StandardConfig):
    """yes or no. Mirrors createBoolConfig()."""

    field: str

    def parse(self, argv: list[bytes]) -> bool:
        word = resp.c_string(argv[0]).lower()  # yesnotoi(): strcasecmp()
        if word not in (b"yes", b"no"):
            raise ConfigError("argument must be 'yes' or 'no'")
        return word == b"yes"

    def format(self, value: bool) -> bytes:
        return b"yes" if value else b"no"


@dataclass(slots=True, eq=False)
class StringConfig(StandardConfig):
    """Any bytes. Mirrors createSDSConfig(): with empty_is_null, the
    empty string stands for "not set" (None)."""

    field: str
    empty_is_null: bool

    def parse(self, argv: list[bytes]) -> bytes | None:
        return None if self.empty_is_null and not argv[0] else argv[0]

    def format(self, value: bytes | None) -> bytes:
        return value or b""


@dataclass(slots=True, eq=False)
class EnumConfig(StandardConfig):
    """One name of a list, stored as its number. Mirrors
    createEnumConfig()."""

    field: str
    enum: dict[str, int]

    def parse(self, argv: list[bytes]) -> int:
        word = resp.c_string(argv[0]).lower().decode("latin-1")
        if word not in self.enum:
            raise ConfigError("argument(s) must be one of the following: "
                              + ", ".join(self.enum))
        return self.enum[word]

    def format(self, value: int) -> bytes:
        """Mirrors configEnumGetName()."""
        for name, number in self.enum.items():
            if number == value:
                return name.encode()
        return b"unknown"


# --8<-- [start:numeric_config]
@dataclass(slots=True, eq=False)
class NumericConfig(StandardConfig):
    """An integer between bounds, or a size in memory units. Mirrors
    createIntConfig(), createSizeTConfig() and their kin: the C type
    decides whether a negative number wraps to a huge unsigned one
    before the bounds are checked (numericBoundaryCheck())."""

    field: str
    lower: int
    upper: int
    ctype: str  # "int", "unsigned int", "long long", "size_t"...
    num_flags: int  # INTEGER_CONFIG or MEMORY_CONFIG

    def parse(self, argv: list[bytes]) -> int:
        value = numeric_parse_string(self, argv[0])
        if self.ctype in UNSIGNED_TYPES:
            value %= 2**64  # C's cast to unsigned long long
        if not self.lower <= value <= self.upper:
            raise ConfigError(f"argument must be between {self.lower} and "
                              f"{self.upper} inclusive")
        return value

    def format(self, value: int) -> bytes:
        return b"%d" % value
# --8<-- [end:numeric_config]


def numeric_parse_string(config: NumericConfig, value: bytes) -> int:
    """A C long long from a memory size or a strict integer. Mirrors
    numericParseString(): a memory parameter takes sizes only, which
    can't be negative, so "-1" is not a memory value."""
    if config.num_flags & MEMORY_CONFIG:
        size = memtoull(value)
        if size is None:
            raise ConfigError("argument must be a memory value")
        return size - 2**64 if size > LLONG_MAX else size
    number = resp.string2ll(value)
    if number is None:
        raise ConfigError("argument couldn't be parsed into an integer")
    return number


MEMORY_UNITS = {b"": 1, b"b": 1, b"k": 1000, b"kb": 1024, b"m": 1000**2,
                b"mb": 1024**2, b"g": 1000**3, b"gb": 1024**3}
LEADING_DIGITS = re.compile(rb"[0-9]*")


def memtoull(text: bytes) -> int | None:
    """Parse "512mb", "1gb", "100k"; None if it is no such size.

    Mirrors memtoull() in util.c, quirks included: the units ignore case
    (k is 1000, kb 1024), no digits at all is 0, a number too big for 64
    bits reads as the largest, and the product wraps as in C.
    """
    text = resp.c_string(text)
    digits = LEADING_DIGITS.match(text).end()
    unit = text[digits:].lower()
    if unit not in MEMORY_UNITS or digits >= 128:
        return None
    number = min(int(text[:digits] or b"0"), ULLONG_MAX)  # strtoull()
    return number * MEMORY_UNITS[unit] % 2**64


C_WHITESPACE = b" \t\n\v\f\r"
STRTOLL = re.compile(rb"[+-]?[0-9]+")


def strtoll(text: bytes) -> tuple[int, bytes]:
    """C's strtoll(text, &end, 10): the number at the start of text, after
    any spaces (0 if there is none, clamped to 64 bits), and what follows
    it; the text ends at a NUL byte, as a C string does."""
    text = resp.c_string(text)
    start = len(text) - len(text.lstrip(C_WHITESPACE))
    found = STRTOLL.match(text, start)
    if found is None:
        return 0, text
    number = max(-LLONG_MAX - 1, min(int(found.group()), LLONG_MAX))
    return number, text[found.end():]


def c_int(number: int) -> int:
    """`number` stored in a C int (32 bits), as an assignment in C does."""
    return (number + 2**31) % 2**32 - 2**31


@dataclass(slots=True, eq=False)
class SpecialConfig(StandardConfig):
    """A parameter with a parser of its own. Mirrors createSpecialConfig():
    set_fn stores the value (always a change), get_fn prints it."""

    set_fn: Callable
    get_fn: Callable

    def set(self, server, argv: list[bytes]) -> bool:
        self.set_fn(server, argv)
        return True

    def get(self, server) -> bytes:
        return self.get_fn(server)


def set_config_save_option(server, argv: list[bytes]) -> None:
    """Pairs of seconds (at least 1) and changes (at least 0); "" alone
    means no snapshots. Mirrors setConfigSaveOption().

    server_cron (server.py) starts a BGSAVE when one of them is reached.
    """
    if len(argv) == 1 and not resp.c_string(argv[0]):
        argv = []
    if len(argv) % 2:
        raise ConfigError("Invalid save parameters")
    numbers = []
    for j, arg in enumerate(argv):
        number, rest = strtoll(arg)
        if rest or number < (1 if j % 2 == 0 else 0):
            raise ConfigError("Invalid save parameters")
        numbers.append(number)
    server.saveparams = [(seconds, c_int(changes)) for seconds, changes
                         in zip(numbers[::2], numbers[1::2], strict=True)]


def get_config_save_option(server) -> bytes:
    return b" ".join(b"%d %d" % point for point in server.saveparams)


def set_config_dir_option(server, argv: list[bytes]) -> None:
    """Change the working directory, where the RDB file is written.
    Mirrors setConfigDirOption(): dir is the process's cwd, not a field."""
    if len(argv) != 1:
        raise ConfigError("wrong number of arguments")
    try:
        os.chdir(argv[0])
    except OSError as err:
        raise ConfigError(err.strerror) from err


def get_config_dir_option(server) -> bytes:
    """Mirrors getConfigDirOption(): the cwd, as getcwd() reads it."""
    try:
        return os.getcwdb()
    except OSError:  # the directory was removed
        return b""


def set_config_dbfilename_option(server, argv: list[bytes]) -> None:
    """A name, not a path. Mirrors isValidDBfilename()."""
    if b"/" in argv[0] or b"\\" in argv[0]:  # pathIsBaseName()
        raise ConfigError("dbfilename can't be a path, just a filename")
    server.rdb_filename = argv[0]


def get_config_dbfilename_option(server) -> bytes:
    return server.rdb_filename


def set_config_appendfilename_option(server, argv: list[bytes]) -> None:
    """Mirrors isValidAOFfilename(): the prefix of the AOF's file names."""
    server.aof_filename = valid_aof_name(argv[0], "appendfilename",
                                         "filename")


def get_config_appendfilename_option(server) -> bytes:
    return server.aof_filename


def set_config_appenddirname_option(server, argv: list[bytes]) -> None:
    """Mirrors isValidAOFdirname(): the AOF's directory, in dir."""
    server.aof_dirname = valid_aof_name(argv[0], "appenddirname", "dirname")


def get_config_appenddirname_option(server) -> bytes:
    return server.aof_dirname


def valid_aof_name(value: bytes, name: str, kind: str) -> bytes:
    """A name, not empty and not a path, or ConfigError."""
    value = resp.c_string(value)  # Redis checks it as a C string
    if not value:
        raise ConfigError(f"{name} can't be empty")
    if b"/" in value or b"\\" in value:  # pathIsBaseName()
        raise ConfigError(f"{name} can't be a path, just a {kind}")
    return value


def update_client_output_buffer_limit(server, argv: list[bytes]) -> None:
    """Set the limits of the classes named: groups of class, hard limit,
    soft limit and soft seconds. Every group is checked before any is
    set. Mirrors updateClientOutputBufferLimit().
    """
    if len(argv) % 4:
        raise ConfigError("Wrong number of arguments in buffer limit "
                          "configuration.")
    limits = list(server.client_obuf_limits)
    for j in range(0, len(argv), 4):
        name, hard, soft, seconds = argv[j:j + 4]
        client_type = get_client_type_by_name(name)
        if client_type in (-1, CLIENT_TYPE_MASTER):
            raise ConfigError("Invalid client class specified in buffer "
                              "limit configuration.")
        hard_bytes, soft_bytes = memtoull(hard), memtoull(soft)
        soft_seconds, rest = strtoll(seconds)
        soft_seconds = c_int(soft_seconds)  # Redis reads it into an int
        if (hard_bytes is None or soft_bytes is None or soft_seconds < 0
                or rest):
            raise ConfigError("Error in hard, soft or soft_seconds setting "
                              "in buffer limit configuration.")
        limits[client_type] = ClientBufferLimits(hard_bytes, soft_bytes,
                                                 soft_seconds)
    server.client_obuf_limits = limits


def get_config_client_output_buffer_limit_option(server) -> bytes:
    return " ".join(
        f"{CLIENT_TYPE_NAMES[client_type]} {hard} {soft} {seconds}"
        for client_type, (hard, soft, seconds)
        in enumerate(server.client_obuf_limits)).encode()


# --8<-- [start:set_config_notify_keyspace_events_option]
def set_config_notify_keyspace_events_option(server,
                                             argv: list[bytes]) -> None:
    """Mirrors setConfigNotifyKeyspaceEventsOption(): the classes of
    keyspace events to publish, as letters (notify.py)."""
    flags = keyspace_events_string_to_flags(argv[0])
    if flags is None:
        raise ConfigError("Invalid event class character. Use "
                          "'Ag$lshzxeKEtmdn'.")
    server.notify_keyspace_events = flags


def get_config_notify_keyspace_events_option(server) -> bytes:
    return keyspace_events_flags_to_string(server.notify_keyspace_events)
# --8<-- [end:set_config_notify_keyspace_events_option]


def set_config_bind_option(server, argv: list[bytes]) -> None:
    """Simplified: Redis listens on every address bind lists; we listen
    on one, so the first word counts."""
    server.bind = os.fsdecode(argv[0]) if argv else ""


def get_config_bind_option(server) -> bytes:
    return os.fsencode(server.bind)


# Apply steps: what a change needs beyond the new value in its field.

def update_hz(server) -> None:
    """Mirrors updateHZ(): hz is a hint, so a value out of range is
    clamped, not refused.

    Simplified: Redis keeps the hz asked for (config_hz) apart from the
    one in use, which dynamic-hz raises when there are many clients; we
    have no dynamic-hz, so one field is both.
    """
    server.hz = min(max(server.hz, CONFIG_MIN_HZ), CONFIG_MAX_HZ)


def update_maxclients(server) -> None:
    """Make room for the new number of clients, or refuse it. Mirrors
    updateMaxclients(): Redis then grows the event loop's table of file
    descriptors, which selectors does not have."""
    wanted = server.maxclients
    adjust_open_files_limit(server)
    if server.maxclients != wanted:
        raise ConfigError("The operating system is not able to handle the "
                          "specified number of clients, try with "
                          f"{server.maxclients}")


# --8<-- [start:adjust_open_files_limit]
def adjust_open_files_limit(server) -> None:
    """Raise the open-files limit to fit maxclients, or lower maxclients.

    Mirrors adjustOpenFilesLimit() in server.c: each client is a file
    descriptor, and the default soft limit (often 1024) is too low. It
    lives here because CONFIG SET maxclients calls it too, and this
    module cannot import server.py (which imports it).
    """
    needed = server.maxclients + CONFIG_MIN_RESERVED_FDS
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return
    unlimited = hard == resource.RLIM_INFINITY
    target = needed if unlimited or hard >= needed else hard
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        log.info("Increased maximum number of open files to %d (it was "
                 "originally set to %d).", target, soft)
        soft = target
    except (ValueError, OSError) as err:
        log.warning("Can't raise the open files limit to %d: %s",
                    target, err)
    if soft < needed:
        server.maxclients = max(1, soft - CONFIG_MIN_RESERVED_FDS)
        log.warning("Maximum open files is %d: maxclients reduced to %d. "
                    "Raise 'ulimit -n' for more.", soft, server.maxclients)
# --8<-- [end:adjust_open_files_limit]


def update_appendonly(server) -> None:
    """Turn the AOF on or off as appendonly now says. Mirrors
    updateAppendonly(): turning it on starts a rewrite, and fails if the
    rewrite cannot start."""
    # Imported here: aof.py imports this module (through rdb.py).
    from aof import AOF_OFF, start_append_only, stop_append_only
    if not server.aof_enabled and server.aof_state != AOF_OFF:
        stop_append_only(server)
    elif (server.aof_enabled and server.aof_state == AOF_OFF
          and not start_append_only(server)):
        raise ConfigError("Unable to turn on AOF. Check server logs.")


# --8<-- [start:static_configs]
STATIC_CONFIGS = [
    # yes/no
    BoolConfig("appendonly", None, MODIFIABLE_CONFIG, "aof_enabled",
               apply=update_appendonly),
    BoolConfig("stop-writes-on-bgsave-error", None, MODIFIABLE_CONFIG,
               "stop_writes_on_bgsave_err"),
    BoolConfig("rdbcompression", None, MODIFIABLE_CONFIG,
               "rdb_compression"),
    BoolConfig("rdbchecksum", None, IMMUTABLE_CONFIG, "rdb_checksum"),
    BoolConfig("aof-rewrite-incremental-fsync", None, MODIFIABLE_CONFIG,
               "aof_rewrite_incremental_fsync"),
    BoolConfig("no-appendfsync-on-rewrite", None, MODIFIABLE_CONFIG,
               "aof_no_fsync_on_rewrite"),
    BoolConfig("aof-load-truncated", None, MODIFIABLE_CONFIG,
               "aof_load_truncated"),
    BoolConfig("aof-use-rdb-preamble", None, MODIFIABLE_CONFIG,
               "aof_use_rdb_preamble"),
    BoolConfig("aof-timestamp-enabled", None, MODIFIABLE_CONFIG,
               "aof_timestamp_enabled"),

    # Strings. Redis's apply step for requirepass gives the password to
    # the default ACL user; AUTH here reads the field itself.
    StringConfig("requirepass", None, MODIFIABLE_CONFIG | SENSITIVE_CONFIG,
                 "requirepass", empty_is_null=True),

    # Enums
    EnumConfig("maxmemory-policy", None, MODIFIABLE_CONFIG,
               "maxmemory_policy", MAXMEMORY_POLICY_ENUM),
    EnumConfig("enable-debug-command", None, IMMUTABLE_CONFIG,
               "enable_debug_cmd", {"no": 0, "yes": 1, "local": 2}),
    EnumConfig("sanitize-dump-payload", None, MODIFIABLE_CONFIG,
               "sanitize_dump_payload", SANITIZE_DUMP_PAYLOAD_ENUM),
    EnumConfig("appendfsync", None, MODIFIABLE_CONFIG, "aof_fsync",
               APPENDFSYNC_ENUM),

    # Integers and sizes. Simplified: port is immutable; Redis opens a
    # new listening socket when CONFIG SET changes it.
    NumericConfig("databases", None, IMMUTABLE_CONFIG, "dbnum",
                  1, INT_MAX, "int", INTEGER_CONFIG),
    NumericConfig("port", None, IMMUTABLE_CONFIG, "port",
                  0, 65535, "int", INTEGER_CONFIG),
    NumericConfig("list-max-listpack-size", "list-max-ziplist-size",
                  MODIFIABLE_CONFIG, "list_max_listpack_size",
                  INT_MIN, INT_MAX, "int", INTEGER_CONFIG),
    NumericConfig("rdb-key-save-delay", None, MODIFIABLE_CONFIG,
                  "rdb_key_save_delay", INT_MIN, INT_MAX, "int",
                  INTEGER_CONFIG),
    NumericConfig("lfu-log-factor", None, MODIFIABLE_CONFIG,
                  "lfu_log_factor", 0, INT_MAX, "int", INTEGER_CONFIG),
    NumericConfig("lfu-decay-time", None, MODIFIABLE_CONFIG,
                  "lfu_decay_time", 0, INT_MAX, "int", INTEGER_CONFIG),
    NumericConfig("list-compress-depth", None, MODIFIABLE_CONFIG,
                  "list_compress_depth", 0, INT_MAX, "int", INTEGER_CONFIG),
    NumericConfig("auto-aof-rewrite-percentage", None, MODIFIABLE_CONFIG,
                  "aof_rewrite_perc", 0, INT_MAX, "int", INTEGER_CONFIG),
    NumericConfig("auto-aof-rewrite-min-size", None, MODIFIABLE_CONFIG,
                  "aof_rewrite_min_size", 0, LLONG_MAX, "long long",
                  MEMORY_CONFIG),
    NumericConfig("hz", None, MODIFIABLE_CONFIG, "hz",
                  0, INT_MAX, "int", INTEGER_CONFIG, apply=update_hz),
    NumericConfig("maxclients", None, MODIFIABLE_CONFIG, "maxclients",
                  1, UINT_MAX, "unsigned int", INTEGER_CONFIG,
                  apply=update_maxclients),
    NumericConfig("proto-max-bulk-len", None, MODIFIABLE_CONFIG,
                  "proto_max_bulk_len", 1024**2, LONG_MAX, "long long",
                  MEMORY_CONFIG),
    # Simplified: nothing is ever evicted, so maxmemory is only reported;
    # Redis's apply step starts evicting at once if memory is over it.
    NumericConfig("maxmemory", None, MODIFIABLE_CONFIG, "maxmemory",
                  0, ULLONG_MAX, "unsigned long long", MEMORY_CONFIG),
    NumericConfig("hash-max-listpack-entries", "hash-max-ziplist-entries",
                  MODIFIABLE_CONFIG, "hash_max_listpack_entries",
                  0, LONG_MAX, "size_t", INTEGER_CONFIG),
    NumericConfig("set-max-intset-entries", None, MODIFIABLE_CONFIG,
                  "set_max_intset_entries", 0, LONG_MAX, "size_t",
                  INTEGER_CONFIG),
    NumericConfig("zset-max-listpack-entries", "zset-max-ziplist-entries",
                  MODIFIABLE_CONFIG, "zset_max_listpack_entries",
                  0, LONG_MAX, "size_t", INTEGER_CONFIG),
    NumericConfig("hash-max-listpack-value", "hash-max-ziplist-value",
                  MODIFIABLE_CONFIG, "hash_max_listpack_value",
                  0, LONG_MAX, "size_t", MEMORY_CONFIG),
    NumericConfig("zset-max-listpack-value", "zset-max-ziplist-value",
                  MODIFIABLE_CONFIG, "zset_max_listpack_value",
                  0, LONG_MAX, "size_t", MEMORY_CONFIG),
    NumericConfig("client-query-buffer-limit", None, MODIFIABLE_CONFIG,
                  "client_max_querybuf_len", 1024**2, LONG_MAX, "size_t",
                  MEMORY_CONFIG),

    # Special. Simplified: bind is immutable, as port is.
    SpecialConfig("save", None, MODIFIABLE_CONFIG | MULTI_ARG_CONFIG,
                  set_config_save_option, get_config_save_option),
    SpecialConfig("client-output-buffer-limit", None,
                  MODIFIABLE_CONFIG | MULTI_ARG_CONFIG,
                  update_client_output_buffer_limit,
                  get_config_client_output_buffer_limit_option),
    SpecialConfig("notify-keyspace-events", None, MODIFIABLE_CONFIG,
                  set_config_notify_keyspace_events_option,
                  get_config_notify_keyspace_events_option),
    SpecialConfig("bind", None, IMMUTABLE_CONFIG | MULTI_ARG_CONFIG,
                  set_config_bind_option, get_config_bind_option),
    SpecialConfig("dir", None, MODIFIABLE_CONFIG | PROTECTED_CONFIG,
                  set_config_dir_option, get_config_dir_option),
    SpecialConfig("dbfilename", None, MODIFIABLE_CONFIG | PROTECTED_CONFIG,
                  set_config_dbfilename_option,
                  get_config_dbfilename_option),
    SpecialConfig("appendfilename", None, IMMUTABLE_CONFIG,
                  set_config_appendfilename_option,
                  get_config_appendfilename_option),
    SpecialConfig("appenddirname", None, IMMUTABLE_CONFIG,
                  set_config_appenddirname_option,
                  get_config_appenddirname_option),
]
# --8<-- [end:static_configs]


def init_config_values() -> dict[bytes, StandardConfig]:
    """Every parameter by name, old names too. Mirrors initConfigValues():
    an alias is a copy of its row with the two names swapped, so CONFIG
    GET * lists both, and CONFIG SET may set both in one call."""
    configs = {}
    for config in STATIC_CONFIGS:
        configs[config.name.encode()] = config
        if config.alias:
            configs[config.alias.encode()] = dataclasses.replace(
                config, name=config.alias, alias=config.name)
    return configs


CONFIGS = init_config_values()


def lookup_config(name: bytes) -> StandardConfig | None:
    """Mirrors lookupConfig(): Redis's dict of configs ignores case."""
    return CONFIGS.get(name.lower())


def perform_interface_set(config: StandardConfig, server,
                          value: bytes) -> bool:
    """Set one parameter from CONFIG SET's value; True if it changed.
    Mirrors performInterfaceSet(): a value of several words is cut at
    each space, so two spaces make an empty word."""
    argv = [value]
    if config.flags & MULTI_ARG_CONFIG:
        argv = value.split(b" ") if value else []  # sdssplitlen()
    return config.set(server, argv)


# --8<-- [start:load_server_config]
def load_server_config(server, options: list[tuple[str, str]]) -> str | None:
    """Set the parameters given on the command line, at startup.

    Mirrors loadServerConfigFromString(), which reads each option as a
    line of a config file: no parameter is immutable yet, and a value of
    several words is split as an inline command is (sdssplitargs()).
    Returns None, or the message Redis prints before it exits with 1.
    """
    for name, text in options:
        config, value = lookup_config(name.encode()), os.fsencode(text)
        try:
            argv = [value]
            if config.flags & MULTI_ARG_CONFIG and value:
                argv = resp.sdssplitargs(value)
                if argv is None:
                    raise ConfigError("Unbalanced quotes in configuration "
                                      "line")
            config.set(server, argv)
        except ConfigError as err:
            return (f"\n*** FATAL CONFIG FILE ERROR (Redis {REDIS_VERSION})"
                    f" ***\n>>> '{name} \"{text}\"'\n{err}")
    update_hz(server)  # an hz out of range is clamped here too
    return None
# --8<-- [end:load_server_config]


def evict_policy_to_string(server) -> str:
    """The maxmemory-policy by name, for INFO. Mirrors
    evictPolicyToString()."""
    return CONFIGS[b"maxmemory-policy"].get(server).decode()


container("config", -2, group="server", since="2.0.0",
          complexity="Depends on subcommand.",
          summary="Read and change the server's configuration")


@command("config|get", -3, "admin noscript loading stale",
         group="server", since="2.0.0", synopsis="parameter [parameter ...]",
         complexity="O(N) when N is the number of parameters",
         summary="Read configuration parameters")
def config_get_command(c: Client) -> None:
    """Mirrors configGetCommand() in config.c: each parameter asked for,
    and its value. A name is found in any case and the reply spells it as
    the client did; a parameter named twice comes once; an unknown one
    is left out. An old name (hash-max-ziplist-entries) is a parameter of
    its own here, so a pattern can match both it and the new name.
    redis-benchmark asks for "save" and "appendonly".

    Redis gathers the parameters in a hash table, so their order in the
    reply is no order at all (it changes from one start to the next);
    ours is the order they were asked for in.
    """
    found: dict[bytes, tuple[bytes, StandardConfig]] = {}
    for arg in c.argv[2:]:
        for name, config in configs_matching(arg):
            found.setdefault(name.lower(), (name, config))
    c.add_reply(resp.map_len(len(found), c.resp) + b"".join(
        resp.bulk(name) + resp.bulk(config.get(c.server))
        for name, config in found.values()))


def configs_matching(arg: bytes) -> list[tuple[bytes, StandardConfig]]:
    """The parameters one argument of CONFIG GET asks for: itself, or,
    if it has a glob character, every parameter the pattern matches in
    any case (Redis: stringmatch() with nocase set). Our names are all
    lower case, so a lower-case pattern is a case-blind one."""
    pattern = resp.c_string(arg).lower()  # C's strings end at a NUL
    if not any(char in pattern for char in b"[*?"):  # strpbrk()
        config = lookup_config(arg)
        return [(arg, config)] if config else []
    return [(name, config) for name, config in CONFIGS.items()
            if stringmatchlen(pattern, name)]


# --8<-- [start:config_set_command]
@command("config|set", -4, "admin noscript loading stale",
         group="server", since="2.0.0",
         synopsis="parameter value [parameter value ...]",
         complexity="O(N) when N is the number of configuration "
                    "parameters provided",
         summary="Change configuration parameters, all or none")
def config_set_command(c: Client) -> None:
    """Mirrors configSetCommand() in config.c: check every name, save
    the old values, set every new one, then run each apply step once;
    if a value is refused or a step fails, put the old values back."""
    if len(c.argv) % 2:
        raise CommandError(SYNTAX_ERROR)
    configs = configs_to_set(c.argv[2::2])
    old_values = [config.get(c.server) for config in configs]
    applies = set_new_values(c.server, configs, c.argv[3::2], old_values)
    for apply, config in applies.items():
        try:
            apply(c.server)
        except ConfigError as err:
            log.warning("Failed applying new configuration. Possibly "
                        "related to new %s setting. Restoring previous "
                        "settings.", config.name)
            restore_backup_config(c.server, configs, old_values, applies)
            raise CommandError(set_failed(config.name.encode(), err)) from err
    c.add_reply(resp.OK)
# --8<-- [end:config_set_command]


def configs_to_set(names: list[bytes]) -> list[StandardConfig]:
    """The parameters CONFIG SET names, or CommandError for the first
    problem: an unknown name, an immutable parameter, or one named twice.

    Redis goes on past the first problem, to hide every secret value from
    its logs, but reports only that one. An old name and the new one are
    two parameters, so naming both is no duplicate: the last one wins.
    """
    configs: list[StandardConfig] = []
    for name in names:
        config = lookup_config(name)
        if config is None:
            raise CommandError(b"Unknown option or number of arguments for "
                               b"CONFIG SET - '%s'" % resp.c_string(name))
        if config.flags & IMMUTABLE_CONFIG:
            raise CommandError(set_failed(name, "can't set immutable config"))
        if config.flags & PROTECTED_CONFIG:
            raise CommandError(set_failed(name, "can't set protected config"))
        if any(config is seen for seen in configs):
            raise CommandError(set_failed(name, "duplicate parameter"))
        configs.append(config)
    return configs


def set_failed(name: bytes, why: object) -> bytes:
    return (b"CONFIG SET failed (possibly related to argument '%s') - %s"
            % (resp.c_string(name), str(why).encode()))


def set_new_values(server, configs: list[StandardConfig],
                   values: list[bytes],
                   old_values: list[bytes]) -> dict[Callable, object]:
    """Set each parameter, or put back those set so far and raise
    CommandError. Returns the apply steps to run, each once, with the
    first parameter that needs it (the one an error will name)."""
    applies: dict[Callable, StandardConfig] = {}
    for i, (config, value) in enumerate(zip(configs, values, strict=True)):
        try:
            changed = perform_interface_set(config, server, value)
        except ConfigError as err:
            restore_backup_config(server, configs[:i + 1], old_values, {})
            raise CommandError(set_failed(config.name.encode(), err)) from err
        if changed and config.apply:
            applies.setdefault(config.apply, config)
    return applies


def restore_backup_config(server, configs: list[StandardConfig],
                          old_values: list[bytes], applies: dict) -> None:
    """Set the old values again, then run the apply steps again. Mirrors
    restoreBackupConfig(): a failure here can only be logged."""
    for config, old_value in zip(configs, old_values):
        try:
            perform_interface_set(config, server, old_value)
        except ConfigError as err:
            log.warning("Failed restoring failed CONFIG SET command. Error "
                        "setting %s to '%s': %s", config.name,
                        old_value.decode("latin-1"), err)
    for apply in applies:
        try:
            apply(server)
        except ConfigError as err:
            log.warning("Failed applying restored failed CONFIG SET "
                        "command: %s", err)


@command("config|resetstat", 2, "admin noscript loading stale",
         group="server", since="2.0.0",
         summary="Reset the statistics that INFO reports")
def config_resetstat_command(c: Client) -> None:
    """Mirrors configResetStatCommand(): the counters of INFO stats, of
    commandstats and of errorstats start again from zero. The CONFIG
    RESETSTAT itself is counted once it is done, so INFO then shows it
    as the one command processed."""
    reset_server_stats(c.server)
    reset_command_table_stats(COMMAND_TABLE)
    c.server.errors = {}  # resetErrorTableStats()
    c.add_reply(resp.OK)


def reset_server_stats(server) -> None:
    """Mirrors resetServerStats() in server.c, for the counters we have.
    The time of the last expire cycle and the uptime go on."""
    server.stat_numcommands = 0
    server.stat_numconnections = 0
    server.stat_expiredkeys = 0
    server.stat_expired_stale_perc = 0.0
    server.stat_expired_time_cap_reached_count = 0
    server.stat_expire_cycle_time_used = 0
    server.stat_keyspace_misses = 0
    server.stat_keyspace_hits = 0
    server.stat_rejected_conn = 0
    server.stat_net_input_bytes = 0
    server.stat_net_output_bytes = 0
    server.stat_total_error_replies = 0


def reset_command_table_stats(table: dict) -> None:
    """Mirrors resetCommandTableStats() in server.c, subcommands too."""
    for cmd in table.values():
        cmd.calls = cmd.microseconds = 0
        cmd.rejected_calls = cmd.failed_calls = 0
        reset_command_table_stats(cmd.subcommands)


@command("config|rewrite", 2, "admin noscript loading stale",
         group="server", since="2.8.0",
         summary="Write the configuration back to its file")
def config_rewrite_command(c: Client) -> None:
    """Mirrors configRewriteCommand(). Simplified: this server takes its
    configuration from the command line only, never from a file, so
    there is no file to rewrite: Redis's answer when it has none."""
    c.add_reply(resp.error("The server is running without a config file"))


CONFIG_HELP = (
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their "
    "values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
)


@command("config|help", 2, "loading stale", group="server", since="5.0.0",
         summary="Show helpful text about the different subcommands")
def config_help_command(c: Client) -> None:
    """Mirrors configHelpCommand() in config.c: Redis's text as it is."""
    c.add_reply(resp.help_reply(c.argv[0], CONFIG_HELP))
