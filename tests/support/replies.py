"""Replies as Redis 7.0.15 sends them, byte for byte, for the tests to expect.

Like wire.py, this is written independently of the steps' resp.py: a test
compares what the server sent with bytes spelled out here by hand. The
constants are the replies many tests expect (OK, NULL, WRONGTYPE, ...), the
encoders build the ones that carry a value (bulk, bulks, integer, error,
arity), and the readers at the end pull one value out of what a live server
replied: a TTL, an INFO field, every item of a scan, the clients of a
CLIENT LIST.

RESP2 and RESP3 differ in their nulls: NULL is RESP2's null bulk string,
NULL_ARRAY its null array, and NULL3 is RESP3's one null for both.
"""

from __future__ import annotations

from support.wire import decode

OK = b"+OK\r\n"
NULL = b"$-1\r\n"
NULL3 = b"_\r\n"
NULL_ARRAY = b"*-1\r\n"
EMPTY_ARRAY = b"*0\r\n"
EMPTY_SCAN = b"*2\r\n$1\r\n0\r\n*0\r\n"  # cursor 0 and no items: a scan of nothing

WRONGTYPE = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
SYNTAX_ERROR = b"-ERR syntax error\r\n"
NOT_AN_INTEGER = b"-ERR value is not an integer or out of range\r\n"
NOT_A_FLOAT = b"-ERR value is not a valid float\r\n"
MUST_BE_POSITIVE = b"-ERR value is out of range, must be positive\r\n"
OVERFLOW = b"-ERR increment or decrement would overflow\r\n"
NAN_OR_INF = b"-ERR increment would produce NaN or Infinity\r\n"
INVALID_MULTIBULK = b"-ERR Protocol error: invalid multibulk length\r\n"

# Redis's integers are C long longs: what INCRBY and HINCRBY can reach.
LLONG_MAX, LLONG_MIN = 2**63 - 1, -(2**63)


def bulk(value: bytes | str) -> bytes:
    """The bulk string `value`."""
    data = value.encode() if isinstance(value, str) else value
    return b"$%d\r\n%s\r\n" % (len(data), data)


def bulks(*items: bytes | str) -> bytes:
    """The RESP array of bulk strings `items`."""
    return b"*%d\r\n" % len(items) + b"".join(map(bulk, items))


def integer(value: int) -> bytes:
    """The integer reply `value`."""
    return b":%d\r\n" % value


def error(message: str) -> bytes:
    """An ERR error reply: error("no such key") is -ERR no such key."""
    return b"-ERR " + message.encode() + b"\r\n"


def arity(command: str) -> bytes:
    """The error for a wrong number of arguments; Redis names the command in lower case."""
    return error(f"wrong number of arguments for '{command}' command")


# Readers: one value out of what the server replied.

def int_reply(reply: bytes) -> int:
    """The number in an integer reply (any other reply fails the test)."""
    assert reply.startswith(b":"), reply
    return int(reply[1:-2])


def ttl(raw, key: str = "k") -> int:
    """TTL of `key`, in seconds (-1 without one, -2 for a missing key)."""
    return int_reply(raw.call("TTL", key))


def pttl(raw, key: str = "k") -> int:
    """PTTL of `key`, in milliseconds (-1 without one, -2 for a missing key)."""
    return int_reply(raw.call("PTTL", key))


def info(raw, *sections: str) -> str:
    """The text of INFO `sections` (the default ones if none)."""
    return decode(raw.call("INFO", *sections)).decode()


def info_field(raw, section: str, field: str) -> str:
    """The value of one `field:value` line of INFO `section`."""
    text = info(raw, section)
    for line in text.split("\r\n"):
        if line.startswith(field + ":"):
            return line.split(":", 1)[1]
    raise AssertionError(f"no {field} in INFO {section}: {text!r}")


def scan_all(raw, command: str, *args: str, cursor: bytes = b"0") -> list[bytes]:
    """Run a whole scan from `cursor`; return every item it returned, repeats included.

    SCAN takes only options: scan_all(raw, "SCAN", "COUNT", "7"). HSCAN, SSCAN
    and ZSCAN take their key first: scan_all(raw, "HSCAN", "h", "MATCH", "f*").
    """
    head = [command] if command.upper() == "SCAN" else [command, args[0]]
    options = args[len(head) - 1:]
    found = []
    for _ in range(1000):
        cursor, items = decode(raw.call(*head, cursor, *options))
        found += items
        if cursor == b"0":
            return found
    raise AssertionError(f"{command} never ended")


def client_lines(reply: bytes) -> list[dict[str, str]]:
    """The clients a CLIENT LIST or CLIENT INFO reply describes, one dict
    of `field=value` per line, fields in the order the server sent them.
    RESP3's verbatim "txt:" prefix is dropped."""
    text = decode(reply).decode().removeprefix("txt:")
    assert text.endswith("\n"), text
    return [dict(field.split("=", 1) for field in line.split(" "))
            for line in text.splitlines()]


def clients_by_id(raw, *ids: int) -> dict[int, dict[str, str]]:
    """CLIENT LIST ID `ids` through `raw`: each listed client, by id."""
    return {int(line["id"]): line for line in client_lines(raw.call("CLIENT", "LIST", "ID", *ids))}


def push(*items: bytes | str | int | None, resp: int = 2) -> bytes:
    """A pub/sub frame: a RESP2 array or a RESP3 push ('>') of `items`,
    strings as bulk strings, ints as integers, None as the null of `resp`:
    push("message", "ch", "hi") is what a RESP2 subscriber of "ch" reads."""
    parts = [b"%s%d\r\n" % (b"*" if resp == 2 else b">", len(items))]
    for item in items:
        if item is None:
            parts.append(NULL if resp == 2 else NULL3)
        elif isinstance(item, int):
            parts.append(integer(item))
        else:
            parts.append(bulk(item))
    return b"".join(parts)
