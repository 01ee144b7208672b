"""networking.py: clients, their requests, their replies. Redis: networking.c.

The path of a request, in the order it travels:
  accept_tcp_handler        the listening socket is readable: accept
  create_client             a new connection gets its buffers
  read_query_from_client    (read handler) recv() into the query buffer
  process_input_buffer      frames every complete command (resp.py)...
  process_command           ...which commands.py checks and runs
  Client.add_reply          replies collect in the client's buffer, and
                            the client joins clients_pending_write
  handle_clients_with_pending_writes   (before the loop sleeps) one send()
                            per client; only if the socket is full does
  send_reply_to_client      (write handler) finish the job later

No function here ever waits: every socket is non-blocking, and a handler
does what it can and returns to the event loop (ae.py).

The connection commands that networking.c holds live here too: QUIT,
HELLO (which chooses RESP2 or RESP3) and CLIENT; and AUTH, which Redis
keeps in acl.c, next to the HELLO that needs it.

Steps:
  02_resp       one client at a time, with blocking reads and writes;
                QUIT, HELLO, AUTH, CLIENT ID, GETNAME, SETNAME and HELP
  03_eventloop  every client at once, driven by the event loop; CLIENT
                LIST, INFO, KILL and NO-EVICT
  04_datatypes  each client works in a database (c.db)

Simplified: Redis keeps replies in a 16 KiB buffer plus a list of blocks;
one growing bytearray per client does here.
"""

import logging
import socket
import sys
import time
from dataclasses import dataclass, field

import resp
from ae import (
    AE_READABLE,
    AE_WRITABLE,
    create_file_event,
    delete_file_event,
    get_file_events,
)
from commands import command, container, process_command

# Redis keeps its version in version.h.
REDIS_VERSION = "7.0.15"  # the Redis whose behaviour we copy
PROTO_IOBUF_LEN = 16 * 1024  # Redis reads client input in 16 KiB chunks
MAX_ACCEPTS_PER_CALL = 1000  # accepts per readable event on the listener
NET_MAX_WRITES_PER_EVENT = 64 * 1024  # bytes per client per write event

CLIENT_CLOSE_AFTER_REPLY = 1 << 0  # close once the reply has been sent
CLIENT_CLOSE_ASAP = 1 << 1  # close now, sending nothing more
CLIENT_PENDING_WRITE = 1 << 2  # queued in server.clients_pending_write
CLIENT_NO_EVICT = 1 << 3  # CLIENT NO-EVICT ON

log = logging.getLogger(__name__)


@dataclass(slots=True, eq=False)
class Client:
    """One connection and its parsing state. Mirrors struct client."""

    conn: socket.socket
    fd: int
    server: object  # the Server (server.py) this client belongs to
    id: int
    authenticated: bool
    db: object  # the RedisDb (db.py) it works in; SELECT changes it
    querybuf: bytearray = field(default_factory=bytearray)  # unparsed input
    qb_pos: int = 0  # how much of querybuf has been parsed
    reqtype: int = 0  # PROTO_REQ_INLINE or _MULTIBULK, 0 between requests
    multibulklen: int = 0  # arguments still to read for this request
    bulklen: int = -1  # length of the argument being read, -1 if unknown
    argv: list[bytes] = field(default_factory=list)
    buf: bytearray = field(default_factory=bytearray)  # replies to send
    resp: int = 2  # protocol version, chosen with HELLO
    name: bytes | None = None  # CLIENT SETNAME
    cmd: object = None  # the Command running, or the last one
    # For CLIENT LIST: when the client connected, when it last sent
    # something (Redis: ctime, lastinteraction), and its "ip:port" and
    # ours, looked up the first time they are asked for.
    # Simplified: Redis also counts a reply sent as interaction; we
    # spend one clock read per recv() on it, and none per send().
    ctime: float = field(default_factory=time.monotonic)
    lastinteraction: float = field(default_factory=time.monotonic)
    peerid: str | None = None
    sockname: str | None = None
    flags: int = 0  # CLIENT_CLOSE_AFTER_REPLY | _CLOSE_ASAP | _PENDING_WRITE

    # --8<-- [start:add_reply]
    def add_reply(self, data: bytes) -> None:
        """Queue reply bytes. Mirrors addReply() in networking.c.

        Nothing is written here: the first reply of a turn puts the client
        on server.clients_pending_write (Redis: prepareClientToWrite), and
        before_sleep sends everything a client has in one send() call.
        """
        if self.flags & CLIENT_CLOSE_ASAP:
            return  # it is about to be freed: send nothing more
        if not self.buf and not self.flags & CLIENT_PENDING_WRITE:
            self.flags |= CLIENT_PENDING_WRITE
            self.server.clients_pending_write.append(self)
        self.buf += data
        limit = self.server.client_obuf_hard_limit
        if limit and len(self.buf) >= limit:
            close_on_output_buffer_limit(self)
    # --8<-- [end:add_reply]


