"""Lists: every command, option and error, byte for byte as Redis 7.0.15.

RESP2 replies are checked on raw sockets, RESP3 ones after HELLO 3 and
through redis-py; a state machine compares random command sequences with a
plain Python list.
"""

import pytest
import redis
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule, run_state_machine_as_test
from support.machines import ServerModelMachine, index_range
from support.replies import (
    EMPTY_ARRAY,
    MUST_BE_POSITIVE,
    NOT_AN_INTEGER,
    NULL,
    NULL_ARRAY,
    OK,
    SYNTAX_ERROR,
    WRONGTYPE,
    arity,
    bulk,
    bulks,
    integer,
)


def fill(raw, key, *items):
    assert raw.call("RPUSH", key, *items) == integer(len(items))


# LPUSH RPUSH LPUSHX RPUSHX

def test_lpush_prepends_each_element_in_turn(raw):
    assert raw.call("LPUSH", "l", "a", "b", "c") == integer(3)
    assert raw.call("LRANGE", "l", "0", "-1") == bulks("c", "b", "a")


def test_rpush_appends_and_replies_the_new_length(raw):
    assert raw.call("RPUSH", "l", "a") == integer(1)
    assert raw.call("RPUSH", "l", "b", "c") == integer(3)
    assert raw.call("LRANGE", "l", "0", "-1") == bulks("a", "b", "c")


@pytest.mark.parametrize("cmd", ["LPUSHX", "RPUSHX"])
def test_pushx_on_a_missing_key_does_nothing(raw, cmd):
    assert raw.call(cmd, "l", "a", "b") == integer(0)
    assert raw.call("EXISTS", "l") == integer(0)


def test_pushx_on_an_existing_list_pushes(raw):
    fill(raw, "l", "m")
    assert raw.call("LPUSHX", "l", "a", "b") == integer(3)
    assert raw.call("RPUSHX", "l", "y", "z") == integer(5)
    assert raw.call("LRANGE", "l", "0", "-1") == bulks("b", "a", "m", "y", "z")


@pytest.mark.parametrize("cmd", ["LPUSH", "RPUSH", "LPUSHX", "RPUSHX"])
def test_push_needs_an_element(raw, cmd):
    assert raw.call(cmd, "l") == arity(cmd.lower())


# LPOP RPOP

def test_pop_takes_one_element_from_either_end(raw):
    fill(raw, "l", "a", "b", "c")
    assert raw.call("LPOP", "l") == b"$1\r\na\r\n"
    assert raw.call("RPOP", "l") == b"$1\r\nc\r\n"
    assert raw.call("LRANGE", "l", "0", "-1") == bulks("b")


def test_pop_with_a_count_replies_an_array_from_that_end(raw):
    fill(raw, "l", "a", "b", "c", "d", "e")
    assert raw.call("LPOP", "l", "2") == bulks("a", "b")
    assert raw.call("RPOP", "l", "2") == bulks("e", "d")
    assert raw.call("LPOP", "l", "1") == bulks("c")


def test_pop_with_a_count_beyond_the_length_takes_everything(raw):
    fill(raw, "l", "a", "b")
    assert raw.call("RPOP", "l", "10") == bulks("b", "a")
    assert raw.call("EXISTS", "l") == integer(0)


def test_pop_with_count_zero_replies_an_empty_array(raw):
    fill(raw, "l", "a")
    assert raw.call("LPOP", "l", "0") == EMPTY_ARRAY
    assert raw.call("LLEN", "l") == integer(1)


@pytest.mark.parametrize("cmd", ["LPOP", "RPOP"])
def test_pop_on_a_missing_key_is_null_or_a_null_array_with_a_count(raw, cmd):
    assert raw.call(cmd, "nokey") == NULL
    assert raw.call(cmd, "nokey", "2") == NULL_ARRAY
    assert raw.call(cmd, "nokey", "0") == NULL_ARRAY  # the key is looked up first


@pytest.mark.parametrize("count", ["-1", "x", "1.5", ""])
def test_pop_count_must_be_a_positive_integer(raw, count):
    fill(raw, "l", "a")
    assert raw.call("LPOP", "l", count) == MUST_BE_POSITIVE


@pytest.mark.parametrize("cmd", ["LPOP", "RPOP"])
def test_pop_takes_at_most_one_count(raw, cmd):
    reply = raw.call(cmd, "l", "1", "2")
    assert reply == arity(cmd.lower())


