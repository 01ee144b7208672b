"""PING, ECHO, QUIT, HELLO, CLIENT and COMMAND, byte for byte as Redis 7.0."""

import pytest
from support.wire import RawClient, command, decode, reply_end

HELLO_FIELDS = [b"server", b"version", b"proto", b"id", b"mode", b"role", b"modules"]


@pytest.mark.exercise("02-process-command")
def test_ping_with_a_message_echoes_it(raw):
    assert raw.call("PING", "hi") == b"$2\r\nhi\r\n"


def test_ping_with_two_messages_is_an_arity_error(raw):
    reply = raw.call("PING", "a", "b")
    assert reply == b"-ERR wrong number of arguments for 'ping' command\r\n"


# Redis keeps ready-made headers for bulk strings shorter than 32 bytes
# (OBJ_SHARED_BULKHDR_LEN), and formats the others: both give these bytes.
@pytest.mark.parametrize("size", [0, 1, 31, 32, 33, 1000])
def test_echo_replies_a_bulk_string_of_any_length(raw, size):
    value = bytes(i % 251 for i in range(size))
    assert raw.call("ECHO", value) == b"$%d\r\n%s\r\n" % (size, value)


@pytest.mark.exercise("02-process-command")
def test_echo_without_argument_is_an_arity_error(raw):
    assert raw.call("ECHO") == b"-ERR wrong number of arguments for 'echo' command\r\n"


@pytest.mark.exercise("02-input-loop")
def test_quit_replies_ok_and_closes(raw):
    raw.send(command("QUIT") + command("PING"))
    assert raw.read_until_closed() == b"+OK\r\n"


@pytest.mark.exercise("02-process-command")
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ((b"FOO",), b"unknown command 'FOO', with args beginning with: "),
        ((b"foo", b"a", b"b"), b"unknown command 'foo', with args beginning with: 'a' 'b' "),
        ((b"FOO", b"a\r\nb"), b"unknown command 'FOO', with args beginning with: 'a  b' "),
        ((b"FOO", b"a\0b", b"c"), b"unknown command 'FOO', with args beginning with: 'a' 'c' "),
        ((b"X" * 200,), b"unknown command '" + b"X" * 128 + b"', with args beginning with: "),
        ((b"FOO", b"a" * 100, b"b" * 100, b"c"),
         b"unknown command 'FOO', with args beginning with: '" + b"a" * 100 + b"' '"
         + b"b" * 25 + b"' "),
    ],
    ids=["no-args", "args", "crlf", "nul", "long-name", "long-args"],
)
def test_unknown_command_error_quotes_the_arguments(raw, argv, message):
    assert raw.call(*argv) == b"-ERR " + message + b"\r\n"


@pytest.mark.exercise("02-process-command")
def test_unknown_command_keeps_the_connection_open(raw):
    raw.call("NOSUCHCOMMAND")
    assert raw.call("PING") == b"+PONG\r\n"


@pytest.mark.exercise("02-process-command")
def test_unknown_subcommand_names_the_container(raw):
    reply = raw.call("client", "setinfo", "lib-name", "x")
    assert reply == b"-ERR unknown subcommand 'setinfo'. Try CLIENT HELP.\r\n"


@pytest.mark.exercise("02-process-command")
def test_container_alone_is_an_arity_error(raw):
    assert raw.call("CLIENT") == b"-ERR wrong number of arguments for 'client' command\r\n"


@pytest.mark.exercise("02-process-command")
def test_subcommand_arity_error_uses_the_full_name(raw):
    reply = raw.call("CLIENT", "SETNAME")
    assert reply == b"-ERR wrong number of arguments for 'client|setname' command\r\n"


def hello_map(reply: bytes) -> dict[bytes, bytes]:
    """Split a HELLO reply (either protocol) into raw field values."""
    header_end = reply.index(b"\r\n") + 2
    pos, fields = header_end, {}
    while pos < len(reply):
        key_end = reply_end(reply, pos)
        value_end = reply_end(reply, key_end)
        key = reply[pos:key_end].split(b"\r\n")[1]
        fields[key] = reply[key_end:value_end]
        pos = value_end
    return fields


def test_hello_3_switches_to_resp3_and_replies_with_a_map(raw):
    reply = raw.call("HELLO", "3")
    assert reply.startswith(b"%7\r\n")
    fields = hello_map(reply)
    assert list(fields) == HELLO_FIELDS
    assert fields[b"server"] == b"$5\r\nredis\r\n"
    assert fields[b"version"] == b"$6\r\n7.0.15\r\n"
    assert fields[b"proto"] == b":3\r\n"
    assert fields[b"mode"] == b"$10\r\nstandalone\r\n"
    assert fields[b"role"] == b"$6\r\nmaster\r\n"
    assert fields[b"modules"] == b"*0\r\n"
    assert raw.call("CLIENT", "GETNAME") == b"_\r\n"  # RESP3 null from now on


def test_hello_2_replies_with_a_flat_array(raw):
    reply = raw.call("HELLO", "2")
    assert reply.startswith(b"*14\r\n")
    assert hello_map(reply)[b"proto"] == b":2\r\n"


def test_hello_without_version_keeps_the_protocol(raw):
    assert hello_map(raw.call("HELLO"))[b"proto"] == b":2\r\n"
    raw.call("HELLO", "3")
    assert hello_map(raw.call("HELLO"))[b"proto"] == b":3\r\n"


