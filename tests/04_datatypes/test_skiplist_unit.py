"""Unit tests of the skiplist in t_zset.py (not run against Redis).

After any sequence of inserts, deletes and score updates, every level must
be a sorted sub-list of level 0, every span must count the level-0 steps it
jumps, and ranks must come out of the spans.
"""

import random
from math import inf, isnan

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytestmark = pytest.mark.internal


@pytest.fixture
def t_zset(step_module):
    return step_module("t_zset")


def new_zset(t_zset):
    """An empty sorted set as zset_add() takes it: a ZSet up to step 05,
    a RedisObject holding one (object.py) from step 06 on."""
    create = getattr(t_zset, "create_zset_object", t_zset.ZSet)
    return create()


def zset_of(zobj):
    """The ZSet (dict and skiplist) of what new_zset() made."""
    return getattr(zobj, "ptr", zobj)


def level0(zsl) -> list:
    """The nodes in order, without the header."""
    nodes, x = [], zsl.header.level[0].forward
    while x is not None:
        nodes.append(x)
        x = x.level[0].forward
    return nodes


def check_skiplist(zsl) -> None:
    """Assert every structural invariant of a skiplist."""
    nodes = level0(zsl)
    rank = {id(zsl.header): 0} | {id(node): i + 1 for i, node in enumerate(nodes)}
    assert zsl.length == len(nodes)
    keys = [(node.score, node.ele) for node in nodes]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert zsl.tail is (nodes[-1] if nodes else None)
    for before, node in zip([None, *nodes], nodes):
        assert node.backward is before
    heights = [len(node.level) for node in nodes]
    assert all(1 <= h <= 32 for h in heights)
    assert zsl.level == max(heights, default=1)
    for i in range(zsl.level):
        x, on_level = zsl.header, []
        while True:
            forward, span = x.level[i].forward, x.level[i].span
            if forward is None:
                assert span == zsl.length - rank[id(x)], f"span at the end of level {i}"
                break
            assert span == rank[id(forward)] - rank[id(x)], f"span on level {i}"
            on_level.append(forward)
            x = forward
        assert on_level == [node for node in nodes if len(node.level) > i]


def check_zset(t_zset, zobj) -> None:
    zobj = zset_of(zobj)
    check_skiplist(zobj.zsl)
    nodes = level0(zobj.zsl)
    assert {node.ele: node.score for node in nodes} == zobj.dict
    for i, node in enumerate(nodes):
        assert t_zset.zsl_get_rank(zobj.zsl, node.score, node.ele) == i + 1
        assert t_zset.zsl_get_element_by_rank(zobj.zsl, i + 1) is node


MEMBERS = st.sampled_from([b"a", b"b", b"c", b"ab", b"", b"\x00", b"\xff", b"zz"])
SCORES = st.sampled_from([-inf, -1.5, 0.0, 1.0, 2.0, inf]) | st.integers(-5, 5).map(float)
OPERATIONS = st.lists(st.tuples(st.sampled_from(["add", "del", "incr"]), SCORES, MEMBERS),
                      max_size=60)


@pytest.mark.exercise("04-zsl-insert", "04-zsl-get-rank")
@given(operations=OPERATIONS)
def test_spans_and_ranks_stay_consistent(t_zset, operations):
    zobj, model = new_zset(t_zset), {}
    for op, score, member in operations:
        if op == "del":
            assert t_zset.zset_del(zobj, member) == (model.pop(member, None) is not None)
        elif op == "add":
            t_zset.zset_add(zobj, score, member, 0)
            model[member] = score
        else:
            new = model.get(member, 0.0) + score
            flags, _ = t_zset.zset_add(zobj, score, member, t_zset.ZADD_IN_INCR)
            if isnan(new):
                assert flags == t_zset.ZADD_OUT_NAN
            else:
                model[member] = new
        check_zset(t_zset, zobj)
        assert zset_of(zobj).dict == model


