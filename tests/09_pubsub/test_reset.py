"""RESET puts a connection back as it was when it connected (Redis:
resetCommand(), clearClientConnectionState()): no transaction, no watched
keys, no subscriptions, RESP2, database 0, no name, and no authentication
if the server wants a password. It answers +RESET."""

import pytest
from support.replies import NULL, OK, bulk, client_lines, integer
from support.wire import RawClient

RESET = b"+RESET\r\n"


def test_reset_answers_reset(raw):
    assert raw.call("RESET") == RESET


def test_reset_unsubscribes_from_everything_without_a_word(connect, raw):
    sub = connect()
    sub.call("SUBSCRIBE", "c")
    sub.call("PSUBSCRIBE", "p*")
    sub.call("SSUBSCRIBE", "s")
    assert sub.call("RESET") == RESET
    assert raw.call("PUBLISH", "c", "m") == integer(0)
    assert raw.call("PUBLISH", "pp", "m") == integer(0)
    assert raw.call("SPUBLISH", "s", "m") == integer(0)
    assert sub.call("GET", "k") == NULL  # no longer in the subscriber context


def test_reset_inside_multi_runs_at_once_and_ends_the_transaction(raw):
    raw.call("MULTI")
    raw.call("SET", "k", "v")
    assert raw.call("RESET") == RESET
    assert raw.call("EXEC") == b"-ERR EXEC without MULTI\r\n"
    assert raw.call("GET", "k") == NULL


def test_reset_forgets_the_watched_keys(connect, raw):
    other = connect()
    raw.call("WATCH", "k")
    raw.call("RESET")
    other.call("SET", "k", "changed")
    raw.call("MULTI")
    raw.call("SET", "k", "mine")
    assert raw.call("EXEC") == b"*1\r\n" + OK


def test_a_dirty_watch_is_forgotten_too(connect, raw):
    other = connect()
    raw.call("WATCH", "k")
    other.call("SET", "k", "changed")
    raw.call("RESET")
    raw.call("MULTI")
    assert raw.call("EXEC") == b"*0\r\n"  # not the null array of a touched key


def test_reset_goes_back_to_resp2_and_database_0(raw):
    raw.call("HELLO", "3")
    raw.call("SELECT", "5")
    raw.call("SET", "k", "in5")
    assert raw.call("RESET") == RESET
    assert raw.call("GET", "k") == NULL  # RESP2's null, in database 0
    raw.call("SELECT", "5")
    assert raw.call("GET", "k") == bulk("in5")


def test_reset_clears_the_name_but_not_no_evict(raw):
    raw.call("CLIENT", "SETNAME", "me")
    raw.call("CLIENT", "NO-EVICT", "on")
    raw.call("RESET")
    (me,) = client_lines(raw.call("CLIENT", "INFO"))
    assert (me["name"], me["flags"], me["db"], me["resp"]) == ("", "e", "0", "2")
    raw.call("CLIENT", "NO-EVICT", "off")


def test_reset_logs_out_when_the_server_wants_a_password(start_server):
    proc = start_server(requirepass="secret")
    with RawClient(proc.port) as client:
        assert client.call("AUTH", "secret") == OK
        assert client.call("RESET") == RESET
        assert client.call("GET", "k") == b"-NOAUTH Authentication required.\r\n"


@pytest.mark.exercise("09-subscribe-channel")
@pytest.mark.parametrize("protocol", [2, 3])
def test_reset_answers_the_same_in_either_protocol(connect, protocol):
    client = connect(protocol)
    client.call("SUBSCRIBE", "c")
    assert client.call("RESET") == RESET
