"""server.py: the server, every client at once. Redis: src/server.c main().

main() opens the listening socket and hands it to the event loop (ae.py),
with accept_tcp_handler as its read handler; from then on everything
happens in handlers (networking.py) and in before_sleep, which sends the
replies of each turn. Commands are framed by the RESP parser (resp.py)
and looked up in the command table (commands.py); the data they work on
lives in the databases (db.py), one module per type (t_*.py). A timer,
server_cron, runs hz times a second for the background work: active
expiry (expire.py).

Steps:
  01_socket     listen, accept, recv, send; one client at a time
  02_resp       query buffer, RESP framing, command table, HELLO and RESP3
  03_eventloop  one event loop serves every client; --trace shows it turn
  04_datatypes  16 databases and the five data types
  05_expiry     server_cron at hz, active expiry, INFO
"""

import argparse
import functools
import logging
import os
import platform
import resource
import signal
import socket
import sys
import time
from dataclasses import dataclass, field

import resp
import t_hash  # noqa: F401 -- importing a type module registers its commands
import t_list  # noqa: F401
import t_set  # noqa: F401
import t_string  # noqa: F401
import t_zset  # noqa: F401
from ae import (
    AE_READABLE,
    EventLoop,
    ae_create_event_loop,
    ae_create_time_event,
    ae_main,
    create_file_event,
)
from commands import arity_error, command, container
from db import RedisDb
from expire import (
    ACTIVE_EXPIRE_CYCLE_FAST,
    ACTIVE_EXPIRE_CYCLE_SLOW,
    ExpireCycleState,
    active_expire_cycle,
    mstime,
)
from networking import (
    CLIENT_CLOSE_AFTER_REPLY,
    Client,
    accept_tcp_handler,
    free_clients_in_async_free_queue,
    handle_clients_with_pending_writes,
)

TCP_BACKLOG = 511  # Redis's default tcp-backlog
CONFIG_MIN_RESERVED_FDS = 32  # fds kept for the listener, logs, files
REDIS_VERSION = "7.0.15"  # the Redis whose behaviour we copy
CONFIG_MIN_HZ, CONFIG_MAX_HZ = 1, 500

log = logging.getLogger(__name__)


def setup_logging() -> None:
    """Log lines shaped like Redis's: "pid:M 26 Nov 2026 10:00:00.123 * x"."""
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr,
        format="%(process)d:M %(asctime)s.%(msecs)03d * %(message)s",
        datefmt="%d %b %Y %H:%M:%S")


@dataclass(slots=True)
class Server:
    """Global server state and configuration. Mirrors struct redisServer."""

    bind: str
    port: int
    requirepass: bytes | None  # None: no password (the default user is nopass)
    proto_max_bulk_len: int  # config proto-max-bulk-len
    client_max_querybuf_len: int  # config client-query-buffer-limit
    maxclients: int  # config maxclients
    client_obuf_hard_limit: int  # client-output-buffer-limit, normal class
    trace: "TurnTrace | None"  # --trace: one line per turn of the loop
    dbnum: int = 16  # config databases
    hz: int = 10  # server_cron runs hz times a second
    db: list[RedisDb] = field(default_factory=list)
    el: EventLoop | None = None
    listener: socket.socket | None = None
    clients: dict[int, Client] = field(default_factory=dict)  # by id
    clients_pending_write: list[Client] = field(default_factory=list)
    clients_to_close: list[Client] = field(default_factory=list)
    next_client_id: int = 1
    stat_numconnections: int = 0  # clients accepted
    stat_rejected_conn: int = 0  # refused by maxclients
    stat_numcommands: int = 0  # commands processed
    stat_net_input_bytes: int = 0
    stat_net_output_bytes: int = 0
    stat_keyspace_hits: int = 0  # lookups that found their key
    stat_keyspace_misses: int = 0
    stat_expiredkeys: int = 0  # keys deleted because their time came
    stat_expired_stale_perc: float = 0.0  # estimated share still waiting
    stat_expired_time_cap_reached_count: int = 0  # cycles that ran out
    stat_expire_cycle_time_used: int = 0  # µs spent in active expiry
    expire_cycle: ExpireCycleState = field(default_factory=ExpireCycleState)
    mstime: int = 0  # Unix ms, cached: when the current command started
    cronloops: int = 0  # how many times server_cron ran
    start_time: float = field(default_factory=time.time)


