"""Property tests: framing never depends on how bytes are split, and no
input, however broken, takes the server down."""

import socket
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.wire import RawClient, command

# A request and the reply Redis gives it, for commands every step knows.
payloads = st.binary(max_size=300)


@st.composite
def requests(draw):
    kind = draw(st.sampled_from(["echo", "ping", "ping-msg", "inline-echo"]))
    if kind == "echo":
        value = draw(payloads)
        return command("ECHO", value), b"$%d\r\n%s\r\n" % (len(value), value)
    if kind == "ping":
        return command("PING"), b"+PONG\r\n"
    if kind == "ping-msg":
        value = draw(payloads)
        return command("PING", value), b"$%d\r\n%s\r\n" % (len(value), value)
    word = draw(st.text("abcxyz0123", min_size=1, max_size=20)).encode()
    return b"ECHO " + word + b"\r\n", b"$%d\r\n%s\r\n" % (len(word), word)


def send_in_pieces(client: RawClient, data: bytes, cuts: list[int]) -> None:
    """Send `data` cut at `cuts`, pausing so that each piece is its own read."""
    start = 0
    for cut in sorted(set(cuts)) + [len(data)]:
        if cut > start:
            client.send(data[start:cut])
            time.sleep(0.002)
            start = cut


@pytest.mark.exercise("02-inline", "02-length-line", "02-bulk-payload", "02-input-loop")
@settings(max_examples=60)
@given(batch=st.lists(requests(), min_size=1, max_size=8), data=st.data())
def test_any_split_of_a_valid_stream_gets_the_same_replies(server, batch, data):
    stream = b"".join(request for request, _ in batch)
    expected = b"".join(reply for _, reply in batch)
    cuts = data.draw(st.lists(st.integers(0, len(stream)), max_size=6))
    with RawClient(server.port) as client:
        send_in_pieces(client, stream, cuts)
        assert client.read_exactly(len(expected)) == expected


def junk_streams():
    """Random bytes, and valid requests with bytes flipped, cut or inserted."""
    valid = st.lists(requests(), min_size=1, max_size=4).map(
        lambda batch: b"".join(r for r, _ in batch))

    @st.composite
    def mutated(draw):
        stream = bytearray(draw(valid))
        for _ in range(draw(st.integers(1, 4))):
            pos = draw(st.integers(0, len(stream)))
            action = draw(st.sampled_from(["flip", "cut", "insert"]))
            if action == "flip" and pos < len(stream):
                stream[pos] ^= draw(st.integers(1, 255))
            elif action == "cut":
                del stream[pos:pos + draw(st.integers(1, 8))]
            else:
                stream[pos:pos] = draw(st.sampled_from(
                    [b"\r", b"\n", b"\0", b"*", b"$", b"-1", b"99999999999", b'"', b"'"]))
        return bytes(stream)

    return st.one_of(st.binary(max_size=400), mutated())


@settings(max_examples=80)
@given(stream=junk_streams())
def test_no_input_takes_the_server_down(server, stream):
    with RawClient(server.port) as client:
        try:
            client.send(stream)
            client.sock.shutdown(socket.SHUT_WR)  # the server sees EOF and must close
            client.read_until_closed()
        except (BrokenPipeError, ConnectionResetError):
            pass
    with RawClient(server.port) as probe:
        assert probe.call("PING") == b"+PONG\r\n"
