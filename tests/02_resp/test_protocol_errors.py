"""Malformed requests get Redis's exact error, then the connection closes.

Every expectation here was checked against redis-server 7.0.15 (run the
suite with --target redis to see it again).
"""

import pytest
from support.replies import INVALID_MULTIBULK
from support.wire import RawClient, command

INVALID_BULK = b"-ERR Protocol error: invalid bulk length\r\n"
UNBALANCED = b"-ERR Protocol error: unbalanced quotes in request\r\n"


def error_then_close(raw, data: bytes) -> bytes:
    raw.send(data)
    return raw.read_until_closed()


@pytest.mark.exercise("02-length-line")
@pytest.mark.parametrize("count", [b"+1", b"01", b"abc", b"", b"3000000000", b"1x", b" 1"])
def test_bad_multibulk_count_is_a_protocol_error(raw, count):
    assert error_then_close(raw, b"*" + count + b"\r\n") == INVALID_MULTIBULK


@pytest.mark.exercise("02-length-line")
@pytest.mark.parametrize("length", [b"-1", b"-0", b"+4", b"04", b"abc", b"", b"536870913"])
def test_bad_bulk_length_is_a_protocol_error(raw, length):
    request = b"*1\r\n$" + length + b"\r\nPING\r\n"
    assert error_then_close(raw, request) == INVALID_BULK


@pytest.mark.exercise("02-length-line")
@pytest.mark.parametrize("first", [b"+", b":", b"P", b"*"])
def test_argument_not_starting_with_dollar_is_a_protocol_error(raw, first):
    reply = error_then_close(raw, b"*1\r\n" + first + b"4\r\nPING\r\n")
    assert reply == b"-ERR Protocol error: expected '$', got '%s'\r\n" % first


@pytest.mark.exercise("02-length-line")
def test_carriage_return_in_error_message_becomes_a_space(raw):
    reply = error_then_close(raw, b"*1\r\n\r\n")
    assert reply == b"-ERR Protocol error: expected '$', got ' '\r\n"


@pytest.mark.exercise("02-length-line")
def test_bulk_length_at_the_limit_is_accepted_and_waited_for(raw):
    raw.send(b"*1\r\n$536870912\r\nabc")
    assert raw.nothing_within(0.3)
    raw.send(b"x" * 10)  # still far from 512 MiB: the server keeps waiting
    assert raw.nothing_within(0.2)


@pytest.mark.exercise("02-length-line")
def test_count_line_longer_than_64k_is_too_big(raw):
    reply = error_then_close(raw, b"*" + b"1" * 65537)
    assert reply == b"-ERR Protocol error: too big mbulk count string\r\n"


@pytest.mark.exercise("02-length-line")
def test_bulk_length_line_longer_than_64k_is_too_big(raw):
    reply = error_then_close(raw, b"*1\r\n$" + b"1" * 65537)
    assert reply == b"-ERR Protocol error: too big bulk count string\r\n"


@pytest.mark.exercise("02-inline")
def test_inline_line_longer_than_64k_is_too_big(raw):
    reply = error_then_close(raw, b"PING " + b"a" * 65536)
    assert reply == b"-ERR Protocol error: too big inline request\r\n"


@pytest.mark.exercise("02-inline")
def test_inline_line_of_64k_is_still_waited_for(raw):
    raw.send(b"ECHO " + b"a" * (65536 - 5))
    assert raw.nothing_within(0.3)
    raw.send(b"\r\n")
    assert raw.read_reply() == b"$65531\r\n" + b"a" * 65531 + b"\r\n"


@pytest.mark.exercise("02-inline")
@pytest.mark.parametrize("line", [b'ECHO "a"b', b"ECHO 'a'b", b'ECHO "abc', b"ECHO 'abc",
                                  b'ECHO "a\\"'])
def test_unbalanced_quotes_are_a_protocol_error(raw, line):
    assert error_then_close(raw, line + b"\r\n") == UNBALANCED


@pytest.mark.exercise("02-length-line", "02-input-loop")
def test_replies_already_due_are_sent_before_the_error(raw):
    reply = error_then_close(raw, b"PING\r\n*1\r\n$-1\r\nPING\r\n")
    assert reply == b"+PONG\r\n" + INVALID_BULK


@pytest.mark.exercise("02-bulk-payload")
def test_two_bytes_after_a_bulk_are_skipped_unchecked(raw):
    raw.send(b"*1\r\n$4\r\nPINGxxPING\r\n")
    assert raw.read_replies(2) == [b"+PONG\r\n", b"+PONG\r\n"]


@pytest.mark.exercise("02-length-line")
def test_nul_before_the_line_end_means_no_line_yet(raw):
    """Redis finds line ends with strchr(), which stops at a NUL byte."""
    raw.send(b"*1\0\r\n")
    assert raw.nothing_within(0.3)


@pytest.mark.parametrize("request_", [b"POST / HTTP/1.1\r\n", b"Host: example.com\r\n",
                                      b"PING\r\nPOST / HTTP/1.1\r\n"])
def test_http_request_closes_the_connection_without_a_reply(raw, request_):
    assert error_then_close(raw, request_) == b""


@pytest.mark.exercise("02-input-loop")
def test_other_clients_are_served_after_a_protocol_error(server):
    with RawClient(server.port) as bad:
        assert error_then_close(bad, b"*x\r\n") == INVALID_MULTIBULK
    with RawClient(server.port) as good:
        assert good.call("PING") == b"+PONG\r\n"


def test_query_buffer_limit_closes_silently(start_server):
    proc = start_server(client_query_buffer_limit="1mb")
    with RawClient(proc.port) as client:
        client.send(command("PING"))
        assert client.read_reply() == b"+PONG\r\n"
        payload = b"x" * (1536 * 1024)
        try:
            client.send(b"*2\r\n$4\r\nECHO\r\n$%d\r\n" % len(payload) + payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may close before we finish sending
        assert client.read_until_closed() == b""
    with RawClient(proc.port) as other:
        assert other.call("PING") == b"+PONG\r\n"


def test_proto_max_bulk_len_is_configurable(start_server):
    proc = start_server(proto_max_bulk_len="1mb")
    with RawClient(proc.port) as client:
        payload = b"y" * (1024 * 1024)
        reply = client.request(b"*2\r\n$4\r\nECHO\r\n$%d\r\n%s\r\n" % (len(payload), payload))
        assert reply == b"$%d\r\n%s\r\n" % (len(payload), payload)
        assert error_then_close(client, b"*2\r\n$4\r\nECHO\r\n$1048577\r\n") == INVALID_BULK