def test_pop_checks_the_count_before_the_type(raw):
    raw.call("SET", "s", "x")
    assert raw.call("LPOP", "s", "-1") == MUST_BE_POSITIVE
    assert raw.call("LPOP", "s", "1") == WRONGTYPE


def test_popping_the_last_element_deletes_the_key(raw):
    fill(raw, "l", "a")
    raw.call("RPOP", "l")
    assert raw.call("EXISTS", "l") == integer(0)
    assert raw.call("TYPE", "l") == b"+none\r\n"


# LLEN LINDEX LSET

def test_llen_counts_and_is_zero_for_a_missing_key(raw):
    fill(raw, "l", "a", "b")
    assert raw.call("LLEN", "l") == integer(2)
    assert raw.call("LLEN", "nokey") == integer(0)


@pytest.mark.parametrize(("index", "reply"), [
    ("0", b"$1\r\na\r\n"), ("2", b"$1\r\nc\r\n"), ("-1", b"$1\r\nc\r\n"),
    ("-3", b"$1\r\na\r\n"), ("3", NULL), ("-4", NULL),
    ("9223372036854775807", NULL), ("-9223372036854775808", NULL),
])
def test_lindex_counts_from_either_end(raw, index, reply):
    fill(raw, "l", "a", "b", "c")
    assert raw.call("LINDEX", "l", index) == reply


def test_lindex_looks_the_key_up_before_the_index(raw):
    assert raw.call("LINDEX", "nokey", "x") == NULL
    fill(raw, "l", "a")
    assert raw.call("LINDEX", "l", "x") == NOT_AN_INTEGER
    assert raw.call("LINDEX", "l", "9223372036854775808") == NOT_AN_INTEGER


def test_lset_replaces_by_index(raw):
    fill(raw, "l", "a", "b", "c")
    assert raw.call("LSET", "l", "1", "B") == OK
    assert raw.call("LSET", "l", "-1", "C") == OK
    assert raw.call("LRANGE", "l", "0", "-1") == bulks("a", "B", "C")


@pytest.mark.parametrize("index", ["3", "-4", "9223372036854775807"])
def test_lset_outside_the_list_is_an_error(raw, index):
    fill(raw, "l", "a", "b", "c")
    assert raw.call("LSET", "l", index, "x") == b"-ERR index out of range\r\n"


def test_lset_on_a_missing_key_is_no_such_key_before_the_index_is_read(raw):
    assert raw.call("LSET", "nokey", "0", "x") == b"-ERR no such key\r\n"
    assert raw.call("LSET", "nokey", "x", "x") == b"-ERR no such key\r\n"
    fill(raw, "l", "a")
    assert raw.call("LSET", "l", "x", "x") == NOT_AN_INTEGER


# LRANGE LTRIM

@pytest.mark.exercise("04-list-range")
@pytest.mark.parametrize(("start", "stop", "expected"), [
    ("0", "-1", "abcde"), ("1", "3", "bcd"), ("-2", "-1", "de"),
    ("-100", "100", "abcde"), ("3", "1", ""), ("5", "10", ""),
    ("-1", "-2", ""), ("0", "0", "a"), ("-1", "-1", "e"), ("2", "-3", "c"),
    ("-9223372036854775808", "9223372036854775807", "abcde"),
    ("9223372036854775807", "-9223372036854775808", ""),
])
def test_lrange_takes_inclusive_indexes_from_either_end(raw, start, stop, expected):
    fill(raw, "l", *"abcde")
    assert raw.call("LRANGE", "l", start, stop) == bulks(*expected)


@pytest.mark.exercise("04-list-range")
def test_lrange_near_the_tail_of_a_long_list(raw):
    items = [str(i) for i in range(1000)]
    fill(raw, "l", *items)
    assert raw.call("LRANGE", "l", "-3", "-1") == bulks(*items[-3:])
    assert raw.call("LRANGE", "l", "990", "995") == bulks(*items[990:996])


def test_lrange_reads_the_indexes_before_the_key(raw):
    assert raw.call("LRANGE", "nokey", "0", "-1") == EMPTY_ARRAY
    assert raw.call("LRANGE", "nokey", "x", "1") == NOT_AN_INTEGER
    raw.call("SET", "s", "x")
    assert raw.call("LRANGE", "s", "0", "y") == NOT_AN_INTEGER
    assert raw.call("LRANGE", "s", "0", "1") == WRONGTYPE


