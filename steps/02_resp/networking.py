"""networking.py: clients, their requests, their replies. Redis: networking.c.

The path of a request, in the order it travels:
  create_client             a new connection gets its buffers
  read_query_from_client    recv() appends to the client's query buffer
  process_input_buffer      frames every complete command (resp.py)...
  process_command           ...which commands.py checks and runs
  Client.add_reply          replies collect in the client's buffer
  write_to_client           and are sent

The connection commands that networking.c holds live here too: QUIT,
HELLO (which chooses RESP2 or RESP3) and CLIENT; and AUTH, which Redis
keeps in acl.c, next to the HELLO that needs it.

Steps:
  02_resp  one client at a time, with blocking reads and writes; QUIT,
           HELLO, AUTH, CLIENT ID, GETNAME, SETNAME and HELP

Simplified: Redis keeps replies in a 16 KiB buffer plus a list of blocks;
one growing bytearray per client does here.
"""

import logging
import socket
from dataclasses import dataclass, field

import resp
from commands import command, container, process_command

# Redis keeps its version in version.h.
REDIS_VERSION = "7.0.15"  # the Redis whose behaviour we copy
PROTO_IOBUF_LEN = 16 * 1024  # Redis reads client input in 16 KiB chunks

CLIENT_CLOSE_AFTER_REPLY = 1 << 0  # close once the reply has been sent
CLIENT_CLOSE_ASAP = 1 << 1  # close now, sending nothing more

log = logging.getLogger(__name__)


@dataclass(slots=True, eq=False)
class Client:
    """One connection and its parsing state. Mirrors struct client."""

    conn: socket.socket
    server: object  # the Server (server.py) this client belongs to
    id: int
    authenticated: bool
    querybuf: bytearray = field(default_factory=bytearray)  # unparsed input
    qb_pos: int = 0  # how much of querybuf has been parsed
    reqtype: int = 0  # PROTO_REQ_INLINE or _MULTIBULK, 0 between requests
    multibulklen: int = 0  # arguments still to read for this request
    bulklen: int = -1  # length of the argument being read, -1 if unknown
    argv: list[bytes] = field(default_factory=list)
    buf: bytearray = field(default_factory=bytearray)  # replies to send
    resp: int = 2  # protocol version, chosen with HELLO
    name: bytes | None = None  # CLIENT SETNAME
    flags: int = 0  # CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP

    def add_reply(self, data: bytes) -> None:
        """Queue reply bytes. Mirrors addReply() in networking.c."""
        self.buf += data


def create_client(server, conn: socket.socket) -> Client:
    """Mirrors createClient() in networking.c."""
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    c = Client(conn, server, server.next_client_id,
               authenticated=server.requirepass is None)
    server.next_client_id += 1
    return c


# --8<-- [start:read_query_from_client]
def read_query_from_client(c: Client) -> bool:
    """Append what the client sent to its query buffer; False to close.

    Mirrors readQueryFromClient() in networking.c, blocking.
    """
    try:
        data = c.conn.recv(PROTO_IOBUF_LEN)
    except ConnectionError:
        return False
    if not data:
        return False  # the client closed the connection
    c.querybuf += data
    if len(c.querybuf) > c.server.client_max_querybuf_len:
        # Redis closes without a reply here, and only logs the reason.
        log.warning("Closing client %d that reached max query buffer "
                    "length", c.id)
        return False
    return True
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
            c.flags |= CLIENT_CLOSE_ASAP
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
    requests, size = resp.split_whole_requests(bytes(unread),
                                               c.authenticated)
    for argv in requests:
        if c.flags & (CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP):
            break  # QUIT, or an error that closes: run nothing more
        c.argv = argv
        if not process_command(c):
            c.flags |= CLIENT_CLOSE_ASAP
    c.argv = []
    c.qb_pos += size
    return bool(requests)
# --8<-- [end:process_whole_requests]


def reset_client(c: Client) -> None:
    """Forget the finished request. Mirrors resetClient()."""
    c.argv = []
    c.reqtype = 0
    c.multibulklen = 0
    c.bulklen = -1


# --8<-- [start:write_to_client]
def write_to_client(c: Client) -> None:
    """Send every queued reply. Mirrors writeToClient(), blocking."""
    if c.buf:
        try:
            c.conn.sendall(c.buf)
        except OSError:
            c.flags |= CLIENT_CLOSE_ASAP  # the client is gone
        c.buf.clear()
# --8<-- [end:write_to_client]


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