@pytest.mark.exercise("04-zsl-insert", "04-zsl-get-rank")
def test_thousands_of_random_operations(t_zset):
    rng = random.Random(2024)
    zobj, model = new_zset(t_zset), {}
    for step in range(4000):
        member = b"m%d" % rng.randrange(300)
        if rng.random() < 0.3:
            assert t_zset.zset_del(zobj, member) == (model.pop(member, None) is not None)
        else:
            score = float(rng.randrange(-20, 20)) / 2
            t_zset.zset_add(zobj, score, member, 0)
            model[member] = score
        if step % 250 == 0:
            check_zset(t_zset, zobj)
    check_zset(t_zset, zobj)
    assert [node.ele for node in level0(zset_of(zobj).zsl)] == sorted(
        model, key=lambda m: (model[m], m))


@pytest.mark.exercise("04-zsl-insert")
def test_deleting_every_node_leaves_an_empty_skiplist(t_zset):
    zobj = new_zset(t_zset)
    members = [b"%d" % i for i in range(200)]
    for i, member in enumerate(members):
        t_zset.zset_add(zobj, float(i % 10), member, 0)
    random.Random(7).shuffle(members)
    for member in members:
        assert t_zset.zset_del(zobj, member)
    zobj = zset_of(zobj)
    check_skiplist(zobj.zsl)
    assert zobj.zsl.level == 1 and zobj.zsl.length == 0 and zobj.zsl.tail is None


@pytest.mark.exercise("04-zsl-get-rank")
def test_rank_of_a_missing_element_is_zero(t_zset):
    zsl = t_zset.zsl_create()
    assert t_zset.zsl_get_rank(zsl, 1.0, b"a") == 0
    t_zset.zsl_insert(zsl, 1.0, b"b")
    assert t_zset.zsl_get_rank(zsl, 1.0, b"a") == 0
    assert t_zset.zsl_get_rank(zsl, 2.0, b"b") == 0
    assert t_zset.zsl_get_rank(zsl, 1.0, b"b") == 1
    assert t_zset.zsl_get_element_by_rank(zsl, 2) is None


def test_update_score_in_place_when_the_order_does_not_change(t_zset):
    zsl = t_zset.zsl_create()
    a = t_zset.zsl_insert(zsl, 1.0, b"a")
    t_zset.zsl_insert(zsl, 5.0, b"b")
    assert t_zset.zsl_update_score(zsl, 1.0, b"a", 4.0) is a
    moved = t_zset.zsl_update_score(zsl, 4.0, b"a", 6.0)
    assert moved is not a and [n.ele for n in level0(zsl)] == [b"b", b"a"]
    check_skiplist(zsl)


def test_delete_returns_the_node_or_none(t_zset):
    zsl = t_zset.zsl_create()
    node = t_zset.zsl_insert(zsl, 1.0, b"a")
    assert t_zset.zsl_delete(zsl, 2.0, b"a") is None
    assert t_zset.zsl_delete(zsl, 1.0, b"a") is node
    assert t_zset.zsl_delete(zsl, 1.0, b"a") is None
    check_skiplist(zsl)


# Ranges

BOUND = st.tuples(st.booleans(), SCORES)


def build(t_zset, pairs):
    zobj = new_zset(t_zset)
    for score, member in pairs:
        t_zset.zset_add(zobj, score, member, 0)
    return zset_of(zobj)


@given(pairs=st.lists(st.tuples(SCORES, MEMBERS), max_size=30), low=BOUND, high=BOUND)
def test_score_ranges_match_a_linear_scan(t_zset, pairs, low, high):
    zobj = build(t_zset, pairs)
    spec = t_zset.ZRangeSpec(low[1], high[1], low[0], high[0])
    inside = [node for node in level0(zobj.zsl)
              if spec.value_gte_min(node) and spec.value_lte_max(node)]
    first = t_zset.zsl_first_in_range(zobj.zsl, spec)
    last = t_zset.zsl_last_in_range(zobj.zsl, spec)
    assert first is (inside[0] if inside else None)
    assert last is (inside[-1] if inside else None)
    assert t_zset.zsl_count_in_range(zobj.zsl, spec) == len(inside)
    assert t_zset.zsl_delete_range(zobj.zsl, spec, zobj.dict) == len(inside)
    check_zset(t_zset, zobj)
    assert not any(spec.value_gte_min(n) and spec.value_lte_max(n) for n in level0(zobj.zsl))