# --8<-- [start:close_on_output_buffer_limit]
def close_on_output_buffer_limit(c: Client) -> None:
    """Drop a client whose unread replies grew too big.

    Mirrors closeClientOnOutputBufferLimitReached(). A client that sends
    commands but never reads would otherwise make the server buffer
    replies until memory runs out. Simplified: Redis also has a soft limit
    that must be exceeded for some seconds; we only have the hard one.
    """
    log.warning("Client %d scheduled to be closed ASAP for overcoming of "
                "output buffer limits (%d bytes).", c.id, len(c.buf))
    c.buf.clear()  # nothing more will be sent: give the memory back
    free_client_async(c)
# --8<-- [end:close_on_output_buffer_limit]


# --8<-- [start:accept_tcp_handler]
def accept_tcp_handler(el, fd: int, server, mask: int) -> None:
    """Accept waiting connections. Mirrors acceptTcpHandler().

    The read handler of the listening socket. It accepts up to
    MAX_ACCEPTS_PER_CALL at once, so a burst of connections takes few
    turns of the loop, but a flood cannot starve the other clients.
    """
    # BEGIN EXERCISE 03-accept
    for _ in range(MAX_ACCEPTS_PER_CALL):
        try:
            conn, _address = server.listener.accept()
        except BlockingIOError:
            return  # no more connections waiting
        except OSError as err:  # e.g. out of file descriptors
            log.warning("Accepting client connection: %s", err)
            return
        accept_common_handler(server, conn)
    # END EXERCISE 03-accept
# --8<-- [end:accept_tcp_handler]


# --8<-- [start:accept_common_handler]
def accept_common_handler(server, conn: socket.socket) -> None:
    """Admit the client, or refuse it. Mirrors acceptCommonHandler()."""
    if len(server.clients) >= server.maxclients:
        # Redis writes the error straight to the socket, best effort.
        try:
            conn.send(b"-ERR max number of clients reached\r\n")
        except OSError:
            pass
        conn.close()
        server.stat_rejected_conn += 1
        return
    server.stat_numconnections += 1
    create_client(server, conn)
# --8<-- [end:accept_common_handler]


def create_client(server, conn: socket.socket) -> Client:
    """Mirrors createClient() in networking.c."""
    conn.setblocking(False)
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    c = Client(conn, conn.fileno(), server, server.next_client_id,
               authenticated=server.requirepass is None, db=server.db[0])
    server.next_client_id += 1
    server.clients[c.id] = c
    create_file_event(server.el, c.fd, AE_READABLE, read_query_from_client, c)
    return c