@pytest.mark.exercise("04-list-range")
@pytest.mark.parametrize(("start", "stop", "expected"), [
    ("1", "-2", "bcd"), ("0", "-1", "abcde"), ("-2", "100", "de"), ("0", "0", "a"),
])
def test_ltrim_keeps_only_the_range(raw, start, stop, expected):
    fill(raw, "l", *"abcde")
    assert raw.call("LTRIM", "l", start, stop) == OK
    assert raw.call("LRANGE", "l", "0", "-1") == bulks(*expected)


@pytest.mark.parametrize(("start", "stop"), [("3", "1"), ("5", "10"), ("-1", "-2")])
def test_ltrim_to_an_empty_range_deletes_the_key(raw, start, stop):
    fill(raw, "l", *"abcde")
    assert raw.call("LTRIM", "l", start, stop) == OK
    assert raw.call("EXISTS", "l") == integer(0)


def test_ltrim_of_a_missing_key_is_ok_and_reads_the_indexes_first(raw):
    assert raw.call("LTRIM", "nokey", "0", "1") == OK
    assert raw.call("LTRIM", "nokey", "x", "1") == NOT_AN_INTEGER
    assert raw.call("EXISTS", "nokey") == integer(0)


# LINSERT

def test_linsert_before_and_after_the_first_pivot(raw):
    fill(raw, "l", "a", "p", "b", "p")
    assert raw.call("LINSERT", "l", "BEFORE", "p", "x") == integer(5)
    assert raw.call("LINSERT", "l", "after", "p", "y") == integer(6)
    assert raw.call("LRANGE", "l", "0", "-1") == bulks("a", "x", "p", "y", "b", "p")


def test_linsert_without_the_pivot_replies_minus_one(raw):
    fill(raw, "l", "a")
    assert raw.call("LINSERT", "l", "BEFORE", "zz", "x") == integer(-1)
    assert raw.call("LRANGE", "l", "0", "-1") == bulks("a")


def test_linsert_on_a_missing_key_replies_zero(raw):
    assert raw.call("LINSERT", "nokey", "BEFORE", "a", "x") == integer(0)
    assert raw.call("EXISTS", "nokey") == integer(0)


def test_linsert_checks_before_or_after_before_the_key(raw):
    assert raw.call("LINSERT", "nokey", "MIDDLE", "a", "x") == SYNTAX_ERROR
    raw.call("SET", "s", "x")
    assert raw.call("LINSERT", "s", "MIDDLE", "a", "x") == SYNTAX_ERROR
    assert raw.call("LINSERT", "s", "AFTER", "a", "x") == WRONGTYPE


# LREM

@pytest.mark.parametrize(("count", "removed", "left"), [
    ("2", 2, ["b", "c", "a"]), ("-2", 2, ["a", "b", "c"]), ("0", 3, ["b", "c"]),
    ("10", 3, ["b", "c"]), ("-1", 1, ["a", "a", "b", "c"]),
])
def test_lrem_removes_from_the_head_the_tail_or_everywhere(raw, count, removed, left):
    fill(raw, "l", "a", "a", "b", "c", "a")
    assert raw.call("LREM", "l", count, "a") == integer(removed)
    assert raw.call("LRANGE", "l", "0", "-1") == bulks(*left)


def test_lrem_of_every_element_deletes_the_key(raw):
    fill(raw, "l", "a", "a")
    assert raw.call("LREM", "l", "0", "a") == integer(2)
    assert raw.call("EXISTS", "l") == integer(0)


def test_lrem_reads_the_count_before_the_key(raw):
    assert raw.call("LREM", "nokey", "1", "a") == integer(0)
    assert raw.call("LREM", "nokey", "x", "a") == NOT_AN_INTEGER
    raw.call("SET", "s", "x")
    assert raw.call("LREM", "s", "x", "a") == NOT_AN_INTEGER
    assert raw.call("LREM", "s", "1", "a") == WRONGTYPE


# LPOS

LPOS_LIST = ("a", "b", "a", "c", "a", "b")


