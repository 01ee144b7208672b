"""server.py: a blocking accept loop. Redis: src/server.c main(), src/anet.c.

The smallest server redis-cli will talk to: open a listening TCP socket,
accept one client, answer its PINGs until it hangs up, then accept the next.

Steps:
  01_socket  listen, accept, recv, send; one client at a time

Simplified: Redis never blocks on one client; it watches every socket at
once with an event loop (src/ae.c). Step 03 builds that loop.
"""

import argparse
import logging
import signal
import socket
import sys

PROTO_IOBUF_LEN = 16 * 1024  # Redis reads client input in 16 KiB chunks
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


# --8<-- [start:listen_to_port]
def listen_to_port(bind: str, port: int) -> socket.socket:
    """Open the listening socket. Mirrors listenToPort() in server.c."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Reuse the port at once after a restart, as anetSetReuseAddr() does.
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((bind, port))
    listener.listen(TCP_BACKLOG)
    return listener
# --8<-- [end:listen_to_port]


# --8<-- [start:naive_reply]
def naive_reply(request: bytes) -> bytes:
    """Answer one request, assuming one recv() holds exactly one command.

    The words of a request are the command and its arguments; redis-cli
    sends them as RESP ("*1\\r\\n$4\\r\\nPING\\r\\n"), a person typing into
    telnet sends them inline ("PING\\r\\n"). Dropping the "*" and "$" lines
    gets the words of both. This framing is wrong in three ways that step
    02 fixes:
      - two pipelined commands in one recv() get a single reply;
      - a command split over two recv() calls gets two replies;
      - an argument that starts with "$" or "*", or holds a space or a
        newline, is cut or dropped, so the words are not the arguments.
    """
    words = [w for w in request.split() if not w.startswith((b"*", b"$"))]
    if not words:
        return b""
    name = words[0].decode(errors="replace")
    if name.lower() == "ping":
        return b"+PONG\r\n"
    # Simplified: Redis's error also quotes the first arguments (step 02).
    return f"-ERR unknown command '{name}'\r\n".encode()
# --8<-- [end:naive_reply]


# --8<-- [start:serve_client]
def serve_client(conn: socket.socket) -> None:
    """Answer one client until it disconnects."""
    # BEGIN EXERCISE 01-serve-client
    with conn:
        while True:
            try:
                request = conn.recv(PROTO_IOBUF_LEN)
            except ConnectionError:
                return  # the client vanished (reset): nothing to answer
            if not request:
                return  # recv() returns b"" once the client has hung up
            conn.sendall(naive_reply(request))
    # END EXERCISE 01-serve-client
# --8<-- [end:serve_client]


# --8<-- [start:accept_loop]
def accept_loop(listener: socket.socket) -> None:
    """Serve clients one after another, forever."""
    while True:
        conn, (ip, port) = listener.accept()
        try:
            serve_client(conn)
        except OSError as err:  # e.g. the client reset mid-reply
            log.warning("Client %s:%d failed: %s", ip, port, err)
# --8<-- [end:accept_loop]


class ShutdownRequested(BaseException):
    """Raised by the signal handler to leave the accept loop.

    A BaseException, like KeyboardInterrupt, so that no `except
    Exception` on the way (logging has one) can swallow it.
    """


def handle_shutdown_signal(signum: int, frame) -> None:
    raise ShutdownRequested(signal.Signals(signum).name)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Step 01 (socket) of Redis, Step by Step: a blocking "
                    "accept loop that answers PING.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--port", type=int, default=6379,
                        help="the TCP port to listen on")
    parser.add_argument("--bind", default="127.0.0.1",
                        help="the address to listen on; Redis binds every "
                             "interface, with protected mode on")
    return parser.parse_args(argv)


def warn_if_exposed(bind: str) -> None:
    """Say so loudly when the server is reachable from other machines."""
    if bind not in ("127.0.0.1", "::1", "localhost"):
        log.warning(
            "WARNING: listening on %s with no password: anyone who can "
            "reach this address can use the server. Redis's protected mode "
            "refuses such clients; bind to 127.0.0.1 unless you mean it.",
            bind)


def main(argv: list[str]) -> int:
    setup_logging()
    args = parse_args(argv)
    try:
        listener = listen_to_port(args.bind, args.port)
    except OSError as err:
        print(f"Could not create server TCP listening socket "
              f"{args.bind}:{args.port}: {err.strerror} (is a redis-server "
              "already running? Use --port to pick another port)",
              file=sys.stderr)
        return 1
    with listener:
        try:
            signal.signal(signal.SIGTERM, handle_shutdown_signal)
            signal.signal(signal.SIGINT, handle_shutdown_signal)
            warn_if_exposed(args.bind)
            log.info("Ready to accept connections on %s:%d",
                     args.bind, args.port)
            accept_loop(listener)
        except ShutdownRequested as sig:
            log.info("Received %s, shutting down", sig)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
