"""quicklist.py on its own: the fill rules, pushes and pops, iteration
both ways, indexes, every branch of an insert (into the node, into a
neighbour, into a new node, by splitting and merging), replacing,
deleting through an iterator and by range, copying; then a state
machine against a Python list. test_quicklist_oracle.py checks the
node boundaries against real Redis."""


import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from support.harness import modules_from

pytestmark = pytest.mark.internal



@pytest.fixture(scope="module")
def modules(target):
    with modules_from(target.directory) as load:
        yield load("quicklist"), load("listpack")


@pytest.fixture(scope="module")
def q(modules):
    return modules[0]


@pytest.fixture(scope="module")
def lp(modules):
    return modules[1]


def as_bytes(value) -> bytes:
    return b"%d" % value if isinstance(value, int) else value


def build(q, fill: int, values) -> object:
    ql = q.quicklist_new(fill, 0)
    for value in values:
        q.quicklist_push_tail(ql, value)
    return ql


def shaped(q, lp, fill: int, groups: list[list[bytes]]):
    """A quicklist with exactly these nodes, as deletions can leave it."""
    nodes = [q.QuicklistNode(lp.lp_from_entries(group), len(group)) for group in groups]
    return q.Quicklist(nodes, sum(map(len, groups)), fill)


def layout(lp, ql) -> list[list[bytes]]:
    """The elements of each node, as strings."""
    return [lp.lp_entries(node.lp, strings=True) for node in ql.nodes]


def elements(lp, ql) -> list[bytes]:
    return [value for node in layout(lp, ql) for value in node]


def letters(n: int, start: int = 0) -> list[bytes]:
    return [b"%c" % (97 + i) for i in range(start, start + n)]


def entry_at(q, ql, index: int, direction=None):
    """An iterator and the entry at `index`, walking `direction`."""
    direction = q.AL_START_HEAD if direction is None else direction
    it = q.quicklist_get_iterator_at_idx(ql, direction, index)
    return it, q.quicklist_next(it)


# -- options and the fill rules --------------------------------------------------


def test_a_new_quicklist_is_empty_with_fill_minus_two(q):
    ql = q.quicklist_create()
    assert (ql.nodes, ql.count, ql.fill, ql.compress) == ([], 0, -2, 0)


@pytest.mark.parametrize("fill, kept", [(-9, -5), (-5, -5), (0, 0), (40000, 32767)])
def test_the_fill_is_clamped_as_quicklist_set_fill_does(q, fill, kept):
    assert q.quicklist_new(fill, 0).fill == kept


@pytest.mark.parametrize("depth, kept", [(-1, 0), (3, 3), (70000, 65535)])
def test_the_compress_depth_is_clamped_and_kept(q, depth, kept):
    assert q.quicklist_new(-2, depth).compress == kept


@pytest.mark.parametrize("fill, limit", [(-1, 4096), (-2, 8192), (-3, 16384),
                                         (-4, 32768), (-5, 65536)])
def test_a_negative_fill_allows_an_insert_up_to_its_byte_level(q, fill, limit):
    node = q.QuicklistNode(b"x" * 1000, 3)  # only its size and count count
    fits = limit - 1000 - q.SIZE_ESTIMATE_OVERHEAD
    assert q._quicklist_node_allow_insert(node, fill, fits)
    assert not q._quicklist_node_allow_insert(node, fill, fits + 1)


def test_a_positive_fill_counts_elements_under_the_safety_limit(q):
    node = q.QuicklistNode(b"x" * 100, 4)
    assert q._quicklist_node_allow_insert(node, 5, 10)
    assert not q._quicklist_node_allow_insert(node, 4, 10)
    assert q._quicklist_node_allow_insert(node, 1000, 8192 - 108)
    assert not q._quicklist_node_allow_insert(node, 1000, 8192 - 107)


def test_no_node_allows_an_insert_with_fill_zero_or_no_node(q):
    assert not q._quicklist_node_allow_insert(q.QuicklistNode(b"x" * 10, 0), 0, 1)
    assert not q._quicklist_node_allow_insert(None, -2, 1)


def test_nodes_merge_up_to_the_limit_less_eleven_bytes(q):
    a, b = q.QuicklistNode(b"x" * 4000, 10), q.QuicklistNode(b"x" * 107, 10)
    assert q._quicklist_node_allow_merge(a, b, -1)  # 4096 after less 11
    assert not q._quicklist_node_allow_merge(a, q.QuicklistNode(b"x" * 108, 1), -1)
    assert q._quicklist_node_allow_merge(a, b, 20)
    assert not q._quicklist_node_allow_merge(a, b, 19)
    assert not q._quicklist_node_allow_merge(a, None, -1)