@pytest.mark.parametrize(("options", "reply"), [
    ((), integer(0)),
    (("RANK", "2"), integer(2)),
    (("RANK", "-1"), integer(4)),
    (("RANK", "-3"), integer(0)),
    (("RANK", "4"), NULL),
    (("COUNT", "0"), b"*3\r\n:0\r\n:2\r\n:4\r\n"),
    (("COUNT", "2"), b"*2\r\n:0\r\n:2\r\n"),
    (("COUNT", "1"), b"*1\r\n:0\r\n"),
    (("RANK", "-1", "COUNT", "2"), b"*2\r\n:4\r\n:2\r\n"),
    (("RANK", "2", "COUNT", "0"), b"*2\r\n:2\r\n:4\r\n"),
    (("MAXLEN", "2"), integer(0)),
    (("MAXLEN", "2", "COUNT", "0"), b"*1\r\n:0\r\n"),
    (("RANK", "2", "MAXLEN", "2"), NULL),
    (("RANK", "-1", "MAXLEN", "1"), NULL),
    (("RANK", "-1", "MAXLEN", "2", "COUNT", "0"), b"*1\r\n:4\r\n"),
    (("rank", "1", "count", "5", "maxlen", "0"), b"*3\r\n:0\r\n:2\r\n:4\r\n"),
], ids=lambda v: " ".join(v) if isinstance(v, tuple) else None)
def test_lpos_finds_the_indexes_of_matches(raw, options, reply):
    fill(raw, "l", *LPOS_LIST)
    assert raw.call("LPOS", "l", "a", *options) == reply


def test_lpos_without_a_match(raw):
    fill(raw, "l", *LPOS_LIST)
    assert raw.call("LPOS", "l", "z") == NULL
    assert raw.call("LPOS", "l", "z", "COUNT", "0") == EMPTY_ARRAY


def test_lpos_on_a_missing_key(raw):
    assert raw.call("LPOS", "nokey", "a") == NULL
    assert raw.call("LPOS", "nokey", "a", "COUNT", "3") == EMPTY_ARRAY


@pytest.mark.parametrize(("options", "error"), [
    (("RANK", "0"), b"RANK can't be zero: use 1 to start from the first match, 2 from the "
                    b"second ... or use negative to start from the end of the list"),
    (("RANK", "x"), b"value is not an integer or out of range"),
    (("COUNT", "-1"), b"COUNT can't be negative"),
    (("COUNT", "x"), b"COUNT can't be negative"),
    (("MAXLEN", "-1"), b"MAXLEN can't be negative"),
    (("MAXLEN", "1.5"), b"MAXLEN can't be negative"),
    (("RANK",), b"syntax error"),
    (("FOO", "1"), b"syntax error"),
    (("COUNT", "1", "RANK"), b"syntax error"),
])
def test_lpos_option_errors_come_before_the_key_lookup(raw, options, error):
    raw.call("SET", "s", "x")
    for key in ("l", "nokey", "s"):
        assert raw.call("LPOS", key, "a", *options) == b"-ERR " + error + b"\r\n"


def test_lpos_checks_the_type_after_the_options(raw):
    raw.call("SET", "s", "x")
    assert raw.call("LPOS", "s", "a", "RANK", "1") == WRONGTYPE


# RPOPLPUSH LMOVE

@pytest.mark.parametrize(("wherefrom", "whereto", "moved", "source", "destination"), [
    ("LEFT", "LEFT", "a", ["b", "c"], ["a", "x"]),
    ("LEFT", "RIGHT", "a", ["b", "c"], ["x", "a"]),
    ("RIGHT", "LEFT", "c", ["a", "b"], ["c", "x"]),
    ("right", "right", "c", ["a", "b"], ["x", "c"]),
])
def test_lmove_pops_from_one_end_and_pushes_onto_another(
        raw, wherefrom, whereto, moved, source, destination):
    fill(raw, "src", "a", "b", "c")
    fill(raw, "dst", "x")
    assert raw.call("LMOVE", "src", "dst", wherefrom, whereto) == b"$1\r\n%s\r\n" % moved.encode()
    assert raw.call("LRANGE", "src", "0", "-1") == bulks(*source)
    assert raw.call("LRANGE", "dst", "0", "-1") == bulks(*destination)


def test_rpoplpush_moves_the_tail_to_the_head_and_creates_the_destination(raw):
    fill(raw, "src", "a", "b")
    assert raw.call("RPOPLPUSH", "src", "dst") == b"$1\r\nb\r\n"
    assert raw.call("RPOPLPUSH", "src", "dst") == b"$1\r\na\r\n"
    assert raw.call("LRANGE", "dst", "0", "-1") == bulks("a", "b")
    assert raw.call("EXISTS", "src") == integer(0)


