"""CLIENT LIST, CLIENT INFO and CLIENT NO-EVICT: a client sees every client.

A CLIENT LIST line has Redis 7.0.15's fields in its order. Values that the
clients' own sockets can confirm (ids, addresses, names, the last command,
the protocol) are checked exactly; those that vary (memory, file
descriptors, seconds) are checked for their form. The shared server may
have other connections open, so most tests list their own clients by ID.
"""

import pytest
from support.replies import OK, SYNTAX_ERROR, arity, client_lines, clients_by_id, error
from support.servers import wait_until
from support.wire import RawClient, command

FIELDS = [
    "id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub",
    "ssub", "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl",
    "oll", "omem", "tot-mem", "events", "cmd", "user", "redir", "resp",
]
NUMBERS = ["fd", "age", "idle", "qbuf-free", "rbs", "rbp", "tot-mem"]


def address(pair: tuple) -> str:
    """The "ip:port" Redis writes for a socket address."""
    return f"{pair[0]}:{pair[1]}"


def client_id(client: RawClient) -> int:
    reply = client.call("CLIENT", "ID")
    return int(reply[1:-2])


@pytest.fixture
def three(server):
    """Three named clients: a (which asks), b and c."""
    clients = [RawClient(server.port) for _ in range(3)]
    for client, name in zip(clients, "abc"):
        assert client.call("CLIENT", "SETNAME", name) == OK
    yield clients
    for client in clients:
        client.close()


def test_client_info_has_redis_fields_in_redis_order(raw):
    (line,) = client_lines(raw.call("CLIENT", "INFO"))
    assert list(line) == FIELDS


def test_client_list_describes_three_clients_as_their_sockets_see_themselves(three):
    a, b, c = three
    ids = [client_id(client) for client in three]
    assert b.call("ECHO", "hi") == b"$2\r\nhi\r\n"
    request = command("CLIENT", "LIST", "ID", *ids)
    lines = client_lines(a.request(request))
    assert [int(line["id"]) for line in lines] == ids
    for line, client, name in zip(lines, three, "abc"):
        assert list(line) == FIELDS
        assert line["addr"] == address(client.sock.getsockname())
        assert line["laddr"] == address(client.sock.getpeername())
        assert line["name"] == name
        assert all(line[field].isdigit() for field in NUMBERS), line
        assert line["flags"] == "N" and line["db"] == "0" and line["events"] == "r"
        assert (line["sub"], line["psub"], line["ssub"], line["multi"]) == ("0", "0", "0", "-1")
        assert (line["multi-mem"], line["obl"], line["oll"], line["omem"]) == ("0",) * 4
        assert (line["user"], line["redir"], line["resp"]) == ("default", "-1", "2")
    assert len({line["fd"] for line in lines}) == 3
    assert [line["cmd"] for line in lines] == ["client|list", "echo", "client|id"]
    # Only the asking client has a request in hand: its query buffer holds
    # exactly that request, and its arguments are what argv-mem counts.
    asking, *others = lines
    assert int(asking["qbuf"]) == len(request)
    assert int(asking["argv-mem"]) == len("CLIENTLISTID") + sum(len(str(i)) for i in ids)
    assert all((line["qbuf"], line["argv-mem"]) == ("0", "0") for line in others)


def test_client_list_of_everyone_lists_clients_in_the_order_they_connected(raw, three):
    ids = [client_id(client) for client in three]
    listed = [int(line["id"]) for line in client_lines(raw.call("CLIENT", "LIST"))]
    assert [i for i in listed if i in ids] == ids


def test_client_list_shows_the_last_command_even_a_refused_one(three):
    a, b, _ = three
    b_id = client_id(b)
    for request, cmd in [
        (("ECHO",), "echo"),  # wrong arity: the command was found
        (("CLIENT",), "client"),
        (("NO-SUCH-COMMAND",), "NULL"),  # nothing found
        (("CLIENT", "NO-SUCH-SUBCOMMAND"), "NULL"),
        (("ping",), "ping"),
    ]:
        b.call(*request)
        assert clients_by_id(a, b_id)[b_id]["cmd"] == cmd


def test_client_list_by_type(three):
    a, b, c = three
    ids = {client_id(client) for client in three}
    normal = {int(line["id"]) for line in client_lines(a.call("CLIENT", "LIST", "TYPE", "normal"))}
    assert ids <= normal
    for kind in ("master", "replica", "slave", "pubsub", "PubSub"):
        assert a.call("CLIENT", "LIST", "TYPE", kind) == b"$0\r\n\r\n"


