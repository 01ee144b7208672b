"""CONFIG GET with several names, and CONFIG HELP, as in Redis 7.0.15.

configGetCommand() gathers what was asked for in a hash table, so the
order of the reply is not fixed (real Redis changes it from one start to
the next): these tests compare replies as maps. A name is found in any
case and comes back spelled as it was sent; a parameter asked for twice
comes once; unknown names are left out. Glob patterns arrive with step
04's matcher (tests/04_datatypes/test_config_get_patterns.py).
"""

import pytest
from support.replies import arity, error
from support.wire import decode

CONFIG_HELP = [
    "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
    "HELP",
    "    Prints this help.",
]
HELP_REPLY = b"*11\r\n" + b"".join(b"+%s\r\n" % line.encode() for line in CONFIG_HELP)


def config_get(raw, *names: str) -> dict[bytes, bytes]:
    """CONFIG GET over RESP2: the flat array of names and values, as a dict."""
    flat = decode(raw.call("CONFIG", "GET", *names))
    assert len(flat) % 2 == 0
    found = dict(zip(flat[::2], flat[1::2]))
    assert len(found) == len(flat) // 2, f"a name came twice: {flat}"
    return found


def test_config_help_is_redis_text(raw):
    assert raw.call("CONFIG", "HELP") == HELP_REPLY


def test_config_help_is_the_same_in_resp3(raw):
    assert raw.call("HELLO", "3").startswith(b"%7\r\n")
    assert raw.call("config", "help") == HELP_REPLY


def test_unknown_config_subcommand_points_to_config_help(raw):
    assert raw.call("CONFIG", "REWIND") == error("unknown subcommand 'REWIND'. Try CONFIG HELP.")
    assert raw.call("CONFIG", "HELP", "GET") == arity("config|help")


def test_config_get_takes_several_names(raw, server):
    found = config_get(raw, "port", "appendonly", "save")
    assert found == {b"port": str(server.port).encode(), b"appendonly": b"no", b"save": b""}


def test_config_get_leaves_unknown_names_out(raw, server):
    assert config_get(raw, "no-such-parameter", "port", "portal") == {
        b"port": str(server.port).encode()}
    assert raw.call("CONFIG", "GET", "no-such-parameter", "another") == b"*0\r\n"


def test_config_get_finds_names_in_any_case_and_spells_them_as_sent(raw):
    assert list(config_get(raw, "MaxClients")) == [b"MaxClients"]
    assert list(config_get(raw, "APPENDONLY", "appendonly", "AppendOnly")) == [b"APPENDONLY"]


def test_config_get_replies_each_parameter_once(raw):
    found = config_get(raw, "save", "appendonly", "save", "save")
    assert set(found) == {b"save", b"appendonly"}


def test_config_get_is_a_map_in_resp3(raw, server):
    assert raw.call("HELLO", "3").startswith(b"%7\r\n")
    port = str(server.port).encode()
    assert raw.call("CONFIG", "GET", "port") == b"%%1\r\n$4\r\nport\r\n$%d\r\n%s\r\n" % (
        len(port), port)
    assert raw.call("CONFIG", "GET", "nothing") == b"%0\r\n"
    assert decode(raw.call("CONFIG", "GET", "port", "save")) == {b"port": port, b"save": b""}


def test_config_get_needs_a_name(raw):
    assert raw.call("CONFIG", "GET") == arity("config|get")


def test_redis_py_config_get_of_several_names(r, server):
    assert r.config_get("port", "maxclients", "port").keys() == {"port", "maxclients"}
    assert r.config_get("port")["port"] == str(server.port)


@pytest.mark.last_step("03_eventloop")
def test_config_get_takes_no_patterns_until_step_04(raw):
    """Step 03 reads every argument as a name: "*" is a name nothing has."""
    assert raw.call("CONFIG", "GET", "*") == b"*0\r\n"
    assert raw.call("CONFIG", "GET", "max*") == b"*0\r\n"
