"""Sets: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP SRANDMEMBER
SMOVE SINTER SINTERCARD SUNION SDIFF SINTERSTORE SUNIONSTORE SDIFFSTORE
SSCAN, as Redis 7.0. Members come back in no particular order, so replies
are compared as sets."""

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import rule, run_state_machine_as_test
from support.machines import ServerModelMachine
from support.replies import (
    EMPTY_SCAN,
    MUST_BE_POSITIVE,
    NOT_AN_INTEGER,
    NULL,
    NULL3,
    SYNTAX_ERROR,
    scan_all,
)
from support.wire import decode


def members(raw, *args) -> set[bytes]:
    reply = decode(raw.call(*args))
    assert len(reply) == len(set(reply))  # a set has no repeats
    return set(reply)


# SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS

def test_sadd_counts_only_new_members(raw):
    assert raw.call("SADD", "s", "a", "b", "a") == b":2\r\n"
    assert raw.call("SADD", "s", "b", "c") == b":1\r\n"
    assert raw.call("SCARD", "s") == b":3\r\n"
    assert members(raw, "SMEMBERS", "s") == {b"a", b"b", b"c"}


def test_srem_counts_and_the_last_member_takes_the_key(raw):
    raw.call("SADD", "s", "a", "b")
    assert raw.call("SREM", "s", "a", "x", "a") == b":1\r\n"
    assert raw.call("SREM", "s", "b") == b":1\r\n"
    assert raw.call("EXISTS", "s") == b":0\r\n"
    assert raw.call("SREM", "s", "b") == b":0\r\n"


def test_membership(raw):
    raw.call("SADD", "s", "a", "")
    assert raw.call("SISMEMBER", "s", "a") == b":1\r\n"
    assert raw.call("SISMEMBER", "s", "") == b":1\r\n"
    assert raw.call("SISMEMBER", "s", "x") == b":0\r\n"
    assert raw.call("SISMEMBER", "nokey", "a") == b":0\r\n"
    assert raw.call("SMISMEMBER", "s", "x", "a", "a") == b"*3\r\n:0\r\n:1\r\n:1\r\n"
    assert raw.call("SMISMEMBER", "nokey", "a", "b") == b"*2\r\n:0\r\n:0\r\n"
    raw.call("HELLO", "3")
    assert raw.call("SISMEMBER", "s", "a") == b":1\r\n"  # not #t in 7.0


def test_members_are_binary_safe(raw):
    member = b"\x00\r\n\xff"
    raw.call("SADD", b"s\x00", member)
    assert raw.call("SMEMBERS", b"s\x00") == b"*1\r\n$4\r\n" + member + b"\r\n"
    assert raw.call("SISMEMBER", b"s\x00", member) == b":1\r\n"


def test_smembers_is_a_set_in_resp3(raw):
    raw.call("SADD", "s", "a")
    raw.call("HELLO", "3")
    assert raw.call("SMEMBERS", "s") == b"~1\r\n$1\r\na\r\n"
    assert raw.call("SMEMBERS", "nokey") == b"~0\r\n"


def test_missing_set_reads_empty(raw):
    assert raw.call("SMEMBERS", "nokey") == b"*0\r\n"
    assert raw.call("SCARD", "nokey") == b":0\r\n"


def test_smembers_with_redis_py(r):
    r.sadd("s", "a", "b")
    assert r.smembers("s") == {b"a", b"b"}


# SMOVE

def test_smove_moves_a_member(raw):
    raw.call("SADD", "src", "a", "b")
    assert raw.call("SMOVE", "src", "dst", "a") == b":1\r\n"
    assert members(raw, "SMEMBERS", "src") == {b"b"}
    assert members(raw, "SMEMBERS", "dst") == {b"a"}
    assert raw.call("SMOVE", "src", "dst", "b") == b":1\r\n"
    assert raw.call("EXISTS", "src") == b":0\r\n"
    assert raw.call("SMOVE", "dst", "dst2", "nope") == b":0\r\n"


def test_smove_to_a_set_that_has_it(raw):
    raw.call("SADD", "src", "a")
    raw.call("SADD", "dst", "a")
    assert raw.call("SMOVE", "src", "dst", "a") == b":1\r\n"
    assert raw.call("EXISTS", "src") == b":0\r\n"
    assert members(raw, "SMEMBERS", "dst") == {b"a"}


def test_smove_within_one_set_tells_membership(raw):
    raw.call("SADD", "s", "a")
    assert raw.call("SMOVE", "s", "s", "a") == b":1\r\n"
    assert raw.call("SMOVE", "s", "s", "x") == b":0\r\n"
    assert members(raw, "SMEMBERS", "s") == {b"a"}


