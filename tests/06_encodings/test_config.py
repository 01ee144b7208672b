"""CONFIG SET, CONFIG GET, CONFIG RESETSTAT and CONFIG REWRITE, as in
Redis 7.0.15 (config.c): every parameter step 06 has, several at once and
all or none, with Redis's errors for each type of value; the thresholds of
the compact encodings and their old *-ziplist-* names; and flags on the
command line read the way CONFIG SET reads them.

Tests share a server, so each one puts back the parameters it changed.
"""

import resource
import subprocess
from contextlib import contextmanager

import pytest
from support.replies import OK, SYNTAX_ERROR, arity, bulks, error, info
from support.servers import free_port
from support.wire import RawClient, command, connect_when_possible, decode


def config_get(raw, *patterns: str) -> dict[bytes, bytes]:
    """CONFIG GET over RESP2 as a dict; fails if a name came twice."""
    flat = decode(raw.call("CONFIG", "GET", *patterns))
    found = dict(zip(flat[::2], flat[1::2], strict=True))
    assert len(found) * 2 == len(flat), f"a name came twice: {flat}"
    return found


@pytest.fixture(autouse=True)
def _config_put_back(server):
    """Set back, after each test, every parameter it changed."""
    with RawClient(server.port) as client:
        before = config_get(client, "*")
        yield
        after = config_get(client, "*")
        for name, value in before.items():
            if after[name] != value:
                assert client.call("CONFIG", "SET", name, value) == OK, name


def set_failed(name: str, why: str) -> bytes:
    return error(f"CONFIG SET failed (possibly related to argument '{name}') - {why}")


def unknown_option(name: str) -> bytes:
    return error(f"Unknown option or number of arguments for CONFIG SET - '{name}'")


# CONFIG SET: what it takes, and the order of its checks

def test_config_set_replies_ok_and_config_get_shows_the_new_value(raw):
    assert raw.call("CONFIG", "SET", "hash-max-listpack-entries", "4") == OK
    assert raw.call("CONFIG", "GET", "hash-max-listpack-entries") == bulks(
        "hash-max-listpack-entries", "4")


def test_config_set_takes_several_parameters_at_once(raw):
    assert raw.call("CONFIG", "SET", "zset-max-listpack-entries", "7",
                    "set-max-intset-entries", "9", "hz", "20") == OK
    assert config_get(raw, "zset-max-listpack-entries", "set-max-intset-entries", "hz") == {
        b"zset-max-listpack-entries": b"7", b"set-max-intset-entries": b"9", b"hz": b"20"}


def test_config_set_finds_names_in_any_case_and_errors_give_the_real_name(raw):
    assert raw.call("CONFIG", "SET", "Set-Max-Intset-Entries", "3") == OK
    assert config_get(raw, "set-max-intset-entries") == {b"set-max-intset-entries": b"3"}
    assert raw.call("CONFIG", "SET", "HZ", "abc") == set_failed(
        "hz", "argument couldn't be parsed into an integer")


def test_config_set_needs_pairs_of_name_and_value(raw):
    assert raw.call("CONFIG", "SET", "hz") == arity("config|set")
    assert raw.call("CONFIG", "SET") == arity("config|set")
    assert raw.call("CONFIG", "SET", "hz", "20", "maxclients") == SYNTAX_ERROR
    assert config_get(raw, "hz") == {b"hz": b"10"}


def test_unknown_parameter_sets_nothing(raw):
    assert raw.call("CONFIG", "SET", "hz", "20", "no-such-thing", "1") == unknown_option(
        "no-such-thing")
    assert config_get(raw, "hz") == {b"hz": b"10"}


def test_unknown_name_is_quoted_as_c_prints_it(raw):
    """A NUL ends the name in the message; CR and LF become spaces."""
    assert raw.call("CONFIG", "SET", b"no\0such", "1") == unknown_option("no")
    assert raw.call("CONFIG", "SET", "no\r\nsuch", "1") == unknown_option("no  such")


