"""resp.py: the Redis protocol (RESP). Redis: src/networking.c, src/sds.c.

Requests come in two forms. A multibulk request is an array of binary-safe
strings ("*2\\r\\n$4\\r\\nECHO\\r\\n$2\\r\\nhi\\r\\n"); an inline request is a
line of words, for people typing into telnet ("ECHO hi\\r\\n"). The parser is
incremental: it is fed whatever recv() returned, keeps its place in the
client's query buffer, and says when a whole command is ready.

Replies are built by small encoders that return bytes. RESP2 has five
types; RESP3 (chosen with HELLO 3) adds maps, sets, doubles and a real null.

Steps:
  02_resp       request parser, protocol errors, RESP2 and RESP3 encoders
  03_eventloop  verbatim strings (CLIENT LIST)
  04_datatypes  doubles

Simplified: Redis parses straight into robj string objects and keeps big
arguments in place to avoid a copy (PROTO_MBULK_BIG_ARG); we slice bytes.
"""

import math
import re

PROTO_INLINE_MAX_SIZE = 64 * 1024  # longest inline request or count line
PROTO_REQ_INLINE = 1
PROTO_REQ_MULTIBULK = 2
LONG_STR_SIZE = 21  # string2ll() refuses strings this long or longer
INT_MAX = 2**31 - 1
LLONG_MIN, LLONG_MAX = -(2**63), 2**63 - 1
AUTH_MAX_MULTIBULK = 10  # limits for clients that have not authenticated
AUTH_MAX_BULK = 16384

CRLF = b"\r\n"
OK = b"+OK\r\n"
PONG = b"+PONG\r\n"
EMPTY_ARRAY = b"*0\r\n"


class ProtocolError(Exception):
    """Bytes that are not RESP: reply with the message, then close."""


# --8<-- [start:string2ll]
def string2ll(s: bytes) -> int | None:
    """Parse a strict decimal integer; None if `s` is not one.

    Mirrors string2ll() in util.c: the number must be written the one
    canonical way (no "+", no leading zeros, no "-0", no spaces) and fit
    a signed 64-bit long. Python's int() is looser (" +01_0" is 10), so
    its result is printed back and compared.
    """
    if len(s) >= LONG_STR_SIZE:
        return None
    try:
        value = int(s)
    except ValueError:
        return None
    if b"%d" % value != s or not LLONG_MIN <= value <= LLONG_MAX:
        return None
    return value
# --8<-- [end:string2ll]


def c_string(arg: bytes) -> bytes:
    """Cut `arg` at its first NUL byte, as C's "%s" does in messages."""
    return arg.split(b"\0", 1)[0]


def find_line_end(buf: bytearray, char: bytes, start: int) -> int:
    """Find `char` from `start`, or -1; a NUL byte before it hides it.

    Redis searches with strchr(), which stops at the first NUL byte, so a
    NUL before the line end reads as "no line yet".
    """
    found = buf.find(char, start)
    if found >= 0 and buf.find(b"\0", start, found) >= 0:
        return -1
    return found


# --8<-- [start:process_inline_buffer]
def process_inline_buffer(c) -> bool:
    """Parse one inline request into c.argv; True when a line was consumed.

    Mirrors processInlineBuffer() in networking.c. The line ends at "\\n"
    (a "\\r" before it is dropped) and is split into words the way
    redis-cli's own input is, by sdssplitargs().
    """
    # BEGIN EXERCISE 02-inline
    newline = find_line_end(c.querybuf, b"\n", c.qb_pos)
    if newline < 0:
        if len(c.querybuf) - c.qb_pos > PROTO_INLINE_MAX_SIZE:
            raise ProtocolError("Protocol error: too big inline request")
        return False
    line_end = newline
    if line_end > c.qb_pos and c.querybuf[line_end - 1] == 0x0D:  # "\r"
        line_end -= 1
    argv = sdssplitargs(bytes(c.querybuf[c.qb_pos:line_end]))
    if argv is None:
        raise ProtocolError("Protocol error: unbalanced quotes in request")
    c.qb_pos = newline + 1
    c.argv = argv
    return True
    # END EXERCISE 02-inline
# --8<-- [end:process_inline_buffer]


