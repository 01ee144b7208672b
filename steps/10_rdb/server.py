"""server.py: the server, every client at once. Redis: src/server.c main().

main() opens the listening socket and hands it to the event loop (ae.py),
with accept_tcp_handler as its read handler; from then on everything
happens in handlers (networking.py) and in before_sleep, which sends the
replies of each turn. Commands are framed by the RESP parser (resp.py)
and looked up in the command table (commands.py); the data they work on
lives in the databases (db.py), one module per type (t_*.py); SORT,
which reads lists, sets and sorted sets, has its own (sort.py). A timer,
server_cron, runs hz times a second for the background work: active
expiry (expire.py), and the snapshots of the dataset (rdb.py).

Here too are PING, ECHO, TIME and INFO, which Redis keeps in server.c,
and SHUTDOWN (db.c); QUIT, HELLO, AUTH and CLIENT are in networking.py,
CONFIG in config.py, with the table of parameters that the command-line
flags are read through.

Steps:
  01_socket     listen, accept, recv, send; one client at a time
  02_resp       query buffer, RESP framing, command table, RESP3; PING,
                ECHO, TIME, SHUTDOWN
  03_eventloop  one event loop serves every client; --trace shows it turn
  04_datatypes  16 databases and the five data types
  05_expiry     server_cron at hz, active expiry, INFO with commandstats
                and errorstats; --trace folds the idle turns
  06_encodings  values are robj with an encoding; the LRU clock; CONFIG
                moves to config.py, and the flags are read through its table
  07_blocking   clients blocked on keys (blocked.py); before_sleep times
                them out, woken by a timer at the first deadline, and
                resumes the input of those unblocked; INFO blocked_clients;
                --trace shows the timer's turns
  08_multi      transactions (multi.py): MULTI, EXEC, DISCARD, WATCH
  09_pubsub     publish/subscribe (pubsub.py); server_cron checks the
                clients' output buffer limits (clients_cron); PING in a
                RESP2 subscriber's context; INFO's pubsub counts; keyspace
                events (notify.py), --notify-keyspace-events
  10_rdb        RDB snapshots (rdb.py): the dataset is loaded from the
                RDB file at start-up; server_cron reaps the BGSAVE child
                (check_children_done) and starts one at a save point;
                writes are refused after a failed BGSAVE (MISCONF); INFO
                persistence; SHUTDOWN saves; --save, --dir, --dbfilename
"""

import argparse
import collections
import functools
import logging
import os
import platform
import resource
import signal
import socket
import struct
import sys
import time
from dataclasses import dataclass, field

import bitops  # noqa: F401 -- importing a command module registers them
import debug  # noqa: F401
import multi  # noqa: F401
import pubsub  # noqa: F401
import rdb  # noqa: F401
import resp
import sort  # noqa: F401
import t_hash  # noqa: F401
import t_list  # noqa: F401
import t_set  # noqa: F401
import t_string  # noqa: F401
import t_zset  # noqa: F401
from ae import (
    AE_READABLE,
    EventLoop,
    ae_create_event_loop,
    ae_create_time_event,
    ae_get_api_name,
    ae_main,
    ae_stop,
    create_file_event,
)
from blocked import (
    handle_blocked_clients_timeout,
    handle_clients_blocked_on_keys,
    process_unblocked_clients,
)
from commands import (
    CLIENT_PUBSUB,
    COMMAND_TABLE,
    Command,
    arity_error,
    command,
)
from config import (
    MAXMEMORY_NO_EVICTION,
    adjust_open_files_limit,
    client_buffer_limits_defaults,
    evict_policy_to_string,
    load_server_config,
    lookup_config,
)
from db import RedisDb
from expire import (
    ACTIVE_EXPIRE_CYCLE_FAST,
    ACTIVE_EXPIRE_CYCLE_SLOW,
    ExpireCycleState,
    active_expire_cycle,
    mstime,
)
from networking import (
    BLOCKED_LIST,
    BLOCKED_ZSET,
    REDIS_VERSION,
    Client,
    ClientBufferLimits,
    accept_tcp_handler,
    close_client_on_output_buffer_limit_reached,
    free_client_async,
    free_clients_in_async_free_queue,
    handle_clients_with_pending_writes,
)
from object import get_lru_clock, use_server_clock
from rdb import (
    C_OK,
    CHILD_TYPE_NONE,
    CHILD_TYPE_RDB,
    CONFIG_BGSAVE_RETRY_DELAY,
    check_children_done,
    kill_rdb_child,
    rdb_load_at_startup,
    rdb_remove_temp_file,
    rdb_save_background,
    rdb_save_to_disk,
)

TCP_BACKLOG = 511  # Redis's default tcp-backlog

log = logging.getLogger(__name__)


def setup_logging() -> None:
    """Log lines shaped like Redis's: "pid:M 26 Nov 2026 10:00:00.123 * x".

    The mark before the message is the level, as in Redis's serverLog():
    "*" for a notice, "#" for a warning.
    """
    logging.addLevelName(logging.INFO, "*")
    logging.addLevelName(logging.WARNING, "#")
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr,
        format="%(process)d:M %(asctime)s.%(msecs)03d %(levelname)s "
               "%(message)s",
        datefmt="%d %b %Y %H:%M:%S")