def test_lmove_onto_the_same_list_rotates_it(raw):
    fill(raw, "l", "a", "b", "c")
    assert raw.call("LMOVE", "l", "l", "LEFT", "RIGHT") == b"$1\r\na\r\n"
    assert raw.call("RPOPLPUSH", "l", "l") == b"$1\r\na\r\n"
    assert raw.call("LRANGE", "l", "0", "-1") == bulks("a", "b", "c")
    fill(raw, "one", "x")
    assert raw.call("RPOPLPUSH", "one", "one") == b"$1\r\nx\r\n"
    assert raw.call("LRANGE", "one", "0", "-1") == bulks("x")


def test_lmove_from_a_missing_key_is_null_and_creates_nothing(raw):
    assert raw.call("LMOVE", "nokey", "dst", "LEFT", "LEFT") == NULL
    assert raw.call("RPOPLPUSH", "nokey", "dst") == NULL
    assert raw.call("EXISTS", "dst") == integer(0)


@pytest.mark.parametrize(("wherefrom", "whereto"), [("UP", "LEFT"), ("LEFT", "DOWN")])
def test_lmove_directions_are_checked_before_the_keys(raw, wherefrom, whereto):
    assert raw.call("LMOVE", "nokey", "dst", wherefrom, whereto) == SYNTAX_ERROR


def test_lmove_onto_a_wrong_type_moves_nothing(raw):
    fill(raw, "src", "a")
    raw.call("SET", "s", "x")
    assert raw.call("LMOVE", "src", "s", "LEFT", "LEFT") == WRONGTYPE
    assert raw.call("RPOPLPUSH", "src", "s") == WRONGTYPE
    assert raw.call("LRANGE", "src", "0", "-1") == bulks("a")
    assert raw.call("GET", "s") == b"$1\r\nx\r\n"


# LMPOP

NUMKEYS_ERROR = b"-ERR numkeys should be greater than 0\r\n"
COUNT_ERROR = b"-ERR count should be greater than 0\r\n"


def lmpop_reply(key, *elements) -> bytes:
    """LMPOP's reply: [key, [element, ...]]."""
    return b"*2\r\n" + bulk(key) + bulks(*elements)


def test_lmpop_pops_from_the_first_non_empty_list(raw):
    fill(raw, "b", "1", "2", "3")
    fill(raw, "c", "x")
    assert raw.call("LMPOP", "3", "a", "b", "c", "LEFT") == lmpop_reply("b", "1")
    assert raw.call("LMPOP", "3", "a", "b", "c", "right", "count", "5") == lmpop_reply(
        "b", "3", "2")
    assert raw.call("EXISTS", "b") == integer(0)
    assert raw.call("LMPOP", "3", "a", "b", "c", "LEFT", "COUNT", "9223372036854775807") == (
        lmpop_reply("c", "x"))
    assert raw.call("DBSIZE") == integer(0)


def test_lmpop_of_missing_keys_is_a_null_array(raw):
    assert raw.call("LMPOP", "2", "a", "b", "LEFT") == NULL_ARRAY
    assert raw.call("LMPOP", "1", "a", "RIGHT", "COUNT", "3") == NULL_ARRAY


@pytest.mark.parametrize(("args", "error"), [
    (("0", "l", "LEFT"), NUMKEYS_ERROR),
    (("-1", "l", "LEFT"), NUMKEYS_ERROR),
    (("x", "l", "LEFT"), NUMKEYS_ERROR),
    (("2", "l", "LEFT"), SYNTAX_ERROR),
    (("9223372036854775807", "l", "LEFT"), SYNTAX_ERROR),
    (("1", "l", "MIN"), SYNTAX_ERROR),
    (("1", "l", "LEFT", "COUNT"), SYNTAX_ERROR),
    (("1", "l", "LEFT", "COUNT", "0"), COUNT_ERROR),
    (("1", "l", "LEFT", "COUNT", "-1"), COUNT_ERROR),
    (("1", "l", "LEFT", "COUNT", "x"), COUNT_ERROR),
    (("1", "l", "LEFT", "COUNT", "1", "COUNT", "1"), SYNTAX_ERROR),
    (("1", "l", "LEFT", "FOO"), SYNTAX_ERROR),
    (("1", "l"), arity("lmpop")),
])
def test_lmpop_errors_pop_nothing(raw, args, error):
    fill(raw, "l", "a")
    assert raw.call("LMPOP", *args) == error
    assert raw.call("LLEN", "l") == integer(1)