# --8<-- [start:sdssplitargs]
def sdssplitargs(line: bytes) -> list[bytes] | None:
    """Split an inline request into arguments; None for unbalanced quotes.

    Mirrors sdssplitargs() in sds.c: words are separated by whitespace,
    "double quotes" understand \\n \\r \\t \\b \\a \\xHH and \\<any>,
    'single quotes' only \\', and a closing quote must be followed by a
    space or the end of the line.
    """
    if not NEEDS_SCANNING.search(line):
        return line.split()  # the common case, with no per-byte work
    args, pos = [], 0
    while True:
        while pos < len(line) and line[pos] in WHITESPACE:
            pos += 1
        if pos == len(line):
            return args
        arg, pos = split_one_arg(line, pos)
        if arg is None:
            return None
        args.append(arg)
# --8<-- [end:sdssplitargs]


WHITESPACE = b" \t\n\r\v\f"  # C's isspace(): skipped between words
# Python: what split() alone would get wrong: quotes, and the two spaces
# that do not end a word. One search for all four costs 0.1 us, where
# `b'"' in line` first tries the byte as an int and pays for the error.
NEEDS_SCANNING = re.compile(rb"[\"'\v\f]")
WORD_END = b" \t\n\r"  # but only these end an unquoted word
ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t",
           ord("b"): b"\b", ord("a"): b"\a"}
HEX_DIGITS = b"0123456789abcdefABCDEF"


def split_one_arg(line: bytes, pos: int) -> tuple[bytes | None, int]:
    """Read one word starting at `pos`; return it and where the next begins."""
    out = bytearray()
    quote = None  # the quote character we are inside, if any
    while True:
        ch = line[pos] if pos < len(line) else None
        if quote is None:
            if ch is None or ch in WORD_END:
                return bytes(out), pos
            if ch in b"\"'":
                quote = ch
            else:
                out.append(ch)
            pos += 1
            continue
        if ch is None:
            return None, pos  # unterminated quotes
        if ch == quote:
            after = line[pos + 1] if pos + 1 < len(line) else None
            if after is not None and after not in WHITESPACE:
                return None, pos  # closing quote glued to more text
            return bytes(out), pos + 1
        escaped, pos = read_quoted_char(line, pos, quote)
        out += escaped


def read_quoted_char(line: bytes, pos: int, quote: int) -> tuple[bytes, int]:
    """Read one (possibly escaped) character inside quotes."""
    nxt = line[pos + 1:pos + 2]
    if line[pos] != 0x5C or not nxt:  # not a backslash, or one at the end
        return line[pos:pos + 1], pos + 1
    if quote == 0x27:  # single quotes: only \' is an escape
        if nxt == b"'":
            return b"'", pos + 2
        return b"\\", pos + 1
    hex_pair = line[pos + 2:pos + 4]
    if nxt == b"x" and len(hex_pair) == 2 and all(
            h in HEX_DIGITS for h in hex_pair):
        return bytes([int(hex_pair, 16)]), pos + 4
    return ESCAPES.get(nxt[0], nxt), pos + 2


# --8<-- [start:process_multibulk_buffer]
def process_multibulk_buffer(c, max_bulk_len: int, authed: bool) -> bool:
    """Parse one multibulk request into c.argv; True when it is complete.

    Mirrors processMultibulkBuffer() in networking.c. The state that lets
    parsing resume after a partial read lives in the client, as in Redis:
    c.multibulklen is how many arguments are still missing, c.bulklen the
    length of the one being read (-1 until its "$<len>" line arrives).
    A "*0" or "*-1" request is complete with no arguments.
    """
    if c.multibulklen == 0:
        count = read_length_line(c, STAR, INT_MAX, authed)
        if count is None:
            return False
        if count <= 0:
            return True
        c.multibulklen = count
    buf = c.querybuf
    while c.multibulklen:
        if c.bulklen == -1:
            length = read_length_line(c, DOLLAR, max_bulk_len, authed)
            if length is None:
                return False
            c.bulklen = length
        # BEGIN EXERCISE 02-bulk-payload
        end = c.qb_pos + c.bulklen
        if len(buf) < end + 2:
            return False  # wait for the payload and the two bytes after it
        c.argv.append(bytes(buf[c.qb_pos:end]))
        c.qb_pos = end + 2  # Redis skips these two bytes without a look
        c.bulklen = -1
        c.multibulklen -= 1
        # END EXERCISE 02-bulk-payload
    return True
# --8<-- [end:process_multibulk_buffer]


