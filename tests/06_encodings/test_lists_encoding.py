"""Lists are quicklists: OBJECT ENCODING says "quicklist" for every list,
however it was made, and the list commands give Redis's replies when a
list spans many nodes. `list-max-listpack-size` is lowered with CONFIG
SET before the keys are made (1 and 3 elements per node, or 4 KB: -1),
so that the same commands cross node boundaries, split nodes in two and
empty them; a Python list is the model of each key.

(test_lists_oracle.py compares the nodes themselves with Redis's.)"""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule, run_state_machine_as_test
from support.machines import ServerModelMachine, index_range
from support.replies import (
    EMPTY_ARRAY,
    NULL,
    NULL_ARRAY,
    OK,
    bulk,
    bulks,
    error,
    integer,
)
from support.wire import decode

QUICKLIST = bulk("quicklist")
FILLS = [1, 3, -1]


def encoding(raw, key: str = "l") -> bytes:
    return raw.call("OBJECT", "ENCODING", key)


# -- OBJECT ENCODING ---------------------------------------------------------------


@pytest.mark.parametrize("command", [
    ("RPUSH", "l", "a"),
    ("LPUSH", "l", *[str(i) for i in range(2000)]),
    ("RPUSH", "l", "x" * 10_000),
    ("RPUSH", "l", "-12", "007", "9223372036854775807"),
])
def test_a_pushed_list_is_a_quicklist(raw, command):
    raw.call(*command)
    assert encoding(raw) == QUICKLIST


def test_lists_made_by_moves_sort_store_and_copy_are_quicklists(raw):
    raw.call("RPUSH", "src", "3", "1", "2", "b")
    raw.call("RPOPLPUSH", "src", "rpoplpush")
    raw.call("LMOVE", "src", "lmove", "LEFT", "RIGHT")
    raw.call("SORT", "src", "BY", "nosort", "STORE", "sorted")
    raw.call("COPY", "src", "copied")
    for key in ("src", "rpoplpush", "lmove", "sorted", "copied"):
        assert encoding(raw, key) == QUICKLIST, key


def test_renamed_and_moved_lists_stay_quicklists(raw):
    raw.call("RPUSH", "l", "a", "b")
    raw.call("RENAME", "l", "renamed")
    assert encoding(raw, "renamed") == QUICKLIST
    assert raw.call("MOVE", "renamed", "1") == integer(1)
    raw.call("SELECT", "1")
    assert encoding(raw, "renamed") == QUICKLIST
    raw.call("FLUSHDB")


def test_a_list_stays_a_quicklist_as_it_shrinks_and_grows(raw):
    raw.call("RPUSH", "l", *[str(i) for i in range(600)])
    for command in (("LTRIM", "l", "1", "3"), ("LINSERT", "l", "AFTER", "2", "new"),
                    ("LSET", "l", "0", "y" * 5000), ("LREM", "l", "0", "3"),
                    ("LPOP", "l"), ("RPUSH", "l", "z")):
        raw.call(*command)
        assert encoding(raw) == QUICKLIST, command


# -- reading from the tail: each entry's backlen ------------------------------------

# A string of n bytes takes an entry of n + 1 bytes (up to 63), n + 2 (up
# to 4095) or n + 5; its backlen takes 1 byte up to an entry of 127 bytes,
# 2 up to 16382, then 3. These sizes sit on both sides of each edge.
LONG_SIZES = [64, 125, 126, 200, 4095, 4096, 16377, 16378, 20000]


@pytest.mark.exercise("06-lp-encode-backlen")
def test_long_elements_read_back_from_the_tail(raw):
    items = [b"%c" % (97 + i) * size for i, size in enumerate(LONG_SIZES)]
    assert raw.call("RPUSH", "l", *items) == integer(len(items))
    assert raw.call("LINDEX", "l", "-1") == bulk(items[-1])
    assert raw.call("LRANGE", "l", "-3", "-1") == bulks(*items[-3:])
    for item in reversed(items):  # each pop walks left from the end byte
        assert raw.call("RPOP", "l") == bulk(item)


# -- commands across nodes -----------------------------------------------------------


@pytest.fixture(params=FILLS, ids=lambda fill: f"fill{fill}")
def small_nodes(request, raw):
    """Lists made from now on get nodes of `fill` elements (negative:
    4 KB); the default comes back after the test."""
    assert raw.call("CONFIG", "SET", "list-max-listpack-size", request.param) == OK
    yield request.param
    assert raw.call("CONFIG", "SET", "list-max-listpack-size", "-2") == OK