# -- push and pop ---------------------------------------------------------------


def test_a_push_reports_whether_it_made_a_node(q, lp):
    ql = q.quicklist_new(2, 0)
    assert q.quicklist_push_tail(ql, b"a") is True
    assert q.quicklist_push_tail(ql, b"b") is False
    assert q.quicklist_push_tail(ql, b"c") is True
    assert q.quicklist_push_head(ql, b"z") is True
    assert layout(lp, ql) == [[b"z"], [b"a", b"b"], [b"c"]]
    assert ql.count == 4


def test_quicklist_push_takes_head_or_tail(q, lp):
    ql = q.quicklist_new(-2, 0)
    q.quicklist_push(ql, b"m", q.QUICKLIST_TAIL)
    q.quicklist_push(ql, b"h", q.QUICKLIST_HEAD)
    q.quicklist_push(ql, b"t", q.QUICKLIST_TAIL)
    assert elements(lp, ql) == [b"h", b"m", b"t"]
    assert len(ql.nodes) == 1 and ql.nodes[0].sz == len(ql.nodes[0].lp)


def test_a_node_holds_elements_up_to_the_byte_limit(q, lp):
    ql = build(q, -1, [b"x" * 1000] * 10)
    assert [node.count for node in ql.nodes] == [4, 4, 2]
    assert all(node.sz <= 4096 for node in ql.nodes)


def test_an_element_larger_than_the_limit_gets_a_node_of_its_own(q, lp):
    ql = build(q, -2, [b"a", b"x" * 10000, b"b"])
    assert [node.count for node in ql.nodes] == [1, 1, 1]


def test_fill_zero_puts_each_element_in_its_own_node(q):
    ql = build(q, 0, letters(5))
    assert [node.count for node in ql.nodes] == [1] * 5


def test_a_hundred_short_elements_make_one_node(q):
    assert len(build(q, -2, [b"element:%d" % i for i in range(100)]).nodes) == 1


def test_pops_take_from_either_end_and_drop_emptied_nodes(q, lp):
    ql = build(q, 2, [b"a", b"12", b"c"])
    assert q.quicklist_pop(ql, q.QUICKLIST_TAIL) == b"c"
    assert len(ql.nodes) == 1
    assert q.quicklist_pop(ql, q.QUICKLIST_HEAD) == b"a"
    assert q.quicklist_pop(ql, q.QUICKLIST_HEAD) == 12  # held as an integer
    assert (ql.nodes, ql.count) == ([], 0)
    assert q.quicklist_pop(ql, q.QUICKLIST_HEAD) is None


def test_deleting_never_merges_neighbours(q, lp):
    ql = build(q, 3, letters(6))
    q.quicklist_pop(ql, q.QUICKLIST_TAIL)
    q.quicklist_pop(ql, q.QUICKLIST_HEAD)
    assert layout(lp, ql) == [[b"b", b"c"], [b"d", b"e"]]


# -- iteration and indexes --------------------------------------------------------


def walk(q, it) -> list:
    out = []
    while (entry := q.quicklist_next(it)) is not None:
        out.append((entry.value, entry.offset))
    return out


def test_iteration_from_the_head_walks_every_node_in_order(q):
    ql = build(q, 2, [b"a", b"b", b"1", b"d", b"e"])
    it = q.quicklist_get_iterator(ql, q.AL_START_HEAD)
    assert walk(q, it) == [(b"a", 0), (b"b", 1), (1, 0), (b"d", 1), (b"e", 0)]
    assert it.current is None


def test_iteration_from_the_tail_counts_offsets_from_each_nodes_end(q):
    ql = build(q, 2, letters(5))
    it = q.quicklist_get_iterator(ql, q.AL_START_TAIL)
    assert walk(q, it) == [(b"e", -1), (b"d", -1), (b"c", -2), (b"b", -1), (b"a", -2)]


def test_an_empty_list_iterates_nothing(q):
    ql = q.quicklist_create()
    assert q.quicklist_next(q.quicklist_get_iterator(ql, q.AL_START_HEAD)) is None
    assert q.quicklist_get_iterator_at_idx(ql, q.AL_START_HEAD, 0) is None