@dataclass(slots=True)
class Server:
    """Global server state and configuration. Mirrors struct redisServer."""

    # The configuration (config.py reads and sets it), with Redis's
    # defaults; the command line's defaults may differ.
    bind: str = "127.0.0.1"
    port: int = 6379
    requirepass: bytes | None = None  # None: no password (nopass)
    proto_max_bulk_len: int = 512 * 1024**2  # config proto-max-bulk-len
    client_max_querybuf_len: int = 1024**3  # client-query-buffer-limit
    maxclients: int = 10000
    # client-output-buffer-limit, by class: CLIENT_TYPE_NORMAL, _SLAVE...
    client_obuf_limits: list[ClientBufferLimits] = field(
        default_factory=client_buffer_limits_defaults)
    dbnum: int = 16  # config databases
    hz: int = 10  # server_cron runs hz times a second
    # save: (seconds, changes) pairs; Redis's defaults
    saveparams: list[tuple[int, int]] = field(default_factory=lambda: [
        (3600, 1), (300, 100), (60, 10000)])
    rdb_filename: bytes = b"dump.rdb"  # config dbfilename, in config dir
    stop_writes_on_bgsave_err: bool = True
    rdb_key_save_delay: int = 0  # µs per key: slows a save, for tests
    enable_debug_cmd: int = 0  # 0: DEBUG refused; 1: allowed; 2: local
    aof_enabled: bool = False  # config appendonly
    maxmemory: int = 0  # bytes; 0: no limit
    maxmemory_policy: int = MAXMEMORY_NO_EVICTION
    lfu_log_factor: int = 10
    lfu_decay_time: int = 1  # minutes
    notify_keyspace_events: int = 0  # NOTIFY_* classes on (notify.py)
    # When a small value leaves its compact encoding (step 06's thresholds)
    hash_max_listpack_entries: int = 512
    hash_max_listpack_value: int = 64  # bytes
    set_max_intset_entries: int = 512
    zset_max_listpack_entries: int = 128
    zset_max_listpack_value: int = 64  # bytes
    list_max_listpack_size: int = -2  # -2: 8 KB per node; >0: entries
    list_compress_depth: int = 0  # nodes left uncompressed at each end
    # The RDB file (rdb.py): LZF for long strings, a CRC64 at the end,
    # how closely a loaded listpack or intset is checked (SANITIZE_DUMP_*)
    rdb_compression: bool = True
    rdb_checksum: bool = True
    sanitize_dump_payload: int = 0  # SANITIZE_DUMP_NO
    trace: "TurnTrace | None" = None  # --trace: one line per turn
    db: list[RedisDb] = field(default_factory=list)
    el: EventLoop | None = None
    listener: socket.socket | None = None
    clients: dict[int, Client] = field(default_factory=dict)  # by id
    clients_pending_write: list[Client] = field(default_factory=list)
    clients_to_close: list[Client] = field(default_factory=list)
    # Blocking (blocked.py): the blocked clients, by BLOCKED_* type; their
    # (deadline, id), in order, and the timer set at the first deadline;
    # those unblocked this turn; and the (db, key) pairs signalled since
    # the last serving, in order.
    blocked_clients: int = 0
    blocked_clients_by_type: dict[int, int] = field(
        default_factory=lambda: {BLOCKED_LIST: 0, BLOCKED_ZSET: 0})
    clients_timeout_table: list[tuple[int, int]] = field(
        default_factory=list)
    clients_timeout_timer: int = -1  # its time event's id; -1: none
    clients_timeout_timer_runs: int = 0  # how many times it ran (--trace)
    unblocked_clients: list[Client] = field(default_factory=list)
    ready_keys: list[tuple[RedisDb, bytes]] = field(default_factory=list)
    # Pub/sub (pubsub.py): each channel, pattern and shard channel that
    # has a subscriber, and its subscribers in the order they came.
    pubsub_channels: dict[bytes, list[Client]] = field(default_factory=dict)
    pubsub_patterns: dict[bytes, list[Client]] = field(default_factory=dict)
    pubsubshard_channels: dict[bytes, list[Client]] = field(
        default_factory=dict)
    # The clients server_cron has still to check in this pass
    clients_cron_queue: collections.deque[Client] = field(
        default_factory=collections.deque)
    next_client_id: int = 1
    stat_numconnections: int = 0  # clients accepted
    stat_rejected_conn: int = 0  # refused by maxclients
    stat_numcommands: int = 0  # commands processed
    stat_net_input_bytes: int = 0
    stat_net_output_bytes: int = 0
    stat_keyspace_hits: int = 0  # lookups that found their key
    stat_keyspace_misses: int = 0
    stat_total_error_replies: int = 0  # error replies of every kind
    errors: dict[bytes, int] = field(default_factory=dict)  # by error code
    stat_expiredkeys: int = 0  # keys deleted because their time came
    stat_expired_stale_perc: float = 0.0  # estimated share still waiting
    stat_expired_time_cap_reached_count: int = 0  # cycles that ran out
    stat_expire_cycle_time_used: int = 0  # µs spent in active expiry
    expire_cycle: ExpireCycleState = field(default_factory=ExpireCycleState)
    mstime: int = 0  # Unix ms, cached: when the current command started
    in_exec: bool = False  # EXEC is running the commands it queued
    prev_err_count: int = 0  # stat_total_error_replies as a call began
    lruclock: int = 0  # the LRU clock (object.py), cached by server_cron
    cronloops: int = 0  # how many times server_cron ran
    # Persistence (rdb.py): changes since the last save, and at the fork
    dirty: int = 0
    dirty_before_bgsave: int = 0
    lastsave: int = field(default_factory=lambda: int(time.time()))
    lastbgsave_try: int = 0  # Unix time of the last BGSAVE attempt
    lastbgsave_status: bool = C_OK
    loading: bool = False  # reading the RDB file at start-up
    child_type: int = CHILD_TYPE_NONE  # CHILD_TYPE_RDB while one runs
    child_pid: int = -1
    child_info_pipe: tuple[int, int] = (-1, -1)  # childinfo.py
    rdb_bgsave_scheduled: bool = False  # BGSAVE asked for in EXEC
    rdb_save_time_start: int = -1  # Unix time the running BGSAVE began
    rdb_save_time_last: int = -1  # seconds the last BGSAVE took
    stat_rdb_saves: int = 0
    stat_current_cow_peak: int = 0  # bytes, in the running child
    stat_rdb_cow_bytes: int = 0  # bytes the last BGSAVE child copied
    start_time: float = field(default_factory=time.time)


