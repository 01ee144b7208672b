"""server.py: the server, every client at once. Redis: src/server.c main().

main() opens the listening socket and hands it to the event loop (ae.py),
with accept_tcp_handler as its read handler; from then on everything
happens in handlers (networking.py) and in before_sleep, which sends the
replies of each turn. Commands are framed by the RESP parser (resp.py)
and looked up in the command table (commands.py).

Here too are PING, ECHO and TIME, which Redis keeps in server.c, and
SHUTDOWN (db.c); QUIT, HELLO, AUTH and CLIENT are in networking.py.

Steps:
  01_socket     listen, accept, recv, send; one client at a time
  02_resp       query buffer, RESP framing, command table, RESP3; PING,
                ECHO, TIME, SHUTDOWN
  03_eventloop  one event loop serves every client; --trace shows it turn
"""

import argparse
import functools
import logging
import resource
import signal
import socket
import sys
import time
from dataclasses import dataclass, field

import resp
from ae import (
    AE_READABLE,
    AE_WRITABLE,
    EventLoop,
    ae_create_event_loop,
    ae_main,
    ae_stop,
    create_file_event,
    get_file_events,
)
from commands import arity_error, command, container
from networking import (
    CLIENT_CLOSE_AFTER_REPLY,
    CLIENT_CLOSE_ASAP,
    CLIENT_NO_EVICT,
    Client,
    accept_tcp_handler,
    free_client_async,
    free_clients_in_async_free_queue,
    handle_clients_with_pending_writes,
)

TCP_BACKLOG = 511  # Redis's default tcp-backlog
CONFIG_MIN_RESERVED_FDS = 32  # fds kept for the listener, logs, files

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

    bind: str
    port: int
    requirepass: bytes | None  # None: no password (the default user is nopass)
    proto_max_bulk_len: int  # config proto-max-bulk-len
    client_max_querybuf_len: int  # config client-query-buffer-limit
    maxclients: int  # config maxclients
    client_obuf_hard_limit: int  # client-output-buffer-limit, normal class
    trace: "TurnTrace | None"  # --trace: one line per turn of the loop
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


# --8<-- [start:before_sleep]
def before_sleep(server: Server, el: EventLoop) -> None:
    """Work done once per turn, before the loop sleeps again.

    Mirrors beforeSleep() in server.c (7.0 order): send the replies the
    turn produced, then free the clients that were marked for closing.
    """
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


MASK_NAMES = {1: "r", 2: "w", 3: "rw"}


def trace_turn(server: Server, el: EventLoop, flushed: int,
               closed: int) -> None:
    """Print one line: what woke the loop and what the handlers did."""
    now = (server.stat_numconnections, server.stat_net_input_bytes,
           server.stat_numcommands, server.stat_net_output_bytes)
    accepted, read, ran, wrote = (a - b for a, b in
                                  zip(now, server.trace.last, strict=True))
    server.trace.last = now
    if not el.fired and not wrote:
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
             f"closed {closed}" if closed else ""]
    print(" | ".join(p for p in parts if p), file=sys.stderr, flush=True)


# Connection commands that Redis keeps in server.c. The others (QUIT,
# HELLO, AUTH, CLIENT) are in networking.py.

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


# CLIENT LIST, INFO, KILL and NO-EVICT: now that the server holds every
# client at once, a client can see the others, and close them.

# --8<-- [start:client_list_command]
@command("client|list", -2, "admin noscript loading stale",
         acl="connection", group="connection", since="2.4.0",
         synopsis="[TYPE type] [ID client-id [client-id ...]]",
         complexity="O(N) where N is the number of client connections",
         summary="Describe every client connection, one line each")
