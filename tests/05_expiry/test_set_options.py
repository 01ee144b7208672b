"""SET with EX PX EXAT PXAT KEEPTTL GET NX XX; SETEX, PSETEX, GETEX, GETDEL."""

import itertools
import time

import pytest
from support.replies import NOT_AN_INTEGER, NULL, OK, SYNTAX_ERROR, WRONGTYPE, bulk, pttl


@pytest.mark.parametrize(("option", "value", "low", "high"), [
    ("EX", "100", 99_000, 100_000), ("PX", "5000", 4_000, 5_000),
    ("ex", "100", 99_000, 100_000), ("px", "5000", 4_000, 5_000),
])
def test_relative_expire_options(raw, option, value, low, high):
    assert raw.call("SET", "k", "v", option, value) == OK
    assert low < pttl(raw) <= high


def test_absolute_expire_options(raw):
    at_ms = time.time_ns() // 1_000_000 + 60_000
    assert raw.call("SET", "a", "v", "PXAT", str(at_ms)) == OK
    assert raw.call("PEXPIRETIME", "a") == b":%d\r\n" % at_ms
    assert raw.call("SET", "b", "v", "EXAT", str(at_ms // 1000)) == OK
    assert raw.call("PEXPIRETIME", "b") == b":%d\r\n" % (at_ms // 1000 * 1000)


def test_exat_in_the_past_sets_a_key_that_is_already_gone(raw):
    assert raw.call("SET", "k", "v", "EXAT", "1") == OK
    assert raw.call("GET", "k") == NULL


def test_set_without_options_clears_the_ttl(raw):
    raw.call("SET", "k", "v", "EX", "100")
    assert raw.call("SET", "k", "w") == OK
    assert raw.call("TTL", "k") == b":-1\r\n"


def test_keepttl_keeps_it(raw):
    raw.call("SET", "k", "v", "EX", "100")
    assert raw.call("SET", "k", "w", "KEEPTTL") == OK
    assert raw.call("TTL", "k") == b":100\r\n"
    assert raw.call("GET", "k") == bulk(b"w")


def test_same_expire_option_twice_keeps_the_last(raw):
    assert raw.call("SET", "k", "v", "EX", "1", "EX", "200") == OK
    assert raw.call("TTL", "k") == b":200\r\n"


@pytest.mark.parametrize("options", [
    ["NX", "XX"], ["XX", "NX"], ["EX", "10", "PX", "100"], ["PX", "10", "EX", "1"],
    ["EX", "10", "EXAT", "10"], ["PXAT", "10", "PX", "10"], ["KEEPTTL", "EX", "10"],
    ["EX", "10", "KEEPTTL"], ["EX"], ["PX"], ["EXAT"], ["PXAT"], ["FOO"],
    ["PERSIST"], ["NX", "EX"],
])
def test_conflicting_or_unknown_options_are_a_syntax_error(raw, options):
    raw.call("SET", "k", "old", "EX", "100")
    assert raw.call("SET", "k", "v", *options) == SYNTAX_ERROR
    assert raw.call("GET", "k") == bulk(b"old")
    assert raw.call("TTL", "k") == b":100\r\n"


@pytest.mark.parametrize(("option", "value"), [("EX", "0"), ("EX", "-1"), ("PX", "0"),
                                               ("EXAT", "0"), ("PXAT", "-10"),
                                               ("EX", "9223372036854775807"),
                                               ("PX", "9223372036854775807")])
def test_non_positive_or_overflowing_expire_is_invalid(raw, option, value):
    reply = raw.call("SET", "k", "v", option, value)
    assert reply == b"-ERR invalid expire time in 'set' command\r\n"
    assert raw.call("EXISTS", "k") == b":0\r\n"


@pytest.mark.parametrize("value", ["abc", "1.5", "", "+1"])
def test_expire_value_must_be_an_integer(raw, value):
    assert raw.call("SET", "k", "v", "EX", value) == NOT_AN_INTEGER


def test_expire_value_is_checked_before_get_and_nx(raw):
    raw.call("RPUSH", "list", "x")
    assert raw.call("SET", "list", "v", "GET", "EX", "0") == (
        b"-ERR invalid expire time in 'set' command\r\n")


def test_nx_and_xx(raw):
    assert raw.call("SET", "k", "v", "XX") == NULL
    assert raw.call("SET", "k", "v", "NX") == OK
    assert raw.call("SET", "k", "w", "NX") == NULL
    assert raw.call("SET", "k", "w", "XX") == OK
    assert raw.call("GET", "k") == bulk(b"w")


def test_get_returns_the_old_value(raw):
    assert raw.call("SET", "k", "v", "GET") == NULL
    assert raw.call("SET", "k", "w", "GET") == bulk(b"v")
    assert raw.call("GET", "k") == bulk(b"w")


def test_get_on_another_type_is_wrongtype_and_sets_nothing(raw):
    raw.call("RPUSH", "k", "x")
    assert raw.call("SET", "k", "v", "GET") == WRONGTYPE
    assert raw.call("TYPE", "k") == b"+list\r\n"


def test_nx_with_get_replies_the_old_value_and_changes_nothing(raw):
    raw.call("SET", "k", "v")
    assert raw.call("SET", "k", "w", "NX", "GET") == bulk(b"v")
    assert raw.call("GET", "k") == bulk(b"v")
    assert raw.call("SET", "new", "x", "NX", "GET") == NULL
    assert raw.call("GET", "new") == bulk(b"x")


def test_xx_with_get_on_a_missing_key(raw):
    assert raw.call("SET", "k", "v", "XX", "GET") == NULL
    assert raw.call("EXISTS", "k") == b":0\r\n"


def test_every_combination_of_set_options_matches_redis_rules(raw):
    """Each combination either works or is a syntax error, by Redis's table
    of exclusions; either way the reply is one of the two, never a crash."""
    options = [["NX"], ["XX"], ["GET"], ["EX", "100"], ["PX", "100000"], ["KEEPTTL"],
               ["EXAT", "4102444800"], ["PXAT", "4102444800000"]]
    expire = {"EX", "PX", "EXAT", "PXAT"}
    for size in (1, 2, 3):
        for combo in itertools.permutations(options, size):
            names = [o[0] for o in combo]
            conflict = ({"NX", "XX"} <= set(names) or len(expire & set(names)) > 1
                        or ("KEEPTTL" in names and expire & set(names)))
            reply = raw.call("SET", "combo", "v", *[w for o in combo for w in o])
            if conflict:
                assert reply == SYNTAX_ERROR, names
            else:
                assert reply in (OK, NULL, bulk(b"v")), (names, reply)


def test_resp3_null_when_nx_fails(r):
    r.set("k", "v")
    assert r.set("k", "w", nx=True) is None


def test_setex_and_psetex(raw):
    assert raw.call("SETEX", "k", "100", "v") == OK
    assert raw.call("TTL", "k") == b":100\r\n"
    assert raw.call("PSETEX", "p", "5000", "v") == OK
    assert 4000 < pttl(raw, "p") <= 5000
    assert raw.call("GET", "p") == bulk(b"v")


@pytest.mark.parametrize(("command", "value", "reply"), [
    ("SETEX", "0", b"-ERR invalid expire time in 'setex' command\r\n"),
    ("SETEX", "-5", b"-ERR invalid expire time in 'setex' command\r\n"),
    ("PSETEX", "0", b"-ERR invalid expire time in 'psetex' command\r\n"),
    ("SETEX", "x", NOT_AN_INTEGER),
])
def test_setex_errors(raw, command, value, reply):
    assert raw.call(command, "k", value, "v") == reply
    assert raw.call("EXISTS", "k") == b":0\r\n"


def test_getex_without_options_is_get(raw):
    raw.call("SET", "k", "v", "EX", "100")
    assert raw.call("GETEX", "k") == bulk(b"v")
    assert raw.call("TTL", "k") == b":100\r\n"
    assert raw.call("GETEX", "missing") == NULL


def test_getex_sets_or_removes_the_ttl(raw):
    raw.call("SET", "k", "v")
    assert raw.call("GETEX", "k", "EX", "100") == bulk(b"v")
    assert raw.call("TTL", "k") == b":100\r\n"
    assert raw.call("GETEX", "k", "PX", "50000") == bulk(b"v")
    assert 49_000 < pttl(raw) <= 50_000
    assert raw.call("GETEX", "k", "PERSIST") == bulk(b"v")
    assert raw.call("TTL", "k") == b":-1\r\n"


def test_getex_with_a_past_absolute_time_replies_then_deletes(raw):
    raw.call("SET", "k", "v")
    assert raw.call("GETEX", "k", "PXAT", "1") == bulk(b"v")
    assert raw.call("EXISTS", "k") == b":0\r\n"


@pytest.mark.parametrize("options", [["PERSIST", "EX", "10"], ["EX", "10", "PERSIST"],
                                     ["NX"], ["XX"], ["GET"], ["KEEPTTL"], ["EX"],
                                     ["EX", "1", "PX", "1"]])
def test_getex_option_errors(raw, options):
    raw.call("SET", "k", "v")
    assert raw.call("GETEX", "k", *options) == SYNTAX_ERROR


def test_getex_expire_errors_name_getex(raw):
    raw.call("SET", "k", "v")
    assert raw.call("GETEX", "k", "EX", "0") == b"-ERR invalid expire time in 'getex' command\r\n"
    assert raw.call("GETEX", "missing", "EX", "0") == NULL  # the key is looked up first


def test_getex_on_another_type(raw):
    raw.call("RPUSH", "k", "x")
    assert raw.call("GETEX", "k", "PERSIST") == WRONGTYPE


def test_getdel_reads_then_deletes_with_the_ttl(raw):
    raw.call("SET", "k", "v", "EX", "100")
    assert raw.call("GETDEL", "k") == bulk(b"v")
    assert raw.call("TTL", "k") == b":-2\r\n"
