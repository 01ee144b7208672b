"""Real Redis is the oracle for the lists our server builds: run the same
list commands on a redis-server and on our step's own code, then compare
the replies byte for byte and every node of every list with the nodes
Redis's DUMP shows (support.dump), listpack byte for byte.

Node boundaries depend on which quicklist calls each command makes
(LINSERT splits and merges nodes, LTRIM and popping a count delete
ranges, LREM deletes through an iterator, SORT ... STORE ignores
list-max-listpack-size), so equal nodes show that t_list.py makes the
calls t_list.c makes. Our side runs in this process, through the step's
command table, so that its quicklists can be read; the real server is
one of our own, so these tests need no target of Redis's."""

from __future__ import annotations

import pytest
import redis
from hypothesis import given, settings
from hypothesis import strategies as st
from support.dump import list_nodes
from support.servers import REAL_REDIS_STEP, ServerProcess, Target
from support.wire import RawClient

pytestmark = pytest.mark.internal

KEYS = (b"l1", b"l2")


@pytest.fixture(scope="module")
def real_server():
    """A redis-server of our own, writing DUMPs uncompressed."""
    proc = ServerProcess(Target("redis", "redis", REAL_REDIS_STEP)).start()
    with RawClient(proc.port) as raw:
        assert raw.call("CONFIG", "SET", "rdbcompression", "no") == b"+OK\r\n"
    yield proc
    proc.stop()


@pytest.fixture
def real(real_server):
    client = redis.Redis(port=real_server.port, socket_timeout=30)
    client.flushall()
    with RawClient(real_server.port) as raw:
        yield client, raw
    client.config_set("list-max-listpack-size", -2)
    client.close()


class InProcessClient:
    """What a command needs of a client (networking.Client): the server,
    the database, the arguments, the protocol, the flags, the command
    running and the reply buffer."""

    def __init__(self, server, db):
        self.server = server
        self.db = db
        self.argv: list[bytes] = []
        self.resp = 2
        self.flags = 0
        self.cmd = None
        self.buf = bytearray()

    def add_reply(self, data: bytes) -> None:
        self.buf += data


class Ours:
    """Our step's server without its sockets: a Server, its databases,
    and one client whose commands run through commands.call()."""

    def __init__(self, load):
        self.commands = load("commands")
        server = load("server").Server()
        server.db = [load("db").RedisDb(i, server) for i in range(16)]
        self.server = server
        self.client = InProcessClient(server, server.db[0])

    def call(self, *args: bytes) -> bytes:
        c = self.client
        c.argv = list(args)
        c.buf.clear()
        c.cmd = self.commands.COMMAND_TABLE[args[0].lower()]  # as process_command
        self.commands.call(c, c.cmd)
        return bytes(c.buf)

    def nodes(self, key: bytes) -> list[bytes]:
        o = self.client.db.dict.get(key)
        return [] if o is None else [node.lp for node in o.ptr.nodes]


@pytest.fixture
def ours(step_module):
    return Ours(step_module)


class Both:
    """Send each command to Redis and to ours; the replies must match,
    and so must the nodes of every list afterwards."""

    def __init__(self, real, ours: Ours):
        self.client, self.raw = real
        self.ours = ours

    def set_fill(self, fill: int) -> None:
        """list-max-listpack-size for the lists made from now on."""
        self.client.config_set("list-max-listpack-size", fill)
        self.ours.server.list_max_listpack_size = fill

    def __call__(self, *args: bytes | str | int) -> bytes:
        argv = [a if isinstance(a, bytes) else str(a).encode() for a in args]
        expected = self.raw.call(*argv)
        assert self.ours.call(*argv) == expected, argv
        return expected

    def check(self, *keys: bytes) -> None:
        for key in keys or KEYS:
            assert self.ours.nodes(key) == list_nodes(self.client.dump(key)), key

    def elements(self, key: bytes) -> list[bytes]:
        return self.client.lrange(key, 0, -1)


@pytest.fixture
def both(real, ours):
    return Both(real, ours)


def blob(size: int, tag: int = 0) -> bytes:
    """A string of `size` bytes that is never an integer."""
    return (b"%c" % (97 + tag % 26)) * size


# -- each command, across nodes -------------------------------------------------


@pytest.mark.parametrize("fill", [-2, -1, 1, 3])
def test_pushes_and_pops_leave_redis_nodes(both, fill):
    both.set_fill(fill)
    both("RPUSH", "l1", *[b"e%d" % i for i in range(40)], blob(3000), b"77")
    both("LPUSH", "l1", *[b"%d" % (i * 1001) for i in range(40)], blob(5000))
    both("RPUSHX", "l1", b"x", blob(100))
    both("LPUSHX", "l2", b"x")
    both.check()
    both("LPOP", "l1")
    both("RPOP", "l1", 5)
    both("LPOP", "l1", 7)
    both.check()
    both("RPOP", "l1", 1000)
    both.check()


@pytest.mark.parametrize("fill", [-2, -1, 2, 4])
def test_linsert_lset_lrem_ltrim_leave_redis_nodes(both, fill):
    both.set_fill(fill)
    both("RPUSH", "l1", *[b"v%d" % (i % 7) for i in range(60)])
    both("LINSERT", "l1", "AFTER", b"v3", blob(2000))
    both("LINSERT", "l1", "BEFORE", b"v5", b"12")
    both("LINSERT", "l1", "BEFORE", b"nothing", b"x")
    both.check()
    both("LSET", "l1", 10, blob(6000, 1))
    both("LSET", "l1", -3, b"-4096")
    both.check()
    both("LREM", "l1", 3, b"v1")
    both("LREM", "l1", -2, b"v2")
    both("LREM", "l1", 0, b"v4")
    both.check()
    both("LTRIM", "l1", 3, -4)
    both.check()
    both("LTRIM", "l1", 5, 2)
    both.check()