# --8<-- [start:split_whole_requests]
def split_whole_requests(buf: bytes,
                         authed: bool) -> tuple[list[list[bytes]], int]:
    """The arguments of the whole requests at the start of `buf`, and how
    many bytes they take.

    Python: the fast path for pipelines. One split() finds every line in
    C, as Redis finds each with memchr(), and a request whose headers all
    appear in REQUEST_HEADERS, with payloads of the declared lengths, is
    whole and well-formed. The first request that is not (a payload that
    holds "\r\n", a big or odd number, one not all there yet) stops the
    batch, and the state machine reads it by Redis's rules.
    """
    pieces = buf.split(b"\r\n")
    last = len(pieces) - 1  # what follows the last "\r\n" is never whole
    requests, i = [], 0
    while i < last:
        count = MULTIBULK_HEADERS.get(pieces[i])
        # Its last payload, pieces[i + 2 * count], needs its "\r\n" too.
        if count is None or i + 2 * count >= last or (
                count > AUTH_MAX_MULTIBULK and not authed):
            break
        end = i + 1 + 2 * count
        argv = pieces[i + 2:end:2]  # each payload follows its "$<len>"
        j = i + 1
        for arg in argv:
            if BULK_HEADERS.get(pieces[j]) != len(arg):
                break
            j += 2
        else:
            requests.append(argv)
            i = end
            continue
        break
    if i == last:  # all taken, but for what follows the last "\r\n"
        return requests, len(buf) - len(pieces[last])
    rest = pieces[i:]  # the bytes not taken: these, with their "\r\n"s
    return requests, len(buf) - sum(map(len, rest)) - 2 * (len(rest) - 1)
# --8<-- [end:split_whole_requests]


# Python: the headers the fast path knows, by dict lookup: every count up
# to 1023 and length up to 1023, written the one way Redis accepts. Redis
# keeps shared objects for the small ones it sends (OBJ_SHARED_BULKHDR_LEN).
MULTIBULK_HEADERS = {b"*%d" % n: n for n in range(1, 1024)}
BULK_HEADERS = {b"$%d" % n: n for n in range(1024)}
STAR, DOLLAR = ord("*"), ord("$")
# A whole, well-formed length line: the prefix, digits written the one
# canonical way, "\r" and the byte after it (Redis doesn't check it's "\n").
LENGTH_LINE = {STAR: re.compile(rb"\*(0|[1-9][0-9]{0,17})\r.", re.DOTALL),
               DOLLAR: re.compile(rb"\$(0|[1-9][0-9]{0,17})\r.", re.DOTALL)}


# --8<-- [start:read_length_line]
def read_length_line(c, prefix: int, limit: int, authed: bool) -> int | None:
    """Read a "*<count>" or "$<len>" line at c.qb_pos; None if incomplete.

    This is the parser's hottest spot, so the usual case, a well-formed
    line within the limits, is recognised by one regular expression.
    Anything else goes through parse_length_line(), which applies Redis's
    rules one by one and tells "wait for more" from a protocol error.
    """
    match = LENGTH_LINE[prefix].match(c.querybuf, c.qb_pos)
    if match:
        value = int(match[1])
        if value <= limit and (authed or value <= unauthed_limit(prefix)):
            c.qb_pos = match.end()
            return value
    return parse_length_line(c, prefix, limit, authed)
# --8<-- [end:read_length_line]


def unauthed_limit(prefix: int) -> int:
    return AUTH_MAX_MULTIBULK if prefix == STAR else AUTH_MAX_BULK


# --8<-- [start:parse_length_line]
def parse_length_line(c, prefix: int, limit: int,
                      authed: bool) -> int | None:
    """Read a length line by Redis's rules; None if it is incomplete.

    Raises ProtocolError with Redis's message for a line that is too long,
    starts with the wrong byte, or holds a bad or out-of-limit number.
    """
    # BEGIN EXERCISE 02-length-line
    buf, pos = c.querybuf, c.qb_pos
    what = "mbulk count" if prefix == STAR else "bulk count"
    newline = find_line_end(buf, b"\r", pos)
    if newline < 0:
        if len(buf) - pos > PROTO_INLINE_MAX_SIZE:
            raise ProtocolError(f"Protocol error: too big {what} string")
        return None
    if newline + 1 >= len(buf):
        return None  # the byte after "\r" (not checked to be "\n") is due
    if buf[pos] != prefix:  # only for "$": a "*" is what chose this parser
        got = bytes(buf[pos:pos + 1])
        raise ProtocolError(b"Protocol error: expected '$', got '%s'" % got)
    value = string2ll(bytes(buf[pos + 1:newline]))
    if prefix == STAR:
        check_multibulk_count(value, authed)
    else:
        check_bulk_length(value, authed, limit)
    c.qb_pos = newline + 2
    return value
    # END EXERCISE 02-length-line
# --8<-- [end:parse_length_line]