def test_lmpop_checks_its_arguments_then_only_the_first_existing_key(raw):
    fill(raw, "l", "a", "b")
    raw.call("SET", "str", "x")
    assert raw.call("LMPOP", "2", "str", "l", "LEFT", "COUNT", "0") == COUNT_ERROR
    assert raw.call("LMPOP", "2", "nokey", "str", "LEFT") == WRONGTYPE
    assert raw.call("LMPOP", "2", "l", "str", "RIGHT") == lmpop_reply("l", "b")


# WRONGTYPE, for every list command and every other type

OTHER_TYPES = {
    "string": ("SET", "k", "v"),
    "hash": ("HSET", "k", "f", "v"),
    "set": ("SADD", "k", "m"),
    "zset": ("ZADD", "k", "1", "m"),
}
LIST_COMMANDS = [
    ("LPUSH", "k", "a"), ("RPUSH", "k", "a"), ("LPUSHX", "k", "a"), ("RPUSHX", "k", "a"),
    ("LPOP", "k"), ("LPOP", "k", "2"), ("RPOP", "k"), ("RPOP", "k", "2"), ("LLEN", "k"),
    ("LRANGE", "k", "0", "-1"), ("LINDEX", "k", "0"), ("LSET", "k", "0", "a"),
    ("LREM", "k", "0", "a"), ("LTRIM", "k", "0", "-1"), ("LINSERT", "k", "BEFORE", "a", "b"),
    ("LPOS", "k", "a"), ("RPOPLPUSH", "k", "list"), ("RPOPLPUSH", "list", "k"),
    ("LMOVE", "k", "list", "LEFT", "RIGHT"), ("LMOVE", "list", "k", "LEFT", "RIGHT"),
    ("LMPOP", "1", "k", "LEFT"), ("LMPOP", "2", "nokey", "k", "RIGHT", "COUNT", "2"),
]


@pytest.mark.parametrize("kind", OTHER_TYPES)
@pytest.mark.parametrize("argv", LIST_COMMANDS, ids=" ".join)
def test_every_list_command_refuses_other_types(raw, argv, kind):
    assert raw.call(*OTHER_TYPES[kind]) in (integer(1), OK)
    fill(raw, "list", "a", "b")
    assert raw.call(*argv) == WRONGTYPE
    assert raw.call("TYPE", "k") == b"+%s\r\n" % kind.encode()
    assert raw.call("LRANGE", "list", "0", "-1") == bulks("a", "b")


# Binary safety

BINARY = [b"", b"a\r\nb", b"\x00", b"\x00\xff\x00", b"\xff" * 3, b"$3\r\n*1"]


def test_elements_are_binary_safe(raw):
    fill(raw, b"bin\x00key", *BINARY)
    assert raw.call("LRANGE", b"bin\x00key", "0", "-1") == bulks(*BINARY)
    assert raw.call("LINDEX", b"bin\x00key", "1") == b"$4\r\na\r\nb\r\n"
    assert raw.call("LPOS", b"bin\x00key", b"\x00") == integer(2)
    assert raw.call("LINSERT", b"bin\x00key", "AFTER", b"\x00", b"\r\n") == integer(7)
    assert raw.call("LREM", b"bin\x00key", "0", b"") == integer(1)
    assert raw.call("RPOP", b"bin\x00key", "2") == bulks(b"$3\r\n*1", b"\xff" * 3)
    assert raw.call("LPOP", b"bin\x00key") == b"$4\r\na\r\nb\r\n"
    assert raw.call("LRANGE", b"bin\x00key", "0", "-1") == bulks(b"\x00", b"\r\n", b"\x00\xff\x00")


# RESP3

def test_resp3_nulls(raw3):
    assert raw3.call("LPOP", "nokey") == b"_\r\n"
    assert raw3.call("RPOP", "nokey", "2") == b"_\r\n"
    assert raw3.call("LINDEX", "nokey", "0") == b"_\r\n"
    assert raw3.call("LMOVE", "nokey", "d", "LEFT", "LEFT") == b"_\r\n"
    assert raw3.call("RPOPLPUSH", "nokey", "d") == b"_\r\n"
    assert raw3.call("LPOS", "nokey", "a") == b"_\r\n"
    fill(raw3, "l", "a")
    assert raw3.call("LINDEX", "l", "5") == b"_\r\n"
    assert raw3.call("LPOS", "l", "z") == b"_\r\n"


