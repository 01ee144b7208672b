"""Real Redis is the oracle for step 06's sorted sets. The same commands
run on a redis-server and, in this process, through the step's own
command table (no socket: the test can read the value the commands
built). After every command the replies must be the same bytes, OBJECT
ENCODING the same, and a listpack the very bytes Redis keeps: the blob
in its DUMP payload (with rdbcompression off: the RDB type 17, an RDB
length, the listpack, 2 bytes of RDB version, 8 of CRC64).

Fixed sequences cover ZADD, ZINCRBY, ZREM and the ZREMRANGEBY* commands
one by one; random ones mix every sorted set command, on both encodings
and across CONFIG SET of the thresholds, in RESP2 and RESP3.
"""


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.harness import modules_from
from support.servers import REAL_REDIS_STEP, ServerProcess, Target
from support.wire import RawClient, command, decode

pytestmark = pytest.mark.internal

RDB_TYPE_ZSET_LISTPACK = 17
THRESHOLDS = {"zset-max-listpack-entries": b"128", "zset-max-listpack-value": b"64"}


class InProcess:
    """The step's command table and keyspace, called without a socket."""

    def __init__(self, load):
        server, db, obj = load("server"), load("db"), load("object")
        self.commands, self.object, self.intset = load("commands"), obj, load("intset")
        self.server = server.Server()
        # From step 10 on, FLUSHALL saves at once where there are save
        # points, into dump.rdb in the working directory (the repository):
        # none here, as in every server the tests start.
        if hasattr(self.server, "saveparams"):
            self.server.saveparams = []
        self.server.db = [db.RedisDb(i, self.server) for i in range(self.server.dbnum)]
        obj.use_server_clock(self.server)
        self.clients = {2: self.client(2), 3: self.client(3)}

    def client(self, proto: int):
        server = self.server

        class Client:
            resp, flags, buf, db = proto, 0, bytearray(), server.db[0]

            def add_reply(self, data: bytes) -> None:
                self.buf += data

        c = Client()
        c.server = server
        return c

    def call(self, *args, proto: int = 2) -> bytes:
        c = self.clients[proto]
        c.argv = [command_arg(a) for a in args]
        cmd = self.commands.lookup_command(c.argv)
        assert cmd is not None, args
        c.cmd = cmd  # as process_command
        self.commands.call(c, cmd)
        reply, c.buf = bytes(c.buf), bytearray()
        return reply

    def value(self, key: str):
        return self.server.db[0].dict.get(key.encode())

    def set_value(self, key: str, value) -> None:
        self.server.db[0].dict[key.encode()] = value


def command_arg(arg) -> bytes:
    return arg if isinstance(arg, bytes) else str(arg).encode()


@pytest.fixture(scope="module")
def ours(target):
    with modules_from(target.directory) as load:
        yield InProcess(load)


@pytest.fixture(scope="module")
def real_server():
    """A redis-server of our own, writing DUMPs uncompressed; a RESP2 and
    a RESP3 connection to it."""
    proc = ServerProcess(Target("redis", "redis", REAL_REDIS_STEP)).start()
    clients = {2: RawClient(proc.port, timeout=30), 3: RawClient(proc.port, timeout=30)}
    clients[3].call("HELLO", "3")
    clients[2].call("CONFIG", "SET", "rdbcompression", "no")
    yield clients
    for client in clients.values():
        client.close()
    proc.stop()


@pytest.fixture
def real(real_server, ours):
    """Both servers emptied, at the default thresholds."""
    for name, value in THRESHOLDS.items():
        real_server[2].call("CONFIG", "SET", name, value)
        ours.call("CONFIG", "SET", name, value)
    real_server[2].call("FLUSHALL")
    ours.call("FLUSHALL")
    return real_server