@pytest.mark.parametrize("index", range(-7, 7))
def test_an_iterator_at_an_index_starts_there_and_goes_either_way(q, lp, index):
    values = letters(7)
    ql = build(q, 3, values)
    forward = q.quicklist_get_iterator_at_idx(ql, q.AL_START_HEAD, index)
    assert [v for v, _ in walk(q, forward)] == values[index:]
    backward = q.quicklist_get_iterator_at_idx(ql, q.AL_START_TAIL, index)
    assert [v for v, _ in walk(q, backward)] == values[:index % 7 + 1][::-1]


def test_an_iterator_at_a_negative_index_has_a_negative_offset(q):
    ql = build(q, 3, letters(7))  # [a b c] [d e f] [g]
    it = q.quicklist_get_iterator_at_idx(ql, q.AL_START_TAIL, -3)
    assert (it.current, it.offset) == (1, -2)
    it = q.quicklist_get_iterator_at_idx(ql, q.AL_START_TAIL, 4)
    assert (it.current, it.offset) == (1, 1)


@pytest.mark.parametrize("index", [7, -8, 100])
def test_an_index_out_of_range_has_no_iterator(q, index):
    ql = build(q, 3, letters(7))
    assert q.quicklist_get_iterator_at_idx(ql, q.AL_START_HEAD, index) is None
    assert q.quicklist_get_iterator_entry_at_idx(ql, index) is None


def test_the_entry_at_an_index_counts_negatives_from_the_tail(q):
    ql = build(q, 2, [b"a", b"-5", b"c", b"d", b"e"])
    for index, value in [(0, b"a"), (1, -5), (4, b"e"), (-1, b"e"), (-4, -5), (-5, b"a")]:
        _, entry = q.quicklist_get_iterator_entry_at_idx(ql, index)
        assert entry.value == value


def test_quicklist_range_decodes_across_nodes(q):
    values = [b"v%d" % i for i in range(30)] + [b"42"]
    ql = build(q, 4, values)
    assert [as_bytes(v) for v in q.quicklist_range(ql, 0, 31)] == values
    assert q.quicklist_range(ql, 3, 6) == values[3:9]
    assert q.quicklist_range(ql, 30, 1) == [42]
    assert q.quicklist_range(ql, 5, 0) == []


def test_compare_matches_strings_and_canonical_integers(q):
    ql = build(q, -2, [b"abc", b"17"])
    _, text = q.quicklist_get_iterator_entry_at_idx(ql, 0)
    _, number = q.quicklist_get_iterator_entry_at_idx(ql, 1)
    assert q.quicklist_compare(text, b"abc") and not q.quicklist_compare(text, b"ab")
    assert q.quicklist_compare(number, b"17") and not q.quicklist_compare(number, b"017")


# -- insert -------------------------------------------------------------------------


def test_insert_into_a_node_with_room_goes_beside_the_entry(q, lp):
    ql = build(q, 5, letters(3))
    q.quicklist_insert_before(*entry_at(q, ql, 1), b"x")
    q.quicklist_insert_after(*entry_at(q, ql, -1, q.AL_START_TAIL), b"y")
    assert layout(lp, ql) == [[b"a", b"x", b"b", b"c", b"y"]]
    assert ql.count == 5


def test_an_insert_resets_the_iterator(q):
    ql = build(q, 5, letters(3))
    it, entry = entry_at(q, ql, 1)
    q.quicklist_insert_after(it, entry, b"x")
    assert (it.current, it.zi) == (None, None)
    assert q.quicklist_next(it) is None


def test_insert_after_a_full_nodes_last_goes_to_the_next_nodes_head(q, lp):
    ql = build(q, 3, letters(4))  # [a b c] [d]
    q.quicklist_insert_after(*entry_at(q, ql, 2), b"x")
    assert layout(lp, ql) == [[b"a", b"b", b"c"], [b"x", b"d"]]


def test_insert_before_a_full_nodes_first_goes_to_the_previous_nodes_tail(q, lp):
    ql = build(q, 3, letters(4))
    q.quicklist_push_head(ql, b"p")  # [p] [a b c] [d]
    q.quicklist_insert_before(*entry_at(q, ql, -4, q.AL_START_TAIL), b"y")
    assert layout(lp, ql) == [[b"p", b"y"], [b"a", b"b", b"c"], [b"d"]]


@pytest.mark.parametrize("after", [True, False])
def test_insert_at_a_full_edge_with_a_full_neighbour_adds_a_node(q, lp, after):
    ql = build(q, 2, letters(4))  # [a b] [c d]
    if after:
        q.quicklist_insert_after(*entry_at(q, ql, 1), b"x")
        assert layout(lp, ql) == [[b"a", b"b"], [b"x"], [b"c", b"d"]]
    else:
        q.quicklist_insert_before(*entry_at(q, ql, 2), b"x")
        assert layout(lp, ql) == [[b"a", b"b"], [b"x"], [b"c", b"d"]]