# --8<-- [start:server_cron]
def server_cron(el: EventLoop, id: int, server: Server) -> int:
    """The periodic background work. Mirrors serverCron() in server.c.

    A time event (ae.py) that reschedules itself: it returns how many
    milliseconds until its next run, 100 at the default hz of 10. Of
    Redis's long list of chores we have three: reading the LRU clock,
    checking the clients (clients_cron), and active expiry, which Redis
    runs from databasesCron().
    """
    server.mstime = mstime()  # updateCachedTime()
    server.lruclock = get_lru_clock()
    clients_cron(server)
    active_expire_cycle(server, ACTIVE_EXPIRE_CYCLE_SLOW)
    if server.child_type != CHILD_TYPE_NONE:
        check_children_done(server)
    else:
        save_if_a_save_point_is_reached(server)
    start_scheduled_bgsave(server)
    server.cronloops += 1
    return 1000 // server.hz
# --8<-- [end:server_cron]


# --8<-- [start:save_if_a_save_point_is_reached]
def save_if_a_save_point_is_reached(server: Server) -> None:
    """Start a BGSAVE if enough changes are old enough.

    The save-point loop of serverCron(): "save 300 100" means at least
    100 changes and more than 300 seconds since the last save. After a
    failed BGSAVE the next try waits CONFIG_BGSAVE_RETRY_DELAY seconds,
    or a failing disk would fork a child at every run.
    """
    now = int(time.time())
    may_retry = (now - server.lastbgsave_try > CONFIG_BGSAVE_RETRY_DELAY
                 or server.lastbgsave_status == C_OK)
    for seconds, changes in server.saveparams:
        if (server.dirty >= changes and now - server.lastsave > seconds
                and may_retry):
            log.info("%d changes in %d seconds. Saving...", changes, seconds)
            rdb_save_background(server, server.rdb_filename)
            return
# --8<-- [end:save_if_a_save_point_is_reached]


def start_scheduled_bgsave(server: Server) -> None:
    """Start the BGSAVE that EXEC asked for. Mirrors the end of
    serverCron()."""
    may_retry = (int(time.time()) - server.lastbgsave_try
                 > CONFIG_BGSAVE_RETRY_DELAY
                 or server.lastbgsave_status == C_OK)
    if (server.child_type == CHILD_TYPE_NONE and server.rdb_bgsave_scheduled
            and may_retry
            and rdb_save_background(server, server.rdb_filename)):
        server.rdb_bgsave_scheduled = False


CLIENTS_CRON_MIN_ITERATIONS = 5  # clients checked per call, at least


# --8<-- [start:clients_cron]
def clients_cron(server: Server) -> None:
    """Check a share of the clients, so that each is seen once a second.

    Mirrors clientsCron() in server.c, of whose checks we need one: the
    output buffer limits. A client is checked whenever replies are added
    for it, but one over its soft limit may get nothing more (a
    subscriber of a channel gone quiet): here its time runs out anyway.

    Simplified: Redis also closes idle clients (config timeout), shrinks
    their buffers and tracks their peak memory; and it closes a client
    at once here, where we let before_sleep free it.
    """
    numclients = len(server.clients)
    iterations = numclients // server.hz
    if iterations < CLIENTS_CRON_MIN_ITERATIONS:
        iterations = min(numclients, CLIENTS_CRON_MIN_ITERATIONS)
    queue = server.clients_cron_queue
    for _ in range(iterations):
        if not queue:  # a new pass (Redis rotates its list of clients)
            queue.extend(server.clients.values())
        c = queue.popleft()
        if server.clients.get(c.id) is c:  # not freed since
            close_client_on_output_buffer_limit_reached(c, False)
# --8<-- [end:clients_cron]


# --8<-- [start:before_sleep]
def before_sleep(server: Server, el: EventLoop) -> None:
    """Work done once per turn, before the loop sleeps again.

    Mirrors beforeSleep() in server.c (7.0 order): time out the blocked
    clients whose time has come, a fast expire cycle if the last slow one
    ran out of time, run the requests that waited behind a blocking
    command in the clients just unblocked, serve the clients blocked on
    keys that became ready, then send the replies the turn produced,
    then free the clients that were marked for closing.
    """
    handle_blocked_clients_timeout(server)
    active_expire_cycle(server, ACTIVE_EXPIRE_CYCLE_FAST)
    process_unblocked_clients(server)
    handle_clients_blocked_on_keys(server)
    flushed = handle_clients_with_pending_writes(server)
    closed = len(server.clients_to_close)
    free_clients_in_async_free_queue(server)
    if server.trace:
        trace_turn(server, el, flushed, closed)
# --8<-- [end:before_sleep]


@dataclass(slots=True)
class TurnTrace:
    """Counters as they stood at the previous turn, for --trace."""

    turn: int = 0
    last: tuple[int, ...] = (0, 0, 0, 0)
    cronloops: int = 0
    timeout_timer_runs: int = 0
    expire_totals: tuple[int, int, int, int] = (0, 0, 0, 0)
    idle_turns: int = 0  # turns folded since the last line printed
    idle_since: int = 0  # the server_cron run of the first of them