def dumped(real, key: str) -> bytes:
    """The listpack inside Redis's DUMP of `key`."""
    payload = decode(real[2].call("DUMP", key))
    assert payload[0] == RDB_TYPE_ZSET_LISTPACK
    first = payload[1]
    if first >> 6 == 0:
        size, start = first & 0x3F, 2
    elif first >> 6 == 1:
        size, start = (first & 0x3F) << 8 | payload[2], 3
    else:
        size, start = int.from_bytes(payload[2:6], "big"), 6
    assert len(payload) == start + size + 10
    return payload[start:start + size]


def same(ours, real, *args, proto: int = 2) -> bytes:
    """Run one command on both; their replies must be the same bytes."""
    expected = real[proto].request(command(*args))
    assert ours.call(*args, proto=proto) == expected, args
    return expected


def same_key(ours, real, key: str) -> None:
    """The key has the same encoding on both, and a listpack the same
    bytes."""
    encoding = same(ours, real, "OBJECT", "ENCODING", key)
    if encoding == b"$8\r\nlistpack\r\n":
        assert ours.value(key).ptr == dumped(real, key)


# -- fixed sequences ----------------------------------------------------------

SCORES = ["0", "-0", "1", "-1", "127", "128", "-4096", "4095", "32768", "-8388609",
          "2147483648", "1.5", "-2.25", "0.1", "1e17", "1e20", "-1e-20",
          "4611686018427387904", "4611686018427387905", "-4611686018427387904",
          "9.3e18", "inf", "-inf", "3.000000000000001"]


@pytest.mark.parametrize("score", SCORES)
def test_a_score_is_stored_as_zzlInsertAt_stores_it(ours, real, score):
    same(ours, real, "ZADD", "z", "5", "before", score, "m", "6", "after")
    same_key(ours, real, "z")
    same(ours, real, "ZSCORE", "z", "m")


def test_zadd_zincrby_and_zrem_edit_the_listpack_as_redis_does(ours, real):
    steps = [
        ("ZADD", "z", "5", "m", "9", "a", "1", "z", "5", "b"),
        ("ZADD", "z", "0.5", "m"),
        ("ZADD", "z", "100", "z", "-1e9", "q", "5", "a", "2.5", "n"),
        ("ZINCRBY", "z", "0.25", "n"),
        ("ZINCRBY", "z", "-10", "new"),
        ("ZADD", "z", "INCR", "1e17", "a"),
        ("ZADD", "z", "5", "10", "5", "9", "5", "007", "5", "", "5", "-1"),
        ("ZADD", "z", "GT", "CH", "1", "m", "200", "n"),
        ("ZADD", "z", "LT", "CH", "1", "m", "300", "n"),
        ("ZADD", "z", "NX", "7", "m", "7", "fresh"),
        ("ZADD", "z", "XX", "8", "m", "8", "absent"),
        ("ZREM", "z", "b", "absent", "007"),
        ("ZADD", "z", "-0", "minus-zero", "inf", "top", "-inf", "bottom"),
        ("ZINCRBY", "z", "-inf", "top"),
        ("ZREM", "z", "m", "z", "q"),
    ]
    for args in steps:
        same(ours, real, *args)
        same_key(ours, real, "z")
    same(ours, real, "ZRANGE", "z", "0", "-1", "WITHSCORES")


MEMBERS = [f"m{i:02d}".encode() for i in range(40)]


