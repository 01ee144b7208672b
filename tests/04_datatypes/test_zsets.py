"""Sorted sets: every command, option and error, byte for byte as Redis 7.0.15.

Scores are written as Redis 7.0 writes them ("%.17g", so 1.1 comes back as
1.1000000000000001). RESP2 replies are checked on raw sockets, RESP3 ones
after HELLO 3 and through redis-py; a state machine compares random command
sequences with a Python dict.
"""

from math import inf, isnan

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule, run_state_machine_as_test
from support.machines import ServerModelMachine, index_range
from support.replies import (
    EMPTY_ARRAY,
    EMPTY_SCAN,
    MUST_BE_POSITIVE,
    NOT_A_FLOAT,
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
    scan_all,
)
from support.wire import decode

NOT_A_FLOAT_RANGE = b"-ERR min or max is not a float\r\n"
NOT_A_LEX_RANGE = b"-ERR min or max not valid string range item\r\n"
NAN_ERROR = b"-ERR resulting score is not a number (NaN)\r\n"


def score_text(score: float) -> bytes:
    """A score as Redis 7.0 replies it."""
    if score in (inf, -inf):
        return b"inf" if score > 0 else b"-inf"
    return b"%.17g" % score


def with_scores(*pairs) -> bytes:
    """The RESP2 reply of ZRANGE ... WITHSCORES: one flat array."""
    return bulks(*[x for member, score in pairs for x in (member, score_text(score))])


def with_scores3(*pairs) -> bytes:
    """The RESP3 reply of ZRANGE ... WITHSCORES: [member, score] pairs."""
    return b"*%d\r\n" % len(pairs) + b"".join(
        b"*2\r\n" + bulk(member) + b",%s\r\n" % score_text(score) for member, score in pairs)


def zadd(raw, key, *pairs):
    """Add (score, member) pairs to a new key."""
    args = [str(x) if not isinstance(x, bytes) else x for pair in pairs for x in pair]
    assert raw.call("ZADD", key, *args) == integer(len(pairs))


ABCD = ((1, "a"), (2, "b"), (3, "c"), (4, "d"))


# ZADD

@pytest.mark.exercise("04-zsl-insert")
def test_zadd_adds_members_and_orders_them_by_score(raw):
    assert raw.call("ZADD", "z", "3", "c", "1", "a", "2", "b") == integer(3)
    assert raw.call("ZRANGE", "z", "0", "-1") == bulks("a", "b", "c")
    assert raw.call("ZCARD", "z") == integer(3)


@pytest.mark.exercise("04-zsl-insert")
def test_equal_scores_are_ordered_by_the_bytes_of_the_members(raw):
    members = [b"b", b"a", b"ab", b"", b"\x00", b"\xff", b"B", b"a\x00"]
    raw.call("ZADD", "z", *[x for m in members for x in (b"0", m)])
    assert raw.call("ZRANGE", "z", "0", "-1") == bulks(*sorted(members))


def test_zadd_replies_only_new_members_unless_ch(raw):
    zadd(raw, "z", (1, "a"))
    assert raw.call("ZADD", "z", "5", "a", "2", "b") == integer(1)
    assert raw.call("ZADD", "z", "CH", "6", "a", "2", "b", "3", "c") == integer(2)
    assert raw.call("ZRANGE", "z", "0", "-1", "WITHSCORES") == with_scores(
        ("b", 2), ("c", 3), ("a", 6))


def test_zadd_nx_only_adds(raw):
    zadd(raw, "z", (1, "a"))
    assert raw.call("ZADD", "z", "NX", "CH", "5", "a", "2", "b") == integer(1)
    assert raw.call("ZRANGE", "z", "0", "-1", "WITHSCORES") == with_scores(("a", 1), ("b", 2))


def test_zadd_xx_only_updates(raw):
    zadd(raw, "z", (1, "a"))
    assert raw.call("ZADD", "z", "xx", "ch", "5", "a", "2", "b") == integer(1)
    assert raw.call("ZRANGE", "z", "0", "-1", "WITHSCORES") == with_scores(("a", 5))


def test_zadd_xx_on_a_missing_key_creates_nothing(raw):
    assert raw.call("ZADD", "z", "XX", "1", "a") == integer(0)
    assert raw.call("ZADD", "z", "XX", "INCR", "1", "a") == NULL
    assert raw.call("EXISTS", "z") == integer(0)


@pytest.mark.parametrize(("options", "reply", "expected"), [
    (("GT", "CH"), 2, [("c", 2), ("b", 3), ("a", 5)]),
    (("LT", "CH"), 2, [("b", 1), ("c", 2), ("a", 3)]),
    (("GT",), 1, [("c", 2), ("b", 3), ("a", 5)]),
    (("XX", "GT", "CH"), 1, [("b", 3), ("a", 5)]),
    (("lt", "xx", "ch"), 1, [("b", 1), ("a", 3)]),
])
def test_zadd_gt_and_lt_update_only_in_their_direction_but_still_add(
        raw, options, reply, expected):
    zadd(raw, "z", (3, "a"), (3, "b"))
    assert raw.call("ZADD", "z", *options, "5", "a", "1", "b", "2", "c") == integer(reply)
    assert raw.call("ZRANGE", "z", "0", "-1", "WITHSCORES") == with_scores(*expected)


def test_zadd_incr_replies_the_new_score(raw):
    assert raw.call("ZADD", "z", "INCR", "1.1", "a") == bulk("1.1000000000000001")
    assert raw.call("ZADD", "z", "INCR", "CH", "2", "a") == bulk("3.1000000000000001")
    assert raw.call("ZADD", "z", "INCR", "NX", "2", "a") == NULL
    assert raw.call("ZADD", "z", "INCR", "GT", "-1", "a") == NULL
    assert raw.call("ZADD", "z", "INCR", "LT", "-1", "a") == bulk("2.1000000000000001")


@pytest.mark.parametrize(("args", "error"), [
    (("1", "a", "2"), SYNTAX_ERROR),
    (("NX", "CH", "1"), SYNTAX_ERROR),
    (("NX", "XX", "1", "a"), b"-ERR XX and NX options at the same time are not compatible\r\n"),
    (("GT", "LT", "1", "a"),
     b"-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"),
    (("NX", "GT", "1", "a"),
     b"-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"),
    (("NX", "LT", "1", "a"),
     b"-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"),
    (("INCR", "1", "a", "2", "b"),
     b"-ERR INCR option supports a single increment-element pair\r\n"),
    (("NX", "XX", "1", "a", "2"), SYNTAX_ERROR),
    (("NX", "XX", "x", "a"), b"-ERR XX and NX options at the same time are not compatible\r\n"),
    (("1", "a", "x", "b"), NOT_A_FLOAT),
    (("nan", "a"), NOT_A_FLOAT),
    (("1e400", "a"), NOT_A_FLOAT),
    ((" 1", "a"), NOT_A_FLOAT),
    (("", "a"), NOT_A_FLOAT),
    (("(1", "a"), NOT_A_FLOAT),
])
def test_zadd_errors_in_redis_order_and_nothing_is_added(raw, args, error):
    raw.call("SET", "s", "x")
    for key in ("z", "s"):  # every argument is checked before the type
        assert raw.call("ZADD", key, *args) == error
    assert raw.call("EXISTS", "z") == integer(0)


def test_zadd_checks_the_type_after_the_arguments(raw):
    raw.call("SET", "s", "x")
    assert raw.call("ZADD", "s", "1", "a") == WRONGTYPE
    assert raw.call("ZADD", "s", "XX", "1", "a") == WRONGTYPE


@pytest.mark.parametrize(("score", "text"), [
    ("1.1", "1.1000000000000001"), ("0.1", "0.10000000000000001"), ("2", "2"),
    ("-3", "-3"), ("1e300", "1.0000000000000001e+300"), ("inf", "inf"),
    ("-inf", "-inf"), ("+inf", "inf"), ("-Infinity", "-inf"), ("1e17", "1e+17"),
    ("123456789", "123456789"), ("0x10", "16"), ("1.5e-7", "1.4999999999999999e-07"),
    ("00012.50", "12.5"), ("-0", "0"),
])
def test_scores_are_parsed_strictly_and_written_with_17_digits(raw, score, text):
    assert raw.call("ZADD", "z", score, "m") == integer(1)
    assert raw.call("ZSCORE", "z", "m") == bulk(text)
    assert raw.call("ZRANGE", "z", "0", "-1", "WITHSCORES") == bulks("m", text)


def test_a_new_member_added_with_incr_minus_zero_replies_minus_zero(raw):
    assert raw.call("ZADD", "z", "INCR", "-0", "m") == bulk("-0")
    assert raw.call("ZSCORE", "z", "m") == bulk("0")


# ZINCRBY

def test_zincrby_adds_to_the_score_and_creates_members(raw):
    assert raw.call("ZINCRBY", "z", "2.5", "a") == bulk("2.5")
    assert raw.call("ZINCRBY", "z", "-1", "a") == bulk("1.5")
    assert raw.call("ZINCRBY", "z", "inf", "a") == bulk("inf")
    assert raw.call("ZINCRBY", "z", "1", "a") == bulk("inf")


def test_zincrby_to_nan_is_an_error_that_changes_nothing(raw):
    zadd(raw, "z", ("inf", "a"))
    assert raw.call("ZINCRBY", "z", "-inf", "a") == NAN_ERROR
    assert raw.call("ZADD", "z", "INCR", "-inf", "a") == NAN_ERROR
    assert raw.call("ZSCORE", "z", "a") == bulk("inf")


def test_zincrby_errors(raw):
    assert raw.call("ZINCRBY", "z", "x", "a") == NOT_A_FLOAT
    assert raw.call("ZINCRBY", "z", "nan", "a") == NOT_A_FLOAT
    assert raw.call("ZINCRBY", "z", "NX", "a") == SYNTAX_ERROR  # NX read as an option
    assert raw.call("ZINCRBY", "z", "1") == arity("zincrby")


# ZREM ZCARD ZSCORE ZMSCORE