# --8<-- [start:server_cron]
def server_cron(el: EventLoop, id: int, server: Server) -> int:
    """The periodic background work. Mirrors serverCron() in server.c.

    A time event (ae.py) that reschedules itself: it returns how many
    milliseconds until its next run, 100 at the default hz of 10. Of
    Redis's long list of chores we have one: active expiry, which Redis
    runs from databasesCron().
    """
    server.mstime = mstime()  # updateCachedTime()
    active_expire_cycle(server, ACTIVE_EXPIRE_CYCLE_SLOW)
    server.cronloops += 1
    return 1000 // server.hz
# --8<-- [end:server_cron]


# --8<-- [start:before_sleep]
def before_sleep(server: Server, el: EventLoop) -> None:
    """Work done once per turn, before the loop sleeps again.

    Mirrors beforeSleep() in server.c (7.0 order): a fast expire cycle
    if the last slow one ran out of time, then send the replies the turn
    produced, then free the clients that were marked for closing.
    """
    active_expire_cycle(server, ACTIVE_EXPIRE_CYCLE_FAST)
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
    expire_totals: tuple[int, int, int, int] = (0, 0, 0, 0)


MASK_NAMES = {1: "r", 2: "w", 3: "rw"}


def trace_turn(server: Server, el: EventLoop, flushed: int,
               closed: int) -> None:
    """Print one line: what woke the loop and what the handlers did."""
    now = (server.stat_numconnections, server.stat_net_input_bytes,
           server.stat_numcommands, server.stat_net_output_bytes)
    accepted, read, ran, wrote = (a - b for a, b in
                                  zip(now, server.trace.last, strict=True))
    server.trace.last = now
    timers = trace_timers(server)
    if not el.fired and not wrote and not timers:
        return  # the first turn: nothing has happened yet
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


def trace_timers(server: Server) -> str:
    """The part of a --trace line about time events and active expiry."""
    parts = []
    if server.cronloops != server.trace.cronloops:
        server.trace.cronloops = server.cronloops
        parts.append(f"server_cron #{server.cronloops}")
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


# Connection commands. Redis keeps these in networking.c and acl.c.

@command("ping", -1, "fast", acl="connection", group="connection",
         since="1.0.0", synopsis="[message]",
         summary="Check that the server answers")
def ping_command(c: Client) -> None:
    if len(c.argv) > 2:
        c.add_reply(arity_error("ping"))
    elif len(c.argv) == 1:
        c.add_reply(resp.PONG)
    else:
        c.add_reply(resp.bulk(c.argv[1]))


@command("echo", 2, "loading stale fast", acl="connection",
         group="connection", since="1.0.0", synopsis="message",
         summary="Reply with the message given")
def echo_command(c: Client) -> None:
    c.add_reply(resp.bulk(c.argv[1]))


@command("quit", -1, "noscript loading stale fast no_auth allow_busy",
         acl="connection", group="connection", since="1.0.0",
         summary="Close the connection once this reply is sent")
def quit_command(c: Client) -> None:
    c.add_reply(resp.OK)
    c.flags |= CLIENT_CLOSE_AFTER_REPLY


# --8<-- [start:hello_command]
@command("hello", -1, "noscript loading stale fast no_auth allow_busy",
         acl="connection", group="connection", since="6.0.0",
         synopsis="[protover [AUTH username password] [SETNAME clientname]]",
         summary="Choose the protocol version and describe the server")
def hello_command(c: Client) -> None:
    """Mirrors helloCommand() in networking.c."""
    version = 0
    if len(c.argv) >= 2:
        version = resp.string2ll(c.argv[1])
        if version is None:
            c.add_reply(resp.error(
                "Protocol version is not an integer or out of range"))
            return
        if not 2 <= version <= 3:
            c.add_reply(resp.error("-NOPROTO unsupported protocol version"))
            return
    if not apply_hello_options(c, c.argv[2:]):
        return
    if not c.authenticated:
        c.add_reply(resp.error(HELLO_NOAUTH))
        return
    if version:
        c.resp = version  # the reply below already uses the new protocol
    c.add_reply(hello_reply(c))
# --8<-- [end:hello_command]


HELLO_NOAUTH = (
    "-NOAUTH HELLO must be called with the client already authenticated, "
    "otherwise the HELLO AUTH <user> <pass> option can be used to "
    "authenticate the client and select the RESP protocol version at the "
    "same time")


