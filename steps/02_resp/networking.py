"""networking.py: clients, their requests, their replies. Redis: networking.c.

The path of a request, in the order it travels:
  create_client             a new connection gets its buffers
  read_query_from_client    recv() appends to the client's query buffer
  process_input_buffer      frames every complete command (resp.py)...
  process_command           ...which commands.py checks and runs
  Client.add_reply          replies collect in the client's buffer
  write_to_client           and are sent

Steps:
  02_resp  one client at a time, with blocking reads and writes

Simplified: Redis keeps replies in a 16 KiB buffer plus a list of blocks;
one growing bytearray per client does here.
"""

import logging
import socket
from dataclasses import dataclass, field

import resp
from commands import process_command

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