MASK_NAMES = {1: "r", 2: "w", 3: "rw"}


def trace_turn(server: Server, el: EventLoop, flushed: int,
               closed: int) -> None:
    """Print one line: what woke the loop and what the handlers did.

    A turn in which server_cron ran and nothing else happened (no socket
    was ready, no key was sampled) prints nothing: a quiet server would
    print hz lines a second. The next line printed says how many such
    idle turns came before it.
    """
    now = (server.stat_numconnections, server.stat_net_input_bytes,
           server.stat_numcommands, server.stat_net_output_bytes)
    accepted, read, ran, wrote = (a - b for a, b in
                                  zip(now, server.trace.last, strict=True))
    server.trace.last = now
    sampled_before = server.trace.expire_totals[1]
    timer_runs_before = server.trace.timeout_timer_runs
    timers = trace_timers(server)
    if not el.fired and not wrote and not timers:
        return  # the first turn: nothing has happened yet
    if (not el.fired and not wrote
            and server.trace.expire_totals[1] == sampled_before
            and server.trace.timeout_timer_runs == timer_runs_before):
        fold_idle_turn(server.trace, server.cronloops)
        return
    print_idle_turns(server.trace)
    server.trace.turn += 1
    ready = " ".join(f"fd{fd}:{MASK_NAMES[mask]}" for fd, mask in el.fired[:6])
    if len(el.fired) > 6:
        ready += f" +{len(el.fired) - 6} more"
    parts = [f"turn {server.trace.turn}: ready {ready or '-'}",
             f"accepted {accepted}" if accepted else "",
             f"read {read} B" if read else "",
             f"ran {ran} commands" if ran else "",
             f"wrote {wrote} B to {flushed} clients" if wrote else "",
             f"closed {closed}" if closed else "", timers]
    print(" | ".join(p for p in parts if p), file=sys.stderr, flush=True)


def fold_idle_turn(trace: TurnTrace, cron_run: int) -> None:
    """Count a turn in which server_cron alone ran, instead of printing it."""
    if not trace.idle_turns:
        trace.idle_since = cron_run
    trace.idle_turns += 1


def print_idle_turns(trace: TurnTrace) -> None:
    """Say how many idle turns were folded since the last line."""
    if trace.idle_turns == 1:
        print(f"(1 idle turn: server_cron only, #{trace.idle_since})",
              file=sys.stderr)
    elif trace.idle_turns:
        print(f"({trace.idle_turns} idle turns: server_cron only, "
              f"#{trace.idle_since} to "
              f"#{trace.idle_since + trace.idle_turns - 1})", file=sys.stderr)
    trace.idle_turns = 0


def trace_timers(server: Server) -> str:
    """The part of a --trace line about time events and active expiry."""
    parts = []
    if server.cronloops != server.trace.cronloops:
        server.trace.cronloops = server.cronloops
        parts.append(f"server_cron #{server.cronloops}")
    if server.clients_timeout_timer_runs != server.trace.timeout_timer_runs:
        server.trace.timeout_timer_runs = server.clients_timeout_timer_runs
        parts.append("clients_timeout_timer "
                     f"#{server.clients_timeout_timer_runs}")
    totals = server.expire_cycle.totals
    if totals != server.trace.expire_totals:
        cycles, sampled, expired, elapsed = (
            now - before for now, before in
            zip(totals, server.trace.expire_totals, strict=True))
        server.trace.expire_totals = totals
        several = f" ({cycles} cycles)" if cycles > 1 else ""
        parts.append(f"expire cycle{several}: sampled {sampled}, expired "
                     f"{expired} in {elapsed / 1000:.2f} ms")
    return ", ".join(parts)


# Connection commands that Redis keeps in server.c. The others (QUIT,
# HELLO, AUTH, CLIENT) are in networking.py.

@command("ping", -1, "fast", acl="connection", group="connection",
         since="1.0.0", synopsis="[message]",
         summary="Check that the server answers")
def ping_command(c: Client) -> None:
    """Mirrors pingCommand(). A subscriber in RESP2 gets an array, as
    its messages are: a +PONG could not be told from them."""
    if len(c.argv) > 2:
        c.add_reply(arity_error("ping"))
    elif c.flags & CLIENT_PUBSUB and c.resp == 2:
        message = c.argv[1] if len(c.argv) == 2 else b""
        c.add_reply(resp.array_len(2) + resp.bulk(b"pong")
                    + resp.bulk(message))
    elif len(c.argv) == 1:
        c.add_reply(resp.PONG)
    else:
        c.add_reply(resp.bulk(c.argv[1]))


@command("echo", 2, "loading stale fast", acl="connection",
         group="connection", since="1.0.0", synopsis="message",
         summary="Reply with the message given")
def echo_command(c: Client) -> None:
    c.add_reply(resp.bulk(c.argv[1]))


# --8<-- [start:info_command]
@command("info", -1, "loading stale", acl="dangerous", group="server",
         since="1.0.0", synopsis="[section [section ...]]",
         complexity="O(1)", summary="Describe the server, section by section")
def info_command(c) -> None:
    """Mirrors infoCommand() and genRedisInfoString() in server.c: lines
    "field:value", under "# Section" headers, CRLF-separated, sections in
    a fixed order. No argument means the default sections, which leave
    out commandstats; "all" and "everything" mean every section; an
    unknown section gives nothing."""
    wanted = {arg.lower() for arg in c.argv[1:]} or {b"default"}
    if wanted & {b"all", b"everything"}:
        wanted = set(INFO_SECTIONS)
    elif b"default" in wanted:
        wanted |= DEFAULT_INFO_SECTIONS
    sections = [section(c.server) for name, section in INFO_SECTIONS.items()
                if name in wanted]  # always in Redis's order
    c.add_reply(resp.verbatim("\r\n".join(sections).encode(), c.resp))