def test_resp3_arrays_are_unchanged(raw3):
    fill(raw3, "l", "a", "b", "a")
    assert raw3.call("LRANGE", "l", "0", "-1") == bulks("a", "b", "a")
    assert raw3.call("LPOS", "l", "a", "COUNT", "0") == b"*2\r\n:0\r\n:2\r\n"
    assert raw3.call("LPOP", "l", "2") == bulks("a", "b")
    assert raw3.call("LPOS", "nokey", "a", "COUNT", "0") == EMPTY_ARRAY


def test_resp3_lmpop_is_a_key_with_elements_or_null(raw3):
    fill(raw3, "l", "a", "b", "c")
    assert raw3.call("LMPOP", "1", "l", "RIGHT", "COUNT", "2") == lmpop_reply("l", "c", "b")
    assert raw3.call("LMPOP", "2", "nokey", "l", "LEFT", "COUNT", "2") == lmpop_reply("l", "a")
    assert raw3.call("LMPOP", "1", "l", "LEFT") == b"_\r\n"


def test_redis_py_lists(r):
    assert r.rpush("l", "a", "b", "c") == 3
    assert r.lpush("l", "z") == 4
    assert r.lrange("l", 0, -1) == [b"z", b"a", b"b", b"c"]
    assert r.lpos("l", "b") == 2
    assert r.lpos("l", "nope") is None
    assert r.lmove("l", "m", "LEFT", "RIGHT") == b"z"
    assert r.rpop("l", 2) == [b"c", b"b"]
    assert r.lpop("nokey") is None
    assert r.lpop("nokey", 2) is None
    assert r.linsert("l", "BEFORE", "a", "0") == 2
    assert r.lindex("l", -1) == b"a"
    with pytest.raises(redis.ResponseError, match="^index out of range$"):
        r.lset("l", 9, "x")


def test_redis_py_lmpop(r):
    r.rpush("l", "a", "b", "c")
    assert r.lmpop(2, "nokey", "l", direction="RIGHT", count=2) == [b"l", [b"c", b"b"]]
    assert r.lmpop(1, "l", direction="LEFT") == [b"l", [b"a"]]
    assert r.lmpop(1, "l", direction="LEFT") is None
    with pytest.raises(redis.ResponseError, match="^count should be greater than 0$"):
        r.lmpop(1, "l", direction="LEFT", count=0)


# A state machine: random command sequences against a Python list

ELEMENTS = st.sampled_from([b"a", b"b", b"", b"\x00\r\n", b"\xff"])
KEYS = st.sampled_from([b"l1", b"l2"])
SIDES = st.sampled_from(["LEFT", "RIGHT"])
INDEXES = st.integers(-7, 7)


