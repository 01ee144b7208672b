"""server.py: the server, one client at a time. Redis: src/server.c main().

Accept a client, then loop: read what it sent into its query buffer, run
every complete command found there, send the replies (networking.py).
Commands are framed by the RESP parser (resp.py) and looked up in the
command table (commands.py), so malformed input gets Redis's own errors.

Here too are PING, ECHO and TIME, which Redis keeps in server.c, and
SHUTDOWN (db.c); QUIT, HELLO, AUTH and CLIENT are in networking.py.

Steps:
  01_socket  listen, accept, recv, send; one client at a time
  02_resp    query buffer, RESP framing, command table, RESP3; PING,
             ECHO, TIME, SHUTDOWN

Simplified: Redis never blocks on one client; it watches every socket at
once with an event loop (src/ae.c). Step 03 builds that loop.
"""

import argparse
import logging
import signal
import socket
import sys
import time
from dataclasses import dataclass

import resp
from commands import arity_error, command
from networking import (
    CLIENT_CLOSE_AFTER_REPLY,
    CLIENT_CLOSE_ASAP,
    Client,
    create_client,
    process_input_buffer,
    read_query_from_client,
    write_to_client,
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

    bind: str
    port: int
    requirepass: bytes | None  # None: no password (the default user is nopass)
    proto_max_bulk_len: int  # config proto-max-bulk-len
    client_max_querybuf_len: int  # config client-query-buffer-limit
    next_client_id: int = 1


# --8<-- [start:serve_client]
def serve_client(server: Server, conn: socket.socket) -> None:
    """Serve one client until it leaves or must be closed."""
    c = create_client(server, conn)
    with conn:
        while not c.flags & (CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP):
            if not read_query_from_client(c):
                return
            process_input_buffer(c)
            if c.flags & CLIENT_CLOSE_ASAP:
                return
            write_to_client(c)
# --8<-- [end:serve_client]


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


# --8<-- [start:accept_loop]
def accept_loop(server: Server, listener: socket.socket) -> None:
    """Serve clients one after another, forever."""
    while True:
        conn, (ip, port) = listener.accept()
        try:
            serve_client(server, conn)
        except OSError as err:  # e.g. the client reset mid-reply
            log.warning("Client %s:%d failed: %s", ip, port, err)
# --8<-- [end:accept_loop]


def listen_to_port(bind: str, port: int) -> socket.socket:
    """Open the listening socket. Mirrors listenToPort() in server.c."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Reuse the port at once after a restart, as anetSetReuseAddr() does.
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((bind, port))
    listener.listen(TCP_BACKLOG)
    return listener


class ShutdownRequested(BaseException):
    """Raised by the signal handler to leave the accept loop.

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
        sys.exit(0)  # exit(0), as Redis does: nothing runs after this
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


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Flags use Redis's config names, so `redis-server` takes them too."""
    parser = argparse.ArgumentParser(
        description="Step 02 (resp) of Redis, Step by Step: the RESP protocol "
                    "and the command table, one client at a time.",
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
                    args.proto_max_bulk_len, args.client_query_buffer_limit)
    try:
        listener = listen_to_port(server.bind, server.port)
    except OSError as err:
        print(f"Could not create server TCP listening socket "
              f"{server.bind}:{server.port}: {err.strerror} (is a "
              "redis-server already running? Use --port to pick another "
              "port)", file=sys.stderr)
        return 1
    with listener:
        try:
            signal.signal(signal.SIGTERM, handle_shutdown_signal)
            signal.signal(signal.SIGINT, handle_shutdown_signal)
            warn_if_exposed(server)
            log.info("Ready to accept connections on %s:%d",
                     server.bind, server.port)
            accept_loop(server, listener)
        except ShutdownRequested as sig:
            log.info("Received %s, shutting down", sig)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