# --8<-- [end:info_command]


def info_section(title: str, fields: dict[str, object]) -> str:
    lines = [f"# {title}"] + [f"{k}:{v}" for k, v in fields.items()]
    return "".join(line + "\r\n" for line in lines)


def info_server(server: Server) -> str:
    uptime = int(time.time() - server.start_time)
    return info_section("Server", {
        "redis_version": REDIS_VERSION, "redis_mode": "standalone",
        "os": f"{platform.system()} {platform.release()} "
              f"{platform.machine()}",
        "arch_bits": 64, "multiplexing_api": ae_get_api_name(server.el),
        "python_version": platform.python_version(),
        "process_id": os.getpid(), "tcp_port": server.port,
        "server_time_usec": time.time_ns() // 1000,
        "uptime_in_seconds": uptime, "uptime_in_days": uptime // 86400,
        "hz": server.hz, "configured_hz": server.hz,
        "lru_clock": server.lruclock,
        "executable": os.path.abspath(sys.argv[0])})


def info_clients(server: Server) -> str:
    return info_section("Clients", {
        "connected_clients": len(server.clients),
        "maxclients": server.maxclients,
        "blocked_clients": server.blocked_clients,
        "clients_in_timeout_table": len(server.clients_timeout_table)})


def info_memory(server: Server) -> str:
    """The fields a client library reads, in Redis's order.

    Simplified: Redis's used_memory is what its allocator has handed out
    (zmalloc_used_memory()), and mem_fragmentation_ratio is the resident
    size over it. Python keeps no such total that is cheap to read
    (tracemalloc would slow every allocation down), so used_memory is the
    resident size itself, its peak the kernel's high-water mark, and the
    ratio 1.00. Nothing is ever evicted, whatever maxmemory says.
    """
    rss = process_rss()
    peak = max(rss, peak_rss())
    return info_section("Memory", {
        "used_memory": rss, "used_memory_human": bytes_to_human(rss),
        "used_memory_rss": rss, "used_memory_rss_human": bytes_to_human(rss),
        "used_memory_peak": peak,
        "used_memory_peak_human": bytes_to_human(peak),
        "maxmemory": server.maxmemory,
        "maxmemory_human": bytes_to_human(server.maxmemory),
        "maxmemory_policy": evict_policy_to_string(server),
        "mem_fragmentation_ratio": "1.00"})


PROC_STATM = "/proc/self/statm"  # Linux: sizes in pages, RSS the second


def process_rss() -> int:
    """The resident set size, in bytes. Mirrors zmalloc_get_rss().

    Linux has it in /proc. Elsewhere (macOS) the standard library only
    offers the peak, so the peak stands in for it.
    """
    try:
        with open(PROC_STATM) as statm:
            pages = int(statm.read().split()[1])
    except OSError:
        return peak_rss()
    return pages * os.sysconf("SC_PAGE_SIZE")


def peak_rss() -> int:
    """The most the process has ever had resident, from getrusage()."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # KiB on Linux


def bytes_to_human(n: int) -> str:
    """Mirrors bytesToHuman(): 1023B, 6.65M..."""
    for unit, size in (("G", 1024**3), ("M", 1024**2), ("K", 1024)):
        if n >= size:
            return f"{n / size:.2f}{unit}"
    return f"{n}B"


def info_stats(server: Server) -> str:
    return info_section("Stats", {
        "total_connections_received": server.stat_numconnections,
        "total_commands_processed": server.stat_numcommands,
        "total_net_input_bytes": server.stat_net_input_bytes,
        "total_net_output_bytes": server.stat_net_output_bytes,
        "rejected_connections": server.stat_rejected_conn,
        "expired_keys": server.stat_expiredkeys,
        "expired_stale_perc": f"{server.stat_expired_stale_perc * 100:.2f}",
        "expired_time_cap_reached_count":
            server.stat_expired_time_cap_reached_count,
        "expire_cycle_cpu_milliseconds":
            server.stat_expire_cycle_time_used // 1000,
        "keyspace_hits": server.stat_keyspace_hits,
        "keyspace_misses": server.stat_keyspace_misses,
        "pubsub_channels": len(server.pubsub_channels),
        "pubsub_patterns": len(server.pubsub_patterns),
        "pubsubshard_channels": len(server.pubsubshard_channels),
        "total_error_replies": server.stat_total_error_replies})


def info_commandstats(server: Server) -> str:
    """Mirrors genRedisInfoStringCommandStats(): one line per command
    that was called or refused, a subcommand named "client|id". Redis
    lists them in its hash table's order, which is no order at all."""
    fields = {}
    for cmd in COMMAND_TABLE.values():
        for row in (cmd, *cmd.subcommands.values()):
            if row.calls or row.rejected_calls or row.failed_calls:
                fields[f"cmdstat_{row.fullname}"] = (
                    f"calls={row.calls},usec={row.microseconds},"
                    f"usec_per_call={usec_per_call(row):.2f},"
                    f"rejected_calls={row.rejected_calls},"
                    f"failed_calls={row.failed_calls}")
    return info_section("Commandstats", fields)


def usec_per_call(cmd: Command) -> float:
    """Redis divides in C's float, single precision: so do we."""
    if not cmd.calls:
        return 0.0
    return c_float(c_float(cmd.microseconds) / c_float(cmd.calls))