def test_zrem_counts_removed_members_and_deletes_an_emptied_key(raw):
    zadd(raw, "z", *ABCD)
    assert raw.call("ZREM", "z", "a", "nope", "b", "a") == integer(2)
    assert raw.call("ZRANGE", "z", "0", "-1") == bulks("c", "d")
    assert raw.call("ZREM", "z", "c", "d", "e") == integer(2)
    assert raw.call("EXISTS", "z") == integer(0)
    assert raw.call("ZREM", "z", "a") == integer(0)


def test_zcard_zscore_and_zmscore(raw):
    zadd(raw, "z", (1.5, "a"), (2, "b"))
    assert raw.call("ZCARD", "z") == integer(2)
    assert raw.call("ZCARD", "nokey") == integer(0)
    assert raw.call("ZSCORE", "z", "a") == bulk("1.5")
    assert raw.call("ZSCORE", "z", "nope") == NULL
    assert raw.call("ZSCORE", "nokey", "a") == NULL
    assert raw.call("ZMSCORE", "z", "b", "nope", "a") == b"*3\r\n$1\r\n2\r\n$-1\r\n$3\r\n1.5\r\n"
    assert raw.call("ZMSCORE", "nokey", "a", "b") == b"*2\r\n$-1\r\n$-1\r\n"


# ZRANK ZREVRANK

@pytest.mark.exercise("04-zsl-get-rank")
def test_zrank_and_zrevrank(raw):
    zadd(raw, "z", (1, "a"), (2, "b"), (2, "c"), (3, "d"))
    assert [raw.call("ZRANK", "z", m) for m in "abcd"] == [integer(i) for i in range(4)]
    assert [raw.call("ZREVRANK", "z", m) for m in "abcd"] == [integer(i) for i in (3, 2, 1, 0)]
    assert raw.call("ZRANK", "z", "nope") == NULL
    assert raw.call("ZREVRANK", "nokey", "a") == NULL