@pytest.mark.parametrize("fill", [-2, 1, 3])
def test_moves_between_lists_use_the_fill_of_their_creation(both, fill):
    both.set_fill(fill)
    both("RPUSH", "l1", *[b"m%d" % i for i in range(10)])
    both.set_fill(2)
    both("RPOPLPUSH", "l1", "l2")
    both("LMOVE", "l1", "l2", "LEFT", "RIGHT")
    both("LMOVE", "l1", "l1", "RIGHT", "LEFT")
    both("LMPOP", 2, "nokey", "l1", "RIGHT", "COUNT", 3)
    both.check()
    both("LMPOP", 1, "l2", "LEFT")
    both.check()


def test_sort_store_makes_8k_nodes_whatever_the_fill(both):
    """sortCommandGeneric() makes the list with createQuicklistObject()
    and never calls quicklistSetOptions()."""
    both.set_fill(1)
    both("RPUSH", "l1", *[b"%d" % ((i * 37) % 50) for i in range(50)])
    both("SORT", "l1", "STORE", "l2")
    both.check()
    both("SORT", "l1", "BY", "nosort", "DESC", "LIMIT", 5, 20, "STORE", "l2")
    both.check()
    both("RPUSH", "l2", b"more")  # into the same 8 KB node
    both.check()


def test_copy_keeps_the_nodes_and_the_fill(both):
    both.set_fill(3)
    both("RPUSH", "l1", *[b"c%d" % i for i in range(10)])
    both("COPY", "l1", "l2")
    both.set_fill(-2)
    both("RPUSH", "l2", b"a", b"b", b"c", b"d")  # the copy's fill is 3
    both.check()


# -- random command sequences ---------------------------------------------------

ELEMENTS = st.one_of(
    st.sampled_from([b"a", b"b", b"", b"7", b"-300", b"70000", b"007", b"x" * 63,
                     b"y" * 64]),
    st.integers(-(2**63), 2**63 - 1).map(lambda i: b"%d" % i),
    st.integers(1, 9000).map(blob),
    st.binary(max_size=80),
)
KEY = st.sampled_from(KEYS)
SIDE = st.sampled_from(["LEFT", "RIGHT"])

COMMANDS = st.one_of(
    st.tuples(st.sampled_from(["RPUSH", "LPUSH", "RPUSHX", "LPUSHX"]), KEY,
              st.lists(ELEMENTS, min_size=1, max_size=6)),
    st.tuples(st.sampled_from(["LPOP", "RPOP"]), KEY, st.none() | st.integers(0, 8)),
    st.tuples(st.just("LINSERT"), KEY, st.sampled_from(["BEFORE", "AFTER"]),
              st.integers(0, 60), ELEMENTS),
    st.tuples(st.just("LSET"), KEY, st.integers(-70, 70), ELEMENTS),
    st.tuples(st.just("LREM"), KEY, st.integers(-3, 3), st.integers(0, 60)),
    st.tuples(st.just("LTRIM"), KEY, st.integers(-40, 40), st.integers(-40, 40)),
    st.tuples(st.just("LMOVE"), KEY, KEY, SIDE, SIDE),
    st.tuples(st.just("LMPOP"), SIDE, st.integers(1, 6)),
    st.tuples(st.just("SORT"), st.sampled_from(["ASC", "DESC"])),
    st.tuples(st.just("COPY")),
    st.tuples(st.just("FILL"), st.sampled_from([-2, -1, 1, 2, 5])),
)


def run(both: Both, command: tuple) -> None:
    """Apply one generated command; a pivot or a value to remove is
    named by its position, to hit elements that exist."""
    name, *args = command
    if name in ("LINSERT", "LREM"):
        current = both.elements(args[0])
        if current:
            value = current[args[-2 if name == "LINSERT" else -1] % len(current)]
            if name == "LINSERT":
                both(name, args[0], args[1], value, args[3])
            else:
                both(name, args[0], args[1], value)
    elif name in ("RPUSH", "LPUSH", "RPUSHX", "LPUSHX"):
        both(name, args[0], *args[1])
    elif name in ("LPOP", "RPOP"):
        both(name, args[0], *([] if args[1] is None else [args[1]]))
    elif name == "LMPOP":
        both(name, 2, *KEYS, args[0], "COUNT", args[1])
    elif name == "SORT":
        both(name, "l1", "BY", "nosort", args[0], "STORE", "l2")
    elif name == "COPY":
        both(name, "l2", "l1", "REPLACE")
    elif name == "FILL":
        both.set_fill(args[0])
    else:
        both(name, *args)


@pytest.mark.parametrize("fill", [-2, -1, 1, 3])
@settings(max_examples=40)
@given(commands=st.lists(COMMANDS, min_size=5, max_size=30))
def test_random_commands_give_redis_replies_and_nodes(real_server, step_module, fill,
                                                      commands):
    with RawClient(real_server.port) as raw:
        client = redis.Redis(port=real_server.port, socket_timeout=30)
        client.flushall()
        both = Both((client, raw), Ours(step_module))
        both.set_fill(fill)
        try:
            for command in commands:
                run(both, command)
                both.check()
        finally:
            client.config_set("list-max-listpack-size", -2)
            client.close()