def c_float(x: float) -> float:
    """`x` rounded to a C float (32 bits), as a cast in C does."""
    return struct.unpack("f", struct.pack("f", x))[0]


def info_errorstats(server: Server) -> str:
    """Error replies by code, in byte order (Redis keeps them in a rax)."""
    return info_section("Errorstats", {
        f"errorstat_{code.decode()}": f"count={count}"
        for code, count in sorted(server.errors.items())})


def info_keyspace(server: Server) -> str:
    return info_section("Keyspace", {
        f"db{db.id}": f"keys={len(db.dict)},expires={len(db.expires)},"
                      f"avg_ttl={db.avg_ttl}"
        for db in server.db if db.dict})


# --8<-- [start:info_persistence]
def info_persistence(server: Server) -> str:
    """Mirrors the Persistence section of genRedisInfoString(), in its
    order. The append-only file is off until step 11, and neither
    progress nor copy-on-write is reported while a child works.

    Simplified: the current_* fields and async_loading stay 0; Redis's
    child reports them through the pipe while it saves.
    """
    bgsave = server.child_type == CHILD_TYPE_RDB
    now = int(time.time())
    return info_section("Persistence", {
        "loading": int(server.loading), "async_loading": 0,
        "current_cow_peak": 0, "current_cow_size": 0,
        "current_cow_size_age": 0, "current_fork_perc": "0.00",
        "current_save_keys_processed": 0, "current_save_keys_total": 0,
        "rdb_changes_since_last_save": server.dirty,
        "rdb_bgsave_in_progress": int(bgsave),
        "rdb_last_save_time": server.lastsave,
        "rdb_last_bgsave_status":
            "ok" if server.lastbgsave_status == C_OK else "err",
        "rdb_last_bgsave_time_sec": server.rdb_save_time_last,
        "rdb_current_bgsave_time_sec":
            now - server.rdb_save_time_start if bgsave else -1,
        "rdb_saves": server.stat_rdb_saves,
        "rdb_last_cow_size": server.stat_rdb_cow_bytes,
        "rdb_last_load_keys_expired": 0, "rdb_last_load_keys_loaded": 0,
        "aof_enabled": 0, "aof_rewrite_in_progress": 0,
        "aof_rewrite_scheduled": 0, "aof_last_rewrite_time_sec": -1,
        "aof_current_rewrite_time_sec": -1,
        "aof_last_bgrewrite_status": "ok", "aof_rewrites": 0,
        "aof_rewrites_consecutive_failures": 0,
        "aof_last_write_status": "ok", "aof_last_cow_size": 0,
        "module_fork_in_progress": 0, "module_fork_last_cow_size": 0})
# --8<-- [end:info_persistence]


INFO_SECTIONS = {b"server": info_server, b"clients": info_clients,
                 b"memory": info_memory, b"persistence": info_persistence,
                 b"stats": info_stats,
                 b"commandstats": info_commandstats,
                 b"errorstats": info_errorstats, b"keyspace": info_keyspace}
DEFAULT_INFO_SECTIONS = set(INFO_SECTIONS) - {b"commandstats"}


# --8<-- [start:init_server]
def init_server(server: Server, listener: socket.socket) -> None:
    """Create the databases and the event loop, and watch the listener.

    Mirrors initServer() in server.c (and the clock's first reading, in
    initServerConfig()).
    """
    server.lruclock = get_lru_clock()
    use_server_clock(server)
    server.db = [RedisDb(i, server) for i in range(server.dbnum)]
    listener.setblocking(False)
    server.listener = listener
    server.el = ae_create_event_loop()
    server.el.before_sleep = functools.partial(before_sleep, server)
    create_file_event(server.el, listener.fileno(), AE_READABLE,
                      accept_tcp_handler, server)
    ae_create_time_event(server.el, 1, server_cron, server)
# --8<-- [end:init_server]


