"""SORT and SORT_RO: lists, sets and sorted sets sorted as numbers or as
strings (ALPHA), by other keys (BY), with GET, LIMIT and STORE, and the
errors of each, as Redis 7.0 does them.

ALPHA compares with strcoll(), which follows the server's locale: the
strings sorted here are lower-case ASCII letters, which every locale
orders alike."""

import pytest
from support.replies import (
    EMPTY_ARRAY,
    NULL,
    NULL3,
    SYNTAX_ERROR,
    WRONGTYPE,
    arity,
    bulk,
    bulks,
    error,
    integer,
)
from support.wire import decode

SCORE_ERROR = error("One or more scores can't be converted into double")


def with_nulls(*items: str | None, null: bytes = NULL) -> bytes:
    """An array of bulk strings, None items as `null`."""
    return b"*%d\r\n" % len(items) + b"".join(
        null if item is None else bulk(item) for item in items)


# Sorting as numbers (the default)

def test_sort_orders_a_list_by_the_numbers_its_elements_hold(raw):
    raw.call("RPUSH", "l", "3", "10", "-1.5", "2", "0")
    assert raw.call("SORT", "l") == bulks("-1.5", "0", "2", "3", "10")
    assert raw.call("SORT", "l", "DESC") == bulks("10", "3", "2", "0", "-1.5")


def test_sort_reads_numbers_as_strtod_does(raw):
    raw.call("RPUSH", "l", "0x10", " 7", "+5", ".5", "5.", "", "-inf", "1e3")
    assert raw.call("SORT", "l") == bulks(
        "-inf", "", ".5", "+5", "5.", " 7", "0x10", "1e3")


@pytest.mark.parametrize("element", [
    "abc", "1 ", "1_000", "nan", "1e500", "-1e500", "1e-310", "1e-400",
])
def test_sort_refuses_elements_that_are_not_numbers_in_range(raw, element):
    raw.call("RPUSH", "l", "1", element)
    assert raw.call("SORT", "l") == SCORE_ERROR


def test_sort_takes_an_exact_tiny_hexadecimal_number(raw):
    # strtod() only flags a number below the smallest normal double when
    # it cannot hold it exactly: 2**-1074 is the smallest one it can.
    raw.call("RPUSH", "l", "0x1p-1074", "0", "-0x1p-1074")
    assert raw.call("SORT", "l") == bulks("-0x1p-1074", "0", "0x1p-1074")


def test_sort_breaks_ties_between_equal_numbers_by_their_bytes(raw):
    raw.call("RPUSH", "l", "1.0", "1", "01", "0x1")
    assert raw.call("SORT", "l") == bulks("01", "0x1", "1", "1.0")
    assert raw.call("SORT", "l", "DESC") == bulks("1.0", "1", "0x1", "01")


def test_sort_orders_a_set_and_the_members_of_a_sorted_set(raw):
    raw.call("SADD", "s", "30", "1", "200", "-4")
    raw.call("ZADD", "z", "1", "30", "2", "1", "3", "-4")
    assert raw.call("SORT", "s") == bulks("-4", "1", "30", "200")
    # A sorted set is sorted by its members, not by their scores.
    assert raw.call("SORT", "z") == bulks("-4", "1", "30")


def test_sort_of_a_missing_key_is_an_empty_array(raw):
    assert raw.call("SORT", "nokey") == EMPTY_ARRAY
    assert raw.call("SORT", "nokey", "ALPHA", "DESC") == EMPTY_ARRAY


# ALPHA

def test_sort_alpha_orders_strings(raw):
    raw.call("RPUSH", "l", "pear", "apple", "fig", "app")
    assert raw.call("SORT", "l", "ALPHA") == bulks("app", "apple", "fig", "pear")
    assert raw.call("SORT", "l", "ALPHA", "DESC") == bulks(
        "pear", "fig", "apple", "app")


def test_sort_alpha_needs_no_numbers(raw):
    raw.call("SADD", "s", "b", "c", "a")
    assert raw.call("SORT", "s", "ALPHA") == bulks("a", "b", "c")
    assert raw.call("SORT", "s") == SCORE_ERROR


def test_options_come_in_any_order_and_case_the_last_of_asc_desc_wins(raw):
    raw.call("RPUSH", "l", "b", "c", "a")
    assert raw.call("SORT", "l", "desc", "alpha", "asc") == bulks("a", "b", "c")
    assert raw.call("SORT", "l", "Asc", "Alpha", "Desc") == bulks("c", "b", "a")


# LIMIT