def test_immutable_parameter_is_refused_under_the_name_sent(raw):
    assert raw.call("CONFIG", "SET", "DATABASES", "5") == set_failed(
        "DATABASES", "can't set immutable config")
    assert config_get(raw, "databases") == {b"databases": b"16"}


def test_only_the_first_problem_is_reported(raw):
    assert raw.call("CONFIG", "SET", "databases", "5", "no-such", "1") == set_failed(
        "databases", "can't set immutable config")
    assert raw.call("CONFIG", "SET", "no-such", "1", "databases", "5") == unknown_option(
        "no-such")
    assert raw.call("CONFIG", "SET", "hz", "5", "HZ", "6", "no-such", "1") == set_failed(
        "HZ", "duplicate parameter")


def test_a_parameter_named_twice_is_refused(raw):
    assert raw.call("CONFIG", "SET", "hz", "5", "hz", "5") == set_failed(
        "hz", "duplicate parameter")
    assert config_get(raw, "hz") == {b"hz": b"10"}


def test_the_old_and_the_new_name_are_two_parameters_and_the_last_wins(raw):
    assert raw.call("CONFIG", "SET", "hash-max-listpack-entries", "1",
                    "hash-max-ziplist-entries", "2") == OK
    assert config_get(raw, "hash-max-listpack-entries", "hash-max-ziplist-entries") == {
        b"hash-max-listpack-entries": b"2", b"hash-max-ziplist-entries": b"2"}


def test_a_refused_value_puts_back_the_values_set_before_it(raw):
    reply = raw.call("CONFIG", "SET", "hz", "50", "maxmemory-policy", "allkeys-lfu",
                     "list-max-listpack-size", "x", "zset-max-listpack-entries", "3")
    assert reply == set_failed("list-max-listpack-size",
                               "argument couldn't be parsed into an integer")
    assert config_get(raw, "hz", "maxmemory-policy", "list-max-listpack-size",
                      "zset-max-listpack-entries") == {
        b"hz": b"10", b"maxmemory-policy": b"noeviction",
        b"list-max-listpack-size": b"-2", b"zset-max-listpack-entries": b"128"}


def test_errors_are_the_same_in_resp3(raw):
    assert raw.call("HELLO", "3").startswith(b"%")
    assert raw.call("CONFIG", "SET", "hz", "x") == set_failed(
        "hz", "argument couldn't be parsed into an integer")
    assert raw.call("CONFIG", "SET", "hz", "11") == OK
    assert raw.call("CONFIG", "GET", "hz") == b"%1\r\n$2\r\nhz\r\n$2\r\n11\r\n"


# Values, by type

BETWEEN = "argument must be between {} and {} inclusive"
NOT_AN_INTEGER = "argument couldn't be parsed into an integer"
NOT_MEMORY = "argument must be a memory value"
LONG_MAX = 2**63 - 1