def listen_to_port(bind: str, port: int) -> socket.socket:
    """Open the listening socket. Mirrors listenToPort() in server.c."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Reuse the port at once after a restart, as anetSetReuseAddr() does.
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((bind, port))
    listener.listen(TCP_BACKLOG)
    return listener


class ShutdownRequested(BaseException):
    """Raised by the signal handler to leave the event loop.

    A BaseException, like KeyboardInterrupt, so that no `except
    Exception` on the way (logging has one) can swallow it.
    """


def handle_shutdown_signal(signum: int, frame) -> None:
    raise ShutdownRequested(signal.Signals(signum).name)


# Server commands. Redis keeps TIME in server.c, SHUTDOWN in db.c.

# --8<-- [start:time_command]
@command("time", 1, "loading stale fast", group="server", since="2.6.0",
         summary="The server's clock: Unix seconds and microseconds")
def time_command(c: Client) -> None:
    """Mirrors timeCommand() in server.c: the wall clock, read afresh
    (gettimeofday()), as two bulk strings in RESP2 and RESP3 alike."""
    seconds, micros = divmod(time.time_ns() // 1000, 1_000_000)
    c.add_reply(resp.array_len(2) + resp.bulk(b"%d" % seconds)
                + resp.bulk(b"%d" % micros))
# --8<-- [end:time_command]


SHUTDOWN_SAVE = 1  # save even if no save points are configured
SHUTDOWN_NOSAVE = 2  # don't save even if save points are configured
SHUTDOWN_NOW = 4  # don't wait for replicas to catch up
SHUTDOWN_FORCE = 8  # don't let a failed save stop the shutdown
SHUTDOWN_OPTIONS = {b"save": SHUTDOWN_SAVE, b"nosave": SHUTDOWN_NOSAVE,
                    b"now": SHUTDOWN_NOW, b"force": SHUTDOWN_FORCE}


# --8<-- [start:shutdown_command]
@command("shutdown", -1, "admin noscript loading stale no_multi allow_busy",
         group="server", since="1.0.0",
         synopsis="[NOSAVE | SAVE] [NOW] [FORCE] [ABORT]",
         complexity="O(N) when saving, where N is the total number of keys "
                    "in all databases when saving data, otherwise O(1)",
         summary="Stop the server, saving the data first if asked")
def shutdown_command(c: Client) -> None:
    """Mirrors shutdownCommand() in db.c. The client gets no reply: the
    connection closes as the process ends.

    Simplified: Redis can be waiting for its replicas to catch up, or be
    about to act on a signal, and ABORT cancels that; with neither, an
    ABORT here always finds no shutdown in progress.
    """
    flags, abort = 0, False
    for arg in c.argv[1:]:
        word = resp.c_string(arg).lower()  # strcasecmp() stops at a NUL
        if word == b"abort":
            abort = True
        elif word in SHUTDOWN_OPTIONS:
            flags |= SHUTDOWN_OPTIONS[word]
        else:
            c.add_reply(resp.error("syntax error"))
            return
    save_and_nosave = SHUTDOWN_SAVE | SHUTDOWN_NOSAVE
    if (abort and flags) or flags & save_and_nosave == save_and_nosave:
        c.add_reply(resp.error("syntax error"))
        return
    if abort:
        c.add_reply(resp.error("No shutdown in progress."))
        return
    if not prepare_for_shutdown(c.server, flags):
        c.add_reply(resp.error("Errors trying to SHUTDOWN. Check logs."))
    else:
        # Redis calls exit(0) here. We stop the loop instead: main()
        # returns once this turn is over, and before_sleep never runs
        # again, so no reply goes out. Freeing the client stops its
        # pipelined commands from running (Redis blocks it first).
        free_client_async(c)
        ae_stop(c.server.el)
# --8<-- [end:shutdown_command]


def prepare_for_shutdown(server: Server, flags: int) -> bool:
    """Start the shutdown; True once it is safe to exit.

    Mirrors prepareForShutdown() in server.c. Without NOW, Redis first
    gives lagging replicas up to shutdown-timeout (10 s) to catch up; a
    server without replicas, like ours, never waits.
    """
    log.warning("User requested shutdown...")
    return finish_shutdown(server, flags)


# --8<-- [start:finish_shutdown]
def finish_shutdown(server: Server, flags: int) -> bool:
    """The last step before exit. Mirrors finishShutdown() in server.c.

    A BGSAVE child is stopped first: it might rename its older snapshot
    over the one saved here. Then the dataset is saved if there are save
    points (or SAVE says so, and NOSAVE does not); if that fails, the
    server refuses to exit, unless FORCE.

    Simplified: Redis also fsyncs the AOF and removes its pid file; the
    listening socket closes as main() returns.
    """
    if server.child_type == CHILD_TYPE_RDB:
        log.warning("There is a child saving an .rdb. Killing it!")
        kill_rdb_child(server)
        rdb_remove_temp_file(server.child_pid)
    nosave = flags & SHUTDOWN_NOSAVE
    if (server.saveparams and not nosave) or flags & SHUTDOWN_SAVE:
        log.info("Saving the final RDB snapshot before exiting.")
        if not rdb_save_to_disk(server, server.rdb_filename):
            if not flags & SHUTDOWN_FORCE:
                log.warning("Error trying to save the DB, can't exit.")
                log.warning("Errors trying to shut down the server. "
                            "Check the logs for more information.")
                return False
            log.warning("Error trying to save the DB. Exit anyway.")
    log.warning("Redis is now ready to exit, bye bye...")
    return True
# --8<-- [end:finish_shutdown]


# Step 06's parameters: the thresholds of the compact encodings, and what
# OBJECT FREQ depends on. Each: name, old name, default, help.
ENCODING_FLAGS = (
    ("hash-max-listpack-entries", "hash-max-ziplist-entries", "512",
     "a hash with more fields is a hash table, not a listpack"),
    ("hash-max-listpack-value", "hash-max-ziplist-value", "64",
     "... and so is one with a longer field or value (bytes)"),
    ("zset-max-listpack-entries", "zset-max-ziplist-entries", "128",
     "a sorted set with more members is a skiplist, not a listpack"),
    ("zset-max-listpack-value", "zset-max-ziplist-value", "64",
     "... and so is one with a longer member (bytes)"),
    ("set-max-intset-entries", None, "512",
     "a set of more integers is a hash table, not an intset"),
    ("list-max-listpack-size", "list-max-ziplist-size", "-2",
     "a list node's listpack: N entries, or -1 to -5 for 4 to 64 KB"),
    ("list-compress-depth", None, "0",
     "list nodes left uncompressed at each end (none is compressed)"),
    ("maxmemory", None, "0",
     "a memory limit, reported only: nothing is evicted"),
    ("maxmemory-policy", None, "noeviction",
     "what would be evicted; an LFU policy makes OBJECT FREQ answer"),
    ("lfu-log-factor", None, "10", "how slowly LFU counters grow"),
    ("lfu-decay-time", None, "1",
     "minutes for an LFU counter to halve while its key is unused"),
)

# The flags of the RDB format (rdb.py): name, default, help.
RDB_FLAGS = (
    ("rdbcompression", "yes", "LZF-compress strings over 20 bytes"),
    ("rdbchecksum", "yes", "end the file with a CRC64 (else 8 zeros)"),
    ("sanitize-dump-payload", "no",
     "check a loaded listpack or intset entry by entry: yes, no, or "
     "clients (RESTORE only)"),
)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Flags use Redis's config names, so `redis-server` takes them too;
    main() reads their values through the config table (config.py)."""
    parser = argparse.ArgumentParser(
        description="Step 10 (rdb) of Redis, Step by Step: "
                    "RDB snapshots, saved by a forked child.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--port", default="6379",
                        help="the TCP port to listen on")
    parser.add_argument("--bind", default="127.0.0.1",
                        help="the address to listen on; Redis binds every "
                             "interface, with protected mode on")
    parser.add_argument("--requirepass", default=None,
                        help="the password clients must send with AUTH; "
                             "None: no password")
    parser.add_argument("--proto-max-bulk-len", default="512mb",
                        metavar="BYTES",
                        help="the longest bulk string a client may send")
    parser.add_argument("--client-query-buffer-limit", default="1gb",
                        metavar="BYTES",
                        help="the most unparsed input a client may have; "
                             "past it the client is dropped")
    parser.add_argument("--dir", default=".",
                        help="the working directory, where the RDB file "
                             "is written and read")
    parser.add_argument("--dbfilename", default="dump.rdb",
                        help="the RDB file's name, in --dir")
    parser.add_argument("--save", default=None,
                        metavar='"SECONDS CHANGES ..."',
                        help="save points: snapshot after SECONDS if at "
                             'least CHANGES writes; "" for none (Redis\'s '
                             'default: "3600 1 300 100 60 10000")')
    parser.add_argument("--stop-writes-on-bgsave-error", default="yes",
                        help="refuse writes after a failed BGSAVE")
    parser.add_argument("--enable-debug-command", default="no",
                        help="allow DEBUG (RELOAD): yes, local or no")
    parser.add_argument("--rdb-key-save-delay", default="0",
                        metavar="MICROSECONDS",
                        help="slow each save down by this much per key "
                             "(for tests)")
    parser.add_argument("--maxclients", default="10000",
                        help="the most clients connected at once")
    parser.add_argument("--databases", default="16",
                        help="how many databases SELECT can choose from")
    parser.add_argument("--hz", default="10",
                        help="server_cron runs this many times a second "
                             "(1 to 500)")
    parser.add_argument(
        "--client-output-buffer-limit", default="normal 256mb 0 0",
        metavar='"CLASS HARD SOFT SECONDS"',
        help="unread replies a client of a class (normal, pubsub) may pile "
             "up before it is dropped (Redis's default for normal clients "
             "is no limit; pubsub's is 32mb 8mb 60)")
    parser.add_argument("--notify-keyspace-events", default="",
                        metavar="CLASSES",
                        help='the keyspace events to publish, e.g. "KEA" '
                             "(all of them); none by default")
    for name, alias, default, text in ENCODING_FLAGS:
        names = [f"--{name}"] + ([f"--{alias}"] if alias else [])
        parser.add_argument(*names, default=default, help=text)
    for name, default, text in RDB_FLAGS:
        parser.add_argument(f"--{name}", default=default, help=text)
    parser.add_argument("--trace", action="store_true",
                        help="print one line per turn of the event loop")
    return parser.parse_args(argv)