def test_smove_type_checks(raw):
    raw.call("SET", "str", "v")
    raw.call("SADD", "s", "a")
    assert raw.call("SMOVE", "nokey", "str", "a") == b":0\r\n"
    assert raw.call("SMOVE", "str", "s", "a").startswith(b"-WRONGTYPE")
    assert raw.call("SMOVE", "s", "str", "a").startswith(b"-WRONGTYPE")
    assert raw.call("SMOVE", "s", "str", "nope").startswith(b"-WRONGTYPE")
    assert members(raw, "SMEMBERS", "s") == {b"a"}


# SPOP, SRANDMEMBER

def load_set(raw, size: int) -> set[bytes]:
    values = {b"m%d" % i for i in range(size)}
    raw.call("SADD", "s", *values)
    return values


def test_spop_removes_what_it_returns(raw):
    values = load_set(raw, 5)
    popped = {decode(raw.call("SPOP", "s")) for _ in range(5)}
    assert popped == values
    assert raw.call("EXISTS", "s") == b":0\r\n"
    assert raw.call("SPOP", "s") == NULL
    raw.call("HELLO", "3")
    assert raw.call("SPOP", "s") == NULL3


@pytest.mark.parametrize("count", [1, 3, 10])
def test_spop_with_count(raw, count):
    values = load_set(raw, 10)
    popped = members(raw, "SPOP", "s", count)
    assert len(popped) == count and popped <= values
    assert members(raw, "SMEMBERS", "s") == values - popped
    assert raw.call("EXISTS", "s") == (b":0\r\n" if count == 10 else b":1\r\n")


def test_spop_with_a_count_beyond_the_size_takes_all(raw):
    values = load_set(raw, 3)
    assert members(raw, "SPOP", "s", "100") == values
    assert raw.call("EXISTS", "s") == b":0\r\n"


def test_spop_with_count_replies_a_set(raw):
    load_set(raw, 3)
    assert raw.call("SPOP", "s", "0") == b"*0\r\n"
    assert raw.call("SPOP", "nokey", "2") == b"*0\r\n"
    raw.call("HELLO", "3")
    assert raw.call("SPOP", "s", "1").startswith(b"~1\r\n")
    assert raw.call("SPOP", "s", "5").startswith(b"~2\r\n")
    assert raw.call("SPOP", "nokey", "2") == b"~0\r\n"


@pytest.mark.parametrize(("args", "reply"), [
    (("x",), MUST_BE_POSITIVE), (("-1",), MUST_BE_POSITIVE),
    (("1", "2"), SYNTAX_ERROR),
])
def test_spop_errors(raw, args, reply):
    load_set(raw, 3)
    assert raw.call("SPOP", "s", *args) == reply
    assert raw.call("SCARD", "s") == b":3\r\n"


def test_spop_reads_its_count_before_the_key(raw):
    raw.call("SET", "str", "v")
    assert raw.call("SPOP", "str", "x") == MUST_BE_POSITIVE


def test_srandmember_without_count(raw):
    values = load_set(raw, 5)
    picks = {decode(raw.call("SRANDMEMBER", "s")) for _ in range(100)}
    assert picks <= values and len(picks) > 1
    assert raw.call("SCARD", "s") == b":5\r\n"
    assert raw.call("SRANDMEMBER", "nokey") == NULL


@pytest.mark.parametrize("count", [1, 4, 5, 50])
def test_srandmember_positive_count_gives_distinct_members(raw, count):
    values = load_set(raw, 5)
    picks = decode(raw.call("SRANDMEMBER", "s", count))
    assert len(picks) == min(count, 5) == len(set(picks))
    assert set(picks) <= values


@pytest.mark.parametrize("count", [-1, -5, -50])
def test_srandmember_negative_count_may_repeat(raw, count):
    values = load_set(raw, 3)
    picks = decode(raw.call("SRANDMEMBER", "s", count))
    assert len(picks) == -count and set(picks) <= values


def test_srandmember_with_count_is_an_array_even_in_resp3(raw):
    load_set(raw, 3)
    raw.call("HELLO", "3")
    assert raw.call("SRANDMEMBER", "s", "-2").startswith(b"*2\r\n")
    assert raw.call("SRANDMEMBER", "s", "0") == b"*0\r\n"
    assert raw.call("SRANDMEMBER", "nokey", "3") == b"*0\r\n"


@pytest.mark.parametrize(("args", "reply"), [
    (("x",), NOT_AN_INTEGER), (("1", "2"), SYNTAX_ERROR),
    (("-9223372036854775808",), b"-ERR value is out of range, value must between "
     b"-9223372036854775807 and 9223372036854775807\r\n"),
])
def test_srandmember_errors(raw, args, reply):
    load_set(raw, 3)
    assert raw.call("SRANDMEMBER", "s", *args) == reply


