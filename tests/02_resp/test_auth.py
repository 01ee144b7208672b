"""--requirepass: clients must AUTH (or HELLO ... AUTH) before anything else."""

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from support.wire import RawClient, command

NOAUTH = b"-NOAUTH Authentication required.\r\n"
WRONGPASS = b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"


@pytest.fixture
def locked(start_server):
    return start_server(requirepass="s3cret")


@pytest.mark.exercise("02-process-command")
def test_commands_before_auth_get_noauth(locked):
    with RawClient(locked.port) as client:
        assert client.call("PING") == NOAUTH
        assert client.call("ECHO", "x") == NOAUTH
        assert client.call("PING") == NOAUTH  # the connection stays open


def test_unknown_command_before_auth_is_still_unknown(locked):
    with RawClient(locked.port) as client:
        reply = client.call("NOSUCH")
        assert reply == b"-ERR unknown command 'NOSUCH', with args beginning with: \r\n"


def test_auth_with_the_wrong_password_is_refused(locked):
    with RawClient(locked.port) as client:
        assert client.call("AUTH", "nope") == WRONGPASS
        assert client.call("AUTH", "default", "nope") == WRONGPASS
        assert client.call("AUTH", "alice", "s3cret") == WRONGPASS
        assert client.call("PING") == NOAUTH


def test_auth_with_the_password_unlocks_the_connection(locked):
    with RawClient(locked.port) as client:
        assert client.call("AUTH", "s3cret") == b"+OK\r\n"
        assert client.call("PING") == b"+PONG\r\n"
    with RawClient(locked.port) as client:
        assert client.call("AUTH", "default", "s3cret") == b"+OK\r\n"
        assert client.call("PING") == b"+PONG\r\n"


def test_auth_with_too_many_arguments_is_a_syntax_error(locked):
    with RawClient(locked.port) as client:
        assert client.call("AUTH", "a", "b", "c") == b"-ERR syntax error\r\n"


def test_hello_before_auth_is_refused(locked):
    with RawClient(locked.port) as client:
        reply = client.call("HELLO", "3")
        assert reply.startswith(b"-NOAUTH HELLO must be called with the client already")


def test_hello_auth_authenticates_and_switches_protocol(locked):
    with RawClient(locked.port) as client:
        assert client.call("HELLO", "3", "AUTH", "default", "wrong") == WRONGPASS
        assert client.call("HELLO", "3", "AUTH", "default", "s3cret").startswith(b"%7\r\n")
        assert client.call("PING") == b"+PONG\r\n"


def test_redis_py_with_the_password_works(locked):
    client = redis.Redis(port=locked.port, password="s3cret", socket_timeout=10)
    try:
        assert client.ping() is True
    finally:
        client.close()


def test_redis_py_without_the_password_gets_an_authentication_error(locked):
    # Its retries off, as in the `r` fixture: redis-py retries an
    # AuthenticationError (a ConnectionError) with seconds of backoff.
    client = redis.Redis(port=locked.port, socket_timeout=10, retry=Retry(NoBackoff(), 0))
    try:
        with pytest.raises(redis.AuthenticationError):
            client.ping()
    finally:
        client.close()


def test_unauthenticated_client_may_not_send_more_than_10_arguments(locked):
    with RawClient(locked.port) as client:
        client.send(b"*11\r\n")
        reply = client.read_until_closed()
        assert reply == b"-ERR Protocol error: unauthenticated multibulk length\r\n"


def test_unauthenticated_client_may_not_send_a_bulk_over_16k(locked):
    with RawClient(locked.port) as client:
        client.send(b"*2\r\n$4\r\nECHO\r\n$16385\r\n")
        reply = client.read_until_closed()
        assert reply == b"-ERR Protocol error: unauthenticated bulk length\r\n"


def test_authenticated_client_may_send_big_requests(locked):
    with RawClient(locked.port) as client:
        client.call("AUTH", "s3cret")
        value = b"v" * 20000
        assert client.request(command("ECHO", value)) == b"$20000\r\n" + value + b"\r\n"


def test_auth_without_a_configured_password_is_an_error(raw):
    reply = raw.call("AUTH", "pw")
    assert reply == (
        b"-ERR AUTH <password> called without any password configured for the "
        b"default user. Are you sure your configuration is correct?\r\n"
    )


def test_auth_default_user_without_a_configured_password_succeeds(raw):
    assert raw.call("AUTH", "default", "anything") == b"+OK\r\n"