def element(i: int) -> bytes:
    """A mix of what a listpack stores differently: small and large
    integers, short and long strings, a string that looks like a number."""
    kinds = (b"%d" % i, b"-%d" % (i * 100_003), b"s%d" % i, b"0%d" % i,
             b"L%d" % i * 40, b"%d" % (i * 2**40))
    return kinds[i % len(kinds)]


ITEMS = [element(i) for i in range(60)]


def fill(raw, key: str = "l", items: list[bytes] = ITEMS) -> None:
    assert raw.call("RPUSH", key, *items) == integer(len(items))


def test_lrange_and_lindex_read_across_nodes(raw, small_nodes):
    fill(raw)
    assert raw.call("LLEN", "l") == integer(len(ITEMS))
    assert raw.call("LRANGE", "l", "0", "-1") == bulks(*ITEMS)
    for start, stop in [(0, 0), (2, 9), (-7, -2), (25, 200), (-100, 4), (9, 2)]:
        assert raw.call("LRANGE", "l", start, stop) == bulks(
            *index_range(ITEMS, start, stop))
    for index in range(-len(ITEMS) - 1, len(ITEMS) + 1):
        expected = (bulk(ITEMS[index]) if -len(ITEMS) <= index < len(ITEMS)
                    else NULL)
        assert raw.call("LINDEX", "l", index) == expected


def test_lset_replaces_in_any_node(raw, small_nodes):
    fill(raw)
    items = list(ITEMS)
    for index, value in [(0, b"first"), (-1, b"12345"), (17, b"v" * 300),
                         (-30, b"-1"), (31, b"")]:
        assert raw.call("LSET", "l", index, value) == OK
        items[index] = value
    assert raw.call("LSET", "l", len(items), "x") == error("index out of range")
    assert raw.call("LRANGE", "l", "0", "-1") == bulks(*items)


def test_linsert_into_full_nodes_splits_them(raw, small_nodes):
    fill(raw)
    items = list(ITEMS)
    for where, pivot, value in [("BEFORE", ITEMS[0], b"h"), ("AFTER", ITEMS[-1], b"t"),
                                ("AFTER", ITEMS[10], b"777"),
                                ("BEFORE", ITEMS[31], b"w" * 500),
                                ("AFTER", ITEMS[31], b"-5")]:
        position = items.index(pivot) + (where == "AFTER")
        items.insert(position, value)
        assert raw.call("LINSERT", "l", where, pivot, value) == integer(len(items))
    assert raw.call("LINSERT", "l", "AFTER", "missing", "x") == integer(-1)
    assert raw.call("LRANGE", "l", "0", "-1") == bulks(*items)


@pytest.mark.parametrize("count", [0, 2, -2, 100, -100])
def test_lrem_deletes_through_nodes_from_either_end(raw, small_nodes, count):
    items = [b"x" if i % 3 == 0 else element(i) for i in range(45)]
    fill(raw, items=items)
    positions = [i for i, item in enumerate(items) if item == b"x"]
    if count < 0:
        positions = positions[::-1]
    gone = set(positions[:abs(count)] if count else positions)
    assert raw.call("LREM", "l", count, "x") == integer(len(gone))
    kept = [item for i, item in enumerate(items) if i not in gone]
    assert raw.call("LRANGE", "l", "0", "-1") == bulks(*kept)


@pytest.mark.parametrize(("start", "stop"), [(3, -4), (0, 0), (-1, -1), (10, 10_000),
                                             (20, 5)])
def test_ltrim_cuts_nodes(raw, small_nodes, start, stop):
    fill(raw)
    assert raw.call("LTRIM", "l", start, stop) == OK
    kept = index_range(ITEMS, start, stop)
    assert raw.call("LRANGE", "l", "0", "-1") == bulks(*kept)
    assert raw.call("EXISTS", "l") == integer(bool(kept))


def test_lpos_finds_matches_in_every_node(raw, small_nodes):
    items = [b"m" if i % 4 == 1 else element(i) for i in range(50)]
    fill(raw, items=items)
    matches = [i for i, item in enumerate(items) if item == b"m"]
    assert raw.call("LPOS", "l", "m") == integer(matches[0])
    assert raw.call("LPOS", "l", "m", "RANK", "-1") == integer(matches[-1])
    assert raw.call("LPOS", "l", "m", "RANK", "3") == integer(matches[2])
    assert decode(raw.call("LPOS", "l", "m", "COUNT", "0")) == matches
    assert decode(raw.call("LPOS", "l", "m", "RANK", "-2", "COUNT", "4")) == \
        matches[::-1][1:5]
    assert decode(raw.call("LPOS", "l", "m", "COUNT", "0", "MAXLEN", "20")) == \
        [i for i in matches if i < 20]
    assert raw.call("LPOS", "l", items[7]) == integer(7)
    assert raw.call("LPOS", "l", "nothing") == NULL


