"""The keyspace: DEL, EXISTS, TYPE, RENAME, RANDOMKEY, DBSIZE, FLUSHDB,
FLUSHALL, SELECT, MOVE, SWAPDB, and SCAN's cursor, as Redis 7.0 does them."""

import pytest
from support.replies import NULL, NULL3, OK, arity, error, scan_all
from support.wire import RawClient, decode


def make_one_of_each_type(raw) -> None:
    """Keys s, l, h, S and z: a string, list, hash, set and sorted set."""
    assert raw.call("SET", "s", "v") == OK
    assert raw.call("RPUSH", "l", "a") == b":1\r\n"
    assert raw.call("HSET", "h", "f", "v") == b":1\r\n"
    assert raw.call("SADD", "S", "m") == b":1\r\n"
    assert raw.call("ZADD", "z", "1", "m") == b":1\r\n"


# DEL, UNLINK, EXISTS

@pytest.mark.exercise("04-lookup-key")
@pytest.mark.parametrize("command", ["DEL", "UNLINK"])
def test_del_counts_the_keys_that_existed_whatever_their_type(raw, command):
    make_one_of_each_type(raw)
    assert raw.call(command, "s", "l", "h", "S", "z", "nokey", "s") == b":5\r\n"
    assert raw.call("DBSIZE") == b":0\r\n"


def test_exists_counts_a_key_once_per_mention(raw):
    raw.call("SET", "k", "v")
    assert raw.call("EXISTS", "k", "k", "nokey", "k") == b":3\r\n"
    assert raw.call("EXISTS", "nokey") == b":0\r\n"


@pytest.mark.parametrize("command", ["DEL", "UNLINK", "EXISTS", "MGET"])
def test_commands_on_many_keys_need_one(raw, command):
    assert raw.call(command) == arity(command.lower())


# TYPE

@pytest.mark.exercise("04-lookup-key")
def test_type_names_each_type_as_a_status(raw):
    make_one_of_each_type(raw)
    names = {"s": "string", "l": "list", "h": "hash", "S": "set", "z": "zset",
             "nokey": "none"}
    for key, name in names.items():
        assert raw.call("TYPE", key) == b"+" + name.encode() + b"\r\n"


# RENAME, RENAMENX

def test_rename_moves_the_value_of_any_type(r):
    r.rpush("list", "a", "b")
    assert r.rename("list", "other") is True
    assert r.lrange("other", 0, -1) == [b"a", b"b"]
    assert r.exists("list") == 0


def test_rename_replaces_a_value_of_another_type(raw):
    make_one_of_each_type(raw)
    assert raw.call("RENAME", "h", "z") == OK
    assert raw.call("TYPE", "z") == b"+hash\r\n"
    assert raw.call("EXISTS", "h") == b":0\r\n"


@pytest.mark.parametrize("command", ["RENAME", "RENAMENX"])
def test_rename_of_a_missing_key_is_an_error_even_to_itself(raw, command):
    assert raw.call(command, "nokey", "other") == error("no such key")
    assert raw.call(command, "nokey", "nokey") == error("no such key")


def test_rename_to_the_same_name_keeps_the_key(raw):
    raw.call("SET", "k", "v")
    assert raw.call("RENAME", "k", "k") == OK
    assert raw.call("RENAMENX", "k", "k") == b":0\r\n"
    assert raw.call("GET", "k") == b"$1\r\nv\r\n"


def test_renamenx_only_takes_a_free_name(raw):
    raw.call("SET", "a", "1")
    raw.call("SET", "b", "2")
    assert raw.call("RENAMENX", "a", "b") == b":0\r\n"
    assert raw.call("GET", "b") == b"$1\r\n2\r\n"
    assert raw.call("RENAMENX", "a", "c") == b":1\r\n"
    assert raw.call("GET", "c") == b"$1\r\n1\r\n"
    assert raw.call("EXISTS", "a") == b":0\r\n"


def test_rename_is_binary_safe(raw):
    raw.call("SET", b"a\x00\r\n", b"\xff")
    assert raw.call("RENAME", b"a\x00\r\n", b"b\x00\r\n") == OK
    assert raw.call("GET", b"b\x00\r\n") == b"$1\r\n\xff\r\n"


# RANDOMKEY, DBSIZE

def test_randomkey_of_an_empty_database_is_null(raw):
    assert raw.call("RANDOMKEY") == NULL
    raw.call("HELLO", "3")
    assert raw.call("RANDOMKEY") == NULL3


def test_randomkey_returns_keys_of_the_database(raw):
    keys = {b"k%d" % i for i in range(20)}
    raw.call("MSET", *[x for key in keys for x in (key, b"v")])
    seen = {decode(raw.call("RANDOMKEY")) for _ in range(200)}
    assert seen <= keys
    assert len(seen) > 5  # random, not always the same key


