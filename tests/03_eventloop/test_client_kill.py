"""CLIENT KILL: one client closes others, as Redis 7.0.15's clientCommand() does.

The old form, CLIENT KILL ip:port, replies OK or "No such client" and may
close the caller. The new form takes filters (ID, TYPE, USER, ADDR, LADDR,
SKIPME), spares the caller by default, and replies with how many clients
it killed; killing oneself closes the connection after that reply. Tests
that kill by a broad filter use a private server: the shared one may have
other tests' connections open.
"""

import pytest
from support.replies import OK, SYNTAX_ERROR, arity, client_lines, error, integer
from support.servers import wait_until
from support.wire import RawClient

NO_SUCH_CLIENT = error("No such client")


def address(pair: tuple) -> str:
    return f"{pair[0]}:{pair[1]}"


def client_id(client: RawClient) -> int:
    return int(client.call("CLIENT", "ID")[1:-2])


def closed(client: RawClient) -> bool:
    """The server closed this connection (and sent nothing more)."""
    return client.read_until_closed() == b""


@pytest.fixture
def pair(server):
    """Two clients: the killer and its victim."""
    killer, victim = RawClient(server.port), RawClient(server.port)
    yield killer, victim
    killer.close()
    victim.close()


def test_old_form_kills_the_client_at_that_address(pair):
    killer, victim = pair
    victim_addr = address(victim.sock.getsockname())
    assert client_id(victim) > 0  # the server has surely accepted it
    assert killer.call("CLIENT", "KILL", victim_addr) == OK
    assert closed(victim)
    assert killer.call("CLIENT", "KILL", victim_addr) == NO_SUCH_CLIENT


def test_old_form_may_kill_the_caller_after_its_reply(raw):
    assert raw.call("CLIENT", "KILL", address(raw.sock.getsockname())) == OK
    assert closed(raw)


def test_old_form_wants_an_exact_address(pair):
    killer, victim = pair
    ip, port = victim.sock.getsockname()[:2]
    assert client_id(victim) > 0
    for wrong in (ip, f"{ip}:{port}0", f" {ip}:{port}", "ID"):
        assert killer.call("CLIENT", "KILL", wrong) == NO_SUCH_CLIENT
    assert victim.call("PING") == b"+PONG\r\n"


def test_kill_by_id_replies_how_many_it_killed(pair):
    killer, victim = pair
    victim_id = client_id(victim)
    assert killer.call("CLIENT", "KILL", "ID", victim_id) == integer(1)
    assert closed(victim)
    assert killer.call("CLIENT", "KILL", "ID", victim_id) == integer(0)


def test_kill_spares_the_caller_unless_skipme_no(raw):
    me = client_id(raw)
    assert raw.call("CLIENT", "KILL", "ID", me) == integer(0)
    assert raw.call("CLIENT", "KILL", "ID", me, "SKIPME", "yes") == integer(0)
    assert raw.call("CLIENT", "KILL", "ID", me, "skipme", "NO") == integer(1)
    assert closed(raw)


def test_kill_by_addr_and_laddr(pair):
    killer, victim = pair
    addr, laddr = address(victim.sock.getsockname()), address(victim.sock.getpeername())
    victim_id = client_id(victim)
    ip, port = victim.sock.getpeername()[:2]
    wrong_laddr = f"{ip}:{port + 1}"
    assert killer.call("CLIENT", "KILL", "ADDR", addr, "LADDR", wrong_laddr) == integer(0)
    assert killer.call("CLIENT", "KILL", "ID", victim_id, "ADDR", "1.2.3.4:5") == integer(0)
    assert killer.call("CLIENT", "KILL", "ADDR", addr, "LADDR", laddr) == integer(1)
    assert closed(victim)


def test_every_filter_must_match(pair):
    killer, victim = pair
    victim_id = client_id(victim)
    assert killer.call("CLIENT", "KILL", "ID", victim_id, "TYPE", "pubsub") == integer(0)
    assert killer.call("CLIENT", "KILL", "ID", victim_id, "TYPE", "master") == integer(0)
    assert killer.call("CLIENT", "KILL", "ID", victim_id, "USER", "default",
                       "TYPE", "normal") == integer(1)
    assert closed(victim)


def test_kill_type_normal_kills_every_other_client(start_server):
    proc = start_server()
    clients = [RawClient(proc.port) for _ in range(3)]
    try:
        ids = {client_id(client) for client in clients}
        # The check that the server was up may still be connected: wait it out.
        wait_until(lambda: {int(line["id"]) for line in client_lines(
            clients[0].call("CLIENT", "LIST"))} == ids, timeout=10)
        killer, *victims = clients
        assert killer.call("CLIENT", "KILL", "TYPE", "replica") == integer(0)
        assert killer.call("CLIENT", "KILL", "TYPE", "normal") == integer(2)
        assert all(closed(victim) for victim in victims)
        assert killer.call("PING") == b"+PONG\r\n"
        assert killer.call("CLIENT", "KILL", "USER", "default", "SKIPME", "no") == integer(1)
        assert closed(killer)
    finally:
        for client in clients:
            client.close()


@pytest.mark.parametrize("args, reply", [
    (("ID", "0"), error("client-id should be greater than 0")),
    (("ID", "-3"), error("client-id should be greater than 0")),
    (("ID", "one"), error("client-id should be greater than 0")),
    (("TYPE", "nobody"), error("Unknown client type 'nobody'")),
    (("TYPE", "nobody", "ID", "0"), error("Unknown client type 'nobody'")),
    (("ID", "0", "TYPE", "nobody"), error("client-id should be greater than 0")),
    (("USER", "alice"), error("No such user 'alice'")),
    (("SKIPME", "maybe"), SYNTAX_ERROR),
    (("ID", "1", "SKIPME"), SYNTAX_ERROR),
    (("BY", "name"), SYNTAX_ERROR),
    # MAXAGE arrived in Redis 7.4: 7.0.15 has no such filter.
    (("MAXAGE", "10"), SYNTAX_ERROR),
])
def test_kill_errors(raw, args, reply):
    assert raw.call("CLIENT", "KILL", *args) == reply
    assert raw.call("PING") == b"+PONG\r\n"


def test_kill_needs_an_argument(raw):
    assert raw.call("CLIENT", "KILL") == arity("client|kill")


def test_redis_py_client_kill_filter(r, server):
    with RawClient(server.port) as victim:
        assert r.client_kill_filter(_id=client_id(victim)) == 1
        assert closed(victim)
    with RawClient(server.port) as victim:
        victim_addr = address(victim.sock.getsockname())
        assert client_id(victim) > 0
        assert r.client_kill(victim_addr) is True
        assert closed(victim)