# SINTER, SUNION, SDIFF and their STORE forms; SINTERCARD

@pytest.fixture
def abc(raw):
    raw.call("SADD", "a", "1", "2", "3", "4")
    raw.call("SADD", "b", "3", "4", "5")
    raw.call("SADD", "c", "4", "5", "6")
    return raw


def test_sinter(abc):
    assert members(abc, "SINTER", "a", "b") == {b"3", b"4"}
    assert members(abc, "SINTER", "a", "b", "c") == {b"4"}
    assert members(abc, "SINTER", "a", "a") == {b"1", b"2", b"3", b"4"}
    assert members(abc, "SINTER", "a", "nokey") == set()


def test_sunion(abc):
    assert members(abc, "SUNION", "a", "b", "nokey") == {
        b"1", b"2", b"3", b"4", b"5"}
    assert members(abc, "SUNION", "nokey") == set()


def test_sdiff(abc):
    assert members(abc, "SDIFF", "a", "b") == {b"1", b"2"}
    assert members(abc, "SDIFF", "a", "b", "c") == {b"1", b"2"}
    assert members(abc, "SDIFF", "a", "nokey") == {b"1", b"2", b"3", b"4"}
    assert members(abc, "SDIFF", "nokey", "a") == set()
    assert members(abc, "SDIFF", "a", "a") == set()


def test_set_algebra_replies_sets_in_resp3(abc):
    abc.call("HELLO", "3")
    for command in ("SINTER", "SUNION", "SDIFF"):
        assert abc.call(command, "a", "nokey").startswith(b"~")


@pytest.mark.parametrize(("command", "expected"), [
    ("SINTERSTORE", {b"3", b"4"}), ("SUNIONSTORE", {b"1", b"2", b"3", b"4", b"5"}),
    ("SDIFFSTORE", {b"1", b"2"}),
])
def test_store_writes_the_result_replacing_any_value(abc, command, expected):
    abc.call("RPUSH", "dst", "x")
    assert abc.call(command, "dst", "a", "b") == b":%d\r\n" % len(expected)
    assert members(abc, "SMEMBERS", "dst") == expected


@pytest.mark.parametrize(("command", "sources"), [
    ("SINTERSTORE", ("a", "nokey")), ("SUNIONSTORE", ("nokey",)),
    ("SDIFFSTORE", ("a", "a")),
])
def test_store_of_an_empty_result_deletes_the_destination(abc, command, sources):
    abc.call("SET", "dst", "old")
    assert abc.call(command, "dst", *sources) == b":0\r\n"
    assert abc.call("EXISTS", "dst") == b":0\r\n"


def test_store_result_is_a_copy(abc):
    abc.call("SUNIONSTORE", "copy", "a")
    abc.call("SADD", "copy", "new")
    assert abc.call("SISMEMBER", "a", "new") == b":0\r\n"


def test_a_destination_can_be_a_source(abc):
    assert abc.call("SINTERSTORE", "a", "a", "b") == b":2\r\n"
    assert members(abc, "SMEMBERS", "a") == {b"3", b"4"}


def test_sintercard(abc):
    assert abc.call("SINTERCARD", "2", "a", "b") == b":2\r\n"
    assert abc.call("SINTERCARD", "3", "a", "b", "c") == b":1\r\n"
    assert abc.call("SINTERCARD", "2", "a", "b", "LIMIT", "1") == b":1\r\n"
    assert abc.call("SINTERCARD", "2", "a", "b", "limit", "0") == b":2\r\n"
    assert abc.call("SINTERCARD", "2", "a", "nokey") == b":0\r\n"
    assert abc.call("SINTERCARD", "1", "a", "LIMIT", "2", "LIMIT", "3") == b":3\r\n"


@pytest.mark.parametrize(("args", "reply"), [
    (("0", "a"), b"-ERR numkeys should be greater than 0\r\n"),
    (("x", "a"), b"-ERR numkeys should be greater than 0\r\n"),
    (("3", "a", "b"),
     b"-ERR Number of keys can't be greater than number of args\r\n"),
    (("1", "a", "LIMIT"), SYNTAX_ERROR), (("1", "a", "FOO", "1"), SYNTAX_ERROR),
    (("1", "a", "LIMIT", "-1"), b"-ERR LIMIT can't be negative\r\n"),
    (("1", "a", "LIMIT", "x"), b"-ERR LIMIT can't be negative\r\n"),
])
def test_sintercard_errors(abc, args, reply):
    assert abc.call("SINTERCARD", *args) == reply