def test_pops_with_a_count_take_whole_nodes(raw, small_nodes):
    fill(raw)
    items = list(ITEMS)
    assert raw.call("LPOP", "l", "7") == bulks(*items[:7])
    assert raw.call("RPOP", "l", "9") == bulks(*items[-9:][::-1])
    assert raw.call("LPOP", "l") == bulk(items[7])
    assert raw.call("RPOP", "l") == bulk(items[-10])
    assert raw.call("LPOP", "l", "0") == EMPTY_ARRAY
    rest = items[8:-10]
    assert raw.call("LMPOP", "2", "none", "l", "RIGHT", "COUNT", "5") == (
        b"*2\r\n" + bulk("l") + bulks(*rest[-5:][::-1]))
    rest = rest[:-5]
    assert raw.call("RPOP", "l", "1000") == bulks(*rest[::-1])
    assert raw.call("EXISTS", "l") == integer(0)
    assert raw.call("LPOP", "l", "1") == NULL_ARRAY


def test_lmove_rotates_a_list_across_nodes(raw, small_nodes):
    fill(raw)
    items = list(ITEMS)
    for _ in range(7):
        assert raw.call("RPOPLPUSH", "l", "l") == bulk(items[-1])
        items.insert(0, items.pop())
    for _ in range(3):
        assert raw.call("LMOVE", "l", "l", "LEFT", "RIGHT") == bulk(items[0])
        items.append(items.pop(0))
    assert raw.call("LMOVE", "l", "other", "RIGHT", "LEFT") == bulk(items.pop())
    assert raw.call("LRANGE", "l", "0", "-1") == bulks(*items)


def test_sort_reads_and_stores_lists_of_many_nodes(raw, small_nodes):
    numbers = [b"%d" % ((i * 37) % 101 - 50) for i in range(40)]
    fill(raw, items=numbers)
    by_number = sorted(numbers, key=int)
    assert raw.call("SORT", "l") == bulks(*by_number)
    assert raw.call("SORT", "l", "DESC", "LIMIT", "5", "10") == bulks(
        *by_number[::-1][5:15])
    assert raw.call("SORT", "l", "ALPHA") == bulks(*sorted(numbers))
    assert raw.call("SORT", "l", "BY", "nosort", "LIMIT", "3", "12") == bulks(
        *numbers[3:15])
    assert raw.call("SORT", "l", "BY", "nosort", "DESC", "LIMIT", "3", "12") == bulks(
        *numbers[::-1][3:15])
    assert raw.call("SORT", "l", "STORE", "dst") == integer(len(numbers))
    assert raw.call("LRANGE", "dst", "0", "-1") == bulks(*by_number)


def test_a_copy_is_a_list_of_its_own(raw, small_nodes):
    fill(raw)
    assert raw.call("COPY", "l", "copy") == integer(1)
    assert raw.call("LSET", "copy", "5", "changed") == OK
    assert raw.call("RPUSH", "copy", "more") == integer(len(ITEMS) + 1)
    assert raw.call("LRANGE", "l", "0", "-1") == bulks(*ITEMS)
    copied = ITEMS[:5] + [b"changed"] + ITEMS[6:] + [b"more"]
    assert raw.call("LRANGE", "copy", "0", "-1") == bulks(*copied)


def test_a_list_keeps_the_fill_it_was_made_with(raw, small_nodes):
    """list-max-listpack-size is read when a list is made: changing it
    later changes nothing a client can see."""
    fill(raw)
    assert raw.call("CONFIG", "SET", "list-max-listpack-size", "2") == OK
    assert raw.call("RPUSH", "l", "after") == integer(len(ITEMS) + 1)
    assert raw.call("LINSERT", "l", "BEFORE", ITEMS[3], "in") == integer(len(ITEMS) + 2)
    assert raw.call("LRANGE", "l", "0", "5") == bulks(*ITEMS[:3], "in", *ITEMS[3:5])
    assert encoding(raw) == QUICKLIST


# -- random command sequences, with small nodes -------------------------------------

ELEMENTS = st.one_of(
    st.sampled_from([b"a", b"b", b"", b"7", b"-7", b"127", b"128", b"4096", b"007",
                     b"9223372036854775807", b"x" * 64]),
    st.integers(-(2**63), 2**63 - 1).map(lambda i: b"%d" % i),
    st.binary(max_size=70),
)
KEYS = st.sampled_from([b"l1", b"l2"])
SIDES = st.sampled_from(["LEFT", "RIGHT"])
INDEXES = st.integers(-12, 12)


