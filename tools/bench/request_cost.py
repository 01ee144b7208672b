"""request_cost.py: the Python one request costs a step, without the kernel.

    python tools/bench/request_cost.py steps/05_expiry GET key
    python tools/bench/request_cost.py steps/03_eventloop PING --pipeline 16
    python tools/bench/request_cost.py steps/06_encodings GET key --setup "SET key abc"
    python tools/bench/request_cost.py steps/03_eventloop PING --inline

redis-benchmark's CPU per request counts the kernel's work too (recv(),
send(), epoll_wait()), which is the same for every server and moves by 10 %
from run to run on a shared machine. This counts only the step's Python: it
sets the step's server up in this process, as its main() does, gives one
client a connection that never blocks (recv() hands back the same request
bytes every time, send() takes everything), and times the client's share
of a turn: its read handler, which parses and runs the requests, then the
flush of its replies, with the garbage collector on as in a server. The
figure is the best of five timeit runs, per request; it repeats to about
3 %, where redis-benchmark's CPU per request moves by 10 %. --setup runs
requests once first, from a client of their own (the key a GET reads), and
the first reply to the timed request is shown, so that a GET that finds
nothing is not taken for one that does. --inline sends the request as
an inline line ("PING\r\n", as redis-benchmark's PING_INLINE), not as a
multibulk.

It is what the performance appendix measures each change with; redis-
benchmark (`make bench`) still says what a change buys a real client.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import logging
import os
import socket
import sys
import tempfile
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tools/: bench
from bench.wire import encode  # noqa: E402


class Connection:
    """A client socket that never blocks: each recv() returns `request`,
    each send() takes all it is given. fileno() is a real socket's, since
    the event loop registers it with epoll."""

    def __init__(self, request: bytes) -> None:
        self.request = request
        self.sock, self.peer = socket.socketpair()
        self.first_reply = None

    def recv(self, _size: int) -> bytes:
        return self.request

    def send(self, data) -> int:
        return len(data)

    def send_and_keep(self, data) -> int:
        """send() in the untimed first turn: keeps what it was given."""
        if self.first_reply is None:
            self.first_reply = bytes(data)
        return len(data)

    def close(self) -> None:
        self.sock.close()
        self.peer.close()

    def fileno(self) -> int:
        return self.sock.fileno()

    def setblocking(self, _flag: bool) -> None:
        pass

    def setsockopt(self, *_args) -> None:
        pass


def load_step(step: Path):
    """The step's modules, and its event loop and Server as main() built
    them: main() is run with ae_main() replaced by a function that keeps
    the loop and returns, so nothing waits for a client."""
    sys.path.insert(0, str(step.resolve()))
    server_module = importlib.import_module("server")
    loops = []
    server_module.ae_main = loops.append
    with socket.socket() as probe:  # a free port for the listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    logging.disable(logging.WARNING)  # the step's start-up log lines
    server_module.main(["--port", str(port)])
    logging.disable(logging.NOTSET)
    el = loops[0]
    server = el.before_sleep.args[0]  # init_server(): partial(before_sleep, server)
    return importlib.import_module("ae"), importlib.import_module("networking"), el, server


def request_cost(step: Path, request: bytes, pipeline: int, number: int,
                 setup: list[bytes] = ()) -> tuple[float, bytes]:
    """Nanoseconds of Python per request, the best of five timeit runs,
    and the first reply to it."""
    # The connections first: main() closes its listener when it returns,
    # leaving it registered, and a socket opened later could reuse its fd.
    conn = Connection(request * pipeline)
    setup_conns = [Connection(one) for one in setup]
    ae, networking, el, server = load_step(step)

    def first_turn(client) -> bytes | None:
        """One untimed turn of `client`; what it was sent (None: nothing)."""
        client.conn.send = client.conn.send_and_keep
        ae.process_file_event(el, client.fd, ae.AE_READABLE)
        networking.handle_clients_with_pending_writes(server)
        del client.conn.send  # the timed turns send through the plain send()
        return client.conn.first_reply

    for setup_conn in setup_conns:
        setup_client = networking.create_client(server, setup_conn)
        reply = first_turn(setup_client)
        if not reply or reply[:1] == b"-":
            raise SystemExit(f"{step.name} answered {reply!r} "
                             f"to the setup request {setup_conn.request!r}")
        networking.free_client(setup_client)
    client = networking.create_client(server, conn)
    if first_turn(client) is None:
        raise SystemExit(f"{step.name} sent no reply to {request!r}")
    fd = client.fd

    def one_turn() -> None:
        ae.process_file_event(el, fd, ae.AE_READABLE)
        networking.handle_clients_with_pending_writes(server)
    # timeit turns the garbage collector off; a server runs with it on,
    # and each request's objects bring its next pass closer.
    best = min(timeit.repeat(one_turn, setup=gc.enable, number=number, repeat=5))
    return best / number / pipeline * 1e9, conn.first_reply


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", type=Path, help="a step folder, 03 or later")
    parser.add_argument("command", nargs="+", help="the request, e.g. GET key")
    parser.add_argument("--pipeline", type=int, default=1,
                        help="requests per read (default 1)")
    parser.add_argument("--number", type=int, default=20_000,
                        help="turns per timeit run (default 20,000)")
    parser.add_argument("--setup", action="append", default=[], metavar="REQUEST",
                        help='a request run once before, e.g. "SET key abc" '
                             "(split at spaces; may be repeated)")
    parser.add_argument("--inline", action="store_true",
                        help="send the request as an inline line, not a multibulk")
    args = parser.parse_args(argv)
    step = args.step.resolve()
    if not (step / "ae.py").exists():
        parser.error(f"{args.step} has no event loop (ae.py): steps 03 and later")
    with tempfile.TemporaryDirectory() as scratch:
        os.chdir(scratch)  # a step that saves or loads files does it here
        setup = [encode(*one.split()) for one in args.setup]
        request = (" ".join(args.command).encode() + b"\r\n" if args.inline
                   else encode(*args.command))
        ns, reply = request_cost(step, request, args.pipeline, args.number, setup)
    print(f"the first turn's replies: {reply[:60]!r}")
    form = " inline" if args.inline else ""
    print(f"{step.name} {' '.join(args.command)}{form} (pipeline {args.pipeline}): "
          f"{ns / 1000:.2f} µs of Python per request")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
