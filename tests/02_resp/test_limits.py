"""Redis's input limits, each tested at its boundary: one byte under is
accepted (the server keeps waiting), one byte over is refused."""

from support.replies import INVALID_MULTIBULK
from support.wire import RawClient


def test_multibulk_count_at_int_max_is_accepted(raw):
    raw.send(b"*2147483647\r\n$4\r\nPING\r\n")
    assert raw.nothing_within(0.3)


def test_multibulk_count_over_int_max_is_refused(raw):
    raw.send(b"*2147483648\r\n")
    assert raw.read_until_closed() == INVALID_MULTIBULK


def test_inline_request_of_exactly_64k_without_newline_is_waited_for(raw):
    raw.send(b"E" * 65536)
    assert raw.nothing_within(0.3)
    raw.send(b"E")
    assert raw.read_until_closed() == b"-ERR Protocol error: too big inline request\r\n"


def test_query_buffer_at_the_limit_is_kept_and_one_byte_more_closes(start_server):
    proc = start_server(client_query_buffer_limit="1mb")
    with RawClient(proc.port) as client:
        client.send(b"*2\r\n$4\r\nECHO\r\n$2000000\r\n")
        client.send(b"a" * (1024 * 1024))  # the buffer holds exactly 1 MiB
        assert client.nothing_within(0.5)
        client.send(b"a")
        assert client.read_until_closed() == b""  # closed, without a reply
    with RawClient(proc.port) as other:
        assert other.call("PING") == b"+PONG\r\n"