def client_list_command(c: Client) -> None:
    """Mirrors the LIST branch of clientCommand() in networking.c: every
    client, those of one TYPE, or those with the IDs given (unknown IDs
    are skipped), in the order they connected."""
    args = c.argv[2:]
    if len(args) == 2 and args[0].lower() == b"type":
        wanted = client_type_by_name(args[1])
        if wanted is None:
            c.add_reply(resp.error(b"Unknown client type '%s'"
                                   % resp.c_string(args[1])))
            return
        clients = [cl for cl in c.server.clients.values()
                   if get_client_type(cl) == wanted]
    elif len(args) > 1 and args[0].lower() == b"id":
        ids = [resp.string2ll(arg) for arg in args[1:]]
        if None in ids:
            c.add_reply(resp.error("Invalid client ID"))
            return
        clients = [c.server.clients[i] for i in ids if i in c.server.clients]
    elif args:
        c.add_reply(resp.error("syntax error"))
        return
    else:
        clients = list(c.server.clients.values())
    lines = b"".join(cat_client_info_string(cl) + b"\n" for cl in clients)
    c.add_reply(resp.verbatim(lines, c.resp))
# --8<-- [end:client_list_command]


@command("client|info", 2, "noscript loading stale", acl="connection",
         group="connection", since="6.2.0",
         summary="Describe this connection, as CLIENT LIST would")
def client_info_command(c: Client) -> None:
    c.add_reply(resp.verbatim(cat_client_info_string(c) + b"\n", c.resp))


# --8<-- [start:cat_client_info_string]
def cat_client_info_string(c: Client) -> bytes:
    """One line of CLIENT LIST: Redis 7.0.15's fields, in its order.

    Mirrors catClientInfoString() in networking.c. What this step does
    not have shows as Redis shows it unused: database 0 (there is no
    SELECT yet), no subscriptions, no MULTI (-1), the default user, no
    tracking redirection (-1).

    Simplified: the memory fields describe our two bytearrays. qbuf-free
    and rbs are what CPython has allocated for the query and the reply
    buffer, beyond the bytes in use and in all; rbp, obl and omem are
    all the bytes waiting to be sent (Redis: the recent peak of its
    16 KiB reply buffer, the bytes in that buffer, the memory of the
    list of blocks beyond it); oll is 0, as we have no such list;
    tot-mem adds up the sizes of the client's Python objects.
    """
    now = time.monotonic()
    waiting = len(c.buf)
    fields = {
        "id": c.id, "addr": get_client_peer_id(c),
        "laddr": get_client_sockname(c), "fd": c.fd,
        "name": (c.name or b"").decode(),
        "age": int(now - c.ctime), "idle": int(now - c.lastinteraction),
        "flags": client_flags_string(c), "db": 0,
        "sub": 0, "psub": 0, "ssub": 0, "multi": -1,
        "qbuf": len(c.querybuf),
        "qbuf-free": allocated(c.querybuf) - len(c.querybuf),
        "argv-mem": sum(map(len, c.argv)), "multi-mem": 0,
        "rbs": allocated(c.buf), "rbp": waiting, "obl": waiting,
        "oll": 0, "omem": waiting, "tot-mem": client_memory(c),
        "events": client_events_string(c),
        "cmd": c.cmd.fullname if c.cmd else "NULL",
        "user": "default", "redir": -1, "resp": c.resp,
    }
    return " ".join(f"{k}={v}" for k, v in fields.items()).encode()
# --8<-- [end:cat_client_info_string]


def get_client_peer_id(c: Client) -> str:
    """The client's "ip:port". Mirrors getClientPeerId(): found once."""
    if c.peerid is None:
        c.peerid = format_fd_addr(c.conn.getpeername)
    return c.peerid


def get_client_sockname(c: Client) -> str:
    """Our "ip:port" for it. Mirrors getClientSockname(): found once."""
    if c.sockname is None:
        c.sockname = format_fd_addr(c.conn.getsockname)
    return c.sockname


