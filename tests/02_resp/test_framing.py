"""Requests are framed correctly however they arrive: inline or multibulk,
whole, pipelined, or split into pieces."""

import time

import pytest
from support.wire import RawClient, command


@pytest.mark.exercise("02-inline")
@pytest.mark.parametrize(
    ("line", "argument"),
    [
        (b'ECHO "hello world"', b"hello world"),
        (b"ECHO 'hello world'", b"hello world"),
        (b'ECHO "a\\nb\\r\\tc"', b"a\nb\r\tc"),
        (b'ECHO "\\x41\\x7a"', b"Az"),
        (b'ECHO "\\xZZ"', b"xZZ"),
        (b'ECHO "say \\"hi\\""', b'say "hi"'),
        (b"ECHO 'it\\'s'", b"it's"),
        (b"ECHO 'back\\slash'", b"back\\slash"),
        (b'ECHO a"b c"', b"ab c"),
        (b"ECHO a\x0bb", b"a\x0bb"),
        (b'ECHO ""', b""),
    ],
)
def test_inline_arguments_are_split_like_redis(raw, line, argument):
    assert raw.request(line + b"\r\n") == b"$%d\r\n%s\r\n" % (len(argument), argument)


@pytest.mark.exercise("02-inline")
def test_inline_words_are_separated_by_any_whitespace(raw):
    assert raw.request(b"  ECHO \t  x  \r\n") == b"$1\r\nx\r\n"


@pytest.mark.exercise("02-inline")
def test_inline_line_may_end_with_a_bare_newline(raw):
    assert raw.request(b"PING\n") == b"+PONG\r\n"


@pytest.mark.exercise("02-inline", "02-input-loop")
def test_empty_lines_get_no_reply(raw):
    raw.send(b"\r\n   \r\n\n")
    assert raw.request(b"PING\r\n") == b"+PONG\r\n"


@pytest.mark.exercise("02-length-line", "02-input-loop")
@pytest.mark.parametrize("empty", [b"*0\r\n", b"*-1\r\n", b"*-5\r\n"])
def test_empty_multibulk_gets_no_reply(raw, empty):
    raw.send(empty)
    assert raw.request(command("PING")) == b"+PONG\r\n"


@pytest.mark.exercise("02-inline", "02-bulk-payload", "02-input-loop")
def test_inline_and_multibulk_mix_in_one_pipeline(raw):
    raw.send(b"PING\r\n*1\r\n$4\r\nPING\r\nECHO x\r\n")
    assert raw.read_replies(3) == [b"+PONG\r\n", b"+PONG\r\n", b"$1\r\nx\r\n"]


@pytest.mark.exercise("02-bulk-payload", "02-input-loop")
def test_pipelined_commands_each_get_a_reply_in_order(raw):
    raw.send(b"".join(command("ECHO", str(i)) for i in range(100)))
    for i in range(100):
        assert raw.read_reply() == b"$%d\r\n%d\r\n" % (len(str(i)), i)


@pytest.mark.exercise("02-bulk-payload")
def test_binary_argument_with_crlf_and_nul_round_trips(raw):
    value = b"a\r\nb\0c\r\n*1\r\n$4\r\n"
    assert raw.call("ECHO", value) == b"$%d\r\n%s\r\n" % (len(value), value)


@pytest.mark.exercise("02-length-line", "02-bulk-payload", "02-input-loop")
@pytest.mark.parametrize(
    "cut",
    [1, 2, 3, 4, 5, 6, 7, 8, 12, 15, 16, 17, 18, 19, 20],
    ids=lambda n: f"cut-at-{n}",
)
def test_request_split_anywhere_gets_one_reply(raw, cut):
    request = command("ECHO", "hello")  # *2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n
    raw.send(request[:cut])
    time.sleep(0.02)  # make sure the two halves arrive as two reads
    raw.send(request[cut:])
    assert raw.read_reply() == b"$5\r\nhello\r\n"


@pytest.mark.exercise("02-length-line", "02-bulk-payload", "02-input-loop")
@pytest.mark.parametrize("before", [b"", command("PING")], ids=["alone", "pipelined"])
def test_a_request_waits_for_the_crlf_after_its_last_argument(raw, before):
    raw.send(before + command("ECHO", "hi")[:-2])
    if before:
        assert raw.read_reply() == b"+PONG\r\n"
    assert raw.nothing_within(0.2)
    raw.send(b"\r\n")
    assert raw.read_reply() == b"$2\r\nhi\r\n"


@pytest.mark.exercise("02-length-line", "02-bulk-payload", "02-input-loop")
def test_the_two_bytes_after_an_argument_are_skipped_unread(raw):
    # processMultibulkBuffer() steps over them without a look.
    raw.send(command("PING")[:-2])
    assert raw.nothing_within(0.2)
    raw.send(b"XY" + command("PING"))
    assert raw.read_replies(2) == [b"+PONG\r\n", b"+PONG\r\n"]


@pytest.mark.exercise("02-length-line", "02-bulk-payload", "02-input-loop")
def test_request_sent_byte_by_byte(raw):
    for byte in command("ECHO", "slow"):
        raw.send(bytes([byte]))
    assert raw.read_reply() == b"$4\r\nslow\r\n"


@pytest.mark.exercise("02-bulk-payload")
def test_large_argument_arrives_intact(raw):
    value = bytes(range(256)) * 4096  # 1 MiB with every byte value
    assert raw.call("ECHO", value) == b"$%d\r\n%s\r\n" % (len(value), value)


def test_command_names_are_case_insensitive(raw):
    assert raw.request(b"pInG\r\n") == b"+PONG\r\n"
    assert raw.call("eChO", "x") == b"$1\r\nx\r\n"


@pytest.mark.last_step("02_resp")
def test_second_client_waits_until_the_first_leaves(server):
    """Step 02 still serves one client at a time; step 03 removes this."""
    first = RawClient(server.port)
    assert first.call("PING") == b"+PONG\r\n"
    with RawClient(server.port) as second:
        second.send(command("PING"))
        assert second.nothing_within(0.3)
        first.close()
        assert second.read_reply() == b"+PONG\r\n"