@pytest.mark.parametrize(("name", "value", "why"), [
    ("maxclients", "abc", NOT_AN_INTEGER),
    ("maxclients", "0", BETWEEN.format(1, 2**32 - 1)),
    ("maxclients", "-1", BETWEEN.format(1, 2**32 - 1)),  # unsigned: -1 is huge
    ("hz", "-1", BETWEEN.format(0, 2**31 - 1)),
    ("hz", "+5", NOT_AN_INTEGER),
    ("hz", " 5", NOT_AN_INTEGER),
    ("hash-max-listpack-entries", "-1", BETWEEN.format(0, LONG_MAX)),
    ("hash-max-ziplist-entries", "1kb", NOT_AN_INTEGER),
    ("set-max-intset-entries", "99999999999999999999", NOT_AN_INTEGER),
    ("zset-max-listpack-entries", "1.5", NOT_AN_INTEGER),
    ("list-max-listpack-size", "3000000000", BETWEEN.format(-(2**31), 2**31 - 1)),
    ("list-compress-depth", "-1", BETWEEN.format(0, 2**31 - 1)),
    ("lfu-log-factor", "-1", BETWEEN.format(0, 2**31 - 1)),
    ("lfu-decay-time", "x", NOT_AN_INTEGER),
    ("hash-max-listpack-value", "-1", NOT_MEMORY),
    ("zset-max-listpack-value", "1.5kb", NOT_MEMORY),
    ("zset-max-ziplist-value", "1 kb", NOT_MEMORY),
    ("proto-max-bulk-len", "1000", BETWEEN.format(1024 * 1024, LONG_MAX)),
    ("proto-max-bulk-len", "9223372036854775808", BETWEEN.format(1024 * 1024, LONG_MAX)),
    ("client-query-buffer-limit", "-5", NOT_MEMORY),
    ("client-query-buffer-limit", "1000", BETWEEN.format(1024 * 1024, LONG_MAX)),
    ("maxmemory", "1tb", NOT_MEMORY),
    ("appendonly", "maybe", "argument must be 'yes' or 'no'"),
    ("maxmemory-policy", "lru", "argument(s) must be one of the following: volatile-lru, "
     "volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, "
     "allkeys-random, noeviction"),
    ("maxmemory-policy", "allkeys-lru volatile-lru", "argument(s) must be one of the "
     "following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, "
     "allkeys-lfu, allkeys-random, noeviction"),
])
def test_a_bad_value_gets_redis_error_for_its_type(raw, name, value, why):
    before = config_get(raw, name)
    assert raw.call("CONFIG", "SET", name, value) == set_failed(name, why)
    assert config_get(raw, name) == before


@pytest.mark.parametrize(("value", "stored"), [
    ("100", "100"), ("100b", "100"), ("1k", "1000"), ("1kb", "1024"), ("2KB", "2048"),
    ("3m", "3000000"), ("3mb", "3145728"), ("1g", "1000000000"), ("1Gb", "1073741824"),
    ("", "0"), ("kb", "0"),  # no digits at all reads as 0, as in C
])
def test_memory_values_take_units_in_any_case_and_are_shown_in_bytes(raw, value, stored):
    assert raw.call("CONFIG", "SET", "hash-max-listpack-value", value) == OK
    assert config_get(raw, "hash-max-listpack-value") == {
        b"hash-max-listpack-value": stored.encode()}


def test_memory_values_too_big_for_64_bits_saturate_then_wrap(raw):
    assert raw.call("CONFIG", "SET", "maxmemory", "18446744073709551616") == OK
    assert config_get(raw, "maxmemory") == {b"maxmemory": b"18446744073709551615"}
    assert raw.call("CONFIG", "SET", "maxmemory", "99999999999999999999gb") == OK
    assert config_get(raw, "maxmemory") == {b"maxmemory": str(2**64 - 2**30).encode()}


def test_enum_and_yes_no_values_ignore_case(raw):
    assert raw.call("CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LFU", "appendonly",
                    "NO") == OK
    assert config_get(raw, "maxmemory-policy", "appendonly") == {
        b"maxmemory-policy": b"allkeys-lfu", b"appendonly": b"no"}


def test_hz_out_of_range_is_clamped_not_refused(raw):
    assert raw.call("CONFIG", "SET", "hz", "1000") == OK
    assert config_get(raw, "hz") == {b"hz": b"500"}
    assert raw.call("CONFIG", "SET", "hz", "0") == OK
    assert config_get(raw, "hz") == {b"hz": b"1"}


def test_maxmemory_and_its_policy_show_in_info_memory(raw):
    assert raw.call("CONFIG", "SET", "maxmemory", "10gb",
                    "maxmemory-policy", "volatile-ttl") == OK
    text = info(raw, "memory")
    assert "\r\nmaxmemory:10737418240\r\n" in text
    assert "\r\nmaxmemory_human:10.00G\r\n" in text
    assert "\r\nmaxmemory_policy:volatile-ttl\r\n" in text