def format_fd_addr(get_name) -> str:
    """Mirrors anetFormatFdAddr(): "ip:port", "[ip6]:port", or "?:0"
    when the socket cannot say (the peer has reset it, say)."""
    try:
        ip, port = get_name()[:2]
    except OSError:
        ip, port = "?", 0
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


# CLIENT LIST's flags: a letter per flag we have, in Redis's order.
FLAG_LETTERS = ((CLIENT_CLOSE_AFTER_REPLY, "c"), (CLIENT_CLOSE_ASAP, "A"),
                (CLIENT_NO_EVICT, "e"))


def client_flags_string(c: Client) -> str:
    return "".join(letter for flag, letter in FLAG_LETTERS
                   if c.flags & flag) or "N"


def client_events_string(c: Client) -> str:
    """"r", "rw" or "w": the file events the loop watches for it."""
    mask = get_file_events(c.server.el, c.fd)
    return ("r" if mask & AE_READABLE else "") + (
        "w" if mask & AE_WRITABLE else "")


EMPTY_BYTEARRAY_SIZE = bytearray().__sizeof__()


def allocated(buf: bytearray) -> int:
    """How many bytes `buf` holds before it must grow: what CPython
    allocated for it, less the NUL it keeps after the last byte."""
    return max(buf.__sizeof__() - EMPTY_BYTEARRAY_SIZE - 1, 0)


def client_memory(c: Client) -> int:
    return (sys.getsizeof(c) + c.querybuf.__sizeof__() + c.buf.__sizeof__()
            + sys.getsizeof(c.argv) + sum(map(sys.getsizeof, c.argv)))


# Redis's client types, by the names CLIENT LIST and KILL take.
CLIENT_TYPES = {b"normal": "normal", b"slave": "slave",
                b"replica": "slave", b"pubsub": "pubsub",
                b"master": "master"}


def client_type_by_name(name: bytes) -> str | None:
    """Mirrors getClientTypeByName(); None for an unknown name."""
    return CLIENT_TYPES.get(resp.c_string(name).lower())


def get_client_type(c: Client) -> str:
    """Mirrors getClientType().

    Simplified: we have no replicas, no master and no pub/sub yet, so
    every client is a normal one.
    """
    return "normal"


# --8<-- [start:client_kill_command]
@command("client|kill", -3, "admin noscript loading stale",
         acl="connection", group="connection", since="2.4.0",
         synopsis="[ip:port] [ID client-id] [TYPE type] [USER username] "
                  "[ADDR ip:port] [LADDR ip:port] [SKIPME yes/no]",
         complexity="O(N) where N is the number of client connections",
         summary="Close the connections of the clients given")
def client_kill_command(c: Client) -> None:
    """Mirrors the KILL branch of clientCommand() in networking.c.

    The old form, CLIENT KILL ip:port, replies OK (or "No such client")
    and may close the caller itself. The new form takes filters, each of
    which a client must match, skips the caller unless told SKIPME no,
    and replies with the number of clients killed. The caller, if
    killed, is closed only once its reply is sent.

    Simplified: Redis frees a killed client at once; we free it with the
    others at the end of the turn (free_client_async), and until then a
    client that is being closed is not killed twice.
    """
    old_form = len(c.argv) == 3
    if old_form:
        wanted = KillFilter(addr=resp.c_string(c.argv[2]), skipme=False)
    else:
        wanted = parse_kill_filter(c, c.argv[2:])
        if wanted is None:
            return  # the error is already replied
    killed = [cl for cl in c.server.clients.values()
              if kill_filter_matches(wanted, cl, c)]
    for victim in killed:
        if victim is not c:
            free_client_async(victim)
    if old_form:
        c.add_reply(resp.OK if killed else resp.error("No such client"))
    else:
        c.add_reply(resp.integer(len(killed)))
    if c in killed:
        c.flags |= CLIENT_CLOSE_AFTER_REPLY
# --8<-- [end:client_kill_command]


