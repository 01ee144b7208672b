"""Unit tests of resp.py, our parser and encoders (not run against Redis)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.wire import command

pytestmark = pytest.mark.internal


class FakeClient:
    """Just the parsing fields of a client, as resp.py expects them."""

    def __init__(self):
        self.querybuf = bytearray()
        self.qb_pos = 0
        self.reqtype = 0
        self.multibulklen = 0
        self.bulklen = -1
        self.argv = []


def parse_all(resp, chunks: list[bytes]) -> list[list[bytes]]:
    """Feed chunks one by one, as reads would, and collect the commands."""
    c, commands = FakeClient(), []
    for chunk in chunks:
        c.querybuf += chunk
        while c.qb_pos < len(c.querybuf):
            if not c.reqtype:
                star = c.querybuf[c.qb_pos] == ord("*")
                c.reqtype = resp.PROTO_REQ_MULTIBULK if star else resp.PROTO_REQ_INLINE
            if c.reqtype == resp.PROTO_REQ_INLINE:
                done = resp.process_inline_buffer(c)
            else:
                done = resp.process_multibulk_buffer(c, 512 * 1024 * 1024, True)
            if not done:
                break
            if c.argv:
                commands.append(c.argv)
            c.argv, c.reqtype, c.multibulklen, c.bulklen = [], 0, 0, -1
        del c.querybuf[:c.qb_pos]
        c.qb_pos = 0
    return commands


@pytest.mark.parametrize(
    ("text", "value"),
    [(b"0", 0), (b"-1", -1), (b"42", 42), (b"9223372036854775807", 2**63 - 1),
     (b"-9223372036854775808", -(2**63)), (b"9223372036854775808", None),
     (b"-0", None), (b"01", None), (b"+1", None), (b" 1", None), (b"1 ", None),
     (b"1_000", None), (b"", None), (b"-", None), (b"1e3", None), (b"0x10", None)],
)
def test_string2ll_accepts_only_canonical_integers(step_module, text, value):
    assert step_module("resp").string2ll(text) == value


@pytest.mark.parametrize(
    ("line", "args"),
    [(b"set a b", [b"set", b"a", b"b"]), (b'"a b" c', [b"a b", b"c"]),
     (b"'a\\'b'", [b"a'b"]), (b'"\\x4a\\x4B"', [b"JK"]), (b'"\\q"', [b"q"]),
     (b"  ", []), (b'""', [b""]), (b'a"b"', [b"ab"]), (b'"a"b', None), (b'"a', None),
     (b"'a", None), (b"a\x0bb\x0c c", [b"a\x0bb\x0c", b"c"])],
)
def test_sdssplitargs(step_module, line, args):
    assert step_module("resp").sdssplitargs(line) == args


def client_with(data: bytes) -> FakeClient:
    c = FakeClient()
    c.querybuf += data
    return c


# The parsers' first tests: they call one parser directly, so each goes green
# as soon as its exercise is written, before the input loop is.

@pytest.mark.exercise("02-bulk-payload")
def test_bulk_payloads_are_taken_whole_and_waited_for(step_module):
    resp = step_module("resp")
    c = client_with(b"*2\r\n$4\r\nECHO\r\n$6\r\na\r\n\x00b")
    assert resp.process_multibulk_buffer(c, 512 * 1024 * 1024, True) is False
    assert c.argv == [b"ECHO"] and c.bulklen == 6  # the payload is not all there
    c.querybuf += b"c\r\n"
    assert resp.process_multibulk_buffer(c, 512 * 1024 * 1024, True) is True
    assert c.argv == [b"ECHO", b"a\r\n\x00bc"]
    assert (c.qb_pos, c.multibulklen, c.bulklen) == (len(c.querybuf), 0, -1)


@pytest.mark.exercise("02-inline")
def test_an_inline_line_is_split_into_words_and_the_next_one_waited_for(step_module):
    resp = step_module("resp")
    c = client_with(b'SET k "a b"\r\nPIN')
    assert resp.process_inline_buffer(c) is True
    assert c.argv == [b"SET", b"k", b"a b"]
    assert c.qb_pos == len(b'SET k "a b"\r\n')
    c.argv = []
    assert resp.process_inline_buffer(c) is False  # no newline yet
    assert c.argv == []


arguments = st.lists(st.binary(max_size=50), min_size=1, max_size=6)


@pytest.mark.exercise("02-length-line", "02-bulk-payload")
@given(batch=st.lists(arguments, min_size=1, max_size=5), data=st.data())
def test_any_split_parses_to_the_same_commands(step_module, batch, data):
    resp = step_module("resp")
    stream = b"".join(command(*args) for args in batch)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=10)))
    chunks = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)])]
    assert parse_all(resp, chunks) == batch


def test_encoders(step_module):
    resp = step_module("resp")
    assert resp.bulk(b"a\r\nb") == b"$4\r\na\r\nb\r\n"
    assert resp.map_len(2, 3) == b"%2\r\n"
    assert resp.map_len(2, 2) == b"*4\r\n"
    assert resp.set_len(3, 3) == b"~3\r\n"
    assert resp.null(3) == b"_\r\n"
    assert resp.null(2) == b"$-1\r\n"
    assert resp.error("bad\r\nthing") == b"-ERR bad  thing\r\n"
    assert resp.error("-NOPROTO x") == b"-NOPROTO x\r\n"