def apply_hello_options(c: Client, options: list[bytes]) -> bool:
    """Handle HELLO's AUTH and SETNAME; False after replying an error."""
    i = 0
    while i < len(options):
        option, more = options[i].lower(), len(options) - i - 1
        if option == b"auth" and more >= 2:
            if not authenticate(c, options[i + 1], options[i + 2]):
                c.add_reply(resp.error(WRONGPASS))
                return False
            i += 3
        elif option == b"setname" and more >= 1:
            if not set_client_name(c, options[i + 1]):
                return False
            i += 2
        else:
            c.add_reply(resp.error(b"Syntax error in HELLO option '%s'"
                                   % resp.c_string(options[i])))
            return False
    return True


def hello_reply(c: Client) -> bytes:
    fields = [(b"server", resp.bulk(b"redis")),
              (b"version", resp.bulk(REDIS_VERSION.encode())),
              (b"proto", resp.integer(c.resp)),
              (b"id", resp.integer(c.id)),
              (b"mode", resp.bulk(b"standalone")),
              (b"role", resp.bulk(b"master")),
              (b"modules", resp.EMPTY_ARRAY)]
    return resp.map_len(len(fields), c.resp) + b"".join(
        resp.bulk(key) + value for key, value in fields)


WRONGPASS = "-WRONGPASS invalid username-password pair or user is disabled."


def authenticate(c: Client, user: bytes, password: bytes) -> bool:
    """Check a user and password. Mirrors ACLAuthenticateUser().

    Simplified: Redis has users (ACL); we only have "default", whose
    password is --requirepass (none: any password is accepted).
    """
    required = c.server.requirepass
    if user != b"default" or (required is not None and password != required):
        return False
    c.authenticated = True
    return True


@command("auth", -2, "noscript loading stale fast no_auth allow_busy",
         acl="connection", group="connection", since="1.0.0",
         synopsis="[username] password",
         summary="Authenticate this connection")
def auth_command(c: Client) -> None:
    """Mirrors authCommand() in acl.c."""
    if len(c.argv) > 3:
        c.add_reply(resp.error("syntax error"))
        return
    if len(c.argv) == 2 and c.server.requirepass is None:
        c.add_reply(resp.error(
            "AUTH <password> called without any password configured for "
            "the default user. Are you sure your configuration is correct?"))
        return
    user, password = ([b"default"] + c.argv[1:])[-2:]
    if authenticate(c, user, password):
        c.add_reply(resp.OK)
    else:
        c.add_reply(resp.error(WRONGPASS))


container("client", -2, group="connection", since="2.4.0",
          complexity="Depends on subcommand.",
          summary="Inspect or name this connection")


@command("client|id", 2, "noscript loading stale", acl="connection",
         group="connection", since="5.0.0",
         summary="The id of this connection")
def client_id_command(c: Client) -> None:
    c.add_reply(resp.integer(c.id))


@command("client|getname", 2, "noscript loading stale", acl="connection",
         group="connection", since="2.6.9",
         summary="The name of this connection, if it has one")
def client_getname_command(c: Client) -> None:
    c.add_reply(resp.bulk(c.name) if c.name else resp.null(c.resp))


@command("client|setname", 3, "noscript loading stale", acl="connection",
         group="connection", since="2.6.9", synopsis="connection-name",
         summary="Name this connection")
def client_setname_command(c: Client) -> None:
    if set_client_name(c, c.argv[2]):
        c.add_reply(resp.OK)


def set_client_name(c: Client, name: bytes) -> bool:
    """Mirrors clientSetNameOrReply(); False after replying an error."""
    if any(byte < 0x21 or byte > 0x7E for byte in name):
        c.add_reply(resp.error("Client names cannot contain spaces, "
                               "newlines or special characters."))
        return False
    c.name = name or None  # an empty name removes the name
    return True


CLIENT_HELP = (
    "CACHING (YES|NO)",
    "    Enable/disable tracking of the keys for next command in OPTIN/"
    "OPTOUT modes.",
    "GETREDIR",
    "    Return the client ID we are redirecting to when tracking is "
    "enabled.",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Unblock the specified blocked client.",
    "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
    "         [OPTIN] [OPTOUT] [NOLOOP]",
    "    Control server assisted client side caching.",
    "TRACKINGINFO",
    "    Report tracking status for the current connection.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
)


@command("client|help", 2, "loading stale", acl="connection",
         group="connection", since="5.0.0",
         summary="Show helpful text about the different subcommands")