class ListMachine(ServerModelMachine):
    """Each list is a Python list; the server must agree after every step."""

    def __init__(self, port: int):
        super().__init__(port)
        self.model: dict[bytes, list[bytes]] = {b"l1": [], b"l2": []}

    @rule(key=KEYS, side=SIDES, values=st.lists(ELEMENTS, min_size=1, max_size=4),
          only_existing=st.booleans())
    def push(self, key, side, values, only_existing):
        cmd = ("L" if side == "LEFT" else "R") + "PUSH" + ("X" if only_existing else "")
        items = self.model[key]
        if only_existing and not items:
            assert self.raw.call(cmd, key, *values) == integer(0)
            return
        for value in values:
            if side == "LEFT":
                items.insert(0, value)
            else:
                items.append(value)
        assert self.raw.call(cmd, key, *values) == integer(len(items))

    @rule(key=KEYS, side=SIDES, count=st.none() | st.integers(0, 4))
    def pop(self, key, side, count):
        items = self.model[key]
        cmd = "LPOP" if side == "LEFT" else "RPOP"
        args = () if count is None else (count,)
        if not items:
            expected = NULL if count is None else NULL_ARRAY
        elif count is None:
            value = items.pop(0) if side == "LEFT" else items.pop()
            expected = b"$%d\r\n%s\r\n" % (len(value), value)
        else:
            taken = [items.pop(0) if side == "LEFT" else items.pop()
                     for _ in range(min(count, len(items)))]
            expected = bulks(*taken)
        assert self.raw.call(cmd, key, *args) == expected

    @rule(key=KEYS, start=INDEXES, stop=INDEXES)
    def lrange(self, key, start, stop):
        expected = bulks(*index_range(self.model[key], start, stop))
        assert self.raw.call("LRANGE", key, start, stop) == expected

    @rule(key=KEYS, start=INDEXES, stop=INDEXES)
    def ltrim(self, key, start, stop):
        self.model[key][:] = index_range(self.model[key], start, stop)
        assert self.raw.call("LTRIM", key, start, stop) == OK

    @rule(key=KEYS, index=INDEXES, value=ELEMENTS)
    def lset(self, key, index, value):
        items = self.model[key]
        reply = self.raw.call("LSET", key, index, value)
        if not items:
            assert reply == b"-ERR no such key\r\n"
        elif -len(items) <= index < len(items):
            items[index] = value
            assert reply == OK
        else:
            assert reply == b"-ERR index out of range\r\n"

    @rule(key=KEYS, index=INDEXES)
    def lindex(self, key, index):
        items = self.model[key]
        expected = NULL
        if -len(items) <= index < len(items):
            expected = b"$%d\r\n%s\r\n" % (len(items[index]), items[index])
        assert self.raw.call("LINDEX", key, index) == expected

    @rule(key=KEYS, after=st.booleans(), pivot=ELEMENTS, value=ELEMENTS)
    def linsert(self, key, after, pivot, value):
        items = self.model[key]
        reply = self.raw.call("LINSERT", key, "AFTER" if after else "BEFORE", pivot, value)
        if not items:
            assert reply == integer(0)
        elif pivot not in items:
            assert reply == integer(-1)
        else:
            items.insert(items.index(pivot) + after, value)
            assert reply == integer(len(items))

    @rule(key=KEYS, count=st.integers(-3, 3), value=ELEMENTS)
    def lrem(self, key, count, value):
        items = self.model[key]
        positions = [i for i, item in enumerate(items) if item == value]
        if count < 0:
            positions = positions[::-1]
        if count:
            positions = positions[:abs(count)]
        for i in sorted(positions, reverse=True):
            del items[i]
        assert self.raw.call("LREM", key, count, value) == integer(len(positions))

    @rule(key=KEYS, value=ELEMENTS, rank=st.sampled_from([1, 2, -1, -2]),
          count=st.none() | st.integers(0, 3), maxlen=st.integers(0, 4))
    def lpos(self, key, value, rank, count, maxlen):
        items = self.model[key]
        order = range(len(items)) if rank > 0 else range(len(items) - 1, -1, -1)
        scanned = list(order)[:maxlen] if maxlen else list(order)
        matches = [i for i in scanned if items[i] == value][abs(rank) - 1:]
        args = ["RANK", rank, "MAXLEN", maxlen] + ([] if count is None else ["COUNT", count])
        reply = self.raw.call("LPOS", key, value, *args)
        if count is None:
            assert reply == (integer(matches[0]) if matches else NULL)
        else:
            found = matches[:count] if count else matches
            assert reply == b"*%d\r\n" % len(found) + b"".join(map(integer, found))

    @rule(source=KEYS, destination=KEYS, wherefrom=SIDES, whereto=SIDES)
    def lmove(self, source, destination, wherefrom, whereto):
        items = self.model[source]
        if not items:
            assert self.raw.call("LMOVE", source, destination, wherefrom, whereto) == NULL
            return
        value = items.pop(0) if wherefrom == "LEFT" else items.pop()
        if whereto == "LEFT":
            self.model[destination].insert(0, value)
        else:
            self.model[destination].append(value)
        reply = self.raw.call("LMOVE", source, destination, wherefrom, whereto)
        assert reply == b"$%d\r\n%s\r\n" % (len(value), value)

    @rule(keys=st.permutations([b"l1", b"l2"]) | KEYS.map(lambda key: [key]), side=SIDES,
          count=st.none() | st.integers(1, 4))
    def lmpop(self, keys, side, count):
        args = [] if count is None else ["COUNT", count]
        reply = self.raw.call("LMPOP", len(keys), *keys, side, *args)
        key = next((key for key in keys if self.model[key]), None)
        if key is None:
            assert reply == NULL_ARRAY
            return
        items = self.model[key]
        taken = [items.pop(0) if side == "LEFT" else items.pop()
                 for _ in range(min(count or 1, len(items)))]
        assert reply == lmpop_reply(key, *taken)

    @invariant()
    def lists_agree(self):
        for key, items in self.model.items():
            assert self.raw.call("LRANGE", key, 0, -1) == bulks(*items)
            assert self.raw.call("EXISTS", key) == integer(bool(items))


def test_list_commands_agree_with_a_python_list(server):
    run_state_machine_as_test(
        lambda: ListMachine(server.port),
        settings=settings(max_examples=40, stateful_step_count=30, deadline=None))