# --8<-- [start:read_query_from_client]
def read_query_from_client(el, fd: int, c: Client, mask: int) -> None:
    """Read what the client sent and run it. Mirrors readQueryFromClient().

    The read handler of every client. One recv() per call: a client that
    sends a lot waits for the next turn, so all clients take turns.
    Simplified: Redis reads just the missing part of a big argument (see
    PROTO_MBULK_BIG_ARG) and frees a closing client as soon as its
    handler returns (beforeNextClient); we read 16 KiB every time, and
    free clients in before_sleep.
    """
    # BEGIN EXERCISE 03-read-query
    try:
        data = c.conn.recv(PROTO_IOBUF_LEN)
    except BlockingIOError:
        return  # woken up with nothing to read: try again next turn
    except OSError:
        free_client_async(c)  # e.g. reset by the peer
        return
    if not data:
        free_client_async(c)  # the client closed the connection
        return
    c.server.stat_net_input_bytes += len(data)
    c.lastinteraction = time.monotonic()
    c.querybuf += data
    if len(c.querybuf) > c.server.client_max_querybuf_len:
        # Redis closes without a reply here, and only logs the reason.
        log.warning("Closing client %d that reached max query buffer "
                    "length", c.id)
        free_client_async(c)
        return
    if len(c.querybuf) == len(data) and not c.reqtype and data[0] == resp.STAR:
        # Python: the usual case, the buffer holds only what was just
        # read: its whole requests run from `data`, with no copy of the
        # buffer made to split it, and the input loop sees what is left.
        del c.querybuf[:run_whole_requests(c, data)]
        if not c.querybuf:
            return
    process_input_buffer(c)
    # END EXERCISE 03-read-query
# --8<-- [end:read_query_from_client]


# --8<-- [start:process_input_buffer]
def process_input_buffer(c: Client) -> None:
    """Run every complete command in the query buffer, in order.

    Mirrors processInputBuffer() in networking.c. A request that is
    still incomplete stays in the buffer for the next read.
    """
    # BEGIN EXERCISE 02-input-loop
    while c.qb_pos < len(c.querybuf):
        if c.flags & (CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP):
            break
        if (not c.reqtype and c.querybuf[c.qb_pos] == resp.STAR
                and process_whole_requests(c)):
            continue
        if not c.reqtype:  # the first byte chooses the parser
            star = c.querybuf[c.qb_pos] == ord("*")
            c.reqtype = (resp.PROTO_REQ_MULTIBULK if star
                         else resp.PROTO_REQ_INLINE)
        try:
            if c.reqtype == resp.PROTO_REQ_MULTIBULK:
                done = resp.process_multibulk_buffer(
                    c, c.server.proto_max_bulk_len, c.authenticated)
            else:
                done = resp.process_inline_buffer(c)
        except resp.ProtocolError as err:
            # Replies to earlier commands go out first, then this error.
            c.add_reply(resp.error(err.args[0]))
            c.flags |= CLIENT_CLOSE_AFTER_REPLY
            break
        if not done:
            break  # wait for the rest of the request
        # "*0" and blank lines are skipped without a reply.
        if c.argv and not process_command(c):
            free_client_async(c)
            break
        reset_client(c)
    del c.querybuf[:c.qb_pos]  # drop what was parsed (Redis: sdsrange)
    c.qb_pos = 0
    # END EXERCISE 02-input-loop
# --8<-- [end:process_input_buffer]


# --8<-- [start:process_whole_requests]
def process_whole_requests(c: Client) -> bool:
    """Run the whole requests at the front of the query buffer; False if
    there is none (the state machine then reads the next request).

    Python: a pipeline's requests are split from the buffer all at once
    (resp.split_whole_requests), then run one by one, as Redis runs them.
    """
    unread = c.querybuf[c.qb_pos:] if c.qb_pos else c.querybuf
    taken = run_whole_requests(c, bytes(unread))
    c.qb_pos += taken
    return taken > 0


def run_whole_requests(c: Client, buf: bytes) -> int:
    """Run the whole requests at the start of `buf`; return how many
    bytes they took (0: none is whole, or buf is not multibulk)."""
    requests, size = resp.split_whole_requests(buf, c.authenticated)
    for argv in requests:
        if c.flags & (CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP):
            break  # QUIT, or an error that closes: run nothing more
        c.argv = argv
        if not process_command(c):
            free_client_async(c)
    c.argv = []
    return size
# --8<-- [end:process_whole_requests]


def reset_client(c: Client) -> None:
    """Forget the finished request. Mirrors resetClient()."""
    c.argv = []
    c.reqtype = 0
    c.multibulklen = 0
    c.bulklen = -1


