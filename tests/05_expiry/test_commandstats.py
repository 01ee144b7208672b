"""INFO commandstats and INFO errorstats: every command counted and timed,
every error reply counted by its code.

The shared server keeps its counters from test to test, so each test reads
them before and after what it does and compares the two.
"""

import re

from support.replies import OK, WRONGTYPE, arity, info, info_field
from support.wire import RawClient

CMDSTAT = re.compile(r"cmdstat_([a-z|_-]+):calls=(\d+),usec=(\d+),usec_per_call=(\d+\.\d\d),"
                     r"rejected_calls=(\d+),failed_calls=(\d+)")


def cmdstats(raw) -> dict[str, dict[str, float]]:
    """Every line of INFO commandstats, by command name."""
    text = info(raw, "commandstats")
    assert text.startswith("# Commandstats\r\n")
    stats = {}
    for line in text.split("\r\n")[1:]:
        if line:
            match = CMDSTAT.fullmatch(line)
            assert match, line
            name, *numbers = match.groups()
            stats[name] = dict(zip(["calls", "usec", "usec_per_call", "rejected_calls",
                                    "failed_calls"], map(float, numbers)))
    return stats


def counts(raw, name: str) -> tuple[int, int, int]:
    """(calls, rejected_calls, failed_calls) of one command; zeros before its first."""
    stat = cmdstats(raw).get(name, {})
    return tuple(int(stat.get(k, 0)) for k in ["calls", "rejected_calls", "failed_calls"])


def errorstats(raw) -> dict[str, int]:
    text = info(raw, "errorstats")
    assert text.startswith("# Errorstats\r\n")
    return {code: int(n) for code, n in re.findall(r"^errorstat_(\w+):count=(\d+)\r$",
                                                   text, re.MULTILINE)}


def test_a_command_that_runs_counts_a_call_and_its_time(raw):
    calls, rejected, failed = counts(raw, "echo")
    raw.call("ECHO", "hello")
    stat = cmdstats(raw)["echo"]
    assert (stat["calls"], stat["rejected_calls"], stat["failed_calls"]) == (
        calls + 1, rejected, failed)
    assert abs(stat["usec_per_call"] - stat["usec"] / stat["calls"]) < 0.01


def test_an_error_reply_makes_a_failed_call(raw):
    assert raw.call("SET", "k", "v") == OK
    calls, rejected, failed = counts(raw, "lpush")
    assert raw.call("LPUSH", "k", "x") == WRONGTYPE
    assert counts(raw, "lpush") == (calls + 1, rejected, failed + 1)


def test_a_wrong_number_of_arguments_is_a_rejected_call_that_never_ran(raw):
    calls, rejected, failed = counts(raw, "get")
    assert raw.call("GET") == arity("get")
    assert counts(raw, "get") == (calls, rejected + 1, failed)


def test_a_container_alone_is_a_rejected_call_of_the_container(raw):
    before = counts(raw, "client")
    raw.call("CLIENT")
    assert counts(raw, "client") == (before[0], before[1] + 1, before[2])


def test_subcommands_are_counted_as_container_bar_subcommand(raw):
    calls = counts(raw, "client|id")[0]
    raw.call("CLIENT", "ID")
    raw.call("client", "id")
    assert counts(raw, "client|id")[0] == calls + 2


def test_unknown_commands_and_subcommands_count_only_as_errors(raw):
    errors = errorstats(raw).get("ERR", 0)
    client = counts(raw, "client")
    raw.call("NOSUCHCOMMAND")
    raw.call("CLIENT", "NOSUCHSUBCOMMAND")
    stats = cmdstats(raw)
    assert not [name for name in stats if "nosuch" in name]
    assert counts(raw, "client") == client
    assert errorstats(raw)["ERR"] == errors + 2


def test_noauth_is_a_rejected_call(start_server):
    proc = start_server(requirepass="s3cret")
    with RawClient(proc.port) as client:
        assert client.call("GET", "k") == b"-NOAUTH Authentication required.\r\n"
        assert client.call("AUTH", "s3cret") == OK
        assert counts(client, "get") == (0, 1, 0)
        assert counts(client, "auth") == (1, 0, 0)
        assert errorstats(client) == {"NOAUTH": 1}


def test_errorstats_counts_each_error_code_in_byte_order(raw):
    before = errorstats(raw)
    raw.call("SET", "k", "v")
    raw.call("LPUSH", "k", "x")
    raw.call("INCR", "k")
    raw.call("HELLO", "4")
    after = errorstats(raw)
    assert after["WRONGTYPE"] == before.get("WRONGTYPE", 0) + 1
    assert after["ERR"] == before.get("ERR", 0) + 1
    assert after["NOPROTO"] == before.get("NOPROTO", 0) + 1
    assert list(after) == sorted(after)


def test_a_protocol_error_counts_in_errorstats(raw, server):
    errors = errorstats(raw).get("ERR", 0)
    total = int(info_field(raw, "stats", "total_error_replies"))
    with RawClient(server.port) as bad:
        bad.send(b"*1\r\n$x\r\n")
        assert bad.read_until_closed() == b"-ERR Protocol error: invalid bulk length\r\n"
    assert errorstats(raw)["ERR"] == errors + 1
    assert int(info_field(raw, "stats", "total_error_replies")) == total + 1


def test_commands_never_called_are_not_listed(start_server):
    proc = start_server()
    with RawClient(proc.port) as client:
        assert info(client, "commandstats") == "# Commandstats\r\n"
        assert info(client, "errorstats") == "# Errorstats\r\n"


def test_redis_py_parses_commandstats(r):
    r.ping()
    stats = r.info("commandstats")
    assert stats["cmdstat_ping"]["calls"] >= 1
    assert set(stats["cmdstat_ping"]) == {"calls", "usec", "usec_per_call", "rejected_calls",
                                          "failed_calls"}
