"""The AOF's parameters: Redis's defaults, the command-line flags, CONFIG
SET's checks (appenddirname and appendfilename can only be set at
start-up, as in 7.0), and the refusal of bad values at start-up with
Redis's lines."""

import pytest
from support.aof import ready, start_expecting_exit
from support.wire import RawClient, decode

DEFAULTS = {
    "appendonly": "no", "appendfsync": "everysec",
    "appenddirname": "appendonlydir", "appendfilename": "appendonly.aof",
    "aof-use-rdb-preamble": "yes", "aof-load-truncated": "yes",
    "aof-timestamp-enabled": "no", "no-appendfsync-on-rewrite": "no",
    "aof-rewrite-incremental-fsync": "yes",
    "auto-aof-rewrite-percentage": "100",
    "auto-aof-rewrite-min-size": "67108864",
}


def config_get(client: RawClient, name: str) -> str:
    reply = decode(client.call("CONFIG", "GET", name))
    return reply[1].decode()


def set_failed(name: str, why: str) -> bytes:
    return (f"-ERR CONFIG SET failed (possibly related to argument "
            f"'{name}') - {why}\r\n").encode()


def test_the_aof_parameters_have_redis_defaults(raw):
    assert {name: config_get(raw, name) for name in DEFAULTS} == DEFAULTS


def test_flags_set_the_aof_parameters(start_server, tmp_path):
    flags = {"appendonly": "yes", "appendfsync": "always",
             "appenddirname": "d", "appendfilename": "f.aof",
             "aof-use-rdb-preamble": "no", "aof-load-truncated": "no",
             "aof-timestamp-enabled": "yes",
             "no-appendfsync-on-rewrite": "yes",
             "aof-rewrite-incremental-fsync": "no",
             "auto-aof-rewrite-percentage": "50",
             "auto-aof-rewrite-min-size": "1048576"}
    proc = ready(start_server(
        dir=str(tmp_path), **{k.replace("-", "_"): v for k, v in
                              flags.items()}))
    with RawClient(proc.port) as client:
        assert {name: config_get(client, name) for name in flags} == flags


@pytest.mark.parametrize("name", ["appenddirname", "appendfilename"])
def test_the_names_of_the_files_cannot_change_at_run_time(raw, name):
    assert raw.call("CONFIG", "SET", name, "other") == set_failed(
        name, "can't set immutable config")


def test_appendfsync_takes_always_everysec_or_no(start_server):
    proc = ready(start_server())
    with RawClient(proc.port) as client:
        for policy in ("always", "no", "EVERYSEC"):
            assert client.call("CONFIG", "SET", "appendfsync",
                               policy) == b"+OK\r\n"
            assert config_get(client, "appendfsync") == policy.lower()
        assert client.call("CONFIG", "SET", "appendfsync",
                           "sometimes") == set_failed(
            "appendfsync", "argument(s) must be one of the following: "
                           "everysec, always, no")


@pytest.mark.parametrize("name", [
    "aof-use-rdb-preamble", "aof-load-truncated", "aof-timestamp-enabled",
    "no-appendfsync-on-rewrite", "aof-rewrite-incremental-fsync"])
def test_the_yes_no_parameters_can_be_set_at_run_time(start_server, name):
    proc = ready(start_server())
    with RawClient(proc.port) as client:
        for value in ("no", "yes", "no"):
            assert client.call("CONFIG", "SET", name, value) == b"+OK\r\n"
            assert config_get(client, name) == value
        assert client.call("CONFIG", "SET", name, "maybe") == set_failed(
            name, "argument must be 'yes' or 'no'")


def test_the_rewrite_thresholds_take_a_percentage_and_a_size(start_server):
    proc = ready(start_server())
    with RawClient(proc.port) as client:
        assert client.call("CONFIG", "SET", "auto-aof-rewrite-min-size",
                           "1gb") == b"+OK\r\n"
        assert config_get(client, "auto-aof-rewrite-min-size") == \
            "1073741824"
        assert client.call("CONFIG", "SET", "auto-aof-rewrite-percentage",
                           "0") == b"+OK\r\n"
        assert client.call("CONFIG", "SET", "auto-aof-rewrite-percentage",
                           "-1") == set_failed(
            "auto-aof-rewrite-percentage",
            "argument must be between 0 and 2147483647 inclusive")
        assert client.call("CONFIG", "SET", "auto-aof-rewrite-min-size",
                           "-1") == set_failed(
            "auto-aof-rewrite-min-size", "argument must be a memory value")


BAD_FLAGS = [
    ("appendfilename", "a/b", "appendfilename can't be a path, just a "
                              "filename"),
    ("appendfilename", "", "appendfilename can't be empty"),
    ("appenddirname", "x/y", "appenddirname can't be a path, just a "
                             "dirname"),
    ("appenddirname", "", "appenddirname can't be empty"),
    ("appendfsync", "sometimes", "argument(s) must be one of the "
                                 "following: everysec, always, no"),
]


@pytest.mark.parametrize("name,value,message", BAD_FLAGS,
                         ids=[f"{n}={v!r}" for n, v, _ in BAD_FLAGS])
def test_a_bad_value_at_start_up_stops_the_server(target, tmp_path, name,
                                                 value, message):
    status, log = start_expecting_exit(target, dir=str(tmp_path),
                                       **{name: value})
    assert status == 1
    assert "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***" in log
    assert f">>> '{name} \"{value}\"'" in log
    assert message in log