@pytest.mark.parametrize(("value", "shown"), [
    ("100 10", "100 10"),
    ("3600 1 300 100", "3600 1 300 100"),
    ("100 ", "100 0"),  # an empty word reads as 0, a valid number of changes
    ("+5 -0", "5 0"),
    ("100 4294967297", "100 1"),  # changes are a C int
    ("99999999999999999999 1", "9223372036854775807 1"),
    ("", ""),
])
def test_save_takes_pairs_of_seconds_and_changes(raw, value, shown):
    assert raw.call("CONFIG", "SET", "save", value) == OK
    assert config_get(raw, "save") == {b"save": shown.encode()}


@pytest.mark.parametrize("value", ["100", "0 1", "100  10", " 100 10", "a b", "100 -1",
                                   "100 1 200"])
def test_save_refuses_anything_else(raw, value):
    assert raw.call("CONFIG", "SET", "save", value) == set_failed(
        "save", "Invalid save parameters")
    assert config_get(raw, "save") == {b"save": b""}


def test_client_output_buffer_limit_sets_only_the_classes_named(raw):
    assert raw.call("CONFIG", "SET", "client-output-buffer-limit",
                    "normal 0 0 0 slave 1 2 3") == OK
    assert raw.call("CONFIG", "SET", "client-output-buffer-limit",
                    "REPLICA 1kb 2kb 3 pubsub 1mb 1 4294967297") == OK
    assert config_get(raw, "client-output-buffer-limit") == {
        b"client-output-buffer-limit":
            b"normal 0 0 0 slave 1024 2048 3 pubsub 1048576 1 1"}


@pytest.mark.parametrize(("value", "why"), [
    ("normal 1mb 2mb", "Wrong number of arguments in buffer limit configuration."),
    ("normal  1 1 1", "Wrong number of arguments in buffer limit configuration."),
    ("master 1 1 1", "Invalid client class specified in buffer limit configuration."),
    ("normal 1 1 -1", "Error in hard, soft or soft_seconds setting in buffer limit "
                      "configuration."),
    ("pubsub 1 1 2147483648", "Error in hard, soft or soft_seconds setting in buffer "
                              "limit configuration."),
    ("normal 1x 1 1", "Error in hard, soft or soft_seconds setting in buffer limit "
                      "configuration."),
])
def test_client_output_buffer_limit_refuses_bad_groups_entirely(raw, value, why):
    before = config_get(raw, "client-output-buffer-limit")
    assert raw.call("CONFIG", "SET", "client-output-buffer-limit",
                    f"slave 1 1 1 {value}") == set_failed("client-output-buffer-limit", why)
    assert config_get(raw, "client-output-buffer-limit") == before


# CONFIG GET of the step's parameters

DEFAULTS = {
    b"hash-max-listpack-entries": b"512", b"hash-max-ziplist-entries": b"512",
    b"hash-max-listpack-value": b"64", b"hash-max-ziplist-value": b"64",
    b"zset-max-listpack-entries": b"128", b"zset-max-ziplist-entries": b"128",
    b"zset-max-listpack-value": b"64", b"zset-max-ziplist-value": b"64",
    b"set-max-intset-entries": b"512",
    b"list-max-listpack-size": b"-2", b"list-max-ziplist-size": b"-2",
    b"list-compress-depth": b"0", b"maxmemory": b"0", b"maxmemory-policy": b"noeviction",
    b"lfu-log-factor": b"10", b"lfu-decay-time": b"1", b"hz": b"10",
    b"maxclients": b"10000", b"requirepass": b"", b"databases": b"16",
    b"proto-max-bulk-len": b"536870912", b"client-query-buffer-limit": b"1073741824",
}


def test_config_get_star_has_every_parameter_with_its_default(raw):
    found = config_get(raw, "*")
    assert {name: found.get(name) for name in DEFAULTS} == DEFAULTS