@pytest.mark.parametrize(("offset", "count", "expected"), [
    ("1", "2", ["2", "3"]),
    ("0", "10", ["1", "2", "3", "4", "5"]),
    ("-3", "2", ["1", "2"]),  # a negative offset is 0
    ("3", "-1", ["4", "5"]),  # a negative count is all the rest
    ("2", "0", []),
    ("5", "1", []),
    ("99", "-1", []),
])
def test_sort_limit_takes_a_slice_of_the_sorted_elements(raw, offset, count,
                                                          expected):
    raw.call("RPUSH", "l", "5", "3", "1", "4", "2")
    assert raw.call("SORT", "l", "LIMIT", offset, count) == bulks(*expected)


def test_sort_limit_applies_after_desc(raw):
    raw.call("RPUSH", "l", "5", "3", "1", "4", "2")
    assert raw.call("SORT", "l", "DESC", "LIMIT", "1", "2") == bulks("4", "3")


# BY

def test_sort_by_a_pattern_sorts_by_the_numbers_in_other_keys(raw):
    raw.call("RPUSH", "l", "a", "b", "c")
    raw.call("MSET", "w_a", "30", "w_b", "10", "w_c", "20")
    assert raw.call("SORT", "l", "BY", "w_*") == bulks("b", "c", "a")
    assert raw.call("SORT", "l", "BY", "w_*", "DESC") == bulks("a", "c", "b")


def test_sort_by_a_missing_key_counts_as_zero_with_ties_by_element(raw):
    raw.call("RPUSH", "l", "c", "b", "a", "d")
    raw.call("MSET", "w_a", "-1", "w_d", "5")
    assert raw.call("SORT", "l", "BY", "w_*") == bulks("a", "b", "c", "d")


def test_sort_by_a_hash_field(raw):
    raw.call("RPUSH", "l", "1", "2", "3")
    raw.call("HSET", "h_1", "age", "40")
    raw.call("HSET", "h_2", "age", "20")
    raw.call("HSET", "h_3", "age", "30")
    assert raw.call("SORT", "l", "BY", "h_*->age") == bulks("2", "3", "1")


def test_sort_by_a_key_that_holds_no_number_is_an_error(raw):
    raw.call("RPUSH", "l", "1", "2")
    raw.call("SET", "w_2", "heavy")
    assert raw.call("SORT", "l", "BY", "w_*") == SCORE_ERROR


def test_sort_by_a_key_of_another_type_counts_as_missing(raw):
    raw.call("RPUSH", "l", "a", "b")
    raw.call("SET", "w_a", "5")
    raw.call("RPUSH", "w_b", "1")  # a list where a string is expected
    raw.call("SET", "h_a", "5")  # a string where a hash is expected
    assert raw.call("SORT", "l", "BY", "w_*", "DESC") == bulks("a", "b")
    assert raw.call("SORT", "l", "BY", "h_*->f") == bulks("a", "b")


def test_sort_alpha_by_sorts_by_the_strings_in_other_keys(raw):
    raw.call("RPUSH", "l", "1", "2", "3")
    raw.call("MSET", "n_1", "carol", "n_2", "alice", "n_3", "bob")
    assert raw.call("SORT", "l", "BY", "n_*", "ALPHA") == bulks("2", "3", "1")


def test_sort_alpha_by_puts_missing_keys_first_and_keeps_ties_in_list_order(raw):
    raw.call("RPUSH", "l", "c", "b", "a", "d")
    raw.call("MSET", "w_c", "x", "w_a", "x")
    assert raw.call("SORT", "l", "BY", "w_*", "ALPHA") == bulks("b", "d", "c", "a")
    # DESC reverses the comparison, not the result: ties keep their order.
    assert raw.call("SORT", "l", "BY", "w_*", "ALPHA", "DESC") == bulks(
        "c", "a", "b", "d")


def test_only_the_first_star_of_a_pattern_is_replaced(raw):
    raw.call("RPUSH", "l", "a", "b")
    raw.call("MSET", "w_a_*", "2", "w_b_*", "1", "w_a_a", "1", "w_b_b", "2")
    assert raw.call("SORT", "l", "BY", "w_*_*") == bulks("b", "a")


def test_a_pattern_arrow_before_the_star_or_with_no_field_is_part_of_the_key(raw):
    raw.call("RPUSH", "l", "a", "b")
    raw.call("MSET", "x->a", "2", "x->b", "1", "a->", "1", "b->", "2")
    assert raw.call("SORT", "l", "BY", "x->*") == bulks("b", "a")
    assert raw.call("SORT", "l", "BY", "*->") == bulks("a", "b")


# BY nosort: a pattern without "*"

def test_sort_by_a_constant_keeps_a_lists_order(raw):
    raw.call("RPUSH", "l", "c", "a", "b", "d")
    assert raw.call("SORT", "l", "BY", "nosort") == bulks("c", "a", "b", "d")
    assert raw.call("SORT", "l", "BY", "nosort", "DESC") == bulks("d", "b", "a", "c")
    assert raw.call("SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2") == bulks(
        "b", "a")