@pytest.mark.parametrize(("command_name", "low", "high"), [
    ("ZREMRANGEBYSCORE", "3", "7"),
    ("ZREMRANGEBYSCORE", "(3", "(7"),
    ("ZREMRANGEBYSCORE", "-inf", "2"),
    ("ZREMRANGEBYSCORE", "15", "+inf"),
    ("ZREMRANGEBYSCORE", "100", "200"),
    ("ZREMRANGEBYLEX", "[m05", "(m09"),
    ("ZREMRANGEBYLEX", "-", "[m03"),
    ("ZREMRANGEBYLEX", "(m30", "+"),
    ("ZREMRANGEBYRANK", "0", "0"),
    ("ZREMRANGEBYRANK", "-3", "-1"),
    ("ZREMRANGEBYRANK", "5", "10"),
    ("ZREMRANGEBYRANK", "0", "-1"),
])
@pytest.mark.parametrize("same_scores", [True, False])
def test_zremrangeby_cuts_the_listpack_as_redis_does(ours, real, command_name, low, high,
                                                     same_scores):
    pairs = [x for i, m in enumerate(MEMBERS)
             for x in ("0" if same_scores else str(i // 2), m)]
    same(ours, real, "ZADD", "z", *pairs)
    same(ours, real, command_name, "z", low, high)
    same(ours, real, "EXISTS", "z")
    if decode(real[2].call("EXISTS", "z")):
        same_key(ours, real, "z")


def test_pops_take_pairs_from_either_end(ours, real):
    same(ours, real, "ZADD", "z", *[x for i, m in enumerate(MEMBERS[:12]) for x in (i, m)])
    for args in [("ZPOPMIN", "z"), ("ZPOPMAX", "z", "3"), ("ZMPOP", "2", "no", "z", "MIN",
                                                           "COUNT", "2")]:
        same(ours, real, *args)
        same_key(ours, real, "z")


def test_store_commands_build_redis_listpacks(ours, real):
    same(ours, real, "ZADD", "a", "1", "x", "2", "y", "3", "z", "0", "w")
    same(ours, real, "ZADD", "b", "10", "y", "0.5", "x", "7", "v")
    same(ours, real, "SADD", "s", "x", "v", "u")
    stores = [
        ("ZRANGESTORE", "d", "a", "1", "2"),
        ("ZRANGESTORE", "d", "a", "(0", "+inf", "BYSCORE", "REV"),
        ("ZRANGESTORE", "d", "a", "[x", "+", "BYLEX"),
        ("ZUNIONSTORE", "d", "3", "a", "b", "s"),
        ("ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "-1", "2", "AGGREGATE", "MAX"),
        ("ZINTERSTORE", "d", "2", "a", "b", "AGGREGATE", "MIN"),
        ("ZINTERSTORE", "d", "2", "b", "s", "WEIGHTS", "1.5", "-0"),
        ("ZDIFFSTORE", "d", "2", "a", "b"),
        ("ZDIFFSTORE", "d", "2", "b", "s"),
    ]
    for args in stores:
        same(ours, real, *args)
        same_key(ours, real, "d")
        same(ours, real, "ZRANGE", "d", "0", "-1", "WITHSCORES", proto=3)


def test_a_skiplist_result_small_enough_is_stored_as_a_listpack(ours, real):
    for name, value in (("zset-max-listpack-entries", "2"),):
        same(ours, real, "CONFIG", "SET", name, value)
    same(ours, real, "ZADD", "big", "3", "c", "-0", "a", "2", "b", "1e30", "d")
    same_key(ours, real, "big")
    same(ours, real, "ZSCORE", "big", "a")
    same(ours, real, "ZINTERSTORE", "d", "1", "big", "WEIGHTS", "-1")
    same_key(ours, real, "d")
    same(ours, real, "ZREMRANGEBYRANK", "big", "1", "1")
    same(ours, real, "ZUNIONSTORE", "d", "1", "big")
    same_key(ours, real, "d")
    same(ours, real, "ZRANGE", "d", "0", "-1", "WITHSCORES")


def test_set_operations_read_an_intset_input(ours, real):
    """A set of integers is an intset in Redis; the zui functions read one
    (here made by hand, t_set.py being another part of the step)."""
    obj, intset = ours.object, ours.intset
    blob = intset.intset_new()
    for value in (-5, 3, 70000, 2**40):
        blob, _ = intset.intset_add(blob, value)
    ours.set_value("s", obj.RedisObject(obj.OBJ_SET, obj.OBJ_ENCODING_INTSET, 0, blob))
    real[2].call("SADD", "s", "-5", "3", "70000", str(2**40))
    assert decode(real[2].call("OBJECT", "ENCODING", "s")) == b"intset"
    same(ours, real, "ZADD", "z", "1", "3", "2", "x", "3", "-5", "4", "03")
    for args in [("ZUNION", "2", "z", "s", "WITHSCORES"), ("ZINTER", "2", "s", "z"),
                 ("ZDIFF", "2", "s", "z"), ("ZDIFF", "2", "z", "s"),
                 ("ZINTERCARD", "2", "z", "s"), ("ZUNIONSTORE", "d", "1", "s")]:
        same(ours, real, *args)
    same_key(ours, real, "d")


# -- random sequences ---------------------------------------------------------

KEYS = ["z1", "z2"]  # sorted sets with any scores
LEX = "l"  # a sorted set whose scores are all 0
# No two members may collate equal: SORT ALPHA compares them with strcoll(),
# which stops at a NUL ("\xff\x00" collates as "\xff"), and Redis reads a
# sorted set to sort from its hash table, whose order changes with every run.
MEMBER = st.sampled_from([b"a", b"b", b"c", b"10", b"-1", b"007", b"", b"m" * 5, b"\xff\x00",
                          b"x" * 64, b"y" * 65, b"4611686018427387904"])
SCORE = st.sampled_from(SCORES)
BOUND = st.one_of(SCORE, SCORE.map(lambda s: "(" + s))
LEX_BOUND = st.one_of(st.sampled_from(["-", "+"]),
                      st.tuples(st.sampled_from("[("), MEMBER).map(lambda t: t[0].encode() + t[1]))
INDEX = st.integers(-5, 5)
KEY = st.sampled_from(KEYS)


@st.composite
def zadd(draw):
    flags = draw(st.lists(st.sampled_from(["NX", "XX", "GT", "LT", "CH"]), max_size=2,
                          unique=True))
    if draw(st.booleans()):
        return ("ZADD", draw(KEY), *flags, "INCR", draw(SCORE), draw(MEMBER))
    pairs = draw(st.lists(st.tuples(SCORE, MEMBER), min_size=1, max_size=6))
    return ("ZADD", draw(KEY), *flags, *[x for pair in pairs for x in pair])


@st.composite
def zrange(draw):
    key = draw(KEY)
    kind = draw(st.sampled_from(["rank", "score", "lex"]))
    rev = ["REV"] if draw(st.booleans()) else []
    if kind == "rank":
        extra = ["WITHSCORES"] if draw(st.booleans()) else []
        return ("ZRANGE", key, draw(INDEX), draw(INDEX), *rev, *extra)
    limit = (["LIMIT", draw(st.integers(-1, 3)), draw(st.integers(-1, 4))]
             if draw(st.booleans()) else [])
    if kind == "score":
        extra = ["WITHSCORES"] if draw(st.booleans()) else []
        return ("ZRANGE", key, draw(BOUND), draw(BOUND), "BYSCORE", *rev, *limit, *extra)
    return ("ZRANGE", LEX, draw(LEX_BOUND), draw(LEX_BOUND), "BYLEX", *rev, *limit)


@st.composite
def setop(draw):
    name = draw(st.sampled_from(["ZUNION", "ZINTER", "ZDIFF", "ZUNIONSTORE", "ZINTERSTORE",
                                 "ZDIFFSTORE", "ZINTERCARD"]))
    keys = draw(st.lists(st.sampled_from([*KEYS, LEX, "s", "nokey"]), min_size=1, max_size=3))
    args = [name, *(["d"] if name.endswith("STORE") else []), len(keys), *keys]
    if name in ("ZUNION", "ZINTER", "ZUNIONSTORE", "ZINTERSTORE"):
        if draw(st.booleans()):
            args += ["WEIGHTS", *[draw(st.sampled_from(["1", "-1", "0.5", "2"])) for _ in keys]]
        if draw(st.booleans()):
            args += ["AGGREGATE", draw(st.sampled_from(["SUM", "MIN", "MAX"]))]
    if not name.endswith(("STORE", "CARD")) and draw(st.booleans()):
        args.append("WITHSCORES")
    return tuple(args)


COMMAND = st.one_of(
    zadd(),
    st.tuples(st.just("ZINCRBY"), KEY, SCORE, MEMBER),
    st.tuples(st.just("ZREM"), KEY, MEMBER, MEMBER),
    st.tuples(st.just("ZADD"), st.just(LEX), st.just("0"), MEMBER),
    st.tuples(st.just("ZREMRANGEBYSCORE"), KEY, BOUND, BOUND),
    st.tuples(st.just("ZREMRANGEBYRANK"), KEY, INDEX, INDEX),
    st.tuples(st.just("ZREMRANGEBYLEX"), st.just(LEX), LEX_BOUND, LEX_BOUND),
    st.tuples(st.sampled_from(["ZPOPMIN", "ZPOPMAX"]), KEY, st.sampled_from(["1", "2", "5"])),
    st.tuples(st.just("ZMPOP"), st.just("2"), KEY, KEY, st.sampled_from(["MIN", "MAX"])),
    zrange(),
    st.tuples(st.just("ZRANGESTORE"), st.just("d"), KEY, INDEX, INDEX),
    st.tuples(st.just("ZRANGESTORE"), st.just("d"), KEY, BOUND, BOUND, st.just("BYSCORE")),
    st.tuples(st.just("ZCOUNT"), KEY, BOUND, BOUND),
    st.tuples(st.just("ZLEXCOUNT"), st.just(LEX), LEX_BOUND, LEX_BOUND),
    st.tuples(st.sampled_from(["ZRANK", "ZREVRANK", "ZSCORE"]), KEY, MEMBER),
    st.tuples(st.just("ZMSCORE"), KEY, MEMBER, MEMBER),
    st.tuples(st.just("ZCARD"), KEY),
    st.tuples(st.just("ZRANDMEMBER"), KEY, st.sampled_from(["0", "200", "-0"])),
    setop(),
    st.tuples(st.just("COPY"), KEY, st.just("d"), st.just("REPLACE")),
    st.tuples(st.just("SORT"), KEY, st.just("ALPHA")),
    st.tuples(st.just("SORT"), KEY, st.just("BY"), st.just("nosort"), st.just("DESC")),
    st.tuples(st.just("SADD"), st.just("s"), MEMBER),
    st.tuples(st.just("CONFIG"), st.just("SET"), st.just("zset-max-listpack-entries"),
              st.sampled_from(["0", "1", "3", "128"])),
    st.tuples(st.just("CONFIG"), st.just("SET"), st.just("zset-max-ziplist-value"),
              st.sampled_from(["0", "3", "64"])),
)


@settings(max_examples=300, deadline=None)
@given(commands=st.lists(st.tuples(COMMAND, st.sampled_from([2, 3])), min_size=1,
                         max_size=25))
def test_random_commands_reply_and_encode_as_redis(ours, real, commands):
    for name, value in THRESHOLDS.items():
        same(ours, real, "CONFIG", "SET", name, value)
    same(ours, real, "FLUSHALL")
    for args, proto in commands:
        same(ours, real, *args, proto=proto)
        for key in (*KEYS, LEX, "d"):
            same_key(ours, real, key)


def test_zscan_of_a_listpack_is_whole_and_in_order(ours, real):
    same(ours, real, "ZADD", "z", *[x for i in range(30) for x in (i * 1.5, f"k{i}")])
    same(ours, real, "ZSCAN", "z", "0", "COUNT", "2")
    same(ours, real, "ZSCAN", "z", "0", "MATCH", "k1*", proto=3)