def client_help_command(c: Client) -> None:
    """Mirrors the HELP branch of clientCommand() in networking.c: Redis's
    text as it is, subcommands we do not have included."""
    c.add_reply(resp.help_reply(c.argv[0], CLIENT_HELP))


# --8<-- [start:info_command]
@command("info", -1, "loading stale", acl="dangerous", group="server",
         since="1.0.0", synopsis="[section [section ...]]",
         complexity="O(1)", summary="Describe the server, section by section")
def info_command(c) -> None:
    """Mirrors infoCommand() and genRedisInfoString() in server.c: lines
    "field:value", under "# Section" headers, CRLF-separated, sections in
    a fixed order. No argument means the default sections; an unknown
    section gives nothing."""
    wanted = {arg.lower() for arg in c.argv[1:]} or {b"default"}
    if wanted & {b"default", b"all", b"everything"}:
        wanted = set(INFO_SECTIONS)
    sections = [section(c.server) for name, section in INFO_SECTIONS.items()
                if name in wanted]  # always in Redis's order
    c.add_reply(resp.verbatim("\r\n".join(sections).encode(), c.resp))
# --8<-- [end:info_command]


def info_section(title: str, fields: dict[str, object]) -> str:
    lines = [f"# {title}"] + [f"{k}:{v}" for k, v in fields.items()]
    return "".join(line + "\r\n" for line in lines)


def info_server(server: Server) -> str:
    uptime = int(time.time() - server.start_time)
    api = type(server.el.selector).__name__.removesuffix("Selector")
    return info_section("Server", {
        "redis_version": REDIS_VERSION, "redis_mode": "standalone",
        "os": f"{platform.system()} {platform.release()} "
              f"{platform.machine()}",
        "arch_bits": 64, "multiplexing_api": api.lower(),
        "python_version": platform.python_version(),
        "process_id": os.getpid(), "tcp_port": server.port,
        "server_time_usec": time.time_ns() // 1000,
        "uptime_in_seconds": uptime, "uptime_in_days": uptime // 86400,
        "hz": server.hz, "configured_hz": server.hz,
        "executable": os.path.abspath(sys.argv[0])})


def info_clients(server: Server) -> str:
    return info_section("Clients", {
        "connected_clients": len(server.clients),
        "maxclients": server.maxclients, "blocked_clients": 0})


def info_memory(server: Server) -> str:
    """Simplified: Redis reports what its allocator holds (used_memory);
    we can only report the process's resident size."""
    with open("/proc/self/statm") as statm:
        rss = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return info_section("Memory", {
        "used_memory_rss": rss, "used_memory_rss_human": bytes_to_human(rss)})


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
        "keyspace_misses": server.stat_keyspace_misses})


def info_keyspace(server: Server) -> str:
    return info_section("Keyspace", {
        f"db{db.id}": f"keys={len(db.dict)},expires={len(db.expires)},"
                      f"avg_ttl={db.avg_ttl}"
        for db in server.db if db.dict})


INFO_SECTIONS = {b"server": info_server, b"clients": info_clients,
                 b"memory": info_memory, b"stats": info_stats,
                 b"keyspace": info_keyspace}


container("config", -2, group="server", since="2.0.0",
          complexity="Depends on subcommand.",
          summary="Read the server's configuration")


@command("config|get", -3, "admin noscript loading stale",
         group="server", since="2.0.0", synopsis="parameter [parameter ...]",
         complexity="O(N) when N is the number of parameters",
         summary="Read configuration parameters")
def config_get_command(c: Client) -> None:
    """Mirrors configGetCommand() in config.c.

    redis-benchmark asks for "save" and "appendonly" before it starts.
    Simplified: Redis matches glob patterns; we match names exactly.
    """
    config = config_values(c.server)
    names = dict.fromkeys(n.lower() for n in c.argv[2:] if n.lower() in config)
    c.add_reply(resp.map_len(len(names), c.resp) + b"".join(
        resp.bulk(name) + resp.bulk(config[name]) for name in names))


def config_values(server: Server) -> dict[bytes, bytes]:
    """The configuration, by Redis's parameter names."""
    values = {
        "bind": server.bind, "port": server.port, "save": "",
        "appendonly": "no", "maxclients": server.maxclients,
        "databases": server.dbnum, "hz": server.hz,
        "requirepass": (server.requirepass or b"").decode(),
        "proto-max-bulk-len": server.proto_max_bulk_len,
        "client-query-buffer-limit": server.client_max_querybuf_len,
        "client-output-buffer-limit":
            f"normal {server.client_obuf_hard_limit} 0 0 "
            "slave 268435456 67108864 60 pubsub 33554432 8388608 60",
    }
    return {k.encode(): str(v).encode() for k, v in values.items()}