def test_an_old_name_is_answered_under_the_name_asked(raw):
    assert raw.call("CONFIG", "GET", "hash-max-ziplist-entries") == bulks(
        "hash-max-ziplist-entries", "512")
    assert raw.call("CONFIG", "GET", "ZSET-MAX-ZIPLIST-VALUE") == bulks(
        "ZSET-MAX-ZIPLIST-VALUE", "64")


def test_a_pattern_matches_old_and_new_names_alike(raw):
    assert config_get(raw, "hash-max-*") == {
        b"hash-max-listpack-entries": b"512", b"hash-max-ziplist-entries": b"512",
        b"hash-max-listpack-value": b"64", b"hash-max-ziplist-value": b"64"}
    assert config_get(raw, "HASH-MAX-ZIPLIST-ENTRIES", "hash-max-z*") == {
        b"HASH-MAX-ZIPLIST-ENTRIES": b"512", b"hash-max-ziplist-value": b"64"}


def test_config_get_of_several_names_is_a_map_in_resp3(raw):
    assert raw.call("HELLO", "3").startswith(b"%")
    reply = raw.call("CONFIG", "GET", "list-max-ziplist-size", "set-max-*")
    assert reply.startswith(b"%2\r\n")
    assert decode(reply) == {b"list-max-ziplist-size": b"-2",
                             b"set-max-intset-entries": b"512"}


# CONFIG SET requirepass, CONFIG RESETSTAT, REWRITE

NOAUTH = b"-NOAUTH Authentication required.\r\n"


def test_a_password_set_applies_to_new_connections_only(start_server):
    proc = start_server()
    with RawClient(proc.port) as admin:
        assert admin.call("CONFIG", "SET", "requirepass", "s3cret") == OK
        assert admin.call("PING") == b"+PONG\r\n"  # it connected without one
        assert admin.call("CONFIG", "GET", "requirepass") == bulks("requirepass", "s3cret")
        with RawClient(proc.port) as late:
            assert late.call("PING") == NOAUTH
            assert late.call("AUTH", "s3cret") == OK
            assert late.call("PING") == b"+PONG\r\n"


def test_clearing_the_password_lets_everyone_in(start_server):
    proc = start_server(requirepass="s3cret")
    with RawClient(proc.port) as client, RawClient(proc.port) as other:
        assert client.call("AUTH", "s3cret") == OK
        assert other.call("PING") == NOAUTH
        assert client.call("CONFIG", "SET", "requirepass", "") == OK
        assert other.call("PING") == b"+PONG\r\n"
        assert client.call("CONFIG", "GET", "requirepass") == bulks("requirepass", "")
        assert other.call("AUTH", "s3cret") == error(
            "AUTH <password> called without any password configured for the default "
            "user. Are you sure your configuration is correct?")


def test_resetstat_starts_every_counter_again(raw):
    raw.call("SET", "k", "v")
    raw.call("GET", "k")
    raw.call("GET", "missing")
    raw.call("NO-SUCH-COMMAND")
    assert raw.call("CONFIG", "RESETSTAT") == OK
    stats = dict(line.split(":", 1) for line in info(raw, "stats").split("\r\n")[1:] if line)
    assert {name: stats[name] for name in (
        "total_connections_received", "total_commands_processed", "total_net_input_bytes",
        "total_net_output_bytes", "rejected_connections", "expired_keys",
        "keyspace_hits", "keyspace_misses", "total_error_replies")} == {
        "total_connections_received": "0",
        "total_commands_processed": "1",  # CONFIG RESETSTAT itself
        "total_net_input_bytes": str(len(command("INFO", "stats"))),
        "total_net_output_bytes": str(len(OK)),
        "rejected_connections": "0", "expired_keys": "0",
        "keyspace_hits": "0", "keyspace_misses": "0", "total_error_replies": "0"}
    assert info(raw, "errorstats") == "# Errorstats\r\n"
    commandstats = info(raw, "commandstats").split("\r\n")[1:-1]
    assert sorted(line.split(":")[0] for line in commandstats) == [
        "cmdstat_config|resetstat", "cmdstat_info"]