def test_insert_at_a_full_edge_of_the_last_node_adds_a_tail_node(q, lp):
    ql = build(q, 2, letters(2))
    q.quicklist_insert_after(*entry_at(q, ql, -1, q.AL_START_TAIL), b"x")
    q.quicklist_insert_before(*entry_at(q, ql, 0), b"y")
    assert layout(lp, ql) == [[b"y"], [b"a", b"b"], [b"x"]]


def test_an_entry_counted_from_the_tail_is_at_its_nodes_head_or_tail(q, lp):
    """Offsets -count and -1 are the node's edges too: the neighbour
    takes the value, and the nodes beyond are left alone (a split
    would have merged [p] [y] and [d] [g])."""
    ql = shaped(q, lp, 3, [[b"p"], [b"a", b"b", b"c"], [b"d"], [b"g"]])
    q.quicklist_insert_before(*entry_at(q, ql, -5, q.AL_START_TAIL), b"y")
    assert layout(lp, ql) == [[b"p", b"y"], [b"a", b"b", b"c"], [b"d"], [b"g"]]
    ql = shaped(q, lp, 3, [[b"p"], [b"q"], [b"a", b"b", b"c"], [b"d"]])
    q.quicklist_insert_after(*entry_at(q, ql, -2, q.AL_START_TAIL), b"x")
    assert layout(lp, ql) == [[b"p"], [b"q"], [b"a", b"b", b"c"], [b"x", b"d"]]


def test_insert_after_the_middle_of_a_full_node_splits_it(q, lp):
    ql = build(q, 4, letters(4))
    q.quicklist_insert_after(*entry_at(q, ql, 1), b"x")
    # [a b] [x c d], then [a b] and [x c d] are too many to merge
    assert layout(lp, ql) == [[b"a", b"b"], [b"x", b"c", b"d"]]
    assert ql.count == 5


def test_insert_before_the_middle_of_a_full_node_splits_it(q, lp):
    ql = build(q, 4, letters(4))
    q.quicklist_insert_before(*entry_at(q, ql, -2, q.AL_START_TAIL), b"x")
    assert layout(lp, ql) == [[b"a", b"b", b"x"], [b"c", b"d"]]


def test_a_split_merges_the_nodes_around_it(q, lp):
    ql = build(q, 4, letters(16))  # four full nodes
    for value in (b"b", b"c", b"d", b"f", b"g", b"h"):
        it = q.quicklist_get_iterator(ql, q.AL_START_HEAD)
        while not q.quicklist_compare(entry := q.quicklist_next(it), value):
            pass
        q.quicklist_del_entry(it, entry)
    assert layout(lp, ql) == [[b"a"], [b"e"], letters(4, 8), letters(4, 12)]
    q.quicklist_insert_after(*entry_at(q, ql, 3), b"J")  # after j
    assert layout(lp, ql) == [[b"a", b"e", b"i", b"j"], [b"J", b"k", b"l"],
                              letters(4, 12)]


def test_a_node_full_by_bytes_splits_at_the_entry(q, lp):
    ql = build(q, -1, [b"x" * 1000] * 4)  # one node of 4023 bytes
    q.quicklist_insert_after(*entry_at(q, ql, 1), b"y" * 100)
    assert [node.count for node in ql.nodes] == [2, 3]


# -- replace and delete -------------------------------------------------------------


def test_replace_at_index_changes_one_element_in_place(q, lp):
    ql = build(q, 2, letters(5))
    assert q.quicklist_replace_at_index(ql, -2, b"D")
    assert q.quicklist_replace_at_index(ql, 0, b"1234")
    assert layout(lp, ql) == [[b"1234", b"b"], [b"c", b"D"], [b"e"]]
    assert not q.quicklist_replace_at_index(ql, 5, b"x")


def test_replace_can_grow_a_node_past_its_fill_as_redis_7_0_does(q):
    ql = build(q, -1, [b"x" * 1000] * 4)
    assert q.quicklist_replace_at_index(ql, 0, b"y" * 3000)
    assert len(ql.nodes) == 1 and ql.nodes[0].sz > 4096