def config_options(args: argparse.Namespace) -> list[tuple[str, str]]:
    """The flags that are configuration parameters, as (name, value)."""
    options = [(dest.replace("_", "-"), value)
               for dest, value in vars(args).items() if value is not None]
    return [(name, value) for name, value in options
            if lookup_config(name.encode())]


def warn_if_exposed(server: Server) -> None:
    """Say so loudly when anyone on the network could use the server."""
    loopback = server.bind in ("127.0.0.1", "::1", "localhost")
    if not loopback and server.requirepass is None:
        log.warning(
            "WARNING: listening on %s with no password: anyone who can "
            "reach this address can use the server. Redis's protected mode "
            "refuses such clients; bind to 127.0.0.1 or set --requirepass.",
            server.bind)


def main(argv: list[str]) -> int:
    setup_logging()
    args = parse_args(argv)
    server = Server(trace=TurnTrace() if args.trace else None)
    error = load_server_config(server, config_options(args))
    if error:
        print(error, file=sys.stderr)
        return 1
    adjust_open_files_limit(server)
    try:
        listener = listen_to_port(server.bind, server.port)
    except OSError as err:
        print(f"Could not create server TCP listening socket "
              f"{server.bind}:{server.port}: {err.strerror} (is a "
              "redis-server already running? Use --port to pick another "
              "port)", file=sys.stderr)
        return 1
    init_server(server, listener)
    with listener:
        signal.signal(signal.SIGTERM, handle_shutdown_signal)
        signal.signal(signal.SIGINT, handle_shutdown_signal)
        warn_if_exposed(server)
        rdb_load_at_startup(server)
        log.info("Ready to accept connections on %s:%d",
                 server.bind, server.port)
        serve_until_shutdown(server)
    return 0


def serve_until_shutdown(server: Server) -> None:
    """Run the event loop until SHUTDOWN, or a signal, stops it.

    A signal asks for the same shutdown as SHUTDOWN without options
    (Redis: serverCron() sees shutdown_asap): the dataset is saved if
    there are save points, and if that fails the server keeps serving.
    """
    while True:
        try:
            ae_main(server.el)
            return
        except ShutdownRequested as sig:
            log.info("Received %s, shutting down", sig)
            # Simplified: Redis logs every step of its shutdown; with
            # nothing to save, ours says only the line above.
            if not server.saveparams or prepare_for_shutdown(server, 0):
                return
            log.warning("%s received but errors trying to shut down the "
                        "server, check the logs for more information", sig)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