def test_resetstat_and_rewrite_take_no_arguments(raw):
    assert raw.call("CONFIG", "RESETSTAT", "now") == arity("config|resetstat")
    assert raw.call("CONFIG", "REWRITE", "now") == arity("config|rewrite")


def test_rewrite_needs_a_config_file(raw):
    assert raw.call("CONFIG", "REWRITE") == error("The server is running without a config file")


# maxclients: an apply step that can fail, and what CONFIG SET then undoes

@contextmanager
def server_with_file_limit(target, limit: int):
    """The target started with RLIMIT_NOFILE at `limit` (soft and hard)."""
    port = free_port()
    proc = subprocess.Popen(
        target.command(port, {}), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit)))
    try:
        with connect_when_possible(port) as client:
            yield client
    finally:
        proc.terminate()
        proc.wait(10)


def test_maxclients_beyond_the_open_files_limit_is_refused_and_undone(target):
    with server_with_file_limit(target, 256) as client:
        assert config_get(client, "maxclients") == {b"maxclients": b"224"}  # 256 - 32
        assert client.call("CONFIG", "SET", "hz", "50", "maxclients", "10000") == set_failed(
            "maxclients", "The operating system is not able to handle the specified "
                          "number of clients, try with 224")
        assert config_get(client, "maxclients", "hz") == {b"maxclients": b"224", b"hz": b"10"}
        assert client.call("CONFIG", "SET", "maxclients", "100", "hz", "50") == OK
        assert config_get(client, "maxclients", "hz") == {b"maxclients": b"100", b"hz": b"50"}


# The command line is read as CONFIG SET reads a value

def test_flags_set_the_thresholds_under_either_name(start_server):
    proc = start_server(hash_max_ziplist_entries=4, zset_max_listpack_value="1kb",
                        list_max_listpack_size=-3, maxmemory_policy="allkeys-lfu")
    with RawClient(proc.port) as client:
        assert config_get(client, "hash-max-listpack-entries", "zset-max-listpack-value",
                          "list-max-listpack-size", "maxmemory-policy") == {
            b"hash-max-listpack-entries": b"4", b"zset-max-listpack-value": b"1024",
            b"list-max-listpack-size": b"-3", b"maxmemory-policy": b"allkeys-lfu"}


def test_a_bad_flag_value_stops_the_server_with_redis_message(target):
    result = subprocess.run(target.command(free_port(), {"hash-max-listpack-entries": "-1"}),
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***" in result.stderr
    assert ">>> 'hash-max-listpack-entries \"-1\"'" in result.stderr
    assert BETWEEN.format(0, LONG_MAX) in result.stderr.splitlines()


# redis-py

def test_redis_py_config_set_get_and_resetstat(r):
    assert r.config_set("hash-max-listpack-entries", 4, "zset-max-ziplist-entries", 8) is True
    assert r.config_get("hash-max-*-entries") == {
        "hash-max-listpack-entries": "4", "hash-max-ziplist-entries": "4"}
    assert r.config_get("zset-max-listpack-entries")["zset-max-listpack-entries"] == "8"
    assert r.config_resetstat() is True
    assert r.info("stats")["total_commands_processed"] == 1


# Our own server only: what step 06 does not do

@pytest.mark.last_step("10_rdb")
def test_appendonly_cannot_be_turned_on_before_step_11(raw):
    assert raw.call("CONFIG", "SET", "hz", "50", "appendonly", "yes") == set_failed(
        "appendonly", "Unable to turn on AOF. Check server logs.")
    assert config_get(raw, "hz", "appendonly") == {b"hz": b"10", b"appendonly": b"no"}


@pytest.mark.internal
def test_port_and_bind_are_immutable_here(raw):
    """Redis listens again on the new port or addresses; we don't."""
    assert raw.call("CONFIG", "SET", "port", "1") == set_failed(
        "port", "can't set immutable config")
    assert raw.call("CONFIG", "SET", "bind", "127.0.0.1") == set_failed(
        "bind", "can't set immutable config")