def test_dbsize_counts_the_keys_of_the_current_database(raw):
    make_one_of_each_type(raw)
    assert raw.call("DBSIZE") == b":5\r\n"
    raw.call("SELECT", "1")
    assert raw.call("DBSIZE") == b":0\r\n"


# FLUSHDB, FLUSHALL, SELECT

def test_flushdb_empties_only_the_current_database(raw):
    raw.call("SET", "k", "v")
    raw.call("SELECT", "1")
    raw.call("SET", "k", "v")
    assert raw.call("FLUSHDB") == OK
    assert raw.call("DBSIZE") == b":0\r\n"
    raw.call("SELECT", "0")
    assert raw.call("DBSIZE") == b":1\r\n"


def test_flushall_empties_every_database(raw):
    for index in range(16):
        raw.call("SELECT", index)
        raw.call("SET", "k", "v")
    assert raw.call("FLUSHALL") == OK
    for index in range(16):
        raw.call("SELECT", index)
        assert raw.call("DBSIZE") == b":0\r\n"


@pytest.mark.parametrize("command", ["FLUSHDB", "FLUSHALL"])
@pytest.mark.parametrize(("args", "reply"), [
    (("ASYNC",), OK), (("sync",), OK), (("Async",), OK),
    (("NOW",), error("syntax error")), (("ASYNC", "SYNC"), error("syntax error")),
])
def test_flush_options(raw, command, args, reply):
    raw.call("SET", "k", "v")
    assert raw.call(command, *args) == reply
    assert raw.call("DBSIZE") == (b":0\r\n" if reply == OK else b":1\r\n")


@pytest.mark.parametrize(("index", "reply"), [
    ("15", OK), ("16", error("DB index is out of range")),
    ("-1", error("DB index is out of range")),
    ("x", error("value is not an integer or out of range")),
    ("2147483648", error(
        "value is out of range, value must between -2147483648 and 2147483647")),
])
def test_select_errors(raw, index, reply):
    assert raw.call("SELECT", index) == reply


def test_databases_are_separate(r, server):
    r.set("k", "zero")
    other = RawClient(server.port)
    try:
        other.call("SELECT", "3")
        assert other.call("GET", "k") == NULL
        other.call("SET", "k", "three")
    finally:
        other.close()
    assert r.get("k") == b"zero"


# MOVE, SWAPDB

def test_move_sends_a_key_to_another_database(raw):
    raw.call("SADD", "k", "m")
    assert raw.call("MOVE", "k", "1") == b":1\r\n"
    assert raw.call("EXISTS", "k") == b":0\r\n"
    raw.call("SELECT", "1")
    assert raw.call("SMEMBERS", "k") == b"*1\r\n$1\r\nm\r\n"


def test_move_does_not_replace_a_key_in_the_target(raw):
    raw.call("SET", "k", "here")
    raw.call("SELECT", "1")
    raw.call("SET", "k", "there")
    raw.call("SELECT", "0")
    assert raw.call("MOVE", "k", "1") == b":0\r\n"
    assert raw.call("GET", "k") == b"$4\r\nhere\r\n"
    assert raw.call("MOVE", "nokey", "1") == b":0\r\n"


@pytest.mark.parametrize(("db", "reply"), [
    ("0", error("source and destination objects are the same")),
    ("16", error("DB index is out of range")),
    ("x", error("value is not an integer or out of range")),
    ("99999999999", error(
        "value is out of range, value must between -2147483648 and 2147483647")),
])
def test_move_errors(raw, db, reply):
    assert raw.call("MOVE", "nokey", db) == reply


def test_swapdb_swaps_what_connected_clients_see(raw, server):
    raw.call("SET", "k", "zero")
    other = RawClient(server.port)
    try:
        other.call("SELECT", "1")
        other.call("SET", "k", "one")
        assert raw.call("SWAPDB", "0", "1") == OK
        assert raw.call("GET", "k") == b"$3\r\none\r\n"
        assert other.call("GET", "k") == b"$4\r\nzero\r\n"
    finally:
        other.close()


@pytest.mark.parametrize(("args", "reply"), [
    (("0", "0"), OK),
    (("0", "16"), error("DB index is out of range")),
    (("x", "1"), error("invalid first DB index")),
    (("0", "x"), error("invalid second DB index")),
    (("99", "x"), error("invalid second DB index")),
    (("2147483648", "0"), error("invalid first DB index")),
])
def test_swapdb_errors(raw, args, reply):
    assert raw.call("SWAPDB", *args) == reply


# SCAN

def test_scan_returns_every_key(raw):
    keys = {b"key:%d" % i for i in range(500)}
    raw.call("MSET", *[x for key in keys for x in (key, b"v")])
    assert set(scan_all(raw, "SCAN")) == keys
    assert set(scan_all(raw, "SCAN", "COUNT", "7")) == keys
    assert set(scan_all(raw, "SCAN", "COUNT", "1000")) == keys


