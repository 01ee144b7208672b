"""Real Redis is the oracle for quicklist.py's node boundaries: run the
same list commands on a redis-server and on a Quicklist, DUMP the key,
and compare every node's listpack with ours, byte for byte.

With rdbcompression off, DUMP's payload for a list is the RDB type byte
18 (RDB_TYPE_LIST_QUICKLIST_2), an RDB length (the number of nodes),
then per node an RDB length (its container: 2, PACKED) and an RDB
string (its listpack: a length, then the bytes); then 2 bytes of RDB
version and 8 bytes of CRC64.

The commands reach the quicklist through the calls t_list.c makes (the
Mirror class below): LINSERT iterates from the head and inserts next to
the pivot, LSET replaces at an index, LREM deletes through an iterator,
LTRIM and LPOP with a count delete ranges, RPOPLPUSH pops then pushes.
These tests start their own redis-server and import the target's
quicklist.py (a step's, or a learner's workspace's) in this process."""

from contextlib import contextmanager

import pytest
import redis
from hypothesis import given, settings
from hypothesis import strategies as st
from support.dump import list_nodes
from support.harness import modules_from
from support.servers import REAL_REDIS_STEP, ServerProcess, Target

pytestmark = pytest.mark.internal

FILLS = [-2, -1, 0, 1, 3, 128]


@pytest.fixture(scope="module")
def modules(target):
    with modules_from(target.directory) as load:
        yield load("quicklist"), load("listpack")


@pytest.fixture(scope="module")
def real_server():
    """A redis-server of our own, writing DUMPs uncompressed."""
    proc = ServerProcess(Target("redis", "redis", REAL_REDIS_STEP)).start()
    client = redis.Redis(port=proc.port, socket_timeout=30)
    client.config_set("rdbcompression", "no")
    yield client
    client.close()
    proc.stop()


@pytest.fixture
def real(real_server):
    """The real server, emptied for each test, at the default fill."""
    real_server.flushall()
    yield real_server
    real_server.config_set("list-max-listpack-size", -2)


def dumped_nodes(client, key: str) -> list[bytes]:
    """The listpack of each node of list `key`, from DUMP's payload."""
    return list_nodes(client.dump(key))