@dataclass(slots=True)
class KillFilter:
    """What CLIENT KILL asks for; None matches any client."""

    id: int | None = None
    type: str | None = None
    addr: bytes | None = None  # the client's "ip:port"
    laddr: bytes | None = None  # our "ip:port" it connected to
    skipme: bool = True  # spare the client that sent CLIENT KILL


def parse_kill_filter(c: Client, options: list[bytes]) -> KillFilter | None:
    """Read CLIENT KILL's <option> <value> pairs; None after replying
    the first error."""
    wanted = KillFilter()
    for i in range(0, len(options), 2):
        if i + 1 == len(options):
            error = "syntax error"  # an option without its value
        else:
            error = set_kill_option(wanted, resp.c_string(options[i]).lower(),
                                    options[i + 1])
        if error:
            c.add_reply(resp.error(error))
            return None
    return wanted


def set_kill_option(wanted: KillFilter, option: bytes,
                    value: bytes) -> str | bytes | None:
    """Set the filter `option` names; return the error, if any."""
    if option == b"id":
        wanted.id = resp.string2ll(value)
        if wanted.id is None or wanted.id < 1:
            return "client-id should be greater than 0"
    elif option == b"type":
        wanted.type = client_type_by_name(value)
        if wanted.type is None:
            return b"Unknown client type '%s'" % resp.c_string(value)
    elif option == b"addr":
        wanted.addr = resp.c_string(value)
    elif option == b"laddr":
        wanted.laddr = resp.c_string(value)
    elif option == b"user":
        if value != b"default":  # our only user, so every client's
            return b"No such user '%s'" % resp.c_string(value)
    elif option == b"skipme" and resp.c_string(value).lower() in (
            b"yes", b"no"):
        wanted.skipme = resp.c_string(value).lower() == b"yes"
    else:
        return "syntax error"
    return None


def kill_filter_matches(wanted: KillFilter, cl: Client,
                        caller: Client) -> bool:
    return ((wanted.addr is None
             or get_client_peer_id(cl).encode() == wanted.addr)
            and (wanted.laddr is None
                 or get_client_sockname(cl).encode() == wanted.laddr)
            and (wanted.type is None or get_client_type(cl) == wanted.type)
            and (wanted.id is None or cl.id == wanted.id)
            and not (cl is caller and wanted.skipme)
            and not cl.flags & CLIENT_CLOSE_ASAP)


@command("client|no-evict", 3, "admin noscript loading stale",
         acl="connection", group="connection", since="7.0.0",
         synopsis="enabled",
         summary="Protect this connection from client eviction, or not")
def client_no_evict_command(c: Client) -> None:
    """Mirrors the NO-EVICT branch of clientCommand().

    Simplified: Redis evicts clients when together they use more than
    maxmemory-clients; we never do, so the flag only shows in CLIENT LIST
    (flags=e).
    """
    mode = resp.c_string(c.argv[2]).lower()
    if mode == b"on":
        c.flags |= CLIENT_NO_EVICT
    elif mode == b"off":
        c.flags &= ~CLIENT_NO_EVICT
    else:
        c.add_reply(resp.error("syntax error"))
        return
    c.add_reply(resp.OK)


container("config", -2, group="server", since="2.0.0",
          complexity="Depends on subcommand.",
          summary="Read the server's configuration")


@command("config|get", -3, "admin noscript loading stale",
         group="server", since="2.0.0", synopsis="parameter [parameter ...]",
         complexity="O(N) when N is the number of parameters",
         summary="Read configuration parameters")