def test_a_constant_by_is_not_undone_by_a_later_pattern(raw):
    # sortCommandGeneric() sets dontsort for a BY without "*" and never
    # clears it; the last BY still names the weights, which are not read.
    raw.call("RPUSH", "l", "3", "1", "2")
    raw.call("SET", "w_1", "not a number")
    assert raw.call("SORT", "l", "BY", "nosort", "BY", "w_*") == bulks("3", "1", "2")
    assert raw.call("SORT", "l", "BY", "w_*", "BY", "nosort") == bulks("3", "1", "2")
    assert raw.call("SORT", "l", "BY", "nosort", "BY", "w_*", "STORE", "out") == b":3\r\n"
    assert raw.call("LRANGE", "out", "0", "-1") == bulks("3", "1", "2")


def test_sort_by_nosort_does_not_need_numbers(raw):
    raw.call("RPUSH", "l", "x", "1", "y")
    assert raw.call("SORT", "l", "BY", "nosort", "ALPHA") == bulks("x", "1", "y")
    assert raw.call("SORT", "l", "BY", "nosort") == bulks("x", "1", "y")


def test_sort_by_nosort_keeps_a_sorted_sets_score_order(raw):
    raw.call("ZADD", "z", "1", "c", "2", "a", "3", "d", "4", "b")
    assert raw.call("SORT", "z", "BY", "nosort") == bulks("c", "a", "d", "b")
    assert raw.call("SORT", "z", "BY", "nosort", "DESC") == bulks("b", "d", "a", "c")
    assert raw.call("SORT", "z", "BY", "nosort", "LIMIT", "1", "2") == bulks("a", "d")
    assert raw.call("SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "5") == bulks(
        "d", "a", "c")


def test_sort_by_nosort_replies_with_all_of_a_set(raw):
    raw.call("SADD", "s", "b", "c", "a")
    reply = decode(raw.call("SORT", "s", "BY", "nosort"))
    assert sorted(reply) == [b"a", b"b", b"c"]  # in the set's own order


def test_sort_by_nosort_still_sorts_a_set_it_stores(raw):
    # A set has no order; a stored list must be the same on every replica.
    raw.call("SADD", "s", "b", "c", "a", "10", "9")
    assert raw.call("SORT", "s", "BY", "nosort", "STORE", "dst") == integer(5)
    assert raw.call("LRANGE", "dst", "0", "-1") == bulks("10", "9", "a", "b", "c")
    assert raw.call("SORT", "s", "BY", "nosort", "DESC", "STORE", "dst") == integer(5)
    assert raw.call("LRANGE", "dst", "0", "-1") == bulks("c", "b", "a", "9", "10")


# GET

def test_sort_get_replies_with_other_keys_for_each_element(raw):
    raw.call("RPUSH", "l", "2", "1")
    raw.call("MSET", "name_1", "one", "name_2", "two")
    raw.call("HSET", "h_1", "f", "uno")
    assert raw.call("SORT", "l", "GET", "#", "GET", "name_*", "GET", "h_*->f") == (
        with_nulls("1", "one", "uno", "2", "two", None))


@pytest.mark.parametrize("pattern", ["nostar", "h_*->f", "name_*"])
def test_sort_get_of_nothing_is_null(raw, pattern):
    raw.call("RPUSH", "l", "1")
    raw.call("HSET", "name_1", "f", "v")  # a hash where a string is wanted
    raw.call("SET", "h_1", "v")  # a string where a hash is wanted
    assert raw.call("SORT", "l", "GET", pattern) == with_nulls(None)


def test_sort_get_nulls_are_resp3_nulls(raw3):
    raw3.call("RPUSH", "l", "1", "2")
    raw3.call("SET", "name_2", "two")
    assert raw3.call("SORT", "l", "GET", "name_*") == with_nulls(None, "two", null=NULL3)


def test_sort_get_with_limit_by_and_desc(raw):
    raw.call("RPUSH", "l", "a", "b", "c")
    raw.call("MSET", "w_a", "3", "w_b", "1", "w_c", "2", "o_a", "A", "o_b", "B", "o_c", "C")
    assert raw.call("SORT", "l", "BY", "w_*", "GET", "o_*", "DESC", "LIMIT", "0", "2") == (
        bulks("A", "C"))


# STORE

def test_sort_store_saves_the_result_as_a_list_and_replies_its_length(raw):
    raw.call("SADD", "s", "3", "1", "2")
    raw.call("SET", "dst", "a string")  # replaced, whatever its type
    assert raw.call("SORT", "s", "DESC", "STORE", "dst") == integer(3)
    assert raw.call("TYPE", "dst") == b"+list\r\n"
    assert raw.call("LRANGE", "dst", "0", "-1") == bulks("3", "2", "1")