def test_hello_reports_the_client_id(raw):
    client_id = raw.call("CLIENT", "ID")
    assert hello_map(raw.call("HELLO", "2"))[b"id"] == client_id


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("1",), b"-NOPROTO unsupported protocol version"),
        (("4",), b"-NOPROTO unsupported protocol version"),
        (("three",), b"-ERR Protocol version is not an integer or out of range"),
        (("SETNAME", "x"), b"-ERR Protocol version is not an integer or out of range"),
        (("3", "FOO"), b"-ERR Syntax error in HELLO option 'FOO'"),
        (("3", "AUTH", "default"), b"-ERR Syntax error in HELLO option 'AUTH'"),
        (("3", "AUTH", "nobody", "pw"),
         b"-WRONGPASS invalid username-password pair or user is disabled."),
        (("3", "SETNAME", "a b"),
         b"-ERR Client names cannot contain spaces, newlines or special characters."),
    ],
)
def test_hello_errors(raw, args, error):
    assert raw.call("HELLO", *args) == error + b"\r\n"
    assert raw.call("CLIENT", "GETNAME") == b"$-1\r\n"  # still RESP2


def test_hello_with_setname_and_auth_default_succeeds(raw):
    reply = raw.call("HELLO", "3", "AUTH", "default", "anything", "SETNAME", "me")
    assert reply.startswith(b"%7\r\n")
    assert raw.call("CLIENT", "GETNAME") == b"$2\r\nme\r\n"


def test_client_setname_and_getname(raw):
    assert raw.call("CLIENT", "GETNAME") == b"$-1\r\n"
    assert raw.call("CLIENT", "SETNAME", "worker-1") == b"+OK\r\n"
    assert raw.call("CLIENT", "GETNAME") == b"$8\r\nworker-1\r\n"
    assert raw.call("CLIENT", "SETNAME", "") == b"+OK\r\n"
    assert raw.call("CLIENT", "GETNAME") == b"$-1\r\n"


@pytest.mark.parametrize("name", [b"a b", b"a\nb", b"caf\xc3\xa9", b"\x7f"])
def test_client_setname_refuses_spaces_and_special_characters(raw, name):
    reply = raw.call("CLIENT", "SETNAME", name)
    assert reply == b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n"


def test_client_ids_differ_between_connections(server):
    with RawClient(server.port) as a:
        first = int(a.call("CLIENT", "ID")[1:])
    with RawClient(server.port) as b:
        second = int(b.call("CLIENT", "ID")[1:])
    assert second > first


def test_command_count_is_the_length_of_command(raw):
    count = decode(raw.call("COMMAND", "COUNT"))
    assert count > 0
    assert count == len(decode(raw.call("COMMAND")))


def test_command_docs_documents_ping_for_redis_cli(raw):
    reply = raw.call("COMMAND", "DOCS", "ping")
    for field in (b"summary", b"since", b"group", b"complexity", b"arguments"):
        assert b"$%d\r\n%s\r\n" % (len(field), field) in reply
    assert b"$7\r\nmessage\r\n" in reply
    assert b"+optional\r\n" in reply  # flags are status replies, as redis-cli expects


def test_command_docs_of_unknown_command_is_empty(raw):
    assert raw.call("COMMAND", "DOCS", "nosuchcommand") == b"*0\r\n"


REDIS_COMMAND_INFO = {  # Redis 7.0.15's own COMMAND INFO: arity, flags, ACL categories
    "ping": (-1, {"fast"}, {"@fast", "@connection"}),
    "echo": (2, {"loading", "stale", "fast"}, {"@fast", "@connection"}),
    "quit": (-1, {"noscript", "loading", "stale", "fast", "no_auth", "allow_busy"},
             {"@fast", "@connection"}),
    "hello": (-1, {"noscript", "loading", "stale", "fast", "no_auth", "allow_busy"},
              {"@fast", "@connection"}),
    "auth": (-2, {"noscript", "loading", "stale", "fast", "no_auth", "allow_busy"},
             {"@fast", "@connection"}),
    "client": (-2, set(), {"@slow"}),
    "client|setname": (3, {"noscript", "loading", "stale"}, {"@slow", "@connection"}),
    "client|getname": (2, {"noscript", "loading", "stale"}, {"@slow", "@connection"}),
    "client|id": (2, {"noscript", "loading", "stale"}, {"@slow", "@connection"}),
    "command": (-1, {"loading", "stale"}, {"@slow", "@connection"}),
    "command|count": (2, {"loading", "stale"}, {"@slow", "@connection"}),
    "command|docs": (-2, {"loading", "stale"}, {"@slow", "@connection"}),
    "command|info": (-2, {"loading", "stale"}, {"@slow", "@connection"}),
}


def command_info_rows(raw, name: str) -> dict[str, list]:
    """COMMAND INFO for a command, with its subcommands, keyed by full name."""
    (row,) = decode(raw.call("COMMAND", "INFO", name))
    rows = {row[0].decode(): row}
    for sub in row[9]:
        rows[sub[0].decode()] = sub
    return rows


@pytest.mark.parametrize("name", sorted(REDIS_COMMAND_INFO))
def test_command_info_arity_flags_and_categories_match_redis(raw, name):
    row = command_info_rows(raw, name.partition("|")[0])[name]
    arity, flags, first_key, last_key, step, categories = row[1:7]
    assert (arity, set(flags), set(categories)) == REDIS_COMMAND_INFO[name]
    assert (first_key, last_key, step) == (0, 0, 0)


def test_command_info_of_unknown_command_is_null(raw):
    assert raw.call("COMMAND", "INFO", "nosuchcommand") == b"*1\r\n$-1\r\n"