LEX_BOUND = st.one_of(st.tuples(st.booleans(), MEMBERS), st.sampled_from(["-", "+"]))


@given(members=st.lists(MEMBERS, max_size=8), low=LEX_BOUND, high=LEX_BOUND)
def test_lex_ranges_match_a_linear_scan(t_zset, members, low, high):
    zobj = build(t_zset, [(0.0, m) for m in members])

    def bound(item):
        if item == "-":
            return t_zset.MINSTRING, True
        if item == "+":
            return t_zset.MAXSTRING, True
        return item[1], item[0]

    (low_value, low_ex), (high_value, high_ex) = bound(low), bound(high)
    spec = t_zset.ZLexRangeSpec(low_value, high_value, low_ex, high_ex)
    inside = [node for node in level0(zobj.zsl)
              if spec.value_gte_min(node) and spec.value_lte_max(node)]
    assert t_zset.zsl_first_in_range(zobj.zsl, spec) is (inside[0] if inside else None)
    assert t_zset.zsl_last_in_range(zobj.zsl, spec) is (inside[-1] if inside else None)
    assert t_zset.zsl_delete_range(zobj.zsl, spec, zobj.dict) == len(inside)
    check_zset(t_zset, zobj)


@given(size=st.integers(0, 40), start=st.integers(1, 45), length=st.integers(0, 10))
def test_delete_range_by_rank(t_zset, size, start, length):
    zobj = build(t_zset, [(float(i // 3), b"%02d" % i) for i in range(size)])
    nodes = level0(zobj.zsl)
    doomed = nodes[start - 1:start - 1 + length]
    assert t_zset.zsl_delete_range_by_rank(zobj.zsl, start, start + length - 1,
                                           zobj.dict) == len(doomed)
    assert level0(zobj.zsl) == [n for n in nodes if n not in doomed]
    check_zset(t_zset, zobj)


# Levels

def test_levels_are_geometric_with_p_one_quarter(t_zset):
    samples = [t_zset.zsl_random_level() for _ in range(200_000)]
    assert min(samples) == 1
    for k in (2, 3, 4, 5):
        share = sum(level >= k for level in samples) / len(samples)
        expected = 0.25 ** (k - 1)
        # A binomial share: allow five standard deviations.
        sigma = (expected * (1 - expected) / len(samples)) ** 0.5
        assert abs(share - expected) < 5 * sigma, (k, share, expected)


def test_levels_are_capped_at_32(t_zset, monkeypatch):
    draws = iter([0.0] * 40 + [0.99])
    monkeypatch.setattr(t_zset, "random", lambda: next(draws))
    assert t_zset.zsl_random_level() == t_zset.ZSKIPLIST_MAXLEVEL == 32


@pytest.mark.exercise("04-zsl-insert")
def test_a_node_of_the_maximum_height_links_every_level(t_zset, monkeypatch):
    zsl = t_zset.zsl_create()
    t_zset.zsl_insert(zsl, 1.0, b"low")
    monkeypatch.setattr(t_zset, "zsl_random_level", lambda: 32)
    t_zset.zsl_insert(zsl, 2.0, b"tall")
    monkeypatch.undo()
    t_zset.zsl_insert(zsl, 0.5, b"first")
    assert zsl.level == 32
    check_skiplist(zsl)
    assert t_zset.zsl_get_rank(zsl, 2.0, b"tall") == 3


# Range parsing

@pytest.mark.parametrize(("text", "value"), [
    (b"", 0.0), (b" 1.5", 1.5), (b"\t-2", -2.0), (b"1e400", inf), (b"-1e400", -inf),
    (b"0x10", 16.0), (b"0x1p99999", inf), (b"-0x1p99999", -inf), (b"Infinity", inf),
    (b"1\x00junk", 1.0), (b"1e-400", 0.0),
])
def test_strtod_reads_what_c_reads(t_zset, text, value):
    assert t_zset.strtod(text) == value


@pytest.mark.parametrize("text", [b"nan", b"1 ", b" ", b"1e", b"0x", b"abc", b"--1"])
def test_strtod_refuses_leftovers_and_nan(t_zset, text):
    assert t_zset.strtod(text) is None