# --8<-- [start:init_server]
def init_server(server: Server, listener: socket.socket) -> None:
    """Create the databases and the event loop, and watch the listener.

    Mirrors initServer() in server.c.
    """
    server.db = [RedisDb(i, server) for i in range(server.dbnum)]
    listener.setblocking(False)
    server.listener = listener
    server.el = ae_create_event_loop()
    server.el.before_sleep = functools.partial(before_sleep, server)
    create_file_event(server.el, listener.fileno(), AE_READABLE,
                      accept_tcp_handler, server)
    ae_create_time_event(server.el, 1, server_cron, server)
# --8<-- [end:init_server]


# --8<-- [start:adjust_open_files_limit]
def adjust_open_files_limit(server: Server) -> None:
    """Raise the open-files limit to fit maxclients, or lower maxclients.

    Mirrors adjustOpenFilesLimit() in server.c: each client is a file
    descriptor, and the default soft limit (often 1024) is too low.
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


def memory_size(text: str) -> int:
    """Parse "512mb", "1gb", "100k" as Redis's memtoull() does."""
    units = {"": 1, "b": 1, "k": 1000, "kb": 1024, "m": 1000**2,
             "mb": 1024**2, "g": 1000**3, "gb": 1024**3}
    number = text.rstrip("bgkmBGKM")
    unit = text[len(number):].lower()
    if not number.isdigit() or unit not in units:
        raise argparse.ArgumentTypeError(f"invalid memory size: {text!r}")
    return int(number) * units[unit]


def normal_obuf_limit(text: str) -> int:
    """The hard limit of the normal class in "normal 256mb 0 0 pubsub ..."."""
    words = text.split()
    if len(words) % 4 or not words:
        raise argparse.ArgumentTypeError("expected groups of 4 words")
    limits = {words[i]: memory_size(words[i + 1])
              for i in range(0, len(words), 4)}
    if not set(limits) <= {"normal", "replica", "slave", "pubsub"}:
        raise argparse.ArgumentTypeError(f"unknown class in {text!r}")
    return limits.get("normal", 256 * 1024**2)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Flags use Redis's config names, so `redis-server` takes them too."""
    parser = argparse.ArgumentParser(description="Step 05: expiry")
    parser.add_argument("--port", type=int, default=6379)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--requirepass", default=None,
                        help="password clients must send with AUTH")
    parser.add_argument("--proto-max-bulk-len", type=memory_size,
                        default=512 * 1024**2, metavar="BYTES")
    parser.add_argument("--client-query-buffer-limit", type=memory_size,
                        default=1024**3, metavar="BYTES")
    parser.add_argument("--maxclients", type=int, default=10000)
    parser.add_argument("--databases", type=int, default=16)
    parser.add_argument("--hz", type=int, default=10,
                        help="server_cron runs this many times a second "
                             "(1 to 500)")
    parser.add_argument(
        "--client-output-buffer-limit", type=normal_obuf_limit,
        default=256 * 1024**2, metavar='"normal HARD SOFT SECONDS"',
        help="unread replies a client may pile up before it is dropped "
             "(default 256mb; Redis's default for normal clients is none)")
    parser.add_argument("--trace", action="store_true",
                        help="print one line per turn of the event loop")
    return parser.parse_args(argv)


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
    password = args.requirepass
    server = Server(args.bind, args.port,
                    password.encode() if password else None,
                    args.proto_max_bulk_len, args.client_query_buffer_limit,
                    args.maxclients, args.client_output_buffer_limit,
                    TurnTrace() if args.trace else None, args.databases,
                    min(max(args.hz, CONFIG_MIN_HZ), CONFIG_MAX_HZ))
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
        try:
            signal.signal(signal.SIGTERM, handle_shutdown_signal)
            signal.signal(signal.SIGINT, handle_shutdown_signal)
            warn_if_exposed(server)
            log.info("Ready to accept connections on %s:%d",
                     server.bind, server.port)
            ae_main(server.el)
        except ShutdownRequested as sig:
            log.info("Received %s, shutting down", sig)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