def test_delete_entry_while_iterating_from_the_head(q, lp):
    ql = build(q, 2, [b"x", b"a", b"x", b"x", b"b", b"x"])  # [x a] [x x] [b x]
    it = q.quicklist_get_iterator(ql, q.AL_START_HEAD)
    seen = []
    while (entry := q.quicklist_next(it)) is not None:
        seen.append(entry.value)
        if entry.value == b"x":
            q.quicklist_del_entry(it, entry)
    assert seen == [b"x", b"a", b"x", b"x", b"b", b"x"]
    assert layout(lp, ql) == [[b"a"], [b"b"]]
    assert ql.count == 2


def test_delete_entry_while_iterating_from_the_tail(q, lp):
    ql = build(q, 2, [b"x", b"a", b"x", b"x", b"b", b"x"])
    it = q.quicklist_get_iterator(ql, q.AL_START_TAIL)
    seen = []
    while (entry := q.quicklist_next(it)) is not None:
        seen.append(entry.value)
        if entry.value == b"x":
            q.quicklist_del_entry(it, entry)
    assert seen == [b"x", b"b", b"x", b"x", b"a", b"x"]
    assert layout(lp, ql) == [[b"a"], [b"b"]]


def test_deleting_the_only_node_ends_the_iteration(q):
    ql = build(q, 2, [b"x"])
    it = q.quicklist_get_iterator(ql, q.AL_START_TAIL)
    q.quicklist_del_entry(it, q.quicklist_next(it))
    assert q.quicklist_next(it) is None and ql.nodes == []


@pytest.mark.parametrize("start, count, left", [
    (0, 3, [[b"d", b"e", b"f"], [b"g", b"h", b"i"]]),  # a whole node
    (1, 4, [[b"a"], [b"f"], [b"g", b"h", b"i"]]),  # parts of two nodes
    (2, 5, [[b"a", b"b"], [b"h", b"i"]]),  # a node and a part
    (-3, 2, [[b"a", b"b", b"c"], [b"d", b"e", b"f"], [b"i"]]),
    (-2, 100, [[b"a", b"b", b"c"], [b"d", b"e", b"f"], [b"g"]]),
    (4, 100, [[b"a", b"b", b"c"], [b"d"]]),
    (0, 100, []),
])
def test_delete_range_removes_whole_nodes_and_parts_of_nodes(q, lp, start, count, left):
    ql = build(q, 3, letters(9))
    assert q.quicklist_del_range(ql, start, count)
    assert layout(lp, ql) == left
    assert ql.count == sum(len(node) for node in left)


@pytest.mark.parametrize("start, count", [(0, 0), (3, -1), (9, 1), (-10, 2)])
def test_delete_range_of_nothing_changes_nothing(q, lp, start, count):
    ql = build(q, 3, letters(9))
    assert not q.quicklist_del_range(ql, start, count)
    assert elements(lp, ql) == letters(9)


def test_dup_copies_nodes_and_options_and_stays_apart(q, lp):
    ql = q.quicklist_new(3, 2)
    for value in letters(7):
        q.quicklist_push_tail(ql, value)
    copy = q.quicklist_dup(ql)
    assert (copy.fill, copy.compress, copy.count) == (3, 2, 7)
    assert [n.lp for n in copy.nodes] == [n.lp for n in ql.nodes]
    q.quicklist_pop(copy, q.QUICKLIST_HEAD)
    q.quicklist_replace_at_index(copy, 0, b"B")
    assert elements(lp, ql) == letters(7)
    assert elements(lp, copy) == [b"B"] + letters(5, 2)


# -- a state machine against a Python list -----------------------------------------

VALUES = st.one_of(
    st.sampled_from([b"a", b"b", b"7", b"-300", b"70000", b"007", b""]),
    st.integers(-(2**63), 2**63 - 1).map(lambda i: b"%d" % i),
    st.integers(1, 3000).map(lambda n: b"x" * n),
    st.binary(max_size=40),
)


