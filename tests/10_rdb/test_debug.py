"""DEBUG: refused unless enable-debug-command allows it, and refused as
processCommand() refuses it, right after the arity check, so before it can
be queued in MULTI or meet the pub/sub check; DEBUG RELOAD saves the
dataset and loads it again; with NOFLUSH it loads the file into the keys in
memory, where a key found in both stops the server, unless MERGE lets the
file's replace the one in memory."""

import pytest
from support.replies import NULL, OK, arity, integer
from support.servers import wait_until
from support.wire import RawClient

NOT_ALLOWED = (
    b"-ERR DEBUG command not allowed. If the enable-debug-command option is "
    b'set to "local", you can run it from a local connection, otherwise you '
    b"need to set this option in the configuration file, and then restart "
    b"the server.\r\n")


def test_debug_is_refused_by_default_after_its_arity(raw):
    assert raw.call("DEBUG", "RELOAD") == NOT_ALLOWED
    assert raw.call("DEBUG") == arity("debug")


def test_a_refused_debug_aborts_the_transaction(raw):
    assert raw.call("MULTI") == OK
    assert raw.call("DEBUG", "OBJECT", "k") == NOT_ALLOWED
    assert raw.call("SET", "k", "v") == b"+QUEUED\r\n"
    assert raw.call("EXEC") == \
        b"-EXECABORT Transaction discarded because of previous errors.\r\n"
    assert raw.call("GET", "k") == NULL


def test_a_subscribed_client_is_told_debug_is_refused(raw):
    raw.call("SUBSCRIBE", "news")
    assert raw.call("DEBUG", "RELOAD") == NOT_ALLOWED


def test_debug_reload_saves_the_dataset_and_loads_it_again(start_server,
                                                           tmp_path):
    proc = start_server(dir=str(tmp_path), enable_debug_command="yes")
    with RawClient(proc.port) as client:
        client.call("SET", "k", "v")
        client.call("RPUSH", "l", "a", "b")
        assert client.call("DEBUG", "RELOAD") == OK
        assert client.call("GET", "k") == b"$1\r\nv\r\n"
        assert client.call("LRANGE", "l", "0", "-1") == \
            b"*2\r\n$1\r\na\r\n$1\r\nb\r\n"
    assert (tmp_path / "dump.rdb").read_bytes().startswith(b"REDIS")


@pytest.fixture
def reloading(start_server, tmp_path):
    proc = start_server(dir=str(tmp_path), enable_debug_command="yes")
    with RawClient(proc.port) as client:
        yield proc, client


def test_noflush_loads_the_file_into_the_keys_in_memory(reloading):
    _, client = reloading
    client.call("SET", "a", "1")
    client.call("SAVE")
    client.call("DEL", "a")
    client.call("SET", "c", "3")
    assert client.call("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH") == OK
    assert client.call("MGET", "a", "c") == b"*2\r\n$1\r\n1\r\n$1\r\n3\r\n"


def test_merge_lets_the_files_value_and_ttl_replace_the_ones_in_memory(
        reloading):
    _, client = reloading
    client.call("SET", "a", "1")
    client.call("SET", "t", "old")
    client.call("SAVE")
    client.call("SET", "a", "2", "EX", "100")
    client.call("SET", "t", "new", "EX", "100")
    client.call("SET", "c", "3")
    assert client.call("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE") == OK
    assert client.call("MGET", "a", "t", "c") == \
        b"*3\r\n$1\r\n1\r\n$3\r\nold\r\n$1\r\n3\r\n"
    assert client.call("TTL", "a") == integer(-1)
    assert client.call("DBSIZE") == integer(3)


def test_noflush_without_merge_stops_the_server_on_a_key_in_both(reloading):
    proc, client = reloading
    client.call("SET", "a", "1")
    client.call("SAVE")
    client.send(b"DEBUG RELOAD NOSAVE NOFLUSH\r\n")
    assert wait_until(lambda: not proc.alive(), timeout=10)
    assert "RDB has duplicated key 'a' in DB 0" in proc.log_text()