def test_sort_store_saves_missing_get_values_as_empty_strings(raw):
    raw.call("RPUSH", "l", "1", "2")
    raw.call("SET", "name_1", "one")
    assert raw.call("SORT", "l", "GET", "#", "GET", "name_*", "STORE", "dst") == integer(4)
    assert raw.call("LRANGE", "dst", "0", "-1") == bulks("1", "one", "2", "")


def test_sort_store_of_nothing_deletes_the_destination(raw):
    raw.call("RPUSH", "l", "1", "2")
    raw.call("SET", "dst", "old")
    assert raw.call("SORT", "l", "LIMIT", "5", "1", "STORE", "dst") == integer(0)
    assert raw.call("EXISTS", "dst") == integer(0)
    raw.call("SET", "dst", "old")
    assert raw.call("SORT", "nokey", "STORE", "dst") == integer(0)
    assert raw.call("EXISTS", "dst") == integer(0)


def test_sort_store_can_replace_the_key_it_sorts(raw):
    raw.call("RPUSH", "l", "3", "1", "2")
    assert raw.call("SORT", "l", "STORE", "l") == integer(3)
    assert raw.call("LRANGE", "l", "0", "-1") == bulks("1", "2", "3")


def test_sort_store_stores_nothing_when_a_score_is_wrong(raw):
    raw.call("RPUSH", "l", "1", "x")
    raw.call("SET", "dst", "old")
    assert raw.call("SORT", "l", "STORE", "dst") == SCORE_ERROR
    assert raw.call("GET", "dst") == bulk("old")


# SORT_RO

def test_sort_ro_sorts_as_sort_does(raw):
    raw.call("RPUSH", "l", "b", "c", "a")
    raw.call("MSET", "w_a", "2", "w_b", "3", "w_c", "1")
    assert raw.call("SORT_RO", "l", "ALPHA", "DESC", "LIMIT", "0", "2") == bulks("c", "b")
    assert raw.call("SORT_RO", "l", "BY", "w_*", "GET", "#", "GET", "w_*") == bulks(
        "c", "1", "a", "2", "b", "3")


def test_sort_ro_refuses_store(raw):
    raw.call("RPUSH", "l", "1")
    assert raw.call("SORT_RO", "l", "STORE", "dst") == SYNTAX_ERROR
    assert raw.call("EXISTS", "dst") == integer(0)


# Errors

@pytest.mark.parametrize("options", [
    ["LIMIT", "1"], ["BY"], ["GET"], ["STORE"], ["ALPHA", "FOO"], ["nosort"],
])
def test_sort_options_with_missing_arguments_are_syntax_errors(raw, options):
    raw.call("RPUSH", "l", "1")
    assert raw.call("SORT", "l", *options) == SYNTAX_ERROR


@pytest.mark.parametrize("limit", [["x", "1"], ["1", "1.5"], ["0", "99999999999999999999"]])
def test_sort_limit_needs_integers(raw, limit):
    raw.call("RPUSH", "l", "1")
    assert raw.call("SORT", "l", "LIMIT", *limit) == error(
        "value is not an integer or out of range")


@pytest.mark.parametrize("command", ["SORT", "SORT_RO"])
def test_sort_of_a_string_or_a_hash_is_wrongtype_after_the_options(raw, command):
    raw.call("SET", "s", "1")
    raw.call("HSET", "h", "f", "1")
    assert raw.call(command, "s") == WRONGTYPE
    assert raw.call(command, "h", "ALPHA") == WRONGTYPE
    assert raw.call(command, "s", "FOO") == SYNTAX_ERROR


@pytest.mark.parametrize("command", ["SORT", "SORT_RO"])
def test_sort_needs_a_key(raw, command):
    assert raw.call(command) == arity(command.lower())


# redis-py

def test_redis_py_sort(r):
    r.rpush("ids", 3, 1, 2)
    r.mset({"age_1": 30, "age_2": 10, "age_3": 20,
            "name_1": "ann", "name_2": "bob", "name_3": "cy"})
    assert r.sort("ids") == [b"1", b"2", b"3"]
    assert r.sort("ids", desc=True, start=0, num=2) == [b"3", b"2"]
    assert r.sort("ids", by="age_*", get=["#", "name_*"], groups=True) == [
        (b"2", b"bob"), (b"3", b"cy"), (b"1", b"ann")]
    assert r.sort("ids", by="name_*", alpha=True, store="sorted") == 3
    assert r.lrange("sorted", 0, -1) == [b"1", b"2", b"3"]
    assert r.sort_ro("ids", by="age_*", desc=True) == [b"1", b"3", b"2"]