class Mirror:
    """One list key, changed alike in Redis and in a Quicklist.

    Each method sends a list command to Redis and makes the quicklist
    calls that t_list.c makes for it. A list that empties is deleted,
    and the next push creates a new one with the fill of that moment,
    as createQuicklistObject() and quicklistSetOptions() do.
    """

    def __init__(self, ql_module, client, fill: int, key: str = "l"):
        self.q = ql_module
        self.r = client
        self.key = key
        self.fill = fill
        self.ql = None
        client.config_set("list-max-listpack-size", fill)

    def _list(self):
        if self.ql is None:
            self.ql = self.q.quicklist_new(self.fill, 0)
        return self.ql

    def _drop_if_empty(self):
        if self.ql is not None and self.ql.count == 0:
            self.ql = None

    def rpush(self, *values: bytes):
        self.r.rpush(self.key, *values)
        for value in values:
            self.q.quicklist_push(self._list(), value, self.q.QUICKLIST_TAIL)

    def lpush(self, *values: bytes):
        self.r.lpush(self.key, *values)
        for value in values:
            self.q.quicklist_push(self._list(), value, self.q.QUICKLIST_HEAD)

    def linsert(self, where: str, pivot: bytes, value: bytes):
        """linsertCommand(): the first match from the head."""
        self.r.linsert(self.key, where, pivot, value)
        if self.ql is None:
            return
        it = self.q.quicklist_get_iterator_at_idx(self.ql, self.q.AL_START_HEAD, 0)
        while (entry := self.q.quicklist_next(it)) is not None:
            if self.q.quicklist_compare(entry, pivot):
                if where == "AFTER":
                    self.q.quicklist_insert_after(it, entry, value)
                else:
                    self.q.quicklist_insert_before(it, entry, value)
                return

    def lset(self, index: int, value: bytes):
        try:
            self.r.lset(self.key, index, value)
        except redis.ResponseError:
            assert self.ql is None or not self.q.quicklist_replace_at_index(
                self.ql, index, value)
            return
        assert self.q.quicklist_replace_at_index(self.ql, index, value)

    def lrem(self, count: int, value: bytes):
        """lremCommand(): from the tail when count < 0."""
        self.r.lrem(self.key, count, value)
        if self.ql is None:
            return
        if count < 0:
            it = self.q.quicklist_get_iterator_at_idx(self.ql, self.q.AL_START_TAIL, -1)
        else:
            it = self.q.quicklist_get_iterator_at_idx(self.ql, self.q.AL_START_HEAD, 0)
        removed = 0
        while (entry := self.q.quicklist_next(it)) is not None:
            if self.q.quicklist_compare(entry, value):
                self.q.quicklist_del_entry(it, entry)
                removed += 1
                if removed == abs(count):
                    break
        self._drop_if_empty()

    def ltrim(self, start: int, end: int):
        """ltrimCommand(): a range off each end."""
        self.r.ltrim(self.key, start, end)
        if self.ql is None:
            return
        llen = self.ql.count
        start = max(start + llen if start < 0 else start, 0)
        end = end + llen if end < 0 else end
        if start > end or start >= llen:
            ltrim, rtrim = llen, 0
        else:
            ltrim, rtrim = start, llen - min(end, llen - 1) - 1
        self.q.quicklist_del_range(self.ql, 0, ltrim)
        self.q.quicklist_del_range(self.ql, -rtrim, rtrim)
        self._drop_if_empty()

    def pop(self, where: str, count: int | None = None):
        """popGenericCommand(): one pop, or a range deleted at once."""
        pop = self.r.lpop if where == "LEFT" else self.r.rpop
        got = pop(self.key, count)
        if self.ql is None:
            assert got is None
            return
        if count is None:
            side = self.q.QUICKLIST_HEAD if where == "LEFT" else self.q.QUICKLIST_TAIL
            value = self.q.quicklist_pop(self.ql, side)
            assert as_bytes(value) == got
        else:
            rangelen = min(count, self.ql.count)
            start = 0 if where == "LEFT" else -rangelen
            self.q.quicklist_del_range(self.ql, start, rangelen)
        self._drop_if_empty()

    def rpoplpush(self):
        """lmoveGenericCommand() on one list: pop the tail, push the head."""
        self.r.rpoplpush(self.key, self.key)
        if self.ql is not None:
            value = self.q.quicklist_pop(self.ql, self.q.QUICKLIST_TAIL)
            self.q.quicklist_push(self.ql, as_bytes(value), self.q.QUICKLIST_HEAD)

    def nodes(self) -> list[bytes]:
        return [] if self.ql is None else [node.lp for node in self.ql.nodes]

    def check(self):
        """Same nodes, byte for byte, and the same elements."""
        assert self.nodes() == dumped_nodes(self.r, self.key)
        ours = [] if self.ql is None else self.q.quicklist_range(self.ql, 0, self.ql.count)
        assert [as_bytes(v) for v in ours] == self.r.lrange(self.key, 0, -1)


def as_bytes(value) -> bytes:
    return b"%d" % value if isinstance(value, int) else value


def blob(size: int, tag: int = 0) -> bytes:
    """A string of `size` bytes that is never an integer."""
    return (b"%c" % (97 + tag % 26)) * size


@contextmanager
def mirrored(q, real, fill: int):
    mirror = Mirror(q, real, fill)
    yield mirror
    mirror.check()


# -- pushes ---------------------------------------------------------------------


@pytest.mark.parametrize("fill", FILLS)
def test_pushed_small_elements_fill_nodes_as_redis_does(modules, real, fill):
    q, _ = modules
    with mirrored(q, real, fill) as m:
        m.rpush(*[b"element-%d" % i for i in range(300)])
        m.check()
        m.lpush(*[b"%d" % (i * 977) for i in range(300)])