class QuicklistMachine(RuleBasedStateMachine):
    """A Quicklist and a Python list, changed alike; after every step
    each node's listpack validates, counts add up, and a node obeys
    the fill factor where Redis enforces it."""

    q = lp = None  # the modules, set by the test below

    @initialize(fill=st.sampled_from([1, 2, 3, 4, 5, -1, -2, 0]))
    def start(self, fill):
        self.ql = self.q.quicklist_new(fill, 0)
        self.model: list[bytes] = []

    def byte_limit(self) -> int:
        fill = self.ql.fill
        return self.q.OPTIMIZATION_LEVEL[-fill - 1] if fill < 0 else 8192

    def check_end_node(self, index: int):
        """A push fills the end node only while the estimate allows."""
        node = self.ql.nodes[index]
        assert node.count == 1 or node.sz <= self.byte_limit()

    @rule(value=VALUES)
    def push_head(self, value):
        self.q.quicklist_push_head(self.ql, value)
        self.model.insert(0, value)
        self.check_end_node(0)

    @rule(value=VALUES)
    def push_tail(self, value):
        self.q.quicklist_push_tail(self.ql, value)
        self.model.append(value)
        self.check_end_node(-1)

    @rule(head=st.booleans())
    def pop(self, head):
        where = self.q.QUICKLIST_HEAD if head else self.q.QUICKLIST_TAIL
        got = self.q.quicklist_pop(self.ql, where)
        if not self.model:
            assert got is None
        else:
            assert as_bytes(got) == self.model.pop(0 if head else -1)

    @precondition(lambda self: self.model)
    @rule(data=st.data(), value=VALUES, after=st.booleans(), forward=st.booleans())
    def insert(self, data, value, after, forward):
        n = len(self.model)
        index = data.draw(st.integers(-n, n - 1))
        direction = self.q.AL_START_HEAD if forward else self.q.AL_START_TAIL
        it, entry = entry_at(self.q, self.ql, index, direction)
        assert as_bytes(entry.value) == self.model[index]
        position = index % n
        if after:
            self.q.quicklist_insert_after(it, entry, value)
            self.model.insert(position + 1, value)
        else:
            self.q.quicklist_insert_before(it, entry, value)
            self.model.insert(position, value)

    @rule(index=st.integers(-60, 60), value=VALUES)
    def replace(self, index, value):
        done = self.q.quicklist_replace_at_index(self.ql, index, value)
        assert done == (-len(self.model) <= index < len(self.model))
        if done:
            self.model[index] = value

    @rule(start=st.integers(-60, 60), count=st.integers(-1, 40))
    def delete_range(self, start, count):
        n = len(self.model)
        deleted = self.q.quicklist_del_range(self.ql, start, count)
        assert deleted == (count > 0 and -n <= start < n)
        if deleted:
            begin = start % n
            del self.model[begin:min(begin + count, n)]

    @precondition(lambda self: self.model)
    @rule(data=st.data(), forward=st.booleans(), limit=st.integers(0, 3))
    def remove_equal(self, data, forward, limit):
        """LREM: delete up to `limit` (0: all) copies while iterating."""
        value = data.draw(st.sampled_from(self.model))
        direction = self.q.AL_START_HEAD if forward else self.q.AL_START_TAIL
        it = self.q.quicklist_get_iterator(self.ql, direction)
        removed = 0
        while (entry := self.q.quicklist_next(it)) is not None:
            if self.q.quicklist_compare(entry, value):
                self.q.quicklist_del_entry(it, entry)
                removed += 1
                if removed == limit:
                    break
        order = range(len(self.model)) if forward else range(len(self.model) - 1, -1, -1)
        hits = [i for i in order if self.model[i] == value][:limit or None]
        for i in sorted(hits, reverse=True):
            del self.model[i]

    @rule()
    def dup(self):
        copy = self.q.quicklist_dup(self.ql)
        assert elements(self.lp, copy) == self.model
        if copy.count:
            self.q.quicklist_pop(copy, self.q.QUICKLIST_HEAD)
            assert elements(self.lp, self.ql) == self.model

    @invariant()
    def matches_the_model(self):
        assert elements(self.lp, self.ql) == self.model
        assert self.ql.count == len(self.model) == sum(n.count for n in self.ql.nodes)
        got = self.q.quicklist_range(self.ql, 0, self.ql.count)
        assert [as_bytes(v) for v in got] == self.model

    @invariant()
    def every_node_is_a_valid_non_empty_listpack(self):
        for node in self.ql.nodes:
            assert self.lp.lp_validate_integrity(node.lp, True)
            assert node.count == self.lp.lp_length(node.lp) > 0

    @invariant()
    def a_positive_fill_bounds_every_nodes_count(self):
        if self.ql.fill >= 0:
            limit = max(self.ql.fill, 1)
            assert all(node.count <= limit for node in self.ql.nodes)


def test_quicklist_matches_a_python_list(modules):
    QuicklistMachine.q, QuicklistMachine.lp = modules
    QuicklistMachine.TestCase.settings = settings(
        max_examples=150, stateful_step_count=40, deadline=None)
    QuicklistMachine.TestCase().runTest()