def check_multibulk_count(count: int | None, authed: bool) -> None:
    if count is None or count > INT_MAX:
        raise ProtocolError("Protocol error: invalid multibulk length")
    if count > AUTH_MAX_MULTIBULK and not authed:
        raise ProtocolError("Protocol error: unauthenticated multibulk length")


def check_bulk_length(length: int | None, authed: bool, limit: int) -> None:
    if length is None or length < 0 or length > limit:
        raise ProtocolError("Protocol error: invalid bulk length")
    if length > AUTH_MAX_BULK and not authed:
        raise ProtocolError("Protocol error: unauthenticated bulk length")


# Redis makes the headers of short bulk strings once, at start-up
# (createSharedObjects()), and a reply reuses one rather than formatting
# the length: in Python too, joining is cheaper than formatting.
OBJ_SHARED_BULKHDR_LEN = 32
SHARED_BULKHDR = [b"$%d\r\n" % n for n in range(OBJ_SHARED_BULKHDR_LEN)]


# Reply encoders. Each returns the bytes of one reply (or a header); the
# ones whose shape depends on the protocol take the client's `proto`.

# --8<-- [start:encoders]
def simple(text: str | bytes) -> bytes:
    """+<text>: a status reply such as +OK."""
    data = text.encode() if isinstance(text, str) else text
    return b"+%s\r\n" % data


def error(message: str | bytes) -> bytes:
    """-ERR <message>, or the message as is when it brings its own code.

    As in addReplyErrorFormat(), CR and LF become spaces so that a
    message quoting user input is still one line.
    """
    data = message.encode() if isinstance(message, str) else message
    data = data.replace(b"\r", b" ").replace(b"\n", b" ")
    if data.startswith(b"-"):
        return data + CRLF
    return b"-ERR %s\r\n" % data


def integer(value: int) -> bytes:
    return b":%d\r\n" % value


def bulk(value: bytes) -> bytes:
    size = len(value)
    if size < OBJ_SHARED_BULKHDR_LEN:  # Redis: shared.bulkhdr[size]
        return SHARED_BULKHDR[size] + value + CRLF
    return b"$%d\r\n%s\r\n" % (size, value)


def array_len(count: int) -> bytes:
    return b"*%d\r\n" % count


def map_len(count: int, proto: int) -> bytes:
    """A map of `count` pairs: RESP3 "%", or a flat RESP2 array."""
    return b"%%%d\r\n" % count if proto == 3 else b"*%d\r\n" % (2 * count)


def set_len(count: int, proto: int) -> bytes:
    return b"~%d\r\n" % count if proto == 3 else b"*%d\r\n" % count


def null(proto: int) -> bytes:
    """The null bulk string: RESP3 "_", RESP2 "$-1"."""
    return b"_\r\n" if proto == 3 else b"$-1\r\n"


def null_array(proto: int) -> bytes:
    return b"_\r\n" if proto == 3 else b"*-1\r\n"


def verbatim(text: bytes, proto: int) -> bytes:
    """Text for a person (CLIENT LIST): RESP3 "=" with its format, "txt";
    RESP2 a bulk string. Mirrors addReplyVerbatim()."""
    if proto == 3:
        return b"=%d\r\ntxt:%s\r\n" % (len(text) + 4, text)
    return bulk(text)


def double(value: float, proto: int) -> bytes:
    """A double: RESP3 ",<value>", RESP2 a bulk string.

    Mirrors addReplyDouble() in Redis 7.0: "%.17g" (so 1.1 is written
    1.1000000000000001), with infinities spelled "inf" and "-inf".
    Redis 7.2 switched to the shortest form that reads back the same.
    """
    if math.isinf(value):
        text = b"inf" if value > 0 else b"-inf"
    else:
        text = b"%.17g" % value
    return b",%s\r\n" % text if proto == 3 else bulk(text)
# --8<-- [end:encoders]


def bulk_array(values: list[bytes]) -> bytes:
    """An array of bulk strings."""
    return array_len(len(values)) + b"".join(map(bulk, values))


# --8<-- [start:help_reply]
def help_reply(command_name: bytes, lines: tuple[str, ...]) -> bytes:
    """A container's HELP: a heading, `lines`, then HELP itself.

    Mirrors addReplyHelp() in networking.c: an array of status replies,
    in RESP3 as in RESP2, headed by the command's name in upper case.
    """
    heading = (b"%s <subcommand> [<arg> [value] [opt] ...]. Subcommands "
               b"are:" % command_name.upper())
    lines = (*lines, "HELP", "    Prints this help.")
    return array_len(len(lines) + 1) + simple(heading) + b"".join(
        simple(line) for line in lines)
# --8<-- [end:help_reply]
