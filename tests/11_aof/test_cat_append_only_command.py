"""cat_append_only_generic_command(), called in-process: a command is
written to the file as the protocol a client sends, an array of bulk
strings, whatever bytes its arguments hold. redis-server writes the same
bytes (test_aof_write.py compares whole files)."""

import pytest
from support.wire import command

pytestmark = [pytest.mark.internal,
              pytest.mark.exercise("11-cat-append-only-generic-command")]


@pytest.fixture
def cat(step_module):
    return step_module("aof").cat_append_only_generic_command


def test_a_command_is_an_array_of_bulk_strings(cat):
    out = bytearray()
    cat(out, [b"SET", b"key", b"value"])
    assert out == b"*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n"


def test_binary_arguments_are_framed_by_their_length_not_escaped(cat):
    out = bytearray()
    cat(out, [b"SET", b"a\r\nb", b"\x00\xff\r\n", b""])
    assert out == (b"*4\r\n$3\r\nSET\r\n$4\r\na\r\nb\r\n$4\r\n\x00\xff\r\n"
                   b"\r\n$0\r\n\r\n")


def test_the_command_is_appended_to_what_the_buffer_holds(cat):
    out = bytearray(b"*1\r\n$5\r\nMULTI\r\n")
    cat(out, [b"INCR", b"n"])
    cat(out, [b"EXEC"])
    assert out == b"*1\r\n$5\r\nMULTI\r\n" + command("INCR", "n") + \
        command("EXEC")


def test_it_writes_what_a_client_would_send(cat):
    argv = [b"RPUSH", b"list", b"x" * 300, b"12345"]
    out = bytearray()
    assert cat(out, argv) is None
    assert out == command(*argv)
