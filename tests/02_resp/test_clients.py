"""Real clients with their default settings: redis-py 8 and redis-cli.

Marked `clients`: tools/newest_clients.sh runs these with the newest
redis-py too, so a new release that breaks us is noticed at once.
"""

import re
import shutil

import pexpect
import pytest
import redis
from support.wire import RawClient, command, decode

pytestmark = pytest.mark.clients


def test_redis_py_default_client_pings(r):
    """redis-py 8 opens with HELLO 3 and CLIENT SETINFO; both must be handled."""
    assert r.ping() is True


def test_a_handshake_pipelined_in_one_write_gets_every_reply(raw):
    """redis-py 8.2 writes the end of its handshake at once, without waiting
    for replies; each command must still get its own reply, in order. Redis
    7.0 knows neither CLIENT SETINFO (7.2) nor MAINT_NOTIFICATIONS."""
    raw.send(command("HELLO", "3")
             + command("CLIENT", "MAINT_NOTIFICATIONS", "ON", "moving-endpoint-type",
                       "internal-fqdn")
             + command("CLIENT", "SETINFO", "LIB-NAME", "redis-py")
             + command("CLIENT", "SETINFO", "LIB-VER", "8.2.0")
             + command("PING"))
    hello = decode(raw.read_reply())
    assert (hello[b"server"], hello[b"proto"]) == (b"redis", 3)
    assert raw.read_replies(4) == [
        b"-ERR unknown subcommand 'MAINT_NOTIFICATIONS'. Try CLIENT HELP.\r\n",
        b"-ERR unknown subcommand 'SETINFO'. Try CLIENT HELP.\r\n",
        b"-ERR unknown subcommand 'SETINFO'. Try CLIENT HELP.\r\n",
        b"+PONG\r\n",
    ]


def test_redis_py_over_resp3_explicitly(server):
    client = redis.Redis(port=server.port, protocol=3, socket_timeout=10)
    try:
        assert client.ping() is True
        hello = client.execute_command("HELLO")  # a RESP3 map: redis-py makes a dict
        assert hello[b"proto"] == 3
    finally:
        client.close()


def test_redis_py_pipeline_without_a_transaction(r):
    pipe = r.pipeline(transaction=False)
    for i in range(100):
        pipe.echo(f"message {i}")
    assert pipe.execute() == [f"message {i}".encode() for i in range(100)]


def test_redis_py_echo_keeps_binary_values(r):
    value = b"line one\r\nline two\0after a NUL\xff"
    assert r.echo(value) == value


def test_redis_py_over_resp2(server):
    client = redis.Redis(port=server.port, protocol=2, socket_timeout=10)
    try:
        assert client.ping() is True
        assert client.echo(b"two") == b"two"
    finally:
        client.close()


def test_redis_py_client_name(server):
    client = redis.Redis(port=server.port, client_name="lab-client",
                         socket_timeout=10)
    try:
        assert client.client_getname() == "lab-client"  # redis-py decodes this one
    finally:
        client.close()


def test_redis_cli_one_shot_commands(cli):
    assert cli("ping").stdout == "PONG\n"
    assert cli("echo", "hello world").stdout == "hello world\n"
    error = cli("ping", "a", "b").stdout.strip()
    assert error == "ERR wrong number of arguments for 'ping' command"


def test_redis_cli_reads_commands_from_stdin(cli):
    result = cli(input="PING\nECHO piped\n")
    assert result.stdout == "PONG\npiped\n"


@pytest.mark.skipif(shutil.which("redis-cli") is None, reason="redis-cli is not installed")
def test_redis_cli_interactive_session(server):
    """A terminal session: redis-cli asks COMMAND DOCS first, then runs commands.

    Its `help ping` shows the summary the server itself gave in COMMAND DOCS.
    """
    with RawClient(server.port) as raw:
        docs = decode(raw.call("COMMAND", "DOCS", "ping"))
    summary = dict(zip(docs[1][::2], docs[1][1::2]))[b"summary"].decode()
    session = pexpect.spawn("redis-cli", ["-p", str(server.port)], encoding="utf-8",
                            timeout=10, dimensions=(40, 200))
    prompt = f"127.0.0.1:{server.port}> "
    try:
        session.expect_exact(prompt)
        session.send("ping\r")  # a terminal sends CR for Enter
        expect_reply_line(session, "PONG")
        session.expect_exact(prompt)
        session.send('echo "two words"\r')
        expect_reply_line(session, '"two words"')
        session.expect_exact(prompt)
        session.send("help ping\r")
        session.expect_exact("summary:")
        session.expect_exact(summary)
        session.expect_exact(prompt)
        session.send("quit\r")
        session.expect(pexpect.EOF)
    finally:
        session.close(force=True)


def expect_reply_line(session, reply):
    """Wait for `reply` on a line of its own: the terminal echoes what was typed.

    The echo of `echo "two words"` already holds `"two words"`; matching it
    and typing the next line before redis-cli's prompt loses that line, since
    linenoise flushes pending input when it enters raw mode (TCSAFLUSH).
    """
    session.expect(r"\n" + re.escape(reply) + r"\r?\n")