# --8<-- [start:handle_clients_with_pending_writes]
def handle_clients_with_pending_writes(server) -> int:
    """Send each waiting client its replies. Mirrors the Redis function.

    Called from before_sleep, once per turn: replies computed during the
    turn go out in one send() per client, and most of the time that is
    all it takes. Only when the socket cannot take everything is a write
    handler installed, so the common case never asks epoll for EPOLLOUT.
    Returns the number of clients handled. Simplified: Redis queues a
    client at the head of the list, so the last to be served in a turn is
    the first written to; we keep arrival order.
    """
    if not server.clients_pending_write:
        return 0  # an idle turn
    # BEGIN EXERCISE 03-pending-writes
    pending, server.clients_pending_write = server.clients_pending_write, []
    for c in pending:
        c.flags &= ~CLIENT_PENDING_WRITE
        if c.flags & CLIENT_CLOSE_ASAP:
            continue  # don't write to a client that is about to be freed
        write_to_client(c, handler_installed=False)
        if c.buf and not c.flags & CLIENT_CLOSE_ASAP:
            create_file_event(server.el, c.fd, AE_WRITABLE,
                              send_reply_to_client, c)
    return len(pending)
    # END EXERCISE 03-pending-writes
# --8<-- [end:handle_clients_with_pending_writes]


def send_reply_to_client(el, fd: int, c: Client, mask: int) -> None:
    """The write handler. Mirrors sendReplyToClient()."""
    write_to_client(c, handler_installed=True)


# --8<-- [start:write_to_client]
def write_to_client(c: Client, handler_installed: bool) -> None:
    """Send what the socket takes, up to a cap. Mirrors writeToClient().

    At most NET_MAX_WRITES_PER_EVENT bytes go out per call, so a client
    fetching a huge reply cannot starve the others; the rest waits for
    the next writable event. A partial send() is normal: the sent bytes
    are dropped from the front of the buffer and the rest stays.
    Simplified: one send() per call; Redis loops its writes (its fixed
    buffer, then each block of its reply list) until the cap or EAGAIN.
    """
    # BEGIN EXERCISE 03-partial-writes
    # Python: send() reads a bytearray in place; only a buffer over the
    # cap is sliced, which copies it.
    data = (c.buf if len(c.buf) <= NET_MAX_WRITES_PER_EVENT
            else c.buf[:NET_MAX_WRITES_PER_EVENT])
    try:
        sent = c.conn.send(data)
    except BlockingIOError:
        sent = 0  # the socket's send buffer is full
    except OSError:
        free_client_async(c)  # e.g. the peer reset the connection
        return
    c.server.stat_net_output_bytes += sent
    del c.buf[:sent]
    if not c.buf:
        if handler_installed:
            delete_file_event(c.server.el, c.fd, AE_WRITABLE)
        if c.flags & CLIENT_CLOSE_AFTER_REPLY:
            free_client_async(c)
    # END EXERCISE 03-partial-writes
# --8<-- [end:write_to_client]


# --8<-- [start:free_client_async]
def free_client_async(c: Client) -> None:
    """Schedule the client to be freed. Mirrors freeClientAsync().

    Freeing happens in before_sleep, after the pending writes, so no
    handler ever finds its client gone in the middle of a turn.
    """
    if not c.flags & CLIENT_CLOSE_ASAP:
        c.flags |= CLIENT_CLOSE_ASAP
        c.server.clients_to_close.append(c)
# --8<-- [end:free_client_async]


def free_clients_in_async_free_queue(server) -> None:
    """Mirrors freeClientsInAsyncFreeQueue()."""
    for c in server.clients_to_close:
        free_client(c)
    server.clients_to_close.clear()


def free_client(c: Client) -> None:
    """Close the connection and forget the client. Mirrors freeClient()."""
    delete_file_event(c.server.el, c.fd, AE_READABLE | AE_WRITABLE)
    c.conn.close()
    del c.server.clients[c.id]


# Connection commands. Redis keeps these in networking.c.

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


# Redis keeps AUTH in acl.c; it is here with HELLO, which needs it.
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
    not have shows as Redis shows it unused: no subscriptions, no MULTI
    (-1), the default user, no tracking redirection (-1).

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
        "flags": client_flags_string(c), "db": c.db.id,
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