class SmallNodesMachine(ServerModelMachine):
    """Two lists and their Python models; every reply must agree."""

    def __init__(self, port: int):
        super().__init__(port)
        self.model: dict[bytes, list[bytes]] = {b"l1": [], b"l2": []}

    @rule(key=KEYS, side=SIDES, values=st.lists(ELEMENTS, min_size=1, max_size=5))
    def push(self, key, side, values):
        items = self.model[key]
        for value in values:
            items.insert(0 if side == "LEFT" else len(items), value)
        command = "LPUSH" if side == "LEFT" else "RPUSH"
        assert self.raw.call(command, key, *values) == integer(len(items))

    @rule(key=KEYS, side=SIDES, count=st.none() | st.integers(1, 6))
    def pop(self, key, side, count):
        items = self.model[key]
        command = "LPOP" if side == "LEFT" else "RPOP"
        reply = self.raw.call(command, key, *([] if count is None else [count]))
        if not items:
            assert reply == (NULL if count is None else NULL_ARRAY)
            return
        taken = [items.pop(0 if side == "LEFT" else -1)
                 for _ in range(min(count or 1, len(items)))]
        assert reply == (bulk(taken[0]) if count is None else bulks(*taken))

    @rule(key=KEYS, after=st.booleans(), position=st.integers(0, 100), value=ELEMENTS)
    def linsert(self, key, after, position, value):
        items = self.model[key]
        if not items:
            return
        pivot = items[position % len(items)]
        items.insert(items.index(pivot) + after, value)
        reply = self.raw.call("LINSERT", key, "AFTER" if after else "BEFORE", pivot, value)
        assert reply == integer(len(items))

    @rule(key=KEYS, index=INDEXES, value=ELEMENTS)
    def lset(self, key, index, value):
        items = self.model[key]
        reply = self.raw.call("LSET", key, index, value)
        if not items:
            assert reply == error("no such key")
        elif -len(items) <= index < len(items):
            items[index] = value
            assert reply == OK
        else:
            assert reply == error("index out of range")

    @rule(key=KEYS, count=st.integers(-3, 3), position=st.integers(0, 100))
    def lrem(self, key, count, position):
        items = self.model[key]
        if not items:
            return
        value = items[position % len(items)]
        positions = [i for i, item in enumerate(items) if item == value]
        if count < 0:
            positions = positions[::-1]
        gone = set(positions[:abs(count)] if count else positions)
        self.model[key] = [item for i, item in enumerate(items) if i not in gone]
        assert self.raw.call("LREM", key, count, value) == integer(len(gone))

    @rule(key=KEYS, start=INDEXES, stop=INDEXES)
    def ltrim(self, key, start, stop):
        self.model[key] = index_range(self.model[key], start, stop)
        assert self.raw.call("LTRIM", key, start, stop) == OK

    @rule(key=KEYS, start=INDEXES, stop=INDEXES)
    def lrange(self, key, start, stop):
        expected = bulks(*index_range(self.model[key], start, stop))
        assert self.raw.call("LRANGE", key, start, stop) == expected

    @rule(source=KEYS, destination=KEYS, wherefrom=SIDES, whereto=SIDES)
    def lmove(self, source, destination, wherefrom, whereto):
        items = self.model[source]
        reply = self.raw.call("LMOVE", source, destination, wherefrom, whereto)
        if not items:
            assert reply == NULL
            return
        value = items.pop(0 if wherefrom == "LEFT" else -1)
        target = self.model[destination]
        target.insert(0 if whereto == "LEFT" else len(target), value)
        assert reply == bulk(value)

    @invariant()
    def lists_agree(self):
        for key, items in self.model.items():
            assert self.raw.call("LRANGE", key, 0, -1) == bulks(*items)
            if items:
                assert encoding(self.raw, key.decode()) == QUICKLIST


@pytest.mark.parametrize("fill_size", FILLS)
def test_random_commands_on_small_nodes_agree_with_python_lists(server, raw, fill_size):
    assert raw.call("CONFIG", "SET", "list-max-listpack-size", fill_size) == OK
    try:
        run_state_machine_as_test(
            lambda: SmallNodesMachine(server.port),
            settings=settings(max_examples=25, stateful_step_count=30, deadline=None))
    finally:
        assert raw.call("CONFIG", "SET", "list-max-listpack-size", "-2") == OK