@pytest.mark.exercise("04-zsl-get-rank", "04-zsl-insert")
def test_zrank_in_a_big_sorted_set(raw):
    members = [b"m%04d" % i for i in range(600)]
    raw.call("ZADD", "z", *[x for i, m in enumerate(members) for x in (b"%d" % (i // 3), m)])
    for i in (0, 1, 299, 300, 598, 599):
        assert raw.call("ZRANK", "z", members[i]) == integer(i)
        assert raw.call("ZREVRANK", "z", members[i]) == integer(599 - i)


# Ranges: ZRANGE and its older forms

@pytest.mark.exercise("04-list-range")
@pytest.mark.parametrize(("start", "stop", "expected"), [
    ("0", "-1", "abcd"), ("1", "2", "bc"), ("-2", "-1", "cd"), ("-100", "100", "abcd"),
    ("2", "1", ""), ("4", "10", ""), ("-1", "-2", ""),
])
def test_zrange_by_rank(raw, start, stop, expected):
    zadd(raw, "z", *ABCD)
    assert raw.call("ZRANGE", "z", start, stop) == bulks(*expected)
    assert raw.call("ZRANGE", "z", start, stop, "REV") == bulks(*expected.translate(
        str.maketrans("abcd", "dcba")))
    assert raw.call("ZREVRANGE", "z", start, stop) == raw.call("ZRANGE", "z", start, stop, "REV")


def test_zrange_with_scores(raw):
    zadd(raw, "z", (1.5, "a"), (2, "b"))
    assert raw.call("ZRANGE", "z", "0", "-1", "WITHSCORES") == with_scores(("a", 1.5), ("b", 2))
    assert raw.call("ZREVRANGE", "z", "0", "0", "withscores") == with_scores(("b", 2))


@pytest.mark.parametrize(("low", "high", "expected"), [
    ("-inf", "+inf", "abcd"), ("2", "3", "bc"), ("(2", "3", "c"), ("2", "(3", "b"),
    ("(1", "(4", "bc"), ("(2", "(2", ""), ("3", "2", ""), ("5", "inf", ""),
    ("-inf", "0", ""), ("1.5", "1e400", "bcd"), ("", "1", "a"), ("(", "2", "ab"),
    (" 2", "3", "bc"), ("0x2", "0X3", "bc"), ("-Infinity", "(2", "a"), ("1\x00junk", "2", "ab"),
])
def test_zrange_byscore_reads_ranges_like_strtod(raw, low, high, expected):
    zadd(raw, "z", *ABCD)
    assert raw.call("ZRANGE", "z", low, high, "BYSCORE") == bulks(*expected)
    assert raw.call("ZRANGEBYSCORE", "z", low, high) == bulks(*expected)
    assert raw.call("ZCOUNT", "z", low, high) == integer(len(expected))
    # With REV the range is given as max, then min.
    assert raw.call("ZRANGE", "z", high, low, "BYSCORE", "REV") == bulks(*expected[::-1])
    assert raw.call("ZREVRANGEBYSCORE", "z", high, low) == bulks(*expected[::-1])


@pytest.mark.parametrize("bad", ["x", "nan", "((1", "1 ", " ", "1e", "0x", "inf("])
def test_a_bad_score_range_is_an_error_even_for_a_missing_key(raw, bad):
    zadd(raw, "z", (1, "a"))
    for key in ("z", "nokey"):
        assert raw.call("ZRANGE", key, bad, "1", "BYSCORE") == NOT_A_FLOAT_RANGE
        assert raw.call("ZRANGEBYSCORE", key, "1", bad) == NOT_A_FLOAT_RANGE
        assert raw.call("ZCOUNT", key, bad, "1") == NOT_A_FLOAT_RANGE
        assert raw.call("ZREMRANGEBYSCORE", key, "1", bad) == NOT_A_FLOAT_RANGE
    assert raw.call("ZCARD", "z") == integer(1)


@pytest.mark.parametrize(("offset", "count", "expected"), [
    ("0", "2", "ab"), ("1", "2", "bc"), ("1", "-1", "bcd"), ("3", "5", "d"), ("4", "1", ""),
    ("0", "0", ""), ("-1", "2", ""), ("9223372036854775807", "1", ""),
])
def test_limit_skips_offset_members_then_takes_count(raw, offset, count, expected):
    zadd(raw, "z", *ABCD)
    reply = raw.call("ZRANGE", "z", "-inf", "inf", "BYSCORE", "LIMIT", offset, count)
    assert reply == bulks(*expected)
    assert raw.call("ZRANGEBYSCORE", "z", "-inf", "inf", "LIMIT", offset, count) == reply
    reversed_ = expected.translate(str.maketrans("abcd", "dcba"))
    assert raw.call("ZREVRANGEBYSCORE", "z", "inf", "-inf", "LIMIT", offset, count) == bulks(
        *reversed_)
    raw.call("ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "d")
    assert raw.call("ZRANGEBYLEX", "lex", "-", "+", "LIMIT", offset, count) == reply
    assert raw.call("ZRANGE", "lex", "+", "-", "BYLEX", "REV", "LIMIT", offset, count) == (
        bulks(*reversed_))


def test_zrangebyscore_with_scores_and_limit_in_either_order(raw):
    zadd(raw, "z", *ABCD)
    expected = with_scores(("b", 2), ("c", 3))
    assert raw.call("ZRANGEBYSCORE", "z", "1", "4", "WITHSCORES", "LIMIT", "1", "2") == expected
    assert raw.call("ZRANGEBYSCORE", "z", "1", "4", "LIMIT", "1", "2", "WITHSCORES") == expected
    assert raw.call("ZRANGE", "z", "(1", "4", "LIMIT", "0", "2", "withscores", "byscore") == (
        expected)


LEX = ("a", "b", "c", "d", "e")


@pytest.mark.parametrize(("low", "high", "expected"), [
    ("-", "+", "abcde"), ("[b", "[d", "bcd"), ("(b", "(d", "c"), ("(b", "[d", "cd"),
    ("[b", "(b", ""), ("[b", "[b", "b"), ("(b", "(b", ""), ("[d", "[b", ""),
    ("-", "(c", "ab"), ("[c", "+", "cde"), ("+", "-", ""), ("[", "[bb", "ab"),
    ("[\x00", "[c\x00", "abc"), ("-\x00x", "+", "abcde"),
])
def test_zrange_bylex(raw, low, high, expected):
    raw.call("ZADD", "z", *[x for m in LEX for x in ("0", m)])
    assert raw.call("ZRANGE", "z", low, high, "BYLEX") == bulks(*expected)
    assert raw.call("ZRANGEBYLEX", "z", low, high) == bulks(*expected)
    assert raw.call("ZLEXCOUNT", "z", low, high) == integer(len(expected))
    assert raw.call("ZRANGE", "z", high, low, "BYLEX", "REV") == bulks(*expected[::-1])
    assert raw.call("ZREVRANGEBYLEX", "z", high, low) == bulks(*expected[::-1])


@pytest.mark.parametrize("bad", ["a", "", "++", "-a", "1", "{a"])
def test_a_bad_lex_range_is_an_error_even_for_a_missing_key(raw, bad):
    raw.call("ZADD", "z", "0", "a")
    for key in ("z", "nokey"):
        assert raw.call("ZRANGE", key, bad, "+", "BYLEX") == NOT_A_LEX_RANGE
        assert raw.call("ZRANGEBYLEX", key, "-", bad) == NOT_A_LEX_RANGE
        assert raw.call("ZLEXCOUNT", key, bad, "+") == NOT_A_LEX_RANGE
        assert raw.call("ZREMRANGEBYLEX", key, "-", bad) == NOT_A_LEX_RANGE
    assert raw.call("ZCARD", "z") == integer(1)


@pytest.mark.parametrize(("argv", "error"), [
    (("ZRANGE", "k", "0", "1", "LIMIT", "0", "1"), b"-ERR syntax error, LIMIT is only "
                                                    b"supported in combination with either "
                                                    b"BYSCORE or BYLEX\r\n"),
    (("ZRANGE", "k", "-", "+", "BYLEX", "WITHSCORES"),
     b"-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n"),
    (("ZRANGEBYLEX", "k", "-", "+", "WITHSCORES"),
     b"-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n"),
    (("ZRANGE", "k", "0", "1", "REV", "REV"), SYNTAX_ERROR),
    (("ZRANGE", "k", "0", "1", "BYSCORE", "BYLEX"), SYNTAX_ERROR),
    (("ZRANGE", "k", "0", "1", "BYSCORE", "BYSCORE"), SYNTAX_ERROR),
    (("ZRANGE", "k", "0", "1", "LIMIT", "0"), SYNTAX_ERROR),
    (("ZRANGE", "k", "0", "1", "FOO"), SYNTAX_ERROR),
    (("ZRANGE", "k", "0", "1", "BYSCORE", "LIMIT", "x", "1"), NOT_AN_INTEGER),
    (("ZRANGE", "k", "0", "1", "BYSCORE", "LIMIT", "0", "1.5"), NOT_AN_INTEGER),
    (("ZRANGE", "k", "a", "1"), NOT_AN_INTEGER),
    (("ZRANGE", "k", "a", "1", "FOO"), SYNTAX_ERROR),
    (("ZREVRANGE", "k", "0", "1", "REV"), SYNTAX_ERROR),
    (("ZREVRANGE", "k", "0", "1", "BYSCORE"), SYNTAX_ERROR),
    (("ZREVRANGE", "k", "0", "1", "LIMIT", "0", "1"), b"-ERR syntax error, LIMIT is only "
                                                       b"supported in combination with either "
                                                       b"BYSCORE or BYLEX\r\n"),
    (("ZRANGEBYSCORE", "k", "0", "1", "REV"), SYNTAX_ERROR),
    (("ZRANGEBYSCORE", "k", "0", "1", "BYLEX"), SYNTAX_ERROR),
    (("ZREVRANGEBYLEX", "k", "-", "+", "BYSCORE"), SYNTAX_ERROR),
    (("ZRANGESTORE", "d", "k", "0", "1", "WITHSCORES"), SYNTAX_ERROR),
])
def test_range_options_are_checked_before_the_key(raw, argv, error):
    raw.call("SET", "s", "x")
    for key in ("k", "s"):
        args = [key if a == "k" else a for a in argv]
        assert raw.call(*args) == error


def test_a_limit_of_zero_minus_one_is_no_limit_even_by_rank(raw):
    zadd(raw, "z", *ABCD)
    assert raw.call("ZRANGE", "z", "0", "1", "LIMIT", "0", "-1") == bulks("a", "b")


def test_ranges_of_a_missing_key_are_empty(raw):
    for argv in (("ZRANGE", "0", "-1"), ("ZRANGE", "-inf", "inf", "BYSCORE", "WITHSCORES"),
                 ("ZRANGEBYLEX", "-", "+"), ("ZREVRANGE", "0", "-1"),
                 ("ZREVRANGEBYSCORE", "inf", "-inf")):
        assert raw.call(argv[0], "nokey", *argv[1:]) == EMPTY_ARRAY
    assert raw.call("ZCOUNT", "nokey", "-inf", "inf") == integer(0)
    assert raw.call("ZLEXCOUNT", "nokey", "-", "+") == integer(0)


# ZPOPMIN ZPOPMAX

def test_zpopmin_and_zpopmax_without_count_reply_one_flat_pair(raw):
    zadd(raw, "z", (1.5, "a"), (2, "b"), (3, "c"))
    assert raw.call("ZPOPMIN", "z") == bulks("a", "1.5")
    assert raw.call("ZPOPMAX", "z") == bulks("c", "3")
    assert raw.call("ZRANGE", "z", "0", "-1") == bulks("b")


def test_zpop_with_a_count_replies_a_flat_array_in_resp2(raw):
    zadd(raw, "z", *ABCD)
    assert raw.call("ZPOPMAX", "z", "2") == with_scores(("d", 4), ("c", 3))
    assert raw.call("ZPOPMIN", "z", "5") == with_scores(("a", 1), ("b", 2))
    assert raw.call("EXISTS", "z") == integer(0)


def test_zpop_edge_cases(raw):
    zadd(raw, "z", (1, "a"))
    assert raw.call("ZPOPMIN", "z", "0") == EMPTY_ARRAY
    assert raw.call("ZPOPMIN", "nokey") == EMPTY_ARRAY
    assert raw.call("ZPOPMAX", "nokey", "3") == EMPTY_ARRAY
    assert raw.call("ZPOPMIN", "z", "-1") == MUST_BE_POSITIVE
    assert raw.call("ZPOPMIN", "z", "x") == MUST_BE_POSITIVE
    assert raw.call("ZPOPMIN", "z", "1", "2") == SYNTAX_ERROR
    assert raw.call("ZCARD", "z") == integer(1)


# ZMPOP

NUMKEYS_ERROR = b"-ERR numkeys should be greater than 0\r\n"
COUNT_ERROR = b"-ERR count should be greater than 0\r\n"


def zmpop_reply(key, *pairs, resp3=False) -> bytes:
    """ZMPOP's reply: [key, [[member, score], ...]], nested in RESP2 too."""
    score = (lambda s: b",%s\r\n" % score_text(s)) if resp3 else (lambda s: bulk(score_text(s)))
    return b"*2\r\n" + bulk(key) + b"*%d\r\n" % len(pairs) + b"".join(
        b"*2\r\n" + bulk(member) + score(value) for member, value in pairs)


def test_zmpop_pops_from_the_first_non_empty_sorted_set(raw):
    zadd(raw, "b", (1, "x"), (2, "y"), (3, "z"))
    zadd(raw, "c", (5, "q"))
    assert raw.call("ZMPOP", "3", "a", "b", "c", "MIN") == zmpop_reply("b", ("x", 1))
    assert raw.call("ZMPOP", "3", "a", "b", "c", "max", "count", "5") == zmpop_reply(
        "b", ("z", 3), ("y", 2))
    assert raw.call("EXISTS", "b") == integer(0)
    assert raw.call("ZMPOP", "3", "a", "b", "c", "MAX", "COUNT", "9223372036854775807") == (
        zmpop_reply("c", ("q", 5)))


def test_zmpop_of_missing_keys_is_a_null_array(raw):
    assert raw.call("ZMPOP", "2", "a", "b", "MIN") == NULL_ARRAY
    assert raw.call("ZMPOP", "1", "a", "MAX", "COUNT", "3") == NULL_ARRAY


@pytest.mark.parametrize(("args", "error"), [
    (("0", "z", "MIN"), NUMKEYS_ERROR),
    (("-1", "z", "MIN"), NUMKEYS_ERROR),
    (("x", "z", "MIN"), NUMKEYS_ERROR),
    (("2", "z", "MIN"), SYNTAX_ERROR),
    (("9223372036854775807", "z", "MIN"), SYNTAX_ERROR),
    (("1", "z", "LEFT"), SYNTAX_ERROR),
    (("1", "z", "MIN", "COUNT"), SYNTAX_ERROR),
    (("1", "z", "MIN", "COUNT", "0"), COUNT_ERROR),
    (("1", "z", "MIN", "COUNT", "-1"), COUNT_ERROR),
    (("1", "z", "MIN", "COUNT", "x"), COUNT_ERROR),
    (("1", "z", "MIN", "COUNT", "1", "COUNT", "1"), SYNTAX_ERROR),
    (("1", "z", "MIN", "FOO"), SYNTAX_ERROR),
    (("1", "z"), arity("zmpop")),
])
def test_zmpop_errors_pop_nothing(raw, args, error):
    zadd(raw, "z", (1, "a"))
    assert raw.call("ZMPOP", *args) == error
    assert raw.call("ZCARD", "z") == integer(1)


def test_zmpop_checks_its_arguments_then_only_the_first_existing_key(raw):
    zadd(raw, "z", (1, "a"), (2, "b"))
    raw.call("SET", "str", "x")
    assert raw.call("ZMPOP", "2", "str", "z", "MIN", "COUNT", "0") == COUNT_ERROR
    assert raw.call("ZMPOP", "2", "nokey", "str", "MIN") == WRONGTYPE
    assert raw.call("ZMPOP", "2", "z", "str", "MIN") == zmpop_reply("z", ("a", 1))


# ZRANDMEMBER

def test_zrandmember_without_a_count_replies_one_member_or_null(raw):
    assert raw.call("ZRANDMEMBER", "nokey") == NULL
    zadd(raw, "z", *ABCD)
    picks = {raw.call("ZRANDMEMBER", "z") for _ in range(50)}
    assert picks <= {bulk(member) for _, member in ABCD}
    assert len(picks) > 1


def test_zrandmember_of_at_least_every_member_replies_them_highest_score_first(raw):
    # Redis walks the whole sorted set with zuiNext(), which starts at the tail.
    zadd(raw, "z", (1, "a"), (2.5, "b"), (3, "c"))
    assert raw.call("ZRANDMEMBER", "z", "3") == bulks("c", "b", "a")
    assert raw.call("ZRANDMEMBER", "z", "100", "WITHSCORES") == with_scores(
        ("c", 3), ("b", 2.5), ("a", 1))
    big = [(i % 7, b"m%03d" % i) for i in range(200)]  # a skiplist in Redis too
    zadd(raw, "big", *big)
    assert raw.call("ZRANDMEMBER", "big", "200") == bulks(
        *[member for _, member in sorted(big, reverse=True)])


@pytest.mark.parametrize("count", [1, 2, 5, 9])
def test_zrandmember_with_a_positive_count_picks_distinct_members(raw, count):
    scores = {b"m%d" % i: float(i) for i in range(10)}
    zadd(raw, "z", *[(score, member) for member, score in scores.items()])
    reply = decode(raw.call("ZRANDMEMBER", "z", count, "WITHSCORES"))
    members = reply[::2]
    assert len(set(members)) == len(members) == count
    assert [scores[member] for member in members] == [float(s) for s in reply[1::2]]


def test_zrandmember_with_a_negative_count_may_repeat_members(raw):
    zadd(raw, "one", (1.5, "m"))
    assert raw.call("ZRANDMEMBER", "one", "-3") == bulks("m", "m", "m")
    assert raw.call("ZRANDMEMBER", "one", "-2", "WITHSCORES") == with_scores(
        ("m", 1.5), ("m", 1.5))
    zadd(raw, "two", (1, "a"), (2, "b"))
    picks = decode(raw.call("ZRANDMEMBER", "two", "-100"))
    assert len(picks) == 100
    assert set(picks) == {b"a", b"b"}


def test_zrandmember_edge_cases(raw):
    zadd(raw, "z", (1, "a"))
    raw.call("SET", "str", "x")
    assert raw.call("ZRANDMEMBER", "z", "0") == EMPTY_ARRAY
    assert raw.call("ZRANDMEMBER", "z", "0", "WITHSCORES") == EMPTY_ARRAY
    assert raw.call("ZRANDMEMBER", "nokey", "5") == EMPTY_ARRAY
    assert raw.call("ZRANDMEMBER", "nokey", "-5", "withscores") == EMPTY_ARRAY
    assert raw.call("ZRANDMEMBER", "z", "4611686018427387903", "WITHSCORES") == with_scores(
        ("a", 1))
    assert raw.call("ZRANDMEMBER", "str") == WRONGTYPE
    assert raw.call("ZRANDMEMBER", "str", "0") == WRONGTYPE


@pytest.mark.parametrize(("args", "error"), [
    (("x",), NOT_AN_INTEGER),
    (("9223372036854775808",), NOT_AN_INTEGER),
    (("-9223372036854775808",), b"-ERR value is out of range, value must between "
                                b"-9223372036854775807 and 9223372036854775807\r\n"),
    (("1", "WITHSCORE"), SYNTAX_ERROR),
    (("1", "WITHSCORES", "WITHSCORES"), SYNTAX_ERROR),
    (("x", "FOO"), NOT_AN_INTEGER),
    (("4611686018427387904", "WITHSCORES"), b"-ERR value is out of range\r\n"),
    (("-4611686018427387904", "WITHSCORES"), b"-ERR value is out of range\r\n"),
])
@pytest.mark.parametrize("key", ["z", "nokey", "str"])
def test_zrandmember_checks_its_arguments_before_the_key(raw, key, args, error):
    zadd(raw, "z", (1, "a"))
    raw.call("SET", "str", "x")
    assert raw.call("ZRANDMEMBER", key, *args) == error


# ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX

@pytest.mark.parametrize(("argv", "removed", "left"), [
    (("ZREMRANGEBYRANK", "1", "2"), 2, "ad"), (("ZREMRANGEBYRANK", "-2", "-1"), 2, "ab"),
    (("ZREMRANGEBYRANK", "3", "1"), 0, "abcd"), (("ZREMRANGEBYRANK", "4", "9"), 0, "abcd"),
    (("ZREMRANGEBYRANK", "-9", "0"), 1, "bcd"),
    (("ZREMRANGEBYSCORE", "(1", "3"), 2, "ad"), (("ZREMRANGEBYSCORE", "-inf", "(2"), 1, "bcd"),
    (("ZREMRANGEBYSCORE", "5", "9"), 0, "abcd"),
    (("ZREMRANGEBYLEX", "[b", "(d"), 2, "ad"), (("ZREMRANGEBYLEX", "(a", "+"), 3, "a"),
])
def test_zremrange_removes_a_range(raw, argv, removed, left):
    raw.call("ZADD", "z", "0", "a", "0", "b", "0", "c", "0", "d")
    if argv[0] != "ZREMRANGEBYLEX":
        raw.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d")
    assert raw.call(argv[0], "z", *argv[1:]) == integer(removed)
    assert raw.call("ZRANGE", "z", "0", "-1") == bulks(*left)


def test_zremrange_of_everything_deletes_the_key(raw):
    for argv in (("ZREMRANGEBYRANK", "0", "-1"), ("ZREMRANGEBYSCORE", "-inf", "inf"),
                 ("ZREMRANGEBYLEX", "-", "+")):
        raw.call("ZADD", "z", "0", "a", "0", "b")
        assert raw.call(argv[0], "z", *argv[1:]) == integer(2)
        assert raw.call("EXISTS", "z") == integer(0)
        assert raw.call(argv[0], "z", *argv[1:]) == integer(0)


def test_zremrangebyrank_reads_the_ranks_before_the_key(raw):
    assert raw.call("ZREMRANGEBYRANK", "nokey", "x", "1") == NOT_AN_INTEGER
    raw.call("SET", "s", "x")
    assert raw.call("ZREMRANGEBYRANK", "s", "0", "x") == NOT_AN_INTEGER
    assert raw.call("ZREMRANGEBYRANK", "s", "0", "1") == WRONGTYPE


# ZUNIONSTORE ZINTERSTORE

def test_zunionstore_sums_weighted_scores(raw):
    zadd(raw, "a", (1, "x"), (2, "y"))
    zadd(raw, "b", (10, "y"), (20, "z"))
    assert raw.call("ZUNIONSTORE", "out", "2", "a", "b") == integer(3)
    assert raw.call("ZRANGE", "out", "0", "-1", "WITHSCORES") == with_scores(
        ("x", 1), ("y", 12), ("z", 20))
    assert raw.call("ZUNIONSTORE", "out", "2", "a", "b", "WEIGHTS", "2", "0.5") == integer(3)
    assert raw.call("ZRANGE", "out", "0", "-1", "WITHSCORES") == with_scores(
        ("x", 2), ("y", 9), ("z", 10))


@pytest.mark.parametrize(("aggregate", "union", "inter"), [
    ("SUM", [("x", 1), ("z", 20), ("y", 22)], [("y", 22)]),
    ("min", [("x", 1), ("y", 2), ("z", 20)], [("y", 2)]),
    ("Max", [("x", 1), ("y", 20), ("z", 20)], [("y", 20)]),
])
def test_aggregate_sum_min_max(raw, aggregate, union, inter):
    zadd(raw, "a", (1, "x"), (2, "y"))
    zadd(raw, "b", (20, "y"), (20, "z"))
    raw.call("ZUNIONSTORE", "out", "2", "a", "b", "AGGREGATE", aggregate)
    assert raw.call("ZRANGE", "out", "0", "-1", "WITHSCORES") == with_scores(*union)
    raw.call("ZINTERSTORE", "out", "2", "a", "b", "aggregate", aggregate, "weights", "1", "1")
    assert raw.call("ZRANGE", "out", "0", "-1", "WITHSCORES") == with_scores(*inter)


def test_zinterstore_keeps_members_of_every_input(raw):
    zadd(raw, "a", (1, "x"), (2, "y"), (3, "z"))
    zadd(raw, "b", (10, "y"), (20, "z"))
    zadd(raw, "c", (100, "z"), (100, "y"), (5, "w"))
    assert raw.call("ZINTERSTORE", "out", "3", "a", "b", "c", "WEIGHTS", "1", "2", "3") == (
        integer(2))
    assert raw.call("ZRANGE", "out", "0", "-1", "WITHSCORES") == with_scores(
        ("y", 322), ("z", 343))


def test_sets_count_as_sorted_sets_with_score_one(raw):
    raw.call("SADD", "s", "x", "y")
    zadd(raw, "a", (5, "y"), (7, "q"))
    assert raw.call("ZUNIONSTORE", "out", "2", "s", "a") == integer(3)
    assert raw.call("ZRANGE", "out", "0", "-1", "WITHSCORES") == with_scores(
        ("x", 1), ("y", 6), ("q", 7))
    assert raw.call("ZINTERSTORE", "out", "2", "a", "s", "WEIGHTS", "2", "10") == integer(1)
    assert raw.call("ZRANGE", "out", "0", "-1", "WITHSCORES") == with_scores(("y", 20))
    assert raw.call("ZINTERSTORE", "out", "1", "s") == integer(2)


def test_nan_results_count_as_zero(raw):
    zadd(raw, "pos", ("inf", "m"))
    zadd(raw, "neg", ("-inf", "m"))
    raw.call("ZUNIONSTORE", "out", "2", "pos", "neg")
    assert raw.call("ZSCORE", "out", "m") == bulk("0")
    raw.call("ZINTERSTORE", "out", "2", "pos", "neg")
    assert raw.call("ZSCORE", "out", "m") == bulk("0")
    raw.call("ZUNIONSTORE", "out", "1", "pos", "WEIGHTS", "0")
    assert raw.call("ZSCORE", "out", "m") == bulk("0")
    raw.call("ZINTERSTORE", "out", "2", "pos", "neg", "AGGREGATE", "MIN")
    assert raw.call("ZSCORE", "out", "m") == bulk("-inf")


def test_sums_are_added_smallest_input_first(raw):
    # (0.1 + 0.2) + 0.3 and (0.3 + 0.2) + 0.1 differ in the last digit;
    # inputs of the same size keep their order.
    for key, score in (("a", "0.1"), ("b", "0.2"), ("c", "0.3")):
        raw.call("ZADD", key, score, "m")
    raw.call("ZUNIONSTORE", "out", "3", "a", "b", "c")
    assert raw.call("ZSCORE", "out", "m") == bulk("0.60000000000000009")
    raw.call("ZUNIONSTORE", "out", "3", "c", "b", "a")
    assert raw.call("ZSCORE", "out", "m") == bulk("0.59999999999999998")
    raw.call("ZADD", "c", "1", "other")  # now the biggest: b, a, then c
    raw.call("ZUNIONSTORE", "out", "3", "c", "b", "a")
    assert raw.call("ZSCORE", "out", "m") == bulk("0.60000000000000009")


def test_the_destination_is_replaced_whatever_its_type(raw):
    zadd(raw, "a", (1, "x"))
    raw.call("SET", "out", "string")
    assert raw.call("ZUNIONSTORE", "out", "1", "a") == integer(1)
    assert raw.call("TYPE", "out") == b"+zset\r\n"
    assert raw.call("ZUNIONSTORE", "a", "2", "a", "a") == integer(1)
    assert raw.call("ZSCORE", "a", "x") == bulk("2")


def test_an_empty_result_deletes_the_destination(raw):
    zadd(raw, "a", (1, "x"))
    zadd(raw, "b", (1, "y"))
    raw.call("SET", "out", "string")
    assert raw.call("ZINTERSTORE", "out", "2", "a", "b") == integer(0)
    assert raw.call("EXISTS", "out") == integer(0)
    raw.call("SET", "out", "string")
    assert raw.call("ZUNIONSTORE", "out", "2", "nokey", "nokey2") == integer(0)
    assert raw.call("EXISTS", "out") == integer(0)
    assert raw.call("ZINTERSTORE", "out", "2", "a", "nokey") == integer(0)


@pytest.mark.parametrize(("args", "error"), [
    (("0", "a"), b"-ERR at least 1 input key is needed for '%s' command\r\n"),
    (("-1", "a"), b"-ERR at least 1 input key is needed for '%s' command\r\n"),
    (("x", "a"), NOT_AN_INTEGER),
    (("3", "a", "b"), SYNTAX_ERROR),
    (("1", "a", "WEIGHTS"), SYNTAX_ERROR),
    (("2", "a", "b", "WEIGHTS", "1"), SYNTAX_ERROR),
    (("1", "a", "WEIGHTS", "x"), b"-ERR weight value is not a float\r\n"),
    (("1", "a", "WEIGHTS", "nan"), b"-ERR weight value is not a float\r\n"),
    (("1", "a", "AGGREGATE"), SYNTAX_ERROR),
    (("1", "a", "AGGREGATE", "AVG"), SYNTAX_ERROR),
    (("1", "a", "WITHSCORES"), SYNTAX_ERROR),
    (("1", "a", "FOO"), SYNTAX_ERROR),
])
@pytest.mark.parametrize("cmd", ["ZUNIONSTORE", "ZINTERSTORE"])
def test_zunionstore_and_zinterstore_errors(raw, cmd, args, error):
    zadd(raw, "a", (1, "x"))
    if b"%s" in error:
        error = error % cmd.lower().encode()
    assert raw.call(cmd, "out", *args) == error
    assert raw.call("EXISTS", "out") == integer(0)


@pytest.mark.parametrize("cmd", ["ZUNIONSTORE", "ZINTERSTORE"])
def test_inputs_are_type_checked_before_the_options(raw, cmd):
    zadd(raw, "a", (1, "x"))
    raw.call("SET", "str", "x")
    raw.call("RPUSH", "list", "x")
    raw.call("HSET", "hash", "f", "v")
    for key in ("str", "list", "hash"):
        assert raw.call(cmd, "out", "2", "a", key, "WEIGHTS", "x") == WRONGTYPE
    assert raw.call(cmd, "out", "2", "a", "nokey", "WEIGHTS", "x", "1") == (
        b"-ERR weight value is not a float\r\n")


# ZUNION ZINTER ZDIFF ZDIFFSTORE ZINTERCARD: the same function as the two above

def test_zunion_and_zinter_reply_their_result_in_order(raw):
    zadd(raw, "a", (1, "x"), (2, "y"))
    zadd(raw, "b", (10, "y"), (20, "z"))
    assert raw.call("ZUNION", "2", "a", "b") == bulks("x", "y", "z")
    assert raw.call("ZUNION", "2", "a", "b", "WITHSCORES") == with_scores(
        ("x", 1), ("y", 12), ("z", 20))
    assert raw.call("ZUNION", "2", "a", "b", "WEIGHTS", "2", "3", "aggregate", "max",
                    "withscores", "WITHSCORES") == with_scores(("x", 2), ("y", 30), ("z", 60))
    assert raw.call("ZINTER", "2", "a", "b", "WITHSCORES") == with_scores(("y", 12))
    assert raw.call("ZINTER", "2", "b", "a", "AGGREGATE", "MIN") == bulks("y")
    assert raw.call("ZINTER", "2", "a", "nokey") == EMPTY_ARRAY
    assert raw.call("ZUNION", "1", "nokey", "WITHSCORES") == EMPTY_ARRAY
    assert raw.call("DBSIZE") == integer(2)


def test_zdiff_keeps_what_only_the_first_input_has_with_its_scores(raw):
    zadd(raw, "a", (1, "x"), (2.5, "y"), (3, "z"))
    zadd(raw, "b", (10, "y"))
    raw.call("SADD", "s", "z", "q")
    assert raw.call("ZDIFF", "3", "a", "b", "s", "WITHSCORES") == with_scores(("x", 1))
    assert raw.call("ZDIFF", "2", "a", "nokey", "WITHSCORES") == with_scores(
        ("x", 1), ("y", 2.5), ("z", 3))
    assert raw.call("ZDIFF", "2", "s", "a", "WITHSCORES") == with_scores(("q", 1))
    assert raw.call("ZDIFF", "2", "a", "a") == EMPTY_ARRAY
    assert raw.call("ZDIFF", "2", "nokey", "a") == EMPTY_ARRAY


def test_zdiffstore_replaces_the_destination_or_deletes_it(raw):
    zadd(raw, "a", (1, "x"), (2.5, "y"))
    zadd(raw, "b", (1, "y"))
    raw.call("SET", "out", "string")
    assert raw.call("ZDIFFSTORE", "out", "2", "a", "b") == integer(1)
    assert raw.call("ZRANGE", "out", "0", "-1", "WITHSCORES") == with_scores(("x", 1))
    assert raw.call("ZDIFFSTORE", "out", "2", "a", "a") == integer(0)
    assert raw.call("EXISTS", "out") == integer(0)
    assert raw.call("ZDIFFSTORE", "a", "2", "a", "b") == integer(1)
    assert raw.call("ZRANGE", "a", "0", "-1") == bulks("x")


def test_zintercard_counts_the_common_members_up_to_its_limit(raw):
    zadd(raw, "a", *ABCD)
    zadd(raw, "b", (5, "a"), (5, "b"), (5, "c"))
    raw.call("SADD", "s", "a", "b", "q")
    assert raw.call("ZINTERCARD", "2", "a", "b") == integer(3)
    assert raw.call("ZINTERCARD", "3", "a", "b", "s") == integer(2)
    assert raw.call("ZINTERCARD", "2", "a", "b", "LIMIT", "2") == integer(2)
    assert raw.call("ZINTERCARD", "2", "a", "b", "limit", "0") == integer(3)
    assert raw.call("ZINTERCARD", "2", "a", "b", "LIMIT", "1", "LIMIT", "0") == integer(3)
    assert raw.call("ZINTERCARD", "1", "a") == integer(4)
    assert raw.call("ZINTERCARD", "2", "a", "nokey") == integer(0)


def test_a_negative_weight_replies_minus_zero_but_stores_zero(raw):
    # Redis sends the new skiplist's scores as computed, but stores a small
    # result as a listpack, where -0 becomes 0.
    zadd(raw, "a", (0, "x"), (1, "y"))
    assert raw.call("ZUNION", "1", "a", "WEIGHTS", "-1", "WITHSCORES") == with_scores(
        ("y", -1), ("x", -0.0))
    assert raw.call("ZUNIONSTORE", "out", "1", "a", "WEIGHTS", "-1") == integer(2)
    assert raw.call("ZRANGE", "out", "0", "-1", "WITHSCORES") == with_scores(("y", -1), ("x", 0))


SETOP_COMMANDS = [("ZUNION",), ("ZINTER",), ("ZDIFF",), ("ZINTERCARD",),
                  ("ZUNIONSTORE", "out"), ("ZINTERSTORE", "out"), ("ZDIFFSTORE", "out")]


@pytest.mark.parametrize(("args", "error"), [
    (("0", "a"), b"-ERR at least 1 input key is needed for '%s' command\r\n"),
    (("-1", "a"), b"-ERR at least 1 input key is needed for '%s' command\r\n"),
    (("x", "a"), NOT_AN_INTEGER),
    (("9223372036854775808", "a"), NOT_AN_INTEGER),
    (("3", "a", "b"), SYNTAX_ERROR),
    (("9223372036854775807", "a"), SYNTAX_ERROR),
    (("1", "a", "FOO"), SYNTAX_ERROR),
])
@pytest.mark.parametrize("head", SETOP_COMMANDS, ids=" ".join)
def test_numkeys_errors_name_the_command(raw, head, args, error):
    zadd(raw, "a", (1, "x"))
    if b"%s" in error:
        error = error % head[0].lower().encode()
    assert raw.call(*head, *args) == error
    assert raw.call("EXISTS", "out") == integer(0)


@pytest.mark.parametrize(("argv", "error"), [
    (("ZUNION", "1", "a", "WEIGHTS"), SYNTAX_ERROR),
    (("ZUNION", "2", "a", "b", "WEIGHTS", "1"), SYNTAX_ERROR),
    (("ZUNION", "1", "a", "WEIGHTS", "1", "2"), SYNTAX_ERROR),
    (("ZINTER", "1", "a", "WEIGHTS", "x"), b"-ERR weight value is not a float\r\n"),
    (("ZINTER", "1", "a", "WEIGHTS", "nan"), b"-ERR weight value is not a float\r\n"),
    (("ZINTER", "1", "a", "AGGREGATE"), SYNTAX_ERROR),
    (("ZUNION", "1", "a", "AGGREGATE", "AVG"), SYNTAX_ERROR),
    (("ZUNION", "1", "a", "LIMIT", "1"), SYNTAX_ERROR),
    (("ZDIFF", "1", "a", "WEIGHTS", "1"), SYNTAX_ERROR),
    (("ZDIFF", "1", "a", "AGGREGATE", "SUM"), SYNTAX_ERROR),
    (("ZDIFFSTORE", "out", "1", "a", "WITHSCORES"), SYNTAX_ERROR),
    (("ZINTERCARD", "1", "a", "WITHSCORES"), SYNTAX_ERROR),
    (("ZINTERCARD", "1", "a", "WEIGHTS", "1"), SYNTAX_ERROR),
    (("ZINTERCARD", "1", "a", "AGGREGATE", "MIN"), SYNTAX_ERROR),
    (("ZINTERCARD", "1", "a", "LIMIT"), SYNTAX_ERROR),
    (("ZINTERCARD", "1", "a", "LIMIT", "-1"), b"-ERR LIMIT can't be negative\r\n"),
    (("ZINTERCARD", "1", "a", "LIMIT", "x"), b"-ERR LIMIT can't be negative\r\n"),
    (("ZINTERCARD", "1", "a", "LIMIT", "1", "FOO"), SYNTAX_ERROR),
], ids=lambda value: " ".join(value) if isinstance(value, tuple) else None)
def test_each_set_operation_takes_only_its_own_options(raw, argv, error):
    zadd(raw, "a", (1, "x"))
    assert raw.call(*argv) == error
    assert raw.call("EXISTS", "out") == integer(0)


@pytest.mark.parametrize("argv", [
    ("ZUNION", "2", "a", "str", "WEIGHTS", "x"),
    ("ZINTER", "2", "a", "list", "AGGREGATE", "avg"),
    ("ZDIFF", "2", "a", "str", "WEIGHTS", "1"),
    ("ZDIFFSTORE", "out", "2", "list", "a", "WITHSCORES"),
    ("ZINTERCARD", "2", "str", "a", "LIMIT", "-1"),
], ids=" ".join)
def test_set_operations_type_check_their_inputs_before_the_options(raw, argv):
    zadd(raw, "a", (1, "x"))
    raw.call("SET", "str", "x")
    raw.call("RPUSH", "list", "x")
    assert raw.call(*argv) == WRONGTYPE


# ZRANGESTORE

def test_zrangestore_stores_a_range_with_its_scores(raw):
    zadd(raw, "src", (1.5, "a"), (2, "b"), (3, "c"), (4, "d"))
    assert raw.call("ZRANGESTORE", "dst", "src", "1", "2") == integer(2)
    assert raw.call("ZRANGE", "dst", "0", "-1", "WITHSCORES") == with_scores(("b", 2), ("c", 3))
    assert raw.call("ZRANGESTORE", "dst", "src", "(4", "-inf", "BYSCORE", "REV", "LIMIT",
                    "0", "2") == integer(2)
    assert raw.call("ZRANGE", "dst", "0", "-1", "WITHSCORES") == with_scores(("b", 2), ("c", 3))
    assert raw.call("ZRANGESTORE", "src", "src", "0", "0") == integer(1)
    assert raw.call("ZRANGE", "src", "0", "-1", "WITHSCORES") == with_scores(("a", 1.5))


def test_zrangestore_bylex(raw):
    raw.call("ZADD", "src", "0", "a", "0", "b", "0", "c")
    assert raw.call("ZRANGESTORE", "dst", "src", "[b", "+", "BYLEX") == integer(2)
    assert raw.call("ZRANGE", "dst", "0", "-1") == bulks("b", "c")


def test_zrangestore_with_nothing_to_store_deletes_the_destination(raw):
    zadd(raw, "src", (1, "a"))
    raw.call("SET", "dst", "x")
    assert raw.call("ZRANGESTORE", "dst", "src", "5", "10") == integer(0)
    assert raw.call("EXISTS", "dst") == integer(0)
    raw.call("SET", "dst", "x")
    assert raw.call("ZRANGESTORE", "dst", "nokey", "0", "-1") == integer(0)
    assert raw.call("EXISTS", "dst") == integer(0)


def test_zrangestore_replaces_any_type_but_checks_the_source(raw):
    zadd(raw, "src", (1, "a"))
    raw.call("RPUSH", "dst", "x")
    assert raw.call("ZRANGESTORE", "dst", "src", "0", "-1") == integer(1)
    assert raw.call("TYPE", "dst") == b"+zset\r\n"
    assert raw.call("ZRANGESTORE", "dst", "dst", "0", "-1") == integer(1)
    raw.call("SET", "str", "x")
    assert raw.call("ZRANGESTORE", "dst", "str", "0", "-1") == WRONGTYPE
    assert raw.call("ZCARD", "dst") == integer(1)


# ZSCAN

def zscan_all(raw, key, *options) -> dict:
    """A whole ZSCAN, as a dict of member -> score."""
    flat = scan_all(raw, "ZSCAN", key, *options)
    return dict(zip(flat[::2], flat[1::2]))


@pytest.mark.parametrize("size", [5, 300])
def test_zscan_returns_every_member_with_its_score(raw, size):
    members = {b"m%d" % i: b"%d" % i for i in range(size)}
    raw.call("ZADD", "z", *[x for m, s in members.items() for x in (s, m)])
    assert zscan_all(raw, "z") == members
    assert zscan_all(raw, "z", "COUNT", "7") == members
    expected = {m: s for m, s in members.items() if m.startswith(b"m1")}
    assert zscan_all(raw, "z", "MATCH", "m1*", "COUNT", "50") == expected


def test_zscan_of_small_sets_writes_scores_as_redis_stores_them(raw):
    zadd(raw, "z", (1.5, "a"), ("1e17", "b"), ("-inf", "c"), (0.1, "d"))
    assert zscan_all(raw, "z") == {b"a": b"1.5", b"b": b"100000000000000000", b"c": b"-inf",
                                   b"d": b"0.10000000000000001"}


def test_zscan_errors(raw):
    zadd(raw, "z", (1, "a"))
    raw.call("SET", "s", "x")
    assert raw.call("ZSCAN", "nokey", "0") == EMPTY_SCAN
    assert raw.call("ZSCAN", "nokey", "0", "COUNT", "0") == EMPTY_SCAN
    assert raw.call("ZSCAN", "s", "0", "COUNT", "0") == WRONGTYPE
    assert raw.call("ZSCAN", "s", "x") == b"-ERR invalid cursor\r\n"
    assert raw.call("ZSCAN", "z", "0", "COUNT", "0") == SYNTAX_ERROR
    assert raw.call("ZSCAN", "z", "0", "MATCH") == SYNTAX_ERROR
    assert raw.call("ZSCAN", "z", "0", "TYPE", "string") == SYNTAX_ERROR


# WRONGTYPE, for every sorted set command and every other type

OTHER_TYPES = {
    "string": ("SET", "k", "v"),
    "list": ("RPUSH", "k", "a"),
    "hash": ("HSET", "k", "f", "v"),
    "set": ("SADD", "k", "m"),
}
ZSET_COMMANDS = [
    ("ZADD", "k", "1", "a"), ("ZADD", "k", "XX", "INCR", "1", "a"), ("ZINCRBY", "k", "1", "a"),
    ("ZREM", "k", "a"), ("ZSCORE", "k", "a"), ("ZMSCORE", "k", "a"), ("ZCARD", "k"),
    ("ZCOUNT", "k", "0", "1"), ("ZLEXCOUNT", "k", "-", "+"), ("ZRANK", "k", "a"),
    ("ZREVRANK", "k", "a"), ("ZRANGE", "k", "0", "-1"), ("ZRANGE", "k", "0", "1", "BYSCORE"),
    ("ZRANGE", "k", "-", "+", "BYLEX"), ("ZRANGEBYSCORE", "k", "0", "1"),
    ("ZREVRANGEBYSCORE", "k", "1", "0"), ("ZRANGEBYLEX", "k", "-", "+"),
    ("ZREVRANGEBYLEX", "k", "+", "-"), ("ZREVRANGE", "k", "0", "-1"), ("ZPOPMIN", "k"),
    ("ZPOPMAX", "k", "2"), ("ZREMRANGEBYRANK", "k", "0", "1"),
    ("ZREMRANGEBYSCORE", "k", "0", "1"), ("ZREMRANGEBYLEX", "k", "-", "+"),
    ("ZRANGESTORE", "dst", "k", "0", "-1"), ("ZSCAN", "k", "0"),
    ("ZUNIONSTORE", "dst", "2", "zset", "k"), ("ZINTERSTORE", "dst", "2", "zset", "k"),
    ("ZUNION", "2", "zset", "k"), ("ZINTER", "2", "zset", "k"), ("ZDIFF", "2", "zset", "k"),
    ("ZDIFFSTORE", "dst", "2", "zset", "k"), ("ZINTERCARD", "2", "zset", "k"),
    ("ZRANDMEMBER", "k"), ("ZRANDMEMBER", "k", "2"), ("ZRANDMEMBER", "k", "-2", "WITHSCORES"),
    ("ZMPOP", "1", "k", "MIN"), ("ZMPOP", "2", "nokey", "k", "MAX", "COUNT", "2"),
]
SET_OPERATIONS = ("ZUNIONSTORE", "ZINTERSTORE", "ZUNION", "ZINTER", "ZDIFF", "ZDIFFSTORE",
                  "ZINTERCARD")


# (Sets are valid inputs of the set operations.)
WRONGTYPE_CASES = [(argv, kind) for argv in ZSET_COMMANDS for kind in OTHER_TYPES
                   if kind != "set" or argv[0] not in SET_OPERATIONS]


@pytest.mark.parametrize(("argv", "kind"), WRONGTYPE_CASES,
                         ids=[f"{' '.join(argv)}-{kind}" for argv, kind in WRONGTYPE_CASES])
def test_every_sorted_set_command_refuses_other_types(raw, argv, kind):
    assert raw.call(*OTHER_TYPES[kind]) in (integer(1), OK)
    zadd(raw, "zset", (1, "a"))
    assert raw.call(*argv) == WRONGTYPE
    assert raw.call("TYPE", "k") == b"+%s\r\n" % kind.encode()
    assert raw.call("EXISTS", "dst") == integer(0)
    assert raw.call("ZRANGE", "zset", "0", "-1", "WITHSCORES") == with_scores(("a", 1))


# Binary members

BINARY = [b"", b"a\r\nb", b"\x00", b"\x00\xff", b"\xff", b"$3\r\n*1"]


def test_members_are_binary_safe(raw):
    raw.call("ZADD", b"k\x00ey", *[x for m in BINARY for x in (b"1", m)])
    assert raw.call("ZRANGE", b"k\x00ey", "0", "-1") == bulks(*sorted(BINARY))
    assert raw.call("ZSCORE", b"k\x00ey", b"a\r\nb") == bulk("1")
    assert raw.call("ZRANK", b"k\x00ey", b"\x00\xff") == integer(2)
    assert raw.call("ZRANGEBYLEX", b"k\x00ey", b"[\x00", b"(\xff") == bulks(
        b"\x00", b"\x00\xff", b"$3\r\n*1", b"a\r\nb")
    assert raw.call("ZREM", b"k\x00ey", b"", b"\xff") == integer(2)
    assert raw.call("ZPOPMIN", b"k\x00ey") == bulks(b"\x00", b"1")


# RESP3

def test_resp3_scores_are_doubles(raw3):
    assert raw3.call("ZADD", "z", "1.1", "a", "inf", "b", "-2", "c") == integer(3)
    assert raw3.call("ZSCORE", "z", "a") == b",1.1000000000000001\r\n"
    assert raw3.call("ZSCORE", "z", "b") == b",inf\r\n"
    assert raw3.call("ZINCRBY", "z", "1", "c") == b",-1\r\n"
    assert raw3.call("ZADD", "z", "INCR", "1", "c") == b",0\r\n"
    assert raw3.call("ZMSCORE", "z", "a", "nope") == b"*2\r\n,1.1000000000000001\r\n_\r\n"


def test_resp3_nulls(raw3):
    raw3.call("ZADD", "z", "1", "a")
    assert raw3.call("ZSCORE", "z", "nope") == b"_\r\n"
    assert raw3.call("ZSCORE", "nokey", "a") == b"_\r\n"
    assert raw3.call("ZRANK", "z", "nope") == b"_\r\n"
    assert raw3.call("ZREVRANK", "nokey", "a") == b"_\r\n"
    assert raw3.call("ZADD", "z", "XX", "INCR", "1", "nope") == b"_\r\n"
    assert raw3.call("ZADD", "z", "NX", "INCR", "1", "a") == b"_\r\n"


def test_resp3_with_scores_is_an_array_of_pairs(raw3):
    raw3.call("ZADD", "z", "1", "a", "2.5", "b", "3", "c")
    pairs = [("a", 1), ("b", 2.5), ("c", 3)]
    assert raw3.call("ZRANGE", "z", "0", "-1", "WITHSCORES") == with_scores3(*pairs)
    assert raw3.call("ZRANGEBYSCORE", "z", "(1", "inf", "WITHSCORES") == with_scores3(*pairs[1:])
    assert raw3.call("ZREVRANGE", "z", "0", "0", "WITHSCORES") == with_scores3(("c", 3))
    assert raw3.call("ZRANGE", "z", "5", "6", "WITHSCORES") == EMPTY_ARRAY
    assert raw3.call("ZRANGE", "z", "0", "-1") == bulks("a", "b", "c")


def test_resp3_zpop_is_flat_without_a_count_and_pairs_with_one(raw3):
    raw3.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d")
    assert raw3.call("ZPOPMIN", "z") == b"*2\r\n$1\r\na\r\n,1\r\n"
    assert raw3.call("ZPOPMAX", "z", "1") == with_scores3(("d", 4))
    assert raw3.call("ZPOPMIN", "z", "5") == with_scores3(("b", 2), ("c", 3))
    assert raw3.call("ZPOPMIN", "z") == EMPTY_ARRAY


def test_resp3_zscan_scores_stay_strings(raw3):
    raw3.call("ZADD", "z", "1.5", "a")
    assert raw3.call("ZSCAN", "z", "0") == b"*2\r\n$1\r\n0\r\n" + bulks("a", "1.5")


def test_resp3_set_operations_reply_pairs_with_scores(raw3):
    raw3.call("ZADD", "a", "1", "x", "2.5", "y")
    raw3.call("ZADD", "b", "10", "y", "20", "z")
    assert raw3.call("ZUNION", "2", "a", "b", "WITHSCORES") == with_scores3(
        ("x", 1), ("y", 12.5), ("z", 20))
    assert raw3.call("ZINTER", "2", "a", "b", "WITHSCORES") == with_scores3(("y", 12.5))
    assert raw3.call("ZDIFF", "2", "a", "b", "WITHSCORES") == with_scores3(("x", 1))
    assert raw3.call("ZDIFF", "2", "a", "b") == bulks("x")
    assert raw3.call("ZUNION", "1", "a", "WEIGHTS", "-1", "WITHSCORES") == with_scores3(
        ("y", -2.5), ("x", -1))
    assert raw3.call("ZUNION", "1", "nokey", "WITHSCORES") == EMPTY_ARRAY
    assert raw3.call("ZINTERCARD", "2", "a", "b") == integer(1)


def test_resp3_zrandmember_pairs_members_with_scores(raw3):
    raw3.call("ZADD", "z", "1", "a", "2.5", "b")
    assert raw3.call("ZRANDMEMBER", "nokey") == b"_\r\n"
    assert raw3.call("ZRANDMEMBER", "nokey", "2") == EMPTY_ARRAY
    assert raw3.call("ZRANDMEMBER", "z", "5", "WITHSCORES") == with_scores3(("b", 2.5), ("a", 1))
    assert raw3.call("ZRANDMEMBER", "z", "5") == bulks("b", "a")
    raw3.call("ZADD", "one", "1.5", "m")
    assert raw3.call("ZRANDMEMBER", "one", "-2", "WITHSCORES") == with_scores3(
        ("m", 1.5), ("m", 1.5))


def test_resp3_zmpop_is_a_key_with_pairs_or_null(raw3):
    raw3.call("ZADD", "z", "1.5", "a", "2", "b")
    assert raw3.call("ZMPOP", "1", "z", "MAX", "COUNT", "5") == zmpop_reply(
        "z", ("b", 2), ("a", 1.5), resp3=True)
    assert raw3.call("ZMPOP", "1", "z", "MIN") == b"_\r\n"


def test_redis_py_sorted_sets(r):
    assert r.zadd("z", {"a": 1.1, "b": 2, "c": 3}) == 3
    assert r.zscore("z", "a") == 1.1
    assert r.zrange("z", 0, -1, withscores=True) == [(b"a", 1.1), (b"b", 2.0), (b"c", 3.0)]
    assert r.zrangebyscore("z", "(1.1", "+inf") == [b"b", b"c"]
    assert r.zrank("z", "c") == 2
    assert r.zincrby("z", 2, "a") == 3.1
    assert r.zmscore("z", ["b", "nope"]) == [2.0, None]
    assert r.zpopmin("z") == [(b"b", 2.0)]
    assert r.zpopmax("z", 2) == [(b"a", 3.1), (b"c", 3.0)]
    assert r.exists("z") == 0
    assert r.zscore("z", "a") is None


def test_redis_py_set_operations_random_members_and_zmpop(r):
    r.zadd("a", {"x": 1, "y": 2.5})
    r.zadd("b", {"y": 10, "z": 20})
    assert r.zunion(["a", "b"]) == [b"x", b"y", b"z"]
    assert r.zunion(["a", "b"], withscores=True) == [(b"x", 1.0), (b"y", 12.5), (b"z", 20.0)]
    assert r.zunion({"a": 2, "b": 1}, aggregate="MAX", withscores=True) == [
        (b"x", 2.0), (b"y", 10.0), (b"z", 20.0)]
    assert r.zinter(["a", "b"], withscores=True) == [(b"y", 12.5)]
    assert r.zdiff(["a", "b"]) == [b"x"]
    assert r.zdiffstore("out", ["a", "b"]) == 1
    assert r.zintercard(2, ["a", "b"]) == 1
    assert r.zintercard(2, ["a", "out"], limit=1) == 1
    assert r.zrandmember("a", 5) == [b"y", b"x"]
    assert r.zrandmember("a") in (b"x", b"y")
    assert r.zrandmember("nokey") is None
    assert r.zmpop(2, ["nokey", "b"], max=True, count=5) == [b"b", [[b"z", b"20"], [b"y", b"10"]]]
    assert r.zmpop(1, ["b"], min=True) is None


# A state machine: random command sequences against a Python dict

MEMBERS = st.sampled_from([b"a", b"b", b"c", b"ab", b"", b"\x00", b"\xff", b"a\r\n"])
SCORES = st.sampled_from([-inf, -2.5, -1.0, 0.0, 0.5, 1.0, 1.1, 2.0, 3.0, inf]) | st.integers(
    -3, 3).map(float)
KEYS = st.sampled_from([b"z1", b"z2"])
RANKS = st.integers(-6, 6)
ZADD_OPTIONS = st.sampled_from([(), ("NX",), ("XX",), ("GT",), ("LT",), ("XX", "GT"),
                                ("XX", "LT")])


WEIGHTS = st.tuples(*[st.sampled_from([0.5, 1.0, 2.0, inf])] * 2)
AGGREGATE = st.sampled_from(["SUM", "MIN", "MAX"])


def arg(score: float) -> bytes:
    return {inf: b"+inf", -inf: b"-inf"}.get(score, b"%r" % score)


def score_bound(exclusive: bool, score: float) -> bytes:
    return (b"(" if exclusive else b"") + arg(score)


BOUNDS = st.tuples(st.booleans(), SCORES)


def in_score_range(score, low, high) -> bool:
    (low_ex, low_score), (high_ex, high_score) = low, high
    above = score > low_score if low_ex else score >= low_score
    below = score < high_score if high_ex else score <= high_score
    return above and below


def combine(aggregate: str, target: float, value: float) -> float:
    """AGGREGATE: a sum that is NaN counts as 0; MIN and MAX ignore NaN."""
    if aggregate == "SUM":
        return 0.0 if isnan(target + value) else target + value
    if aggregate == "MIN":
        return value if value < target else target
    return value if value > target else target


def ordered(model: dict) -> list:
    return sorted(model.items(), key=lambda item: (item[1], item[0]))


class ZSetMachine(ServerModelMachine):
    """Each sorted set is a dict member -> score; the server must agree."""

    def __init__(self, port: int):
        super().__init__(port)
        self.model: dict[bytes, dict[bytes, float]] = {b"z1": {}, b"z2": {}}
        self.lex: set[bytes] = set()  # the members of "lex", all of score 0

    @rule(key=KEYS, pairs=st.lists(st.tuples(SCORES, MEMBERS), min_size=1, max_size=3),
          options=ZADD_OPTIONS, ch=st.booleans())
    def zadd(self, key, pairs, options, ch):
        model = self.model[key]
        added = updated = 0
        for score, member in pairs:
            current = model.get(member)
            if current is None and "XX" not in options:
                model[member] = score
                added += 1
            elif current is not None and "NX" not in options and not (
                    ("GT" in options and score <= current)
                    or ("LT" in options and score >= current)) and score != current:
                model[member] = score
                updated += 1
        args = [*options, *(["CH"] if ch else [])]
        reply = self.raw.call("ZADD", key, *args, *[x for s, m in pairs for x in (arg(s), m)])
        assert reply == integer(added + updated if ch else added)

    @rule(key=KEYS, increment=SCORES, member=MEMBERS)
    def zincrby(self, key, increment, member):
        model = self.model[key]
        new = model.get(member, 0.0) + increment
        reply = self.raw.call("ZINCRBY", key, arg(increment), member)
        if isnan(new):
            assert reply == NAN_ERROR
        else:
            model[member] = new
            assert reply == bulk(score_text(new))

    @rule(key=KEYS, members=st.lists(MEMBERS, min_size=1, max_size=3))
    def zrem(self, key, members):
        model = self.model[key]
        removed = sum(model.pop(m, None) is not None for m in members)
        assert self.raw.call("ZREM", key, *members) == integer(removed)

    @rule(key=KEYS, highest=st.booleans(), count=st.none() | st.integers(0, 3))
    def zpop(self, key, highest, count):
        model = self.model[key]
        items = ordered(model)[::-1] if highest else ordered(model)
        popped = items[:1 if count is None else count]
        for member, _ in popped:
            del model[member]
        args = () if count is None else (count,)
        reply = self.raw.call("ZPOPMAX" if highest else "ZPOPMIN", key, *args)
        assert reply == with_scores(*popped)

    @rule(key=KEYS, start=RANKS, stop=RANKS)
    def zremrangebyrank(self, key, start, stop):
        doomed = index_range(ordered(self.model[key]), start, stop)
        for member, _ in doomed:
            del self.model[key][member]
        assert self.raw.call("ZREMRANGEBYRANK", key, start, stop) == integer(len(doomed))

    @rule(key=KEYS, low=BOUNDS, high=BOUNDS)
    def zremrangebyscore(self, key, low, high):
        model = self.model[key]
        doomed = [m for m, s in model.items() if in_score_range(s, low, high)]
        for member in doomed:
            del model[member]
        reply = self.raw.call("ZREMRANGEBYSCORE", key, score_bound(*low), score_bound(*high))
        assert reply == integer(len(doomed))

    @rule(key=KEYS, low=BOUNDS, high=BOUNDS, offset=st.integers(-1, 3),
          count=st.integers(-1, 3), reverse=st.booleans())
    def zrangebyscore(self, key, low, high, offset, count, reverse):
        items = [(m, s) for m, s in ordered(self.model[key]) if in_score_range(s, low, high)]
        if reverse:
            items.reverse()
        items = [] if offset < 0 else items[offset:]
        if count >= 0:
            items = items[:count]
        bounds = (score_bound(*high), score_bound(*low)) if reverse else (
            score_bound(*low), score_bound(*high))
        options = ["BYSCORE", *(["REV"] if reverse else []), "LIMIT", offset, count]
        reply = self.raw.call("ZRANGE", key, *bounds, *options, "WITHSCORES")
        assert reply == with_scores(*items)
        assert self.raw.call("ZCOUNT", key, score_bound(*low), score_bound(*high)) == integer(
            len([s for s in self.model[key].values() if in_score_range(s, low, high)]))

    @rule(key=KEYS, member=MEMBERS)
    def zrank(self, key, member):
        members = [m for m, _ in ordered(self.model[key])]
        if member not in members:
            assert self.raw.call("ZRANK", key, member) == NULL
            return
        rank = members.index(member)
        assert self.raw.call("ZRANK", key, member) == integer(rank)
        assert self.raw.call("ZREVRANK", key, member) == integer(len(members) - 1 - rank)

    @rule(destination=KEYS, source=KEYS, start=RANKS, stop=RANKS)
    def zrangestore(self, destination, source, start, stop):
        self.model[destination] = dict(index_range(ordered(self.model[source]), start, stop))
        reply = self.raw.call("ZRANGESTORE", destination, source, start, stop)
        assert reply == integer(len(self.model[destination]))

    def union_or_inter(self, union, weights, aggregate) -> dict:
        """What ZUNION or ZINTER of z1 and z2 gives."""
        # Inputs are taken smallest first (z1 first if of equal size).
        sources = sorted(zip((self.model[b"z1"], self.model[b"z2"]), weights),
                         key=lambda source: len(source[0]))
        if union:
            result = {}
            for model, weight in sources:
                for member, score in model.items():
                    value = 0.0 if isnan(score * weight) else score * weight
                    result[member] = value if member not in result else combine(
                        aggregate, result[member], value)
            return result
        (first, first_weight), (second, second_weight) = sources
        return {m: combine(aggregate, 0.0 if isnan(s * first_weight) else s * first_weight,
                           second[m] * second_weight)
                for m, s in first.items() if m in second}

    # Positive weights only: a score of -0 (0 * -1) reads back as 0 from a
    # small sorted set in Redis, but as -0 from a big one.
    @rule(destination=st.none() | KEYS, union=st.booleans(), weights=WEIGHTS,
          aggregate=AGGREGATE)
    def zunion_or_inter(self, destination, union, weights, aggregate):
        result = self.union_or_inter(union, weights, aggregate)
        options = ["WEIGHTS", *map(arg, weights), "AGGREGATE", aggregate]
        name = "ZUNION" if union else "ZINTER"
        if destination is None:
            reply = self.raw.call(name, "2", "z1", "z2", *options, "WITHSCORES")
            assert reply == with_scores(*ordered(result))
            return
        self.model[destination] = result
        reply = self.raw.call(name + "STORE", destination, "2", "z1", "z2", *options)
        assert reply == integer(len(result))

    @rule(limit=st.integers(0, 3))
    def zintercard(self, limit):
        common = len(self.model[b"z1"].keys() & self.model[b"z2"].keys())
        reply = self.raw.call("ZINTERCARD", "2", "z1", "z2", "LIMIT", limit)
        assert reply == integer(min(common, limit) if limit else common)

    @rule(destination=st.none() | KEYS, first=KEYS)
    def zdiff(self, destination, first):
        second = b"z2" if first == b"z1" else b"z1"
        result = {m: s for m, s in self.model[first].items() if m not in self.model[second]}
        if destination is None:
            reply = self.raw.call("ZDIFF", "2", first, second, "WITHSCORES")
            assert reply == with_scores(*ordered(result))
            return
        self.model[destination] = result
        reply = self.raw.call("ZDIFFSTORE", destination, "2", first, second)
        assert reply == integer(len(result))

    @rule(keys=st.permutations([b"z1", b"z2"]) | KEYS.map(lambda key: [key]),
          highest=st.booleans(), count=st.none() | st.integers(1, 3))
    def zmpop(self, keys, highest, count):
        args = [] if count is None else ["COUNT", count]
        reply = self.raw.call("ZMPOP", len(keys), *keys, "MAX" if highest else "MIN", *args)
        key = next((key for key in keys if self.model[key]), None)
        if key is None:
            assert reply == NULL_ARRAY
            return
        model = self.model[key]
        items = ordered(model)[::-1] if highest else ordered(model)
        popped = items[:count or 1]
        for member, _ in popped:
            del model[member]
        assert reply == zmpop_reply(key, *popped)

    @rule(key=KEYS, count=st.integers(-4, 4), withscores=st.booleans())
    def zrandmember(self, key, count, withscores):
        model = self.model[key]
        args = ["WITHSCORES"] if withscores else []
        reply = self.raw.call("ZRANDMEMBER", key, count, *args)
        if not model or count == 0:
            assert reply == EMPTY_ARRAY
            return
        if count >= len(model):  # everything, highest score first
            everything = ordered(model)[::-1]
            assert reply == (with_scores(*everything) if withscores
                             else bulks(*[m for m, _ in everything]))
            return
        picks = decode(reply)
        members = picks[::2] if withscores else picks
        assert len(members) == abs(count)
        assert set(members) <= model.keys()
        if count > 0:
            assert len(set(members)) == count
        if withscores:
            assert [score_text(model[m]) for m in members] == picks[1::2]

    @rule(count=st.integers(120, 140), base=st.integers(0, 3))
    def grow_past_the_listpack_limit(self, count, base):
        # Redis converts a sorted set of more than 128 members to a skiplist.
        members = {b"big%03d" % i: float(base + i % 7) for i in range(count)}
        new = len(members.keys() - self.model[b"z1"].keys())
        self.model[b"z1"].update(members)
        args = [x for m, s in members.items() for x in (arg(s), m)]
        assert self.raw.call("ZADD", "z1", *args) == integer(new)

    @rule(members=st.lists(MEMBERS, min_size=1, max_size=3))
    def lex_add(self, members):
        new = set(members) - self.lex
        self.lex |= new
        reply = self.raw.call("ZADD", "lex", *[x for m in members for x in (b"0", m)])
        assert reply == integer(len(new))

    @rule(low=st.tuples(st.sampled_from(b"([-"), MEMBERS),
          high=st.tuples(st.sampled_from(b"([+"), MEMBERS), remove=st.booleans())
    def lex_range(self, low, high, remove):
        def item(kind, member):
            return bytes([kind]) + (member if kind in b"([" else b"")

        def inside(member):
            above = {ord("("): member > low[1], ord("["): member >= low[1]}.get(low[0], True)
            below = {ord("("): member < high[1], ord("["): member <= high[1]}.get(high[0], True)
            return above and below

        found = sorted(m for m in self.lex if inside(m))
        if remove:
            self.lex -= set(found)
            assert self.raw.call("ZREMRANGEBYLEX", "lex", item(*low), item(*high)) == integer(
                len(found))
        else:
            assert self.raw.call("ZRANGEBYLEX", "lex", item(*low), item(*high)) == bulks(*found)
            assert self.raw.call("ZLEXCOUNT", "lex", item(*low), item(*high)) == integer(
                len(found))

    @invariant()
    def sorted_sets_agree(self):
        for key, model in self.model.items():
            assert self.raw.call("ZRANGE", key, 0, -1, "WITHSCORES") == with_scores(
                *ordered(model))
            assert self.raw.call("EXISTS", key) == integer(bool(model))
        assert self.raw.call("ZRANGE", "lex", 0, -1) == bulks(*sorted(self.lex))


@pytest.mark.exercise("04-zsl-insert", "04-zsl-get-rank")
def test_sorted_set_commands_agree_with_a_python_dict(server):
    run_state_machine_as_test(
        lambda: ZSetMachine(server.port),
        settings=settings(max_examples=40, stateful_step_count=30, deadline=None))