def test_client_list_by_id_skips_unknown_ids_and_repeats_repeated_ones(raw):
    me = client_id(raw)
    lines = client_lines(raw.call("CLIENT", "LIST", "ID", "999999999", me, me))
    assert [int(line["id"]) for line in lines] == [me, me]
    assert raw.call("CLIENT", "LIST", "ID", "999999999") == b"$0\r\n\r\n"


@pytest.mark.parametrize("args, reply", [
    (("TYPE", "nobody"), error("Unknown client type 'nobody'")),
    (("ID", "1", "two"), error("Invalid client ID")),
    (("ID",), SYNTAX_ERROR),
    (("TYPE",), SYNTAX_ERROR),
    (("TYPE", "normal", "ID"), SYNTAX_ERROR),
    (("EVERYONE", "please"), SYNTAX_ERROR),
])
def test_client_list_errors(raw, args, reply):
    assert raw.call("CLIENT", "LIST", *args) == reply


def test_client_list_and_info_are_verbatim_text_in_resp3(raw):
    assert raw.call("HELLO", "3").startswith(b"%7\r\n")
    reply = raw.call("CLIENT", "INFO")
    text = reply[reply.index(b"\r\n") + 2:-2]
    assert reply.startswith(b"=%d\r\ntxt:id=" % len(text))
    assert text.endswith(b" resp=3\n")
    reply = raw.call("CLIENT", "LIST", "ID", client_id(raw))
    assert reply.startswith(b"=") and b"\r\ntxt:id=" in reply
    assert client_lines(reply)[0]["cmd"] == "client|list"


def test_client_info_describes_the_caller_as_client_list_does(raw):
    me = client_id(raw)
    (info,) = client_lines(raw.call("CLIENT", "INFO"))
    listed = clients_by_id(raw, me)[me]
    assert info["id"] == str(me) and info["cmd"] == "client|info"
    same = ["id", "addr", "laddr", "fd", "name", "flags", "db", "events", "user", "resp"]
    assert [info[f] for f in same] == [listed[f] for f in same]


def test_client_info_takes_no_argument(raw):
    assert raw.call("CLIENT", "INFO", "x") == arity("client|info")


def test_idle_counts_seconds_since_the_last_command_and_age_since_connecting(three):
    a, b, _ = three
    b_id = client_id(b)

    def idle_line():
        line = clients_by_id(a, b_id)[b_id]
        return line if int(line["idle"]) >= 1 else None

    line = wait_until(idle_line, timeout=10, interval=0.1)
    assert int(line["age"]) >= int(line["idle"]) >= 1
    assert b.call("PING") == b"+PONG\r\n"
    line = clients_by_id(a, b_id)[b_id]
    assert int(line["idle"]) == 0 and int(line["age"]) >= 1


def test_client_no_evict_sets_the_e_flag(raw):
    assert raw.call("CLIENT", "NO-EVICT", "on") == OK
    assert client_lines(raw.call("CLIENT", "INFO"))[0]["flags"] == "e"
    assert raw.call("CLIENT", "NO-EVICT", "OFF") == OK
    assert client_lines(raw.call("CLIENT", "INFO"))[0]["flags"] == "N"


def test_client_no_evict_takes_on_or_off(raw):
    assert raw.call("CLIENT", "NO-EVICT", "maybe") == SYNTAX_ERROR
    assert raw.call("CLIENT", "NO-EVICT") == arity("client|no-evict")


def test_redis_py_client_list_and_client_info(r, server):
    r.client_setname("py-lister")
    me = r.client_info()
    assert me["name"] == "py-lister" and me["cmd"] == "client|info"
    assert me["resp"] == "3"  # redis-py 8 speaks RESP3
    with RawClient(server.port) as other:
        other_id = client_id(other)
        listed = {c["id"]: c for c in r.client_list(client_id=[me["id"], other_id])}
        assert set(listed) == {str(me["id"]), str(other_id)}
        assert listed[str(other_id)]["addr"] == address(other.sock.getsockname())
        assert listed[str(me["id"])]["cmd"] == "client|list"
        assert all(c["id"] != str(other_id) for c in r.client_list(_type="pubsub"))