def test_wrongtype_anywhere_in_the_keys(abc):
    abc.call("SET", "str", "v")
    for args in (("SINTER", "nokey", "str"), ("SUNION", "a", "str"),
                 ("SDIFF", "nokey", "str"), ("SINTERCARD", "2", "nokey", "str"),
                 ("SINTERSTORE", "d", "nokey", "str"), ("SDIFFSTORE", "d", "a", "str"),
                 ("SUNIONSTORE", "d", "str")):
        assert abc.call(*args).startswith(b"-WRONGTYPE"), args
    assert abc.call("EXISTS", "d") == b":0\r\n"


# SSCAN

def test_sscan_returns_every_member(raw):
    values = load_set(raw, 1000)
    assert set(scan_all(raw, "SSCAN", "s", "COUNT", "13")) == values


def test_sscan_match(raw):
    load_set(raw, 30)
    assert set(scan_all(raw, "SSCAN", "s", "MATCH", "m2?")) == {b"m2%d" % i for i in range(10)}


def test_sscan_of_a_missing_key_ignores_its_options(raw):
    assert raw.call("SSCAN", "nokey", "0", "NO") == EMPTY_SCAN


@pytest.mark.parametrize(("options", "reply"), [
    (("COUNT", "0"), SYNTAX_ERROR), (("COUNT", "x"), NOT_AN_INTEGER),
    (("TYPE", "set"), SYNTAX_ERROR), (("MATCH",), SYNTAX_ERROR),
])
def test_sscan_option_errors(raw, options, reply):
    raw.call("SADD", "s", "m")
    assert raw.call("SSCAN", "s", "0", *options) == reply


def test_a_member_present_for_the_whole_sscan_is_returned(raw):
    stay = load_set(raw, 300)
    cursor, found, step = b"0", set(), 0
    while True:
        cursor, items = decode(raw.call("SSCAN", "s", cursor, "COUNT", "10"))
        found.update(items)
        step += 1
        raw.call("SADD", "s", b"new%d" % step)
        raw.call("SREM", "s", b"new%d" % (step - 1))
        if cursor == b"0":
            break
    assert stay <= found


# A model of the set commands, checked against the server.

SET_KEYS = st.sampled_from([b"x", b"y", b"z"])
MEMBERS = st.sampled_from([b"a", b"b", b"c", b"d", b"", b"\x00\r\n"])


class SetsMachine(ServerModelMachine):
    """Three set keys on the server against Python sets."""

    def __init__(self, port: int):
        super().__init__(port)
        self.model: dict[bytes, set[bytes]] = {}

    def store(self, key, result):
        if result:
            self.model[key] = set(result)
        else:
            self.model.pop(key, None)

    @rule(key=SET_KEYS, new=st.lists(MEMBERS, min_size=1, max_size=4))
    def sadd(self, key, new):
        current = self.model.setdefault(key, set())
        assert self.call("SADD", key, *new) == len(set(new) - current)
        current.update(new)

    @rule(key=SET_KEYS, gone=st.lists(MEMBERS, min_size=1, max_size=4))
    def srem(self, key, gone):
        current = self.model.get(key, set())
        assert self.call("SREM", key, *gone) == len(set(gone) & current)
        self.store(key, current - set(gone))

    @rule(src=SET_KEYS, dst=SET_KEYS, member=MEMBERS)
    def smove(self, src, dst, member):
        moved = member in self.model.get(src, set())
        assert self.call("SMOVE", src, dst, member) == moved
        if moved and src != dst:
            self.store(src, self.model[src] - {member})
            self.model.setdefault(dst, set()).add(member)

    @rule(key=SET_KEYS)
    def spop(self, key):
        popped = self.call("SPOP", key)
        if key not in self.model:
            assert popped is None
            return
        assert popped in self.model[key]
        self.store(key, self.model[key] - {popped})

    @rule(dst=SET_KEYS, keys=st.lists(SET_KEYS, min_size=1, max_size=3),
          op=st.sampled_from(["SINTER", "SUNION", "SDIFF"]))
    def algebra(self, dst, keys, op):
        sets = [self.model.get(k, set()) for k in keys]
        expected = {"SINTER": lambda: set.intersection(*sets),
                    "SUNION": lambda: set.union(*sets),
                    "SDIFF": lambda: sets[0].difference(*sets[1:])}[op]()
        assert set(self.call(op, *keys)) == expected
        assert self.call(op + "STORE", dst, *keys) == len(expected)
        self.store(dst, expected)

    @rule(key=SET_KEYS)
    def read(self, key):
        current = self.model.get(key, set())
        assert set(self.call("SMEMBERS", key)) == current
        assert self.call("SCARD", key) == len(current)
        assert self.call("EXISTS", key) == bool(current)
        assert self.call("SMISMEMBER", key, b"a", b"") == [
            b"a" in current, b"" in current]


def test_set_commands_behave_like_python_sets(server):
    run_state_machine_as_test(lambda: SetsMachine(server.port), settings=settings(
        max_examples=60, stateful_step_count=30, deadline=None))
