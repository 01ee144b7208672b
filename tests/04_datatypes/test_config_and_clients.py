"""What step 04 adds to step 03's server commands: CONFIG GET takes glob
patterns (the matcher KEYS uses, without regard to case), and CLIENT LIST
shows the database each client has SELECTed.

The order of CONFIG GET's reply is not fixed in Redis (a hash table holds
the matches), so replies are compared as maps.
"""

import redis
from support.replies import OK, client_lines, clients_by_id
from support.wire import RawClient, decode

# Parameters every step from 04 on has; real Redis has these and many more.
STEP_04_PARAMETERS = {
    b"bind", b"port", b"save", b"appendonly", b"maxclients", b"databases",
    b"requirepass", b"proto-max-bulk-len", b"client-query-buffer-limit",
    b"client-output-buffer-limit",
}


def config_get(raw, *args: str) -> dict[bytes, bytes]:
    """CONFIG GET over RESP2 as a dict; fails if a name came twice."""
    flat = decode(raw.call("CONFIG", "GET", *args))
    found = dict(zip(flat[::2], flat[1::2]))
    assert len(found) * 2 == len(flat), f"a name came twice: {flat}"
    return found


def test_config_get_star_returns_every_parameter_once(raw):
    found = config_get(raw, "*")
    assert set(found) >= STEP_04_PARAMETERS
    assert found[b"databases"] == b"16" and found[b"appendonly"] == b"no"


def test_config_get_pattern_matches_names_by_redis_glob_rules(raw, server):
    port = str(server.port).encode()
    assert config_get(raw, "p?rt") == {b"port": port}
    assert config_get(raw, "[op]ort") == {b"port": port}
    assert config_get(raw, "[z-a]ort") == {b"port": port}  # a reversed range
    assert config_get(raw, "[^b]ort") == {b"port": port}
    assert config_get(raw, "databas[^x]s") == {b"databases": b"16"}
    assert config_get(raw, "port\\*") == {}  # an escaped star is a star
    assert config_get(raw, "app*only") == {b"appendonly": b"no"}


def test_config_get_pattern_ignores_case_and_replies_the_parameter_name(raw):
    assert config_get(raw, "DATA*") == {b"databases": b"16"}
    assert config_get(raw, "*BULK*") == config_get(raw, "proto-max-bulk-len")


def test_config_get_replies_a_parameter_once_whatever_finds_it(raw):
    found = config_get(raw, "maxclients", "*clients", "MAXCLIENTS", "max*")
    assert b"maxclients" in found
    assert b"MAXCLIENTS" not in found  # first come, first spelled
    assert list(config_get(raw, "DATABASES", "data*")) == [b"DATABASES"]


def test_config_get_pattern_matching_nothing_is_an_empty_map(raw):
    assert raw.call("CONFIG", "GET", "no-such-*") == b"*0\r\n"
    assert raw.call("HELLO", "3").startswith(b"%7\r\n")
    assert raw.call("CONFIG", "GET", "no-such-*") == b"%0\r\n"
    reply = decode(raw.call("CONFIG", "GET", "data*", "appendonly"))
    assert reply == {b"databases": b"16", b"appendonly": b"no"}


def test_redis_py_config_get_patterns(r):
    found = r.config_get("*max*")
    assert {"maxclients", "proto-max-bulk-len"} <= set(found)
    assert all("max" in name for name in found)
    assert set(r.config_get()) >= {name.decode() for name in STEP_04_PARAMETERS}


def test_client_list_shows_the_database_each_client_selected(raw, server):
    with RawClient(server.port) as other:
        assert other.call("SELECT", "3") == OK
        ids = [int(c.call("CLIENT", "ID")[1:-2]) for c in (raw, other)]
        listed = clients_by_id(raw, *ids)
        assert [listed[i]["db"] for i in ids] == ["0", "3"]
        assert listed[ids[1]]["cmd"] == "client|id"
        assert other.call("SELECT", "15") == OK
        assert clients_by_id(raw, ids[1])[ids[1]]["cmd"] == "select"
        assert client_lines(other.call("CLIENT", "INFO"))[0]["db"] == "15"


def test_redis_py_client_info_after_select(server):
    client = redis.Redis(port=server.port, db=5, socket_timeout=10)
    try:
        assert str(client.client_info()["db"]) == "5"
        assert str(client.client_list(client_id=[client.client_id()])[0]["db"]) == "5"
    finally:
        client.close()