def test_scan_of_an_empty_database(raw):
    assert raw.call("SCAN", "0") == b"*2\r\n$1\r\n0\r\n*0\r\n"


def test_scan_reply_is_a_cursor_string_and_an_array(raw):
    raw.call("SET", "k", "v")
    assert raw.call("SCAN", "0") == b"*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n"
    raw.call("HELLO", "3")
    assert raw.call("SCAN", "0") == b"*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n"


def test_scan_match_and_type_filter_the_keys(raw):
    make_one_of_each_type(raw)
    raw.call("MSET", "s2", "v", "t", "v")
    assert sorted(scan_all(raw, "SCAN", "MATCH", "s*")) == [b"s", b"s2"]
    assert sorted(scan_all(raw, "SCAN", "TYPE", "string")) == [b"s", b"s2", b"t"]
    assert sorted(scan_all(raw, "SCAN", "TYPE", "ZSET")) == [b"z"]
    assert scan_all(raw, "SCAN", "TYPE", "nosuchtype") == []
    assert scan_all(raw, "SCAN", "MATCH", "s*", "TYPE", "hash") == []


def test_a_key_present_for_the_whole_scan_is_returned(raw):
    """Keys come and go during the scan; the ones that stay are found."""
    stay = {b"stay:%d" % i for i in range(300)}
    raw.call("MSET", *[x for key in stay for x in (key, b"v")])
    cursor, found, step = b"0", set(), 0
    while True:
        cursor, keys = decode(raw.call("SCAN", cursor, "COUNT", "10"))
        found.update(keys)
        step += 1
        raw.call("SET", b"new:%d" % step, "v")
        raw.call("DEL", b"new:%d" % (step - 1))
        if cursor == b"0":
            break
    assert stay <= found


def test_interleaved_scans_each_complete(raw):
    keys = {b"k%d" % i for i in range(200)}
    raw.call("MSET", *[x for key in keys for x in (key, b"v")])
    cursors = [b"0"] * 100
    found = [set() for _ in cursors]
    done = [False] * len(cursors)
    for _round in range(1000):
        for i, cursor in enumerate(cursors):
            if done[i]:
                continue
            cursors[i], batch = decode(raw.call("SCAN", cursor, "COUNT", "20"))
            found[i].update(batch)
            done[i] = cursors[i] == b"0"
        if all(done):
            break
    assert all(done)
    assert all(f == keys for f in found)


@pytest.mark.parametrize("cursor", ["", "+0", "-0", "000", b"0\x00junk",
                                    "0" * 5000])
def test_scan_cursor_zero_can_be_written_as_strtoul_reads_it(raw, cursor):
    raw.call("SET", "k", "v")
    assert decode(raw.call("SCAN", cursor)) == [b"0", [b"k"]]


@pytest.mark.parametrize("cursor", [
    "007", "+7", "18446744073709551615", "-18446744073709551615"])
def test_scan_accepts_any_cursor_strtoul_reads(raw, cursor):
    raw.call("SET", "k", "v")
    assert raw.call("SCAN", cursor).startswith(b"*2\r\n$")


@pytest.mark.parametrize("cursor", [
    " 0", "0 ", "x", "0x1", "+", "-", "1.5", "18446744073709551616",
    "-18446744073709551616", "1" * 5000])
@pytest.mark.parametrize("command", [("SCAN",), ("HSCAN", "h"), ("SSCAN", "s"),
                                     ("ZSCAN", "z")])
def test_scan_refuses_a_bad_cursor_before_anything_else(raw, cursor, command):
    assert raw.call(*command, cursor) == error("invalid cursor")
    assert raw.call(*command, cursor, "BAD", "OPTION") == error("invalid cursor")


@pytest.mark.parametrize(("options", "reply"), [
    (("COUNT", "0"), error("syntax error")),
    (("COUNT", "-1"), error("syntax error")),
    (("COUNT", "x"), error("value is not an integer or out of range")),
    (("COUNT",), error("syntax error")),
    (("MATCH",), error("syntax error")),
    (("TYPE",), error("syntax error")),
    (("FOO", "bar"), error("syntax error")),
])
def test_scan_option_errors(raw, options, reply):
    assert raw.call("SCAN", "0", *options) == reply


def test_scan_options_are_case_insensitive(raw):
    raw.call("MSET", "a", "1", "b", "2")
    assert scan_all(raw, "SCAN", "match", "a", "count", "5", "type", "STRING") == [b"a"]


@pytest.mark.internal
def test_an_unknown_cursor_starts_the_scan_again(raw):
    """Ours: a cursor we have no snapshot for restarts the scan (so
    nothing is missed). Redis reads any cursor as a bucket position."""
    keys = {b"k%d" % i for i in range(50)}
    raw.call("MSET", *[x for key in keys for x in (key, b"v")])
    assert set(scan_all(raw, "SCAN", "COUNT", "5", cursor=b"123456789")) == keys