# After b"a" (a node of 10 bytes), an element of `size` bytes fits while
# 10 + size + 8 <= the limit: these sizes sit just under, at and over
# 4096 and 8192.
NEAR_LIMITS = [limit - 18 + d for limit in (4096, 8192) for d in (-1, 0, 1)]


@pytest.mark.parametrize("fill", [-2, -1, 3, 128])
@pytest.mark.parametrize("size", [4000, *NEAR_LIMITS, 8192, 9000])
def test_elements_near_the_byte_limits_split_nodes_as_redis_does(modules, real, fill, size):
    q, _ = modules
    with mirrored(q, real, fill) as m:
        m.rpush(b"a", blob(size, 1), b"b", blob(size // 2, 2), b"c")
        m.lpush(blob(size, 3), b"d", blob(size - 100, 4))


@pytest.mark.parametrize("fill", [-2, -1, 1000])
def test_short_elements_of_every_length_fill_nodes_to_the_byte(modules, real, fill):
    """Each length reaches the limit at a different remainder, so one of
    them lands exactly on it."""
    q, _ = modules
    for length in range(1, 64):
        mirror = Mirror(q, real, fill, key=f"l{length}")
        mirror.rpush(*[blob(length, i) for i in range(400)])
        mirror.check()


def test_the_fit_estimate_uses_an_integers_string_length(modules, real):
    """A node of 8172 bytes takes a 3-digit integer (8172 + 3 + 8 = 8183)
    but not a 20-digit one, though both encode in under 10 bytes."""
    q, _ = modules
    with mirrored(q, real, -2) as m:
        m.rpush(blob(8158))  # a node of 8172 bytes
        m.rpush(b"123")
        m.check()
        m.rpush(b"9223372036854775807")
        assert len(m.nodes()) == 2


# -- LINSERT --------------------------------------------------------------------


def test_linsert_into_a_node_with_room(modules, real):
    q, _ = modules
    with mirrored(q, real, 5) as m:
        m.rpush(b"a", b"b", b"c")
        m.linsert("BEFORE", b"b", b"x")
        m.linsert("AFTER", b"c", b"y")


def test_linsert_at_a_full_nodes_edge_goes_to_the_neighbour(modules, real):
    q, _ = modules
    with mirrored(q, real, 3) as m:
        m.rpush(b"a", b"b", b"c", b"d")  # [a b c] [d]
        m.linsert("AFTER", b"c", b"x")  # head of [d]
        m.check()
        m.lpush(b"p")  # [p] [a b c] [x d]
        m.linsert("BEFORE", b"a", b"y")  # tail of [p]


def test_linsert_at_a_full_nodes_edge_with_full_neighbours_adds_a_node(modules, real):
    q, _ = modules
    with mirrored(q, real, 2) as m:
        m.rpush(b"a", b"b", b"c", b"d")  # [a b] [c d]
        m.linsert("AFTER", b"b", b"x")  # [a b] [x] [c d]
        m.check()
        m.linsert("BEFORE", b"a", b"y")  # [y] [a b] ...
        m.check()
        m.linsert("AFTER", b"d", b"z")


@pytest.mark.parametrize("where", ["BEFORE", "AFTER"])
@pytest.mark.parametrize("pivot", [b"e1", b"e2", b"e3"])
def test_linsert_in_the_middle_of_a_full_node_splits_it_and_merges(modules, real, where, pivot):
    q, _ = modules
    with mirrored(q, real, 5) as m:
        m.rpush(b"z1", b"z2", *[b"e%d" % i for i in range(5)], b"y1")  # [z1 z2 e0 e1 e2] ...
        m.rpush(*[b"f%d" % i for i in range(6)])
        m.linsert(where, pivot, b"new")
        m.check()
        m.linsert(where, b"f3", b"other")


@pytest.mark.parametrize("fill", [-2, -1])
def test_linsert_splits_byte_limited_nodes_as_redis_does(modules, real, fill):
    q, _ = modules
    with mirrored(q, real, fill) as m:
        m.rpush(*[blob(300, i) + b"%d" % i for i in range(60)])
        for i in (5, 13, 27, 40, 41, 59):
            m.linsert("BEFORE" if i % 2 else "AFTER", blob(300, i) + b"%d" % i, blob(900, 7))
            m.check()


def test_a_split_merges_the_two_nodes_before_it_first(modules, real):
    """[a][e][i j k l][m n o p]: inserting after j splits [i j | k l];
    then [a] and [e] merge, then [a e] with [i j]."""
    q, _ = modules
    with mirrored(q, real, 4) as m:
        m.rpush(*[b"%c" % (97 + i) for i in range(16)])
        for gone in b"bcdfgh":
            m.lrem(0, b"%c" % gone)
        m.check()
        m.linsert("AFTER", b"j", b"J")
        assert [node.count for node in m.ql.nodes] == [4, 3, 4]


def test_a_split_merges_the_two_nodes_after_it(modules, real):
    """[a b c d][e f g h][i][m]: inserting before f splits [e | f g h]
    into [e] [f g h] with the new one before f: [e E] after merging."""
    q, _ = modules
    with mirrored(q, real, 4) as m:
        m.rpush(*[b"%c" % (97 + i) for i in range(16)])
        for gone in b"jklnop":
            m.lrem(0, b"%c" % gone)
        m.check()
        m.linsert("BEFORE", b"f", b"E")
        m.check()
        m.linsert("AFTER", b"a", b"A")


@pytest.mark.parametrize("delta", [-2, -1, 0, 1, 2])
def test_nodes_merge_after_a_split_up_to_the_byte_limit(modules, real, delta):
    """[x][p][c1 c2 c3][n] at fill -1 (4096 bytes): inserting a long value
    after c1 splits its node into [c1] and [value c2 c3]; then [p] and
    [c1] merge when their sizes less 11 are at most 4096. p's node is
    p + 11 bytes and c1's 2111, so p = 1985 + delta lands `delta` bytes
    off the limit."""
    q, _ = modules
    with mirrored(q, real, -1) as m:
        m.rpush(blob(4000, 0), blob(1985 + delta, 1), blob(2100, 2))
        m.rpush(b"c2", b"c3", blob(4000, 3))
        m.check()
        m.linsert("AFTER", blob(2100, 2), blob(3000, 4))
        assert len(m.nodes()) == (4 if delta <= 0 else 5)


def test_a_split_merges_small_nodes_around_it(modules, real):
    """Pops leave small nodes that the merge after a split joins."""
    q, _ = modules
    with mirrored(q, real, 4) as m:
        m.rpush(*[b"%c" % (97 + i) for i in range(16)])  # four full nodes
        m.lrem(0, b"a")
        m.lrem(0, b"b")
        m.lrem(0, b"c")
        m.lrem(0, b"m")
        m.lrem(0, b"n")
        m.check()
        m.linsert("AFTER", b"g", b"G")


# -- LSET, LREM, LTRIM, pops ----------------------------------------------------------


def test_lset_replaces_in_place_even_past_the_fill_limit(modules, real):
    """Redis 7.0 does not check the fill in quicklistReplaceEntry()."""
    q, _ = modules
    with mirrored(q, real, -2) as m:
        m.rpush(*[blob(1000, i) for i in range(8)])
        m.lset(3, blob(6000, 9))
        m.check()
        assert len(m.nodes()) == 1 and len(m.nodes()[0]) > 8192
        m.lset(-1, b"12")
        m.lset(0, b"-7")
        m.lset(50, b"x")


def test_lrem_from_either_end_deletes_through_the_iterator(modules, real):
    q, _ = modules
    with mirrored(q, real, 3) as m:
        m.rpush(*[b"x", b"y", b"x", b"x", b"z", b"x", b"y", b"x", b"x", b"x"])
        m.lrem(2, b"x")
        m.check()
        m.lrem(-2, b"x")
        m.check()
        m.lrem(0, b"y")
        m.check()
        m.lrem(0, b"x")
        m.check()
        m.lrem(0, b"z")


def test_ltrim_deletes_whole_nodes_and_parts_of_nodes(modules, real):
    q, _ = modules
    with mirrored(q, real, 4) as m:
        m.rpush(*[b"%d" % i for i in range(40)])
        m.ltrim(5, -6)
        m.check()
        m.ltrim(1, 100)
        m.check()
        m.ltrim(-20, -3)
        m.check()
        m.ltrim(5, 2)


def test_pops_with_and_without_a_count(modules, real):
    q, _ = modules
    with mirrored(q, real, 3) as m:
        m.rpush(*[b"v%d" % i for i in range(20)], b"300", b"-5")
        m.pop("LEFT")
        m.pop("RIGHT")
        m.check()
        m.pop("LEFT", 4)
        m.check()
        m.pop("RIGHT", 5)
        m.check()
        m.pop("RIGHT", 100)


def test_rpoplpush_on_one_list_pops_then_pushes(modules, real):
    """Not quicklistRotate(), which pushes first: in a full node that
    would make a new head node where pop-then-push keeps one node."""
    q, _ = modules
    with mirrored(q, real, 3) as m:
        m.rpush(b"a", b"b", b"c")
        m.rpoplpush()
        m.check()
        assert len(m.nodes()) == 1
        m.rpush(b"d")
        m.rpoplpush()


# -- random command sequences ---------------------------------------------------------

ELEMENTS = st.one_of(
    st.sampled_from([b"a", b"b", b"c", b"7", b"-300", b"70000", b"007", b""]),
    st.integers(-(2**63), 2**63 - 1).map(lambda i: b"%d" % i),
    st.integers(1, 9000).map(blob),
    st.binary(max_size=80),
)

COMMANDS = st.one_of(
    st.tuples(st.just("rpush"), st.lists(ELEMENTS, min_size=1, max_size=6)),
    st.tuples(st.just("lpush"), st.lists(ELEMENTS, min_size=1, max_size=6)),
    st.tuples(st.just("linsert"), st.sampled_from(["BEFORE", "AFTER"]),
              st.integers(0, 60), ELEMENTS),
    st.tuples(st.just("lset"), st.integers(-70, 70), ELEMENTS),
    st.tuples(st.just("lrem"), st.integers(-3, 3), st.integers(0, 60)),
    st.tuples(st.just("ltrim"), st.integers(-40, 40), st.integers(-40, 40)),
    st.tuples(st.just("pop"), st.sampled_from(["LEFT", "RIGHT"]),
              st.none() | st.integers(1, 8)),
    st.tuples(st.just("rpoplpush")),
)


def run(mirror: Mirror, command: tuple):
    """Apply one generated command; a pivot or a value to remove is
    named by its position, to hit elements that exist."""
    name, *args = command
    if name in ("linsert", "lrem"):
        current = mirror.r.lrange(mirror.key, 0, -1)
        if not current:
            return
        position = args[1] % len(current)
        if name == "linsert":
            mirror.linsert(args[0], current[position], args[2])
        else:
            mirror.lrem(args[0], current[position])
        return
    if name in ("rpush", "lpush"):
        args = args[0]
    getattr(mirror, name)(*args)


@pytest.mark.parametrize("fill", FILLS)
@settings(max_examples=60)
@given(commands=st.lists(COMMANDS, min_size=5, max_size=40))
def test_random_commands_give_redis_nodes(modules, real_server, fill, commands):
    q, _ = modules
    real_server.delete("l")
    mirror = Mirror(q, real_server, fill)
    try:
        for command in commands:
            run(mirror, command)
            mirror.check()
    finally:
        real_server.config_set("list-max-listpack-size", -2)