def config_get_command(c: Client) -> None:
    """Mirrors configGetCommand() in config.c: each parameter asked for,
    and its value. A name is found in any case and the reply spells it as
    the client did; a parameter named twice comes once; an unknown one
    is left out. redis-benchmark asks for "save" and "appendonly".

    Redis gathers the parameters in a hash table, so their order in the
    reply is no order at all (it changes from one start to the next);
    ours is the order they were asked for in.

    Simplified: Redis also takes glob patterns ("*max*"); step 04 adds
    them, with the matcher of KEYS.
    """
    config = config_values(c.server)
    found: dict[bytes, bytes] = {}  # lower-case name -> name as sent
    for name in c.argv[2:]:
        if name.lower() in config:
            found.setdefault(name.lower(), name)
    c.add_reply(resp.map_len(len(found), c.resp) + b"".join(
        resp.bulk(name) + resp.bulk(config[key])
        for key, name in found.items()))


def config_values(server: Server) -> dict[bytes, bytes]:
    """The configuration, by Redis's parameter names."""
    values = {
        "bind": server.bind, "port": server.port, "save": "",
        "appendonly": "no", "maxclients": server.maxclients,
        "requirepass": (server.requirepass or b"").decode(),
        "proto-max-bulk-len": server.proto_max_bulk_len,
        "client-query-buffer-limit": server.client_max_querybuf_len,
        "client-output-buffer-limit":
            f"normal {server.client_obuf_hard_limit} 0 0 "
            "slave 268435456 67108864 60 pubsub 33554432 8388608 60",
    }
    return {k.encode(): str(v).encode() for k, v in values.items()}


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
    """Mirrors configHelpCommand() in config.c: Redis's text as it is,
    SET, RESETSTAT and REWRITE included, which we do not have."""
    c.add_reply(resp.help_reply(c.argv[0], CONFIG_HELP))


# --8<-- [start:init_server]
def init_server(server: Server, listener: socket.socket) -> None:
    """Create the event loop and watch the listener. Mirrors initServer()."""
    listener.setblocking(False)
    server.listener = listener
    server.el = ae_create_event_loop()
    server.el.before_sleep = functools.partial(before_sleep, server)
    create_file_event(server.el, listener.fileno(), AE_READABLE,
                      accept_tcp_handler, server)
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
    if prepare_for_shutdown(c.server, flags):
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


def finish_shutdown(server: Server, flags: int) -> bool:
    """The last step before exit. Mirrors finishShutdown() in server.c.

    Simplified: nothing is saved, SAVE or not: until step 10 the data
    lives in memory only, and step 10 writes the RDB file here (so FORCE,
    which lets the shutdown go on after a failed save, changes nothing
    yet). Redis also stops its child processes, fsyncs the AOF and
    removes its pid file; the listening socket closes as main() returns.
    """
    log.warning("Redis is now ready to exit, bye bye...")
    return True


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
    parser = argparse.ArgumentParser(
        description="Step 03 (eventloop) of Redis, Step by Step: one event "
                    "loop serves every client.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--port", type=int, default=6379,
                        help="the TCP port to listen on")
    parser.add_argument("--bind", default="127.0.0.1",
                        help="the address to listen on; Redis binds every "
                             "interface, with protected mode on")
    parser.add_argument("--requirepass", default=None,
                        help="the password clients must send with AUTH; "
                             "None: no password")
    parser.add_argument("--proto-max-bulk-len", type=memory_size,
                        default="512mb", metavar="BYTES",
                        help="the longest bulk string a client may send")
    parser.add_argument("--client-query-buffer-limit", type=memory_size,
                        default="1gb", metavar="BYTES",
                        help="the most unparsed input a client may have; "
                             "past it the client is dropped")
    parser.add_argument("--dir", default=".",
                        help="where Redis writes its dump file; accepted "
                             "for redis-server's sake, unused until step 10")
    parser.add_argument("--maxclients", type=int, default=10000,
                        help="the most clients connected at once")
    parser.add_argument(
        "--client-output-buffer-limit", type=normal_obuf_limit,
        default="normal 256mb 0 0", metavar='"normal HARD SOFT SECONDS"',
        help="unread replies a client may pile up before it is dropped "
             "(Redis's default for normal clients is no limit)")
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
                    TurnTrace() if args.trace else None)
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
